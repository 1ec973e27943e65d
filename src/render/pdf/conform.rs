//! What printpdf does not write, added to the lopdf document it makes:
//! the PDF/A-2u identification (XMP metadata, sRGB output intent, Info
//! dictionary consistent with the XMP), PDF 1.7; the tagged PDF of PDF/UA-1
//! (structure tree, parent tree, role map, outline, catalogue entries).
//!
//! Everything here is derived from the document alone (no clock), so the
//! same input gives the same bytes, the XMP packet included.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::paginate::Page;
use super::save::Written;
use super::{Item, Node, PAGE_H, Role};
use crate::doc::Meta;

/// The output intent's profile: sRGB IEC 61966-2.1 from Debian's
/// `icc-profiles-free` (zlib licence, see `color/README.md`).
pub(crate) const SRGB_ICC: &[u8] = include_bytes!("../../../color/sRGB.icc");

/// Name written as `/Creator`, `/Producer` and in the XMP.
const PRODUCER: &str = concat!("delib ", env!("CARGO_PKG_VERSION"));

/// A PDF text string: PDFDocEncoding when printable ASCII (written as a
/// literal, parentheses and backslashes escaped by `save`), else UTF-16BE
/// with its BOM.
pub(crate) fn text_string(s: &str) -> Object {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// Control characters are not allowed in XMP (XML 1.0) nor useful in metadata.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SS` checked digit by digit: (PDF date, XMP date).
fn dates(iso: &str) -> Option<(String, String)> {
    let b = iso.as_bytes();
    let digits = [0..4, 5..7, 8..10, 11..13, 14..16, 17..19];
    if b.len() != 19
        || !digits
            .iter()
            .all(|r| b[r.clone()].iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let d: String = digits.iter().map(|r| &iso[r.clone()]).collect();
    Some((format!("D:{d}+00'00'"), format!("{iso}+00:00")))
}

/// The PDF/A extension schema describing `pdfuaid:part`.
const PDFUA_EXTENSION: &str = "<rdf:Description rdf:about=\"\" \
xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
";

/// The XMP packet: PDF/A-2u and PDF/UA-1 identification and the Info
/// dictionary's values.
pub(crate) fn xmp(meta: &Meta, xmp_date: Option<&str>) -> String {
    let title = xml_escape(&meta.title);
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("<rdf:Description rdf:about=\"\"");
    x.push_str(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"");
    x.push_str(" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"");
    x.push_str(" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"");
    x.push_str(" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"");
    x.push_str(" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n");
    x.push_str("<dc:format>application/pdf</dc:format>\n");
    x.push_str(&format!(
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n"
    ));
    if !meta.author.is_empty() {
        x.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            xml_escape(&meta.author)
        ));
    }
    if !meta.subject.is_empty() {
        x.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            xml_escape(&meta.subject)
        ));
    }
    x.push_str("<dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>\n");
    x.push_str(&format!("<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n"));
    if let Some(d) = xmp_date {
        x.push_str(&format!("<xmp:CreateDate>{d}</xmp:CreateDate>\n"));
        x.push_str(&format!("<xmp:ModifyDate>{d}</xmp:ModifyDate>\n"));
        x.push_str(&format!("<xmp:MetadataDate>{d}</xmp:MetadataDate>\n"));
    }
    x.push_str(&format!("<pdf:Producer>{PRODUCER}</pdf:Producer>\n"));
    x.push_str("<pdfaid:part>2</pdfaid:part>\n");
    x.push_str("<pdfaid:conformance>U</pdfaid:conformance>\n");
    x.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
    x.push_str("</rdf:Description>\n");
    // PDF/A-2 6.6.2.3.2: pdfuaid is not a predefined schema, so it is described.
    x.push_str(PDFUA_EXTENSION);
    x.push_str("</rdf:RDF>\n</x:xmpmeta>\n");
    x.push_str("<?xpacket end=\"r\"?>");
    x
}

/// The sRGB profile deflated: the same bytes in every PDF, so compressed
/// once per process.
fn packed_icc() -> &'static [u8] {
    static PACKED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PACKED.get_or_init(|| super::save::deflate(SRGB_ICC))
}

/// Make printpdf's document a PDF/A-2u one: Info dictionary, XMP metadata,
/// sRGB output intent, PDF 1.7.
pub(crate) fn finish(lo: &mut Document, meta: &Meta) {
    lo.version = "1.7".to_string();
    let dates = meta.date.as_deref().and_then(dates);

    let mut info = Dictionary::new();
    info.set("Title", text_string(&clean(&meta.title)));
    if !meta.author.is_empty() {
        info.set("Author", text_string(&clean(&meta.author)));
    }
    if !meta.subject.is_empty() {
        info.set("Subject", text_string(&clean(&meta.subject)));
    }
    info.set("Creator", text_string(PRODUCER));
    info.set("Producer", text_string(PRODUCER));
    if let Some((pdf_date, _)) = &dates {
        info.set("CreationDate", text_string(pdf_date));
        info.set("ModDate", text_string(pdf_date));
    }
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", id);
        }
    }

    // The XMP stays uncompressed so that archives can read it without a PDF parser.
    let mut xmp = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(meta, dates.as_ref().map(|d| d.1.as_str())).into_bytes(),
    );
    xmp.allows_compression = false;
    let xmp_id = lo.add_object(xmp);

    let icc = Stream::new(
        Dictionary::from_iter(vec![
            ("N", Object::Integer(3)),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]),
        packed_icc().to_vec(),
    );
    let icc_id = lo.add_object(icc);
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            text_string("sRGB IEC61966-2.1"),
        ),
        ("Info", text_string("sRGB IEC61966-2.1")),
        ("RegistryName", text_string("http://www.color.org")),
        ("DestOutputProfile", Object::Reference(icc_id)),
    ]);

    if let Some(cat) = catalog(lo) {
        cat.set("Metadata", xmp_id);
        cat.set("OutputIntents", vec![Object::Dictionary(intent)]);
        cat.set("Lang", text_string("fr-FR"));
    }
}

/// The document catalogue.
pub(crate) fn catalog(lo: &mut Document) -> Option<&mut Dictionary> {
    let root = lo
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .ok()?;
    lo.get_object_mut(root).and_then(Object::as_dict_mut).ok()
}

/// The structure type written for a role (custom ones are in the role map).
pub(crate) fn role_name(r: Role) -> &'static str {
    match r {
        Role::Document => "Document",
        Role::Part => "Part",
        Role::H(1) => "H1",
        Role::H(2) => "H2",
        Role::H(3) => "H3",
        Role::H(4) => "H4",
        Role::H(5) => "H5",
        Role::H(_) => "H6",
        Role::P => "P",
        Role::L => "L",
        Role::LI => "LI",
        Role::Lbl => "Lbl",
        Role::LBody => "LBody",
        Role::Table => "Table",
        Role::TR => "TR",
        Role::TH { .. } => "TH",
        Role::TD => "TD",
        Role::Figure => "Figure",
        Role::BlockQuote => "BlockQuote",
        Role::Entete => "Entete",
        Role::Signature => "Signature",
        Role::Encadre => "Encadre",
        Role::Fiche => "Fiche",
    }
}

/// The template's named blocks as standard structure types.
const ROLE_MAP: [(&str, &str); 4] = [
    ("Entete", "Div"),
    ("Signature", "Div"),
    ("Encadre", "Div"),
    ("Fiche", "Table"),
];

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn real(v: f32) -> Object {
    Object::Real((v * 100.0).round() / 100.0)
}

/// What the structure tree needs from the pages beside the marked content.
#[derive(Default)]
pub(crate) struct Found {
    /// The outline to write instead of the headings' (a collection's: one
    /// entry per document).
    pub bookmarks: Option<Vec<Bookmark>>,
    /// Figure element → (page, bounding box in PDF coordinates).
    figures: BTreeMap<u32, (usize, [f32; 4])>,
    /// Headings in reading order: (element, page, top in PDF coordinates, text).
    headings: Vec<(u32, usize, f32, String)>,
    /// Signature blocks: (element, page, rectangle in PDF coordinates).
    signatures: Vec<(u32, usize, [f32; 4])>,
    /// Lines of text of each signature block.
    signature_lines: BTreeMap<u32, Vec<String>>,
}

/// One outline entry given by the caller.
#[derive(Debug, Clone)]
pub(crate) struct Bookmark {
    /// 1 for a top entry, 2 below the previous level-1 entry…
    pub level: u8,
    pub title: String,
    /// The page it opens (index) and where on it, in PDF coordinates.
    pub page: usize,
    pub top: f32,
}

/// The signature block holding element `n`, if any.
fn signature_of(tree: &[Node], mut n: u32) -> Option<u32> {
    for _ in 0..64 {
        let node = tree.get(n as usize)?;
        if node.role == Role::Signature {
            return Some(n);
        }
        if n == 0 {
            return None;
        }
        n = node.parent;
    }
    None
}

/// Figures and headings of the laid-out pages, found a page at a time
/// (a collection's pages are not all held at once): [`Scan::page`] for
/// each page in order, then [`Scan::finish`].
pub(crate) struct Scan<'a> {
    tree: &'a [Node],
    found: Found,
    /// The heading and baseline of the last heading text seen.
    last: Option<(u32, f32)>,
    /// The signature block and baseline of the last signature text seen.
    sig_last: Option<(u32, f32)>,
    /// The index of the next page.
    next: usize,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(tree: &'a [Node]) -> Self {
        Scan {
            tree,
            found: Found::default(),
            last: None,
            sig_last: None,
            next: 0,
        }
    }

    /// What the next page holds.
    pub(crate) fn page(&mut self, page: &Page) {
        let (tree, found, p) = (self.tree, &mut self.found, self.next);
        self.next += 1;
        for it in &page.items {
            if let Item::Text { y, text, node, .. } = it
                && let Some(sig) = signature_of(tree, *node)
            {
                let lines = found.signature_lines.entry(sig).or_default();
                let text = super::fonts::as_typed(text);
                match lines.last_mut() {
                    Some(l) if self.sig_last == Some((sig, *y)) => l.push_str(&text),
                    _ => lines.push(text.into_owned()),
                }
                self.sig_last = Some((sig, *y));
            }
            match it {
                Item::Area { x, y, w, h, node }
                    if tree
                        .get(*node as usize)
                        .is_some_and(|n| n.role == Role::Signature) =>
                {
                    found
                        .signatures
                        .push((*node, p, [*x, PAGE_H - y - h, x + w, PAGE_H - y]));
                }
                Item::Image { x, y, w, h, node } => {
                    found
                        .figures
                        .entry(*node)
                        .or_insert((p, [*x, PAGE_H - y - h, x + w, PAGE_H - y]));
                }
                Item::Text {
                    y,
                    size,
                    text,
                    node,
                    ..
                } if matches!(
                    tree.get(*node as usize),
                    Some(Node {
                        role: Role::H(_),
                        ..
                    })
                ) =>
                {
                    let clean: String = super::fonts::as_typed(text)
                        .chars()
                        .filter(|&c| c != '\u{ad}')
                        .collect();
                    match found.headings.last_mut() {
                        Some((n, _, _, t)) if *n == *node => {
                            if self.last.is_some_and(|(_, ly)| ly != *y) && !t.ends_with(' ') {
                                t.push(' ');
                            }
                            t.push_str(&clean);
                        }
                        _ => found.headings.push((*node, p, PAGE_H - y + size, clean)),
                    }
                    self.last = Some((*node, *y));
                }
                _ => {}
            }
        }
    }

    /// What the pages held.
    pub(crate) fn finish(self) -> Found {
        let mut found = self.found;
        for h in &mut found.headings {
            h.3 = h.3.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        found
    }
}

/// One entry of a structure element's `/K`.
#[derive(Clone, Copy)]
enum Kid {
    Elem(u32),
    /// (page index, MCID)
    Mcid(usize, u32),
    /// A structure element written outside `tree` (a signature field's `Form`).
    Obj(ObjectId),
}

/// Make the document a tagged PDF: structure tree from `tree` with the
/// marked-content sequences of each page (`marks[page][mcid]` = element),
/// parent tree, role map, `/MarkInfo`, `/ViewerPreferences`, and an outline
/// of the headings.
pub(crate) fn tag(
    lo: &mut Document,
    tree: &[Node],
    marks: &[Vec<u32>],
    found: &Found,
    meta: &Meta,
    written: &mut Written,
) {
    let page_ids: Vec<ObjectId> = lo.get_pages().into_values().collect();
    if tree.is_empty() || page_ids.len() != marks.len() {
        return;
    }
    // Content of each element, then its children, in reading order.
    let mut kids: Vec<Vec<Kid>> = vec![Vec::new(); tree.len()];
    for (p, m) in marks.iter().enumerate() {
        for (mcid, &node) in m.iter().enumerate() {
            if let Some(k) = kids.get_mut(node as usize) {
                k.push(Kid::Mcid(p, mcid as u32));
            }
        }
    }
    // Children come after their parent in `tree`: walk backwards to find the
    // elements that hold content, and skip the empty ones.
    let mut full: Vec<bool> = kids.iter().map(|k| !k.is_empty()).collect();
    full[0] = true;
    for n in (1..tree.len()).rev() {
        if full[n] {
            full[tree[n].parent as usize] = true;
        }
    }
    for n in 1..tree.len() {
        if full[n] {
            kids[tree[n].parent as usize].push(Kid::Elem(n as u32));
        }
    }
    let root_id = lo.new_object_id();
    let ids: Vec<Option<ObjectId>> = full
        .iter()
        .map(|&f| f.then(|| lo.new_object_id()))
        .collect();
    // Signature fields: widget, its Form element, its parent-tree entry.
    let mut fields = Vec::new();
    let mut field_parents = Vec::new();
    if meta.signature_fields {
        let mut used: Vec<String> = Vec::new();
        for (i, &(node, p, rect)) in found.signatures.iter().enumerate() {
            let Some(sig) = ids.get(node as usize).copied().flatten() else {
                continue;
            };
            let lines = found
                .signature_lines
                .get(&node)
                .map_or(&[][..], Vec::as_slice);
            let (mut t, qualite) = field_name(lines, i == 0);
            let base = t.clone();
            let mut k = 2;
            while used.contains(&t) {
                t = format!("{base}-{k}");
                k += 1;
            }
            used.push(t.clone());
            let annot = lo.new_object_id();
            let form = lo.new_object_id();
            let key = (marks.len() + field_parents.len()) as i64;
            let label = format!("Signature : {qualite}");
            let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
            let mut ap = Stream::new(
                Dictionary::from_iter(vec![
                    ("Type", name("XObject")),
                    ("Subtype", name("Form")),
                    (
                        "BBox",
                        Object::Array(vec![real(0.0), real(0.0), real(w), real(h)]),
                    ),
                    ("Resources", Object::Dictionary(Dictionary::new())),
                ]),
                Vec::new(),
            );
            ap.allows_compression = false;
            let ap = lo.add_object(ap);
            let widget = Dictionary::from_iter(vec![
                ("Type", name("Annot")),
                ("Subtype", name("Widget")),
                ("FT", name("Sig")),
                ("T", text_string(&t)),
                ("TU", text_string(&clean(&label))),
                ("Contents", text_string(&clean(&label))),
                (
                    "Rect",
                    Object::Array(rect.iter().map(|&v| real(v)).collect()),
                ),
                ("F", Object::Integer(4)),
                ("P", Object::Reference(page_ids[p])),
                (
                    "AP",
                    Object::Dictionary(Dictionary::from_iter(vec![("N", Object::Reference(ap))])),
                ),
                ("StructParent", Object::Integer(key)),
            ]);
            lo.objects.insert(annot, Object::Dictionary(widget));
            let elem = Dictionary::from_iter(vec![
                ("Type", name("StructElem")),
                ("S", name("Form")),
                ("P", Object::Reference(sig)),
                ("Pg", Object::Reference(page_ids[p])),
                (
                    "K",
                    Object::Dictionary(Dictionary::from_iter(vec![
                        ("Type", name("OBJR")),
                        ("Obj", Object::Reference(annot)),
                        ("Pg", Object::Reference(page_ids[p])),
                    ])),
                ),
            ]);
            lo.objects.insert(form, Object::Dictionary(elem));
            kids[node as usize].push(Kid::Obj(form));
            field_parents.push((key, form));
            fields.push((p, annot));
        }
    }
    let mut parent_tree: Vec<Vec<Object>> =
        marks.iter().map(|m| vec![Object::Null; m.len()]).collect();
    for (n, node) in tree.iter().enumerate() {
        let Some(id) = ids[n] else { continue };
        let mut d = Dictionary::new();
        d.set("Type", name("StructElem"));
        d.set("S", name(role_name(node.role)));
        let parent = if n == 0 {
            root_id
        } else {
            ids[node.parent as usize].unwrap_or(root_id)
        };
        d.set("P", parent);
        let first_page = kids[n].iter().find_map(|k| match k {
            Kid::Mcid(p, _) => Some(*p),
            Kid::Elem(_) | Kid::Obj(_) => None,
        });
        if let Some(p) = first_page {
            d.set("Pg", page_ids[p]);
        }
        let k: Vec<Object> = kids[n]
            .iter()
            .map(|k| match *k {
                Kid::Elem(c) => ids[c as usize].map_or(Object::Null, Object::Reference),
                Kid::Obj(o) => Object::Reference(o),
                Kid::Mcid(p, mcid) => {
                    parent_tree[p][mcid as usize] = Object::Reference(id);
                    if Some(p) == first_page {
                        Object::Integer(i64::from(mcid))
                    } else {
                        Object::Dictionary(Dictionary::from_iter(vec![
                            ("Type", name("MCR")),
                            ("Pg", Object::Reference(page_ids[p])),
                            ("MCID", Object::Integer(i64::from(mcid))),
                        ]))
                    }
                }
            })
            .collect();
        d.set("K", k);
        match node.role {
            Role::TH { row } => {
                d.set(
                    "A",
                    Dictionary::from_iter(vec![
                        ("O", name("Table")),
                        ("Scope", name(if row { "Row" } else { "Column" })),
                    ]),
                );
            }
            Role::Figure => {
                let who = if meta.author.is_empty() {
                    "la collectivité"
                } else {
                    meta.author.as_str()
                };
                d.set("Alt", text_string(&clean(&format!("Logo : {who}"))));
                if let Some((_, b)) = found.figures.get(&(n as u32)) {
                    d.set(
                        "A",
                        Dictionary::from_iter(vec![
                            ("O", name("Layout")),
                            ("Placement", name("Block")),
                            ("BBox", Object::Array(b.iter().map(|&v| real(v)).collect())),
                        ]),
                    );
                }
            }
            _ => {}
        }
        written.push(id, &Object::Dictionary(d));
    }

    let mut nums = Vec::new();
    for (p, refs) in parent_tree.into_iter().enumerate() {
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(refs));
    }
    for &(key, form) in &field_parents {
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(form));
    }
    let role_map = Dictionary::from_iter(ROLE_MAP.iter().map(|&(k, v)| (k, name(v))));
    let mut root = Dictionary::new();
    root.set("Type", name("StructTreeRoot"));
    if let Some(doc) = ids[0] {
        root.set("K", doc);
    }
    root.set(
        "ParentTree",
        Dictionary::from_iter(vec![("Nums", Object::Array(nums))]),
    );
    root.set(
        "ParentTreeNextKey",
        Object::Integer((marks.len() + field_parents.len()) as i64),
    );
    root.set("RoleMap", role_map);
    written.push(root_id, &Object::Dictionary(root));

    for (p, &id) in page_ids.iter().enumerate() {
        if let Ok(page) = lo.get_object_mut(id).and_then(Object::as_dict_mut) {
            page.set("StructParents", Object::Integer(p as i64));
            page.set("Tabs", name("S"));
            let annots: Vec<Object> = fields
                .iter()
                .filter(|f| f.0 == p)
                .map(|f| Object::Reference(f.1))
                .collect();
            if !annots.is_empty() {
                page.set("Annots", annots);
            }
        }
    }
    let outline = outline(lo, tree, found, &page_ids);
    if let Some(cat) = catalog(lo) {
        cat.set("StructTreeRoot", root_id);
        cat.set(
            "MarkInfo",
            Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
        );
        cat.set(
            "ViewerPreferences",
            Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
        );
        if let Some(o) = outline {
            cat.set("Outlines", o);
            cat.set("PageMode", name("UseOutlines"));
        }
        if !fields.is_empty() {
            let refs = fields.iter().map(|f| Object::Reference(f.1)).collect();
            cat.set(
                "AcroForm",
                Dictionary::from_iter(vec![("Fields", Object::Array(refs))]),
            );
        }
    }
}

/// A signature field's name (`/T`) and the signatory's qualité as written,
/// from the lines of its block: the first line that is neither « Fait à … »
/// nor « Pour … » is the qualité (« Le Maire, » → `Maire`, « LE PRÉSIDENT »
/// → `President`); a block after the first adds the first word of its
/// « Pour … » line (« Pour l'association les PEP 21 » →
/// `President-association`). ASCII letters, digits and hyphens only.
pub(crate) fn field_name(lines: &[String], first: bool) -> (String, String) {
    const ARTICLES: [&str; 6] = ["le ", "la ", "les ", "l'", "l’", "du "];
    let strip = |s: &str| -> String {
        let mut s = s.trim();
        for a in ARTICLES {
            if s.len() > a.len()
                && s.is_char_boundary(a.len())
                && s[..a.len()].eq_ignore_ascii_case(a)
            {
                s = s[a.len()..].trim_start();
                break;
            }
        }
        s.trim_end_matches([',', ';', ':', '.', ' ', '\u{a0}'])
            .to_string()
    };
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let qualite = lines
        .iter()
        .find(|l| !l.starts_with("Fait") && !l.starts_with("Pour "))
        .map(|l| strip(l))
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| "Signataire".to_string());
    let mut t = ascii_words(&qualite, true);
    if !first
        && let Some(party) = lines.iter().find_map(|l| l.strip_prefix("Pour "))
        && let Some(word) = strip(party).split_whitespace().next()
    {
        let w = ascii_words(word, false);
        if !w.is_empty() {
            t = format!("{t}-{w}");
        }
    }
    if t.is_empty() {
        t = "Signataire".to_string();
    }
    (t, qualite)
}

/// Words folded to ASCII, joined with hyphens; `capital`: each word with a
/// capital initial and the rest in lower case.
fn ascii_words(s: &str, capital: bool) -> String {
    let mut words = Vec::new();
    for w in s.split(|c: char| c.is_whitespace() || c == '-' || c == '\'' || c == '’') {
        let mut out = String::new();
        for c in w.chars().flat_map(char::to_lowercase) {
            let f = match c {
                'à' | 'â' | 'ä' | 'á' => "a",
                'é' | 'è' | 'ê' | 'ë' => "e",
                'î' | 'ï' | 'í' => "i",
                'ô' | 'ö' | 'ó' => "o",
                'ù' | 'û' | 'ü' | 'ú' => "u",
                'ç' => "c",
                'ÿ' => "y",
                'œ' => "oe",
                'æ' => "ae",
                c if c.is_ascii_alphanumeric() => {
                    out.push(c);
                    continue;
                }
                _ => "",
            };
            out.push_str(f);
        }
        if out.is_empty() {
            continue;
        }
        if capital {
            out[..1].make_ascii_uppercase();
        }
        words.push(out);
    }
    words.join("-")
}

/// Bookmarks of the headings (or those given), nested by level; `None` without any.
fn outline(
    lo: &mut Document,
    tree: &[Node],
    found: &Found,
    pages: &[ObjectId],
) -> Option<ObjectId> {
    let items: Vec<(u8, &str, ObjectId, f32)> = match &found.bookmarks {
        Some(list) => list
            .iter()
            .filter_map(|b| Some((b.level, b.title.as_str(), *pages.get(b.page)?, b.top)))
            .collect(),
        None => found
            .headings
            .iter()
            .filter(|h| !h.3.is_empty())
            .filter_map(|(n, p, top, t)| {
                let Role::H(l) = tree.get(*n as usize)?.role else {
                    return None;
                };
                Some((l, t.as_str(), *pages.get(*p)?, *top))
            })
            .collect(),
    };
    if items.is_empty() {
        return None;
    }
    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = items.iter().map(|_| lo.new_object_id()).collect();
    // Parent of each item: the nearest earlier item of a lower level.
    let parent: Vec<Option<usize>> = (0..items.len())
        .map(|i| (0..i).rev().find(|&j| items[j].0 < items[i].0))
        .collect();
    let children =
        |p: Option<usize>| -> Vec<usize> { (0..items.len()).filter(|&i| parent[i] == p).collect() };
    let descendants = |i: usize| -> i64 {
        (i + 1..items.len())
            .take_while(|&j| items[j].0 > items[i].0)
            .count() as i64
    };
    for (i, &(_, title, page, top)) in items.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", text_string(&clean(title)));
        d.set("Parent", parent[i].map_or(root, |p| ids[p]));
        let sib = children(parent[i]);
        let at = sib.iter().position(|&s| s == i).unwrap_or(0);
        if at > 0 {
            d.set("Prev", ids[sib[at - 1]]);
        }
        if let Some(&n) = sib.get(at + 1) {
            d.set("Next", ids[n]);
        }
        let kids = children(Some(i));
        if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
            d.set("First", ids[f]);
            d.set("Last", ids[l]);
            d.set("Count", Object::Integer(descendants(i)));
        }
        d.set(
            "Dest",
            vec![
                Object::Reference(page),
                name("XYZ"),
                Object::Integer(0),
                real(top),
                Object::Null,
            ],
        );
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    let mut d = Dictionary::new();
    d.set("Type", name("Outlines"));
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        d.set("First", ids[f]);
        d.set("Last", ids[l]);
    }
    d.set("Count", Object::Integer(items.len() as i64));
    lo.objects.insert(root, Object::Dictionary(d));
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_fields_are_named_after_the_qualite() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let n = |v: &[&str], first| field_name(&l(v), first).0;
        assert_eq!(
            n(
                &[
                    "Fait à Dijon, le 27 juin 2016",
                    "Le Maire,",
                    "François REBSAMEN"
                ],
                true
            ),
            "Maire"
        );
        assert_eq!(n(&["LE PRÉSIDENT", "Frédéric BIERRY"], true), "President");
        assert_eq!(
            n(
                &["Pour la Ville de Dijon", "Maire", "M. François REBSAMEN"],
                true
            ),
            "Maire"
        );
        assert_eq!(
            n(
                &[
                    "Pour l’association les PEP 21",
                    "Président",
                    "M. Jean-Claude MOREL"
                ],
                false
            ),
            "President-association"
        );
        assert_eq!(
            n(&["La Vice-présidente déléguée,"], true),
            "Vice-Presidente-Deleguee"
        );
        assert_eq!(n(&[], true), "Signataire");
        assert_eq!(
            field_name(&l(&["Le Maire,", "X"]), true).1,
            "Maire",
            "the qualité as written, for /TU"
        );
    }

    #[test]
    fn dates_are_checked_and_agree() {
        assert_eq!(
            dates("2016-06-27T00:00:00"),
            Some((
                "D:20160627000000+00'00'".to_string(),
                "2016-06-27T00:00:00+00:00".to_string()
            ))
        );
        assert_eq!(dates("2016-06-27"), None);
        assert_eq!(dates("2016-06-2xT00:00:00"), None);
    }

    #[test]
    fn xmp_escapes_user_text() {
        let meta = Meta {
            title: "A & B <c> \"d\"\u{1}".into(),
            author: "Ville de Dijon".into(),
            ..Default::default()
        };
        let x = xmp(&meta, None);
        assert!(x.contains("A &amp; B &lt;c&gt; &quot;d&quot; <"), "{x}");
        assert!(!x.contains('\u{1}'));
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(x.contains("<pdfaid:conformance>U</pdfaid:conformance>"));
    }

    #[test]
    fn printable_ascii_is_a_literal_escaped_once_in_linear_time() {
        for s in ["a (b) c", "](", "back\\slash"] {
            assert_eq!(
                text_string(s),
                Object::String(s.as_bytes().to_vec(), StringFormat::Literal),
                "{s}"
            );
        }
        // A 64 KB objet of `](` (3 s with lopdf's quadratic writer): each
        // parenthesis escaped once, and the title reads back whole.
        let long = "](".repeat(32 * 1024);
        let meta = crate::doc::Meta {
            title: long.clone(),
            ..Default::default()
        };
        let bytes = super::super::render(&crate::doc::Document {
            meta,
            blocks: Vec::new(),
        });
        let pdf = lopdf::Document::load_mem(&bytes).expect("readable");
        let info = pdf
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .unwrap();
        let title = pdf.get_dictionary(info).unwrap().get(b"Title").unwrap();
        assert_eq!(lopdf::decode_text_string(title).unwrap(), long);
    }

    #[test]
    fn text_strings_are_pdfdoc_or_utf16() {
        assert_eq!(
            text_string("fr-FR"),
            Object::String(b"fr-FR".to_vec(), StringFormat::Literal)
        );
        let Object::String(b, _) = text_string("é") else {
            panic!()
        };
        assert_eq!(b, vec![0xFE, 0xFF, 0x00, 0xE9]);
    }
}
