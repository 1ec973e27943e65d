//! The example PDFs read back the way a reader would: pages, embedded subset
//! fonts, and the text a `pdftotext` would give, through lopdf.

use crate::common::{delib, project, root, stderr, temp_dir};
use lopdf::{Document as Pdf, Object};
use std::path::Path;

/// The examples' PDFs, rendered into a folder of the test's own (`name`):
/// tests run at the same time in one process, and a shared folder would be
/// emptied by one while another reads it.
fn render_pdfs(name: &str) -> std::path::PathBuf {
    let out = temp_dir(name);
    let o = delib(
        &root(),
        &[
            "render",
            "inputs",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "pdf",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// Text of every page, whitespace normalised (line breaks and justification
/// spaces become one space; U+00A0 and U+202F are kept).
pub fn pages(path: &Path) -> Vec<String> {
    let pdf = Pdf::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pdf.get_pages()
        .keys()
        .map(|&n| {
            let raw = pdf.extract_text(&[n]).unwrap();
            raw.split([' ', '\n', '\r', '\t'])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Names of the embedded fonts, asserting each is a subset of a TrueType program.
fn fonts(path: &Path) -> Vec<String> {
    let pdf = Pdf::load(path).unwrap();
    let mut names = Vec::new();
    for obj in pdf.objects.values() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name =
            String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).into_owned();
        let file = dict
            .get(b"FontFile2")
            .expect("TrueType program embedded")
            .as_reference()
            .unwrap();
        let length = pdf
            .get_object(file)
            .unwrap()
            .as_stream()
            .unwrap()
            .dict
            .get(b"Length1")
            .unwrap()
            .as_i64()
            .unwrap();
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "{name} is not marked as a subset"
        );
        assert!(
            length < 200_000,
            "{name}: {length} bytes, the whole font was embedded"
        );
        names.push(name[7..].to_owned());
    }
    names.sort();
    names
}

#[test]
fn example_pdfs_hold_their_text_fonts_and_pages() {
    let out = render_pdfs("pdf-examples");
    let cases: [(&str, std::ops::RangeInclusive<usize>, &[&str]); 6] = [
        (
            "ivry-sur-seine/cmpp-college-moliere/deliberation.pdf",
            1..=3,
            &[
                "ACTION SOCIALE",
                "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL",
                "APPROUVE la convention avec le collège Molière",
                "Adopté à l’unanimité.",
                "Publié le 20\u{a0}novembre 2009 par voie d’affichage",
            ],
        ),
        (
            "dijon/convention-pep21/deliberation.pdf",
            2..=4,
            &[
                "Séance du lundi 27\u{a0}juin 2016",
                "Mme\u{a0}POPARD (pouvoir à M.\u{a0}PRIBETICH)",
                "Secrétaire de séance\u{a0}: Mme\u{a0}FERRIERE.",
                "ne peut excéder 49\u{202f}975\u{a0}€",
                "mise en œuvre",
                "Ville de Dijon – Délibération n° 2016-06-27/12",
            ],
        ),
        (
            "dijon/convention-pep21/convention.pdf",
            2..=6,
            &[
                "septembre 2016 au 31\u{a0}août 2017",
                "Pour la Ville de Dijon",
                "Pour l’association les PEP 21",
                "«\u{202f}la Ville\u{202f}»",
            ],
        ),
        (
            "alsace/soutien-parentalite/rapport.pdf",
            1..=4,
            &[
                "No CP-2022-1-5-1",
                "No applicatif 2983",
                "RAPPORT DU PRÉSIDENT",
                "Je vous prie de bien vouloir en délibérer.",
                "Frédéric BIERRY",
            ],
        ),
        (
            "alsace/soutien-parentalite/annexe-1.pdf",
            1..=3,
            &[
                "ANNEXE 1 – FICHE PROJET",
                "Titre du projet",
                "Ressources locales",
                "Zouina Meddour",
            ],
        ),
        (
            "alsace/soutien-parentalite/deliberation.pdf",
            1..=3,
            &["PROJET DE DÉLIBÉRATION DE LA COMMISSION PERMANENTE"],
        ),
    ];
    for (rel, range, sentences) in cases {
        let path = out.join(rel);
        let texts = pages(&path);
        assert!(range.contains(&texts.len()), "{rel}: {} pages", texts.len());
        let all = texts.join(" ");
        for s in sentences {
            assert!(all.contains(s), "{rel} lacks {s:?}");
        }
        let n = texts.len();
        for (i, t) in texts.iter().enumerate() {
            assert!(
                t.contains(&format!("page {}/{n}", i + 1)),
                "{rel}: page {} has no number",
                i + 1
            );
        }
        let f = fonts(&path);
        assert!(
            f.iter().any(|name| name == "LiberationSerif"),
            "{rel}: {f:?}"
        );
    }
    // The draft is marked PROJET on every page, drawn as an artifact (paths),
    // so its text holds no stray letters of the mark (issue 9 point 18); the
    // voted act has no mark.
    let draft = out.join("alsace/soutien-parentalite/deliberation.pdf");
    let pdf = Pdf::load(&draft).unwrap();
    for (_, id) in pdf.get_pages() {
        let c = pdf.get_page_content(id);
        assert!(
            c.starts_with(b"/Artifact BMC"),
            "a page of the draft lacks the mark"
        );
    }
    for t in pages(&draft) {
        for w in t.split(' ') {
            assert!(
                !["P", "R", "O", "J", "E", "T", "PR", "OJ"].contains(&w),
                "stray {w:?} of the mark in the text: {t}"
            );
        }
        assert!(t.matches("PROJET").count() <= 1, "{t}");
    }
    let voted = pages(&out.join("dijon/convention-pep21/deliberation.pdf"));
    assert!(voted.iter().all(|t| !t.contains("PROJET")));
}

/// The text `pdftotext` (poppler-utils) reads from `pdf` with `args`, as a
/// reader's tool would. Without it the test is skipped with a message,
/// except under CI, where it must run (`.ci/run` installs poppler-utils).
fn pdftotext(pdf: &Path, args: &[&str]) -> Option<String> {
    match std::process::Command::new("pdftotext")
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "pdftotext {args:?} {}", pdf.display());
            Some(String::from_utf8(o.stdout).unwrap())
        }
        Err(_) if std::env::var_os("CI").is_some() => panic!(
            "CI is set but pdftotext is missing: .ci/run must install the Debian package poppler-utils"
        ),
        Err(_) => {
            eprintln!(
                "SKIPPED: this test needs pdftotext (apt-get install poppler-utils); it is mandatory when CI is set"
            );
            None
        }
    }
}

/// A line as read: U+00A0 and U+202F as spaces, spaces made single (as
/// `-layout` spreads them), none inside « » (`-raw` drops the narrow ones).
fn read(line: &str) -> String {
    line.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("« ", "«")
        .replace(" »", "»")
}

/// Titles of the bookmarks of a PDF, in order, nested ones included.
fn bookmarks(pdf: &Pdf) -> Vec<String> {
    fn walk(pdf: &Pdf, mut item: Option<lopdf::ObjectId>, out: &mut Vec<String>) {
        while let Some(id) = item {
            let d = pdf.get_dictionary(id).unwrap();
            let title = d.get(b"Title").unwrap();
            out.push(lopdf::decode_text_string(title).unwrap());
            walk(
                pdf,
                d.get(b"First").and_then(Object::as_reference).ok(),
                out,
            );
            item = d.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let outlines = pdf
        .catalog()
        .unwrap()
        .get(b"Outlines")
        .and_then(Object::as_reference)
        .unwrap();
    let first = pdf
        .get_dictionary(outlines)
        .unwrap()
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    let mut out = Vec::new();
    walk(pdf, first, &mut out);
    out
}

/// Issue 20 point 16: the text a reader gets out of a PDF, with
/// `pdftotext`, `pdftotext -layout`, `pdftotext -raw`, lopdf and the
/// bookmarks, reads as typed: « ARTICLE 1er » and « nᵒ » on their line
/// (their raised letters are glyphs on the baseline), straight quotes as
/// « », three dots as …, a spaced hyphen as a dash, and « ci-après » broken
/// at its hyphen keeps it.
#[test]
fn pdf_text_reads_as_typed() {
    let dir = project(
        "pdf-as-typed",
        r#"[seance]
date = 2024-03-12
membres_en_exercice = 3
presents = ["M. DUPONT", "Mme MARTIN", "M. PETIT"]
president = "M. DUPONT"
secretaire = "Mme MARTIN"

[deliberation]
numero = "2024-12"
objet = "Convention - accueil"
expose = """
Les "mercredis de la Source"... - un accueil.
"""
articles = [
  "**APPROUVE** la convention n° 12 dite \"Petite enfance\".",
  "**AUTORISE** le Maire à la signer...",
]

[deliberation.vote]
unanimite = true
"#,
    );
    let o = delib(
        &dir,
        &[
            "render",
            "dossier.toml",
            "-q",
            "-o",
            "out",
            "--format",
            "pdf",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let act = dir.join("out/dossier/deliberation.pdf");
    let out = render_pdfs("pdf-as-typed-examples");
    let pv = out.join("dijon/seances/2016-06-27/proces-verbal.pdf");
    let convention = out.join("dijon/convention-pep21/convention.pdf");
    let expected = [
        (
            &act,
            vec![
                "ARTICLE 1er : APPROUVE la convention no 12 dite « Petite enfance ».",
                "ARTICLE 2 : AUTORISE le Maire à la signer…",
                "Les « mercredis de la Source »… – un accueil.",
            ],
        ),
        (&pv, vec!["Délibérations no 2016-06-27/10 à 2016-06-27/14"]),
        (&convention, vec!["Article 1er – Objet"]),
    ];
    for (pdf, want) in &expected {
        for mode in [&[][..], &["-layout"], &["-raw"]] {
            let Some(text) = pdftotext(pdf, mode) else {
                return;
            };
            // A compound broken at its own hyphen keeps it (the hyphen
            // ending a line is U+2010, which pdftotext does not take for a
            // hyphenation to drop).
            assert!(
                !text.contains("ciaprès"),
                "pdftotext {mode:?} {}: « ci-après » read « ciaprès »",
                pdf.display()
            );
            let got: Vec<String> = text.lines().map(read).collect();
            for line in want {
                let line = &read(line);
                // -layout puts the header's two columns on one line.
                assert!(
                    got.iter()
                        .any(|l| l == line || (mode == ["-layout"] && l.ends_with(line))),
                    "pdftotext {mode:?} {}: no line {line:?} in\n{}",
                    pdf.display(),
                    got.join("\n")
                );
            }
        }
        let all = read(&pages(pdf).join(" "));
        for line in want {
            let line = &read(line);
            assert!(
                all.contains(line),
                "lopdf {}: {line:?} in\n{all}",
                pdf.display()
            );
        }
    }
    let marks = bookmarks(&Pdf::load(&convention).unwrap());
    assert!(
        marks.iter().any(|m| m == "Article 1er – Objet"),
        "{marks:?}"
    );
}
