//! `delib export scdl`: the open-data file of the examples, the schema's
//! rules that frictionless does not apply (Validata's custom checks), and
//! dossiers missing a required value.

use crate::common::{delib, root, stderr, temp_dir};
use std::path::{Path, PathBuf};

/// A copy of inputs/ in a fresh folder (the tests edit it).
pub fn copy_inputs(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_dir(&root().join("inputs"), &dir.join("inputs"));
    // The export and publish tests count the three transcribed acts: the
    // invented acts that complete the Dijon séance are left out.
    for f in INVENTED {
        std::fs::remove_file(dir.join("inputs/dijon").join(f)).unwrap();
    }
    // And so is M. HOUPERT's arrival before the invented point 13.
    let seance = dir.join("inputs/dijon/seances/2016-06-27.toml");
    let text = std::fs::read_to_string(&seance).unwrap();
    let cut = text
        .find("# Inventé lui aussi")
        .expect("the invented movement");
    std::fs::write(&seance, &text[..cut]).unwrap();
    dir
}

/// The invented dossiers of the Dijon séance of 27 June 2016.
pub const INVENTED: [&str; 4] = [
    "tarifs-periscolaires.toml",
    "subventions-sport.toml",
    "stationnement-tarifs.toml",
    "fourriere-rapport.toml",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// Parses CSV text (RFC 4180 quoting) into rows of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Exports `inputs` of `dir`; returns (status, stderr, rows as column → value maps).
fn export(dir: &Path, extra: &[&str]) -> (i32, String, Vec<Vec<(String, String)>>) {
    let mut args = vec!["export", "scdl", "inputs", "-o", "out/deliberations.csv"];
    args.extend_from_slice(extra);
    let o = delib(dir, &args);
    let text = std::fs::read_to_string(dir.join("out/deliberations.csv")).unwrap_or_default();
    let mut rows = parse_csv(&text).into_iter();
    let header = rows.next().unwrap_or_default();
    let rows = rows
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect();
    (o.status.code().unwrap_or(-1), stderr(&o), rows)
}

fn get<'a>(row: &'a [(String, String)], col: &str) -> &'a str {
    &row.iter().find(|(c, _)| c == col).unwrap().1
}

fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 1 { 2 } else { 1 };
            if d > 9 { d - 9 } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[test]
fn the_examples_export_every_voted_deliberation_and_no_draft() {
    let dir = copy_inputs("scdl-examples");
    let (status, err, rows) = export(&dir, &["--url", "https://www.exemple.fr/actes/"]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("2 délibérations exportées, 1 projet ignoré, 0 écartée"),
        "{err}"
    );
    // The columns of the vendored schema, in its order.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/scdl/deliberations-2.1.5/schema.json"))
            .unwrap(),
    )
    .unwrap();
    let names: Vec<&str> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let text = std::fs::read_to_string(dir.join("out/deliberations.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), names.join(","));
    assert_eq!(rows.len(), 2, "{text}");
    let dijon = &rows[0];
    assert_eq!(get(dijon, "COLL_NOM"), "Ville de Dijon");
    assert_eq!(get(dijon, "COLL_SIRET"), "21210231300013");
    assert_eq!(get(dijon, "DELIB_ID"), "2016-06-27/12");
    assert_eq!(get(dijon, "DELIB_DATE"), "2016-06-27");
    assert_eq!(get(dijon, "DELIB_MATIERE_CODE"), "8.1");
    assert_eq!(
        get(dijon, "DELIB_MATIERE_NOM"),
        "domaines de compétences par thèmes/enseignement"
    );
    assert!(get(dijon, "DELIB_OBJET").starts_with("Convention conclue entre la Ville de Dijon"));
    assert_eq!(get(dijon, "BUDGET_ANNEE"), "2016");
    assert_eq!(get(dijon, "BUDGET_NOM"), "Budget principal");
    assert_eq!(get(dijon, "PREF_DATE"), "2016-07-01");
    // Unanimity: 46 présents + 12 pouvoirs, every one for.
    assert_eq!(get(dijon, "VOTE_EFFECTIF"), "59");
    assert_eq!(get(dijon, "VOTE_REEL"), "58");
    assert_eq!(get(dijon, "VOTE_POUR"), "58");
    assert_eq!(
        get(dijon, "DELIB_URL"),
        "https://www.exemple.fr/actes/actes/dijon/convention-pep21/deliberation.pdf"
    );
    let ivry = &rows[1];
    assert_eq!(get(ivry, "COLL_SIRET"), "21940041300015");
    assert_eq!(
        get(ivry, "DELIB_MATIERE_NOM"),
        "domaines de compétences par thèmes/aide sociale"
    );
    assert_eq!(get(ivry, "VOTE_REEL"), "38");
    // The schema's custom checks (Validata), which frictionless ignores.
    for r in &rows {
        assert!(luhn(get(r, "COLL_SIRET")), "french-siret-value");
        let n = |c| get(r, c).parse::<u32>().unwrap();
        assert_eq!(
            n("VOTE_REEL"),
            n("VOTE_POUR") + n("VOTE_CONTRE") + n("VOTE_ABSTENTION")
        );
        assert!(n("VOTE_EFFECTIF") >= n("VOTE_REEL"));
        assert!(get(r, "PREF_DATE") >= get(r, "DELIB_DATE"));
        assert_eq!(
            get(r, "BUDGET_ANNEE").is_empty(),
            get(r, "BUDGET_NOM").is_empty()
        );
        assert!(get(r, "DELIB_MATIERE_NOM").contains('/'));
    }
    // Without --url, no address.
    let (_, _, rows) = export(&dir, &[]);
    assert_eq!(get(&rows[0], "DELIB_URL"), "");
}

#[test]
fn counts_are_consistent_and_a_later_publication_has_no_address_yet() {
    let dir = copy_inputs("scdl-counts");
    let path = dir.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "unanimite = true",
            // 52 + 3 + 2 + 1 not taking part: the 58 votants of the point.
            "pour = 52\ncontre = 3\nabstentions = 2\nne_prennent_pas_part = [\"M. BICHOT\"]",
        )
        .replace("publication = 2016-07-01", "publication = 2016-07-05");
    std::fs::write(&path, text).unwrap();
    let (status, err, rows) = export(&dir, &["--url", "https://x.fr", "--date", "2016-07-04"]);
    assert_eq!(status, 0, "{err}");
    let dijon = &rows[0];
    assert_eq!(get(dijon, "VOTE_REEL"), "57");
    assert_eq!(get(dijon, "VOTE_POUR"), "52");
    assert_eq!(get(dijon, "VOTE_CONTRE"), "3");
    assert_eq!(get(dijon, "VOTE_ABSTENTION"), "2");
    assert_eq!(
        get(dijon, "DELIB_URL"),
        "",
        "published on 5 July, not yet on the 4th"
    );
    let (_, _, rows) = export(&dir, &["--url", "https://x.fr", "--date", "2016-07-05"]);
    assert_eq!(
        get(&rows[0], "DELIB_URL"),
        "https://x.fr/actes/dijon/convention-pep21/deliberation.pdf"
    );
}

#[test]
fn a_missing_required_value_is_located_and_the_row_left_out() {
    let dir = copy_inputs("scdl-missing");
    // Ivry without its SIRET, Dijon without its matière.
    let ivry = dir.join("inputs/ivry-sur-seine/delib.toml");
    let text = std::fs::read_to_string(&ivry).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("siret"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&ivry, text).unwrap();
    let dijon = dir.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&dijon).unwrap();
    std::fs::write(&dijon, text.replace("matiere = \"8.1\"\n", "")).unwrap();
    let (status, err, rows) = export(&dir, &[]);
    assert_eq!(status, 1, "{err}");
    assert!(rows.is_empty(), "{rows:?}");
    assert!(
        err.contains("erreur[scdl-siret] : le SIRET de la collectivité manque"),
        "{err}"
    );
    assert!(
        err.contains("inputs/ivry-sur-seine/delib.toml:3:1"),
        "{err}"
    );
    assert!(err.contains("erreur[scdl-matiere]"), "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:5:1"),
        "{err}"
    );
    assert!(
        err.contains("0 délibération exportée, 1 projet ignoré, 2 écartées"),
        "{err}"
    );

    // A SIRET with a wrong key and an unknown matière: pointed at the value.
    std::fs::write(
        &dijon,
        text.replace("matiere = \"8.1\"", "matiere = \"8.12\""),
    )
    .unwrap();
    let delib_toml = dir.join("inputs/dijon/delib.toml");
    let t = std::fs::read_to_string(&delib_toml).unwrap();
    std::fs::write(&delib_toml, t.replace("21210231300013", "21210231300014")).unwrap();
    let (status, err, _) = export(&dir, &[]);
    assert_eq!(status, 1);
    // A wrong SIRET key is an error of the dossier's checks (issue 21).
    assert!(
        err.contains(
            "erreur[siret-invalide] : le SIRET 21210231300014 a une clé de contrôle fausse"
        ),
        "{err}"
    );
    assert!(err.contains("inputs/dijon/delib.toml:7:9"), "{err}");
    std::fs::write(&delib_toml, t).unwrap();
    let (status, err, _) = export(&dir, &[]);
    assert_eq!(status, 1);
    assert!(
        err.contains("« 8.12 » n'est pas une matière de la nomenclature @ctes"),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:9:11"),
        "{err}"
    );
}

#[test]
fn a_bad_budget_year_is_left_out_with_a_warning() {
    let dir = copy_inputs("scdl-budget");
    let dijon = dir.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&dijon).unwrap();
    std::fs::write(
        &dijon,
        text.replace("annee = \"2016\"", "annee = \"exercice 2016\""),
    )
    .unwrap();
    let (status, err, rows) = export(&dir, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("avertissement[scdl-budget]"), "{err}");
    assert_eq!(get(&rows[0], "BUDGET_ANNEE"), "");
    assert_eq!(get(&rows[0], "BUDGET_NOM"), "");
}

#[test]
fn the_old_examples_without_siret_would_have_been_left_out() {
    // The test fails on the examples as they were (Ivry had no SIRET, Dijon's
    // had a wrong key): every voted example must export.
    let dir = temp_dir("scdl-inputs");
    let o = delib(
        &root(),
        &[
            "export",
            "scdl",
            "inputs",
            "-o",
            dir.join("d.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Runs `delib export actes inputs -o out/actes` with extra arguments; the
/// examples were received by the préfecture, so `--inclure-transmis`.
fn export_actes(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "export",
        "actes",
        "inputs",
        "-o",
        "out/actes",
        "--inclure-transmis",
    ];
    args.extend_from_slice(extra);
    let o = delib(dir, &args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[test]
fn the_examples_make_one_actes_package_each() {
    let dir = copy_inputs("actes-examples");
    let (status, err) = export_actes(&dir, &["--classification", "2016-01-15"]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "2 actes prêts pour @ctes, 1 non concerné (projet, ou sans nature ni matière), 0 écarté"
        ),
        "{err}"
    );
    let base = "021-212102313-20160627-2016_06_27_12-DE-1-1";
    let pack = dir.join("out/actes").join(base);
    let mut names: Vec<String> = std::fs::read_dir(&pack)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{base}_0.xml"),
            format!("{base}_1.pdf"),
            format!("{base}_2.pdf"),
            format!("{base}_3.pdf")
        ]
    );
    for n in &names[1..] {
        assert!(
            std::fs::read(pack.join(n)).unwrap().starts_with(b"%PDF-"),
            "{n}"
        );
    }
    let xml = latin1(&std::fs::read(pack.join(&names[0])).unwrap());
    for needle in [
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        "xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\"",
        "actes:Date=\"2016-06-27\" actes:NumeroInterne=\"2016_06_27_12\" actes:CodeNatureActe=\"1\">",
        "<actes:CodeMatiere1 actes:CodeMatiere=\"8\"/>",
        "<actes:CodeMatiere2 actes:CodeMatiere=\"1\"/>",
        "<actes:Objet>Convention conclue entre la Ville de Dijon et l'association les PEP 21 pour la mise en &#339;uvre de l'accompagnement individualisé des enfants en difficulté</actes:Objet>",
        "<actes:ClassificationDateVersion>2016-01-15</actes:ClassificationDateVersion>",
        &format!("<actes:Document>\n    <actes:NomFichier>{base}_1.pdf</actes:NomFichier>"),
        "<actes:Annexes actes:Nombre=\"2\">",
        &format!("<actes:NomFichier>{base}_3.pdf</actes:NomFichier>"),
        "<actes:DocumentPapier>N</actes:DocumentPapier>",
    ] {
        assert!(xml.contains(needle), "{needle}\n{xml}");
    }
    // Ivry: the number derived from "2009-11-12/27", no annex.
    let ivry = dir
        .join("out/actes")
        .join("094-219400413-20091112-2009_11_12_27-DE-1-1");
    assert_eq!(std::fs::read_dir(&ivry).unwrap().count(), 2);
    // Without --classification: the decision date, and a warning.
    let (status, err) = export_actes(&dir, &[]);
    assert_eq!(status, 0);
    assert!(
        err.contains("avertissement : date de version de la classification non donnée"),
        "{err}"
    );
}

#[test]
fn actes_checks_leave_the_act_out_with_its_location() {
    let dir = copy_inputs("actes-checks");
    let dijon = dir.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&dijon).unwrap();
    let long = "x".repeat(500);
    std::fs::write(
        &dijon,
        text.replacen(
            "objet = \"Convention conclue",
            &format!("objet = \"{long} Convention conclue"),
            1,
        ),
    )
    .unwrap();
    // A decision after "today".
    let (status, err) = export_actes(&dir, &["--date", "2009-11-11"]);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains(
            "erreur[actes-objet] : l'objet fait 653 caractères ; @ctes en accepte 499 au plus"
        ),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:7:9"),
        "{err}"
    );
    assert!(err.contains("erreur[actes-date-future] : la date de décision 2009-11-12 est postérieure à aujourd'hui (2009-11-11)"), "{err}");
    assert!(
        err.contains("inputs/ivry-sur-seine/cmpp-college-moliere.toml:4:8"),
        "{err}"
    );
    assert!(
        err.contains(
            "0 acte prêt pour @ctes, 1 non concerné (projet, ou sans nature ni matière), 2 écartés"
        ),
        "{err}"
    );
    assert!(
        !dir.join("out/actes").exists(),
        "nothing written for acts left out"
    );

    // A numéro @ctes outside the pattern: the dossier itself is in error.
    std::fs::write(
        &dijon,
        text.replace(
            "publication = 2016-07-01",
            "publication = 2016-07-01\nnumero_actes = \"2016-06-27/12\"",
        ),
    )
    .unwrap();
    let (status, err) = export_actes(&dir, &[]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("numero-actes"), "{err}");
    assert!(err.contains("1 acte prêt pour @ctes"), "{err}");
}
