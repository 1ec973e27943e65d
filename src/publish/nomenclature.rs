//! The @ctes matière nomenclature, levels 1 and 2.
//!
//! Source: the « nomenclature ACTES » of the Ministère de l'Intérieur (the
//! classification every tiers de télétransmission offers), as the SCDL
//! « Délibérations » 2.1.5 documentation of `DELIB_MATIERE_NOM` refers to it
//! (`schemas/scdl/deliberations-2.1.5/documentation.md`). Names are written
//! as that field demands: lower case with accents, no comma nor parenthesis,
//! level 1 and level 2 separated by a slash. A préfecture may add levels 3 to
//! 5 of its own; they are not needed for the SCDL name.

/// Level-1 matières, by code.
pub const NIVEAU1: [(&str, &str); 9] = [
    ("1", "commande publique"),
    ("2", "urbanisme"),
    ("3", "domaine et patrimoine"),
    ("4", "fonction publique"),
    ("5", "institutions et vie politique"),
    ("6", "libertés publiques et pouvoirs de police"),
    ("7", "finances locales"),
    ("8", "domaines de compétences par thèmes"),
    ("9", "autres domaines de compétences"),
];

/// Level-2 matières, by code.
pub const NIVEAU2: [(&str, &str); 57] = [
    ("1.1", "marchés publics"),
    ("1.2", "délégation de service public"),
    ("1.3", "conventions de mandat"),
    ("1.4", "autres types de contrats"),
    ("1.5", "transactions protocole d'accord transactionnel"),
    ("1.6", "actes relatifs à la maîtrise d'œuvre"),
    ("1.7", "actes spéciaux et divers"),
    ("2.1", "documents d'urbanisme"),
    (
        "2.2",
        "actes relatifs au droit d'occupation ou d'utilisation des sols",
    ),
    ("2.3", "droit de préemption urbain"),
    ("3.1", "acquisitions"),
    ("3.2", "aliénations"),
    ("3.3", "locations"),
    ("3.4", "limites territoriales"),
    ("3.5", "autres actes de gestion du domaine public"),
    ("3.6", "autres actes de gestion du domaine privé"),
    ("4.1", "personnels titulaires et stagiaires de la f.p.t."),
    ("4.2", "personnels contractuels"),
    ("4.3", "fonction publique hospitalière"),
    ("4.4", "autres catégories de personnels"),
    ("4.5", "régime indemnitaire"),
    ("5.1", "élection exécutif"),
    ("5.2", "fonctionnement des assemblées"),
    ("5.3", "désignation de représentants"),
    ("5.4", "délégation de fonctions"),
    ("5.5", "délégation de signature"),
    ("5.6", "exercice des mandats locaux"),
    ("5.7", "intercommunalité"),
    ("5.8", "décision d'ester en justice"),
    ("6.1", "police municipale"),
    ("6.2", "pouvoirs du président du conseil général"),
    ("6.3", "pouvoirs du président du conseil régional"),
    ("6.4", "autres actes réglementaires"),
    (
        "6.5",
        "actes pris au nom de l'état et soumis au contrôle hiérarchique",
    ),
    ("7.1", "décisions budgétaires"),
    ("7.2", "fiscalité"),
    ("7.3", "emprunts"),
    ("7.4", "interventions économiques"),
    ("7.5", "subventions"),
    ("7.6", "contributions budgétaires"),
    ("7.7", "avances"),
    ("7.8", "fonds de concours"),
    ("7.9", "prise de participation sem etc."),
    ("7.10", "divers"),
    ("8.1", "enseignement"),
    ("8.2", "aide sociale"),
    ("8.3", "voirie"),
    ("8.4", "aménagement du territoire"),
    ("8.5", "politique de la ville-habitat-logement"),
    ("8.6", "emploi-formation professionnelle"),
    ("8.7", "transports"),
    ("8.8", "environnement"),
    ("8.9", "culture"),
    ("9.1", "autres domaines de compétences des communes"),
    ("9.2", "autres domaines de compétences des départements"),
    ("9.3", "autres domaines de compétences des régions"),
    ("9.4", "vœux et motions"),
];

/// The level-1 and level-2 codes of a matière code: "8.1.2" → ("8", "8.1").
pub fn levels(code: &str) -> Option<(&str, &str)> {
    let mut parts = code.split('.');
    let n1 = parts.next()?;
    let n2 = parts.next()?;
    let l2 = &code[..n1.len() + 1 + n2.len()];
    Some((n1, l2))
}

/// The SCDL name of a matière: "8.1" → "domaines de compétences par thèmes/enseignement".
/// Deeper codes ("8.1.2") are named by their first two levels. None when unknown.
pub fn scdl_name(code: &str) -> Option<String> {
    let (n1, n2) = levels(code.trim())?;
    let l1 = NIVEAU1.iter().find(|(c, _)| *c == n1)?.1;
    let l2 = NIVEAU2.iter().find(|(c, _)| *c == n2)?.1;
    Some(format!("{l1}/{l2}"))
}

/// Every level of a matière code as numbers ("8.1.2" → [8, 1, 2]), for the
/// @ctes envelope; None unless 1 to 5 levels of digits.
pub fn codes(code: &str) -> Option<Vec<u32>> {
    let v: Option<Vec<u32>> = code.trim().split('.').map(|p| p.parse().ok()).collect();
    v.filter(|v| (1..=5).contains(&v.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_scdl_form() {
        assert_eq!(
            scdl_name("8.4").as_deref(),
            Some("domaines de compétences par thèmes/aménagement du territoire")
        );
        assert_eq!(
            scdl_name("8.1.2").as_deref(),
            Some("domaines de compétences par thèmes/enseignement")
        );
        assert_eq!(
            scdl_name("9.4").as_deref(),
            Some("autres domaines de compétences/vœux et motions")
        );
        assert_eq!(
            scdl_name("7.10").as_deref(),
            Some("finances locales/divers")
        );
        assert_eq!(scdl_name("8.10"), None);
        assert_eq!(scdl_name("10.1"), None);
        assert_eq!(scdl_name("8"), None);
        assert_eq!(scdl_name(""), None);
    }

    #[test]
    fn every_name_is_lower_case_without_comma_or_parenthesis() {
        let all = NIVEAU1.iter().chain(NIVEAU2.iter());
        for (code, name) in all {
            assert_eq!(name.to_lowercase(), *name, "{code}");
            assert!(!name.contains([',', '(', ')', '/']), "{code}");
        }
        // The codes the SCDL documentation lists: 1.1–1.7, 2.1–2.3, 3.1–3.6,
        // 4.1–4.5, 5.1–5.8, 6.1–6.5, 7.1–7.10, 8.1–8.9, 9.1–9.4.
        let last = [7, 3, 6, 5, 8, 5, 10, 9, 4];
        for (i, n) in last.iter().enumerate() {
            for j in 1..=*n {
                assert!(
                    scdl_name(&format!("{}.{j}", i + 1)).is_some(),
                    "{}.{j}",
                    i + 1
                );
            }
            assert!(scdl_name(&format!("{}.{}", i + 1, n + 1)).is_none());
        }
    }

    #[test]
    fn codes_of_every_level() {
        assert_eq!(codes("8.1"), Some(vec![8, 1]));
        assert_eq!(codes("1.2.3.4.5"), Some(vec![1, 2, 3, 4, 5]));
        assert_eq!(codes("1.2.3.4.5.6"), None);
        assert_eq!(codes("8.x"), None);
    }
}
