//! The PDF file written from the lopdf document that printpdf made and
//! `conform` completed: streams deflated, every other object packed into one
//! compressed object stream, a compressed cross-reference stream, and the
//! trailer `/ID` a hash of the file (PDF 1.5 features, allowed by PDF/A-2).
//!
//! lopdf's own writer (`save_with_options` with object streams) serialises
//! each packed object three times, formats every hexadecimal digit through
//! `write!` and starts a fresh zlib compressor per stream; this one writes
//! each object once, into one buffer, and reuses one compressor per thread.
//! Font programs and `/ToUnicode` maps, the same from one document to the
//! next when they hold the same glyphs, are compressed once per process.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
};

/// zlib level for the streams: 1, miniz's fast greedy matcher. On the Dijon
/// dossier it costs 40 % fewer instructions than level 3 for files 10 % larger
/// (lopdf's own `compress` uses 9, several times slower still).
pub(crate) const DEFLATE_LEVEL: u8 = 1;

/// Stand-in for each trailer `/ID` string until the file's hash is known.
const ID_PLACEHOLDER: &[u8; 32] = b"delib-pdf-id-placeholder-0000000";

/// `data` in zlib format at [`DEFLATE_LEVEL`]: the same bytes as
/// `miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL)`, with
/// the compressor (about 300 KB of tables) kept from one call to the next
/// on each thread instead of allocated and zeroed for every stream.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: RefCell<Option<Box<CompressorOxide>>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        // A new compressor is already in its initial state: reset (zeroing
        // its tables again) only one that has compressed before.
        if let Some(c) = slot.as_mut() {
            c.reset();
        }
        let c = slot.get_or_insert_with(|| {
            let flags = create_comp_flags_from_zip_params(i32::from(DEFLATE_LEVEL), 1, 0);
            Box::new(CompressorOxide::new(flags))
        });
        let mut out = vec![0; (data.len() / 2).max(64)];
        let (mut input, mut at) = (data, 0);
        loop {
            let (status, read, written) = compress(c, input, &mut out[at..], TDEFLFlush::Finish);
            at += written;
            input = &input[read.min(input.len())..];
            match status {
                TDEFLStatus::Done => {
                    out.truncate(at);
                    return out;
                }
                TDEFLStatus::Okay => {
                    if out.len() - at < 64 {
                        out.resize(out.len() * 2, 0);
                    }
                }
                // Not reached with a well-formed call; the data then goes stored.
                _ => return stored(data),
            }
        }
    })
}

/// `data` as zlib "stored" blocks: no compression, always valid.
fn stored(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 0)
}

/// Most streams kept compressed for reuse, and their total raw size.
const CACHE_ENTRIES: usize = 48;
const CACHE_BYTES: usize = 3 << 20;

/// `data` deflated, from the process's cache when the same bytes were
/// deflated before (font programs and `/ToUnicode` maps repeat from one
/// document to the next). First in, first out; bounded in entries and bytes.
fn deflate_cached(data: &[u8]) -> Arc<Vec<u8>> {
    type Cache = Mutex<Vec<(Vec<u8>, Arc<Vec<u8>>)>>;
    static CACHE: Cache = Mutex::new(Vec::new());
    if let Ok(cache) = CACHE.lock()
        && let Some((_, packed)) = cache.iter().find(|(raw, _)| raw.as_slice() == data)
    {
        return Arc::clone(packed);
    }
    let packed = Arc::new(deflate(data));
    if let Ok(mut cache) = CACHE.lock()
        && !cache.iter().any(|(raw, _)| raw.as_slice() == data)
    {
        cache.push((data.to_vec(), Arc::clone(&packed)));
        let mut total: usize = cache.iter().map(|(raw, _)| raw.len()).sum();
        while cache.len() > CACHE_ENTRIES || (total > CACHE_BYTES && cache.len() > 1) {
            total -= cache.remove(0).0.len();
        }
    }
    packed
}

/// Streams shorter than this are left uncompressed: a zlib header, an
/// adler32 and a `/Filter` entry would eat what deflate saves.
const MIN_DEFLATE: usize = 64;

/// Deflate every stream that allows it and has no filter yet, when that
/// makes it smaller. Font programs (`/Length1`) and `/ToUnicode` maps go
/// through the process's cache.
pub(crate) fn compress_streams(lo: &mut Document) {
    for obj in lo.objects.values_mut() {
        if let Ok(stream) = obj.as_stream_mut() {
            compress_stream(stream);
        }
    }
}

/// One stream of [`compress_streams`], deflated when that makes it smaller.
pub(crate) fn compress_stream(stream: &mut lopdf::Stream) {
    if !stream.allows_compression
        || stream.dict.has(b"Filter")
        || stream.content.len() < MIN_DEFLATE
    {
        return;
    }
    let reused = stream.dict.has(b"Length1") || stream.content.starts_with(b"/CIDInit /ProcSet");
    let packed = if reused {
        Arc::unwrap_or_clone(deflate_cached(&stream.content))
    } else {
        deflate(&stream.content)
    };
    if packed.len() + 20 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
}

/// FNV-1a, 64 bits: a stable hash for the subset tags.
pub(crate) struct Fnv(pub u64);

impl Fnv {
    pub(crate) fn new(seed: u64) -> Fnv {
        Fnv(seed)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Where an indirect object is in the file.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    /// Byte offset of `N 0 obj`.
    Direct(usize),
    /// (object number of the object stream, index in it).
    Packed(u32, u32),
}

/// Objects written out as soon as they are made, kept as their bytes and
/// packed into the object stream among `lo`'s own: the structure elements,
/// some 60 000 in the recueil of a 300-act séance, took 2 KB each as lopdf
/// dictionaries and take about 100 bytes this way. The file is the same.
#[derive(Default)]
pub(crate) struct Written {
    /// (object number, where its bytes start), in the order written.
    index: Vec<(u32, usize)>,
    bytes: Vec<u8>,
}

impl Written {
    /// Writes `obj` as object `id` (generation 0, not a stream).
    pub(crate) fn push(&mut self, id: ObjectId, obj: &Object) {
        debug_assert!(id.1 == 0 && !matches!(obj, Object::Stream(_)));
        self.index.push((id.0, self.bytes.len()));
        write_object(&mut self.bytes, obj);
    }

    /// Each object's number and bytes, by number.
    fn objects(&self) -> Vec<(u32, &[u8])> {
        let mut list: Vec<(u32, &[u8])> = self
            .index
            .iter()
            .enumerate()
            .map(|(i, &(id, start))| {
                let end = self.index.get(i + 1).map_or(self.bytes.len(), |e| e.1);
                (id, &self.bytes[start..end])
            })
            .collect();
        list.sort_by_key(|e| e.0);
        list
    }
}

/// The bytes of the PDF file for `lo` and the objects already `written`.
/// Streams must already be compressed ([`compress_streams`]). The trailer's
/// `/ID` is a hash of the file written with a placeholder in its place, and
/// of `salt`.
///
/// The object stream is made first, then the file, in one buffer of its
/// size, each of `lo`'s streams dropped once copied: a long document (a
/// séance's recueil of 8 MB) is never held twice, nor its buffer grown by
/// doubling.
pub(crate) fn save(mut lo: Document, written: Written, salt: &[u8]) -> Vec<u8> {
    let ready = written.objects();
    let max_id = lo
        .objects
        .keys()
        .map(|id| id.0)
        .chain(ready.iter().map(|e| e.0))
        .max()
        .unwrap_or(0);
    let objstm_id = max_id + 1;
    let xref_id = max_id + 2;
    let mut entries = vec![Entry::Free; xref_id as usize + 1];

    // Streams (and the odd object of another generation) go directly into
    // the file; everything else into the object stream, in the order of
    // the objects' numbers.
    let mut header = Vec::new();
    let mut body = Vec::new();
    let mut packed = 0u32;
    let mut ready = ready.into_iter().peekable();
    let mut direct = 0;
    for (&(id, generation), obj) in &lo.objects {
        for (n, bytes) in std::iter::from_fn(|| ready.next_if(|e| e.0 < id)) {
            entries[n as usize] = Entry::Packed(objstm_id, packed);
            pack(&mut header, &mut body, &mut packed, n, |b| {
                b.extend_from_slice(bytes)
            });
        }
        match obj {
            // Its dictionary's room, generously: a stream's is short.
            Object::Stream(s) => direct += s.content.len() + 256,
            _ if generation != 0 => direct += 256,
            _ => {
                entries[id as usize] = Entry::Packed(objstm_id, packed);
                pack(&mut header, &mut body, &mut packed, id, |b| {
                    write_object(b, obj)
                });
            }
        }
    }
    for (n, bytes) in ready {
        entries[n as usize] = Entry::Packed(objstm_id, packed);
        pack(&mut header, &mut body, &mut packed, n, |b| {
            b.extend_from_slice(bytes)
        });
    }
    drop(written);
    let objstm = (packed > 0).then(|| {
        let first = header.len();
        header.append(&mut body);
        (first, deflate(&header))
    });
    drop((header, body));

    // The cross-reference stream and the trailer take a few bytes per object.
    let size = direct + objstm.as_ref().map_or(0, |o| o.1.len()) + 16 * entries.len() + 4096;
    let mut out: Vec<u8> = Vec::with_capacity(size);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(lo.version.as_bytes());
    // Binary marker (four bytes above 127, as PDF/A asks).
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");
    for ((id, generation), obj) in std::mem::take(&mut lo.objects) {
        match obj {
            Object::Stream(s) => {
                entries[id as usize] = Entry::Direct(out.len());
                push_uint(&mut out, u64::from(id));
                out.push(b' ');
                push_uint(&mut out, u64::from(generation));
                out.extend_from_slice(b" obj\n");
                write_dict(&mut out, &s.dict, Some(s.content.len()));
                out.extend_from_slice(b"stream\n");
                out.extend_from_slice(&s.content);
                out.extend_from_slice(b"\nendstream\nendobj\n");
            }
            _ if generation != 0 => {
                entries[id as usize] = Entry::Direct(out.len());
                push_uint(&mut out, u64::from(id));
                out.push(b' ');
                push_uint(&mut out, u64::from(generation));
                out.extend_from_slice(b" obj\n");
                write_object(&mut out, &obj);
                out.extend_from_slice(b"\nendobj\n");
            }
            _ => {}
        }
    }
    if let Some((first, content)) = objstm {
        entries[objstm_id as usize] = Entry::Direct(out.len());
        push_uint(&mut out, u64::from(objstm_id));
        out.extend_from_slice(b" 0 obj\n<</Type/ObjStm/N ");
        push_uint(&mut out, u64::from(packed));
        out.extend_from_slice(b"/First ");
        push_uint(&mut out, first as u64);
        out.extend_from_slice(b"/Filter/FlateDecode/Length ");
        push_uint(&mut out, content.len() as u64);
        out.extend_from_slice(b">>stream\n");
        out.extend_from_slice(&content);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    // The cross-reference stream, with the trailer's entries.
    let xref_at = out.len();
    entries[xref_id as usize] = Entry::Direct(xref_at);
    let big = entries
        .iter()
        .map(|e| match *e {
            Entry::Free => 0,
            Entry::Direct(o) => o as u64,
            Entry::Packed(s, _) => u64::from(s),
        })
        .max()
        .unwrap_or(0);
    let w2 = (1..=8)
        .find(|&n| n == 8 || big < 1u64 << (8 * n))
        .unwrap_or(8);
    let w3 = if packed > 0xFF { 2 } else { 1 };
    let mut rows = Vec::with_capacity(entries.len() * (1 + w2 + w3));
    for (n, e) in entries.iter().enumerate() {
        let (kind, f2, f3): (u8, u64, u64) = match *e {
            // Object 0 heads the free list with generation 65535 (narrowed
            // to what the field holds).
            Entry::Free if n == 0 => (0, 0, 0xFFFF),
            Entry::Free => (0, 0, 0),
            Entry::Direct(o) => (1, o as u64, 0),
            Entry::Packed(s, i) => (2, u64::from(s), u64::from(i)),
        };
        rows.push(kind);
        rows.extend_from_slice(&f2.to_be_bytes()[8 - w2..]);
        rows.extend_from_slice(&f3.to_be_bytes()[8 - w3..]);
    }
    let rows = deflate(&rows);
    push_uint(&mut out, u64::from(xref_id));
    out.extend_from_slice(b" 0 obj\n<</Type/XRef/Size ");
    push_uint(&mut out, entries.len() as u64);
    out.extend_from_slice(b"/W[1 ");
    push_uint(&mut out, w2 as u64);
    out.push(b' ');
    push_uint(&mut out, w3 as u64);
    out.push(b']');
    let mut id_at = Vec::new();
    for (key, value) in lo.trailer.iter() {
        if matches!(
            key.as_slice(),
            b"Type"
                | b"Size"
                | b"W"
                | b"Index"
                | b"Prev"
                | b"Length"
                | b"Filter"
                | b"DecodeParms"
                | b"XRefStm"
                | b"ID"
        ) {
            continue;
        }
        write_name(&mut out, key);
        separate(&mut out, value);
        write_object(&mut out, value);
    }
    if lo.trailer.has(b"ID") {
        out.extend_from_slice(b"/ID[(");
        id_at.push(out.len());
        out.extend_from_slice(ID_PLACEHOLDER);
        out.extend_from_slice(b")(");
        id_at.push(out.len());
        out.extend_from_slice(ID_PLACEHOLDER);
        out.extend_from_slice(b")]");
    }
    out.extend_from_slice(b"/Filter/FlateDecode/Length ");
    push_uint(&mut out, rows.len() as u64);
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(&rows);
    out.extend_from_slice(b"\nendstream\nendobj\nstartxref\n");
    push_uint(&mut out, xref_at as u64);
    out.extend_from_slice(b"\n%%EOF\n");

    // The id: a hash of the file written with the placeholder in its place,
    // eight bytes at a time (a byte at a time, it was 6 % of a batch).
    if !id_at.is_empty() {
        use crate::hash::Hash;
        let a = Hash::default().feed(&out);
        let b = Hash::default().feed(salt).feed(&out);
        let id = format!("{}{}", a.hex(), b.hex());
        for at in id_at {
            out[at..at + ID_PLACEHOLDER.len()].copy_from_slice(id.as_bytes());
        }
    }
    out
}

/// Object `id` into the object stream: its number and offset in `header`,
/// what `write` writes in `body`; `packed` counts them.
fn pack(
    header: &mut Vec<u8>,
    body: &mut Vec<u8>,
    packed: &mut u32,
    id: u32,
    write: impl FnOnce(&mut Vec<u8>),
) {
    *packed += 1;
    push_uint(header, u64::from(id));
    header.push(b' ');
    push_uint(header, body.len() as u64);
    header.push(b' ');
    write(body);
    body.push(b'\n');
}

/// A non-negative integer in decimal.
fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

/// A real number as PDF writes it: no exponent (Rust's `Display` for `f32`
/// never uses one), integers without a decimal point.
fn push_real(out: &mut Vec<u8>, v: f32) {
    if !v.is_finite() {
        out.push(b'0');
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        push_int(out, v as i64);
    } else {
        use std::io::Write;
        let _ = write!(out, "{v}");
    }
}

/// A space before `next` when it would otherwise run into what precedes it
/// (numbers, booleans, null and references start with a regular character).
fn separate(out: &mut Vec<u8>, next: &Object) {
    if matches!(
        next,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    ) {
        out.push(b' ');
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(&[b'#', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        } else {
            out.push(b);
        }
    }
}

fn write_string(out: &mut Vec<u8>, s: &[u8], format: StringFormat) {
    match format {
        StringFormat::Literal => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &b in s {
                out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            }
            out.push(b'>');
        }
    }
}

/// A dictionary; `length`: the `/Length` of its stream, written in place
/// of the dictionary's own.
fn write_dict(out: &mut Vec<u8>, d: &Dictionary, length: Option<usize>) {
    out.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        if length.is_some() && key.as_slice() == b"Length" {
            continue;
        }
        write_name(out, key);
        separate(out, value);
        write_object(out, value);
    }
    if let Some(n) = length {
        out.extend_from_slice(b"/Length ");
        push_uint(out, n as u64);
    }
    out.extend_from_slice(b">>");
}

/// A direct object (streams are written by [`save`] only).
fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(v) => push_int(out, *v),
        Object::Real(v) => push_real(out, *v),
        Object::Name(n) => write_name(out, n),
        Object::String(s, f) => write_string(out, s, *f),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    separate(out, item);
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d, None),
        Object::Stream(s) => write_dict(out, &s.dict, Some(s.content.len())),
        Object::Reference((id, generation)) => {
            push_uint(out, u64::from(*id));
            out.push(b' ');
            push_uint(out, u64::from(*generation));
            out.extend_from_slice(b" R");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deflate_is_miniz_level_1_and_round_trips() {
        let text: Vec<u8> = (0..50_000u32)
            .flat_map(|i| format!("{} {} Td ", i % 97, i % 13).into_bytes())
            .collect();
        for data in [&b""[..], b"a", &text[..], &text[..1000], &text[..]] {
            let ours = deflate(data);
            assert_eq!(
                ours,
                miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL),
                "reused compressor, same bytes"
            );
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec_zlib(&ours).unwrap(),
                data
            );
        }
        // Incompressible bytes: the output outgrows its first buffer.
        let mut x = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let ours = deflate(&noise);
        assert!(ours.len() > noise.len() / 2);
        assert_eq!(
            ours,
            miniz_oxide::deflate::compress_to_vec_zlib(&noise, DEFLATE_LEVEL)
        );
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec_zlib(&ours).unwrap(),
            noise
        );
        for data in [&b""[..], b"abc", &text[..70_000]] {
            let s = stored(data);
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec_zlib(&s).unwrap(),
                data
            );
        }
    }

    #[test]
    fn cached_deflate_gives_the_same_bytes() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let a = deflate_cached(&data);
        let b = deflate_cached(&data);
        assert!(Arc::ptr_eq(&a, &b), "second call from the cache");
        assert_eq!(*a, deflate(&data));
    }

    #[test]
    fn objects_are_written_as_pdf_syntax() {
        let mut out = Vec::new();
        let d = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Page".to_vec())),
            ("N", Object::Integer(-3)),
            ("R", Object::Real(0.5)),
            ("W", Object::Real(2.0)),
            ("Ref", Object::Reference((12, 0))),
            (
                "A",
                Object::Array(vec![
                    Object::Integer(1),
                    Object::Null,
                    Object::Name(b"a b#".to_vec()),
                    Object::String(b"x(y)\\".to_vec(), StringFormat::Literal),
                    Object::String(vec![0xFE, 0x0A], StringFormat::Hexadecimal),
                    Object::Boolean(true),
                ]),
            ),
        ]);
        write_object(&mut out, &Object::Dictionary(d));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type/Page/N -3/R 0.5/W 2/Ref 12 0 R/A[1 null/a#20b#23(x\\(y\\)\\\\)<FE0A> true]>>"
        );
    }

    #[test]
    fn a_saved_document_reads_back() {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let content = lopdf::Stream::new(Dictionary::new(), b"BT ET".to_vec());
        let content = doc.add_object(content);
        let page = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages)),
            ("Contents", Object::Reference(content)),
        ]));
        doc.objects.insert(
            pages,
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(vec![Object::Reference(page)])),
                ("Count", Object::Integer(1)),
            ])),
        );
        let cat = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages)),
        ]));
        doc.trailer.set("Root", cat);
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::string_literal("x"),
                Object::string_literal("x"),
            ]),
        );
        compress_streams(&mut doc);
        let none = Written::default;
        let bytes = save(doc.clone(), none(), b"salt");
        assert_eq!(save(doc.clone(), none(), b"salt"), bytes, "same bytes");
        assert_ne!(
            save(doc.clone(), none(), b"other"),
            bytes,
            "the id depends on the salt"
        );
        // Objects written ahead, the page (between others) and the catalog
        // (the last), make the same file as when lopdf holds them.
        let mut ahead = doc.clone();
        let mut written = Written::default();
        for id in [cat, page] {
            let obj = ahead.objects.remove(&id).unwrap();
            written.push(id, &obj);
        }
        assert_eq!(save(ahead, written, b"salt"), bytes);
        let back = Document::load_mem(&bytes).expect("lopdf reads it back");
        assert_eq!(back.get_pages().len(), 1);
        let id = back.trailer.get(b"ID").unwrap().as_array().unwrap();
        assert_eq!(id[0].as_str().unwrap().len(), 32);
        assert!(!bytes.windows(32).any(|w| w == ID_PLACEHOLDER));
    }
}
