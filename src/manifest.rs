//! What the last run wrote, so the next one rewrites only what changed.
//!
//! One manifest per output folder: for each dossier (by absolute path), its
//! output sub-folder and, per file, a hash of everything the file depends on
//! (dossier, séance file, delib.toml, CSV row, template, stylesheet, tool).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name inside the output folder.
pub const FILE: &str = ".delib-manifest.json";

/// All dossiers rendered into one output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub dossiers: BTreeMap<String, Entry>,
}

/// One dossier's outputs.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Sub-folder of the output folder.
    pub dir: String,
    /// Hash of everything the dossier as a whole depends on: when it is
    /// unchanged and every file is there, the dossier is not even re-checked.
    #[serde(default)]
    pub inputs: String,
    /// File name → hash of its inputs.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the manifest of an output folder; a missing or unreadable one is empty.
    pub fn load(root: &Path) -> Manifest {
        std::fs::read(root.join(FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the manifest atomically (an empty one where there was none: nothing).
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        if self.dossiers.is_empty() && !root.join(FILE).exists() {
            return Ok(());
        }
        let mut json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        json.push(b'\n');
        crate::output::write_if_changed(&root.join(FILE), &json).map(|_| ())
    }
}

/// FNV-1a, 64 bits: stable across runs, platforms and compiler versions,
/// which `std`'s hasher does not promise. Enough to detect a change.
#[derive(Debug, Clone, Copy)]
pub struct Hash(u64);

impl Default for Hash {
    fn default() -> Self {
        Hash(0xcbf2_9ce4_8422_2325)
    }
}

impl Hash {
    /// Adds a piece; pieces are separated so ("ab","c") differs from ("a","bc").
    pub fn feed(mut self, bytes: &[u8]) -> Hash {
        for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
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
        // Reference values computed independently (FNV-1a 64 over the 8-byte
        // little-endian length, then the bytes).
        assert_eq!(Hash::default().feed(b"").hex(), "a8c7f832281a39c5");
        assert_eq!(Hash::default().feed(b"delib").hex(), "3024e43ae9d6a432");
    }

    #[test]
    fn manifest_round_trips() {
        let dir = std::env::temp_dir().join(format!("delib-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut m = Manifest::default();
        m.dossiers.insert(
            "/a.toml".into(),
            Entry {
                dir: "a".into(),
                inputs: String::new(),
                files: [("deliberation.md".into(), "01".into())].into(),
            },
        );
        m.save(&dir).unwrap();
        assert_eq!(Manifest::load(&dir).dossiers, m.dossiers);
        std::fs::write(dir.join(FILE), "pas du json").unwrap();
        assert!(Manifest::load(&dir).dossiers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
