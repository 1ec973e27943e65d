//! `delib render`: dossiers in, documents out.

use crate::build::{self, Format};
use crate::cli::RenderArgs;
use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Loaded};
use crate::templates::Templates;
use anyhow::Context as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs the command; returns the exit status.
pub fn run(args: &RenderArgs, quiet: bool) -> anyhow::Result<u8> {
    let start = Instant::now();
    let cli_formats = parse_formats(&args.format)?;
    let dossiers = super::find_dossiers(&args.paths)?;
    let checked = super::load_and_check(&dossiers);
    let mut templates: HashMap<Option<PathBuf>, Templates> = HashMap::new();
    let (mut ok, mut failed, mut written) = (0usize, 0usize, 0usize);
    for c in &checked {
        for d in &c.diagnostics {
            if !quiet || d.severity == Severity::Error {
                eprintln!("{}", d.render());
            }
        }
        let result = match &c.loaded {
            Some(l) if !c.failed(args.deny_warnings) => {
                render_one(&c.path, l, args, &cli_formats, &mut templates)?
            }
            _ => Err(Vec::new()),
        };
        match result {
            Ok(n) => {
                ok += 1;
                written += n;
            }
            Err(diags) => {
                for d in &diags {
                    eprintln!("{}", d.render());
                }
                failed += 1;
                eprintln!("{} : non rendu, rien n'a été écrit\n", c.path.display());
            }
        }
    }
    if !quiet {
        let s = |n: usize| if n > 1 { "s" } else { "" };
        let errors = if failed > 0 {
            format!(", {failed} dossier{} en erreur", s(failed))
        } else {
            String::new()
        };
        let line = format!(
            "{ok} dossier{} rendu{}, {written} document{} écrit{}{errors} en {:.2} s",
            s(ok),
            s(ok),
            s(written),
            s(written),
            start.elapsed().as_secs_f64()
        );
        eprintln!("{}", line.replace('.', ","));
    }
    Ok(u8::from(failed > 0))
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

/// Renders one checked dossier: Ok(files written) or the findings that stopped it.
fn render_one(
    path: &Path,
    loaded: &Loaded,
    args: &RenderArgs,
    cli_formats: &[Format],
    cache: &mut HashMap<Option<PathBuf>, Templates>,
) -> anyhow::Result<Result<usize, Vec<Diagnostic>>> {
    let model = match crate::model::build(loaded) {
        Ok(m) => m,
        Err(d) => return Ok(Err(d)),
    };
    let prepared = formats_for(loaded, cli_formats).and_then(|f| Ok((f, templates_dir(loaded)?)));
    let (formats, tdir) = match prepared {
        Ok(x) => x,
        Err(d) => return Ok(Err(vec![d])),
    };
    if !cache.contains_key(&tdir) {
        match Templates::load(tdir.as_deref()) {
            Ok(t) => {
                cache.insert(tdir.clone(), t);
            }
            Err(d) => return Ok(Err(vec![d])),
        }
    }
    let files = match build::render_all(&model, &cache[&tdir], &formats) {
        Ok(f) => f,
        Err(d) => return Ok(Err(vec![d])),
    };
    let dir = output_dir(loaded, args).join(dossier_name(path));
    let mut written = 0;
    for f in &files {
        let target = dir.join(&f.name);
        if crate::output::write_if_changed(&target, &f.bytes)
            .with_context(|| format!("impossible d'écrire {}", target.display()))?
        {
            written += 1;
        }
    }
    Ok(Ok(written))
}

/// The output folder name of a dossier: its file stem.
pub fn dossier_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "dossier".into(), |s| s.to_string_lossy().into_owned())
}

fn output_dir(l: &Loaded, args: &RenderArgs) -> PathBuf {
    if let Some(o) = &args.output {
        return o.clone();
    }
    match &l.rendu.sortie {
        Some(s) => l.root.join(s.get_ref()),
        None => PathBuf::from("output"),
    }
}

fn formats_for(l: &Loaded, cli: &[Format]) -> Result<Vec<Format>, Diagnostic> {
    if !cli.is_empty() {
        return Ok(cli.to_vec());
    }
    let Some(list) = &l.rendu.formats else {
        return Ok(Format::ALL.to_vec());
    };
    let mut out = Vec::new();
    for s in list.get_ref() {
        match Format::parse(s) {
            Some(f) if !out.contains(&f) => out.push(f),
            Some(_) => {}
            None => {
                return Err(
                    Diagnostic::error("format-inconnu", format!("format inconnu « {s} »"))
                        .at(&config_source(l), list.span())
                        .hint("formats possibles : \"md\", \"html\", \"pdf\""),
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The file that set `[rendu]`: the dossier when it has one, else delib.toml.
fn config_source(l: &Loaded) -> std::sync::Arc<crate::diag::Source> {
    match (&l.dossier.rendu, &l.projet) {
        (None, Some((_, src))) => src.clone(),
        _ => l.source.clone(),
    }
}

/// The templates folder of a dossier's project: `[rendu] templates`, else `templates/`
/// beside delib.toml when it exists, else None (built-ins).
pub fn templates_dir(l: &Loaded) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(t) = &l.rendu.templates else {
        let d = l.root.join("templates");
        return Ok(d.is_dir().then_some(d));
    };
    let src = config_source(l);
    let base = src.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    match load::resolve_inside(&l.root, &base, t.get_ref()).filter(|d| d.is_dir()) {
        Some(d) => Ok(Some(d)),
        None => Err(Diagnostic::error(
            "modeles-introuvables",
            format!(
                "le répertoire de modèles « {} » est introuvable ou hors du projet",
                t.get_ref()
            ),
        )
        .at(&src, t.span())
        .hint("indiquez un répertoire existant, relatif au fichier qui le déclare")),
    }
}
