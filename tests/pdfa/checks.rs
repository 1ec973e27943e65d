//! The requirements of PDF/A-2u (ISO 19005-2, level U) checked on the bytes
//! of a PDF with lopdf. Each finding starts with the clause it breaks, so a
//! regression names it. Shared by `tests/pdf_render.rs` and `tests/delib/`.
//!
//! These checks cover what delib's writer could get wrong; they are no full
//! validator (see README, "Archival and accessible PDFs").

#![allow(dead_code)]

use lopdf::{Dictionary, Document as Pdf, Object, ObjectId};

/// The sRGB profile the PDFs must carry.
pub const SRGB_ICC: &[u8] = include_bytes!("../../color/sRGB.icc");

fn name(o: Option<&Object>) -> Option<&[u8]> {
    o.and_then(|o| o.as_name().ok())
}

fn text(o: &Object) -> String {
    lopdf::decode_text_string(o).unwrap_or_default()
}

/// `dict[key]`, following one indirect reference.
fn get<'a>(pdf: &'a Pdf, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let o = dict.get(key).ok()?;
    match o {
        Object::Reference(id) => pdf.get_object(*id).ok(),
        o => Some(o),
    }
}

fn dict_of<'a>(pdf: &'a Pdf, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Reference(id) => pdf.get_object(*id).ok()?.as_dict().ok(),
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// The text between `<tag>` and `</tag>` (first occurrence), or the value of
/// the attribute `tag="…"`.
pub fn xmp_value(xmp: &str, tag: &str) -> Option<String> {
    if let Some(i) = xmp.find(&format!("<{tag}>")) {
        let rest = &xmp[i + tag.len() + 2..];
        let end = rest.find(&format!("</{tag}>"))?;
        let mut v = &rest[..end];
        // rdf:Alt / rdf:Seq / rdf:Bag: the first rdf:li.
        if let Some(j) = v.find("<rdf:li") {
            let li = &v[j..];
            let start = li.find('>')? + 1;
            let stop = li.find("</rdf:li>")?;
            v = &li[start..stop];
        }
        return Some(unescape(v.trim()));
    }
    let i = xmp.find(&format!("{tag}=\""))?;
    let rest = &xmp[i + tag.len() + 2..];
    Some(unescape(&rest[..rest.find('"')?]))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every content stream of the file, decoded: page contents and form XObjects.
fn content_streams(pdf: &Pdf) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (n, id) in pdf.get_pages() {
        out.push((format!("page {n}"), pdf.get_page_content(id)));
    }
    for (id, obj) in &pdf.objects {
        if let Ok(s) = obj.as_stream()
            && name(s.dict.get(b"Subtype").ok()) == Some(b"Form")
        {
            let c = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            out.push((format!("form {} {}", id.0, id.1), c));
        }
    }
    out
}

/// What in `bytes` breaks PDF/A-2u; empty when nothing does.
pub fn pdfa_2u(bytes: &[u8]) -> Vec<String> {
    let mut bad = Vec::new();
    // 6.1.2: header, then a comment of at least four bytes above 127.
    let second = bytes.split(|&b| b == b'\n').nth(1).unwrap_or_default();
    if !bytes.starts_with(b"%PDF-1.") {
        bad.push("6.1.2: no %PDF-1.n header".into());
    }
    if !(second.len() >= 5 && second[0] == b'%' && second[1..5].iter().all(|&b| b > 127)) {
        bad.push("6.1.2: no binary comment after the header".into());
    }
    if !bytes.starts_with(b"%PDF-1.7") {
        bad.push("delib: PDF version is not 1.7".into());
    }
    let pdf = match Pdf::load_mem(bytes) {
        Ok(p) => p,
        Err(e) => {
            bad.push(format!("6.1: not readable: {e}"));
            return bad;
        }
    };
    // 6.1.3: a file identifier, no encryption.
    match pdf.trailer.get(b"ID").and_then(Object::as_array) {
        Ok(a) if a.len() == 2 && a.iter().all(|o| o.as_str().is_ok()) => {}
        _ => bad.push("6.1.3: trailer /ID missing or malformed".into()),
    }
    if pdf.trailer.get(b"Encrypt").is_ok() {
        bad.push("6.1.3: the file is encrypted".into());
    }
    let Ok(cat) = pdf.catalog() else {
        bad.push("6.1: no catalogue".into());
        return bad;
    };

    // 6.6.2.1: XMP metadata in the catalogue, not filtered.
    let xmp = match get(&pdf, cat, b"Metadata").and_then(|o| o.as_stream().ok()) {
        Some(s) => {
            if name(s.dict.get(b"Type").ok()) != Some(b"Metadata")
                || name(s.dict.get(b"Subtype").ok()) != Some(b"XML")
            {
                bad.push("6.6.2.1: metadata stream is not /Type /Metadata /Subtype /XML".into());
            }
            if s.dict.get(b"Filter").is_ok() {
                bad.push("6.6.2.1: metadata stream is compressed".into());
            }
            String::from_utf8(s.content.clone()).unwrap_or_default()
        }
        None => {
            bad.push("6.6.2.1: no XMP metadata stream in the catalogue".into());
            String::new()
        }
    };
    if xmp.contains("bytes=") {
        bad.push("6.6.2.1: the xpacket header has a bytes attribute".into());
    }
    // 6.6.4: PDF/A identification.
    if xmp_value(&xmp, "pdfaid:part").as_deref() != Some("2") {
        bad.push("6.6.4: pdfaid:part is not 2".into());
    }
    if xmp_value(&xmp, "pdfaid:conformance").as_deref() != Some("U") {
        bad.push("6.6.4: pdfaid:conformance is not U".into());
    }
    // 6.6.2.3 (ISO 32000-1 14.3.3 table 317): Info and XMP agree.
    let info = pdf
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| dict_of(&pdf, o))
        .cloned()
        .unwrap_or_default();
    let pairs: [(&[u8], &str); 7] = [
        (b"Title", "dc:title"),
        (b"Author", "dc:creator"),
        (b"Subject", "dc:description"),
        (b"Producer", "pdf:Producer"),
        (b"Creator", "xmp:CreatorTool"),
        (b"CreationDate", "xmp:CreateDate"),
        (b"ModDate", "xmp:ModifyDate"),
    ];
    for (key, tag) in pairs {
        let Ok(v) = info.get(key) else { continue };
        let v = text(v);
        let x = xmp_value(&xmp, tag);
        let same = if key.ends_with(b"Date") {
            x.as_deref().map(xmp_to_pdf_date) == Some(v.clone())
        } else {
            x.as_deref() == Some(v.as_str())
        };
        if !same {
            bad.push(format!(
                "6.6.2.3: Info /{} {v:?} and XMP {tag} {x:?} differ",
                String::from_utf8_lossy(key)
            ));
        }
    }

    // 6.2.3: one PDF/A output intent with an ICC profile; here, sRGB.
    let intents = get(&pdf, cat, b"OutputIntents").and_then(|o| o.as_array().ok());
    let pdfa: Vec<&Dictionary> = intents
        .map(|a| a.iter().filter_map(|o| dict_of(&pdf, o)).collect())
        .unwrap_or_default();
    let pdfa: Vec<&Dictionary> = pdfa
        .into_iter()
        .filter(|d| name(d.get(b"S").ok()) == Some(b"GTS_PDFA1"))
        .collect();
    if pdfa.len() != 1 {
        bad.push(format!(
            "6.2.3: {} GTS_PDFA1 output intents, not one",
            pdfa.len()
        ));
    }
    let mut rgb_intent = false;
    for d in &pdfa {
        match get(&pdf, d, b"DestOutputProfile").and_then(|o| o.as_stream().ok()) {
            Some(s) => {
                let icc = s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone());
                if icc.get(16..20) != Some(b"RGB ")
                    || s.dict.get(b"N").and_then(Object::as_i64).ok() != Some(3)
                {
                    bad.push(
                        "6.2.3: the output intent's profile is not an RGB profile with /N 3".into(),
                    );
                } else {
                    rgb_intent = true;
                }
                if icc.get(8).is_none_or(|&v| v > 4) {
                    bad.push("6.2.3: ICC profile version above 4".into());
                }
                if icc != SRGB_ICC {
                    bad.push("delib: the output intent is not the shipped sRGB profile".into());
                }
            }
            None => bad.push("6.2.3: output intent without DestOutputProfile".into()),
        }
    }

    // 6.2.4.3: device colours only where the output intent covers them; delib:
    // every colour is RGB (the sRGB of the output intent).
    for (what, c) in content_streams(&pdf) {
        let ops = lopdf::content::Content::decode(&c).map(|c| c.operations);
        let Ok(ops) = ops else {
            bad.push(format!("6.1: {what}: content stream does not parse"));
            continue;
        };
        for op in ops {
            match op.operator.as_str() {
                "k" | "K" => bad.push(format!(
                    "6.2.4.3: {what}: DeviceCMYK colour ({})",
                    op.operator
                )),
                "g" | "G" => bad.push(format!(
                    "delib: {what}: DeviceGray colour ({}) instead of RGB",
                    op.operator
                )),
                "rg" | "RG" if !rgb_intent => bad.push(format!(
                    "6.2.4.3: {what}: DeviceRGB without an RGB output intent"
                )),
                "cs" | "CS" => {
                    let n = op.operands.first().and_then(|o| o.as_name().ok());
                    if n == Some(b"DeviceCMYK") || n == Some(b"DeviceGray") {
                        bad.push(format!(
                            "6.2.4.3: {what}: colour space {:?}",
                            n.map(String::from_utf8_lossy)
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    for (id, obj) in &pdf.objects {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let ty = name(dict.get(b"Type").ok());
        let sub = name(dict.get(b"Subtype").ok());
        // 6.2.8: images.
        if sub == Some(b"Image") {
            if dict.get(b"Alternates").is_ok() || dict.get(b"OPI").is_ok() {
                bad.push(format!("6.2.8: image {id:?} has /Alternates or /OPI"));
            }
            if dict
                .get(b"Interpolate")
                .and_then(Object::as_bool)
                .unwrap_or(false)
            {
                bad.push(format!("6.2.8: image {id:?} has /Interpolate true"));
            }
            let cs = get(&pdf, dict, b"ColorSpace").and_then(|o| o.as_name().ok());
            if cs == Some(b"DeviceCMYK") {
                bad.push(format!("6.2.4.3: image {id:?} is DeviceCMYK"));
            }
        }
        // 6.2.11.4.1: fonts embedded; 6.2.11.7.2 (level U): a /ToUnicode map.
        if ty == Some(b"FontDescriptor")
            && dict.get(b"FontFile").is_err()
            && dict.get(b"FontFile2").is_err()
            && dict.get(b"FontFile3").is_err()
        {
            bad.push(format!("6.2.11.4.1: font {id:?} not embedded"));
        }
        if ty == Some(b"Font") && sub != Some(b"CIDFontType2") && sub != Some(b"CIDFontType0") {
            match get(&pdf, dict, b"ToUnicode").and_then(|o| o.as_stream().ok()) {
                Some(s) => {
                    let cmap = s
                        .decompressed_content()
                        .unwrap_or_else(|_| s.content.clone());
                    let cmap = String::from_utf8_lossy(&cmap);
                    if cmap.contains("<0000>\n")
                        || cmap.contains("<FFFE>")
                        || cmap.contains("<FEFF>")
                    {
                        bad.push(format!(
                            "6.2.11.7.2: font {id:?} maps a code to U+0000/FFFE/FEFF"
                        ));
                    }
                }
                None => bad.push(format!("6.2.11.7.2: font {id:?} has no /ToUnicode")),
            }
        }
        // 6.1.6 / 6.6.1: no JavaScript, no launch actions, no embedded files.
        if dict.get(b"JS").is_ok() || name(dict.get(b"S").ok()) == Some(b"JavaScript") {
            bad.push(format!("6.5.1: JavaScript in {id:?}"));
        }
        if name(dict.get(b"S").ok()) == Some(b"Launch") {
            bad.push(format!("6.5.1: launch action in {id:?}"));
        }
        if ty == Some(b"Filespec") || dict.get(b"EmbeddedFiles").is_ok() {
            bad.push(format!("6.8: embedded file in {id:?}"));
        }
        // 6.2.10: only the blend modes of ISO 32000-1; no transfer functions.
        if ty == Some(b"ExtGState") {
            if dict.get(b"TR").is_ok() {
                bad.push(format!("6.2.5: /TR in graphics state {id:?}"));
            }
            if dict
                .get(b"TR2")
                .and_then(Object::as_name)
                .is_ok_and(|n| n != b"Default")
            {
                bad.push(format!("6.2.5: /TR2 in graphics state {id:?}"));
            }
        }
        // 6.3.2 / 6.3.3: annotations printable, visible, with an appearance.
        if ty == Some(b"Annot") || sub == Some(b"Widget") {
            let f = dict.get(b"F").and_then(Object::as_i64).unwrap_or(0);
            if f & 4 == 0 || f & (1 | 2 | 32) != 0 {
                bad.push(format!(
                    "6.3.2: annotation {id:?} flags {f}: not printable or hidden"
                ));
            }
            if sub != Some(b"Popup") && sub != Some(b"Link") {
                match get(&pdf, dict, b"AP").and_then(|o| dict_of(&pdf, o)) {
                    Some(ap) if ap.get(b"N").is_ok() && ap.len() == 1 => {}
                    _ => bad.push(format!(
                        "6.3.3: annotation {id:?} needs an /AP with /N only"
                    )),
                }
            }
        }
    }
    if let Some(af) = get(&pdf, cat, b"AcroForm").and_then(|o| dict_of(&pdf, o))
        && af
            .get(b"NeedAppearances")
            .and_then(Object::as_bool)
            .unwrap_or(false)
    {
        bad.push("6.4.1: AcroForm /NeedAppearances true".into());
    }
    if cat.get(b"AA").is_ok() {
        bad.push("6.5.2: additional actions in the catalogue".into());
    }
    for (_, page) in pdf.get_pages() {
        if let Ok(p) = pdf.get_dictionary(page)
            && p.get(b"AA").is_ok()
        {
            bad.push("6.5.2: additional actions on a page".into());
        }
    }
    bad
}

/// XMP `2016-06-27T00:00:00+00:00` as PDF `D:20160627000000+00'00'`.
fn xmp_to_pdf_date(x: &str) -> String {
    let digits: String = x.chars().take(19).filter(char::is_ascii_digit).collect();
    let tz = &x[x.len().min(19)..];
    let tz = match tz {
        "Z" => "Z".to_string(),
        t if t.len() == 6 => format!("{}'{}'", &t[..3], &t[4..]),
        t => t.to_string(),
    };
    format!("D:{digits}{tz}")
}

/// Object id → page number, for messages.
pub fn page_numbers(pdf: &Pdf) -> std::collections::BTreeMap<ObjectId, u32> {
    pdf.get_pages().into_iter().map(|(n, id)| (id, n)).collect()
}
