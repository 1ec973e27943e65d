//! `delib export scdl` (open-data file) and `delib export actes` (@ctes package).

use crate::build::{Format, Kind};
use crate::cli::{ActesArgs, ExportCommand, ScdlArgs};
use crate::diag::Diagnostic;
use crate::publish;
use anyhow::Context as _;

/// Loads the folder's dossiers and prints what discovery found (errors only
/// with `-q`); no dossier at all is a usage error.
pub(crate) fn load_project(
    folder: &std::path::Path,
    quiet: bool,
) -> anyhow::Result<crate::engine::Project> {
    let project = crate::engine::Project::load(std::slice::from_ref(&folder.to_path_buf()))?;
    for d in &project.findings {
        if !quiet || d.severity == crate::diag::Severity::Error {
            eprintln!("{}", d.render());
        }
    }
    if project.units.is_empty() && project.findings.is_empty() {
        anyhow::bail!("aucun dossier trouvé (fichier .toml contenant une table [deliberation])");
    }
    Ok(project)
}

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

/// "2 délibérations exportées, 1 projet ignoré, 1 écartée".
fn summary(done: usize, what: &str, drafts: usize, left_out: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!(
        "{done} délibération{} {what}{}, {drafts} projet{} ignoré{}, {left_out} écartée{}",
        s(done),
        s(done),
        s(drafts),
        s(drafts),
        s(left_out)
    )
}

fn scdl(args: &ScdlArgs, quiet: bool) -> anyhow::Result<u8> {
    let today = publish::today(args.date.as_deref())?;
    let mut project = load_project(&args.folder, quiet)?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project);
    let mut rows = Vec::new();
    let mut drafts = 0;
    for act in &acts {
        if act.is_draft() {
            drafts += 1;
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
    crate::output::write_atomic(&args.output, text.as_bytes())
        .with_context(|| format!("impossible d'écrire {}", args.output.display()))?;
    if !quiet {
        eprintln!(
            "{} : {}",
            args.output.display(),
            summary(rows.len(), "exportée", drafts, left_out)
        );
    }
    Ok(u8::from(left_out > 0))
}

fn actes(args: &ActesArgs, quiet: bool) -> anyhow::Result<u8> {
    use publish::actes;
    let today = publish::today(args.date.as_deref())?;
    let classification = match &args.classification {
        Some(s) => Some(crate::french::Date::parse_iso(s.trim()).ok_or_else(|| {
            anyhow::anyhow!("date incorrecte « {s} » pour --classification (attendu : AAAA-MM-JJ)")
        })?),
        None => None,
    };
    let mut project = load_project(&args.folder, quiet)?;
    project.check_all();
    let (acts, mut left_out) = exportable_acts(&args.folder, &project);
    let (mut done, mut skipped) = (0usize, 0usize);
    let mut warned = false;
    let tool = crate::manifest::tool_id();
    for act in &acts {
        if !actes::concerned(act) {
            skipped += 1;
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
        if classification.is_none() && !warned && !quiet {
            eprintln!(
                "avertissement : date de version de la classification non donnée (--classification AAAA-MM-JJ) ; \
                 la date de décision de chaque acte est écrite à sa place"
            );
            warned = true;
        }
        let base = meta.base_name();
        let dir = args.output.join(&base);
        let act_name = format!("{base}_1.pdf");
        let annex_names: Vec<String> = (0..annexes.len())
            .map(|i| format!("{base}_{}.pdf", i + 2))
            .collect();
        let xml = actes::message(
            &meta,
            classification.unwrap_or(meta.date),
            &act_name,
            &annex_names,
        );
        let mut files = vec![(format!("{base}_0.xml"), xml), (act_name, act_pdf)];
        files.extend(annex_names.into_iter().zip(annexes));
        for (name, bytes) in &files {
            let path = dir.join(name);
            crate::output::write_if_changed(&path, bytes)
                .with_context(|| format!("impossible d'écrire {}", path.display()))?;
        }
        done += 1;
    }
    if !quiet {
        let s = |n: usize| if n > 1 { "s" } else { "" };
        eprintln!(
            "{} : {done} acte{} prêt{} pour @ctes, {skipped} non concerné{} (projet, ou sans nature ni matière), {left_out} écarté{}",
            args.output.display(),
            s(done),
            s(done),
            s(skipped),
            s(left_out)
        );
    }
    Ok(u8::from(left_out > 0))
}

/// The act's PDF and its annexes' PDFs.
type Pdfs = (Vec<u8>, Vec<Vec<u8>>);

/// The act's PDF and its annexes' (conventions, then annexes), checked to be PDF.
fn package(
    act: &publish::Act,
    templates: &crate::engine::TemplateSets,
    tool: crate::manifest::Hash,
) -> Result<Pdfs, Vec<Diagnostic>> {
    let plan = crate::engine::plan(act.loaded, act.model, templates, tool).map_err(|d| vec![d])?;
    let mut act_pdf = None;
    let mut annexes = Vec::new();
    for planned in &plan.docs {
        let doc = &planned.doc;
        if doc.kind == Kind::Rapport {
            continue;
        }
        let out = crate::engine::render_doc(act.model, &plan, planned, &[Format::Pdf])
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
