//! The build engine: one orchestration of load → check → derive → render,
//! shared by `render` (which keeps its cache on disk, in the manifest),
//! `serve` (which keeps it in memory) and `check` (which renders nothing).
//!
//! A [`Project`] is everything discovery found under the paths given: its
//! dossiers ([`Unit`]), its séance files, the findings about files that are
//! not dossiers, and the template sets the dossiers use. Each dossier is
//! loaded, then checked and derived on demand; its [`Plan`] lists the
//! documents it produces, each with the hash of everything it is made from
//! ([`Planned::file_hash`]). A caller renders the documents whose hash it
//! has not got already (render: the manifest; serve: the previous build)
//! with [`render_doc`], which is pure: bytes in memory, nothing written.
//!
//! Outputs that depend on several dossiers (the documents of a séance) hang
//! on [`Project::seances`]: each séance file found, with its output folder,
//! and [`Project::members_of_seance`] gives the dossiers that name it. The
//! séance's rule, in one place ([`seance_inputs`], [`render_seance`]): its
//! documents are made again when anything they are made from changed — the
//! séance file or any of its dossiers as a whole (dossier, delib.toml, logo,
//! partners, templates) or the tool — and a caller writes only the files
//! whose bytes then differ (one vote changed: the procès-verbal is rewritten,
//! the convocation is not).

pub mod folder;
pub mod memory;
pub mod rerun;

use crate::build::{self, Doc, Format, OutputFile};
use crate::diag::Diagnostic;
use crate::discover::{Discovery, FoundSeance};
use crate::hash::Hash;
use crate::load::{self, Loaded};
use crate::model::Model;
use crate::partners::Partner;
use crate::templates::Templates;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a render into output folders is asked (`delib render`'s options,
/// as the front end parsed them from its command line).
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Dossier files or folders to walk.
    pub paths: Vec<PathBuf>,
    /// The output folder given (`-o`), over `[rendu] sortie`.
    pub output: Option<PathBuf>,
    /// `--format`, as typed (the re-run record keys on it).
    pub format: Vec<String>,
    /// `--only`, as typed.
    pub only: Vec<String>,
    /// Rewrite everything, even what did not change.
    pub force: bool,
    /// Warnings stop a dossier like errors.
    pub deny_warnings: bool,
}

/// Everything found under the paths given, loaded, with the checks across
/// the batch done.
pub struct Project {
    /// The dossiers, sorted by path.
    pub units: Vec<Unit>,
    /// The séance files that dossiers name, sorted by path.
    pub seances: Vec<FoundSeance>,
    /// Findings of discovery: files that are not dossiers and could not be
    /// classified, files refused.
    pub findings: Vec<Diagnostic>,
    /// The template sets in use, loaded once each.
    pub templates: TemplateSets,
}

/// One dossier of a project.
pub struct Unit {
    /// The dossier's file, as found (for reading and for messages).
    pub path: PathBuf,
    /// Its output folder relative to the output root, `/`-separated; also
    /// its URL in `serve` (`dijon/convention-pep21`).
    pub out: String,
    /// None when the dossier could not be read or parsed.
    pub loaded: Option<Loaded>,
    /// The derived model, once [`Unit::check`] ran and succeeded.
    pub model: Option<Model>,
    /// Parse errors, then the findings of the checks.
    pub diagnostics: Vec<Diagnostic>,
    /// The séance file discovery saw it name (real path): its séance even
    /// when it could not be loaded.
    seance_file: Option<PathBuf>,
    checked: bool,
    /// The model was derived, then freed by [`Unit::release_model`].
    released: bool,
}

/// What a run says when the paths given hold no dossier and nothing else
/// it could say anything of.
pub const NOTHING_FOUND: &str =
    "aucun dossier trouvé (fichier .toml contenant une table [deliberation])";

impl Project {
    /// No dossier, and no file that discovery had anything to say of.
    pub fn found_nothing(&self) -> bool {
        self.units.is_empty() && self.findings.is_empty()
    }

    /// Discovers the dossiers under `paths`, loads them (in parallel) and
    /// runs the checks across the batch; each dossier's own checks wait
    /// for [`Unit::check`]. Fails only when a path given does not exist.
    pub fn load(paths: &[PathBuf]) -> anyhow::Result<Project> {
        Project::load_with(paths, load::Shared::default())
    }

    /// [`Project::load`], reading the files of `shared`'s overlay in place
    /// of those on disk (a form's values, checked before they are saved).
    pub fn load_with(paths: &[PathBuf], shared: load::Shared) -> anyhow::Result<Project> {
        Project::load_walked(crate::discover::walk(paths)?, shared)
    }

    /// [`Project::load_with`] from a walk of the tree already made (one walk
    /// per run: `render` hashes the same walk for its re-run record).
    pub fn load_walked(
        walk: crate::discover::Walk,
        shared: load::Shared,
    ) -> anyhow::Result<Project> {
        let Discovery {
            dossiers,
            seances,
            findings,
        } = crate::discover::classify_walk(walk)?;
        let mut units: Vec<Unit> = dossiers
            .into_par_iter()
            .map(|f| {
                let (loaded, diagnostics) = match load::load_with(&f.path, &shared) {
                    Ok(l) => (Some(l), Vec::new()),
                    Err(d) => (None, d),
                };
                Unit {
                    path: f.path,
                    out: f.out,
                    loaded,
                    model: None,
                    diagnostics,
                    seance_file: f.seance,
                    checked: false,
                    released: false,
                }
            })
            .collect();
        // Checks across the batch (deliberation numbers of one séance).
        let loaded: Vec<&Loaded> = units.iter().filter_map(|u| u.loaded.as_ref()).collect();
        let complete: Vec<PathBuf> = seances.iter().map(|s| s.real.clone()).collect();
        let batch = crate::check::seance::check_batch(&loaded, &complete);
        for d in batch {
            let path = d.source.as_ref().map(|s| s.path.clone());
            // A finding in a séance file goes to the first dossier of that séance.
            let index = units
                .iter()
                .position(|u| Some(&u.path) == path.as_ref())
                .or_else(|| {
                    units.iter().position(|u| {
                        u.loaded
                            .as_ref()
                            .and_then(|l| l.seance.as_ref())
                            .is_some_and(|(_, src)| Some(&src.path) == path.as_ref())
                    })
                });
            if let Some(i) = index {
                units[i].diagnostics.push(d);
            }
        }
        let templates = TemplateSets::load(&units);
        Ok(Project {
            units,
            seances,
            findings,
            templates,
        })
    }

    /// Loads the dossiers of one folder (`publish`, `export`) and says what
    /// discovery found (errors only with `quiet`); no dossier at all is a
    /// usage error.
    pub fn load_folder(
        folder: &Path,
        quiet: bool,
        say: &mut dyn FnMut(&str),
    ) -> anyhow::Result<Project> {
        let project = Project::load(std::slice::from_ref(&folder.to_path_buf()))?;
        for d in &project.findings {
            if !quiet || d.severity == crate::diag::Severity::Error {
                say(&format!("{}\n", d.render()));
            }
        }
        if project.found_nothing() {
            anyhow::bail!(NOTHING_FOUND);
        }
        Ok(project)
    }

    /// Runs every dossier's checks and derivation (in parallel).
    pub fn check_all(&mut self) {
        self.units.par_iter_mut().for_each(Unit::check);
    }

    /// Every finding `delib check` reports: [`Project::check_all`], then
    /// what `render` checks beyond the dossier itself (formats, templates,
    /// partner rows). Templates are parsed once per folder; every dossier
    /// is checked against its own, in parallel.
    pub fn check_complete(&mut self) {
        self.check_all();
        let more: Vec<Vec<Diagnostic>> = self
            .units
            .par_iter()
            .map(|u| render_checks(u, self))
            .collect();
        for (u, more) in self.units.iter_mut().zip(more) {
            u.diagnostics.extend(more);
        }
    }

    /// Every document of a checked dossier in `formats`, in memory, or the
    /// findings that stop it (errors, or bad partner rows). The simplest
    /// way to drive the engine: tests, and callers that keep no cache.
    pub fn render_unit(
        &self,
        unit: &Unit,
        formats: &[Format],
        tool: Hash,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let (Some(l), Some(model)) = (&unit.loaded, &unit.model) else {
            return Err(unit.diagnostics.clone());
        };
        if unit.failed(false) {
            return Err(unit.diagnostics.clone());
        }
        let plan = plan(l, model, &self.templates, tool).map_err(|d| vec![d])?;
        if !plan.partner_findings.is_empty() {
            return Err(plan.partner_findings);
        }
        let mut out = Vec::new();
        for doc in &plan.docs {
            out.extend(render_doc(model, &plan, doc, formats).map_err(|d| vec![d])?);
        }
        Ok(out)
    }

    /// The indices of the dossiers of the séance file `real`, in the order
    /// of its ordre du jour (numbers, then paths): the first one gives the
    /// séance its output folder, formats and templates.
    pub fn members_of_seance(&self, real: &Path) -> Vec<usize> {
        members_of_seance(&self.units, real)
    }
}

/// The indices of the dossiers of `units` that name the séance file `real`,
/// in the order of its ordre du jour (as [`Project::members_of_seance`]).
pub fn members_of_seance(units: &[Unit], real: &Path) -> Vec<usize> {
    let mut members: Vec<usize> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| names_seance(u, real))
        .map(|(i, _)| i)
        .collect();
    members.sort_by_cached_key(|&i| units[i].loaded.as_ref().map(crate::seance::order_key));
    members
}

/// True when the dossier's `seance = "…"` names the séance file `real`
/// (as discovery read it when the dossier could not be loaded).
fn names_seance(u: &Unit, real: &Path) -> bool {
    let Some(l) = &u.loaded else {
        return u.seance_file.as_deref() == Some(real);
    };
    l.seance.as_ref().is_some_and(|(_, src)| {
        !Arc::ptr_eq(src, &l.source) && src.path.canonicalize().ok().as_deref() == Some(real)
    })
}

/// Everything the documents of a séance are made from, known without
/// checking its dossiers: the tool, and each dossier as a whole (its text,
/// the séance file, delib.toml, the logo, the partners CSV, every template
/// of its set), in the order given. When it did not change, no séance
/// document did. Content only, never where the files are: a project moved
/// elsewhere has nothing to redo.
pub fn seance_inputs(members: &[&Loaded], sets: &TemplateSets, tool: Hash) -> Hash {
    let mut h = tool.feed(b"seance");
    for l in members {
        h = match sets.of(l) {
            Ok(t) => h.feed(whole_inputs(l, &t, tool).hex().as_bytes()),
            Err(d) => h.feed(d.message.as_bytes()),
        };
    }
    h
}

/// Calls `f` with the séance of `members` (checked and derived, in the
/// order of the ordre du jour) grouped as `seance::group` makes it, and the
/// templates of its first dossier: what every séance document is made from.
/// A panic in `f` becomes a finding: nothing a dossier holds stops a run.
pub fn with_seance<R>(
    members: &[&Unit],
    sets: &TemplateSets,
    f: impl FnOnce(&crate::seance::Group, &Arc<Templates>) -> Result<R, Vec<Diagnostic>>,
) -> Result<R, Vec<Diagnostic>> {
    let mut partners = Vec::with_capacity(members.len());
    for u in members {
        let (Some(l), Some(_)) = (&u.loaded, &u.model) else {
            return Err(u.diagnostics.clone());
        };
        let t = sets.of(l).map_err(|d| vec![d])?;
        partners.push(l.partenaires.as_ref().map(|src| {
            let pp = crate::partners::per_partner_annexes(&l.dossier);
            crate::partners::parse(src, t.partner_columns(), &pp).0
        }));
    }
    let items: Vec<crate::seance::Item> = members
        .iter()
        .zip(&partners)
        .filter_map(|(u, p)| {
            Some(crate::seance::Item {
                loaded: u.loaded.as_ref()?,
                model: u.model.as_ref()?,
                partners: p.as_deref(),
            })
        })
        .collect();
    let groups = crate::seance::group(&items);
    let [g] = groups.as_slice() else {
        return Err(Vec::new());
    };
    let first = g.items.first().map(|i| i.loaded).ok_or_else(Vec::new)?;
    let templates = sets.of(first).map_err(|d| vec![d])?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(g, &templates))).unwrap_or_else(
        |_| {
            Err(vec![Diagnostic::error(
                "erreur-interne",
                "erreur interne pendant le rendu des documents de la séance",
            )])
        },
    )
}

/// Every document of a séance in `formats`, in memory (`convocation.md`, …,
/// `recueil.pdf`): only those it calls for (`seance::documents`), with the
/// templates of its first dossier. Pure, like [`render_doc`].
pub fn render_seance(
    members: &[&Unit],
    sets: &TemplateSets,
    formats: &[Format],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    with_seance(members, sets, |g, t| {
        crate::seance::documents::render_all(g, t, formats)
    })
}

impl Unit {
    /// Runs the checks and derives the model (once).
    pub fn check(&mut self) {
        if self.checked {
            return;
        }
        self.checked = true;
        let Some(l) = &self.loaded else { return };
        self.diagnostics.extend(crate::check::check(l));
        match crate::model::build(l) {
            Ok(m) => self.model = Some(m),
            Err(more) => self.diagnostics.extend(more),
        }
    }

    /// True when an error (or, with `deny_warnings`, a warning) stops this
    /// dossier, or it could not be derived.
    pub fn failed(&self, deny_warnings: bool) -> bool {
        (self.model.is_none() && !self.released) || self.blocked(deny_warnings)
    }

    /// Frees the derived model once the dossier's documents are made and
    /// nothing else in the run needs it (no séance document to make from
    /// it): a batch then holds one model per thread, not one per dossier.
    /// [`Unit::failed`] answers as before.
    pub fn release_model(&mut self) {
        self.released |= self.model.take().is_some();
    }

    /// True when a finding stops this dossier.
    pub fn blocked(&self, deny_warnings: bool) -> bool {
        self.diagnostics.iter().any(|d| d.stops(deny_warnings))
    }
}

/// The template sets of a project, by templates folder (None: built-ins).
pub struct TemplateSets(HashMap<Option<PathBuf>, Result<Arc<Templates>, Diagnostic>>);

impl TemplateSets {
    fn load(units: &[Unit]) -> TemplateSets {
        let mut dirs: Vec<Option<PathBuf>> = units
            .iter()
            .filter_map(|u| templates_dir(u.loaded.as_ref()?).ok())
            .collect();
        dirs.sort();
        dirs.dedup();
        TemplateSets(
            dirs.into_par_iter()
                .map(|d| {
                    let t = Templates::load(d.as_deref()).map(Arc::new);
                    (d, t)
                })
                .collect(),
        )
    }

    /// The templates a dossier renders with, or why it cannot.
    pub fn of(&self, l: &Loaded) -> Result<Arc<Templates>, Diagnostic> {
        let dir = templates_dir(l)?;
        match self.0.get(&dir) {
            Some(t) => t.clone(),
            None => Templates::load(dir.as_deref()).map(Arc::new),
        }
    }
}

/// The templates folder of a dossier's project: `[rendu] templates`, else
/// `templates/` beside delib.toml when it exists, else None (built-ins).
/// Either must be inside the project, symlinks resolved.
pub fn templates_dir(l: &Loaded) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(t) = &l.rendu.templates else {
        return Ok(
            crate::disk::resolve_inside(&l.root, &l.root, "templates").filter(|d| d.is_dir())
        );
    };
    let src = config_source(l);
    let base = crate::disk::parent_dir(&src.path).to_path_buf();
    match crate::disk::resolve_inside(&l.root, &base, t.get_ref()).filter(|d| d.is_dir()) {
        Some(d) => Ok(Some(d)),
        None => Err(Diagnostic::error(
            "modeles-introuvables",
            format!(
                "le répertoire de modèles « {} » est introuvable ou hors du projet",
                t.get_ref()
            ),
        )
        .at(&src, t.span())
        .hint("indiquez un répertoire existant, relatif au fichier qui le déclare")),
    }
}

/// The file that set `[rendu]`: the dossier when it has one, else delib.toml.
pub fn config_source(l: &Loaded) -> Arc<crate::diag::Source> {
    match (&l.dossier.rendu, &l.projet) {
        (None, Some((_, src))) => src.clone(),
        _ => l.source.clone(),
    }
}

/// The formats a dossier is rendered in: those given on the command line,
/// else `[rendu] formats`, else all three.
pub fn formats_for(l: &Loaded, cli: &[Format]) -> Result<Vec<Format>, Diagnostic> {
    if !cli.is_empty() {
        return Ok(cli.to_vec());
    }
    let Some(list) = &l.rendu.formats else {
        return Ok(Format::ALL.to_vec());
    };
    let mut out = Vec::new();
    for s in list.get_ref() {
        match Format::parse(s) {
            Some(f) if !out.contains(&f) => out.push(f),
            Some(_) => {}
            None => {
                return Err(
                    Diagnostic::error("format-inconnu", format!("format inconnu « {s} »"))
                        .at(&config_source(l), list.span())
                        .hint("formats possibles : \"md\", \"html\", \"pdf\""),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The output folder of a dossier: `-o` (`cli`), else `[rendu] sortie`
/// (relative to the project's folder), else `output/`. A `sortie` written
/// in the dossier itself must be a folder inside the project, not the
/// project itself. `check` asks the same as `render`.
pub fn output_root(l: &Loaded, cli: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(o) = cli {
        return Ok(o.to_path_buf());
    }
    let Some(s) = &l.rendu.sortie else {
        return Ok(PathBuf::from("output"));
    };
    let from_dossier = l.dossier.rendu.as_ref().is_some_and(|r| r.sortie.is_some());
    if !from_dossier {
        return Ok(l.root.join(s.get_ref()));
    }
    let rel = Path::new(s.get_ref());
    if rel.components().all(|c| c == std::path::Component::CurDir) {
        return Err(Diagnostic::error(
            "chemin-hors-projet",
            format!(
                "le répertoire de sortie « {} » est le répertoire du projet lui-même : les documents se mêleraient aux dossiers",
                s.get_ref()
            ),
        )
        .at(&l.source, s.span())
        .hint("indiquez un sous-répertoire du projet, par exemple sortie = \"actes\""));
    }
    let inside = crate::disk::is_plain_relative(rel)
        .then(|| crate::disk::resolve_inside(&l.root, &l.root, s.get_ref()))
        .flatten();
    inside.ok_or_else(|| {
        Diagnostic::error(
            "chemin-hors-projet",
            format!(
                "le répertoire de sortie « {} » sort du répertoire du projet",
                s.get_ref()
            ),
        )
        .at(&l.source, s.span())
        .hint("dans un dossier, [rendu] sortie est un chemin relatif sans « .. » ; pour écrire ailleurs, utilisez -o")
    })
}

/// The inputs every document of a dossier depends on: the build of delib,
/// the dossier, its séance file, delib.toml and the logo.
pub fn dossier_inputs(l: &Loaded, tool: Hash) -> Hash {
    let mut h = tool.feed(l.source.text.as_bytes());
    if let Some((_, src)) = &l.seance
        && !Arc::ptr_eq(src, &l.source)
    {
        h = h.feed(src.text.as_bytes());
    }
    if let Some((_, src)) = &l.projet {
        h = h.feed(src.text.as_bytes());
    }
    if let Some(logo) = &l.logo {
        h = h.feed(&logo.bytes);
    }
    h
}

/// Everything a dossier as a whole depends on (partners and templates
/// included), known without checking it: when it did not change, neither
/// did any of its documents.
pub fn whole_inputs(l: &Loaded, templates: &Templates, tool: Hash) -> Hash {
    let mut h = dossier_inputs(l, tool);
    if let Some(src) = &l.partenaires {
        h = h.feed(src.text.as_bytes());
    }
    h.feed(templates.hash().as_bytes())
}

/// What a checked dossier produces.
pub struct Plan {
    pub templates: Arc<Templates>,
    /// The partners CSV's good rows (bad rows are left out, with a finding).
    pub partners: Arc<Vec<Partner>>,
    /// Findings on the partners CSV's rows.
    pub partner_findings: Vec<Diagnostic>,
    /// The documents, in output order.
    pub docs: Vec<Planned>,
    /// The template context shared by every document.
    pub context: tera::Context,
}

/// One document of a plan and the hash of what it is made from.
pub struct Planned {
    pub doc: Doc,
    /// The dossier's inputs, the document's template, its partner row.
    pub inputs: Hash,
    /// The stylesheet, which HTML and PDF depend on.
    css: Hash,
}

impl Planned {
    /// The file name of this document in a format (`annexe-1.pdf`).
    pub fn file_name(&self, f: Format) -> String {
        format!("{}.{}", self.doc.stem, f.ext())
    }

    /// Everything one output file depends on.
    pub fn file_hash(&self, f: Format) -> Hash {
        let h = self.inputs.feed(f.ext().as_bytes());
        if f == Format::Md {
            h
        } else {
            h.feed(self.css.hex().as_bytes())
        }
    }
}

/// The plan of a dossier (checked and derived: `model`), with the hash of
/// each document's inputs.
pub fn plan(
    l: &Loaded,
    model: &Model,
    sets: &TemplateSets,
    tool: Hash,
) -> Result<Plan, Diagnostic> {
    let templates = sets.of(l)?;
    let (partners, partner_findings) = match &l.partenaires {
        Some(src) => {
            let pp = crate::partners::per_partner_annexes(&l.dossier);
            let (rows, found) = crate::partners::parse(src, templates.partner_columns(), &pp);
            (Some(rows), found)
        }
        None => (None, Vec::new()),
    };
    let inputs = dossier_inputs(l, tool);
    let css = Hash::default().feed(templates.text("style.css").as_bytes());
    let docs: Vec<Planned> = build::documents(model, partners.as_deref())
        .into_iter()
        .map(|doc| {
            let mut h = inputs
                .feed(doc.stem.as_bytes())
                .feed(templates.text(doc.kind.template()).as_bytes());
            // A convention or an annex made for one partner: its CSV row.
            if let (Some(i), Some(list)) = (doc.partner, partners.as_deref())
                && let Some(p) = list.get(i)
            {
                h = h.feed(p.row_text.as_bytes());
                for (k, v) in &p.columns {
                    h = h.feed(k.as_bytes()).feed(v.as_bytes());
                }
            }
            Planned {
                doc,
                inputs: h,
                css,
            }
        })
        .collect();
    // Two documents of one dossier in one file, whatever made it (the
    // partners' rows are already kept apart): refused, never one lost.
    if let Some(stem) = duplicate_stem(docs.iter().map(|d| &d.doc)) {
        return Err(Diagnostic::error(
            "nom-en-double",
            format!("deux documents du dossier s'écriraient dans le même fichier {stem}"),
        )
        .in_file(&l.source));
    }
    Ok(Plan {
        context: build::context(model)?,
        templates,
        partners: Arc::new(partners.unwrap_or_default()),
        partner_findings,
        docs,
    })
}

/// The first file stem two documents share, if any.
fn duplicate_stem<'a>(docs: impl Iterator<Item = &'a Doc>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    docs.map(|d| d.stem.as_str()).find(|s| !seen.insert(*s))
}

/// Renders one planned document in `formats`, in memory. A panic in a
/// renderer becomes a finding: nothing a dossier holds stops a run.
pub fn render_doc(
    model: &Model,
    plan: &Plan,
    doc: &Planned,
    formats: &[Format],
) -> Result<Vec<OutputFile>, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build::render_doc(
            model,
            &plan.context,
            &plan.partners,
            &doc.doc,
            &plan.templates,
            formats,
        )
    }))
    .unwrap_or_else(|_| {
        Err(Diagnostic::error(
            "erreur-interne",
            format!("erreur interne pendant le rendu de {}", doc.doc.stem),
        ))
    })
}

/// What `render` checks beyond the dossier itself, so that `check` agrees
/// with it: `[rendu] formats` and `sortie`, the templates folder and its templates, and
/// the rows of a partners CSV (their allowed columns depend on the templates).
fn render_checks(u: &Unit, project: &Project) -> Vec<Diagnostic> {
    use crate::build::Format;
    let Some(l) = &u.loaded else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Err(d) = formats_for(l, &[]) {
        out.push(d);
    }
    if let Err(d) = output_root(l, None) {
        out.push(d);
    }
    let t = match project.templates.of(l) {
        Ok(t) => t,
        Err(d) => {
            out.push(d);
            return out;
        }
    };
    let Some(model) = &u.model else {
        if let Some(src) = &l.partenaires {
            let pp = crate::partners::per_partner_annexes(&l.dossier);
            out.extend(crate::partners::parse(src, t.partner_columns(), &pp).1);
        }
        return out;
    };
    let plan = match plan(l, model, &project.templates, crate::hash::Hash::default()) {
        Ok(p) => p,
        Err(d) => {
            out.push(d);
            return out;
        }
    };
    out.extend(plan.partner_findings.iter().cloned());
    // Custom templates can fail only when used (an unknown filter, an
    // include): render the Markdown in memory, as render would.
    let overridden = t
        .overrides()
        .any(|(p, _)| p.extension().is_some_and(|e| e == "tera"));
    if overridden {
        for doc in &plan.docs {
            if let Err(d) = render_doc(model, &plan, doc, &[Format::Md]) {
                out.push(d);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_documents_in_one_file_are_found() {
        let doc = |stem: &str| Doc {
            kind: crate::build::Kind::Deliberation,
            stem: stem.to_owned(),
            partner: None,
        };
        let docs = [
            doc("rapport"),
            doc("convention-x-annexe-1"),
            doc("deliberation"),
        ];
        assert_eq!(duplicate_stem(docs.iter()), None);
        let docs = [
            doc("convention-x-annexe-1"),
            doc("a"),
            doc("convention-x-annexe-1"),
        ];
        assert_eq!(duplicate_stem(docs.iter()), Some("convention-x-annexe-1"));
    }

    #[test]
    fn a_released_model_is_gone_but_the_dossier_did_not_fail() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut p = Project::load(&[root.join("inputs/dijon/convention-pep21.toml")]).unwrap();
        let u = &mut p.units[0];
        assert!(u.failed(false), "not yet checked: no model");
        u.check();
        assert!(u.model.is_some() && !u.failed(false));
        u.release_model();
        assert!(u.model.is_none());
        assert!(!u.failed(false), "released, not failed");
        // A dossier that never had a model is not made good by releasing.
        let mut p = Project::load(&[root.join("inputs/dijon/convention-pep21.toml")]).unwrap();
        p.units[0].release_model();
        assert!(p.units[0].failed(false));
    }
}
