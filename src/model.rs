//! The dossier after derivation: what the templates see. No I/O.
//!
//! Every user string is escaped here (see `escape`), and every wording the
//! clerk should never type is derived here: French dates, amounts in figures
//! and words, article numbers, votants, the vote sentence, the legal mentions.

use crate::diag::Diagnostic;
use crate::escape::{markdown, markdown_inline, plain};
use crate::french::{
    Date, Orthographe, date_avec_jour, date_en_lettres, date_longue, heure, montant_en_chiffres,
    montant_en_lettres,
};
use crate::input::{
    Formule, Genre, ModePublication, Partie, Pouvoir, Presents, Resultat, Scrutin, Text, TomlDate,
    TypeCollectivite,
};
use crate::load::Loaded;
use serde::Serialize;
use std::sync::Arc;
use toml::Spanned;

/// Everything a template may print, already escaped and worded.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub collectivite: CollectiviteCtx,
    pub seance: Option<SeanceCtx>,
    pub deliberation: DeliberationCtx,
    pub convention: Option<ConventionCtx>,
    pub annexes: Vec<AnnexeCtx>,
    /// True while no vote is recorded: the act is a draft (PROJET).
    pub projet: bool,
    /// The collectivité's logo, for the back ends (not for templates).
    #[serde(skip)]
    pub logo: Option<crate::doc::Logo>,
    /// `[rendu] signature_electronique`: empty signature fields in the PDFs.
    #[serde(skip)]
    pub signature_electronique: bool,
}

/// `[collectivite]` with its derived wording.
#[derive(Debug, Clone, Serialize)]
pub struct CollectiviteCtx {
    pub nom: String,
    #[serde(rename = "type")]
    pub type_: TypeCollectivite,
    pub assemblee: String,
    /// "CONSEIL MUNICIPAL".
    pub assemblee_majuscules: String,
    /// "le Conseil municipal" / "la Commission permanente".
    pub le_assemblee: String,
    /// "du Conseil municipal" / "de la Commission permanente".
    pub du_assemblee: String,
    /// "au Conseil municipal" / "à la Commission permanente".
    pub au_assemblee: String,
    /// "convoqué" or "convoquée", agreeing with the assembly.
    pub convoque: String,
    /// "réuni" or "réunie".
    pub reuni: String,
    pub ville: Option<String>,
    pub adresse: Option<String>,
    pub departement: Option<String>,
    /// "de la Côte-d’Or", "du Nord": the département with its article, from a table.
    pub du_departement: Option<String>,
    pub siret: Option<String>,
    /// "le Maire" / "le Président": who proposes and signs.
    pub executif: String,
    /// "LE MAIRE" / "LE PRÉSIDENT".
    pub executif_majuscules: String,
    /// "Maire" / "Président".
    pub executif_titre: String,
    /// "tribunal administratif de Dijon" or "tribunal administratif territorialement compétent".
    pub tribunal: String,
    /// The maire's (or président's) name, `[collectivite] executif`.
    pub executif_nom: Option<String>,
}

/// The séance, worded.
#[derive(Debug, Clone, Serialize)]
pub struct SeanceCtx {
    pub date: String,
    /// "27 juin 2016".
    pub date_longue: String,
    /// "lundi 27 juin 2016".
    pub date_avec_jour: String,
    /// "L'an deux mille seize, le vingt-sept juin".
    pub date_en_lettres: String,
    /// "18 h 30".
    pub heure: Option<String>,
    pub heure_fin: Option<String>,
    pub lieu: Option<String>,
    pub convocation: Option<String>,
    pub president: Option<String>,
    /// "Maire" / "Président" / "Présidente" / "Premier adjoint", after the
    /// président's name; empty when the président is known not to be the
    /// maire and no qualité is typed.
    pub president_qualite: String,
    /// "Mme KOENDERS, Première adjointe, préside la séance pour l'examen de
    /// ce point (…)": an item presided by someone else than the séance's président.
    pub presidence: Option<String>,
    /// The séance is on or after 1 July 2022 (ordonnance 2021-1310): the
    /// délibérations are signed by the président and the secrétaire(s)
    /// (L. 2121-23), the liste replaces the compte rendu (L. 2121-25), the
    /// procès-verbal is published online (L. 2121-15).
    pub depuis_2022: bool,
    pub secretaire: Option<String>,
    pub membres_en_exercice: Option<u32>,
    /// Names of those present, when kept.
    pub presents: Vec<String>,
    /// Number present for this item.
    pub nombre_presents: Option<u32>,
    /// "Mme POPARD (pouvoir à M. PRIBETICH)".
    pub representes: Vec<String>,
    pub excuses: Vec<String>,
    pub absents: Vec<String>,
    /// présents + pouvoirs, for this item.
    pub votants: Option<u32>,
    pub huis_clos: bool,
    pub deuxieme_convocation: bool,
    /// "M. MARTIN arrive avant l'examen de ce point. …", when the item's presence differs.
    pub changements: Option<String>,
}

/// `[deliberation]`, worded.
#[derive(Debug, Clone, Serialize)]
pub struct DeliberationCtx {
    pub numero: Option<String>,
    /// The @ctes act number, `^[0-9A-Z_]{1,15}$`.
    pub numero_actes: Option<String>,
    pub objet: String,
    pub rubrique: Vec<String>,
    pub matiere: Option<String>,
    /// "Madame Dillenseger, au nom de la commission …, expose :".
    pub rapporteur: Option<String>,
    pub commission: Option<String>,
    pub resume: Option<String>,
    pub service_instructeur: Option<String>,
    pub service_consulte: Option<String>,
    pub numero_interne: Option<String>,
    pub expose: Option<String>,
    pub propositions: Vec<String>,
    pub visas: Vec<String>,
    pub considerants: Vec<String>,
    pub articles: Vec<ArticleCtx>,
    pub budget: Option<BudgetCtx>,
    pub vote: Option<VoteCtx>,
    /// Separate votes on parts of the point (`[[deliberation.votes]]`), each with its objet.
    pub votes: Vec<VoteCtx>,
    /// The maire's (président's) qualité: "Le Maire" unless typed.
    pub signature_qualite: String,
    /// The maire's name: typed, else `[collectivite] executif`, else the
    /// séance's président when he is the maire.
    pub signature_nom: Option<String>,
    /// The signature blocks of the act: the maire's alone before 1 July
    /// 2022 (« pour extrait conforme »), the président's and the
    /// secrétaire's from then on (L. 2121-23).
    pub signatures: Vec<SignatureCtx>,
    /// The vote rejected the proposal: the act is worded as a rejection.
    pub rejete: bool,
    /// `[rendu] formule`: "decide" or "delibere".
    pub formule: Formule,
    /// "Fait à Dijon, le 27 juin 2016".
    pub fait_a: Option<String>,
    pub publication: Option<PublicationCtx>,
    /// "Acte rendu exécutoire après …", when transmitted and published.
    pub executoire: Option<String>,
    /// The appeal mention (voies et délais de recours).
    pub recours: String,
    /// "la délibération n° 2016-06-27/12 du 27 juin 2016", for conventions and annexes.
    pub reference: String,
}

/// A signature block: qualité, room to sign, name.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCtx {
    /// "Le Maire", "Le secrétaire de séance".
    pub qualite: String,
    pub nom: Option<String>,
}

/// One article of the deliberation.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCtx {
    /// "ARTICLE UNIQUE", "ARTICLE 1er", "ARTICLE 2".
    pub label: String,
    pub texte: String,
}

/// `[deliberation.budget]`.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetCtx {
    pub annee: Option<String>,
    pub nom: Option<String>,
    pub imputation: Option<String>,
}

/// The vote, counted and worded.
#[derive(Debug, Clone, Serialize)]
pub struct VoteCtx {
    /// What a separate vote is on (`[[deliberation.votes]] objet`).
    pub objet: Option<String>,
    pub resultat: Resultat,
    /// "Adopté à l'unanimité." / "Adopté par 50 voix pour, …" / "Le Conseil municipal prend acte."
    pub phrase: String,
    /// Those who vote: pour + contre + abstentions (votants less those not taking part).
    pub votants: Option<u32>,
    /// "M. BICHOT ne prend pas part au vote."
    pub ne_prennent_pas_part: Option<String>,
    pub pour: Option<u32>,
    pub contre: Option<u32>,
    pub abstentions: Option<u32>,
    /// "à main levée", "au scrutin secret" …
    pub scrutin: Option<String>,
}

/// `[deliberation.publication]`, worded.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationCtx {
    pub transmission: Option<String>,
    pub reception: Option<String>,
    pub identifiant: Option<String>,
    pub publication: Option<String>,
    /// "par voie électronique", "par voie d'affichage", "sur support papier".
    pub mode: Option<String>,
}

/// `[convention]`, worded.
#[derive(Debug, Clone, Serialize)]
pub struct ConventionCtx {
    pub titre: String,
    pub titre_majuscules: String,
    pub preambule: Option<String>,
    /// "du 1er septembre 2016 au 31 août 2017".
    pub duree: Option<String>,
    /// "49 975 €".
    pub montant_chiffres: Option<String>,
    /// "quarante-neuf mille neuf cent soixante-quinze euros".
    pub montant_lettres: Option<String>,
    pub fait_a: Option<String>,
    pub date_signature: Option<String>,
    /// "deux exemplaires originaux".
    pub exemplaires: Option<String>,
    pub parties: Vec<PartieCtx>,
    /// "ensemble dénommées « les Parties »" when more than two parties.
    pub ensemble: bool,
    pub articles: Vec<ArticleConventionCtx>,
    /// The parties as written, to add a partner from the CSV.
    #[serde(skip)]
    pub raw_parties: Vec<Partie>,
}

impl ConventionCtx {
    /// The convention-type the délibération approves when each partner gets
    /// its own (`partenaires`): the parties typed, then a blank party where
    /// each partner's name, seat, representative and qualité go.
    /// `denomination`: the partners' common `denomination`, if they share one.
    pub fn modele(&self, d: &DeliberationCtx, denomination: Option<&str>) -> ConventionCtx {
        let n = self.raw_parties.len() + 1;
        let blank = "……………………";
        let mut parties: Vec<PartieCtx> = self
            .raw_parties
            .iter()
            .enumerate()
            .map(|(i, p)| partie(p, i, n, d))
            .collect();
        let den = denomination.map_or_else(|| blank.to_owned(), plain);
        parties.push(PartieCtx {
            nom: blank.into(),
            designation: format!(
                "**{blank}**, dont le siège est situé {blank}, représenté(e) par {blank}, {blank}, ci-après dénommé(e) «\u{202f}{den}\u{202f}»"
            ),
            part: "d’autre part.".into(),
            pour: format!("Pour {blank}"),
            representant: Some(blank.into()),
            qualite: Some("(qualité)".into()),
        });
        ConventionCtx {
            parties,
            ensemble: n > 2,
            ..self.clone()
        }
    }

    /// The same convention with one more party: a partner from the CSV.
    pub fn with_partner(&self, partner: &Partie, d: &DeliberationCtx) -> ConventionCtx {
        let mut raw = self.raw_parties.clone();
        raw.push(partner.clone());
        let n = raw.len();
        ConventionCtx {
            parties: raw
                .iter()
                .enumerate()
                .map(|(i, p)| partie(p, i, n, d))
                .collect(),
            ensemble: n > 2,
            raw_parties: raw,
            ..self.clone()
        }
    }
}

/// A party, with its paragraph composed.
#[derive(Debug, Clone, Serialize)]
pub struct PartieCtx {
    pub nom: String,
    /// The whole paragraph: name, form, address, representative, habilitation, denomination.
    pub designation: String,
    /// "d'une part," / "d'autre part,".
    pub part: String,
    /// "Pour la Ville de Dijon".
    pub pour: String,
    pub representant: Option<String>,
    pub qualite: Option<String>,
}

/// A convention article, numbered.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleConventionCtx {
    /// "Article 1er – Objet".
    pub titre: String,
    /// The TITRE heading to print before this article, when it changes here.
    pub partie: Option<String>,
    pub texte: String,
}

/// An annex.
#[derive(Debug, Clone, Serialize)]
pub struct AnnexeCtx {
    pub numero: usize,
    /// One annex per partner of the convention (`par_partenaire`).
    pub par_partenaire: bool,
    pub titre: String,
    pub titre_majuscules: String,
    pub texte: Option<String>,
    pub sections: Vec<SectionCtx>,
}

/// A row of an annex.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub titre: String,
    pub texte: String,
}

/// A TOML date as a calendar date; None for a date-time or a time alone.
pub fn to_date(d: &TomlDate) -> Option<Date> {
    match (d.get_ref().date, d.get_ref().time) {
        (Some(x), None) => Date::new(i32::from(x.year), x.month, x.day),
        _ => None,
    }
}

/// Attendance for one item: the séance's at its opening, after the
/// arrivals and departures typed for the séance before this item
/// (`[[mouvements]]`), then the item's own changes
/// (`[deliberation.presence]`). Proxies held by members who left go with
/// them; a represented member who arrives votes himself.
pub struct ItemPresence<'a> {
    /// Names present, when the séance keeps names.
    pub names: Option<Vec<&'a str>>,
    /// Number present, when known (names or a count).
    pub count: Option<u32>,
    /// Proxies that count for this item; `true` when given for this item
    /// (in the dossier), `false` in the séance file.
    pub pouvoirs: Vec<(&'a Spanned<Pouvoir>, bool)>,
    /// Members present at the opening who left before this item.
    pub partis: Vec<&'a str>,
    /// Members absent at the opening who arrived before this item.
    pub arrives: Vec<&'a str>,
}

impl ItemPresence<'_> {
    /// présents + pouvoirs.
    pub fn votants(&self) -> Option<u32> {
        self.count.map(|c| c + self.pouvoirs.len() as u32)
    }

    /// Whether `who` sits for this item (always false when names are not kept).
    pub fn is_present(&self, who: &str) -> bool {
        self.names.as_ref().is_some_and(|n| n.contains(&who))
    }
}

/// The trailing integer of a deliberation number ("2016-06-27/12" → 12), with its prefix.
pub fn split_numero(n: &str) -> Option<(&str, u64)> {
    let n = n.trim();
    let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 9 {
        return None;
    }
    let (prefix, num) = n.split_at(n.len() - digits);
    Some((prefix, num.parse().ok()?))
}

/// Where a number stands in the ordre du jour: by its trailing integer,
/// then as written.
pub fn rank(numero: &str) -> (u64, &str) {
    let n = numero.trim();
    (split_numero(n).map_or(u64::MAX, |(_, k)| k), n)
}

/// The séance's `[[mouvements]]` that happened before the item numbered
/// `numero` (at it or before it in the ordre du jour), in order; none for
/// the opening (`None`).
pub fn mouvements_before<'a>(
    s: &'a crate::input::Seance,
    numero: Option<&str>,
) -> Vec<&'a crate::input::Mouvement> {
    let Some(numero) = numero else {
        return Vec::new();
    };
    let at = rank(numero);
    let mut v: Vec<&crate::input::Mouvement> = s
        .mouvements
        .iter()
        .filter(|m| rank(m.avant.get_ref()) <= at)
        .collect();
    v.sort_by_key(|m| rank(m.avant.get_ref()));
    v
}

static NO_CHANGE: crate::input::Presence = crate::input::Presence {
    arrives: Vec::new(),
    partis: Vec::new(),
    pouvoirs: Vec::new(),
};

/// Computes the attendance of the item numbered `numero` (None: the
/// opening) from its séance and its own changes.
pub fn item_presence<'a>(
    s: &'a crate::input::Seance,
    numero: Option<&str>,
    p: Option<&'a crate::input::Presence>,
) -> ItemPresence<'a> {
    let p = p.unwrap_or(&NO_CHANGE);
    let mut names: Option<Vec<&str>> = None;
    let mut count = None;
    match s.presents.as_ref().map(|x| x.get_ref()) {
        Some(Presents::Noms(n)) => names = Some(n.iter().map(name_of).collect()),
        Some(Presents::Nombre(n)) => count = Some(*n),
        None => {}
    }
    let mut pouvoirs: Vec<(&Spanned<Pouvoir>, bool)> =
        s.pouvoirs.iter().map(|x| (x, false)).collect();
    let opening: Vec<&str> = names.clone().unwrap_or_default();
    let steps = mouvements_before(s, numero)
        .into_iter()
        .map(|m| (&m.arrives, &m.partis, &m.pouvoirs, false))
        .chain(std::iter::once((&p.arrives, &p.partis, &p.pouvoirs, true)));
    for (arrives, partis, given, for_item) in steps {
        for who in partis.iter().map(name_of) {
            if let Some(n) = names.as_mut() {
                n.retain(|x| *x != who);
            }
            count = count.map(|c| c.saturating_sub(1));
            // The proxies he held leave with him.
            pouvoirs.retain(|(x, _)| {
                x.get_ref()
                    .mandataire
                    .as_ref()
                    .is_none_or(|m| name_of(m) != who)
            });
        }
        for who in arrives.iter().map(name_of) {
            if let Some(n) = names.as_mut()
                && !n.contains(&who)
            {
                n.push(who);
            }
            count = count.map(|c| c + 1);
            // A represented member who arrives votes himself.
            pouvoirs.retain(|(x, _)| name_of(&x.get_ref().mandant) != who);
        }
        pouvoirs.extend(given.iter().map(|x| (x, for_item)));
    }
    let count = match &names {
        Some(n) => Some(n.len() as u32),
        None => count,
    };
    let now = names.clone().unwrap_or_default();
    ItemPresence {
        partis: opening
            .iter()
            .copied()
            .filter(|x| !now.contains(x))
            .collect(),
        arrives: now
            .iter()
            .copied()
            .filter(|x| !opening.contains(x))
            .collect(),
        names,
        count,
        pouvoirs,
    }
}

/// Derives the model; dates that cannot be read become diagnostics.
pub fn build(l: &Loaded) -> Result<Model, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let orth = match l.rendu.orthographe.as_ref().map(|s| s.get_ref().as_str()) {
        Some("1990") => Orthographe::Rectifiee1990,
        _ => Orthographe::Traditionnelle,
    };
    let premier = l
        .rendu
        .article_premier
        .as_ref()
        .map(|s| s.get_ref().as_str())
        == Some("premier");
    let coll = collectivite(l, &mut errs);
    let seance = l.seance.as_ref().map(|(s, src)| {
        let d = l.dossier.deliberation.get_ref();
        seance(s, Some(d), src, &coll, &mut errs)
    });
    let d = l.dossier.deliberation.get_ref();
    let src = &l.source;

    let date_seance = l
        .seance
        .as_ref()
        .and_then(|(s, src)| date(&s.date, src, &mut errs));
    let numero = d.numero.as_ref().map(|n| plain(n.get_ref()));
    let reference = match (&d.numero, date_seance) {
        (Some(n), Some(dt)) => format!(
            "la délibération n° {} du {}",
            plain(n.get_ref()),
            date_longue(dt)
        ),
        (Some(n), None) => format!("la délibération n° {}", plain(n.get_ref())),
        (None, Some(dt)) => format!("la délibération du {}", date_longue(dt)),
        (None, None) => "la délibération".into(),
    };
    let articles = d
        .articles
        .as_ref()
        .map_or(&[][..], |a| a.get_ref().as_slice());
    let articles = articles
        .iter()
        .enumerate()
        .map(|(i, t)| ArticleCtx {
            label: article_label(i, articles.len(), premier),
            texte: markdown(t.get_ref()),
        })
        .collect();
    let votants = seance.as_ref().and_then(|s| s.votants);
    let vote = d.vote.as_ref().map(|v| vote(v.get_ref(), votants, &coll));
    let votes: Vec<VoteCtx> = d
        .votes
        .iter()
        .map(|v| self::vote(v.get_ref(), votants, &coll))
        .collect();
    let projet = vote.is_none() && votes.is_empty();
    let publication = d.publication.as_ref().map(|p| PublicationCtx {
        transmission: p
            .transmission
            .as_ref()
            .and_then(|x| date(x, src, &mut errs))
            .map(date_longue),
        reception: p
            .reception
            .as_ref()
            .and_then(|x| date(x, src, &mut errs))
            .map(date_longue),
        // Typed, or derived once transmitted (crate::identifiant).
        identifiant: crate::identifiant::printed(l).map(|s| plain(&s)),
        publication: p
            .publication
            .as_ref()
            .and_then(|x| date(x, src, &mut errs))
            .map(date_longue),
        mode: p.mode.map(|m| {
            match m {
                ModePublication::Electronique => "par voie électronique",
                ModePublication::Affichage => "par voie d'affichage",
                ModePublication::Papier => "sur support papier",
            }
            .to_owned()
        }),
    });
    let executoire = match &publication {
        Some(p) if !projet => match (
            p.reception.as_ref().or(p.transmission.as_ref()),
            &p.publication,
        ) {
            // What makes the act executory is its reception by the prefect:
            // word it from the reception date when known, else from the transmission.
            (Some(t), Some(pb)) => Some(if p.reception.is_some() {
                format!(
                    "Acte rendu exécutoire après réception en préfecture le {t} et publication le {pb}."
                )
            } else {
                format!(
                    "Acte rendu exécutoire après transmission en préfecture le {t} et publication le {pb}."
                )
            }),
            _ => None,
        },
        _ => None,
    };
    let numero_actes = match d.publication.as_ref().and_then(|p| p.numero_actes.as_ref()) {
        Some(n) => Some(plain(n.get_ref())),
        None => d.numero.as_ref().map(|n| numero_actes(n.get_ref())),
    };
    let signature = d.signature.clone().unwrap_or_default();
    let fait_a = match (&coll_ville(l), &seance) {
        (Some(v), Some(s)) => Some(format!("Fait à {v}, le {}", s.date_longue)),
        _ => None,
    };
    let signature_qualite = signature
        .qualite
        .as_deref()
        .map(plain)
        .unwrap_or_else(|| capitalize(&coll.executif));
    let signature_nom = signature
        .nom
        .as_deref()
        .map(plain)
        .or_else(|| maire_nom(&coll, l.seance.as_ref().map(|(s, _)| s)));
    let signatures = signatures(
        l.seance.as_ref().map(|(s, _)| s),
        d,
        seance.as_ref().is_some_and(|s| s.depuis_2022),
        &coll,
        &signature_qualite,
        signature_nom.as_deref(),
    );
    // The rapporteur is named when there is one: he presents the exposé
    // (« X expose : ») or, without one, the act is taken on his report.
    // Without a name the executive reports and the commission shows in the
    // rapport's header.
    let rapporteur = d.rapporteur.as_ref().and_then(|r| {
        let who = plain(r.nom.as_deref()?);
        let commission = r
            .commission
            .as_deref()
            .map(|c| format!(", au nom de la {}", plain(c)))
            .unwrap_or_default();
        Some(if d.expose.is_some() && commission.is_empty() {
            format!("{who} expose\u{a0}:")
        } else if d.expose.is_some() {
            format!("{who}{commission}, expose\u{a0}:")
        } else {
            format!("Sur le rapport de {who}{commission},")
        })
    });
    let rejete = vote
        .as_ref()
        .is_some_and(|v| v.resultat == Resultat::Rejete);
    let deliberation = DeliberationCtx {
        numero,
        numero_actes,
        objet: plain(d.objet.get_ref()),
        rubrique: d.rubrique.iter().map(|s| plain(s)).collect(),
        matiere: d.matiere.as_ref().map(|s| plain(s.get_ref())),
        rapporteur,
        commission: d
            .rapporteur
            .as_ref()
            .and_then(|r| r.commission.as_deref())
            .map(plain),
        resume: d.resume.as_ref().map(|s| markdown_inline(s.get_ref())),
        service_instructeur: d.service_instructeur.as_deref().map(plain),
        service_consulte: d.service_consulte.as_deref().map(plain),
        numero_interne: d.numero_interne.as_deref().map(plain),
        expose: d.expose.as_ref().map(|s| markdown(s.get_ref())),
        propositions: punctuate(
            d.propositions
                .iter()
                .map(|s| markdown_inline(s.get_ref()))
                .collect(),
        ),
        visas: d
            .visas
            .iter()
            .map(|s| markdown_inline(s.get_ref()))
            .collect(),
        considerants: d
            .considerants
            .iter()
            .map(|s| markdown_inline(s.get_ref()))
            .collect(),
        articles,
        budget: d.budget.as_ref().map(|b| BudgetCtx {
            annee: b.annee.as_deref().map(plain),
            nom: b.nom.as_deref().map(plain),
            imputation: b.imputation.as_deref().map(plain),
        }),
        vote,
        votes,
        rejete,
        formule: l.rendu.formule.unwrap_or_default(),
        signature_qualite,
        signature_nom,
        signatures,
        fait_a,
        publication,
        executoire,
        recours: recours(&coll, date_seance),
        reference,
    };
    let convention = l
        .dossier
        .convention
        .as_ref()
        .map(|c| convention(c.get_ref(), l, &coll, &deliberation, orth, &mut errs));
    let annexes = l
        .dossier
        .annexes
        .iter()
        .enumerate()
        .map(|(i, a)| AnnexeCtx {
            numero: i + 1,
            par_partenaire: a.par_partenaire,
            titre: plain(&a.titre),
            titre_majuscules: plain(&a.titre.to_uppercase()),
            texte: a.texte.as_deref().map(markdown),
            sections: a
                .sections
                .iter()
                .map(|s| SectionCtx {
                    titre: plain(&s.titre),
                    texte: markdown(&s.texte),
                })
                .collect(),
        })
        .collect();
    if errs.is_empty() {
        Ok(Model {
            collectivite: coll,
            seance,
            deliberation,
            convention,
            annexes,
            projet,
            logo: l.logo.clone(),
            signature_electronique: l.rendu.signature_electronique.unwrap_or(false),
        })
    } else {
        Err(errs)
    }
}

fn coll_ville(l: &Loaded) -> Option<String> {
    l.collectivite.ville.as_deref().map(plain)
}

/// Reads a TOML date; a date-time or a time alone is reported.
pub fn date(
    d: &TomlDate,
    src: &Arc<crate::diag::Source>,
    errs: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let parsed = to_date(d);
    if parsed.is_none() {
        errs.push(
            Diagnostic::error(
                "date-invalide",
                format!("« {} » n'est pas une date", d.get_ref()),
            )
            .at(src, d.span())
            .hint("écrivez la date seule, AAAA-MM-JJ, sans heure (ex. 2016-06-27)"),
        );
    }
    parsed
}

fn collectivite(l: &Loaded, errs: &mut Vec<Diagnostic>) -> CollectiviteCtx {
    let c = &l.collectivite;
    let t = c.type_.unwrap_or_default();
    let nom = match &c.nom {
        Some(n) => plain(n.get_ref()),
        None => {
            errs.push(
                Diagnostic::error("collectivite-manquante", "le nom de la collectivité n'est indiqué nulle part")
                    .in_file(&l.source)
                    .hint("ajoutez [collectivite] nom = \"Ville de …\" dans delib.toml ou dans le dossier"),
            );
            String::new()
        }
    };
    let assemblee = c.assemblee.as_deref().map(plain).unwrap_or_else(|| {
        match t {
            TypeCollectivite::Commune => "Conseil municipal",
            TypeCollectivite::Departement => "Conseil départemental",
            TypeCollectivite::Region => "Conseil régional",
            TypeCollectivite::Epci => "Conseil communautaire",
            TypeCollectivite::Autre => "Assemblée délibérante",
        }
        .to_owned()
    });
    let feminine = ["commission", "assemblée", "chambre", "conférence"]
        .iter()
        .any(|w| assemblee.to_lowercase().starts_with(w));
    let executif_titre = executif_titre(t);
    CollectiviteCtx {
        nom,
        type_: t,
        assemblee_majuscules: assemblee.to_uppercase(),
        le_assemblee: format!("{} {assemblee}", if feminine { "la" } else { "le" }),
        du_assemblee: format!("{} {assemblee}", if feminine { "de la" } else { "du" }),
        au_assemblee: format!("{} {assemblee}", if feminine { "à la" } else { "au" }),
        convoque: if feminine { "convoquée" } else { "convoqué" }.into(),
        reuni: if feminine { "réunie" } else { "réuni" }.into(),
        assemblee,
        ville: c.ville.as_deref().map(plain),
        adresse: c.adresse.as_deref().map(plain),
        departement: c.departement.as_deref().map(plain),
        du_departement: c
            .departement
            .as_deref()
            .map(|d| plain(&crate::french::du_departement(d))),
        siret: c.siret.as_ref().map(|s| plain(s.get_ref())),
        executif: format!("le {executif_titre}"),
        executif_majuscules: format!("LE {}", executif_titre.to_uppercase()),
        executif_titre: executif_titre.into(),
        tribunal: match &c.tribunal {
            Some(t) => format!("tribunal administratif {}", plain(&crate::french::de(t))),
            None => "tribunal administratif territorialement compétent".into(),
        },
        executif_nom: c.executif.as_deref().map(plain),
    }
}

/// « Maire » for a commune, « Président » otherwise.
pub fn executif_titre(t: TypeCollectivite) -> &'static str {
    if t == TypeCollectivite::Commune {
        "Maire"
    } else {
        "Président"
    }
}

/// A name as written, without surrounding spaces.
pub(crate) fn name_of(t: &Spanned<String>) -> &str {
    t.get_ref().trim()
}

/// The day the ordonnance 2021-1310 and the décret 2021-1311 took effect:
/// signatures (L. 2121-23), liste des délibérations (L. 2121-25),
/// procès-verbal (L. 2121-15), register (R. 2121-9).
pub const REFORME_2022: (i32, u8, u8) = (2022, 7, 1);

/// Whether a séance held on `d` falls under the rules of 1 July 2022.
pub fn depuis_2022(d: Date) -> bool {
    let (y, m, day) = REFORME_2022;
    Date::new(y, m, day).is_some_and(|r| r.days_until(d) >= 0)
}

/// Whether two names written differently (« M. REBSAMEN », « François
/// REBSAMEN ») name the same person: the same last word, any case, and the
/// same first names when both give them (« Jean MARTIN » is not « Claire
/// MARTIN »). Civilities are not first names.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    const CIVILITES: [&str; 12] = [
        "m.",
        "mme",
        "mlle",
        "mm.",
        "mmes",
        "monsieur",
        "madame",
        "mademoiselle",
        "me",
        "dr",
        "pr",
        "mgr",
    ];
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| w.to_lowercase())
            .filter(|w| !CIVILITES.contains(&w.as_str()))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (x, y) = (words(a), words(b));
    match (x.split_last(), y.split_last()) {
        (Some((lx, fx)), Some((ly, fy))) => {
            lx == ly && (fx.is_empty() || fy.is_empty() || fx == fy)
        }
        _ => false,
    }
}

/// Who presides and in what qualité.
pub(crate) struct Presidence {
    /// The name as typed, escaped.
    pub nom: Option<String>,
    /// Escaped qualité; empty when unknown.
    pub qualite: String,
    /// The président is the maire (président of the collectivité).
    pub maire: bool,
}

/// The président of a séance (`item` false) or of one item (`item` true):
/// his typed qualité; else « Maire » when he is `[collectivite] executif`;
/// else, for the séance only and when no `executif` is known, the maire,
/// as L. 2121-14 has it. An item's président is never taken for the maire
/// unless he is named so.
pub(crate) fn presidence(
    nom: Option<&str>,
    qualite: Option<&str>,
    item: bool,
    coll: &CollectiviteCtx,
) -> Presidence {
    presidence_of(
        nom,
        qualite,
        item,
        coll.executif_nom.as_deref(),
        &coll.executif_titre,
    )
}

/// [`presidence`] from the raw values: `executif` is `[collectivite]
/// executif`, `executif_titre` « Maire » or « Président ».
pub(crate) fn presidence_of(
    nom: Option<&str>,
    qualite: Option<&str>,
    item: bool,
    executif: Option<&str>,
    executif_titre: &str,
) -> Presidence {
    let is_executif = match (nom, executif) {
        (Some(n), Some(e)) => same_person(n, e),
        _ => false,
    };
    let titre = || {
        let fem = nom.is_some_and(feminine_person);
        if executif_titre == "Président" && fem {
            "Présidente".to_owned()
        } else {
            executif_titre.to_owned()
        }
    };
    let (qualite, maire) = match qualite {
        Some(q) => (plain(q), is_executif || same_word(q, executif_titre)),
        None if is_executif => (titre(), true),
        None if executif.is_none() && !item => (titre(), true),
        None => (String::new(), false),
    };
    Presidence {
        nom: nom.map(plain),
        qualite,
        maire,
    }
}

/// « maire » typed as the qualité « Maire » or « le Maire ».
fn same_word(typed: &str, titre: &str) -> bool {
    let t = typed.trim().to_lowercase();
    let t = t
        .strip_prefix("le ")
        .or_else(|| t.strip_prefix("la "))
        .unwrap_or(&t);
    t.trim_end_matches(['e', ',']) == titre.to_lowercase().trim_end_matches('e')
}

/// The maire's (président's) name when the dossier types none: `[collectivite]
/// executif`, else the séance's président when he is the maire.
fn maire_nom(coll: &CollectiviteCtx, s: Option<&crate::input::Seance>) -> Option<String> {
    if let Some(n) = &coll.executif_nom {
        return Some(n.clone());
    }
    let s = s?;
    let p = presidence(
        s.president.as_ref().map(name_of),
        s.president_qualite.as_deref(),
        false,
        coll,
    );
    p.maire.then_some(p.nom).flatten()
}

/// The signature blocks of a délibération: before 1 July 2022 the maire's
/// alone (he certifies the extract); from then on the président of the
/// item's and the secrétaire's (L. 2121-23).
fn signatures(
    s: Option<&crate::input::Seance>,
    d: &crate::input::Deliberation,
    depuis_2022: bool,
    coll: &CollectiviteCtx,
    qualite: &str,
    nom: Option<&str>,
) -> Vec<SignatureCtx> {
    let maire = SignatureCtx {
        qualite: qualite.to_owned(),
        nom: nom.map(str::to_owned),
    };
    let Some(s) = s.filter(|_| depuis_2022) else {
        return vec![maire];
    };
    let p = match &d.president {
        Some(p) => presidence(Some(name_of(p)), d.president_qualite.as_deref(), true, coll),
        None => presidence(
            s.president.as_ref().map(name_of),
            s.president_qualite.as_deref(),
            false,
            coll,
        ),
    };
    let president = if p.maire {
        maire
    } else {
        let fem = p.nom.as_deref().is_some_and(feminine_person);
        SignatureCtx {
            qualite: if fem {
                "La présidente de séance"
            } else {
                "Le président de séance"
            }
            .to_owned(),
            nom: p.nom,
        }
    };
    let secretaire = s.secretaire.as_ref().map(|x| plain(name_of(x)));
    let fem = secretaire.as_deref().is_some_and(feminine_person);
    vec![
        president,
        SignatureCtx {
            qualite: if fem {
                "La secrétaire de séance"
            } else {
                "Le secrétaire de séance"
            }
            .to_owned(),
            nom: secretaire,
        },
    ]
}

/// The séance worded for one item (`point`: the dossier's deliberation, for
/// its own attendance changes and président; None: the séance at its opening).
pub(crate) fn seance(
    s: &crate::input::Seance,
    point: Option<&crate::input::Deliberation>,
    src: &Arc<crate::diag::Source>,
    coll: &CollectiviteCtx,
    errs: &mut Vec<Diagnostic>,
) -> SeanceCtx {
    let item_changes = point.and_then(|d| d.presence.as_ref());
    let numero = point
        .and_then(|d| d.numero.as_ref())
        .map(|n| n.get_ref().as_str());
    let d = date(&s.date, src, errs);
    let presence = item_changes.cloned().unwrap_or_default();
    let item = item_presence(s, numero, item_changes);
    let moves = mouvements_before(s, numero);
    // Who arrived and who left since the opening: from the names when the
    // séance keeps them, else as typed.
    let (arrived, left): (Vec<&str>, Vec<&str>) = if item.names.is_some() {
        (item.arrives.clone(), item.partis.clone())
    } else {
        (
            moves
                .iter()
                .flat_map(|m| &m.arrives)
                .chain(&presence.arrives)
                .map(name_of)
                .collect(),
            moves
                .iter()
                .flat_map(|m| &m.partis)
                .chain(&presence.partis)
                .map(name_of)
                .collect(),
        )
    };
    let presents: Vec<String> = item.names.iter().flatten().map(|n| plain(n)).collect();
    // A member who left during the séance and gave a proxy is printed
    // once, among the represented: « M. X (a quitté la séance, pouvoir à
    // Mme Y) ».
    let mandants: Vec<&str> = item
        .pouvoirs
        .iter()
        .map(|(p, _)| name_of(&p.get_ref().mandant))
        .collect();
    let representes = item
        .pouvoirs
        .iter()
        .map(|(p, _)| {
            let p = p.get_ref();
            let mandant = name_of(&p.mandant);
            let parti = if left.contains(&mandant) {
                "a quitté la séance, "
            } else {
                ""
            };
            match &p.mandataire {
                Some(m) => format!(
                    "{} ({parti}pouvoir à {})",
                    plain(mandant),
                    plain(name_of(m))
                ),
                None => format!("{} ({parti}pouvoir)", plain(mandant)),
            }
        })
        .collect();
    // The movements of this point, told here only; those of the dossier
    // itself, which may repeat in several dossiers, worded so that they are
    // true in each.
    let mut changements = Vec::new();
    for m in moves
        .iter()
        .filter(|m| numero.is_some_and(|n| m.avant.get_ref().trim() == n.trim()))
    {
        changements.extend(mouvement_phrases(m));
    }
    let names = |l: &[Text]| l.iter().map(|n| plain(name_of(n))).collect::<Vec<_>>();
    if !presence.arrives.is_empty() {
        let n = names(&presence.arrives);
        changements.push(format!(
            "{} pour ce point, après l'ouverture de la séance\u{a0}: {}.",
            if n.len() > 1 { "Présents" } else { "Présent" },
            join_et(&n)
        ));
    }
    if !presence.partis.is_empty() {
        let n = names(&presence.partis);
        changements.push(format!(
            "{} la séance avant ce point\u{a0}: {}.",
            if n.len() > 1 {
                "Ont quitté"
            } else {
                "A quitté"
            },
            join_et(&n)
        ));
    }
    let ouverture = presidence(
        s.president.as_ref().map(name_of),
        s.president_qualite.as_deref(),
        false,
        coll,
    );
    // An item presided by someone else (compte administratif: L. 2121-14).
    let presidence_point = point
        .and_then(|d| Some((d, d.president.as_ref()?)))
        .map(|(d, p)| {
            let p = presidence(Some(name_of(p)), d.president_qualite.as_deref(), true, coll);
            let qualite = if p.qualite.is_empty() {
                String::new()
            } else {
                format!(", {},", p.qualite)
            };
            let article = if d
                .objet
                .get_ref()
                .to_lowercase()
                .contains("compte administratif")
            {
                " (article L. 2121-14 du code général des collectivités territoriales)"
            } else {
                ""
            };
            format!(
                "{}{qualite} préside la séance pour l'examen de ce point{article}.",
                p.nom.unwrap_or_default()
            )
        });
    SeanceCtx {
        date: d.map(Date::iso).unwrap_or_default(),
        date_longue: d.map(date_longue).unwrap_or_default(),
        date_avec_jour: d.map(date_avec_jour).unwrap_or_default(),
        date_en_lettres: d
            .map(date_en_lettres)
            .map(|s| crate::french::typographie(&s))
            .unwrap_or_default(),
        heure: s
            .heure
            .as_ref()
            .map(|h| heure(h.get_ref()).unwrap_or_else(|| plain(h.get_ref()))),
        heure_fin: s
            .heure_fin
            .as_ref()
            .map(|h| heure(h.get_ref()).unwrap_or_else(|| plain(h.get_ref()))),
        lieu: s.lieu.as_deref().map(plain),
        convocation: s
            .convocation
            .as_ref()
            .and_then(|c| date(c, src, errs))
            .map(date_longue),
        president: ouverture.nom,
        president_qualite: ouverture.qualite,
        presidence: presidence_point,
        depuis_2022: d.is_some_and(depuis_2022),
        secretaire: s.secretaire.as_ref().map(|p| plain(name_of(p))),
        membres_en_exercice: s.membres_en_exercice.as_ref().map(|m| *m.get_ref()),
        votants: item.votants(),
        presents,
        nombre_presents: item.count,
        representes,
        // Those who arrived for this item are no longer excused or absent;
        // those who left are absent from it.
        excuses: s
            .excuses
            .iter()
            .filter(|n| !arrived.contains(&name_of(n)))
            .map(|n| plain(name_of(n)))
            .collect(),
        absents: s
            .absents
            .iter()
            .filter(|n| !arrived.contains(&name_of(n)))
            .map(|n| plain(name_of(n)))
            .chain(
                left.iter()
                    .filter(|n| !mandants.contains(n))
                    .map(|n| format!("{} (a quitté la séance)", plain(n))),
            )
            .collect(),
        huis_clos: s.huis_clos,
        deuxieme_convocation: s.deuxieme_convocation,
        changements: (!changements.is_empty()).then(|| changements.join(" ")),
    }
}

/// The sentences of a movement of the séance, told at its point: « M. X
/// entre en séance à 19 h 07, avant l'examen de ce point. », « Mme Y quitte
/// la séance avant l'examen de ce point. », « Mme Y donne pouvoir à M. Z. ».
pub fn mouvement_phrases(m: &crate::input::Mouvement) -> Vec<String> {
    let at = m
        .heure
        .as_ref()
        .map(|h| heure(h.get_ref()).unwrap_or_else(|| plain(h.get_ref())));
    let when = match &at {
        Some(h) => format!(" à {h}, avant l'examen de ce point."),
        None => " avant l'examen de ce point.".to_owned(),
    };
    let names = |l: &[Text]| l.iter().map(|n| plain(name_of(n))).collect::<Vec<_>>();
    let mut out = Vec::new();
    if !m.arrives.is_empty() {
        let n = names(&m.arrives);
        let verb = if n.len() > 1 { "entrent" } else { "entre" };
        out.push(format!("{} {verb} en séance{when}", join_et(&n)));
    }
    if !m.partis.is_empty() {
        let n = names(&m.partis);
        let verb = if n.len() > 1 { "quittent" } else { "quitte" };
        out.push(format!("{} {verb} la séance{when}", join_et(&n)));
    }
    for p in &m.pouvoirs {
        let p = p.get_ref();
        if let Some(to) = &p.mandataire {
            out.push(format!(
                "{} donne pouvoir à {}.",
                plain(name_of(&p.mandant)),
                plain(name_of(to))
            ));
        }
    }
    out
}

/// "A", "A et B", "A, B et C".
pub fn join_et(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// "ARTICLE UNIQUE" for one article, "ARTICLE 1er", "ARTICLE 2" … otherwise.
pub fn article_label(index: usize, count: usize, premier: bool) -> String {
    match (count, index) {
        (1, _) => "ARTICLE UNIQUE".into(),
        (_, 0) if premier => "ARTICLE PREMIER".into(),
        (_, 0) => "ARTICLE 1er".into(),
        (_, i) => format!("ARTICLE {}", i + 1),
    }
}

/// The @ctes act number derived from the assembly's own number.
pub use crate::identifiant::numero_actes;

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// Whether the point was voted: its vote, or its separate votes.
pub fn voted(d: &crate::input::Deliberation) -> bool {
    d.vote.is_some() || !d.votes.is_empty()
}

/// Whether the assembly only takes note (`resultat = "pris_acte"`, for its
/// vote or every separate vote): no article is then needed.
pub fn prise_d_acte(d: &crate::input::Deliberation) -> bool {
    let acte = |v: &Spanned<crate::input::Vote>| {
        v.get_ref()
            .resultat
            .as_ref()
            .is_some_and(|r| *r.get_ref() == Resultat::PrisActe)
    };
    match &d.vote {
        Some(v) => acte(v),
        None => !d.votes.is_empty() && d.votes.iter().all(acte),
    }
}

/// The number of members a list of names counts: None when empty or when
/// it names a group (« groupe … »), whose size is not known.
pub fn named_count(names: &[Text]) -> Option<u32> {
    (!names.is_empty() && !names.iter().any(|n| crate::members::is_group(n.get_ref())))
        .then_some(names.len() as u32)
}

/// Decides and words the vote.
pub fn vote(v: &crate::input::Vote, votants: Option<u32>, coll: &CollectiviteCtx) -> VoteCtx {
    let get = |x: &Option<Spanned<u32>>| x.as_ref().map(|s| *s.get_ref());
    // A list of members' names without its count counts them.
    let (pour, contre, abst) = (
        get(&v.pour),
        get(&v.contre).or_else(|| named_count(&v.contre_noms)),
        get(&v.abstentions).or_else(|| named_count(&v.abstentions_noms)),
    );
    let npp = v.ne_prennent_pas_part.len() as u32;
    let secret = v.scrutin == Some(Scrutin::Secret);
    let unanimite = v.unanimite.as_ref().is_some_and(|u| *u.get_ref());
    let counted = pour.is_some() || contre.is_some();
    let (p, c, a) = (pour.unwrap_or(0), contre.unwrap_or(0), abst.unwrap_or(0));
    let explicit = v.resultat.as_ref().map(|r| *r.get_ref());
    let tie = counted && p == c;
    let resultat = match explicit {
        Some(r) => r,
        None if !counted => Resultat::Adopte,
        None if p > c => Resultat::Adopte,
        None if tie && !secret => Resultat::Adopte,
        None => Resultat::Rejete,
    };
    let names = |list: &[Text]| -> String {
        if list.is_empty() {
            String::new()
        } else {
            let v: Vec<String> = list.iter().map(|s| plain(name_of(s))).collect();
            format!(" ({})", v.join(", "))
        }
    };
    // Those who vote: the counts, else the votants less those not taking part.
    let votants_du_vote = if counted {
        Some(p + c + a)
    } else {
        votants.map(|n| n.saturating_sub(npp))
    };
    let phrase = if resultat == Resultat::PrisActe {
        format!("{} prend acte.", capitalize(&coll.le_assemblee))
    } else {
        let verb = if resultat == Resultat::Adopte {
            "Adopté"
        } else {
            "Rejeté"
        };
        let mut s = if unanimite || (counted && c == 0 && a == 0) || (!counted && abst.is_none()) {
            if npp == 0 {
                format!("{verb} à l'unanimité")
            } else {
                // 9 pour with 2 not voting is not the unanimity of the assembly.
                let pour = if counted { Some(p) } else { votants_du_vote };
                match pour {
                    Some(n) => format!(
                        "{verb} à l'unanimité des votants ({})",
                        plural(n, "voix pour", "voix pour")
                    ),
                    None => format!("{verb} à l'unanimité des votants"),
                }
            }
        } else if counted && c == 0 {
            let who: Vec<String> = v
                .abstentions_noms
                .iter()
                .map(|s| plain(name_of(s)))
                .collect();
            let who = if who.is_empty() {
                String::new()
            } else {
                format!("\u{a0}: {}", who.join(", "))
            };
            format!(
                "{verb} à l'unanimité des suffrages exprimés ({}{who})",
                plural(a, "abstention", "abstentions")
            )
        } else if !counted {
            format!(
                "{verb} ({}{})",
                plural(a, "abstention", "abstentions"),
                names(&v.abstentions_noms)
            )
        } else {
            let mut parts = vec![plural(p, "voix pour", "voix pour")];
            parts.push(format!(
                "{}{}",
                plural(c, "voix contre", "voix contre"),
                names(&v.contre_noms)
            ));
            if a > 0 {
                parts.push(format!(
                    "{}{}",
                    plural(a, "abstention", "abstentions"),
                    names(&v.abstentions_noms)
                ));
            }
            format!("{verb} par {}", join_et(&parts))
        };
        if tie && !secret && explicit.is_none() {
            s.push_str(", la voix du président étant prépondérante");
        } else if tie && secret {
            s.push_str(" (partage égal des voix au scrutin secret)");
        }
        s.push('.');
        s
    };
    let npp: Vec<String> = v
        .ne_prennent_pas_part
        .iter()
        .map(|n| plain(name_of(n)))
        .collect();
    let ne_prennent_pas_part = (!npp.is_empty()).then(|| {
        format!(
            "{} {} pas part au vote.",
            join_et(&npp),
            if npp.len() > 1 {
                "ne prennent"
            } else {
                "ne prend"
            }
        )
    });
    VoteCtx {
        resultat,
        phrase,
        objet: v.objet.as_ref().map(|o| plain(o.get_ref())),
        votants: votants_du_vote,
        ne_prennent_pas_part,
        pour,
        contre,
        abstentions: abst,
        scrutin: v.scrutin.map(|s| {
            match s {
                Scrutin::MainLevee => "à main levée",
                Scrutin::Secret => "au scrutin secret",
                Scrutin::Public => "au scrutin public",
                Scrutin::AppelNominal => "par appel nominal",
            }
            .to_owned()
        }),
    }
}

/// The day Télérecours citoyens opened to the public.
const TELERECOURS_CITOYENS: (i32, u8, u8) = (2018, 11, 30);

/// Items of an enumeration end with « ; », the last one with « . », as
/// articles do; an item ending in `!`, `?` or `…` keeps it.
fn punctuate(items: Vec<String>) -> Vec<String> {
    let n = items.len();
    items
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let t = s
                .trim_end_matches([' ', '\u{a0}', '\u{202f}', ';', ',', '.', ':'])
                .to_owned();
            if t.ends_with(['!', '?', '…']) || (s.ends_with("...") && t.len() + 3 == s.len()) {
                return s;
            }
            if i + 1 < n {
                format!("{t}\u{202f};")
            } else {
                format!("{t}.")
            }
        })
        .collect()
}

fn recours(coll: &CollectiviteCtx, adopted: Option<Date>) -> String {
    // Acts adopted before Télérecours citoyens opened cannot name it.
    let telerecours = adopted.is_none_or(|d| {
        let (y, m, day) = TELERECOURS_CITOYENS;
        Date::new(y, m, day).is_none_or(|open| open.days_until(d) >= 0)
    });
    let mention = if telerecours {
        " Le tribunal administratif peut être saisi par l'application Télérecours citoyens \
         (www.telerecours.fr)."
    } else {
        ""
    };
    format!(
        "La présente délibération peut faire l'objet d'un recours pour excès de pouvoir devant le {} \
         dans un délai de deux mois à compter de sa publication. Dans ce même délai, un recours gracieux \
         peut être adressé à son auteur ; ce recours prolonge le délai de recours contentieux, qui \
         recommence à courir à compter de la réponse (le silence gardé pendant deux mois vaut rejet).{}",
        coll.tribunal, mention
    )
    .replace("l'", "l’")
    .replace("d'", "d’")
    .replace(" ;", "\u{202f};")
}

/// Nouns a party's name often starts with, and whether they are feminine:
/// « Commune de Vals-les-Bains » is « la Commune de Vals-les-Bains,
/// représentée par … ». Lower case; acronyms as they are pronounced.
const PARTY_NOUNS: [(&str, bool); 104] = [
    ("académie", true),
    ("agence", true),
    ("amicale", true),
    ("antenne", true),
    ("association", true),
    ("bibliothèque", true),
    ("caisse", true),
    ("chambre", true),
    ("chorale", true),
    ("cité", true),
    ("clinique", true),
    ("collectivité", true),
    ("commune", true),
    ("communauté", true),
    ("compagnie", true),
    ("confédération", true),
    ("coopérative", true),
    ("crèche", true),
    ("délégation", true),
    ("direction", true),
    ("école", true),
    ("entreprise", true),
    ("eurométropole", true),
    ("fédération", true),
    ("ferme", true),
    ("fondation", true),
    ("galerie", true),
    ("halte-garderie", true),
    ("intercommunalité", true),
    ("ligue", true),
    ("ludothèque", true),
    ("maison", true),
    ("médiathèque", true),
    ("métropole", true),
    ("mission", true),
    ("mutuelle", true),
    ("paroisse", true),
    ("piscine", true),
    ("plateforme", true),
    ("polyclinique", true),
    ("préfecture", true),
    ("région", true),
    ("régie", true),
    ("résidence", true),
    ("salle", true),
    ("sa", true),
    ("sarl", true),
    ("sas", true),
    ("sasu", true),
    ("sci", true),
    ("scic", true),
    ("scop", true),
    ("section", true),
    ("sem", true),
    ("société", true),
    ("spl", true),
    ("union", true),
    ("université", true),
    ("ville", true),
    ("atelier", false),
    ("bureau", false),
    ("cabinet", false),
    ("campus", false),
    ("ccas", false),
    ("centre", false),
    ("cercle", false),
    ("chu", false),
    ("cias", false),
    ("cinéma", false),
    ("club", false),
    ("collège", false),
    ("comité", false),
    ("complexe", false),
    ("conseil", false),
    ("conservatoire", false),
    ("département", false),
    ("ehpad", false),
    ("esat", false),
    ("espace", false),
    ("établissement", false),
    ("état", false),
    ("festival", false),
    ("foyer", false),
    ("gip", false),
    ("groupe", false),
    ("groupement", false),
    ("gymnase", false),
    ("hôpital", false),
    ("institut", false),
    ("laboratoire", false),
    ("lieu", false),
    ("lycée", false),
    ("ministère", false),
    ("multi-accueil", false),
    ("musée", false),
    ("office", false),
    ("orchestre", false),
    ("parc", false),
    ("pays", false),
    ("pôle", false),
    ("rectorat", false),
    ("relais", false),
    ("réseau", false),
    ("service", false),
];

/// The first word of a name, lower case, without its punctuation.
fn first_word(nom: &str) -> String {
    nom.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase()
}

/// A party's name as printed: with its article when typed without one and
/// its first word is a known noun (« Commune de Vals-les-Bains » → « La
/// Commune de Vals-les-Bains », « École de musique » → « L'École de
/// musique »), else as typed.
fn party_name(nom: &str) -> String {
    let nom = nom.trim();
    let lower = nom.to_lowercase();
    let has_article = ["la ", "le ", "les ", "l'", "l’", "un ", "une ", "des "]
        .iter()
        .any(|a| lower.starts_with(a));
    if has_article {
        return nom.to_owned();
    }
    let word = first_word(nom);
    let Some((_, fem)) = PARTY_NOUNS.iter().find(|(w, _)| *w == word) else {
        return nom.to_owned();
    };
    let elide = word.starts_with(['a', 'e', 'i', 'o', 'u', 'é', 'è', 'ê', 'â', 'î', 'ô', 'û'])
        || (word.starts_with('h') && !word.starts_with("halte"))
        // Acronyms read letter by letter: « l'EHPAD », « l'ESAT ».
        || matches!(word.as_str(), "ehpad" | "esat");
    let article = match (elide, fem) {
        (true, _) => "L'",
        (false, true) => "La ",
        (false, false) => "Le ",
    };
    format!("{article}{nom}")
}

/// Whether a party is feminine (« représentée », « dénommée »): its `genre`
/// when typed, else its article (« La Ville »), else the noun after « L' »
/// or its first word (« Commune de … »); masculine when nothing tells.
fn feminine_party(nom: &str, genre: Option<Genre>) -> bool {
    if let Some(g) = genre {
        return g == Genre::Feminin;
    }
    let lower = nom.trim().to_lowercase();
    if lower.starts_with("la ") || lower.starts_with("une ") {
        return true;
    }
    if lower.starts_with("le ") || lower.starts_with("les ") || lower.starts_with("un ") {
        return false;
    }
    let rest = lower
        .strip_prefix("l'")
        .or_else(|| lower.strip_prefix("l’"))
        .unwrap_or(&lower);
    let word = first_word(rest);
    PARTY_NOUNS
        .iter()
        .find(|(w, _)| *w == word)
        .is_some_and(|(_, fem)| *fem)
}

fn feminine_person(name: &str) -> bool {
    let n = name.trim_start();
    n.starts_with("Mme") || n.starts_with("Madame") || n.starts_with("Mlle")
}

fn convention(
    c: &crate::input::Convention,
    l: &Loaded,
    coll: &CollectiviteCtx,
    d: &DeliberationCtx,
    orth: Orthographe,
    errs: &mut Vec<Diagnostic>,
) -> ConventionCtx {
    let src = &l.source;
    let duree = c.duree.as_ref().and_then(|du| {
        let du = du.get_ref();
        match (date(&du.debut, src, errs), date(&du.fin, src, errs)) {
            (Some(a), Some(b)) => Some(format!("du {} au {}", date_longue(a), date_longue(b))),
            _ => None,
        }
    });
    let cents = c.montant.as_ref().map(|m| m.get_ref().0);
    let montant_chiffres = cents.map(montant_en_chiffres);
    let montant_lettres = cents.map(|m| montant_en_lettres(m, orth));
    // The collectivité signs through its maire: his name and qualité when
    // the party that is the collectivité types none.
    let mut raw = c.parties.clone();
    if let Some(p) = raw.first_mut()
        && p.representant.is_none()
        && same_name(
            &party_name(&p.nom),
            &party_name(&crate::escape::unescape(&coll.nom)),
        )
        && let Some(nom) = &d.signature_nom
    {
        p.representant = Some(crate::escape::unescape(nom));
        p.qualite = p
            .qualite
            .take()
            .or_else(|| Some(coll.executif_titre.clone()));
    }
    let n = raw.len();
    let parties = raw
        .iter()
        .enumerate()
        .map(|(i, p)| partie(p, i, n, d))
        .collect();
    let mut last_partie: Option<&str> = None;
    let mut articles: Vec<ArticleConventionCtx> = c
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let num = if i == 0 {
                "1er".to_owned()
            } else {
                (i + 1).to_string()
            };
            let partie = match a.partie.as_deref() {
                Some(p) if last_partie != Some(p) => {
                    last_partie = Some(p);
                    Some(plain(p))
                }
                _ => None,
            };
            let mut texte = markdown(&a.texte);
            if let Some(du) = &duree {
                texte = texte.replace("{duree}", du);
            }
            if let (Some(ch), Some(le)) = (&montant_chiffres, &montant_lettres) {
                texte = texte.replace("{montant}", &format!("{ch} ({le})"));
            }
            ArticleConventionCtx {
                titre: format!("Article {num} – {}", plain(&a.titre)),
                partie,
                texte,
            }
        })
        .collect();
    // What the clerk gave but no article cites is stated in a clause of its own.
    let (add_duree, add_montant) = uncited(c);
    let mut clause = Vec::new();
    if let Some(du) = duree.as_ref().filter(|_| add_duree) {
        clause.push(format!(
            "La présente convention est conclue pour la période {du}."
        ));
    }
    if let (Some(ch), Some(le), true) = (&montant_chiffres, &montant_lettres, add_montant) {
        clause.push(format!(
            "Le montant de la participation financière prévue par la présente convention s'élève à {ch} ({le})."
        ));
    }
    if !clause.is_empty() {
        let titre = match (add_duree && duree.is_some(), add_montant && cents.is_some()) {
            (true, true) => "Durée et montant",
            (true, false) => "Durée",
            _ => "Montant",
        };
        let num = if articles.is_empty() {
            "1er".to_owned()
        } else {
            (articles.len() + 1).to_string()
        };
        articles.push(ArticleConventionCtx {
            titre: format!("Article {num} – {titre}"),
            partie: None,
            texte: plain(&clause.join(" ")),
        });
    }
    ConventionCtx {
        titre: plain(c.titre.get_ref()),
        titre_majuscules: plain(&c.titre.get_ref().to_uppercase()),
        preambule: c.preambule.as_deref().map(markdown),
        duree,
        montant_chiffres,
        montant_lettres,
        fait_a: c.fait_a.as_deref().map(plain),
        date_signature: c
            .date_signature
            .as_ref()
            .and_then(|x| date(x, src, errs))
            .map(date_longue),
        exemplaires: c.exemplaires.map(|e| match e {
            1 => "un exemplaire original".to_owned(),
            e => format!(
                "{} exemplaires originaux",
                crate::french::nombre_en_lettres(u64::from(e), orth)
            ),
        }),
        parties,
        ensemble: n > 2,
        articles,
        raw_parties: raw,
    }
}

/// Whether the convention's `duree` and `montant` are given but stated in
/// no article: neither cited (`{duree}`, `{montant}`) nor already written
/// out (« du 1er septembre 2016 au 31 août 2017 », « 49 975 € », « quarante-neuf
/// mille neuf cent soixante-quinze euros »). delib then adds a clause stating them.
///
/// Remembered for the process ([`crate::memo`]): the check and the model ask
/// it of each dossier, and a batch's conventions share their articles. The
/// key holds all it reads: each article's text (with its length), the dates
/// and the amount.
pub fn uncited(c: &crate::input::Convention) -> (bool, bool) {
    static FOUND: crate::memo::Memo<(bool, bool)> = crate::memo::Memo::new(1 << 18);
    let mut key =
        Vec::with_capacity(64 + c.articles.iter().map(|a| a.texte.len() + 8).sum::<usize>());
    // Each part tagged present or absent, each length given: no two
    // conventions share a key.
    if let Some(d) = &c.duree {
        let d = d.get_ref();
        let dates = format!("{}\0{}", d.debut.get_ref(), d.fin.get_ref());
        key.push(1);
        key.extend_from_slice(&dates.len().to_le_bytes());
        key.extend_from_slice(dates.as_bytes());
    } else {
        key.push(0);
    }
    if let Some(m) = &c.montant {
        key.push(1);
        key.extend_from_slice(&m.get_ref().0.to_le_bytes());
    } else {
        key.push(0);
    }
    for a in &c.articles {
        key.extend_from_slice(&a.texte.len().to_le_bytes());
        key.extend_from_slice(a.texte.as_bytes());
    }
    FOUND.get_or(&key, |_| 2, || find_uncited(c))
}

fn find_uncited(c: &crate::input::Convention) -> (bool, bool) {
    let cites = |k: &str| c.articles.iter().any(|a| a.texte.contains(k));
    let text = normalise(
        &c.articles
            .iter()
            .map(|a| a.texte.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let duree_written = c.duree.as_ref().is_some_and(|d| {
        let d = d.get_ref();
        match (to_date(&d.debut), to_date(&d.fin)) {
            (Some(a), Some(b)) => date_written(&text, a) && date_written(&text, b),
            _ => false,
        }
    });
    let montant_written = c
        .montant
        .as_ref()
        .is_some_and(|m| amount_written(&text, m.get_ref().0));
    (
        c.duree.is_some() && !cites("{duree}") && !duree_written,
        c.montant.is_some() && !cites("{montant}") && !montant_written,
    )
}

/// Lower case, no-break spaces as spaces, runs of spaces as one, hyphens
/// as spaces (« quarante-neuf » = « quarante neuf »), typographic
/// apostrophes straight: the text an article is searched in.
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .replace(['\u{a0}', '\u{202f}', '\n', '\t', '-'], " ")
        .replace('’', "'")
        .replace("<sup>", "")
        .replace("</sup>", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date written in an article: « 1er septembre 2016 » (or « 1 », « premier »),
/// « 01/09/2016 », « 1/9/2016 », « 01.09.2016 », « 2016-09-01 » (hyphens
/// are spaces once normalised).
fn date_written(text: &str, d: Date) -> bool {
    let mois = crate::french::date_longue(d);
    let month_year = mois
        .split_once(' ')
        .map_or(String::new(), |(_, rest)| rest.to_owned());
    let mut forms = vec![
        format!("{} {month_year}", d.day),
        format!("{:02}/{:02}/{}", d.day, d.month, d.year),
        format!("{}/{}/{}", d.day, d.month, d.year),
        format!("{:02}.{:02}.{}", d.day, d.month, d.year),
        format!("{} {:02} {:02}", d.year, d.month, d.day),
    ];
    if d.day == 1 {
        forms.push(format!("1er {month_year}"));
        forms.push(format!("premier {month_year}"));
    }
    forms.iter().any(|f| contains_word(text, f))
}

/// `needle` in `text`, not inside a longer number or word.
fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// An amount written in an article, in figures followed by « € » or
/// « euro(s) » (« 49 975 € », « 49975 euros », « 1 250,50 € ») or in words
/// in either spelling.
fn amount_written(text: &str, cents: i64) -> bool {
    let words = [Orthographe::Traditionnelle, Orthographe::Rectifiee1990]
        .into_iter()
        .map(|o| normalise(&crate::french::montant_en_lettres(cents, o)));
    if words.into_iter().any(|w| text.contains(&w)) {
        return true;
    }
    amounts_in_figures(text).contains(&cents)
}

/// Every amount in figures followed by « € » or « euro »: its cents.
fn amounts_in_figures(text: &str) -> Vec<i64> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_alphanumeric()) {
            i += 1;
            continue;
        }
        // Digits grouped by spaces or dots, then maybe a comma and cents.
        let mut euros = String::new();
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (matches!(chars[j], ' ' | '.')
                    && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                    && chars[j + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count()
                        == 3))
        {
            if chars[j].is_ascii_digit() {
                euros.push(chars[j]);
            }
            j += 1;
        }
        let mut cents = 0i64;
        if chars.get(j) == Some(&',') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            let dec: String = chars[j + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            j += 1 + dec.len();
            let two: String = format!("{dec:0<2}").chars().take(2).collect();
            cents = two.parse().unwrap_or(0);
        }
        let rest: String = chars[j..].iter().take(6).collect();
        let rest = rest.trim_start();
        if (rest.starts_with('€') || rest.starts_with("euro"))
            && let Ok(e) = euros.parse::<i64>()
            && let Some(v) = e.checked_mul(100).and_then(|v| v.checked_add(cents))
        {
            out.push(v);
        }
        i = j.max(i + 1);
    }
    out
}

fn partie(p: &Partie, i: usize, n: usize, d: &DeliberationCtx) -> PartieCtx {
    let fem = feminine_party(&p.nom, p.genre);
    let e = if fem { "e" } else { "" };
    let nom = plain(&party_name(&p.nom));
    let mut s = format!("**{nom}**");
    if let Some(f) = &p.forme {
        s.push_str(&format!(", {}", plain(f)));
    }
    if let Some(o) = &p.objet_social {
        s.push_str(&format!(", ayant pour objet {}", plain(o)));
    }
    if let Some(a) = &p.adresse {
        s.push_str(&format!(", dont le siège est situé {}", plain(a)));
    }
    if let Some(x) = &p.siret {
        s.push_str(&format!(", SIRET {}", plain(x.get_ref())));
    }
    let contact: Vec<String> = [("tél. ", &p.telephone), ("courriel ", &p.courriel)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}{}", plain(v))))
        .collect();
    if !contact.is_empty() {
        s.push_str(&format!(" ({})", contact.join(", ")));
    }
    if let Some(r) = &p.representant {
        s.push_str(&format!(", représenté{e} par {}", plain(r)));
        if let Some(q) = &p.qualite {
            s.push_str(&format!(", {}", plain(q)));
        }
        let habilitation = match &p.habilitation {
            Some(h) => Some(plain(h)),
            None if i == 0 => Some(d.reference.clone()),
            None => None,
        };
        if let Some(h) = habilitation {
            let he = if feminine_person(r) { "e" } else { "" };
            // A habilitation typed as a whole phrase is not doubled.
            let lower = h.trim_start().to_lowercase();
            let whole = [
                "dûment",
                "habilit",
                "agissant",
                "en vertu",
                "en application",
                "autorisé",
            ]
            .iter()
            .any(|w| lower.starts_with(w));
            if whole {
                s.push_str(&format!(", {}", h.trim_start()));
            } else if lower.starts_with("par ") {
                s.push_str(&format!(", dûment habilité{he} {}", h.trim_start()));
            } else {
                s.push_str(&format!(", dûment habilité{he} par {h}"));
            }
        }
    }
    if let Some(den) = &p.denomination {
        s.push_str(&format!(
            ", ci-après dénommé{e} «\u{202f}{}\u{202f}»",
            plain(den)
        ));
    }
    let part = if i == 0 {
        "d’une part,"
    } else if i + 1 == n {
        "d’autre part."
    } else {
        "d’autre part,"
    };
    PartieCtx {
        pour: format!("Pour {}", lower_article(&nom)),
        nom: plain(&p.nom),
        designation: s,
        part: part.into(),
        representant: p.representant.as_deref().map(plain),
        qualite: p.qualite.as_deref().map(plain),
    }
}

/// Two names alike but for case and apostrophes.
fn same_name(a: &str, b: &str) -> bool {
    let f = |s: &str| s.trim().to_lowercase().replace('’', "'");
    f(a) == f(b)
}

/// "La Ville de Dijon" → "la Ville de Dijon", for "Pour la Ville de Dijon".
fn lower_article(nom: &str) -> String {
    for art in ["La ", "Le ", "Les ", "L'", "L’"] {
        if let Some(rest) = nom.strip_prefix(art) {
            return format!("{}{rest}", art.to_lowercase());
        }
    }
    nom.to_owned()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// The wording of a commune, for unit tests.
    pub fn coll() -> CollectiviteCtx {
        CollectiviteCtx {
            nom: "Ville de Dijon".into(),
            type_: TypeCollectivite::Commune,
            assemblee: "Conseil municipal".into(),
            assemblee_majuscules: "CONSEIL MUNICIPAL".into(),
            le_assemblee: "le Conseil municipal".into(),
            du_assemblee: "du Conseil municipal".into(),
            au_assemblee: "au Conseil municipal".into(),
            convoque: "convoqué".into(),
            reuni: "réuni".into(),
            ville: None,
            adresse: None,
            departement: None,
            du_departement: None,
            siret: None,
            executif: "le Maire".into(),
            executif_majuscules: "LE MAIRE".into(),
            executif_titre: "Maire".into(),
            tribunal: "tribunal administratif de Dijon".into(),
            executif_nom: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Vote;
    use tests_support::coll;

    fn counts(p: u32, c: u32, a: u32) -> Vote {
        Vote {
            pour: Some(Spanned::new(0..0, p)),
            contre: Some(Spanned::new(0..0, c)),
            abstentions: Some(Spanned::new(0..0, a)),
            ..Vote::default()
        }
    }

    /// `uncited` is remembered: a convention that differs only by its
    /// amount or its dates is never given another one's answer.
    #[test]
    fn uncited_is_remembered_per_amount_and_dates() {
        let conv = |montant: &str, fin: &str| -> crate::input::Convention {
            toml::from_str(&format!(
                r#"
titre = "C"
duree = {{ debut = 2020-02-01, fin = {fin} }}
montant = {montant}
[[articles]]
titre = "Objet"
texte = "Du 1er février 2020 au 31 janvier 2021, 12 500 € sont versés."
"#
            ))
            .unwrap()
        };
        for _ in 0..3 {
            assert_eq!(uncited(&conv("12500", "2021-01-31")), (false, false));
            assert_eq!(uncited(&conv("9000", "2021-01-31")), (false, true));
            assert_eq!(uncited(&conv("12500", "2021-03-31")), (true, false));
        }
    }

    #[test]
    fn unanimity_from_flag_and_from_counts() {
        let v = Vote {
            unanimite: Some(Spanned::new(0..0, true)),
            ..Vote::default()
        };
        assert_eq!(vote(&v, None, &coll()).phrase, "Adopté à l'unanimité.");
        assert_eq!(
            vote(&counts(50, 0, 0), None, &coll()).phrase,
            "Adopté à l'unanimité."
        );
    }

    #[test]
    fn abstentions_only_is_unanimity_of_expressed_votes() {
        assert_eq!(
            vote(&counts(48, 0, 2), None, &coll()).phrase,
            "Adopté à l'unanimité des suffrages exprimés (2 abstentions)."
        );
    }

    #[test]
    fn counts_with_names() {
        let mut v = counts(50, 3, 2);
        v.contre_noms = vec![Spanned::new(0..0, "groupe Dijon Avenir".into())];
        assert_eq!(
            vote(&v, None, &coll()).phrase,
            "Adopté par 50 voix pour, 3 voix contre (groupe Dijon Avenir) et 2 abstentions."
        );
        assert_eq!(
            vote(&counts(10, 30, 1), None, &coll()).phrase,
            "Rejeté par 10 voix pour, 30 voix contre et 1 abstention."
        );
    }

    #[test]
    fn tie_goes_to_the_president_except_in_secret_ballot() {
        let v = counts(20, 20, 0);
        let out = vote(&v, None, &coll());
        assert_eq!(out.resultat, Resultat::Adopte);
        assert_eq!(
            out.phrase,
            "Adopté par 20 voix pour et 20 voix contre, la voix du président étant prépondérante."
        );
        let secret = Vote {
            scrutin: Some(Scrutin::Secret),
            ..counts(20, 20, 0)
        };
        let out = vote(&secret, None, &coll());
        assert_eq!(out.resultat, Resultat::Rejete);
        assert_eq!(
            out.phrase,
            "Rejeté par 20 voix pour et 20 voix contre (partage égal des voix au scrutin secret)."
        );
    }

    #[test]
    fn members_not_taking_part_are_named() {
        let mut v = counts(50, 0, 0);
        v.ne_prennent_pas_part = vec![Spanned::new(0..0, "M. BICHOT".into())];
        assert_eq!(
            vote(&v, None, &coll()).ne_prennent_pas_part.as_deref(),
            Some("M.\u{a0}BICHOT ne prend pas part au vote.")
        );
    }

    #[test]
    fn item_presence_follows_arrivals_departures_and_proxies() {
        let seance: crate::input::Seance = toml::from_str(
            "date = 2024-03-14\npresents = [\"A\", \"B\", \"C\"]\npouvoirs = [{ mandant = \"D\", mandataire = \"C\" }, { mandant = \"E\", mandataire = \"A\" }]\n",
        )
        .unwrap();
        let none = item_presence(&seance, None, None);
        assert_eq!((none.count, none.votants()), (Some(3), Some(5)));
        // C leaves (and D's proxy with C), F arrives, B gives a proxy to A for this item.
        let change: crate::input::Presence = toml::from_str(
            "arrives = [\"F\"]\npartis = [\"C\", \"B\"]\npouvoirs = [{ mandant = \"B\", mandataire = \"F\" }]\n",
        )
        .unwrap();
        let item = item_presence(&seance, None, Some(&change));
        assert_eq!(item.names.as_deref(), Some(&["A", "F"][..]));
        assert_eq!(
            item.pouvoirs
                .iter()
                .map(|(p, for_item)| (p.get_ref().mandant.get_ref().as_str(), *for_item))
                .collect::<Vec<_>>(),
            [("E", false), ("B", true)]
        );
        assert_eq!(item.votants(), Some(4));
        assert!(item.is_present("F") && !item.is_present("C"));
    }

    #[test]
    fn the_same_person_written_two_ways() {
        assert!(same_person("M. REBSAMEN", "François REBSAMEN"));
        assert!(same_person("Mme KOENDERS", "Madame Nathalie KOENDERS"));
        assert!(same_person("François REBSAMEN", "françois rebsamen"));
        assert!(!same_person("Jean MARTIN", "Claire MARTIN"));
        assert!(!same_person("Mme MARTIN", "Mme MARTIN-GENDRE"));
        assert!(!same_person("M.", "M. REBSAMEN"));
    }

    #[test]
    fn article_labels() {
        assert_eq!(article_label(0, 1, false), "ARTICLE UNIQUE");
        assert_eq!(article_label(0, 2, false), "ARTICLE 1er");
        assert_eq!(article_label(0, 2, true), "ARTICLE PREMIER");
        assert_eq!(article_label(1, 2, false), "ARTICLE 2");
    }

    #[test]
    fn actes_number_shape() {
        assert_eq!(numero_actes("2016-06-27/12"), "2016_06_27_12");
        assert_eq!(numero_actes("cp-2022-1-5-1"), "CP_2022_1_5_1");
    }

    #[test]
    fn party_gender() {
        assert!(feminine_party("La Ville de Dijon", None));
        assert!(feminine_party("L'association les PEP 21", None));
        assert!(!feminine_party("Le collège Molière", None));
        assert!(feminine_party("Commune de Vals-les-Bains", None));
        assert!(feminine_party("École de musique", None));
        assert!(!feminine_party("Orange", None));
        assert!(feminine_party("Orange", Some(Genre::Feminin)));
        assert!(!feminine_party("La Poste", Some(Genre::Masculin)));
        assert_eq!(
            party_name("Commune de Vals-les-Bains"),
            "La Commune de Vals-les-Bains"
        );
        assert_eq!(party_name("École de musique"), "L'École de musique");
        assert_eq!(
            party_name("Centre social Arc-en-ciel"),
            "Le Centre social Arc-en-ciel"
        );
        assert_eq!(party_name("EHPAD Les Tilleuls"), "L'EHPAD Les Tilleuls");
        assert_eq!(party_name("La Ville de Dijon"), "La Ville de Dijon");
        assert_eq!(party_name("Orange"), "Orange");
    }
}
