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
//! `actes:EnveloppeCLMISILL` envelope and the `.tar.gz` archive; nor the
//! typology prefixes (`99_DE-…`) of @ctes 2.x. The message is validated in
//! CI against the protocol's schema, vendored in `schemas/actes/`.

use super::Act;
use crate::diag::Diagnostic;
use crate::french::Date;
use crate::identifiant::Identifiant;

/// The namespace of the @ctes messages, as S²LOW writes it.
pub const NAMESPACE: &str = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216";

/// Maximum length of the objet, in characters.
pub const OBJET_MAX: usize = 499;

/// What the package of one act needs, checked.
pub struct Meta {
    /// Département, SIREN, date, number and nature, as the préfecture will
    /// acknowledge them (`crate::identifiant`).
    pub id: Identifiant,
    pub matiere: Vec<u32>,
    pub objet: String,
}

impl Meta {
    /// `021-212102313-20160627-2016_06_27_12-DE-1-1`: the identifiant, then
    /// the message type (1-1, transmission of an act).
    pub fn base_name(&self) -> String {
        format!("{}-1-1", self.id)
    }
}

/// Why an act gets no package in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Not voted yet.
    Draft,
    /// No nature or no matière: not meant for @ctes.
    NotConcerned,
    /// Voted down, and not marked `transmettre = true`.
    Rejected,
    /// Marked `transmettre = false`.
    NotToTransmit,
    /// The préfecture acknowledged it on that date: sending it again would
    /// make a second act.
    Received(Date),
}

impl LeftOut {
    /// Why, in French, with what to do when something can be done.
    pub fn why(self) -> String {
        match self {
            LeftOut::Draft => "projet (pas encore voté)".to_owned(),
            LeftOut::NotConcerned => "sans nature ni matière @ctes".to_owned(),
            LeftOut::Rejected => {
                "délibération rejetée ; pour la transmettre, écrivez transmettre = true dans [deliberation.publication]".to_owned()
            }
            LeftOut::NotToTransmit => {
                "transmettre = false dans [deliberation.publication]".to_owned()
            }
            LeftOut::Received(d) => format!(
                "déjà reçu en préfecture le {} ; --inclure-transmis pour refaire son paquet",
                crate::french::date_longue(d)
            ),
        }
    }

    /// True when a package written before stays: the one of an act the
    /// préfecture received is what was sent. Any other act left out loses
    /// the package an earlier run wrote (a voted act that became a draft
    /// again must not be sent).
    pub fn keeps_package(self) -> bool {
        matches!(self, LeftOut::Received(_))
    }
}

/// Why the act gets no package, or None when it gets one: voted, with a
/// nature and a matière, adopted (or rejected and marked `transmettre =
/// true`), not marked `transmettre = false`, and not yet received by the
/// préfecture unless `include_received`.
pub fn left_out(act: &Act, include_received: bool) -> Option<LeftOut> {
    let d = act.loaded.dossier.deliberation.get_ref();
    let p = d.publication.as_ref();
    let transmettre = p.and_then(|p| p.transmettre);
    if act.is_draft() {
        return Some(LeftOut::Draft);
    }
    if d.nature.is_none() || d.matiere.is_none() {
        return Some(LeftOut::NotConcerned);
    }
    match transmettre {
        Some(false) => return Some(LeftOut::NotToTransmit),
        None if act.is_rejected() => return Some(LeftOut::Rejected),
        _ => {}
    }
    let received = p
        .and_then(|p| p.reception.as_ref())
        .and_then(crate::model::to_date);
    match received {
        Some(r) if !include_received => Some(LeftOut::Received(r)),
        _ => None,
    }
}

/// Checks the act's @ctes data; every problem is located.
pub fn meta(act: &Act, today: Date) -> Result<Meta, Vec<Diagnostic>> {
    use crate::identifiant::Missing;
    let l = act.loaded;
    let d = l.dossier.deliberation.get_ref();
    let mut errs = Vec::new();
    let id = match crate::identifiant::derive(l) {
        Ok(id) => Some(id),
        Err(missing) => {
            let code = match missing {
                Missing::Siret => "actes-siren",
                Missing::Departement => "actes-departement",
                Missing::Date => "actes-date",
                Missing::Numero => "actes-numero",
                Missing::Nature => "actes-nature",
            };
            let e = Diagnostic::error(code, missing.message()).hint(missing.hint());
            let typed_numero = d.publication.as_ref().and_then(|p| p.numero_actes.as_ref());
            errs.push(
                match (missing, crate::identifiant::siret(l), typed_numero) {
                    // A SIRET with a wrong key is a finding of `check` at its
                    // line; here, only a missing one is reported.
                    (Missing::Siret | Missing::Departement, Some((_, typed, src)), _) => {
                        e.at(src, typed.span())
                    }
                    (Missing::Siret | Missing::Departement, None, _) => {
                        super::at_collectivite(act, e)
                    }
                    (Missing::Numero, _, Some(n)) => e.at(&l.source, n.span()),
                    _ => act.at_deliberation(e),
                },
            );
            None
        }
    };
    // The same rule as the SCDL file: a matière of the nomenclature, to
    // level 2 at least (the schema requires CodeMatiere1 and CodeMatiere2).
    let matiere = d.matiere.as_ref().and_then(|m| {
        let code = m.get_ref().trim();
        let codes = super::nomenclature::codes(code)
            .filter(|c| c.len() >= 2 && super::nomenclature::scdl_name(code).is_some());
        if codes.is_none() {
            errs.push(
                Diagnostic::error(
                    "actes-matiere",
                    format!("« {code} » n'est pas une matière de la nomenclature @ctes"),
                )
                .at(&l.source, m.span())
                .hint("un code de niveau 2 au moins, de 1.1 à 9.4 (ex. 8.1 enseignement, 7.5 subventions)"),
            );
        }
        codes
    });
    if let Some(dt) = act.date()
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
    let objet: String = act
        .objet()
        .trim()
        .chars()
        .filter(|&c| !crate::escape::is_stripped(c))
        .collect();
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
    match (id, matiere) {
        (Some(id), Some(matiere)) if errs.is_empty() => Ok(Meta { id, matiere, objet }),
        _ => Err(errs),
    }
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
            // What XML forbids (control characters, U+FFFE, U+FFFF) and
            // what the documents leave out never reaches the message.
            c if !crate::escape::is_xml_char(c) || crate::escape::is_stripped(c) => {}
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
        &format!(" actes:Date=\"{}\" actes:NumeroInterne=\"", m.id.date.iso()),
        &mut out,
    );
    latin1_xml(&m.id.numero, &mut out);
    raw(
        &format!("\" actes:CodeNatureActe=\"{}\">\n", m.id.nature),
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
    fn message_is_latin1_with_references_beyond() {
        let m = Meta {
            id: Identifiant {
                departement: "021".into(),
                siren: "212102313".into(),
                date: Date::new(2016, 6, 27).unwrap(),
                numero: "2016_06_27_12".into(),
                nature: 1,
            },
            matiere: vec![8, 1],
            objet: "Mise en œuvre <d'une> convention « PEP » & co\u{fffe}\u{1}".into(),
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
        assert!(
            !text.contains("&#65534;") && !text.contains('\u{1}'),
            "no character XML forbids"
        );
    }
}
