//! A fast hash for the extractors' small keys (words, lower-case phrases, name keys).
//!
//! The standard library's SipHash resists hash flooding, which costs several times the work of a lookup
//! on a five-letter word; extraction looks up every capitalised word in a dozen lexicons, so that cost
//! dominated it. This is the multiply-rotate hash of the Firefox and rustc compilers (FxHash), written
//! here in a few lines rather than taken as a dependency. Nothing here iterates a map in hash order where
//! the order could reach the output, so the choice of hash never changes a result.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The FxHash state: one word, mixed with each word of input by a rotate, an xor and a multiply.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length goes in the top byte, so that `ab` and `ab\0` differ.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves its best bits at the top; hashbrown takes the bucket from the bottom.
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work_and_hashes_differ() {
        let mut m: FastMap<String, u32> = FastMap::default();
        for (i, w) in ["a", "ab", "ab\0", "central asia", "", "organisation"].iter().enumerate() {
            m.insert(w.to_string(), i as u32);
        }
        assert_eq!(m.len(), 6);
        assert_eq!(m.get("central asia"), Some(&3));
        assert_eq!(m.get("ab\0"), Some(&2));
        assert_eq!(m.get("abc"), None);
    }
}
