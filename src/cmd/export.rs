//! `delib export scdl` (open-data file) and `delib export actes` (@ctes package).

use crate::build::{Format, Kind};
use crate::cli::{ActesArgs, ExportCommand, ScdlArgs};
use crate::diag::Diagnostic;
use crate::publish;
use anyhow::Context as _;

/// The acts of a checked project, and how many dossiers are left out: each
/// dossier in error (its findings printed) and each file discovery refused
/// (a misspelled `[deliberation]`…).
fn exportable_acts<'a>(
    folder: &std::path::Path,
    project: &'a crate::engine::Project,
) -> (Vec<publish::Act<'a>>, usize) {
    let (acts, failed) = publish::acts(folder, &project.units);
    let mut left_out = project
        .findings
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .count();
    for c in &failed {
        for d in &c.diagnostics {
            eprintln!("{}", d.render());
        }
        eprintln!(
            "{} : non exporté (erreur dans le dossier)\n",
            c.path.display()
        );
        left_out += 1;
    }
    (acts, left_out)
}

/// Runs the command; returns the exit status.
pub fn run(what: &ExportCommand, quiet: bool) -> anyhow::Result<u8> {
    match what {
        ExportCommand::Scdl(args) => scdl(args, quiet),
        ExportCommand::Actes(args) => actes(args, quiet),
    }
}

/// "2 délibérations exportées, 1 projet ignoré, 1 rejetée non exportée, 1 écartée"
/// (the rejected ones only when there are).
fn summary(done: usize, what: &str, drafts: usize, rejected: usize, left_out: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    let rejected = if rejected > 0 {
        format!(
            ", {rejected} rejetée{} non {what}{}",
            s(rejected),
            s(rejected)
        )
    } else {
        String::new()
    };
    format!(
        "{done} délibération{} {what}{}, {drafts} projet{} ignoré{}{rejected}, {left_out} écartée{}",
        s(done),
        s(done),
        s(drafts),
        s(drafts),
        s(left_out)
    )
}

fn scdl(args: &ScdlArgs, quiet: bool) -> anyhow::Result<u8> {
    let today = publish::today(args.date.as_deref())?;
    // DELIB_URL is a URI, and a cell a spreadsheet reads as text.
    if let Some(u) = &args.url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        anyhow::bail!(
            "adresse incorrecte « {u} » pour --url : elle commence par https:// (ou http://), ex. https://www.ville.fr/actes"
        );
    }
    let mut project =
        crate::engine::Project::load_folder(&args.folder, quiet, &mut |t: &str| eprint!("{t}"))?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project);
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
                eprintln!(
                    "{} : délibération rejetée, non exportée (le fichier SCDL ne liste que les délibérations adoptées)",
                    act.loaded.source.path.display()
                );
            }
            rejected += 1;
            continue;
        }
        match publish::scdl::row(act, args.url.as_deref(), today) {
            Ok((r, warnings)) => {
                if !quiet {
                    for d in &warnings {
                        eprintln!("{}", d.render());
                    }
                }
                rows.push(r);
            }
            Err(diags) => {
                for d in &diags {
                    eprintln!("{}", d.render());
                }
                eprintln!(
                    "{} : ligne non écrite (valeur exigée par le schéma SCDL manquante ou incorrecte)\n",
                    act.loaded.source.path.display()
                );
                left_out += 1;
            }
        }
    }
    let text = publish::scdl::csv(&rows);
    // `-o -`: standard output, for a pipe; else a file written atomically
    // (a link, a FIFO or a device there is refused, never replaced).
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("impossible d'écrire sur la sortie standard")?;
    } else {
        crate::output::write_atomic(&args.output, text.as_bytes())
            .with_context(|| format!("impossible d'écrire {}", args.output.display()))?;
    }
    if !quiet {
        let shown = if to_stdout {
            "sortie standard".into()
        } else {
            args.output.display().to_string()
        };
        eprintln!(
            "{shown} : {}",
            summary(rows.len(), "exportée", drafts, rejected, left_out)
        );
    }
    Ok(u8::from(left_out > 0))
}

/// The manifest of a folder of @ctes packages: per package folder, where
/// its dossier was (from the output folder, `crate::disk::relative`) and the
/// bytes of each file, so that a later run removes only what it wrote (a
/// package renamed, or of an act that became a draft or was deleted).
pub const ACTES_MANIFEST: &str = ".delib-actes.json";

/// The files of one package: name and bytes.
type Files = Vec<(String, Vec<u8>)>;

fn actes(args: &ActesArgs, quiet: bool) -> anyhow::Result<u8> {
    use crate::manifest::{Entry, FileRecord, Manifest};
    use publish::actes;
    let today = publish::today(args.date.as_deref())?;
    let classification = match &args.classification {
        Some(s) => Some(crate::french::Date::parse_iso(s.trim()).ok_or_else(|| {
            anyhow::anyhow!("date incorrecte « {s} » pour --classification (attendu : AAAA-MM-JJ)")
        })?),
        None => None,
    };
    let mut project =
        crate::engine::Project::load_folder(&args.folder, quiet, &mut |t: &str| eprint!("{t}"))?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project);
    let tool = crate::hash::tool_id();

    // Build every package in memory first.
    let mut packages: Vec<(&publish::Act, String, Entry, Files)> = Vec::new();
    let mut dropped: Vec<&publish::Act> = Vec::new();
    let (mut drafts, mut received, mut other) = (0usize, 0usize, 0usize);
    for act in &acts {
        if let Some(why) = actes::left_out(act, args.inclure_transmis) {
            match why {
                actes::LeftOut::Draft | actes::LeftOut::NotConcerned => drafts += 1,
                actes::LeftOut::Received(_) => received += 1,
                _ => other += 1,
            }
            if !quiet && why != actes::LeftOut::Draft {
                eprintln!(
                    "{} : non empaqueté, {}",
                    act.loaded.source.path.display(),
                    why.why()
                );
            }
            if !why.keeps_package() {
                dropped.push(act);
            }
            continue;
        }
        let result = actes::meta(act, today)
            .and_then(|m| package(act, &project.templates, tool).map(|f| (m, f)));
        let (meta, (act_pdf, annexes)) = match result {
            Ok(x) => x,
            Err(diags) => {
                for d in &diags {
                    eprintln!("{}", d.render());
                }
                eprintln!(
                    "{} : paquet @ctes non écrit\n",
                    act.loaded.source.path.display()
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
            classification.unwrap_or(meta.id.date),
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
    if classification.is_none() && !packages.is_empty() && !quiet {
        eprintln!(
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
        eprintln!("{w}");
    }
    let mut removed = Vec::new();
    // Where a dossier is, from the output folder, as its entry notes it.
    let source = |act: &publish::Act| {
        crate::disk::relative(out.real(), &act.loaded.source.path).unwrap_or_default()
    };
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
    let done = packages.len();
    let mut written: Vec<(String, String)> = Vec::new();
    for (act, base, mut entry, files) in packages {
        entry.source = source(act);
        let folder = out.folder(std::path::Path::new(&base)).with_context(|| {
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
    if !quiet {
        removed.sort();
        for r in &removed {
            eprintln!(
                "supprimé   {}",
                crate::diag::for_terminal(&r.display().to_string())
            );
        }
        let s = |n: usize| if n > 1 { "s" } else { "" };
        let mut parts = vec![format!("{done} acte{} prêt{} pour @ctes", s(done), s(done))];
        if received > 0 {
            parts.push(format!("{received} déjà reçu{} en préfecture", s(received)));
        }
        if other > 0 {
            parts.push(format!(
                "{other} non transmis (rejeté, ou transmettre = false)"
            ));
        }
        parts.push(format!(
            "{drafts} non concerné{} (projet, ou sans nature ni matière)",
            s(drafts)
        ));
        parts.push(format!("{left_out} écarté{}", s(left_out)));
        eprintln!("{} : {}", args.output.display(), parts.join(", "));
    }
    Ok(u8::from(left_out > 0))
}

/// The act's PDF and its annexes' PDFs.
type Pdfs = (Vec<u8>, Vec<Vec<u8>>);

/// The act's PDF and its annexes' (conventions, then annexes), checked to be PDF.
fn package(
    act: &publish::Act,
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
