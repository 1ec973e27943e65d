//! The SCDL « Délibérations » open-data file, schema version 2.1.5
//! (`schemas/scdl/deliberations-2.1.5/schema.json`, vendored with its source).

use super::Act;
use crate::diag::Diagnostic;

/// The schema's version, written in docs/publication.md and the help.
pub const VERSION: &str = "2.1.5";

/// The columns, in the schema's order.
pub const COLUMNS: [&str; 17] = [
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
];

/// One row of the file with the warnings about it (a value left out), or the
/// findings that keep the act out of the file.
/// `base_url` is the address of the site written by `delib publish`; the row
/// links the act's PDF there when the act is published on it.
pub fn row(
    act: &Act,
    base_url: Option<&str>,
    today: crate::french::Date,
) -> Result<([String; 17], Vec<Diagnostic>), Vec<Diagnostic>> {
    let l = act.loaded;
    let d = l.dossier.deliberation.get_ref();
    let mut errs = Vec::new();
    let nom = l
        .collectivite
        .nom
        .as_ref()
        .map(|n| n.get_ref().trim().to_owned())
        .unwrap_or_default();
    let siret = match crate::identifiant::siret(l) {
        None => {
            errs.push(super::at_collectivite(
                act,
                Diagnostic::error(
                    "scdl-siret",
                    "le SIRET de la collectivité manque : le schéma SCDL l'exige (COLL_SIRET)",
                )
                .hint("ajoutez siret = \"…\" (14 chiffres, registre SIRENE) dans [collectivite] de delib.toml"),
            ));
            String::new()
        }
        Some((digits, typed, src)) => {
            if !crate::identifiant::is_siret(&digits) {
                errs.push(
                    Diagnostic::error(
                        "scdl-siret",
                        format!(
                            "« {} » n'est pas un SIRET valide (14 chiffres dont la clé de Luhn)",
                            typed.get_ref()
                        ),
                    )
                    .at(src, typed.span())
                    .hint("recopiez le SIRET de la collectivité depuis le registre SIRENE"),
                );
            }
            digits
        }
    };
    let id = match &d.numero {
        Some(n) if !n.get_ref().trim().is_empty() => n.get_ref().trim().to_owned(),
        _ => {
            errs.push(
                act.at_deliberation(
                    Diagnostic::error(
                        "scdl-numero",
                        "la délibération n'a pas de numéro : le schéma SCDL l'exige (DELIB_ID)",
                    )
                    .hint("ajoutez numero = \"…\" dans [deliberation]"),
                ),
            );
            String::new()
        }
    };
    let (code, matiere) = match &d.matiere {
        None => {
            errs.push(act.at_deliberation(
                Diagnostic::error(
                    "scdl-matiere",
                    "la délibération n'a pas de matière @ctes : le schéma SCDL l'exige (DELIB_MATIERE_CODE)",
                )
                .hint("ajoutez matiere = \"8.1\" (par exemple) dans [deliberation] : le code de la nomenclature @ctes"),
            ));
            (String::new(), String::new())
        }
        Some(m) => {
            let code = m.get_ref().trim();
            match (
                super::nomenclature::levels(code),
                super::nomenclature::scdl_name(code),
            ) {
                (Some((_, two)), Some(name)) => (two.to_owned(), name),
                _ => {
                    errs.push(
                        Diagnostic::error(
                            "scdl-matiere",
                            format!("« {code} » n'est pas une matière de la nomenclature @ctes"),
                        )
                        .at(&l.source, m.span())
                        .hint("un code de niveau 2 au moins, de 1.1 à 9.4 (ex. 8.1 enseignement, 7.5 subventions)"),
                    );
                    (String::new(), String::new())
                }
            }
        }
    };
    let date = act.date().map(|d| d.iso()).unwrap_or_default();
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut warnings = Vec::new();
    let (budget_annee, budget_nom) = match &d.budget {
        // The schema wants both or neither (cohesive-columns-value), the year
        // as AAAA or AAAA/AAAA.
        Some(b) => match (&b.annee, &b.nom) {
            (Some(a), Some(n)) if is_budget_year(a.trim()) && !n.trim().is_empty() => {
                (a.trim().to_owned(), n.trim().to_owned())
            }
            _ => {
                warnings.push(act.at_deliberation(
                    Diagnostic::warning(
                        "scdl-budget",
                        "budget non exporté : le schéma SCDL veut l'année (AAAA ou AAAA/AAAA) et le nom du budget",
                    )
                    .hint("dans [deliberation.budget], donnez annee = \"2016\" et nom = \"Budget principal\""),
                ));
                (String::new(), String::new())
            }
        },
        None => (String::new(), String::new()),
    };
    // PREF_DATE: the reception the préfecture acknowledged (recorded by
    // `delib accuse-reception`); PREF_ID: the préfecture of the département
    // of the act's identifiant (`PREF021`), known once the act was received.
    let pref_date = d
        .publication
        .as_ref()
        .and_then(|p| p.reception.as_ref())
        .and_then(crate::model::to_date)
        .map(|d| d.iso())
        .unwrap_or_default();
    let pref_id = match crate::identifiant::derive(l) {
        Ok(id) if !pref_date.is_empty() => format!("PREF{}", id.departement),
        _ => String::new(),
    };
    let votes = vote_counts(act)
        .map(|v| v.map(|n| n.to_string()))
        .unwrap_or_default();
    let url = match (base_url, act.publication()) {
        (Some(base), Some(p)) if p <= today => {
            let base = base.trim_end_matches('/');
            format!("{base}/{}deliberation.pdf", act.site_dir())
        }
        _ => String::new(),
    };
    let [effectif, reel, pour, contre, abst] = votes;
    let fields = [
        nom,
        siret,
        id,
        date,
        code,
        matiere,
        act.objet().trim().to_owned(),
        budget_annee,
        budget_nom,
        pref_id,
        pref_date,
        effectif,
        reel,
        pour,
        contre,
        abst,
        url,
    ];
    Ok((fields, warnings))
}

/// `2016` or `2016/2017`.
fn is_budget_year(s: &str) -> bool {
    let year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('/') {
        Some((a, b)) => year(a) && year(b),
        None => year(s),
    }
}

/// VOTE_EFFECTIF, VOTE_REEL, VOTE_POUR, VOTE_CONTRE, VOTE_ABSTENTION — all or
/// none (the schema's cohesive-columns-value), consistent: réel = pour +
/// contre + abstentions ≤ effectif. Unanimity counts every votant taking part.
pub fn vote_counts(act: &Act) -> Option<[u32; 5]> {
    let l = act.loaded;
    let v = l.dossier.deliberation.get_ref().vote.as_ref()?.get_ref();
    let effectif = *l.seance.as_ref()?.0.membres_en_exercice.as_ref()?.get_ref();
    let unanimite = v.unanimite.as_ref().is_some_and(|u| *u.get_ref());
    let n = |x: &Option<toml::Spanned<u32>>| x.as_ref().map(|s| *s.get_ref());
    let (pour, contre, abst) = if unanimite {
        let votants = act.model.seance.as_ref()?.votants?;
        let npp = v.ne_prennent_pas_part.len() as u32;
        (votants.checked_sub(npp)?, 0, 0)
    } else {
        match (n(&v.pour), n(&v.contre), n(&v.abstentions)) {
            (None, None, None) => return None,
            (p, c, a) => (p.unwrap_or(0), c.unwrap_or(0), a.unwrap_or(0)),
        }
    };
    let reel = pour + contre + abst;
    (reel <= effectif).then_some([effectif, reel, pour, contre, abst])
}

/// The CSV text: a header line, then the rows; comma-separated, UTF-8,
/// fields quoted when they hold a comma, a quote or a line break. A cell a
/// spreadsheet would run as a formula is neutralised as OWASP recommends:
/// a single quote before it, and the cell quoted (`"'=HYPERLINK(…)"`); such
/// a cell stays a string for the schema (the columns it can occur in have
/// no pattern).
pub fn csv(rows: &[[String; 17]]) -> String {
    let mut out = String::new();
    let mut line = |fields: &mut dyn Iterator<Item = &str>| {
        let mut first = true;
        for f in fields {
            if !first {
                out.push(',');
            }
            first = false;
            let formula = crate::escape::starts_formula(f);
            if formula || f.contains([',', '"', '\n', '\r']) {
                out.push('"');
                if formula {
                    out.push('\'');
                }
                out.push_str(&f.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(f);
            }
        }
        out.push('\n');
    };
    line(&mut COLUMNS.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_be_a_formula_is_neutralised() {
        let mut r: [String; 17] = Default::default();
        r[2] = "-12".into();
        r[6] = "=HYPERLINK(\"http://x\",\"clic\")".into();
        r[8] = "@SUM(A1)".into();
        r[0] = "+33".into();
        r[7] = "2016".into();
        let text = csv(&[r]);
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            row,
            "\"'+33\",,\"'-12\",,,,\"'=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\",2016,\"'@SUM(A1)\",,,,,,,,"
        );
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut r: [String; 17] = Default::default();
        r[0] = "Ville d'Ivry, Val-de-Marne".into();
        r[6] = "objet \"cité\"\nsur deux lignes".into();
        let text = csv(&[r]);
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        assert!(text.contains(
            "\"Ville d'Ivry, Val-de-Marne\",,,,,,\"objet \"\"cité\"\"\nsur deux lignes\","
        ));
    }
}
