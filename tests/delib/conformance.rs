//! Every example PDF checked against PDF/A-2u and PDF/UA-1 on its bytes
//! (lopdf), clause by clause (`tests/pdfa/checks.rs`); the metadata named
//! after the act.

use crate::common::{delib, root, stderr, temp_dir};

#[path = "../pdfa/checks.rs"]
pub mod checks;

/// All example PDFs, rendered into a fresh folder.
fn example_pdfs(name: &str) -> Vec<std::path::PathBuf> {
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
    // The output tree mirrors inputs/: collectivité/dossier/*.pdf.
    let mut pdfs = Vec::new();
    let mut stack = vec![out];
    while let Some(dir) = stack.pop() {
        for f in std::fs::read_dir(dir).unwrap() {
            let p = f.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "pdf") {
                pdfs.push(p);
            }
        }
    }
    pdfs.sort();
    assert!(pdfs.len() >= 30, "{} PDFs", pdfs.len());
    pdfs
}

#[test]
fn every_example_pdf_conforms_to_pdfa_2u_and_pdfua_1() {
    let mut bad = Vec::new();
    for p in example_pdfs("pdfa") {
        let bytes = std::fs::read(&p).unwrap();
        let mut found = checks::pdfa_2u(&bytes);
        found.extend(checks::pdfua_1(&bytes));
        for b in found {
            bad.push(format!("{}: {b}", p.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Issue 9 point 19: Author is the collectivité, Subject the objet, the dates
/// the séance's (never the clock).
#[test]
fn example_metadata_comes_from_the_act() {
    let out = temp_dir("pdfa-meta");
    let o = delib(
        &root(),
        &[
            "render",
            "inputs/dijon/convention-pep21.toml",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "pdf",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = lopdf::Document::load(out.join("convention-pep21/deliberation.pdf")).unwrap();
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = pdf.get_dictionary(info).unwrap();
    let s = |k: &[u8]| lopdf::decode_text_string(info.get(k).unwrap()).unwrap();
    assert_eq!(s(b"Author"), "Ville de Dijon");
    assert!(s(b"Subject").starts_with("Convention conclue entre la Ville de Dijon"));
    assert_eq!(s(b"CreationDate"), "D:20160627000000+00'00'");
    assert_eq!(s(b"ModDate"), "D:20160627000000+00'00'");
}

/// Signature field names (`/T`) of a PDF, in AcroForm order.
fn field_names(path: &std::path::Path) -> Vec<String> {
    let pdf = lopdf::Document::load(path).unwrap();
    let cat = pdf.catalog().unwrap();
    let Ok(af) = cat.get(b"AcroForm") else {
        return Vec::new();
    };
    let af = match af {
        lopdf::Object::Reference(r) => pdf.get_dictionary(*r).unwrap(),
        o => o.as_dict().unwrap(),
    };
    af.get(b"Fields")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let d = pdf.get_dictionary(f.as_reference().unwrap()).unwrap();
            assert_eq!(d.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
            lopdf::decode_text_string(d.get(b"T").unwrap()).unwrap()
        })
        .collect()
}

/// Issue 13 point 3: Dijon's delib.toml sets `[rendu] signature_electronique
/// = true`: its délibération, rapport and convention carry a field per
/// signature block; Alsace's do not.
#[test]
fn signature_fields_follow_the_rendu_setting() {
    let out = temp_dir("pdfa-sig");
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
    let d = out.join("dijon/convention-pep21");
    assert_eq!(field_names(&d.join("deliberation.pdf")), ["Maire"]);
    assert_eq!(field_names(&d.join("rapport.pdf")), ["Maire"]);
    assert_eq!(
        field_names(&d.join("convention.pdf")),
        ["Maire", "President-association"]
    );
    assert!(field_names(&d.join("annexe-1.pdf")).is_empty());
    assert!(field_names(&out.join("alsace/soutien-parentalite/deliberation.pdf")).is_empty());
}

/// Issue 13 point 6: PDF/A, tags and the signature field keep the Dijon
/// délibération under 45 KB.
#[test]
fn dijon_deliberation_stays_under_45_kb() {
    let out = temp_dir("pdfa-size");
    let o = delib(
        &root(),
        &[
            "render",
            "inputs/dijon/convention-pep21.toml",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "pdf",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let n = std::fs::metadata(out.join("convention-pep21/deliberation.pdf"))
        .unwrap()
        .len();
    assert!(n < 45_000, "{n} bytes");
}
