//! The disk as delib reads it: regular files only, under a size cap, with
//! refusals worded in French ([`Refused`]); paths joined from a dossier and
//! kept inside the project ([`resolve_inside`]); plain relative paths; and
//! the real place of a file, named from a folder ([`relative`]), as the
//! manifest and the re-run record name what a run read or wrote.
//!
//! The lowest layer of the house: it imports nothing of delib, and every
//! other module may use it. It never parses, never writes.

use std::path::{Component, Path, PathBuf};

/// `dir` joined with the relative path `rel`, `.` dropped and `..` taken
/// off a folder name before it — or kept when there is none (`../x` from
/// the current folder stays `../x`: the `..` of a bare file name is never
/// lost). None when `rel` is absolute or goes above the root.
fn lexical(dir: &Path, rel: &Path) -> Option<PathBuf> {
    let mut out = dir.to_path_buf();
    for part in rel.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::CurDir) => {
                    out.pop();
                    out.push("..");
                }
                None | Some(Component::ParentDir) => out.push(".."),
                _ => return None,
            },
            _ => return None,
        }
    }
    Some(out)
}

/// Joins a relative path from a dossier and checks it stays under `root`,
/// symlinks resolved: the real path of the target (or of its folder when it
/// does not exist yet) must be inside the real path of `root`. Returns the
/// joined path, as shown to the clerk.
pub fn resolve_inside(root: &Path, dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.is_absolute() || rel.as_os_str().is_empty() {
        return None;
    }
    let out = lexical(dir, rel)?;
    let canon_root = real(root)?;
    // The real path of the target, or of its nearest folder that exists: a
    // file in a folder not created yet is missing, not outside the project.
    let target = out.ancestors().find_map(real)?;
    target.starts_with(&canon_root).then_some(out)
}

/// The real path of `p`, an empty path meaning the current folder.
pub fn real(p: &Path) -> Option<PathBuf> {
    if p.as_os_str().is_empty() {
        Path::new(".").canonicalize().ok()
    } else {
        p.canonicalize().ok()
    }
}

/// The folder of a file, "." for a bare file name (never an empty path).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Why delib refused to read a file, in French (an I/O error's payload).
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// An I/O error whose message is `why`, in French.
pub fn refused(kind: std::io::ErrorKind, why: String) -> std::io::Error {
    std::io::Error::new(kind, Refused(why))
}

/// Reads a regular file of at most `max` bytes. A FIFO, a device or a
/// folder is refused before it is opened (it could block or never end), and
/// the size is checked before reading.
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let not_regular = || {
        refused(
            std::io::ErrorKind::InvalidInput,
            "ce n'est pas un fichier ordinaire (répertoire, tube ou périphérique)".into(),
        )
    };
    let too_big = || {
        refused(
            std::io::ErrorKind::FileTooLarge,
            format!("fichier trop gros (plus de {} Mo)", max >> 20),
        )
    };
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > max {
        return Err(too_big());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// A `.toml` file (dossier, séance, delib.toml) larger than this is not
/// read, wherever it is read: a dossier is a few KiB.
pub const MAX_TOML: u64 = 4 << 20;
/// Largest partners CSV or template read.
/// docs/outputs.md says these sizes: `sizes_in_the_docs_are_those_of_the_code`.
pub const MAX_TEXT: u64 = 16 << 20;
/// Largest logo read.
pub const MAX_LOGO: u64 = 8 << 20;

/// Keeps only `Normal` components: true when `rel` stays where it is joined.
pub fn is_plain_relative(rel: &Path) -> bool {
    rel.components().count() > 0
        && rel.components().all(|c| match c {
            Component::Normal(s) => !s.to_string_lossy().starts_with('.'),
            _ => false,
        })
}

/// The path of `path` from the folder `base` (a real path), `/`-separated,
/// `..` to go up: how the manifest and the re-run record name a file the
/// run read or rendered, so that a project moved together with its output
/// folder is the same project. `path` is taken at its real place (links
/// resolved; for a file that does not exist, from its nearest folder that
/// does). None when it is not UTF-8, or no relative path leads there
/// (another drive).
pub fn relative(base: &Path, path: &Path) -> Option<String> {
    path_from(base, &real_place(path)?)
}

/// [`relative`] of a path already real (canonical): no file system call.
pub fn path_from(base: &Path, real: &Path) -> Option<String> {
    let common = base
        .components()
        .zip(real.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut parts = vec![".."; base.components().count() - common];
    for c in real.components().skip(common) {
        parts.push(c.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}

/// The real path of `path`, or of its nearest folder that exists joined
/// with the rest.
pub fn real_place(path: &Path) -> Option<PathBuf> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let name = path.file_name()?;
    Some(real_place(parent_dir(path))?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_go_up_and_down_from_the_real_folder() {
        let dir = std::env::temp_dir().join(format!("delib-relative-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let dir = dir.canonicalize().unwrap();
        let base = dir.join("p/out");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::create_dir_all(dir.join("p/sub")).unwrap();
        std::fs::write(dir.join("p/sub/a.toml"), "").unwrap();
        assert_eq!(
            relative(&base, &dir.join("p/sub/a.toml")).as_deref(),
            Some("../sub/a.toml")
        );
        assert_eq!(
            relative(&base, &dir.join("p/out/x/y")).as_deref(),
            Some("x/y")
        );
        assert_eq!(
            relative(&base, &dir.join("p/sub/../sub/b.toml")).as_deref(),
            Some("../sub/b.toml"),
            "a file that does not exist, from its folder"
        );
        assert_eq!(relative(&base, &base).as_deref(), Some(""));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("p/sub"), dir.join("lien")).unwrap();
            assert_eq!(
                relative(&base, &dir.join("lien/a.toml")).as_deref(),
                Some("../sub/a.toml"),
                "at its real place"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
