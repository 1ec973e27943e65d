//! Discovery: what each `.toml` under the folders given is.
//!
//! Every `.toml` file found is classified — the project file `delib.toml`, a
//! séance file (one that a dossier names), a dossier (a `[deliberation]`
//! table), or something else — and what cannot be classified is reported
//! with its location and a hint, never skipped silently.
//!
//! Discovery follows a symlinked folder at most once (loops end), reads only
//! regular files of bounded size (a FIFO never blocks it), and keeps only
//! files whose real path is inside the folder given.

use crate::diag::{Diagnostic, Source, closest};
use crate::load::{self, PROJECT_FILE};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::disk::MAX_TOML;
/// At most this many entries are looked at under one folder.
const MAX_ENTRIES: usize = 200_000;
/// Folders deeper than this below the one given are not looked into (a
/// project nests a few levels; 3 000 levels made paths the system refuses
/// to open, skipped without a word).
const MAX_DEPTH: usize = 64;

/// A dossier found: where it is, and where its outputs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path to read and to show (the folder given joined with the path under it).
    pub path: PathBuf,
    /// Its output folder, relative to the output root, `/`-separated: the
    /// path under the folder given without `.toml` (`dijon/convention-pep21`),
    /// or the file stem for a dossier given by path. Also `serve`'s URL.
    pub out: String,
    /// The real path of the séance file its `seance = "…"` names, as read
    /// without parsing the whole dossier (None: inline, none, or unreadable):
    /// a dossier in error still belongs to its séance.
    pub seance: Option<PathBuf>,
}

/// A séance file found: a `.toml` file that a dossier names with `seance = "…"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSeance {
    /// The path as shown.
    pub path: PathBuf,
    /// Its real path (what dossiers' `seance` resolve to).
    pub real: PathBuf,
    /// Its output folder, relative to the output root, like a dossier's
    /// (`dijon/seances/2016-06-27`), for documents that belong to the séance.
    pub out: String,
}

/// What discovery found under the paths given.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Dossiers, sorted by path, each once.
    pub dossiers: Vec<Found>,
    /// Séance files named by at least one dossier found.
    pub seances: Vec<FoundSeance>,
    /// What could not be classified, or was refused (errors and warnings).
    pub findings: Vec<Diagnostic>,
}

/// What a `.toml` file is, from its content.
#[derive(Debug)]
enum Class {
    Dossier {
        seance: Option<String>,
    },
    /// Looks like a séance (a top-level `date`, no `[deliberation]`).
    Seance,
    Other(Option<Diagnostic>),
}

/// Finds and classifies every `.toml` under `paths` (files given by path
/// are dossiers unless they are plainly something else). Fails only when a
/// path given does not exist. (A run walks once, [`walk`], and classifies
/// what it found, [`classify_walk`]; this is both, for the tests.)
#[cfg(test)]
fn discover(paths: &[PathBuf]) -> anyhow::Result<Discovery> {
    classify_walk(walk(paths)?)
}

/// The `.toml` files under the paths given, not read yet: what one walk of
/// the tree found ([`candidates`]), and its findings.
#[derive(Debug, Default)]
pub struct Walk {
    /// Path shown, real path, output name, given by path.
    pub candidates: Vec<(PathBuf, PathBuf, String, bool)>,
    /// Links out of the folder, FIFOs…
    pub findings: Vec<Diagnostic>,
}

/// Walks the paths given once (see [`candidates`]). Fails only when a path
/// given does not exist.
pub fn walk(paths: &[PathBuf]) -> anyhow::Result<Walk> {
    let mut findings = Vec::new();
    let candidates = candidates(paths, &mut findings)?;
    Ok(Walk {
        candidates,
        findings,
    })
}

/// Classifies what a walk found (see [`discover`]).
pub fn classify_walk(walk: Walk) -> anyhow::Result<Discovery> {
    let d = Discovery {
        findings: walk.findings,
        ..Discovery::default()
    };
    classify_all(walk.candidates, d)
}

/// Every `.toml` under `paths` (path shown, real path, output name, given by
/// path), each real file once, without reading them; the walk's findings
/// (links out of the folder, FIFOs) go to `findings`.
pub fn candidates(
    paths: &[PathBuf],
    findings: &mut Vec<Diagnostic>,
) -> anyhow::Result<Vec<(PathBuf, PathBuf, String, bool)>> {
    let mut candidates: Vec<(PathBuf, PathBuf, String, bool)> = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| anyhow::anyhow!("{} : {}", p.display(), load::io_message(&e)))?;
        if meta.is_dir() {
            let Ok(real_root) = p.canonicalize() else {
                anyhow::bail!("{} : répertoire illisible", p.display());
            };
            let mut walker = Walker {
                real_root: real_root.clone(),
                visited: BTreeSet::from([real_root.clone()]),
                entries: 0,
                out: &mut candidates,
                findings,
            };
            walker.walk(p, &real_root, &mut Vec::new());
        } else {
            let real = p.canonicalize().unwrap_or_else(|_| p.clone());
            let stem = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = stem.strip_suffix(".toml").unwrap_or(&stem).to_owned();
            candidates.push((p.clone(), real, stem, true));
        }
    }
    // The same real file reached twice (a symlink, or given twice): once.
    // Real paths are canonical: one file, one spelling, compared as bytes.
    let mut seen = std::collections::HashSet::with_capacity(candidates.len());
    let first: Vec<bool> = candidates
        .iter()
        .map(|c| seen.insert(c.1.as_os_str()))
        .collect();
    drop(seen);
    let mut first = first.into_iter();
    candidates.retain(|_| first.next().unwrap_or(false));
    Ok(candidates)
}

/// Classifies the candidates (see [`discover`]).
fn classify_all(
    candidates: Vec<(PathBuf, PathBuf, String, bool)>,
    mut d: Discovery,
) -> anyhow::Result<Discovery> {
    let mut classified = Vec::with_capacity(candidates.len());
    let mut named_seances: BTreeSet<PathBuf> = BTreeSet::new();
    for (path, real, out, given) in candidates {
        let class = classify(&path, &real);
        if let Class::Dossier {
            seance: Some(rel), ..
        } = &class
            && let Some(target) = seance_target(&path, rel)
        {
            named_seances.insert(target);
        }
        classified.push((path, real, out, given, class));
    }
    for (path, real, out, given, class) in classified {
        let is_project = path.file_name().is_some_and(|n| n == PROJECT_FILE);
        let named = named_seances.contains(&real);
        match class {
            _ if is_project => {
                if given {
                    d.findings.push(
                        Diagnostic::error(
                            "pas-un-dossier",
                            format!(
                                "{} est le fichier de projet delib.toml, pas un dossier",
                                path.display()
                            ),
                        )
                        .in_file(&empty_source(&path))
                        .hint("donnez un dossier (un fichier .toml avec une table [deliberation]) ou le répertoire qui les contient"),
                    );
                }
            }
            _ if named => {
                if given {
                    d.findings.push(seance_given(&path));
                }
                d.seances.push(FoundSeance { path, real, out });
            }
            Class::Dossier { seance } => match output_name_problem(&out) {
                None => {
                    let seance = seance.as_deref().and_then(|rel| seance_target(&path, rel));
                    d.dossiers.push(Found { path, out, seance });
                }
                Some(bad) => d.findings.push(
                    Diagnostic::error(
                        "nom-de-sortie",
                        format!(
                            "le nom de {} ne donne pas de répertoire de sortie valable (« {bad} »)",
                            path.display()
                        ),
                    )
                    .in_file(&empty_source(&path))
                    .hint("renommez le fichier avec des lettres avant .toml, par exemple budget-2024.toml"),
                ),
            },
            Class::Seance if given => d.findings.push(seance_given(&path)),
            Class::Seance => d.findings.push(
                Diagnostic::warning(
                    "fichier-non-reconnu",
                    format!(
                        "{} ressemble à un fichier de séance, mais aucun dossier ne le nomme : il est ignoré",
                        path.display()
                    ),
                )
                .in_file(&empty_source(&path))
                .hint("nommez-le dans un dossier : seance = \"chemin/du/fichier.toml\""),
            ),
            Class::Other(Some(finding)) => d.findings.push(finding),
            Class::Other(None) => d.findings.push(
                Diagnostic::warning(
                    "fichier-non-reconnu",
                    format!(
                        "{} n'est ni un dossier (table [deliberation]), ni un fichier de séance, ni delib.toml : il est ignoré",
                        path.display()
                    ),
                )
                .in_file(&empty_source(&path))
                .hint("un dossier contient une table [deliberation] ; sortez ce fichier du répertoire s'il n'a rien à voir avec delib"),
            ),
        }
    }
    d.dossiers.sort_by(|a, b| a.path.cmp(&b.path));
    d.seances.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(d)
}

/// A séance file given where a dossier is expected.
fn seance_given(path: &Path) -> Diagnostic {
    Diagnostic::error(
        "pas-un-dossier",
        format!(
            "{} est un fichier de séance, pas un dossier",
            path.display()
        ),
    )
    .in_file(&empty_source(path))
    .hint("donnez le dossier qui le nomme (seance = \"…\"), ou le répertoire qui contient les dossiers")
}

/// A source with no text: the finding names the file without quoting it.
fn empty_source(path: &Path) -> Arc<Source> {
    Arc::new(Source {
        path: path.to_path_buf(),
        text: String::new(),
    })
}

/// Why an output name cannot be used (`.`, `..`, empty, hidden), if it cannot.
pub fn output_name_problem(out: &str) -> Option<String> {
    if out.is_empty() {
        return Some(String::new());
    }
    out.split('/')
        .find(|part| part.is_empty() || part.starts_with('.'))
        .map(str::to_owned)
}

/// Where a dossier's `seance = "…"` points, as a real path.
fn seance_target(dossier: &Path, rel: &str) -> Option<PathBuf> {
    let dir = dossier
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(rel).canonicalize().ok()
}

struct Walker<'a> {
    real_root: PathBuf,
    /// Real paths of the folders already walked: a symlinked folder is
    /// followed once, so a loop (`ln -s . a`) ends.
    visited: BTreeSet<PathBuf>,
    entries: usize,
    out: &'a mut Vec<(PathBuf, PathBuf, String, bool)>,
    findings: &'a mut Vec<Diagnostic>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path, real_dir: &Path, rel: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            self.findings.push(Diagnostic::warning(
                "fichier-non-reconnu",
                format!(
                    "impossible de lire le répertoire {} : il est ignoré",
                    dir.display()
                ),
            ));
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_cached_key(std::fs::DirEntry::file_name);
        for entry in entries {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                if self.entries == MAX_ENTRIES + 1 {
                    self.findings.push(Diagnostic::warning(
                        "fichier-non-reconnu",
                        format!(
                            "plus de {} fichiers et répertoires sous {} : les suivants sont ignorés",
                            crate::french::grouper(MAX_ENTRIES as u64),
                            self.real_root.display()
                        ),
                    ).hint("donnez à delib le répertoire du projet, pas un répertoire qui en contient beaucoup d'autres"));
                }
                return;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') || matches!(name, "templates" | "output" | "target") {
                continue;
            }
            let path = entry.path();
            let unreadable = |e: std::io::Error| {
                Diagnostic::warning(
                    "fichier-non-reconnu",
                    format!(
                        "impossible de lire {} : {} ; il est ignoré",
                        path.display(),
                        load::io_message(&e)
                    ),
                )
            };
            let link_meta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    self.findings.push(unreadable(e));
                    continue;
                }
            };
            let real = if link_meta.file_type().is_symlink() {
                match path.canonicalize() {
                    Ok(r) if r.starts_with(&self.real_root) => r,
                    _ => {
                        if name.ends_with(".toml") {
                            self.findings.push(
                                Diagnostic::warning(
                                    "chemin-hors-projet",
                                    format!(
                                        "{} est un lien vers un fichier hors du répertoire : il est ignoré",
                                        path.display()
                                    ),
                                )
                                .hint("copiez le fichier dans le répertoire au lieu d'un lien"),
                            );
                        }
                        continue;
                    }
                }
            } else {
                real_dir.join(name)
            };
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    self.findings.push(unreadable(e));
                    continue;
                }
            };
            if meta.is_dir() {
                if rel.len() >= MAX_DEPTH {
                    self.findings.push(
                        Diagnostic::warning(
                            "fichier-non-reconnu",
                            format!(
                                "{} est à plus de {MAX_DEPTH} niveaux de répertoires : il est ignoré, avec ce qu'il contient",
                                path.display()
                            ),
                        )
                        .hint("rangez les dossiers moins profondément"),
                    );
                    continue;
                }
                if self.visited.insert(real.clone()) {
                    rel.push(name.to_owned());
                    self.walk(&path, &real, rel);
                    rel.pop();
                }
                continue;
            }
            let Some(stem) = name.strip_suffix(".toml") else {
                continue;
            };
            if !meta.is_file() {
                self.findings.push(
                    Diagnostic::warning(
                        "fichier-non-reconnu",
                        format!(
                            "{} n'est pas un fichier ordinaire (tube, périphérique…) : il est ignoré",
                            path.display()
                        ),
                    )
                    .hint("un dossier est un fichier texte .toml"),
                );
                continue;
            }
            let mut out = rel.clone();
            out.push(stem.to_owned());
            self.out.push((path, real, out.join("/"), false));
        }
    }
}

/// Reads a candidate and says what it is.
fn classify(path: &Path, real: &Path) -> Class {
    let bytes = match crate::disk::read_regular(real, MAX_TOML) {
        Ok(b) => b,
        Err(e) => {
            return Class::Other(Some(
                Diagnostic::error(
                    "fichier-illisible",
                    format!(
                        "impossible de lire {} : {}",
                        path.display(),
                        load::io_message(&e)
                    ),
                )
                .hint("un dossier est un fichier texte .toml de quelques kilo-octets"),
            ));
        }
    };
    if let Some(what) = binary_kind(&bytes) {
        return Class::Other(Some(
            Diagnostic::error(
                "pas-un-dossier",
                format!(
                    "{} n'est pas un dossier : c'est un fichier binaire ({what}), pas un texte TOML",
                    path.display()
                ),
            )
            .in_file(&empty_source(path))
            .hint("un dossier est un fichier texte .toml, écrit avec un éditeur de texte ; voyez les exemples du répertoire inputs/"),
        ));
    }
    let text = load::normalize(String::from_utf8_lossy(&bytes).into_owned());
    let text = std::borrow::Cow::<str>::Owned(text);
    // The usual case, without a full parse: a `[deliberation]` header line.
    if let Some(seance) = plain_dossier(&text) {
        return Class::Dossier { seance };
    }
    let table: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        // Not valid TOML: when it mentions a deliberation it is a broken
        // dossier (loading it reports the syntax error at its line); else
        // say what is wrong with it.
        Err(e) => {
            if let Some((span, key)) = misspelled_header(&text) {
                return Class::Other(Some(misspelled(path, &text, span, &key)));
            }
            if mentions_deliberation(&text) {
                return Class::Dossier { seance: None };
            }
            let source = Arc::new(Source {
                path: path.to_path_buf(),
                text: text.into_owned(),
            });
            let span = e.span().unwrap_or(0..0);
            let mut d = match load::parse::<serde_json::Value>(&source) {
                Err(d) => d,
                Ok(_) => {
                    Diagnostic::error("syntaxe-toml", "syntaxe TOML invalide").at(&source, span)
                }
            };
            d.message = format!(
                "fichier non reconnu, faute de pouvoir le lire : {}",
                d.message
            );
            return Class::Other(Some(d));
        }
    };
    if table.contains_key("deliberation") {
        let seance = table
            .get("seance")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        return Class::Dossier { seance };
    }
    // A misspelled [deliberation]: say so at its line.
    if let Some((span, key)) = misspelled_header(&text) {
        return Class::Other(Some(misspelled(path, &text, span, &key)));
    }
    if table.get("date").is_some_and(toml::Value::is_datetime) {
        return Class::Seance;
    }
    Class::Other(None)
}

/// A dossier written the usual way (a line `[deliberation]` or
/// `[deliberation.…]`): Some, with its top-level `seance = "…"` if any.
fn plain_dossier(text: &str) -> Option<Option<String>> {
    let mut seance = None;
    let mut top = true;
    let mut found = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            top = false;
            if t.starts_with("[deliberation]") || t.starts_with("[deliberation.") {
                found = true;
            }
        } else if top && t.starts_with("seance") {
            seance = toml::from_str::<toml::Table>(t)
                .ok()
                .and_then(|v| v.get("seance")?.as_str().map(str::to_owned));
        }
    }
    found.then_some(seance)
}

/// `%PDF`, a zip (`.docx`, `.odt`), or any NUL byte: not a text file.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        Some("PDF")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some("document Word ou OpenDocument, ou archive zip")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("ancien document Word ou Excel")
    } else if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image")
    } else if bytes.iter().take(8192).any(|b| *b == 0) {
        Some("données binaires")
    } else {
        None
    }
}

/// True when a table header or key line names something like "deliberation".
fn mentions_deliberation(text: &str) -> bool {
    text.lines().any(|l| {
        let l = crate::diag::fold(l.trim_start().trim_start_matches('['));
        let l = l.trim_start().trim_start_matches(['"', '\'']);
        l.starts_with("deliberation") || l.starts_with("deliberaton")
    })
}

/// The first table header that looks like `[deliberation]` without being
/// it (`[deliberaton]`, `[délibération]`, `[Deliberation]`): its span and name.
fn misspelled_header(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(inner) = t.strip_prefix('[') {
            let inner = inner.trim_start_matches('[').trim_start();
            let end = inner.find([']', '.']).unwrap_or(inner.len());
            let name = inner[..end].trim().trim_matches(['"', '\'']);
            if name != "deliberation"
                && closest(&crate::diag::fold(name), ["deliberation"]).is_some()
            {
                let start = offset + (line.len() - t.len());
                return Some((start..offset + line.trim_end().len(), name.to_owned()));
            }
        }
        offset += line.len();
    }
    None
}

/// The finding for a misspelled `[deliberation]`.
fn misspelled(path: &Path, text: &str, span: std::ops::Range<usize>, key: &str) -> Diagnostic {
    let source = Arc::new(Source {
        path: path.to_path_buf(),
        text: text.to_owned(),
    });
    Diagnostic::error(
        "champ-inconnu",
        format!("table inconnue « {key} » : ce fichier n'a pas de table [deliberation], il n'est pas rendu"),
    )
    .at(&source, span)
    .hint("vouliez-vous dire « deliberation » ? (sans accent ni majuscule)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("delib-discover-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const DOSSIER: &str = "[deliberation]\nobjet = \"O\"\narticles = [\"A\"]\n";

    #[test]
    fn classifies_every_toml_and_reports_the_rest() {
        let dir = temp("classes");
        std::fs::create_dir_all(dir.join("a/seances")).unwrap();
        std::fs::write(dir.join("a/delib.toml"), "[collectivite]\nnom = \"X\"\n").unwrap();
        std::fs::write(
            dir.join("a/d.toml"),
            format!("seance = \"seances/s.toml\"\n{DOSSIER}"),
        )
        .unwrap();
        std::fs::write(dir.join("a/seances/s.toml"), "date = 2016-06-27\n").unwrap();
        std::fs::write(dir.join("a/orpheline.toml"), "date = 2016-06-28\n").unwrap();
        std::fs::write(
            dir.join("a/espaces.toml"),
            "[ deliberation ]\nobjet = \"O\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("a/faute.toml"),
            "# x\n[deliberaton]\nobjet = \"O\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("a/accents.toml"),
            "[délibération]\nobjet = \"O\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("a/autre.toml"), "nom = \"x\"\n").unwrap();
        std::fs::write(dir.join("a/doc.toml"), b"PK\x03\x04\x00\x00binary").unwrap();
        let d = discover(std::slice::from_ref(&dir)).unwrap();
        let outs: Vec<&str> = d.dossiers.iter().map(|f| f.out.as_str()).collect();
        assert_eq!(outs, ["a/d", "a/espaces"]);
        assert_eq!(d.seances.len(), 1);
        assert_eq!(d.seances[0].out, "a/seances/s");
        let shown: Vec<String> = d.findings.iter().map(Diagnostic::render).collect();
        let all = shown.join("\n");
        assert!(all.contains("faute.toml:2:1"), "{all}");
        assert!(all.contains("vouliez-vous dire « deliberation »"), "{all}");
        assert!(all.contains("accents.toml:1:1"), "{all}");
        assert!(
            all.contains("orpheline.toml ressemble à un fichier de séance"),
            "{all}"
        );
        assert!(all.contains("autre.toml n'est ni un dossier"), "{all}");
        assert!(
            all.contains("doc.toml n'est pas un dossier : c'est un fichier binaire"),
            "{all}"
        );
        assert!(!all.contains("binary"), "never quotes binary: {all}");
        assert_eq!(d.findings.len(), 5, "{all}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_given_by_path_are_checked_for_what_they_are() {
        let dir = temp("given");
        std::fs::write(dir.join("delib.toml"), "[collectivite]\nnom = \"X\"\n").unwrap();
        std::fs::write(dir.join("s.toml"), "date = 2016-06-27\npresents = 3\n").unwrap();
        std::fs::write(dir.join("acte.pdf"), b"%PDF-1.7\n\x00\x01\x02").unwrap();
        std::fs::write(dir.join("...toml"), DOSSIER).unwrap();
        for (name, expected) in [
            ("delib.toml", "est le fichier de projet delib.toml"),
            ("s.toml", "est un fichier de séance"),
            ("acte.pdf", "fichier binaire (PDF)"),
            ("...toml", "répertoire de sortie valable (« .. »)"),
        ] {
            let d = discover(&[dir.join(name)]).unwrap();
            assert!(d.dossiers.is_empty(), "{name}");
            let text = d.findings[0].render();
            assert!(text.contains(expected), "{name}: {text}");
            assert!(text.starts_with("erreur["), "{text}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_fifos_and_links_outside_are_harmless() {
        let dir = temp("links");
        std::fs::create_dir_all(dir.join("p")).unwrap();
        std::fs::write(dir.join("p/d.toml"), DOSSIER).unwrap();
        std::os::unix::fs::symlink(".", dir.join("p/a")).unwrap();
        std::os::unix::fs::symlink(".", dir.join("p/b")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("p/passwd.toml")).unwrap();
        let fifo = dir.join("p/x.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let (tx, rx) = std::sync::mpsc::channel();
        let p = dir.join("p");
        std::thread::spawn(move || {
            let _ = tx.send(discover(&[p]));
        });
        let d = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("discovery finishes")
            .unwrap();
        assert_eq!(d.dossiers.len(), 1, "{:?}", d.dossiers);
        let all: String = d.findings.iter().map(Diagnostic::render).collect();
        assert!(
            all.contains("passwd.toml est un lien vers un fichier hors du répertoire"),
            "{all}"
        );
        assert!(!all.contains("root:"), "{all}");
        if made.is_ok_and(|s| s.success()) {
            assert!(
                all.contains("x.toml n'est pas un fichier ordinaire"),
                "{all}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn output_names() {
        use crate::disk::is_plain_relative;
        assert_eq!(output_name_problem("a/b"), None);
        assert_eq!(output_name_problem("..").as_deref(), Some(".."));
        assert_eq!(output_name_problem("").as_deref(), Some(""));
        assert_eq!(output_name_problem("a/./b").as_deref(), Some("."));
        assert!(is_plain_relative(Path::new("a/b")));
        assert!(!is_plain_relative(Path::new("../b")));
        assert!(!is_plain_relative(Path::new("/tmp")));
        assert!(!is_plain_relative(Path::new("")));
    }
}
