//! Editing a project's files from the browser (`delib serve`): a form
//! generated from the input's JSON Schema for a dossier, a séance file or
//! `delib.toml`; the findings of `delib check` beside the fields they
//! concern; a save that rewrites only the keys that changed
//! (`toml_file::update`), refused when the dossier would become unreadable
//! or when the file changed since the form was opened; the last change
//! undone from the page.
//!
//! No HTTP here: the server parses a request into (name, value) pairs and
//! asks [`Editor`]; what comes back is HTML to put in a page, or where to go.

pub mod fields;
pub mod form;
pub mod targets;

use crate::diag::{Diagnostic, Severity};
use crate::escape::html as esc;
use crate::url::encode_path;
use fields::{Field, FileKind};
use form::{Node, PathPart, Renderer, Shown};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many versions opened in a form are remembered, to show what changed
/// on disk when a save is refused.
const BASES: usize = 32;

/// The editing side of one `delib serve`.
pub struct Editor {
    /// The folder served.
    folder: PathBuf,
    /// The per-process secret every form carries.
    token: String,
    /// Texts opened in a form, by version (newest last).
    bases: Mutex<Vec<(String, Arc<str>)>>,
}

/// A file a form edits.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its path relative to the folder served, `/`-separated: the form's address.
    pub key: String,
    pub path: PathBuf,
    pub kind: FileKind,
    /// The folder it must stay in.
    pub root: PathBuf,
    /// A document of the dossier to look at (its preview), if any.
    pub preview: Option<String>,
    /// A séance file: its points (the dossiers that name it).
    pub points: Vec<Point>,
}

/// A dossier of a séance.
#[derive(Debug, Clone)]
pub struct Point {
    pub path: PathBuf,
    /// How it names its séance file (`seances/2016-06-27.toml`).
    pub seance: String,
    pub numero: Option<String>,
}

/// What the server answers.
pub enum Answer {
    /// A page: its title, its body, and whether it reports a refusal.
    Page {
        title: String,
        body: String,
        refused: bool,
    },
    /// Go to this address (after a save: the form again, from the file).
    Redirect(String),
    /// The findings, as JSON, for the page's script.
    Json(String),
}

impl Editor {
    /// An editor for `folder`, with a fresh secret.
    pub fn new(folder: &Path) -> std::io::Result<Editor> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Editor {
            folder: folder.to_path_buf(),
            token,
            bases: Mutex::new(Vec::new()),
        })
    }

    /// True when `given` is this process's secret (compared in constant time).
    pub fn token_ok(&self, given: &str) -> bool {
        let (a, b) = (self.token.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    /// The file a form's address names: one of `known` (the files the
    /// served dossiers read), else a `.toml` file under the folder served,
    /// named by a plain relative path. Nothing else, whatever the address.
    pub fn target(&self, key: &str, known: &[Target]) -> Option<Target> {
        if let Some(t) = known.iter().find(|t| t.key == key) {
            return Some(t.clone());
        }
        let parts: Vec<&str> = key.split('/').collect();
        let plain = parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && !p.contains(['\\', ':', '\0'])
                && !p.chars().any(char::is_control)
        });
        if !plain || !key.ends_with(".toml") {
            return None;
        }
        let base = if self.folder.is_dir() {
            self.folder.clone()
        } else {
            crate::disk::parent_dir(&self.folder).to_path_buf()
        };
        let path = parts.iter().fold(base.clone(), |p, part| p.join(part));
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file()
            || !path
                .canonicalize()
                .ok()?
                .starts_with(base.canonicalize().ok()?)
        {
            return None;
        }
        let text = crate::disk::read_regular(&path, crate::disk::MAX_TEXT).ok()?;
        let kind = if path
            .file_name()
            .is_some_and(|n| n == crate::load::PROJECT_FILE)
        {
            FileKind::Projet
        } else {
            let text = String::from_utf8(text).ok()?;
            let table: toml::Table = toml::from_str(text.trim_start_matches('\u{feff}')).ok()?;
            if table.contains_key("deliberation") {
                FileKind::Dossier
            } else if table.contains_key("date") {
                FileKind::Seance
            } else {
                return None;
            }
        };
        Some(Target {
            key: key.to_owned(),
            path,
            kind,
            root: base,
            preview: None,
            points: Vec::new(),
        })
    }

    fn remember(&self, version: &str, text: &str) {
        let mut bases = self
            .bases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bases.retain(|(v, _)| v != version);
        bases.push((version.to_owned(), Arc::from(text)));
        if bases.len() > BASES {
            bases.remove(0);
        }
    }

    fn base(&self, version: &str) -> Option<Arc<str>> {
        let bases = self
            .bases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bases
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, t)| t.clone())
    }

    /// The form of `t`, from the file as it is now; `saved` after a save.
    pub fn open(&self, t: &Target, note: Option<&str>) -> Answer {
        let text = match crate::toml_file::read_project_file(&t.path, &t.root) {
            Ok(text) => text,
            Err(e) => return self.unreadable_file(t, &e.0),
        };
        let table: toml::Table = match toml::from_str(text.trim_start_matches('\u{feff}')) {
            Ok(table) => table,
            Err(_) => {
                return self.unreadable_file(
                    t,
                    "le fichier n'est pas du TOML valide : corrigez-le d'abord (l'aperçu montre l'erreur)",
                );
            }
        };
        let version = crate::toml_file::version(&text);
        self.remember(&version, &text);
        let fields = t.kind.fields();
        let node = form::from_toml(&fields, &table);
        let checked = self.check(t, &fields, &node, &text);
        let notice = note.map(|n| Notice::Done(n.to_owned()));
        self.page(t, &fields, &node, &version, &checked, notice, None)
    }

    /// A form posted: `_action` says what to do (`enregistrer`, `verifier`,
    /// `ajouter:NAME`, `retirer:NAME`, `annuler`); `_version` the version of
    /// the file the form was opened on.
    pub fn submit(&self, t: &Target, pairs: &[(String, String)], json: bool) -> Answer {
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map_or("", |(_, v)| v.as_str())
        };
        let action = get("_action");
        let version = get("_version").to_owned();
        if action == "annuler" {
            return self.undo(t, &version);
        }
        let fields = t.kind.fields();
        let mut node = form::Posted::new(pairs).table(&fields, "");
        let mut focus = None;
        if let Some(list) = action.strip_prefix("ajouter:") {
            focus = form::add(&fields, &mut node, list);
        } else if let Some(item) = action.strip_prefix("retirer:") {
            form::remove(&fields, &mut node, item);
        }
        let base = match crate::toml_file::read_project_file(&t.path, &t.root) {
            Ok(now) if crate::toml_file::version(&now) == version => now,
            Ok(now) => return self.conflict(t, &fields, &node, &version, &now, json),
            Err(e) => return self.unreadable_file(t, &e.0),
        };
        let want = form::to_want(&fields, &node);
        let new = match crate::toml_file::update(&base, &want) {
            Ok(new) => new,
            Err(e) => return self.unreadable_file(t, &e.0),
        };
        let checked = self.check(t, &fields, &node, &new);
        if json {
            return Answer::Json(checked.to_json());
        }
        if action != "enregistrer" {
            let notice = (action == "verifier").then(|| Notice::Checked(checked.errors()));
            return self.page(
                t,
                &fields,
                &node,
                &version,
                &checked,
                notice,
                focus.as_deref(),
            );
        }
        if !checked.unreadable.is_empty() {
            let notice = Notice::Refused(
                "Rien n'a été enregistré : avec ces valeurs, le dossier ne pourrait plus être lu. \
                 Corrigez les erreurs signalées ci-dessous."
                    .into(),
            );
            return self.page(t, &fields, &node, &version, &checked, Some(notice), None);
        }
        match crate::toml_file::replace_checked(&t.path, &t.root, &version, &new) {
            Ok(()) => Answer::Redirect(format!("{}&enregistre=1", t.url())),
            Err(crate::toml_file::Refused::Changed(now)) => {
                self.conflict(t, &fields, &node, &version, &now, false)
            }
            Err(crate::toml_file::Refused::Error(e)) => {
                let notice = Notice::Refused(format!("Rien n'a été enregistré : {}", e.0));
                self.page(t, &fields, &node, &version, &checked, Some(notice), None)
            }
        }
    }

    /// Puts back the version the last save replaced, when the file is still
    /// the one that save wrote.
    fn undo(&self, t: &Target, version: &str) -> Answer {
        let previous = crate::toml_file::previous_path(&t.path);
        let old = match crate::toml_file::read_project_file(&previous, &t.root) {
            Ok(old) => old,
            Err(_) => {
                return self.open(t, Some("Il n'y a pas de modification à annuler."));
            }
        };
        match crate::toml_file::replace_checked(&t.path, &t.root, version, &old) {
            Ok(()) => Answer::Redirect(format!("{}&annule=1", t.url())),
            Err(crate::toml_file::Refused::Changed(_)) => self.open(
                t,
                Some(
                    "La modification n'a pas été annulée : le fichier a changé depuis l'affichage de cette page. \
                     Le formulaire montre le fichier tel qu'il est maintenant.",
                ),
            ),
            Err(crate::toml_file::Refused::Error(e)) => self.unreadable_file(t, &e.0),
        }
    }

    /// The file changed on disk since the form was opened: nothing is
    /// written; the page keeps what the clerk typed and says what differs.
    fn conflict(
        &self,
        t: &Target,
        fields: &[Field],
        node: &Node,
        version: &str,
        now: &str,
        json: bool,
    ) -> Answer {
        let mut b = String::from(
            "<strong>Rien n'a été enregistré : le fichier a été modifié ailleurs depuis l'ouverture de ce formulaire</strong> \
             (dans un éditeur de texte, un autre onglet ou par une autre personne). Vos saisies sont conservées ci-dessous.",
        );
        let (theirs, before_label) = match self.base(version) {
            Some(base) => (
                differences(fields, &base, now),
                "À l'ouverture du formulaire",
            ),
            None => {
                let mine = crate::toml_file::update(now, &form::to_want(fields, node))
                    .unwrap_or_else(|_| now.to_owned());
                (differences(fields, now, &mine), "Maintenant sur le disque")
            }
        };
        if !theirs.is_empty() {
            let _ = write!(
                b,
                "<table class=\"differences\"><caption>Ce qui diffère</caption>\n<thead><tr><th scope=\"col\">Champ</th>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                before_label,
                if before_label.starts_with("Maintenant") {
                    "Dans ce formulaire"
                } else {
                    "Maintenant sur le disque"
                }
            );
            for (label, a, c) in &theirs {
                let _ = writeln!(
                    b,
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                    esc(label),
                    shown_value(a),
                    shown_value(c)
                );
            }
            b.push_str("</tbody></table>\n");
        }
        let _ = write!(
            b,
            "<p><a href=\"{}\">Recharger le formulaire depuis le fichier</a> \
             (il montrera la version enregistrée ; recopiez-y ce que vous voulez garder de vos saisies).</p>",
            esc(&t.url())
        );
        if json {
            return Answer::Json(
                serde_json::json!({ "conflit": true, "message": "le fichier a changé sur le disque" })
                    .to_string(),
            );
        }
        let checked = Checked::default();
        self.page(
            t,
            fields,
            node,
            version,
            &checked,
            Some(Notice::Conflict(b)),
            None,
        )
    }

    fn unreadable_file(&self, t: &Target, why: &str) -> Answer {
        let body = format!(
            "<nav class=\"retour\"><a href=\"/\">← Tous les dossiers</a></nav>\n<main class=\"erreur-dossier\">\n\
<h1>Impossible de modifier <code>{}</code></h1>\n<p>{}</p>\n</main>\n",
            esc(&t.key),
            esc(why)
        );
        Answer::Page {
            title: format!("Modifier – {}", t.key),
            body,
            refused: true,
        }
    }

    /// Runs the checks of `delib check` on the project with `text` read in
    /// place of the file: the findings by field, and those elsewhere.
    fn check(&self, t: &Target, fields: &[Field], node: &Node, text: &str) -> Checked {
        let shared = crate::load::Shared::with_overlay(&[(t.path.clone(), text.to_owned())]);
        let mut project =
            match crate::engine::Project::load_with(std::slice::from_ref(&self.folder), shared) {
                Ok(p) => p,
                Err(_) => return Checked::default(),
            };
        project.check_complete();
        let real = t.path.canonicalize().ok();
        let same = |p: &Path| p.canonicalize().ok() == real;
        let mut out = Checked::default();
        let reads = |u: &crate::engine::Unit| {
            same(&u.path)
                || u.loaded.as_ref().is_some_and(|l| {
                    l.seance.as_ref().is_some_and(|(_, s)| same(&s.path))
                        || l.projet.as_ref().is_some_and(|(_, s)| same(&s.path))
                })
                || u.diagnostics
                    .iter()
                    .any(|d| d.source.as_ref().is_some_and(|s| same(&s.path)))
        };
        let units: Vec<&crate::engine::Unit> = project.units.iter().filter(|u| reads(u)).collect();
        let all = crate::diag::unique(
            project
                .findings
                .iter()
                .filter(|d| d.source.as_ref().is_some_and(|s| same(&s.path)))
                .chain(units.iter().flat_map(|u| u.diagnostics.iter())),
        );
        for u in &units {
            if u.loaded.is_none() {
                out.unreadable.push(u.path.display().to_string());
            }
        }
        let mut spans: Option<(Arc<crate::diag::Source>, Spans)> = None;
        for d in all {
            let here = d.source.as_ref().filter(|s| same(&s.path));
            let name = here.and_then(|src| {
                if spans.as_ref().is_none_or(|(s, _)| !Arc::ptr_eq(s, src)) {
                    spans = Some((src.clone(), toml_spans(&src.text)));
                }
                let (_, list) = spans.as_ref()?;
                let span = d.span.as_ref()?;
                let mut path = innermost(list, span.start)?;
                if d.code == "champ-manquant"
                    && let Some(key) = between(&d.message, '«', '»')
                {
                    path.push(PathPart::Key(key.trim().to_owned()));
                }
                form::name_of_path(fields, node, &path)
            });
            let label = name.as_deref().map(|n| label_path(fields, n));
            out.add(d, name, label, here.is_some());
        }
        out
    }

    /// The whole page of a form.
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        t: &Target,
        fields: &[Field],
        node: &Node,
        version: &str,
        checked: &Checked,
        notice: Option<Notice>,
        focus: Option<&str>,
    ) -> Answer {
        let mut b = String::new();
        let _ = write!(
            b,
            "<nav class=\"retour\"><a href=\"/\">← Tous les dossiers</a>"
        );
        if let Some(p) = &t.preview {
            let _ = write!(b, " · <a href=\"{}\">Voir le document</a>", esc(p));
        }
        b.push_str("</nav>\n<main>\n");
        let what = match t.kind {
            FileKind::Dossier => "le dossier",
            FileKind::Seance => "la séance",
            FileKind::Projet => "les réglages communs",
        };
        let _ = write!(
            b,
            "<header class=\"apercu\"><h1>Modifier {what}</h1>\n<p>Fichier <code>{}</code> · \
les champs laissés vides ne sont pas écrits ; l'enregistrement ne réécrit que ce qui a changé \
et garde les commentaires du fichier.</p></header>\n",
            esc(&t.key)
        );
        let refused = matches!(notice, Some(Notice::Refused(_) | Notice::Conflict(_)));
        match &notice {
            Some(Notice::Done(m)) => {
                let _ = writeln!(
                    b,
                    "<p class=\"annonce fait\" role=\"status\">{}</p>",
                    esc(m)
                );
            }
            Some(Notice::Checked(0)) => {
                b.push_str("<p class=\"annonce fait\" role=\"status\">Vérifié : aucune erreur. Rien n'est encore enregistré.</p>\n");
            }
            Some(Notice::Checked(n)) => {
                let _ = writeln!(
                    b,
                    "<p class=\"annonce\" role=\"status\">Vérifié : {n} erreur{} à corriger. Rien n'est encore enregistré.</p>",
                    if *n > 1 { "s" } else { "" }
                );
            }
            Some(Notice::Refused(m)) => {
                let _ = writeln!(
                    b,
                    "<div class=\"annonce refus\" role=\"alert\"><p>{}</p></div>",
                    esc(m)
                );
            }
            Some(Notice::Conflict(html)) => {
                let _ = writeln!(
                    b,
                    "<div class=\"annonce refus\" role=\"alert\">{html}</div>"
                );
            }
            None => {}
        }
        b.push_str(&checked.summary());
        let action = t.url();
        let _ = write!(
            b,
            "<p id=\"etat-verification\" class=\"lecteur\" role=\"status\"></p>\n\
<form method=\"post\" action=\"{}\" class=\"edition\" data-verifier novalidate>\n\
<input type=\"hidden\" name=\"_jeton\" value=\"{}\">\n<input type=\"hidden\" name=\"_version\" value=\"{}\">\n",
            esc(&action),
            esc(&self.token),
            esc(version)
        );
        b.push_str(ACTIONS);
        let mut r = Renderer {
            findings: &checked.by_field,
            focus,
            out: String::new(),
        };
        r.root(fields, node);
        b.push_str(&r.out);
        b.push_str(ACTIONS);
        b.push_str("</form>\n");
        if crate::toml_file::previous_path(&t.path).is_file() && !refused {
            let _ = write!(
                b,
                "<form method=\"post\" action=\"{}\" class=\"annulation\">\n\
<input type=\"hidden\" name=\"_jeton\" value=\"{}\">\n<input type=\"hidden\" name=\"_version\" value=\"{}\">\n\
<p><button type=\"submit\" name=\"_action\" value=\"annuler\">Annuler la dernière modification</button> \
remet le fichier tel qu'il était avant le dernier enregistrement (la version précédente est gardée dans <code>{}</code>).</p>\n</form>\n",
                esc(&action),
                esc(&self.token),
                esc(version),
                esc(&crate::toml_file::previous_path(Path::new(&t.key))
                    .display()
                    .to_string())
            );
        }
        b.push_str("</main>\n");
        Answer::Page {
            title: format!("Modifier – {}", t.key),
            body: b,
            refused,
        }
    }
}

impl Editor {
    /// The form of « Nouveau point »: a new dossier for the séance `t`.
    pub fn new_point_form(&self, t: &Target, error: Option<(&str, &[(String, String)])>) -> Answer {
        let value = |k: &str| {
            error
                .and_then(|(_, p)| p.iter().rev().find(|(n, _)| n == k))
                .map(|(_, v)| v.clone())
        };
        let numero = value("numero").unwrap_or_else(|| next_number(&t.points));
        let objet = value("objet").unwrap_or_default();
        let fichier = value("fichier").unwrap_or_default();
        let mut b = String::from(
            "<nav class=\"retour\"><a href=\"/\">← Tous les dossiers</a></nav>\n<main>\n",
        );
        let _ = write!(
            b,
            "<header class=\"apercu\"><h1>Nouveau point de la séance</h1>\n<p>Séance <code>{}</code> · \
un dossier est créé pour ce point ; vous le compléterez ensuite (exposé, visas, articles, vote).</p></header>\n",
            esc(&t.key)
        );
        if let Some((m, _)) = error {
            let _ = writeln!(
                b,
                "<div class=\"annonce refus\" role=\"alert\"><p>{}</p></div>",
                esc(m)
            );
        }
        let invalid = |field: &str| {
            if error.is_some_and(|(m, _)| m.contains(field)) {
                " aria-invalid=\"true\" aria-describedby=\"erreur-nouveau\""
            } else {
                ""
            }
        };
        let _ = write!(
            b,
            "<form method=\"post\" action=\"/_nouveau?seance={}\" class=\"edition\" novalidate>\n\
<input type=\"hidden\" name=\"_jeton\" value=\"{}\">\n\
<div class=\"champ\">\n<label for=\"c-objet\">Objet de la délibération <span class=\"obligatoire\">(obligatoire)</span></label>\n\
<p class=\"aide\" id=\"aide-objet\">Ce que décide l'acte, en une phrase.</p>\n\
<input type=\"text\" id=\"c-objet\" name=\"objet\" value=\"{}\" required aria-describedby=\"aide-objet\"{}>\n</div>\n\
<div class=\"champ\">\n<label for=\"c-numero\">Numéro de l'acte</label>\n\
<p class=\"aide\" id=\"aide-numero\">Imprimé tel quel ; proposé d'après les autres points de la séance.</p>\n\
<input type=\"text\" id=\"c-numero\" name=\"numero\" value=\"{}\" aria-describedby=\"aide-numero\">\n</div>\n\
<div class=\"champ\">\n<label for=\"c-fichier\">Nom du fichier du dossier</label>\n\
<p class=\"aide\" id=\"aide-fichier\">Sans espace ni accent, par exemple subvention-ecole ; laissé vide, il est tiré de l'objet.</p>\n\
<input type=\"text\" id=\"c-fichier\" name=\"fichier\" value=\"{}\" aria-describedby=\"aide-fichier\"{}>\n</div>\n\
<div class=\"actions\"><button type=\"submit\" class=\"principal\">Créer le dossier</button></div>\n</form>\n</main>\n",
            esc(&encode_path(&t.key)),
            esc(&self.token),
            esc(&objet),
            invalid("objet"),
            esc(&numero),
            esc(&fichier),
            invalid("fichier"),
        );
        Answer::Page {
            title: "Nouveau point".into(),
            body: b,
            refused: error.is_some(),
        }
    }

    /// Creates the dossier of a new point of the séance `t` (never over an
    /// existing file) and goes to its form.
    pub fn create_point(&self, t: &Target, pairs: &[(String, String)]) -> Answer {
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map_or("", |(_, v)| v.trim())
        };
        let (objet, numero, fichier) = (get("objet"), get("numero"), get("fichier"));
        if objet.is_empty() {
            return self.new_point_form(t, Some(("Indiquez l'objet de la délibération.", pairs)));
        }
        let Some(first) = t.points.first() else {
            return self.new_point_form(t, Some(("Cette séance n'a encore aucun dossier.", pairs)));
        };
        let name = slug(if fichier.is_empty() { objet } else { fichier });
        if name.is_empty() {
            return self.new_point_form(
                t,
                Some((
                    "Le nom du fichier doit contenir des lettres ou des chiffres.",
                    pairs,
                )),
            );
        }
        let dir = crate::disk::parent_dir(&first.path);
        let path = dir.join(format!("{name}.toml"));
        let quoted = |s: &str| toml_edit::Value::from(s).to_string();
        let mut text = format!("seance = {}\n\n[deliberation]\n", quoted(&first.seance));
        if !numero.is_empty() {
            let _ = writeln!(text, "numero = {}", quoted(numero));
        }
        let _ = writeln!(text, "objet = {}", quoted(objet));
        if let Err(e) = crate::toml_file::create_checked(&path, &t.root, &text) {
            let m = format!("Le dossier n'a pas été créé : {} (nom du fichier).", e.0);
            return self.new_point_form(t, Some((&m, pairs)));
        }
        let base = if self.folder.is_dir() {
            self.folder.clone()
        } else {
            crate::disk::parent_dir(&self.folder).to_path_buf()
        };
        let key = path
            .strip_prefix(&base)
            .map(|r| {
                r.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_else(|_| format!("{name}.toml"));
        Answer::Redirect(format!("/_modifier?fichier={}&cree=1", encode_path(&key)))
    }
}

/// The number after the highest of the séance's (`2016-06-27/12` → `…/13`).
fn next_number(points: &[Point]) -> String {
    let mut best: Option<(String, u64)> = None;
    for n in points.iter().filter_map(|p| p.numero.as_deref()) {
        let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (prefix, num) = n.split_at(n.len() - digits);
        if let Ok(v) = num.parse::<u64>()
            && best.as_ref().is_none_or(|(_, b)| v > *b)
        {
            best = Some((prefix.to_owned(), v));
        }
    }
    best.map_or_else(String::new, |(p, v)| format!("{p}{}", v + 1))
}

/// A file name from a phrase: lower case, no accent, words joined by `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim_end_matches(".toml").chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'œ' | 'Œ' => 'o',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The buttons, at the top and the bottom of the form. « Enregistrer »
/// comes first: it is what Entrée in a field does.
const ACTIONS: &str = "<div class=\"actions\">\n<button type=\"submit\" name=\"_action\" value=\"enregistrer\" class=\"principal\">Enregistrer</button>\n\
<button type=\"submit\" name=\"_action\" value=\"verifier\">Vérifier sans enregistrer</button>\n</div>\n";

/// A message above the form.
enum Notice {
    Done(String),
    /// « Vérifier »: how many errors.
    Checked(usize),
    Refused(String),
    /// Already HTML.
    Conflict(String),
}

/// A finding placed: (field name if any, severity, code, html, html naming the field).
type Finding = (Option<String>, Severity, String, String, String);

/// The findings of a check, placed.
#[derive(Default)]
struct Checked {
    /// By field name; "" for the file as a whole.
    by_field: HashMap<String, Vec<Shown>>,
    /// All of them: (field name if any, severity, code, html, html for the summary).
    list: Vec<Finding>,
    /// Dossiers that could not be read with these values.
    unreadable: Vec<String>,
}

impl Checked {
    fn add(&mut self, d: &Diagnostic, name: Option<String>, label: Option<String>, in_file: bool) {
        let (class, gravity) = match d.severity {
            Severity::Error => ("erreur", "Erreur"),
            _ => ("avertissement", "Avertissement"),
        };
        let mut html = format!(
            "<span class=\"gravite\">{gravity}</span> <span class=\"code\">[{}]</span>\u{a0}: {}",
            esc(d.code),
            esc(&d.message)
        );
        if let Some(h) = &d.hint {
            let _ = write!(html, " <span class=\"aide\">Aide\u{a0}: {}</span>", esc(h));
        }
        let place = match (&name, in_file) {
            (Some(_), _) => String::new(),
            (None, true) => String::new(),
            (None, false) => d
                .location()
                .map(|(p, l, _)| {
                    if l > 0 {
                        format!(" (dans {}, ligne {l})", p.display())
                    } else {
                        format!(" (dans {})", p.display())
                    }
                })
                .unwrap_or_default(),
        };
        let _ = write!(html, "{}", esc(&place));
        if let Some(n) = &name {
            self.by_field.entry(n.clone()).or_default().push(Shown {
                class,
                html: html.clone(),
            });
        }
        // In the summary, the finding says which field it is about.
        let summary = match label {
            Some(l) => format!(
                "<span class=\"champ-vise\">{}</span>\u{a0}: {html}",
                esc(&l)
            ),
            None => html.clone(),
        };
        self.list
            .push((name, d.severity, d.code.to_owned(), html, summary));
    }

    fn errors(&self) -> usize {
        self.list
            .iter()
            .filter(|(_, s, ..)| *s == Severity::Error)
            .count()
    }

    /// The findings above the form, each linked to its field.
    fn summary(&self) -> String {
        if self.list.is_empty() {
            return String::new();
        }
        let errors = self.errors();
        let warnings = self.list.len() - errors;
        let mut b = format!(
            "<section class=\"resume-constats{}\" aria-labelledby=\"titre-constats\">\n<h2 id=\"titre-constats\">",
            if errors > 0 { " avec-erreurs" } else { "" }
        );
        let mut parts = Vec::new();
        if errors > 0 {
            parts.push(format!(
                "{errors} erreur{}",
                if errors > 1 { "s" } else { "" }
            ));
        }
        if warnings > 0 {
            parts.push(format!(
                "{warnings} avertissement{}",
                if warnings > 1 { "s" } else { "" }
            ));
        }
        let _ = write!(
            b,
            "{} (les mêmes que delib check)</h2>\n<ul>\n",
            parts.join(" et ")
        );
        let mut sorted: Vec<&Finding> = self.list.iter().collect();
        sorted.sort_by_key(|(_, s, ..)| *s);
        for (name, _, _, _, html) in sorted {
            match name {
                Some(n) => {
                    let _ = writeln!(
                        b,
                        "<li><a href=\"#{}\">{html}</a></li>",
                        esc(&form::input_id(n))
                    );
                }
                None => {
                    let _ = writeln!(b, "<li>{html}</li>");
                }
            }
        }
        b.push_str("</ul>\n</section>\n");
        b
    }

    fn to_json(&self) -> String {
        let list: Vec<serde_json::Value> = self
            .list
            .iter()
            .map(|(name, sev, code, html, _)| {
                serde_json::json!({
                    "champ": name,
                    "gravite": if *sev == Severity::Error { "erreur" } else { "avertissement" },
                    "code": code,
                    "html": html,
                })
            })
            .collect();
        serde_json::json!({ "constats": list, "illisible": !self.unreadable.is_empty() })
            .to_string()
    }
}

/// Every key and value of a text, with its span and path.
type Spans = Vec<(std::ops::Range<usize>, Vec<PathPart>)>;

/// The text between the first `open` and the next `close`.
fn between(s: &str, open: char, close: char) -> Option<&str> {
    let i = s.find(open)? + open.len_utf8();
    let j = s[i..].find(close)? + i;
    Some(&s[i..j])
}

/// Every key and value of a TOML text with its span and path.
fn toml_spans(text: &str) -> Vec<(std::ops::Range<usize>, Vec<PathPart>)> {
    let mut out = Vec::new();
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk_table(table.get_ref(), &mut Vec::new(), &mut out);
    }
    out
}

fn walk_table(
    t: &toml::de::DeTable,
    path: &mut Vec<PathPart>,
    out: &mut Vec<(std::ops::Range<usize>, Vec<PathPart>)>,
) {
    for (k, v) in t {
        path.push(PathPart::Key(k.get_ref().to_string()));
        let (ks, vs) = (k.span(), v.span());
        out.push((ks.start.min(vs.start)..ks.end.max(vs.end), path.clone()));
        walk_value(v.get_ref(), vs, path, out);
        path.pop();
    }
}

fn walk_value(
    v: &toml::de::DeValue,
    span: std::ops::Range<usize>,
    path: &mut Vec<PathPart>,
    out: &mut Vec<(std::ops::Range<usize>, Vec<PathPart>)>,
) {
    match v {
        toml::de::DeValue::Table(t) => {
            out.push((span, path.clone()));
            walk_table(t, path, out);
        }
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathPart::Index(i));
                out.push((item.span(), path.clone()));
                walk_value(item.get_ref(), item.span(), path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The path of the smallest span holding `at` (the deepest on a tie).
fn innermost(list: &[(std::ops::Range<usize>, Vec<PathPart>)], at: usize) -> Option<Vec<PathPart>> {
    list.iter()
        .filter(|(r, _)| r.start <= at && (at < r.end || r.is_empty() && at == r.start))
        .min_by_key(|(r, p)| (r.end - r.start, usize::MAX - p.len()))
        .map(|(_, p)| p.clone())
}

/// The keys whose values differ between two texts, with the labels of
/// their fields: (label, value in `a`, value in `b`).
fn differences(fields: &[Field], a: &str, b: &str) -> Vec<(String, String, String)> {
    let parse = |t: &str| toml::from_str::<toml::Table>(t.trim_start_matches('\u{feff}')).ok();
    let (Some(x), Some(y)) = (parse(a), parse(b)) else {
        return vec![("Le fichier".into(), String::new(), "(illisible)".into())];
    };
    let (mut fx, mut fy) = (Vec::new(), Vec::new());
    flatten(&toml::Value::Table(x), String::new(), &mut fx);
    flatten(&toml::Value::Table(y), String::new(), &mut fy);
    let mx: HashMap<&str, &str> = fx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let my: HashMap<&str, &str> = fy.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut keys: Vec<&str> = fx.iter().chain(&fy).map(|(k, _)| k.as_str()).collect();
    keys.dedup();
    let mut seen = std::collections::HashSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(*k))
        .filter(|k| mx.get(k) != my.get(k))
        .map(|k| {
            (
                label_path(fields, k),
                mx.get(k).copied().unwrap_or("").to_owned(),
                my.get(k).copied().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn flatten(v: &toml::Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(v, form::join(&path, k), out);
            }
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(v, format!("{path}.{i}"), out);
            }
        }
        toml::Value::String(s) => out.push((path, s.clone())),
        v => out.push((path, v.to_string())),
    }
}

/// `deliberation.vote.pour` as « L'acte › Le vote › Voix pour ».
fn label_path(fields: &[Field], path: &str) -> String {
    let mut labels = Vec::new();
    let mut here: Vec<Field> = fields.to_vec();
    for part in path.split('.') {
        if let Ok(i) = part.parse::<usize>() {
            labels.push(format!("n° {}", i + 1));
            continue;
        }
        if part
            .strip_prefix('n')
            .is_some_and(|k| k.parse::<u32>().is_ok())
        {
            labels.push("nouvel élément".into());
            continue;
        }
        let Some(f) = fields::find(&here, part).cloned() else {
            labels.push(part.to_owned());
            continue;
        };
        labels.push(f.label.clone());
        here = match &f.shape {
            fields::Shape::Table { fields, .. } | fields::Shape::Tables { fields, .. } => {
                fields.clone()
            }
            fields::Shape::Either(shapes) => shapes
                .iter()
                .find_map(|s| match s {
                    fields::Shape::Table { fields, .. } => Some(fields.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    }
    labels.join(" › ")
}

fn shown_value(v: &str) -> String {
    if v.is_empty() {
        "<em>(vide)</em>".into()
    } else {
        let cut: String = v.chars().take(300).collect();
        let more = if cut.len() < v.len() { "…" } else { "" };
        format!("« {}{more} »", esc(&cut))
    }
}
