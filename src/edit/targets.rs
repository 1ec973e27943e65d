//! The files the forms may edit in a folder served: each dossier, the
//! séance files and the delib.toml they read, each under the address of
//! its form.

use super::fields::FileKind;
use super::{Point, Target};
use crate::engine::Project;
use crate::url::encode_path;
use std::path::Path;

impl Target {
    /// The address of the form of this file.
    pub fn url(&self) -> String {
        format!("/_modifier?fichier={}", encode_path(&self.key))
    }
}

/// `a/b.toml` for a path under `base`; `../delib.toml` for a delib.toml above it.
fn key_of(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => format!(
            "../{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ),
    }
}

/// The files the forms may edit: each dossier, the séance files and the
/// delib.toml they read; a séance with its points (for « Nouveau point »).
pub fn targets(project: &Project, base: &Path) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let root_of = |p: &Path| {
        if p.starts_with(base) {
            base.to_path_buf()
        } else {
            crate::disk::parent_dir(p).to_path_buf()
        }
    };
    let push = |out: &mut Vec<Target>, path: &Path, kind: FileKind, preview: Option<String>| {
        let key = key_of(path, base);
        if !out.iter().any(|t| t.key == key) {
            out.push(Target {
                key,
                path: path.to_path_buf(),
                kind,
                root: root_of(path),
                preview,
                points: Vec::new(),
            });
        }
    };
    for u in &project.units {
        let preview = Some(format!("/{}/deliberation.html", encode_path(&u.out)));
        push(&mut out, &u.path, FileKind::Dossier, preview);
        let Some(l) = &u.loaded else { continue };
        if let Some((_, src)) = &l.projet {
            push(&mut out, &src.path, FileKind::Projet, None);
        }
    }
    for found in &project.seances {
        let preview = Some(format!("/{}/proces-verbal.html", encode_path(&found.out)));
        push(&mut out, &found.path, FileKind::Seance, preview);
        let points: Vec<Point> = project
            .members_of_seance(&found.real)
            .into_iter()
            .filter_map(|i| {
                let u = &project.units[i];
                let l = u.loaded.as_ref()?;
                let reference = match &l.dossier.seance {
                    Some(crate::input::SeanceRef::Fichier(t)) => t.get_ref().clone(),
                    _ => return None,
                };
                Some(Point {
                    path: u.path.clone(),
                    seance: reference,
                    numero: l.dossier.numero().map(str::to_owned),
                })
            })
            .collect();
        if let Some(t) = out.iter_mut().find(|t| t.path == found.path) {
            t.points = points;
        }
    }
    out
}
