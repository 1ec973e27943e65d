//! The séance as it really runs (issue 20, points 12 to 14): points that are
//! not délibérations, several votes in one point, a prise d'acte without an
//! invented article, the procès-verbal carrying each délibération's visas
//! and considérants, numbered register sheets, a recueil with a cover and a
//! table of contents.

use crate::votes::{check, md, render_md, seance_project};

/// Five members, all present but one represented; the points that are not
/// délibérations, and a point added at the opening.
const SEANCE: &str = r#"date = 2024-03-14
heure = "19:00"
convocation = 2024-03-07
president = "M. Jean DUPONT"
secretaire = "Mme Anne MARTIN"
membres_en_exercice = 5
presents = ["M. Jean DUPONT", "Mme Anne MARTIN", "M. Paul PETIT", "M. Joachim LÜDER"]
pouvoirs = [{ mandant = "Mme Claire DURAND", mandataire = "M. Paul PETIT" }]

[[points]]
type = "secretaire"
vote = { unanimite = true }

[[points]]
type = "approbation_pv"
objet = "Approbation du procès-verbal de la séance du 8 février 2024"
vote = { pour = 4, contre = 0, abstentions = 1, abstentions_noms = ["M. LÜDER"] }

[[points]]
type = "decisions"
decisions = [
  { numero = "2024-D-03", date = 2024-02-20, objet = "Contrat d'entretien de la chaudière de l'école" },
  { numero = "2024-D-04", date = 2024-03-01, objet = "Location de la salle des fêtes au comité" },
]

[[points]]
type = "questions_diverses"
texte = "M. PETIT signale un nid-de-poule rue des Écoles ; le maire fera intervenir les services."
"#;

const SUBVENTIONS: &str = r#"[deliberation]
numero = "2024-03-14/01"
objet = "Subventions aux associations"
visas = ["le code général des collectivités territoriales, notamment son article L. 2311-7"]
considerants = ["les demandes présentées par les associations de la commune"]
articles = ["**ATTRIBUE** 800 € au comité de jumelage et 300 € au club de judo."]

[[deliberation.votes]]
objet = "Comité de jumelage – 800 €"
pour = 4
contre = 0
abstentions = 0
ne_prennent_pas_part = ["M. LÜDER"]

[[deliberation.votes]]
objet = "Club de judo – 300 €"
pour = 4
contre = 1
abstentions = 0
contre_noms = ["M. PETIT"]
"#;

const RAPPORT: &str = r#"[deliberation]
numero = "2024-03-14/02"
objet = "Rapport annuel 2023 sur le prix et la qualité du service de l'eau"

[deliberation.vote]
resultat = "pris_acte"
"#;

const AJOUTE: &str = r#"[deliberation]
numero = "2024-03-14/03"
objet = "Motion de soutien aux agriculteurs"
ajoute = true
articles = ["**APPORTE** son soutien aux agriculteurs de la commune."]

[deliberation.vote]
unanimite = true
"#;

fn project(name: &str) -> std::path::PathBuf {
    seance_project(
        name,
        SEANCE,
        &[
            ("subventions.toml", SUBVENTIONS),
            ("rapport.toml", RAPPORT),
            ("motion.toml", AJOUTE),
        ],
    )
}

#[test]
fn points_that_are_not_deliberations_run_through_the_seance_documents() {
    let dir = project("points");
    let (status, err) = check(&dir);
    assert_eq!(status, 0, "{err}");
    assert!(err.ends_with(": 0 erreur, 0 avertissement\n"), "{err}");
    render_md(&dir);
    let convocation = md(&dir, "seances/s/convocation.md");
    let order = [
        "Désignation du secrétaire de séance",
        "Approbation du procès-verbal de la séance du 8 février 2024",
        "Compte rendu des décisions prises par le Maire",
        "Subventions aux associations",
        "Rapport annuel 2023",
        "Questions diverses",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|o| {
            convocation
                .find(o)
                .unwrap_or_else(|| panic!("{o}: {convocation}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{convocation}");
    assert!(
        !convocation.contains("Motion de soutien"),
        "a point added at the opening was not convened: {convocation}"
    );
    let pv = md(&dir, "seances/s/proces-verbal.md");
    for o in order.iter().chain(&["Motion de soutien aux agriculteurs"]) {
        assert!(pv.contains(o), "{o}: {pv}");
    }
    assert!(
        pv.contains("Mme Anne MARTIN est désignée secrétaire de séance"),
        "{pv}"
    );
    assert_eq!(
        pv.matches("désignée secrétaire de séance").count(),
        1,
        "{pv}"
    );
    assert!(
        pv.contains("Adopté à l'unanimité des suffrages exprimés (1 abstention : M. LÜDER)."),
        "{pv}"
    );
    assert!(
        pv.contains(
            "2024-D-03 du 20 février 2024 : Contrat d'entretien de la chaudière de l'école"
        ),
        "{pv}"
    );
    assert!(pv.contains("M. PETIT signale un nid-de-poule"), "{pv}");
    assert!(
        pv.contains("Point ajouté à l'ordre du jour à l'ouverture de la séance, avec l'accord du Conseil municipal."),
        "{pv}"
    );
    // The délibération as its extract has it: assembly, visas, considérants,
    // « après en avoir délibéré », then the articles (point 13).
    let subventions = &pv[pv.find("### N<sup>o</sup> 2024-03-14/01").unwrap()..];
    let order = [
        "LE CONSEIL MUNICIPAL,",
        "Vu le code général des collectivités territoriales, notamment son article L. 2311-7,",
        "Considérant les demandes présentées par les associations de la commune,",
        "Après en avoir délibéré",
        "**ARTICLE UNIQUE :** **ATTRIBUE**",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|o| {
            subventions
                .find(o)
                .unwrap_or_else(|| panic!("{o}: {subventions}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{subventions}");
    // Several votes in one point, each with its count and names.
    assert!(
        pv.contains("Comité de jumelage – 800 € : Adopté à l'unanimité des votants (4 voix pour)."),
        "{pv}"
    );
    assert!(
        pv.contains("Club de judo – 300 € : Adopté par 4 voix pour et 1 voix contre (M. PETIT)."),
        "{pv}"
    );
    // The liste des délibérations: the votes of the séance, approbation included.
    let liste = md(&dir, "seances/s/liste-des-deliberations.md");
    assert!(
        liste.contains(
            "| – | Approbation du procès-verbal de la séance du 8 février 2024 | Adopté |"
        ),
        "{liste}"
    );
    assert!(
        liste.contains("| 2024-03-14/01 | Subventions aux associations | Adoptée |"),
        "{liste}"
    );
    assert!(!liste.contains("Questions diverses"), "{liste}");
    // The register sheet: délibérations only.
    let registre = md(&dir, "seances/s/registre.md");
    assert!(
        !registre.contains("procès-verbal de la séance du 8"),
        "{registre}"
    );
    assert!(registre.contains("Motion de soutien"), "{registre}");
    // The extract of the point with two votes.
    let extract = md(&dir, "subventions/deliberation.md");
    assert!(
        extract.contains(
            "Comité de jumelage – 800 € : **Adopté à l'unanimité des votants (4 voix pour).**"
        ),
        "{extract}"
    );
    assert!(
        extract.contains("M. LÜDER ne prend pas part au vote."),
        "{extract}"
    );
    assert!(
        extract.contains(
            "Club de judo – 300 € : **Adopté par 4 voix pour et 1 voix contre (M. PETIT).**"
        ),
        "{extract}"
    );
    assert!(!extract.contains("PROJET"), "{extract}");
}

#[test]
fn a_prise_d_acte_needs_no_invented_article() {
    let dir = project("prise-acte");
    render_md(&dir);
    let extract = md(&dir, "rapport/deliberation.md");
    assert!(!extract.contains("ARTICLE"), "{extract}");
    assert!(!extract.contains("DÉLIBÈRE"), "{extract}");
    assert!(
        extract.contains("Le Conseil municipal prend acte."),
        "{extract}"
    );
    let pv = md(&dir, "seances/s/proces-verbal.md");
    let point = &pv[pv.find("Rapport annuel 2023").unwrap()..];
    let point = &point[..point.find("Motion").unwrap_or(point.len())];
    assert!(!point.contains("ARTICLE"), "{point}");
}

#[test]
fn a_seance_point_without_objet_and_a_separate_vote_without_objet_are_errors() {
    let seance = format!("{SEANCE}\n[[points]]\ntexte = \"Un point sans objet.\"\n");
    let subventions = SUBVENTIONS.replace("objet = \"Club de judo – 300 €\"\n", "");
    let dir = seance_project(
        "points-sans-objet",
        &seance,
        &[
            ("subventions.toml", &subventions),
            ("rapport.toml", RAPPORT),
        ],
    );
    let (status, err) = check(&dir);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("erreur[point-sans-objet]"), "{err}");
    assert!(err.contains("erreur[vote-objet-manquant]"), "{err}");
}
