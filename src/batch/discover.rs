//! Finding a batch's inputs: walking the input directory in a stable order, naming each
//! input by its `/`-separated relative path (undecodable names escaped, so two never
//! collide), and recording what is not processed (symlinks, unreadable entries) as skipped
//! rather than dropping it. The output directory, if it lies inside, is left out.

use super::*;

/// `/`-separated path of `p` relative to `dir`, each component as [`name_of`] gives it.
pub(super) fn rel_of(dir: &Path, p: &Path) -> String {
    let rel_path = p.strip_prefix(dir).unwrap_or(p);
    let rel: Vec<String> = rel_path
        .components()
        .map(|c| name_of(c.as_os_str()))
        .collect();
    rel.join("/")
}

/// A file name as text: UTF-8 names as they are; in a name that is not UTF-8, each invalid
/// byte as `%XX` and each `%` as `%25`, so that two names differing only in invalid bytes
/// get different, stable outputs (a lossy decoding made `x\xff` and `x\xfe` one name).
pub(super) fn name_of(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('%', "%25"));
            for b in chunk.invalid() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// All `.pdf` and `.txt` files under `dir` (recursively, not following symlinks), sorted by
/// relative path, excluding the output directory if it lies inside; and the entries skipped
/// (symbolic links, unreadable entries), sorted too. Only an unreadable `dir` itself is an
/// error.
pub(super) fn discover(
    dir: &Path,
    out_dir: &Path,
) -> Result<(Vec<Input>, Vec<manifest::SkippedEntry>), BatchError> {
    use manifest::{SkipReason, SkippedEntry};
    let out_canon = out_dir.canonicalize().ok();
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            out_canon.as_ref().is_none_or(|o| {
                !e.file_type().is_dir() || e.path().canonicalize().ok().as_ref() != Some(o)
            })
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if e.depth() > 0 => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let detail = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                skipped.push(SkippedEntry {
                    path: rel_of(dir, &path),
                    reason: SkipReason::Unreadable,
                    detail,
                });
                continue;
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                return Err(BatchError::Io {
                    path,
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("directory walk failed")),
                });
            }
        };
        if entry.path_is_symlink() && entry.depth() > 0 {
            let target = std::fs::read_link(entry.path())
                .map(|t| format!("symbolic link to {}, not followed", t.display()))
                .unwrap_or_else(|_| "symbolic link, not followed".into());
            skipped.push(SkippedEntry {
                path: rel_of(dir, entry.path()),
                reason: SkipReason::Symlink,
                detail: target,
            });
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(kind) = SourceKind::of_extension(entry.path()) else {
            continue;
        };
        inputs.push(Input {
            rel: rel_of(dir, entry.path()),
            abs: entry.path().to_path_buf(),
            kind,
        });
    }
    inputs.sort_by(|a, b| a.rel.cmp(&b.rel));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((inputs, skipped))
}
