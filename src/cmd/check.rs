//! `delib check`: every rule on every dossier, findings shown together.

use crate::build::Format;
use crate::cli::{CheckArgs, DiagFormat};
use crate::diag::{Diagnostic, Severity};
use crate::engine::{self, Project, Unit};

/// Runs the command; returns the exit status.
pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut project = Project::load(&args.paths)?;
    if project.units.is_empty() && project.findings.is_empty() {
        anyhow::bail!("aucun dossier trouvé (fichier .toml contenant une table [deliberation])");
    }
    project.check_all();
    // Templates are parsed once per folder (the project's template sets);
    // every dossier is checked against its own, in parallel.
    let more: Vec<Vec<Diagnostic>> = {
        use rayon::prelude::*;
        project
            .units
            .par_iter()
            .map(|u| render_checks(u, &project))
            .collect()
    };
    for (u, more) in project.units.iter_mut().zip(more) {
        u.diagnostics.extend(more);
    }
    // A fault of a séance file or delib.toml, found with each dossier, once.
    let all: Vec<&Diagnostic> = crate::diag::unique(
        project
            .findings
            .iter()
            .chain(project.units.iter().flat_map(|u| u.diagnostics.iter())),
    );
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    // -q: errors only, unless --deny-warnings makes the warnings fail the run.
    let shown: Vec<&Diagnostic> = all
        .iter()
        .copied()
        .filter(|d| !quiet || args.deny_warnings || d.severity == Severity::Error)
        .collect();
    match args.format {
        DiagFormat::Json => {
            let list: Vec<serde_json::Value> = shown.iter().map(|d| d.to_json()).collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        DiagFormat::Texte => {
            for d in &shown {
                eprintln!("{}", d.render());
            }
            if !quiet {
                eprintln!(
                    "{}",
                    super::summary_check(project.units.len(), errors, warnings)
                );
            }
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(u8::from(failed))
}

/// What `render` checks beyond the dossier itself, so that `check` agrees
/// with it: `[rendu] formats` and `sortie`, the templates folder and its templates, and
/// the rows of a partners CSV (their allowed columns depend on the templates).
fn render_checks(u: &Unit, project: &Project) -> Vec<Diagnostic> {
    let Some(l) = &u.loaded else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Err(d) = engine::formats_for(l, &[]) {
        out.push(d);
    }
    if let Err(d) = engine::output_root(l, None) {
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
    let plan = match engine::plan(
        l,
        model,
        &project.templates,
        crate::manifest::Hash::default(),
    ) {
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
            if let Err(d) = engine::render_doc(model, &plan, doc, &[Format::Md]) {
                out.push(d);
                break;
            }
        }
    }
    out
}
