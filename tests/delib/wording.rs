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
        received
            .contains("exécutoire après réception en préfecture le 1<sup>er</sup> juillet 2016"),
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
        sent.contains("exécutoire après transmission en préfecture le 30 juin 2016"),
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
        md.contains("du 1<sup>er</sup> février 2020 au 31 janvier 2021"),
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
    assert!(md.contains("Pour du 1<sup>er</sup> février 2020"), "{md}");
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert!(!stderr(&o).contains("clause-ajoutee"), "{}", stderr(&o));
}

/// Fields that configure rendering or checks rather than say something, by
/// their last key: they are not expected in the documents.
const NOT_PRINTED: [&str; 10] = [
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
        let read = |p: &Path| -> toml::Value {
            toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let dossier = read(&base.join(format!("{stem}.toml")));
        let mut wanted = Vec::new();
        expect("", &dossier, &mut wanted);
        expect("", &read(&base.join("delib.toml")), &mut wanted);
        if let Some(s) = dossier.get("seance").and_then(|s| s.as_str()) {
            expect("seance", &read(&base.join(s)), &mut wanted);
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
