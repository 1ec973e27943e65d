//! The requirements of PDF/A-2u (ISO 19005-2, level U) checked on the bytes
//! of a PDF with lopdf. Each finding starts with the clause it breaks, so a
//! regression names it. Shared by `tests/pdf_render.rs` and `tests/delib/`.
//!
//! These checks cover what delib's writer could get wrong; they are no full
//! validator (see docs/pdf.md).

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

/// Structure type of an element, through the role map.
fn std_role(role_map: Option<&Dictionary>, s: &[u8]) -> Vec<u8> {
    role_map
        .and_then(|m| m.get(s).ok())
        .and_then(|o| o.as_name().ok())
        .map_or_else(|| s.to_vec(), <[u8]>::to_vec)
}

/// What in `bytes` breaks PDF/UA-1 (ISO 14289-1) among what delib could get
/// wrong; empty when nothing does. Clauses as in ISO 14289-1 (and the
/// Matterhorn Protocol checkpoint in brackets).
pub fn pdfua_1(bytes: &[u8]) -> Vec<String> {
    let mut bad = Vec::new();
    let Ok(pdf) = Pdf::load_mem(bytes) else {
        return vec!["7.1: not readable".into()];
    };
    let Ok(cat) = pdf.catalog() else {
        return vec!["7.1: no catalogue".into()];
    };
    // 5: identification in the XMP.
    let xmp = get(&pdf, cat, b"Metadata")
        .and_then(|o| o.as_stream().ok())
        .map(|s| String::from_utf8_lossy(&s.content).into_owned())
        .unwrap_or_default();
    if xmp_value(&xmp, "pdfuaid:part").as_deref() != Some("1") {
        bad.push("5: pdfuaid:part is not 1 in the XMP".into());
    }
    // 7.1: tagged, with a title shown as the window title.
    let marked = get(&pdf, cat, b"MarkInfo")
        .and_then(|o| dict_of(&pdf, o))
        .and_then(|d| d.get(b"Marked").ok())
        .and_then(|o| o.as_bool().ok());
    if marked != Some(true) {
        bad.push("7.1: /MarkInfo << /Marked true >> missing (06-001)".into());
    }
    let display = get(&pdf, cat, b"ViewerPreferences")
        .and_then(|o| dict_of(&pdf, o))
        .and_then(|d| d.get(b"DisplayDocTitle").ok())
        .and_then(|o| o.as_bool().ok());
    if display != Some(true) {
        bad.push("7.1: /ViewerPreferences /DisplayDocTitle true missing (07-001)".into());
    }
    if xmp_value(&xmp, "dc:title").is_none_or(|t| t.trim().is_empty()) {
        bad.push("7.1: no dc:title in the XMP (06-003)".into());
    }
    // 7.2: natural language.
    let lang = get(&pdf, cat, b"Lang").map(text);
    if lang.as_deref() != Some("fr-FR") {
        bad.push(format!(
            "7.2: catalogue /Lang is {lang:?}, not fr-FR (11-006)"
        ));
    }

    // 7.1: the structure tree.
    let Some(root) = get(&pdf, cat, b"StructTreeRoot").and_then(|o| dict_of(&pdf, o)) else {
        bad.push("7.1: no structure tree (01-006)".into());
        return bad;
    };
    let role_map = get(&pdf, root, b"RoleMap").and_then(|o| dict_of(&pdf, o));
    for (k, v) in role_map
        .map(|m| m.iter().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let std = [
            &b"Div"[..],
            b"Table",
            b"P",
            b"Sect",
            b"Span",
            b"Figure",
            b"H1",
            b"L",
        ];
        if !v.as_name().is_ok_and(|n| std.contains(&n)) {
            bad.push(format!(
                "7.1: role map sends {} to a non-standard type (02-001)",
                String::from_utf8_lossy(k)
            ));
        }
    }
    // Walk the tree: (page, MCID) → element, roles, headings in order.
    let pages = page_numbers(&pdf);
    let mut owner: std::collections::BTreeMap<(ObjectId, i64), ObjectId> = Default::default();
    let mut headings: Vec<u8> = Vec::new();
    let mut stack: Vec<(ObjectId, Vec<u8>)> = Vec::new();
    let top: Vec<ObjectId> = match root.get(b"K") {
        Ok(Object::Reference(r)) => vec![*r],
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    let mut roles = Vec::new();
    let mut objr: Vec<ObjectId> = Vec::new();
    for t in top.iter().rev() {
        stack.push((*t, Vec::new()));
    }
    let mut seen = 0;
    while let Some((id, parent_role)) = stack.pop() {
        seen += 1;
        if seen > 100_000 {
            bad.push("7.1: structure tree does not end".into());
            break;
        }
        let Ok(e) = pdf.get_dictionary(id) else {
            bad.push(format!("7.1: structure element {id:?} is not a dictionary"));
            continue;
        };
        let s = name(e.get(b"S").ok()).unwrap_or_default().to_vec();
        let role = std_role(role_map, &s);
        roles.push(role.clone());
        let r = role.as_slice();
        if r.len() == 2 && r[0] == b'H' && r[1].is_ascii_digit() {
            headings.push(r[1] - b'0');
        }
        // 7.3: figures have an alternative text.
        if r == b"Figure" && e.get(b"Alt").map(text).is_err_or_empty() {
            bad.push("7.3: Figure without /Alt (13-004)".into());
        }
        // 7.5: table header cells have a scope.
        if r == b"TH" {
            let scope = e
                .get(b"A")
                .ok()
                .and_then(|o| dict_of(&pdf, o))
                .and_then(|a| a.get(b"Scope").ok())
                .and_then(|o| o.as_name().ok());
            if !matches!(scope, Some(b"Column" | b"Row" | b"Both")) {
                bad.push("7.5: TH without /Scope (15-003)".into());
            }
        }
        // ISO 32000-1 14.8.4: what may contain what.
        let ok_parent: &[&[u8]] = match r {
            b"TR" => &[b"Table", b"THead", b"TBody", b"TFoot"],
            b"TH" | b"TD" => &[b"TR"],
            b"LI" => &[b"L"],
            b"Lbl" | b"LBody" => &[b"LI"],
            _ => &[],
        };
        if !ok_parent.is_empty() && !ok_parent.contains(&parent_role.as_slice()) {
            bad.push(format!(
                "7.1: {} inside {} (09-004)",
                String::from_utf8_lossy(r),
                String::from_utf8_lossy(&parent_role)
            ));
        }
        let pg = e.get(b"Pg").and_then(Object::as_reference).ok();
        let kids: Vec<Object> = match e.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => Vec::new(),
        };
        for k in kids.iter().rev() {
            match k {
                Object::Integer(mcid) => match pg {
                    Some(p) => {
                        owner.insert((p, *mcid), id);
                    }
                    None => bad.push("7.1: MCID in an element without /Pg".into()),
                },
                Object::Reference(r) => {
                    let d = pdf.get_dictionary(*r).ok();
                    if let Some(d) = d
                        && name(d.get(b"Type").ok()) == Some(b"OBJR")
                    {
                        objr.extend(d.get(b"Obj").and_then(Object::as_reference).ok());
                        continue;
                    }
                    stack.push((*r, role.clone()));
                }
                Object::Dictionary(d) if name(d.get(b"Type").ok()) == Some(b"MCR") => {
                    let p = d.get(b"Pg").and_then(Object::as_reference).ok().or(pg);
                    let m = d.get(b"MCID").and_then(Object::as_i64).ok();
                    match (p, m) {
                        (Some(p), Some(m)) => {
                            owner.insert((p, m), id);
                        }
                        _ => bad.push("7.1: marked-content reference without page or MCID".into()),
                    }
                }
                Object::Dictionary(d) if name(d.get(b"Type").ok()) == Some(b"OBJR") => {
                    objr.extend(d.get(b"Obj").and_then(Object::as_reference).ok());
                }
                _ => bad.push(format!("7.1: unexpected kid {k:?}")),
            }
        }
    }
    // 7.18.1: annotations are in the structure tree (an OBJR of a Form
    // element for a widget) and described; 7.18.3: pages with annotations
    // have /Tabs /S.
    for (id, obj) in &pdf.objects {
        let Ok(d) = obj.as_dict() else { continue };
        if name(d.get(b"Type").ok()) != Some(b"Annot") {
            continue;
        }
        if !objr.contains(id) {
            bad.push(format!(
                "7.18.1: annotation {id:?} is not in the structure tree (28-011)"
            ));
        }
        if d.get(b"StructParent").and_then(Object::as_i64).is_err() {
            bad.push(format!("7.18.1: annotation {id:?} has no /StructParent"));
        }
        if d.get(b"TU").map(text).is_err_or_empty()
            && d.get(b"Contents").map(text).is_err_or_empty()
        {
            bad.push(format!(
                "7.18.1: annotation {id:?} has no description (28-004)"
            ));
        }
    }
    for &page_id in pages.keys() {
        let Ok(p) = pdf.get_dictionary(page_id) else {
            continue;
        };
        if p.get(b"Annots").is_ok() && name(p.get(b"Tabs").ok()) != Some(b"S") {
            bad.push("7.18.3: a page with annotations lacks /Tabs /S (28-002)".into());
        }
    }
    if roles.first().map(Vec::as_slice) != Some(b"Document") {
        bad.push("7.1: the tree does not start with a Document element".into());
    }
    // 7.4.2: numbered headings start at H1 and skip no level.
    let mut last = 0;
    for h in &headings {
        if *h > last + 1 {
            bad.push(format!("7.4.2: H{h} after H{last} (14-003)"));
        }
        last = *h;
    }
    if !headings.is_empty() && cat.get(b"Outlines").is_err() {
        bad.push("7.1: headings but no outline (bookmarks)".into());
    }

    // 7.1: every piece of content is tagged (an MCID its element claims) or
    // an artifact; 7.2 of ISO 32000: properly nested.
    for (&page_id, n) in &pages {
        let content = pdf.get_page_content(page_id);
        let Ok(ops) = lopdf::content::Content::decode(&content).map(|c| c.operations) else {
            bad.push(format!("7.1: page {n}: content does not parse"));
            continue;
        };
        // Stack of open marked content: Some(mcid) for tagged, None for artifact
        // or an untagged BMC.
        let mut open: Vec<(bool, Option<i64>)> = Vec::new();
        for op in &ops {
            let covered = open
                .iter()
                .any(|(artifact, mcid)| *artifact || mcid.is_some());
            match op.operator.as_str() {
                "BMC" => {
                    let artifact =
                        op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact");
                    open.push((artifact, None));
                }
                "BDC" => {
                    let artifact =
                        op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact");
                    let mcid = op
                        .operands
                        .get(1)
                        .and_then(|o| o.as_dict().ok())
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|o| o.as_i64().ok());
                    if let Some(m) = mcid
                        && !artifact
                        && !owner.contains_key(&(page_id, m))
                    {
                        bad.push(format!(
                            "7.1: page {n}: MCID {m} belongs to no element (01-004)"
                        ));
                    }
                    open.push((artifact, mcid));
                }
                "EMC" if open.pop().is_none() => {
                    bad.push(format!("7.1: page {n}: EMC without BMC/BDC"));
                }
                "Tj" | "TJ" | "'" | "\"" | "Do" | "f" | "F" | "f*" | "S" | "s" | "B" | "B*"
                | "b" | "b*" | "sh" | "EI"
                    if !covered =>
                {
                    bad.push(format!(
                        "7.1: page {n}: {} neither tagged nor an artifact (01-005)",
                        op.operator
                    ));
                }
                _ => {}
            }
        }
        if !open.is_empty() {
            bad.push(format!("7.1: page {n}: marked content left open"));
        }
        // Parent tree: the page's entry lists the element of each MCID.
        let sp = pdf
            .get_dictionary(page_id)
            .ok()
            .and_then(|p| p.get(b"StructParents").ok())
            .and_then(|o| o.as_i64().ok());
        if sp.is_none() && owner.keys().any(|(p, _)| *p == page_id) {
            bad.push(format!(
                "7.1: page {n} has tagged content but no /StructParents"
            ));
        }
    }
    bad.dedup();
    bad
}

trait ErrOrEmpty {
    fn is_err_or_empty(&self) -> bool;
}

impl<E> ErrOrEmpty for Result<String, E> {
    fn is_err_or_empty(&self) -> bool {
        self.as_ref().map_or(true, |s| s.trim().is_empty())
    }
}
