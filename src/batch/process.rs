//! Processing one input: read, run the pipeline, write its documents, all under a time
//! bound (a worker thread that is abandoned writes nothing), with failures recorded per
//! stage instead of stopping the batch.

use super::*;

/// [`process_guarded`] on a worker thread of its own, given up after `timeout`: the input
/// is then recorded as failed at stage `timeout`, and the thread, told it is abandoned,
/// writes nothing when (if) it finishes.
pub(super) fn process_bounded(
    input: &Input,
    ctx: &Arc<Context>,
    timeout: Option<Duration>,
) -> Outcome {
    let abandoned = Arc::new(AtomicBool::new(false));
    let Some(limit) = timeout else {
        return process_guarded(input, ctx, &abandoned);
    };
    let started = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    let (i, c, a) = (input.clone(), Arc::clone(ctx), Arc::clone(&abandoned));
    let spawned = std::thread::Builder::new()
        .name("glyphmend-input".into())
        // As much stack as the main thread: deeply nested inputs are parsed recursively.
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(process_guarded(&i, &c, &a));
        });
    if spawned.is_err() {
        return process_guarded(input, ctx, &abandoned);
    }
    match rx.recv_timeout(limit) {
        Ok(o) => o,
        Err(e) => {
            abandoned.store(true, Ordering::SeqCst);
            // Whatever an earlier run wrote for this input is no longer vouched for.
            ctx.out.remove_doc(&input.rel);
            let (stage, why) = match e {
                std::sync::mpsc::RecvTimeoutError::Timeout => (
                    Stage::Timeout,
                    format!(
                        "timeout: not done within {} s (batch --timeout); abandoned, retried on the next run",
                        limit.as_secs_f64()
                    ),
                ),
                std::sync::mpsc::RecvTimeoutError::Disconnected => {
                    (Stage::Internal, "worker ended without a result".into())
                }
            };
            let mut o = failure(input, None, None, stage, why);
            o.timing.total_ms = ms(started);
            o
        }
    }
}

/// [`process`], with a panic in any stage turned into a failure of this input.
pub(super) fn process_guarded(input: &Input, ctx: &Context, abandoned: &AtomicBool) -> Outcome {
    let started = Instant::now();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        process(input, ctx, abandoned)
    })) {
        Ok(o) => o,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let mut o = failure(input, None, None, Stage::Internal, format!("panic: {msg}"));
            o.timing.total_ms = ms(started);
            o
        }
    }
}

pub(super) fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

pub(super) fn failure(
    input: &Input,
    bytes: Option<u64>,
    sha256: Option<String>,
    stage: Stage,
    error: String,
) -> Outcome {
    Outcome {
        entry: InputEntry {
            path: input.rel.clone(),
            kind: input.kind,
            bytes,
            sha256,
            status: Status::Failed,
            failed_stage: Some(stage),
            error: Some(error),
            warnings: Vec::new(),
            attention: None,
            pages: 0,
            spans: Default::default(),
            records: 0,
            outputs: None,
        },
        timing: FileTiming {
            path: input.rel.clone(),
            ..Default::default()
        },
        corpus: Vec::new(),
        records: Vec::new(),
    }
}

/// The manifest entry of an input that went through, from its stored document.
pub(super) fn done_entry(input: &Input, bytes: u64, doc: &DocResult, records: usize) -> InputEntry {
    InputEntry {
        path: input.rel.clone(),
        kind: input.kind,
        bytes: Some(bytes),
        sha256: Some(doc.sha256.clone()),
        status: if doc.attention.is_some() {
            Status::NeedsAttention
        } else {
            Status::Ok
        },
        failed_stage: None,
        error: None,
        warnings: doc.warnings.clone(),
        attention: doc.attention.clone(),
        pages: doc.pages.len(),
        spans: crate::export::corpus::SpanCounts::of(&doc.pages),
        records,
        outputs: Some(OutDir::doc_dir_rel(&input.rel)),
    }
}

/// Processes one input: read, the pipeline, records, write its outputs.
// Long: one input's stages in sequence, each timed into the same record.
pub(super) fn process(input: &Input, ctx: &Context, abandoned: &AtomicBool) -> Outcome {
    let t0 = Instant::now();
    let mut timing = FileTiming {
        path: input.rel.clone(),
        ..Default::default()
    };
    let bytes = match std::fs::read(&input.abs) {
        Ok(b) => b,
        Err(e) => {
            let mut o = failure(input, None, None, Stage::Read, format!("cannot read: {e}"));
            o.timing.total_ms = ms(t0);
            return o;
        }
    };
    let size = bytes.len() as u64;
    let sha = hex::encode(Sha256::digest(&bytes));
    timing.read_ms = ms(t0);

    // Resume: same content, same tables (the previous manifest was filtered on the tables
    // version) → reuse what the previous run produced.
    if let Some(mut o) = reused(input, ctx, &sha, size) {
        o.timing = FileTiming {
            path: input.rel.clone(),
            skipped: true,
            read_ms: timing.read_ms,
            total_ms: ms(t0),
            ..Default::default()
        };
        return o;
    }

    let fail = |stage: Stage, error: String, timing: &FileTiming| {
        // Outputs of an earlier, successful version of this input would now be stale.
        ctx.out.remove_doc(&input.rel);
        let mut o = failure(input, Some(size), Some(sha.clone()), stage, error);
        o.timing = FileTiming {
            total_ms: ms(t0),
            ..timing.clone()
        };
        o
    };
    // Errors name the input by its path relative to the batch directory, as the manifest.
    let message = |e: &PipelineError| match e {
        PipelineError::Decode { source, .. } => source.to_string(),
        e => e.to_string(),
    };

    let t = Instant::now();
    let doc = match Source::from_bytes(input.rel.clone(), bytes, input.kind)
        .and_then(|source| ctx.pipeline.run(source))
    {
        Ok(doc) => doc,
        Err(e) => return fail(e.stage(), message(&e), &timing),
    };
    timing.pipeline_ms = ms(t);

    let t = Instant::now();
    let records = crate::pipeline::records(&doc);
    timing.records_ms = ms(t);

    let t = Instant::now();
    let result = doc.to_result(&input.rel);
    if abandoned.load(Ordering::SeqCst) {
        // Timed out: the batch has recorded this input as failed and moved on.
        return failure(input, Some(size), None, Stage::Timeout, "abandoned".into());
    }
    if let Err(e) = ctx.out.write_doc(&result, &records) {
        // Nothing was replaced (see `OutDir::write_doc`): the previous outputs stay, unlisted
        // by this run's manifest, until the retry on the next run replaces them.
        let mut o = failure(
            input,
            Some(size),
            Some(sha.clone()),
            Stage::Write,
            format!("{e}; previous outputs kept, retried on the next run"),
        );
        o.timing = FileTiming {
            total_ms: ms(t0),
            ..timing
        };
        return o;
    }
    let entry = done_entry(input, size, &result, records.len());
    // Best effort: without the line, a killed run only redoes this input.
    let _ = ctx.out.append_journal(&JournalLine {
        tables_version: ctx.tables_version.clone(),
        entry: entry.clone(),
    });
    timing.write_ms = ms(t);
    timing.total_ms = ms(t0);
    Outcome {
        entry,
        timing,
        corpus: result.corpus_lines(),
        records,
    }
}

/// What the previous run produced for this input, when its content (`sha`) and kind are
/// the same (and not `--force`): its failure in one of the pipeline's own stages, or its
/// outputs when every file is still there.
fn reused(input: &Input, ctx: &Context, sha: &str, size: u64) -> Option<Outcome> {
    if ctx.force {
        return None;
    }
    let prev = ctx.previous.get(&input.rel)?;
    if prev.sha256.as_deref() != Some(sha) || prev.kind != input.kind {
        return None;
    }
    if prev.status == Status::Failed {
        // The same bytes fail the same way in the pipeline's own stages; a failure to
        // read or write (a full disk, permissions), a timeout or a panic may not recur.
        matches!(
            prev.failed_stage,
            Some(Stage::Decode | Stage::Extract | Stage::Repair | Stage::Records)
        )
        .then(|| Outcome {
            entry: prev.clone(),
            timing: FileTiming::default(),
            corpus: Vec::new(),
            records: Vec::new(),
        })
    } else {
        // Every output file must still be there (one deleted is regenerated).
        ctx.out
            .doc_complete(&input.rel)
            .then(|| ctx.out.read_doc(&input.rel).ok())
            .flatten()
            .filter(|(doc, _)| doc.sha256 == sha)
            .map(|(doc, records)| Outcome {
                entry: done_entry(input, size, &doc, records.len()),
                timing: FileTiming::default(),
                corpus: doc.corpus_lines(),
                records,
            })
    }
}
