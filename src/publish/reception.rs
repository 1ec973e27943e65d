//! The préfecture's acknowledgments recorded into the dossiers (`delib
//! accuse-reception`): the acknowledgment closes the loop. Each one
//! (`ARActe`, read by `publish::accuse`) names an act by its identifiant and
//! gives the date the préfecture received it; the dossier whose derived
//! identifiant (`crate::identifiant`) is that one gets `reception = …` (and
//! `identifiant = "…"` when it has none) in `[deliberation.publication]`,
//! written with `crate::toml_file` (comments and layout kept, atomically).
//! Nothing is written for an acknowledgment that matches no act, or one act
//! whose dossier already says otherwise. The dossiers are read through the
//! engine's units, checked or not: a dossier in error still gets its date.

use crate::diag::Diagnostic;
use crate::engine::{Project, Unit};
use crate::publish::accuse::{self, Accuse};
use crate::toml_file::{self, Edit};
use std::path::PathBuf;

/// What `delib accuse-reception` asks (its options, as the front end parsed them).
pub struct ReceptionOptions {
    /// The acknowledgments given, files or folders.
    pub files: Vec<PathBuf>,
    /// The folder of the dossiers.
    pub folder: PathBuf,
}

/// What a run recorded.
pub struct Summary {
    /// Acknowledgments written into their dossier.
    pub recorded: usize,
    /// Acknowledgments their dossier already held.
    pub already: usize,
    /// Acknowledgments refused (their findings said).
    pub refused: usize,
}

/// What happened to one acknowledgment.
enum Outcome {
    Recorded,
    AlreadyThere,
    /// Nothing written, with the finding that says why (none when the
    /// dossier could not be read: its findings are already said).
    Refused(Option<Diagnostic>),
}

/// Records each acknowledgment of `args.files` into the dossier of
/// `args.folder` it names; what a clerk reads goes to `say`.
pub fn record_all(
    args: &ReceptionOptions,
    quiet: bool,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<Summary> {
    let files = files(&args.files)?;
    let project = Project::load_folder(&args.folder, quiet, say)?;
    let mut summary = Summary {
        recorded: 0,
        already: 0,
        refused: 0,
    };
    for path in &files {
        let outcome = match accuse::read(path) {
            Ok(a) => record(&a, &project.units, quiet, say),
            Err(d) => Outcome::Refused(Some(d)),
        };
        match outcome {
            Outcome::Recorded => summary.recorded += 1,
            Outcome::AlreadyThere => summary.already += 1,
            Outcome::Refused(d) => {
                if let Some(d) = d {
                    say!(say, "{}", d.render());
                }
                say!(say, "{} : rien n'est inscrit\n", path.display());
                summary.refused += 1;
            }
        }
    }
    Ok(summary)
}

/// The files given, a folder standing for the préfecture's answers in it
/// (the acknowledgments `…-1-2_N.xml` and the anomalies `…-1-3_N.xml`, so
/// that a refused act is reported), in name order: on Windows, where the
/// shell does not expand `*.xml`, the clerk gives the download folder.
fn files(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in given {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| {
                anyhow::anyhow!(
                    "impossible de lire le répertoire {} : {}",
                    p.display(),
                    crate::messages::io_message(&e)
                )
            })?
            .flatten()
            .map(|e| e.path())
            .filter(|f| {
                f.is_file()
                    && f.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.ends_with(".xml") && (n.contains("-1-2_") || n.contains("-1-3_"))
                    })
            })
            .collect();
        if found.is_empty() {
            anyhow::bail!(
                "aucun accusé de réception (fichier …-1-2_1.xml) dans le répertoire {}",
                p.display()
            );
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// The identifiant of a dossier: derived, else as typed.
fn identifiant_of(u: &Unit) -> Option<String> {
    let l = u.loaded.as_ref()?;
    match crate::identifiant::derive(l) {
        Ok(id) => Some(id.to_string()),
        Err(_) => l
            .dossier
            .deliberation
            .get_ref()
            .publication
            .as_ref()?
            .identifiant
            .as_ref()
            .map(|i| i.get_ref().trim().to_owned()),
    }
}

/// Records one acknowledgment into the dossier it names.
fn record(a: &Accuse, units: &[Unit], quiet: bool, say: &mut dyn FnMut(&str)) -> Outcome {
    let ids: Vec<(Option<String>, &Unit)> = units.iter().map(|u| (identifiant_of(u), u)).collect();
    let matching: Vec<&Unit> = ids
        .iter()
        .filter(|(id, _)| id.as_deref() == Some(a.id.as_str()))
        .map(|(_, u)| *u)
        .collect();
    let refuse = |d: Diagnostic| Outcome::Refused(Some(d));
    let at_id = |d: Diagnostic| d.at(&a.source, a.id_span.clone());
    let unit = match matching.as_slice() {
        [u] => *u,
        [] => {
            let known: Vec<&str> = ids.iter().filter_map(|(id, _)| id.as_deref()).collect();
            let hint = match crate::diag::closest(&a.id, known.iter().copied()) {
                Some(near) => format!(
                    "l'acte le plus proche du répertoire est {near} ; vérifiez le numéro et la date de l'acte, ou donnez le répertoire de ses dossiers (--dossiers)"
                ),
                None => "donnez le répertoire des dossiers de la collectivité de cet acte (--dossiers RÉPERTOIRE) ; un dossier en erreur est lu quand même".to_owned(),
            };
            return refuse(at_id(
                Diagnostic::error(
                    "accuse-sans-acte",
                    format!(
                        "aucun acte du répertoire n'a l'identifiant « {} » de cet accusé",
                        a.id
                    ),
                )
                .hint(hint),
            ));
        }
        several => {
            let paths: Vec<String> = several
                .iter()
                .map(|u| u.path.display().to_string())
                .collect();
            return refuse(at_id(
                Diagnostic::error(
                    "accuse-sans-acte",
                    format!(
                        "plusieurs dossiers ont l'identifiant « {} » : {}",
                        a.id,
                        paths.join(", ")
                    ),
                )
                .hint("deux actes d'une même séance ont le même numéro : corrigez-le (delib check), puis relancez"),
            ));
        }
    };
    let Some(l) = &unit.loaded else {
        return Outcome::Refused(None);
    };
    let d = l.dossier.deliberation.get_ref();
    let date_of = |x: &crate::input::TomlDate| crate::model::to_date(x);
    if d.vote.is_none() {
        return refuse(
            at_deliberation(&l.source, Diagnostic::error(
                "accuse-projet",
                format!(
                    "{} est encore un projet (pas de [deliberation.vote]) : un projet n'est pas transmis",
                    unit.path.display()
                ),
            ))
            .hint("inscrivez d'abord le vote de l'acte, puis relancez"),
        );
    }
    let publication = d.publication.as_ref();
    // What the dossier already says.
    if let Some(r) = publication.and_then(|p| p.reception.as_ref()) {
        if date_of(r) == Some(a.reception) {
            if !quiet {
                say!(
                    say,
                    "{} : réception du {} déjà inscrite",
                    unit.path.display(),
                    crate::french::date_longue(a.reception)
                );
            }
            return Outcome::AlreadyThere;
        }
        return refuse(
            Diagnostic::error(
                "accuse-reception-differente",
                format!(
                    "le dossier dit déjà reçu le {}, l'accusé dit le {}",
                    date_of(r).map_or_else(|| "?".to_owned(), |x| x.iso()),
                    a.reception.iso()
                ),
            )
            .at(&l.source, r.span())
            .hint(format!(
                "l'accusé de la préfecture fait foi : corrigez la date (reception = {}) ou supprimez la ligne, puis relancez",
                a.reception.iso()
            )),
        );
    }
    if let Some(t) = publication.and_then(|p| p.transmission.as_ref())
        && date_of(t).is_some_and(|t| t > a.reception)
    {
        return refuse(
            Diagnostic::error(
                "accuse-reception-differente",
                format!(
                    "l'accusé date la réception du {}, avant la transmission inscrite dans le dossier",
                    a.reception.iso()
                ),
            )
            .at(&l.source, t.span())
            .hint("la préfecture reçoit l'acte le jour de sa transmission ou après : corrigez la date de transmission, puis relancez"),
        );
    }
    let typed_id = publication.and_then(|p| p.identifiant.as_ref());
    let mut edits = vec![Edit {
        table: &["deliberation", "publication"],
        key: "reception",
        value: toml_file::date(a.reception),
        after: &["transmission"],
    }];
    if typed_id.is_none() {
        edits.push(Edit {
            table: &["deliberation", "publication"],
            key: "identifiant",
            value: a.id.as_str().into(),
            after: &["transmission", "reception"],
        });
    }
    match toml_file::edit_file(&l.source.path, &l.root, &edits) {
        Ok(_) => {
            if !quiet {
                let with_id = if typed_id.is_none() {
                    format!(", et son identifiant {}", a.id)
                } else {
                    String::new()
                };
                say!(
                    say,
                    "{} : réception en préfecture le {} inscrite{with_id} (accusé {})",
                    unit.path.display(),
                    crate::french::date_longue(a.reception),
                    a.source.path.display()
                );
            }
            Outcome::Recorded
        }
        Err(e) => refuse(
            Diagnostic::error(
                "accuse-ecriture",
                format!("le dossier n'est pas modifié : {e}"),
            )
            .in_file(&l.source)
            .hint("vérifiez que le fichier n'est pas ouvert en lecture seule, puis relancez"),
        ),
    }
}

/// A finding at the `[deliberation]` header of a dossier (its `source`).
fn at_deliberation(source: &std::sync::Arc<crate::diag::Source>, d: Diagnostic) -> Diagnostic {
    match source.text.find("[deliberation]") {
        Some(i) => d.at(source, i..i + "[deliberation]".len()),
        None => d.in_file(source),
    }
}
