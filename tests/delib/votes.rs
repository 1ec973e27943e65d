//! Votes and attendance that add up (issue 20, points 9 to 11): the names
//! of a vote are members present or represented at that point, counts and
//! names agree, the procès-verbal says « les autres ont voté pour » only when
//! it is true, an excused member may give a proxy, and arrivals and
//! departures typed once for the séance show in the point where they happen.

use crate::common::{delib, stderr, temp_dir};
use std::path::{Path, PathBuf};

/// A project: delib.toml, `seances/s.toml` and the dossiers given (file
/// name, text), each naming the séance file.
pub fn seance_project(name: &str, seance: &str, dossiers: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("delib.toml"),
        "[collectivite]\nnom = \"Commune de Test\"\ntype = \"commune\"\nville = \"Test\"\npopulation = 800\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("seances")).unwrap();
    std::fs::write(dir.join("seances/s.toml"), seance).unwrap();
    for (file, text) in dossiers {
        std::fs::write(
            dir.join(file),
            format!("seance = \"seances/s.toml\"\n\n{text}"),
        )
        .unwrap();
    }
    dir
}

/// `delib check .` in `dir`: (exit status, stderr).
pub fn check(dir: &Path) -> (i32, String) {
    let o = delib(dir, &["check", "."]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// `delib render . -o out --format md`; panics unless it succeeds.
pub fn render_md(dir: &Path) {
    let o = delib(dir, &["render", ".", "-q", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A rendered Markdown file under `out/`, with no-break spaces made plain.
pub fn md(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace('’', "'")
}

/// Five members: three present, one excused who gave a proxy, one absent.
const EXCUSE_REPRESENTE: &str = r#"date = 2024-03-14
heure = "19:00"
convocation = 2024-03-07
president = "M. Jean DUPONT"
secretaire = "Mme Anne MARTIN"
membres_en_exercice = 5
presents = ["M. Jean DUPONT", "Mme Anne MARTIN", "M. Paul PETIT"]
pouvoirs = [{ mandant = "Mme Claire DURAND", mandataire = "M. Paul PETIT" }]
excuses = ["Mme Claire DURAND"]
absents = ["M. Luc LEROY"]
"#;

const ACTE: &str = r#"[deliberation]
numero = "2024-03-14/01"
objet = "Subvention au club"
articles = ["**ACCORDE** une subvention de 500 € au club."]

[deliberation.vote]
pour = 4
contre = 0
abstentions = 0
"#;

#[test]
fn an_excused_member_who_gave_a_proxy_is_allowed_and_printed_as_both() {
    let dir = seance_project("excuse-pouvoir", EXCUSE_REPRESENTE, &[("acte.toml", ACTE)]);
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.ends_with("1 dossier vérifié : 0 erreur, 0 avertissement\n"),
        "excused and represented is one member, listed once: {err}"
    );
    render_md(&dir);
    let extract = md(&dir, "acte/deliberation.md");
    assert!(
        extract.contains("**Absents représentés :** Mme Claire DURAND (pouvoir à M. Paul PETIT)."),
        "{extract}"
    );
    assert!(
        extract.contains("**Absents excusés :** Mme Claire DURAND"),
        "{extract}"
    );
    let convocation = md(&dir, "seances/s/convocation.md");
    assert_eq!(
        convocation.matches("Mme Claire DURAND").count(),
        1,
        "every member is convened once: {convocation}"
    );
}

/// Five members: four present (one who may not take part), one represented.
const CINQ: &str = r#"date = 2024-03-14
heure = "19:00"
convocation = 2024-03-07
president = "M. Jean DUPONT"
secretaire = "Mme Anne MARTIN"
membres_en_exercice = 5
presents = ["M. Jean DUPONT", "Mme Anne MARTIN", "M. Paul PETIT", "M. Joachim LÜDER"]
pouvoirs = [{ mandant = "Mme Claire DURAND", mandataire = "M. Paul PETIT" }]
"#;

/// A dossier of the séance CINQ with the vote given.
fn acte(vote: &str) -> String {
    format!(
        "[deliberation]\nnumero = \"2024-03-14/01\"\nobjet = \"Subvention au jumelage\"\narticles = [\"**ACCORDE** une subvention de 800 € au comité de jumelage.\"]\n\n[deliberation.vote]\n{vote}\n"
    )
}

#[test]
fn vote_names_are_members_present_or_represented_with_a_near_miss_suggested() {
    // « M. LUDER » is a near miss of « M. Joachim LÜDER »; « Mme MARTIN »
    // (civility and surname, as procès-verbaux write) is « Mme Anne MARTIN ».
    let dir = seance_project(
        "vote-nom-inconnu",
        CINQ,
        &[(
            "acte.toml",
            &acte(
                "pour = 3\ncontre = 1\nabstentions = 1\ncontre_noms = [\"M. LUDER\"]\nabstentions_noms = [\"Mme MARTIN\"]",
            ),
        )],
    );
    let (status, err) = check(&dir);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("erreur[vote-nom-inconnu] : « M. LUDER » vote contre mais n'est ni présent ni représenté à ce point"),
        "{err}"
    );
    assert!(
        err.contains("vouliez-vous dire « M. Joachim LÜDER » ?"),
        "{err}"
    );
    assert_eq!(err.matches("erreur[").count(), 1, "{err}");
    // Someone who left is not a voter: an unknown name in ne_prennent_pas_part
    // gets the same suggestion.
    let dir = seance_project(
        "vote-npp-proche",
        CINQ,
        &[(
            "acte.toml",
            &acte("pour = 4\nne_prennent_pas_part = [\"M. Joachim LUDER\"]"),
        )],
    );
    let (status, err) = check(&dir);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("erreur[vote-npp-inconnu]"), "{err}");
    assert!(
        err.contains("vouliez-vous dire « M. Joachim LÜDER » ?"),
        "{err}"
    );
}

#[test]
fn a_count_and_its_names_agree_and_the_counts_add_up_to_the_voters() {
    for (name, vote, code, message) in [
        (
            "noms-decompte",
            "pour = 3\ncontre = 2\nabstentions = 0\ncontre_noms = [\"M. Paul PETIT\"]",
            "vote-noms-decompte",
            "contre = 2 mais contre_noms nomme 1 membre",
        ),
        (
            "noms-unanimite",
            "unanimite = true\nabstentions_noms = [\"M. Paul PETIT\"]",
            "vote-noms-decompte",
            "unanimite = true mais abstentions_noms nomme 1 membre",
        ),
        (
            "incomplet",
            "pour = 3\ncontre = 0\nabstentions = 0",
            "vote-incomplet",
            "3 voix décomptées (3 pour, 0 contre, 0 abstention) pour 5 votants : 2 votants ne sont ni comptés ni nommés dans ne_prennent_pas_part",
        ),
        (
            "nom-double",
            "pour = 3\ncontre = 1\nabstentions = 1\ncontre_noms = [\"M. Paul PETIT\"]\nabstentions_noms = [\"M. PETIT\"]",
            "vote-nom-double",
            "« M. PETIT » est déjà nommé dans ce vote (« M. Paul PETIT »)",
        ),
    ] {
        let dir = seance_project(name, CINQ, &[("acte.toml", &acte(vote))]);
        let (status, err) = check(&dir);
        assert_eq!(status, 1, "{name}: {err}");
        assert!(
            err.contains(&format!("erreur[{code}] : {message}")),
            "{name}: {err}"
        );
    }
    // The difference named as not taking part: clean.
    let dir = seance_project(
        "npp-complete",
        CINQ,
        &[(
            "acte.toml",
            &acte(
                "pour = 3\ncontre = 0\nabstentions = 0\nne_prennent_pas_part = [\"M. LÜDER\", \"Mme Claire DURAND\"]",
            ),
        )],
    );
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    assert!(err.ends_with(": 0 erreur, 0 avertissement\n"), "{err}");
}

#[test]
fn the_proces_verbal_counts_only_voters_and_says_the_others_voted_for_only_when_true() {
    let dir = seance_project(
        "pv-votants",
        CINQ,
        &[
            (
                "a1.toml",
                &acte("pour = 3\ncontre = 0\nabstentions = 0\nne_prennent_pas_part = [\"M. LÜDER\", \"Mme Claire DURAND\"]"),
            ),
            (
                "a2.toml",
                &acte("pour = 2\ncontre = 1\nabstentions = 1\ncontre_noms = [\"M. Paul PETIT\"]\nabstentions_noms = [\"Mme Claire DURAND\"]\nne_prennent_pas_part = [\"M. LÜDER\"]")
                    .replace("2024-03-14/01", "2024-03-14/02"),
            ),
            (
                "a3.toml",
                &acte("pour = 4\ncontre = 1\nabstentions = 0\ncontre_noms = [\"groupe Test Avenir\"]")
                    .replace("2024-03-14/01", "2024-03-14/03"),
            ),
        ],
    );
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    render_md(&dir);
    // 3 pour with 2 not voting is not plain unanimity, in the extract and the PV.
    let extract = md(&dir, "a1/deliberation.md");
    assert!(
        extract.contains("Adopté à l'unanimité des votants (3 voix pour)."),
        "{extract}"
    );
    assert!(!extract.contains("Adopté à l'unanimité."), "{extract}");
    let pv = md(&dir, "seances/s/proces-verbal.md");
    let point = |n: &str| {
        let start = pv
            .find(&format!("### N<sup>o</sup> 2024-03-14/{n}"))
            .unwrap();
        let rest = &pv[start + 4..];
        rest[..rest.find("### ").unwrap_or(rest.len())].to_owned()
    };
    let p1 = point("01");
    assert!(
        p1.contains("**Vote** (3 votants) : Adopté à l'unanimité des votants (3 voix pour)."),
        "{p1}"
    );
    let p2 = point("02");
    assert!(p2.contains("(4 votants)"), "{p2}");
    assert!(p2.contains("Ont voté contre : M. Paul PETIT."), "{p2}");
    assert!(
        p2.contains(
            "Ont voté pour : les autres membres présents ou représentés prenant part au vote."
        ),
        "{p2}"
    );
    // A group named against: who the others are is not known.
    let p3 = point("03");
    assert!(p3.contains("Ont voté contre : groupe Test Avenir."), "{p3}");
    assert!(!p3.contains("Ont voté pour"), "{p3}");
}

/// Six members; M. LEROY arrives at 19 h 20 before point 02, M. PETIT
/// (who holds Mme DURAND's proxy) leaves before point 03.
const MOUVEMENTS: &str = r#"date = 2024-03-14
heure = "19:00"
convocation = 2024-03-07
president = "M. Jean DUPONT"
secretaire = "Mme Anne MARTIN"
membres_en_exercice = 6
presents = ["M. Jean DUPONT", "Mme Anne MARTIN", "M. Paul PETIT", "M. Joachim LÜDER"]
pouvoirs = [{ mandant = "Mme Claire DURAND", mandataire = "M. Paul PETIT" }]
absents = ["M. Luc LEROY"]

[[mouvements]]
avant = "2024-03-14/02"
heure = "19:20"
arrives = ["M. Luc LEROY"]

[[mouvements]]
avant = "2024-03-14/03"
partis = ["M. Paul PETIT"]
"#;

/// Dossier `n` of the séance MOUVEMENTS, voted unanimously.
fn point(n: u32) -> String {
    format!(
        "[deliberation]\nnumero = \"2024-03-14/0{n}\"\nobjet = \"Point {n}\"\narticles = [\"**APPROUVE** le point {n}.\"]\n\n[deliberation.vote]\nunanimite = true\n"
    )
}

#[test]
fn arrivals_and_departures_typed_once_show_only_in_the_point_where_they_happen() {
    let points: Vec<(String, String)> = (1..=4).map(|n| (format!("p{n}.toml"), point(n))).collect();
    let refs: Vec<(&str, &str)> = points
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let dir = seance_project("mouvements", MOUVEMENTS, &refs);
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    render_md(&dir);
    let extract = |n: u32| md(&dir, &format!("p{n}/deliberation.md"));
    let counts = |e: &str| {
        e.lines()
            .find(|l| l.starts_with("| 6 |"))
            .unwrap_or("")
            .to_owned()
    };
    let (e1, e2, e3, e4) = (extract(1), extract(2), extract(3), extract(4));
    assert_eq!(counts(&e1), "| 6 | 4 | 5 |", "{e1}");
    assert!(e1.contains("**Absents :** M. Luc LEROY."), "{e1}");
    assert!(!e1.contains("entre en séance"), "{e1}");
    assert_eq!(counts(&e2), "| 6 | 5 | 6 |", "{e2}");
    assert!(
        e2.contains("M. Luc LEROY entre en séance à 19 h 20, avant l'examen de ce point."),
        "{e2}"
    );
    assert!(!e2.contains("**Absents :**"), "{e2}");
    // Point 03: M. PETIT is gone, and Mme DURAND's proxy with him.
    assert_eq!(counts(&e3), "| 6 | 4 | 4 |", "{e3}");
    assert!(
        !e3.contains("LEROY entre"),
        "the arrival is told once: {e3}"
    );
    assert!(
        e3.contains("M. Paul PETIT quitte la séance avant l'examen de ce point."),
        "{e3}"
    );
    assert!(
        e3.contains("**Absents :** M. Paul PETIT (a quitté la séance)."),
        "{e3}"
    );
    assert!(!e3.contains("pouvoir à M. Paul PETIT"), "{e3}");
    assert_eq!(counts(&e4), "| 6 | 4 | 4 |", "{e4}");
    assert!(!e4.contains("quitte la séance"), "{e4}");
    let pv = md(&dir, "seances/s/proces-verbal.md");
    assert_eq!(
        pv.matches("M. Luc LEROY entre en séance à 19 h 20, avant l'examen de ce point.")
            .count(),
        1,
        "{pv}"
    );
    assert_eq!(
        pv.matches("M. Paul PETIT quitte la séance avant l'examen de ce point.")
            .count(),
        1,
        "{pv}"
    );
}

/// Issue 20: a member who leaves during the séance and gives a proxy is
/// printed once in the later points, among the represented, the way a
/// real extract does: « Mme X (a quitté la séance, pouvoir à M. Y) » —
/// not also among the absents.
#[test]
fn a_member_who_leaves_with_a_proxy_is_printed_once_as_represented() {
    let seance = MOUVEMENTS.replace(
        "partis = [\"M. Paul PETIT\"]\n",
        "partis = [\"M. Joachim LÜDER\"]\npouvoirs = [{ mandant = \"M. Joachim LÜDER\", mandataire = \"M. Jean DUPONT\" }]\n",
    );
    assert_ne!(seance, MOUVEMENTS);
    let points: Vec<(String, String)> = (1..=4).map(|n| (format!("p{n}.toml"), point(n))).collect();
    let refs: Vec<(&str, &str)> = points
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let dir = seance_project("parti-avec-pouvoir", &seance, &refs);
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    render_md(&dir);
    for n in [3, 4] {
        let e = md(&dir, &format!("p{n}/deliberation.md"));
        assert_eq!(e.matches("LÜDER (").count(), 1, "printed once: {e}");
        assert!(
            e.contains(
                "**Absents représentés :** Mme Claire DURAND (pouvoir à M. Paul PETIT), M. Joachim LÜDER (a quitté la séance, pouvoir à M. Jean DUPONT)."
            ),
            "{e}"
        );
        assert!(!e.contains("**Absents :**"), "{e}");
        // Présents: DUPONT, MARTIN, PETIT, LEROY; votants: with two proxies.
        assert!(e.contains("| 6 | 4 | 6 |"), "{e}");
    }
    // Before he leaves, he is present, not represented.
    let e2 = md(&dir, "p2/deliberation.md");
    assert!(!e2.contains("LÜDER ("), "{e2}");
}

#[test]
fn a_movement_before_an_unknown_point_is_an_error() {
    let points: Vec<(String, String)> = (1..=4).map(|n| (format!("p{n}.toml"), point(n))).collect();
    let refs: Vec<(&str, &str)> = points
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let seance = MOUVEMENTS.replace("avant = \"2024-03-14/03\"", "avant = \"2024-03-41/03\"");
    let dir = seance_project("mouvement-inconnu", &seance, &refs);
    let (status, err) = check(&dir);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("erreur[mouvement-point-inconnu] : aucun point de la séance n'a le numéro « 2024-03-41/03 »"),
        "{err}"
    );
    assert!(
        err.contains("vouliez-vous dire « 2024-03-14/03 » ?"),
        "{err}"
    );
    assert_eq!(err.matches("erreur[").count(), 1, "reported once: {err}");
}

#[test]
fn the_dijon_extract_14_does_not_repeat_the_arrival_of_point_13() {
    let golden = crate::common::root().join("tests/golden/dijon");
    let read = |rel: &str| std::fs::read_to_string(golden.join(rel)).unwrap();
    let e13 = read("stationnement-tarifs/deliberation.md");
    let e14 = read("fourriere-rapport/deliberation.md");
    assert!(e13.contains("HOUPERT entre en séance"), "{e13}");
    assert!(
        !e14.contains("HOUPERT entre") && !e14.contains("HOUPERT arrive"),
        "{e14}"
    );
    assert!(
        e14.contains("M.\u{a0}HOUPERT"),
        "present at point 14: {e14}"
    );
}
