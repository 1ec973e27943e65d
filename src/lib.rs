//! `delib` renders the acts of French local governments.
//!
//! Pipeline, one direction: dossier TOML (`input`, `load`) + project defaults
//! (`delib.toml`) → derived, escaped model (`model`) → tera template producing
//! Markdown (`templates`) → document model (`doc`) → HTML (`render::html`) and
//! PDF (`render::pdf`) → files written atomically (`output`).

pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod discover;
pub mod disk;
pub mod doc;
pub mod edit;
pub mod engine;
pub mod escape;
pub mod french;
pub mod hash;
pub mod identifiant;
pub mod input;
pub mod load;
pub mod manifest;
pub mod members;
mod memo;
pub mod messages;
pub mod model;
pub mod output;
pub mod partners;
pub mod preview;
pub mod publish;
pub mod render;
pub mod seance;
pub mod templates;
pub mod toml_file;
pub mod url;
