//! The only module that writes files. Every write is atomic: a temporary
//! file in the same folder, then a rename, so a reader (or a crash) never
//! sees half a document.
//!
//! A run writes into an output folder through [`OutputDir`], which holds a
//! lock on the folder for the whole run (a second run waits), deletes only
//! files whose bytes it can recognise, removes the temporary files a killed
//! run left behind, and removes the folders it created when they stay
//! empty (a failed run leaves no empty folders).
//!
//! Containment. The output folder is opened once; everything below it is
//! reached from that open folder one name at a time, and a symlink is never
//! followed (on Unix: `openat`, `mkdirat`, `renameat`, `unlinkat` with
//! `O_NOFOLLOW`, through rustix). A folder of the output swapped for a link
//! to another folder — even while a run writes or deletes — is refused, not
//! followed: nothing is written or deleted outside the real output folder.
//! Elsewhere (Windows) each name is checked not to be a link or a junction
//! just before it is used; a swap between the check and the use is the one
//! gap there, and making a link needs a privilege Windows does not give a
//! clerk's account by default.
//!
//! Special files. A file is replaced only when it is a regular file, or
//! absent: never a symlink, a FIFO, a device or a folder (`export scdl -o
//! /dev/null` run as root must not turn the device into a file).

use crate::disk::refused;
use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::io::{Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The lock file of an output folder (kept; locked while a run writes).
pub const LOCK_FILE: &str = ".delib-verrou";
/// Present while a run writes: a run that finds it sweeps the whole
/// folder for temporary files left by a killed run.
pub const DIRTY_FILE: &str = ".delib-en-cours";
/// Largest file read back to be compared or recognised before deletion.
const MAX_READ: u64 = 1 << 30;
/// Folders deeper than this under an output folder are not swept.
const MAX_DEPTH: usize = 64;

/// Writes `bytes` to `path` atomically; creates the parent folder. `path`
/// is a file the user named (`export scdl -o`): a link in its folder's path
/// is followed, but the file itself is replaced only if it is a regular
/// file or absent.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, name) = split(path)?;
    std::fs::create_dir_all(dir)?;
    write_in(&sys::Dir::open(dir)?, name, bytes)
}

/// Writes `bytes` unless the file already holds exactly them; true if
/// written. Same rules as [`write_atomic`].
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let (dir, name) = split(path)?;
    std::fs::create_dir_all(dir)?;
    let dir = sys::Dir::open(dir)?;
    if holds(&dir, name, bytes) {
        return Ok(false);
    }
    write_in(&dir, name, bytes).map(|()| true)
}

/// Writes a new file: false, and nothing written, when `path` exists (even
/// as a broken link); creates the parent folder. The check and the creation
/// are one step (no other program can slip a file in between); a file left
/// half-written by an error is removed.
pub fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    std::fs::create_dir_all(crate::disk::parent_dir(path))?;
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    if let Err(e) = f.write_all(bytes) {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(true)
}

/// A file's folder and name.
fn split(path: &Path) -> std::io::Result<(&Path, &OsStr)> {
    let name = path.file_name().ok_or_else(|| {
        refused(
            std::io::ErrorKind::InvalidInput,
            "ce chemin ne nomme pas un fichier".into(),
        )
    })?;
    Ok((crate::disk::parent_dir(path), name))
}

/// The temporary file name of `name` for this process.
fn temp_name(name: &OsStr) -> OsString {
    let mut t = OsString::from(".");
    t.push(name);
    t.push(format!(".{}.tmp", std::process::id()));
    t
}

/// Why a file is not replaced.
fn not_regular() -> std::io::Error {
    refused(
        std::io::ErrorKind::InvalidInput,
        "ce n'est pas un fichier ordinaire (lien symbolique, tube, périphérique ou répertoire) : \
         il n'est pas remplacé"
            .into(),
    )
}

/// Writes `name` in `dir` atomically, unless something other than a
/// regular file is there.
fn write_in(dir: &sys::Dir, name: &OsStr, bytes: &[u8]) -> std::io::Result<()> {
    if !matches!(dir.kind(name)?, None | Some(Kind::File)) {
        return Err(not_regular());
    }
    let tmp = temp_name(name);
    // This process's own temporary file, if one was left (never another's).
    let _ = dir.unlink(&tmp);
    let result = (|| {
        let mut f = dir.create(&tmp)?;
        // No fsync: the rename alone keeps readers and killed runs from ever
        // seeing half a file, and forcing each file to disk cost more than the
        // whole rendering (12 fdatasync calls, 55 to 85 ms, for one dossier).
        f.write_all(bytes)?;
        drop(f);
        dir.rename(&tmp, name)
    })();
    if result.is_err() {
        let _ = dir.unlink(&tmp);
    }
    result
}

/// True when `name` in `dir` is a regular file holding exactly `bytes`.
fn holds(dir: &sys::Dir, name: &OsStr, bytes: &[u8]) -> bool {
    let Ok(f) = dir.open_file(name) else {
        return false;
    };
    if !f.metadata().is_ok_and(|m| m.len() == bytes.len() as u64) {
        return false;
    }
    let mut old = Vec::with_capacity(bytes.len());
    f.take(bytes.len() as u64 + 1).read_to_end(&mut old).is_ok() && old == bytes
}

/// Reads `name` in `dir`: a regular file of at most `max` bytes.
fn read_in(dir: &sys::Dir, name: &OsStr, max: u64) -> std::io::Result<Vec<u8>> {
    let f = dir.open_file(name)?;
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(refused(
            std::io::ErrorKind::FileTooLarge,
            format!("fichier trop gros (plus de {} Mo)", max >> 20),
        ));
    }
    Ok(bytes)
}

/// What a name in a folder is, the name itself not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Link,
    Other,
}

/// An output folder, locked for the time of a run.
pub struct OutputDir {
    root: PathBuf,
    /// The real path of the folder when it was opened.
    real: PathBuf,
    /// The folder, open: everything below it is reached from here.
    dir: sys::Dir,
    /// Held for the life of the value: the OS releases it even on kill -9.
    _lock: std::fs::File,
    /// Folders this run created below it (relative), to remove when they stay empty.
    created: Mutex<BTreeSet<PathBuf>>,
    /// The folder itself and its parents, when this run created them.
    created_above: BTreeSet<PathBuf>,
    dirty: AtomicBool,
}

/// A folder inside an output folder, open (reached without following a link).
pub struct Folder<'a> {
    out: &'a OutputDir,
    rel: PathBuf,
    dir: sys::Dir,
}

impl OutputDir {
    /// Creates `root` if needed and locks it. When another run holds the
    /// lock, `waiting` is called once, then this waits for it.
    pub fn open(root: &Path, waiting: impl FnOnce()) -> std::io::Result<OutputDir> {
        let mut created_above = BTreeSet::new();
        create_dirs(root, &mut created_above)?;
        let dir = sys::Dir::open(root)?;
        let real = std::fs::canonicalize(if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        })?;
        let lock = dir
            .open_or_create(OsStr::new(LOCK_FILE))
            .map_err(not_writable)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                lock.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        // A previous run was killed while writing: its temporary files may
        // be anywhere under the folder.
        if dir.kind(OsStr::new(DIRTY_FILE)).ok().flatten().is_some() {
            sweep_temporaries(&dir, 0, MAX_DEPTH);
            let _ = dir.unlink(OsStr::new(DIRTY_FILE));
        }
        Ok(OutputDir {
            root: root.to_path_buf(),
            real,
            dir,
            _lock: lock,
            created: Mutex::new(BTreeSet::new()),
            created_above,
            dirty: AtomicBool::new(false),
        })
    }

    /// The folder, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Its real path (symlinks resolved) when it was opened.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// The path of `rel` inside the folder, when `rel` is a plain relative
    /// path (no `..`, no root, no hidden part).
    pub fn path_of(&self, rel: &Path) -> Option<PathBuf> {
        crate::disk::is_plain_relative(rel).then(|| self.root.join(rel))
    }

    /// The sub-folder `rel` (a plain relative path; empty: the folder
    /// itself), created if needed. A part of it that is a symlink or a file
    /// is refused.
    pub fn folder(&self, rel: &Path) -> std::io::Result<Folder<'_>> {
        self.reach(rel, true)
    }

    /// The sub-folder `rel` if it exists as a real folder (no link on the way).
    pub fn existing(&self, rel: &Path) -> Option<Folder<'_>> {
        self.reach(rel, false).ok()
    }

    fn reach(&self, rel: &Path, create: bool) -> std::io::Result<Folder<'_>> {
        let plain = rel.as_os_str().is_empty() || crate::disk::is_plain_relative(rel);
        if !plain {
            return Err(refused(
                std::io::ErrorKind::InvalidInput,
                format!("chemin de sortie refusé : {}", rel.display()),
            ));
        }
        let mut dir = self.dir.try_clone()?;
        let mut so_far = PathBuf::new();
        for part in rel.components() {
            let Component::Normal(name) = part else {
                continue;
            };
            so_far.push(name);
            dir = match dir.sub(name) {
                Ok(d) => d,
                Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => {
                    match dir.mkdir(name) {
                        Ok(()) => {
                            self.created
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .insert(so_far.clone());
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(e),
                    }
                    dir.sub(name)
                        .map_err(|e| self.explain(&dir, name, &so_far, e))?
                }
                Err(e) => return Err(self.explain(&dir, name, &so_far, e)),
            };
        }
        Ok(Folder {
            out: self,
            rel: rel.to_path_buf(),
            dir,
        })
    }

    /// A sub-folder that could not be opened: a link or a file says so.
    fn explain(
        &self,
        parent: &sys::Dir,
        name: &OsStr,
        rel: &Path,
        e: std::io::Error,
    ) -> std::io::Error {
        let path = self.root.join(rel);
        match parent.kind(name) {
            Ok(Some(Kind::Link)) => refused(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} est un lien symbolique : delib n'écrit ni ne supprime rien à travers un lien",
                    path.display()
                ),
            ),
            Ok(Some(Kind::File | Kind::Other)) => refused(
                std::io::ErrorKind::NotADirectory,
                format!("{} est un fichier, pas un répertoire", path.display()),
            ),
            _ => e,
        }
    }

    /// Writes `bytes` at `rel` inside the folder, atomically. A `rel` that
    /// would leave the folder is refused.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let (dir, name) = self.split(rel)?;
        self.folder(dir)?.write(name, bytes)
    }

    /// Writes `bytes` at `rel` unless the file holds exactly them; true if written.
    pub fn write_if_changed(&self, rel: &Path, bytes: &[u8]) -> std::io::Result<bool> {
        let (dir, name) = self.split(rel)?;
        self.folder(dir)?.write_if_changed(name, bytes)
    }

    /// `rel`'s folder and file name, `rel` a plain relative path.
    fn split<'r>(&self, rel: &'r Path) -> std::io::Result<(&'r Path, &'r OsStr)> {
        match (self.path_of(rel), rel.file_name()) {
            (Some(_), Some(name)) => Ok((rel.parent().unwrap_or(Path::new("")), name)),
            _ => Err(refused(
                std::io::ErrorKind::InvalidInput,
                format!("chemin de sortie refusé : {}", rel.display()),
            )),
        }
    }

    /// Writes the hidden file `name` (the manifest) at the top of the
    /// folder, unless it already holds exactly `bytes`.
    pub fn write_top(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let name = OsStr::new(name);
        if holds(&self.dir, name, bytes) {
            return Ok(());
        }
        self.mark_dirty()?;
        write_in(&self.dir, name, bytes)
    }

    /// Reads the hidden file `name` at the top of the folder (a regular
    /// file of at most `max` bytes).
    pub fn read_top(&self, name: &str, max: u64) -> std::io::Result<Vec<u8>> {
        read_in(&self.dir, OsStr::new(name), max)
    }

    /// True when something is at `name` at the top of the folder.
    pub fn has_top(&self, name: &str) -> bool {
        self.dir.kind(OsStr::new(name)).ok().flatten().is_some()
    }

    /// Removes the hidden file `name` at the top of the folder (a file, or
    /// a link itself: never what a link points to).
    pub fn remove_top(&self, name: &str) {
        let _ = self.dir.unlink(OsStr::new(name));
    }

    /// Removes every temporary file left in `rel` (a folder of the output)
    /// by a run that is no longer running.
    pub fn clean(&self, rel: &Path) {
        if let Some(f) = self.existing(rel) {
            f.clean();
        }
    }

    /// Deletes the file at `rel` only when it is a regular file inside the
    /// folder whose bytes hash to `hash` (what this tool wrote there). True
    /// when deleted.
    pub fn remove(&self, rel: &Path, hash: &str) -> bool {
        self.remove_if(rel, |b| crate::hash::content_hash(b) == hash)
    }

    /// Deletes the file at `rel` only when it is a regular file inside the
    /// folder whose bytes `recognised` accepts. True when deleted.
    pub fn remove_if(&self, rel: &Path, recognised: impl FnOnce(&[u8]) -> bool) -> bool {
        let Ok((dir, name)) = self.split(rel) else {
            return false;
        };
        self.existing(dir)
            .is_some_and(|f| f.remove_if(name, recognised))
    }

    /// Removes the folder `rel` if it is empty (after its files were removed).
    pub fn remove_empty_dir(&self, rel: &Path) {
        if let Ok((dir, name)) = self.split(rel)
            && let Some(f) = self.existing(dir)
        {
            let _ = f.dir.rmdir(name);
        }
    }

    fn mark_dirty(&self) -> std::io::Result<()> {
        if !self.dirty.swap(true, Ordering::AcqRel) {
            self.dir.open_or_create(OsStr::new(DIRTY_FILE))?;
        }
        Ok(())
    }
}

impl Folder<'_> {
    /// The path of `name` in this folder, as shown.
    pub fn path(&self, name: &str) -> PathBuf {
        self.out.root.join(&self.rel).join(name)
    }

    /// Ok when `name` here can be written: absent, or a regular file.
    pub fn replaceable(&self, name: impl AsRef<OsStr>) -> std::io::Result<()> {
        match self.dir.kind(plain_name(name.as_ref())?)? {
            None | Some(Kind::File) => Ok(()),
            Some(_) => Err(not_regular()),
        }
    }

    /// Writes `name` here, atomically.
    pub fn write(&self, name: impl AsRef<OsStr>, bytes: &[u8]) -> std::io::Result<()> {
        let name = plain_name(name.as_ref())?;
        self.out.mark_dirty()?;
        write_in(&self.dir, name, bytes)
    }

    /// Writes `bytes` here under the temporary name of `name`, for
    /// [`Folder::commit`] to put in place or [`Folder::discard`] to drop: a
    /// dossier's files are all written before the first replaces anything,
    /// without holding them all in memory.
    pub fn stage(&self, name: impl AsRef<OsStr>, bytes: &[u8]) -> std::io::Result<()> {
        let name = plain_name(name.as_ref())?;
        self.out.mark_dirty()?;
        let tmp = temp_name(name);
        let _ = self.dir.unlink(&tmp);
        let result = self.dir.create(&tmp).and_then(|mut f| f.write_all(bytes));
        if result.is_err() {
            let _ = self.dir.unlink(&tmp);
        }
        result
    }

    /// Puts the staged `name` in place, unless something other than a
    /// regular file is there now.
    pub fn commit(&self, name: impl AsRef<OsStr>) -> std::io::Result<()> {
        let name = plain_name(name.as_ref())?;
        let tmp = temp_name(name);
        let result = match self.dir.kind(name)? {
            None | Some(Kind::File) => self.dir.rename(&tmp, name),
            Some(_) => Err(not_regular()),
        };
        if result.is_err() {
            let _ = self.dir.unlink(&tmp);
        }
        result
    }

    /// Removes the staged `name`.
    pub fn discard(&self, name: impl AsRef<OsStr>) {
        if let Ok(name) = plain_name(name.as_ref()) {
            let _ = self.dir.unlink(&temp_name(name));
        }
    }

    /// Writes `name` here unless it holds exactly `bytes`; true if written.
    pub fn write_if_changed(&self, name: impl AsRef<OsStr>, bytes: &[u8]) -> std::io::Result<bool> {
        let name = plain_name(name.as_ref())?;
        if holds(&self.dir, name, bytes) {
            return Ok(false);
        }
        self.write(name, bytes).map(|()| true)
    }

    /// Deletes `name` here when it is a regular file whose bytes
    /// `recognised` accepts; true when deleted.
    pub fn remove_if(
        &self,
        name: impl AsRef<OsStr>,
        recognised: impl FnOnce(&[u8]) -> bool,
    ) -> bool {
        let Ok(name) = plain_name(name.as_ref()) else {
            return false;
        };
        read_in(&self.dir, name, MAX_READ).is_ok_and(|b| recognised(&b))
            && self.dir.unlink(name).is_ok()
    }

    /// Removes the temporary files left here by runs no longer running.
    pub fn clean(&self) {
        sweep_temporaries(&self.dir, 1, 1);
    }
}

/// The French reason of an error that is delib's own refusal (a link, a
/// special file, a path leaving the folder), None for an error of the
/// system (disk full…).
pub fn refusal(e: &std::io::Error) -> Option<&str> {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<crate::disk::Refused>())
        .map(|r| r.0.as_str())
}

/// A single file name (no separator, not `.` or `..`, not empty).
fn plain_name(name: &OsStr) -> std::io::Result<&OsStr> {
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(n)), None) if n == name => Ok(name),
        _ => Err(refused(
            std::io::ErrorKind::InvalidInput,
            format!("nom de fichier refusé : {}", name.to_string_lossy()),
        )),
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
        for rel in created.iter().rev() {
            self.remove_empty_dir(rel);
        }
        if self.dirty.load(Ordering::Acquire) {
            let _ = self.dir.unlink(OsStr::new(DIRTY_FILE));
        }
        // The folder itself, when this run created it and left only its lock.
        let only_lock = self
            .dir
            .entries()
            .is_ok_and(|e| e.iter().all(|(n, _)| n == LOCK_FILE || n == DIRTY_FILE));
        for dir in self.created_above.iter().rev() {
            if dir == &self.root && only_lock {
                let _ = self.dir.unlink(OsStr::new(LOCK_FILE));
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
        // A link that leads nowhere: say where it leads.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_symlink() => {
            let to = std::fs::read_link(dir).unwrap_or_default();
            Err(refused(
                std::io::ErrorKind::NotFound,
                format!(
                    "{} est un lien symbolique vers {}, qui n'existe pas : créez ce répertoire, ou donnez un autre répertoire de sortie",
                    dir.display(),
                    to.display()
                ),
            ))
        }
        // A file where a folder should be: say that, not "already exists".
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(std::io::ErrorKind::NotADirectory.into())
        }
        Err(e) => Err(e),
    }
}

/// The error of writing the first file in an output folder that exists: a
/// folder one may not write in is told as such (the system only says «
/// permission refusée », which reads as if delib had tried to create it).
fn not_writable(e: std::io::Error) -> std::io::Error {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => refused(
            e.kind(),
            "ce répertoire existe mais vous n'avez pas le droit d'y écrire (lecture seule) : \
             changez ses droits, ou donnez un autre répertoire de sortie"
                .into(),
        ),
        std::io::ErrorKind::ReadOnlyFilesystem => refused(
            e.kind(),
            "ce répertoire est sur un disque en lecture seule : donnez un autre répertoire de sortie"
                .into(),
        ),
        _ => e,
    }
}

/// Removes `.<name>.<pid>.tmp` files under `dir` (to `depth` levels below it
/// when not 0: unbounded, up to `levels` folders deep) whose process is
/// gone. No link is followed.
fn sweep_temporaries(dir: &sys::Dir, depth: usize, levels: usize) {
    let Ok(entries) = dir.entries() else {
        return;
    };
    for (name, kind) in entries {
        match kind {
            Kind::Dir if depth != 1 && levels > 1 => {
                if let Ok(sub) = dir.sub(&name) {
                    sweep_temporaries(&sub, depth.saturating_sub(1), levels - 1);
                }
            }
            Kind::File => {
                if let Some(pid) = name.to_str().and_then(temp_pid)
                    && !process_alive(pid)
                {
                    let _ = dir.unlink(&name);
                }
            }
            _ => {}
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

/// An open folder and what can be done in it by name, never following a
/// link at that name: on Unix, the `*at` system calls on its descriptor.
#[cfg(unix)]
mod sys {
    use super::Kind;
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use std::ffi::{OsStr, OsString};
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt as _;
    use std::path::Path;

    pub struct Dir(OwnedFd);

    const DIR: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC);

    impl Dir {
        /// The folder at `path` (a link there is followed: the folder the user named).
        pub fn open(path: &Path) -> std::io::Result<Dir> {
            let path = if path.as_os_str().is_empty() {
                Path::new(".")
            } else {
                path
            };
            Ok(Dir(rustix::fs::open(path, DIR, Mode::empty())?))
        }

        pub fn try_clone(&self) -> std::io::Result<Dir> {
            Ok(Dir(self.0.try_clone()?))
        }

        /// The sub-folder `name`, refused if `name` is a link.
        pub fn sub(&self, name: &OsStr) -> std::io::Result<Dir> {
            Ok(Dir(rustix::fs::openat(
                &self.0,
                name,
                DIR | OFlags::NOFOLLOW,
                Mode::empty(),
            )?))
        }

        pub fn mkdir(&self, name: &OsStr) -> std::io::Result<()> {
            Ok(rustix::fs::mkdirat(&self.0, name, Mode::from(0o777))?)
        }

        pub fn kind(&self, name: &OsStr) -> std::io::Result<Option<Kind>> {
            match rustix::fs::statat(&self.0, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => Ok(Some(kind(FileType::from_raw_mode(st.st_mode)))),
                Err(rustix::io::Errno::NOENT) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }

        /// A new file `name`, for writing; fails if anything is there.
        pub fn create(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW;
            let fd = rustix::fs::openat(&self.0, name, flags | OFlags::CLOEXEC, Mode::from(0o666))?;
            Ok(fd.into())
        }

        /// The file `name`, created if absent, for writing (not truncated);
        /// a link there is refused.
        pub fn open_or_create(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(&self.0, name, flags, Mode::from(0o666))?;
            Ok(fd.into())
        }

        /// The regular file `name`, for reading: a link, a FIFO (never
        /// waited for) or a device is refused.
        pub fn open_file(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let file: std::fs::File =
                rustix::fs::openat(&self.0, name, flags, Mode::empty())?.into();
            if !file.metadata()?.is_file() {
                return Err(super::not_regular());
            }
            Ok(file)
        }

        pub fn rename(&self, from: &OsStr, to: &OsStr) -> std::io::Result<()> {
            Ok(rustix::fs::renameat(&self.0, from, &self.0, to)?)
        }

        /// Removes the file (or the link itself) `name`.
        pub fn unlink(&self, name: &OsStr) -> std::io::Result<()> {
            Ok(rustix::fs::unlinkat(&self.0, name, AtFlags::empty())?)
        }

        /// Removes the empty folder `name` (never a link's target).
        pub fn rmdir(&self, name: &OsStr) -> std::io::Result<()> {
            Ok(rustix::fs::unlinkat(&self.0, name, AtFlags::REMOVEDIR)?)
        }

        pub fn entries(&self) -> std::io::Result<Vec<(OsString, Kind)>> {
            let mut out = Vec::new();
            for e in rustix::fs::Dir::read_from(&self.0)? {
                let e = e?;
                let name = OsStr::from_bytes(e.file_name().to_bytes());
                if name == "." || name == ".." {
                    continue;
                }
                let k = match e.file_type() {
                    FileType::Unknown => match self.kind(name) {
                        Ok(Some(k)) => k,
                        _ => continue,
                    },
                    t => kind(t),
                };
                out.push((name.to_os_string(), k));
            }
            Ok(out)
        }
    }

    fn kind(t: FileType) -> Kind {
        match t {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Link,
            _ => Kind::Other,
        }
    }
}

/// Elsewhere (Windows): the same operations by path, each name checked
/// not to be a link or a junction (`is_symlink` covers both) just before
/// it is used.
#[cfg(not(unix))]
mod sys {
    use super::Kind;
    use std::ffi::{OsStr, OsString};
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn open(path: &Path) -> std::io::Result<Dir> {
            let path = if path.as_os_str().is_empty() {
                Path::new(".")
            } else {
                path
            };
            if !std::fs::metadata(path)?.is_dir() {
                return Err(std::io::ErrorKind::NotADirectory.into());
            }
            Ok(Dir(path.to_path_buf()))
        }

        pub fn try_clone(&self) -> std::io::Result<Dir> {
            Ok(Dir(self.0.clone()))
        }

        pub fn sub(&self, name: &OsStr) -> std::io::Result<Dir> {
            let path = self.0.join(name);
            let meta = std::fs::symlink_metadata(&path)?;
            if meta.file_type().is_symlink() {
                return Err(std::io::ErrorKind::InvalidInput.into());
            }
            if !meta.is_dir() {
                return Err(std::io::ErrorKind::NotADirectory.into());
            }
            Ok(Dir(path))
        }

        pub fn mkdir(&self, name: &OsStr) -> std::io::Result<()> {
            std::fs::create_dir(self.0.join(name))
        }

        pub fn kind(&self, name: &OsStr) -> std::io::Result<Option<Kind>> {
            match std::fs::symlink_metadata(self.0.join(name)) {
                Ok(m) => Ok(Some(kind(m.file_type()))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }

        pub fn create(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.0.join(name))
        }

        pub fn open_or_create(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            if self.kind(name)?.is_some_and(|k| k != Kind::File) {
                return Err(super::not_regular());
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(self.0.join(name))
        }

        pub fn open_file(&self, name: &OsStr) -> std::io::Result<std::fs::File> {
            if self.kind(name)? != Some(Kind::File) {
                return Err(super::not_regular());
            }
            let file = std::fs::File::open(self.0.join(name))?;
            if !file.metadata()?.is_file() {
                return Err(super::not_regular());
            }
            Ok(file)
        }

        pub fn rename(&self, from: &OsStr, to: &OsStr) -> std::io::Result<()> {
            std::fs::rename(self.0.join(from), self.0.join(to))
        }

        pub fn unlink(&self, name: &OsStr) -> std::io::Result<()> {
            std::fs::remove_file(self.0.join(name))
        }

        pub fn rmdir(&self, name: &OsStr) -> std::io::Result<()> {
            if self.kind(name)? != Some(Kind::Dir) {
                return Err(std::io::ErrorKind::NotADirectory.into());
            }
            std::fs::remove_dir(self.0.join(name))
        }

        pub fn entries(&self) -> std::io::Result<Vec<(OsString, Kind)>> {
            let mut out = Vec::new();
            for e in std::fs::read_dir(&self.0)? {
                let e = e?;
                out.push((e.file_name(), kind(e.file_type()?)));
            }
            Ok(out)
        }
    }

    fn kind(t: std::fs::FileType) -> Kind {
        if t.is_symlink() {
            Kind::Link
        } else if t.is_file() {
            Kind::File
        } else if t.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        }
    }
}

#[cfg(test)]
mod tests {
    /// An output folder one may not write in is told as such (issue 22:
    /// « impossible de créer … : permission refusée » for a folder that
    /// exists). Tests run as root, whom no permission stops: the mapping.
    #[test]
    fn a_read_only_output_folder_is_told_as_such() {
        use std::io::{Error, ErrorKind};
        let m = |k| crate::messages::io_message(&not_writable(Error::from(k)));
        assert!(m(ErrorKind::PermissionDenied).contains("vous n'avez pas le droit d'y écrire"));
        assert!(m(ErrorKind::ReadOnlyFilesystem).contains("disque en lecture seule"));
        assert_eq!(m(ErrorKind::StorageFull), "plus de place sur le disque");
    }

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
        assert!(
            out.folder(Path::new("a"))
                .unwrap()
                .write("../c.md", b"x")
                .is_err()
        );
        let right = crate::hash::content_hash(b"texte");
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

    /// A folder of the output that is a link (to a folder outside, or to
    /// another folder inside) is never written or deleted through.
    #[cfg(unix)]
    #[test]
    fn no_write_or_deletion_through_a_linked_folder() {
        let dir = temp("linked");
        let outside = temp("linked-outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("b.md"), "texte").unwrap();
        let out = OutputDir::open(&dir, || {}).unwrap();
        out.write(Path::new("inside/x.md"), b"x").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("a")).unwrap();
        std::os::unix::fs::symlink(dir.join("inside"), dir.join("b")).unwrap();
        let err = out.write(Path::new("a/c.md"), b"x").unwrap_err();
        assert!(
            crate::messages::io_message(&err).contains("est un lien symbolique"),
            "{err}"
        );
        assert!(out.write(Path::new("a/sub/c.md"), b"x").is_err());
        assert!(out.write(Path::new("b/c.md"), b"x").is_err());
        let hash = crate::hash::content_hash(b"texte");
        assert!(!out.remove(Path::new("a/b.md"), &hash));
        assert!(!out.remove(Path::new("b/x.md"), &crate::hash::content_hash(b"x")));
        out.remove_empty_dir(Path::new("a"));
        assert!(out.existing(Path::new("a")).is_none());
        drop(out);
        assert!(outside.join("b.md").is_file());
        assert!(!outside.join("c.md").exists() && !outside.join("sub").exists());
        assert!(dir.join("inside/x.md").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    /// A link, a FIFO or a folder where a file goes is not replaced, and
    /// what it points to is not touched.
    #[cfg(unix)]
    #[test]
    fn special_files_are_not_replaced() {
        let dir = temp("special");
        std::fs::create_dir_all(dir.join("d")).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "à garder").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("lien.md")).unwrap();
        let fifo = dir.join("tube.md");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        for name in ["lien.md", "tube.md", "d"] {
            let err = write_atomic(&dir.join(name), b"x").unwrap_err();
            assert!(
                crate::messages::io_message(&err).contains("n'est pas un fichier ordinaire"),
                "{name}: {err}"
            );
            assert!(!write_if_changed(&dir.join(name), b"x").is_ok_and(|w| w));
        }
        let out = OutputDir::open(&dir, || {}).unwrap();
        assert!(out.write(Path::new("tube.md"), b"x").is_err());
        assert!(
            !out.remove_if(Path::new("tube.md"), |_| true),
            "never waits on a FIFO"
        );
        assert!(!out.remove_if(Path::new("lien.md"), |_| true));
        drop(out);
        use std::os::unix::fs::FileTypeExt as _;
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        assert!(
            std::fs::symlink_metadata(dir.join("lien.md"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "à garder");
        std::fs::remove_dir_all(&dir).unwrap();
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
        // A link to a folder outside holding a dead run's file: not followed.
        let outside = temp("sweep-outside");
        std::fs::create_dir_all(&outside).unwrap();
        let theirs = outside.join(".c.md.4294967295.tmp");
        std::fs::write(&theirs, "x").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("x/lien")).unwrap();
        drop(OutputDir::open(&dir, || {}).unwrap());
        assert!(!dead.exists());
        assert!(live.exists(), "another process's temporary file is kept");
        assert!(theirs.exists(), "nothing swept through a link");
        assert!(!dir.join(DIRTY_FILE).exists());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn temp_names() {
        assert_eq!(temp_pid(".rapport.md.123.tmp"), Some(123));
        assert_eq!(temp_pid(".x.tmp"), None);
        assert_eq!(temp_pid("rapport.md"), None);
    }
}
