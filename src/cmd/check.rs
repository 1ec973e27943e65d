//! `delib check`: every rule on every dossier, findings shown together.

use crate::cli::{CheckArgs, DiagFormat};
use crate::diag::{Diagnostic, Severity};

/// Runs the command; returns the exit status.
pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<u8> {
    let dossiers = super::find_dossiers(&args.paths)?;
    let mut checked = super::load_and_check(&dossiers);
    // Templates are parsed once per folder, as render does; then every
    // dossier is checked against its own, in parallel.
    let mut templates = std::collections::HashMap::new();
    for l in checked.iter().filter_map(|c| c.loaded.as_ref()) {
        if let Ok(dir) = super::render::templates_dir(l) {
            templates
                .entry(dir.clone())
                .or_insert_with(|| crate::templates::Templates::load(dir.as_deref()));
        }
    }
    {
        use rayon::prelude::*;
        checked.par_iter_mut().for_each(|c| {
            let more = render_checks(c, &templates);
            c.diagnostics.extend(more);
        });
    }
    let all: Vec<&Diagnostic> = checked.iter().flat_map(|c| c.diagnostics.iter()).collect();
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all.len() - errors;
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
                eprintln!("{}", super::summary_check(dossiers.len(), errors, warnings));
            }
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(u8::from(failed))
}

/// What `render` checks beyond the dossier itself, so that `check` agrees
/// with it: `[rendu] formats`, the templates folder and its templates, and
/// the rows of a partners CSV (their allowed columns depend on the templates).
fn render_checks(
    c: &super::Checked,
    cache: &std::collections::HashMap<
        Option<std::path::PathBuf>,
        Result<crate::templates::Templates, Diagnostic>,
    >,
) -> Vec<Diagnostic> {
    let Some(l) = &c.loaded else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Err(d) = super::render::formats_for(l, &[]) {
        out.push(d);
    }
    let dir = match super::render::templates_dir(l) {
        Ok(d) => d,
        Err(d) => {
            out.push(d);
            return out;
        }
    };
    let t = match cache.get(&dir) {
        Some(Ok(t)) => t,
        Some(Err(d)) => {
            out.push(d.clone());
            return out;
        }
        None => return out,
    };
    let partners = l.partenaires.as_ref().map(|src| {
        let (rows, diags) = crate::partners::parse(src, t.partner_columns());
        out.extend(diags);
        rows
    });
    // Custom templates can fail only when used (an unknown filter, an
    // include): render the Markdown in memory, as render would.
    let overridden = dir.as_ref().is_some_and(|d| {
        crate::templates::BUILTIN
            .iter()
            .any(|(name, _)| name.ends_with(".tera") && d.join(name).is_file())
    });
    if overridden
        && let Some(model) = &c.model
        && let Err(d) =
            crate::build::render_all(model, partners.as_deref(), t, &[crate::build::Format::Md])
    {
        out.push(d);
    }
    out
}
