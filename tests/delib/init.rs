//! `delib init`: a project that checks clean and renders as written, every
//! field explained, every commented field valid once uncommented, no file
//! ever overwritten.

use crate::common::{delib, stderr, temp_dir};
use std::path::Path;

const FILES: [&str; 3] = [
    "delib.toml",
    "seances/2026-11-19.toml",
    "subvention-association.toml",
];

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A new project, in a folder whose name has a space and accents: checks
/// without a finding, even with --deny-warnings, and renders into its own
/// documents/ folder, whatever the folder delib is run from.
#[test]
fn a_new_project_checks_clean_and_renders() {
    let dir = temp_dir("init");
    let o = delib(&dir, &["init", "Conseil d'Égreville"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for f in FILES {
        assert!(
            out.contains(&format!("écrit     Conseil d'Égreville/{f}\n")),
            "{out}"
        );
    }
    assert!(
        out.contains("delib check \"Conseil d'Égreville\""),
        "a name with a space is quoted:\n{out}"
    );
    let project = dir.join("Conseil d'Égreville");
    let o = delib(&dir, &["check", "Conseil d'Égreville", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 dossier vérifié : 0 erreur, 0 avertissement"),
        "{}",
        stderr(&o)
    );
    let o = delib(&dir, &["render", "Conseil d'Égreville", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs = project.join("documents");
    for f in [
        "subvention-association/deliberation.pdf",
        "subvention-association/rapport.pdf",
        "seances/2026-11-19/convocation.pdf",
    ] {
        assert!(docs.join(f).is_file(), "{f}:\n{}", stderr(&o));
    }
    let md = std::fs::read_to_string(docs.join("subvention-association/deliberation.md")).unwrap();
    assert!(md.contains("PROJET"), "no vote yet: a draft\n{md}");
    assert!(!dir.join("output").exists());
}

/// Run again, or over files of the clerk's: nothing is overwritten, and
/// what was kept is said.
#[test]
fn init_never_overwrites() {
    let dir = temp_dir("init-again");
    std::fs::write(dir.join("delib.toml"), "# à moi\n").unwrap();
    let o = delib(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("conservé  ./delib.toml (existe déjà, non écrasé)"),
        "{out}"
    );
    assert!(
        out.contains("écrit     ./subvention-association.toml"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("delib.toml")).unwrap(),
        "# à moi\n"
    );
    let dossier = dir.join("subvention-association.toml");
    std::fs::write(&dossier, "# modifié\n").unwrap();
    let o = delib(&dir, &["init", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).matches("conservé").count() == 3,
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read_to_string(&dossier).unwrap(), "# modifié\n");
    // A link where a file would go is not followed.
    #[cfg(unix)]
    {
        let dir = temp_dir("init-link");
        let target = dir.join("ailleurs.txt");
        std::os::unix::fs::symlink(&target, dir.join("delib.toml")).unwrap();
        let o = delib(&dir, &["init"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(!target.exists(), "wrote through a link");
    }
}

/// Every field written, active or commented out, follows a comment that
/// says what it is and whether it is obligatoire, conseillé or facultatif;
/// every commented-out field is valid TOML of the schema: with all of them
/// uncommented, the project still checks without an error.
#[test]
fn every_field_is_explained_and_valid_uncommented() {
    let dir = temp_dir("init-champs");
    assert_eq!(delib(&dir, &["init"]).status.code(), Some(0));
    let is_field = |l: &str| {
        let key = l.split(" = ").next().unwrap_or("");
        (l.contains(" = ")
            && !key.is_empty()
            && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            || (l.starts_with('[') && l.ends_with(']'))
    };
    let mut uncommented_fields = 0;
    for f in FILES {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            let commented = line.strip_prefix("# ").filter(|l| is_field(l));
            let field = commented.unwrap_or(line);
            if is_field(field) && !field.starts_with('[') {
                // The comment block just above (commented-out fields of
                // the same table skipped).
                let block: Vec<&str> = lines[..i]
                    .iter()
                    .rev()
                    .skip_while(|l| l.strip_prefix("# ").is_some_and(is_field))
                    .take_while(|l| l.starts_with('#'))
                    .copied()
                    .collect();
                let block = block.join(" ");
                assert!(
                    ["Obligatoire", "Conseillé", "Facultatif"]
                        .iter()
                        .any(|w| block.contains(w)),
                    "{f}: {field} is not explained: {block:?}"
                );
            }
            if let Some(l) = commented {
                if !l.starts_with('[') {
                    toml::from_str::<toml::Table>(l)
                        .unwrap_or_else(|e| panic!("{f}: « {l} » is not TOML: {e}"));
                }
                uncommented_fields += 1;
                out.push_str(l);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        std::fs::write(dir.join(f), out).unwrap();
    }
    assert!(uncommented_fields > 20, "{uncommented_fields}");
    // What the uncommented fields name.
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::write(dir.join("images/logo.png"), crate::render::grey_png(0x80)).unwrap();
    std::fs::create_dir_all(dir.join("modeles")).unwrap();
    let o = delib(&dir, &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = delib(&dir, &["render", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // formats = ["html", "pdf"] once uncommented.
    let html = std::fs::read_to_string(
        Path::new(&dir).join("documents/subvention-association/deliberation.html"),
    )
    .unwrap();
    assert!(
        html.contains("Adopté à l"),
        "voted once uncommented:\n{html}"
    );
}
