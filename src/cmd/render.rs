//! `delib render`: parses its arguments, asks the engine to render into the
//! output folders (`engine::folder`), and prints what it did.

use crate::build::Format;
use crate::cli::RenderArgs;
use crate::engine::RenderOptions;
use crate::engine::folder::{self, Asked, Done};
use anyhow::Context as _;
use std::io::IsTerminal as _;
use std::time::Instant;

/// Runs the command; returns the exit status.
pub fn run(args: &RenderArgs, quiet: bool) -> anyhow::Result<u8> {
    let start = Instant::now();
    if let Some(n) = args.jobs {
        // Ignored when the pool already exists (only in tests calling run twice).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let asked = Asked {
        formats: parse_formats(&args.format)?,
        only: parse_only(&args.only)?,
    };
    let progress = !quiet && std::io::stderr().is_terminal();
    let mut say = |text: &str| eprint!("{text}");
    let options = RenderOptions {
        paths: args.paths.clone(),
        output: args.output.clone(),
        format: args.format.clone(),
        only: args.only.clone(),
        force: args.force,
        deny_warnings: args.deny_warnings,
    };
    match folder::render(&options, asked, quiet, progress, &mut say)? {
        Done::Replayed(r) => {
            if !quiet {
                eprint!(
                    "{}",
                    crate::diag::for_terminal(r.report.as_deref().unwrap_or(""))
                );
                eprintln!(
                    "{}",
                    summary(r.dossiers, r.seances, 0, r.unchanged, 0, 0, start.elapsed())
                );
            }
            Ok(0)
        }
        Done::Failed => Ok(1),
        Done::Ran(mut r) => {
            if !quiet {
                r.removed.sort();
                for f in &r.removed {
                    eprintln!(
                        "supprimé   {}",
                        crate::diag::for_terminal(&f.display().to_string())
                    );
                }
                eprintln!(
                    "{}",
                    summary(
                        r.dossiers,
                        r.seances,
                        r.written,
                        r.unchanged,
                        r.removed.len(),
                        r.failed,
                        start.elapsed()
                    )
                );
            }
            Ok(u8::from(r.failed > 0))
        }
    }
}

/// "3 dossiers : 30 documents écrits, 0 inchangé, 0 supprimé, 0 en erreur, en 0,04 s";
/// "5 dossiers et 1 séance : …" when séance documents were made or checked.
pub(crate) fn summary(
    dossiers: usize,
    seances: usize,
    written: usize,
    unchanged: usize,
    removed: usize,
    failed: usize,
    t: std::time::Duration,
) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    let seances = match seances {
        0 => String::new(),
        n => format!(" et {n} séance{}", s(n)),
    };
    let mut line = format!(
        "{dossiers} dossier{}{seances} : {written} document{} écrit{}, {unchanged} inchangé{}, {removed} supprimé{}, {failed} en erreur, en {:.2} s",
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
    const KINDS: [&str; 5] = ["rapport", "deliberation", "convention", "annexe", "seance"];
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
