//! The TOML as the clerk wrote it: serde types mirroring the input contract.
//!
//! Field names follow `shared/design/input-format.md` exactly. Every table
//! denies unknown fields, so a typo is an error, never silently ignored.
//! Values that checks point at are `Spanned`, so a finding can name the line.

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use toml::Spanned;
use toml::value::Datetime;

/// The project file, found by walking up from a dossier.
pub const PROJECT_FILE: &str = "delib.toml";

/// A spanned string.
pub type Text = Spanned<String>;
/// A spanned TOML date.
pub type TomlDate = Spanned<Datetime>;

/// A dossier: one act brought before an assembly, with its annexes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "un dossier : un acte présenté à une assemblée, avec ses annexes")]
pub struct Dossier {
    #[schemars(
        description = "la collectivité, si elle diffère de delib.toml (les champs du dossier l'emportent)"
    )]
    pub collectivite: Option<Collectivite>,
    #[schemars(description = "réglages de rendu propres à ce dossier")]
    pub rendu: Option<Rendu>,
    #[schemars(with = "Option<SchemaSeanceRef>")]
    #[schemars(
        description = "la séance : chemin d'un fichier de séance partagé, ou table [seance]"
    )]
    pub seance: Option<SeanceRef>,
    #[schemars(with = "Deliberation")]
    #[schemars(description = "l'acte : objet, exposé, articles, vote, publication")]
    pub deliberation: Spanned<Deliberation>,
    #[schemars(with = "Option<Convention>")]
    #[schemars(description = "la convention annexée (une par partenaire avec partenaires)")]
    pub convention: Option<Spanned<Convention>>,
    #[serde(default)]
    #[schemars(description = "les annexes, par exemple une fiche projet")]
    pub annexes: Vec<Annexe>,
}

impl Dossier {
    /// The act's number as typed, when given.
    pub fn numero(&self) -> Option<&str> {
        let d = self.deliberation.get_ref();
        d.numero.as_ref().map(|n| n.get_ref().as_str())
    }
}

/// `delib.toml`: what every dossier of a collectivité shares.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "delib.toml : ce que partagent tous les dossiers d'une collectivité")]
pub struct Projet {
    #[schemars(description = "la collectivité")]
    pub collectivite: Option<Collectivite>,
    #[schemars(description = "réglages de rendu communs")]
    pub rendu: Option<Rendu>,
}

/// The kind of collectivité; drives the assembly and the signatory's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "type de collectivité : fixe l'assemblée et la qualité du signataire")]
#[schemars(extend("x-enumNames" = ["commune", "département", "région", "EPCI (intercommunalité)", "autre"]))]
pub enum TypeCollectivite {
    #[default]
    Commune,
    Departement,
    Region,
    Epci,
    Autre,
}

/// `[collectivite]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[collectivite] : la collectivité qui délibère")]
pub struct Collectivite {
    #[schemars(with = "Option<String>")]
    #[schemars(description = "nom de la collectivité, tel qu'imprimé (ex. « Ville de Dijon »)")]
    pub nom: Option<Text>,
    #[serde(rename = "type")]
    #[schemars(title = "Type de collectivité")]
    #[schemars(
        description = "commune, departement, region, epci ou autre : fixe « le Maire » / « le Président » et l'assemblée"
    )]
    pub type_: Option<TypeCollectivite>,
    #[schemars(
        description = "nom de l'assemblée (par défaut selon le type : Conseil municipal, Conseil départemental…)"
    )]
    pub assemblee: Option<String>,
    #[schemars(description = "ville de signature (« Fait à … »)")]
    pub ville: Option<String>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "SIRET (14 chiffres), pour l'open data")]
    pub siret: Option<Text>,
    #[schemars(description = "adresse du siège")]
    pub adresse: Option<String>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "chemin du logo, relatif à delib.toml")]
    pub logo: Option<Text>,
    /// Added field: the département printed under RÉPUBLIQUE FRANÇAISE.
    #[schemars(description = "département imprimé sous RÉPUBLIQUE FRANÇAISE")]
    pub departement: Option<String>,
    /// Added field: population, for the convocation delay (3 500 inhabitants).
    #[schemars(
        description = "population : le délai de convocation est de 5 jours francs dès 3 500 habitants"
    )]
    pub population: Option<u32>,
    /// Added field: seat of the tribunal administratif named in the appeal mention.
    #[schemars(
        description = "ville du tribunal administratif compétent (mention des voies de recours)"
    )]
    pub tribunal: Option<String>,
    /// Added field: the maire's (or président's) name, the default signatory.
    #[schemars(
        description = "nom du maire (ou du président) de la collectivité, imprimé sous sa qualité quand le dossier ne donne pas [deliberation.signature] nom (ex. « François REBSAMEN »)"
    )]
    pub executif: Option<String>,
}

/// The operative formula of a délibération (`[rendu] formule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[schemars(description = "formule du dispositif")]
pub enum Formule {
    /// « Après en avoir délibéré, DÉCIDE : »
    #[default]
    #[serde(rename = "decide", alias = "décide")]
    Decide,
    /// « DÉLIBÈRE : »
    #[serde(rename = "delibere", alias = "délibère")]
    Delibere,
}

/// `[rendu]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[rendu] : réglages de rendu")]
pub struct Rendu {
    #[schemars(with = "Option<Vec<String>>")]
    #[schemars(description = "formats à produire : \"md\", \"html\", \"pdf\"")]
    pub formats: Option<Spanned<Vec<String>>>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "répertoire de modèles qui remplacent les modèles intégrés")]
    pub templates: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "répertoire de sortie, relatif à delib.toml")]
    pub sortie: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(title = "Numérotation du premier article")]
    #[schemars(description = "\"1er\" (ARTICLE 1er, par défaut) ou \"premier\" (ARTICLE PREMIER)")]
    pub article_premier: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "montants en lettres : \"traditionnelle\" (par défaut) ou \"1990\"")]
    pub orthographe: Option<Text>,
    #[schemars(title = "Champ de signature électronique")]
    #[schemars(
        description = "true : chaque bloc de signature du PDF porte un champ de signature vide, à signer dans un parapheur ou un lecteur PDF"
    )]
    pub signature_electronique: Option<bool>,
    /// Added field: the operative formula before the articles.
    #[schemars(
        description = "formule avant les articles : \"decide\" (« Après en avoir délibéré, DÉCIDE : », par défaut) ou \"delibere\" (« DÉLIBÈRE : »)"
    )]
    pub formule: Option<Formule>,
}

/// `seance`: a path to a shared séance file, or an inline table.
#[derive(Debug, Clone)]
pub enum SeanceRef {
    Fichier(Text),
    Inline(Box<Seance>),
}

/// `[seance]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "la séance : date, lieu, présents, pouvoirs, président et secrétaire")]
pub struct Seance {
    #[schemars(with = "SchemaDate")]
    #[schemars(description = "date de la séance (obligatoire)")]
    pub date: TomlDate,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "heure d'ouverture, ex. \"18:30\"")]
    pub heure: Option<Text>,
    #[schemars(description = "lieu de la séance")]
    pub lieu: Option<String>,
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date d'envoi de la convocation")]
    pub convocation: Option<TomlDate>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "président de séance, tel qu'écrit dans presents")]
    pub president: Option<Text>,
    /// Added field: the président's qualité when he is not the maire.
    #[schemars(
        description = "qualité du président de séance, ex. « Premier adjoint », « doyen d'âge » (par défaut : Maire, ou Président)"
    )]
    pub president_qualite: Option<String>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "secrétaire de séance, tel qu'écrit dans presents")]
    pub secretaire: Option<Text>,
    #[schemars(with = "Option<u32>")]
    #[schemars(description = "nombre de membres en exercice")]
    pub membres_en_exercice: Option<Spanned<u32>>,
    #[schemars(with = "Option<SchemaPresents>")]
    #[schemars(description = "présents : la liste des noms, ou leur nombre")]
    pub presents: Option<Spanned<Presents>>,
    #[serde(default)]
    #[schemars(with = "Vec<Pouvoir>")]
    #[schemars(description = "absents représentés : { mandant, mandataire }")]
    pub pouvoirs: Vec<Spanned<Pouvoir>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "absents excusés ; un excusé qui a donné pouvoir figure aussi dans pouvoirs"
    )]
    pub excuses: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(description = "absents")]
    pub absents: Vec<Text>,
    #[serde(default)]
    #[schemars(
        description = "true : séance après une première convocation sans quorum, le quorum n'est pas exigé"
    )]
    pub deuxieme_convocation: bool,
    #[serde(default)]
    #[schemars(description = "true : séance tenue à huis clos")]
    pub huis_clos: bool,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "heure de clôture")]
    pub heure_fin: Option<Text>,
    /// Added field: the date the liste des délibérations was displayed / put online.
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(
        description = "date d'affichage ou de mise en ligne de la liste des délibérations (art. L. 2121-25)"
    )]
    pub liste_publiee: Option<TomlDate>,
    /// Added field: the date of the séance that adopted this séance's procès-verbal.
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(
        description = "date de la séance où le procès-verbal a été arrêté (« arrêté lors de la séance du … », art. L. 2121-15)"
    )]
    pub proces_verbal_arrete: Option<TomlDate>,
    /// Added field: the number of the register sheet the séance closes on.
    #[schemars(with = "Option<u32>")]
    #[schemars(
        description = "numéro du feuillet du registre des délibérations qui clôt la séance, imprimé sur le feuillet de clôture (art. R. 2121-9)"
    )]
    pub feuillet: Option<Spanned<u32>>,
    /// Added field: arrivals and departures during the séance, each typed
    /// once with the point it happens before.
    #[serde(default)]
    #[schemars(
        description = "arrivées et départs en cours de séance, chacun écrit une fois avec le point avant lequel il a lieu : [[mouvements]]"
    )]
    pub mouvements: Vec<Mouvement>,
    /// Added field: points of the ordre du jour that are not délibérations.
    #[serde(default)]
    #[schemars(
        description = "points de l'ordre du jour qui ne sont pas des délibérations (approbation du procès-verbal, désignation du secrétaire, décisions prises par délégation, informations, questions diverses) : [[points]]"
    )]
    pub points: Vec<PointSeance>,
}

/// The kind of a point that is not a délibération.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(
    description = "approbation_pv, secretaire, decisions, information ou questions_diverses"
)]
pub enum TypePoint {
    /// The approbation of the previous procès-verbal.
    ApprobationPv,
    /// The désignation of the secrétaire de séance.
    Secretaire,
    /// The compte rendu of decisions taken by delegation (L. 2122-23).
    Decisions,
    Information,
    QuestionsDiverses,
}

/// `[[points]]` in the séance file: a point that is not a délibération.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[[points]] : un point de l'ordre du jour qui n'est pas une délibération")]
pub struct PointSeance {
    #[serde(rename = "type")]
    #[schemars(
        description = "approbation_pv, secretaire, decisions, information ou questions_diverses ; donne l'objet et la place par défaut"
    )]
    pub type_: Option<TypePoint>,
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "objet du point (par défaut selon le type, ex. « Questions diverses » ; obligatoire sans type)"
    )]
    pub objet: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "numéro de la délibération avant laquelle le point est examiné ; par défaut au début de la séance (approbation_pv, secretaire, decisions) ou à la fin"
    )]
    pub avant: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "ce qui est dit ou présenté (Markdown), imprimé au procès-verbal")]
    pub texte: Option<Text>,
    #[schemars(with = "Option<Vote>")]
    #[schemars(
        description = "le vote, quand le point en a un (approbation du procès-verbal, désignation du secrétaire)"
    )]
    pub vote: Option<Spanned<Vote>>,
    #[serde(default)]
    #[schemars(
        description = "les décisions prises par délégation dont il est rendu compte (art. L. 2122-23) : { numero, date, objet }"
    )]
    pub decisions: Vec<DecisionDeleguee>,
    #[serde(default)]
    #[schemars(
        description = "true : point ajouté à l'ordre du jour à l'ouverture de la séance, avec l'accord de l'assemblée"
    )]
    pub ajoute: bool,
}

/// A decision taken by delegation of the assembly (L. 2122-22, L. 2122-23).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "une décision prise par délégation : { numero, date, objet }")]
pub struct DecisionDeleguee {
    #[schemars(description = "numéro de la décision")]
    pub numero: Option<String>,
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date de la décision")]
    pub date: Option<TomlDate>,
    #[schemars(description = "objet de la décision (obligatoire)")]
    pub objet: String,
}

/// `[[mouvements]]`: who arrives or leaves before a point of the séance.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "[[mouvements]] : arrivées et départs avant un point de la séance ; ils valent pour ce point et les suivants"
)]
pub struct Mouvement {
    #[schemars(with = "String")]
    #[schemars(
        description = "numéro de la délibération avant laquelle le mouvement a lieu (obligatoire), ex. \"2016-06-27/13\""
    )]
    pub avant: Text,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "heure du mouvement, ex. \"19:07\"")]
    pub heure: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "membres qui entrent en séance (absents ou représentés jusque-là ; leur pouvoir prend fin)"
    )]
    pub arrives: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "membres qui quittent la séance (les pouvoirs qu'ils détenaient partent avec eux)"
    )]
    pub partis: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<Pouvoir>")]
    #[schemars(
        description = "pouvoirs donnés à ce moment, par ceux qui partent : { mandant, mandataire }"
    )]
    pub pouvoirs: Vec<Spanned<Pouvoir>>,
}

/// `presents`: names as printed, or a count when names are not kept.
#[derive(Debug, Clone)]
pub enum Presents {
    Noms(Vec<Text>),
    Nombre(u32),
}

/// A proxy: an absent member represented by a present one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "un pouvoir : un membre absent représenté par un membre présent")]
pub struct Pouvoir {
    #[schemars(with = "String")]
    #[schemars(description = "le membre absent qui donne pouvoir")]
    pub mandant: Text,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "le membre présent qui le reçoit")]
    pub mandataire: Option<Text>,
}

/// `[deliberation]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[deliberation] : l'acte")]
pub struct Deliberation {
    #[schemars(with = "Option<String>")]
    #[schemars(description = "numéro de l'acte, imprimé tel quel")]
    pub numero: Option<Text>,
    #[schemars(with = "String")]
    #[schemars(description = "objet de la délibération (obligatoire)")]
    pub objet: Text,
    #[serde(default)]
    #[schemars(description = "lignes de rubrique de l'en-tête")]
    pub rubrique: Vec<String>,
    #[schemars(description = "code nature @ctes (1 = délibérations)")]
    pub nature: Option<u8>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "code matière @ctes, ex. \"8.1\"")]
    pub matiere: Option<Text>,
    #[schemars(title = "Rapporteur")]
    #[schemars(description = "{ nom, commission } : qui présente le rapport")]
    pub rapporteur: Option<Rapporteur>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "résumé imprimé en tête du rapport")]
    pub resume: Option<Text>,
    #[schemars(description = "service instructeur")]
    pub service_instructeur: Option<String>,
    #[schemars(description = "service consulté")]
    pub service_consulte: Option<String>,
    #[schemars(description = "second numéro, ex. « N° applicatif »")]
    pub numero_interne: Option<String>,
    #[schemars(with = "Option<String>")]
    #[schemars(title = "Exposé des motifs")]
    #[schemars(description = "exposé des motifs (Markdown) ; sa présence produit le rapport")]
    pub expose: Option<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(description = "ce que le rapport propose de décider")]
    pub propositions: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(title = "Visas")]
    #[schemars(description = "imprimés « Vu … »")]
    pub visas: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(title = "Considérants")]
    #[schemars(description = "imprimés « Considérant … »")]
    pub considerants: Vec<Text>,
    #[schemars(with = "Option<Vec<String>>")]
    #[schemars(title = "Articles (le dispositif)")]
    #[schemars(
        description = "le dispositif : un article = ARTICLE UNIQUE (Markdown, verbes en capitales)"
    )]
    pub articles: Option<Spanned<Vec<Text>>>,
    #[schemars(title = "Présence à ce point")]
    #[schemars(
        description = "arrivées, départs et pouvoirs propres à ce point de l'ordre du jour"
    )]
    pub presence: Option<Presence>,
    #[schemars(description = "incidence budgétaire")]
    pub budget: Option<Budget>,
    #[schemars(with = "Option<Vote>")]
    #[schemars(description = "le vote ; sans vote, la délibération est un projet (PROJET)")]
    pub vote: Option<Spanned<Vote>>,
    #[schemars(description = "signataire de l'extrait")]
    pub signature: Option<Signature>,
    #[schemars(description = "transmission en préfecture et publication")]
    pub publication: Option<Publication>,
    /// Added field: the « teneur des discussions » printed in the procès-verbal.
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "teneur des discussions sur ce point (Markdown), imprimée au procès-verbal"
    )]
    pub discussions: Option<Text>,
    /// Added field: who presides over this item when it is not the séance's
    /// président (compte administratif: L. 2121-14).
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "président de séance pour ce point seulement, tel qu'écrit dans presents (compte administratif : le maire se retire, art. L. 2121-14)"
    )]
    pub president: Option<Text>,
    /// Added field: that président's qualité.
    #[schemars(description = "qualité du président de ce point, ex. « Première adjointe »")]
    pub president_qualite: Option<String>,
    /// Added field: separate votes on parts of the point.
    #[serde(default)]
    #[schemars(with = "Vec<Vote>")]
    #[schemars(
        description = "votes distincts sur les parties du point (une subvention par association…), chacun avec son objet, son décompte et ses noms : [[deliberation.votes]]"
    )]
    pub votes: Vec<Spanned<Vote>>,
    /// Added field: a point added to the ordre du jour at the opening.
    #[serde(default)]
    #[schemars(
        description = "true : point ajouté à l'ordre du jour à l'ouverture de la séance, avec l'accord de l'assemblée (absent de la convocation)"
    )]
    pub ajoute: bool,
}

/// `rapporteur = { nom, commission }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "rapporteur = { nom, commission }")]
pub struct Rapporteur {
    #[schemars(description = "nom du rapporteur")]
    pub nom: Option<String>,
    #[schemars(description = "commission qui a examiné le rapport")]
    pub commission: Option<String>,
}

/// `[deliberation.presence]`: attendance changes for this item.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "[deliberation.presence] : arrivées, départs et pouvoirs propres à ce point"
)]
pub struct Presence {
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(description = "membres arrivés avant ce point (ils votent)")]
    pub arrives: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(description = "membres partis avant ce point (ils ne votent pas)")]
    pub partis: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<Pouvoir>")]
    #[schemars(description = "pouvoirs donnés pour ce point : { mandant, mandataire }")]
    pub pouvoirs: Vec<Spanned<Pouvoir>>,
}

/// `[deliberation.budget]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[deliberation.budget] : incidence budgétaire")]
pub struct Budget {
    #[schemars(description = "exercice budgétaire, ex. \"2016\"")]
    pub annee: Option<String>,
    #[schemars(description = "budget concerné, ex. « budget principal »")]
    pub nom: Option<String>,
    #[schemars(description = "imputation budgétaire (chapitre, article, fonction)")]
    pub imputation: Option<String>,
}

/// The outcome of a vote when no counts decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(description = "résultat du vote quand aucun décompte ne le donne")]
#[schemars(extend("x-enumNames" = ["adopté", "rejeté", "pris acte"]))]
pub enum Resultat {
    Adopte,
    Rejete,
    PrisActe,
}

/// How the vote was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[schemars(description = "mode de scrutin")]
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[deliberation.vote] : le vote")]
pub struct Vote {
    /// Added field: what a separate vote of `[[deliberation.votes]]` is on.
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "ce sur quoi porte ce vote, dans [[deliberation.votes]] (ex. « Les amis du jumelage – 800 € »)"
    )]
    pub objet: Option<Text>,
    #[schemars(with = "Option<bool>")]
    #[schemars(description = "true : adopté à l'unanimité (ou bien les nombres, jamais les deux)")]
    pub unanimite: Option<Spanned<bool>>,
    #[schemars(with = "Option<u32>")]
    #[schemars(description = "voix pour")]
    pub pour: Option<Spanned<u32>>,
    #[schemars(with = "Option<u32>")]
    #[schemars(description = "voix contre")]
    pub contre: Option<Spanned<u32>>,
    #[schemars(with = "Option<u32>")]
    #[schemars(description = "abstentions")]
    pub abstentions: Option<Spanned<u32>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "membres présents ou représentés qui ne prennent pas part au vote ; pour + contre + abstentions + ceux-ci = votants"
    )]
    pub ne_prennent_pas_part: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "qui a voté contre (imprimé après le nombre) : des membres présents ou représentés à ce point, autant que contre ; ou un groupe (« groupe … »)"
    )]
    pub contre_noms: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(
        description = "qui s'est abstenu : des membres présents ou représentés à ce point, autant que abstentions ; ou un groupe (« groupe … »)"
    )]
    pub abstentions_noms: Vec<Text>,
    #[schemars(with = "Option<Resultat>")]
    #[schemars(title = "Résultat")]
    #[schemars(description = "adopte, rejete ou pris_acte ; déduit des nombres sinon")]
    pub resultat: Option<Spanned<Resultat>>,
    #[schemars(title = "Mode de scrutin")]
    #[schemars(description = "main levée, secret, public ou appel nominal")]
    pub scrutin: Option<Scrutin>,
}

/// `[deliberation.signature]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[deliberation.signature] : signataire de l'extrait")]
pub struct Signature {
    #[schemars(
        description = "qualité du signataire (par défaut selon le type de collectivité : le Maire…)"
    )]
    pub qualite: Option<String>,
    #[schemars(description = "nom du signataire")]
    pub nom: Option<String>,
}

/// How the act was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "mode de publication de l'acte")]
#[schemars(extend("x-enumNames" = ["électronique", "affichage", "papier"]))]
pub enum ModePublication {
    Electronique,
    Affichage,
    Papier,
}

/// `[deliberation.publication]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[deliberation.publication] : transmission en préfecture et publication")]
pub struct Publication {
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date de transmission en préfecture")]
    pub transmission: Option<TomlDate>,
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date de réception par la préfecture")]
    pub reception: Option<TomlDate>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "identifiant @ctes de l'acte, ex. 021-212102314-20160627-12-DE")]
    pub identifiant: Option<Text>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "numéro @ctes de l'acte (déduit de numero sinon)")]
    pub numero_actes: Option<Text>,
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date de publication")]
    pub publication: Option<TomlDate>,
    #[schemars(title = "Mode de publication")]
    #[schemars(description = "electronique, affichage ou papier")]
    pub mode: Option<ModePublication>,
    /// Added field: whether `delib export actes` packages the act. By
    /// default a voted act is packaged and a rejected proposal is not.
    #[schemars(title = "Transmettre au contrôle de légalité")]
    #[schemars(
        description = "true : transmettre l'acte au contrôle de légalité même rejeté ; false : ne jamais l'empaqueter pour @ctes (par défaut : oui s'il est adopté, non s'il est rejeté)"
    )]
    pub transmettre: Option<bool>,
}

/// `[convention]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[convention] : la convention annexée")]
pub struct Convention {
    #[schemars(with = "String")]
    #[schemars(description = "titre de la convention (obligatoire)")]
    pub titre: Text,
    #[schemars(description = "préambule (Markdown)")]
    pub preambule: Option<String>,
    #[schemars(with = "Option<Duree>")]
    #[schemars(title = "Durée")]
    #[schemars(description = "{ debut, fin } : imprimé « du … au … » ; {duree} dans un article")]
    pub duree: Option<Spanned<Duree>>,
    #[schemars(with = "Option<SchemaMontant>")]
    #[schemars(
        description = "montant en euros, écrit en chiffres et en lettres ; {montant} dans un article"
    )]
    pub montant: Option<Spanned<Montant>>,
    #[schemars(description = "lieu de signature")]
    pub fait_a: Option<String>,
    #[schemars(with = "Option<SchemaDate>")]
    #[schemars(description = "date de signature")]
    pub date_signature: Option<TomlDate>,
    #[schemars(description = "nombre d'exemplaires originaux")]
    pub exemplaires: Option<u32>,
    #[schemars(with = "Option<String>")]
    #[schemars(description = "fichier CSV : une convention par ligne")]
    pub partenaires: Option<Text>,
    #[serde(default)]
    #[schemars(description = "les parties, dans l'ordre de signature")]
    pub parties: Vec<Partie>,
    #[serde(default)]
    #[schemars(description = "les articles, numérotés automatiquement")]
    pub articles: Vec<ArticleConvention>,
}

/// `duree = { debut, fin }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "duree = { debut, fin } : période d'effet de la convention")]
pub struct Duree {
    #[schemars(with = "SchemaDate")]
    #[schemars(description = "premier jour (obligatoire)")]
    pub debut: TomlDate,
    #[schemars(with = "SchemaDate")]
    #[schemars(description = "dernier jour (obligatoire)")]
    pub fin: TomlDate,
}

/// An amount in euros, kept in cents: TOML `49975` or `52.50`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Montant(pub i64);

/// A party to a convention.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "une partie à la convention")]
pub struct Partie {
    #[schemars(description = "nom de la partie (obligatoire)")]
    pub nom: String,
    #[schemars(
        description = "forme juridique, ex. « association régie par la loi du 1er juillet 1901 »"
    )]
    pub forme: Option<String>,
    #[schemars(description = "adresse du siège")]
    pub adresse: Option<String>,
    #[schemars(with = "Option<String>")]
    #[schemars(
        description = "SIRET (14 chiffres, registre SIRENE), vérifié par sa clé de contrôle"
    )]
    pub siret: Option<Text>,
    #[schemars(description = "téléphone")]
    pub telephone: Option<String>,
    #[schemars(description = "adresse électronique")]
    pub courriel: Option<String>,
    #[schemars(description = "objet social")]
    pub objet_social: Option<String>,
    #[schemars(description = "nom du représentant qui signe")]
    pub representant: Option<String>,
    #[schemars(description = "qualité du représentant, ex. « Président »")]
    pub qualite: Option<String>,
    #[schemars(description = "ce qui habilite le représentant à signer")]
    pub habilitation: Option<String>,
    #[schemars(description = "dénomination dans la convention, ex. « l'Association »")]
    pub denomination: Option<String>,
    /// Added field: the grammatical gender of the party's name, when its
    /// first word does not tell it.
    #[schemars(
        description = "feminin ou masculin : accord de « représenté(e) », « dénommé(e) », quand le premier mot du nom ne le dit pas"
    )]
    pub genre: Option<Genre>,
}

/// The grammatical gender of a party's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[schemars(description = "genre grammatical du nom de la partie")]
pub enum Genre {
    #[serde(rename = "feminin", alias = "féminin")]
    Feminin,
    #[serde(rename = "masculin")]
    Masculin,
}

impl Genre {
    /// Reads a CSV cell: `feminin`, `féminin`, `masculin` (any case).
    pub fn parse(s: &str) -> Option<Genre> {
        match s.trim().to_lowercase().as_str() {
            "feminin" | "féminin" => Some(Genre::Feminin),
            "masculin" => Some(Genre::Masculin),
            _ => None,
        }
    }
}

/// `[[convention.articles]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[[convention.articles]] : un article de la convention")]
pub struct ArticleConvention {
    #[schemars(description = "titre de la partie (« TITRE I – … ») ouverte par cet article")]
    pub partie: Option<String>,
    #[schemars(description = "titre de l'article (obligatoire)")]
    pub titre: String,
    #[serde(default)]
    #[schemars(title = "Texte de l'article")]
    #[schemars(
        description = "texte de l'article (Markdown) ; {duree} et {montant} y sont remplacés"
    )]
    pub texte: String,
}

/// `[[annexes]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "[[annexes]] : une annexe")]
pub struct Annexe {
    #[schemars(description = "titre de l'annexe (obligatoire)")]
    pub titre: String,
    /// Added field: free Markdown text when the annex is not a table of sections.
    #[schemars(
        description = "texte libre (Markdown), quand l'annexe n'est pas un tableau de sections"
    )]
    pub texte: Option<String>,
    #[serde(default)]
    #[schemars(description = "lignes de l'annexe : [[annexes.sections]]")]
    pub sections: Vec<Section>,
    /// Added field: one annex per partner of `[convention] partenaires`.
    #[serde(default)]
    #[schemars(title = "Une annexe par partenaire")]
    #[schemars(
        description = "une annexe par partenaire de [convention] partenaires (convention-<nom>-annexe-N) ; le modèle y voit partenaire comme dans la convention"
    )]
    pub par_partenaire: bool,
}

/// A row of an annex: title on the left, Markdown text on the right.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "[[annexes.sections]] : une ligne de l'annexe, titre à gauche, texte à droite"
)]
pub struct Section {
    #[schemars(description = "titre de la ligne, à gauche (obligatoire)")]
    pub titre: String,
    #[serde(default)]
    #[schemars(description = "texte de la ligne, à droite (Markdown)")]
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
                // Whole cents, up to the rounding of x × 100 (a few units in
                // the last place): 52.5 and 0.29 are, 1e-9 is not (it was
                // taken for 0 €).
                let cents = (x * 100.0).round();
                let slack = cents.abs() * 8.0 * f64::EPSILON;
                if !(0.0..9.0e15).contains(&cents) || ((x * 100.0) - cents).abs() > slack {
                    return Err(E::invalid_value(de::Unexpected::Float(x), &self));
                }
                Ok(Montant(cents as i64))
            }
        }
        d.deserialize_any(V)
    }
}

/// Schema stand-in for a TOML date (`2016-06-27`, no quotes).
#[derive(JsonSchema)]
#[schemars(description = "une date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27)")]
#[allow(dead_code)]
pub struct SchemaDate(#[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))] String);

/// Schema stand-in for `presents`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
#[schemars(description = "les présents : la liste des noms, ou leur nombre")]
pub enum SchemaPresents {
    /// les noms, tels qu'ils doivent être imprimés
    Noms(Vec<String>),
    /// le nombre de présents, quand les noms ne sont pas tenus
    Nombre(u32),
}

/// Schema stand-in for an amount in euros.
#[derive(JsonSchema)]
#[schemars(description = "montant en euros, centimes permis (49975 ou 52.50)")]
#[allow(dead_code)]
pub struct SchemaMontant(#[schemars(range(min = 0))] f64);

/// Schema stand-in for `seance`: a path or an inline table.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
#[schemars(description = "la séance : chemin d'un fichier de séance, ou table [seance]")]
pub enum SchemaSeanceRef {
    /// chemin d'un fichier de séance partagé, relatif au dossier
    Fichier(String),
    /// la séance décrite dans le dossier
    Table(Box<Seance>),
}

#[cfg(test)]
mod tests {
    use super::Montant;

    fn montant(v: &str) -> Option<i64> {
        #[derive(serde::Deserialize)]
        struct T {
            m: Montant,
        }
        toml::from_str::<T>(&format!("m = {v}")).ok().map(|t| t.m.0)
    }

    /// Whole cents are amounts, whatever the rounding of their binary
    /// value; less than a cent is refused, not printed « 0 € » (issue 22).
    #[test]
    fn an_amount_is_whole_cents() {
        for (v, cents) in [
            ("49975", 4_997_500),
            ("52.50", 5250),
            ("0.29", 29),
            ("0.1", 10),
            ("1234567.89", 123_456_789),
            ("123456789012.34", 12_345_678_901_234),
            ("0", 0),
            ("0.0", 0),
        ] {
            assert_eq!(montant(v), Some(cents), "{v}");
        }
        for v in [
            "1e-9", "0.001", "1e-300", "52.505", "-1", "-0.5", "nan", "inf", "1e20",
        ] {
            assert_eq!(montant(v), None, "{v}");
        }
    }
}
