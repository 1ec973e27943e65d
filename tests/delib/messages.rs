//! What a clerk reads when something is wrong: French only, at the right
//! file and line, every failing finding shown, `check` agreeing with `render`.

use crate::common::{delib, project, stderr, temp_dir};
use std::path::Path;
use std::process::Output;

const GOOD: &str = "[seance]\ndate = 2016-06-27\npresents = [\"A\", \"B\", \"C\"]\npresident = \"A\"\nsecretaire = \"B\"\nmembres_en_exercice = 3\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"**APPROUVE** le texte.\"]\n\n[deliberation.vote]\nunanimite = true\n";

/// English words that must never reach the clerk (whole words, any case).
const ENGLISH: [&str; 32] = [
    "expected",
    "error",
    "such",
    "found",
    "not",
    "invalid",
    "missing",
    "unexpected",
    "usage",
    "default",
    "values",
    "value",
    "os",
    "directory",
    "file",
    "permission",
    "denied",
    "string",
    "key",
    "must",
    "quoted",
    "information",
    "tip",
    "read-only",
    "space",
    "device",
    "system",
    "the",
    "with",
    "failed",
    "template",
    "or",
];

fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphabetic() || c == '-'))
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A project whose dossier is `dossier`, with extra files.
fn setup(name: &str, dossier: &str, extra: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dir = project(name, dossier);
    for (path, bytes) in extra {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn check(dir: &Path) -> Output {
    delib(dir, &["check", "./dossier.toml"])
}

/// Every error path a clerk can meet, with the words that must appear.
#[test]
fn every_error_path_speaks_french() {
    let with = |find: &str, replace: &str| GOOD.replace(find, replace);
    // (name, dossier, extra files, command, expected exit code, expected text)
    type Case<'a> = (
        &'a str,
        String,
        Vec<(&'a str, &'a [u8])>,
        Vec<&'a str>,
        i32,
        &'a str,
    );
    let check_args = vec!["check", "./dossier.toml"];
    let cases: Vec<Case> = vec![
        (
            "date-francaise",
            with("2016-06-27", "27/06/2016"),
            vec![],
            check_args.clone(),
            1,
            "une date s'écrit 2016-06-27, sans guillemets",
        ),
        (
            "date-guillemets",
            with("2016-06-27", "\"2016-06-27\""),
            vec![],
            check_args.clone(),
            1,
            "une date attendue",
        ),
        (
            "texte-nu",
            with("[seance]\n", "[seance]\nlieu = Salle de Flore\n"),
            vec![],
            check_args.clone(),
            1,
            "mettez le texte entre guillemets : \"Salle de Flore\"",
        ),
        (
            "cle-seule",
            with("[seance]\n", "[seance]\nlieu\n"),
            vec![],
            check_args.clone(),
            1,
            "champ sans valeur",
        ),
        (
            "cle-double",
            with("[seance]\n", "[seance]\nlieu = \"a\"\nlieu = \"b\"\n"),
            vec![],
            check_args.clone(),
            1,
            "écrit deux fois",
        ),
        (
            "liste-ouverte",
            with("\"C\"]", "\"C\""),
            vec![],
            check_args.clone(),
            1,
            "syntaxe TOML invalide",
        ),
        (
            "nombre-espace",
            with("membres_en_exercice = 3", "membres_en_exercice = 3 000"),
            vec![],
            check_args.clone(),
            1,
            "nombre mal écrit : « 3 000 »",
        ),
        (
            "heure-nue",
            with("[seance]\n", "[seance]\nheure = 18h30\n"),
            vec![],
            check_args.clone(),
            1,
            "heure = \"18:30\"",
        ),
        (
            "type-liste",
            with("articles = [\"**APPROUVE** le texte.\"]", "articles = 3"),
            vec![],
            check_args.clone(),
            1,
            "type incorrect",
        ),
        (
            "valeur-inconnue",
            with(
                "unanimite = true",
                "unanimite = true\nscrutin = \"secrett\"",
            ),
            vec![],
            check_args.clone(),
            1,
            "vouliez-vous dire « secret » ?",
        ),
        (
            "seance-absente",
            format!(
                "seance = \"seances/x.toml\"\n{}",
                GOOD.split_once("\n\n").unwrap().1
            ),
            vec![],
            check_args.clone(),
            1,
            "impossible de lire le fichier de séance",
        ),
        (
            "latin1",
            GOOD.replace("Objet", "Objet \u{e9}"),
            vec![],
            check_args.clone(),
            1,
            "n'est pas en UTF-8",
        ),
        (
            "chemin-absent",
            GOOD.into(),
            vec![],
            vec!["check", "absent.toml"],
            2,
            "introuvable",
        ),
        (
            "sortie-sous-un-fichier",
            GOOD.into(),
            vec![("un-fichier", b"x")],
            vec!["render", "dossier.toml", "-o", "un-fichier/sortie"],
            2,
            "pas un répertoire",
        ),
        (
            "modeles-sous-un-fichier",
            GOOD.into(),
            vec![("un-fichier", b"x")],
            vec!["templates", "un-fichier/modeles"],
            2,
            "pas un répertoire",
        ),
        (
            "modele-casse",
            GOOD.into(),
            vec![("templates/deliberation.md.tera", b"{% if %}")],
            check_args.clone(),
            1,
            "erreur dans le modèle",
        ),
        (
            "modele-filtre",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{{ deliberation.objet | rien }}",
            )],
            check_args.clone(),
            1,
            "filtre « rien » inconnu",
        ),
        (
            "modele-inclus",
            GOOD.into(),
            vec![("templates/deliberation.md.tera", b"{% include \"x\" %}")],
            check_args.clone(),
            1,
            "modèle « x » introuvable",
        ),
        // What a template written for tera 1 meets under tera 2.
        (
            "modele-macro",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{% macro m() %}x{% endmacro m %}",
            )],
            check_args.clone(),
            1,
            "les macros n'existent plus depuis tera 2",
        ),
        (
            "modele-argument",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{{ deliberation.articles | join(\", \") }}",
            )],
            check_args.clone(),
            1,
            "argument sans nom",
        ),
        (
            "modele-indice",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{{ deliberation.articles.0 }}",
            )],
            check_args.clone(),
            1,
            "écrivez liste[0] et non liste.0",
        ),
        (
            "modele-bloc-ouvert",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{% if deliberation.objet %}\nabc\n",
            )],
            check_args.clone(),
            1,
            "il manque {% endif %} ou {% endfor %} ?",
        ),
        (
            "modele-fin-seule",
            GOOD.into(),
            vec![("templates/deliberation.md.tera", b"abc {% endfor %}")],
            check_args.clone(),
            1,
            "balise {% endfor %} sans ouverture",
        ),
        (
            "modele-champ",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{{ deliberation.objett }}",
            )],
            check_args.clone(),
            1,
            "variable « deliberation.objett » inconnue\n --> ./templates/deliberation.md.tera:1:4\n",
        ),
        (
            "modele-champ-proche",
            GOOD.into(),
            vec![(
                "templates/deliberation.md.tera",
                b"{{ deliberation.objett }}",
            )],
            check_args.clone(),
            1,
            "vouliez-vous dire « objet » ?",
        ),
        (
            "option-inconnue",
            GOOD.into(),
            vec![],
            vec!["check", "dossier.toml", "--formt", "json"],
            2,
            "vouliez-vous dire « --format » ?",
        ),
        (
            "valeur-option",
            GOOD.into(),
            vec![],
            vec!["check", "dossier.toml", "--format", "xml"],
            2,
            "valeurs possibles : texte, json",
        ),
        (
            "argument-manquant",
            GOOD.into(),
            vec![],
            vec!["render"],
            2,
            "argument obligatoire manquant",
        ),
        (
            "nombre-option",
            GOOD.into(),
            vec![],
            vec!["render", "dossier.toml", "-j", "beaucoup"],
            2,
            "valeur incorrecte « beaucoup »",
        ),
        (
            "commande-inconnue",
            GOOD.into(),
            vec![],
            vec!["rendre"],
            2,
            "commande inconnue « rendre »",
        ),
        (
            "option-double",
            GOOD.into(),
            vec![],
            vec!["check", "dossier.toml", "-q", "-q"],
            2,
            "donné deux fois",
        ),
        (
            "format-rendu",
            GOOD.into(),
            vec![(
                "delib.toml",
                b"[collectivite]\nnom = \"C\"\n[rendu]\nformats = [\"docx\"]\n",
            )],
            vec!["render", "dossier.toml"],
            1,
            "format inconnu « docx »",
        ),
        (
            "format-option",
            GOOD.into(),
            vec![],
            vec!["render", "dossier.toml", "--format", "docx"],
            2,
            "format inconnu « docx »",
        ),
        (
            "serve-absent",
            GOOD.into(),
            vec![],
            vec!["serve", "absent", "--port", "0"],
            2,
            "introuvable",
        ),
        (
            "aucun-dossier",
            GOOD.into(),
            vec![("vide/rien.txt", b"")],
            vec!["check", "vide"],
            2,
            "aucun dossier",
        ),
        (
            "logo-absent",
            GOOD.into(),
            vec![(
                "delib.toml",
                b"[collectivite]\nnom = \"C\"\nlogo = \"logo.png\"\n",
            )],
            check_args.clone(),
            1,
            "impossible de lire le logo",
        ),
        (
            "logo-texte",
            GOOD.into(),
            vec![
                (
                    "delib.toml",
                    b"[collectivite]\nnom = \"C\"\nlogo = \"logo.png\"\n",
                ),
                ("logo.png", b"pas une image"),
            ],
            check_args.clone(),
            1,
            "ni un PNG ni un JPEG",
        ),
        (
            "partenaires-vide",
            GOOD.to_owned() + "\n[convention]\ntitre = \"T\"\npartenaires = \"p.csv\"\n",
            vec![("p.csv", b"")],
            check_args.clone(),
            1,
            "le fichier des partenaires est vide",
        ),
        (
            "partenaires-colonne",
            GOOD.to_owned() + "\n[convention]\ntitre = \"T\"\npartenaires = \"p.csv\"\n",
            vec![("p.csv", b"nom;couleur\nClub;bleu\n")],
            check_args.clone(),
            1,
            "couleur",
        ),
        (
            "nom-en-double",
            GOOD.into(),
            vec![
                ("a/acte.toml", GOOD.as_bytes()),
                ("b/acte.toml", GOOD.as_bytes()),
            ],
            vec!["render", "a", "b", "-o", "sortie"],
            1,
            "écriraient dans le même répertoire",
        ),
        (
            "export-absent",
            GOOD.into(),
            vec![],
            vec!["export", "scdl", "absent"],
            2,
            "introuvable",
        ),
    ];
    let mut failures = Vec::new();
    for (name, dossier, extra, args, code, expected) in cases {
        let dir = setup(&format!("fr-{name}"), &dossier, &extra);
        if name == "latin1" {
            let bytes: Vec<u8> = dossier
                .replace('\u{e9}', "\u{1}")
                .bytes()
                .map(|b| if b == 1 { 0xE9 } else { b })
                .collect();
            std::fs::write(dir.join("dossier.toml"), bytes).unwrap();
        }
        let o = delib(&dir, &args);
        let out = all_output(&o);
        let english = english_words(&out);
        if o.status.code() != Some(code) || !out.contains(expected) || !english.is_empty() {
            failures.push(format!(
                "{name}: exit {:?} (want {code}), want « {expected} », English {english:?}\n{out}",
                o.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `--help` of every command: French, one « Options » heading, no clap English.
#[test]
fn help_is_french_with_one_options_heading() {
    let dir = temp_dir("fr-aide");
    for sub in [""]
        .into_iter()
        .chain(subcommands().iter().map(String::as_str))
    {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let o = delib(&dir, &args);
        assert_eq!(o.status.code(), Some(0));
        let out = all_output(&o);
        assert_eq!(out.matches("Options :").count(), 1, "{sub}:\n{out}");
        assert!(out.contains("Utilisation : delib"), "{sub}:\n{out}");
        let english = english_words(&out);
        assert!(english.is_empty(), "{sub}: {english:?}\n{out}");
    }
}

/// The subcommands, as `delib --help` lists them.
fn subcommands() -> Vec<String> {
    let help = all_output(&delib(&temp_dir("fr-commandes"), &["--help"]));
    let list: Vec<String> = help
        .split("Commandes :\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(list.len() >= 5, "{help}");
    list
}

/// A usage error names the subcommand's own help.
#[test]
fn usage_errors_suggest_the_subcommands_help() {
    let dir = temp_dir("fr-usage");
    let o = delib(&dir, &["check", "--formt"]);
    assert!(stderr(&o).contains("Pour plus d'informations : delib check --help"));
    let o = delib(&dir, &["render", "x.toml", "--onyl", "rapport"]);
    assert!(stderr(&o).contains("Pour plus d'informations : delib render --help"));
    let o = delib(&dir, &["rendre"]);
    assert!(stderr(&o).contains("Pour plus d'informations : delib --help"));
    for sub in subcommands() {
        let o = delib(&dir, &[sub.as_str(), "--pas-une-option"]);
        assert_eq!(o.status.code(), Some(2), "{sub}");
        assert!(
            stderr(&o).contains(&format!("Pour plus d'informations : delib {sub} --help")),
            "{sub}: {}",
            stderr(&o)
        );
    }
}

/// `[deliberaton]` next to `[deliberation.budget]`: the misspelt header is named.
#[test]
fn a_misspelt_table_is_reported_at_its_header() {
    let dossier = GOOD.replace("[deliberation]\n", "[deliberaton]\n")
        + "\n[deliberation.budget]\nannee = \"2016\"\n";
    let dir = setup("fr-deliberaton", &dossier, &[]);
    let err = stderr(&check(&dir));
    assert!(
        err.starts_with(
            "erreur[champ-inconnu] : champ inconnu « deliberaton »\n --> ./dossier.toml:8:2\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("vouliez-vous dire « deliberation » ?"),
        "{err}"
    );
    // Without the misspelt table, the missing header itself is named.
    let dossier = GOOD.split("[deliberation]").next().unwrap().to_owned()
        + "[deliberation.budget]\nannee = \"2016\"\n";
    let dir = setup("fr-sans-deliberation", &dossier, &[]);
    let err = stderr(&check(&dir));
    assert!(
        err.contains("table [deliberation] absente : seule [deliberation.budget] est écrite"),
        "{err}"
    );
}

/// A séance file in Latin-1 is reported in the séance file, at the byte.
#[test]
fn a_latin1_seance_file_is_named_and_pointed_at() {
    let dossier = format!(
        "seance = \"seances/s.toml\"\n{}",
        GOOD.split_once("\n\n").unwrap().1
    );
    let dir = setup(
        "fr-seance-latin1",
        &dossier,
        &[(
            "seances/s.toml",
            b"date = 2016-06-27\nlieu = \"Salle \xe9\"\n",
        )],
    );
    let o = check(&dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "erreur[encodage] : le fichier de séance ./seances/s.toml n'est pas en UTF-8"
        ),
        "{err}"
    );
    assert!(err.contains(" --> ./seances/s.toml:2:15\n"), "{err}");
    assert!(!err.contains("dossier.toml"), "{err}");
}

/// A `"""` never closed at line 5 is reported at line 5, not where the
/// parser noticed (the next `"""`, far below).
#[test]
fn an_unclosed_multiline_text_is_reported_where_it_opens() {
    let dossier = GOOD.replace(
        "objet = \"Objet\"\n",
        "objet = \"Objet\"\nexpose = \"\"\"\nUn exposé.\n",
    ) + "\n[convention]\ntitre = \"T\"\npreambule = \"\"\"\nPréambule.\n\"\"\"\n";
    let dir = setup("fr-triple", &dossier, &[]);
    let err = stderr(&check(&dir));
    assert!(
        err.starts_with("erreur[syntaxe-toml] : syntaxe TOML invalide : texte sur plusieurs lignes mal fermé\n  --> ./dossier.toml:10:10\n"),
        "{err}"
    );
    assert!(err.contains("ne se ferme qu'à la ligne 19"), "{err}");
    // Never closed at all: the opening line too.
    let dossier = GOOD.replace(
        "objet = \"Objet\"\n",
        "objet = \"Objet\"\nexpose = \"\"\"\nUn exposé.\n",
    );
    let dir = setup("fr-triple-fin", &dossier, &[]);
    let err = stderr(&check(&dir));
    assert!(err.contains("  --> ./dossier.toml:10:10\n"), "{err}");
    assert!(err.contains("jamais fermé"), "{err}");
}

/// No séance: reported at the `[deliberation]` header, a short caret.
#[test]
fn a_missing_seance_points_at_the_deliberation_header() {
    let long = "x".repeat(160);
    let dossier = GOOD.split_once("\n\n").unwrap().1.replace("Objet", &long);
    let dir = setup("fr-sans-seance", &dossier, &[]);
    let err = stderr(&check(&dir));
    assert!(err.contains(" --> ./dossier.toml:1:1\n"), "{err}");
    assert!(
        err.contains("1 | [deliberation]\n  | ^^^^^^^^^^^^^^\n"),
        "{err}"
    );
}

/// `--deny-warnings` shows the warning that fails the run, even with -q.
#[test]
fn deny_warnings_shows_every_failing_finding() {
    let dossier = GOOD.replace("le texte.", "le texte du 1 septembre 2016.");
    let dir = setup("fr-deny", &dossier, &[]);
    for args in [
        &["render", "dossier.toml", "--deny-warnings", "-o", "out"][..],
        &[
            "render",
            "dossier.toml",
            "--deny-warnings",
            "-q",
            "-o",
            "out",
        ],
        &["check", "dossier.toml", "--deny-warnings", "-q"],
    ] {
        let o = delib(&dir, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("avertissement[typo-1er]"), "{args:?}\n{err}");
    }
    assert!(!dir.join("out").exists());
}

/// A plain space before « ; » asks nothing of the clerk: no finding at all.
#[test]
fn plain_spaces_before_punctuation_are_not_findings() {
    let dossier = GOOD.replace("le texte.", "le texte ; il est bon : oui !");
    let dir = setup("fr-espace", &dossier, &[]);
    let o = delib(
        &dir,
        &["render", "dossier.toml", "--deny-warnings", "-o", "out"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("typo-espace"));
    let md = std::fs::read_to_string(dir.join("out/dossier/deliberation.md")).unwrap();
    assert!(md.contains("texte\u{202f};"), "{md}");
}

/// `check` runs what `render` runs: `[rendu]` values and the templates.
#[test]
fn check_and_render_agree_on_rendu_and_templates() {
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "delib.toml",
            b"[collectivite]\nnom = \"C\"\n[rendu]\nformats = [\"md\", \"docx\"]\n",
            "format-inconnu",
        ),
        (
            "delib.toml",
            b"[collectivite]\nnom = \"C\"\n[rendu]\ntemplates = \"/etc\"\n",
            "modeles-introuvables",
        ),
        (
            "templates/deliberation.md.tera",
            b"{% for a in b %}",
            "erreur[modele]",
        ),
    ];
    for (i, (file, text, code)) in cases.into_iter().enumerate() {
        let dir = setup(&format!("fr-accord-{i}"), GOOD, &[(file, text)]);
        let c = check(&dir);
        let r = delib(&dir, &["render", "dossier.toml", "-o", "out"]);
        assert_eq!(c.status.code(), Some(1), "{code}: {}", stderr(&c));
        assert_eq!(r.status.code(), Some(1), "{code}: {}", stderr(&r));
        assert!(stderr(&c).contains(code), "{}", stderr(&c));
        assert!(stderr(&r).contains(code), "{}", stderr(&r));
    }
}

/// `-q` is errors only: `check -q` prints no warning, `render -q` neither.
#[test]
fn quiet_means_errors_only() {
    let dossier = GOOD.replace("le texte.", "le texte du 1 septembre 2016.");
    let dir = setup("fr-quiet", &dossier, &[]);
    for args in [
        &["check", "dossier.toml", "-q"][..],
        &["render", "dossier.toml", "-q", "-o", "out"],
        &["templates", "modeles", "-q"],
    ] {
        let o = delib(&dir, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert_eq!(all_output(&o), "", "{args:?}");
    }
    let o = delib(&dir, &["check", "dossier.toml", "-q", "--format", "json"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    // Without -q, the warning is there.
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert!(stderr(&o).contains("avertissement[typo-1er]"));
}

/// The exit-code rule: a file named inside a dossier (séance, CSV, logo,
/// templates) that is missing is that dossier's error, 1; a path given on
/// the command line that is missing is a usage error, 2.
#[test]
fn missing_files_exit_codes_follow_one_rule() {
    let with_seance = format!(
        "seance = \"seances/absente.toml\"\n{}",
        GOOD.split_once("\n\n").unwrap().1
    );
    let dir = setup("fr-codes", &with_seance, &[]);
    assert_eq!(check(&dir).status.code(), Some(1));
    let o = delib(&dir, &["render", "dossier.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    let with_csv =
        GOOD.to_owned() + "\n[convention]\ntitre = \"T\"\npartenaires = \"absent.csv\"\n";
    let dir = setup("fr-codes-csv", &with_csv, &[]);
    assert_eq!(check(&dir).status.code(), Some(1));
    let o = delib(&dir, &["check", "absent.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = delib(&dir, &["render", "absent/"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `heure = "18:75"` or « six heures » is an error, not printed as typed; a
/// voted act whose séance has only a date gets a warning.
#[test]
fn seance_values_are_validated() {
    for bad in ["18:75", "six heures"] {
        let dossier = GOOD.replace("[seance]\n", &format!("[seance]\nheure = \"{bad}\"\n"));
        let dir = setup("fr-heure", &dossier, &[]);
        let o = delib(&dir, &["render", "./dossier.toml", "-o", "out"]);
        assert_eq!(o.status.code(), Some(1), "{bad}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "erreur[heure-invalide] : heure = « {bad} » n'est pas une heure"
            )),
            "{err}"
        );
        assert!(err.contains(" --> ./dossier.toml:2:9\n"), "{err}");
        assert!(!dir.join("out").exists());
    }
    let dossier = "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n\n[deliberation.vote]\nunanimite = true\n";
    let dir = setup("fr-seance-seule", dossier, &[]);
    let o = check(&dir);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("avertissement[seance-incomplete] : acte voté sans présents, président ni secrétaire de séance"),
        "{}",
        stderr(&o)
    );
    // A draft (no vote yet) is not signed: no warning.
    let draft = dossier.split("\n[deliberation.vote]").next().unwrap();
    let dir = setup("fr-seance-projet", draft, &[]);
    assert!(!stderr(&check(&dir)).contains("seance-incomplete"));
}

/// « dossier » is the act's TOML file, « répertoire » a folder: no message
/// or help uses « dossier » for a folder.
#[test]
fn dossier_never_means_a_folder() {
    let collisions = [
        "dossier du projet",
        "du dossier templates",
        "dossiers du dossier",
        "relatif au dossier ;",
        "dans le dossier inputs",
        "le dossier output",
        "dossier de sortie",
        "dossier courant",
    ];
    let mut found = Vec::new();
    let mut stack = vec![crate::common::root().join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs" || x == "tera") {
                let text = std::fs::read_to_string(&p).unwrap();
                for c in collisions {
                    if text.contains(c) {
                        found.push(format!("{}: « {c} »", p.display()));
                    }
                }
            }
        }
    }
    let dir = temp_dir("fr-vocabulaire");
    for sub in [""]
        .into_iter()
        .chain(subcommands().iter().map(String::as_str))
    {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let help = all_output(&delib(&dir, &args));
        for c in collisions {
            if help.contains(c) {
                found.push(format!("delib {sub} --help: « {c} »"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A fault inside a séance file or delib.toml says which file it is.
#[test]
fn faults_in_a_seance_file_or_delib_toml_say_which_file() {
    let dossier = format!(
        "seance = \"seances/s.toml\"\n{}",
        GOOD.split_once("\n\n").unwrap().1
    );
    let dir = setup(
        "fr-seance-faute",
        &dossier,
        &[("seances/s.toml", b"date = 2016-06-27\nabsentss = [\"X\"]\n")],
    );
    let err = stderr(&check(&dir));
    assert!(
        err.starts_with("erreur[champ-inconnu] : champ inconnu « absentss » (dans le fichier de séance)\n --> ./seances/s.toml:2:1\n"),
        "{err}"
    );
    assert!(err.contains("vouliez-vous dire « absents » ?"), "{err}");
    let dir = setup(
        "fr-projet-faute",
        GOOD,
        &[(
            "delib.toml",
            b"[collectivite]\nnom = \"C\"\ntype = \"comune\"\n",
        )],
    );
    let err = stderr(&check(&dir));
    assert!(
        err.starts_with("erreur[valeur-inconnue] : valeur inconnue « comune » (dans delib.toml)\n"),
        "{err}"
    );
}
