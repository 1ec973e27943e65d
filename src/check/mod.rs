//! The legal and consistency checks: rules in, findings out, never stopping
//! at the first one. Article numbers are those of the CGCT unless stated.

use crate::diag::{Diagnostic, Source};
use crate::french::{Date, lint};
use crate::input::{Presents, Resultat, Scrutin, Text, TomlDate, TypeCollectivite};
use crate::load::Loaded;
use crate::model::{name_of as name, to_date as date};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

pub mod seance;

/// Every check on one loaded dossier.
pub fn check(l: &Loaded) -> Vec<Diagnostic> {
    let mut c = Checker { l, out: Vec::new() };
    c.required();
    if let Some((s, src)) = &l.seance {
        c.attendance(s, src);
        c.dates(s, src);
        c.seance_values(s, src);
    } else {
        let d = l.dossier.deliberation.get_ref();
        c.out.push(
            Diagnostic::error(
                "seance-manquante",
                "le dossier n'indique pas sa séance : ni seance = \"…\" ni table [seance]",
            )
            .at(&l.source, header_span(&l.source.text, "deliberation").unwrap_or(d.objet.span()))
            .hint("ajoutez, avant [deliberation], seance = \"seances/AAAA-MM-JJ.toml\" ou une table [seance] avec au moins sa date"),
        );
    }
    c.vote();
    c.numbering();
    c.subsidy();
    c.added_clause();
    c.typography();
    c.control_characters();
    c.encoding();
    c.out.sort_by_key(|d| {
        (
            d.severity,
            d.location().map(|(p, l, col)| (p.to_path_buf(), l, col)),
        )
    });
    c.out
}

/// From the first count typed to the last (`pour = 5` … `abstentions = 1`),
/// where a wrong total is to be corrected.
fn counts_span(given: &[&Spanned<u32>]) -> Option<Range<usize>> {
    let start = given.iter().map(|c| c.span().start).min()?;
    let end = given.iter().map(|c| c.span().end).max()?;
    Some(start..end)
}

struct Checker<'a> {
    l: &'a Loaded,
    out: Vec<Diagnostic>,
}

fn plural(n: u32, word: &str) -> String {
    format!("{n} {word}{}", if n > 1 { "s" } else { "" })
}

impl Checker<'_> {
    fn src(&self) -> &Arc<Source> {
        &self.l.source
    }

    /// The dossier's number: where it stands among the séance's movements.
    fn numero(&self) -> Option<&str> {
        self.l.dossier.numero()
    }

    fn required(&mut self) {
        let d = self.l.dossier.deliberation.get_ref();
        let empty = d
            .articles
            .as_ref()
            .is_none_or(|a| a.get_ref().iter().all(|t| t.get_ref().trim().is_empty()));
        // A dossier whose decision is only « prend acte » has no dispositif to write.
        if empty && !crate::model::prise_d_acte(d) {
            let span = d.articles.as_ref().map_or(d.objet.span(), |a| a.span());
            self.out.push(
                Diagnostic::error("articles-manquants", "la délibération n'a aucun article")
                    .at(self.src(), span)
                    .hint("ajoutez articles = [\"**APPROUVE** …\"] dans [deliberation] : le dispositif est ce que l'assemblée décide"),
            );
        }
        if d.objet.get_ref().trim().is_empty() {
            self.out.push(
                Diagnostic::error("objet-vide", "l'objet de la délibération est vide")
                    .at(self.src(), d.objet.span())
                    .hint("l'objet dit en une phrase ce que décide l'acte"),
            );
        }
    }

    /// Quorum, partition of the members, proxies, président and secrétaire.
    fn attendance(&mut self, s: &crate::input::Seance, src: &Arc<Source>) {
        let item = crate::model::item_presence(
            s,
            self.numero(),
            self.l.dossier.deliberation.get_ref().presence.as_ref(),
        );
        let names = match s.presents.as_ref().map(|p| p.get_ref()) {
            Some(Presents::Noms(n)) => Some(n),
            _ => None,
        };
        // Everyone listed, with the list they are in, to find duplicates.
        let mut listed: HashMap<&str, (&'static str, Range<usize>)> = HashMap::new();
        let mut seance_pouvoirs: Vec<&Spanned<crate::input::Pouvoir>> = s.pouvoirs.iter().collect();
        seance_pouvoirs.sort_by_key(|p| p.span().start);
        let lists: [(&'static str, Vec<&Text>); 4] = [
            (
                "présents",
                names.map(|n| n.iter().collect()).unwrap_or_default(),
            ),
            (
                "absents représentés",
                s.pouvoirs.iter().map(|p| &p.get_ref().mandant).collect(),
            ),
            ("excusés", s.excuses.iter().collect()),
            ("absents", s.absents.iter().collect()),
        ];
        for (list, people) in &lists {
            for p in people {
                let n = name(p);
                // An excused member may give a proxy: absent, excused and
                // represented is one member in two lists (« absent excusé,
                // pouvoir à … »).
                let excused_and_represented = |a: &str, b: &str| {
                    matches!(
                        (a, b),
                        ("absents représentés", "excusés") | ("excusés", "absents représentés")
                    )
                };
                if let Some((first, _)) = listed.get(n)
                    && !excused_and_represented(first, list)
                {
                    let msg = if first == list {
                        format!("« {n} » figure deux fois parmi les {list}")
                    } else {
                        format!("« {n} » figure à la fois parmi les {first} et parmi les {list}")
                    };
                    self.out.push(
                        Diagnostic::error("presence-double", msg)
                            .at(src, p.span())
                            .hint("chaque membre figure dans une seule liste : présents, pouvoirs (mandant), excusés ou absents ; seul un excusé peut aussi être mandant d'un pouvoir"),
                    );
                } else {
                    listed.insert(n, (list, p.span()));
                }
            }
        }
        let present_at_opening: Vec<&str> = names
            .map(|n| n.iter().map(name).collect())
            .unwrap_or_default();
        if names.is_some() {
            for (role, who, code) in [
                ("le président de séance", &s.president, "president-absent"),
                (
                    "le secrétaire de séance",
                    &s.secretaire,
                    "secretaire-absent",
                ),
            ] {
                if let Some(w) = who
                    && !present_at_opening.contains(&name(w))
                {
                    self.out.push(
                        Diagnostic::error(code, format!("{role}, « {} », n'est pas dans la liste des présents", name(w)))
                            .at(src, w.span())
                            .hint("ajoutez-le à presents, écrit exactement de la même façon (civilité comprise)"),
                    );
                }
            }
        }
        // Proxies: the mandataire is present, holds one pouvoir, is not the mandant.
        let mut held: HashMap<&str, usize> = HashMap::new();
        let all: Vec<(&Spanned<crate::input::Pouvoir>, Arc<Source>)> = item
            .pouvoirs
            .iter()
            .map(|(p, for_item)| {
                (
                    *p,
                    if *for_item {
                        self.src().clone()
                    } else {
                        src.clone()
                    },
                )
            })
            .collect();
        for (p, psrc) in &all {
            let pv = p.get_ref();
            let Some(m) = &pv.mandataire else {
                self.out.push(
                    Diagnostic::warning(
                        "pouvoir-sans-mandataire",
                        format!("le pouvoir de « {} » ne dit pas à qui il est donné", name(&pv.mandant)),
                    )
                    .at(psrc, p.span())
                    .hint("usage : les actes publiés omettent parfois le mandataire ; ajoutez mandataire = \"…\" si vous le connaissez"),
                );
                continue;
            };
            let (mandant, mandataire) = (name(&pv.mandant), name(m));
            if mandant == mandataire {
                self.out.push(
                    Diagnostic::error(
                        "pouvoir-soi-meme",
                        format!(
                            "« {mandant} » est à la fois mandant et mandataire du même pouvoir"
                        ),
                    )
                    .at(psrc, m.span())
                    .hint(
                        "le mandataire est un autre membre, présent à la séance (art. L. 2121-20)",
                    ),
                );
                continue;
            }
            if names.is_some() && !item.is_present(mandataire) {
                self.out.push(
                    Diagnostic::error(
                        "pouvoir-mandataire-absent",
                        format!("le mandataire « {mandataire} » n'est pas présent, il ne peut pas voter pour « {mandant} »"),
                    )
                    .at(psrc, m.span())
                    .hint("un pouvoir ne peut être donné qu'à un membre présent (art. L. 2121-20) ; vérifiez l'orthographe du nom dans presents"),
                );
            }
            let count = held.entry(mandataire).or_insert(0);
            *count += 1;
            if *count == 2 {
                self.out.push(
                    Diagnostic::error(
                        "pouvoir-multiple",
                        format!("« {mandataire} » détient plus d'un pouvoir"),
                    )
                    .at(psrc, m.span())
                    .hint("un membre ne peut recevoir qu'un seul pouvoir (art. L. 2121-20)"),
                );
            }
        }
        // Total against the members in office.
        if let (Some(names), Some(m)) = (names, &s.membres_en_exercice) {
            // An excused member who gave a proxy is in two lists, one member.
            let both = s
                .excuses
                .iter()
                .filter(|e| {
                    s.pouvoirs
                        .iter()
                        .any(|p| name(&p.get_ref().mandant) == name(e))
                })
                .count();
            let total =
                (names.len() + s.pouvoirs.len() + s.excuses.len() + s.absents.len() - both) as u32;
            let members = *m.get_ref();
            if total > members {
                self.out.push(
                    Diagnostic::error(
                        "effectif-depasse",
                        format!(
                            "{total} personnes sont listées (présents, pouvoirs, excusés, absents) pour {} en exercice",
                            plural(members, "membre")
                        ),
                    )
                    .at(src, m.span())
                    .hint("un nom est en trop, ou membres_en_exercice est faux"),
                );
            } else if total < members {
                self.out.push(
                    Diagnostic::warning(
                        "effectif-incomplet",
                        format!(
                            "{total} personnes sont listées pour {} en exercice : {} manquant{}",
                            plural(members, "membre"),
                            members - total,
                            if members - total > 1 { "s" } else { "" }
                        ),
                    )
                    .at(src, m.span())
                    .hint("ajoutez les membres manquants à excuses ou absents, pour que la feuille de présence soit complète"),
                );
            }
        }
        // Quorum (L. 2121-17): members physically present, proxies excluded.
        let present = item.count;
        if let (Some(p), Some(m), Some(span)) = (
            present,
            &s.membres_en_exercice,
            s.presents.as_ref().map(|x| x.span()),
        ) {
            let members = *m.get_ref();
            let coll = &self.l.collectivite;
            let permanente = coll.type_ == Some(TypeCollectivite::Departement)
                && coll
                    .assemblee
                    .as_deref()
                    .is_some_and(|a| a.to_lowercase().starts_with("commission permanente"));
            let counted = if permanente { p + all.len() as u32 } else { p };
            let needed = members / 2 + 1;
            if !s.deuxieme_convocation && counted < needed {
                let what = if permanente {
                    "présents ou représentés"
                } else {
                    "présents"
                };
                let basis = if permanente {
                    "art. L. 3122-8"
                } else {
                    "art. L. 2121-17"
                };
                self.out.push(
                    Diagnostic::error(
                        "quorum",
                        format!(
                            "quorum non atteint : {counted} {what} pour {} en exercice, il en faut au moins {needed}",
                            plural(members, "membre")
                        ),
                    )
                    .at(src, span)
                    .hint(format!(
                        "la majorité des membres en exercice doit être présente ({basis}) ; si la séance se tient après une première convocation sans quorum, indiquez deuxieme_convocation = true"
                    )),
                );
            }
        }
    }

    /// Dates in order.
    fn dates(&mut self, s: &crate::input::Seance, src: &Arc<Source>) {
        let Some(seance) = date(&s.date) else { return };
        let d = self.l.dossier.deliberation.get_ref();
        let dsrc = self.src().clone();
        // The convocation's delay is a fact of the séance, checked once for
        // it (`check::seance`), not once per dossier.
        if let Some(c) = &s.convocation
            && let Some(conv) = date(c)
            && conv >= seance
        {
            self.out.push(
                Diagnostic::error(
                    "date-convocation",
                    "la convocation n'est pas antérieure à la séance",
                )
                .at(src, c.span())
                .hint("la convocation est envoyée avant la séance ; vérifiez l'année et le mois"),
            );
        }
        if let Some(p) = &d.publication {
            // (date, code, message, the date it may not precede, hint)
            type Rule<'a> = (
                &'a Option<TomlDate>,
                &'static str,
                &'static str,
                Option<Date>,
                &'static str,
            );
            let pairs: [Rule; 3] = [
                (
                    &p.transmission,
                    "date-transmission",
                    "la transmission en préfecture précède la séance",
                    Some(seance),
                    "la transmission suit la séance",
                ),
                (
                    &p.reception,
                    "date-reception",
                    "la réception en préfecture précède la transmission",
                    p.transmission.as_ref().and_then(date).or(Some(seance)),
                    "la préfecture reçoit l'acte après sa transmission",
                ),
                (
                    &p.publication,
                    "date-publication",
                    "la publication précède la séance",
                    Some(seance),
                    "l'acte est publié après la séance",
                ),
            ];
            for (value, code, msg, after, hint) in pairs {
                if let (Some(v), Some(after)) = (value, after)
                    && date(v).is_some_and(|x| x < after)
                {
                    self.out
                        .push(Diagnostic::error(code, msg).at(&dsrc, v.span()).hint(hint));
                }
            }
        }
        if let Some(conv) = &self.l.dossier.convention {
            let k = conv.get_ref();
            if let Some(du) = &k.duree {
                let du_ref = du.get_ref();
                if let (Some(a), Some(b)) = (date(&du_ref.debut), date(&du_ref.fin))
                    && a > b
                {
                    self.out.push(
                        Diagnostic::error("date-duree", "la convention finit avant de commencer")
                            .at(&dsrc, du_ref.fin.span())
                            .hint("duree.debut doit précéder ou égaler duree.fin"),
                    );
                }
            }
            if let Some(sig) = &k.date_signature
                && date(sig).is_some_and(|x| x < seance)
            {
                self.out.push(
                    Diagnostic::error(
                        "date-signature",
                        "la convention est signée avant la séance qui l'autorise",
                    )
                    .at(&dsrc, sig.span())
                    .hint("la signature suit la délibération qui habilite le signataire"),
                );
            }
        }
    }

    /// The vote: unanimity versus counts, counts against names, totals
    /// against the votants of the point, the names against those present or
    /// represented at the point.
    fn vote(&mut self) {
        let d = self.l.dossier.deliberation.get_ref();
        let Some((s, _)) = &self.l.seance else {
            return;
        };
        let item = crate::model::item_presence(s, self.numero(), d.presence.as_ref());
        let src = self.src().clone();
        if let Some(v) = &d.vote {
            self.out.extend(vote_findings(v, &src, &item));
        }
        for v in &d.votes {
            if v.get_ref()
                .objet
                .as_ref()
                .is_none_or(|o| o.get_ref().trim().is_empty())
            {
                self.out.push(
                    Diagnostic::error(
                        "vote-objet-manquant",
                        "un vote de [[deliberation.votes]] ne dit pas sur quoi il porte",
                    )
                    .at(&src, v.span())
                    .hint("ajoutez objet = \"…\" (ex. « Les amis du jumelage – 800 € ») : chaque vote distinct est imprimé avec son objet"),
                );
            }
            self.out.extend(vote_findings(v, &src, &item));
        }
    }

    /// @ctes identifier and act number shapes, matière code.
    fn numbering(&mut self) {
        let d = self.l.dossier.deliberation.get_ref();
        let src = self.src().clone();
        // The SIRET's keys, the typed identifiant against the derived one;
        // values the open-data file would show as spreadsheet formulas.
        self.out.extend(crate::identifiant::check(self.l));
        self.spreadsheet_formulas();
        if let Some(p) = &d.publication
            && let Some(n) = &p.numero_actes
            && !crate::identifiant::is_numero(n.get_ref())
        {
            self.out.push(
                Diagnostic::error(
                    "numero-actes",
                    format!("le numéro @ctes « {} » n'est pas valide", n.get_ref()),
                )
                .at(&src, n.span())
                .hint("1 à 15 caractères parmi les chiffres, les majuscules sans accent et _"),
            );
        }
        if let Some(m) = &d.matiere
            && !(matiere_shape(m.get_ref())
                && crate::publish::nomenclature::scdl_name(m.get_ref()).is_some())
        {
            let why = if matiere_shape(m.get_ref()) {
                "n'est pas dans la nomenclature @ctes"
            } else {
                "n'a pas la forme N.M"
            };
            self.out.push(
                Diagnostic::warning(
                    "matiere",
                    format!("le code matière « {} » {why}", m.get_ref()),
                )
                .at(&src, m.span())
                .hint(
                    "exemples : \"7.5\" (subventions), \"8.1\" (enseignement) — nomenclature @ctes",
                ),
            );
        }
    }

    /// A value of the open-data file that starts like a spreadsheet formula
    /// (`=`, `+`, `-`, `@`): `export scdl` neutralises it, but a real objet,
    /// numéro or name never starts so, and a reader would see the quote added.
    fn spreadsheet_formulas(&mut self) {
        let l = self.l;
        let d = l.dossier.deliberation.get_ref();
        let mut fields: Vec<(&str, &Text, &Arc<Source>)> = vec![("objet", &d.objet, &l.source)];
        if let Some(n) = &d.numero {
            fields.push(("numero", n, &l.source));
        }
        if let Some(n) = &l.collectivite.nom {
            let in_dossier = l
                .dossier
                .collectivite
                .as_ref()
                .is_some_and(|c| c.nom.is_some());
            let src = match &l.projet {
                Some((_, src)) if !in_dossier => src,
                _ => &l.source,
            };
            fields.push(("nom", n, src));
        }
        for (name, v, src) in fields {
            let value = v.get_ref().trim_start();
            if crate::escape::starts_formula(value) {
                self.out.push(
                    Diagnostic::warning(
                        "formule-tableur",
                        format!(
                            "« {name} » commence par « {} » : un tableur lirait la cellule du fichier open data comme une formule",
                            value.chars().next().unwrap_or('=')
                        ),
                    )
                    .at(src, v.span())
                    .hint("delib export scdl met une apostrophe devant ; si ce caractère n'a rien à faire là, retirez-le"),
                );
            }
        }
    }

    /// Décret 2001-495: a subsidy above 23 000 € a year needs a convention.
    fn subsidy(&mut self) {
        let d = self.l.dossier.deliberation.get_ref();
        if self.l.dossier.convention.is_some()
            || !d.objet.get_ref().to_lowercase().contains("subvention")
        {
            return;
        }
        let texts = std::iter::once(&d.objet)
            .chain(d.expose.iter())
            .chain(d.articles.iter().flat_map(|a| a.get_ref().iter()));
        let max = texts.flat_map(|t| amounts_in(t.get_ref())).max();
        if let Some(euros) = max.filter(|e| *e > 23_000) {
            self.out.push(
                Diagnostic::warning(
                    "convention-subvention",
                    format!("subvention de {} € sans convention", crate::french::grouper(euros)),
                )
                .at(self.src(), d.objet.span())
                .hint("au-delà de 23 000 € par an, une convention avec l'organisme est obligatoire (décret n° 2001-495, art. 1er) ; ajoutez une table [convention]"),
            );
        }
    }

    /// `duree` or `montant` cited by no article: the rendering adds a clause.
    fn added_clause(&mut self) {
        let Some(conv) = &self.l.dossier.convention else {
            return;
        };
        let c = conv.get_ref();
        let (duree, montant) = crate::model::uncited(c);
        let (what, them) = match (duree, montant) {
            (true, true) => ("la durée et le montant", "les"),
            (true, false) => ("la durée", "l'"),
            (false, true) => ("le montant", "l'"),
            (false, false) => return,
        };
        let span = if montant {
            c.montant.as_ref().map(|m| m.span())
        } else {
            c.duree.as_ref().map(|d| d.span())
        };
        let mut d = Diagnostic::warning(
            "clause-ajoutee",
            format!(
                "aucun article de la convention ne cite {what} : delib ajoute à la fin un article {}énonçant",
                if them == "les" { "les " } else { them }
            ),
        );
        d = match span {
            Some(sp) => d.at(self.src(), sp),
            None => d.in_file(self.src()),
        };
        self.out.push(d.hint(
            "pour les placer vous-même, écrivez-les dans un article (« du 1er septembre 2016 au 31 août 2017 », « 49 975 € ») ou écrivez {duree} ou {montant} ; sinon rien n'est à corriger",
        ));
    }

    /// Control characters (NUL, BEL, ESC…) in a value of the dossier, its
    /// séance file, `delib.toml` or the partners CSV: removed from the
    /// documents, one warning per file.
    fn control_characters(&mut self) {
        let mut sources: Vec<Arc<Source>> = vec![self.l.source.clone()];
        sources.extend(self.l.seance.as_ref().map(|(_, s)| s.clone()));
        sources.extend(self.l.projet.as_ref().map(|(_, s)| s.clone()));
        sources.dedup_by(|a, b| a.path == b.path);
        let mut found: Vec<(Arc<Source>, Range<usize>, char, usize)> = Vec::new();
        for src in sources {
            if let Some((span, c, n)) = control_in_toml(&src.text) {
                found.push((src, span, c, n));
            }
        }
        if let Some(csv) = &self.l.partenaires {
            let mut hits = csv
                .text
                .char_indices()
                .filter(|&(_, c)| crate::escape::is_stripped(c) && c != '\r');
            if let Some((at, c)) = hits.next() {
                let n = 1 + hits.count();
                found.push((csv.clone(), at..at + c.len_utf8(), c, n));
            }
        }
        for (src, span, c, n) in found {
            let others = match n {
                1 => String::new(),
                2 => " (et 1 autre valeur dans ce fichier)".to_string(),
                n => format!(" (et {} autres valeurs dans ce fichier)", n - 1),
            };
            self.out.push(
                Diagnostic::warning(
                    "caractere-controle",
                    format!("caractère de contrôle {} dans une valeur{others}", control_name(c)),
                )
                .at(&src, span)
                .hint("il est retiré des documents ; supprimez-le (souvent un copier-coller depuis un autre logiciel)"),
            );
        }
    }

    /// A partners CSV read as Windows-1252 (Excel's « CSV (séparateur :
    /// point-virgule) »): a note, so the clerk knows how it was understood.
    fn encoding(&mut self) {
        let Some(csv) = self
            .l
            .partenaires
            .as_ref()
            .filter(|_| self.l.partenaires_ansi)
        else {
            return;
        };
        let sep = match crate::partners::delimiter(&csv.text) {
            b';' => "point-virgule",
            _ => "virgule",
        };
        self.out.push(
            Diagnostic::note(
                "partenaires-encodage",
                format!(
                    "{} n'est pas en UTF-8 : il est lu en Windows-1252 (le codage « ANSI » d'Excel), séparateur {sep}",
                    csv.path.display()
                ),
            )
            .in_file(csv)
            .hint("rien à corriger si les accents des conventions sont justes ; sinon enregistrez le CSV depuis Excel au format « CSV UTF-8 »"),
        );
    }

    /// Typography lint on the long user texts (warnings).
    fn typography(&mut self) {
        let d = self.l.dossier.deliberation.get_ref();
        let mut fields: Vec<&Text> = vec![&d.objet];
        fields.extend(d.resume.iter());
        fields.extend(d.expose.iter());
        fields.extend(d.propositions.iter());
        fields.extend(d.visas.iter());
        fields.extend(d.considerants.iter());
        if let Some(a) = &d.articles {
            fields.extend(a.get_ref().iter());
        }
        let src = self.src().clone();
        for f in fields {
            // One warning per rule and field, at the first occurrence, with
            // the count of the others (4 000 « 1 septembre » on one line
            // made 289 MB of warnings).
            let mut per_rule: Vec<(Diagnostic, usize)> = Vec::new();
            let at = value_offset(&src.text, f);
            for l in lint(f.get_ref()) {
                // A plain space before ; : ! ? » is not reported: rendering puts the
                // right non-breaking space itself, so the clerk has nothing to fix.
                if l.code == "typo-espace" {
                    continue;
                }
                if let Some((_, n)) = per_rule.iter_mut().find(|(d, _)| d.code == l.code) {
                    *n += 1;
                    continue;
                }
                let span = match at {
                    Some(start) => start + l.start..start + l.end,
                    None => f.span(),
                };
                let d = Diagnostic::warning(l.code, l.message)
                    .at(&src, span)
                    .hint(l.hint);
                per_rule.push((d, 1));
            }
            for (mut d, n) in per_rule {
                if n > 1 {
                    d.message.push_str(&format!(
                        " (et {} autre{} dans ce champ)",
                        n - 1,
                        if n > 2 { "s" } else { "" }
                    ));
                }
                self.out.push(d);
            }
        }
    }
}

/// The findings of one vote held at a point whose attendance is `item`:
/// unanimity versus counts, counts against names, totals against the
/// votants of the point, the names against those present or represented.
pub(crate) fn vote_findings(
    v: &Spanned<crate::input::Vote>,
    src: &Arc<Source>,
    item: &crate::model::ItemPresence,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let vote = v.get_ref();
    let counts = [&vote.pour, &vote.contre, &vote.abstentions];
    let given: Vec<&Spanned<u32>> = counts.iter().filter_map(|c| c.as_ref()).collect();
    let unanimite = vote.unanimite.as_ref().filter(|u| *u.get_ref());
    if vote.unanimite.is_some()
        && let Some(first) = given.first()
    {
        out.push(
            Diagnostic::error(
                "vote-unanimite-et-decompte",
                "unanimite et un décompte (pour, contre, abstentions) sont donnés ensemble",
            )
            .at(src, first.span())
            .hint("gardez l'un ou l'autre : unanimite = true, ou les nombres de voix"),
        );
    }
    // A count and the names behind it agree (groups aside: their size is not known).
    for (field, count, names, noun) in [
        ("contre", &vote.contre, &vote.contre_noms, "contre_noms"),
        (
            "abstentions",
            &vote.abstentions,
            &vote.abstentions_noms,
            "abstentions_noms",
        ),
    ] {
        let Some(named) = crate::model::named_count(names) else {
            continue;
        };
        let members = if named > 1 { "membres" } else { "membre" };
        let (message, span) = match (count, unanimite) {
            (Some(c), _) if *c.get_ref() != named => (
                format!(
                    "{field} = {} mais {noun} nomme {named} {members}",
                    c.get_ref()
                ),
                c.span(),
            ),
            (None, Some(u)) => (
                format!("unanimite = true mais {noun} nomme {named} {members}"),
                u.span(),
            ),
            _ => continue,
        };
        out.push(
            Diagnostic::error("vote-noms-decompte", message)
                .at(src, span)
                .hint(format!("nommez chacun de ceux que compte {field}, ou corrigez le nombre ; un vote avec des voix contre ou des abstentions n'est pas unanime")),
        );
    }
    let get = |x: &Option<Spanned<u32>>| x.as_ref().map(|s| *s.get_ref());
    let p = get(&vote.pour).unwrap_or(0);
    let c = get(&vote.contre)
        .or_else(|| crate::model::named_count(&vote.contre_noms))
        .unwrap_or(0);
    let a = get(&vote.abstentions)
        .or_else(|| crate::model::named_count(&vote.abstentions_noms))
        .unwrap_or(0);
    let npp = vote.ne_prennent_pas_part.len() as u32;
    let votants = item.votants();
    if let (Some(votants), false) = (votants, given.is_empty()) {
        let total = p + c + a + npp;
        let counted = format!(
            "{p} pour, {c} contre, {a} abstention{}",
            if a > 1 { "s" } else { "" }
        );
        if total > votants {
            out.push(
                Diagnostic::error(
                    "vote-total",
                    format!(
                        "{total} voix décomptées ({counted}, {npp} ne prenant pas part) pour {votants} votants",
                    ),
                )
                .at(src, counts_span(&given).unwrap_or(v.span()))
                .hint("votants = présents + pouvoirs à ce point ; vérifiez les nombres ou la feuille de présence"),
            );
        } else if total < votants {
            let missing = votants - total;
            let npp_text = match npp {
                0 => String::new(),
                1 => ", 1 ne prenant pas part".to_owned(),
                n => format!(", {n} ne prenant pas part"),
            };
            out.push(
                Diagnostic::error(
                    "vote-incomplet",
                    format!(
                        "{} voix décomptées ({counted}{npp_text}) pour {votants} votants : {missing} votant{} {} ni compté{} ni nommé{} dans ne_prennent_pas_part",
                        p + c + a,
                        if missing > 1 { "s" } else { "" },
                        if missing > 1 { "ne sont" } else { "n'est" },
                        if missing > 1 { "s" } else { "" },
                        if missing > 1 { "s" } else { "" },
                    ),
                )
                .at(src, counts_span(&given).unwrap_or(v.span()))
                .hint("pour + contre + abstentions = votants (présents + pouvoirs à ce point) ; nommez ceux qui n'ont pas voté dans ne_prennent_pas_part, ou corrigez les nombres"),
            );
        }
    }
    if let Some(r) = &vote.resultat
        && !given.is_empty()
    {
        let secret = vote.scrutin == Some(Scrutin::Secret);
        let wrong = match r.get_ref() {
            Resultat::Adopte => p < c || (p == c && secret),
            Resultat::Rejete => p > c,
            Resultat::PrisActe => false,
        };
        if wrong {
            out.push(
                Diagnostic::error("vote-resultat", format!("le résultat ne correspond pas au décompte : {p} pour, {c} contre"))
                    .at(src, r.span())
                    .hint("adopté quand les voix pour l'emportent ; à égalité, la voix du président est prépondérante sauf au scrutin secret (art. L. 2121-20)"),
            );
        }
    }
    out.extend(vote_names(vote, src, item));
    out
}

/// Every name of a vote designates one member present or represented at
/// the point, once in the vote.
fn vote_names(
    vote: &crate::input::Vote,
    src: &Arc<Source>,
    item: &crate::model::ItemPresence,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(present) = &item.names else {
        return out;
    };
    let members: Vec<&str> = present
        .iter()
        .copied()
        .chain(
            item.pouvoirs
                .iter()
                .map(|(p, _)| name(&p.get_ref().mandant)),
        )
        .collect();
    let mut designated: Vec<(&str, &str)> = Vec::new();
    for (list, code, what) in [
        (&vote.contre_noms, "vote-nom-inconnu", "vote contre"),
        (&vote.abstentions_noms, "vote-nom-inconnu", "s'abstient"),
        (
            &vote.ne_prennent_pas_part,
            "vote-npp-inconnu",
            "ne prend pas part au vote",
        ),
    ] {
        for who in list {
            let n = name(who);
            if crate::members::is_group(n) {
                continue;
            }
            match crate::members::find(n, &members) {
                crate::members::Found::One(m) => {
                    if let Some((first, _)) = designated.iter().find(|(_, x)| *x == m) {
                        out.push(
                            Diagnostic::error(
                                "vote-nom-double",
                                format!("« {n} » est déjà nommé dans ce vote (« {first} »)"),
                            )
                            .at(src, who.span())
                            .hint("chaque membre vote une seule fois : pour, contre, abstention, ou ne prend pas part"),
                        );
                    } else {
                        designated.push((n, m));
                    }
                }
                crate::members::Found::Several(all) => out.push(
                    Diagnostic::error(
                        "vote-nom-ambigu",
                        format!("« {n} » peut désigner {}", all.iter().map(|m| format!("« {m} »")).collect::<Vec<_>>().join(" ou ")),
                    )
                    .at(src, who.span())
                    .hint("écrivez le nom comme dans la feuille de présence, prénom compris"),
                ),
                crate::members::Found::None(near) => out.push(
                    Diagnostic::error(
                        code,
                        format!("« {n} » {what} mais n'est ni présent ni représenté à ce point"),
                    )
                    .at(src, who.span())
                    .hint(match near {
                        Some(m) => format!("vouliez-vous dire « {m} » ?"),
                        None => "écrivez le nom comme dans presents ou pouvoirs (civilité et nom suffisent : « Mme DURAND »), ou un groupe (« groupe … »)".to_owned(),
                    }),
                ),
            }
        }
    }
    out
}

/// The first string value of a TOML text holding a control character that
/// documents drop ([`crate::escape::is_stripped`]): its span, the character,
/// and how many such values the text has in all.
fn control_in_toml(text: &str) -> Option<(Range<usize>, char, usize)> {
    use toml::de::{DeTable, DeValue};
    fn walk(v: &Spanned<DeValue<'_>>, found: &mut Vec<(Range<usize>, char)>) {
        match v.get_ref() {
            DeValue::String(s) => {
                if let Some(c) = s.chars().find(|&c| crate::escape::is_stripped(c)) {
                    found.push((v.span(), c));
                }
            }
            DeValue::Array(a) => a.iter().for_each(|x| walk(x, found)),
            DeValue::Table(t) => t.values().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    // A control character is in the text itself or written as an escape
    // (`\u001b`, `\e`…): without either, nothing to parse for.
    if !text.contains('\\') && !text.chars().any(crate::escape::is_stripped) {
        return None;
    }
    let table = DeTable::parse(text).ok()?;
    let mut found = Vec::new();
    table.get_ref().values().for_each(|v| walk(v, &mut found));
    let n = found.len();
    found.sort_by_key(|(r, _)| r.start);
    found.into_iter().next().map(|(r, c)| (r, c, n))
}

/// A control character's name for a message: `U+001B (ESC)`.
fn control_name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    match C0.get(c as usize) {
        Some(name) => format!("U+{:04X} ({name})", c as u32),
        None => format!("U+{:04X}", c as u32),
    }
}

/// Where a string value's text starts in the file, when it is written
/// without escapes (a range inside the value then maps exactly to the file);
/// `None` otherwise (findings then point at the whole value).
fn value_offset(file: &str, value: &Text) -> Option<usize> {
    let span = value.span();
    let raw = file.get(span.clone()).unwrap_or("");
    let text = value.get_ref();
    ["\"\"\"\n", "'''\n", "\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|quote| {
            raw.strip_prefix(quote)
                .is_some_and(|body| body.starts_with(text.as_str()))
        })
        .map(|quote| span.start + quote.len())
}

/// Whole-euro amounts written in a text ("30 000 €", "45000 euros").
fn amounts_in(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let mut digits = String::new();
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (matches!(chars[j], ' ' | '\u{a0}' | '\u{202f}' | '.')
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                if chars[j].is_ascii_digit() {
                    digits.push(chars[j]);
                }
                j += 1;
            }
            let rest: String = chars[j..]
                .iter()
                .take(7)
                .collect::<String>()
                .trim_start()
                .to_lowercase();
            if (rest.starts_with('€') || rest.starts_with("euro"))
                && let Ok(v) = digits.parse()
            {
                out.push(v);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn matiere_shape(m: &str) -> bool {
    let Some((a, b)) = m.split_once('.') else {
        return false;
    };
    a.len() == 1
        && a.chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&b.len())
        && b.chars().all(|c| c.is_ascii_digit())
}

impl Checker<'_> {
    /// Values of the séance the model would otherwise print as typed, and a
    /// voted act whose séance cannot make a signable extract.
    fn seance_values(&mut self, s: &crate::input::Seance, src: &Arc<Source>) {
        let times = [("heure", &s.heure), ("heure_fin", &s.heure_fin)]
            .into_iter()
            .chain(s.mouvements.iter().map(|m| ("heure", &m.heure)));
        for (field, value) in times {
            let Some(v) = value else { continue };
            if crate::french::heure(v.get_ref()).is_none() {
                self.out.push(
                    Diagnostic::error(
                        "heure-invalide",
                        format!("{field} = « {} » n'est pas une heure", v.get_ref()),
                    )
                    .at(src, v.span())
                    .hint("écrivez l'heure en chiffres, de \"0:00\" à \"23:59\" (ex. \"18:30\" ou \"18h30\")"),
                );
            }
        }
        let voted = crate::model::voted(self.l.dossier.deliberation.get_ref());
        let mut missing = Vec::new();
        if s.presents.is_none() {
            missing.push("présents");
        }
        if s.president.is_none() {
            missing.push("président");
        }
        if s.secretaire.is_none() {
            missing.push("secrétaire de séance");
        }
        if voted && !missing.is_empty() {
            let list = match missing.as_slice() {
                [one] => (*one).to_owned(),
                [init @ .., last] => format!("{} ni {last}", init.join(", ")),
                [] => String::new(),
            };
            self.out.push(
                Diagnostic::warning(
                    "seance-incomplete",
                    format!("acte voté sans {list} : l'extrait du registre ne peut pas être signé en l'état"),
                )
                .at(src, s.date.span())
                .hint("indiquez dans la séance presents = [\"…\"], president = \"…\" et secretaire = \"…\" (CGCT L. 2121-15, L. 2121-25)"),
            );
        }
    }
}

/// The span of a `[name]` table header in a TOML text (its first line).
pub(crate) fn header_span(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let inner = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
        if inner.map(str::trim) == Some(name) {
            let start = offset + (line.len() - line.trim_start().len());
            return Some(start..start + trimmed.len());
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actes_shapes() {
        assert!(matiere_shape("8.1") && matiere_shape("7.10") && !matiere_shape("81"));
    }

    #[test]
    fn amounts_found_in_text() {
        assert_eq!(
            amounts_in("une subvention de 30 000 € et 45000 euros"),
            vec![30000, 45000]
        );
        assert_eq!(amounts_in("en 2016, 12 actions"), Vec::<u64>::new());
    }
}
