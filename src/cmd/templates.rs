//! `delib templates <dir>`: write the built-in templates out for a clerk to customise.

use crate::cli::TemplatesArgs;
use anyhow::Context as _;

/// Runs the command; returns the exit status.
pub fn run(args: &TemplatesArgs, quiet: bool) -> anyhow::Result<u8> {
    let written = crate::templates::write_builtins(&args.dir)
        .with_context(|| format!("impossible d'écrire dans {}", args.dir.display()))?;
    if !quiet {
        for (path, new) in &written {
            if *new {
                println!(
                    "écrit     {}",
                    crate::diag::for_terminal(&path.display().to_string())
                );
            } else {
                println!(
                    "conservé  {} (existe déjà, non écrasé)",
                    crate::diag::for_terminal(&path.display().to_string())
                );
            }
        }
    }
    Ok(0)
}
