//! The only module that writes files. Every write is atomic: a temporary
//! file in the same folder, then a rename, so a reader (or a crash) never
//! sees half a document.
//!
//! A run writes into an output folder through [`OutputDir`], which holds a
//! lock on the folder for the whole run (a second run waits), writes only
//! inside it, deletes only files whose bytes it can recognise, removes the
//! temporary files a killed run left behind, and removes the folders it
//! created when they stay empty (a failed run leaves no empty folders).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The lock file of an output folder (kept; locked while a run writes).
pub const LOCK_FILE: &str = ".delib-verrou";
/// Present while a run writes: a run that finds it sweeps the whole
/// folder for temporary files left by a killed run.
pub const DIRTY_FILE: &str = ".delib-en-cours";

/// Writes `bytes` to `path` atomically; creates the parent folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = crate::load::parent_dir(path);
    std::fs::create_dir_all(dir)?;
    write_in(dir, path, bytes)
}

/// The temporary file name of `name` for this process.
fn temp_name(name: &str) -> String {
    format!(".{name}.{}.tmp", std::process::id())
}

fn write_in(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("sortie");
    let tmp = dir.join(temp_name(name));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        // No fsync: the rename alone keeps readers and killed runs from ever
        // seeing half a file, and forcing each file to disk cost more than the
        // whole rendering (12 fdatasync calls, 55 to 85 ms, for one dossier).
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` unless the file already holds exactly them; true if written.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if unchanged(path, bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes).map(|()| true)
}

fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// An output folder, locked for the time of a run.
pub struct OutputDir {
    root: PathBuf,
    /// Held for the life of the value: the OS releases it even on kill -9.
    _lock: std::fs::File,
    /// Folders this run created, to remove when they stay empty.
    created: Mutex<BTreeSet<PathBuf>>,
    dirty: AtomicBool,
}

impl OutputDir {
    /// Creates `root` if needed and locks it. When another run holds the
    /// lock, `waiting` is called once, then this waits for it.
    pub fn open(root: &Path, waiting: impl FnOnce()) -> std::io::Result<OutputDir> {
        let mut created = BTreeSet::new();
        create_dirs(root, &mut created)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join(LOCK_FILE))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                lock.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        let out = OutputDir {
            root: root.to_path_buf(),
            _lock: lock,
            created: Mutex::new(created),
            dirty: AtomicBool::new(false),
        };
        // A previous run was killed while writing: its temporary files may
        // be anywhere under the folder.
        if root.join(DIRTY_FILE).exists() {
            sweep_temporaries(root, 0);
            let _ = std::fs::remove_file(root.join(DIRTY_FILE));
        }
        Ok(out)
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` inside the folder, when `rel` is a plain relative
    /// path (no `..`, no root, no hidden part).
    pub fn path_of(&self, rel: &Path) -> Option<PathBuf> {
        crate::discover::is_plain_relative(rel).then(|| self.root.join(rel))
    }

    /// Writes `bytes` at `rel` inside the folder, atomically. A `rel` that
    /// would leave the folder is refused.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path_of(rel).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("chemin de sortie refusé : {}", rel.display()),
            )
        })?;
        self.mark_dirty()?;
        let dir = crate::load::parent_dir(&path);
        {
            let mut created = self
                .created
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            create_dirs(dir, &mut created)?;
        }
        remove_own_stale_temp(dir, &path);
        write_in(dir, &path, bytes)
    }

    /// Writes the hidden file `name` (the manifest) at the top of the
    /// folder, unless it already holds exactly `bytes`.
    pub fn write_top(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.root.join(name);
        if unchanged(&path, bytes) {
            return Ok(());
        }
        self.mark_dirty()?;
        write_in(&self.root, &path, bytes)
    }

    /// Removes every temporary file left in `rel` (a folder of the output)
    /// by a run that is no longer running.
    pub fn clean(&self, rel: &Path) {
        if let Some(dir) = self.path_of(rel) {
            sweep_temporaries(&dir, 1);
        }
    }

    /// Deletes the file at `rel` only when it is a regular file inside the
    /// folder whose bytes hash to `hash` (what this tool wrote there). True
    /// when deleted.
    pub fn remove(&self, rel: &Path, hash: &str) -> bool {
        let Some(path) = self.path_of(rel) else {
            return false;
        };
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return false;
        };
        if !meta.file_type().is_file() || !self.contains(&path) {
            return false;
        }
        let same = crate::load::read_regular(&path, 1 << 30)
            .is_ok_and(|b| crate::manifest::content_hash(&b) == hash);
        same && std::fs::remove_file(&path).is_ok()
    }

    /// Removes the folder `rel` if it is empty (after its files were removed).
    pub fn remove_empty_dir(&self, rel: &Path) {
        if let Some(dir) = self.path_of(rel)
            && self.contains(&dir)
        {
            let _ = std::fs::remove_dir(&dir);
        }
    }

    /// True when the real path of `path` (its folder, for a file) is inside
    /// the real path of the folder: no symlinked folder leads out.
    fn contains(&self, path: &Path) -> bool {
        let (Ok(root), Some(Ok(dir))) = (
            self.root.canonicalize(),
            path.parent().map(Path::canonicalize),
        ) else {
            return false;
        };
        dir.starts_with(root)
    }

    fn mark_dirty(&self) -> std::io::Result<()> {
        if !self.dirty.swap(true, Ordering::AcqRel) {
            std::fs::File::create(self.root.join(DIRTY_FILE))?;
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    /// The end of a run, successful or not: folders it created and left
    /// empty are removed, deepest first, and the folder is marked clean.
    fn drop(&mut self) {
        let created = std::mem::take(
            self.created
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let only_lock = |d: &Path| {
            std::fs::read_dir(d).is_ok_and(|mut e| {
                e.all(|e| {
                    e.is_ok_and(|e| e.file_name() == LOCK_FILE || e.file_name() == DIRTY_FILE)
                })
            })
        };
        if self.dirty.load(Ordering::Acquire) {
            let _ = std::fs::remove_file(self.root.join(DIRTY_FILE));
        }
        for dir in created.iter().rev() {
            if dir == &self.root && only_lock(dir) {
                let _ = std::fs::remove_file(dir.join(LOCK_FILE));
            }
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// `create_dir_all`, recording each folder it creates.
fn create_dirs(dir: &Path, created: &mut BTreeSet<PathBuf>) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {
            created.insert(dir.to_path_buf());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        // A file where a folder should be: say that, not "already exists".
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(std::io::ErrorKind::NotADirectory.into())
        }
        Err(e) => Err(e),
    }
}

/// This process's own temporary file for `path`, if one was left (never
/// another process's).
fn remove_own_stale_temp(dir: &Path, path: &Path) {
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        let _ = std::fs::remove_file(dir.join(temp_name(name)));
    }
}

/// Removes `.<name>.<pid>.tmp` files under `dir` (to `depth` levels below it
/// when not 0: unbounded) whose process is gone. Symlinks are not followed.
fn sweep_temporaries(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() && depth != 1 {
            sweep_temporaries(&e.path(), depth.saturating_sub(1));
        } else if kind.is_file()
            && let Some(pid) = temp_pid(&name)
            && !process_alive(pid)
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The process id in a temporary file name `.<name>.<pid>.tmp`.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    rest.rsplit_once('.')?.1.parse().ok()
}

/// True when process `pid` runs (and is not this one). Where this cannot
/// be known, the lock alone protects other runs: false.
fn process_alive(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("delib-out-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = temp("atomic");
        let path = dir.join("a.md");
        write_atomic(&path, b"un").unwrap();
        write_atomic(&path, b"deux").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"deux");
        assert!(!write_if_changed(&path, b"deux").unwrap());
        assert!(write_if_changed(&path, b"trois").unwrap());
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.md")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_only_inside_and_removes_only_what_it_recognises() {
        let dir = temp("inside");
        let out = OutputDir::open(&dir, || {}).unwrap();
        out.write(Path::new("a/b.md"), b"texte").unwrap();
        for bad in ["../x.md", "/tmp/x.md", "a/../../x.md", "", ".cache/x"] {
            assert!(out.write(Path::new(bad), b"x").is_err(), "{bad}");
        }
        let right = crate::manifest::content_hash(b"texte");
        assert!(!out.remove(Path::new("a/b.md"), "0000"), "other bytes");
        assert!(!out.remove(Path::new("../a/b.md"), &right));
        assert!(out.remove(Path::new("a/b.md"), &right));
        drop(out);
        assert!(
            !dir.join("a").exists(),
            "the empty folder it created is gone"
        );
        assert!(!dir.exists(), "the output folder it created is gone too");
    }

    #[cfg(unix)]
    #[test]
    fn a_killed_run_is_swept_and_live_runs_are_spared() {
        let dir = temp("sweep");
        std::fs::create_dir_all(dir.join("x/y")).unwrap();
        std::fs::write(dir.join(DIRTY_FILE), "").unwrap();
        // A pid that cannot exist, and a live process (this one's parent).
        let dead = dir.join("x/y/.a.md.4294967295.tmp");
        std::fs::write(&dead, "x").unwrap();
        let live_pid = std::os::unix::process::parent_id();
        let live = dir.join(format!("x/.b.md.{live_pid}.tmp"));
        std::fs::write(&live, "x").unwrap();
        drop(OutputDir::open(&dir, || {}).unwrap());
        assert!(!dead.exists());
        assert!(live.exists(), "another process's temporary file is kept");
        assert!(!dir.join(DIRTY_FILE).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temp_names() {
        assert_eq!(temp_pid(".rapport.md.123.tmp"), Some(123));
        assert_eq!(temp_pid(".x.tmp"), None);
        assert_eq!(temp_pid("rapport.md"), None);
    }
}
