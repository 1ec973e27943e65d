//! `delib render`: dossiers in, documents out — in parallel, incrementally,
//! and safely (atomic writes; a dossier in error keeps its previous outputs).

use super::Checked;
use crate::build::{self, Doc, Format};
use crate::cli::RenderArgs;
use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Loaded};
use crate::manifest::{self, Entry, Hash, Manifest};
use crate::partners::Partner;
use crate::templates::Templates;
use anyhow::Context as _;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// What every dossier of a run shares.
struct Batch<'a> {
    templates: HashMap<Option<PathBuf>, Result<Templates, Diagnostic>>,
    cli_formats: Vec<Format>,
    only: Vec<String>,
    args: &'a RenderArgs,
    quiet: bool,
    tool: Hash,
}

/// Where one dossier goes, and what the last run left there.
struct Target<'a> {
    /// Output folder and the dossier's sub-folder.
    place: Option<&'a (PathBuf, String)>,
    /// Another dossier already writes into the same sub-folder.
    collision: Option<&'a Diagnostic>,
    previous: Option<&'a Entry>,
}

impl Outcome {
    /// Adds a finding to the dossier's report.
    fn note(&mut self, d: &Diagnostic) {
        self.report.push_str(&d.render());
        self.report.push('\n');
    }
}

/// Runs the command; returns the exit status.
pub fn run(args: &RenderArgs, quiet: bool) -> anyhow::Result<u8> {
    let start = Instant::now();
    if let Some(n) = args.jobs {
        // Ignored when the pool already exists (only in tests calling run twice).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let cli_formats = parse_formats(&args.format)?;
    let only = parse_only(&args.only)?;
    let dossiers = super::find_dossiers(&args.paths)?;
    // Load everything (checks across the batch need every dossier), but check
    // and derive a dossier only when it has to be rendered again.
    let mut checked = super::load_all(&dossiers);
    super::check_batch(&mut checked);
    let batch = Batch {
        templates: load_templates(&checked),
        cli_formats,
        only,
        args,
        quiet,
        tool: manifest::tool_id(),
    };

    // Output folders, their manifests, and one sub-folder per dossier.
    let mut roots: BTreeMap<PathBuf, Manifest> = BTreeMap::new();
    let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut targets: Vec<Option<(PathBuf, String)>> = Vec::with_capacity(checked.len());
    let mut collisions: Vec<Option<Diagnostic>> = Vec::with_capacity(checked.len());
    for c in &checked {
        let target = c
            .loaded
            .as_ref()
            .map(|l| (output_dir(l, args), dossier_name(&c.path)));
        let mut collision = None;
        if let Some((root, name)) = &target {
            roots
                .entry(root.clone())
                .or_insert_with(|| Manifest::load(root));
            if let Some(first) = claimed.insert(root.join(name), c.path.clone()) {
                collision = Some(
                    Diagnostic::error(
                        "nom-en-double",
                        format!("{} et {} écriraient dans le même répertoire {}", first.display(), c.path.display(), root.join(name).display()),
                    )
                    .hint("renommez l'un des deux fichiers : le nom du dossier donne celui du répertoire de sortie"),
                );
                claimed.insert(root.join(name), first);
            }
        }
        targets.push(target);
        collisions.push(collision);
    }

    let progress = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(checked.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} dossiers  {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let outcomes: Vec<anyhow::Result<Outcome>> = checked
        .par_iter_mut()
        .zip(targets.par_iter())
        .zip(collisions.par_iter())
        .map(|((c, target), collision)| {
            let previous = target
                .as_ref()
                .and_then(|(root, _)| roots.get(root))
                .and_then(|m| m.dossiers.get(&key(&c.path)));
            let result = render_one(
                c,
                &Target {
                    place: target.as_ref(),
                    collision: collision.as_ref(),
                    previous,
                },
                &batch,
            );
            if let Some(bar) = &progress {
                bar.inc(1);
                bar.set_message(
                    crate::diag::for_terminal(&c.path.display().to_string()).into_owned(),
                );
            }
            result
        })
        .collect();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let (mut failed, mut written, mut unchanged, mut removed) =
        (0usize, 0usize, 0usize, Vec::new());
    let mut rendered_keys: BTreeSet<String> = BTreeSet::new();
    for (c, outcome) in checked.iter().zip(outcomes) {
        let o = outcome?;
        eprint!("{}", crate::diag::for_terminal(&o.report));
        failed += usize::from(o.failed);
        written += o.written;
        unchanged += o.unchanged;
        removed.extend(o.removed);
        rendered_keys.insert(key(&c.path));
        if let Some((root, k, entry)) = o.entry
            && let Some(m) = roots.get_mut(&root)
        {
            m.dossiers.insert(k, entry);
        }
    }
    // Dossiers that disappeared since the last run: their outputs go too.
    for (root, m) in &mut roots {
        let gone: Vec<String> = m
            .dossiers
            .keys()
            .filter(|k| !rendered_keys.contains(*k) && !Path::new(k).exists())
            .cloned()
            .collect();
        for k in gone {
            if let Some(entry) = m.dossiers.remove(&k) {
                let dir = root.join(&entry.dir);
                for name in entry.files.keys() {
                    if std::fs::remove_file(dir.join(name)).is_ok() {
                        removed.push(dir.join(name));
                    }
                }
                let _ = std::fs::remove_dir(&dir);
            }
        }
        m.save(root)
            .with_context(|| format!("impossible d'écrire le manifeste dans {}", root.display()))?;
    }
    if !quiet {
        removed.sort();
        for r in &removed {
            eprintln!(
                "supprimé   {}",
                crate::diag::for_terminal(&r.display().to_string())
            );
        }
        eprintln!(
            "{}",
            summary(
                checked.len(),
                written,
                unchanged,
                removed.len(),
                failed,
                start.elapsed()
            )
        );
    }
    Ok(u8::from(failed > 0))
}

/// "3 dossiers : 30 documents écrits, 0 inchangé, 0 supprimé, 0 en erreur, en 0,04 s".
fn summary(
    dossiers: usize,
    written: usize,
    unchanged: usize,
    removed: usize,
    failed: usize,
    t: std::time::Duration,
) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    let mut line = format!(
        "{dossiers} dossier{} : {written} document{} écrit{}, {unchanged} inchangé{}, {removed} supprimé{}, {failed} en erreur, en {:.2} s",
        s(dossiers),
        s(written),
        s(written),
        s(unchanged),
        s(removed),
        t.as_secs_f64()
    );
    if written == 0 && removed == 0 && failed == 0 {
        line.push_str(" — rien à refaire");
    }
    line.replace('.', ",")
}

/// The manifest key of a dossier: its absolute path.
fn key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn parse_formats(list: &[String]) -> anyhow::Result<Vec<Format>> {
    let mut out = Vec::new();
    for s in list {
        let f = Format::parse(s).with_context(|| {
            format!("format inconnu « {s} » (formats possibles : md, html, pdf)")
        })?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out.sort();
    Ok(out)
}

fn parse_only(list: &[String]) -> anyhow::Result<Vec<String>> {
    const KINDS: [&str; 4] = ["rapport", "deliberation", "convention", "annexe"];
    list.iter()
        .map(|s| {
            let s = s.trim().to_lowercase().replace('é', "e");
            let s = s
                .strip_suffix('s')
                .filter(|x| KINDS.contains(x))
                .map(str::to_owned)
                .unwrap_or(s);
            if KINDS.contains(&s.as_str()) {
                Ok(s)
            } else {
                anyhow::bail!(
                    "document inconnu « {s} » pour --only (documents possibles : {})",
                    KINDS.join(", ")
                )
            }
        })
        .collect()
}

/// Each distinct template folder, loaded once (or its error).
fn load_templates(checked: &[Checked]) -> HashMap<Option<PathBuf>, Result<Templates, Diagnostic>> {
    let mut out = HashMap::new();
    for l in checked.iter().filter_map(|c| c.loaded.as_ref()) {
        if let Ok(dir) = templates_dir(l)
            && !out.contains_key(&dir)
        {
            let t = Templates::load(dir.as_deref());
            out.insert(dir, t);
        }
    }
    out
}

/// Renders one checked dossier: only the files whose inputs changed.
fn render_one(c: &mut Checked, t: &Target, b: &Batch) -> anyhow::Result<Outcome> {
    let (args, only) = (b.args, &b.only[..]);
    if let Some(o) = unchanged(c, t, b) {
        return Ok(o);
    }
    c.check();
    let c = &*c;
    let mut o = Outcome::default();
    // Every finding that stops this dossier is shown, even with -q.
    for d in &c.diagnostics {
        if !b.quiet || d.severity == Severity::Error || args.deny_warnings {
            o.note(d);
        }
    }
    let stop = |mut o: Outcome, diags: &[Diagnostic]| {
        diags.iter().for_each(|d| o.note(d));
        o.failed = true;
        o.report.push_str(&format!(
            "{} : non rendu, rien n'a été écrit\n\n",
            c.path.display()
        ));
        Ok(o)
    };
    let (Some(l), Some(model), Some((root, name))) = (&c.loaded, &c.model, t.place) else {
        return stop(o, &[]);
    };
    if let Some(d) = t.collision {
        return stop(o, std::slice::from_ref(d));
    }
    if c.failed(args.deny_warnings) {
        if !c.failed(false) {
            o.report.push_str(&format!(
                "{} : avertissements refusés par --deny-warnings\n",
                c.path.display()
            ));
        }
        return stop(o, &[]);
    }
    let prepared = formats_for(l, &b.cli_formats).and_then(|f| Ok((f, templates_dir(l)?)));
    let (formats, tdir) = match prepared {
        Ok(x) => x,
        Err(d) => return stop(o, &[d]),
    };
    let tpl = match b.templates.get(&tdir) {
        Some(Ok(t)) => t,
        Some(Err(d)) => return stop(o, std::slice::from_ref(d)),
        None => return stop(o, &[]),
    };
    // Partners: a bad row is reported and left out, the others render; a
    // file that cannot be read as a list of partners (empty, no `nom`
    // column) is an error of the dossier: nothing is written.
    let partners: Option<Vec<Partner>> = match l.partenaires.as_ref() {
        Some(src) => {
            let (rows, diags) = crate::partners::parse(src, tpl.partner_columns());
            if crate::partners::unusable(&diags) {
                return stop(o, &diags);
            }
            diags.iter().for_each(|d| o.note(d));
            o.failed |= !diags.is_empty();
            Some(rows)
        }
        None => None,
    };
    let all_docs = build::documents(model, partners.as_deref());
    let inputs = dossier_inputs(l, b.tool);
    let dir = root.join(name);
    let mut entry = Entry {
        dir: name.clone(),
        inputs: String::new(),
        files: BTreeMap::new(),
    };
    let mut stale: Vec<(&Doc, Vec<Format>)> = Vec::new();
    for doc in &all_docs {
        let selected = only.is_empty() || only.iter().any(|f| f == doc.kind.family());
        let mut todo = Vec::new();
        for f in Format::ALL {
            let file = format!("{}.{}", doc.stem, f.ext());
            let old = t.previous.and_then(|p| p.files.get(&file));
            if !selected || !formats.contains(&f) {
                // Not asked for this time: keep what the last run recorded.
                if let Some(h) = old {
                    entry.files.insert(file, h.clone());
                }
                continue;
            }
            let hash = file_hash(inputs, tpl, doc, f, partners.as_deref()).hex();
            if !args.force && old == Some(&hash) && dir.join(&file).is_file() {
                o.unchanged += 1;
            } else {
                todo.push(f);
            }
            entry.files.insert(file, hash);
        }
        if !todo.is_empty() {
            stale.push((doc, todo));
        }
    }
    // Render everything first: nothing is written unless every document rendered.
    let base = match build::context(model) {
        Ok(b) => b,
        Err(d) => return stop(o, &[d]),
    };
    let mut files = Vec::new();
    for (doc, fmts) in stale {
        match build::render_doc(
            model,
            &base,
            partners.as_deref().unwrap_or(&[]),
            doc,
            tpl,
            &fmts,
        ) {
            Ok(f) => files.extend(f),
            Err(d) => return stop(o, &[d]),
        }
    }
    remove_stale_temporaries(&dir);
    for f in &files {
        let path = dir.join(&f.name);
        crate::output::write_atomic(&path, &f.bytes)
            .with_context(|| format!("impossible d'écrire {}", path.display()))?;
        o.written += 1;
    }
    // Files of documents this dossier no longer calls for (a row or an annex removed).
    if let Some(p) = t.previous {
        let stems: BTreeSet<&str> = all_docs.iter().map(|d| d.stem.as_str()).collect();
        for file in p.files.keys() {
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            if !stems.contains(stem) && std::fs::remove_file(dir.join(file)).is_ok() {
                o.removed.push(dir.join(file));
            }
        }
    }
    if !o.failed {
        entry.inputs = whole_hash(inputs, l, tpl, &formats, only, args).hex();
    }
    o.entry = Some((root.clone(), key(&c.path), entry));
    Ok(o)
}

/// Everything a dossier as a whole depends on, with the options that shape its outputs.
fn whole_hash(
    inputs: Hash,
    l: &Loaded,
    tpl: &Templates,
    formats: &[Format],
    only: &[String],
    args: &RenderArgs,
) -> Hash {
    let mut h = inputs;
    if let Some(src) = &l.partenaires {
        h = h.feed(src.text.as_bytes());
    }
    h = h.feed(tpl.hash().as_bytes());
    for f in formats {
        h = h.feed(f.ext().as_bytes());
    }
    for k in only {
        h = h.feed(k.as_bytes());
    }
    h.feed(&[u8::from(args.deny_warnings)])
}

/// The fast path of a re-run: a dossier whose inputs, templates and options are
/// those of the last successful run, with every file still there, is left as it is
/// (not even re-checked: the same inputs give the same findings).
fn unchanged(c: &Checked, t: &Target, b: &Batch) -> Option<Outcome> {
    let (l, (root, name), previous) = (c.loaded.as_ref()?, t.place?, t.previous?);
    let args = b.args;
    if args.force
        || t.collision.is_some()
        || c.blocked(args.deny_warnings)
        || previous.inputs.is_empty()
    {
        return None;
    }
    let formats = formats_for(l, &b.cli_formats).ok()?;
    let Some(Ok(tpl)) = b.templates.get(&templates_dir(l).ok()?) else {
        return None;
    };
    if whole_hash(dossier_inputs(l, b.tool), l, tpl, &formats, &b.only, args).hex()
        != previous.inputs
    {
        return None;
    }
    let dir = root.join(name);
    if !previous.files.keys().all(|f| dir.join(f).is_file()) {
        return None;
    }
    let selected = |file: &str| {
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        let family = stem.split('-').next().unwrap_or(stem);
        formats.iter().any(|f| f.ext() == ext)
            && (b.only.is_empty() || b.only.iter().any(|k| k == family))
    };
    Some(Outcome {
        unchanged: previous.files.keys().filter(|f| selected(f)).count(),
        entry: Some((root.clone(), key(&c.path), previous.clone())),
        ..Outcome::default()
    })
}

/// The inputs every document of a dossier depends on.
fn dossier_inputs(l: &Loaded, tool: Hash) -> Hash {
    let mut h = tool.feed(l.source.text.as_bytes());
    if let Some((_, src)) = &l.seance
        && !std::sync::Arc::ptr_eq(src, &l.source)
    {
        h = h.feed(src.text.as_bytes());
    }
    if let Some((_, src)) = &l.projet {
        h = h.feed(src.text.as_bytes());
    }
    h
}

/// Everything one output file depends on.
fn file_hash(
    inputs: Hash,
    tpl: &Templates,
    doc: &Doc,
    f: Format,
    partners: Option<&[Partner]>,
) -> Hash {
    let mut h = inputs
        .feed(f.ext().as_bytes())
        .feed(doc.stem.as_bytes())
        .feed(tpl.text(doc.kind.template()).as_bytes());
    if f != Format::Md {
        h = h.feed(tpl.text("style.css").as_bytes());
    }
    if let (build::Kind::Convention(Some(i)), Some(list)) = (doc.kind, partners)
        && let Some(p) = list.get(i)
    {
        h = h.feed(p.row_text.as_bytes());
        for (k, v) in &p.columns {
            h = h.feed(k.as_bytes()).feed(v.as_bytes());
        }
    }
    h
}

/// Temporary files left by a run that was killed mid-write.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The output folder name of a dossier: its file stem.
pub fn dossier_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "dossier".into(), |s| s.to_string_lossy().into_owned())
}

fn output_dir(l: &Loaded, args: &RenderArgs) -> PathBuf {
    if let Some(o) = &args.output {
        return o.clone();
    }
    match &l.rendu.sortie {
        Some(s) => l.root.join(s.get_ref()),
        None => PathBuf::from("output"),
    }
}

/// The formats to write: `--format`, else `[rendu] formats`, else all three.
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

/// The file that set `[rendu]`: the dossier when it has one, else delib.toml.
fn config_source(l: &Loaded) -> std::sync::Arc<crate::diag::Source> {
    match (&l.dossier.rendu, &l.projet) {
        (None, Some((_, src))) => src.clone(),
        _ => l.source.clone(),
    }
}

/// The templates folder of a dossier's project: `[rendu] templates`, else `templates/`
/// beside delib.toml when it exists, else None (built-ins).
pub fn templates_dir(l: &Loaded) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(t) = &l.rendu.templates else {
        let d = l.root.join("templates");
        return Ok(d.is_dir().then_some(d));
    };
    let src = config_source(l);
    let base = src.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    match load::resolve_inside(&l.root, &base, t.get_ref()).filter(|d| d.is_dir()) {
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
