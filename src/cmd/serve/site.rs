//! The routes of the served site: from a request to a response, over the
//! documents the engine keeps in memory (`engine::memory`: every dossier
//! of the folder loaded, checked and rendered, Markdown and HTML at once,
//! PDF on first request) and the index made of them (`preview::index`).
//!
//! A rebuild reuses a dossier's documents when neither its model nor its
//! templates changed, so saving one dossier re-renders that dossier only
//! (and a change to `delib.toml`, a séance file or a template re-renders
//! exactly the dossiers that read it, since it changes their model or
//! templates).

use super::http::{self, Method, Request, Response};
use crate::build::Format;
use crate::diag::Severity;
use crate::engine::memory::{self, Body, Entry, Memory};
use crate::preview::pages;
use std::path::Path;

/// The version of a page that does not exist.
pub const ABSENT: u64 = 0;

/// Everything served, built from the folder at one moment.
pub struct Site {
    /// The dossiers and séances, rendered; what could not be.
    pub kept: Memory,
    index_html: String,
    index_version: u64,
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
        let (kept, project) = memory::load(folder, previous.map(|p| &p.kept));
        // Only the forms need them (they read every séance's members again).
        let targets = match project {
            Some(p) if editing => crate::edit::targets::targets(&p, memory::base(folder)),
            _ => Vec::new(),
        };
        let (index_html, index_version) =
            crate::preview::index::page(&kept, folder, &targets, editing);
        Site {
            kept,
            index_html,
            index_version,
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
            .chain(self.kept.unclassified.iter().filter_map(|(file, diags)| {
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
        let Some(segs) = crate::url::segments(path) else {
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
        let Some(segs) = crate::url::segments(req.path()) else {
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
                        crate::url::encode_path(&entry.id),
                        crate::url::encode_segment(stem),
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
                    .map(crate::edit::Target::url);
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
        assert_eq!(site.kept.counts.2, 0, "no dossier in error");
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
        assert_eq!(again.kept.counts.0, 0);
        assert_eq!(again.kept.counts.1, site.kept.counts.0);
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
