//! The séance: its model, made from the séance file and the dossiers that
//! name it. Pure: no I/O (the séance files were read by `load`), nothing
//! written, nothing rendered here.
//!
//! Dossiers are grouped by séance file (an inline `[seance]` is a séance of
//! one act), ordered by their number, and give the [`SeanceModel`] every
//! séance document prints: the convocation with its ordre du jour (CGCT
//! L. 2121-10 to L. 2121-12), the liste des délibérations (L. 2121-25), the
//! procès-verbal (L. 2121-15), the closing sheet of the register
//! (R. 2121-9). Those documents and `recueil.pdf` are made in [`documents`];
//! the séance's checks are with the other checks (`check::seance`).

pub mod documents;

use crate::diag::{Diagnostic, Source};
use crate::escape::{markdown, plain};
use crate::french::date_longue;
use crate::input::{Presents, Resultat, Scrutin, Seance};
use crate::load::Loaded;
use crate::model::{self, CollectiviteCtx, Model, SeanceCtx, join_et, name_of};
use crate::partners::Partner;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
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
    let n = l.dossier.numero().unwrap_or_default().trim().to_owned();
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
        .map(|it| it.loaded.dossier.numero())
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
