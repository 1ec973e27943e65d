//! Every example PDF checked against PDF/A-2u and PDF/UA-1 on its bytes
//! (lopdf), clause by clause (`tests/pdfa/checks.rs`); the metadata named
//! after the act.

use crate::common::{delib, root, stderr, temp_dir};

#[path = "../pdfa/checks.rs"]
mod checks;

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
