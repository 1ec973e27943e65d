//! Files as Windows writes them: CRLF line ends and byte-order marks from
//! Notepad, the partners CSV of French Excel (Windows-1252, `;`), and a
//! dossier saved in ANSI or UTF-16, refused with the steps to save it in UTF-8.

use crate::common::{delib, files, root, stderr, temp_dir};
use std::path::Path;

/// Copies `inputs/<project>` to `<dir>/<project>`, each `.toml` and `.csv`
/// passed through `edit` (its relative path and bytes).
fn copy_project(project: &str, dir: &Path, edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>) {
    let from = root().join("inputs").join(project);
    for (rel, bytes) in crate::common::all_files(&from) {
        let to = dir.join(project).join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = rel.ends_with(".toml") || rel.ends_with(".csv");
        std::fs::write(&to, if text { edit(&rel, bytes) } else { bytes }).unwrap();
    }
}

/// LF line ends made CRLF.
fn crlf(bytes: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    for b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// The text of `delib check` on `project` with its paths as given, run from `dir`.
fn check(dir: &Path, project: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["check", project];
    all.extend(args);
    let o = delib(dir, &all);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr(&o),
    )
}

/// Every example, saved with CRLF line ends, checks with exactly the
/// findings of the LF files (text and JSON, --deny-warnings alike) and
/// renders the same bytes; a second render is replayed (« rien à refaire »).
#[test]
fn crlf_files_check_and_render_exactly_as_lf_files() {
    let lf = temp_dir("win-lf");
    let cr = temp_dir("win-crlf");
    for project in ["dijon", "alsace", "ivry-sur-seine"] {
        copy_project(project, &lf, &|_, b| b);
        copy_project(project, &cr, &|_, b| crlf(b));
        assert!(
            std::fs::read(cr.join(project).join("delib.toml"))
                .unwrap()
                .windows(2)
                .any(|w| w == b"\r\n")
        );
        for args in [&[][..], &["--format", "json"], &["--deny-warnings"]] {
            assert_eq!(
                check(&cr, project, args),
                check(&lf, project, args),
                "{project} {args:?}"
            );
        }
        let render = |dir: &Path| {
            let o = delib(dir, &["render", project, "-o", "out"]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            stderr(&o)
        };
        render(&lf);
        render(&cr);
        assert_eq!(
            files(&cr.join("out")),
            files(&lf.join("out")),
            "{project}: documents differ"
        );
        let again = render(&cr);
        assert!(again.trim_end().ends_with("rien à refaire"), "{again}");
        let _ = std::fs::remove_dir_all(cr.join("out"));
        let _ = std::fs::remove_dir_all(lf.join("out"));
    }
}

/// A carriage return that ends no line is not taken for a line end: TOML
/// refuses it, at its place.
#[test]
fn a_lone_carriage_return_is_still_reported() {
    let dir = temp_dir("win-cr");
    copy_project("ivry-sur-seine", &dir, &|rel, b| {
        if rel == "cmpp-college-moliere.toml" {
            String::from_utf8(b)
                .unwrap()
                .replacen("Ivry-sur-Seine", "Ivry-sur-\rSeine", 1)
                .into_bytes()
        } else {
            b
        }
    });
    let (code, _, err) = check(&dir, "ivry-sur-seine", &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "erreur[syntaxe-toml] : syntaxe TOML invalide : retour chariot isolé\n \
                      --> ivry-sur-seine/cmpp-college-moliere.toml:1:41\n"
        ),
        "{err}"
    );
}

/// A byte-order mark at the start of every file (what Notepad writes in
/// « UTF-8 avec BOM ») and in the middle of one is ignored: the séance whose
/// every dossier starts with one, `seance = …` on its first line, renders
/// its convocation, liste, procès-verbal, registre and recueil, the same
/// bytes as without.
#[test]
fn byte_order_marks_are_ignored_and_the_seance_is_rendered() {
    let plain = temp_dir("win-nobom");
    let bom = temp_dir("win-bom");
    // `seance = …` first: no comment line before it.
    let uncommented = |b: Vec<u8>| {
        let text = String::from_utf8(b).unwrap();
        let body: Vec<&str> = text
            .lines()
            .skip_while(|l| l.starts_with('#') || l.is_empty())
            .collect();
        body.join("\n") + "\n"
    };
    copy_project("dijon", &plain, &|_, b| uncommented(b).into_bytes());
    copy_project("dijon", &bom, &|rel, b| {
        let mut text = uncommented(b);
        if rel == "convention-pep21.toml" {
            // One in the middle of a file too, at the start of a line.
            text = text.replacen("\n[deliberation]", "\n\u{feff}[deliberation]", 1);
        }
        format!("\u{feff}{text}").into_bytes()
    });
    let first = std::fs::read_to_string(bom.join("dijon/subventions-sport.toml")).unwrap();
    assert!(first.starts_with("\u{feff}seance = "), "{first}");
    let render = |dir: &Path| {
        let o = delib(dir, &["render", "dijon", "-o", "out"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stderr(&o)
    };
    let err = render(&bom);
    assert!(!err.contains("sans nom"), "{err}");
    for doc in [
        "convocation.pdf",
        "liste-des-deliberations.pdf",
        "proces-verbal.pdf",
        "registre.pdf",
        "recueil.pdf",
    ] {
        let p = bom.join("out/seances/2016-06-27").join(doc);
        assert!(p.is_file(), "{} missing:\n{err}", p.display());
    }
    render(&plain);
    assert_eq!(files(&bom.join("out")), files(&plain.join("out")));
}

/// The partners CSV as French Excel saves it, « CSV (séparateur :
/// point-virgule) »: Windows-1252 and `;`, CRLF. Read as such, with a note
/// saying so (which --deny-warnings does not count); the conventions carry
/// the accents; the same CSV in UTF-8 with `,` gives the same documents.
#[test]
fn an_excel_csv_in_windows_1252_is_read_with_a_note() {
    let ansi = temp_dir("win-ansi");
    let utf8 = temp_dir("win-utf8-comma");
    copy_project("alsace", &ansi, &|rel, b| {
        if rel != "partenaires.csv" {
            return b;
        }
        let text = String::from_utf8(b).unwrap();
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!lossy);
        crlf(bytes.into_owned())
    });
    copy_project("alsace", &utf8, &|rel, b| {
        if rel != "partenaires.csv" {
            return b;
        }
        // `;` to `,`, quoting the fields that hold a comma.
        let text = String::from_utf8(b).unwrap();
        let rows: Vec<String> = text
            .lines()
            .map(|l| {
                l.split(';')
                    .map(|f| {
                        if f.contains(',') {
                            format!("\"{f}\"")
                        } else {
                            f.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        (rows.join("\n") + "\n").into_bytes()
    });
    let csv = std::fs::read(ansi.join("alsace/partenaires.csv")).unwrap();
    assert!(std::str::from_utf8(&csv).is_err(), "not Windows-1252");
    let (code, _, err) = check(&ansi, "alsace", &["--deny-warnings"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "note[partenaires-encodage] : alsace/partenaires.csv n'est pas en UTF-8 : \
             il est lu en Windows-1252 (le codage « ANSI » d'Excel), séparateur point-virgule"
        ),
        "{err}"
    );
    assert!(err.contains("0 erreur, 0 avertissement"), "{err}");
    let (code, _, err) = check(&utf8, "alsace", &["--deny-warnings"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("note["), "{err}");
    for dir in [&ansi, &utf8] {
        let o = delib(dir, &["render", "alsace", "-o", "out", "--deny-warnings"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let md = std::fs::read_to_string(
        ansi.join("out/soutien-parentalite/convention-mediatheque-olympe-de-gouges.md"),
    )
    .unwrap();
    assert!(md.contains("La Médiathèque Olympe de Gouges"), "{md}");
    assert_eq!(files(&ansi.join("out")), files(&utf8.join("out")));
}

/// A dossier saved in ANSI (Windows-1252) by Notepad, or in its
/// « Unicode » (UTF-16): refused at the byte, with the steps to save it in UTF-8.
#[test]
fn a_toml_not_in_utf8_is_refused_with_the_notepad_steps() {
    let steps = "aide : ouvrez le fichier dans le Bloc-notes, menu Fichier > Enregistrer sous…, \
                 choisissez UTF-8 dans la liste « Codage » (« Encodage » sous Windows 11) en bas de la fenêtre, \
                 cliquez sur Enregistrer et acceptez de remplacer le fichier";
    let dir = temp_dir("win-ansi-toml");
    copy_project("ivry-sur-seine", &dir, &|rel, b| {
        if rel != "cmpp-college-moliere.toml" {
            return b;
        }
        let text = String::from_utf8(b).unwrap().replace('’', "'");
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!lossy);
        bytes.into_owned()
    });
    let (code, _, err) = check(&dir, "ivry-sur-seine", &[]);
    assert_eq!(code, Some(1), "{err}");
    // At the line and column of the first letter that is not ASCII (« è »
    // of « collège »), named.
    let text =
        std::fs::read_to_string(root().join("inputs/ivry-sur-seine/cmpp-college-moliere.toml"))
            .unwrap();
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.find(|c: char| !c.is_ascii())
                .map(|at| (i + 1, l[..at].chars().count() + 1))
        })
        .unwrap();
    assert!(
        err.contains(
            "erreur[encodage] : le dossier ivry-sur-seine/cmpp-college-moliere.toml n'est pas en UTF-8 \
             (octet 0xE8, « è » en ANSI (Windows-1252))"
        ),
        "{err}"
    );
    assert!(err.contains(steps), "{err}");
    assert!(
        err.contains(&format!(
            "--> ivry-sur-seine/cmpp-college-moliere.toml:{line}:{col}\n"
        )),
        "{err}"
    );

    let dir = temp_dir("win-utf16-toml");
    copy_project("ivry-sur-seine", &dir, &|rel, b| {
        if rel != "delib.toml" {
            return b;
        }
        let text = String::from_utf8(b).unwrap();
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    });
    let (code, _, err) = check(&dir, "ivry-sur-seine", &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "erreur[encodage] : le fichier de projet delib.toml ivry-sur-seine/delib.toml \
             est en UTF-16 (« Unicode » dans le Bloc-notes), pas en UTF-8"
        ),
        "{err}"
    );
    assert!(err.contains(steps), "{err}");
}
