//! A build whose sink is memory (`delib serve`): every dossier and séance
//! of a folder rendered to Markdown and HTML at once and kept, each PDF on
//! first request; a rebuild reuses every document whose inputs (the
//! engine's hashes, as for `render`) did not change. Nothing is written.

use super::{Plan, Project};
use crate::build::{Format, Kind};
use crate::diag::Diagnostic;
use crate::escape::unescape;
use crate::load::Loaded;
use crate::model::Model;
use crate::partners::Partner;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The documents of a folder kept in memory: its dossiers, its séances.
#[derive(Default)]
pub struct Memory {
    pub entries: Vec<Entry>,
    /// The séances (their documents), by séance file; not counted as dossiers.
    pub seances: Vec<Entry>,
    /// Files discovery could not classify or refused: (file shown, findings).
    pub unclassified: Vec<(String, Vec<Diagnostic>)>,
    /// Why nothing is shown: no dossier found, or the folder unreadable.
    pub note: Option<String>,
    /// Files outside the folder that dossiers read (delib.toml above it,
    /// séance files, templates): a watcher looks at them too.
    pub extra_files: BTreeSet<PathBuf>,
    /// Documents rendered by this build, reused from the previous one, and
    /// dossiers in error.
    pub counts: (usize, usize, usize),
}

impl Memory {
    /// The dossier or séance whose URL id is `id`.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .chain(&self.seances)
            .find(|e| e.id == id)
    }
}

/// The folder the files of `folder` are named from: itself, or the folder
/// of a single dossier given.
pub fn base(folder: &Path) -> &Path {
    if folder.is_dir() {
        folder
    } else {
        folder.parent().unwrap_or(Path::new("."))
    }
}

/// Loads and checks every dossier under `folder` and renders each one's
/// Markdown and HTML and each séance's ([`build`]), reusing the documents
/// of `previous` whose inputs did not change. Never panics on a bad input:
/// findings are kept in place of documents. With the project loaded, when
/// it could be, for the caller to look at its files.
pub fn load(folder: &Path, previous: Option<&Memory>) -> (Memory, Option<Project>) {
    let base = base(folder);
    let (project, note) = match Project::load(&[folder.to_path_buf()]) {
        Ok(mut p) => {
            p.check_all();
            let note = p.found_nothing().then(|| super::NOTHING_FOUND.to_owned());
            (Some(p), note)
        }
        Err(e) => (None, Some(crate::messages::error_chain(&e))),
    };
    let Some(project) = project else {
        let kept = Memory {
            note,
            ..Memory::default()
        };
        return (kept, None);
    };
    let shown_of = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut unclassified: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    for d in &project.findings {
        let shown = d
            .source
            .as_ref()
            .map_or_else(|| folder.display().to_string(), |s| shown_of(&s.path));
        match unclassified.iter_mut().find(|(f, _)| *f == shown) {
            Some((_, list)) => list.push(d.clone()),
            None => unclassified.push((shown, vec![d.clone()])),
        }
    }
    let mut kept = build(&project, previous, &shown_of);
    kept.unclassified = unclassified;
    kept.note = note;
    (kept, Some(project))
}

/// Renders the Markdown and HTML of every dossier and séance of a checked
/// `project` (the PDFs on first request), reusing the documents of
/// `previous` whose inputs did not change; `shown_of` names a file for the
/// pages. With the files the dossiers read (for a watcher) and the counts of
/// documents rendered, reused, and dossiers in error.
fn build(
    project: &Project,
    previous: Option<&Memory>,
    shown_of: &(dyn Fn(&Path) -> String + Sync),
) -> Memory {
    let tool = crate::hash::tool_id();
    let mut extra_files = BTreeSet::new();
    let mut entries = Vec::new();
    let mut counts = (0, 0, 0);
    // The séances' documents are made while the dossiers' are: a save
    // of one dossier of a séance waits for the slower of the two.
    let ((found, seance_counts), ()) = rayon::join(
        || {
            let mut c = (0, 0, 0);
            let found: Vec<Entry> = project
                .seances
                .iter()
                .filter_map(|f| seance_entry(project, f, previous, tool, shown_of(&f.path), &mut c))
                .collect();
            (found, c)
        },
        || {
            for u in &project.units {
                let (entry, fresh, reused, failed) =
                    dossier_entry(u, &project.templates, previous, tool, shown_of(&u.path));
                for d in &entry.diagnostics {
                    if let Some(s) = &d.source {
                        extra_files.insert(s.path.clone());
                    }
                }
                if let Some(l) = &u.loaded {
                    dependencies(l, &mut extra_files);
                }
                counts.0 += fresh;
                counts.1 += reused;
                counts.2 += usize::from(failed);
                entries.push(entry);
            }
        },
    );
    counts.0 += seance_counts.0;
    counts.1 += seance_counts.1;
    Memory {
        entries,
        seances: found,
        extra_files,
        counts,
        ..Memory::default()
    }
}

pub struct Entry {
    /// URL id: the dossier's path relative to the folder, without `.toml`.
    pub id: String,
    /// The dossier's file as given (for the terminal).
    pub file: String,
    /// The dossier's file relative to the folder (for the pages).
    pub shown: String,
    /// Warnings when rendered; every finding when failed.
    pub diagnostics: Vec<Diagnostic>,
    pub body: Body,
    /// A séance: the hash of everything its documents are made from
    /// (`super::seance_inputs`); empty for a dossier.
    pub inputs: String,
}

pub enum Body {
    Rendered(Arc<Rendered>),
    /// The version of the error page that replaces every document.
    Failed(u64),
}

/// A dossier rendered in memory.
pub struct Rendered {
    pub title: String,
    pub details: String,
    pub status: (&'static str, &'static str),
    pub docs: Vec<Arc<Doc>>,
}

impl Rendered {
    /// The document `stem` served in `format` (the recueil as a PDF only).
    pub fn doc(&self, stem: &str, format: Format) -> Option<&Arc<Doc>> {
        self.docs
            .iter()
            .find(|d| d.stem == stem && (format == Format::Pdf || !d.pdf_only()))
    }
}

/// The Markdown bytes and the HTML text among a document's files.
fn md_and_html(files: Vec<crate::build::OutputFile>) -> (Vec<u8>, String) {
    let (mut md, mut html) = (Vec::new(), String::new());
    for f in files {
        if f.name.ends_with(".md") {
            md = f.bytes;
        } else {
            html = String::from_utf8_lossy(&f.bytes).into_owned();
        }
    }
    (md, html)
}

/// The body of an entry that could not be rendered: its version changes
/// with the file and with what it is told.
fn failed_body(file: &str, diagnostics: &[Diagnostic]) -> Body {
    let text: String = diagnostics.iter().map(Diagnostic::render).collect();
    Body::Failed(hash_of(&[file.as_bytes(), text.as_bytes()]))
}

/// One document: its Markdown and HTML, and its PDF once asked for.
pub struct Doc {
    pub stem: String,
    pub label: String,
    /// The hash of what this document is made from (the engine's, as for `render`).
    pub fingerprint: String,
    pub html: String,
    pub version: u64,
    pub md: Vec<u8>,
    pdf: OnceLock<Result<Vec<u8>, String>>,
    /// What the PDF is rendered from, on first request.
    source: DocSource,
}

enum DocSource {
    /// A document of a dossier.
    Act {
        model: Arc<Model>,
        plan: Arc<Plan>,
        /// The document's index in the plan.
        index: usize,
    },
    /// A document of a séance.
    Seance {
        model: Arc<crate::seance::SeanceModel>,
        templates: Arc<crate::templates::Templates>,
        logo: Option<crate::doc::Logo>,
        doc: crate::seance::documents::SeanceDoc,
    },
    /// The séance's recueil (a PDF only): each act's model and partners,
    /// laid out on first request.
    Recueil {
        acts: Vec<(Model, Option<Vec<Partner>>)>,
        templates: Arc<crate::templates::Templates>,
    },
}

/// A version: never 0, which is the version of a page that does not exist.
pub fn hash_of(parts: &[&[u8]]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    // Never ABSENT, so a page that exists always differs from one that does not.
    h.finish().max(1)
}

impl Doc {
    /// A document of a dossier made for one partner of its CSV.
    pub fn per_partner(&self) -> bool {
        match &self.source {
            DocSource::Act { plan, index, .. } => {
                matches!(plan.docs[*index].doc.kind, Kind::Convention(Some(_)))
                    || plan.docs[*index].doc.partner.is_some()
            }
            _ => false,
        }
    }

    /// Served as a PDF only (the recueil).
    pub fn pdf_only(&self) -> bool {
        matches!(self.source, DocSource::Recueil { .. })
    }

    /// The PDF, rendered on first use and kept until the document changes.
    pub fn pdf(&self) -> Result<&[u8], String> {
        let pdf = self.pdf.get_or_init(|| {
            let files = match &self.source {
                DocSource::Act { model, plan, index } => {
                    super::render_doc(model, plan, &plan.docs[*index], &[Format::Pdf])
                }
                DocSource::Seance {
                    model,
                    templates,
                    logo,
                    doc,
                } => crate::seance::documents::render_doc(
                    model,
                    *doc,
                    templates,
                    &[Format::Pdf],
                    logo.as_ref(),
                ),
                DocSource::Recueil { acts, templates } => {
                    let acts: Vec<_> = acts.iter().map(|(m, p)| (m, p.as_deref())).collect();
                    let bytes = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        crate::seance::documents::recueil_of(&acts, templates)
                            .map_err(|d| d.message)
                    }));
                    return bytes.unwrap_or_else(|_| {
                        Err("erreur interne pendant le rendu du recueil".to_owned())
                    });
                }
            };
            match files {
                Ok(mut files) if !files.is_empty() => Ok(files.swap_remove(0).bytes),
                Ok(_) => Err("aucun PDF produit".to_owned()),
                Err(d) => Err(d.message),
            }
        });
        pdf.as_deref().map_err(Clone::clone)
    }
}

/// Files a loaded dossier read or may read, beside itself.
fn dependencies(l: &Loaded, out: &mut BTreeSet<PathBuf>) {
    out.insert(l.source.path.clone());
    for src in [
        l.projet.as_ref().map(|p| &p.1),
        l.seance.as_ref().map(|s| &s.1),
        l.partenaires.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        out.insert(src.path.clone());
    }
    // The templates in use, or those that would be used once created.
    let dir = match super::templates_dir(l) {
        Ok(Some(dir)) => dir,
        _ => l.root.join("templates"),
    };
    for (name, _) in crate::templates::BUILTIN {
        out.insert(dir.join(name));
    }
}

/// Renders one dossier's Markdown and HTML, reusing each document of
/// `previous` whose inputs (the engine's hash) are unchanged. Returns the
/// dossier, how many documents were rendered and how many reused.
/// Findings about partner rows are added to `diags` (those rows are left out).
fn render(
    l: &Loaded,
    model: Model,
    templates: &super::TemplateSets,
    tool: crate::hash::Hash,
    previous: &HashMap<&str, &Arc<Doc>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Arc<Rendered>, usize, usize), Vec<Diagnostic>> {
    let plan = super::plan(l, &model, templates, tool).map_err(|d| vec![d])?;
    diags.extend(plan.partner_findings.iter().cloned());
    let model = Arc::new(model);
    let plan = Arc::new(plan);
    let (mut fresh, mut reused) = (0, 0);
    let mut docs = Vec::with_capacity(plan.docs.len());
    for (index, planned) in plan.docs.iter().enumerate() {
        let fingerprint = planned.file_hash(Format::Html).hex();
        if let Some(p) = previous
            .get(planned.doc.stem.as_str())
            .filter(|p| p.fingerprint == fingerprint)
        {
            reused += 1;
            docs.push(Arc::clone(p));
            continue;
        }
        let files = super::render_doc(&model, &plan, planned, &[Format::Md, Format::Html])
            .map_err(|d| vec![d])?;
        let (md, html) = md_and_html(files);
        fresh += 1;
        docs.push(Arc::new(Doc {
            label: label(
                &model,
                &plan.partners,
                planned.doc.kind,
                planned.doc.partner,
            ),
            stem: planned.doc.stem.clone(),
            fingerprint,
            version: hash_of(&[html.as_bytes()]),
            html,
            md,
            pdf: OnceLock::new(),
            source: DocSource::Act {
                model: Arc::clone(&model),
                plan: Arc::clone(&plan),
                index,
            },
        }));
    }
    let d = &model.deliberation;
    let mut details = vec![unescape(&model.collectivite.nom)];
    if let Some(n) = &d.numero {
        details.push(format!("n° {}", unescape(n)));
    }
    if let Some(s) = &model.seance {
        details.push(format!("séance du {}", unescape(&s.date_avec_jour)));
    }
    let rendered = Rendered {
        title: unescape(&d.objet),
        details: details.join(" · "),
        status: status(&model),
        docs,
    };
    Ok((Arc::new(rendered), fresh, reused))
}

/// The status shown on the index, and its CSS class.
fn status(model: &Model) -> (&'static str, &'static str) {
    use crate::input::Resultat;
    if model.projet {
        return ("Projet", "statut-projet");
    }
    if model.deliberation.executoire.is_some() {
        return ("Exécutoire", "statut-executoire");
    }
    match model.deliberation.vote.as_ref().map(|v| v.resultat) {
        Some(Resultat::Rejete) => ("Rejetée", "statut-rejetee"),
        Some(Resultat::PrisActe) => ("Prise d'acte", "statut-prise-d-acte"),
        _ => ("Adoptée", "statut-adoptee"),
    }
}

/// "Rapport", "Délibération", "Convention – Association X", "Annexe 1 – Fiche projet".
fn label(model: &Model, partners: &[Partner], kind: Kind, partner: Option<usize>) -> String {
    match kind {
        Kind::Rapport => "Rapport".into(),
        Kind::Deliberation => "Délibération".into(),
        Kind::Convention(None) => "Convention".into(),
        Kind::Convention(Some(i)) => match partners.get(i) {
            Some(p) => format!("Convention – {}", p.partie.nom),
            None => "Convention".into(),
        },
        Kind::Annexe(n) if partner.is_some() => match (
            model.annexes.get(n - 1),
            partner.and_then(|i| partners.get(i)),
        ) {
            (Some(a), Some(p)) => format!("Annexe {n} – {} – {}", unescape(&a.titre), p.partie.nom),
            _ => format!("Annexe {n}"),
        },
        Kind::Annexe(n) => match model.annexes.get(n - 1) {
            Some(a) => format!("Annexe {n} – {}", unescape(&a.titre)),
            None => format!("Annexe {n}"),
        },
    }
}

/// A dossier of the folder on the index, rendered (reusing the documents
/// of `previous` whose inputs did not change) or in error; with the numbers
/// of documents rendered and reused, and whether it failed.
fn dossier_entry(
    u: &super::Unit,
    templates: &super::TemplateSets,
    previous: Option<&Memory>,
    tool: crate::hash::Hash,
    shown: String,
) -> (Entry, usize, usize, bool) {
    let id = u.out.clone();
    let file = u.path.display().to_string();
    let previous: HashMap<&str, &Arc<Doc>> = previous
        .and_then(|p| p.entry(&id))
        .map(|e| match &e.body {
            Body::Rendered(r) => r.docs.iter().map(|d| (d.stem.as_str(), d)).collect(),
            Body::Failed(_) => HashMap::new(),
        })
        .unwrap_or_default();
    let mut diagnostics = u.diagnostics.clone();
    let outcome = match (&u.loaded, &u.model) {
        (Some(l), Some(model)) if !u.failed(false) => render(
            l,
            model.clone(),
            templates,
            tool,
            &previous,
            &mut diagnostics,
        ),
        _ => Err(Vec::new()),
    };
    let (body, fresh, reused, failed) = match outcome {
        Ok((r, fresh, reused)) => (Body::Rendered(r), fresh, reused, false),
        Err(more) => {
            diagnostics.extend(more);
            (failed_body(&file, &diagnostics), 0, 0, true)
        }
    };
    let entry = Entry {
        id,
        file,
        shown,
        diagnostics,
        body,
        inputs: String::new(),
    };
    (entry, fresh, reused, failed)
}

/// A séance of the folder on the index, with its documents (Markdown and
/// HTML at once, PDF on first request), or why it has none. Reuses the
/// previous build's documents when nothing they are made from changed (the
/// same rule as `render`: `super::seance_inputs`).
fn seance_entry(
    p: &Project,
    found: &crate::discover::FoundSeance,
    previous: Option<&Memory>,
    tool: crate::hash::Hash,
    shown: String,
    counts: &mut (usize, usize, usize),
) -> Option<Entry> {
    let members: Vec<&super::Unit> = p
        .members_of_seance(&found.real)
        .into_iter()
        .map(|i| &p.units[i])
        .collect();
    let loaded: Vec<&Loaded> = members.iter().filter_map(|u| u.loaded.as_ref()).collect();
    if loaded.is_empty() {
        return None;
    }
    let inputs = super::seance_inputs(&loaded, &p.templates, tool).hex();
    let id = found.out.clone();
    let file = found.path.display().to_string();
    let entry = |body, diagnostics| Entry {
        id: id.clone(),
        file: file.clone(),
        shown: shown.clone(),
        diagnostics,
        body,
        inputs: inputs.clone(),
    };
    if let Some(e) =
        previous.and_then(|s| s.seances.iter().find(|e| e.id == id && e.inputs == inputs))
        && let Body::Rendered(r) = &e.body
    {
        counts.1 += r.docs.len();
        return Some(entry(Body::Rendered(Arc::clone(r)), Vec::new()));
    }
    let failed = |diags: Vec<Diagnostic>| Some(entry(failed_body(&file, &diags), diags));
    if let Some(u) = members.iter().find(|u| u.failed(false)) {
        let d = Diagnostic::error(
            "seance-non-rendue",
            format!(
                "{} est en erreur : les documents de la séance ne sont pas produits",
                u.path.display()
            ),
        )
        .hint("corrigez ce dossier : la convocation, la liste, le procès-verbal et le recueil reprennent tous les points de la séance");
        return failed(vec![d]);
    }
    let built = super::with_seance(&members, &p.templates, |g, t| {
        let m = crate::seance::build(g)?;
        let logo = g.items.first().and_then(|i| i.model.logo.clone());
        // The documents in parallel: a save waits for the slowest one only.
        let docs = {
            use rayon::prelude::*;
            crate::seance::documents::list(&m)
                .into_par_iter()
                .map(|d| {
                    crate::seance::documents::render_doc(
                        &m,
                        d,
                        t,
                        &[Format::Md, Format::Html],
                        logo.as_ref(),
                    )
                    .map(|files| (d, files))
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| vec![e])?
        };
        let acts: Vec<(Model, Option<Vec<Partner>>)> = g
            .items
            .iter()
            .map(|i| (i.model.clone(), i.partners.map(<[Partner]>::to_vec)))
            .collect();
        Ok((Arc::new(m), Arc::clone(t), logo, docs, acts))
    });
    let (model, templates, logo, files, recueil) = match built {
        Ok(b) => b,
        Err(diags) => return failed(diags),
    };
    let mut docs = Vec::new();
    for (d, files) in files {
        let (md, html) = md_and_html(files);
        docs.push(Arc::new(Doc {
            stem: d.stem().to_owned(),
            label: d.label_for(&model).to_owned(),
            fingerprint: inputs.clone(),
            version: hash_of(&[html.as_bytes()]),
            html,
            md,
            pdf: OnceLock::new(),
            source: DocSource::Seance {
                model: Arc::clone(&model),
                templates: Arc::clone(&templates),
                logo: logo.clone(),
                doc: d,
            },
        }));
    }
    docs.push(Arc::new(Doc {
        stem: crate::seance::documents::RECUEIL.to_owned(),
        label: "Recueil des actes de la séance".to_owned(),
        fingerprint: inputs.clone(),
        version: hash_of(&[inputs.as_bytes(), b"recueil"]),
        html: String::new(),
        md: Vec::new(),
        pdf: OnceLock::new(),
        source: DocSource::Recueil {
            acts: recueil,
            templates: Arc::clone(&templates),
        },
    }));
    counts.0 += docs.len();
    let points = members.len();
    let status = if !model.vote_commence {
        ("Convoquée", "statut-projet")
    } else if model.projet {
        ("Projet", "statut-projet")
    } else {
        ("Séance tenue", "statut-adoptee")
    };
    let rendered = Rendered {
        title: format!("Séance du {}", unescape(&model.seance.date_avec_jour)),
        details: format!(
            "{} · {points} point{} à l'ordre du jour",
            unescape(&model.collectivite.nom),
            if points > 1 { "s" } else { "" }
        ),
        status,
        docs,
    };
    Some(entry(Body::Rendered(Arc::new(rendered)), Vec::new()))
}
