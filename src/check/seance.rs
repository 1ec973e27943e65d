//! The checks across a batch and across the dossiers of each séance: one
//! number per act of a séance, numbering gaps, items without a vote once the
//! procès-verbal is due, the séance's movements, présidence and attendance
//! against each item, one séance spelled as two files. Findings only: like
//! every check, this never renders anything.

use crate::diag::{Diagnostic, Source};
use crate::french::Date;
use crate::input::{Presents, Seance};
use crate::load::Loaded;
use crate::model::{self, name_of, to_date};
use crate::seance::{key_of, order_key, places, split_numero};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Checks across a batch: deliberation numbers unique within a séance, and
/// the séance-level checks (`check::seance`). `complete`: the séance files
/// (real paths) whose every dossier was found (a folder was walked), where
/// a point missing from the batch is missing from the séance.
pub fn check_batch(items: &[&Loaded], complete: &[std::path::PathBuf]) -> Vec<Diagnostic> {
    let mut seen: HashMap<(Option<Date>, String), &Loaded> = HashMap::new();
    let mut out = Vec::new();
    for l in items {
        let d = l.dossier.deliberation.get_ref();
        let Some(n) = &d.numero else { continue };
        let date = l.seance.as_ref().and_then(|(s, _)| to_date(&s.date));
        let key = (date, n.get_ref().trim().to_owned());
        match seen.get(&key) {
            Some(first) => out.push(
                Diagnostic::error(
                    "numero-double",
                    format!("le numéro « {} » est déjà celui d'une autre délibération de la même séance", n.get_ref()),
                )
                .at(&l.source, n.span())
                .hint(format!("déjà utilisé par {} ; chaque acte d'une séance a son propre numéro", first.source.path.display())),
            ),
            None => {
                seen.insert(key, l);
            }
        }
    }
    out.extend(check(items, complete));
    out
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
    let numbers: Vec<Option<&str>> = list.iter().map(|l| l.dossier.numero()).collect();
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
            out.extend(super::vote_findings(v, src, &at));
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
        let at = super::header_span(&l.source.text, "deliberation");
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
