//! The préfecture's answer to a transmitted act, as the tiers de
//! télétransmission hands it over: an @ctes XML message of the protocol's
//! schema (`schemas/actes/actesv1_1.xsd`). The one that matters here is the
//! acknowledgment, `actes:ARActe`, whose attributes `actes:IDActe` (the act's
//! identifiant) and `actes:DateReception` say which act the préfecture
//! received, and when. The tiers names its file `…-1-2_N.xml` (message type
//! 1-2); an anomaly (`actes:AnomalieActe`, 1-3) says the act was refused.

use crate::diag::{Diagnostic, Source};
use crate::french::Date;
use std::path::Path;
use std::sync::Arc;

/// An acknowledgment, read and checked.
pub struct Accuse {
    /// The file, decoded, for findings.
    pub source: Arc<Source>,
    /// `actes:IDActe`, with its place in the file.
    pub id: String,
    pub id_span: std::ops::Range<usize>,
    /// `actes:DateReception`.
    pub reception: Date,
}

/// The largest message read (an acknowledgment is a few kilobytes).
const MAX: u64 = 1 << 20;

/// Reads the message at `path`: an acknowledgment, or the finding that says
/// why it is not one (anomaly, another message, not XML, wrong values).
pub fn read(path: &Path) -> Result<Accuse, Diagnostic> {
    let bytes = crate::disk::read_regular(path, MAX).map_err(|e| {
        Diagnostic::error(
            "accuse-illisible",
            format!(
                "impossible de lire {} : {}",
                path.display(),
                crate::load::io_message(&e)
            ),
        )
        .hint("donnez le chemin du fichier XML reçu du tiers de télétransmission (…-1-2_1.xml)")
    })?;
    let text = decode(&bytes).ok_or_else(|| {
        Diagnostic::error(
            "accuse-illisible",
            format!(
                "{} n'est ni en UTF-8 ni en ISO-8859-1 comme son en-tête le dit",
                path.display()
            ),
        )
        .hint("enregistrez le fichier tel que le tiers de télétransmission l'a fourni, sans le modifier")
    })?;
    let source = Arc::new(Source {
        path: path.to_path_buf(),
        text,
    });
    parse(source)
}

/// The text of the file: ISO-8859-1 when its XML declaration says so (as
/// S²LOW writes), else UTF-8 (a byte-order mark dropped).
fn decode(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let declared = head
        .split_once("encoding=")
        .map(|(_, rest)| rest.trim_start_matches(['"', '\'']))
        .map(|rest| rest.split(['"', '\'']).next().unwrap_or(""))
        .unwrap_or("utf-8");
    match declared {
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "iso-8859-15" | "windows-1252" => {
            Some(bytes.iter().map(|&b| char::from(b)).collect())
        }
        _ => {
            let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).ok()
        }
    }
}

/// The namespace of the @ctes messages.
const NS: &str = super::actes::NAMESPACE;

fn parse(source: Arc<Source>) -> Result<Accuse, Diagnostic> {
    let doc = roxmltree::Document::parse(&source.text).map_err(|e| {
        let pos = e.pos();
        let offset = offset_of(&source.text, pos.row as usize, pos.col as usize);
        Diagnostic::error(
            "accuse-illisible",
            format!("ce fichier n'est pas un XML lisible : {e}"),
        )
        .at(&source, offset..offset)
        .hint("donnez le fichier XML reçu du tiers de télétransmission, tel quel")
    })?;
    let root = doc.root_element();
    let name = root.tag_name();
    let at_root = |d: Diagnostic| d.at(&source, root.range().start..root.range().start + 1);
    if name.namespace() != Some(NS) {
        return Err(at_root(
            Diagnostic::error(
                "accuse-autre-message",
                format!(
                    "« {} » n'est pas un message @ctes (espace de noms {NS})",
                    name.name()
                ),
            )
            .hint("delib accuse-reception lit l'accusé de réception d'un acte, le fichier …-1-2_1.xml du tiers de télétransmission"),
        ));
    }
    match name.name() {
        "ARActe" => {}
        "AnomalieActe" => {
            let child = |n: &str| {
                root.children()
                    .find(|c| c.tag_name().name() == n)
                    .and_then(|c| c.text())
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            };
            let detail = child("Detail");
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" : {detail}")
            };
            return Err(at_root(
                Diagnostic::error(
                    "accuse-anomalie",
                    format!(
                        "la préfecture n'a pas reçu l'acte : c'est une anomalie (code {}){detail}",
                        child("Nature")
                    ),
                )
                .hint("rien n'est inscrit ; corrigez ce que l'anomalie signale, refaites le paquet (delib export actes) et transmettez-le de nouveau"),
            ));
        }
        other => {
            return Err(at_root(
                Diagnostic::error(
                    "accuse-autre-message",
                    format!("ce message @ctes « {other} » n'est pas l'accusé de réception d'un acte (ARActe)"),
                )
                .hint("delib accuse-reception lit l'accusé de réception d'un acte, le fichier …-1-2_1.xml du tiers de télétransmission"),
            ));
        }
    }
    let attr = |local: &str| {
        root.attributes()
            .find(|a| a.name() == local && a.namespace() == Some(NS))
    };
    let id = attr("IDActe").ok_or_else(|| {
        at_root(
            Diagnostic::error(
                "accuse-incomplet",
                "l'accusé n'a pas d'attribut actes:IDActe",
            )
            .hint("le fichier est incomplet : demandez-le de nouveau au tiers de télétransmission"),
        )
    })?;
    let id_span = id.range_value();
    let id_value = id.value().trim().to_owned();
    if crate::identifiant::parse(&id_value).is_none() {
        return Err(Diagnostic::error(
            "accuse-incomplet",
            format!("« {id_value} » n'est pas un identifiant d'acte @ctes"),
        )
        .at(&source, id_span)
        .hint("forme attendue : 021-212102313-20160627-2016_06_27_12-DE ; le fichier a sans doute été modifié"));
    }
    let date = attr("DateReception").ok_or_else(|| {
        at_root(
            Diagnostic::error(
                "accuse-incomplet",
                "l'accusé n'a pas d'attribut actes:DateReception",
            )
            .hint("le fichier est incomplet : demandez-le de nouveau au tiers de télétransmission"),
        )
    })?;
    let reception = Date::parse_iso(date.value().trim()).ok_or_else(|| {
        Diagnostic::error(
            "accuse-incomplet",
            format!("« {} » n'est pas une date AAAA-MM-JJ", date.value()),
        )
        .at(&source, date.range_value())
        .hint("le fichier a sans doute été modifié : demandez-le de nouveau au tiers de télétransmission")
    })?;
    Ok(Accuse {
        source,
        id: id_value,
        id_span,
        reception,
    })
}

/// The byte offset of a 1-based row and column (in characters).
fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Accuse, Diagnostic> {
        parse(Arc::new(Source {
            path: "a.xml".into(),
            text: text.to_owned(),
        }))
    }

    const AR: &str = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<actes:ARActe xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\" actes:IDActe=\"021-212102313-20160627-2016_06_27_12-DE\" actes:DateReception=\"2016-07-01\"><actes:ActeRecu/></actes:ARActe>";

    #[test]
    fn an_acknowledgment_gives_the_identifiant_and_the_date() {
        let a = parse_text(AR).unwrap();
        assert_eq!(a.id, "021-212102313-20160627-2016_06_27_12-DE");
        assert_eq!(a.reception, Date::new(2016, 7, 1).unwrap());
        assert_eq!(&AR[a.id_span.clone()], a.id);
    }

    #[test]
    fn what_is_not_an_acknowledgment_says_what_it_is() {
        let e = parse_text(&AR.replace("ARActe", "ARAnnulation"))
            .err()
            .unwrap();
        assert_eq!(e.code, "accuse-autre-message");
        assert!(e.message.contains("« ARAnnulation »"), "{}", e.message);
        let e = parse_text("<actes:AnomalieActe xmlns:actes=\"http://www.interieur.gouv.fr/ACTES#v1.1-20040216\"><actes:Nature>002</actes:Nature><actes:Detail>classification périmée</actes:Detail></actes:AnomalieActe>").err().unwrap();
        assert_eq!(e.code, "accuse-anomalie");
        assert!(
            e.message.contains("(code 002) : classification périmée"),
            "{}",
            e.message
        );
        let e = parse_text(&AR.replace("2016-07-01", "01/07/2016"))
            .err()
            .unwrap();
        assert_eq!(e.code, "accuse-incomplet");
        let e = parse_text(&AR.replace("021-212102313", "21-212102313"))
            .err()
            .unwrap();
        assert_eq!(e.code, "accuse-incomplet");
        let e = parse_text(&AR.replace("actes:IDActe", "IDActe"))
            .err()
            .unwrap();
        assert!(
            e.message.contains("pas d'attribut actes:IDActe"),
            "{}",
            e.message
        );
        let e = parse_text("<a><b></a>").err().unwrap();
        assert_eq!(e.code, "accuse-illisible");
        assert!(e.location().is_some());
        let e = parse_text("<a xmlns=\"urn:x\"/>").err().unwrap();
        assert_eq!(e.code, "accuse-autre-message");
    }

    #[test]
    fn latin1_is_read_as_declared() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>";
        assert_eq!(decode(bytes).unwrap().chars().last(), Some('>'));
        assert!(decode(bytes).unwrap().contains('é'));
        assert!(decode(b"<?xml version=\"1.0\"?><a>\xe9</a>").is_none());
        assert_eq!(decode(b"\xef\xbb\xbf<a/>").unwrap(), "<a/>");
    }
}
