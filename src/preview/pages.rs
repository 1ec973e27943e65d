//! The frame of the pages `delib serve` writes itself, in French, and the
//! pages other than the index: a dossier's findings shown in place of its
//! documents, "page introuvable", the plain error pages, a document as
//! served (its bar and reload script), the frame of the forms; and the
//! small script that reloads a page when its sources change.
//!
//! Everything that comes from a dossier or a file name is escaped here.

use crate::diag::{Diagnostic, Severity};
use crate::escape::html as esc;
use std::fmt::Write as _;

/// The reload script, served as `/_rechargement.js` (the pages' CSP allows
/// only scripts from the server, so no inline script is needed or allowed).
///
/// It listens on `/_evenements` for its own page and version; the server
/// answers `rechargement` as soon as that page differs, including when it
/// changed before the stream opened. A hidden tab closes its stream (browsers
/// allow six connections per host) and reopens it when shown again.
pub const RELOAD_JS: &str = r#"// delib serve : recharge la page dès que ses sources changent.
(function () {
  "use strict";
  var me = document.currentScript;
  var url = "/_evenements?page=" + encodeURIComponent(me.dataset.page) +
    "&version=" + encodeURIComponent(me.dataset.version);
  var source = null;
  function ouvrir() {
    if (source) { return; }
    source = new EventSource(url);
    source.addEventListener("rechargement", function () {
      source.close();
      location.reload();
    });
  }
  function fermer() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { fermer(); } else { ouvrir(); }
  });
  if (!document.hidden) { ouvrir(); }
})();
"#;

/// The style of the server's own pages (the documents keep theirs).
const UI_CSS: &str = include_str!("ui.css");

/// The style of the forms, added to the pages of `/_modifier`.
const FORM_CSS: &str = include_str!("form.css");

/// The script of the forms, served as `/_formulaire.js`: lists grow and
/// shrink in place, and the findings are checked again as the clerk types.
/// Without it, the same buttons post the form and the server does the same.
pub const FORM_JS: &str = include_str!("formulaire.js");

/// A page of the forms: no reload script (it would lose what is typed),
/// the forms' style and script.
pub fn edit_page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(UI_CSS.len() + FORM_CSS.len() + body.len() + 512);
    out.push_str("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    out.push_str("<style>");
    out.push_str(UI_CSS);
    out.push_str(FORM_CSS);
    out.push_str("</style>\n<script src=\"/_formulaire.js\" defer></script>\n</head>\n<body>\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// A page of the server's own, with the reload script when `reload` gives
/// the page's path and version.
pub(super) fn ui_page(title: &str, body: &str, reload: Option<(&str, u64)>) -> String {
    let mut out = String::with_capacity(UI_CSS.len() + body.len() + 512);
    out.push_str("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    out.push_str("<style>");
    out.push_str(UI_CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(body);
    if let Some((page, version)) = reload {
        out.push_str(&script_tag(page, version));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The tag that loads the reload script for one page at one version.
pub fn script_tag(page: &str, version: u64) -> String {
    format!(
        "<script src=\"/_rechargement.js\" data-page=\"{}\" data-version=\"{version:016x}\" defer></script>\n",
        esc(page)
    )
}

/// The bar added on top of a served document: back to the index, other
/// formats, « Modifier » when the forms are on. Hidden in print, so the
/// print view is the document alone.
fn document_bar(pdf: &str, md: &str, edit: Option<&str>) -> String {
    let edit = edit.map_or_else(String::new, |e| {
        format!(" <a href=\"{}\">Modifier le dossier</a>", esc(e))
    });
    format!(
        "<nav class=\"delib-apercu\" aria-label=\"Aperçu\"><a href=\"/\">← Tous les dossiers</a> \
<a href=\"{}\">PDF</a> <a href=\"{}\">Markdown</a>{edit}</nav>\n\
<style>nav.delib-apercu{{display:flex;gap:1.2em;max-width:55.25rem;margin:-1.4rem auto .6rem;padding:0 .2em;\
font:13px/1.4 \"Liberation Sans\",Arial,sans-serif}}nav.delib-apercu a{{color:#0b4f9c}}\
@media (max-width:40em){{nav.delib-apercu{{margin:0;padding:.6em 1.2em}}}}\
@media print{{nav.delib-apercu{{display:none}}}}</style>\n",
        esc(pdf),
        esc(md)
    )
}

/// A rendered HTML document as served: the navigation bar after `<body…>`
/// and the reload script before `</body>`. The bytes `delib render` writes
/// are the same document without these two additions.
pub fn served_document(
    html: &str,
    page: &str,
    version: u64,
    pdf: &str,
    md: &str,
    edit: Option<&str>,
) -> String {
    let bar = document_bar(pdf, md, edit);
    let script = script_tag(page, version);
    let mut out = String::with_capacity(html.len() + bar.len() + script.len());
    let body_open = html
        .find("<body")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1));
    let body_close = html.rfind("</body>");
    match (body_open, body_close) {
        (Some(open), Some(close)) if open <= close => {
            out.push_str(&html[..open]);
            out.push('\n');
            out.push_str(&bar);
            out.push_str(&html[open..close]);
            out.push_str(&script);
            out.push_str(&html[close..]);
        }
        _ => {
            out.push_str(html);
            out.push_str(&script);
        }
    }
    out
}

/// The page shown in place of a document whose dossier has an error.
pub fn dossier_error(file: &str, diags: &[Diagnostic], page: &str, version: u64) -> String {
    let mut b = String::new();
    b.push_str("<nav class=\"retour\"><a href=\"/\">← Tous les dossiers</a></nav>\n");
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let _ = write!(
        b,
        "<main class=\"erreur-dossier\">\n<h1>Le dossier <code>{}</code> contient {}</h1>\n\
<p>Le document ne peut pas être affiché tant que le dossier n’est pas corrigé. \
Enregistrez la correction\u{a0}: cette page se rechargera d’elle-même.</p>\n",
        esc(file),
        plural(errors.max(1), "erreur", "erreurs")
    );
    b.push_str(&diagnostics(diags));
    b.push_str("</main>\n");
    ui_page(&format!("Erreur – {file}"), &b, Some((page, version)))
}

/// "Page introuvable", with the reload script when `page` could become a
/// page (a dossier being renamed back, a document reappearing).
pub fn not_found(page: Option<(&str, u64)>) -> String {
    let body = "<main class=\"erreur-dossier\">\n<h1>Page introuvable</h1>\n\
<p>Cette adresse ne correspond à aucun document des dossiers servis.</p>\n\
<p><a href=\"/\">← Tous les dossiers</a></p>\n</main>\n";
    ui_page("Page introuvable", body, page)
}

/// A plain French error page (400, 405, 500…), without script.
pub fn plain_error(title: &str, message: &str) -> String {
    let body = format!(
        "<main class=\"erreur-dossier\">\n<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">← Tous les dossiers</a></p>\n</main>\n",
        esc(title),
        esc(message)
    );
    ui_page(title, &body, None)
}

/// `n` and the noun that goes with it: « 1 dossier », « 2 dossiers ».
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// Findings as a list: severity, code, message, file:line:col, the line
/// quoted with a caret under the fault, and the hint. Errors first.
pub fn diagnostics(diags: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    let mut b = String::from("<ul class=\"constats\">\n");
    for d in sorted {
        let (class, label) = match d.severity {
            Severity::Error => ("erreur", "Erreur"),
            Severity::Warning => ("avertissement", "Avertissement"),
            Severity::Note => ("note", "Note"),
        };
        let _ = write!(
            b,
            "<li class=\"constat {class}\">\n<p><span class=\"gravite\">{label}</span> \
<span class=\"code\">[{}]</span>\u{a0}: {}</p>\n",
            esc(d.code),
            esc(&d.message)
        );
        if let Some((path, line, col)) = d.location() {
            let place = if line > 0 {
                format!("{}:{line}:{col}", path.display())
            } else {
                path.display().to_string()
            };
            let _ = writeln!(
                b,
                "<p class=\"lieu\">Fichier <code>{}</code>{}</p>",
                esc(&place),
                if line > 0 {
                    format!(", ligne {line}, colonne {col}")
                } else {
                    String::new()
                }
            );
        }
        if let Some(quote) = quoted_line(d) {
            let _ = writeln!(b, "<pre>{}</pre>", esc(&quote));
        }
        if let Some(h) = &d.hint {
            let _ = writeln!(b, "<p class=\"aide\">Aide\u{a0}: {}</p>", esc(h));
        }
        b.push_str("</li>\n");
    }
    b.push_str("</ul>\n");
    b
}

/// The offending line with a caret line under the span, rustc-style.
fn quoted_line(d: &Diagnostic) -> Option<String> {
    let source = d.source.as_deref()?;
    let span = d.span.as_ref()?;
    let (line, col) = source.line_col(span.start);
    let text = source.text.lines().nth(line.checked_sub(1)?)?;
    let start = span.start.min(source.text.len());
    let end = span.end.clamp(start, source.text.len());
    let width = source
        .text
        .get(start..end)
        .and_then(|s| s.lines().next())
        .map_or(1, |s| s.chars().count().max(1));
    let num = line.to_string();
    // Very long lines (a whole exposé on one line) are cut around the fault.
    let chars: Vec<char> = text.chars().collect();
    let from = col.saturating_sub(1).saturating_sub(60);
    let to = (col - 1 + width + 60).min(chars.len());
    let shown: String = chars[from.min(to)..to].iter().collect();
    let lead = if from > 0 { "…" } else { "" };
    let pad = " ".repeat(col - 1 - from + lead.chars().count());
    Some(format!(
        "{num} | {lead}{shown}{}\n{} | {pad}{}",
        if to < chars.len() { "…" } else { "" },
        " ".repeat(num.len()),
        "^".repeat(width.min(to.saturating_sub(col - 1)).max(1))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use std::sync::Arc;

    fn diag(text: &str, span: std::ops::Range<usize>) -> Diagnostic {
        let src = Arc::new(Source {
            path: "d<x>.toml".into(),
            text: text.into(),
        });
        Diagnostic::error("syntaxe-toml", "valeur <invalide> & \"cassée\"")
            .at(&src, span)
            .hint("écrivez <b>ceci</b>")
    }

    #[test]
    fn findings_are_escaped_and_located() {
        let d = diag("a = 1\nobjet = <script>\n", 14..22);
        let html = diagnostics(&[d]);
        assert!(html.contains("valeur &lt;invalide&gt; &amp; &quot;cassée&quot;"));
        assert!(html.contains("<code>d&lt;x&gt;.toml:2:9</code>, ligne 2, colonne 9"));
        assert!(html.contains("2 | objet = &lt;script&gt;\n  |         ^^^^^^^^"));
        assert!(html.contains("Aide\u{a0}: écrivez &lt;b&gt;ceci&lt;/b&gt;"));
        assert!(!html.contains("<script") && !html.contains("<b>"));
    }

    #[test]
    fn long_lines_are_cut_around_the_fault() {
        let text = format!("x = \"{}FAUTE{}\"\n", "a".repeat(200), "b".repeat(200));
        let d = diag(&text, 205..210);
        let q = quoted_line(&d).unwrap();
        let lines: Vec<&str> = q.lines().collect();
        assert!(lines[0].starts_with("1 | …") && lines[0].ends_with('…'));
        let at = lines[0].chars().position(|c| c == 'F').unwrap();
        assert_eq!(lines[1].chars().position(|c| c == '^'), Some(at));
        assert!(lines[0].chars().count() < 140);
    }

    #[test]
    fn served_document_adds_bar_and_script_only() {
        let html = "<!DOCTYPE html>\n<html>\n<body class=\"brouillon\">\n<main>x</main>\n</body>\n</html>\n";
        let out = served_document(html, "/a/b.html", 0xab, "/a/b.pdf", "/a/b.md", None);
        assert!(out.starts_with("<!DOCTYPE html>\n<html>\n<body class=\"brouillon\">\n<nav"));
        assert!(out.contains(
            "<main>x</main>\n<script src=\"/_rechargement.js\" data-page=\"/a/b.html\" data-version=\"00000000000000ab\" defer></script>\n</body>"
        ));
        assert!(out.contains("@media print{nav.delib-apercu{display:none}}"));
    }

    #[test]
    fn error_pages_have_no_script_unless_asked() {
        assert!(!plain_error("Méthode non autorisée", "x").contains("<script"));
        assert!(!not_found(None).contains("<script"));
        assert!(not_found(Some(("/a/b.html", 1))).contains("data-page=\"/a/b.html\""));
    }
}
