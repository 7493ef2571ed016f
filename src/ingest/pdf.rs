//! A thin layer over lopdf: loading with a password, reference resolution that cannot
//! loop, and stream decoding with a per-stream size cap (decompression bombs) and a
//! per-document [`Meter`] (every decode is charged to it).
//!
//! Object streams are read on demand. lopdf decodes every object stream at load and
//! parses every object in it; the tagged PDFs Word and Excel write keep thousands of
//! structure elements there that extraction never reads (in the MHLW files no object the
//! extraction reads is in one). [`Pdf::load`] has lopdf keep each object stream packed (a
//! load filter renames its `/Type` for the length of the load, so lopdf takes it for a
//! plain stream) and [`Pdf::object`] decodes a stream the first time an object in it is
//! asked for, with lopdf's own `ObjectStream` and lopdf's choice of copy: an object the
//! cross-reference data places in a stream is read from that stream only, one it lists as
//! free from none, any other from the first stream (by object number) that has it, and an
//! uncompressed object always wins. Invariant: every object [`Pdf::object`] returns is the
//! one lopdf's eager load would have stored under that id (tested on every object of the
//! real-world PDFs: `crates/cli/tests/it/speed_identity.rs`).

use super::budget::{Budget, Meter};
use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Object, ObjectId, ObjectStream, Stream};
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// What an object stream's `/Type` reads while lopdf loads the file (see the module notes):
/// no name lopdf parses can hold a NUL byte, so no file has it.
const PACKED_OBJECT_STREAM: &[u8] = b"ObjStm\0packed";

/// How many references lopdf's `Document::dereference` follows before giving up.
const DEREF_LIMIT: usize = 128;

/// A loaded document plus the limits that apply to it.
pub struct Pdf {
    /// The parsed document. The objects of its object streams are not in `doc.objects`
    /// when it was read by [`Pdf::load`]: read objects with [`Pdf::object`] and
    /// [`Pdf::get_object`], which read them on demand.
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
    /// The object streams lopdf left packed, by object number, each decoded on first use
    /// (`None`: it does not decode).
    packed: BTreeMap<u32, OnceCell<Option<ObjectStream>>>,
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
            packed: BTreeMap::new(),
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
        let doc = match load_guarded(bytes, password) {
            Ok(Ok(doc)) if doc.is_encrypted() && doc.encryption_state.is_none() => {
                match decrypted_with_empty_id(bytes, password) {
                    Some(doc) => {
                        load_warnings.push(EMPTY_ID_WARNING.to_string());
                        doc
                    }
                    None => {
                        return Err(LoadFailure::Encrypted {
                            password_given: password.is_some(),
                        });
                    }
                }
            }
            Ok(Ok(doc)) => doc,
            Ok(Err(e)) => {
                let msg = e.to_string();
                if !(encrypted_hint
                    && (msg.contains("password")
                        || msg.contains("decrypt")
                        || msg.contains("ncrypt")))
                {
                    return Err(LoadFailure::Unreadable(msg));
                }
                if let Some(doc) = decrypted_with_empty_id(bytes, password) {
                    load_warnings.push(EMPTY_ID_WARNING.to_string());
                    doc
                } else if let Some(doc) = load_identity_encrypted(bytes) {
                    load_warnings.push(
                        "encrypted only for its embedded files (pages and strings are \
                         not); read without a password, attachments not read"
                            .to_string(),
                    );
                    doc
                } else {
                    return Err(LoadFailure::Encrypted {
                        password_given: password.is_some(),
                    });
                }
            }
            Err(_) => {
                return Err(LoadFailure::Unreadable(
                    "parser failed on malformed input".into(),
                ));
            }
        };
        let (doc, fixed) = match lenient_endstreams(&doc, bytes).and_then(|fixed| {
            let again = load_guarded(&fixed, password).ok()?.ok()?;
            Some((again, fixed))
        }) {
            Some((again, fixed)) if again.objects.len() > doc.objects.len() => {
                load_warnings.push(
                    "streams end without an end of line before `endstream`; read them anyway"
                        .to_string(),
                );
                (again, Some(fixed))
            }
            _ => (doc, None),
        };
        let (doc, packed) = unpack_types(doc);
        let pdf = Pdf {
            doc,
            max_stream_bytes,
            meter: Meter::new(budget),
            load_warnings,
            programs: RefCell::default(),
            packed,
        };
        // With a load filter lopdf does not rebuild a cross-reference table whose page tree
        // does not load; without one it does, and so the file is read as before.
        let needs_password = pdf.doc.trailer.has(b"Encrypt") && pdf.doc.encryption_state.is_none();
        if !pdf.packed.is_empty()
            && !needs_password
            && pdf.doc.xref_recovery != Some(lopdf::xref::XrefRecovery::Reconstructed)
            && !pdf.page_tree_loaded()
            && let Ok(Ok(doc)) = load_eager(fixed.as_deref().unwrap_or(bytes), password)
        {
            return Ok(Pdf {
                doc,
                packed: BTreeMap::new(),
                ..pdf
            });
        }
        Ok(pdf)
    }

    /// lopdf's test for a page tree it can walk (`Reader::page_tree_loaded`): the catalog
    /// leads to a dictionary with a `/Kids` array.
    fn page_tree_loaded(&self) -> bool {
        self.catalog()
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_reference)
            .and_then(|root| self.get_dictionary(root))
            .and_then(|root| self.get_deref(root, b"Kids"))
            .and_then(Object::as_array)
            .is_ok()
    }

    /// The object stored under `id`, as lopdf's eager load stores it (see the module notes);
    /// references in it are not followed.
    pub fn object(&self, id: ObjectId) -> Option<&Object> {
        if let Some(o) = self.doc.objects.get(&id) {
            return Some(o);
        }
        // Objects in object streams have generation 0.
        if self.packed.is_empty() || id.1 != 0 {
            return None;
        }
        match self.doc.reference_table.get(id.0) {
            Some(XrefEntry::Compressed { container, .. }) => self.packed_object(*container, id),
            // lopdf reads a free object from an object stream only where a hybrid file's
            // `/XRefStm` did not read (its free entries may stand for compressed objects).
            Some(XrefEntry::Free | XrefEntry::UnusableFree)
                if !self.doc.trailer.has(b"XRefStm") =>
            {
                None
            }
            _ => self
                .packed
                .keys()
                .find_map(|&container| self.packed_object(container, id)),
        }
    }

    /// Object `id` of object stream `container`, decoding the stream on first use.
    fn packed_object(&self, container: u32, id: ObjectId) -> Option<&Object> {
        let cell = self.packed.get(&container)?;
        let decoded = cell.get_or_init(|| {
            let (_, Object::Stream(s)) = self
                .doc
                .objects
                .range((container, 0)..=(container, u16::MAX))
                .next()?
            else {
                return None;
            };
            ObjectStream::new_with_limit(s, Some(lopdf::DEFAULT_MAX_DECOMPRESSED_SIZE)).ok()
        });
        decoded.as_ref()?.objects.get(&id)
    }

    /// The object `id`, references followed as lopdf's `Document::get_object` follows them.
    pub fn get_object(&self, id: ObjectId) -> lopdf::Result<&Object> {
        let object = self.object(id).ok_or(lopdf::Error::ObjectNotFound(id))?;
        self.dereference(object)
    }

    /// `object` with references followed (lopdf's `Document::dereference`: at most
    /// [`DEREF_LIMIT`] of them).
    fn dereference<'a>(&'a self, mut object: &'a Object) -> lopdf::Result<&'a Object> {
        let mut hops = 0;
        while let Ok(next) = object.as_reference() {
            object = self
                .object(next)
                .ok_or(lopdf::Error::ObjectNotFound(next))?;
            hops += 1;
            if hops > DEREF_LIMIT {
                return Err(lopdf::Error::ReferenceLimit);
            }
        }
        Ok(object)
    }

    /// The dictionary `id` (lopdf's `Document::get_dictionary`).
    pub fn get_dictionary(&self, id: ObjectId) -> lopdf::Result<&Dictionary> {
        self.get_object(id).and_then(Object::as_dict)
    }

    /// The document catalog (lopdf's `Document::catalog`).
    pub fn catalog(&self) -> lopdf::Result<&Dictionary> {
        self.doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .and_then(|id| self.get_dictionary(id))
    }

    /// `dict[key]`, references followed (lopdf's `Dictionary::get_deref`).
    pub fn get_deref<'a>(&'a self, dict: &'a Dictionary, key: &[u8]) -> lopdf::Result<&'a Object> {
        self.dereference(dict.get(key)?)
    }

    /// The content streams of page `page` (lopdf's `Document::get_page_contents`).
    pub fn get_page_contents(&self, page: ObjectId) -> Vec<ObjectId> {
        let mut streams = vec![];
        let Ok(mut contents) = self.get_dictionary(page).and_then(|p| p.get(b"Contents")) else {
            return streams;
        };
        let mut hops = 0;
        loop {
            match contents {
                Object::Reference(id) => match self.object(*id) {
                    None | Some(Object::Stream(_)) => streams.push(*id),
                    Some(o) => {
                        hops += 1;
                        if hops < DEREF_LIMIT {
                            contents = o;
                            continue;
                        }
                    }
                },
                Object::Array(arr) => {
                    streams.extend(arr.iter().filter_map(|c| c.as_reference().ok()));
                }
                _ => {}
            }
            break;
        }
        streams
    }

    /// How many objects lopdf's eager load would hold (for a budget scaled to the file):
    /// the uncompressed ones plus those the cross-reference data places in object streams.
    pub fn object_count(&self) -> usize {
        let compressed = if self.packed.is_empty() {
            0
        } else {
            self.doc
                .reference_table
                .entries
                .values()
                .filter(|e| matches!(e, XrefEntry::Compressed { .. }))
                .count()
        };
        self.doc.objects.len() + compressed
    }

    /// Follows references (at most 32 hops, so a reference cycle ends).
    pub fn resolve<'a>(&'a self, mut obj: &'a Object) -> Option<&'a Object> {
        for _ in 0..32 {
            match obj {
                Object::Reference(id) => obj = self.get_object(*id).ok()?,
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
    if let Some(full) = with_full_filter_names(s) {
        return decode_stream_reference(&full, max);
    }
    // lopdf reports a corrupt stream and one over the limit alike, so say both.
    s.decompressed_content_with_limit(max).map_err(|e| {
        format!("cannot decode stream (corrupt, or over the {max} byte limit per stream): {e}")
    })
}

/// A copy of stream `s` whose `/Filter` names are written out where it uses the
/// abbreviations of inline images (`/A85 /Fl`: ISO 32000-1, table 94), which some writers
/// put on streams too and pdftotext accepts there; `None` if it uses none.
fn with_full_filter_names(s: &Stream) -> Option<Stream> {
    let full = |o: &Object| -> Option<Object> {
        let name: &[u8] = match o.as_name().ok()? {
            b"AHx" => b"ASCIIHexDecode",
            b"A85" => b"ASCII85Decode",
            b"LZW" => b"LZWDecode",
            b"Fl" => b"FlateDecode",
            b"RL" => b"RunLengthDecode",
            b"CCF" => b"CCITTFaxDecode",
            b"DCT" => b"DCTDecode",
            _ => return None,
        };
        Some(Object::Name(name.to_vec()))
    };
    let filter = match s.dict.get(b"Filter").ok()? {
        Object::Array(a) if a.iter().any(|o| full(o).is_some()) => Object::Array(
            a.iter()
                .map(|o| full(o).unwrap_or_else(|| o.clone()))
                .collect(),
        ),
        o => full(o)?,
    };
    let mut copy = s.clone();
    copy.dict.set("Filter", filter);
    Some(copy)
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

/// The file's bytes with a space or tab written straight before `endstream` (`…data
/// endstream`: AntennaHouse PDF Driver ends its streams so) made a line feed, where lopdf,
/// which wants an end of line there and drops the object otherwise, reads the stream (same
/// length: every offset stays right). pdftotext reads such objects. `None` if no object
/// the cross-reference table lists is missing, or the file has no such `endstream`. The
/// caller keeps what this loads only if it holds more objects.
fn lenient_endstreams(doc: &lopdf::Document, bytes: &[u8]) -> Option<Vec<u8>> {
    let missing = doc.reference_table.entries.iter().any(|(&id, e)| {
        matches!(*e, lopdf::xref::XrefEntry::Normal { generation, .. }
            if !doc.objects.contains_key(&(id, generation)))
    });
    if !missing {
        return None;
    }
    let mut fixed: Option<Vec<u8>> = None;
    for at in memchr::memmem::find_iter(bytes, b"endstream") {
        let Some(before) = at.checked_sub(1) else {
            continue;
        };
        if !matches!(bytes[before], b' ' | b'\t')
            || before
                .checked_sub(1)
                .is_some_and(|b| matches!(bytes[b], b'\r' | b'\n'))
        {
            continue;
        }
        fixed.get_or_insert_with(|| bytes.to_vec())[before] = b'\n';
    }
    fixed
}

const EMPTY_ID_WARNING: &str =
    "encrypted without a file /ID; decrypted with an empty one, as pdftotext does";

/// The document decrypted with `password` (or the empty one) and an empty file ID, if the
/// file has no /ID and that decrypts it ([`with_empty_id`]).
fn decrypted_with_empty_id(bytes: &[u8], password: Option<&str>) -> Option<lopdf::Document> {
    let doc = load_guarded(&with_empty_id(bytes)?, password).ok()?.ok()?;
    (!doc.is_encrypted() || doc.encryption_state.is_some()).then_some(doc)
}

/// lopdf's parse of `bytes` with `password` (the empty one if none). lopdf is not ours: a
/// panic inside it on hostile input must not take the caller down, so it is contained here
/// (`Err`) and reported as unreadable.
fn load_guarded(
    bytes: &[u8],
    password: Option<&str>,
) -> std::thread::Result<lopdf::Result<lopdf::Document>> {
    let opts = lopdf::LoadOptions {
        filter: Some(keep_object_streams_packed),
        ..lopdf::LoadOptions::with_password(password.unwrap_or(""))
    };
    std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, opts))
}

/// [`load_guarded`] with every object stream decoded by lopdf at load.
fn load_eager(
    bytes: &[u8],
    password: Option<&str>,
) -> std::thread::Result<lopdf::Result<lopdf::Document>> {
    let opts = lopdf::LoadOptions::with_password(password.unwrap_or(""));
    std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, opts))
}

/// lopdf's load filter (a plain `fn`: it is called for every object): an object stream's
/// `/Type` renamed in place, so that lopdf keeps it packed. lopdf keeps the object it
/// passed in and only asks whether the result is `Some`; it would use the result only for
/// the objects of an object stream it decoded, and with this filter it decodes none. lopdf
/// calls no filter for an encrypted file, whose object streams it decodes itself.
fn keep_object_streams_packed(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(s) = object
        && s.dict.has_type(b"ObjStm")
    {
        s.dict
            .set("Type", Object::Name(PACKED_OBJECT_STREAM.to_vec()));
    }
    Some((id, Object::Null))
}

/// The document with its object streams' `/Type` restored, and those streams, by object
/// number, to decode on demand.
fn unpack_types(
    mut doc: lopdf::Document,
) -> (
    lopdf::Document,
    BTreeMap<u32, OnceCell<Option<ObjectStream>>>,
) {
    let mut packed = BTreeMap::new();
    for (&(number, _), object) in doc.objects.iter_mut() {
        if let Object::Stream(s) = object
            && s.dict.has_type(PACKED_OBJECT_STREAM)
        {
            s.dict.set("Type", Object::Name(b"ObjStm".to_vec()));
            packed.entry(number).or_insert_with(OnceCell::new);
        }
    }
    (doc, packed)
}

/// The file with `/ID [<> <>]` added to its last cross-reference section's dictionary (the
/// `trailer`, or the cross-reference stream's) when that has none: the key derivation hashes
/// the first file ID, a missing one is empty for poppler, and lopdf refuses to decrypt
/// without one. The key goes right after the dictionary's `<<`, which lies past every object
/// the section lists and at or past the offset `startxref` gives, so no offset moves (a
/// cross-reference stream's data moves with its dictionary; its /Length is unchanged).
/// `None` when that dictionary has an /ID or cannot be found.
fn with_empty_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let at = memchr::memmem::rfind(bytes, b"startxref")?;
    let digits: String = bytes[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    let section = digits.parse::<usize>().ok().filter(|&o| o < at)?;
    let open = section + memchr::memmem::find(&bytes[section..at], b"<<")? + 2;
    let rest = &bytes[open..at];
    let dict_end = memchr::memmem::find(rest, b"stream").unwrap_or(rest.len());
    if memchr::memmem::find(&rest[..dict_end], b"/ID").is_some() {
        return None;
    }
    Some([&bytes[..open], &b"/ID[<><>]"[..], &bytes[open..]].concat())
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
