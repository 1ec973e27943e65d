//! The séance: the documents around the acts, made from the séance file and
//! the dossiers that name it. Pure: no I/O (the séance files were read by
//! `load`), nothing written here.
//!
//! Dossiers are grouped by séance file (an inline `[seance]` is a séance of
//! one act), ordered by their number, and give: the convocation with its
//! ordre du jour (CGCT L. 2121-10 to L. 2121-12), the liste des délibérations
//! (L. 2121-25), the procès-verbal (L. 2121-15), the closing sheet of the
//! register (R. 2121-9) and `recueil.pdf`, every act of the séance in one
//! file with bookmarks and continuous page numbers.

use crate::build::{self, Doc, Format, Kind, OutputFile};
use crate::diag::{Diagnostic, Source};
use crate::doc::{self, Meta};
use crate::escape::{markdown, plain, unescape};
use crate::french::{Date, date_longue};
use crate::input::{Presents, Resultat, Scrutin, Seance};
use crate::load::Loaded;
use crate::model::{self, CollectiviteCtx, Model, SeanceCtx, join_et, name_of, to_date};
use crate::partners::Partner;
use crate::templates::Templates;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One dossier of a séance: what was loaded and what was derived from it.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    pub loaded: &'a Loaded,
    pub model: &'a Model,
    /// The partners of its convention, when it has a partners CSV.
    pub partners: Option<&'a [Partner]>,
}

/// The dossiers of one séance, in the order of the ordre du jour.
pub struct Group<'a> {
    /// The séance file (for an inline `[seance]`, the dossier itself).
    pub file: PathBuf,
    /// True when the séance is an inline table of a single dossier.
    pub inline: bool,
    pub seance: &'a Seance,
    pub source: &'a Arc<Source>,
    pub items: Vec<Item<'a>>,
}

/// The séance a loaded dossier belongs to: the canonical path of its séance file.
pub fn key_of(l: &Loaded) -> Option<PathBuf> {
    let (_, src) = l.seance.as_ref()?;
    Some(src.path.canonicalize().unwrap_or_else(|_| src.path.clone()))
}

pub use crate::model::split_numero;

/// The order of an item in the ordre du jour: by number, then by file.
pub fn order_key(l: &Loaded) -> (u64, String, PathBuf) {
    let n = l
        .dossier
        .deliberation
        .get_ref()
        .numero
        .as_ref()
        .map(|n| n.get_ref().trim().to_owned())
        .unwrap_or_default();
    let rank = split_numero(&n).map_or(u64::MAX, |(_, k)| k);
    (rank, n, l.source.path.clone())
}

/// Groups items by séance, each group in the order of its ordre du jour;
/// groups sorted by séance file.
pub fn group<'a>(items: &[Item<'a>]) -> Vec<Group<'a>> {
    let mut map: BTreeMap<PathBuf, Vec<Item<'a>>> = BTreeMap::new();
    for it in items {
        if let Some(k) = key_of(it.loaded) {
            map.entry(k).or_default().push(*it);
        }
    }
    map.into_iter()
        .filter_map(|(file, mut items)| {
            items.sort_by_key(|i| order_key(i.loaded));
            let first = items.first()?.loaded;
            let (seance, source) = first.seance.as_ref()?;
            let inline = matches!(
                first.dossier.seance,
                Some(crate::input::SeanceRef::Inline(_))
            );
            Some(Group {
                file,
                inline,
                seance,
                source,
                items,
            })
        })
        .collect()
}

/// A séance document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeanceDoc {
    Convocation,
    Liste,
    ProcesVerbal,
    Registre,
}

impl SeanceDoc {
    pub const ALL: [SeanceDoc; 4] = [
        SeanceDoc::Convocation,
        SeanceDoc::Liste,
        SeanceDoc::ProcesVerbal,
        SeanceDoc::Registre,
    ];

    /// The file stem, also the name used by `--only`.
    pub fn stem(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "convocation",
            SeanceDoc::Liste => "liste-des-deliberations",
            SeanceDoc::ProcesVerbal => "proces-verbal",
            SeanceDoc::Registre => "registre",
        }
    }

    /// What a reader calls it, in lists and links (the preview's index,
    /// the published site).
    pub fn label(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "Convocation et ordre du jour",
            SeanceDoc::Liste => "Liste des délibérations",
            SeanceDoc::ProcesVerbal => "Procès-verbal",
            SeanceDoc::Registre => "Feuillet de clôture du registre",
        }
    }

    /// [`SeanceDoc::label`] for this séance: before 1 July 2022 the liste
    /// was the compte rendu of the séance (L. 2121-25 as then written).
    pub fn label_for(self, m: &SeanceModel) -> &'static str {
        match self {
            SeanceDoc::Liste if !m.seance.depuis_2022 => "Compte rendu de la séance",
            d => d.label(),
        }
    }

    /// The template that produces it.
    pub fn template(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "convocation.md.tera",
            SeanceDoc::Liste => "liste-des-deliberations.md.tera",
            SeanceDoc::ProcesVerbal => "proces-verbal.md.tera",
            SeanceDoc::Registre => "registre.md.tera",
        }
    }
}

/// The stem of the PDF gathering every act of the séance.
pub const RECUEIL: &str = "recueil";

/// Everything a séance template may print, escaped and worded.
#[derive(Debug, Clone, Serialize)]
pub struct SeanceModel {
    pub collectivite: CollectiviteCtx,
    /// The séance at its opening.
    pub seance: SeanceCtx,
    /// "Le quorum est atteint : 46 membres présents sur 59 en exercice."
    pub quorum: Option<String>,
    /// Every point of the ordre du jour in order: the délibérations and the
    /// séance's own points (`[[points]]`).
    pub points: Vec<PointCtx>,
    /// The number of the register sheet the séance closes on (`feuillet`).
    pub feuillet: Option<u32>,
    /// The secrétaire is designated by a point of the ordre du jour (with its vote).
    pub secretaire_en_point: bool,
    /// The objets of the points added at the opening with the assembly's agreement.
    pub ajouts: Vec<String>,
    /// True while an item has no vote: the procès-verbal and the register sheet are drafts.
    pub projet: bool,
    /// At least one item voted: the liste, the procès-verbal and the register sheet are due.
    pub vote_commence: bool,
    /// "26 septembre 2016": the séance that adopted the procès-verbal.
    pub proces_verbal_arrete: Option<String>,
    /// "30 juin 2016": the liste des délibérations displayed / put online.
    pub liste_publiee: Option<String>,
    /// Every member, for the convocation's addressees (when names are kept).
    pub destinataires: Vec<String>,
    /// The notes explicatives de synthèse are due (communes of 3 500
    /// inhabitants or more, whose population is known; EPCI).
    pub note_synthese: bool,
    /// At least one item has a rapport.
    pub rapports: bool,
    /// "de chaque affaire soumise à délibération (les rapports)" when every
    /// item has a rapport, else "des points 1 et 3 de l'ordre du jour": the
    /// notes joined, never one an item does not have.
    pub notes_jointes: Option<String>,
    /// Signatory of the convocation and the liste: "Le Maire", "François REBSAMEN".
    pub signataire_qualite: String,
    pub signataire_nom: Option<String>,
    /// "Fait à Dijon, le 21 juin 2016" (the convocation's date).
    pub fait_a_convocation: Option<String>,
    /// "Fait à Dijon, le 27 juin 2016".
    pub fait_a: Option<String>,
    /// "2016-06-27/10 à 2016-06-27/14".
    pub numeros: Option<String>,
    /// Numbers of the deliberations taken, in order.
    pub numeros_liste: Vec<String>,
    /// Members absent at the opening who sat for a later item.
    pub arrives_en_seance: Vec<String>,
}

/// One item of the ordre du jour.
#[derive(Debug, Clone, Serialize)]
pub struct PointCtx {
    /// 1, 2, 3 … in the ordre du jour as the séance ran it.
    pub rang: usize,
    /// Its rank in the convocation's ordre du jour; None for a point added at the opening.
    pub rang_convocation: Option<usize>,
    /// True for a délibération; false for a point of the séance file.
    pub deliberation: bool,
    /// "deliberation", or the type of a point of the séance file:
    /// "approbation_pv", "secretaire", "decisions", "information", "questions_diverses", "point".
    pub nature: String,
    /// Added to the ordre du jour at the opening, with the assembly's agreement.
    pub ajoute: bool,
    /// What is said or presented at a point of the séance file (Markdown).
    pub texte: Option<String>,
    /// The decisions taken by delegation reported at this point:
    /// "N° 2024-D-03 du 20 février 2024 : …".
    pub decisions: Vec<String>,
    /// The operative formula of the délibération, as in its extract
    /// (`[rendu] formule`: "decide" or "delibere").
    pub formule: crate::input::Formule,
    /// The délibération's visas and considérants, as in its extract.
    pub visas: Vec<String>,
    pub considerants: Vec<String>,
    /// The separate votes of the point (`[[deliberation.votes]]`).
    pub votes: Vec<VoteLigne>,
    pub numero: Option<String>,
    pub objet: String,
    /// "Madame Dillenseger".
    pub rapporteur: Option<String>,
    pub commission: Option<String>,
    pub expose: Option<String>,
    pub propositions: Vec<String>,
    pub articles: Vec<model::ArticleCtx>,
    /// "Adoptée", "Rejetée", "Prise d'acte"; None before the vote.
    pub decision: Option<String>,
    /// The proposal was rejected.
    pub rejete: bool,
    /// "Mme KOENDERS, Première adjointe, préside la séance pour l'examen de ce point."
    pub presidence: Option<String>,
    /// "Adopté par 50 voix pour, 3 voix contre (…)."
    pub vote: Option<String>,
    /// What the vote is on, when typed (`objet` of the vote).
    pub vote_objet: Option<String>,
    pub ne_prennent_pas_part: Option<String>,
    /// "Ont voté contre : … Se sont abstenus : … Ont voté pour : les autres membres présents ou représentés."
    pub detail_vote: Vec<String>,
    /// "Le vote a lieu au scrutin public." when not a show of hands.
    pub scrutin: Option<String>,
    /// The « teneur des discussions » (Markdown).
    pub discussions: Option<String>,
    /// Arrivals and departures since the previous item: "Arrivée de M. HOUPERT."
    pub mouvements: Vec<String>,
    pub presents: Option<u32>,
    pub votants: Option<u32>,
    /// "2016-06-30": published, when given.
    pub publication: Option<String>,
}

/// One of several votes of a point, worded.
#[derive(Debug, Clone, Serialize)]
pub struct VoteLigne {
    /// What it is on: "Les amis du jumelage – 800 €".
    pub objet: Option<String>,
    /// "Adopté à l'unanimité des votants (16 voix pour)."
    pub phrase: String,
    pub ne_prennent_pas_part: Option<String>,
    /// "Ont voté contre : …", as for a point's vote.
    pub detail: Vec<String>,
    pub votants: Option<u32>,
}

/// Where the séance file's own points go among the dossiers (in the order
/// of the ordre du jour, `numbers` their numbers): for each point, the
/// index of the dossier it comes before (`numbers.len()`: after the last).
/// A point names the délibération it comes before (`avant`), else goes to
/// the opening (approbation of the procès-verbal, secrétaire, decisions by
/// delegation) or to the end (information, questions diverses).
pub fn places(numbers: &[Option<&str>], points: &[crate::input::PointSeance]) -> Vec<usize> {
    use crate::input::TypePoint;
    points
        .iter()
        .map(|p| match &p.avant {
            Some(a) => {
                let a = a.get_ref().trim();
                numbers
                    .iter()
                    .position(|n| n.is_some_and(|n| n.trim() == a))
                    .or_else(|| {
                        numbers
                            .iter()
                            .position(|n| n.is_some_and(|n| model::rank(n) >= model::rank(a)))
                    })
                    .unwrap_or(numbers.len())
            }
            None => match p.type_ {
                Some(TypePoint::ApprobationPv | TypePoint::Secretaire | TypePoint::Decisions) => 0,
                _ => numbers.len(),
            },
        })
        .collect()
}

/// The objet a point of the séance file gets from its type, when none is typed.
fn objet_par_defaut(t: Option<crate::input::TypePoint>, coll: &CollectiviteCtx) -> Option<String> {
    use crate::input::{TypeCollectivite, TypePoint};
    Some(match t? {
        TypePoint::ApprobationPv => {
            "Approbation du procès-verbal de la séance précédente".to_owned()
        }
        TypePoint::Secretaire => "Désignation du secrétaire de séance".to_owned(),
        TypePoint::Decisions => {
            let article = match coll.type_ {
                TypeCollectivite::Commune => {
                    " (article L. 2122-23 du code général des collectivités territoriales)"
                }
                TypeCollectivite::Departement => {
                    " (article L. 3211-2 du code général des collectivités territoriales)"
                }
                TypeCollectivite::Region => {
                    " (article L. 4221-5 du code général des collectivités territoriales)"
                }
                TypeCollectivite::Epci => {
                    " (article L. 5211-10 du code général des collectivités territoriales)"
                }
                TypeCollectivite::Autre => "",
            };
            format!(
                "Compte rendu des décisions prises par {} par délégation {}{article}",
                coll.executif, coll.du_assemblee
            )
        }
        TypePoint::Information => "Informations".to_owned(),
        TypePoint::QuestionsDiverses => "Questions diverses".to_owned(),
    })
}

/// The name of a point's type in templates.
fn nature(t: Option<crate::input::TypePoint>) -> &'static str {
    use crate::input::TypePoint;
    match t {
        Some(TypePoint::ApprobationPv) => "approbation_pv",
        Some(TypePoint::Secretaire) => "secretaire",
        Some(TypePoint::Decisions) => "decisions",
        Some(TypePoint::Information) => "information",
        Some(TypePoint::QuestionsDiverses) => "questions_diverses",
        None => "point",
    }
}

/// A point of the séance file, worded; `at`: the attendance where it is held.
fn seance_point(
    p: &crate::input::PointSeance,
    s: &Seance,
    at: &model::ItemPresence,
    coll: &CollectiviteCtx,
    src: &Arc<Source>,
    errs: &mut Vec<Diagnostic>,
) -> PointCtx {
    let objet = match &p.objet {
        Some(o) => plain(o.get_ref()),
        None => objet_par_defaut(p.type_, coll).unwrap_or_default(),
    };
    let mut texte = p.texte.as_ref().map(|t| markdown(t.get_ref()));
    if p.type_ == Some(crate::input::TypePoint::Secretaire)
        && texte.is_none()
        && let Some(who) = &s.secretaire
    {
        let who = plain(name_of(who));
        let e = if who.starts_with("Mme") || who.starts_with("Madame") || who.starts_with("Mlle") {
            "e"
        } else {
            ""
        };
        texte = Some(format!("{who} est désigné{e} secrétaire de séance."));
    }
    let decisions = p
        .decisions
        .iter()
        .map(|d| {
            let date = d
                .date
                .as_ref()
                .and_then(|x| model::date(x, src, errs))
                .map(date_longue);
            let head = match (&d.numero, date) {
                (Some(n), Some(dt)) => format!("N° {} du {dt}", plain(n)),
                (Some(n), None) => format!("N° {}", plain(n)),
                (None, Some(dt)) => format!("Du {dt}"),
                (None, None) => String::new(),
            };
            if head.is_empty() {
                plain(&d.objet)
            } else {
                format!("{head}\u{a0}: {}", plain(&d.objet))
            }
        })
        .collect();
    let ctx = p
        .vote
        .as_ref()
        .map(|v| model::vote(v.get_ref(), at.votants(), coll));
    let detail_vote = match (&p.vote, &ctx) {
        (Some(v), Some(c)) => detail_vote(v.get_ref(), c, at.votants()),
        _ => Vec::new(),
    };
    PointCtx {
        rang: 0,
        rang_convocation: None,
        deliberation: false,
        nature: nature(p.type_).to_owned(),
        ajoute: p.ajoute,
        texte,
        decisions,
        formule: crate::input::Formule::default(),
        visas: Vec::new(),
        considerants: Vec::new(),
        votes: Vec::new(),
        numero: None,
        objet,
        rapporteur: None,
        commission: None,
        expose: None,
        propositions: Vec::new(),
        articles: Vec::new(),
        decision: ctx.as_ref().map(|c| {
            match c.resultat {
                Resultat::Adopte => "Adopté",
                Resultat::Rejete => "Rejeté",
                Resultat::PrisActe => "Pris acte",
            }
            .to_owned()
        }),
        rejete: ctx.as_ref().is_some_and(|c| c.resultat == Resultat::Rejete),
        presidence: None,
        vote: ctx.as_ref().map(|c| c.phrase.clone()),
        ne_prennent_pas_part: ctx.as_ref().and_then(|c| c.ne_prennent_pas_part.clone()),
        detail_vote,
        scrutin: p
            .vote
            .as_ref()
            .and_then(|v| v.get_ref().scrutin)
            .and_then(scrutin_phrase),
        vote_objet: ctx.as_ref().and_then(|c| c.objet.clone()),
        discussions: None,
        mouvements: Vec::new(),
        presents: at.count,
        votants: ctx.as_ref().and_then(|c| c.votants).or(at.votants()),
        publication: None,
    }
}

/// The sentence of a ballot that is not a show of hands (L. 2121-21).
fn scrutin_phrase(sc: Scrutin) -> Option<String> {
    match sc {
        Scrutin::MainLevee => None,
        Scrutin::Secret => {
            Some("Le vote a lieu au scrutin secret (art. L. 2121-21 du CGCT).".to_owned())
        }
        Scrutin::Public => {
            Some("Le vote a lieu au scrutin public (art. L. 2121-21 du CGCT).".to_owned())
        }
        Scrutin::AppelNominal => Some("Le vote a lieu par appel nominal.".to_owned()),
    }
}

/// A délibération's decision in the liste: its vote's, or its separate
/// votes' together (« Adoptée en partie » when some were rejected).
fn decision_of(d: &model::DeliberationCtx) -> Option<String> {
    let word = |r: Resultat| match r {
        Resultat::Adopte => "Adoptée",
        Resultat::Rejete => "Rejetée",
        Resultat::PrisActe => "Prise d'acte",
    };
    if let Some(v) = &d.vote {
        return Some(word(v.resultat).to_owned());
    }
    let first = d.votes.first()?.resultat;
    if d.votes.iter().all(|v| v.resultat == first) {
        return Some(word(first).to_owned());
    }
    Some(if d.votes.iter().any(|v| v.resultat == Resultat::Adopte) {
        "Adoptée en partie".to_owned()
    } else {
        "Rejetée".to_owned()
    })
}

/// Derives the séance model from its group.
pub fn build(g: &Group) -> Result<SeanceModel, Vec<Diagnostic>> {
    let Some(first) = g.items.first() else {
        return Err(vec![]);
    };
    let coll = first.model.collectivite.clone();
    let mut errs = Vec::new();
    let s = g.seance;
    let ouverture = model::seance(s, None, g.source, &coll, &mut errs);
    let date_of = |d: &Option<crate::input::TomlDate>, errs: &mut Vec<Diagnostic>| {
        d.as_ref()
            .and_then(|x| model::date(x, g.source, errs))
            .map(date_longue)
    };
    let proces_verbal_arrete = date_of(&s.proces_verbal_arrete, &mut errs);
    let liste_publiee = date_of(&s.liste_publiee, &mut errs);
    if !errs.is_empty() {
        return Err(errs);
    }
    let quorum = match (ouverture.nombre_presents, ouverture.membres_en_exercice) {
        _ if s.deuxieme_convocation => Some(format!(
            "Le quorum n'ayant pas été atteint lors d'une première convocation, {} délibère valablement sans condition de quorum (article L. 2121-17 du CGCT).",
            coll.le_assemblee
        )),
        (Some(p), Some(m)) if p * 2 > m => Some(format!(
            "Le quorum étant atteint ({p} membres présents sur {m} en exercice), {} peut valablement délibérer.",
            coll.le_assemblee
        )),
        _ => None,
    };

    // Attendance item by item, to show arrivals and departures where they happen.
    let opening: Option<Vec<String>> = model::item_presence(s, None, None)
        .names
        .map(|n| n.into_iter().map(str::to_owned).collect());
    let mut before = opening.clone();
    let mut arrives_en_seance: Vec<String> = Vec::new();
    let mut points = Vec::with_capacity(g.items.len());
    for (i, it) in g.items.iter().enumerate() {
        let d = it.loaded.dossier.deliberation.get_ref();
        let m = &it.model.deliberation;
        let numero = d.numero.as_ref().map(|n| n.get_ref().as_str());
        let item = model::item_presence(s, numero, d.presence.as_ref());
        let now: Option<Vec<String>> = item
            .names
            .as_ref()
            .map(|n| n.iter().map(|x| (*x).to_owned()).collect());
        // The séance's movements typed before this point, in their words
        // (with their time); any other change of the names since the
        // previous point (a dossier's own arrivals and departures), worked
        // out from the attendance.
        let here: Vec<&crate::input::Mouvement> = s
            .mouvements
            .iter()
            .filter(|m| numero.is_some_and(|n| m.avant.get_ref().trim() == n.trim()))
            .collect();
        let told: Vec<&str> = here
            .iter()
            .flat_map(|m| m.arrives.iter().chain(&m.partis))
            .map(name_of)
            .collect();
        let mut phrases: Vec<String> = here
            .iter()
            .flat_map(|m| model::mouvement_phrases(m))
            .collect();
        let mouvements = match (&before, &now) {
            (Some(b), Some(n)) => {
                let untold = |v: &[String]| {
                    v.iter()
                        .filter(|x| !told.contains(&x.as_str()))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                phrases.extend(mouvements(&untold(b), &untold(n)));
                phrases
            }
            _ if !here.is_empty() => phrases,
            _ => it
                .model
                .seance
                .as_ref()
                .and_then(|x| x.changements.clone())
                .into_iter()
                .collect(),
        };
        if let (Some(o), Some(n)) = (&opening, &now) {
            for x in n {
                if !o.contains(x) && !arrives_en_seance.contains(&plain(x)) {
                    arrives_en_seance.push(plain(x));
                }
            }
        }
        if now.is_some() {
            before = now;
        }
        let vote = d.vote.as_ref().map(|v| v.get_ref());
        let detail_vote = match (vote, &m.vote) {
            (Some(v), Some(ctx)) => detail_vote(v, ctx, item.votants()),
            _ => Vec::new(),
        };
        // Who asked for the ballot is not typed: it is not stated (a secret
        // ballot is also due by law for appointments, L. 2121-21).
        let scrutin = vote.and_then(|v| v.scrutin).and_then(scrutin_phrase);
        let votes = d
            .votes
            .iter()
            .zip(&m.votes)
            .map(|(v, ctx)| VoteLigne {
                objet: ctx.objet.clone(),
                phrase: ctx.phrase.clone(),
                ne_prennent_pas_part: ctx.ne_prennent_pas_part.clone(),
                detail: self::detail_vote(v.get_ref(), ctx, item.votants()),
                votants: ctx.votants.or(item.votants()),
            })
            .collect();
        points.push(PointCtx {
            rang: i + 1,
            rang_convocation: None,
            deliberation: true,
            nature: "deliberation".to_owned(),
            ajoute: d.ajoute,
            texte: None,
            decisions: Vec::new(),
            formule: m.formule,
            visas: m.visas.clone(),
            considerants: m.considerants.clone(),
            votes,
            numero: m.numero.clone(),
            objet: m.objet.clone(),
            rapporteur: d
                .rapporteur
                .as_ref()
                .and_then(|r| r.nom.as_deref())
                .map(plain),
            commission: m.commission.clone(),
            expose: m.expose.clone(),
            propositions: m.propositions.clone(),
            articles: m.articles.clone(),
            decision: decision_of(m),
            rejete: m.rejete,
            presidence: it.model.seance.as_ref().and_then(|x| x.presidence.clone()),
            vote: m.vote.as_ref().map(|v| v.phrase.clone()),
            vote_objet: m.vote.as_ref().and_then(|v| v.objet.clone()),
            ne_prennent_pas_part: m.vote.as_ref().and_then(|v| v.ne_prennent_pas_part.clone()),
            detail_vote,
            scrutin,
            discussions: d.discussions.as_ref().map(|t| markdown(t.get_ref())),
            mouvements,
            presents: item.count,
            // Those who vote: not those who take no part.
            votants: m.vote.as_ref().and_then(|v| v.votants).or(item.votants()),
            publication: m.publication.as_ref().and_then(|p| p.publication.clone()),
        });
    }
    // The séance file's own points, at their places among the délibérations,
    // each with the attendance of the délibération before it.
    let numbers: Vec<Option<&str>> = g
        .items
        .iter()
        .map(|it| {
            it.loaded
                .dossier
                .deliberation
                .get_ref()
                .numero
                .as_ref()
                .map(|n| n.get_ref().as_str())
        })
        .collect();
    let at = places(&numbers, &s.points);
    let mut own: Vec<(usize, PointCtx)> = Vec::with_capacity(s.points.len());
    for (p, &place) in s.points.iter().zip(&at) {
        let before = place.checked_sub(1).and_then(|i| numbers[i]);
        let presence = model::item_presence(s, before, None);
        own.push((
            place,
            seance_point(p, s, &presence, &coll, g.source, &mut errs),
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut all = Vec::with_capacity(points.len() + own.len());
    let mut own = own.into_iter().peekable();
    for (i, point) in points.into_iter().enumerate() {
        while let Some((_, p)) = own.next_if(|(place, _)| *place <= i) {
            all.push(p);
        }
        all.push(point);
    }
    all.extend(own.map(|(_, p)| p));
    let mut convened = 0;
    for (i, p) in all.iter_mut().enumerate() {
        p.rang = i + 1;
        if !p.ajoute {
            convened += 1;
            p.rang_convocation = Some(convened);
        }
    }
    let points = all;
    let deliberations = || points.iter().filter(|p| p.deliberation);
    let projet = deliberations().any(|p| p.decision.is_none());
    let vote_commence = deliberations().any(|p| p.decision.is_some());
    let secretaire_en_point = s
        .points
        .iter()
        .any(|p| p.type_ == Some(crate::input::TypePoint::Secretaire));
    let ajouts: Vec<String> = points
        .iter()
        .filter(|p| p.ajoute)
        .map(|p| p.objet.clone())
        .collect();
    let destinataires = match s.presents.as_ref().map(|p| p.get_ref()) {
        Some(Presents::Noms(n)) => {
            let mut all: Vec<String> = n
                .iter()
                .map(name_of)
                .chain(s.pouvoirs.iter().map(|p| name_of(&p.get_ref().mandant)))
                .chain(s.excuses.iter().map(name_of))
                .chain(s.absents.iter().map(name_of))
                .map(plain)
                .collect();
            // Each member once: an excused member who gave a proxy is in two lists.
            let mut seen = std::collections::HashSet::new();
            all.retain(|n| seen.insert(n.clone()));
            all
        }
        _ => Vec::new(),
    };
    let c = &first.loaded.collectivite;
    // L. 2121-12: communes of 3 500 inhabitants or more (an unknown
    // population is not taken as such: `check` asks for it), and the EPCI
    // (L. 5211-1). Départements and régions follow other articles.
    let note_synthese = match c.type_.unwrap_or_default() {
        crate::input::TypeCollectivite::Commune => c.population.is_some_and(|p| p >= 3500),
        crate::input::TypeCollectivite::Epci => true,
        _ => false,
    };
    // The notes explicatives of the délibérations, by their rank in the
    // convocation's ordre du jour.
    let avec_note: Vec<String> = points
        .iter()
        .filter(|p| p.deliberation && p.expose.is_some())
        .map(|p| p.rang_convocation.unwrap_or(p.rang).to_string())
        .collect();
    let notes_jointes = match avec_note.len() {
        0 => None,
        n if n == points.iter().filter(|p| p.deliberation).count() => {
            Some("de chaque affaire soumise à délibération (les rapports)".to_owned())
        }
        1 => Some(format!("du point {} de l'ordre du jour", avec_note[0])),
        _ => Some(format!(
            "des points {} de l'ordre du jour",
            join_et(&avec_note)
        )),
    };
    let signature = g
        .items
        .iter()
        .find_map(|i| i.loaded.dossier.deliberation.get_ref().signature.clone())
        .unwrap_or_default();
    let ville = c.ville.as_deref().map(plain);
    let numeros_liste: Vec<String> = points.iter().filter_map(|p| p.numero.clone()).collect();
    let numeros = match numeros_liste.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [a, .., b] => Some(format!("{a} à {b}")),
    };
    Ok(SeanceModel {
        feuillet: s.feuillet.as_ref().map(|f| *f.get_ref()),
        secretaire_en_point,
        ajouts,
        quorum,
        projet,
        vote_commence,
        proces_verbal_arrete,
        liste_publiee,
        destinataires,
        note_synthese,
        rapports: points.iter().any(|p| p.expose.is_some()),
        notes_jointes,
        signataire_qualite: signature
            .qualite
            .as_deref()
            .map(plain)
            .unwrap_or_else(|| first.model.deliberation.signature_qualite.clone()),
        signataire_nom: signature
            .nom
            .as_deref()
            .map(plain)
            .or_else(|| first.model.deliberation.signature_nom.clone()),
        fait_a_convocation: match (&ville, &ouverture.convocation) {
            (Some(v), Some(c)) => Some(format!("Fait à {v}, le {c}")),
            _ => None,
        },
        fait_a: ville.map(|v| format!("Fait à {v}, le {}", ouverture.date_longue)),
        numeros,
        numeros_liste,
        arrives_en_seance,
        points,
        seance: ouverture,
        collectivite: coll,
    })
}

/// "Arrivée de M. HOUPERT.", "Départ de Mme DURAND." between two items.
fn mouvements(before: &[String], now: &[String]) -> Vec<String> {
    let arrived: Vec<String> = now
        .iter()
        .filter(|n| !before.contains(n))
        .map(|n| plain(n))
        .collect();
    let left: Vec<String> = before
        .iter()
        .filter(|n| !now.contains(n))
        .map(|n| plain(n))
        .collect();
    let mut out = Vec::new();
    if !arrived.is_empty() {
        out.push(format!(
            "{} {} en séance avant l'examen de ce point.",
            join_et(&arrived),
            if arrived.len() > 1 {
                "entrent"
            } else {
                "entre"
            }
        ));
    }
    if !left.is_empty() {
        out.push(format!(
            "{} {} la séance avant l'examen de ce point.",
            join_et(&left),
            if left.len() > 1 { "quittent" } else { "quitte" }
        ));
    }
    out
}

/// The names behind a vote: against, abstaining, and « the others voted
/// for » when that is true: every one against or abstaining is named, and
/// pour + contre + abstentions + those not taking part make the votants of
/// the point (`votants`: présents + pouvoirs at that point).
fn detail_vote(
    v: &crate::input::Vote,
    counted: &model::VoteCtx,
    votants: Option<u32>,
) -> Vec<String> {
    let names = |l: &[crate::input::Text]| l.iter().map(|s| plain(name_of(s))).collect::<Vec<_>>();
    let mut out = Vec::new();
    if !v.contre_noms.is_empty() {
        out.push(format!(
            "Ont voté contre\u{a0}: {}.",
            join_et(&names(&v.contre_noms))
        ));
    }
    if !v.abstentions_noms.is_empty() {
        out.push(format!(
            "Se sont abstenus\u{a0}: {}.",
            join_et(&names(&v.abstentions_noms))
        ));
    }
    let (c, a) = (
        counted.contre.unwrap_or(0),
        counted.abstentions.unwrap_or(0),
    );
    let all_named = model::named_count(&v.contre_noms).unwrap_or(0) == c
        && model::named_count(&v.abstentions_noms).unwrap_or(0) == a
        && !v
            .contre_noms
            .iter()
            .chain(&v.abstentions_noms)
            .any(|n| crate::members::is_group(n.get_ref()));
    let npp = v.ne_prennent_pas_part.len() as u32;
    let adds_up = matches!(
        (counted.votants, votants),
        (Some(voters), Some(all)) if voters + npp == all
    );
    if !out.is_empty() && all_named && adds_up {
        out.push(if npp == 0 {
            "Ont voté pour\u{a0}: les autres membres présents ou représentés.".to_owned()
        } else {
            "Ont voté pour\u{a0}: les autres membres présents ou représentés prenant part au vote."
                .to_owned()
        });
    }
    out
}

/// The séance documents this séance calls for: the convocation always; the
/// liste, the procès-verbal and the register sheet once an item is voted.
pub fn documents(m: &SeanceModel) -> Vec<SeanceDoc> {
    SeanceDoc::ALL
        .into_iter()
        .filter(|d| *d == SeanceDoc::Convocation || m.vote_commence)
        .collect()
}

/// Title, footer and draft flag of a séance document.
fn meta(m: &SeanceModel, d: SeanceDoc) -> Meta {
    let c = unescape(&m.collectivite.nom);
    let date = unescape(&m.seance.date_longue);
    let name = match d {
        SeanceDoc::Convocation => "Convocation",
        SeanceDoc::Liste if !m.seance.depuis_2022 => "Compte rendu",
        SeanceDoc::Liste => "Liste des délibérations",
        SeanceDoc::ProcesVerbal => "Procès-verbal",
        SeanceDoc::Registre => "Registre des délibérations",
    };
    // A register sheet carries its number (R. 2121-9).
    let sheet = match (d, m.feuillet) {
        (SeanceDoc::Registre, Some(n)) => format!(" – feuillet n° {n}"),
        _ => String::new(),
    };
    Meta {
        title: format!("{name} – séance du {date}"),
        footer: format!("{c} – {name} – séance du {date}{sheet}"),
        draft: m.projet && matches!(d, SeanceDoc::ProcesVerbal | SeanceDoc::Registre),
        logo: None,
        author: c.clone(),
        subject: format!("Séance du {date}"),
        // The séance's day, as for the acts: never the clock.
        date: (m.seance.date.len() == 10).then(|| format!("{}T00:00:00", m.seance.date)),
        // Signed by hand on paper; no electronic signature fields.
        signature_fields: false,
    }
}

/// The Markdown of one séance document and its metadata.
pub fn markdown_of(
    m: &SeanceModel,
    d: SeanceDoc,
    templates: &Templates,
) -> Result<(String, Meta), Diagnostic> {
    let ctx = tera::Context::from_serialize(m).map_err(|_| {
        Diagnostic::error(
            "modele",
            "le modèle de données ne peut pas être préparé pour les modèles",
        )
    })?;
    let md = build::tidy(&templates.render(d.template(), &ctx)?);
    Ok((md, meta(m, d)))
}

/// Renders one séance document in the given formats.
pub fn render_doc(
    m: &SeanceModel,
    d: SeanceDoc,
    templates: &Templates,
    formats: &[Format],
    logo: Option<&crate::doc::Logo>,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let (md, mut meta) = markdown_of(m, d, templates)?;
    meta.logo = logo.cloned();
    Ok(crate::build::files_of(
        d.stem(),
        md,
        meta,
        templates.css(),
        formats,
    ))
}

/// `recueil.pdf`: a cover and a table of contents, then every délibération
/// of the séance in order, each followed by its conventions and annexes,
/// with one bookmark per document (an act's documents below it) and page
/// numbers running through the whole file.
pub fn recueil(g: &Group, templates: &Templates) -> Result<Vec<u8>, Diagnostic> {
    let acts: Vec<(&Model, Option<&[Partner]>)> =
        g.items.iter().map(|i| (i.model, i.partners)).collect();
    recueil_of(&acts, templates)
}

/// [`recueil`] from the acts alone (model and partners of each, in the
/// order of the ordre du jour): what `serve` keeps to make the PDF on
/// first request.
pub fn recueil_of(
    acts: &[(&Model, Option<&[Partner]>)],
    templates: &Templates,
) -> Result<Vec<u8>, Diagnostic> {
    let (parts, title) = recueil_parts_of(acts, templates)?;
    let first = acts.first().map(|a| a.0);
    let meta = parts.first().map(|p| p.document.meta.clone());
    let front = |entries: &[crate::render::pdf::Entry]| match (first, &meta) {
        (Some(m), Some(meta)) => recueil_front(m, meta, entries),
        _ => Vec::new(),
    };
    Ok(crate::render::pdf::render_many(
        &parts,
        &title,
        Some(&front),
    ))
}

/// The cover (collectivité, assembly, séance) and the table of contents
/// (every document with the page it starts on) of `recueil.pdf`, made
/// from the first act's model and its metadata, and the entries of the
/// collection's parts. Page numbers are printed as the layout gives them.
fn recueil_front(
    m: &Model,
    first: &doc::Meta,
    entries: &[crate::render::pdf::Entry],
) -> Vec<crate::render::pdf::Part> {
    let c = &m.collectivite;
    let date = m
        .seance
        .as_ref()
        .map(|s| s.date_avec_jour.clone())
        .unwrap_or_default();
    let mut cover = String::from("<div class=\"centre\">\n\n**RÉPUBLIQUE FRANÇAISE**");
    if let Some(d) = &c.du_departement {
        cover.push_str(&format!("\\\nDépartement {d}"));
    }
    cover.push_str(&format!(
        "\n\n# {}\n\n## RECUEIL DES ACTES\n\n{}\n\nSéance du {date}\n\n</div>\n",
        c.nom, c.assemblee
    ));
    let mut toc = String::from("# SOMMAIRE\n\n| Document | Page |\n|:---|---:|\n");
    for e in entries {
        let title = crate::escape::plain(&e.title).replace('|', "\\|");
        let title = if e.level > 0 {
            format!("\u{a0}\u{a0}\u{a0}\u{a0}{title}")
        } else {
            format!("**{title}**")
        };
        toc.push_str(&format!("| {title} | {} |\n", e.page));
    }
    let name = unescape(&c.nom);
    let when = unescape(&date);
    let meta = |footer: &str| doc::Meta {
        title: format!("Recueil des actes – {name} – séance du {when}"),
        footer: format!("{name} – Recueil des actes – {footer}"),
        draft: false,
        logo: None,
        signature_fields: false,
        ..first.clone()
    };
    vec![
        crate::render::pdf::Part {
            document: doc::parse(&build::tidy(&cover), meta("page de titre")),
            title: "Page de titre".to_owned(),
            level: 0,
        },
        crate::render::pdf::Part {
            document: doc::parse(&build::tidy(&toc), meta("sommaire")),
            title: "Sommaire".to_owned(),
            level: 0,
        },
    ]
}

/// What the acts of `recueil.pdf` are made of: every document of every
/// act, parsed, with its bookmark, and the file's title (laid out only when
/// the PDF is asked).
pub fn recueil_parts_of(
    acts: &[(&Model, Option<&[Partner]>)],
    templates: &Templates,
) -> Result<(Vec<crate::render::pdf::Part>, String), Diagnostic> {
    let mut parts = Vec::new();
    for &(model, with) in acts {
        let base = build::context(model)?;
        let partners = with.unwrap_or(&[]);
        let d = &model.deliberation;
        let act = match &d.numero {
            Some(n) => format!("N° {} – {}", unescape(n), unescape(&d.objet)),
            None => unescape(&d.objet),
        };
        for (k, doc) in build::documents(model, with)
            .into_iter()
            .filter(|x| x.kind != Kind::Rapport)
            .enumerate()
        {
            let (md, meta) = build::markdown_of(model, &base, partners, &doc, templates)?;
            let title = if k == 0 {
                build::shorten(&act, 120)
            } else {
                outline_title(model, partners, &doc)
            };
            parts.push(crate::render::pdf::Part {
                document: doc::parse(&md, meta),
                title,
                level: usize::from(k > 0),
            });
        }
    }
    let title = format!(
        "Recueil des actes – {} – séance du {}",
        acts.first()
            .map(|a| unescape(&a.0.collectivite.nom))
            .unwrap_or_default(),
        acts.first()
            .and_then(|a| a.0.seance.as_ref())
            .map(|s| unescape(&s.date_longue))
            .unwrap_or_default()
    );
    Ok((parts, title))
}

fn outline_title(m: &Model, partners: &[Partner], d: &Doc) -> String {
    match d.kind {
        Kind::Convention(Some(i)) => format!(
            "Convention – {}",
            partners.get(i).map(|p| p.partie.nom.as_str()).unwrap_or("")
        ),
        Kind::Convention(None) if !partners.is_empty() => format!(
            "Modèle de convention – {}",
            m.convention
                .as_ref()
                .map(|c| build::shorten(&unescape(&c.titre), 80))
                .unwrap_or_default()
        ),
        Kind::Convention(None) => format!(
            "Convention – {}",
            m.convention
                .as_ref()
                .map(|c| build::shorten(&unescape(&c.titre), 80))
                .unwrap_or_default()
        ),
        Kind::Annexe(n) => format!(
            "Annexe {n} – {}",
            m.annexes
                .get(n - 1)
                .map(|a| unescape(&a.titre))
                .unwrap_or_default()
        ),
        _ => unescape(&m.deliberation.objet),
    }
}

/// Every output of a séance, in memory: `stem.ext` names inside the
/// séance's folder, in a fixed order (the documents it calls for, then
/// `recueil.pdf` with the PDF format). The documents render in parallel;
/// the bytes do not depend on the number of threads.
pub fn render_all(
    g: &Group,
    templates: &Templates,
    formats: &[Format],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let m = build(g)?;
    let logo = g.items.first().and_then(|i| i.model.logo.as_ref());
    let (docs, recueil) = rayon::join(
        || {
            documents(&m)
                .into_par_iter()
                .map(|d| render_doc(&m, d, templates, formats, logo))
                .collect::<Vec<_>>()
        },
        || {
            formats
                .contains(&Format::Pdf)
                .then(|| recueil(g, templates))
        },
    );
    let mut out = Vec::new();
    for d in docs {
        out.extend(d.map_err(|e| vec![e])?);
    }
    if let Some(r) = recueil {
        out.push(OutputFile {
            name: format!("{RECUEIL}.pdf"),
            bytes: r.map_err(|e| vec![e])?,
        });
    }
    Ok(out)
}

/// The séance-level checks, across every loaded dossier: numbering gaps,
/// items without a vote once the procès-verbal is due, attendance of an item
/// contradicting the séance, one séance spelled as two files.
pub fn check(items: &[&Loaded], complete: &[PathBuf]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<PathBuf, Vec<&Loaded>> = BTreeMap::new();
    for l in items {
        if let Some(k) = key_of(l) {
            groups.entry(k).or_default().push(l);
        }
    }
    for (key, list) in groups.iter_mut() {
        list.sort_by_key(|l| order_key(l));
        gaps(list, &mut out);
        unvoted(list, &mut out);
        dates(list, &mut out);
        let whole = complete.contains(key)
            || list
                .iter()
                .all(|l| matches!(l.dossier.seance, Some(crate::input::SeanceRef::Inline(_))));
        movements(list, whole, &mut out);
        numbers(list, &mut out);
        presidence(list, &mut out);
        own_points(list, whole, &mut out);
        for l in list.iter() {
            attendance(l, &mut out);
        }
    }
    spelling(&groups, &mut out);
    out
}

/// The séance's `[[mouvements]]`, once for the séance: each placed before a
/// point of the séance (when every dossier of the séance is known:
/// `whole`), each arrival of someone not present then, each departure of
/// someone present then.
fn movements(list: &[&Loaded], whole: bool, out: &mut Vec<Diagnostic>) {
    let Some(l) = list.first() else { return };
    let Some((s, src)) = &l.seance else { return };
    if s.mouvements.is_empty() {
        return;
    }
    let numbers: Vec<&str> = list
        .iter()
        .filter_map(|l| l.dossier.deliberation.get_ref().numero.as_ref())
        .map(|n| n.get_ref().trim())
        .collect();
    if whole {
        for m in &s.mouvements {
            let avant = m.avant.get_ref().trim();
            if numbers.contains(&avant) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    "mouvement-point-inconnu",
                    format!("aucun point de la séance n'a le numéro « {avant} »"),
                )
                .at(src, m.avant.span())
                .hint(match crate::diag::closest(avant, numbers.iter().copied()) {
                    Some(n) => format!("vouliez-vous dire « {n} » ?"),
                    None => "avant = le numéro de la délibération avant laquelle le membre arrive ou part, écrit comme dans son dossier".to_owned(),
                }),
            );
        }
    }
    let Some(Presents::Noms(presents)) = s.presents.as_ref().map(|x| x.get_ref()) else {
        return;
    };
    // Who sits, movement after movement, in the order of the ordre du jour.
    let mut sitting: Vec<&str> = presents.iter().map(name_of).collect();
    let mut moves: Vec<&crate::input::Mouvement> = s.mouvements.iter().collect();
    moves.sort_by_key(|m| model::rank(m.avant.get_ref()));
    for m in moves {
        let avant = m.avant.get_ref().trim();
        for who in &m.partis {
            let n = name_of(who);
            if let Some(i) = sitting.iter().position(|x| *x == n) {
                sitting.remove(i);
            } else {
                out.push(
                    Diagnostic::error(
                        "presence-contradictoire",
                        format!("« {n} » quitte la séance avant le point {avant}, mais n'y siège pas"),
                    )
                    .at(src, who.span())
                    .hint("partis ne nomme que des membres présents à ce moment : présents à l'ouverture, ou arrivés avant ; vérifiez l'orthographe du nom"),
                );
            }
        }
        for who in &m.arrives {
            let n = name_of(who);
            if sitting.contains(&n) {
                out.push(
                    Diagnostic::error(
                        "presence-contradictoire",
                        format!("« {n} » entre en séance avant le point {avant}, mais y siège déjà"),
                    )
                    .at(src, who.span())
                    .hint("arrives ne nomme que des membres absents à ce moment (absents ou représentés à l'ouverture, ou partis avant)"),
                );
            } else {
                sitting.push(n);
            }
        }
    }
}

/// The séance file's own points (`[[points]]`), once for the séance: each
/// has an objet (typed, or from its type), is placed before a délibération
/// of the séance (`avant`, checked when every dossier is known: `whole`),
/// and its vote adds up with the attendance where it is held.
fn own_points(list: &[&Loaded], whole: bool, out: &mut Vec<Diagnostic>) {
    let Some(l) = list.first() else { return };
    let Some((s, src)) = &l.seance else { return };
    if s.points.is_empty() {
        return;
    }
    let numbers: Vec<Option<&str>> = list
        .iter()
        .map(|l| {
            l.dossier
                .deliberation
                .get_ref()
                .numero
                .as_ref()
                .map(|n| n.get_ref().as_str())
        })
        .collect();
    let known: Vec<&str> = numbers.iter().flatten().map(|n| n.trim()).collect();
    for (p, place) in s.points.iter().zip(places(&numbers, &s.points)) {
        if p.type_.is_none()
            && p.objet
                .as_ref()
                .is_none_or(|o| o.get_ref().trim().is_empty())
        {
            let d = Diagnostic::error(
                "point-sans-objet",
                "un point de la séance n'a ni objet ni type",
            );
            let d = match p.texte.as_ref().or(p.avant.as_ref()) {
                Some(t) => d.at(src, t.span()),
                None => d.in_file(src),
            };
            out.push(d.hint("ajoutez objet = \"…\", ou type = \"approbation_pv\", \"secretaire\", \"decisions\", \"information\" ou \"questions_diverses\""));
        }
        if whole
            && let Some(a) = &p.avant
            && !known.contains(&a.get_ref().trim())
        {
            out.push(
                Diagnostic::error(
                    "point-avant-inconnu",
                    format!("aucune délibération de la séance n'a le numéro « {} »", a.get_ref().trim()),
                )
                .at(src, a.span())
                .hint(match crate::diag::closest(a.get_ref().trim(), known.iter().copied()) {
                    Some(n) => format!("vouliez-vous dire « {n} » ?"),
                    None => "avant = le numéro de la délibération avant laquelle ce point est examiné, écrit comme dans son dossier".to_owned(),
                }),
            );
        }
        if let Some(v) = &p.vote {
            let before = place.checked_sub(1).and_then(|i| numbers[i]);
            let at = model::item_presence(s, before, None);
            out.extend(crate::check::vote_findings(v, src, &at));
        }
    }
}

/// Every act of a séance file has a number: the register sheet recalls the
/// numéros d'ordre (R. 2121-9), and the séance's movements are placed by
/// them (then a number is needed: error).
fn numbers(list: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let Some(first) = list.first() else { return };
    // An inline [seance] is one act's, often an extract: no register sheet.
    if !matches!(
        first.dossier.seance,
        Some(crate::input::SeanceRef::Fichier(_))
    ) {
        return;
    }
    let moves = first
        .seance
        .as_ref()
        .is_some_and(|(s, _)| !s.mouvements.is_empty());
    for l in list {
        let d = l.dossier.deliberation.get_ref();
        if d.numero
            .as_ref()
            .is_some_and(|n| !n.get_ref().trim().is_empty())
        {
            continue;
        }
        let diag = if moves {
            Diagnostic::error(
                "numero-manquant",
                "la délibération n'a pas de numéro, mais la séance a des arrivées et départs ([[mouvements]]) placés par numéro",
            )
            .hint("ajoutez numero = \"…\" dans [deliberation] : il situe le point dans l'ordre du jour, et le feuillet de clôture du registre le rappelle (art. R. 2121-9)")
        } else {
            Diagnostic::warning(
                "numero-manquant",
                "la délibération n'a pas de numéro d'ordre : le feuillet de clôture du registre ne peut pas le rappeler",
            )
            .hint("ajoutez numero = \"…\" dans [deliberation] (art. R. 2121-9 : le registre rappelle les numéros d'ordre des délibérations de la séance)")
        };
        let at = crate::check::header_span(&l.source.text, "deliberation");
        out.push(diag.at(&l.source, at.unwrap_or(d.objet.span())));
    }
}

/// The séance file's own dates: the liste displayed within a week
/// (L. 2121-25), the procès-verbal adopted at a later séance (L. 2121-15).
fn dates(list: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let Some(l) = list.first() else { return };
    let Some((s, src)) = &l.seance else { return };
    let Some(seance) = to_date(&s.date) else {
        return;
    };
    let mut errs = Vec::new();
    convocation_delay(l, s, src, seance, out);
    if let Some(t) = &s.liste_publiee
        && let Some(d) = model::date(t, src, &mut errs)
    {
        if d < seance {
            out.push(
                Diagnostic::error(
                    "date-liste",
                    "la liste des délibérations est publiée avant la séance",
                )
                .at(src, t.span())
                .hint("la liste est affichée et mise en ligne après la séance ; vérifiez le jour et le mois"),
            );
        } else if seance.days_until(d) > 7 {
            out.push(
                Diagnostic::warning(
                    "delai-liste",
                    format!(
                        "liste des délibérations publiée {} jours après la séance, au-delà d'une semaine",
                        seance.days_until(d)
                    ),
                )
                .at(src, t.span())
                .hint("art. L. 2121-25 : la liste est affichée à la mairie et mise en ligne dans un délai d'une semaine"),
            );
        }
    }
    if let Some(t) = &s.proces_verbal_arrete
        && let Some(d) = model::date(t, src, &mut errs)
        && d <= seance
    {
        out.push(
            Diagnostic::error(
                "date-proces-verbal",
                "le procès-verbal est arrêté au plus tôt lors de la séance suivante",
            )
            .at(src, t.span())
            .hint("art. L. 2121-15 : indiquez la date de la séance, postérieure, où le procès-verbal a été arrêté"),
        );
    }
    // A date-time or a time alone: reported once for the séance.
    out.extend(errs);
}

/// The convocation sent at least 3 clear days before the séance, 5 in
/// communes of 3 500 inhabitants or more (L. 2121-11, L. 2121-12): once per
/// séance, on its first dossier, however many dossiers name it. A
/// convocation not before the séance is each dossier's error (`check`). A
/// commune whose population is unknown is not taken as either: the delay of
/// 3 days is checked, and `population-inconnue` asks for the population
/// whenever it decides something (the delay, the note de synthèse).
fn convocation_delay(
    l: &Loaded,
    s: &Seance,
    src: &Arc<Source>,
    seance: Date,
    out: &mut Vec<Diagnostic>,
) {
    let commune =
        l.collectivite.type_.unwrap_or_default() == crate::input::TypeCollectivite::Commune;
    let inline = matches!(l.dossier.seance, Some(crate::input::SeanceRef::Inline(_)));
    let conv = s.convocation.as_ref().and_then(|c| Some((c, to_date(c)?)));
    let francs = conv.map(|(_, d)| d.days_until(seance) - 1);
    let population = l.collectivite.population;
    // The population decides the delay between 3 and 5 clear days, and the
    // convocation (made for a séance file) says whether notes are joined.
    if commune && population.is_none() && (!inline || francs.is_some_and(|f| (3..5).contains(&f))) {
        let diag = Diagnostic::warning(
            "population-inconnue",
            "population de la commune inconnue : le délai de convocation (3 ou 5 jours francs) et la note explicative de synthèse en dépendent",
        );
        let diag = match (&s.convocation, l.projet.as_ref()) {
            (Some(c), _) => diag.at(src, c.span()),
            (None, Some((_, p))) => diag.in_file(p),
            (None, None) => diag.at(src, s.date.span()),
        };
        out.push(diag.hint(
            "ajoutez population = … (nombre d'habitants) dans [collectivite] de delib.toml : dès 3 500 habitants, 5 jours francs et une note de synthèse par affaire (art. L. 2121-11, L. 2121-12)",
        ));
    }
    let (Some((c, conv)), Some(francs)) = (conv, francs) else {
        return;
    };
    if conv >= seance {
        return;
    }
    let large = match (commune, population) {
        (true, Some(p)) => Some(p >= 3500),
        (true, None) => None,
        (false, _) => Some(false),
    };
    let needed = if large == Some(true) { 5 } else { 3 };
    if francs < needed {
        let article = if large == Some(true) {
            "L. 2121-12"
        } else {
            "L. 2121-11"
        };
        let pl = if francs > 1 { "s" } else { "" };
        let unknown = if large.is_none() {
            " (5 dès 3 500 habitants)"
        } else {
            ""
        };
        out.push(
            Diagnostic::warning(
                "delai-convocation",
                format!("convocation {francs} jour{pl} franc{pl} avant la séance, il en faut {needed}{unknown}"),
            )
            .at(src, c.span())
            .hint(format!(
                "art. {article} ; en cas d'urgence le délai peut être abrégé à un jour franc, le maire en rend compte à l'ouverture de la séance (l'outil ne peut pas le savoir)"
            )),
        );
    }
}

/// A gap in the numbering of a séance's deliberations (same prefix).
fn gaps(list: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let mut by_prefix: BTreeMap<String, Vec<(u64, &Loaded, &crate::input::Text)>> = BTreeMap::new();
    for l in list {
        if let Some(n) = &l.dossier.deliberation.get_ref().numero
            && let Some((p, k)) = split_numero(n.get_ref())
        {
            by_prefix.entry(p.to_owned()).or_default().push((k, l, n));
        }
    }
    for (prefix, mut v) in by_prefix {
        v.sort_by_key(|x| x.0);
        for w in v.windows(2) {
            let (a, _, na) = w[0];
            let (b, l, nb) = w[1];
            if b > a + 1 {
                // Keep the zero padding of the numbers as written ("…/02").
                let w = nb.get_ref().trim().len() - prefix.len();
                let missing = if b == a + 2 {
                    format!("il manque le n° {prefix}{:0w$}", a + 1)
                } else {
                    format!(
                        "il manque les n° {prefix}{:0w$} à {prefix}{:0w$}",
                        a + 1,
                        b - 1
                    )
                };
                out.push(
                    Diagnostic::warning(
                        "numero-discontinu",
                        format!(
                            "numérotation discontinue dans la séance : « {} » suit « {} » ({missing})",
                            nb.get_ref().trim(),
                            na.get_ref().trim()
                        ),
                    )
                    .at(&l.source, nb.span())
                    .hint("les délibérations d'une séance se suivent sans trou ; ajoutez le dossier manquant ou corrigez le numéro"),
                );
            }
        }
    }
}

/// Once an item is voted the procès-verbal is due: every item needs its vote.
fn unvoted(list: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let voted = list
        .iter()
        .any(|l| model::voted(l.dossier.deliberation.get_ref()));
    let arrete = list
        .first()
        .and_then(|l| l.seance.as_ref())
        .and_then(|(s, _)| s.proces_verbal_arrete.as_ref());
    if !voted && arrete.is_none() {
        return;
    }
    for l in list {
        let d = l.dossier.deliberation.get_ref();
        if model::voted(d) {
            continue;
        }
        let span = d.numero.as_ref().map_or(d.objet.span(), |n| n.span());
        let diag = if arrete.is_some() {
            Diagnostic::error(
                "pv-point-sans-vote",
                "ce point n'a pas de vote, mais le procès-verbal de la séance est arrêté",
            )
        } else {
            Diagnostic::warning(
                "pv-point-sans-vote",
                "ce point n'a pas de vote : le procès-verbal de la séance reste un projet",
            )
        };
        out.push(
            diag.at(&l.source, span)
                .hint("ajoutez [deliberation.vote] (unanimite = true, ou les nombres pour, contre, abstentions), ou retirez le point de la séance"),
        );
    }
}

/// Who presides: a président whose qualité cannot be known (once per
/// séance), an item's own président present for it, a compte administratif
/// not voted under the maire's présidence (L. 2121-14).
fn presidence(list: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let Some(first) = list.first() else { return };
    let Some((s, src)) = &first.seance else {
        return;
    };
    let coll = &first.collectivite;
    let executif = coll.executif.as_deref();
    let titre = model::executif_titre(coll.type_.unwrap_or_default());
    let ouverture = model::presidence_of(
        s.president.as_ref().map(name_of),
        s.president_qualite.as_deref(),
        false,
        executif,
        titre,
    );
    let no_qualite = |who: &crate::input::Text, src: &Arc<Source>, field: &str| {
        Diagnostic::warning(
            "president-qualite",
            format!(
                "« {} » préside, mais n'est pas « {} » ([collectivite] executif) : sa qualité n'est pas connue",
                name_of(who),
                executif.unwrap_or_default()
            ),
        )
        .at(src, who.span())
        .hint(format!(
            "ajoutez {field} = \"…\" (ex. « Premier adjoint », « doyen d'âge ») : rien n'imprime « {titre} » après son nom s'il ne l'est pas"
        ))
    };
    if let Some(p) = &s.president
        && ouverture.qualite.is_empty()
    {
        out.push(no_qualite(p, src, "president_qualite"));
    }
    for l in list {
        let d = l.dossier.deliberation.get_ref();
        let item = d.president.as_ref().map(|p| {
            let pr = model::presidence_of(
                Some(name_of(p)),
                d.president_qualite.as_deref(),
                true,
                executif,
                titre,
            );
            (p, pr)
        });
        if let Some((p, pr)) = &item {
            let numero = d.numero.as_ref().map(|n| n.get_ref().as_str());
            let presence = model::item_presence(s, numero, d.presence.as_ref());
            if presence.names.is_some() && !presence.is_present(name_of(p)) {
                out.push(
                    Diagnostic::error(
                        "president-absent",
                        format!(
                            "le président de ce point, « {} », n'est pas présent à ce point",
                            name_of(p)
                        ),
                    )
                    .at(&l.source, p.span())
                    .hint("écrivez le nom exactement comme dans presents (ou arrives de ce point)"),
                );
            }
            if pr.qualite.is_empty() && executif.is_some() {
                out.push(no_qualite(
                    p,
                    &l.source,
                    "president_qualite (dans [deliberation])",
                ));
            }
        }
        let maire_preside = item.as_ref().map_or(ouverture.maire, |(_, pr)| pr.maire);
        if maire_preside
            && d.objet
                .get_ref()
                .to_lowercase()
                .contains("compte administratif")
        {
            out.push(
                Diagnostic::warning(
                    "presidence-compte-administratif",
                    format!("le compte administratif est voté sous la présidence du {}", titre.to_lowercase()),
                )
                .at(&l.source, d.president.as_ref().map_or(d.objet.span(), |p| p.span()))
                .hint("art. L. 2121-14 : pour ce point le conseil élit son président et le maire se retire au moment du vote ; indiquez president = \"…\" et president_qualite dans [deliberation], et le départ du maire dans [[mouvements]] du fichier de séance (partis, avant = ce point)"),
            );
        }
    }
}

/// An item's arrivals and departures checked against the séance's attendance.
fn attendance(l: &Loaded, out: &mut Vec<Diagnostic>) {
    let Some((s, _)) = &l.seance else { return };
    let Some(p) = &l.dossier.deliberation.get_ref().presence else {
        return;
    };
    let Some(Presents::Noms(presents)) = s.presents.as_ref().map(|x| x.get_ref()) else {
        return;
    };
    let present = |n: &str| presents.iter().any(|x| name_of(x) == n);
    for who in &p.arrives {
        let n = name_of(who);
        let represented = s
            .pouvoirs
            .iter()
            .find(|x| name_of(&x.get_ref().mandant) == n);
        let msg = if present(n) {
            Some((
                format!(
                    "« {n} » arrive pendant la séance, mais figure déjà parmi les présents de l'ouverture"
                ),
                "retirez ce nom de arrives, ou des présents du fichier de séance s'il est arrivé en retard",
            ))
        } else if let Some(pv) = represented {
            let to = pv
                .get_ref()
                .mandataire
                .as_ref()
                .map(|m| format!(" à {}", name_of(m)))
                .unwrap_or_default();
            Some((
                format!(
                    "« {n} » arrive pendant la séance, mais son pouvoir{to} compterait encore : il voterait deux fois"
                ),
                "un membre représenté qui arrive vote lui-même : retirez son pouvoir du fichier de séance et donnez-le dans [deliberation.presence] pouvoirs des seuls points votés avant son arrivée",
            ))
        } else {
            None
        };
        if let Some((m, h)) = msg {
            out.push(
                Diagnostic::error("presence-contradictoire", m)
                    .at(&l.source, who.span())
                    .hint(h),
            );
        }
    }
    for who in &p.partis {
        let n = name_of(who);
        if !present(n) {
            out.push(
                Diagnostic::error(
                    "presence-contradictoire",
                    format!("« {n} » quitte la séance, mais n'était pas présent à l'ouverture"),
                )
                .at(&l.source, who.span())
                .hint("partis ne nomme que des présents de l'ouverture ; un membre arrivé puis reparti n'est simplement pas dans arrives"),
            );
        }
    }
}

/// Two séance files for the same date and collectivité: one séance spelled two ways.
fn spelling(groups: &BTreeMap<PathBuf, Vec<&Loaded>>, out: &mut Vec<Diagnostic>) {
    let mut by_date: HashMap<(Date, PathBuf), Vec<(&PathBuf, &Loaded)>> = HashMap::new();
    for (file, list) in groups {
        let Some(l) = list.first() else { continue };
        // An inline [seance] is a séance of its own act: there is no file to misspell.
        let Some(crate::input::SeanceRef::Fichier(_)) = &l.dossier.seance else {
            continue;
        };
        let Some((s, _)) = &l.seance else { continue };
        let Some(d) = to_date(&s.date) else { continue };
        by_date
            .entry((d, l.root.clone()))
            .or_default()
            .push((file, l));
    }
    let mut found: Vec<_> = by_date.into_values().filter(|v| v.len() > 1).collect();
    found.sort_by(|a, b| a[0].0.cmp(b[0].0));
    for v in found {
        let (first_file, _) = v[0];
        for (file, _) in &v[1..] {
            for l in &groups[*file] {
                let diag = Diagnostic::warning(
                    "seance-orthographe",
                    format!(
                        "deux fichiers de séance pour la même date : {} et {}",
                        short(first_file, &l.root),
                        short(file, &l.root)
                    ),
                );
                let diag = match &l.dossier.seance {
                    Some(crate::input::SeanceRef::Fichier(t)) => diag.at(&l.source, t.span()),
                    _ => diag.in_file(&l.source),
                };
                out.push(diag.hint(
                    "les dossiers d'une même séance nomment le même fichier de séance ; vérifiez l'orthographe du chemin",
                ));
            }
        }
    }
}

fn short(p: &Path, root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    p.strip_prefix(&root).unwrap_or(p).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_split_into_prefix_and_rank() {
        assert_eq!(split_numero("2016-06-27/12"), Some(("2016-06-27/", 12)));
        assert_eq!(split_numero(" DEL-007 "), Some(("DEL-", 7)));
        assert_eq!(split_numero("2016-06-27/"), None);
        assert_eq!(split_numero("12345678901234"), None);
    }

    #[test]
    fn arrivals_and_departures_between_two_items() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            mouvements(&s(&["A", "B"]), &s(&["A", "B", "C"])),
            ["C entre en séance avant l'examen de ce point."]
        );
        assert_eq!(
            mouvements(&s(&["A", "B", "C"]), &s(&["C", "D", "E"])),
            [
                "D et E entrent en séance avant l'examen de ce point.",
                "A et B quittent la séance avant l'examen de ce point."
            ]
        );
        assert!(mouvements(&s(&["A"]), &s(&["A"])).is_empty());
    }

    #[test]
    fn a_named_vote_lists_against_abstaining_and_the_others_for_when_true() {
        let name = |n: &str| toml::Spanned::new(0..0, n.to_owned());
        let v = crate::input::Vote {
            pour: Some(toml::Spanned::new(0..0, 7)),
            contre_noms: vec![name("M. A"), name("Mme B")],
            abstentions_noms: vec![name("M. C")],
            ..Default::default()
        };
        let coll = crate::model::tests_support::coll();
        let ctx = crate::model::vote(&v, Some(10), &coll);
        assert_eq!(
            detail_vote(&v, &ctx, Some(10)),
            [
                "Ont voté contre\u{a0}: M.\u{a0}A et Mme\u{a0}B.",
                "Se sont abstenus\u{a0}: M.\u{a0}C.",
                "Ont voté pour\u{a0}: les autres membres présents ou représentés."
            ]
        );
        // 7 + 2 + 1 is not the 11 votants: who the others are is not known.
        assert_eq!(detail_vote(&v, &ctx, Some(11)).len(), 2);
        let none = crate::input::Vote::default();
        assert!(
            detail_vote(&none, &crate::model::vote(&none, Some(10), &coll), Some(10)).is_empty()
        );
    }
}
