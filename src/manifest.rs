//! The cache of an output folder: what the last run wrote there, so the
//! next one rewrites only what changed, and does nothing at all when
//! nothing changed.
//!
//! Two files, read and written under the folder's lock (`output::OutputDir`):
//!
//! - the manifest ([`FILE`], [`Manifest`]): for each dossier, by its output
//!   sub-folder (`dijon/convention-pep21`, relative to the output folder), a
//!   hash of everything the dossier depends on and, per file, a hash of
//!   everything the file depends on (dossier, séance file, delib.toml, CSV
//!   row, template, stylesheet, tool) and a hash of the bytes written. The
//!   documents of a séance are recorded the same way, by their sub-folder.
//! - its record of the last run that went well ([`RECORD`], [`Record`]): the
//!   key of everything that run read (the command line, every `.toml`
//!   found, every other file read or looked for), the outputs it left and
//!   what it printed. A run whose key is the same, with every output still
//!   there, has nothing to do: it says again what the recorded run said and
//!   stops, without parsing anything (`engine::rerun` computes the key).
//!
//! One hash of an input file, wherever it is taken: [`content_hash`] of its
//! bytes as read, like the bytes of an output file. A file is read once per
//! run; `load` and `templates` keep the hash of what they read, and the key
//! compares the disk with that.
//!
//! Keyed by where the outputs go and by content, never by where the
//! project is: every file is named by its path from the output folder
//! (`crate::disk::relative`), so a project moved, renamed or mounted
//! elsewhere, with or without its output folder, finds its outputs again
//! (same content, nothing to do), and a second project rendered into the
//! same folder finds another content there and writes its own. Each entry
//! also notes where its dossier was, relative to the output folder: only to
//! tell, for a dossier not rendered by a run, whether it was deleted or
//! moved (its outputs then go).
//!
//! Both files are data read from disk, never trusted: a manifest that does
//! not parse, or names a folder or file that is not a plain relative path,
//! is ignored as a whole (with a warning), and a file is deleted only when
//! its bytes still hash to what was recorded (see `output::OutputDir::remove`);
//! a record that does not parse, or names an output that is not a plain
//! relative path, is ignored, and it is only ever used to do nothing.

/// The hash of the cache, where it used to be (the tests name it here).
pub use crate::hash::Hash;
/// The one hash of a file's bytes: an input as read, an output as written.
pub use crate::hash::content_hash;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's file name inside the output folder.
pub const FILE: &str = ".delib-manifest.json";
/// The format of the manifest; another version is ignored (everything is rewritten).
pub const VERSION: u32 = 3;

/// All dossiers rendered into one output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: u32,
    /// Each dossier's outputs, by its sub-folder of the output folder.
    pub dossiers: BTreeMap<String, Entry>,
    /// The documents of each séance, by their sub-folder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seances: BTreeMap<String, Entry>,
}

/// One dossier's (or séance's) outputs.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Where the dossier (or séance file) was when last rendered, from the
    /// output folder ([`relative`]: `../dijon/convention-pep21.toml`);
    /// empty when that cannot be written.
    #[serde(default)]
    pub source: String,
    /// Hash of everything the dossier as a whole depends on: when it is
    /// unchanged and every file is there, the dossier is not even re-checked.
    #[serde(default)]
    pub inputs: String,
    /// File name → what it was made from and what was written.
    pub files: BTreeMap<String, FileRecord>,
    /// The warnings of the dossier's own checks when it was last rendered,
    /// shown again when it is not re-checked (as printed, in French).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub warnings: String,
}

/// One output file.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// Hash of its inputs.
    pub inputs: String,
    /// Hash of its bytes ([`content_hash`]): what may be deleted.
    pub bytes: String,
}

impl Manifest {
    /// Reads the manifest of an output folder. A missing one is empty; one
    /// that does not parse or validate is empty too, with the French
    /// warning to print.
    pub fn load(out: &crate::output::OutputDir) -> (Manifest, Option<String>) {
        Manifest::load_named(out, FILE)
    }

    /// [`Manifest::load`] for a manifest of another name (the @ctes
    /// packages' own, so that packages and documents may share a folder).
    pub fn load_named(out: &crate::output::OutputDir, name: &str) -> (Manifest, Option<String>) {
        let path = out.root().join(name);
        let bytes = match out.read_top(name, 256 << 20) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Manifest::empty(), None);
            }
            Err(e) => {
                return (
                    Manifest::empty(),
                    Some(ignored(&path, &crate::messages::io_message(&e))),
                );
            }
        };
        Manifest::parse(&path, &bytes)
    }

    /// [`Manifest::load`] from bytes read at `path`.
    fn parse(path: &Path, bytes: &[u8]) -> (Manifest, Option<String>) {
        match serde_json::from_slice::<Manifest>(bytes) {
            Ok(m) if m.version != VERSION => (
                Manifest::empty(),
                Some(ignored(path, "il vient d'une autre version de delib")),
            ),
            Ok(m) => match m.invalid() {
                None => (m, None),
                Some(why) => (Manifest::empty(), Some(ignored(path, &why))),
            },
            Err(_) => (
                Manifest::empty(),
                Some(ignored(
                    path,
                    "illisible, ou écrit par une autre version de delib",
                )),
            ),
        }
    }

    /// An empty manifest of the current version.
    pub fn empty() -> Manifest {
        Manifest {
            version: VERSION,
            dossiers: BTreeMap::new(),
            seances: BTreeMap::new(),
        }
    }

    /// Why this manifest cannot be trusted, if it cannot: every folder a
    /// plain relative path, every file a plain name.
    fn invalid(&self) -> Option<String> {
        for (dir, entry) in self.dossiers.iter().chain(&self.seances) {
            if crate::discover::output_name_problem(dir).is_some()
                || !crate::disk::is_plain_relative(Path::new(dir))
            {
                return Some(format!("il nomme le répertoire « {dir} »"));
            }
            for name in entry.files.keys() {
                if name.contains(['/', '\\']) || !crate::disk::is_plain_relative(Path::new(name)) {
                    return Some(format!("il nomme le fichier « {name} »"));
                }
            }
        }
        None
    }

    /// Serialises the manifest (None for an empty one where there was none).
    pub fn to_bytes(&self, out: &crate::output::OutputDir) -> Option<Vec<u8>> {
        self.to_bytes_named(out, FILE)
    }

    /// Every output file it records, from the output folder (`dir/file`).
    pub fn files(&self) -> Vec<String> {
        self.dossiers
            .iter()
            .chain(&self.seances)
            .flat_map(|(dir, e)| e.files.keys().map(move |f| format!("{dir}/{f}")))
            .collect()
    }

    /// [`Manifest::to_bytes`] for a manifest named `name`.
    pub fn to_bytes_named(&self, out: &crate::output::OutputDir, name: &str) -> Option<Vec<u8>> {
        if self.dossiers.is_empty() && self.seances.is_empty() && !out.has_top(name) {
            return None;
        }
        let mut json = serde_json::to_vec_pretty(self).ok()?;
        json.push(b'\n');
        Some(json)
    }
}

/// The record's file name inside the output folder.
pub const RECORD: &str = ".delib-relance.json";
/// The format of the record; another version is ignored (an ordinary run).
const RECORD_VERSION: u32 = 2;

/// The record of the last run that went well into one output folder, for a
/// re-run with nothing changed to do nothing (see the module).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub version: u32,
    /// The key of everything the run read (`engine::rerun`).
    pub key: String,
    /// Files read or looked for besides the `.toml` found, from the output
    /// folder (`crate::disk::relative`).
    pub deps: Vec<String>,
    /// Every output file, relative to the output folder ([`Manifest::files`]).
    pub files: Vec<String>,
    pub dossiers: usize,
    pub seances: usize,
    /// Documents of the formats and kinds asked for.
    pub unchanged: usize,
    /// What the run printed before its summary; None when it ran with -q.
    pub report: Option<String>,
}

impl Record {
    /// A record of the current version.
    pub fn new(key: String, deps: Vec<String>, files: Vec<String>) -> Record {
        Record {
            version: RECORD_VERSION,
            key,
            deps,
            files,
            dossiers: 0,
            seances: 0,
            unchanged: 0,
            report: None,
        }
    }

    /// The record of an output folder, or None: there is none, it does not
    /// parse, comes from another version, or names an output that is not a
    /// plain relative path.
    pub fn read(out: &crate::output::OutputDir) -> Option<Record> {
        let bytes = out.read_top(RECORD, 256 << 20).ok()?;
        let rec: Record = serde_json::from_slice(&bytes).ok()?;
        (rec.version == RECORD_VERSION && rec.files.iter().all(|f| plain(f))).then_some(rec)
    }

    /// True when every output it names is still a file in `out`.
    pub fn outputs_there(&self, out: &crate::output::OutputDir) -> bool {
        let root = out.root();
        if cfg!(windows) || root.as_os_str().is_empty() {
            return self.files.iter().all(|f| root.join(f).is_file());
        }
        // One buffer, the folder then the name: no path parsed or
        // allocated per file (a record names thousands).
        let mut path = std::ffi::OsString::new();
        self.files.iter().all(|f| {
            path.clear();
            path.push(root.as_os_str());
            path.push("/");
            path.push(f);
            Path::new(&path).is_file()
        })
    }

    /// The record's bytes.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let mut json = serde_json::to_vec(self).ok()?;
        json.push(b'\n');
        Some(json)
    }
}

/// [`crate::disk::is_plain_relative`] of a `/`-separated name, read as a
/// string (a record names thousands of outputs): every part neither empty
/// nor hidden (`.`, `..`, `.x`), and on Windows no other separator or drive.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|p| {
            !(p.is_empty() || p.starts_with('.') || cfg!(windows) && p.contains(['\\', ':']))
        })
}

/// Deletes the files of the manifest entry of sub-folder `dir` that are
/// still what was written, then the folder and the parents it leaves
/// empty; returns what was deleted.
pub fn remove_entry(out: &crate::output::OutputDir, dir: &str, entry: &Entry) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let dir = Path::new(dir);
    if let Some(folder) = out.existing(dir) {
        for (name, record) in &entry.files {
            if folder.remove_if(name, |b| crate::hash::content_hash(b) == record.bytes) {
                removed.push(folder.path(name));
            }
        }
    }
    for d in dir.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        out.remove_empty_dir(d);
    }
    removed
}

fn ignored(path: &Path, why: &str) -> String {
    format!(
        "attention : le manifeste {} est ignoré ({why}) : tout est réécrit, et rien n'est supprimé d'après lui",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_separates_pieces() {
        assert_eq!(
            Hash::default().feed(b"delib").hex(),
            Hash::default().feed(b"delib").hex()
        );
        assert_ne!(
            Hash::default().feed(b"ab").feed(b"c").hex(),
            Hash::default().feed(b"a").feed(b"bc").hex()
        );
        // Pinned: a change of algorithm must be deliberate (it rebuilds every output).
        // Reference values computed independently (a Python transcription:
        // the length, then each 8-byte little-endian word, through
        // h = (h ^ w) * FNV prime, h ^= h >> 29; the last bytes FNV-1a).
        assert_eq!(Hash::default().feed(b"").hex(), "af63bd49fd1c5dbb");
        assert_eq!(Hash::default().feed(b"delib").hex(), "7dd13b8d20c79f26");
        assert_eq!(
            Hash::default().feed(b"delibdelib-0123").hex(),
            "fd7e5531725bbb92"
        );
    }

    /// The record is read back as written, tells whether its outputs are
    /// all there, and is ignored when it names an output that is not a
    /// plain relative path or comes from another version.
    #[test]
    fn a_record_names_only_plain_outputs() {
        let dir = std::env::temp_dir().join(format!("delib-record-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = crate::output::OutputDir::open(&dir, || {}).unwrap();
        let write = |r: &Record| std::fs::write(dir.join(RECORD), r.to_bytes().unwrap()).unwrap();
        let rec = Record::new("k".into(), vec!["../a.toml".into()], vec!["a/b.md".into()]);
        write(&rec);
        let back = Record::read(&out).unwrap();
        assert_eq!((back.key.as_str(), back.deps.len()), ("k", 1));
        assert!(!back.outputs_there(&out), "a/b.md is not there yet");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/b.md"), "x").unwrap();
        assert!(back.outputs_there(&out));
        for bad in [
            "../x.md",
            "/etc/passwd",
            "a/../../x",
            ".cache/x",
            "a//b",
            "a/",
            "",
        ] {
            write(&Record::new("k".into(), vec![], vec![bad.into()]));
            assert!(Record::read(&out).is_none(), "{bad}");
        }
        write(&Record {
            version: RECORD_VERSION - 1,
            ..Record::new("k".into(), vec![], vec!["a/b.md".into()])
        });
        assert!(Record::read(&out).is_none(), "another version");
        std::fs::write(dir.join(RECORD), "pas du json").unwrap();
        assert!(Record::read(&out).is_none());
        drop(out);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn manifest_round_trips_and_bad_ones_are_ignored() {
        let dir = std::env::temp_dir().join(format!("delib-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = crate::output::OutputDir::open(&dir, || {}).unwrap();
        let mut m = Manifest::empty();
        m.dossiers.insert(
            "dijon/a".into(),
            Entry {
                source: "../dijon/a.toml".into(),
                inputs: String::new(),
                warnings: String::new(),
                files: [(
                    "deliberation.md".into(),
                    FileRecord {
                        inputs: "01".into(),
                        bytes: crate::hash::content_hash(b"x"),
                    },
                )]
                .into(),
            },
        );
        std::fs::write(dir.join(FILE), m.to_bytes(&out).unwrap()).unwrap();
        let (back, warning) = Manifest::load(&out);
        assert_eq!((back.dossiers, warning), (m.dossiers, None));
        for bad in [
            "pas du json".to_owned(),
            r#"{"dossiers":{"/tmp/victim":{"files":{"secret.txt":""}}}}"#.to_owned(),
            format!(r#"{{"version":{VERSION},"dossiers":{{"/tmp/victim":{{"files":{{}}}}}}}}"#),
            format!(r#"{{"version":{VERSION},"dossiers":{{"../../victim":{{"files":{{}}}}}}}}"#),
            format!(r#"{{"version":{VERSION},"dossiers":{{"a/../..":{{"files":{{}}}}}}}}"#),
            format!(
                r#"{{"version":{VERSION},"dossiers":{{"a":{{"files":{{"../s.txt":{{"inputs":"","bytes":""}}}}}}}}}}"#
            ),
            // A séance's entry is checked the same way.
            format!(
                r#"{{"version":{VERSION},"dossiers":{{}},"seances":{{"../../victim":{{"files":{{}}}}}}}}"#
            ),
            // The manifest of the version before, keyed by absolute path.
            r#"{"version":2,"dossiers":{"/x.toml":{"dir":"a","files":{}}}}"#.to_owned(),
        ] {
            std::fs::write(dir.join(FILE), &bad).unwrap();
            let (m, warning) = Manifest::load(&out);
            assert!(m.dossiers.is_empty(), "{bad}");
            assert!(warning.unwrap().contains("est ignoré"), "{bad}");
        }
        drop(out);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
