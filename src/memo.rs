//! Results of pure functions remembered for the life of the process.
//!
//! A batch lays out the same clauses in every dossier: the articles and
//! visas a template writes, the headings, the signature blocks. A [`Memo`]
//! keeps what a pure step made of its input, so the next dossier takes it
//! instead of doing the work again. What it gives back is what the step
//! would have made (the input is kept whole and compared in full, never
//! only a hash of it), so the output does not depend on what was remembered,
//! on the order of the dossiers or on the number of threads.
//!
//! An input is remembered the second time it is seen (the first time only
//! its hash is noted): text that occurs once, a partner's name or an amount,
//! takes no room. The memory is bounded: past its budget, it starts again
//! empty.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// A process-wide memory of one pure function, `[u8] → V`.
pub(crate) struct Memo<V> {
    inner: Mutex<Inner<V>>,
    /// Most bytes kept, as estimated by the caller's `size`.
    budget: usize,
}

struct Inner<V> {
    seen: HashSet<u64, Quick>,
    done: HashMap<Box<[u8]>, V, Quick>,
    bytes: usize,
}

impl<V: Clone> Memo<V> {
    pub(crate) const fn new(budget: usize) -> Memo<V> {
        Memo {
            inner: Mutex::new(Inner {
                seen: HashSet::with_hasher(BuildHasherDefault::new()),
                done: HashMap::with_hasher(BuildHasherDefault::new()),
                bytes: 0,
            }),
            budget,
        }
    }

    /// `make()`, the function's result for `key`, remembered or made now.
    /// `size` estimates the bytes a result takes.
    pub(crate) fn get_or(
        &self,
        key: &[u8],
        size: impl Fn(&V) -> usize,
        make: impl FnOnce() -> V,
    ) -> V {
        if let Ok(inner) = self.inner.lock()
            && let Some(v) = inner.done.get(key)
        {
            return v.clone();
        }
        // Made outside the lock: the other threads go on meanwhile.
        let v = make();
        if let Ok(mut inner) = self.inner.lock() {
            // A first sight costs its place in `seen`, a second one the input
            // and its result.
            let first = inner.seen.insert(Quick::default().hash_one(key));
            let cost = if first { SEEN } else { key.len() + size(&v) };
            if inner.bytes + cost > self.budget {
                inner.seen.clear();
                inner.done.clear();
                inner.bytes = 0;
                return v;
            }
            inner.bytes += cost;
            if !first {
                inner.done.insert(key.into(), v.clone());
            }
        }
        v
    }
}

/// Bytes an input seen once takes: its hash in a hash set, with the set's
/// spare room.
const SEEN: usize = 24;

/// FxHash's multiply-rotate, for maps whose keys are the documents' own
/// text or small integers chosen by the fonts (kerning pairs, glyph slots),
/// not by anyone who could aim collisions at them: SipHash's protection is
/// not needed, and a collision costs only a comparison.
pub(crate) type Quick = BuildHasherDefault<QuickHasher>;

#[derive(Default)]
pub(crate) struct QuickHasher(u64);

impl Hasher for QuickHasher {
    /// Eight bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(b));
        }
        let mut b = [0u8; 8];
        b[..words.remainder().len()].copy_from_slice(words.remainder());
        self.write_u64(u64::from_le_bytes(b));
    }

    fn write_u16(&mut self, v: u16) {
        self.write_u64(u64::from(v));
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn remembered_the_second_time_and_given_back_the_third() {
        let memo: Memo<String> = Memo::new(1 << 10);
        let calls = Cell::new(0);
        let make = |s: &str| {
            calls.set(calls.get() + 1);
            s.to_uppercase()
        };
        for _ in 0..3 {
            assert_eq!(memo.get_or(b"abc", String::len, || make("abc")), "ABC");
        }
        assert_eq!(calls.get(), 2, "made the first two times only");
        // Another key is another result, never the remembered one.
        assert_eq!(memo.get_or(b"abd", String::len, || make("abd")), "ABD");
        assert_eq!(memo.get_or(b"ab", String::len, || make("ab")), "AB");
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let memo: Memo<Vec<u8>> = Memo::new(100);
        for i in 0..1000u32 {
            let key = i.to_le_bytes();
            for _ in 0..2 {
                let v = memo.get_or(&key, Vec::len, || vec![0; 40]);
                assert_eq!(v.len(), 40);
            }
            let inner = memo.inner.lock().unwrap();
            assert!(inner.bytes <= 100, "{} bytes kept", inner.bytes);
            assert!(inner.done.len() <= 2);
        }
        // Inputs seen once count too: they cannot grow `seen` without bound.
        let memo: Memo<u8> = Memo::new(10 * SEEN);
        for i in 0..1000u32 {
            memo.get_or(&i.to_le_bytes(), |_| 1, || 0);
            assert!(memo.inner.lock().unwrap().seen.len() <= 10);
        }
    }

    #[test]
    fn keys_differing_anywhere_hash_apart() {
        let h = |b: &[u8]| Quick::default().hash_one(b);
        assert_ne!(h(b"abcdefgh1"), h(b"abcdefgh2"));
        assert_ne!(h(b"abc"), h(b"abc\0"));
        assert_ne!(h(b""), h(b"\0"));
    }
}
