//! The packages as a sink (`delib export`): the SCDL open-data file and the
//! @ctes packages for the préfecture, written from the engine's checked
//! units.
//!
//! The SCDL file is one file written atomically (or standard output). The
//! @ctes packages are folders under one output folder, locked for the run;
//! `.delib-actes.json` records, per package, where its dossier was and the
//! bytes of each file, so that a later run removes only what it wrote (a
//! package renamed, or of an act that became a draft or was deleted). What
//! a clerk reads along the way goes to the caller's `say`.

use crate::build::{Format, Kind};
use crate::diag::Diagnostic;
use crate::engine::Project;
use crate::french::Date;
use crate::publish::{self, Act, actes};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// What `delib export scdl` asks (its options, as the front end parsed them).
pub struct ScdlOptions {
    /// The folder of the dossiers.
    pub folder: PathBuf,
    /// The file to write; `-`: standard output.
    pub output: PathBuf,
    /// The address of the site `delib publish` writes, for DELIB_URL.
    pub url: Option<String>,
    /// The day the file is made for.
    pub today: Date,
}

/// What an SCDL export did.
pub struct ScdlSummary {
    /// Rows written.
    pub exported: usize,
    /// Drafts left out.
    pub drafts: usize,
    /// Rejected acts left out (the file lists the adopted ones).
    pub rejected: usize,
    /// Dossiers in error, files refused, rows the schema would refuse.
    pub left_out: usize,
}

/// Writes the SCDL file of the acts of `args.folder`: one row per adopted
/// act, the others counted; a row the schema would refuse is left out with
/// its findings.
pub fn scdl(
    args: &ScdlOptions,
    quiet: bool,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<ScdlSummary> {
    let mut project = Project::load_folder(&args.folder, quiet, say)?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project, say);
    let mut rows = Vec::new();
    let (mut drafts, mut rejected) = (0, 0);
    for act in &acts {
        if act.is_draft() {
            drafts += 1;
            continue;
        }
        // The schema lists the délibérations adoptées.
        if act.is_rejected() {
            if !quiet {
                say!(
                    say,
                    "{} : délibération rejetée, non exportée (le fichier SCDL ne liste que les délibérations adoptées)",
                    act.source().path.display()
                );
            }
            rejected += 1;
            continue;
        }
        match publish::scdl::row(act, args.url.as_deref(), args.today) {
            Ok((r, warnings)) => {
                if !quiet {
                    for d in &warnings {
                        say!(say, "{}", d.render());
                    }
                }
                rows.push(r);
            }
            Err(diags) => {
                for d in &diags {
                    say!(say, "{}", d.render());
                }
                say!(
                    say,
                    "{} : ligne non écrite (valeur exigée par le schéma SCDL manquante ou incorrecte)\n",
                    act.source().path.display()
                );
                left_out += 1;
            }
        }
    }
    let text = publish::scdl::csv(&rows);
    // `-o -`: standard output, for a pipe; else a file written atomically
    // (a link, a FIFO or a device there is refused, never replaced).
    if args.output.as_os_str() == "-" {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("impossible d'écrire sur la sortie standard")?;
    } else {
        crate::output::write_atomic(&args.output, text.as_bytes())
            .with_context(|| format!("impossible d'écrire {}", args.output.display()))?;
    }
    Ok(ScdlSummary {
        exported: rows.len(),
        drafts,
        rejected,
        left_out,
    })
}

/// What `delib export actes` asks (its options, as the front end parsed them).
pub struct ActesOptions {
    /// The folder of the dossiers.
    pub folder: PathBuf,
    /// The folder of the packages.
    pub output: PathBuf,
    /// The day the packages are made for.
    pub today: Date,
    /// The version of the classification (`--classification`); None: each
    /// act's decision date.
    pub classification: Option<Date>,
    /// Package again the acts the préfecture already received.
    pub include_received: bool,
}

/// What an @ctes export did.
pub struct ActesSummary {
    /// Packages written.
    pub ready: usize,
    /// Acts already received by the préfecture.
    pub received: usize,
    /// Acts not to transmit (rejected, or `transmettre = false`).
    pub other: usize,
    /// Drafts, and acts with no nature or matière.
    pub drafts: usize,
    /// Dossiers in error, files refused, packages not written.
    pub left_out: usize,
    /// Files an earlier run wrote and this one removed, sorted.
    pub removed: Vec<PathBuf>,
}

/// The manifest of a folder of @ctes packages: per package folder, where
/// its dossier was (from the output folder, `crate::disk::relative`) and the
/// bytes of each file.
pub const ACTES_MANIFEST: &str = ".delib-actes.json";

/// The files of one package: name and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// Writes the @ctes package of each act of `args.folder` to transmit: every
/// package is built in memory first, then written under the output folder's
/// lock, each file atomically, then the manifest; what an earlier run wrote
/// for acts now left out is removed.
pub fn actes(
    args: &ActesOptions,
    quiet: bool,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<ActesSummary> {
    use crate::manifest::{Entry, FileRecord, Manifest};
    let mut project = Project::load_folder(&args.folder, quiet, say)?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project, say);
    let tool = crate::hash::tool_id();

    // Build every package in memory first.
    let mut packages: Vec<(&Act, String, Entry, Files)> = Vec::new();
    let mut dropped: Vec<&Act> = Vec::new();
    let (mut drafts, mut received, mut other) = (0usize, 0usize, 0usize);
    for act in &acts {
        if let Some(why) = actes::left_out(act, args.include_received) {
            match why {
                actes::LeftOut::Draft | actes::LeftOut::NotConcerned => drafts += 1,
                actes::LeftOut::Received(_) => received += 1,
                _ => other += 1,
            }
            if !quiet && why != actes::LeftOut::Draft {
                say!(
                    say,
                    "{} : non empaqueté, {}",
                    act.source().path.display(),
                    why.why()
                );
            }
            if !why.keeps_package() {
                dropped.push(act);
            }
            continue;
        }
        let result = actes::meta(act, args.today)
            .and_then(|m| package(act, &project.templates, tool).map(|f| (m, f)));
        let (meta, (act_pdf, annexes)) = match result {
            Ok(x) => x,
            Err(diags) => {
                for d in &diags {
                    say!(say, "{}", d.render());
                }
                say!(
                    say,
                    "{} : paquet @ctes non écrit\n",
                    act.source().path.display()
                );
                left_out += 1;
                continue;
            }
        };
        let base = meta.base_name();
        let act_name = format!("{base}_1.pdf");
        let annex_names: Vec<String> = (0..annexes.len())
            .map(|i| format!("{base}_{}.pdf", i + 2))
            .collect();
        let xml = actes::message(
            &meta,
            args.classification.unwrap_or(meta.id.date),
            &act_name,
            &annex_names,
        );
        let mut files = vec![(format!("{base}_0.xml"), xml), (act_name, act_pdf)];
        files.extend(annex_names.into_iter().zip(annexes));
        let entry = Entry {
            files: files
                .iter()
                .map(|(n, b)| {
                    let record = FileRecord {
                        inputs: String::new(),
                        bytes: crate::hash::content_hash(b),
                    };
                    (n.clone(), record)
                })
                .collect(),
            ..Entry::default()
        };
        packages.push((act, base, entry, files));
    }
    if args.classification.is_none() && !packages.is_empty() && !quiet {
        say!(
            say,
            "avertissement : date de version de la classification non donnée (--classification AAAA-MM-JJ) ; \
             la date de décision de chaque acte est écrite à sa place"
        );
    }

    // Write under the output folder's lock: each file atomically, then the
    // manifest; remove what an earlier run wrote for acts now left out.
    let out = crate::output::OutputDir::open(&args.output, || {
        eprintln!(
            "un autre delib écrit dans {} : attente de la fin de son export…",
            args.output.display()
        );
    })
    .with_context(|| {
        format!(
            "impossible de créer le répertoire {}",
            args.output.display()
        )
    })?;
    let (mut manifest, warning) = Manifest::load_named(&out, ACTES_MANIFEST);
    if let Some(w) = warning {
        say!(say, "{w}");
    }
    let mut removed = Vec::new();
    // Where a dossier is, from the output folder, as its entry notes it.
    let source =
        |act: &Act| crate::disk::relative(out.real(), &act.source().path).unwrap_or_default();
    let mut remove_where = |manifest: &mut Manifest, which: &dyn Fn(&str, &Entry) -> bool| {
        let dirs: Vec<String> = manifest
            .dossiers
            .iter()
            .filter(|(dir, e)| which(dir, e))
            .map(|(dir, _)| dir.clone())
            .collect();
        for dir in dirs {
            if let Some(old) = manifest.dossiers.remove(&dir) {
                removed.extend(crate::manifest::remove_entry(&out, &dir, &old));
            }
        }
    };
    // Acts left out now (a draft), and dossiers deleted since the last run
    // (not a package written now: a project moved keeps its packages).
    let dropped: Vec<String> = dropped.iter().map(|a| source(a)).collect();
    let bases: Vec<String> = packages.iter().map(|p| p.1.clone()).collect();
    remove_where(&mut manifest, &|dir, e| {
        !e.source.is_empty()
            && !bases.iter().any(|b| b == dir)
            && (dropped.contains(&e.source) || !out.real().join(&e.source).exists())
    });
    let ready = packages.len();
    let mut written: Vec<(String, String)> = Vec::new();
    for (act, base, mut entry, files) in packages {
        entry.source = source(act);
        let folder = out.folder(Path::new(&base)).with_context(|| {
            format!(
                "impossible d'écrire dans {}",
                out.root().join(&base).display()
            )
        })?;
        folder.clean();
        for (name, bytes) in &files {
            folder
                .write(name, bytes)
                .with_context(|| format!("impossible d'écrire {}", folder.path(name).display()))?;
        }
        written.push((base.clone(), entry.source.clone()));
        manifest.dossiers.insert(base, entry);
    }
    // The package of an act under another name (its number changed).
    remove_where(&mut manifest, &|dir, e| {
        !e.source.is_empty()
            && written
                .iter()
                .any(|(d, source)| *source == e.source && d != dir)
    });
    if let Some(bytes) = manifest.to_bytes_named(&out, ACTES_MANIFEST) {
        out.write_top(ACTES_MANIFEST, &bytes).with_context(|| {
            format!(
                "impossible d'écrire le manifeste dans {}",
                out.root().display()
            )
        })?;
    }
    drop(out);
    removed.sort();
    Ok(ActesSummary {
        ready,
        received,
        other,
        drafts,
        left_out,
        removed,
    })
}

/// The acts of a checked project, and how many dossiers are left out: each
/// dossier in error (its findings said) and each file discovery refused
/// (a misspelled `[deliberation]`…).
fn exportable_acts<'a>(
    folder: &Path,
    project: &'a Project,
    say: &mut dyn FnMut(&str),
) -> (Vec<Act<'a>>, usize) {
    let (acts, failed) = publish::acts(folder, &project.units);
    let mut left_out = project
        .findings
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .count();
    for c in &failed {
        for d in &c.diagnostics {
            say!(say, "{}", d.render());
        }
        say!(
            say,
            "{} : non exporté (erreur dans le dossier)\n",
            c.path.display()
        );
        left_out += 1;
    }
    (acts, left_out)
}

/// The act's PDF and its annexes' PDFs.
type Pdfs = (Vec<u8>, Vec<Vec<u8>>);

/// The act's PDF and its annexes' (conventions, then annexes), checked to be PDF.
fn package(
    act: &Act,
    templates: &crate::engine::TemplateSets,
    tool: crate::hash::Hash,
) -> Result<Pdfs, Vec<Diagnostic>> {
    // The act as signed: what happens after transmission (reception,
    // publication, executory mention, identifiant) is not in it yet.
    let mut signed = act.model.clone();
    signed.deliberation.publication = None;
    signed.deliberation.executoire = None;
    let plan = crate::engine::plan(act.loaded, &signed, templates, tool).map_err(|d| vec![d])?;
    let mut act_pdf = None;
    let mut annexes = Vec::new();
    for planned in &plan.docs {
        let doc = &planned.doc;
        if doc.kind == Kind::Rapport {
            continue;
        }
        let out = crate::engine::render_doc(&signed, &plan, planned, &[Format::Pdf])
            .map_err(|d| vec![d])?;
        for f in out {
            if !f.bytes.starts_with(b"%PDF-") {
                return Err(vec![act.at_deliberation(Diagnostic::error(
                    "actes-pdf",
                    format!("{} n'est pas un PDF", f.name),
                ))]);
            }
            if doc.kind == Kind::Deliberation {
                act_pdf = Some(f.bytes);
            } else {
                annexes.push(f.bytes);
            }
        }
    }
    let act_pdf = act_pdf.ok_or_else(|| {
        vec![act.at_deliberation(Diagnostic::error("actes-pdf", "l'acte n'a pas de PDF"))]
    })?;
    Ok((act_pdf, annexes))
}
