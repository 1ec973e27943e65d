//! `delib render`: dossiers in, documents out.

use crate::build::{self, Format};
use crate::cli::RenderArgs;
use crate::diag::{Diagnostic, has_errors};
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
    let dossiers = find_dossiers(&args.paths)?;
    if dossiers.is_empty() {
        anyhow::bail!("aucun dossier trouvé (fichier .toml contenant une table [deliberation])");
    }
    let mut templates: HashMap<Option<PathBuf>, Templates> = HashMap::new();
    let (mut ok, mut failed, mut written) = (0usize, 0usize, 0usize);
    for path in &dossiers {
        match render_one(path, args, &cli_formats, &mut templates)? {
            Ok(n) => {
                ok += 1;
                written += n;
            }
            Err(diags) => {
                for d in &diags {
                    eprint!("{}", d.render());
                }
                if has_errors(&diags) {
                    failed += 1;
                    eprintln!("{} : non rendu, rien n'a été écrit\n", path.display());
                }
            }
        }
    }
    if !quiet {
        let line = format!(
            "{} rendu{}, {} document{} écrit{}{} en {:.2} s",
            plural(ok, "dossier"),
            if ok > 1 { "s" } else { "" },
            written,
            if written > 1 { "s" } else { "" },
            if written > 1 { "s" } else { "" },
            if failed > 0 {
                format!(", {} en erreur", plural(failed, "dossier"))
            } else {
                String::new()
            },
            start.elapsed().as_secs_f64()
        )
        .replace('.', ",");
        eprintln!("{line}");
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n > 1 { "s" } else { "" })
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

/// Renders one dossier: Ok(files written) or the findings that stopped it.
fn render_one(
    path: &Path,
    args: &RenderArgs,
    cli_formats: &[Format],
    cache: &mut HashMap<Option<PathBuf>, Templates>,
) -> anyhow::Result<Result<usize, Vec<Diagnostic>>> {
    let loaded = match load::load(path) {
        Ok(l) => l,
        Err(d) => return Ok(Err(d)),
    };
    let model = match crate::model::build(&loaded) {
        Ok(m) => m,
        Err(d) => return Ok(Err(d)),
    };
    let formats = match formats_for(&loaded, cli_formats) {
        Ok(f) => f,
        Err(d) => return Ok(Err(vec![d])),
    };
    let tdir = match templates_dir(&loaded) {
        Ok(t) => t,
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
    let dir = output_dir(&loaded, args).join(dossier_name(path));
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
                let src = config_source(l);
                return Err(
                    Diagnostic::error("format-inconnu", format!("format inconnu « {s} »"))
                        .at(&src, list.span())
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

fn templates_dir(l: &Loaded) -> Result<Option<PathBuf>, Diagnostic> {
    match &l.rendu.templates {
        Some(t) => {
            let base = match (&l.dossier.rendu, &l.projet) {
                (None, Some((_, src))) => src.path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                _ => l
                    .source
                    .path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
            };
            let dir = load::resolve_inside(&l.root, &base, t.get_ref()).filter(|d| d.is_dir());
            match dir {
                Some(d) => Ok(Some(d)),
                None => Err(Diagnostic::error(
                    "modeles-introuvables",
                    format!(
                        "le répertoire de modèles « {} » est introuvable ou hors du projet",
                        t.get_ref()
                    ),
                )
                .at(&config_source(l), t.span())
                .hint("indiquez un répertoire existant, relatif au fichier qui le déclare")),
            }
        }
        None => {
            let d = l.root.join("templates");
            Ok(d.is_dir().then_some(d))
        }
    }
}

/// Every dossier under the given paths, sorted: `.toml` files with a
/// `[deliberation]` table (delib.toml and séance files are not dossiers).
pub fn find_dossiers(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| {
            format!("{} : {}", p.display(), "fichier ou répertoire introuvable")
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("impossible de lire le répertoire {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "templates" || name == "output" || name == "target" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if name.ends_with(".toml") && name != load::PROJECT_FILE && is_dossier(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_dossier(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| {
        t.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("[deliberation]")
                || l.starts_with("[deliberation.")
                || l.starts_with("deliberation")
        })
    })
}
