//! The example PDFs read back the way a reader would: pages, embedded subset
//! fonts, and the text a `pdftotext` would give, through lopdf.

use crate::common::{delib, root, stderr, temp_dir};
use lopdf::{Document as Pdf, Object};
use std::path::Path;

fn render_pdfs() -> std::path::PathBuf {
    let out = temp_dir("pdf-examples");
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
    let out = render_pdfs();
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
