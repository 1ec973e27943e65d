//! The pages `delib serve` writes itself, in French: the index, a dossier's
//! findings shown in place of its documents, "page introuvable", and the
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
const UI_CSS: &str = r#"
html { background: #f3f2ef; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 3rem; color: #1d1d1b;
  font: 16px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; }
header.apercu { margin-bottom: 1.5rem; }
header.apercu h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
header.apercu p { margin: 0; color: #555; }
a { color: #0b4f9c; }
code, pre { font-family: "Liberation Mono", Consolas, monospace; font-size: .88em; }
section.dossier { background: #fff; border: 1px solid #d9d7d1; border-left: 6px solid #8a8a8a;
  border-radius: 4px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
section.dossier.statut-adoptee, section.dossier.statut-prise-d-acte { border-left-color: #2f6fb7; }
section.dossier.statut-executoire { border-left-color: #2e7d32; }
section.dossier.statut-rejetee { border-left-color: #7a5a00; }
section.dossier.statut-erreur { border-left-color: #b3261e; }
section.seance { background: #f8f7fc; }
section.dossier h2 { margin: 0 0 .35rem; font-size: 1.15rem; line-height: 1.3; }
p.meta { margin: 0 0 .6rem; color: #444; font-size: .92rem; }
p.meta code { color: #666; white-space: nowrap; }
.statut { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; font-size: .8rem;
  font-weight: bold; letter-spacing: .03em; text-transform: uppercase; vertical-align: .1em;
  color: #fff; background: #6b6b6b; }
.statut-adoptee .statut, .statut-prise-d-acte .statut { background: #2f6fb7; }
.statut-executoire .statut { background: #2e7d32; }
.statut-rejetee .statut { background: #7a5a00; }
.statut-erreur .statut { background: #b3261e; }
ul.documents { list-style: none; margin: .25rem 0 .5rem; padding: 0; }
ul.documents li { margin: .2rem 0; }
ul.documents .formats { margin-left: .5rem; font-size: .85rem; }
ul.documents .formats a { margin-right: .4rem; color: #555; }
ul.constats { list-style: none; margin: .5rem 0 0; padding: 0; }
li.constat { margin: 0 0 .6rem; padding: .5rem .75rem; border-radius: 4px;
  background: #fff8e1; border: 1px solid #f0d98c; }
li.constat.erreur { background: #fdecea; border-color: #f1b0aa; }
li.constat p { margin: 0 0 .2rem; }
li.constat .gravite { font-weight: bold; }
li.constat.erreur .gravite { color: #b3261e; }
li.constat.avertissement .gravite { color: #7a5a00; }
li.constat .code { color: #555; }
li.constat pre { margin: .3rem 0; padding: .4rem .6rem; overflow-x: auto; background: #fff;
  border: 1px solid #e3e0d8; border-radius: 3px; line-height: 1.35; }
li.constat .aide { color: #333; }
details summary { cursor: pointer; color: #444; font-size: .92rem; }
details.partenaires ul.documents { margin: .2rem 0 .4rem 1.1rem; }
p.vide { padding: 1rem; background: #fff; border: 1px dashed #bbb; }
main.erreur-dossier { background: #fff; border: 1px solid #d9d7d1; border-top: 6px solid #b3261e;
  border-radius: 4px; padding: 1.25rem 1.5rem; }
main.erreur-dossier h1 { margin-top: 0; font-size: 1.35rem; }
nav.retour { margin-bottom: 1rem; font-size: .95rem; }
a.modifier { margin-left: .6rem; font-weight: bold; white-space: nowrap; }
.lecteur { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
section.reglages { margin: 0 0 1.25rem; }
section.reglages h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
section.reglages ul { margin: 0; padding-left: 1.2rem; }
"#;

/// The style of the forms, added to the pages of `/_modifier`.
const FORM_CSS: &str = r#"
form.edition { background: #fff; border: 1px solid #d9d7d1; border-radius: 4px; padding: .75rem 1.25rem 1rem; }
details.section { border-top: 1px solid #e3e0d8; padding: .35rem 0; }
details.section > summary { padding: .25rem 0; }
details.section > summary h2 { display: inline; font-size: 1.15rem; margin: 0; }
.champ { margin: .7rem 0; }
.champ label, fieldset legend { display: block; font-weight: bold; margin-bottom: .15rem; }
.champ.case label { display: inline; }
.obligatoire { font-weight: normal; color: #5c2d00; }
p.aide { margin: 0 0 .25rem; color: #4a4a48; font-size: .9rem; }
input[type=text], input[type=date], input[type=number], select, textarea {
  font: inherit; padding: .3rem .4rem; border: 1px solid #6b6b6b; border-radius: 3px; background: #fff;
  color: #1d1d1b; max-width: 100%; box-sizing: border-box; }
input[type=text], textarea { width: 100%; }
input.nombre { width: 8rem; }
textarea { font-family: "Liberation Mono", Consolas, monospace; font-size: .92rem; line-height: 1.4; }
input:focus, select:focus, textarea:focus, button:focus, a:focus, summary:focus {
  outline: 3px solid #0b4f9c; outline-offset: 2px; }
[aria-invalid=true] { border-color: #b3261e; border-width: 2px; }
fieldset { border: 1px solid #d9d7d1; border-radius: 4px; margin: .8rem 0; padding: .4rem .9rem .6rem; }
fieldset.liste ol.elements { margin: .3rem 0; padding-left: 0; list-style: none; }
li.element { margin: .35rem 0; display: flex; flex-wrap: wrap; gap: .4rem; align-items: flex-start; }
li.element > label { flex: 0 0 3.2rem; padding-top: .35rem; color: #4a4a48; }
li.element > input, li.element > textarea, li.element > select { flex: 1 1 20rem; }
li.element > fieldset { flex: 1 1 100%; margin: .2rem 0; }
li.element > ul.constats-champ { flex: 1 1 100%; }
.cote-a-cote { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
.cote-a-cote > .champ { flex: 0 0 auto; }
.cote-a-cote > fieldset { flex: 1 1 22rem; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid #0b4f9c; border-radius: 3px;
  background: #fff; color: #0b4f9c; cursor: pointer; }
button.principal { background: #0b4f9c; color: #fff; font-weight: bold; }
button.retirer { border-color: #8a1c14; color: #8a1c14; padding: .2rem .6rem; }
div.actions { display: flex; gap: .8rem; flex-wrap: wrap; padding: .6rem 0; }
ul.constats-champ { list-style: none; margin: .25rem 0 0; padding: 0; }
ul.constats-champ li { padding: .3rem .5rem; border-radius: 3px; background: #fff8e1;
  border: 1px solid #f0d98c; margin: .15rem 0; }
ul.constats-champ li.erreur { background: #fdecea; border-color: #f1b0aa; }
.gravite { font-weight: bold; }
li.erreur .gravite { color: #b3261e; }
li.avertissement .gravite { color: #6b4e00; }
.code { color: #4a4a48; }
section.resume-constats { background: #fff; border: 2px solid #b58900; border-radius: 4px;
  padding: .5rem 1rem; margin: 0 0 1rem; }
section.resume-constats.avec-erreurs { border-color: #b3261e; }
section.resume-constats h2 { font-size: 1.05rem; margin: .2rem 0; }
section.resume-constats li { margin: .25rem 0; }
.champ-vise { font-weight: bold; }
.annonce { padding: .6rem .9rem; border-radius: 4px; background: #fff8e1; border: 1px solid #f0d98c; }
.annonce.fait { background: #e8f3e9; border-color: #9cc7a0; }
.annonce.refus { background: #fdecea; border: 2px solid #b3261e; }
table.differences { border-collapse: collapse; margin: .5rem 0; background: #fff; }
table.differences caption { text-align: left; font-weight: bold; }
table.differences th, table.differences td { border: 1px solid #d9d7d1; padding: .25rem .5rem;
  text-align: left; vertical-align: top; }
form.annulation { margin-top: 1rem; }
"#;

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
fn ui_page(title: &str, body: &str, reload: Option<(&str, u64)>) -> String {
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

/// A document on the index: its label and the links to its three formats.
pub struct DocLink {
    pub label: String,
    pub html: String,
    pub pdf: String,
    pub md: String,
    /// One of the conventions made per partner (folded when many).
    pub per_partner: bool,
    /// A PDF only (the séance's recueil): one link, no HTML or Markdown.
    pub pdf_only: bool,
}

/// Above this many conventions per partner, the index folds them.
const FOLD_PARTNERS: usize = 4;

/// What the index shows of one dossier.
pub struct IndexEntry<'a> {
    /// The dossier's file, as given to the command.
    pub file: String,
    /// The objet, or the file name when the dossier could not be read.
    pub title: String,
    /// "Projet", "Adoptée", "Exécutoire", "En erreur"…
    pub status: &'a str,
    /// The CSS class of the status.
    pub status_class: &'a str,
    /// "n° 2016-06-27/12 · séance du lundi 27 juin 2016".
    pub details: Option<String>,
    pub documents: Vec<DocLink>,
    pub diagnostics: &'a [Diagnostic],
    /// The form of its file, when the forms are on.
    pub edit: Option<String>,
    /// A séance's « Nouveau point » form.
    pub new_point: Option<String>,
}

/// The index: every séance with its documents, then every dossier, its
/// status, its documents and its findings.
pub fn index(
    folder: &str,
    settings: &[(String, String)],
    seances: &[IndexEntry<'_>],
    entries: &[IndexEntry<'_>],
    note: Option<&str>,
    version: u64,
) -> String {
    let mut b = String::new();
    let n = entries.len();
    let s = match seances.len() {
        0 => String::new(),
        k => format!(" et {k} séance{}", if k > 1 { "s" } else { "" }),
    };
    let _ = write!(
        b,
        "<header class=\"apercu\"><h1>Aperçu des actes</h1>\n<p>{n} dossier{}{s} dans <code>{}</code> · \
la page se met à jour à chaque enregistrement.</p></header>\n<main>\n",
        if n > 1 { "s" } else { "" },
        esc(folder)
    );
    if let Some(note) = note {
        let _ = writeln!(b, "<p class=\"vide\">{}</p>", esc(note));
    }
    if !settings.is_empty() {
        b.push_str("<section class=\"reglages\">\n<h2>Réglages communs</h2>\n<ul>\n");
        for (file, url) in settings {
            let _ = writeln!(
                b,
                "<li><code>{}</code> (collectivité, rendu) <a href=\"{}\" class=\"modifier\">Modifier<span class=\"lecteur\"> {}</span></a></li>",
                esc(file),
                esc(url),
                esc(file)
            );
        }
        b.push_str("</ul>\n</section>\n");
    }
    for e in seances {
        section(&mut b, e, "seance");
    }
    for e in entries {
        section(&mut b, e, "dossier");
    }
    b.push_str("</main>\n");
    ui_page("Aperçu des actes", &b, Some(("/", version)))
}

/// One séance or dossier of the index.
fn section(b: &mut String, e: &IndexEntry<'_>, class: &str) {
    let _ = write!(
        b,
        "<section class=\"dossier {class} {}\">\n<h2>",
        esc(e.status_class)
    );
    match e.documents.first() {
        Some(d) => {
            let _ = write!(b, "<a href=\"{}\">{}</a>", esc(&d.html), esc(&e.title));
        }
        None => b.push_str(&esc(&e.title)),
    }
    let _ = write!(
        b,
        "</h2>\n<p class=\"meta\"><span class=\"statut\">{}</span> ",
        esc(e.status)
    );
    if let Some(d) = &e.details {
        let _ = write!(b, "{} · ", esc(d));
    }
    let _ = write!(b, "<code>{}</code>", esc(&e.file));
    if let Some(url) = &e.edit {
        let _ = write!(
            b,
            " <a href=\"{}\" class=\"modifier\">Modifier<span class=\"lecteur\"> {}</span></a>",
            esc(url),
            esc(&e.title)
        );
    }
    if let Some(url) = &e.new_point {
        let _ = write!(
            b,
            " <a href=\"{}\" class=\"modifier\">Nouveau point<span class=\"lecteur\"> pour {}</span></a>",
            esc(url),
            esc(&e.title)
        );
    }
    b.push_str("</p>\n");
    let partners = e.documents.iter().filter(|d| d.per_partner).count();
    let fold = partners > FOLD_PARTNERS;
    let mut folded = false;
    if !e.documents.is_empty() {
        b.push_str("<ul class=\"documents\">\n");
    }
    for d in &e.documents {
        if fold && d.per_partner && !folded {
            folded = true;
            let _ = writeln!(
                b,
                "<li><details class=\"partenaires\"><summary>{partners} conventions, \
une par partenaire</summary>\n<ul class=\"documents\">"
            );
        } else if folded && !d.per_partner {
            folded = false;
            b.push_str("</ul></details></li>\n");
        }
        if d.pdf_only {
            let _ = writeln!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"formats\">PDF</span></li>",
                esc(&d.pdf),
                esc(&d.label)
            );
            continue;
        }
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{}</a> <span class=\"formats\"><a href=\"{}\">PDF</a> \
<a href=\"{}\">Markdown</a></span></li>",
            esc(&d.html),
            esc(&d.label),
            esc(&d.pdf),
            esc(&d.md)
        );
    }
    if folded {
        b.push_str("</ul></details></li>\n");
    }
    if !e.documents.is_empty() {
        b.push_str("</ul>\n");
    }
    let errors = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if errors > 0 {
        let what = if e.documents.is_empty() {
            "aucun document n’est produit tant que le dossier n’est pas corrigé"
        } else {
            "à corriger (les lignes de partenaires en erreur sont laissées de côté)"
        };
        let _ = writeln!(
            b,
            "<p><strong>{}</strong>\u{a0}: {what}.</p>",
            plural(errors, "erreur", "erreurs"),
        );
        b.push_str(&diagnostics(e.diagnostics));
    } else if !e.diagnostics.is_empty() {
        let summary = if warnings > 0 {
            plural(warnings, "avertissement", "avertissements")
        } else {
            plural(e.diagnostics.len(), "note", "notes")
        };
        let _ = write!(
            b,
            "<details><summary>{summary}</summary>\n{}</details>\n",
            diagnostics(e.diagnostics)
        );
    }
    b.push_str("</section>\n");
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

fn plural(n: usize, one: &str, many: &str) -> String {
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
