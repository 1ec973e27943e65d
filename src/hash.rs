//! The hashes of the incremental cache: [`Hash`], fed piece by piece with
//! what an output is made from, and [`content_hash`], the hash of a file's
//! bytes; [`tool_id`] names this build of delib. Stable across runs,
//! platforms and compiler versions. Imports nothing of delib.

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
    fn content_hash_tells_bytes_apart() {
        assert_eq!(content_hash(b"abcdefghij"), content_hash(b"abcdefghij"));
        assert_ne!(content_hash(b"abcdefghij"), content_hash(b"abcdefghik"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        assert_ne!(content_hash(b"12345678"), content_hash(b"12345679"));
    }
}
