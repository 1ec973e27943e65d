//! One module per subcommand, and the loading phase they share.

pub mod check;
pub mod render;
pub mod schema;
pub mod templates;

use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Loaded};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// A dossier after loading and checking.
pub struct Checked {
    pub path: PathBuf,
    /// None when the dossier could not be read or parsed.
    pub loaded: Option<Loaded>,
    /// The derived model, when the dossier could be derived.
    pub model: Option<crate::model::Model>,
    /// Parse errors, or the findings of the checks.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// True when an error (or, with `deny_warnings`, a warning) stops this dossier.
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.model.is_none()
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error || deny_warnings)
    }
}

/// Loads and checks every dossier (in parallel), then the checks across the batch.
pub fn load_and_check(paths: &[PathBuf]) -> Vec<Checked> {
    use rayon::prelude::*;
    let mut out: Vec<Checked> = paths
        .par_iter()
        .map(|p| match load::load(p) {
            Ok(l) => {
                let mut diagnostics = crate::check::check(&l);
                let model = match crate::model::build(&l) {
                    Ok(m) => Some(m),
                    Err(more) => {
                        diagnostics.extend(more);
                        None
                    }
                };
                Checked {
                    path: p.clone(),
                    loaded: Some(l),
                    model,
                    diagnostics,
                }
            }
            Err(d) => Checked {
                path: p.clone(),
                loaded: None,
                model: None,
                diagnostics: d,
            },
        })
        .collect();
    let loaded: Vec<&Loaded> = out.iter().filter_map(|c| c.loaded.as_ref()).collect();
    let batch = crate::check::check_batch(&loaded);
    for d in batch {
        let path = d.source.as_ref().map(|s| s.path.clone());
        if let Some(c) = out.iter_mut().find(|c| Some(&c.path) == path.as_ref()) {
            c.diagnostics.push(d);
        }
    }
    out
}

/// "3 dossiers vérifiés : 1 erreur, 2 avertissements".
pub fn summary_check(dossiers: usize, errors: usize, warnings: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!(
        "{dossiers} dossier{} vérifié{} : {errors} erreur{}, {warnings} avertissement{}",
        s(dossiers),
        s(dossiers),
        s(errors),
        s(warnings)
    )
}

/// Every dossier under the given paths, sorted: `.toml` files with a
/// `[deliberation]` table (delib.toml and séance files are not dossiers).
pub fn find_dossiers(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .with_context(|| format!("{} : fichier ou répertoire introuvable", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        anyhow::bail!("aucun dossier trouvé (fichier .toml contenant une table [deliberation])");
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("impossible de lire le répertoire {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || matches!(name, "templates" | "output" | "target") {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if name.ends_with(".toml") && name != load::PROJECT_FILE && is_dossier(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_dossier(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| {
        t.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("[deliberation]")
                || l.starts_with("[deliberation.")
                || l.starts_with("deliberation")
        })
    })
}
