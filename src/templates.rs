//! Built-in templates, embedded in the binary, overridable by file name.

use crate::diag::{Diagnostic, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::Tera;

/// The built-in templates: (file name, text).
pub const BUILTIN: [(&str, &str); 9] = [
    (
        "rapport.md.tera",
        include_str!("../templates/rapport.md.tera"),
    ),
    (
        "deliberation.md.tera",
        include_str!("../templates/deliberation.md.tera"),
    ),
    (
        "convention.md.tera",
        include_str!("../templates/convention.md.tera"),
    ),
    (
        "annexe.md.tera",
        include_str!("../templates/annexe.md.tera"),
    ),
    (
        "convocation.md.tera",
        include_str!("../templates/convocation.md.tera"),
    ),
    (
        "liste-des-deliberations.md.tera",
        include_str!("../templates/liste-des-deliberations.md.tera"),
    ),
    (
        "proces-verbal.md.tera",
        include_str!("../templates/proces-verbal.md.tera"),
    ),
    (
        "registre.md.tera",
        include_str!("../templates/registre.md.tera"),
    ),
    ("style.css", include_str!("../templates/style.css")),
];

/// A template set: the built-ins with a project's overrides applied.
pub struct Templates {
    tera: Tera,
    css: String,
    /// For each template, where it came from (None: built-in) and its text.
    sources: Vec<(&'static str, Option<PathBuf>, String)>,
    /// Hash of every template text, computed once.
    hash: String,
    /// Columns of a partners CSV the templates use, found once.
    partner_columns: std::collections::HashSet<String>,
}

impl Templates {
    /// The built-ins, overridden by same-named files in `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Diagnostic> {
        let mut sources = Vec::with_capacity(BUILTIN.len());
        for (name, text) in BUILTIN {
            // An override is read only when its real path is inside the
            // templates folder (a symlink to /etc/passwd is refused).
            let custom = dir
                .map(|d| d.join(name))
                .filter(|p| std::fs::symlink_metadata(p).is_ok());
            match custom {
                Some(path) => {
                    let inside = dir.and_then(|d| crate::load::resolve_inside(d, d, name));
                    let text = match inside {
                        Some(p) => {
                            crate::load::read_regular(&p, crate::load::MAX_TEXT).and_then(|b| {
                                String::from_utf8(b)
                                    .map_err(|_| std::io::ErrorKind::InvalidData.into())
                            })
                        }
                        None => Err(crate::load::refused(
                            std::io::ErrorKind::PermissionDenied,
                            "lien vers un fichier hors du répertoire de modèles, refusé".into(),
                        )),
                    };
                    let text = text.map_err(|e| {
                        Diagnostic::error(
                            "modele-illisible",
                            format!(
                                "impossible de lire le modèle {} : {}",
                                path.display(),
                                crate::load::io_message(&e)
                            ),
                        )
                    })?;
                    sources.push((name, Some(path), text));
                }
                None => sources.push((name, None, text.to_owned())),
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![]);
        for (name, path, text) in &sources {
            if name.ends_with(".tera") {
                tera.add_raw_template(name, text)
                    .map_err(|e| template_error(name, path.as_deref(), text, &e))?;
            }
        }
        let css = sources
            .iter()
            .find(|s| s.0 == "style.css")
            .map(|s| s.2.clone())
            .unwrap_or_default();
        let hash = sources
            .iter()
            .fold(crate::manifest::Hash::default(), |h, s| {
                h.feed(s.2.as_bytes())
            })
            .hex();
        let partner_columns = partner_columns(&sources);
        Ok(Templates {
            tera,
            css,
            sources,
            hash,
            partner_columns,
        })
    }

    /// Renders a template with the model as context.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let (path, text) = self
                .sources
                .iter()
                .find(|s| s.0 == name)
                .map(|s| (s.1.as_deref(), s.2.as_str()))
                .unwrap_or((None, ""));
            template_error(name, path, text, &e)
        })
    }

    /// A hash of the whole template set, for the manifest.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The stylesheet inlined in every HTML document.
    pub fn css(&self) -> &str {
        &self.css
    }

    /// Columns of a partners CSV the templates use, as `partenaire.<colonne>`.
    pub fn partner_columns(&self) -> &std::collections::HashSet<String> {
        &self.partner_columns
    }

    /// The text of a template as used (built-in or override), for hashing.
    pub fn text(&self, name: &str) -> &str {
        self.sources
            .iter()
            .find(|s| s.0 == name)
            .map_or("", |s| s.2.as_str())
    }
}

/// Every `partenaire.<colonne>` the template texts mention.
fn partner_columns(
    sources: &[(&'static str, Option<PathBuf>, String)],
) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for (_, _, text) in sources {
        for (i, _) in text.match_indices("partenaire.") {
            let name: String = text[i + "partenaire.".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Writes the built-in templates into `dir` for a clerk to customise; never overwrites.
pub fn write_builtins(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        if path.exists() {
            out.push((path, false));
        } else {
            crate::output::write_atomic(&path, text.as_bytes())?;
            out.push((path, true));
        }
    }
    Ok(out)
}

/// A tera error as a diagnostic naming the template file, line and column.
fn template_error(name: &str, path: Option<&Path>, text: &str, e: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let mut chain = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        chain.push(s.to_string());
        cur = s.source();
    }
    let full = chain.join("\n");
    let display = path.map_or_else(
        || PathBuf::from(format!("(modèle intégré) {name}")),
        Path::to_path_buf,
    );
    let source = Arc::new(Source {
        path: display,
        text: text.to_owned(),
    });
    // pest reports "--> line:col"; turn it into a span.
    let position = full.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("--> ")?;
        let (line, col) = rest.split_once(':')?;
        Some((
            line.trim().parse::<usize>().ok()?,
            col.trim().parse::<usize>().ok()?,
        ))
    });
    let detail = chain
        .iter()
        .flat_map(|c| c.lines())
        .map(str::trim)
        .find(|l| {
            l.starts_with("= ")
                || l.contains("not found")
                || l.contains("Variable")
                || l.contains("Tried to")
        })
        .unwrap_or(
            chain
                .last()
                .map_or("", |s| s.as_str())
                .lines()
                .next()
                .unwrap_or(""),
        )
        .trim_start_matches("= ")
        .to_owned();
    // tera names an unknown variable but not where it is: find it in the text.
    let unknown = detail
        .strip_prefix("Variable `")
        .and_then(|r| r.split_once('`'))
        .map(|(var, _)| var.to_owned());
    let detail = match &unknown {
        Some(var) => format!("variable « {var} » inconnue"),
        None => crate::messages::tera_detail(&detail),
    };
    let position = position.or_else(|| {
        let var = unknown.as_deref()?;
        let offset = text.find(var)?;
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count()
            + 1;
        Some((line, col))
    });
    let mut d = Diagnostic::error("modele", format!("erreur dans le modèle {name} : {detail}"));
    match position {
        Some((line, col)) => {
            let offset = line_col_to_offset(text, line, col);
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            d = d.at(&source, offset..end);
        }
        None => d = d.in_file(&source),
    }
    d.hint(
        "corrigez le modèle, ou supprimez-le du répertoire templates/ pour revenir au modèle intégré",
    )
}

fn line_col_to_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let start = start.min(text.len());
    text[start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}
