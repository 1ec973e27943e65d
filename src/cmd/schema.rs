//! `delib schema`: the JSON Schema of the input, generated from the types.

use crate::cli::SchemaArgs;
use crate::input::{Dossier, Projet};

/// The JSON Schema of a dossier (or of delib.toml), as pretty JSON.
pub fn schema_json(projet: bool) -> String {
    let mut schema = if projet {
        schemars::schema_for!(Projet)
    } else {
        schemars::schema_for!(Dossier)
    };
    let (title, description) = if projet {
        (
            "delib.toml",
            "Valeurs communes aux dossiers d'une collectivité (delib)",
        )
    } else {
        (
            "Dossier delib",
            "Un acte présenté à une assemblée : séance, délibération, convention, annexes (delib)",
        )
    };
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Runs the command; returns the exit status.
pub fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    println!("{}", schema_json(args.projet));
    Ok(0)
}
