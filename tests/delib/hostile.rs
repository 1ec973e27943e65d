//! Hostile input found by attacking the release binary (issue 11): work
//! bounded by the input's size, nothing that acts on a terminal, no script
//! link in the Markdown, one rule for a broken partners file.

use crate::common::{delib, files, project, stderr};
use pulldown_cmark::{Event, Options, Parser, Tag};

const HEAD: &str =
    "[seance]\ndate = 2016-06-27\nmembres_en_exercice = 5\npresents = 5\n\n[deliberation]\n";

/// A dossier with `objet` and `expose` as given (TOML basic strings).
fn dossier(objet: &str, expose: &str) -> String {
    format!(
        "{HEAD}objet = {}\nexpose = {}\narticles = [{}]\n",
        toml_string(objet),
        toml_string(expose),
        toml_string(expose)
    )
}

/// `s` as a TOML basic string, control characters written as `\uXXXX`.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn repeated_findings_are_folded_and_long_lines_cut() {
    // 4 000 « 1 septembre » on one line: 289 MB of warnings before.
    let objet = "1 septembre ".repeat(4000);
    let dir = project("fold", &dossier(&objet, "Texte."));
    let o = delib(&dir, &["check", "dossier.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("avertissement[typo-1er]").count(), 1, "{err}");
    assert!(err.contains("(et 3999 autres dans ce champ)"), "{err}");
    assert!(err.len() < 2000, "{} bytes of findings", err.len());
    for line in err.lines() {
        assert!(line.chars().count() < 200, "line not cut: {line}");
    }
    // The caret still points at the first occurrence, after the cut.
    assert!(
        err.contains("7 | objet = \"1 septembre 1 septembre"),
        "{err}"
    );
    assert!(err.contains("  |          ^^^^^^^^^^^\n"), "{err}");
}

#[test]
fn a_quoted_line_is_cut_around_the_caret() {
    let expose = format!("{} 1 septembre {}", "a".repeat(5000), "b".repeat(5000));
    let dir = project("cut", &dossier("Objet", &expose));
    let err = stderr(&delib(&dir, &["check", "dossier.toml"]));
    let quoted = err
        .lines()
        .find(|l| l.starts_with("8 | "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(quoted.starts_with("8 | …aaaa"), "{quoted}");
    assert!(quoted.ends_with("bbb…"), "{quoted}");
    assert!(quoted.contains(" 1 septembre "), "{quoted}");
    let caret = err
        .lines()
        .skip_while(|l| !l.starts_with("8 | "))
        .nth(1)
        .unwrap();
    // The caret sits under the `1` of the quoted (cut) line.
    let at = |l: &str, s: &str| l[..l.find(s).unwrap()].chars().count();
    assert_eq!(
        at(caret, "^"),
        at(quoted, "1 septembre"),
        "{quoted}\n{caret}"
    );
}

#[test]
fn control_characters_never_reach_the_terminal_or_the_documents() {
    let objet = "Titre\u{1b}]0;pris\u{7} \u{0}et\u{1b}[2J fin";
    let dir = project("controls", &dossier(objet, "Exposé\u{1b}[31m rouge\u{7}."));
    // A file name with ESC and BEL, with an error in it.
    let name = "x\u{1b}]0;titre\u{7}.toml";
    std::fs::write(dir.join(name), format!("{HEAD}objet = \"\"\n")).unwrap();
    let o = delib(&dir, &["check", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for c in ['\u{1b}', '\u{7}', '\u{0}'] {
        assert!(!err.contains(c), "{c:?} printed raw: {err:?}");
    }
    assert!(err.contains("x␛]0;titre␇.toml"), "{err}");
    assert!(err.contains("avertissement[caractere-controle]"), "{err}");
    assert!(err.contains("U+001B (ESC)"), "{err}");
    // Rendering: the dossier renders, its documents hold none of them.
    std::fs::remove_file(dir.join(name)).unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md,html"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs = files(&dir.join("out"));
    assert!(!docs.is_empty());
    for (n, bytes) in docs {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.chars().any(delib::escape::is_stripped),
            "{n} holds a control character"
        );
        assert!(text.contains("pris") && text.contains("rouge"), "{n}");
    }
}

/// Link and image destinations of a Markdown text, as a CommonMark reader sees them.
fn destinations(md: &str) -> Vec<String> {
    Parser::new_ext(md, Options::all())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_fields_carry_no_script_links() {
    let payloads = [
        "[x](javascript:alert(1))",
        "![i](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[r]: javascript:alert(1)",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](javascript\\:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[![i](javascript:a)](javascript:b)",
        "![![![i](javascript:a)](javascript:b)](javascript:c)",
        "[x](javascript:alert(1) \"titre\")",
        "[x](javascript:alert(1) foo)",
    ];
    let expose = payloads.join("\n\n")
        + "\n\n[garde](https://example.org/a) et [courriel](mailto:a@example.org)";
    let dir = project("links", &dossier("Objet", &expose));
    // Reference in one field, definition in another: joined in one document.
    let text = std::fs::read_to_string(dir.join("dossier.toml"))
        .unwrap()
        .replace(
            "articles = [",
            "visas = [\"le code, voir [lien][d]\", \"[d]: javascript:alert(2)\"]\narticles = [",
        );
    std::fs::write(dir.join("dossier.toml"), text).unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (n, bytes) in files(&dir.join("out")) {
        let md = String::from_utf8(bytes).unwrap();
        let dests = destinations(&md);
        for d in &dests {
            let lower = d.to_lowercase();
            assert!(
                lower.starts_with("https:") || lower.starts_with("mailto:"),
                "{n}: link to {d:?} left in\n{md}"
            );
        }
        if n.ends_with("rapport.md") {
            assert_eq!(dests.len(), 2, "{n}: the safe links stay\n{md}");
        }
        assert!(!md.to_lowercase().contains("javascript:"), "{n}\n{md}");
        // The text of a removed link stays.
        assert!(md.contains("[x]") || md.contains('x'), "{n}");
    }
}

#[test]
fn a_partners_file_without_nom_column_writes_nothing() {
    let convention = "\n[convention]\ntitre = \"Convention\"\npartenaires = \"p.csv\"\n";
    let dir = project("no-nom", &(dossier("Objet", "Texte.") + convention));
    std::fs::write(dir.join("p.csv"), "nom;forme\nAssociation A;association\n").unwrap();
    // `./`: a bare file name puts the CSV outside the project for load.rs today.
    let o = delib(
        &dir,
        &["render", "./dossier.toml", "-o", "out", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = files(&dir.join("out"));
    assert!(
        before
            .iter()
            .any(|(n, _)| n.contains("convention-association-a"))
    );
    // Same file with the column renamed, and the objet changed.
    std::fs::write(
        dir.join("p.csv"),
        "raison;forme\nAssociation A;association\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
    std::fs::write(
        dir.join("dossier.toml"),
        text.replace("\"Objet\"", "\"Autre\""),
    )
    .unwrap();
    let o = delib(
        &dir,
        &["render", "./dossier.toml", "-o", "out", "--format", "md"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("erreur[partenaires-colonne-nom]"), "{err}");
    assert!(err.contains("non rendu, rien n'a été écrit"), "{err}");
    assert_eq!(
        files(&dir.join("out")),
        before,
        "outputs must stay as they were"
    );
}
