//! `delib export scdl` (open-data file) and `delib export actes` (@ctes package).

use crate::cli::{ExportCommand, ScdlArgs};
use crate::publish;
use anyhow::Context as _;

/// Runs the command; returns the exit status.
pub fn run(what: &ExportCommand, quiet: bool) -> anyhow::Result<u8> {
    match what {
        ExportCommand::Scdl(args) => scdl(args, quiet),
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
    let dossiers = super::find_dossiers(std::slice::from_ref(&args.folder))?;
    let checked = super::load_and_check(&dossiers);
    let (acts, failed) = publish::acts(&args.folder, &checked);
    let mut left_out = 0;
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
