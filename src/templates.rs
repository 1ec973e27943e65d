//! Built-in templates, embedded in the binary, overridable by file name.

use crate::diag::{Diagnostic, Source};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tera::Tera;

/// The bounds of one template render (issue 22): a template is code, and
/// one that loops or writes without end must stop with an error naming it
/// and the bound, not keep `check` busy, fill the memory or freeze the
/// preview. Real documents stay far below them: the procès-verbal of a
/// 300-act séance renders in milliseconds into about a megabyte.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for one document.
    pub time: Duration,
    /// Bytes one document may write.
    pub output: usize,
    /// Numbers `range()` may give in all for one document (each call is
    /// also held to tera's own 100 000): loops nested on `range` end here.
    pub range: usize,
}

/// The bounds of every render.
pub const LIMITS: Limits = Limits {
    time: Duration::from_secs(10),
    output: 32 << 20,
    range: 1_000_000,
};

/// Which bound a render crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crossed {
    Time,
    Output,
    Range,
}

/// The bounds of the render running on this thread: its deadline, what is
/// left of its `range()` numbers, the bound it crossed.
#[derive(Clone, Copy)]
struct Budget {
    deadline: Instant,
    range: usize,
    crossed: Option<Crossed>,
}

thread_local! {
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// Records that the running render crossed `c`; the error tera carries
/// back is then replaced by the one naming the bound.
fn cross(c: Crossed) {
    BUDGET.with(|b| {
        if let Some(mut budget) = b.get() {
            budget.crossed.get_or_insert(c);
            b.set(Some(budget));
        }
    });
}

/// Whether the running render is past its deadline (recorded when so).
fn late() -> bool {
    let late = BUDGET.with(|b| b.get().is_some_and(|b| Instant::now() > b.deadline));
    if late {
        cross(Crossed::Time);
    }
    late
}

/// The render's output, refused past [`Limits::output`] bytes; the clock is
/// read every 64 writes.
struct Bounded {
    bytes: Vec<u8>,
    max: usize,
    writes: u32,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            cross(Crossed::Output);
            return Err(std::io::Error::other("limite de taille"));
        }
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(64) && late() {
            return Err(std::io::Error::other("limite de temps"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// tera's `range(end, start=0, step_by=1)`, counted against the render's
/// [`Limits::range`] and deadline.
fn range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("range() avec step_by = 0"));
    }
    // The count, in i128: no bound of i64 overflows it.
    let len = if step > 0 && end > start {
        (end - start + step - 1) / step
    } else if step < 0 && start > end {
        (start - end - step - 1) / -step
    } else {
        0
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    let left = BUDGET.with(|b| match b.get() {
        Some(mut budget) if len <= budget.range && len <= 100_000 => {
            budget.range -= len;
            b.set(Some(budget));
            true
        }
        Some(_) => false,
        // Outside a bounded render (none today): tera's own bound.
        None => len <= 100_000,
    });
    if !left {
        cross(Crossed::Range);
        return Err(tera::Error::message("limite de range()"));
    }
    if late() {
        return Err(tera::Error::message("limite de temps"));
    }
    Ok((0..len as i128).map(|i| start + i * step).collect())
}

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
    /// Each override as read: its file and the hash of its bytes
    /// ([`crate::hash::content_hash`], the one hash of an input file).
    read: Vec<(PathBuf, String)>,
    /// Hash of every template text, computed once.
    hash: String,
    /// Columns of a partners CSV the templates use, found once.
    partner_columns: std::collections::HashSet<String>,
}

impl Templates {
    /// The built-ins, overridden by same-named files in `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Diagnostic> {
        let mut sources = Vec::with_capacity(BUILTIN.len());
        let mut read = Vec::new();
        for (name, text) in BUILTIN {
            // An override is read only when its real path is inside the
            // templates folder (a symlink to /etc/passwd is refused).
            let custom = dir
                .map(|d| d.join(name))
                .filter(|p| std::fs::symlink_metadata(p).is_ok());
            match custom {
                Some(path) => {
                    let inside = dir.and_then(|d| crate::disk::resolve_inside(d, d, name));
                    let text = match inside {
                        Some(p) => {
                            crate::disk::read_regular(&p, crate::disk::MAX_TEXT).and_then(|b| {
                                read.push((path.clone(), crate::hash::content_hash(&b)));
                                String::from_utf8(b)
                                    .map(crate::load::normalize)
                                    .map_err(|_| std::io::ErrorKind::InvalidData.into())
                            })
                        }
                        None => Err(crate::disk::refused(
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
                    if let Some(d) = control_character(&path, &text) {
                        return Err(d);
                    }
                    sources.push((name, Some(path), text));
                }
                None => sources.push((name, None, text.to_owned())),
            }
        }
        let mut tera = Tera::new();
        // Values are escaped by the model (`escape`), not by tera.
        tera.autoescape_on(Vec::<&str>::new());
        tera.register_filter("default", default);
        tera.register_function("range", range);
        // All at once: tera checks filters, tests and includes once, when
        // every template is known.
        tera.add_raw_templates(
            sources
                .iter()
                .filter(|s| s.0.ends_with(".tera"))
                .map(|s| (s.0, s.2.as_str())),
        )
        .map_err(|e| template_error(&sources, "", &e))?;
        let css = sources
            .iter()
            .find(|s| s.0 == "style.css")
            .map(|s| s.2.clone())
            .unwrap_or_default();
        let hash = sources
            .iter()
            .fold(crate::hash::Hash::default(), |h, s| h.feed(s.2.as_bytes()))
            .hex();
        let partner_columns = partner_columns(&sources);
        Ok(Templates {
            tera,
            css,
            sources,
            read,
            hash,
            partner_columns,
        })
    }

    /// Renders a template with the model as context, within [`LIMITS`].
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.render_within(name, ctx, &LIMITS)
    }

    /// Renders a template within `limits`: past one, an error naming the
    /// template and the bound.
    pub fn render_within(
        &self,
        name: &str,
        ctx: &tera::Context,
        limits: &Limits,
    ) -> Result<String, Diagnostic> {
        let budget = Budget {
            deadline: Instant::now() + limits.time,
            range: limits.range,
            crossed: None,
        };
        let previous = BUDGET.with(|b| b.replace(Some(budget)));
        let mut out = Bounded {
            bytes: Vec::new(),
            max: limits.output,
            writes: 0,
        };
        let result = self.tera.render_to(name, ctx, &mut out);
        let crossed = BUDGET.with(|b| b.replace(previous)).and_then(|b| b.crossed);
        match (result, crossed) {
            (Ok(()), _) => String::from_utf8(out.bytes).map_err(|_| {
                Diagnostic::error(
                    "modele",
                    format!("le modèle {name} a écrit de l'UTF-8 invalide"),
                )
            }),
            (Err(_), Some(c)) => Err(limit_error(&self.sources, name, c, limits)),
            (Err(e), None) => Err(template_error(&self.sources, name, &e)),
        }
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

    /// The overrides read from the templates folder: (file, text).
    pub fn overrides(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.sources
            .iter()
            .filter_map(|s| Some((s.1.as_deref()?, s.2.as_str())))
    }

    /// The overrides read from the templates folder: (file, hash of its
    /// bytes as read).
    pub fn read(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.read.iter().map(|(p, h)| (p.as_path(), h.as_str()))
    }

    /// The text of a template as used (built-in or override), for hashing.
    pub fn text(&self, name: &str) -> &str {
        self.sources
            .iter()
            .find(|s| s.0 == name)
            .map_or("", |s| s.2.as_str())
    }
}

/// A control character in a template (a NUL, an escape…: a file saved by
/// the wrong tool) would reach every document it makes: refused at its
/// place. Tabs and line ends are text.
fn control_character(path: &Path, text: &str) -> Option<Diagnostic> {
    let (at, c) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\n' | '\t'))?;
    let source = Arc::new(Source {
        path: path.to_path_buf(),
        text: text.to_owned(),
    });
    Some(
        Diagnostic::error(
            "modele",
            format!(
                "le modèle {} contient un caractère de contrôle (U+{:04X}), qui passerait dans les documents",
                path.file_name().unwrap_or_default().to_string_lossy(),
                u32::from(c)
            ),
        )
        .at(&source, at..at + c.len_utf8())
        .hint("supprimez ce caractère invisible (le fichier a peut-être été enregistré par un autre outil qu'un éditeur de texte)"),
    )
}

/// The `default` filter as tera 1 had it, which templates rely on: the
/// value given when the variable is missing *or* empty (null), so a séance
/// without `membres_en_exercice` shows « – ». (tera 2's own keeps a null.)
fn default(
    val: tera::Value,
    kwargs: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let fallback = kwargs.must_get::<tera::Value>("value")?;
    let boolean = kwargs.get::<bool>("boolean")?.unwrap_or_default();
    let missing = val.is_undefined() || val.is_none() || (boolean && !val.is_truthy());
    Ok(if missing { fallback } else { val })
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

/// A tera error as a diagnostic naming the template file, line and column,
/// in French. `current` is the template being rendered (empty while parsing);
/// tera names the template the error is in, which may be one it includes.
fn template_error(
    sources: &[(&'static str, Option<PathBuf>, String)],
    current: &str,
    e: &tera::Error,
) -> Diagnostic {
    use tera::ErrorKind;
    // (message, template, byte range or 1-based line and column)
    let (message, file, at): (String, String, Option<Where>) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => (
            r.message().to_owned(),
            r.filename().to_owned(),
            Some(Where::Range(r.span().range.clone())),
        ),
        // Unknown filters, tests, functions and includes are found when the
        // templates are added, and come as a report: "error: …\n --> name:line:col".
        ErrorKind::Msg(report) => {
            let mut lines = report.lines();
            let message = lines
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_owned();
            let located = lines.find_map(|l| {
                let rest = l.trim().strip_prefix("--> ")?;
                let mut parts = rest.rsplitn(3, ':');
                let col = parts.next()?.parse::<usize>().ok()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((parts.next()?.to_owned(), Where::LineCol(line, col)))
            });
            match located {
                Some((file, at)) => (message, file, Some(at)),
                None => (message, current.to_owned(), None),
            }
        }
        ErrorKind::TemplateNotFound(n) => (format!("Unknown template `{n}`"), current.into(), None),
        ErrorKind::MissingParent { current, parent } => (
            format!("Unknown template `{parent}`"),
            current.clone(),
            None,
        ),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            ("Circular".into(), tpl.clone(), None)
        }
        _ => (String::new(), current.to_owned(), None),
    };
    let syntax = matches!(e.kind(), ErrorKind::SyntaxError(_));
    let (name, path, text) = sources
        .iter()
        .find(|s| s.0 == file)
        .or_else(|| sources.iter().find(|s| s.0 == current))
        .map_or((current, None, ""), |s| (s.0, s.1.as_deref(), s.2.as_str()));
    let display = path.map_or_else(
        || PathBuf::from(format!("(modèle intégré) {name}")),
        Path::to_path_buf,
    );
    let source = Arc::new(Source {
        path: display,
        text: text.to_owned(),
    });
    let offset = at.map(|at| match at {
        Where::Range(r) => r.start.min(text.len()),
        Where::LineCol(line, col) => line_col_to_offset(text, line, col),
    });
    let offset = offset.filter(|o| text.is_char_boundary(*o));
    let (detail, hint, offset) = crate::messages::tera_detail(&message, syntax, text, offset);
    let mut d = Diagnostic::error("modele", format!("erreur dans le modèle {name} : {detail}"));
    match offset {
        Some(offset) => {
            // The name or expression at the offset, else one character.
            let rest = &text[offset..];
            let word = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let end = match word {
                0 => rest
                    .chars()
                    .next()
                    .map_or(offset, |c| offset + c.len_utf8()),
                n => offset + n,
            };
            d = d.at(&source, offset..end);
        }
        None => d = d.in_file(&source),
    }
    d.hint(hint.unwrap_or_else(|| {
        "corrigez le modèle, ou supprimez-le du répertoire templates/ pour revenir au modèle intégré"
            .into()
    }))
}

/// A render stopped at a bound: the template, the bound, what to look at.
fn limit_error(
    sources: &[(&'static str, Option<PathBuf>, String)],
    name: &str,
    crossed: Crossed,
    limits: &Limits,
) -> Diagnostic {
    let what = match crossed {
        Crossed::Time => format!(
            "son rendu a dépassé {} s (limite de delib pour un document)",
            limits.time.as_secs_f32()
        ),
        Crossed::Output => format!(
            "il écrit plus de {} Mo (limite de delib pour un document)",
            limits.output >> 20
        ),
        Crossed::Range => format!(
            "ses range() donnent plus de {} nombres en tout (limite de delib pour un document, 100 000 par appel)",
            crate::french::grouper(limits.range as u64)
        ),
    };
    let mut d = Diagnostic::error("modele", format!("modèle {name} arrêté : {what}"));
    if let Some((n, path, text)) = sources.iter().find(|s| s.0 == name) {
        let display = path
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("(modèle intégré) {n}")));
        d = d.in_file(&Arc::new(Source {
            path: display,
            text: text.clone(),
        }));
    }
    d.hint("une boucle {% for %} sans fin ou trop imbriquée ? Corrigez le modèle, ou supprimez-le du répertoire templates/ pour revenir au modèle intégré")
}

/// Where tera says an error is.
enum Where {
    Range(std::ops::Range<usize>),
    /// 1-based line and column (in characters).
    LineCol(usize, usize),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A templates folder holding `rapport.md.tera` = `text`.
    fn with_rapport(text: &str) -> (Templates, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "delib-limits-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("rapport.md.tera"), text).unwrap();
        let t = Templates::load(Some(&dir)).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        (t, dir)
    }

    #[test]
    fn each_bound_stops_a_render_and_names_the_template() {
        let ctx = tera::Context::new();
        // The nested loops: 10^10 empty turns, stopped by range().
        let (t, _) = with_rapport(
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        );
        let e = t.render("rapport.md.tera", &ctx).unwrap_err();
        assert!(
            e.message.contains("rapport.md.tera") && e.message.contains("range()"),
            "{}",
            e.message
        );
        // Writing without end: 100 000 × 100 000 bytes, stopped at the size.
        let (t, _) = with_rapport(
            "{% for i in range(end=100000) %}{% for j in range(end=9) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        );
        let small = Limits {
            output: 1 << 20,
            ..LIMITS
        };
        let e = t
            .render_within("rapport.md.tera", &ctx, &small)
            .unwrap_err();
        assert!(
            e.message.contains("rapport.md.tera") && e.message.contains("1 Mo"),
            "{}",
            e.message
        );
        // Time: a render given no time at all stops at its first check.
        let (t, _) = with_rapport("{% for i in range(end=1000) %}x{% endfor %}");
        let none = Limits {
            time: Duration::ZERO,
            ..LIMITS
        };
        let e = t.render_within("rapport.md.tera", &ctx, &none).unwrap_err();
        assert!(
            e.message.contains("rapport.md.tera") && e.message.contains("0 s"),
            "{}",
            e.message
        );
        // Within the bounds, the same text as tera's own range.
        let (t, _) = with_rapport(
            "{% for i in range(start=10, end=0, step_by=-3) %}{{ i }},{% endfor %}{% for i in range(end=3) %}{{ i }}{% endfor %}",
        );
        assert_eq!(t.render("rapport.md.tera", &ctx).unwrap(), "10,7,4,1,012");
        // And the next render of the thread starts with a whole budget.
        assert!(t.render_within("rapport.md.tera", &ctx, &LIMITS).is_ok());
    }

    /// A NUL byte in a template is refused at its place (issue 22).
    #[test]
    fn a_control_character_in_a_template_is_refused() {
        let dir = std::env::temp_dir().join(format!("delib-nul-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("annexe.md.tera"), "# Annexe\n\nTexte\u{0}ici\n").unwrap();
        let e = Templates::load(Some(&dir)).err().expect("refused");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            e.message.contains("annexe.md.tera") && e.message.contains("U+0000"),
            "{}",
            e.message
        );
        assert_eq!(e.span, Some(15..16));
    }
}
