//! A thin layer over lopdf: loading with a password, reference resolution that cannot
//! loop, and stream decoding with a per-stream size cap (decompression bombs).

use lopdf::{Object, Stream};

/// A loaded document plus the limits that apply to it.
pub struct Pdf {
    pub doc: lopdf::Document,
    pub max_stream_bytes: usize,
}

/// Why a file could not be opened at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    Encrypted { password_given: bool },
    Unreadable(String),
}

impl Pdf {
    /// Parses a PDF. An encrypted file is opened with `password` (the empty user password if
    /// none is given).
    pub fn load(
        bytes: &[u8],
        password: Option<&str>,
        max_stream_bytes: usize,
    ) -> Result<Pdf, LoadFailure> {
        if !bytes.starts_with(b"%PDF")
            && memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF").is_none()
        {
            return Err(LoadFailure::Unreadable("not a PDF (no %PDF header)".into()));
        }
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

    /// Decoded stream content, at most `max_stream_bytes`.
    pub fn stream_bytes(&self, s: &Stream) -> Result<Vec<u8>, String> {
        if s.dict.get(b"Filter").is_err() {
            if s.content.len() > self.max_stream_bytes {
                return Err(format!(
                    "stream larger than the {} byte limit",
                    self.max_stream_bytes
                ));
            }
            return Ok(s.content.clone());
        }
        // lopdf reports a corrupt stream and one over the limit alike, so say both.
        s.decompressed_content_with_limit(self.max_stream_bytes)
            .map_err(|e| {
                format!(
                    "cannot decode stream (corrupt, or over the {} byte limit per stream): {e}",
                    self.max_stream_bytes
                )
            })
    }
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
