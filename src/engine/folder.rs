//! A run whose sink is an output folder (`delib render`): dossiers in,
//! documents out — in parallel, incrementally, and safely (atomic writes; a
//! dossier in error keeps its previous outputs).
//!
//! The engine ([`super`]) finds, loads, checks and plans; this module
//! drives it with the manifest of each output folder as its cache, writes
//! through `output::OutputDir` (locked, contained), removes what is no
//! longer called for and leaves the record of the next re-run (`rerun`).
//! What a clerk reads goes through the `say` of its caller; the only line
//! it prints itself is the note that it waits for another run's lock.

use super::{Project, RenderOptions, TemplateSets, Unit};
use crate::build::Format;
use crate::diag::{Diagnostic, Severity};
use crate::discover::FoundSeance;
use crate::engine;
use crate::hash::Hash;
use crate::load::Loaded;
use crate::manifest::{self, Entry, FileRecord, Manifest};
use crate::output::OutputDir;
use anyhow::Context as _;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What became of one dossier.
#[derive(Default)]
struct Outcome {
    /// Findings to print, already rendered.
    report: String,
    failed: bool,
    written: usize,
    unchanged: usize,
    /// The manifest entry to record (None: keep the previous one).
    entry: Option<(PathBuf, String, Entry)>,
    removed: Vec<PathBuf>,
}

/// The counts of a run, summed over its dossiers and séances.
#[derive(Default)]
struct Totals {
    /// The findings printed so far, as rendered.
    seen: HashSet<String>,
    failed: usize,
    written: usize,
    unchanged: usize,
    removed: Vec<PathBuf>,
}

impl Totals {
    /// A report without the findings already printed: a fault of a séance
    /// file or of delib.toml is found with every dossier that reads it, and
    /// shown once. A report is blocks ending in a blank line; a finding's
    /// block starts with its severity (`erreur[code]`, `avertissement[code]`,
    /// see `Diagnostic::render`) and says where it is, so the same text is
    /// the same finding.
    fn unseen(&mut self, report: &str) -> String {
        report
            .split_inclusive("\n\n")
            .filter(|block| {
                let finding = block.starts_with("erreur[") || block.starts_with("avertissement[");
                !finding || self.seen.insert((*block).to_owned())
            })
            .collect()
    }

    /// Says the outcome's report (kept in `printed` for the next run to
    /// replay), counts it, and hands back its manifest entry.
    fn add(
        &mut self,
        o: Outcome,
        printed: &mut String,
        say: &mut dyn FnMut(&str),
    ) -> Option<(PathBuf, String, Entry)> {
        let report = self.unseen(&o.report);
        say(&crate::diag::for_terminal(&report));
        printed.push_str(&report);
        self.failed += usize::from(o.failed);
        self.written += o.written;
        self.unchanged += o.unchanged;
        self.removed.extend(o.removed);
        o.entry
    }
}

/// What every dossier of a run shares.
struct Batch<'a> {
    templates: &'a TemplateSets,
    cli_formats: Vec<Format>,
    only: Vec<String>,
    args: &'a RenderOptions,
    quiet: bool,
    tool: Hash,
    outputs: BTreeMap<PathBuf, OutputDir>,
}

/// Where one dossier goes, and what the last run left there.
struct Target<'a> {
    /// Where the dossier is, from its output folder (`crate::disk::relative`).
    source: &'a str,
    /// Output folder and the dossier's sub-folder, or why it has none.
    place: Result<&'a (PathBuf, String), &'a Diagnostic>,
    previous: Option<&'a Entry>,
}

impl Outcome {
    /// Adds a finding to the dossier's report.
    fn note(&mut self, d: &Diagnostic) {
        self.report.push_str(&d.render());
        self.report.push('\n');
    }
}

/// What `delib render` asks beyond its command line: the formats and the
/// kinds of documents, as the front end parsed them (`--format`, `--only`).
pub struct Asked {
    pub formats: Vec<Format>,
    pub only: Vec<String>,
}

/// What a run did, for the front end to tell.
pub enum Done {
    /// Nothing changed since the recorded run: what it did.
    Replayed(crate::engine::rerun::Replay),
    /// No dossier, and discovery's findings fail the run (already said).
    Failed,
    /// An ordinary run.
    Ran(Ran),
}

/// The counts of an ordinary run.
pub struct Ran {
    pub dossiers: usize,
    pub seances: usize,
    pub written: usize,
    pub unchanged: usize,
    /// The files deleted (no longer called for, or their dossier is gone).
    pub removed: Vec<PathBuf>,
    /// Dossiers and séances in error (and discovery's findings, when they fail the run).
    pub failed: usize,
}

/// Renders the dossiers under `args.paths` into their output folders:
/// discovery, loading, checks, the plan of each dossier and séance against
/// the manifest of its folder (the cache), rendering in parallel, writing
/// what changed through `output::OutputDir`, removing what is no longer
/// called for, and the record of the next re-run. What a clerk reads along
/// the way (findings, warnings) goes to `say`, in order; `progress` shows a
/// bar of the dossiers done.
pub fn render(
    args: &RenderOptions,
    asked: Asked,
    quiet: bool,
    progress: bool,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<Done> {
    // One walk of the tree: the cache and the engine share it.
    let walk = crate::discover::walk(&args.paths)?;
    // The cache of the output folder, before anything is loaded: nothing
    // changed since the recorded run, and its report is said again; else
    // the hash of the `.toml` found, for the record of this run (kept only
    // if they are still the same at its end).
    let tomls_before = match crate::engine::rerun::open(args, &walk, quiet) {
        crate::engine::rerun::Opened::Replay(r) => return Ok(Done::Replayed(r)),
        crate::engine::rerun::Opened::Run(tomls) => tomls,
    };
    // Load everything (checks across the batch need every dossier), but check
    // and derive a dossier only when it has to be rendered again.
    let Project {
        mut units,
        seances,
        findings,
        templates,
    } = Project::load_walked(walk, crate::load::Shared::default())?;
    // What this run prints before its summary, for the next run to replay.
    let mut printed = String::new();
    let found_failed = report_findings(&findings, args.deny_warnings, quiet, &mut printed, say);
    if units.is_empty() {
        if found_failed {
            return Ok(Done::Failed);
        }
        anyhow::bail!(engine::NOTHING_FOUND);
    }

    // Output folders, and one sub-folder per dossier.
    let places = place_all(&units, &seances, args);
    // Lock each output folder (in order, so two runs cannot deadlock) and read its manifest.
    let mut outputs = BTreeMap::new();
    let mut manifests: BTreeMap<PathBuf, Manifest> = BTreeMap::new();
    let roots: BTreeSet<PathBuf> = places
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|(r, _)| r.clone()))
        .collect();
    for root in roots {
        let dir = OutputDir::open(&root, || {
            eprintln!(
                "un autre delib render écrit dans {} : attente de la fin de ce rendu…",
                root.display()
            );
        })
        .with_context(|| {
            format!(
                "impossible d'écrire dans le répertoire de sortie {}",
                root.display()
            )
        })?;
        // This run changes what a recorded re-run would replay.
        dir.remove_top(manifest::RECORD);
        let (m, warning) = Manifest::load(&dir);
        if let Some(w) = warning {
            say(&format!("{w}\n"));
            printed.push_str(&w);
            printed.push('\n');
        }
        manifests.insert(root.clone(), m);
        outputs.insert(root, dir);
    }
    let batch = Batch {
        templates: &templates,
        cli_formats: asked.formats,
        only: asked.only,
        args,
        quiet,
        tool: crate::hash::tool_id(),
        outputs,
    };

    let progress = progress.then(|| {
        let bar = indicatif::ProgressBar::new(units.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} dossiers  {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // The dossiers whose model a séance document may need after this pass;
    // the others' models are freed as soon as their documents are made.
    let mut keep = vec![false; units.len()];
    if batch.only.is_empty() || batch.only.iter().any(|k| k == "seance") {
        for s in &seances {
            for i in engine::members_of_seance(&units, &s.real) {
                keep[i] = true;
            }
        }
    }
    // Where each dossier is, from its output folder: what its entry notes.
    let sources: Vec<String> = units
        .iter()
        .zip(&places)
        .map(|(u, place)| {
            place
                .as_ref()
                .ok()
                .and_then(|(root, _)| batch.outputs.get(root))
                .and_then(|out| crate::disk::relative(out.real(), &u.path))
                .unwrap_or_default()
        })
        .collect();
    let outcomes: Vec<anyhow::Result<Outcome>> = units
        .par_iter_mut()
        .zip(places.par_iter())
        .zip(keep.par_iter())
        .zip(sources.par_iter())
        .map(|(((u, place), &keep), source)| {
            let place = place.as_ref();
            let previous = place
                .ok()
                .and_then(|(root, name)| manifests.get(root)?.dossiers.get(name));
            let target = Target {
                source,
                place,
                previous,
            };
            let result = render_one(u, &target, &batch);
            if !keep {
                u.release_model();
            }
            if let Some(bar) = &progress {
                bar.inc(1);
                bar.set_message(
                    crate::diag::for_terminal(&u.path.display().to_string()).into_owned(),
                );
            }
            result
        })
        .collect();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let mut totals = Totals {
        failed: usize::from(found_failed),
        ..Totals::default()
    };
    // Dossiers recorded now, by output folder and by where they are: an
    // entry of the same dossier in another sub-folder is one it moved from.
    let mut recorded: BTreeSet<(PathBuf, String)> = BTreeSet::new();
    for outcome in outcomes {
        if let Some((root, dir, entry)) = totals.add(outcome?, &mut printed, say)
            && let Some(m) = manifests.get_mut(&root)
        {
            if !entry.source.is_empty() {
                recorded.insert((root.clone(), entry.source.clone()));
            }
            m.dossiers.insert(dir, entry);
        }
    }
    // Every dossier of the run, rendered or not, keeps its sub-folder.
    let run_dirs: BTreeSet<String> = units.iter().map(|u| u.out.clone()).collect();
    // The séances, once their dossiers are done.
    let seance_count = {
        let jobs = plan_seances(&mut units, &seances, &places, &manifests, &batch);
        let n = jobs.len();
        let outcomes: Vec<anyhow::Result<Outcome>> = jobs
            .par_iter()
            .map(|j| render_seance(j, &units, &batch))
            .collect();
        // The jobs borrow the manifests, which take the séances' entries now.
        drop(jobs);
        for outcome in outcomes {
            if let Some((root, dir, entry)) = totals.add(outcome?, &mut printed, say)
                && let Some(m) = manifests.get_mut(&root)
            {
                if !entry.source.is_empty() {
                    recorded.insert((root.clone(), entry.source.clone()));
                }
                m.seances.insert(dir, entry);
            }
        }
        n
    };
    let Totals {
        failed,
        written,
        unchanged,
        mut removed,
        ..
    } = totals;
    let found_seances: BTreeSet<&str> = seances.iter().map(|s| s.out.as_str()).collect();
    let walked: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    for (root, m) in &mut manifests {
        let Some(out) = batch.outputs.get(root) else {
            continue;
        };
        // Where an entry's dossier or séance file is now (None: gone).
        let now = |e: &Entry| {
            (!e.source.is_empty()).then(|| out.real().join(&e.source).canonicalize().ok())
        };
        // Moved to another sub-folder: recorded now under another name.
        let moved = |e: &Entry| recorded.contains(&(root.clone(), e.source.clone()));
        // Dossiers not in this run that were deleted or moved: their outputs go.
        let gone: Vec<String> = m
            .dossiers
            .iter()
            .filter(|(dir, e)| {
                !run_dirs.contains(*dir) && (moved(e) || now(e).is_some_and(|p| p.is_none()))
            })
            .map(|(dir, _)| dir.clone())
            .collect();
        for dir in gone {
            if let Some(entry) = m.dossiers.remove(&dir) {
                removed.extend(manifest::remove_entry(out, &dir, &entry));
            }
        }
        // Séances no dossier names any more: their file is gone, or it was
        // in a folder rendered now and no dossier found there names it.
        let gone: Vec<String> = m
            .seances
            .iter()
            .filter(|(dir, e)| {
                !found_seances.contains(dir.as_str())
                    && (moved(e)
                        || now(e).is_some_and(|p| {
                            p.is_none_or(|p| walked.iter().any(|w| p.starts_with(w)))
                        }))
            })
            .map(|(dir, _)| dir.clone())
            .collect();
        for dir in gone {
            if let Some(entry) = m.seances.remove(&dir) {
                removed.extend(manifest::remove_entry(out, &dir, &entry));
            }
        }
        if let Some(bytes) = m.to_bytes(out) {
            out.write_top(manifest::FILE, &bytes).with_context(|| {
                format!("impossible d'écrire le manifeste dans {}", root.display())
            })?;
        }
    }
    // A run that went well, into one output folder: recorded for the next.
    if failed == 0
        && removed.is_empty()
        && let [(root, m)] = manifests.iter().collect::<Vec<_>>()[..]
        // Only the entries of this run: a manifest shared with other runs
        // needs the ordinary run to remove what they left behind.
        && m.dossiers.keys().all(|k| run_dirs.contains(k))
        && crate::engine::rerun::root(args).as_ref() == Some(root)
        && let Some(out) = batch.outputs.get(root)
    {
        let recorder = crate::engine::rerun::Recorder {
            args,
            base: out.real(),
            tomls_before,
            manifest: m,
            units: units
                .iter()
                .filter_map(|u| {
                    let l = u.loaded.as_ref()?;
                    Some((l, templates.of(l).ok()?))
                })
                .collect(),
            seances: seance_count,
            documents: written + unchanged,
            report: (!quiet).then(|| printed.clone()),
        };
        if recorder.units.len() == units.len()
            && let Some(bytes) = recorder.record().and_then(|r| r.to_bytes())
        {
            // Best effort: without it the next run is an ordinary one.
            let _ = out.write_top(manifest::RECORD, &bytes);
        }
    }
    drop(batch);
    Ok(Done::Ran(Ran {
        dossiers: units.len(),
        seances: seance_count,
        written,
        unchanged,
        removed,
        failed,
    }))
}

/// Where each dossier's outputs go: its output folder and sub-folder, or
/// why it has none. Every collision of output names is found here, before
/// anything is written, whatever makes it: two dossiers in one sub-folder
/// (the same path under two folders given), a dossier in a séance's
/// sub-folder, a dossier's sub-folder where another's document goes
/// (`a/deliberation.md.toml` beside `a.toml`). The later one is refused.
fn place_all(
    units: &[Unit],
    seances: &[FoundSeance],
    args: &RenderOptions,
) -> Vec<Result<(PathBuf, String), Diagnostic>> {
    // The same folder however it is spelled (`out`, `./out`, its absolute path).
    let key = |root: &Path, name: &str| -> PathBuf {
        let joined = root.join(name);
        std::path::absolute(&joined)
            .unwrap_or(joined)
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect()
    };
    let mut places: Vec<Result<(PathBuf, String), Diagnostic>> = units
        .iter()
        .map(|u| match &u.loaded {
            // Not loaded: its findings stop it before its place matters.
            None => Err(Diagnostic::error("erreur-interne", "dossier non chargé")),
            Some(l) => {
                engine::output_root(l, args.output.as_deref()).map(|root| (root, u.out.clone()))
            }
        })
        .collect();
    let collision = |message: String| {
        Diagnostic::error("nom-en-double", message).hint(
            "renommez l'un des deux fichiers : le nom du dossier donne celui du répertoire de sortie",
        )
    };
    // Who writes in each folder: the séances (in their first dossier's
    // output folder), then the dossiers, in order.
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    for s in seances {
        let root = engine::members_of_seance(units, &s.real)
            .iter()
            .find_map(|&i| places[i].as_ref().ok().map(|(r, _)| r.clone()));
        if let Some(root) = root {
            claimed
                .entry(key(&root, &s.out))
                .or_insert_with(|| s.path.clone());
        }
    }
    for (u, place) in units.iter().zip(places.iter_mut()) {
        let Ok((root, name)) = place else { continue };
        let k = key(root, name);
        if let Some(first) = claimed.get(&k) {
            *place = Err(collision(format!(
                "{} et {} écriraient dans le même répertoire {}",
                first.display(),
                u.path.display(),
                root.join(name.as_str()).display()
            )));
        } else {
            claimed.insert(k, u.path.clone());
        }
    }
    for (u, place) in units.iter().zip(places.iter_mut()) {
        let Ok((root, name)) = place else { continue };
        let Some((parent, file)) = name.rsplit_once('/') else {
            continue;
        };
        let document = Format::ALL
            .iter()
            .any(|f| file.ends_with(&format!(".{}", f.ext())));
        if let Some(owner) = claimed.get(&key(root, parent)).filter(|_| document) {
            *place = Err(collision(format!(
                "le répertoire de sortie de {} serait {}, le nom d'un document de {}",
                u.path.display(),
                root.join(name.as_str()).display(),
                owner.display()
            )));
        }
    }
    places
}

/// Says discovery's findings (warnings only without `-q`), and adds them
/// to `printed`; true when one fails the run.
fn report_findings(
    findings: &[Diagnostic],
    deny_warnings: bool,
    quiet: bool,
    printed: &mut String,
    say: &mut dyn FnMut(&str),
) -> bool {
    for d in findings {
        if !quiet || d.severity == Severity::Error {
            let shown = d.render();
            say(&format!("{shown}\n"));
            printed.push_str(&shown);
            printed.push('\n');
        }
    }
    findings.iter().any(|d| d.stops(deny_warnings))
}

/// Documents rendered at a time in a dossier (see `render_one`): enough to
/// keep every core busy, few enough to bound the memory.
const GROUP: usize = 64;

/// Renders one dossier: only the files whose inputs changed.
fn render_one(u: &mut Unit, t: &Target, b: &Batch) -> anyhow::Result<Outcome> {
    let (args, only) = (b.args, &b.only[..]);
    if let Some(o) = unchanged(u, t, b) {
        return Ok(o);
    }
    // The findings of the dossier's own checks (after those across the batch).
    let own = u.diagnostics.len();
    u.check();
    let u = &*u;
    let own: String = u.diagnostics[own.min(u.diagnostics.len())..]
        .iter()
        .map(|d| format!("{}\n", d.render()))
        .collect();
    let mut o = Outcome::default();
    // Every finding that stops this dossier is shown, even with -q.
    for d in &u.diagnostics {
        if !b.quiet || d.severity == Severity::Error || args.deny_warnings {
            o.note(d);
        }
    }
    let stop = |mut o: Outcome, diags: &[Diagnostic]| {
        diags.iter().for_each(|d| o.note(d));
        o.failed = true;
        o.report.push_str(&format!(
            "{} : non rendu, rien n'a été écrit\n\n",
            u.path.display()
        ));
        Ok(o)
    };
    let (Some(l), Some(model)) = (&u.loaded, &u.model) else {
        return stop(o, &[]);
    };
    let (root, name) = match t.place {
        Ok(p) => p,
        Err(d) => return stop(o, std::slice::from_ref(d)),
    };
    if u.failed(args.deny_warnings) {
        if !u.failed(false) {
            o.report.push_str(&format!(
                "{} : avertissements refusés par --deny-warnings\n",
                u.path.display()
            ));
        }
        return stop(o, &[]);
    }
    let Some(out) = b.outputs.get(root) else {
        return stop(o, &[]);
    };
    let formats = match engine::formats_for(l, &b.cli_formats) {
        Ok(f) => f,
        Err(d) => return stop(o, &[d]),
    };
    let plan = match engine::plan(l, model, b.templates, b.tool) {
        Ok(p) => p,
        Err(d) => return stop(o, &[d]),
    };
    // Partners: a bad row is reported and left out, the others render; a
    // file that cannot be read as a list of partners (empty, no `nom`
    // column) is an error of the dossier: nothing is written.
    if crate::partners::unusable(&plan.partner_findings) {
        return stop(o, &plan.partner_findings);
    }
    plan.partner_findings.iter().for_each(|d| o.note(d));
    o.failed |= !plan.partner_findings.is_empty();
    let previous = t.previous;
    let dir = Path::new(name.as_str());
    let mut entry = Entry {
        source: t.source.to_owned(),
        inputs: String::new(),
        files: BTreeMap::new(),
        warnings: own,
    };
    let mut stale = Vec::new();
    for planned in &plan.docs {
        let family = planned.doc.family();
        let selected = only.is_empty() || only.iter().any(|f| f == family);
        let mut todo = Vec::new();
        for f in Format::ALL {
            let file = planned.file_name(f);
            let old = previous.and_then(|p| p.files.get(&file));
            if !selected || !formats.contains(&f) {
                // Not asked for this time: keep what the last run recorded.
                if let Some(r) = old {
                    entry.files.insert(file, r.clone());
                }
                continue;
            }
            let hash = planned.file_hash(f).hex();
            match old {
                Some(r)
                    if !args.force
                        && r.inputs == hash
                        && out.root().join(dir).join(&file).is_file() =>
                {
                    o.unchanged += 1;
                    entry.files.insert(file, r.clone());
                }
                _ => {
                    todo.push(f);
                    entry.files.insert(
                        file,
                        FileRecord {
                            inputs: hash,
                            bytes: String::new(),
                        },
                    );
                }
            }
        }
        if !todo.is_empty() {
            stale.push((planned, todo));
        }
    }
    // Every file to write must be replaceable (absent or a regular file)
    // before any is written.
    let names: Vec<String> = stale
        .iter()
        .flat_map(|(planned, fmts)| fmts.iter().map(|f| planned.file_name(*f)))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let folder = match writable(out, dir, &names) {
        Ok(f) => f,
        Err(Refusal::Finding(d)) => return stop(o, &[d]),
        Err(Refusal::Io(e)) => return Err(e),
    };
    // Nothing replaces a document unless every document rendered: each
    // group of documents is rendered, then written under temporary names;
    // the files are put in place once the last group is written. A group
    // at a time, so a dossier of 20 000 partners holds a group's bytes, not
    // its 60 000 files (issue 22). The documents of a group render in
    // parallel (one dossier alone keeps both cores busy); results come back
    // in order, so the bytes, and the error reported, are the same at any
    // thread count.
    if let Some(folder) = &folder {
        let mut staged: Vec<String> = Vec::with_capacity(names.len());
        let discard = |staged: &[String]| staged.iter().for_each(|n| folder.discard(n));
        for group in stale.chunks(GROUP) {
            let rendered: Vec<_> = group
                .par_iter()
                .map(|(planned, fmts)| engine::render_doc(model, &plan, planned, fmts))
                .collect();
            for r in rendered {
                let files = match r {
                    Ok(f) => f,
                    Err(d) => {
                        discard(&staged);
                        return stop(o, &[d]);
                    }
                };
                for f in files {
                    if let Err(e) = folder.stage(&f.name, &f.bytes) {
                        discard(&staged);
                        return Err(e).with_context(|| {
                            format!("impossible d'écrire {}", folder.path(&f.name).display())
                        });
                    }
                    if let Some(r) = entry.files.get_mut(&f.name) {
                        r.bytes = crate::hash::content_hash(&f.bytes);
                    }
                    staged.push(f.name);
                }
            }
        }
        for (i, name) in staged.iter().enumerate() {
            if let Err(e) = folder.commit(name) {
                discard(&staged[i + 1..]);
                return Err(e).with_context(|| {
                    format!("impossible d'écrire {}", folder.path(name).display())
                });
            }
            o.written += 1;
        }
    }
    // Files of documents this dossier no longer calls for (a row or an annex removed).
    if let Some(p) = previous
        && let Some(folder) = out.existing(dir)
    {
        let stems: BTreeSet<&str> = plan.docs.iter().map(|d| d.doc.stem.as_str()).collect();
        for (file, record) in &p.files {
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            if !stems.contains(stem)
                && folder.remove_if(file, |b| crate::hash::content_hash(b) == record.bytes)
            {
                o.removed.push(folder.path(file));
            }
        }
    }
    if !o.failed {
        entry.inputs = whole_hash(l, &plan.templates, &formats, b).hex();
    }
    o.entry = Some((root.clone(), name.clone(), entry));
    Ok(o)
}

/// Why the files of a sub-folder cannot be written.
enum Refusal {
    /// Something delib refuses to write through or replace (a link, a FIFO):
    /// a finding of the dossier, the others go on.
    Finding(Diagnostic),
    /// The disk (full, read-only…): the run stops, the folder named.
    Io(anyhow::Error),
}

/// The sub-folder `dir` of the output, open and cleaned of temporary files,
/// once every file to write there is known to be replaceable (absent or a
/// regular file): a dossier whose one file cannot be written writes none.
/// None when there is nothing to write.
fn writable<'o>(
    out: &'o OutputDir,
    dir: &Path,
    names: &[&str],
) -> Result<Option<crate::output::Folder<'o>>, Refusal> {
    if names.is_empty() {
        return Ok(None);
    }
    let finding = |e: std::io::Error, what: Option<&str>| {
        match crate::output::refusal(&e) {
        Some(why) => Refusal::Finding(
            Diagnostic::error(
                "sortie-refusee",
                match what {
                    Some(file) => format!("{file} : {why}"),
                    None => why.to_owned(),
                },
            )
            .hint("supprimez ou renommez ce qui occupe la place : delib ne remplace que des fichiers ordinaires et n'écrit jamais à travers un lien symbolique"),
        ),
        None => Refusal::Io(anyhow::Error::new(e).context(format!(
            "impossible d'écrire dans {}",
            out.root().join(dir).display()
        ))),
    }
    };
    let folder = out.folder(dir).map_err(|e| finding(e, None))?;
    for &name in names {
        folder
            .replaceable(name)
            .map_err(|e| finding(e, Some(&folder.path(name).display().to_string())))?;
    }
    folder.clean();
    Ok(Some(folder))
}

/// Everything a dossier as a whole depends on, with the options that shape its outputs.
fn whole_hash(
    l: &Loaded,
    tpl: &crate::templates::Templates,
    formats: &[Format],
    b: &Batch,
) -> Hash {
    with_options(engine::whole_inputs(l, tpl, b.tool), formats, b)
}

/// `h` followed by the options of this run that shape the outputs.
fn with_options(mut h: Hash, formats: &[Format], b: &Batch) -> Hash {
    for f in formats {
        h = h.feed(f.ext().as_bytes());
    }
    for k in &b.only {
        h = h.feed(k.as_bytes());
    }
    h.feed(&[u8::from(b.args.deny_warnings)])
}

/// The fast path of a re-run: a dossier whose inputs, templates and options are
/// those of the last successful run, with every file still there, is left as it is
/// (not even re-checked: the same inputs give the same findings).
fn unchanged(u: &Unit, t: &Target, b: &Batch) -> Option<Outcome> {
    let (l, (root, name), previous) = (u.loaded.as_ref()?, t.place.ok()?, t.previous?);
    let args = b.args;
    if args.force || u.blocked(args.deny_warnings) || previous.inputs.is_empty() {
        return None;
    }
    let formats = engine::formats_for(l, &b.cli_formats).ok()?;
    let tpl = b.templates.of(l).ok()?;
    if whole_hash(l, &tpl, &formats, b).hex() != previous.inputs {
        return None;
    }
    let dir = root.join(name);
    if !previous.files.keys().all(|f| dir.join(f).is_file()) {
        return None;
    }
    let selected = |file: &str| {
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        let family = crate::build::family_of_stem(stem);
        formats.iter().any(|f| f.ext() == ext)
            && (b.only.is_empty() || b.only.iter().any(|k| k == family))
    };
    // Not re-checked, but its warnings are shown again: those across the
    // batch as found now, its own as recorded.
    let mut report = String::new();
    if !b.quiet {
        for d in &u.diagnostics {
            report.push_str(&d.render());
            report.push('\n');
        }
        report.push_str(&previous.warnings);
    }
    Some(Outcome {
        report,
        unchanged: previous.files.keys().filter(|f| selected(f)).count(),
        entry: Some((
            root.clone(),
            name.clone(),
            Entry {
                source: t.source.to_owned(),
                ..previous.clone()
            },
        )),
        ..Outcome::default()
    })
}

// ---------------------------------------------------------------------------
// The séances: one job per séance file found, after its dossiers.

/// One séance of the run: where its documents go and what they are made of.
struct SeanceJob<'a> {
    found: &'a FoundSeance,
    /// Its dossiers (indices in the run's units), in the ordre du jour.
    members: Vec<usize>,
    /// Output folder: its first dossier's.
    root: PathBuf,
    formats: Vec<Format>,
    /// [`engine::seance_inputs`] with the options that shape the outputs.
    inputs: String,
    /// Where the séance file is, from the output folder (`crate::disk::relative`).
    source: String,
    previous: Option<&'a Entry>,
    /// Nothing to do: same inputs as the last successful run, every file there.
    unchanged: bool,
    /// Why it is not rendered (a dossier of the séance could not be loaded…).
    skipped: Option<String>,
}

/// The séance jobs of a run, and the checks their dossiers need: a séance
/// whose inputs changed needs every one of its dossiers checked and derived,
/// even those whose own documents are unchanged.
fn plan_seances<'a>(
    units: &mut [Unit],
    seances: &'a [FoundSeance],
    places: &[Result<(PathBuf, String), Diagnostic>],
    manifests: &'a BTreeMap<PathBuf, Manifest>,
    b: &Batch,
) -> Vec<SeanceJob<'a>> {
    let mut jobs = Vec::new();
    for found in seances {
        // Its folder is named like a dossier's: never a hidden or empty part.
        if crate::discover::output_name_problem(&found.out).is_some() {
            continue;
        }
        let members = engine::members_of_seance(units, &found.real);
        // Its first dossier that could be loaded gives its place and formats.
        let Some((first, l)) = members
            .iter()
            .find_map(|&i| Some((i, units[i].loaded.as_ref()?)))
        else {
            continue;
        };
        let Ok((root, _)) = &places[first] else {
            continue;
        };
        // A bad `[rendu] formats` is the first dossier's error, reported there.
        let Ok(formats) = engine::formats_for(l, &b.cli_formats) else {
            continue;
        };
        let loaded: Vec<&Loaded> = members
            .iter()
            .filter_map(|&i| units[i].loaded.as_ref())
            .collect();
        let inputs = with_options(
            engine::seance_inputs(&loaded, b.templates, b.tool),
            &formats,
            b,
        )
        .hex();
        let previous = manifests.get(root).and_then(|m| m.seances.get(&found.out));
        let source = b
            .outputs
            .get(root)
            .and_then(|out| crate::disk::relative(out.real(), &found.real))
            .unwrap_or_default();
        // A dossier that could not even be loaded: the séance waits for it.
        let skipped = members
            .iter()
            .map(|&i| &units[i])
            .find(|u| u.loaded.is_none())
            .map(|u| not_rendered(&u.path));
        let unchanged = skipped.is_none()
            && !b.args.force
            && previous.is_some_and(|p| {
                p.inputs == inputs
                    && p.files
                        .keys()
                        .all(|f| root.join(&found.out).join(f).is_file())
            });
        jobs.push(SeanceJob {
            found,
            members,
            root: root.clone(),
            formats,
            inputs,
            source,
            previous,
            unchanged,
            skipped,
        });
    }
    // Check (once) the dossiers of the séances to render again.
    let mut to_check = vec![false; units.len()];
    for j in jobs.iter().filter(|j| !j.unchanged) {
        for &i in &j.members {
            to_check[i] = true;
        }
    }
    units
        .par_iter_mut()
        .zip(to_check.par_iter())
        .filter(|(_, c)| **c)
        .for_each(|(u, _)| u.check());
    for j in jobs
        .iter_mut()
        .filter(|j| !j.unchanged && j.skipped.is_none())
    {
        j.skipped = j
            .members
            .iter()
            .map(|&i| &units[i])
            .find(|u| u.failed(b.args.deny_warnings))
            .map(|u| not_rendered(&u.path));
    }
    jobs
}

/// Why a séance is not rendered: one of its dossiers is in error.
fn not_rendered(dossier: &Path) -> String {
    format!(
        "{} est en erreur : documents de la séance non rendus, les précédents sont conservés",
        dossier.display()
    )
}

/// Renders the documents of one séance and writes those whose bytes changed.
fn render_seance(j: &SeanceJob, units: &[Unit], b: &Batch) -> anyhow::Result<Outcome> {
    let mut o = Outcome::default();
    let selected = b.only.is_empty() || b.only.iter().any(|k| k == "seance");
    let asked = |file: &str| {
        let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
        selected && j.formats.iter().any(|f| f.ext() == ext)
    };
    if j.unchanged {
        o.unchanged = j
            .previous
            .map_or(0, |p| p.files.keys().filter(|f| asked(f)).count());
        o.entry = j.previous.map(|p| {
            let entry = Entry {
                source: j.source.clone(),
                ..p.clone()
            };
            (j.root.clone(), j.found.out.clone(), entry)
        });
        return Ok(o);
    }
    if let Some(why) = &j.skipped {
        o.report = format!("{} : {why}\n\n", j.found.path.display());
        return Ok(o);
    }
    let Some(out) = b.outputs.get(&j.root) else {
        return Ok(o);
    };
    let files = if selected {
        let members: Vec<&Unit> = j.members.iter().map(|&i| &units[i]).collect();
        match engine::render_seance(&members, b.templates, &j.formats) {
            Ok(f) => f,
            Err(diags) => {
                diags.iter().for_each(|d| o.note(d));
                o.failed = true;
                o.report.push_str(&format!(
                    "{} : documents de la séance non rendus, rien n'a été écrit\n\n",
                    j.found.path.display()
                ));
                return Ok(o);
            }
        }
    } else {
        Vec::new()
    };
    let previous = j.previous;
    let dir = Path::new(j.found.out.as_str());
    let mut entry = Entry {
        source: j.source.clone(),
        inputs: j.inputs.clone(),
        files: BTreeMap::new(),
        warnings: String::new(),
    };
    // Not asked for this time: keep what the last run recorded.
    if let Some(p) = previous {
        for (file, r) in p.files.iter().filter(|(f, _)| !asked(f)) {
            entry.files.insert(file.clone(), r.clone());
        }
    }
    // Rewritten only when its bytes changed: one vote changed rewrites the
    // procès-verbal, not the convocation.
    let mut changed = Vec::new();
    for f in &files {
        let bytes = crate::hash::content_hash(&f.bytes);
        let same = !b.args.force
            && previous
                .and_then(|p| p.files.get(&f.name))
                .is_some_and(|r| r.bytes == bytes)
            && out.root().join(dir).join(&f.name).is_file();
        if same {
            o.unchanged += 1;
        } else {
            changed.push(f);
        }
        entry.files.insert(
            f.name.clone(),
            FileRecord {
                inputs: j.inputs.clone(),
                bytes,
            },
        );
    }
    let names: Vec<&str> = changed.iter().map(|f| f.name.as_str()).collect();
    let folder = match writable(out, dir, &names) {
        Ok(f) => f,
        Err(Refusal::Finding(d)) => {
            o.note(&d);
            o.failed = true;
            o.report.push_str(&format!(
                "{} : documents de la séance non écrits\n\n",
                j.found.path.display()
            ));
            return Ok(o);
        }
        Err(Refusal::Io(e)) => return Err(e),
    };
    if let Some(folder) = &folder {
        for f in changed {
            folder.write(&f.name, &f.bytes).with_context(|| {
                format!("impossible d'écrire {}", folder.path(&f.name).display())
            })?;
            o.written += 1;
        }
    }
    // Documents the séance no longer calls for (a vote removed: no procès-verbal).
    if let Some(p) = previous
        && let Some(folder) = out.existing(dir)
    {
        for (file, record) in p.files.iter().filter(|(f, _)| asked(f)) {
            if !entry.files.contains_key(file)
                && folder.remove_if(file, |b| crate::hash::content_hash(b) == record.bytes)
            {
                o.removed.push(folder.path(file));
            }
        }
    }
    o.entry = Some((j.root.clone(), j.found.out.clone(), entry));
    Ok(o)
}
