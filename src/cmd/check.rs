//! `delib check`: every rule on every dossier, findings shown together.

use crate::cli::{CheckArgs, DiagFormat};
use crate::diag::{Diagnostic, Severity};

/// Runs the command; returns the exit status.
pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<u8> {
    let dossiers = super::find_dossiers(&args.paths)?;
    let mut checked = super::load_and_check(&dossiers);
    for c in &mut checked {
        let rows = partner_rows(c);
        c.diagnostics.extend(rows);
    }
    let all: Vec<&Diagnostic> = checked.iter().flat_map(|c| c.diagnostics.iter()).collect();
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    match args.format {
        DiagFormat::Json => {
            let list: Vec<serde_json::Value> = all.iter().map(|d| d.to_json()).collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        DiagFormat::Texte => {
            for d in &all {
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

/// Findings on the rows of a partners CSV (their allowed columns depend on the templates).
fn partner_rows(c: &super::Checked) -> Vec<Diagnostic> {
    let Some(l) = &c.loaded else {
        return Vec::new();
    };
    let Some(src) = &l.partenaires else {
        return Vec::new();
    };
    let dir = match super::render::templates_dir(l) {
        Ok(d) => d,
        Err(d) => return vec![d],
    };
    match crate::templates::Templates::load(dir.as_deref()) {
        Ok(t) => crate::partners::parse(src, t.partner_columns()).1,
        Err(d) => vec![d],
    }
}
