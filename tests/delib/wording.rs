//! Wording a clerk would otherwise correct (issue 9), and nothing typed is dropped.

use crate::common::*;
use std::path::Path;

fn render_md(dir: &Path) -> String {
    let o = delib(
        dir,
        &[
            "render",
            "dossier.toml",
            "-q",
            "-o",
            "out",
            "--format",
            "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut all = String::new();
    for (name, bytes) in files(&dir.join("out/dossier")) {
        all.push_str(&format!("=== {name}\n"));
        all.push_str(&String::from_utf8(bytes).unwrap());
    }
    all
}

fn dossier(date: &str, extra: &str) -> String {
    format!(
        r#"[collectivite]
tribunal = "Orléans"
departement = "Ille-et-Vilaine"

[seance]
date = {date}
membres_en_exercice = 3
presents = ["M. DUPONT", "Mme MARTIN", "M. PETIT"]
president = "M. DUPONT"

[deliberation]
objet = "Objet"
articles = ["**APPROUVE** ceci."]
{extra}
[deliberation.vote]
unanimite = true
"#
    )
}

#[test]
fn places_take_their_articles_and_elision() {
    let md = render_md(&project("w-places", &dossier("2016-06-27", "")));
    assert!(md.contains("tribunal administratif d’Orléans"), "{md}");
    assert!(md.contains("Département d’Ille-et-Vilaine"), "{md}");
}

#[test]
fn telerecours_only_after_it_opened() {
    let before = render_md(&project("w-tr-before", &dossier("2018-11-29", "")));
    let after = render_md(&project("w-tr-after", &dossier("2018-11-30", "")));
    assert!(!before.contains("Télérecours"), "{before}");
    assert!(after.contains("Télérecours citoyens"), "{after}");
}

#[test]
fn rapporteur_speaks_only_with_an_expose() {
    let without = render_md(&project(
        "w-rap-without",
        &dossier("2020-01-10", "rapporteur = { nom = \"M. DUPONT\" }\n"),
    ));
    assert!(!without.contains("expose"), "{without}");
    let with = render_md(&project(
        "w-rap-with",
        &dossier(
            "2020-01-10",
            "rapporteur = { nom = \"M. DUPONT\" }\nexpose = \"Texte.\"\n",
        ),
    ));
    assert!(with.contains("M.\u{a0}DUPONT expose\u{a0}:"), "{with}");
}

#[test]
fn propositions_end_like_articles() {
    let md = render_md(&project(
        "w-props",
        &dossier(
            "2020-01-10",
            "expose = \"Texte.\"\npropositions = [\"approuver ceci\", \"autoriser cela ;\", \"signer\"]\n",
        ),
    ));
    assert!(md.contains("1. approuver ceci\u{202f};\n"), "{md}");
    assert!(md.contains("2. autoriser cela\u{202f};\n"), "{md}");
    assert!(md.contains("3. signer.\n"), "{md}");
}

#[test]
fn executory_mention_follows_the_box() {
    let received = render_md(&project(
        "w-exec-rec",
        &dossier(
            "2016-06-27",
            "[deliberation.publication]\ntransmission = 2016-06-30\nreception = 2016-07-01\npublication = 2016-07-02\n",
        ),
    ));
    assert!(
        received.contains(
            "exécutoire après réception en préfecture le 1<sup>er</sup>\u{a0}juillet 2016"
        ),
        "{received}"
    );
    assert!(
        !received.contains("transmission en préfecture le 1"),
        "{received}"
    );
    let sent = render_md(&project(
        "w-exec-sent",
        &dossier(
            "2016-06-27",
            "[deliberation.publication]\ntransmission = 2016-06-30\npublication = 2016-07-02\n",
        ),
    ));
    assert!(
        sent.contains("exécutoire après transmission en préfecture le 30\u{a0}juin 2016"),
        "{sent}"
    );
}

#[test]
fn uncited_amount_and_term_get_a_clause_and_a_finding() {
    let conv = r#"
[convention]
titre = "Convention"
duree = { debut = 2020-02-01, fin = 2021-01-31 }
montant = 12500
[[convention.parties]]
nom = "La Commune de Test"
[[convention.parties]]
nom = "L'association X"
[[convention.articles]]
titre = "Objet"
texte = "Objet de la convention."
"#;
    let text = format!("{}{conv}", dossier("2020-01-10", ""));
    let dir = project("w-clause", &text);
    let md = render_md(&dir);
    assert!(md.contains("### Article 2 – Durée et montant"), "{md}");
    assert!(
        md.contains("du 1<sup>er</sup>\u{a0}février 2020 au 31\u{a0}janvier 2021"),
        "{md}"
    );
    assert!(
        md.contains("12\u{202f}500\u{a0}€ (douze mille cinq cents euros)"),
        "{md}"
    );
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert!(
        stderr(&o).contains("avertissement[clause-ajoutee]"),
        "{}",
        stderr(&o)
    );
    // Cited: no clause, no finding.
    let cited = text.replace("Objet de la convention.", "Pour {duree}, {montant}.");
    let dir = project("w-clause-cited", &cited);
    let md = render_md(&dir);
    assert!(!md.contains("Durée et montant"), "{md}");
    assert!(
        md.contains("Pour du 1<sup>er</sup>\u{a0}février 2020"),
        "{md}"
    );
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert!(!stderr(&o).contains("clause-ajoutee"), "{}", stderr(&o));
}

/// Fields that configure rendering or checks rather than say something, by
/// their last key: they are not expected in the documents.
const NOT_PRINTED: [&str; 16] = [
    "seance",       // path of the séance file (its content is walked)
    "partenaires",  // path of the CSV (its rows are walked)
    "type",         // kind of collectivité: chooses the wording
    "population",   // for the convocation delay check
    "nature",       // @ctes transmission metadata
    "matiere",      // @ctes transmission metadata
    "numero_actes", // @ctes transmission metadata
    "sortie",
    "templates",
    "signature_electronique", // render setting: signature fields in the PDFs (tests/delib/conformance.rs)
    "formats",                // render setting
    "logo",                   // path of the image (embedded in the HTML and PDF)
    "orthographe",            // spelling of amounts in words
    "genre",                  // agreement of a party (« représentée »), tests/delib/legal.rs
    "par_partenaire",         // one annex per partner
    "transmettre",            // whether `export actes` packages the act
];

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn fold(s: &str) -> String {
    let s = s
        .replace(['’'], "'")
        .replace(['\u{a0}', '\u{202f}', '\n'], " ")
        .replace("<sup>", "")
        .replace("</sup>", "")
        .replace(['\\', '*', '_'], "")
        .replace("ème", "e")
        .replace("n°", "no")
        .replace("N°", "No")
        // Typography: « » for straight quotes, … for three dots, – for a
        // spaced hyphen.
        .replace(['«', '»', '"', '“', '”'], "")
        .replace('…', "...")
        .replace('–', "-")
        .to_lowercase();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn expect(path: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    let last = path.rsplit('.').next().unwrap_or(path);
    if NOT_PRINTED.contains(&last) {
        return;
    }
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                expect(&format!("{path}.{k}"), v, out);
            }
        }
        toml::Value::Array(a) => {
            for v in a {
                expect(path, v, out);
            }
        }
        toml::Value::String(s) if last == "mode" => {
            let words = match s.as_str() {
                "electronique" => "par voie électronique",
                "affichage" => "par voie d'affichage",
                _ => "sur support papier",
            };
            out.push((path.into(), words.into()));
        }
        toml::Value::String(s) if last == "heure" || last == "heure_fin" => {
            // "18:30" is printed "18 h 30", "19:00" "19 h".
            let (h, m) = s.split_once(':').expect("HH:MM");
            let h = h.trim_start_matches('0');
            let h = if h.is_empty() { "0" } else { h };
            let words = if m == "00" {
                format!("{h} h")
            } else {
                format!("{h} h {m}")
            };
            out.push((path.into(), words));
        }
        toml::Value::String(s) if last == "resultat" => {
            let words = match s.as_str() {
                "adopte" => "adopté",
                "rejete" => "rejeté",
                _ => "prend acte",
            };
            out.push((path.into(), words.into()));
        }
        toml::Value::String(s) if last == "type" && path.contains("points") => {
            // A point of the séance file: the objet its type gives.
            let words = match s.as_str() {
                "approbation_pv" => "approbation du procès-verbal",
                "secretaire" => "désignation du secrétaire de séance",
                "decisions" => "compte rendu des décisions prises",
                "information" => "informations",
                _ => "questions diverses",
            };
            out.push((path.into(), words.into()));
        }
        toml::Value::String(s) if last == "formule" => {
            let words = if s == "delibere" {
                "délibère :"
            } else {
                "délibéré, décide :"
            };
            out.push((path.into(), words.into()));
        }
        toml::Value::String(s) => {
            // Markdown: each line, without its list or heading marker.
            for line in s.lines() {
                let line = line
                    .trim()
                    .trim_start_matches(['-', '#', '>', ' '])
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start_matches(['.', ')', ' ']);
                if line.contains("{duree}") || line.contains("{montant}") {
                    for part in line.split(['{', '}']) {
                        if !matches!(part, "duree" | "montant") && part.trim().len() > 3 {
                            out.push((path.into(), fold(part.trim())));
                        }
                    }
                } else if !line.is_empty() {
                    out.push((path.into(), fold(line)));
                }
            }
        }
        toml::Value::Integer(n) => {
            let s = n.to_string();
            // Amounts are grouped by thousands.
            let grouped = if s.len() > 4 {
                let (a, b) = s.split_at(s.len() - 3);
                format!("{a} {b}")
            } else {
                s
            };
            out.push((path.into(), grouped));
        }
        toml::Value::Datetime(d) => {
            let d = d.date.expect("a date");
            let day = if d.day == 1 {
                "1er".into()
            } else {
                d.day.to_string()
            };
            out.push((
                path.into(),
                format!("{day} {} {}", MOIS[usize::from(d.month) - 1], d.year),
            ));
        }
        toml::Value::Boolean(true) => {
            let word = match last {
                "unanimite" => "unanimité",
                "huis_clos" => "huis clos",
                "deuxieme_convocation" => "quorum",
                "ajoute" => "ajouté à l'ordre du jour",
                other => panic!("{path}: no wording known for {other} = true"),
            };
            out.push((path.into(), word.into()));
        }
        toml::Value::Boolean(false) | toml::Value::Float(_) => {}
    }
}

/// Issue 9, point 16: every value of every example dossier (and of its
/// delib.toml, séance file and partners CSV) shows in some document.
#[test]
fn every_field_of_every_example_shows_in_a_document() {
    let out = temp_dir("walk");
    let o = delib(
        &root(),
        &[
            "render",
            "inputs",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut missing = Vec::new();
    for (folder, stem) in [
        ("dijon", "convention-pep21"),
        ("ivry-sur-seine", "cmpp-college-moliere"),
        ("alsace", "soutien-parentalite"),
    ] {
        let base = root().join("inputs").join(folder);
        let mut corpus = String::new();
        for (_, bytes) in files(&out.join(folder).join(stem)) {
            corpus.push_str(&fold(&String::from_utf8(bytes).unwrap()));
            corpus.push(' ');
        }
        // The séance's documents (its procès-verbal, its liste) too.
        let seance_file = std::fs::read_to_string(base.join(format!("{stem}.toml")))
            .unwrap()
            .parse::<toml::Table>()
            .unwrap()
            .get("seance")
            .and_then(|s| s.as_str().map(str::to_owned));
        if let Some(s) = seance_file {
            let dir = out.join(folder).join(s.trim_end_matches(".toml"));
            for (_, bytes) in files(&dir).into_iter().filter(|(n, _)| n.ends_with(".md")) {
                corpus.push_str(&fold(&String::from_utf8(bytes).unwrap()));
                corpus.push(' ');
            }
        }
        let read = |p: &Path| -> toml::Value {
            toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let dossier = read(&base.join(format!("{stem}.toml")));
        let mut wanted = Vec::new();
        expect("", &dossier, &mut wanted);
        expect("", &read(&base.join("delib.toml")), &mut wanted);
        // The séance file's own keys (walked under "seance", the whole file
        // was skipped as the path of a séance file).
        if let Some(s) = dossier.get("seance").and_then(|s| s.as_str()) {
            expect("", &read(&base.join(s)), &mut wanted);
        }
        if let Some(csv) = dossier
            .get("convention")
            .and_then(|c| c.get("partenaires"))
            .and_then(|p| p.as_str())
        {
            let text = std::fs::read_to_string(base.join(csv)).unwrap();
            let mut lines = text.lines();
            let head: Vec<&str> = lines.next().unwrap().split([',', ';']).collect();
            for row in lines.filter(|l| !l.trim().is_empty()) {
                // Simple rows only: the example CSV quotes fields with commas.
                let cells = split_csv(row);
                for (k, v) in head.iter().zip(cells) {
                    if !v.trim().is_empty() {
                        wanted.push((format!("partenaires.{k}"), fold(v.trim())));
                    }
                }
            }
        }
        for (path, value) in wanted {
            if !corpus.contains(&value) {
                missing.push(format!("{folder}/{stem}: {path} = {value:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "values found in no document:\n{}",
        missing.join("\n")
    );
}

fn split_csv(row: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Issue 9, point 20: the HTML follows the PDF — header blocks aligned as in
/// the PDF, the attendance table ruled and full width, attendance lists
/// ragged-right, French hyphenation, the PDF's fonts first.
#[test]
fn html_follows_the_pdf() {
    let out = temp_dir("html-pdf");
    let o = delib(
        &root(),
        &[
            "render",
            "inputs/dijon",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("convention-pep21/deliberation.html")).unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains(".entete > .gauche {\n  flex: 0 1 48%;\n  text-align: left;"));
    assert!(html.contains(".encadre table {\n  width: 100%;"));
    assert!(html.contains(
        ".encadre th,\n.encadre td {\n  padding: 0.15em 0.5em;\n  border: 0.5pt solid #555;"
    ));
    assert!(html.contains(".gauche p {\n  text-align: left;"));
    assert!(html.contains("hyphens: auto;"));
    assert!(html.contains("font-family: \"Liberation Serif\""));
    assert!(html.contains("<div class=\"gauche\">\n<p><strong>Présents"));
    // Issue 9, point 7: a vote naming the members who voted against is a run
    // of names, ragged-right as the attendance; a contact card too.
    let vote = std::fs::read_to_string(out.join("stationnement-tarifs/deliberation.html")).unwrap();
    assert!(vote.contains(
        "<div class=\"gauche\">\n<p><strong>Adopté par 50 voix pour, 6 voix contre (M.\u{a0}BICHOT"
    ));
    // A paragraph with lines ended by hand is marked by a class, not found
    // with `:has()`, which the Nu HTML Checker's CSS parser rejects.
    assert!(html.contains(".lignes {\n  text-align: left;"));
    assert!(!html.contains(":has("));
    let convocation =
        std::fs::read_to_string(out.join("seances/2016-06-27/convocation.html")).unwrap();
    assert!(
        convocation.contains("<div class=\"gauche\">\n<p><strong>Destinataires\u{a0}:</strong>")
    );
}

/// Every key path a JSON Schema allows (`a.b.c`; arrays and their items
/// share the path of the array), following `$ref`s and alternatives.
fn schema_paths(schema: &serde_json::Value) -> Vec<String> {
    fn walk(
        node: &serde_json::Value,
        root: &serde_json::Value,
        path: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if depth > 12 {
            return;
        }
        if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
            let name = r.rsplit('/').next().unwrap();
            let def = root
                .get("$defs")
                .or_else(|| root.get("definitions"))
                .and_then(|d| d.get(name))
                .unwrap_or_else(|| panic!("no definition {r}"));
            return walk(def, root, path, depth + 1, out);
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(alts) = node.get(key).and_then(|a| a.as_array()) {
                for a in alts {
                    walk(a, root, path, depth + 1, out);
                }
            }
        }
        if let Some(items) = node.get("items") {
            walk(items, root, path, depth + 1, out);
        }
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            for (k, v) in props {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                out.push(p.clone());
                walk(v, root, &p, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, schema, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Every key path a TOML value holds (arrays share their path).
fn toml_paths(v: &toml::Value, path: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                out.push(p.clone());
                toml_paths(v, &p, out);
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| toml_paths(v, path, out)),
        _ => {}
    }
}

/// Issue 20, point 6: a project that fills every field of the schema at once
/// (tests/fixtures/complet: `delib.toml`, a séance file, two dossiers since a
/// vote is counted or unanimous, never both, and a partners CSV with every
/// column) — checked against `delib schema`, so a field added to the input
/// without being added there fails here — renders every value in some
/// document.
#[test]
fn every_field_of_the_schema_shows_in_a_document() {
    let base = root().join("tests/fixtures/complet");
    let read =
        |p: &Path| -> toml::Value { toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let schema = |args: &[&str]| -> serde_json::Value {
        let o = delib(&root(), args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let dossiers = [
        read(&base.join("dossier.toml")),
        read(&base.join("unanime.toml")),
    ];
    let projet = read(&base.join("delib.toml"));
    let seance = read(&base.join("seances/2024-03-14.toml"));
    let (mut in_dossiers, mut in_projet, mut in_seance) = (Vec::new(), Vec::new(), Vec::new());
    dossiers
        .iter()
        .for_each(|d| toml_paths(d, "", &mut in_dossiers));
    toml_paths(&projet, "", &mut in_projet);
    toml_paths(&seance, "", &mut in_seance);
    let mut unfilled = Vec::new();
    for p in schema_paths(&schema(&["schema"])) {
        // [collectivite] and [rendu] are filled in delib.toml; the séance in its file.
        let filled = in_dossiers.contains(&p)
            || in_projet.contains(&p)
            || p.strip_prefix("seance.")
                .is_some_and(|s| in_seance.iter().any(|x| x == s));
        if !filled {
            unfilled.push(format!("dossier: {p}"));
        }
    }
    for p in schema_paths(&schema(&["schema", "--projet"])) {
        if !in_projet.contains(&p) {
            unfilled.push(format!("delib.toml: {p}"));
        }
    }
    for p in schema_paths(&schema(&["schema", "--seance"])) {
        if !in_seance.contains(&p) {
            unfilled.push(format!("séance: {p}"));
        }
    }
    let csv = std::fs::read_to_string(base.join("partenaires.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(';').collect();
    for column in delib::partners::PARTY_COLUMNS {
        if !head.contains(&column) {
            unfilled.push(format!("partenaires.csv: {column}"));
        }
    }
    assert!(
        unfilled.is_empty(),
        "tests/fixtures/complet leaves fields unfilled:\n{}",
        unfilled.join("\n")
    );

    let out = temp_dir("complet");
    let o = delib(
        &base,
        &[
            "render",
            ".",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut corpus = String::new();
    for (_, bytes) in all_files(&out) {
        corpus.push_str(&fold(&String::from_utf8(bytes).unwrap()));
        corpus.push(' ');
    }
    let mut wanted = Vec::new();
    dossiers.iter().for_each(|d| expect("", d, &mut wanted));
    expect("", &projet, &mut wanted);
    expect("", &seance, &mut wanted);
    for row in csv.lines().skip(1) {
        // The fixture's CSV has no quoted field: its cells are split on « ; ».
        for (k, v) in head.iter().zip(row.split(';')) {
            if !v.trim().is_empty() && !NOT_PRINTED.contains(k) {
                wanted.push((format!("partenaires.{k}"), fold(v.trim())));
            }
        }
    }
    let missing: Vec<String> = wanted
        .into_iter()
        .filter(|(_, value)| !corpus.contains(value))
        .map(|(path, value)| format!("{path} = {value:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "values found in no document:\n{}",
        missing.join("\n")
    );
}
