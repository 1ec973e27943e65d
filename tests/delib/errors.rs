//! Bad input: a French message with file, line, column and the line quoted,
//! exit status 1, and nothing written or overwritten.

use crate::common::{delib, files, project, stderr};

const GOOD: &str =
    "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n";

/// Renders a good dossier, breaks it with `bad`, renders again: returns stderr
/// after checking exit 1 and that the first outputs are untouched.
fn break_and_render(name: &str, bad: &str) -> String {
    let dir = project(name, GOOD);
    let o = delib(
        &dir,
        &[
            "render",
            "dossier.toml",
            "-q",
            "-o",
            "out",
            "--format",
            "md,html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let before = files(&dir.join("out"));
    std::fs::write(dir.join("dossier.toml"), bad).unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md,html"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        files(&dir.join("out")),
        before,
        "outputs must stay as they were"
    );
    stderr(&o)
}

#[test]
fn toml_syntax_error() {
    let err = break_and_render(
        "syntax",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\narticles = [\"A\"]\n",
    );
    assert!(
        err.contains("erreur[syntaxe-toml] : syntaxe TOML invalide : texte non fermé"),
        "{err}"
    );
    assert!(err.contains(" --> dossier.toml:5:15\n"), "{err}");
    assert!(err.contains("5 | objet = \"Objet\n"), "{err}");
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let err = break_and_render("unknown", &GOOD.replace("objet =", "objett ="));
    assert_eq!(
        err.lines().take(6).collect::<Vec<_>>(),
        [
            "erreur[champ-inconnu] : champ inconnu « objett »",
            " --> dossier.toml:5:1",
            "  |",
            "5 | objett = \"Objet\"",
            "  | ^^^^^^",
            "  = aide : vouliez-vous dire « objet » ?",
        ]
    );
}

#[test]
fn missing_required_field() {
    let err = break_and_render(
        "missing",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\narticles = [\"A\"]\n",
    );
    assert!(
        err.contains("erreur[champ-manquant] : champ obligatoire manquant : « objet »"),
        "{err}"
    );
    assert!(err.contains(" --> dossier.toml:4:1"), "{err}");
}

#[test]
fn wrong_type() {
    let err = break_and_render(
        "type",
        &GOOD.replace("articles = [\"A\"]", "articles = \"A\""),
    );
    assert!(err.contains("erreur[type-incorrect]"), "{err}");
    assert!(err.contains(" --> dossier.toml:6:12"), "{err}");
    assert!(err.contains("aide : écrivez une liste"), "{err}");
}

#[test]
fn impossible_date() {
    let err = break_and_render("date", &GOOD.replace("2016-06-27", "2016-02-30"));
    assert!(
        err.contains(
            "erreur[date-invalide] : date invalide ou impossible : le jour doit être entre 01 et 29"
        ),
        "{err}"
    );
    assert!(err.contains(" --> dossier.toml:2:8"), "{err}");
    assert!(err.contains("2 | date = 2016-02-30"), "{err}");
}

#[test]
fn seance_file_outside_the_project_is_refused() {
    let err = break_and_render(
        "traversal",
        &GOOD.replace(
            "[seance]\ndate = 2016-06-27\n",
            "seance = \"../../etc/passwd\"\n",
        ),
    );
    assert!(err.contains("erreur[chemin-hors-projet]"), "{err}");
}

#[test]
fn usage_errors_exit_2_in_french() {
    let dir = project("usage", GOOD);
    let o = delib(&dir, &["render"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("erreur : argument obligatoire manquant"),
        "{}",
        stderr(&o)
    );
    let o = delib(&dir, &["render", "dossier.toml", "--format", "docx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("format inconnu « docx »"),
        "{}",
        stderr(&o)
    );
    let o = delib(&dir, &["render", "absent.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_is_in_french_and_version_prints() {
    let dir = project("help", GOOD);
    let o = delib(&dir, &["--help"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Commandes") && out.contains("Exemples :") && out.contains("Codes de sortie"),
        "{out}"
    );
    let o = delib(&dir, &["render", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Répertoire de sortie"));
    let o = delib(&dir, &["--version"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("delib "));
}

#[test]
fn template_errors_name_the_file_line_and_column() {
    let dir = project("template-error", GOOD);
    std::fs::create_dir(dir.join("templates")).unwrap();
    let tpl = dir.join("templates/deliberation.md.tera");
    std::fs::write(&tpl, "# Titre\n\n{{ deliberation.objet }\n").unwrap();
    let o = delib(&dir, &["render", "dossier.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "erreur[modele] : erreur dans le modèle deliberation.md.tera : syntaxe invalide"
        ),
        "{err}"
    );
    assert!(err.contains("templates/deliberation.md.tera:3:23"), "{err}");
    std::fs::write(&tpl, "# Titre\n\nTexte {{ deliberation.inconnu }}\n").unwrap();
    let err = stderr(&delib(&dir, &["render", "dossier.toml", "-o", "out"]));
    assert!(
        err.contains("variable « deliberation.inconnu » inconnue"),
        "{err}"
    );
    assert!(err.contains("templates/deliberation.md.tera:3:10"), "{err}");
    assert!(!dir.join("out").exists(), "nothing written");
}

#[test]
fn a_latin1_dossier_in_a_folder_is_reported_not_skipped() {
    let dir = project("latin1", GOOD);
    let mut bytes = GOOD.replace("Objet", "Objet d'\u{e9}t\u{e9}").into_bytes();
    // "été" in Latin-1.
    let at = bytes.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    bytes.splice(at..at + 2, [0xE9]);
    std::fs::write(dir.join("dossier.toml"), &bytes).unwrap();
    let o = delib(&dir, &["render", ".", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("erreur[encodage] : le dossier ./dossier.toml n'est pas en UTF-8"),
        "{}",
        stderr(&o)
    );
}
