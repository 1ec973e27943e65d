//! Findings about the input: values, collected, shown together rustc-style.

use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How serious a finding is: errors stop rendering, warnings do not (but
/// with `--deny-warnings`), notes never: they only say what delib did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A source file as read, kept to quote the offending line.
#[derive(Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

/// Whether `c` would act on a terminal rather than show: C0 and C1 control
/// characters, DEL, and the bidirectional controls that reorder a line.
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One visible character for a character that would act on a terminal: the
/// Unicode control picture for C0 controls and DEL (ESC shows as `␛`, BEL as
/// `␇`), `�` for the others; any other character unchanged.
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        '\u{7f}' => '␡',
        c if is_terminal_control(c) => '�',
        c => c,
    }
}

/// Text made safe to print on a terminal: line breaks and tabs are kept,
/// every other control character shows as one visible character (see
/// [`visible`]), so a file name or a dossier line cannot move the cursor,
/// set the window title, clear the screen or ring the bell.
pub fn for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s
        .chars()
        .any(|c| c != '\n' && is_terminal_control(c) && c != '\t')
    {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| if c == '\n' { c } else { visible(c) })
            .collect(),
    )
}

/// A byte offset clamped to the text and moved back to a character boundary.
fn start_of(s: &str, offset: usize) -> usize {
    floor_char_boundary(s, offset.min(s.len()))
}

/// Characters of a quoted line shown before the caret, at most.
const QUOTE_BEFORE: usize = 40;
/// Characters of a quoted line shown from the caret on, at most.
const QUOTE_AFTER: usize = 80;

/// The part of a line quoted under a finding: the whole line when short,
/// else a window around the caret with `…` where it was cut, so a long line
/// never floods the terminal. Control characters are made visible.
/// Returns the quoted text, the characters before the caret and the caret count.
fn quote_window(line: &str, col: usize, carets: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let col = col.min(chars.len());
    let (from, to) = if chars.len() <= QUOTE_BEFORE + QUOTE_AFTER {
        (0, chars.len())
    } else {
        let from = col.saturating_sub(QUOTE_BEFORE);
        (from, (col + QUOTE_AFTER).min(chars.len()))
    };
    let mut quoted = String::new();
    if from > 0 {
        quoted.push('…');
    }
    quoted.extend(chars[from..col].iter().map(|&c| visible(c)));
    let before = quoted.chars().count();
    quoted.extend(chars[col..to].iter().map(|&c| visible(c)));
    if to < chars.len() {
        quoted.push('…');
    }
    (quoted, before, carets.min(to - col + 1).max(1))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding: a stable code, a severity, where, what and what to do.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub source: Option<Arc<Source>>,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at a span of a source.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            source: None,
            span: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// A note: what delib understood or did, nothing to correct.
    pub fn note(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    /// Whether the finding stops a dossier: an error, or a warning under
    /// `--deny-warnings`.
    pub fn stops(&self, deny_warnings: bool) -> bool {
        match self.severity {
            Severity::Error => true,
            Severity::Warning => deny_warnings,
            Severity::Note => false,
        }
    }

    /// Points the finding at a span of a source.
    pub fn at(mut self, source: &Arc<Source>, span: Range<usize>) -> Diagnostic {
        self.source = Some(source.clone());
        self.span = Some(span);
        self
    }

    /// Points the finding at a file as a whole.
    pub fn in_file(mut self, source: &Arc<Source>) -> Diagnostic {
        self.source = Some(source.clone());
        self
    }

    /// Adds what to change.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Path, line and column, when known.
    pub fn location(&self) -> Option<(&Path, usize, usize)> {
        let source = self.source.as_deref()?;
        let (line, col) = self
            .span
            .as_ref()
            .map_or((0, 0), |s| source.line_col(s.start));
        Some((&source.path, line, col))
    }

    /// The finding as a terminal block, rustc-style, with the offending line
    /// quoted (cut around the caret when long); control characters are shown,
    /// never sent to the terminal.
    pub fn render(&self) -> String {
        for_terminal(&self.render_raw()).into_owned()
    }

    fn render_raw(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
            Severity::Note => "note",
        };
        let _ = writeln!(out, "{label}[{}] : {}", self.code, self.message);
        if let Some(source) = self.source.as_deref() {
            match &self.span {
                Some(span) => {
                    let (line, col) = source.line_col(span.start);
                    let width = line.to_string().len();
                    let pad = " ".repeat(width);
                    let _ = writeln!(out, "{pad}--> {}:{line}:{col}", source.path.display());
                    let line_start = source.text[..start_of(&source.text, span.start)]
                        .rfind('\n')
                        .map_or(0, |i| i + 1);
                    let text = source.text[line_start..].lines().next().unwrap_or("");
                    let end = floor_char_boundary(&source.text, span.end.min(source.text.len()));
                    let start = floor_char_boundary(&source.text, span.start.min(end));
                    let underlined = source.text[start..end].lines().next().unwrap_or("");
                    let (quoted, before, carets) =
                        quote_window(text, col - 1, underlined.chars().count().max(1));
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{line} | {quoted}");
                    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(before), "^".repeat(carets));
                    if let Some(hint) = &self.hint {
                        let _ = writeln!(out, "{pad} = aide : {hint}");
                    }
                    return out;
                }
                None => {
                    let _ = writeln!(out, "  --> {}", source.path.display());
                }
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "   = aide : {hint}");
        }
        out
    }

    /// The finding as a JSON-ready value (for `--format json`).
    pub fn to_json(&self) -> serde_json::Value {
        let (file, line, column) = match self.location() {
            Some((p, l, c)) => (Some(p.display().to_string()), Some(l), Some(c)),
            None => (None, None, None),
        };
        serde_json::json!({
            "code": self.code,
            "severity": self.severity,
            "file": file,
            "line": line.filter(|l| *l > 0),
            "column": column.filter(|c| *c > 0),
            "message": self.message,
            "hint": self.hint,
        })
    }
}

/// The findings with the repeats left out, in order: a fault of a séance
/// file or of `delib.toml` is found by the checks of every dossier that
/// reads it, and is one fault (same code, severity, place, message and hint).
pub fn unique<'a>(all: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<&'a Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    all.into_iter().filter(|d| seen.insert(d.key())).collect()
}

/// What makes two findings the same one: code, severity, file, span,
/// message and hint.
type Key<'a> = (
    &'static str,
    Severity,
    Option<&'a Path>,
    Option<Range<usize>>,
    &'a str,
    Option<&'a str>,
);

impl Diagnostic {
    /// What makes two findings the same one.
    fn key(&self) -> Key<'_> {
        (
            self.code,
            self.severity,
            self.source.as_deref().map(|s| s.path.as_path()),
            self.span.clone(),
            &self.message,
            self.hint.as_deref(),
        )
    }
}

/// True when any finding is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Lower case without accents, for comparing table names.
pub fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' | 'ä' => 'a',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

/// Edit distance, for "did you mean".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_and_caret() {
        let src = Arc::new(Source {
            path: "d.toml".into(),
            text: "a = 1\nobjett = \"x\"\n".into(),
        });
        let d = Diagnostic::error("champ-inconnu", "champ inconnu « objett »")
            .at(&src, 6..12)
            .hint("vouliez-vous dire « objet » ?");
        assert_eq!(
            d.render(),
            "erreur[champ-inconnu] : champ inconnu « objett »\n --> d.toml:2:1\n  |\n2 | objett = \"x\"\n  | ^^^^^^\n  = aide : vouliez-vous dire « objet » ?\n"
        );
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(for_terminal("a\u{1b}]0;t\u{7}b\nc\td"), "a␛]0;t␇b\nc\td");
        assert_eq!(for_terminal("\0\u{7f}\u{9b}\u{202e}"), "␀␡��");
        assert!(matches!(
            for_terminal("plain é"),
            std::borrow::Cow::Borrowed(_)
        ));
        let src = Arc::new(Source {
            path: "x\u{1b}[2J.toml".into(),
            text: "objet = \"\u{1b}]0;titre\u{7}\"\n".into(),
        });
        let out = Diagnostic::error("champ-inconnu", "m \u{1b}")
            .at(&src, 8..20)
            .render();
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("x␛[2J.toml:1:9"), "{out}");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (quoted, before, carets) = quote_window(&line, 1000, 5000);
        assert_eq!(quoted.chars().count(), 1 + QUOTE_BEFORE + QUOTE_AFTER + 1);
        assert_eq!(quoted.chars().nth(before), Some('X'));
        assert_eq!(carets, QUOTE_AFTER + 1);
        let (quoted, before, carets) = quote_window("short", 2, 1);
        assert_eq!((quoted.as_str(), before, carets), ("short", 2, 1));
        // A line that fits is never cut, wherever the caret is.
        let line = "x".repeat(QUOTE_BEFORE + QUOTE_AFTER);
        assert_eq!(quote_window(&line, 100, 3), (line.clone(), 100, 3));
    }

    #[test]
    fn columns_count_characters() {
        let src = Source {
            path: "d.toml".into(),
            text: "é = \"œ\"".into(),
        };
        assert_eq!(src.line_col(5), (1, 5));
    }

    #[test]
    fn closest_suggests_near_names_only() {
        assert_eq!(closest("objett", ["objet", "numero"]), Some("objet"));
        assert_eq!(closest("zzzzzz", ["objet", "numero"]), None);
    }
}
