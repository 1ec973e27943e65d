//! The index of `delib serve`: every séance with its documents, then every
//! dossier, its status, its documents and its findings, made from the
//! documents the engine keeps in memory (`engine::memory`); with the links
//! to the forms (`crate::edit`) when they are on.
//!
//! Everything that comes from a dossier or a file name is escaped here.

use super::pages::{diagnostics, plural, ui_page};
use crate::diag::{Diagnostic, Severity};
use crate::edit::Target;
use crate::edit::fields::FileKind;
use crate::engine::memory::{Body, Entry, Memory, hash_of};
use crate::escape::html as esc;
use crate::url::{encode_path, encode_segment};
use std::fmt::Write as _;
use std::path::Path;

/// The index of the documents kept for `folder`, and its version (what its
/// reload script compares); the forms of `targets` offered when `editing`.
pub fn page(kept: &Memory, folder: &Path, targets: &[Target], editing: bool) -> (String, u64) {
    let folder_label = shown_folder(folder);
    let edit_of = |e: &Entry| {
        editing
            .then(|| targets.iter().find(|t| t.path == Path::new(&e.file)))
            .flatten()
    };
    let seance_entries: Vec<IndexEntry<'_>> = kept
        .seances
        .iter()
        .map(|e| {
            let mut i = entry_of(e);
            if let Some(t) = edit_of(e) {
                i.edit = Some(t.url());
                i.new_point = Some(format!("/_nouveau?seance={}", encode_path(&t.key)));
            }
            i
        })
        .collect();
    let index_entries: Vec<IndexEntry<'_>> = kept
        .entries
        .iter()
        .map(|e| {
            let mut i = entry_of(e);
            i.edit = edit_of(e).map(Target::url);
            i
        })
        .chain(kept.unclassified.iter().map(|(file, diagnostics)| {
            IndexEntry {
                file: file.clone(),
                title: Path::new(file)
                    .file_name()
                    .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
                status: "Non rendu",
                status_class: "statut-erreur",
                details: None,
                documents: Vec::new(),
                diagnostics,
                edit: None,
                new_point: None,
            }
        }))
        .collect();
    let settings: Vec<(String, String)> = if editing {
        targets
            .iter()
            .filter(|t| t.kind == FileKind::Projet)
            .map(|t| (t.key.clone(), t.url()))
            .collect()
    } else {
        Vec::new()
    };
    let note = kept.note.as_deref();
    // The version is that of the page without its script, which names it.
    let bare = index(
        &folder_label,
        &settings,
        &seance_entries,
        &index_entries,
        note,
        0,
    );
    let version = hash_of(&[bare.as_bytes()]);
    let html = index(
        &folder_label,
        &settings,
        &seance_entries,
        &index_entries,
        note,
        version,
    );
    (html, version)
}

/// A document on the index: its label and the links to its three formats.
struct DocLink {
    label: String,
    html: String,
    pdf: String,
    md: String,
    /// One of the conventions made per partner (folded when many).
    per_partner: bool,
    /// A PDF only (the séance's recueil): one link, no HTML or Markdown.
    pdf_only: bool,
}

/// Above this many conventions per partner, the index folds them.
const FOLD_PARTNERS: usize = 4;

/// What the index shows of one dossier.
struct IndexEntry<'a> {
    /// The dossier's file, as given to the command.
    file: String,
    /// The objet, or the file name when the dossier could not be read.
    title: String,
    /// "Projet", "Adoptée", "Exécutoire", "En erreur"…
    status: &'a str,
    /// The CSS class of the status.
    status_class: &'a str,
    /// "n° 2016-06-27/12 · séance du lundi 27 juin 2016".
    details: Option<String>,
    documents: Vec<DocLink>,
    diagnostics: &'a [Diagnostic],
    /// The form of its file, when the forms are on.
    edit: Option<String>,
    /// A séance's « Nouveau point » form.
    new_point: Option<String>,
}

/// The index: every séance with its documents, then every dossier, its
/// status, its documents and its findings.
fn index(
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

fn entry_of(e: &Entry) -> IndexEntry<'_> {
    match &e.body {
        Body::Rendered(r) => IndexEntry {
            file: e.shown.clone(),
            title: r.title.clone(),
            status: r.status.0,
            status_class: r.status.1,
            details: Some(r.details.clone()),
            documents: r
                .docs
                .iter()
                .map(|d| {
                    let base = format!("/{}/{}", encode_path(&e.id), encode_segment(&d.stem));
                    let per_partner = d.per_partner();
                    DocLink {
                        label: d.label.clone(),
                        html: format!("{base}.html"),
                        pdf: format!("{base}.pdf"),
                        md: format!("{base}.md"),
                        per_partner,
                        pdf_only: d.pdf_only(),
                    }
                })
                .collect(),
            diagnostics: &e.diagnostics,
            edit: None,
            new_point: None,
        },
        Body::Failed(_) => IndexEntry {
            file: e.shown.clone(),
            title: Path::new(&e.shown)
                .file_name()
                .map_or_else(|| e.file.clone(), |n| n.to_string_lossy().into_owned()),
            status: "En erreur",
            status_class: "statut-erreur",
            details: None,
            documents: Vec::new(),
            diagnostics: &e.diagnostics,
            edit: None,
            new_point: None,
        },
    }
}

/// The folder as the index names it: its full path, so that `delib serve`
/// run in the folder itself says where it is (« dans . » said nothing).
/// Windows' `\\?\` prefix of a full path is not shown.
fn shown_folder(folder: &Path) -> String {
    let full = folder
        .canonicalize()
        .or_else(|_| std::path::absolute(folder))
        .unwrap_or_else(|_| folder.to_path_buf());
    let s = full.display().to_string();
    match s.strip_prefix(r"\\?\") {
        Some(rest) => match rest.strip_prefix("UNC\\") {
            Some(share) => format!(r"\\{share}"),
            None => rest.to_owned(),
        },
        None => s,
    }
}

#[cfg(test)]
mod tests {
    /// `delib serve .` names the folder it serves, not « . ».
    #[test]
    fn the_index_names_the_folder_in_full() {
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            super::shown_folder(std::path::Path::new(".")),
            here.display().to_string()
        );
        let sub = super::shown_folder(std::path::Path::new("src/../src"));
        assert_eq!(sub, here.join("src").display().to_string());
        assert!(!sub.contains(".."));
    }
}
