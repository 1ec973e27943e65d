//! The legal content of the acts in the cases a council meets (issue 20,
//! points 1 to 8): a rejected proposal, the operative formula, the rules that
//! changed on 1 July 2022, the signature blocks, a président who is not the
//! maire, the rapporteur, no fact the clerk did not type, the conventions.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A commune of 1 200 inhabitants, unless `delib_toml` says otherwise.
const COMMUNE: &str = "[collectivite]\nnom = \"Commune de Test\"\ntype = \"commune\"\nville = \"Test\"\npopulation = 1200\n";

/// A séance of five members, three present, one proxy.
fn seance(date: &str, extra: &str) -> String {
    format!(
        "date = {date}\nheure = \"20:00\"\nconvocation = {conv}\npresident = \"M. DUPONT\"\nsecretaire = \"Mme MARTIN\"\nmembres_en_exercice = 5\npresents = [\"M. DUPONT\", \"Mme MARTIN\", \"M. PETIT\"]\npouvoirs = [{{ mandant = \"Mme DURAND\", mandataire = \"M. PETIT\" }}]\nabsents = [\"M. LEROY\"]\n{extra}",
        conv = convocation_of(date),
    )
}

/// Some ten days before `date` (YYYY-MM-DD, not in January).
fn convocation_of(date: &str) -> String {
    let day: u32 = date[8..10].parse().unwrap();
    let month: u32 = date[5..7].parse().unwrap();
    if day > 10 {
        format!("{}{:02}", &date[..8], day - 10)
    } else {
        format!("{}{:02}-20", &date[..5], month - 1)
    }
}

/// A dossier of the séance file `seances/s.toml`.
fn dossier(numero: &str, body: &str) -> String {
    format!(
        "seance = \"seances/s.toml\"\n\n[deliberation]\nnumero = \"{numero}\"\nobjet = \"Objet {numero}\"\n{body}"
    )
}

const ARTICLES: &str =
    "articles = [\"**APPROUVE** le projet.\", \"**AUTORISE** le Maire à signer.\"]\n";

/// A project: `delib.toml`, `seances/s.toml` and the dossiers, by file name.
fn make(name: &str, delib_toml: &str, seance: &str, dossiers: &[(&str, String)]) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("delib.toml"), delib_toml).unwrap();
    std::fs::create_dir_all(dir.join("seances")).unwrap();
    std::fs::write(dir.join("seances/s.toml"), seance).unwrap();
    for (file, text) in dossiers {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// Renders the project in Markdown; every output by its path under `out/`.
fn render(dir: &Path) -> BTreeMap<String, String> {
    let o = delib(dir, &["render", ".", "-q", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    all_files(&dir.join("out"))
        .into_iter()
        .filter(|(n, _)| n.ends_with(".md"))
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .collect()
}

fn check(dir: &Path) -> String {
    stderr(&delib(dir, &["check", "."]))
}

/// Point 1: a rejected proposal is worded as a rejection, its articles given
/// as the proposal, no transmission or executory mention unless recorded;
/// the liste says « Rejetée », the procès-verbal records it.
#[test]
fn a_rejected_proposal_is_worded_as_a_rejection() {
    let vote = "[deliberation.vote]\npour = 0\ncontre = 3\nabstentions = 1\n";
    let published = "[deliberation.publication]\npublication = 2016-06-30\nmode = \"affichage\"\n";
    let dir = make(
        "legal-rejet",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[
            (
                "a.toml",
                dossier("1", &format!("{ARTICLES}{vote}{published}")),
            ),
            (
                "b.toml",
                dossier(
                    "2",
                    &format!(
                        "{ARTICLES}{vote}[deliberation.publication]\ntransmission = 2016-06-29\npublication = 2016-06-30\n"
                    ),
                ),
            ),
        ],
    );
    let out = render(&dir);
    let d = &out["a/deliberation.md"];
    assert!(
        d.contains("Après en avoir délibéré, **REJETTE** le projet de délibération suivant\u{a0}:"),
        "{d}"
    );
    // The proposed articles are framed as the rejected proposal.
    let framed = d
        .split("<div class=\"encadre\">")
        .nth(2)
        .expect("the proposal is framed");
    assert!(
        framed.starts_with("\n\n**ARTICLE 1<sup>er</sup>\u{a0}:** **APPROUVE**"),
        "{d}"
    );
    assert!(!d.contains("DÉCIDE") && !d.contains("DÉLIBÈRE"), "{d}");
    assert!(
        d.contains("**Rejeté par 0 voix pour, 3 voix contre et 1 abstention.**"),
        "{d}"
    );
    assert!(!d.contains("Transmis") && !d.contains("exécutoire"), "{d}");
    // A transmission the clerk records is printed.
    let b = &out["b/deliberation.md"];
    assert!(
        b.contains("Transmis en préfecture le 29\u{a0}juin 2016"),
        "{b}"
    );
    let liste = &out["seances/s/liste-des-deliberations.md"];
    assert!(liste.contains("| 1 | Objet 1 | Rejetée |"), "{liste}");
    let pv = &out["seances/s/proces-verbal.md"];
    assert!(
        pv.contains("**Projet de délibération soumis au vote et rejeté\u{a0}:**"),
        "{pv}"
    );
    assert!(!pv.contains("**Délibération\u{a0}:**"), "{pv}");
}

/// Point 2: one operative formula, chosen in `[rendu] formule`; no « EXPOSÉ
/// DES MOTIFS » heading right after « … expose : ».
#[test]
fn one_operative_formula_and_no_heading_after_expose() {
    let body = format!(
        "{ARTICLES}rapporteur = {{ nom = \"M. PETIT\" }}\nexpose = \"Texte de l'exposé.\"\n[deliberation.vote]\nunanimite = true\n"
    );
    let plain_expose = format!(
        "{ARTICLES}expose = \"Texte de l'exposé.\"\n[deliberation.vote]\nunanimite = true\n"
    );
    let dir = make(
        "legal-formule",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[
            ("a.toml", dossier("1", &body)),
            ("b.toml", dossier("2", &plain_expose)),
        ],
    );
    let out = render(&dir);
    let d = &out["a/deliberation.md"];
    assert_eq!(d.matches("Après en avoir délibéré").count(), 1, "{d}");
    assert!(
        d.contains("Après en avoir délibéré, **DÉCIDE**\u{a0}:"),
        "{d}"
    );
    assert!(!d.contains("DÉLIBÈRE"), "{d}");
    assert!(d.contains("M.\u{a0}PETIT expose\u{a0}:"), "{d}");
    assert!(!d.contains("EXPOSÉ DES MOTIFS"), "{d}");
    // Without a rapporteur, the exposé keeps its heading.
    assert!(out["b/deliberation.md"].contains("## EXPOSÉ DES MOTIFS"));

    std::fs::write(
        dir.join("delib.toml"),
        format!("{COMMUNE}[rendu]\nformule = \"delibere\"\n"),
    )
    .unwrap();
    let d = &render(&dir)["a/deliberation.md"];
    assert!(d.contains("## DÉLIBÈRE\u{a0}:"), "{d}");
    assert!(
        !d.contains("Après en avoir délibéré") && !d.contains("DÉCIDE"),
        "{d}"
    );

    std::fs::write(
        dir.join("delib.toml"),
        format!("{COMMUNE}[rendu]\nformule = \"arrete\"\n"),
    )
    .unwrap();
    let e = check(&dir);
    assert!(e.contains("erreur[valeur-inconnue]"), "{e}");
    assert!(e.contains("decide"), "{e}");
}

/// Point 3: from 1 July 2022 the délibération is signed by the président and
/// the secrétaire (L. 2121-23), the liste replaces the compte rendu
/// (L. 2121-25), the procès-verbal is published online (L. 2121-15), the
/// register's closing sheet is signed by the maire and the secrétaire
/// (R. 2121-9); a séance of the day before keeps the rules of its time.
#[test]
fn the_law_follows_the_date_of_the_seance() {
    let body = format!("{ARTICLES}[deliberation.vote]\nunanimite = true\n");
    let render_on = |name: &str, date: &str| {
        let dir = make(
            name,
            COMMUNE,
            &seance(date, "proces_verbal_arrete = 2030-01-15\n"),
            &[("a.toml", dossier("1", &body))],
        );
        render(&dir)
    };
    let new = render_on("legal-2022-07-01", "2022-07-01");
    let d = &new["a/deliberation.md"];
    assert!(
        d.contains("<div class=\"signatures\">\n<div class=\"signature\">\n\nLe Maire,\\\n**M.\u{a0}DUPONT**\n\n</div>\n<div class=\"signature\">\n\nLa secrétaire de séance,\\\n**Mme\u{a0}MARTIN**"),
        "{d}"
    );
    assert!(
        d.contains("Ainsi fait et délibéré les jour, mois et an susdits.\n"),
        "{d}"
    );
    assert!(!d.contains("Pour extrait conforme"), "{d}");
    let liste = &new["seances/s/liste-des-deliberations.md"];
    assert!(
        liste.contains("# LISTE DES DÉLIBÉRATIONS EXAMINÉES"),
        "{liste}"
    );
    assert!(
        liste.contains("mise en ligne sur le site internet"),
        "{liste}"
    );
    let pv = &new["seances/s/proces-verbal.md"];
    assert!(pv.contains("**Procès-verbal arrêté lors de la séance du 15\u{a0}janvier 2030**, signé par le président et le secrétaire de séance, publié sur le site internet"), "{pv}");
    let registre = &new["seances/s/registre.md"];
    assert!(registre.contains("**Secrétaire de séance**"), "{registre}");

    let old = render_on("legal-2022-06-30", "2022-06-30");
    let d = &old["a/deliberation.md"];
    assert!(!d.contains("secrétaire de séance,"), "{d}");
    assert!(
        d.contains("Ainsi fait et délibéré les jour, mois et an susdits. Pour extrait conforme."),
        "{d}"
    );
    assert_eq!(d.matches("<div class=\"signature\">").count(), 1, "{d}");
    let liste = &old["seances/s/liste-des-deliberations.md"];
    assert!(
        liste.contains("# COMPTE RENDU DE LA SÉANCE DU CONSEIL MUNICIPAL DU 30\u{a0}JUIN 2022"),
        "{liste}"
    );
    assert!(
        liste.contains("Compte rendu affiché dans la huitaine."),
        "{liste}"
    );
    assert!(!liste.contains("site internet"), "{liste}");
    let pv = &old["seances/s/proces-verbal.md"];
    assert!(
        pv.contains("**Procès-verbal adopté lors de la séance du 15\u{a0}janvier 2030.**"),
        "{pv}"
    );
    assert!(!pv.contains("site internet"), "{pv}");
    // Every member present signs the register.
    let registre = &old["seances/s/registre.md"];
    assert!(
        registre.contains("Les délibérations sont signées par les membres présents"),
        "{registre}"
    );
    assert_eq!(
        registre.matches("<div class=\"signature\">").count(),
        3,
        "{registre}"
    );
}

/// Point 4: a signature block is the qualité, the room to sign, then the
/// name: typed, else `[collectivite] executif`, else the séance's président
/// when he is the maire; « Fait à » stands above the block, and a block
/// without a name is its qualité alone (the room below it, never above).
#[test]
fn signature_blocks_are_quality_room_then_name() {
    let body = format!("{ARTICLES}[deliberation.vote]\nunanimite = true\n");
    let dir = make(
        "legal-signature",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[("a.toml", dossier("1", &body))],
    );
    let out = render(&dir);
    let d = &out["a/deliberation.md"];
    assert!(
        d.contains("<div class=\"droite\">\n\nFait à Test, le 27\u{a0}juin 2016\n\n<div class=\"signature\">\n\nLe Maire,\\\n**M.\u{a0}DUPONT**\n\n</div>"),
        "{d}"
    );
    let convocation = &out["seances/s/convocation.md"];
    assert!(
        convocation.contains("<div class=\"signature\">\n\nLe Maire,\\\n**M.\u{a0}DUPONT**"),
        "{convocation}"
    );
    // The maire named in delib.toml.
    std::fs::write(
        dir.join("delib.toml"),
        format!("{COMMUNE}executif = \"Jean DUPONT\"\n"),
    )
    .unwrap();
    let d = &render(&dir)["a/deliberation.md"];
    assert!(d.contains("Le Maire,\\\n**Jean DUPONT**"), "{d}");
    // No name anywhere: the qualité alone, so the room to sign goes below it.
    std::fs::write(dir.join("delib.toml"), COMMUNE).unwrap();
    std::fs::write(
        dir.join("seances/s.toml"),
        seance("2016-06-27", "").replace("president = \"M. DUPONT\"\n", ""),
    )
    .unwrap();
    let o = delib(
        &dir,
        &["render", ".", "-q", "-o", "out", "--format", "md,html"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let d = std::fs::read_to_string(dir.join("out/a/deliberation.md")).unwrap();
    assert!(
        d.contains("<div class=\"signature\">\n\nLe Maire,\n\n</div>"),
        "{d}"
    );
    let html = std::fs::read_to_string(dir.join("out/a/deliberation.html")).unwrap();
    assert!(
        html.contains("<div class=\"signature\">\n<p>Le Maire,</p>\n</div>"),
        "{html}"
    );
    assert!(!html.contains("class=\"signature avec-nom\""), "{html}");
}

/// Point 5: the président's qualité is typed or known, never taken for the
/// maire when `[collectivite] executif` names someone else; an item may
/// have its own président (compte administratif, L. 2121-14).
#[test]
fn the_president_is_not_always_the_maire() {
    let delib_toml = format!("{COMMUNE}executif = \"Paul LEROY\"\n");
    let ca = format!(
        "{ARTICLES}president = \"Mme MARTIN\"\npresident_qualite = \"Première adjointe\"\n[deliberation.vote]\nunanimite = true\n"
    );
    let plain_item = format!("{ARTICLES}[deliberation.vote]\nunanimite = true\n");
    let dir = make(
        "legal-president",
        &delib_toml,
        &seance("2024-03-14", "president_qualite = \"Premier adjoint\"\n"),
        &[
            ("a.toml", dossier("1", &plain_item)),
            (
                "b.toml",
                dossier("2", &ca).replace("Objet 2", "Compte administratif 2023"),
            ),
        ],
    );
    let out = render(&dir);
    let a = &out["a/deliberation.md"];
    assert!(
        a.contains("sous la présidence de M.\u{a0}DUPONT, Premier adjoint."),
        "{a}"
    );
    assert!(!a.contains("DUPONT, Maire"), "{a}");
    // 2024: the président signs as président de séance, the maire is absent.
    assert!(
        a.contains("Le président de séance,\\\n**M.\u{a0}DUPONT**"),
        "{a}"
    );
    let b = &out["b/deliberation.md"];
    assert!(
        b.contains("*Mme\u{a0}MARTIN, Première adjointe, préside la séance pour l’examen de ce point (article L. 2121-14 du code général des collectivités territoriales).*"),
        "{b}"
    );
    assert!(
        b.contains("La présidente de séance,\\\n**Mme\u{a0}MARTIN**"),
        "{b}"
    );
    let pv = &out["seances/s/proces-verbal.md"];
    assert!(
        pv.contains(
            "Mme\u{a0}MARTIN, Première adjointe, préside la séance pour l’examen de ce point"
        ),
        "{pv}"
    );
    assert!(
        check(&dir).contains(": 0 erreur, 0 avertissement"),
        "{}",
        check(&dir)
    );

    // Without a qualité, a président who is not the executif gets none, and a warning.
    std::fs::write(dir.join("seances/s.toml"), seance("2024-03-14", "")).unwrap();
    let a = &render(&dir)["a/deliberation.md"];
    assert!(a.contains("sous la présidence de M.\u{a0}DUPONT.\n"), "{a}");
    let e = check(&dir);
    assert!(e.contains("avertissement[president-qualite]"), "{e}");
    // An item's président must sit at that item.
    std::fs::write(
        dir.join("b.toml"),
        dossier("2", &ca.replace("Mme MARTIN", "M. LEROY"))
            .replace("Objet 2", "Compte administratif 2023"),
    )
    .unwrap();
    let e = check(&dir);
    assert!(e.contains("erreur[president-absent]"), "{e}");
    // A compte administratif under the maire's présidence.
    std::fs::write(dir.join("delib.toml"), COMMUNE).unwrap();
    std::fs::write(
        dir.join("b.toml"),
        dossier("2", &plain_item).replace("Objet 2", "Compte administratif 2023"),
    )
    .unwrap();
    let e = check(&dir);
    assert!(
        e.contains("avertissement[presidence-compte-administratif]"),
        "{e}"
    );
}

/// Point 6: the rapporteur is named in the délibération, with or without an exposé.
#[test]
fn the_rapporteur_is_named_without_an_expose() {
    let body = format!(
        "{ARTICLES}rapporteur = {{ nom = \"M. PETIT\", commission = \"commission des finances\" }}\n[deliberation.vote]\nunanimite = true\n"
    );
    let dir = make(
        "legal-rapporteur",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[("a.toml", dossier("1", &body))],
    );
    let d = &render(&dir)["a/deliberation.md"];
    assert!(
        d.contains("Sur le rapport de M.\u{a0}PETIT, au nom de la commission des finances,"),
        "{d}"
    );
}

/// Point 7: no fact the clerk did not type: who asked for a public or secret
/// ballot; a note de synthèse for every item; a population of 3 500 or more.
#[test]
fn no_fact_the_clerk_did_not_type() {
    let public = format!(
        "{ARTICLES}expose = \"Texte.\"\n[deliberation.vote]\nscrutin = \"public\"\npour = 4\ncontre = 0\nabstentions = 0\n"
    );
    let secret = format!(
        "{ARTICLES}[deliberation.vote]\nscrutin = \"secret\"\npour = 4\ncontre = 0\nabstentions = 0\n"
    );
    let large = COMMUNE.replace("1200", "4000");
    let dir = make(
        "legal-faits",
        &large,
        &seance("2016-06-27", ""),
        &[
            ("a.toml", dossier("1", &public)),
            ("b.toml", dossier("2", &secret)),
        ],
    );
    let out = render(&dir);
    let pv = &out["seances/s/proces-verbal.md"];
    assert!(!pv.contains("à la demande"), "{pv}");
    assert!(pv.contains("Le vote a lieu au scrutin public"), "{pv}");
    let convocation = &out["seances/s/convocation.md"];
    assert!(
        convocation
            .contains("la note explicative de synthèse du point 1 de l’ordre du jour est jointe"),
        "{convocation}"
    );
    assert!(!convocation.contains("chaque affaire"), "{convocation}");
    // An unknown population: no note claimed, and check asks for it.
    std::fs::write(
        dir.join("delib.toml"),
        large.replace("population = 4000\n", ""),
    )
    .unwrap();
    let convocation = &render(&dir)["seances/s/convocation.md"];
    assert!(!convocation.contains("note explicative"), "{convocation}");
    let e = check(&dir);
    assert!(e.contains("avertissement[population-inconnue]"), "{e}");
    assert_eq!(e.matches("[population-inconnue]").count(), 1, "{e}");
}

/// A convention of `parties` (TOML of `[[convention.parties]]` tables) and
/// `articles`, in a dossier voted or not.
fn convention_dossier(voted: bool, convention: &str) -> String {
    let vote = if voted {
        "[deliberation.vote]\nunanimite = true\n"
    } else {
        ""
    };
    dossier(
        "1",
        &format!(
            "articles = [\"**APPROUVE** la convention.\"]\n{vote}\n[convention]\ntitre = \"Convention de partenariat\"\n{convention}"
        ),
    )
}

/// Point 8: a party named without its article gets it and its agreement;
/// a habilitation typed whole is not doubled.
#[test]
fn convention_parties_take_their_article_and_agreement() {
    let conv = r#"
[[convention.parties]]
nom = "Commune de Vals-les-Bains"
representant = "M. Jean MARTIN"
qualite = "Maire"
denomination = "la Commune"

[[convention.parties]]
nom = "École de musique"
representant = "Mme Claire PETIT"
qualite = "Directrice"
habilitation = "dûment habilitée par décision du conseil d'administration du 3 mars 2016"
denomination = "l'École"

[[convention.parties]]
nom = "Orange"
genre = "feminin"
representant = "M. Luc BLANC"
habilitation = "par délégation du directeur régional"
denomination = "l'Opérateur"

[[convention.articles]]
titre = "Objet"
texte = "Objet."
"#;
    let dir = make(
        "legal-parties",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[("a.toml", convention_dossier(true, conv))],
    );
    let k = &render(&dir)["a/convention.md"];
    assert!(
        k.contains("**La Commune de Vals-les-Bains**, représentée par M.\u{a0}Jean MARTIN, Maire, dûment habilité par la délibération"),
        "{k}"
    );
    assert!(
        k.contains("ci-après dénommée «\u{202f}la Commune\u{202f}»"),
        "{k}"
    );
    assert!(
        k.contains("**L’École de musique**, représentée par Mme\u{a0}Claire PETIT, Directrice, dûment habilitée par décision du conseil d’administration du 3\u{a0}mars 2016, ci-après dénommée"),
        "{k}"
    );
    assert_eq!(k.matches("dûment habilitée").count(), 1, "{k}");
    assert!(
        k.contains("**Orange**, représentée par M.\u{a0}Luc BLANC, dûment habilité par délégation du directeur régional, ci-après dénommée"),
        "{k}"
    );
    assert!(k.contains("**Pour la Commune de Vals-les-Bains**"), "{k}");
    assert!(k.contains("**Pour l’École de musique**"), "{k}");
}

/// Point 8: a durée and a montant already written in an article, in words
/// or figures, are not stated again in an added article (the Dijon
/// convention had a second « Durée et montant » as Article 9).
#[test]
fn a_written_term_and_amount_add_no_clause() {
    let with = |texte: &str| {
        format!(
            "duree = {{ debut = 2016-09-01, fin = 2017-08-31 }}\nmontant = 49975\n[[convention.parties]]\nnom = \"La Commune de Test\"\n[[convention.parties]]\nnom = \"L'association X\"\n[[convention.articles]]\ntitre = \"Objet\"\ntexte = \"{texte}\"\n"
        )
    };
    for (i, texte) in [
        "Du 1er septembre 2016 au 31 août 2017, la Commune verse 49 975 € à l'association.",
        "Du 01/09/2016 au 31/08/2017, la Commune verse quarante-neuf mille neuf cent soixante-quinze euros.",
        "Du 2016-09-01 au 2017-08-31, pour 49975 euros.",
    ]
    .into_iter()
    .enumerate()
    {
        let dir = make(
            &format!("legal-clause-{i}"),
            COMMUNE,
            &seance("2016-06-27", ""),
            &[("a.toml", convention_dossier(true, &with(texte)))],
        );
        let k = &render(&dir)["a/convention.md"];
        assert!(!k.contains("Article 2"), "{texte}: {k}");
        assert!(!check(&dir).contains("clause-ajoutee"), "{texte}");
    }
    // One date only, another amount: the clause stays, and the finding.
    let dir = make(
        "legal-clause-partial",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[(
            "a.toml",
            convention_dossier(true, &with("À compter du 1er septembre 2016, 2016 €.")),
        )],
    );
    let k = &render(&dir)["a/convention.md"];
    assert!(k.contains("### Article 2 – Durée et montant"), "{k}");
    assert!(check(&dir).contains("avertissement[clause-ajoutee]"));
}

/// Point 8: a convention signed with each partner also writes the model the
/// délibération approves, blank where the partner goes; a draft's
/// conventions and annexes carry PROJET, a voted act's do not.
#[test]
fn a_convention_type_writes_its_model_and_drafts_say_projet() {
    let conv = r#"partenaires = "partenaires.csv"
[[convention.parties]]
nom = "La Commune de Test"
representant = "M. Jean DUPONT"
qualite = "Maire"
[[convention.articles]]
titre = "Objet"
texte = "Objet."
[[annexes]]
titre = "Fiche projet"
texte = "Texte."
"#;
    let dir = make(
        "legal-modele",
        COMMUNE,
        &seance("2016-06-27", ""),
        &[("a.toml", convention_dossier(false, conv))],
    );
    std::fs::write(
        dir.join("partenaires.csv"),
        "nom;representant;qualite;denomination\nL'école Jaurès;Mme A;Directrice;le Partenaire\nLe collège Ferry;M. B;Principal;le Partenaire\n",
    )
    .unwrap();
    let o = delib(
        &dir,
        &["render", ".", "-q", "-o", "out", "--format", "md,html"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |f: &str| std::fs::read_to_string(dir.join("out/a").join(f)).unwrap();
    let model = read("convention.md");
    assert!(
        model
            .contains("*Modèle type annexé à la délibération n<sup>o</sup> 1 du 27\u{a0}juin 2016"),
        "{model}"
    );
    assert!(
        model.contains("**……………………**, dont le siège est situé ……………………, représenté(e) par ……………………, ……………………, ci-après dénommé(e) «\u{202f}le Partenaire\u{202f}»"),
        "{model}"
    );
    assert!(read("convention-ecole-jaures.md").contains("**L’école Jaurès**"));
    // Not voted: every convention and annex is a draft, in the text and the watermark.
    for f in [
        "convention",
        "convention-ecole-jaures",
        "convention-college-ferry",
        "annexe-1",
    ] {
        assert!(
            read(&format!("{f}.md")).starts_with("<div class=\"centre\">\n\n**PROJET**"),
            "{f}"
        );
        assert!(
            read(&format!("{f}.html")).contains("<body class=\"brouillon\">"),
            "{f}"
        );
    }
    // Voted: none is.
    std::fs::write(dir.join("a.toml"), convention_dossier(true, conv)).unwrap();
    let o = delib(
        &dir,
        &["render", ".", "-q", "-o", "out", "--format", "md,html"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["convention", "convention-ecole-jaures", "annexe-1"] {
        assert!(!read(&format!("{f}.md")).contains("**PROJET**"), "{f}");
        assert!(!read(&format!("{f}.html")).contains("brouillon\">"), "{f}");
    }
}
