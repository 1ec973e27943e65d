//! The key of the cache's record: a re-run with nothing changed, without
//! parsing anything.
//!
//! The record itself is part of the cache of the output folder
//! (`crate::manifest::Record`, beside the manifest); this module computes
//! its key: a hash of the tool, the command line, the bytes of every
//! `.toml` found under the paths given, and the state of every other file
//! the run read or looked for (`delib.toml`, séance file, partners CSV,
//! logo, each template of the templates folder, and the places where a
//! `delib.toml` or a `templates/` folder was looked for and not found).
//! Each file is hashed one way, [`crate::hash::content_hash`] of its bytes,
//! as `load` and `templates` hashed what they read: nothing is decoded to
//! know that it did not change.
//!
//! When the cache is opened ([`open`]), before anything is loaded, the key
//! of the files on disk is compared with the record's: the same, with every
//! output still there, and the run says again what the recorded run said
//! (findings and warnings, like cargo replays the warnings of crates it
//! does not rebuild) and stops. Any difference, and the run is the ordinary
//! one, which removes the record first and writes a new one at its end
//! ([`Recorder`]) — from the same hash of the `.toml` found, taken once.
//!
//! Every file is named by its path from the output folder
//! (`crate::disk::relative`, as the manifest names its dossiers), never by
//! where the project is: a project moved together with its output folder
//! (a renamed folder, another mount point, another CI workspace) still has
//! nothing to do.

use crate::discover::Walk;
use crate::engine::RenderOptions;
use crate::hash::Hash;
use crate::load::{self, Loaded};
use crate::manifest::{Manifest, Record};
use crate::templates::{BUILTIN, Templates};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The output folder a run would use when it can be known without parsing
/// a dossier: `-o`, else `[rendu] sortie` of the `delib.toml` above the
/// first path given, else `output/`. The record is looked for there, and
/// written only when every dossier did go there.
pub fn root(args: &RenderOptions) -> Option<PathBuf> {
    if let Some(o) = &args.output {
        return Some(o.clone());
    }
    let first = args.paths.first()?;
    let dir = if first.is_dir() {
        first.as_path()
    } else {
        crate::disk::parent_dir(first)
    };
    let Some(projet) = load::find_project_file(dir) else {
        return Some(PathBuf::from("output"));
    };
    let text =
        String::from_utf8(crate::disk::read_regular(&projet, crate::disk::MAX_TEXT).ok()?).ok()?;
    let text = load::normalize(text);
    let src = std::sync::Arc::new(crate::diag::Source {
        path: projet.clone(),
        text,
    });
    let p: crate::input::Projet = load::parse(&src).ok()?;
    match p.rendu.and_then(|r| r.sortie) {
        Some(s) => Some(crate::disk::parent_dir(&projet).join(s.get_ref())),
        None => Some(PathBuf::from("output")),
    }
}

/// What the recorded run did, for a re-run with nothing to do to say it again.
pub struct Replay {
    /// What the recorded run printed before its summary (None when it ran with -q).
    pub report: Option<String>,
    pub dossiers: usize,
    pub seances: usize,
    /// Documents of the formats and kinds asked for.
    pub unchanged: usize,
}

/// What the cache says before a run loads anything.
pub enum Opened {
    /// Nothing changed since the recorded run: its report and figures, for
    /// the command to print.
    Replay(Replay),
    /// An ordinary run, with the hash of the `.toml` found ([`tomls_of`])
    /// for its record, when it can have one.
    Run(Option<Hash>),
}

/// Opens the cache of the output folder a run would use ([`root`]): the
/// walk's `.toml` hashed once, compared with the record when there is one.
pub fn open(args: &RenderOptions, walk: &Walk, quiet: bool) -> Opened {
    let Some(root) = root(args) else {
        return Opened::Run(None);
    };
    if args.force || !root.join(crate::manifest::RECORD).is_file() {
        let tomls =
            crate::disk::real_place(&root).and_then(|base| tomls_of(walk, &base, &BTreeMap::new()));
        return Opened::Run(tomls);
    }
    // Locked like a run (and a killed run's temporary files swept).
    let Ok(out) = crate::output::OutputDir::open(&root, || {
        eprintln!(
            "un autre delib render écrit dans {} : attente de la fin de ce rendu…",
            root.display()
        );
    }) else {
        return Opened::Run(None);
    };
    let base = out.real();
    let tomls = tomls_of(walk, base, &BTreeMap::new());
    let replay = || {
        let rec = Record::read(&out)?;
        if !quiet && rec.report.is_none() {
            return None;
        }
        if key(args, tomls?, &rec.deps, base, &BTreeMap::new())? != rec.key
            || !rec.outputs_there(&out)
        {
            return None;
        }
        Some(Replay {
            report: rec.report,
            dossiers: rec.dossiers,
            seances: rec.seances,
            unchanged: rec.unchanged,
        })
    };
    match replay() {
        Some(r) => Opened::Replay(r),
        None => Opened::Run(tomls),
    }
}

/// What a successful run leaves for the next one, or None when it cannot
/// be replayed (several output folders, entries of other runs in the
/// manifest, a file changed while the run read it).
pub struct Recorder<'a> {
    pub args: &'a RenderOptions,
    /// The real path of the output folder: every file is named from there.
    pub base: &'a Path,
    /// [`tomls_of`] before the run loaded anything ([`open`]): a `.toml`
    /// added or edited while it ran (and so not rendered) makes the record
    /// wrong.
    pub tomls_before: Option<Hash>,
    pub manifest: &'a Manifest,
    /// Every dossier of the run, loaded, with the templates it used.
    pub units: Vec<(&'a Loaded, std::sync::Arc<Templates>)>,
    pub seances: usize,
    /// Documents of the formats and kinds asked for (written or unchanged).
    pub documents: usize,
    pub report: Option<String>,
}

impl Recorder<'_> {
    /// The record, or None when this run cannot be replayed.
    pub fn record(&self) -> Option<Record> {
        // What the run read, by real path, to check the disk still holds it.
        let mut used: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut deps: BTreeSet<PathBuf> = BTreeSet::new();
        for (l, t) in &self.units {
            for (path, hash) in &l.read {
                use_hash(&mut used, path, hash);
            }
            // delib.toml: every place looked at, up to the one found.
            deps.extend(load::project_file_places(crate::disk::parent_dir(
                &l.source.path,
            )));
            if let Some((_, src)) = &l.seance
                && !std::sync::Arc::ptr_eq(src, &l.source)
            {
                deps.insert(src.path.clone());
            }
            if let Some(src) = &l.partenaires {
                deps.insert(src.path.clone());
            }
            if let Some(path) = &l.logo_path {
                deps.insert(path.clone());
            }
            match crate::engine::templates_dir(l).ok()? {
                Some(d) => {
                    for (name, _) in BUILTIN {
                        deps.insert(d.join(name));
                    }
                    deps.insert(d);
                }
                None => {
                    deps.insert(l.root.join("templates"));
                }
            }
            for (path, hash) in t.read() {
                use_hash(&mut used, path, hash);
            }
        }
        let tomls = tomls(&self.args.paths, self.base, &used)?;
        if self.tomls_before != Some(tomls) {
            return None;
        }
        let deps = deps
            .iter()
            .map(|d| crate::disk::relative(self.base, d))
            .collect::<Option<BTreeSet<String>>>()?
            .into_iter()
            .collect::<Vec<_>>();
        let key = key(self.args, tomls, &deps, self.base, &used)?;
        Some(Record {
            dossiers: self.units.len(),
            seances: self.seances,
            unchanged: self.documents,
            report: self.report.clone(),
            ..Record::new(key, deps, self.manifest.files())
        })
    }
}

/// Notes the hash of the bytes a run read from `path`, by its real place.
/// A file read twice with other bytes (edited between two dossiers that
/// read it) matches no file on disk: nothing is recorded.
fn use_hash(used: &mut BTreeMap<PathBuf, String>, path: &Path, hash: &str) {
    if let Ok(real) = path.canonicalize() {
        used.entry(real)
            .and_modify(|h| {
                if h != hash {
                    *h = "lu deux fois, différent".into();
                }
            })
            .or_insert_with(|| hash.to_owned());
    }
}

/// The `.toml` found under `paths` (path as shown, real place from `base`,
/// bytes) and what the walk reported, as one hash. None when a file's
/// bytes on disk are not those in `used` (changed while the run read it),
/// or a file has no path from `base`.
pub fn tomls(paths: &[PathBuf], base: &Path, used: &BTreeMap<PathBuf, String>) -> Option<Hash> {
    tomls_of(&crate::discover::walk(paths).ok()?, base, used)
}

/// [`tomls`] of a walk already made.
pub fn tomls_of(walk: &Walk, base: &Path, used: &BTreeMap<PathBuf, String>) -> Option<Hash> {
    let found = &walk.candidates;
    let mut h = Hash::default().feed(&found.len().to_le_bytes());
    for (path, real, out, given) in found {
        let bytes = crate::disk::read_regular(real, crate::disk::MAX_TOML).ok();
        let hash = bytes
            .as_deref()
            .map(crate::hash::content_hash)
            .unwrap_or_default();
        if used.get(real).is_some_and(|u| *u != hash) {
            return None;
        }
        h = h
            .feed(os(path))
            .feed(crate::disk::path_from(base, real)?.as_bytes())
            .feed(out.as_bytes())
            .feed(&[u8::from(*given)])
            .feed(hash.as_bytes());
    }
    for d in &walk.findings {
        h = h.feed(d.message.as_bytes());
    }
    Some(h)
}

/// A path's bytes, for hashing.
fn os(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// The key of a run: its command line, its [`tomls`], and the state of
/// each other file (`deps`, named from `base`). None when a file's bytes on
/// disk are not those in `used` (changed while the run read it: nothing is
/// recorded).
///
/// The current folder is not in it: the paths given are (as typed), and
/// every file they lead to is named from the output folder, so a project
/// moved with its output folder and run the same way has the same key.
fn key(
    args: &RenderOptions,
    tomls: Hash,
    deps: &[String],
    base: &Path,
    used: &BTreeMap<PathBuf, String>,
) -> Option<String> {
    let mut h = crate::hash::tool_id().feed(b"relance");
    let list = |h: Hash, items: &[String]| {
        items
            .iter()
            .fold(h.feed(&items.len().to_le_bytes()), |h, i| {
                h.feed(i.as_bytes())
            })
    };
    h = h.feed(&args.paths.len().to_le_bytes());
    for p in &args.paths {
        h = h.feed(os(p));
    }
    h = h.feed(args.output.as_deref().map_or(&[][..], os));
    h = list(h, &args.format);
    h = list(h, &args.only);
    h = h.feed(&[u8::from(args.deny_warnings)]);
    h = h.feed(tomls.hex().as_bytes());
    h = h.feed(&deps.len().to_le_bytes());
    for d in deps {
        h = h
            .feed(d.as_bytes())
            .feed(state(&base.join(d), base, used)?.as_bytes());
    }
    Some(h.hex())
}

/// What a file is now: absent, a folder, or a file with these bytes, each
/// with its real place from `base` (a link retargeted is a change).
fn state(path: &Path, base: &Path, used: &BTreeMap<PathBuf, String>) -> Option<String> {
    if std::fs::symlink_metadata(path).is_err() {
        return Some("absent".into());
    }
    let Ok(real) = path.canonicalize() else {
        return Some("lien-casse".into());
    };
    let Ok(meta) = std::fs::metadata(&real) else {
        return Some("illisible".into());
    };
    let place = crate::disk::path_from(base, &real)?;
    if meta.is_dir() {
        return Some(format!("dir {place}"));
    }
    let hash = match crate::disk::read_regular(&real, crate::disk::MAX_TEXT) {
        Ok(bytes) => crate::hash::content_hash(&bytes),
        Err(e) => format!("{:?}", e.kind()),
    };
    if used.get(&real).is_some_and(|u| *u != hash) {
        return None;
    }
    Some(format!("{place} {hash}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tomls_change_with_a_new_or_edited_file_and_refuse_a_file_changed_under_the_run() {
        let dir = std::env::temp_dir().join(format!("delib-rerun-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.toml");
        std::fs::write(&a, "[deliberation]\nobjet = \"A\"\n").unwrap();
        let paths = [dir.clone()];
        let none = BTreeMap::new();
        let real = dir.canonicalize().unwrap();
        let tomls = |paths: &[PathBuf], used: &BTreeMap<PathBuf, String>| tomls(paths, &real, used);
        let first = tomls(&paths, &none).unwrap();
        assert_eq!(tomls(&paths, &none), Some(first), "same files, same hash");
        // A dossier added while a run ran: the run's record must not hold.
        std::fs::write(dir.join("b.toml"), "[deliberation]\nobjet = \"B\"\n").unwrap();
        let second = tomls(&paths, &none).unwrap();
        assert_ne!(first, second);
        // A file edited: another hash.
        std::fs::write(&a, "[deliberation]\nobjet = \"A2\"\n").unwrap();
        assert_ne!(tomls(&paths, &none), Some(second));
        // Bytes on disk that are not those the run used: nothing to record.
        let used = BTreeMap::from([(
            a.canonicalize().unwrap(),
            crate::hash::content_hash(b"autre"),
        )]);
        assert_eq!(tomls(&paths, &used), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
