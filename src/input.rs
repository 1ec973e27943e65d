//! The TOML as the clerk wrote it: serde types mirroring the input contract.
//!
//! Field names follow `shared/design/input-format.md` exactly. Every table
//! denies unknown fields, so a typo is an error, never silently ignored.
//! Values that checks point at are `Spanned`, so a finding can name the line.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use toml::Spanned;
use toml::value::Datetime;

/// A spanned string.
pub type Text = Spanned<String>;
/// A spanned TOML date.
pub type TomlDate = Spanned<Datetime>;

/// A dossier: one act brought before an assembly, with its annexes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    pub collectivite: Option<Collectivite>,
    pub rendu: Option<Rendu>,
    pub seance: Option<SeanceRef>,
    pub deliberation: Spanned<Deliberation>,
    pub convention: Option<Spanned<Convention>>,
    #[serde(default)]
    pub annexes: Vec<Annexe>,
}

/// `delib.toml`: what every dossier of a collectivité shares.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Projet {
    pub collectivite: Option<Collectivite>,
    pub rendu: Option<Rendu>,
}

/// The kind of collectivité; drives the assembly and the signatory's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeCollectivite {
    #[default]
    Commune,
    Departement,
    Region,
    Epci,
    Autre,
}

/// `[collectivite]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collectivite {
    pub nom: Option<Text>,
    #[serde(rename = "type")]
    pub type_: Option<TypeCollectivite>,
    pub assemblee: Option<String>,
    pub ville: Option<String>,
    pub siret: Option<Text>,
    pub adresse: Option<String>,
    pub logo: Option<Text>,
    /// Added field: the département printed under RÉPUBLIQUE FRANÇAISE.
    pub departement: Option<String>,
    /// Added field: population, for the convocation delay (3 500 inhabitants).
    pub population: Option<u32>,
    /// Added field: seat of the tribunal administratif named in the appeal mention.
    pub tribunal: Option<String>,
}

/// `[rendu]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rendu {
    pub formats: Option<Spanned<Vec<String>>>,
    pub templates: Option<Text>,
    pub sortie: Option<Text>,
    pub article_premier: Option<Text>,
    pub orthographe: Option<Text>,
}

/// `seance`: a path to a shared séance file, or an inline table.
#[derive(Debug, Clone)]
pub enum SeanceRef {
    Fichier(Text),
    Inline(Box<Seance>),
}

/// `[seance]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seance {
    pub date: TomlDate,
    pub heure: Option<Text>,
    pub lieu: Option<String>,
    pub convocation: Option<TomlDate>,
    pub president: Option<Text>,
    pub secretaire: Option<Text>,
    pub membres_en_exercice: Option<Spanned<u32>>,
    pub presents: Option<Spanned<Presents>>,
    #[serde(default)]
    pub pouvoirs: Vec<Spanned<Pouvoir>>,
    #[serde(default)]
    pub excuses: Vec<Text>,
    #[serde(default)]
    pub absents: Vec<Text>,
    #[serde(default)]
    pub deuxieme_convocation: bool,
    #[serde(default)]
    pub huis_clos: bool,
    pub heure_fin: Option<Text>,
}

/// `presents`: names as printed, or a count when names are not kept.
#[derive(Debug, Clone)]
pub enum Presents {
    Noms(Vec<Text>),
    Nombre(u32),
}

/// A proxy: an absent member represented by a present one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pouvoir {
    pub mandant: Text,
    pub mandataire: Option<Text>,
}

/// `[deliberation]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deliberation {
    pub numero: Option<Text>,
    pub objet: Text,
    #[serde(default)]
    pub rubrique: Vec<String>,
    pub nature: Option<u8>,
    pub matiere: Option<Text>,
    pub rapporteur: Option<Rapporteur>,
    pub resume: Option<Text>,
    pub service_instructeur: Option<String>,
    pub service_consulte: Option<String>,
    pub numero_interne: Option<String>,
    pub expose: Option<Text>,
    #[serde(default)]
    pub propositions: Vec<Text>,
    #[serde(default)]
    pub visas: Vec<Text>,
    #[serde(default)]
    pub considerants: Vec<Text>,
    pub articles: Option<Spanned<Vec<Text>>>,
    pub presence: Option<Presence>,
    pub budget: Option<Budget>,
    pub vote: Option<Spanned<Vote>>,
    pub signature: Option<Signature>,
    pub publication: Option<Publication>,
}

/// `rapporteur = { nom, commission }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rapporteur {
    pub nom: Option<String>,
    pub commission: Option<String>,
}

/// `[deliberation.presence]`: attendance changes for this item.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presence {
    #[serde(default)]
    pub arrives: Vec<Text>,
    #[serde(default)]
    pub partis: Vec<Text>,
    #[serde(default)]
    pub pouvoirs: Vec<Spanned<Pouvoir>>,
}

/// `[deliberation.budget]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub annee: Option<String>,
    pub nom: Option<String>,
    pub imputation: Option<String>,
}

/// The outcome of a vote when no counts decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resultat {
    Adopte,
    Rejete,
    PrisActe,
}

/// How the vote was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Scrutin {
    #[serde(rename = "main levée")]
    MainLevee,
    #[serde(rename = "secret")]
    Secret,
    #[serde(rename = "public")]
    Public,
    #[serde(rename = "appel nominal")]
    AppelNominal,
}

/// `[deliberation.vote]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    pub unanimite: Option<Spanned<bool>>,
    pub pour: Option<Spanned<u32>>,
    pub contre: Option<Spanned<u32>>,
    pub abstentions: Option<Spanned<u32>>,
    #[serde(default)]
    pub ne_prennent_pas_part: Vec<Text>,
    #[serde(default)]
    pub contre_noms: Vec<String>,
    #[serde(default)]
    pub abstentions_noms: Vec<String>,
    pub resultat: Option<Spanned<Resultat>>,
    pub scrutin: Option<Scrutin>,
}

/// `[deliberation.signature]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub qualite: Option<String>,
    pub nom: Option<String>,
}

/// How the act was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModePublication {
    Electronique,
    Affichage,
    Papier,
}

/// `[deliberation.publication]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub transmission: Option<TomlDate>,
    pub reception: Option<TomlDate>,
    pub identifiant: Option<Text>,
    pub numero_actes: Option<Text>,
    pub publication: Option<TomlDate>,
    pub mode: Option<ModePublication>,
}

/// `[convention]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convention {
    pub titre: Text,
    pub preambule: Option<String>,
    pub duree: Option<Spanned<Duree>>,
    pub montant: Option<Spanned<Montant>>,
    pub fait_a: Option<String>,
    pub date_signature: Option<TomlDate>,
    pub exemplaires: Option<u32>,
    pub partenaires: Option<Text>,
    #[serde(default)]
    pub parties: Vec<Partie>,
    #[serde(default)]
    pub articles: Vec<ArticleConvention>,
}

/// `duree = { debut, fin }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duree {
    pub debut: TomlDate,
    pub fin: TomlDate,
}

/// An amount in euros, kept in cents: TOML `49975` or `52.50`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Montant(pub i64);

/// A party to a convention.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Partie {
    pub nom: String,
    pub forme: Option<String>,
    pub adresse: Option<String>,
    pub siret: Option<String>,
    pub telephone: Option<String>,
    pub courriel: Option<String>,
    pub objet_social: Option<String>,
    pub representant: Option<String>,
    pub qualite: Option<String>,
    pub habilitation: Option<String>,
    pub denomination: Option<String>,
}

/// `[[convention.articles]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleConvention {
    pub partie: Option<String>,
    pub titre: String,
    #[serde(default)]
    pub texte: String,
}

/// `[[annexes]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annexe {
    pub titre: String,
    /// Added field: free Markdown text when the annex is not a table of sections.
    pub texte: Option<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A row of an annex: title on the left, Markdown text on the right.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub titre: String,
    #[serde(default)]
    pub texte: String,
}

impl<'de> Deserialize<'de> for SeanceRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Spanned::<StringOrTable>::deserialize(d)?;
        let span = value.span();
        Ok(match value.into_inner() {
            StringOrTable::Str(s) => SeanceRef::Fichier(Spanned::new(span, s)),
            StringOrTable::Table(t) => SeanceRef::Inline(t),
        })
    }
}

/// Helper for `SeanceRef`: a string or a séance table, spans kept.
enum StringOrTable {
    Str(String),
    Table(Box<Seance>),
}

impl<'de> Deserialize<'de> for StringOrTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a path to a séance file or a [seance] table")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StringOrTable, E> {
                Ok(StringOrTable::Str(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StringOrTable, A::Error> {
                let seance = Seance::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(StringOrTable::Table(Box::new(seance)))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Presents {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Presents;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of names or a count")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Presents, E> {
                u32::try_from(n)
                    .map(Presents::Nombre)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Presents, E> {
                u32::try_from(n)
                    .map(Presents::Nombre)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Presents, A::Error> {
                let mut names = Vec::new();
                while let Some(n) = seq.next_element::<Text>()? {
                    names.push(n);
                }
                Ok(Presents::Noms(names))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Montant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Montant;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in euros (49975 or 52.50)")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Montant, E> {
                n.checked_mul(100)
                    .filter(|c| *c >= 0)
                    .map(Montant)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Montant, E> {
                i64::try_from(n)
                    .ok()
                    .and_then(|n| n.checked_mul(100))
                    .map(Montant)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Montant, E> {
                let cents = (x * 100.0).round();
                if !(0.0..9.0e15).contains(&cents) || ((x * 100.0) - cents).abs() > 1e-6 {
                    return Err(E::invalid_value(de::Unexpected::Float(x), &self));
                }
                Ok(Montant(cents as i64))
            }
        }
        d.deserialize_any(V)
    }
}
