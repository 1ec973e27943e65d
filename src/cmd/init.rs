//! `delib init [RÉPERTOIRE]`: a new project, ready to fill in, every field
//! explained in French; no existing file is ever overwritten.

use crate::cli::InitArgs;
use anyhow::Context as _;

/// The files of a new project, by path relative to its folder.
pub const FILES: [(&str, &str); 3] = [
    ("delib.toml", include_str!("init/delib.toml")),
    ("seances/2026-11-19.toml", include_str!("init/seance.toml")),
    (
        "subvention-association.toml",
        include_str!("init/subvention-association.toml"),
    ),
];

/// Runs the command; returns the exit status.
pub fn run(args: &InitArgs, quiet: bool) -> anyhow::Result<u8> {
    let dir = &args.dir;
    // `seances/…` joined part by part: `D:\projet\seances\…` on Windows.
    let path_of = |rel: &str| {
        rel.split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part))
    };
    let shown = |rel: &str| {
        let p = path_of(rel);
        crate::diag::for_terminal(&p.display().to_string()).into_owned()
    };
    let mut projet_written = false;
    for (rel, text) in FILES {
        let path = path_of(rel);
        let new = crate::output::create_new(&path, text.as_bytes())
            .with_context(|| format!("impossible d'écrire {}", shown(rel)))?;
        projet_written |= new && rel == crate::input::PROJECT_FILE;
        if quiet {
            continue;
        }
        if new {
            println!("écrit     {}", shown(rel));
        } else {
            println!("conservé  {} (existe déjà, non écrasé)", shown(rel));
        }
    }
    if !quiet {
        let d = crate::diag::for_terminal(&dir.display().to_string()).into_owned();
        let d = if d.contains(' ') {
            format!("\"{d}\"")
        } else {
            d
        };
        // Where the new delib.toml's [rendu] sortie sends them.
        let documents = if projet_written {
            format!(" dans {}", shown("documents"))
        } else {
            String::new()
        };
        println!(
            "\nEnsuite :\n  \
             1. ouvrez ces fichiers dans un éditeur de texte (le Bloc-notes) : chaque champ y est expliqué ;\n     \
             remplacez les valeurs d'exemple par celles de votre collectivité et de votre séance ;\n  \
             2. delib check {d}          vérifie les dossiers (quorum, pouvoirs, votes, dates…) ;\n  \
             3. delib serve {d} --open   les montre dans le navigateur, à jour à chaque enregistrement ;\n  \
             4. delib render {d}         écrit les documents{documents}."
        );
    }
    Ok(0)
}
