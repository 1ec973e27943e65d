//! One module per subcommand, and the loading phase they share.

pub mod check;
pub mod export;
pub mod publish;
pub mod render;
pub mod schema;
pub mod serve;
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
        self.model.is_none() || self.blocked(deny_warnings)
    }

    /// True when a finding stops this dossier.
    pub fn blocked(&self, deny_warnings: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error || deny_warnings)
    }
}

/// Loads every dossier (in parallel); nothing is checked yet.
pub fn load_all(paths: &[PathBuf]) -> Vec<Checked> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|p| match load::load(p) {
            Ok(l) => Checked {
                path: p.clone(),
                loaded: Some(l),
                model: None,
                diagnostics: Vec::new(),
            },
            Err(d) => Checked {
                path: p.clone(),
                loaded: None,
                model: None,
                diagnostics: d,
            },
        })
        .collect()
}

impl Checked {
    /// Runs the checks and derives the model of a loaded dossier.
    pub fn check(&mut self) {
        let Some(l) = &self.loaded else { return };
        self.diagnostics.extend(crate::check::check(l));
        match crate::model::build(l) {
            Ok(m) => self.model = Some(m),
            Err(more) => self.diagnostics.extend(more),
        }
    }
}

/// The checks across the batch (deliberation numbers), added to each dossier.
pub fn check_batch(all: &mut [Checked]) {
    let loaded: Vec<&Loaded> = all.iter().filter_map(|c| c.loaded.as_ref()).collect();
    let batch = crate::check::check_batch(&loaded);
    for d in batch {
        let path = d.source.as_ref().map(|s| s.path.clone());
        if let Some(c) = all.iter_mut().find(|c| Some(&c.path) == path.as_ref()) {
            c.diagnostics.push(d);
        }
    }
}

/// Loads and checks every dossier (in parallel), then the checks across the batch.
pub fn load_and_check(paths: &[PathBuf]) -> Vec<Checked> {
    use rayon::prelude::*;
    let mut all = load_all(paths);
    all.par_iter_mut().for_each(Checked::check);
    check_batch(&mut all);
    all
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
        let meta = std::fs::metadata(p).map_err(|e| {
            anyhow::anyhow!("{} : {}", p.display(), crate::messages::io_message(&e))
        })?;
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
    // Bytes, not a string: a dossier saved in Latin-1 must still be found, so
    // that loading it reports the encoding instead of skipping it silently.
    std::fs::read(path).is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes).lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("[deliberation]")
                || l.starts_with("[deliberation.")
                || l.starts_with("deliberation")
        })
    })
}
