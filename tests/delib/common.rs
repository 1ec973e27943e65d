//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary folder unique to a test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("delib-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the delib binary with arguments, from `cwd`.
pub fn delib(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every document under `dir` (hidden files such as the manifest left out),
/// relative, sorted, with its bytes.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    all_files(dir)
        .into_iter()
        .filter(|(n, _)| !n.split('/').any(|part| part.starts_with('.')))
        .collect()
}

/// Every file under `dir`, hidden ones included.
pub fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Writes a small project (delib.toml + one dossier) and returns its folder.
pub fn project(name: &str, dossier: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("delib.toml"),
        "[collectivite]\nnom = \"Commune de Test\"\ntype = \"commune\"\nville = \"Test\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("dossier.toml"), dossier).unwrap();
    dir
}

/// Number of files under `dir` with extension `ext` (0 when `dir` is absent).
pub fn count_files(dir: &Path, ext: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                count_files(&p, ext)
            } else {
                usize::from(p.extension().is_some_and(|e| e == ext))
            }
        })
        .sum()
}
