//! A thin layer over lopdf: loading with a password, reference resolution that cannot
//! loop, and stream decoding with a per-stream size cap (decompression bombs) and a
//! per-document [`Meter`] (every decode is charged to it).

use super::budget::{Budget, Meter};
use lopdf::{Object, ObjectId, Stream};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A loaded document plus the limits that apply to it.
pub struct Pdf {
    /// The parsed document.
    pub doc: lopdf::Document,
    /// Cap on one decoded stream (bytes).
    pub max_stream_bytes: usize,
    /// What this document has used of its budget.
    pub meter: Meter,
    /// What was odd about the file itself (read anyway).
    pub load_warnings: Vec<String>,
    /// Embedded font programs decoded and read so far, by stream object: fonts sharing one
    /// (a simple and a Type0 font over the same subset) decode and parse it once.
    programs: RefCell<HashMap<ObjectId, Rc<super::font::Program>>>,
}

/// Why a file could not be opened at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    /// Encrypted, and the password (or the empty one) does not open it.
    Encrypted {
        /// Whether a password was given.
        password_given: bool,
    },
    /// Not a PDF, or damaged beyond reading (the reason).
    Unreadable(String),
}

impl Pdf {
    /// A document with the default budget.
    pub fn new(doc: lopdf::Document, max_stream_bytes: usize) -> Pdf {
        Pdf {
            doc,
            max_stream_bytes,
            meter: Meter::default(),
            load_warnings: Vec::new(),
            programs: RefCell::default(),
        }
    }

    /// Parses a PDF. An encrypted file is opened with `password` (the empty user password if
    /// none is given).
    pub fn load(
        bytes: &[u8],
        password: Option<&str>,
        max_stream_bytes: usize,
        budget: Budget,
    ) -> Result<Pdf, LoadFailure> {
        let mut load_warnings = Vec::new();
        let patched;
        let bytes = if bytes.starts_with(b"%PDF")
            || memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF").is_some()
        {
            bytes
        } else if looks_like_pdf(bytes) {
            // pdftotext reads a PDF whose `%PDF-` line was lost; so do we (lopdf needs the
            // line, and rebuilds the cross-reference table if offsets are off by it).
            load_warnings.push("no %PDF- header line; read as a PDF anyway".to_string());
            patched = [&b"%PDF-1.7\n"[..], bytes].concat();
            &patched[..]
        } else {
            return Err(LoadFailure::Unreadable("not a PDF (no %PDF header)".into()));
        };
        let encrypted_hint = memchr::memmem::find(bytes, b"/Encrypt").is_some();
        let opts = lopdf::LoadOptions::with_password(password.unwrap_or(""));
        // lopdf is not ours: a panic inside it on hostile input must not take the caller
        // down, so it is contained here and reported as unreadable.
        let loaded =
            std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, opts));
        let doc = match loaded {
            Ok(Ok(doc)) => doc,
            Ok(Err(e)) => {
                let msg = e.to_string();
                if encrypted_hint
                    && (msg.contains("password")
                        || msg.contains("decrypt")
                        || msg.contains("ncrypt"))
                {
                    if let Some(doc) = load_identity_encrypted(bytes) {
                        load_warnings.push(
                            "encrypted only for its embedded files (pages and strings are \
                             not); read without a password, attachments not read"
                                .to_string(),
                        );
                        return Ok(Pdf {
                            doc,
                            max_stream_bytes,
                            meter: Meter::new(budget),
                            load_warnings,
                            programs: RefCell::default(),
                        });
                    }
                    return Err(LoadFailure::Encrypted {
                        password_given: password.is_some(),
                    });
                }
                return Err(LoadFailure::Unreadable(msg));
            }
            Err(_) => {
                return Err(LoadFailure::Unreadable(
                    "parser failed on malformed input".into(),
                ));
            }
        };
        if doc.is_encrypted() && doc.encryption_state.is_none() {
            return Err(LoadFailure::Encrypted {
                password_given: password.is_some(),
            });
        }
        Ok(Pdf {
            doc,
            max_stream_bytes,
            meter: Meter::new(budget),
            load_warnings,
            programs: RefCell::default(),
        })
    }

    /// Follows references (at most 32 hops, so a reference cycle ends).
    pub fn resolve<'a>(&'a self, mut obj: &'a Object) -> Option<&'a Object> {
        for _ in 0..32 {
            match obj {
                Object::Reference(id) => obj = self.doc.get_object(*id).ok()?,
                _ => return Some(obj),
            }
        }
        None
    }

    /// Decoded stream content, at most `max_stream_bytes`, charged to the document's meter.
    pub fn stream_bytes(&self, s: &Stream) -> Result<Vec<u8>, String> {
        if self.meter.exhausted() {
            return Err("not decoded: the document is over its budget".into());
        }
        let b = self.decode(s)?;
        if !self.meter.charge_bytes(b.len()) {
            return Err("not decoded: the document is over its budget".into());
        }
        Ok(b)
    }

    /// An embedded font program (stream `s`, object `id` when it is a reference), decoded
    /// and read by `read` once per document. Every use is charged to the meter as a decode
    /// of its bytes would be, so the budget runs out where it did when each font decoded its
    /// own copy.
    pub(crate) fn program(
        &self,
        id: Option<ObjectId>,
        s: &Stream,
        read: impl FnOnce(Vec<u8>) -> super::font::Program,
    ) -> Result<Rc<super::font::Program>, String> {
        let cached = id.and_then(|id| self.programs.borrow().get(&id).cloned());
        let Some(p) = cached else {
            let p = Rc::new(read(self.stream_bytes(s)?));
            if let Some(id) = id {
                self.programs.borrow_mut().insert(id, Rc::clone(&p));
            }
            return Ok(p);
        };
        if self.meter.exhausted() || !self.meter.charge_bytes(p.data.len()) {
            return Err("not decoded: the document is over its budget".into());
        }
        Ok(p)
    }

    fn decode(&self, s: &Stream) -> Result<Vec<u8>, String> {
        decode_stream(s, self.max_stream_bytes)
    }
}

/// A stream's decoded bytes, at most `max` of them (else an error), as
/// [`decode_stream_reference`] gives them: a lone `/FlateDecode` without parameters that
/// inflates cleanly (zlib-rs: to its end, checksum verified, within `max`) is inflated
/// here, 2–3× faster than lopdf's inflater; everything else — other filters, predictors,
/// and every stream zlib-rs does not end cleanly (corrupt, truncated, over `max`) — goes to
/// lopdf, whose partial output of a damaged stream is kept as it was. A complete, valid
/// zlib stream has exactly one decoding, so both give the same bytes (tested on every
/// stream of the real-world PDFs and damaged copies of them:
/// `crates/cli/tests/it/speed_identity.rs`).
pub fn decode_stream(s: &Stream, max: usize) -> Result<Vec<u8>, String> {
    if lone_flate(s)
        && let Some(b) = inflate_clean(&s.content, max)
    {
        return Ok(b);
    }
    decode_stream_reference(s, max)
}

/// [`decode_stream`] by lopdf alone (the reference the fast path is tested against).
pub fn decode_stream_reference(s: &Stream, max: usize) -> Result<Vec<u8>, String> {
    if s.dict.get(b"Filter").is_err() {
        if s.content.len() > max {
            return Err(format!("stream larger than the {max} byte limit"));
        }
        return Ok(s.content.clone());
    }
    // lopdf reports a corrupt stream and one over the limit alike, so say both.
    s.decompressed_content_with_limit(max).map_err(|e| {
        format!("cannot decode stream (corrupt, or over the {max} byte limit per stream): {e}")
    })
}

/// `/Filter /FlateDecode` or `[/FlateDecode]`, no `/DecodeParms` (so no predictor), and
/// some input (lopdf returns nothing for an empty one without inflating).
fn lone_flate(s: &Stream) -> bool {
    let flate = |o: &Object| o.as_name().ok() == Some(&b"FlateDecode"[..]);
    let filter = match s.dict.get(b"Filter") {
        Ok(Object::Array(a)) => a.len() == 1 && flate(&a[0]),
        Ok(o) => flate(o),
        Err(_) => false,
    };
    filter && s.dict.get(b"DecodeParms").is_err() && !s.content.is_empty()
}

/// The zlib stream `input` inflated, if it ends cleanly (stream end reached and its
/// Adler-32 verified) in at most `max` bytes; `None` otherwise (an error, input that ends
/// first, or more than `max` bytes: inflating stops there, so a bomb costs `max`).
fn inflate_clean(input: &[u8], max: usize) -> Option<Vec<u8>> {
    use zlib_rs::{Inflate, InflateFlush, Status};
    let mut z = Inflate::new(true, 15);
    // A first guess of 4× (font programs and content streams inflate 3–8×), doubled as
    // needed; never more than one byte past `max`.
    let cap = |n: usize| n.min(max.saturating_add(1));
    let mut out = vec![0u8; cap(input.len().saturating_mul(4).max(4096))];
    let mut len = 0;
    loop {
        let (done_in, done_out) = (z.total_in(), z.total_out());
        let rest = input.get(usize::try_from(done_in).ok()?..)?;
        let status = z
            .decompress(rest, &mut out[len..], InflateFlush::NoFlush)
            .ok()?;
        len += usize::try_from(z.total_out() - done_out).ok()?;
        if len > max {
            return None;
        }
        match status {
            Status::StreamEnd => {
                out.truncate(len);
                return Some(out);
            }
            // Output full: make room (up to one byte past `max`, which then ends it).
            _ if len == out.len() => {
                if out.len() > max {
                    return None;
                }
                out.resize(cap(out.len().saturating_mul(2)), 0);
            }
            // Room left, yet no progress: the input ended before the stream did.
            _ if z.total_in() == done_in && z.total_out() == done_out => return None,
            Status::BufError | Status::Ok => {}
        }
    }
}

/// The document loaded without decryption when its encryption leaves streams and strings
/// alone (`/StmF` and `/StrF` Identity, V 4 or 5: only embedded files are encrypted, with
/// `/EFF`); `None` otherwise. pdftotext reads such files without a password. lopdf loads
/// no object of an encrypted file it cannot decrypt, so the trailer's `/Encrypt` key is
/// renamed (same length: every offset stays right) and the plain objects loaded as they are.
fn load_identity_encrypted(bytes: &[u8]) -> Option<lopdf::Document> {
    let load = |b: &[u8], password: Option<String>| {
        let opts = lopdf::LoadOptions {
            password,
            ..Default::default()
        };
        std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(b, opts))
            .ok()?
            .ok()
    };
    // Without a password lopdf still reads the encryption dictionary.
    let probe = load(bytes, None)?;
    let enc = match probe.trailer.get(b"Encrypt").ok()? {
        Object::Reference(id) => probe.objects.get(id)?.as_dict().ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let v = enc.get(b"V").ok().and_then(|o| o.as_i64().ok())?;
    // Absent filters are Identity (ISO 32000-2, 7.6.5).
    let identity = |key: &[u8]| {
        enc.get(key)
            .ok()
            .is_none_or(|o| o.as_name().ok() == Some(&b"Identity"[..]))
    };
    if !((v == 4 || v == 5) && identity(b"StmF") && identity(b"StrF")) {
        return None;
    }
    let mut plain = bytes.to_vec();
    for pos in memchr::memmem::find_iter(bytes, b"/Encrypt") {
        // `/EncryptMetadata` and other longer names stay.
        let next = bytes.get(pos + 8).copied().unwrap_or(b' ');
        if !(next.is_ascii_alphanumeric() || matches!(next, b'_' | b'-' | b'.' | b'#')) {
            plain[pos + 7] = b'x';
        }
    }
    load(&plain, None).filter(|d| !d.is_encrypted())
}

/// Without a header: an indirect object near the start and a trailer or cross-reference
/// section at the end.
fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    memchr::memmem::find(head, b" obj").is_some()
        && (memchr::memmem::find(tail, b"startxref").is_some()
            || memchr::memmem::find(tail, b"trailer").is_some())
}

/// A name object as a string.
pub fn name_of(o: &Object) -> Option<String> {
    match o {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

/// A numeric object as f32 (finite only).
pub fn number(o: &Object) -> Option<f32> {
    let v = match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => return None,
    };
    v.is_finite().then_some(v)
}
