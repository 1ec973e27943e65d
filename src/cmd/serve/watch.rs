//! Change detection: a snapshot of (modification time, size) of every file
//! under the folder and of the files dossiers read outside it, taken when
//! the system says something changed ([`Waker`]).
//!
//! The snapshot decides what changed; the system's notifications (the
//! `notify` crate: inotify, ReadDirectoryChangesW, FSEvents) only say when
//! to look. Taken every 50 ms, the snapshot of a folder of 20 000 files
//! kept 60 % of a core busy with nothing changing (issue 22); woken by the
//! system, an idle preview costs nothing. Where notifications cannot be had
//! (the system's limit of watched folders reached…), it polls every
//! [`POLL`] as before; and it looks every [`RESCAN`] all the same, for the
//! file systems that notify nothing (network shares).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

/// How often the files are looked at when the system does not notify.
pub const POLL: Duration = Duration::from_millis(50);
/// How often the files are looked at anyway when it does.
pub const RESCAN: Duration = Duration::from_secs(5);
/// After a change, how long the files must stay still before rebuilding
/// (an editor writing in several steps, a `git checkout` of many files).
pub const SETTLE: Duration = Duration::from_millis(20);
/// Give up waiting for the files to settle after this long.
pub const SETTLE_MAX: Duration = Duration::from_millis(1000);
/// At most this many files are watched under the folder.
pub const MAX_FILES: usize = 20_000;

/// What is known of one file; None when it does not exist.
type Stamp = Option<(SystemTime, u64)>;

/// The state of the watched files at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Files found under the folder.
    files: BTreeMap<PathBuf, Stamp>,
    /// Files the dossiers read, wherever they are (they may not exist).
    extra: BTreeMap<PathBuf, Stamp>,
    /// True when the folder holds more than [`MAX_FILES`] files.
    pub truncated: bool,
}

impl Snapshot {
    /// Looks at every file under `folder` (skipping hidden entries, editor
    /// backups, and the `output` and `target` folders) and at `extra`.
    pub fn take(folder: &Path, extra: &BTreeSet<PathBuf>) -> Snapshot {
        let mut snap = Snapshot::default();
        if folder.is_dir() {
            snap.walk(folder);
        } else {
            snap.files.insert(folder.to_path_buf(), stamp(folder));
        }
        snap.extra = extra.iter().map(|p| (p.clone(), stamp(p))).collect();
        snap
    }

    /// Starts watching `extra` instead of the previous extra files, keeping
    /// what is known of those already seen.
    pub fn track(&mut self, extra: &BTreeSet<PathBuf>) {
        self.extra = extra
            .iter()
            .map(|p| {
                let known = self.extra.get(p).or_else(|| self.files.get(p)).copied();
                (p.clone(), known.unwrap_or_else(|| stamp(p)))
            })
            .collect();
    }

    fn walk(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.ends_with('~') || matches!(&*name, "output" | "target")
            {
                continue;
            }
            if self.files.len() >= MAX_FILES {
                self.truncated = true;
                return;
            }
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => self.walk(&path),
                _ => {
                    let s = stamp(&path);
                    self.files.insert(path, s);
                }
            }
        }
    }

    /// The files that differ between two snapshots: changed, created, deleted.
    pub fn changes(&self, newer: &Snapshot) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (old, new) in [(&self.files, &newer.files), (&self.extra, &newer.extra)] {
            for (p, s) in new {
                if old.get(p) != Some(s) && (s.is_some() || old.contains_key(p)) {
                    out.push(p.clone());
                }
            }
            for (p, s) in old {
                if s.is_some() && !new.contains_key(p) {
                    out.push(p.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// How many files are watched.
    pub fn len(&self) -> usize {
        let extra = self
            .extra
            .iter()
            .filter(|(p, s)| s.is_some() && !self.files.contains_key(*p))
            .count();
        self.files.len() + extra
    }
}

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
}

/// Says when the files may have changed.
pub struct Waker {
    /// One message per batch of notifications.
    rx: mpsc::Receiver<()>,
    /// None: polling.
    watcher: Option<notify::RecommendedWatcher>,
    /// Folders outside the watched one, watched for the files dossiers read there.
    outside: BTreeSet<PathBuf>,
    folder: PathBuf,
}

impl Waker {
    /// Notifications for everything under `folder`, or polling when the
    /// system refuses them.
    pub fn new(folder: &Path) -> Waker {
        use notify::Watcher as _;
        let (tx, rx) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
            // Reads (ours while rebuilding, an editor opening a file) change nothing.
            if e.is_ok_and(|e| !is_read(&e.kind)) {
                let _ = tx.send(());
            }
        })
        .and_then(|mut w| {
            w.watch(folder, notify::RecursiveMode::Recursive)?;
            Ok(w)
        })
        .ok();
        Waker {
            rx,
            watcher,
            outside: BTreeSet::new(),
            folder: folder.to_path_buf(),
        }
    }

    /// True when the system notifies (else: polling).
    pub fn notified(&self) -> bool {
        self.watcher.is_some()
    }

    /// Also watches the folders of the `extra` files that are outside the
    /// folder (a `delib.toml` above it, a séance file elsewhere).
    pub fn track(&mut self, extra: &BTreeSet<PathBuf>) {
        use notify::Watcher as _;
        let Some(w) = self.watcher.as_mut() else {
            return;
        };
        let wanted: BTreeSet<PathBuf> = extra
            .iter()
            .filter(|p| !p.starts_with(&self.folder))
            .filter_map(|p| p.parent().filter(|d| d.is_dir()).map(Path::to_path_buf))
            .collect();
        for gone in self.outside.difference(&wanted) {
            let _ = w.unwatch(gone);
        }
        for new in wanted.difference(&self.outside) {
            let _ = w.watch(new, notify::RecursiveMode::NonRecursive);
        }
        self.outside = wanted;
    }

    /// Waits until something may have changed: a notification (those that
    /// follow at once are taken with it) or [`RESCAN`]; [`POLL`] when polling.
    pub fn wait(&self) {
        if self.watcher.is_none() {
            std::thread::sleep(POLL);
            return;
        }
        if self.rx.recv_timeout(RESCAN).is_ok() {
            while self.rx.try_recv().is_ok() {}
        }
    }
}

/// A notification of a file read, not changed.
fn is_read(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(kind, notify::EventKind::Access(a) if *a != AccessKind::Close(AccessMode::Write))
}

/// Waits until the snapshot stops changing (or [`SETTLE_MAX`] passed) and
/// returns the settled snapshot.
pub fn settle(folder: &Path, extra: &BTreeSet<PathBuf>, mut last: Snapshot) -> Snapshot {
    let start = std::time::Instant::now();
    loop {
        std::thread::sleep(SETTLE);
        let again = Snapshot::take(folder, extra);
        if again == last || start.elapsed() >= SETTLE_MAX {
            return again;
        }
        last = again;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_changes_creations_and_deletions_but_not_hidden_files() {
        let dir = std::env::temp_dir().join(format!("delib-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::create_dir_all(dir.join("output")).unwrap();
        std::fs::write(dir.join("a.toml"), "a").unwrap();
        std::fs::write(dir.join("sub/b.csv"), "b").unwrap();
        let outside = dir.with_extension("outside.toml");
        let extra: BTreeSet<PathBuf> = [outside.clone()].into();
        let before = Snapshot::take(&dir, &extra);
        assert_eq!(before.len(), 2);

        std::fs::write(dir.join(".a.toml.swp"), "x").unwrap();
        std::fs::write(dir.join("a.toml~"), "x").unwrap();
        std::fs::write(dir.join("output/a.pdf"), "x").unwrap();
        assert!(before.changes(&Snapshot::take(&dir, &extra)).is_empty());

        std::fs::write(dir.join("sub/b.csv"), "bb").unwrap();
        std::fs::write(dir.join("c.tera"), "c").unwrap();
        std::fs::remove_file(dir.join("a.toml")).unwrap();
        std::fs::write(&outside, "o").unwrap();
        let after = Snapshot::take(&dir, &extra);
        assert_eq!(
            before.changes(&after),
            vec![
                dir.join("a.toml"),
                dir.join("c.tera"),
                dir.join("sub/b.csv"),
                outside.clone(),
            ]
        );
        let _ = std::fs::remove_file(&outside);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The system's notifications wake the watcher at once, for a file
    /// under the folder and for one outside it that a dossier reads; with
    /// nothing changing it sleeps [`RESCAN`], not [`POLL`].
    #[test]
    fn notifications_wake_the_watcher() {
        let dir = std::env::temp_dir().join(format!("delib-notify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("p/sub")).unwrap();
        let mut w = Waker::new(&dir.join("p"));
        assert!(w.notified(), "no notifications on this system");
        w.track(&[dir.join("delib.toml")].into());
        let woken = |change: &dyn Fn()| {
            let t = std::time::Instant::now();
            change();
            w.wait();
            t.elapsed() < RESCAN
        };
        assert!(woken(
            &|| std::fs::write(dir.join("p/sub/a.toml"), "a").unwrap()
        ));
        assert!(woken(
            &|| std::fs::write(dir.join("delib.toml"), "d").unwrap()
        ));
        // Nothing changes (once the notifications of the writes above have
        // all come): the wait lasts the whole RESCAN.
        std::thread::sleep(Duration::from_millis(300));
        while w.rx.try_recv().is_ok() {}
        let t = std::time::Instant::now();
        w.wait();
        assert!(t.elapsed() >= RESCAN);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
