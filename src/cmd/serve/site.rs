//! The served site, in memory: every dossier of the folder loaded, checked
//! and rendered (Markdown and HTML at once, PDF on first request), and the
//! pure routing from a request to a response.
//!
//! A rebuild reuses a dossier's documents when neither its model nor its
//! templates changed, so saving one dossier re-renders that dossier only
//! (and a change to `delib.toml`, a séance file or a template re-renders
//! exactly the dossiers that read it, since it changes their model or
//! templates).

use super::http::{self, Method, Request, Response};
use super::pages::{self, DocLink, IndexEntry};
use crate::build::{Format, Kind};
use crate::diag::{Diagnostic, Severity};
use crate::engine::{self, Plan, Project};
use crate::escape::unescape;
use crate::load::Loaded;
use crate::model::Model;
use crate::partners::Partner;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The version of a page that does not exist.
pub const ABSENT: u64 = 0;

/// Everything served, built from the folder at one moment.
pub struct Site {
    entries: Vec<Entry>,
    /// The séances (their documents), by séance file; not counted as dossiers.
    seances: Vec<Entry>,
    /// Files discovery could not classify or refused: (file shown, findings).
    unclassified: Vec<(String, Vec<Diagnostic>)>,
    index_html: String,
    index_version: u64,
    /// Files outside the folder that dossiers read (delib.toml above it,
    /// séance files, templates): the watcher polls them too.
    pub extra_files: BTreeSet<PathBuf>,
    /// Dossiers rendered by this build, reused from the previous one, in error.
    pub counts: (usize, usize, usize),
    /// The pages offer « Modifier » (the forms of `crate::edit`).
    pub editing: bool,
    /// The files the forms may edit: the dossiers, their séance files and
    /// their delib.toml, by key (the path relative to the folder served).
    pub targets: Vec<crate::edit::Target>,
}

struct Entry {
    /// URL id: the dossier's path relative to the folder, without `.toml`.
    id: String,
    /// The dossier's file as given (for the terminal).
    file: String,
    /// The dossier's file relative to the folder (for the pages).
    shown: String,
    /// Warnings when rendered; every finding when failed.
    diagnostics: Vec<Diagnostic>,
    body: Body,
    /// A séance: the hash of everything its documents are made from
    /// (`engine::seance_inputs`); empty for a dossier.
    inputs: String,
}

enum Body {
    Rendered(Arc<Rendered>),
    /// The version of the error page that replaces every document.
    Failed(u64),
}

/// A dossier rendered in memory.
struct Rendered {
    title: String,
    details: String,
    status: (&'static str, &'static str),
    docs: Vec<Arc<Doc>>,
}

impl Rendered {
    /// The document `stem` served in `format` (the recueil as a PDF only).
    fn doc(&self, stem: &str, format: Format) -> Option<&Arc<Doc>> {
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
struct Doc {
    stem: String,
    label: String,
    /// The hash of what this document is made from (the engine's, as for `render`).
    fingerprint: String,
    html: String,
    version: u64,
    md: Vec<u8>,
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

fn hash_of(parts: &[&[u8]]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    // Never ABSENT, so a page that exists always differs from one that does not.
    h.finish().max(1)
}

impl Site {
    /// Loads, checks and renders every dossier under `folder`, reusing the
    /// documents of `previous` whose inputs did not change. Never panics on
    /// a bad input: findings become error pages.
    pub fn build(folder: &Path, previous: Option<&Site>) -> Site {
        Site::build_with(folder, previous, previous.is_some_and(|p| p.editing))
    }

    /// [`Site::build`], the pages offering « Modifier » when `editing`.
    pub fn build_with(folder: &Path, previous: Option<&Site>, editing: bool) -> Site {
        let base = if folder.is_dir() {
            folder
        } else {
            folder.parent().unwrap_or(Path::new("."))
        };
        let tool = crate::hash::tool_id();
        let (project, note) = match Project::load(&[folder.to_path_buf()]) {
            Ok(mut p) => {
                p.check_all();
                let note = (p.units.is_empty() && p.findings.is_empty()).then(|| {
                    "aucun dossier trouvé (fichier .toml contenant une table [deliberation])"
                        .to_owned()
                });
                (Some(p), note)
            }
            Err(e) => (None, Some(crate::messages::error_chain(&e))),
        };
        let mut extra_files = BTreeSet::new();
        let mut entries = Vec::new();
        let mut unclassified: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        let mut counts = (0, 0, 0);
        let shown_of = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
        let mut seances = Vec::new();
        let mut targets = Vec::new();
        if let Some(project) = &project {
            targets = edit_targets(project, base);
        }
        if let Some(project) = project {
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
            // The séances' documents are made while the dossiers' are: a save
            // of one dossier of a séance waits for the slower of the two.
            let ((found, seance_counts), ()) = rayon::join(
                || {
                    let mut c = (0, 0, 0);
                    let found: Vec<Entry> = project
                        .seances
                        .iter()
                        .filter_map(|f| {
                            seance_entry(&project, f, previous, tool, shown_of(&f.path), &mut c)
                        })
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
            seances = found;
            counts.0 += seance_counts.0;
            counts.1 += seance_counts.1;
        }
        let folder_label = shown_folder(folder);
        let edit_of = |e: &Entry| {
            editing
                .then(|| targets.iter().find(|t| t.path == Path::new(&e.file)))
                .flatten()
        };
        let seance_entries: Vec<IndexEntry<'_>> = seances
            .iter()
            .map(|e| {
                let mut i = index_entry(e);
                if let Some(t) = edit_of(e) {
                    i.edit = Some(edit_url(&t.key));
                    i.new_point = Some(format!(
                        "/_nouveau?seance={}",
                        crate::edit::encode_query(&t.key)
                    ));
                }
                i
            })
            .collect();
        let index_entries: Vec<IndexEntry<'_>> = entries
            .iter()
            .map(|e| {
                let mut i = index_entry(e);
                i.edit = edit_of(e).map(|t| edit_url(&t.key));
                i
            })
            .chain(unclassified.iter().map(|(file, diagnostics)| {
                IndexEntry {
                    file: file.clone(),
                    title: Path::new(file)
                        .file_name()
                        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
                    status: "Non rendu",
                    status_class: "statut-erreur",
                    details: None,
                    documents: Vec::new(),
                    diagnostics,
                    edit: None,
                    new_point: None,
                }
            }))
            .collect();
        let settings: Vec<(String, String)> = if editing {
            targets
                .iter()
                .filter(|t| t.kind == crate::edit::fields::FileKind::Projet)
                .map(|t| (t.key.clone(), edit_url(&t.key)))
                .collect()
        } else {
            Vec::new()
        };
        // The version is that of the page without its script, which names it.
        let bare = pages::index(
            &folder_label,
            &settings,
            &seance_entries,
            &index_entries,
            note.as_deref(),
            0,
        );
        let index_version = hash_of(&[bare.as_bytes()]);
        let index_html = pages::index(
            &folder_label,
            &settings,
            &seance_entries,
            &index_entries,
            note.as_deref(),
            index_version,
        );
        drop(seance_entries);
        Site {
            entries,
            seances,
            unclassified,
            index_html,
            index_version,
            extra_files,
            counts,
            editing,
            targets,
        }
    }

    fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .chain(&self.seances)
            .find(|e| e.id == id)
    }

    /// One-line French summary of the dossiers in error, for the terminal.
    pub fn failures(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| matches!(e.body, Body::Failed(_)))
            .map(|e| {
                let n = e
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count()
                    .max(1);
                format!(
                    "{} : {n} erreur{} (détail dans le navigateur)",
                    e.file,
                    if n > 1 { "s" } else { "" }
                )
            })
            .chain(self.unclassified.iter().filter_map(|(file, diags)| {
                let n = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                (n > 0).then(|| {
                    format!(
                        "{file} : {n} erreur{} (détail dans le navigateur)",
                        if n > 1 { "s" } else { "" }
                    )
                })
            }))
            .collect()
    }

    /// The number of dossiers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The version of the page at `path`: what its reload script compares.
    pub fn version_of(&self, path: &str) -> u64 {
        let Some(segs) = http::segments(path) else {
            return ABSENT;
        };
        if segs.is_empty() {
            return self.index_version;
        }
        match self.document(&segs) {
            Some((entry, stem, format)) => match &entry.body {
                Body::Rendered(r) => r.doc(stem, format).map_or(ABSENT, |d| d.version),
                Body::Failed(v) if is_document_stem(stem) => *v,
                Body::Failed(_) => ABSENT,
            },
            None => ABSENT,
        }
    }

    /// Splits `[..id, "stem.ext"]` and finds the dossier.
    fn document<'a>(&self, segs: &'a [String]) -> Option<(&Entry, &'a str, Format)> {
        let (file, id) = segs.split_last()?;
        let (stem, ext) = file.rsplit_once('.')?;
        let format = Format::parse(ext).filter(|_| ext.bytes().all(|b| b.is_ascii_lowercase()))?;
        let entry = self.entry(&id.join("/"))?;
        Some((entry, stem, format))
    }

    /// Answers a request. Pure but for the lazy PDF rendering.
    pub fn respond(&self, req: &Request) -> Reply {
        if matches!(req.method, Method::Other | Method::Post) {
            return Reply::Response(
                Response::new(
                    405,
                    http::HTML,
                    pages::plain_error(
                        "Méthode non autorisée",
                        "Cet aperçu ne fait que lire : seules les requêtes GET et HEAD sont acceptées.",
                    ),
                )
                .header("Allow", "GET, HEAD"),
            );
        }
        let Some(segs) = http::segments(req.path()) else {
            return Reply::Response(Response::new(404, http::HTML, pages::not_found(None)));
        };
        match segs.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [] => {
                return Reply::Response(Response::new(200, http::HTML, self.index_html.clone()));
            }
            ["_rechargement.js"] => {
                return Reply::Response(Response::new(200, http::JS, pages::RELOAD_JS));
            }
            ["_evenements"] => {
                let page = req.query("page");
                let version = req
                    .query("version")
                    .and_then(|v| u64::from_str_radix(&v, 16).ok());
                return match (page, version) {
                    (Some(page), Some(version)) => Reply::Events { page, version },
                    _ => Reply::Response(Response::new(
                        400,
                        http::HTML,
                        pages::plain_error(
                            "Requête incorrecte",
                            "Paramètres « page » et « version » attendus.",
                        ),
                    )),
                };
            }
            _ => {}
        }
        let path = req.path();
        let absent = || {
            Reply::Response(Response::new(
                404,
                http::HTML,
                pages::not_found(Some((path, ABSENT))),
            ))
        };
        let Some((entry, stem, format)) = self.document(&segs) else {
            return absent();
        };
        match &entry.body {
            Body::Failed(version) if is_document_stem(stem) => Reply::Response(Response::new(
                200,
                http::HTML,
                pages::dossier_error(&entry.shown, &entry.diagnostics, path, *version),
            )),
            Body::Failed(_) => absent(),
            Body::Rendered(r) => {
                let Some(doc) = r.doc(stem, format) else {
                    return absent();
                };
                let link = |f: Format| {
                    format!(
                        "/{}/{}.{}",
                        http::encode_path(&entry.id),
                        http::encode_segment(stem),
                        f.ext()
                    )
                };
                let edit = self
                    .editing
                    .then(|| {
                        self.targets
                            .iter()
                            .find(|t| t.path == Path::new(&entry.file))
                    })
                    .flatten()
                    .map(|t| edit_url(&t.key));
                Reply::Response(match format {
                    Format::Html => Response::new(
                        200,
                        http::HTML,
                        pages::served_document(
                            &doc.html,
                            path,
                            doc.version,
                            &link(Format::Pdf),
                            &link(Format::Md),
                            edit.as_deref(),
                        ),
                    ),
                    Format::Md => Response::new(200, http::TEXT, doc.md.clone()).header(
                        "Content-Disposition",
                        format!("inline; filename=\"{stem}.md\""),
                    ),
                    Format::Pdf => match doc.pdf() {
                        Ok(bytes) => Response::new(200, http::PDF, bytes).header(
                            "Content-Disposition",
                            format!("inline; filename=\"{stem}.pdf\""),
                        ),
                        Err(message) => Response::new(
                            500,
                            http::HTML,
                            pages::plain_error("Le PDF n'a pas pu être produit", &message),
                        ),
                    },
                })
            }
        }
    }
}

/// What to do with a request.
pub enum Reply {
    Response(Response),
    /// Open a server-sent event stream for a page at a version.
    Events {
        page: String,
        version: u64,
    },
}

impl Doc {
    /// Served as a PDF only (the recueil).
    fn pdf_only(&self) -> bool {
        matches!(self.source, DocSource::Recueil { .. })
    }

    /// The PDF, rendered on first use and kept until the document changes.
    fn pdf(&self) -> Result<&[u8], String> {
        let pdf = self.pdf.get_or_init(|| {
            let files = match &self.source {
                DocSource::Act { model, plan, index } => {
                    engine::render_doc(model, plan, &plan.docs[*index], &[Format::Pdf])
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

/// `annexe-3`, `deliberation`…: names a document could have.
fn is_document_stem(stem: &str) -> bool {
    matches!(stem, "rapport" | "deliberation" | "convention")
        || stem.strip_prefix("convention-").is_some_and(|s| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        || stem
            .strip_prefix("annexe-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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
    let dir = match engine::templates_dir(l) {
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
    templates: &engine::TemplateSets,
    tool: crate::hash::Hash,
    previous: &HashMap<&str, &Arc<Doc>>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Arc<Rendered>, usize, usize), Vec<Diagnostic>> {
    let plan = engine::plan(l, &model, templates, tool).map_err(|d| vec![d])?;
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
        let files = engine::render_doc(&model, &plan, planned, &[Format::Md, Format::Html])
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
    u: &engine::Unit,
    templates: &engine::TemplateSets,
    previous: Option<&Site>,
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
/// same rule as `render`: `engine::seance_inputs`).
fn seance_entry(
    p: &Project,
    found: &crate::discover::FoundSeance,
    previous: Option<&Site>,
    tool: crate::hash::Hash,
    shown: String,
    counts: &mut (usize, usize, usize),
) -> Option<Entry> {
    let members: Vec<&engine::Unit> = p
        .members_of_seance(&found.real)
        .into_iter()
        .map(|i| &p.units[i])
        .collect();
    let loaded: Vec<&Loaded> = members.iter().filter_map(|u| u.loaded.as_ref()).collect();
    if loaded.is_empty() {
        return None;
    }
    let inputs = engine::seance_inputs(&loaded, &p.templates, tool).hex();
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
    let built = engine::with_seance(&members, &p.templates, |g, t| {
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

/// The address of the form of a file.
fn edit_url(key: &str) -> String {
    format!("/_modifier?fichier={}", crate::edit::encode_query(key))
}

/// `a/b.toml` for a path under `base`; `../delib.toml` for a delib.toml above it.
fn key_of(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => format!(
            "../{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ),
    }
}

/// The files the forms may edit: each dossier, the séance files and the
/// delib.toml they read; a séance with its points (for « Nouveau point »).
fn edit_targets(project: &Project, base: &Path) -> Vec<crate::edit::Target> {
    use crate::edit::{Point, Target, fields::FileKind};
    let mut out: Vec<Target> = Vec::new();
    let root_of = |p: &Path| {
        if p.starts_with(base) {
            base.to_path_buf()
        } else {
            crate::disk::parent_dir(p).to_path_buf()
        }
    };
    let push = |out: &mut Vec<Target>, path: &Path, kind: FileKind, preview: Option<String>| {
        let key = key_of(path, base);
        if !out.iter().any(|t| t.key == key) {
            out.push(Target {
                key,
                path: path.to_path_buf(),
                kind,
                root: root_of(path),
                preview,
                points: Vec::new(),
            });
        }
    };
    for u in &project.units {
        let preview = Some(format!("/{}/deliberation.html", http::encode_path(&u.out)));
        push(&mut out, &u.path, FileKind::Dossier, preview);
        let Some(l) = &u.loaded else { continue };
        if let Some((_, src)) = &l.projet {
            push(&mut out, &src.path, FileKind::Projet, None);
        }
    }
    for found in &project.seances {
        let preview = Some(format!(
            "/{}/proces-verbal.html",
            http::encode_path(&found.out)
        ));
        push(&mut out, &found.path, FileKind::Seance, preview);
        let points: Vec<Point> = project
            .members_of_seance(&found.real)
            .into_iter()
            .filter_map(|i| {
                let u = &project.units[i];
                let l = u.loaded.as_ref()?;
                let reference = match &l.dossier.seance {
                    Some(crate::input::SeanceRef::Fichier(t)) => t.get_ref().clone(),
                    _ => return None,
                };
                Some(Point {
                    path: u.path.clone(),
                    seance: reference,
                    numero: l
                        .dossier
                        .deliberation
                        .get_ref()
                        .numero
                        .as_ref()
                        .map(|n| n.get_ref().clone()),
                })
            })
            .collect();
        if let Some(t) = out.iter_mut().find(|t| t.path == found.path) {
            t.points = points;
        }
    }
    out
}

fn index_entry(e: &Entry) -> IndexEntry<'_> {
    match &e.body {
        Body::Rendered(r) => IndexEntry {
            file: e.shown.clone(),
            title: r.title.clone(),
            status: r.status.0,
            status_class: r.status.1,
            details: Some(r.details.clone()),
            documents: r
                .docs
                .iter()
                .map(|d| {
                    let base = format!(
                        "/{}/{}",
                        http::encode_path(&e.id),
                        http::encode_segment(&d.stem)
                    );
                    let per_partner = match &d.source {
                        DocSource::Act { plan, index, .. } => {
                            matches!(plan.docs[*index].doc.kind, Kind::Convention(Some(_)))
                                || plan.docs[*index].doc.partner.is_some()
                        }
                        _ => false,
                    };
                    DocLink {
                        label: d.label.clone(),
                        html: format!("{base}.html"),
                        pdf: format!("{base}.pdf"),
                        md: format!("{base}.md"),
                        per_partner,
                        pdf_only: d.pdf_only(),
                    }
                })
                .collect(),
            diagnostics: &e.diagnostics,
            edit: None,
            new_point: None,
        },
        Body::Failed(_) => IndexEntry {
            file: e.shown.clone(),
            title: Path::new(&e.shown)
                .file_name()
                .map_or_else(|| e.file.clone(), |n| n.to_string_lossy().into_owned()),
            status: "En erreur",
            status_class: "statut-erreur",
            details: None,
            documents: Vec::new(),
            diagnostics: &e.diagnostics,
            edit: None,
            new_point: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Site {
        Site::build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"), None)
    }

    fn get(site: &Site, target: &str) -> Response {
        let req = Request::new(Method::Get, target);
        match site.respond(&req) {
            Reply::Response(r) => r,
            Reply::Events { .. } => panic!("{target}: an event stream"),
        }
    }

    #[test]
    fn routes_of_the_examples() {
        let site = examples();
        assert_eq!(site.counts.2, 0, "no dossier in error");
        let index = get(&site, "/");
        assert_eq!((index.status, index.content_type), (200, http::HTML));
        let doc = get(&site, "/dijon/convention-pep21/deliberation.html");
        assert_eq!(doc.status, 200);
        let html = String::from_utf8(doc.body).unwrap();
        assert!(html.contains("data-page=\"/dijon/convention-pep21/deliberation.html\""));
        let md = get(&site, "/dijon/convention-pep21/deliberation.md");
        assert_eq!((md.status, md.content_type), (200, http::TEXT));
        let js = get(&site, "/_rechargement.js");
        assert_eq!((js.status, js.content_type), (200, http::JS));
        for missing in [
            "/dijon/convention-pep21/nope.html",
            "/dijon/nope/deliberation.html",
            "/dijon/convention-pep21/deliberation",
            "/dijon/convention-pep21/deliberation.PDF",
            "/dijon/convention-pep21",
            "/../inputs/dijon/delib.toml",
            "/dijon%2Fconvention-pep21/deliberation.html",
        ] {
            assert_eq!(get(&site, missing).status, 404, "{missing}");
        }
        let post = site.respond(&Request::new(Method::Other, "/"));
        assert!(matches!(post, Reply::Response(r) if r.status == 405));
    }

    #[test]
    fn versions_follow_pages() {
        let site = examples();
        let page = "/dijon/convention-pep21/deliberation.html";
        let v = site.version_of(page);
        assert_ne!(v, ABSENT);
        let html = String::from_utf8(get(&site, page).body).unwrap();
        assert!(html.contains(&format!("data-version=\"{v:016x}\"")));
        assert_ne!(site.version_of("/"), ABSENT);
        assert_eq!(site.version_of("/dijon/convention-pep21/nope.html"), ABSENT);
        assert_eq!(site.version_of("/../etc/passwd"), ABSENT);
        // A rebuild with nothing changed reuses every document and keeps versions.
        let again = Site::build(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"),
            Some(&site),
        );
        assert_eq!(again.counts.0, 0);
        assert_eq!(again.counts.1, site.counts.0);
        assert_eq!(again.version_of(page), v);
        assert_eq!(again.version_of("/"), site.version_of("/"));
        match site.respond(&Request::new(
            Method::Get,
            &format!("/_evenements?page={page}&version={v:x}"),
        )) {
            Reply::Events { page: p, version } => assert_eq!((p.as_str(), version), (page, v)),
            Reply::Response(r) => panic!("status {}", r.status),
        }
    }

    #[test]
    fn document_stems_and_ids() {
        for ok in [
            "rapport",
            "deliberation",
            "convention",
            "convention-ecole-a",
            "annexe-12",
        ] {
            assert!(is_document_stem(ok), "{ok}");
        }
        for bad in [
            "annexe-",
            "annexe-x",
            "convention-",
            "convention-A_b",
            "index",
            "",
        ] {
            assert!(!is_document_stem(bad), "{bad}");
        }
    }
}

/// The folder as the index names it: its full path, so that `delib serve`
/// run in the folder itself says where it is (« dans . » said nothing).
/// Windows' `\\?\` prefix of a full path is not shown.
fn shown_folder(folder: &Path) -> String {
    let full = folder
        .canonicalize()
        .or_else(|_| std::path::absolute(folder))
        .unwrap_or_else(|_| folder.to_path_buf());
    let s = full.display().to_string();
    match s.strip_prefix(r"\\?\") {
        Some(rest) => match rest.strip_prefix("UNC\\") {
            Some(share) => format!(r"\\{share}"),
            None => rest.to_owned(),
        },
        None => s,
    }
}

#[cfg(test)]
mod folder_tests {
    /// `delib serve .` names the folder it serves, not « . ».
    #[test]
    fn the_index_names_the_folder_in_full() {
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            super::shown_folder(std::path::Path::new(".")),
            here.display().to_string()
        );
        let sub = super::shown_folder(std::path::Path::new("src/../src"));
        assert_eq!(sub, here.join("src").display().to_string());
        assert!(!sub.contains(".."));
    }
}
