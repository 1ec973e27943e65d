//! Place names with their articles: "de la Côte-d'Or", "du Nord",
//! "d'Ille-et-Vilaine", "tribunal administratif d'Orléans".

/// The 101 départements and the words that introduce them after "de"
/// ("Département de la Somme", "du Nord", "des Yvelines", "d'Ille-et-Vilaine").
pub const DEPARTEMENTS: [(&str, &str); 101] = [
    ("Ain", "de l'"),
    ("Aisne", "de l'"),
    ("Allier", "de l'"),
    ("Alpes-de-Haute-Provence", "des "),
    ("Hautes-Alpes", "des "),
    ("Alpes-Maritimes", "des "),
    ("Ardèche", "de l'"),
    ("Ardennes", "des "),
    ("Ariège", "de l'"),
    ("Aube", "de l'"),
    ("Aude", "de l'"),
    ("Aveyron", "de l'"),
    ("Bouches-du-Rhône", "des "),
    ("Calvados", "du "),
    ("Cantal", "du "),
    ("Charente", "de la "),
    ("Charente-Maritime", "de la "),
    ("Cher", "du "),
    ("Corrèze", "de la "),
    ("Corse-du-Sud", "de la "),
    ("Haute-Corse", "de la "),
    ("Côte-d'Or", "de la "),
    ("Côtes-d'Armor", "des "),
    ("Creuse", "de la "),
    ("Dordogne", "de la "),
    ("Doubs", "du "),
    ("Drôme", "de la "),
    ("Eure", "de l'"),
    ("Eure-et-Loir", "d'"),
    ("Finistère", "du "),
    ("Gard", "du "),
    ("Haute-Garonne", "de la "),
    ("Gers", "du "),
    ("Gironde", "de la "),
    ("Hérault", "de l'"),
    ("Ille-et-Vilaine", "d'"),
    ("Indre", "de l'"),
    ("Indre-et-Loire", "d'"),
    ("Isère", "de l'"),
    ("Jura", "du "),
    ("Landes", "des "),
    ("Loir-et-Cher", "de "),
    ("Loire", "de la "),
    ("Haute-Loire", "de la "),
    ("Loire-Atlantique", "de la "),
    ("Loiret", "du "),
    ("Lot", "du "),
    ("Lot-et-Garonne", "de "),
    ("Lozère", "de la "),
    ("Maine-et-Loire", "de "),
    ("Manche", "de la "),
    ("Marne", "de la "),
    ("Haute-Marne", "de la "),
    ("Mayenne", "de la "),
    ("Meurthe-et-Moselle", "de "),
    ("Meuse", "de la "),
    ("Morbihan", "du "),
    ("Moselle", "de la "),
    ("Nièvre", "de la "),
    ("Nord", "du "),
    ("Oise", "de l'"),
    ("Orne", "de l'"),
    ("Pas-de-Calais", "du "),
    ("Puy-de-Dôme", "du "),
    ("Pyrénées-Atlantiques", "des "),
    ("Hautes-Pyrénées", "des "),
    ("Pyrénées-Orientales", "des "),
    ("Bas-Rhin", "du "),
    ("Haut-Rhin", "du "),
    ("Rhône", "du "),
    ("Haute-Saône", "de la "),
    ("Saône-et-Loire", "de "),
    ("Sarthe", "de la "),
    ("Savoie", "de la "),
    ("Haute-Savoie", "de la "),
    ("Paris", "de "),
    ("Seine-Maritime", "de la "),
    ("Seine-et-Marne", "de "),
    ("Yvelines", "des "),
    ("Deux-Sèvres", "des "),
    ("Somme", "de la "),
    ("Tarn", "du "),
    ("Tarn-et-Garonne", "de "),
    ("Var", "du "),
    ("Vaucluse", "de "),
    ("Vendée", "de la "),
    ("Vienne", "de la "),
    ("Haute-Vienne", "de la "),
    ("Vosges", "des "),
    ("Yonne", "de l'"),
    ("Territoire de Belfort", "du "),
    ("Essonne", "de l'"),
    ("Hauts-de-Seine", "des "),
    ("Seine-Saint-Denis", "de la "),
    ("Val-de-Marne", "du "),
    ("Val-d'Oise", "du "),
    ("Guadeloupe", "de la "),
    ("Martinique", "de la "),
    ("Guyane", "de la "),
    ("La Réunion", "de "),
    ("Mayotte", "de "),
];

/// A name folded for comparison: lower case, no accents, `'` for `’`, `-` for spaces.
fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            ' ' | '\u{a0}' => '-',
            c => c,
        })
        .collect()
}

/// A département's name without the article a clerk may type before it
/// ("de la Côte-d'Or" → "Côte-d'Or").
fn without_article(name: &str) -> &str {
    let name = name.trim();
    ["de la ", "de l'", "de l’", "du ", "des ", "d'", "d’", "de "]
        .iter()
        .find_map(|a| name.strip_prefix(a))
        .unwrap_or(name)
}

/// "de la Côte-d'Or", "du Nord", "d'Ille-et-Vilaine": a département after
/// "de", its article from [`DEPARTEMENTS`]. The clerk may type the name with
/// or without accents or its article; an unknown name gets [`de`].
pub fn du_departement(name: &str) -> String {
    let bare = without_article(name);
    let key = fold(bare);
    match DEPARTEMENTS.iter().find(|(n, _)| fold(n) == key) {
        Some((n, article)) => format!("{article}{n}"),
        None => de(bare),
    }
}

/// The INSEE code of a département on three characters, as @ctes writes it
/// (`021`, `02A`, `974`), from its name as [`du_departement`] reads it.
/// [`DEPARTEMENTS`] is in the order of the codes: 01 to 19, 2A, 2B, 21 to
/// 95, then 971 to 974 and 976.
pub fn code_departement(name: &str) -> Option<String> {
    let key = fold(without_article(name));
    let i = DEPARTEMENTS.iter().position(|(n, _)| fold(n) == key)?;
    Some(match i {
        0..=18 => format!("0{:02}", i + 1),
        19 => "02A".to_owned(),
        20 => "02B".to_owned(),
        21..=95 => format!("0{i:02}"),
        96..=99 => format!("97{}", i - 95),
        _ => "976".to_owned(),
    })
}

/// Whether a word starts with a vowel sound that elides "de" (h left alone:
/// aspirated or not cannot be told from spelling).
fn elides(word: &str) -> bool {
    word.chars().next().is_some_and(|c| {
        matches!(
            c.to_lowercase().next().unwrap_or(c),
            'a' | 'â' | 'à' | 'e' | 'é' | 'è' | 'ê' | 'i' | 'î' | 'o' | 'ô' | 'u' | 'û' | 'y'
        )
    })
}

/// "de" before a place name, with elision and contraction: "d'Orléans",
/// "de Dijon", "du Havre" (Le Havre), "des Sables-d'Olonne", "de La Rochelle".
pub fn de(name: &str) -> String {
    let name = name.trim();
    if let Some(rest) = name.strip_prefix("Le ") {
        return format!("du {rest}");
    }
    if let Some(rest) = name.strip_prefix("Les ") {
        return format!("des {rest}");
    }
    if elides(name) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_its_article() {
        assert_eq!(DEPARTEMENTS.len(), 101);
        assert_eq!(du_departement("Côte-d'Or"), "de la Côte-d'Or");
        assert_eq!(du_departement("Côte d’Or"), "de la Côte-d'Or");
        assert_eq!(du_departement("Nord"), "du Nord");
        assert_eq!(du_departement("Somme"), "de la Somme");
        assert_eq!(du_departement("Yvelines"), "des Yvelines");
        assert_eq!(du_departement("ille-et-vilaine"), "d'Ille-et-Vilaine");
        assert_eq!(du_departement("Val-de-Marne"), "du Val-de-Marne");
        assert_eq!(du_departement("Herault"), "de l'Hérault");
        assert_eq!(du_departement("du Bas-Rhin"), "du Bas-Rhin");
        // Unknown: plain elision.
        assert_eq!(du_departement("Atlantide"), "d'Atlantide");
        for (n, a) in DEPARTEMENTS {
            assert!(du_departement(n).starts_with(a), "{n}");
            assert!(a.ends_with(' ') || a.ends_with('\''), "{n}");
        }
    }

    #[test]
    fn departement_codes_follow_the_insee_order() {
        let code = |n| code_departement(n).unwrap();
        assert_eq!(code("Ain"), "001");
        assert_eq!(code("Ariège"), "009");
        assert_eq!(code("Corrèze"), "019");
        assert_eq!(code("Corse-du-Sud"), "02A");
        assert_eq!(code("Haute-Corse"), "02B");
        assert_eq!(code("Côte-d'Or"), "021");
        assert_eq!(code("de la Côte d’Or"), "021");
        assert_eq!(code("Finistère"), "029");
        assert_eq!(code("Gard"), "030");
        assert_eq!(code("Paris"), "075");
        assert_eq!(code("Territoire de Belfort"), "090");
        assert_eq!(code("Val-de-Marne"), "094");
        assert_eq!(code("Val-d'Oise"), "095");
        assert_eq!(code("Guadeloupe"), "971");
        assert_eq!(code("La Réunion"), "974");
        assert_eq!(code("Mayotte"), "976");
        assert_eq!(code_departement("Atlantide"), None);
    }

    #[test]
    fn de_elides_and_contracts() {
        assert_eq!(de("Orléans"), "d'Orléans");
        assert_eq!(de("Amiens"), "d'Amiens");
        assert_eq!(de("Dijon"), "de Dijon");
        assert_eq!(de("Le Havre"), "du Havre");
        assert_eq!(de("La Rochelle"), "de La Rochelle");
    }
}
