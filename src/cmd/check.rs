//! `delib check`: every rule on every dossier, findings shown together.

use crate::cli::{CheckArgs, DiagFormat};
use crate::diag::{Diagnostic, Severity};
use crate::engine::Project;

/// Runs the command; returns the exit status.
pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut project = Project::load(&args.paths)?;
    if project.found_nothing() {
        anyhow::bail!(crate::engine::NOTHING_FOUND);
    }
    project.check_complete();
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
