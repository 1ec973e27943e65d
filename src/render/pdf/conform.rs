//! What printpdf does not write, added to the lopdf document it makes:
//! the PDF/A-2u identification (XMP metadata, sRGB output intent, Info
//! dictionary consistent with the XMP), PDF 1.7.
//!
//! Everything here is derived from the document alone (no clock), so the
//! same input gives the same bytes, the XMP packet included.

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use crate::doc::Meta;

/// The output intent's profile: sRGB IEC 61966-2.1 from Debian's
/// `icc-profiles-free` (zlib licence, see `color/README.md`).
pub(crate) const SRGB_ICC: &[u8] = include_bytes!("../../../color/sRGB.icc");

/// Name written as `/Creator`, `/Producer` and in the XMP.
const PRODUCER: &str = concat!("delib ", env!("CARGO_PKG_VERSION"));

/// A PDF text string: PDFDocEncoding when ASCII, else UTF-16BE with its BOM.
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

/// The XMP packet: PDF/A-2u identification and the Info dictionary's values.
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
    x.push_str(" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
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
    x.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n");
    x.push_str("<?xpacket end=\"r\"?>");
    x
}

/// Make printpdf's document a PDF/A-2u one: Info dictionary, XMP metadata,
/// sRGB output intent, PDF 1.7. `level` is the zlib level for the profile.
pub(crate) fn finish(lo: &mut Document, meta: &Meta, level: u8) {
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
        miniz_oxide::deflate::compress_to_vec_zlib(SRGB_ICC, level),
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

#[cfg(test)]
mod tests {
    use super::*;

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
