//! The re-run with nothing changed, without parsing anything.
//!
//! A successful `delib render` whose outputs all go to one folder leaves
//! there, beside the manifest, a record ([`FILE`]) of everything it read:
//! the key is a hash of the tool, the command line, the bytes of every
//! `.toml` found under the paths given, and the state of
//! every other file it read or looked for (`delib.toml`, séance file,
//! partners CSV, logo, each template of the templates folder, and the
//! places where a `delib.toml` or a `templates/` folder was looked for and
//! not found). The next run computes the same key from the files on disk —
//! reading them, not parsing them — and when it is the same and every
//! output is still there, prints what the recorded run printed (findings
//! and warnings, like cargo replays the warnings of crates it does not
//! rebuild) and stops: nothing to do. Any difference, and the run is the
//! ordinary one, which removes the record first and writes a new one at
//! its end.
//!
//! Every file is named by its path from the output folder
//! (`crate::disk::relative`, as the manifest names its dossiers), never by
//! where the project is: a project moved together with its output folder
//! (a renamed folder, another mount point, another CI workspace) still has
//! nothing to do.
//!
//! The record is data on disk, never trusted beyond that: a record that
//! does not parse, or names an output that is not a plain relative path, is
//! ignored, and it is only ever used to do nothing.

use crate::discover::Walk;
use crate::engine::RenderOptions;
use crate::hash::Hash;
use crate::load::{self, Loaded};
use crate::manifest::Manifest;
use crate::templates::{BUILTIN, Templates};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The record's file name inside the output folder.
pub const FILE: &str = ".delib-relance.json";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    version: u32,
    key: String,
    /// Files read or looked for besides the `.toml` found, from the output
    /// folder (`crate::disk::relative`).
    deps: Vec<String>,
    /// Every output file, relative to the output folder.
    files: Vec<String>,
    dossiers: usize,
    seances: usize,
    /// Documents of the formats and kinds asked for.
    unchanged: usize,
    /// What the run printed before its summary; None when it ran with -q.
    report: Option<String>,
}

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

/// The re-run fast path: Some when nothing changed since the recorded run
/// (its report and figures, for the command to print), None to run normally.
pub fn replay(args: &RenderOptions, walk: &Walk, quiet: bool) -> Option<Replay> {
    if args.force {
        return None;
    }
    let root = root(args)?;
    if !root.join(FILE).is_file() {
        return None;
    }
    // Locked like a run (and a killed run's temporary files swept).
    let out = crate::output::OutputDir::open(&root, || {
        eprintln!(
            "un autre delib render écrit dans {} : attente de la fin de ce rendu…",
            root.display()
        );
    })
    .ok()?;
    let bytes = out.read_top(FILE, 256 << 20).ok()?;
    let rec: Record = serde_json::from_slice(&bytes).ok()?;
    if rec.version != VERSION || (!quiet && rec.report.is_none()) {
        return None;
    }
    let base = out.real();
    let tomls = tomls_of(walk, base, &BTreeMap::new())?;
    if key(args, tomls, &rec.deps, base, &BTreeMap::new())? != rec.key {
        return None;
    }
    for f in &rec.files {
        if !crate::disk::is_plain_relative(Path::new(f)) || !out.root().join(f).is_file() {
            return None;
        }
    }
    Some(Replay {
        report: rec.report,
        dossiers: rec.dossiers,
        seances: rec.seances,
        unchanged: rec.unchanged,
    })
}

/// What a successful run leaves for the next one, or None when it cannot
/// be replayed (several output folders, entries of other runs in the
/// manifest, a file changed while the run read it).
pub struct Recorder<'a> {
    pub args: &'a RenderOptions,
    /// The real path of the output folder: every file is named from there.
    pub base: &'a Path,
    /// [`tomls`] before the run loaded anything: a `.toml` added or edited
    /// while it ran (and so not rendered) makes the record wrong.
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
    /// The record's bytes, or None when this run cannot be replayed.
    pub fn record(&self) -> Option<Vec<u8>> {
        // What the run used, by real path, to check the disk still holds it.
        let mut used: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut deps: BTreeSet<PathBuf> = BTreeSet::new();
        for (l, t) in &self.units {
            use_text(&mut used, &l.source.path, l.source.text.as_bytes());
            // delib.toml: every place looked at, up to the one found.
            deps.extend(load::project_file_places(crate::disk::parent_dir(
                &l.source.path,
            )));
            if let Some((_, src)) = &l.projet {
                use_text(&mut used, &src.path, src.text.as_bytes());
            }
            if let Some((_, src)) = &l.seance
                && !std::sync::Arc::ptr_eq(src, &l.source)
            {
                deps.insert(src.path.clone());
                use_text(&mut used, &src.path, src.text.as_bytes());
            }
            if let Some(src) = &l.partenaires {
                deps.insert(src.path.clone());
                use_text(&mut used, &src.path, src.text.as_bytes());
            }
            if let (Some(path), Some(logo)) = (&l.logo_path, &l.logo) {
                deps.insert(path.clone());
                use_text(&mut used, path, &logo.bytes);
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
            for (path, text) in t.overrides() {
                use_text(&mut used, path, text.as_bytes());
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
        let files = self
            .manifest
            .dossiers
            .iter()
            .chain(&self.manifest.seances)
            .flat_map(|(dir, e)| e.files.keys().map(move |f| format!("{dir}/{f}")))
            .collect();
        let rec = Record {
            version: VERSION,
            key,
            deps,
            files,
            dossiers: self.units.len(),
            seances: self.seances,
            unchanged: self.documents,
            report: self.report.clone(),
        };
        let mut json = serde_json::to_vec(&rec).ok()?;
        json.push(b'\n');
        Some(json)
    }
}

/// Notes the hash of the bytes a run used from `path` ([`load::fingerprint`],
/// as the disk's bytes are compared).
fn use_text(used: &mut BTreeMap<PathBuf, String>, path: &Path, bytes: &[u8]) {
    if let Ok(real) = path.canonicalize() {
        used.insert(real, load::fingerprint(bytes));
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
        let hash = bytes.as_deref().map(load::fingerprint).unwrap_or_default();
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
        Ok(bytes) => load::fingerprint(&bytes),
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
