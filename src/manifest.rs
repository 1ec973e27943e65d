//! What the last run wrote, so the next one rewrites only what changed.
//!
//! One manifest per output folder: for each dossier, by its output
//! sub-folder (`dijon/convention-pep21`, relative to the output folder), a
//! hash of everything the dossier depends on and, per file, a hash of
//! everything the file depends on (dossier, séance file, delib.toml, CSV
//! row, template, stylesheet, tool) and a hash of the bytes written. The
//! documents of a séance are recorded the same way, by their sub-folder.
//!
//! Keyed by where the outputs go and by content, never by where the
//! project is: a project moved, renamed or mounted elsewhere finds its
//! outputs again (same content, nothing to do), and a second project
//! rendered into the same folder finds another content there and writes
//! its own. Each entry also notes where its dossier was, relative to the
//! output folder ([`relative`]): only to tell, for a dossier not rendered
//! by a run, whether it was deleted or moved (its outputs then go).
//!
//! A manifest is data read from disk, never trusted: one that does not
//! parse, or names a folder or file that is not a plain relative path, is
//! ignored as a whole (with a warning), and a file is deleted only when its
//! bytes still hash to what was recorded (see `output::OutputDir::remove`).

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
    Some(real_place(crate::load::parent_dir(path))?.join(name))
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
                    Some(ignored(&path, &crate::load::io_message(&e))),
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
                || !crate::discover::is_plain_relative(Path::new(dir))
            {
                return Some(format!("il nomme le répertoire « {dir} »"));
            }
            for name in entry.files.keys() {
                if name.contains(['/', '\\'])
                    || !crate::discover::is_plain_relative(Path::new(name))
                {
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

fn ignored(path: &Path, why: &str) -> String {
    format!(
        "attention : le manifeste {} est ignoré ({why}) : tout est réécrit, et rien n'est supprimé d'après lui",
        path.display()
    )
}

/// The hash of a file's bytes, as recorded in the manifest: 64 bits, eight
/// bytes at a time (fast enough to hash every PDF written).
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0100_0000_01b3);
        h ^= h >> 29;
    }
    for b in chunks.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// FNV-1a's constants, 64 bits, eight bytes at a time (each step a
/// bijection of the state, so any one changed word changes the result):
/// stable across runs, platforms and compiler versions, which `std`'s
/// hasher does not promise. Enough to detect a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hash(u64);

impl Default for Hash {
    fn default() -> Self {
        Hash(0xcbf2_9ce4_8422_2325)
    }
}

impl Hash {
    /// Adds a piece; pieces are separated so ("ab","c") differs from ("a","bc").
    pub fn feed(self, bytes: &[u8]) -> Hash {
        const PRIME: u64 = 0x0100_0000_01b3;
        let step = |h: u64, w: u64| {
            let h = (h ^ w).wrapping_mul(PRIME);
            h ^ (h >> 29)
        };
        let mut h = step(self.0, bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = step(h, u64::from_le_bytes(w));
        }
        for b in chunks.remainder() {
            h = (h ^ u64::from(*b)).wrapping_mul(PRIME);
        }
        Hash(h)
    }

    /// The hash as 16 hex digits.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// What identifies this build of the tool: its version and its executable,
/// so a new build rewrites everything it renders differently.
pub fn tool_id() -> Hash {
    let mut h = Hash::default().feed(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h = h.feed(&meta.len().to_le_bytes());
        if let Ok(t) = meta
            .modified()
            .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default())
        {
            h = h.feed(&t.as_nanos().to_le_bytes());
        }
    }
    h
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
                        bytes: content_hash(b"x"),
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

    #[test]
    fn content_hash_tells_bytes_apart() {
        assert_eq!(content_hash(b"abcdefghij"), content_hash(b"abcdefghij"));
        assert_ne!(content_hash(b"abcdefghij"), content_hash(b"abcdefghik"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        assert_ne!(content_hash(b"12345678"), content_hash(b"12345679"));
    }
}
