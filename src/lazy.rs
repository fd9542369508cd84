//! A part of a source's extraction (its sentences, its figures, its names) that may still be in the bytes of
//! the persisted index, decoded the first time it is asked for.
//!
//! A restart reads the persisted index whole, but the first answer needs the extraction of only the few
//! sources it shows: decoding the rest up front was most of the restart. So [`crate::store`] checks the
//! file's checksum and decodes what every answer needs (paths, hashes, entities, postings, the figure
//! order), and leaves each source's parts as ranges of the file's bytes with their counts. The counts are
//! what the index checks its references against (a posting against the number of mentions, a figure
//! reference against the number of figures) before anything is decoded.
//!
//! A part whose bytes do not decode, or decode to other counts than stored, is read as empty and marked
//! [failed](Lazy::failed): the source then does not fit its text ([`crate::index::SourceDoc::check_file`]),
//! its stored extraction is not reused, and it is extracted again. The file's checksum makes that a file
//! written wrong, not one damaged on disk.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// What a part says of its size without being decoded: for a list its length; for a source's names, the
/// number of distinct names and of mentions.
pub trait Counted: Default {
    fn counts(&self) -> [usize; 2];
}

impl<T> Counted for Vec<T> {
    fn counts(&self) -> [usize; 2] {
        [self.len(), 0]
    }
}

impl Counted for crate::extract::DocNames {
    fn counts(&self) -> [usize; 2] {
        [self.names.len(), self.mentions.len()]
    }
}

/// Decodes a part from its bytes, given the length of the source's text (no span may go past it); `None`
/// where the bytes are not a part.
pub type Decoder<T> = fn(&[u8], u32) -> Option<T>;

/// A value, or the bytes it is decoded from on first use (see the module's documentation).
pub struct Lazy<T> {
    value: OnceLock<T>,
    encoded: Option<Encoded<T>>,
    failed: AtomicBool,
}

struct Encoded<T> {
    bytes: Arc<Vec<u8>>,
    range: Range<usize>,
    limit: u32,
    counts: [usize; 2],
    decode: Decoder<T>,
}

impl<T: Counted> Lazy<T> {
    /// A part at hand.
    pub fn new(value: T) -> Lazy<T> {
        Lazy { value: OnceLock::from(value), encoded: None, failed: AtomicBool::new(false) }
    }

    /// A part still in `bytes[range]`, which `decode` turns into a value of `counts`.
    pub fn encoded(
        bytes: Arc<Vec<u8>>,
        range: Range<usize>,
        limit: u32,
        counts: [usize; 2],
        decode: Decoder<T>,
    ) -> Lazy<T> {
        Lazy {
            value: OnceLock::new(),
            encoded: Some(Encoded { bytes, range, limit, counts, decode }),
            failed: AtomicBool::new(false),
        }
    }

    /// The value, decoded now and kept if it was not yet; empty if it does not decode.
    pub fn value(&self) -> &T {
        self.value.get_or_init(|| self.decode())
    }

    /// `f` of the value, decoded for this call only where it was not yet: for passes over the whole corpus,
    /// which would otherwise leave every source decoded.
    pub fn peek<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.value.get() {
            Some(value) => f(value),
            None => f(&self.decode()),
        }
    }

    /// The value where it is decoded and kept, else the bytes it decodes from, with the length of its source
    /// and its counts: for a reader that needs less than the whole value and reads it from the bytes.
    pub fn kept_or_encoded(&self) -> Result<&T, (&[u8], u32, [usize; 2])> {
        if let Some(value) = self.value.get() {
            return Ok(value);
        }
        match self.encoded.as_ref().and_then(|e| Some((e.bytes.get(e.range.clone())?, e.limit, e.counts))) {
            Some(encoded) => Err(encoded),
            None => Ok(self.value()),
        }
    }

    /// The counts, without decoding.
    pub fn counts(&self) -> [usize; 2] {
        match (self.value.get(), &self.encoded) {
            (Some(value), _) => value.counts(),
            (None, Some(encoded)) => encoded.counts,
            (None, None) => [0, 0],
        }
    }

    /// Whether the part was found not to decode (it reads as empty).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Whether the part is decoded and kept.
    pub fn is_decoded(&self) -> bool {
        self.value.get().is_some()
    }

    /// The bytes the part is decoded from, with its counts: `None` for a part made at hand or found not to
    /// decode. What [`crate::store`] writes as it is, without decoding it and encoding it again.
    pub fn encoded_bytes(&self) -> Option<(&[u8], [usize; 2])> {
        let e = self.encoded.as_ref().filter(|_| !self.failed())?;
        Some((e.bytes.get(e.range.clone())?, e.counts))
    }

    fn decode(&self) -> T {
        let decoded = self.encoded.as_ref().and_then(|e| {
            let value = (e.decode)(e.bytes.get(e.range.clone())?, e.limit)?;
            (value.counts() == e.counts).then_some(value)
        });
        decoded.unwrap_or_else(|| {
            self.failed.store(true, Ordering::Relaxed);
            T::default()
        })
    }
}

impl<T: Counted> Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value()
    }
}

impl<T: Counted + PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Lazy<T>) -> bool {
        self.value() == other.value()
    }
}

impl<T: fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value.get(), &self.encoded) {
            (Some(value), _) => value.fmt(f),
            (None, Some(e)) => write!(f, "Lazy(encoded, {} bytes, counts {:?})", e.range.len(), e.counts),
            (None, None) => write!(f, "Lazy(empty)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of bytes, each encoded as itself; a byte 0xFF is damage.
    fn bytes_list(bytes: &[u8], limit: u32) -> Option<Vec<u8>> {
        bytes.iter().all(|&b| b != 0xFF && u32::from(b) <= limit).then(|| bytes.to_vec())
    }

    #[test]
    fn an_encoded_part_is_decoded_on_first_use_and_kept() {
        let bytes = Arc::new(vec![9, 1, 2, 3, 9]);
        let lazy = Lazy::encoded(bytes, 1..4, 10, [3, 0], bytes_list);
        assert_eq!(lazy.counts(), [3, 0]);
        assert!(!lazy.is_decoded());
        assert_eq!(lazy.peek(|v| v.clone()), vec![1, 2, 3]);
        assert!(!lazy.is_decoded(), "peek decodes for the call only");
        assert_eq!(*lazy.value(), vec![1, 2, 3]);
        assert!(lazy.is_decoded() && !lazy.failed());
        assert_eq!(lazy, Lazy::new(vec![1, 2, 3]));
    }

    #[test]
    fn a_part_that_does_not_decode_or_has_other_counts_reads_empty_and_is_marked() {
        let cases: [(Vec<u8>, Range<usize>, u32, [usize; 2]); 4] = [
            (vec![1, 0xFF, 3], 0..3, 10, [3, 0]),
            (vec![1, 2, 3], 0..3, 10, [4, 0]),
            (vec![1, 2, 3], 0..3, 2, [3, 0]),
            (vec![1, 2, 3], 2..9, 10, [7, 0]),
        ];
        for (bytes, range, limit, counts) in cases {
            let lazy = Lazy::encoded(Arc::new(bytes), range.clone(), limit, counts, bytes_list);
            assert!(lazy.peek(|v| v.is_empty()), "{range:?}");
            assert!(lazy.failed());
            assert!(lazy.value().is_empty());
            assert_eq!(lazy.counts(), [0, 0], "once decoded, the counts are the decoded value's");
        }
    }
}
