//! `partenaires = "partenaires.csv"`: one convention per row.
//!
//! A small CSV reader (RFC 4180 quoting; `,` or `;` as exported by French
//! spreadsheets) that keeps each field's span, so a bad row is reported at
//! its line and column while the other rows still render.

use crate::diag::{Diagnostic, Source};
use crate::input::Partie;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// The party fields a row may fill.
pub const PARTY_COLUMNS: [&str; 12] = [
    "nom",
    "forme",
    "adresse",
    "siret",
    "telephone",
    "courriel",
    "objet_social",
    "representant",
    "qualite",
    "habilitation",
    "denomination",
    "genre",
];

/// One partner: its party, the extra columns the templates use, and where it was read.
#[derive(Debug, Clone)]
pub struct Partner {
    pub partie: Partie,
    /// File name part: `convention-<slug>`.
    pub slug: String,
    /// Every column of the row (party fields included), for `partenaire.<colonne>`.
    pub columns: BTreeMap<String, String>,
    /// The row's text, so a change to one row rebuilds one convention.
    pub row_text: String,
}

/// A field and its byte span in the file.
type Field = (String, Range<usize>);

/// Splits CSV text into records of spanned fields; `delim` is `,` or `;`.
fn records(text: &str, delim: u8) -> Vec<(Range<usize>, Vec<Field>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let mut fields = Vec::new();
        loop {
            let field_start = i;
            let mut value = Vec::new();
            if b.get(i) == Some(&b'"') {
                i += 1;
                while i < b.len() {
                    if b[i] == b'"' {
                        if b.get(i + 1) == Some(&b'"') {
                            value.push(b'"');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    value.push(b[i]);
                    i += 1;
                }
                // Anything between the closing quote and the delimiter is kept as written.
                while i < b.len() && b[i] != delim && b[i] != b'\n' && b[i] != b'\r' {
                    value.push(b[i]);
                    i += 1;
                }
            } else {
                while i < b.len() && b[i] != delim && b[i] != b'\n' && b[i] != b'\r' {
                    value.push(b[i]);
                    i += 1;
                }
            }
            let v = String::from_utf8_lossy(&value).trim().to_owned();
            fields.push((v, field_start..i));
            if b.get(i) == Some(&delim) {
                i += 1;
                continue;
            }
            break;
        }
        let end = i;
        if b.get(i) == Some(&b'\r') {
            i += 1;
        }
        if b.get(i) == Some(&b'\n') {
            i += 1;
        }
        let blank = fields.iter().all(|(v, _)| v.is_empty());
        if !blank {
            out.push((start..end, fields));
        }
    }
    out
}

/// A file-name slug: lower case ASCII, accents dropped, words joined by `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ñ' => 'n',
            'œ' => {
                out.push('o');
                'e'
            }
            'æ' => {
                out.push('a');
                'e'
            }
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    // "La Médiathèque…" → "mediatheque-…": the article adds nothing to a file name.
    for article in ["l-", "la-", "le-", "les-"] {
        if let Some(rest) = out.strip_prefix(article).filter(|r| !r.is_empty()) {
            out = rest.to_owned();
            break;
        }
    }
    out.truncate(80);
    out.trim_end_matches('-').to_owned()
}

/// The field separator of a partners CSV: `;` (what French Excel writes)
/// when its header line has more of them than of `,`, else `,`.
pub fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Whether the findings of [`parse`] make the file unusable as a whole (it is
/// empty, or has no `nom` column): the dossier is then in error and nothing
/// of it is written, whereas a bad row only leaves that row out.
pub fn unusable(diags: &[Diagnostic]) -> bool {
    diags
        .iter()
        .any(|d| matches!(d.code, "partenaires-vide" | "partenaires-colonne-nom"))
}

/// The numbers of the dossier's annexes made once per partner
/// (`par_partenaire`), whose files are named after each partner.
pub fn per_partner_annexes(d: &crate::input::Dossier) -> Vec<usize> {
    d.annexes
        .iter()
        .enumerate()
        .filter(|(_, a)| a.par_partenaire)
        .map(|(i, _)| i + 1)
        .collect()
}

/// Reads the partners; rows in error are reported and left out.
/// `extra_allowed` are the columns the templates use besides the party fields.
pub fn parse(
    src: &Arc<Source>,
    extra_allowed: &HashSet<String>,
    per_partner: &[usize],
) -> (Vec<Partner>, Vec<Diagnostic>) {
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    let bom = src.text.len() - text.len();
    let delim = delimiter(text);
    let mut rows = records(text, delim).into_iter();
    let shift = |r: &Range<usize>| r.start + bom..r.end + bom;
    let mut diags = Vec::new();
    let Some((_, header)) = rows.next() else {
        let d = Diagnostic::error("partenaires-vide", "le fichier des partenaires est vide")
            .in_file(src)
            .hint("première ligne : les noms de colonnes (nom;forme;adresse;representant;qualite…), puis une ligne par partenaire");
        return (Vec::new(), vec![d]);
    };
    let mut columns: Vec<Option<String>> = Vec::new();
    for (name, span) in &header {
        let key = name.trim().to_lowercase();
        if PARTY_COLUMNS.contains(&key.as_str()) || extra_allowed.contains(&key) {
            columns.push(Some(key));
        } else {
            let suggestion = crate::diag::closest(
                &key,
                PARTY_COLUMNS
                    .iter()
                    .copied()
                    .chain(extra_allowed.iter().map(String::as_str)),
            );
            let hint = match suggestion {
                Some(s) => format!(
                    "vouliez-vous dire « {s} » ? colonnes possibles : {}",
                    PARTY_COLUMNS.join(", ")
                ),
                None => format!(
                    "colonnes possibles : {} (ou une colonne qu'un modèle utilise sous la forme partenaire.<colonne>)",
                    PARTY_COLUMNS.join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(
                    "partenaires-colonne",
                    format!("colonne inconnue « {name} »"),
                )
                .at(src, shift(span))
                .hint(hint),
            );
            columns.push(None);
        }
    }
    if !columns.iter().any(|c| c.as_deref() == Some("nom")) {
        let span = header.first().map_or(0..0, |(_, s)| shift(s));
        diags.push(
            Diagnostic::error(
                "partenaires-colonne-nom",
                "le fichier des partenaires n'a pas de colonne « nom »",
            )
            .at(src, span)
            .hint("ajoutez une colonne nom : elle donne le nom du partenaire et celui du fichier"),
        );
        return (Vec::new(), diags);
    }
    // Every file stem a kept row makes (its convention and its annexes made
    // per partner), and what makes it: two rows whose files would be the
    // same file, whatever makes it (« X » twice, or « X annexe 2 » beside
    // the annex 2 of « X »), are refused, the second one left out.
    let mut taken: HashMap<String, (String, bool)> = HashMap::new();
    let mut out = Vec::new();
    for (row_span, fields) in rows {
        let mut map = BTreeMap::new();
        let mut nom_span = shift(&row_span);
        let mut genre = None;
        let mut siret_span = None;
        for (i, (value, span)) in fields.iter().enumerate() {
            match columns.get(i) {
                Some(Some(key)) => {
                    if key == "nom" {
                        nom_span = shift(span);
                    }
                    if key == "genre" && !value.trim().is_empty() {
                        genre = crate::input::Genre::parse(value);
                        if genre.is_none() {
                            diags.push(
                                Diagnostic::error(
                                    "valeur-inconnue",
                                    format!("genre « {value} » inconnu"),
                                )
                                .at(src, shift(span))
                                .hint("écrivez feminin ou masculin, ou laissez la case vide"),
                            );
                        }
                    }
                    if key == "siret" && !value.trim().is_empty() {
                        siret_span = Some(shift(span));
                        let nom = columns
                            .iter()
                            .position(|c| c.as_deref() == Some("nom"))
                            .and_then(|i| fields.get(i))
                            .map_or("", |(v, _)| v.trim());
                        let whose = if nom.is_empty() {
                            String::new()
                        } else {
                            format!(" de « {nom} »")
                        };
                        if let Some((msg, hint)) = crate::identifiant::siret_problem(value, &whose)
                        {
                            diags.push(
                                Diagnostic::error("siret-invalide", msg)
                                    .at(src, shift(span))
                                    .hint(hint),
                            );
                        }
                    }
                    if !value.is_empty() {
                        map.insert(key.clone(), value.clone());
                    }
                }
                Some(None) => {}
                None if value.is_empty() => {}
                None => {
                    diags.push(
                        Diagnostic::error("partenaires-colonne", "valeur hors des colonnes déclarées")
                            .at(src, shift(span))
                            .hint("la ligne a plus de valeurs que l'en-tête n'a de colonnes : vérifiez les séparateurs et les guillemets"),
                    );
                }
            }
        }
        let Some(nom) = map.get("nom").cloned() else {
            diags.push(
                Diagnostic::error(
                    "partenaires-nom",
                    "ligne sans nom de partenaire : elle n'est pas rendue",
                )
                .at(src, nom_span)
                .hint("renseignez la colonne nom"),
            );
            continue;
        };
        let s = slug(&nom);
        let s = if s.is_empty() {
            "partenaire".to_owned()
        } else {
            s
        };
        let stems: Vec<(String, String)> = std::iter::once((
            format!("convention-{s}"),
            format!("la convention de « {nom} »"),
        ))
        .chain(per_partner.iter().map(|n| {
            (
                format!("convention-{s}-annexe-{n}"),
                format!("l'annexe {n} de « {nom} »"),
            )
        }))
        .collect();
        let clash = stems
            .iter()
            .find_map(|(stem, _)| Some((stem, taken.get(stem)?)));
        if let Some((stem, (what, convention))) = clash {
            let d = if *convention && *stem == stems[0].0 {
                Diagnostic::error(
                    "partenaires-doublon",
                    format!("« {nom} » donnerait le même fichier qu'une ligne précédente (convention-{s})"),
                )
                .hint("deux partenaires ne peuvent pas porter le même nom ; précisez-le (ville, numéro…)")
            } else {
                Diagnostic::error(
                    "partenaires-doublon",
                    format!("« {nom} » donnerait le même fichier que {what} ({stem})"),
                )
                .hint("deux documents ne peuvent pas porter le même nom ; précisez le nom du partenaire (ville, numéro…)")
            };
            diags.push(d.at(src, nom_span));
            continue;
        }
        for (k, (stem, what)) in stems.into_iter().enumerate() {
            taken.insert(stem, (what, k == 0));
        }
        let get = |k: &str| map.get(k).cloned();
        let partie = Partie {
            nom,
            forme: get("forme"),
            adresse: get("adresse"),
            siret: get("siret").map(|v| Spanned::new(siret_span.clone().unwrap_or_default(), v)),
            telephone: get("telephone"),
            courriel: get("courriel"),
            objet_social: get("objet_social"),
            representant: get("representant"),
            qualite: get("qualite"),
            habilitation: get("habilitation"),
            denomination: get("denomination"),
            genre,
        };
        let row_text = src.text.get(shift(&row_span)).unwrap_or("").to_owned();
        out.push(Partner {
            partie,
            slug: s,
            columns: map,
            row_text,
        });
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Arc<Source> {
        Arc::new(Source {
            path: "p.csv".into(),
            text: text.into(),
        })
    }

    #[test]
    fn reads_quoted_fields_and_semicolons() {
        let s = src(
            "nom;adresse;representant\n\"École Jean Jaurès\";\"1, rue \"\"Haute\"\"\";Mme A\r\n\nCollège Molière;2 rue Basse;M. B\n",
        );
        let (rows, diags) = parse(&s, &HashSet::new(), &[]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].partie.nom, "École Jean Jaurès");
        assert_eq!(rows[0].partie.adresse.as_deref(), Some("1, rue \"Haute\""));
        assert_eq!(rows[0].slug, "ecole-jean-jaures");
        assert_eq!(rows[1].slug, "college-moliere");
    }

    #[test]
    fn bad_rows_are_reported_where_they_are_and_skipped() {
        let s = src("nom,qualitee,adresse\nA,x,1\n,y,2\nA,z,3\nB,w,4\n");
        let (rows, diags) = parse(&s, &HashSet::new(), &[]);
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.location().map(|(_, l, c)| (l, c))))
            .collect();
        assert_eq!(
            codes,
            [
                ("partenaires-colonne", Some((1, 5))),
                ("partenaires-nom", Some((3, 1))),
                ("partenaires-doublon", Some((4, 1))),
            ]
        );
        assert_eq!(
            diags[0].hint.as_deref().unwrap().split(" ?").next(),
            Some("vouliez-vous dire « qualite »")
        );
        let names: Vec<_> = rows.iter().map(|r| r.partie.nom.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
    }

    #[test]
    fn template_columns_are_allowed() {
        let s = src("nom,jours\nA,mardi\n");
        let allowed: HashSet<String> = ["jours".to_owned()].into();
        let (rows, diags) = parse(&s, &allowed, &[]);
        assert!(diags.is_empty());
        assert_eq!(rows[0].columns["jours"], "mardi");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("L'Œuvre des Écoles — Saint-Étienne"),
            "oeuvre-des-ecoles-saint-etienne"
        );
        assert_eq!(slug("La Médiathèque"), "mediatheque");
        assert_eq!(slug("Le"), "le");
        assert_eq!(slug("***"), "");
    }
}
