//! The PDF back end, checked by the properties of its output (pages, fonts,
//! text, metadata, bytes), read back with lopdf.

#[path = "pdfa/checks.rs"]
mod checks;
#[path = "../examples/pdf_sample/docs.rs"]
mod docs;

use delib::doc::{Align, Block, Container, Document, Inline, Logo, Meta, Style};
use delib::render::pdf::render;
use docs::{c, h, p, pt, t};
use lopdf::{Document as Pdf, Object};

const A4: (f32, f32) = (595.28, 841.89);

fn load(bytes: &[u8]) -> Pdf {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    Pdf::load_mem(bytes).expect("lopdf reads the PDF")
}

/// The text of each page, through the fonts' /ToUnicode maps.
fn page_texts(pdf: &Pdf) -> Vec<String> {
    pdf.get_pages()
        .keys()
        .map(|&n| pdf.extract_text(&[n]).expect("text"))
        .collect()
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

/// (font name, compressed program size, /Length1) of each embedded font.
fn embedded_fonts(pdf: &Pdf) -> Vec<(String, usize, i64)> {
    let mut out = Vec::new();
    for obj in pdf.objects.values() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name =
            String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).to_string();
        let file = dict
            .get(b"FontFile2")
            .expect("embedded as FontFile2")
            .as_reference()
            .unwrap();
        let stream = pdf.get_object(file).unwrap().as_stream().unwrap();
        let length1 = stream.dict.get(b"Length1").unwrap().as_i64().unwrap();
        out.push((name, stream.content.len(), length1));
    }
    out.sort();
    out
}

fn check_pages(pdf: &Pdf) {
    for (_, id) in pdf.get_pages() {
        let page = pdf.get_dictionary(id).unwrap();
        let mb: Vec<f32> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        assert_eq!(mb.len(), 4);
        assert!(mb[0].abs() < 0.01 && mb[1].abs() < 0.01, "{mb:?}");
        assert!(
            (mb[2] - A4.0).abs() < 0.5 && (mb[3] - A4.1).abs() < 0.5,
            "not A4: {mb:?}"
        );
    }
}

fn render_ok(doc: &Document) -> Pdf {
    let bytes = render(doc);
    let pdf = load(&bytes);
    check_pages(&pdf);
    assert!(!pdf.get_pages().is_empty());
    pdf
}

#[test]
fn deliberation_is_a4_with_subset_fonts_and_french_text() {
    let doc = docs::deliberation(false);
    let pdf = render_ok(&doc);
    let pages = page_texts(&pdf);
    assert!((2..=4).contains(&pages.len()), "{} pages", pages.len());

    let fonts = embedded_fonts(&pdf);
    assert!(fonts.len() >= 3, "{fonts:?}");
    for (name, size, length1) in &fonts {
        let (tag, base) = name.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{name}"
        );
        assert!(base.starts_with("Liberation"), "{name}");
        assert!(
            *length1 < 100_000 && *size < 60_000,
            "{name}: not a subset ({length1} bytes)"
        );
    }

    let all = pages.concat();
    for word in [
        "RÉPUBLIQUE FRANÇAISE",
        "DÉLIBÉRATIONS",
        "œuvre",
        "49\u{202F}975\u{A0}€",
        "«\u{A0}les PEP\u{A0}21\u{A0}»",
        "s’est réuni",
        "Côte-d’Or",
        "légalement convoqué",
        "DÉLIBÈRE",
        "François REBSAMEN",
        "équilibre général\u{202F};",
    ] {
        assert!(all.contains(word), "missing {word:?} in:\n{all}");
    }
    for (n, text) in pages.iter().enumerate() {
        assert!(
            text.contains(&format!("page {}/{}", n + 1, pages.len())),
            "{text}"
        );
        assert!(text.contains("Ville de Dijon — Délibération n°\u{A0}2016-06-27/12"));
    }
}

#[test]
fn same_document_same_bytes() {
    let doc = docs::deliberation(false);
    let a = render(&doc);
    // Other renders in between must not change anything (no global counter leaks in).
    let _ = render(&docs::convention());
    let _ = render(&docs::all_kinds());
    let b = render(&doc);
    assert!(a == b, "two renders differ");
    let draft = docs::deliberation(true);
    assert!(render(&draft) == render(&draft));
    assert!(a != render(&draft));
}

#[test]
fn metadata_is_fixed_and_titled() {
    let doc = docs::convention();
    let bytes = render(&doc);
    let pdf = load(&bytes);
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = pdf.get_dictionary(info).unwrap();
    let title = info.get(b"Title").unwrap().as_str().unwrap();
    assert_eq!(
        lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap(),
        doc.meta.title,
        "{title:?}"
    );
    // No date in the document's Meta: no date in the file (never the clock).
    assert!(info.get(b"CreationDate").is_err() && info.get(b"ModDate").is_err());
    let id = pdf.trailer.get(b"ID").unwrap().as_array().unwrap();
    let id0 = id[0].as_str().unwrap();
    assert_eq!(id0.len(), 32);
    assert!(
        id0.iter().all(u8::is_ascii_hexdigit),
        "{:?}",
        String::from_utf8_lossy(id0)
    );
}

#[test]
fn long_document_has_many_pages_and_numbers_them() {
    let doc = docs::long_document(40);
    let pdf = render_ok(&doc);
    let pages = page_texts(&pdf);
    assert!(pages.len() >= 10, "{} pages", pages.len());
    let total = pages.len();
    for (n, text) in pages.iter().enumerate() {
        assert!(text.contains(&format!("page {}/{total}", n + 1)));
        assert!(!text.contains("PROJET"));
    }
    assert!(pages.concat().contains("Frédéric BIERRY"));
}

/// The PROJET mark is on every page, drawn first (under the text) as glyph
/// outlines in an artifact: issue 9 point 18, no stray « P R O J E T » or
/// « OJ » in the extracted text, for copy-paste and screen readers.
#[test]
fn draft_is_marked_on_every_page() {
    let mut doc = docs::long_document(10);
    doc.meta.draft = true;
    let pdf = render_ok(&doc);
    let pages = page_texts(&pdf);
    assert!(pages.len() >= 3);
    for (text, (_, id)) in pages.iter().zip(pdf.get_pages()) {
        assert!(!text.contains("PROJET") && !text.contains("OJ"), "{text}");
        let content = String::from_utf8_lossy(&pdf.get_page_content(id)).into_owned();
        assert!(
            content.starts_with("/Artifact BMC\nq\n"),
            "{}",
            &content[..60]
        );
        let mark = &content[..content.find("EMC").unwrap()];
        assert!(mark.contains("0.86 0.86 0.86 rg"), "{mark}");
        assert!(mark.matches(" c\n").count() > 20, "no glyph outlines");
        assert!(!mark.contains("BT"), "the mark is text");
    }
}

#[test]
fn every_block_and_container_renders() {
    let doc = docs::all_kinds();
    let pdf = render_ok(&doc);
    let all = page_texts(&pdf).concat();
    for kind in Container::ALL {
        if kind != Container::PageBreak {
            assert!(
                all.contains(&format!("Bloc «\u{A0}{}\u{A0}» isolé.", kind.class())),
                "{kind:?}"
            );
        }
    }
    for word in [
        "gras italique",
        "Nul ne peut",
        "septième",
        "puce imbriquée",
        "neuvième",
        "Encadré dans",
        "Sans clé",
        "Trois",
    ] {
        assert!(all.contains(word), "{word}");
    }
    for d in [docs::convention(), docs::annexe()] {
        let all = page_texts(&render_ok(&d)).concat();
        assert!(
            all.contains("Ressources locales") || all.contains("Jean DUPONT"),
            "{all}"
        );
    }
}

#[test]
fn page_break_starts_a_new_page() {
    let doc = Document {
        meta: Meta::default(),
        blocks: vec![
            pt("avant"),
            c(Container::PageBreak, vec![]),
            pt("après"),
            c(Container::PageBreak, vec![]),
        ],
    };
    let pages = page_texts(&render_ok(&doc));
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[0].contains("avant") && pages[1].contains("après"));
}

fn long_table(rows: usize) -> Block {
    Block::Table {
        header: vec![
            vec![t("Numéro")],
            vec![t("Libellé de l’opération")],
            vec![t("Montant")],
        ],
        rows: (0..rows)
            .map(|r| {
                vec![
                    vec![t(&format!("L{r}"))],
                    vec![t(&"subvention de fonctionnement ".repeat(1 + r % 4))],
                    vec![t(&format!("#{r}#\u{A0}€"))],
                ]
            })
            .collect(),
        align: vec![Align::Left, Align::Left, Align::Right],
    }
}

#[test]
fn table_header_repeats_and_rows_stay_whole() {
    let doc = Document {
        meta: Meta::default(),
        blocks: vec![long_table(150)],
    };
    let pages = page_texts(&render_ok(&doc));
    assert!(pages.len() >= 3);
    for text in &pages {
        assert!(
            text.contains("Numéro") && text.contains("Montant"),
            "header missing on a page:\n{text}"
        );
    }
    // Each row is on exactly one page.
    for r in 0..150 {
        let n = pages
            .iter()
            .filter(|p| p.contains(&format!("#{r}#\u{A0}€")))
            .count();
        assert_eq!(n, 1, "row {r}");
    }
}

/// The text of a document built from `blocks`, as one string per page.
fn pages_of(blocks: Vec<Block>) -> Vec<String> {
    page_texts(&render_ok(&Document {
        meta: Meta::default(),
        blocks,
    }))
}

#[test]
fn signatures_and_keep_stay_on_one_page() {
    for filler in [30, 35, 38, 40, 42, 45] {
        let mut blocks: Vec<Block> = (0..filler).map(|n| pt(&format!("ligne {n}"))).collect();
        blocks.push(c(
            Container::Signatures,
            vec![
                c(
                    Container::Signature,
                    vec![p(vec![t("SIG-A1"), Inline::Break, t("SIG-A2")])],
                ),
                c(
                    Container::Signature,
                    vec![p(vec![t("SIG-B1"), Inline::Break, t("SIG-B2")])],
                ),
            ],
        ));
        blocks.push(c(
            Container::Keep,
            (0..6).map(|n| pt(&format!("ENSEMBLE-{n}"))).collect(),
        ));
        let pages = pages_of(blocks);
        let on = |w: &str| pages.iter().position(|p| p.contains(w)).unwrap();
        assert_eq!(on("SIG-A1"), on("SIG-B2"), "filler {filler}");
        assert_eq!(on("ENSEMBLE-0"), on("ENSEMBLE-5"), "filler {filler}");
    }
}

#[test]
fn heading_never_ends_a_page() {
    for filler in 25..80 {
        let mut blocks: Vec<Block> = (0..filler).map(|n| pt(&format!("ligne {n}"))).collect();
        blocks.push(h(2, "TITRE-MARQUEUR"));
        blocks.push(pt("SUITE-MARQUEUR du paragraphe qui suit le titre."));
        let pages = pages_of(blocks);
        let on = |w: &str| pages.iter().position(|p| p.contains(w)).unwrap();
        assert_eq!(
            on("TITRE-MARQUEUR"),
            on("SUITE-MARQUEUR"),
            "filler {filler}"
        );
    }
}

#[test]
fn boxed_taller_than_a_page_is_split() {
    let inner: Vec<Block> = (0..120).map(|n| pt(&format!("encadré {n}"))).collect();
    let pages = pages_of(vec![pt("début"), c(Container::Boxed, inner)]);
    assert!(pages.len() >= 3);
    assert!(pages.concat().contains("encadré 119"));
}

#[test]
fn adversarial_documents_do_not_panic() {
    let word = "anticonstitutionnellement".repeat(200);
    let mut nested = pt("au fond");
    for _ in 0..30 {
        nested = Block::List {
            start: Some(u64::MAX - 1),
            items: vec![vec![nested.clone(), pt("frère")], vec![]],
        };
    }
    let mut deep = pt("très profond");
    for n in 0..200 {
        let kind = Container::ALL[n % Container::ALL.len()];
        deep = c(kind, vec![deep]);
    }
    let mut quotes = pt("citation");
    for _ in 0..100 {
        quotes = Block::Quote(vec![quotes]);
    }
    let empty_cells = Block::Table {
        header: vec![],
        rows: vec![vec![], vec![vec![]], vec![vec![], vec![t("x")], vec![]]],
        align: vec![],
    };
    let wide = Block::Table {
        header: (0..80).map(|n| vec![t(&format!("colonne {n}"))]).collect(),
        rows: vec![(0..80).map(|_| vec![t(&word)]).collect()],
        align: vec![Align::Right; 3],
    };
    let tall_row = Block::Table {
        header: vec![vec![t("a")]],
        rows: vec![vec![vec![t(&"mot ".repeat(6000))]]],
        align: vec![],
    };
    let tall_sheet = c(
        Container::Sheet,
        vec![c(
            Container::Row,
            vec![
                c(Container::Key, vec![pt("clé")]),
                c(
                    Container::Value,
                    (0..150).map(|n| pt(&format!("v{n}"))).collect(),
                ),
            ],
        )],
    );
    let tall_signature = c(
        Container::Signature,
        (0..120).map(|n| pt(&format!("s{n}"))).collect(),
    );
    let weird = p(vec![
        t("\u{0}\u{7}\t\r\n  \u{200B}\u{AD}\u{FEFF}中文 😀 \u{202F}\u{A0}"),
        Inline::Break,
        Inline::Break,
        Inline::Text {
            text: String::new(),
            style: Style {
                bold: true,
                italic: true,
                sup: true,
            },
        },
    ]);
    let cases: Vec<Vec<Block>> = vec![
        vec![],
        vec![pt("")],
        vec![p(vec![])],
        vec![p(vec![Inline::Break])],
        vec![pt(&"x".repeat(5000))],
        vec![pt(&word)],
        vec![h(1, &word)],
        vec![Block::Table {
            header: vec![],
            rows: vec![],
            align: vec![],
        }],
        vec![Block::Table {
            header: vec![],
            rows: vec![vec![], vec![]],
            align: vec![Align::Center],
        }],
        vec![empty_cells],
        vec![wide],
        vec![tall_row],
        vec![nested],
        vec![deep],
        vec![quotes],
        vec![tall_sheet],
        vec![tall_signature],
        vec![weird],
        (0..300).map(|n| h((n % 8) as u8, "titre")).collect(),
        vec![c(
            Container::Keep,
            (0..400).map(|n| pt(&format!("p{n}"))).collect(),
        )],
        (0..50).map(|_| c(Container::PageBreak, vec![])).collect(),
        vec![
            c(Container::Signatures, vec![]),
            c(Container::Sheet, vec![]),
            c(Container::Header, vec![]),
        ],
        vec![
            Block::List {
                start: None,
                items: vec![],
            },
            Block::Quote(vec![]),
            Block::Rule,
        ],
    ];
    for blocks in cases {
        let doc = Document {
            meta: Meta {
                title: "é\u{0}".into(),
                footer: "€".repeat(500),
                draft: true,
                logo: None,
                ..Default::default()
            },
            blocks,
        };
        render_ok(&doc);
    }
    render_ok(&Document::default());
}

fn images(pdf: &Pdf) -> Vec<&lopdf::Stream> {
    pdf.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice())
        })
        .collect()
}

#[test]
fn logo_is_embedded_once_with_its_transparency() {
    let pdf = render_ok(&docs::deliberation(false));
    let imgs = images(&pdf);
    assert_eq!(imgs.len(), 2, "colour and soft mask");
    assert!(imgs.iter().any(|s| s.dict.get(b"SMask").is_ok()));
    // A logo that cannot be decoded leaves the document without a logo, not broken.
    let mut bad = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    bad.extend_from_slice(b"\0\0\0\0\0\0\0\x04IDATjunk\0\0\0\0");
    let mut doc = docs::deliberation(false);
    doc.meta.logo = Some(Logo::read(bad).expect("header is fine"));
    let pdf = render_ok(&doc);
    assert!(images(&pdf).is_empty());
    assert!(page_texts(&pdf).concat().contains("RÉPUBLIQUE FRANÇAISE"));
}

/// A collection of acts that all show the collectivité's logo embeds it once,
/// and each act keeps the room its own PDF gives the logo; an act whose logo
/// cannot be drawn gets none, as in its own PDF.
#[test]
fn a_collection_embeds_one_logo_and_keeps_each_acts_layout() {
    use delib::render::pdf::{Part, render_many};
    let part = |document: Document| Part {
        document,
        title: "Acte".into(),
        level: 0,
    };
    let mut broken = docs::deliberation(false);
    broken.meta.logo = undrawable_logo();
    let alone: Vec<Vec<String>> = [docs::deliberation(false), broken.clone()]
        .iter()
        .map(|d| page_texts(&render_ok(d)))
        .collect();
    let acts = [docs::deliberation(false), broken, docs::deliberation(false)];
    let bytes = render_many(acts.clone().map(part).into(), "Recueil", None);
    let pdf = Pdf::load_mem(&bytes).expect("a readable PDF");
    assert_eq!(images(&pdf).len(), 2, "one logo: colour and soft mask");
    // Each act's pages read as in its own PDF (but for the page numbers).
    let all = page_texts(&pdf);
    let (n0, n1) = (alone[0].len(), alone[1].len());
    assert_eq!(all.len(), 2 * n0 + n1);
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.contains('/'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (got, want) in all
        .iter()
        .zip(alone[0].iter().chain(&alone[1]).chain(&alone[0]))
    {
        assert_eq!(strip(got), strip(want));
    }
    // And at the same places: the first line of each act where its own PDF has it.
    let own = |d: &Document| first_baselines(&render_ok(d))[0];
    let firsts = first_baselines(&pdf);
    assert_eq!(firsts[0], own(&acts[0]));
    assert_eq!(firsts[n0], own(&acts[1]), "no room for a logo not drawn");
    assert_ne!(firsts[0], firsts[n0]);
    assert_eq!(firsts[n0 + n1], own(&acts[2]));
}

/// The height of the first line of text set on each page.
fn first_baselines(pdf: &Pdf) -> Vec<f32> {
    pdf.get_pages()
        .values()
        .map(|&id| {
            let content = pdf.get_and_decode_page_content(id).expect("content");
            content
                .operations
                .iter()
                .find(|op| op.operator == "Tm")
                .map_or(f32::NAN, |op| number(&op.operands[5]))
        })
        .collect()
}

/// A PNG whose header reads well but whose image data cannot be decoded.
fn undrawable_logo() -> Option<Logo> {
    let mut bad = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    bad.extend_from_slice(b"\0\0\0\0\0\0\0\x04IDATjunk\0\0\0\0");
    Some(Logo::read(bad).expect("header is fine"))
}

/// Every sample document, draft and logo included, passes the PDF/A-2u and
/// PDF/UA-1 checks.
#[test]
fn samples_conform_to_pdfa_2u_and_pdfua_1() {
    let docs = [
        ("deliberation", docs::deliberation(false)),
        ("deliberation projet", docs::deliberation(true)),
        ("convention", docs::convention()),
        ("annexe", docs::annexe()),
        ("long", docs::long_document(12)),
        ("all kinds", docs::all_kinds()),
    ];
    for (what, doc) in docs {
        let bytes = render(&doc);
        let mut bad = checks::pdfa_2u(&bytes);
        bad.extend(checks::pdfua_1(&bytes));
        assert!(bad.is_empty(), "{what}:\n{}", bad.join("\n"));
    }
}

/// ISO 32000-1 14.3.3 and PDF/A-2 6.6.2.3: Author, Subject and the act's date
/// in the Info dictionary and, the same, in the XMP; PDF 1.7.
#[test]
fn metadata_names_the_collectivite_the_objet_and_the_date() {
    let doc = docs::deliberation(false);
    let bytes = render(&doc);
    assert!(bytes.starts_with(b"%PDF-1.7\n"));
    let pdf = load(&bytes);
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = pdf.get_dictionary(info).unwrap();
    let s = |k: &[u8]| lopdf::decode_text_string(info.get(k).unwrap()).unwrap();
    assert_eq!(s(b"Author"), "Ville de Dijon");
    assert_eq!(s(b"Subject"), "Convention avec les PEP 21");
    assert_eq!(s(b"CreationDate"), "D:20160627000000+00'00'");
    assert_eq!(s(b"ModDate"), "D:20160627000000+00'00'");
    let cat = pdf.catalog().unwrap();
    let xmp = cat.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = pdf.get_object(xmp).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert_eq!(
        checks::xmp_value(&xmp, "xmp:CreateDate").as_deref(),
        Some("2016-06-27T00:00:00+00:00")
    );
    assert_eq!(
        checks::xmp_value(&xmp, "dc:creator").as_deref(),
        Some("Ville de Dijon")
    );
}

/// The checker itself finds what it looks for: a file stripped of its output
/// intent and XMP, with a grey colour and a wrong date, fails with the clauses.
#[test]
fn pdfa_checks_catch_a_broken_file() {
    let bytes = render(&docs::deliberation(false));
    let mut pdf = load(&bytes);
    let root = pdf.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let cat = pdf.get_dictionary_mut(root).unwrap();
    cat.remove(b"OutputIntents");
    cat.remove(b"Metadata");
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    pdf.get_dictionary_mut(info)
        .unwrap()
        .set("Title", Object::string_literal("autre"));
    let page = *pdf.get_pages().values().next().unwrap();
    let content = pdf.get_page_content(page);
    let mut grey = b"0.5 g 0 0 10 10 re f\n".to_vec();
    grey.extend_from_slice(&content);
    pdf.change_page_content(page, grey).unwrap();
    pdf.trailer.remove(b"ID");
    let mut out = Vec::new();
    pdf.save_to(&mut out).unwrap();
    let bad = checks::pdfa_2u(&out).join("\n");
    for clause in [
        "6.6.2.1:",
        "6.2.3:",
        "6.6.4:",
        "6.1.3:",
        "delib: page 1: DeviceGray",
    ] {
        assert!(bad.contains(clause), "{clause} not found in:\n{bad}");
    }
    assert!(checks::pdfa_2u(&bytes).is_empty());
}

/// The PDF/UA checker finds what it looks for: delib's PDF before tagging
/// fails, and so does a tagged file spoiled in four ways.
#[test]
fn pdfua_checks_catch_a_broken_file() {
    let before = std::fs::read("tests/fixtures/pdfa/sans-pdfa.pdf").unwrap();
    let bad = checks::pdfua_1(&before).join("\n");
    for clause in ["5:", "7.1: /MarkInfo", "7.1: no structure tree"] {
        assert!(bad.contains(clause), "{clause} not found in:\n{bad}");
    }

    let bytes = render(&docs::deliberation(false));
    assert!(checks::pdfua_1(&bytes).is_empty());
    let mut pdf = load(&bytes);
    let root = pdf.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let cat = pdf.get_dictionary_mut(root).unwrap();
    cat.remove(b"ViewerPreferences");
    cat.remove(b"Outlines");
    for obj in pdf.objects.values_mut() {
        if let Ok(d) = obj.as_dict_mut()
            && d.get(b"S").and_then(Object::as_name).ok() == Some(b"Figure")
        {
            d.remove(b"Alt");
        }
    }
    let page = *pdf.get_pages().values().next().unwrap();
    let mut content = pdf.get_page_content(page);
    content.extend_from_slice(b"\n0 0 10 10 re f\n");
    pdf.change_page_content(page, content).unwrap();
    let mut out = Vec::new();
    pdf.save_to(&mut out).unwrap();
    let bad = checks::pdfua_1(&out).join("\n");
    for clause in [
        "7.1: /ViewerPreferences",
        "7.1: headings but no outline",
        "7.3: Figure without /Alt",
        "7.1: page 1: f neither tagged nor an artifact",
    ] {
        assert!(bad.contains(clause), "{clause} not found in:\n{bad}");
    }
}

/// The structure tree in reading order: the logo as a Figure with its
/// alternative text, the title as H1, lists as L/LI/Lbl/LBody, table header
/// cells with their scope, the signature block kept by name; footers and page
/// numbers are artifacts, not in the tree.
#[test]
fn structure_tree_follows_the_document() {
    let bytes = render(&docs::deliberation(false));
    let pdf = load(&bytes);
    let mut roles = Vec::new();
    let mut alts = Vec::new();
    for obj in pdf.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        let Ok(s) = d.get(b"S").and_then(Object::as_name) else {
            continue;
        };
        if d.get(b"P").is_err() {
            continue;
        }
        roles.push(String::from_utf8_lossy(s).into_owned());
        if let Ok(a) = d.get(b"Alt") {
            alts.push(lopdf::decode_text_string(a).unwrap());
        }
    }
    for r in [
        "Document",
        "Entete",
        "Figure",
        "H1",
        "P",
        "Signature",
        "Encadre",
    ] {
        assert!(roles.iter().any(|x| x == r), "no {r} in {roles:?}");
    }
    assert_eq!(alts, ["Logo : Ville de Dijon"]);
    let cat = pdf.catalog().unwrap();
    let root = cat.get(b"StructTreeRoot").unwrap().as_reference().unwrap();
    let root = pdf.get_dictionary(root).unwrap();
    let map = root.get(b"RoleMap").unwrap().as_dict().unwrap();
    assert_eq!(map.get(b"Signature").unwrap().as_name().unwrap(), b"Div");
    // The page number is drawn inside an artifact.
    let page = *pdf.get_pages().values().next().unwrap();
    let content = String::from_utf8_lossy(&pdf.get_page_content(page)).into_owned();
    let last_artifact = content.rfind("/Artifact BMC").unwrap();
    let last_mcid = content.rfind("/MCID").unwrap();
    assert!(
        last_artifact > last_mcid,
        "the footer is not the last, artifact, text"
    );
}

/// Issue 13 point 3: with `signature_fields`, each signature block carries an
/// empty, unsigned signature field at the block's rectangle, named after the
/// signatory's qualité, listed in the AcroForm and tagged; without it, none.
#[test]
fn signature_blocks_carry_empty_signature_fields() {
    let mut doc = docs::convention();
    assert!(fields(&render(&doc)).is_empty());
    doc.meta.signature_fields = true;
    let bytes = render(&doc);
    let mut bad = checks::pdfa_2u(&bytes);
    bad.extend(checks::pdfua_1(&bytes));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let found = fields(&bytes);
    let names: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["Maire", "President-association"], "{found:?}");
    for (name, rect, page_text) in &found {
        // The widget covers its block: a column of the two, tall enough to sign.
        let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
        assert!(w > 200.0 && w < 260.0 && h > 60.0, "{name}: {rect:?}");
        assert!(!page_text.is_empty());
    }
    // Left block (Maire) left of the right one, on the same band.
    assert!(found[0].1[2] < found[1].1[0]);
    assert!((found[0].1[3] - found[1].1[3]).abs() < 0.5);
}

/// (name, rectangle, text of its page) of each signature field, asserting
/// what every field must be: /FT /Sig, unsigned, printable, in the AcroForm
/// and on its page's /Annots.
fn fields(bytes: &[u8]) -> Vec<(String, [f32; 4], String)> {
    let pdf = load(bytes);
    let cat = pdf.catalog().unwrap();
    let Ok(af) = cat.get(b"AcroForm") else {
        return Vec::new();
    };
    let af = match af {
        Object::Reference(r) => pdf.get_dictionary(*r).unwrap(),
        o => o.as_dict().unwrap(),
    };
    assert!(af.get(b"NeedAppearances").is_err());
    let texts = page_texts(&pdf);
    let pages = pdf.get_pages();
    let mut out = Vec::new();
    for f in af.get(b"Fields").unwrap().as_array().unwrap() {
        let id = f.as_reference().unwrap();
        let d = pdf.get_dictionary(id).unwrap();
        assert_eq!(d.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
        assert_eq!(d.get(b"Subtype").unwrap().as_name().unwrap(), b"Widget");
        assert!(d.get(b"V").is_err(), "a field is signed");
        assert_eq!(d.get(b"F").unwrap().as_i64().unwrap(), 4);
        let page = d.get(b"P").unwrap().as_reference().unwrap();
        let annots = pdf.get_dictionary(page).unwrap().get(b"Annots").unwrap();
        assert!(annots.as_array().unwrap().contains(&Object::Reference(id)));
        let n = pages.iter().find(|(_, p)| **p == page).unwrap().0;
        let r: Vec<f32> = d
            .get(b"Rect")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        out.push((
            lopdf::decode_text_string(d.get(b"T").unwrap()).unwrap(),
            [r[0], r[1], r[2], r[3]],
            texts[*n as usize - 1].clone(),
        ));
    }
    out
}
