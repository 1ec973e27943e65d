//! `delib export scdl` (open-data file) and `delib export actes` (@ctes
//! package). Parses its arguments, asks `publish::export` to export, and
//! prints what it did.

use crate::cli::{ActesArgs, ExportCommand, ScdlArgs};
use crate::publish::{self, export};

/// Runs the command; returns the exit status.
pub fn run(what: &ExportCommand, quiet: bool) -> anyhow::Result<u8> {
    match what {
        ExportCommand::Scdl(args) => scdl(args, quiet),
        ExportCommand::Actes(args) => actes(args, quiet),
    }
}

/// `s` when more than one.
fn s(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// "2 délibérations exportées, 1 projet ignoré, 1 rejetée non exportée, 1 écartée"
/// (the rejected ones only when there are).
fn summary(r: &export::ScdlSummary) -> String {
    let (done, drafts, rejected, left_out) = (r.exported, r.drafts, r.rejected, r.left_out);
    let rejected = if rejected > 0 {
        let r = s(rejected);
        format!(", {rejected} rejetée{r} non exportée{r}")
    } else {
        String::new()
    };
    format!(
        "{done} délibération{} exportée{}, {drafts} projet{} ignoré{}{rejected}, {left_out} écartée{}",
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
    let options = export::ScdlOptions {
        folder: args.folder.clone(),
        output: args.output.clone(),
        url: args.url.clone(),
        today,
    };
    let r = export::scdl(&options, quiet, &mut |t: &str| eprint!("{t}"))?;
    if !quiet {
        let shown = if args.output.as_os_str() == "-" {
            "sortie standard".into()
        } else {
            args.output.display().to_string()
        };
        eprintln!("{shown} : {}", summary(&r));
    }
    Ok(u8::from(r.left_out > 0))
}

fn actes(args: &ActesArgs, quiet: bool) -> anyhow::Result<u8> {
    let today = publish::today(args.date.as_deref())?;
    let classification = match &args.classification {
        Some(s) => Some(crate::french::Date::parse_iso(s.trim()).ok_or_else(|| {
            anyhow::anyhow!("date incorrecte « {s} » pour --classification (attendu : AAAA-MM-JJ)")
        })?),
        None => None,
    };
    let options = export::ActesOptions {
        folder: args.folder.clone(),
        output: args.output.clone(),
        today,
        classification,
        include_received: args.inclure_transmis,
    };
    let r = export::actes(&options, quiet, &mut |t: &str| eprint!("{t}"))?;
    if !quiet {
        for path in &r.removed {
            let shown = path.display().to_string();
            eprintln!("supprimé   {}", crate::diag::for_terminal(&shown));
        }
        let (ready, received, other, drafts) = (r.ready, r.received, r.other, r.drafts);
        let mut parts = vec![format!(
            "{ready} acte{} prêt{} pour @ctes",
            s(ready),
            s(ready)
        )];
        if received > 0 {
            parts.push(format!("{received} déjà reçu{} en préfecture", s(received)));
        }
        if other > 0 {
            parts.push(format!(
                "{other} non transmis (rejeté, ou transmettre = false)"
            ));
        }
        let why = "(projet, ou sans nature ni matière)";
        parts.push(format!("{drafts} non concerné{} {why}", s(drafts)));
        parts.push(format!("{} écarté{}", r.left_out, s(r.left_out)));
        eprintln!("{} : {}", args.output.display(), parts.join(", "));
    }
    Ok(u8::from(r.left_out > 0))
}
