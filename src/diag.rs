//! Findings about the input: values, collected, shown together rustc-style.

use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How serious a finding is: errors stop rendering, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
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

    /// The finding as a terminal block, rustc-style, with the offending line quoted.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        };
        let _ = writeln!(out, "{label}[{}] : {}", self.code, self.message);
        if let Some(source) = self.source.as_deref() {
            match &self.span {
                Some(span) => {
                    let (line, col) = source.line_col(span.start);
                    let width = line.to_string().len();
                    let pad = " ".repeat(width);
                    let _ = writeln!(out, "{pad}--> {}:{line}:{col}", source.path.display());
                    let text = source.text.lines().nth(line - 1).unwrap_or("");
                    let end = floor_char_boundary(&source.text, span.end.min(source.text.len()));
                    let start = floor_char_boundary(&source.text, span.start.min(end));
                    let underlined = source.text[start..end].lines().next().unwrap_or("");
                    let carets = underlined.chars().count().max(1);
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{line} | {text}");
                    let _ = writeln!(
                        out,
                        "{pad} | {}{}",
                        " ".repeat(col.saturating_sub(1)),
                        "^".repeat(carets)
                    );
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

/// True when any finding is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
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
