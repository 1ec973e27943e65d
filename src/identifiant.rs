//! The @ctes identifiant of an act, derived in one place.
//!
//! `021-212102313-20160627-2016_06_27_12-DE`: the département on three
//! characters, the collectivité's SIREN, the date of the decision (the
//! séance), the act's number as sent to @ctes (`^[0-9A-Z_]{1,15}$`) and the
//! two-letter nature code. It is what the tiers de télétransmission names the
//! package with and what the préfecture's acknowledgment (`ARActe`) returns
//! in `actes:IDActe`, whose pattern in the protocol's schema
//! (`schemas/actes/actesv1_1.xsd`) is
//! `[0|9][0-9][A|B|0-9]-[0-9]{9}-[0-9]{8}-[a-zA-Z0-9_]{1,15}-\p{Lu}{2}`.
//!
//! [`derive`] computes it from `delib.toml` (SIRET, département), the séance
//! (date) and the dossier (`numero` or `numero_actes`, `nature`); the printed
//! act, the @ctes package, the published site and the SCDL file all take it
//! from there, and [`check`] refuses a typed `identifiant` that differs.
//! The SIREN and SIRET keys (Luhn) are checked here too.

use crate::diag::{Diagnostic, Source};
use crate::french::Date;
use crate::input::Text;
use crate::load::Loaded;
use std::sync::Arc;

/// An act's @ctes identifiant, in parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifiant {
    /// `021`, `02A`, `974`.
    pub departement: String,
    pub siren: String,
    /// The date of the decision: the séance's.
    pub date: Date,
    /// The act number sent to @ctes (`NumeroInterne`).
    pub numero: String,
    /// The nature: 1 délibération … 6 autre.
    pub nature: u8,
}

impl std::fmt::Display for Identifiant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}-{:04}{:02}{:02}-{}-{}",
            self.departement,
            self.siren,
            self.date.year,
            self.date.month,
            self.date.day,
            self.numero,
            nature_code(self.nature).unwrap_or("AU")
        )
    }
}

/// What is missing to derive an act's identifiant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No SIRET, or a SIRET whose key is wrong.
    Siret,
    /// Neither the SIREN (commune, département) nor `[collectivite]
    /// departement` gives the département.
    Departement,
    /// No séance date.
    Date,
    /// No `numero`, or a `numero_actes` outside the pattern.
    Numero,
    /// A nature other than 1 to 6.
    Nature,
}

impl Missing {
    /// Why, in French.
    pub fn message(self) -> &'static str {
        match self {
            Missing::Siret => {
                "le SIRET de la collectivité manque ou est incorrect : l'identifiant @ctes commence par son SIREN"
            }
            Missing::Departement => {
                "le département ne se déduit pas du SIREN (seuls ceux des communes et des départements le donnent)"
            }
            Missing::Date => "la séance n'a pas de date",
            Missing::Numero => "la délibération n'a pas de numéro @ctes valide",
            Missing::Nature => "la nature @ctes n'est pas un code de 1 à 6",
        }
    }

    /// What to write, in French.
    pub fn hint(self) -> &'static str {
        match self {
            Missing::Siret => {
                "ajoutez siret = \"…\" (14 chiffres, registre SIRENE) dans [collectivite] de delib.toml"
            }
            Missing::Departement => {
                "ajoutez departement = \"…\" (le nom du département, ex. \"Côte-d'Or\") dans [collectivite] de delib.toml"
            }
            Missing::Date => "donnez la date de la séance (date = AAAA-MM-JJ)",
            Missing::Numero => {
                "donnez numero = \"…\" dans [deliberation], ou numero_actes = \"2016_06_27_12\" dans [deliberation.publication] (15 caractères au plus : chiffres, majuscules, _)"
            }
            Missing::Nature => {
                "1 délibération, 2 acte réglementaire, 3 acte individuel, 4 contrat ou convention, 5 document budgétaire, 6 autre"
            }
        }
    }
}

/// The act's identifiant, or the first thing missing to derive it.
pub fn derive(l: &Loaded) -> Result<Identifiant, Missing> {
    let siren = match siret(l) {
        Some((digits, _, _)) if is_siret(&digits) => digits[..9].to_owned(),
        _ => return Err(Missing::Siret),
    };
    let name = l.collectivite.departement.as_deref();
    let departement = departement(&siren, name).ok_or(Missing::Departement)?;
    let date = l
        .seance
        .as_ref()
        .and_then(|(s, _)| plain_date(&s.date))
        .ok_or(Missing::Date)?;
    let numero = numero(l).ok_or(Missing::Numero)?;
    let d = l.dossier.deliberation.get_ref();
    let nature = d.nature.unwrap_or(1);
    nature_code(nature).ok_or(Missing::Nature)?;
    Ok(Identifiant {
        departement,
        siren,
        date,
        numero,
        nature,
    })
}

/// True once the act was sent to the préfecture: a transmission or a
/// reception date is given. Its identifiant is printed from then on.
pub fn transmitted(l: &Loaded) -> bool {
    l.dossier
        .deliberation
        .get_ref()
        .publication
        .as_ref()
        .is_some_and(|p| p.transmission.is_some() || p.reception.is_some())
}

/// The identifiant to print: the typed one, else the derived one once the
/// act was transmitted. A typed one that differs from the derived one is an
/// error of [`check`], so the two agree wherever a document is made.
pub fn printed(l: &Loaded) -> Option<String> {
    let p = l.dossier.deliberation.get_ref().publication.as_ref()?;
    if let Some(typed) = &p.identifiant {
        return Some(typed.get_ref().trim().to_owned());
    }
    if transmitted(l) {
        return derive(l).ok().map(|i| i.to_string());
    }
    None
}

/// The act number sent to @ctes: `numero_actes` when typed (and valid),
/// else derived from `numero` (upper case, every other character `_`).
pub fn numero(l: &Loaded) -> Option<String> {
    let d = l.dossier.deliberation.get_ref();
    let typed = d.publication.as_ref().and_then(|p| p.numero_actes.as_ref());
    let n = match typed {
        Some(n) => n.get_ref().trim().to_owned(),
        None => numero_actes(d.numero.as_ref()?.get_ref()),
    };
    is_numero(&n).then_some(n)
}

/// The @ctes act number derived from the assembly's own number: upper
/// case, every other character `_`, 15 characters at most
/// (`2016-06-27/12` → `2016_06_27_12`).
pub fn numero_actes(numero: &str) -> String {
    numero
        .trim()
        .chars()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_digit() || c.is_ascii_uppercase() {
                c
            } else {
                '_'
            }
        })
        .take(15)
        .collect()
}

/// A TOML date without time, as a date.
fn plain_date(d: &crate::input::TomlDate) -> Option<Date> {
    match (d.get_ref().date, d.get_ref().time) {
        (Some(x), None) => Date::new(i32::from(x.year), x.month, x.day),
        _ => None,
    }
}

/// `^[0-9A-Z_]{1,15}$`, the @ctes act number as the tiers send it.
pub fn is_numero(s: &str) -> bool {
    (1..=15).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'_')
}

/// The two-letter code of a nature: 1 DE délibération, 2 AR acte réglementaire,
/// 3 AI acte individuel, 4 CC contrat et convention, 5 BF document budgétaire
/// et financier, 6 AU autre.
pub fn nature_code(nature: u8) -> Option<&'static str> {
    ["DE", "AR", "AI", "CC", "BF", "AU"]
        .get(usize::from(nature).checked_sub(1)?)
        .copied()
}

/// The département on three characters: from the SIREN of a commune
/// (`21DD…`) or of a département (`22DD…`), overseas `97D`; else (an EPCI,
/// a Corsican commune, whose SIREN says `20`) from the département's name.
pub fn departement(siren: &str, name: Option<&str>) -> Option<String> {
    let b = siren.as_bytes();
    if b.len() == 9 && (siren.starts_with("21") || siren.starts_with("22")) {
        let dd = &siren[2..4];
        if dd == "97" {
            return Some(siren[2..5].to_owned());
        }
        if dd != "20" {
            return Some(format!("0{dd}"));
        }
    }
    crate::french::code_departement(name?)
}

/// The collectivité's SIRET without its spaces, the value as typed and the
/// file it was read from (the dossier when it gives it, else `delib.toml`).
pub fn siret(l: &Loaded) -> Option<(String, &Text, &Arc<Source>)> {
    let s = l.collectivite.siret.as_ref()?;
    let digits = s.get_ref().chars().filter(|c| !c.is_whitespace()).collect();
    Some((digits, s, siret_source(l)))
}

/// The source `[collectivite] siret` was read from.
fn siret_source(l: &Loaded) -> &Arc<Source> {
    let in_dossier = l
        .dossier
        .collectivite
        .as_ref()
        .is_some_and(|c| c.siret.is_some());
    match &l.projet {
        Some((_, src)) if !in_dossier => src,
        _ => &l.source,
    }
}

/// The Luhn sum of a string of digits is a multiple of 10.
fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Nine digits whose Luhn key is right.
pub fn is_siren(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) && luhn(s)
}

/// Fourteen digits: a valid SIREN and a right Luhn key over the whole (the
/// SIRENE rule; La Poste's establishments follow another rule, accepted too
/// as the SCDL schema's check does).
pub fn is_siret(s: &str) -> bool {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) || !is_siren(&s[..9]) {
        return false;
    }
    let la_poste = s.starts_with("356000000")
        && s.bytes()
            .map(|b| u32::from(b - b'0'))
            .sum::<u32>()
            .is_multiple_of(5);
    luhn(s) || la_poste
}

/// What is wrong with a SIRET as typed (its spaces aside), as a finding's
/// message and hint; `whose` names its holder (the
/// collectivité: empty; a party: « de « Association X » », with its
/// leading space). `None` when it is right.
pub fn siret_problem(typed: &str, whose: &str) -> Option<(String, &'static str)> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = digits.as_str();
    if is_siret(digits) {
        return None;
    }
    const MISCOPIED: &str =
        "un chiffre est sans doute mal recopié : vérifiez le SIRET sur l'avis de situation SIRENE";
    Some(
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            (
                format!(
                    "« {typed} » n'est pas un SIRET : il faut 14 chiffres (les 9 du SIREN, puis les 5 du NIC)"
                ),
                "recopiez le SIRET depuis le registre SIRENE (avis de situation)",
            )
        } else if !is_siren(&digits[..9]) {
            (
                format!(
                    "le SIREN {} (les 9 premiers chiffres du SIRET{whose}) a une clé de contrôle fausse",
                    &digits[..9]
                ),
                MISCOPIED,
            )
        } else {
            (
                format!(
                    "le SIRET {digits}{whose} a une clé de contrôle fausse (les 5 derniers chiffres, le NIC, ne vont pas avec le SIREN)"
                ),
                MISCOPIED,
            )
        },
    )
}

/// The parts of an identifiant as typed, when it has the schema's shape.
pub fn parse(id: &str) -> Option<[&str; 5]> {
    let mut it = id.split('-');
    let parts = [it.next()?, it.next()?, it.next()?, it.next()?, it.next()?];
    if it.next().is_some() {
        return None;
    }
    let [dep, siren, date, numero, nature] = parts;
    let dep_ok = dep.len() == 3 && {
        let b = dep.as_bytes();
        matches!(b[0], b'0' | b'9')
            && b[1].is_ascii_digit()
            && matches!(b[2], b'0'..=b'9' | b'A' | b'B')
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let numero_ok = (1..=15).contains(&numero.len())
        && numero
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let nature_ok = nature.len() == 2 && nature.bytes().all(|b| b.is_ascii_uppercase());
    (dep_ok && digits(siren, 9) && digits(date, 8) && numero_ok && nature_ok).then_some(parts)
}

/// The checks of this module: the SIRET's keys, at its line; a typed
/// identifiant that differs from the derived one (error, the derived one as
/// the fix), or, when none can be derived, one that has not the shape of an
/// identifiant (warning) or whose SIREN key is wrong (error).
pub fn check(l: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some((_, typed, src)) = siret(l)
        && let Some((msg, hint)) = siret_problem(typed.get_ref(), "")
    {
        out.push(
            Diagnostic::error("siret-invalide", msg)
                .at(src, typed.span())
                .hint(hint),
        );
    }
    // The SIRETs of the convention's parties, as typed in the dossier
    // (a partners file's are checked where it is read).
    let parties = l
        .dossier
        .convention
        .iter()
        .flat_map(|c| &c.get_ref().parties);
    for p in parties {
        let Some(typed) = &p.siret else { continue };
        if let Some((msg, hint)) = siret_problem(typed.get_ref(), &format!(" de « {} »", p.nom)) {
            out.push(
                Diagnostic::error("siret-invalide", msg)
                    .at(&l.source, typed.span())
                    .hint(hint),
            );
        }
    }
    let d = l.dossier.deliberation.get_ref();
    let Some(typed) = d.publication.as_ref().and_then(|p| p.identifiant.as_ref()) else {
        return out;
    };
    let value = typed.get_ref().trim();
    match derive(l) {
        Ok(id) => {
            let derived = id.to_string();
            if value != derived {
                out.push(differs(l, typed, &id, &derived));
            }
        }
        Err(_) => match parse(value) {
            None => out.push(
                Diagnostic::warning(
                    "identifiant-actes",
                    format!("l'identifiant « {value} » n'a pas la forme d'un identifiant @ctes"),
                )
                .at(&l.source, typed.span())
                .hint("forme attendue : 021-212102313-20160627-12-DE (département, SIREN, date, numéro, nature) ; recopiez-le de l'accusé de réception"),
            ),
            Some([_, siren, ..]) if !is_siren(siren) => out.push(
                Diagnostic::error(
                    "siren-invalide",
                    format!("le SIREN {siren} de l'identifiant a une clé de contrôle fausse"),
                )
                .at(&l.source, typed.span())
                .hint("recopiez l'identifiant de l'accusé de réception de la préfecture, ou supprimez la ligne et donnez siret = \"…\" dans [collectivite] : delib le calcule"),
            ),
            Some(_) => {}
        },
    }
    out
}

/// The finding for a typed identifiant that is not the derived one: which
/// parts differ, and the derived value as the fix.
fn differs(l: &Loaded, typed: &Text, id: &Identifiant, derived: &str) -> Diagnostic {
    let value = typed.get_ref().trim();
    let mut why = Vec::new();
    let mut only_numero = false;
    if let Some([dep, siren, date, numero, nature]) = parse(value) {
        let want_date = format!("{:04}{:02}{:02}", id.date.year, id.date.month, id.date.day);
        if dep != id.departement {
            why.push(format!("le département est {}", id.departement));
        }
        if siren != id.siren {
            why.push(format!(
                "le SIREN de la collectivité est {} (d'après son SIRET)",
                id.siren
            ));
        }
        if date != want_date {
            why.push(format!("la séance est du {}", id.date.iso()));
        }
        if numero != id.numero {
            why.push(format!("le numéro @ctes est {}", id.numero));
        }
        if Some(nature) != nature_code(id.nature) {
            why.push(format!(
                "la nature est {}",
                nature_code(id.nature).unwrap_or("AU")
            ));
        }
        only_numero = why.len() == 1 && numero != id.numero;
    }
    let because = if why.is_empty() {
        String::new()
    } else {
        format!(" : {}", why.join(", "))
    };
    let mut hint =
        format!("écrivez identifiant = \"{derived}\", ou supprimez la ligne : delib le calcule");
    if only_numero && let Some([_, _, _, numero, _]) = parse(value) {
        hint.push_str(&format!(
            " ; si l'acte a été transmis sous le numéro {numero}, écrivez plutôt numero_actes = \"{numero}\" dans [deliberation.publication]"
        ));
    }
    Diagnostic::error(
        "identifiant-different",
        format!("l'identifiant « {value} » n'est pas celui de l'acte, « {derived} »{because}"),
    )
    .at(&l.source, typed.span())
    .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_and_siret_keys() {
        assert!(is_siren("212102313"));
        assert!(
            !is_siren("212102314"),
            "the wrong Dijon SIREN of the examples"
        );
        assert!(is_siret("21210231300013"));
        assert!(is_siret("21940041300015"));
        assert!(
            !is_siret("21210231400010"),
            "SIRET key right, SIREN key wrong"
        );
        assert!(!is_siret("21210231300014"));
        assert!(!is_siret("2121023130001"));
        assert!(!is_siret("2121023130001a"));
        // La Poste: SIREN 356000000, establishments by the sum of digits.
        assert!(is_siren("356000000"));
        assert!(is_siret("35600000000048"));
    }

    #[test]
    fn departements_from_siren_or_name() {
        assert_eq!(departement("212102313", None).as_deref(), Some("021"));
        assert_eq!(departement("219400413", None).as_deref(), Some("094"));
        assert_eq!(departement("219740115", None).as_deref(), Some("974"));
        assert_eq!(departement("222100016", None).as_deref(), Some("021"));
        // Corsica: the SIREN says 20, the name tells 2A from 2B.
        assert_eq!(departement("212000046", None), None);
        assert_eq!(
            departement("212000046", Some("Corse-du-Sud")).as_deref(),
            Some("02A")
        );
        // An EPCI: only the name gives it.
        assert_eq!(departement("200067213", None), None);
        assert_eq!(
            departement("200067213", Some("Val-de-Marne")).as_deref(),
            Some("094")
        );
    }

    #[test]
    fn shapes_of_the_schema() {
        assert!(parse("021-212102313-20160627-2016_06_27_12-DE").is_some());
        assert!(parse("02A-212000046-20160627-12-DE").is_some());
        assert!(parse("974-219740115-20160627-a_1-AR").is_some());
        for bad in [
            "21-212102313-20160627-12-DE",
            "121-212102313-20160627-12-DE",
            "02C-212102313-20160627-12-DE",
            "021-21210231-20160627-12-DE",
            "021-212102313-2016062-12-DE",
            "021-212102313-20160627-2016/12-DE",
            "021-212102313-20160627-1234567890123456-DE",
            "021-212102313-20160627-12-De",
            "021-212102313-20160627-12-DE-1",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert_eq!(nature_code(1), Some("DE"));
        assert_eq!(nature_code(6), Some("AU"));
        assert_eq!(nature_code(0), None);
        assert_eq!(nature_code(7), None);
        assert!(is_numero("2016_06_27_12"));
        assert!(!is_numero("2016-06-27/12"));
        assert!(!is_numero("A234567890123456"));
        assert!(!is_numero(""));
    }

    #[test]
    fn an_identifiant_is_written_as_actes_does() {
        let id = Identifiant {
            departement: "021".into(),
            siren: "212102313".into(),
            date: Date::new(2016, 6, 27).unwrap(),
            numero: "2016_06_27_12".into(),
            nature: 1,
        };
        assert_eq!(id.to_string(), "021-212102313-20160627-2016_06_27_12-DE");
        assert!(parse(&id.to_string()).is_some());
    }
}
