//! Publication of the voted acts: the static website (`delib publish`), the
//! SCDL open-data file and the @ctes package (`delib export`).
//!
//! All three receive the engine's checked units, as `render` does, and
//! share what is decided here: which acts count, where an act lives on the
//! site, and today's date. Two sinks write them: `sink` (the site) and
//! `export` (the packages); `reception` writes the préfecture's
//! acknowledgments back into the dossiers.

/// Says a line through a sink's `say`, formatted like `eprintln!`.
macro_rules! say {
    ($say:expr, $($arg:tt)*) => {
        $say(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub mod accuse;
pub mod actes;
pub mod export;
pub mod nomenclature;
pub mod reception;
pub mod scdl;
pub mod sink;
pub mod site;

use crate::diag::{Diagnostic, Source};
use crate::engine::Unit;
use crate::french::Date;
use crate::load::Loaded;
use crate::model::Model;
use std::path::Path;
use std::sync::Arc;

/// A dossier that loaded and passed its checks: one of the engine's units,
/// with its derived model.
pub struct Act<'a> {
    pub model: &'a Model,
    /// What the unit loaded (read by publication only, through the act).
    loaded: &'a Loaded,
    /// The dossier's path relative to the folder, without `.toml`, with `/`:
    /// `dijon/convention-pep21`. The act's folder on the site is `actes/<rel>/`.
    pub rel: String,
}

impl Act<'_> {
    /// The séance date (None only for a dossier with no séance, which checks reject).
    pub fn date(&self) -> Option<Date> {
        self.loaded
            .seance
            .as_ref()
            .and_then(|(s, _)| crate::model::to_date(&s.date))
    }

    /// The date the act was published, when given.
    pub fn publication(&self) -> Option<Date> {
        let p = self
            .loaded
            .dossier
            .deliberation
            .get_ref()
            .publication
            .as_ref()?;
        p.publication.as_ref().and_then(crate::model::to_date)
    }

    /// A draft: no vote yet.
    pub fn is_draft(&self) -> bool {
        self.model.projet
    }

    /// Voted down: the proposal was rejected.
    pub fn is_rejected(&self) -> bool {
        self.model
            .deliberation
            .vote
            .as_ref()
            .is_some_and(|v| v.resultat == crate::input::Resultat::Rejete)
    }

    /// The raw objet, as typed.
    pub fn objet(&self) -> &str {
        self.loaded.dossier.deliberation.get_ref().objet.get_ref()
    }

    /// The act's folder on the site, URL-encoded, ending with `/`.
    pub fn site_dir(&self) -> String {
        format!("actes/{}/", crate::url::encode_path(&self.rel))
    }

    /// The dossier's own source, for findings.
    pub fn source(&self) -> &Arc<Source> {
        &self.loaded.source
    }

    /// A finding pointing at the `[deliberation]` table of the dossier.
    pub fn at_deliberation(&self, d: Diagnostic) -> Diagnostic {
        let span = self.loaded.dossier.deliberation.span();
        let text = &self.loaded.source.text;
        // The span of a table is its content; point at its header when found.
        let start = text[..span.start.min(text.len())]
            .rfind("[deliberation]")
            .unwrap_or(span.start);
        d.at(&self.loaded.source, start..start + "[deliberation]".len())
    }
}

/// The acts of a batch: every dossier that loaded and passed its checks, in
/// path order; the others are returned apart with their findings.
pub fn acts<'a>(folder: &Path, checked: &'a [Unit]) -> (Vec<Act<'a>>, Vec<&'a Unit>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for c in checked {
        match (&c.loaded, &c.model) {
            (Some(loaded), Some(model)) if !c.blocked(false) => ok.push(Act {
                model,
                loaded,
                rel: relative(folder, &c.path),
            }),
            _ => failed.push(c),
        }
    }
    (ok, failed)
}

/// `dijon/seances/2016-06-27` for `inputs/dijon/seances/2016-06-27.toml` under `inputs`
/// (also for a canonical path of a file under the folder).
pub fn relative_path(folder: &Path, path: &Path) -> String {
    match (folder.canonicalize(), path.canonicalize()) {
        (Ok(f), Ok(p)) if p.starts_with(&f) => relative(&f, &p),
        _ => relative(folder, path),
    }
}

/// `dijon/convention-pep21` for `inputs/dijon/convention-pep21.toml` under `inputs`.
fn relative(folder: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(folder).unwrap_or(path);
    let rel = if rel.as_os_str().is_empty() {
        path
    } else {
        rel
    };
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        "acte".to_owned()
    } else {
        parts.join("/")
    }
}

/// Today's date (UTC), or the one given as `AAAA-MM-JJ` with `--date`.
pub fn today(given: Option<&str>) -> anyhow::Result<Date> {
    if let Some(s) = given {
        return Date::parse_iso(s.trim()).ok_or_else(|| {
            anyhow::anyhow!("date incorrecte « {s} » pour --date (attendu : AAAA-MM-JJ)")
        });
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(Date::from_days_since_epoch((secs / 86_400) as i64))
}

/// The `[collectivite]` header of `delib.toml` (else of the dossier), for findings
/// about a value of the collectivité.
pub fn at_collectivite(act: &Act, d: Diagnostic) -> Diagnostic {
    let l = act.loaded;
    let candidates = l.projet.iter().map(|(_, s)| s).chain([&l.source]);
    for src in candidates {
        if let Some(i) = src.text.find("[collectivite]") {
            return d.at(src, i..i + "[collectivite]".len());
        }
    }
    d.in_file(l.projet.as_ref().map_or(&l.source, |(_, s)| s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        let d = |y, m, j| Date::new(y, m, j).unwrap();
        assert_eq!(Date::from_days_since_epoch(0), d(1970, 1, 1));
        assert_eq!(Date::from_days_since_epoch(16_979), d(2016, 6, 27));
        assert_eq!(Date::from_days_since_epoch(11_016), d(2000, 2, 29));
        assert_eq!(d(1970, 1, 1).days_until(d(2016, 6, 27)), 16_979);
    }

    #[test]
    fn paths_and_segments() {
        assert_eq!(
            relative(
                Path::new("inputs"),
                Path::new("inputs/dijon/convention-pep21.toml")
            ),
            "dijon/convention-pep21"
        );
        assert_eq!(relative(Path::new("a.toml"), Path::new("a.toml")), "a");
    }
}
