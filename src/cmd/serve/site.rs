//! The served site: the index and the pure routing from a request to a
//! response, over the documents the engine keeps in memory
//! (`engine::memory`: every dossier of the folder loaded, checked and
//! rendered, Markdown and HTML at once, PDF on first request).
//!
//! A rebuild reuses a dossier's documents when neither its model nor its
//! templates changed, so saving one dossier re-renders that dossier only
//! (and a change to `delib.toml`, a séance file or a template re-renders
//! exactly the dossiers that read it, since it changes their model or
//! templates).

use super::http::{self, Method, Request, Response};
use super::pages::{self, DocLink, IndexEntry};
use crate::build::Format;
use crate::diag::{Diagnostic, Severity};
use crate::engine::Project;
use crate::engine::memory::{self, Body, Entry, Memory, hash_of};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The version of a page that does not exist.
pub const ABSENT: u64 = 0;

/// Everything served, built from the folder at one moment.
pub struct Site {
    /// The dossiers and séances, rendered.
    kept: Memory,
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
        let mut kept = Memory::default();
        let mut unclassified: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        let mut counts = (0, 0, 0);
        let shown_of = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
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
            let built = memory::build(&project, previous.map(|p| &p.kept), &shown_of);
            kept = built.0;
            extra_files = built.1;
            counts = built.2;
        }
        let folder_label = shown_folder(folder);
        let edit_of = |e: &Entry| {
            editing
                .then(|| targets.iter().find(|t| t.path == Path::new(&e.file)))
                .flatten()
        };
        let seance_entries: Vec<IndexEntry<'_>> = kept
            .seances
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
        let index_entries: Vec<IndexEntry<'_>> = kept
            .entries
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
            kept,
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
        self.kept.entry(id)
    }

    /// One-line French summary of the dossiers in error, for the terminal.
    pub fn failures(&self) -> Vec<String> {
        self.kept
            .entries
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
        self.kept.entries.len()
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
                    let per_partner = d.per_partner();
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
