//! The @ctes package of an act: what a tiers de télétransmission (S²LOW,
//! FAST, iXbus…) takes to send it to the contrôle de légalité.
//!
//! Based on the public source of S²LOW (Libriciel), class `ActesTransaction`
//! (`getStdFileName`, `generateActeXMLFile`), read through a public copy:
//! - the metadata message is an `actes:Acte` element in the namespace
//!   `http://www.interieur.gouv.fr/ACTES#v1.1-20040216`, ISO-8859-1, with the
//!   attributes `actes:Date` (decision date), `actes:NumeroInterne` and
//!   `actes:CodeNatureActe`, then `actes:CodeMatiere1`…`5` (attribute
//!   `actes:CodeMatiere`), `actes:Objet`, `actes:ClassificationDateVersion`,
//!   `actes:Document/actes:NomFichier`, `actes:Annexes` (attribute
//!   `actes:Nombre`) with one `actes:Annexe/actes:NomFichier` each, and
//!   `actes:DocumentPapier` (`N`);
//! - files are named `DDD-SIREN-AAAAMMJJ-NUMERO-NN-1-1_S.ext`: département on
//!   three characters, SIREN, decision date, @ctes number, nature (DE, AR, AI,
//!   CC, BF, AU), message type 1-1 (transmission of an act), and a serial: 0
//!   for the XML message, 1 for the act, 2… for the annexes.
//!
//! Not produced, because the tiers builds it from its own account data
//! (arrondissement, nature of the collectivité, return addresses): the
//! `actes:EnveloppeCLMISILL` envelope and the `.tar.gz` archive. Not checked
//! against the XSD (`actesv1_1.xsd` is not available here), nor the
//! typology prefixes (`99_DE-…`) of @ctes 2.x.

use super::Act;
use crate::diag::Diagnostic;
use crate::french::Date;

/// The namespace of the @ctes messages, as S²LOW writes it.
pub const NAMESPACE: &str = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216";

/// Maximum length of the objet, in characters.
pub const OBJET_MAX: usize = 499;

/// The two-letter code of a nature: 1 DE délibération, 2 AR acte réglementaire,
/// 3 AI acte individuel, 4 CC contrat et convention, 5 BF document budgétaire
/// et financier, 6 AU autre.
pub fn nature_code(nature: u8) -> Option<&'static str> {
    ["DE", "AR", "AI", "CC", "BF", "AU"]
        .get(usize::from(nature).checked_sub(1)?)
        .copied()
}

/// What the package of one act needs, checked.
pub struct Meta {
    pub nature: u8,
    pub matiere: Vec<u32>,
    pub numero: String,
    pub date: Date,
    pub objet: String,
    pub siren: String,
    pub departement: String,
}

impl Meta {
    /// `021-212102313-20160627-2016_06_27_12-DE-1-1`.
    pub fn base_name(&self) -> String {
        format!(
            "{}-{}-{:04}{:02}{:02}-{}-{}-1-1",
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

/// Whether the act goes to @ctes at all: voted, with a nature and a matière.
pub fn concerned(act: &Act) -> bool {
    let d = act.loaded.dossier.deliberation.get_ref();
    !act.is_draft() && d.nature.is_some() && d.matiere.is_some()
}

/// Checks the act's @ctes data; every problem is located.
pub fn meta(act: &Act, today: Date) -> Result<Meta, Vec<Diagnostic>> {
    let l = act.loaded;
    let d = l.dossier.deliberation.get_ref();
    let mut errs = Vec::new();
    let nature = d.nature.unwrap_or(0);
    if nature_code(nature).is_none() {
        errs.push(act.at_deliberation(
            Diagnostic::error(
                "actes-nature",
                format!("nature @ctes {nature} inconnue"),
            )
            .hint("1 délibération, 2 acte réglementaire, 3 acte individuel, 4 contrat ou convention, 5 document budgétaire, 6 autre"),
        ));
    }
    let matiere = d.matiere.as_ref().and_then(|m| {
        let codes = super::nomenclature::codes(m.get_ref());
        if codes.is_none() {
            errs.push(
                Diagnostic::error(
                    "actes-matiere",
                    format!(
                        "« {} » n'est pas un code de matière @ctes (1 à 5 niveaux de chiffres)",
                        m.get_ref()
                    ),
                )
                .at(&l.source, m.span())
                .hint("par exemple matiere = \"8.1\""),
            );
        }
        codes
    });
    let numero = act
        .model
        .deliberation
        .numero_actes
        .as_deref()
        .map(crate::escape::unescape);
    let numero = match numero {
        Some(n) if is_numero(&n) => n,
        other => {
            let d2 = Diagnostic::error(
                "actes-numero",
                match &other {
                    Some(n) => format!("le numéro @ctes « {n} » ne suit pas le motif ^[0-9A-Z_]{{1,15}}$"),
                    None => "la délibération n'a pas de numéro @ctes".to_owned(),
                },
            )
            .hint("donnez numero_actes = \"2016_06_27_12\" dans [deliberation.publication] (15 caractères au plus : chiffres, majuscules, _)");
            let at = d
                .publication
                .as_ref()
                .and_then(|p| p.numero_actes.as_ref())
                .map(|n| d2.clone().at(&l.source, n.span()));
            errs.push(at.unwrap_or_else(|| act.at_deliberation(d2)));
            String::new()
        }
    };
    let date = act.date();
    if let Some(dt) = date
        && dt > today
    {
        let span = l
            .seance
            .as_ref()
            .map(|(s, src)| (src.clone(), s.date.span()));
        let mut e = Diagnostic::error(
            "actes-date-future",
            format!(
                "la date de décision {} est postérieure à aujourd'hui ({})",
                dt.iso(),
                today.iso()
            ),
        )
        .hint("un acte n'est transmis qu'une fois décidé ; vérifiez la date de la séance");
        if let Some((src, span)) = span {
            e = e.at(&src, span);
        }
        errs.push(e);
    }
    let objet = act.objet().trim().to_owned();
    let n = objet.chars().count();
    if n > OBJET_MAX {
        errs.push(
            Diagnostic::error(
                "actes-objet",
                format!("l'objet fait {n} caractères ; @ctes en accepte {OBJET_MAX} au plus"),
            )
            .at(&l.source, d.objet.span())
            .hint("raccourcissez l'objet : le détail va dans l'exposé et les articles"),
        );
    }
    let siret: Option<String> = l
        .collectivite
        .siret
        .as_ref()
        .map(|s| s.get_ref().chars().filter(|c| !c.is_whitespace()).collect());
    let siren = match siret {
        Some(s) if super::scdl::is_siret(&s) => s[..9].to_owned(),
        _ => {
            errs.push(super::at_collectivite(
                l,
                Diagnostic::error(
                    "actes-siren",
                    "le SIRET de la collectivité manque ou est incorrect : @ctes nomme les fichiers par le SIREN",
                )
                .hint("ajoutez siret = \"…\" (14 chiffres, registre SIRENE) dans [collectivite] de delib.toml"),
            ));
            String::new()
        }
    };
    let identifiant = d
        .publication
        .as_ref()
        .and_then(|p| p.identifiant.as_ref())
        .map(|i| i.get_ref().clone());
    let departement = departement(identifiant.as_deref(), &siren);
    if departement.is_none() && !siren.is_empty() {
        errs.push(super::at_collectivite(
            l,
            Diagnostic::error(
                "actes-departement",
                "le département @ctes ne se déduit pas du SIREN (seuls ceux des communes et des départements le donnent)",
            )
            .hint("ajoutez l'identifiant @ctes d'un acte déjà transmis ([deliberation.publication] identifiant = \"021-…\")"),
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Meta {
        nature,
        matiere: matiere.unwrap_or_default(),
        numero,
        date: date.unwrap_or(today),
        objet,
        siren,
        departement: departement.unwrap_or_default(),
    })
}

/// `^[0-9A-Z_]{1,15}$`.
pub fn is_numero(s: &str) -> bool {
    (1..=15).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'_')
}

/// The département on three characters: from an @ctes identifier
/// (`021-…`), else from the SIREN of a commune (`21DD0…`) or of a
/// département (`22DD0…`).
pub fn departement(identifiant: Option<&str>, siren: &str) -> Option<String> {
    if let Some(id) = identifiant {
        let head = id.split('-').next().unwrap_or("");
        if head.len() == 3 && head.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some(head.to_owned());
        }
    }
    let b = siren.as_bytes();
    if b.len() == 9 && (siren.starts_with("21") || siren.starts_with("22")) {
        let dd = &siren[2..4];
        // Overseas: 97D and the fifth digit.
        if dd == "97" {
            return Some(siren[2..5].to_owned());
        }
        return Some(format!("0{dd}"));
    }
    None
}

/// Writes `s` for an ISO-8859-1 XML document: characters outside Latin-1
/// (œ, ’, €) become character references; markup characters are escaped.
fn latin1_xml(s: &str, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\n' | '\r' | '\t' => out.push(b' '),
            c if (c as u32) < 0x20 => {}
            c if (c as u32) <= 0xFF => out.push(c as u32 as u8),
            c => out.extend_from_slice(format!("&#{};", c as u32).as_bytes()),
        }
    }
}

/// The `actes:Acte` message, ISO-8859-1 bytes.
pub fn message(m: &Meta, classification: Date, act_file: &str, annexes: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    let raw = |s: &str, out: &mut Vec<u8>| out.extend_from_slice(s.as_bytes());
    raw(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<actes:Acte xmlns:actes=\"",
        &mut out,
    );
    raw(NAMESPACE, &mut out);
    raw(
        "\" xmlns:insee=\"http://xml.insee.fr/schema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"",
        &mut out,
    );
    raw(NAMESPACE, &mut out);
    raw(" actesv1_1.xsd\"", &mut out);
    raw(
        &format!(" actes:Date=\"{}\" actes:NumeroInterne=\"", m.date.iso()),
        &mut out,
    );
    latin1_xml(&m.numero, &mut out);
    raw(
        &format!("\" actes:CodeNatureActe=\"{}\">\n", m.nature),
        &mut out,
    );
    for (i, code) in m.matiere.iter().enumerate() {
        raw(
            &format!(
                "  <actes:CodeMatiere{n} actes:CodeMatiere=\"{code}\"/>\n",
                n = i + 1
            ),
            &mut out,
        );
    }
    raw("  <actes:Objet>", &mut out);
    latin1_xml(&m.objet, &mut out);
    raw("</actes:Objet>\n", &mut out);
    raw(
        &format!(
            "  <actes:ClassificationDateVersion>{}</actes:ClassificationDateVersion>\n",
            classification.iso()
        ),
        &mut out,
    );
    raw("  <actes:Document>\n    <actes:NomFichier>", &mut out);
    latin1_xml(act_file, &mut out);
    raw("</actes:NomFichier>\n  </actes:Document>\n", &mut out);
    raw(
        &format!("  <actes:Annexes actes:Nombre=\"{}\">\n", annexes.len()),
        &mut out,
    );
    for a in annexes {
        raw("    <actes:Annexe>\n      <actes:NomFichier>", &mut out);
        latin1_xml(a, &mut out);
        raw("</actes:NomFichier>\n    </actes:Annexe>\n", &mut out);
    }
    raw(
        "  </actes:Annexes>\n  <actes:DocumentPapier>N</actes:DocumentPapier>\n</actes:Acte>\n",
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_natures_departements() {
        assert!(is_numero("2016_06_27_12"));
        assert!(!is_numero("2016-06-27/12"));
        assert!(!is_numero("A234567890123456"));
        assert!(!is_numero(""));
        assert_eq!(nature_code(1), Some("DE"));
        assert_eq!(nature_code(6), Some("AU"));
        assert_eq!(nature_code(0), None);
        assert_eq!(nature_code(7), None);
        assert_eq!(departement(None, "212102313").as_deref(), Some("021"));
        assert_eq!(departement(None, "219400413").as_deref(), Some("094"));
        assert_eq!(departement(None, "219740115").as_deref(), Some("974"));
        assert_eq!(
            departement(Some("02A-212A00000-x"), "200000000").as_deref(),
            Some("02A")
        );
        assert_eq!(departement(None, "200067213"), None);
    }

    #[test]
    fn message_is_latin1_with_references_beyond() {
        let m = Meta {
            nature: 1,
            matiere: vec![8, 1],
            numero: "2016_06_27_12".into(),
            date: Date::new(2016, 6, 27).unwrap(),
            objet: "Mise en œuvre <d'une> convention « PEP » & co".into(),
            siren: "212102313".into(),
            departement: "021".into(),
        };
        assert_eq!(m.base_name(), "021-212102313-20160627-2016_06_27_12-DE-1-1");
        let xml = message(
            &m,
            Date::new(2016, 1, 1).unwrap(),
            "a_1.pdf",
            &["a_2.pdf".into()],
        );
        let text: String = xml.iter().map(|&b| b as char).collect();
        assert!(text.contains("actes:Date=\"2016-06-27\" actes:NumeroInterne=\"2016_06_27_12\" actes:CodeNatureActe=\"1\""));
        assert!(text.contains("<actes:CodeMatiere1 actes:CodeMatiere=\"8\"/>\n  <actes:CodeMatiere2 actes:CodeMatiere=\"1\"/>"));
        assert!(text.contains("<actes:Objet>Mise en &#339;uvre &lt;d'une&gt; convention « PEP » &amp; co</actes:Objet>"));
        assert!(text.contains("<actes:Annexes actes:Nombre=\"1\">"));
        assert!(xml.contains(&0xAB), "« is one Latin-1 byte");
    }
}
