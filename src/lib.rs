//! `delib` renders the acts of French local governments.
//!
//! Pipeline, one direction: dossier TOML (`input`) + project defaults (`config`)
//! → derived model (`model`) → tera template producing Markdown (`templates`)
//! → document model (`doc`) → HTML (`render::html`) and PDF (`render::pdf`)
//! → files written atomically (`output`).

pub mod doc;
pub mod french;
pub mod render;
