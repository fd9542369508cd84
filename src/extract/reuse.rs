//! Buffers kept by each thread from one document to the next.
//!
//! The extractors need buffers in proportion to the document: its lines and blocks, its words and what is
//! known of each, a lower-case copy of the text, the candidates of names and figures. Allocated afresh for
//! every document, they cost the allocator's work and, for the large ones, fresh pages that the kernel
//! clears, again and again over a corpus (the allocator took about a tenth of the time of a build, much
//! of it for these buffers). So each thread keeps one set of buffers per extractor between its calls,
//! emptied but with their memory; what an extractor returns is still allocated afresh.
//!
//! A set is taken out of its thread's slot for the length of a call and put back after it, so no borrow
//! of the slot is held while an extractor runs: a call that came in again meanwhile (none does) would find
//! the slot empty and make a set of its own, and a call that panicked leaves the slot empty, never a
//! borrow error. A buffer that grew past [`KEEP_BYTES`] on a huge document is shrunk back when it is put
//! away, so that a thread does not hold the memory of its largest document for the rest of its life.

use std::cell::Cell;
use std::thread::LocalKey;

/// How much memory one kept buffer may hold between documents: enough for the words of a document of
/// about 200 KB, far above the usual web page or paper.
pub const KEEP_BYTES: usize = 1 << 20;

/// A set of buffers that can be emptied for the next document.
pub trait Buffers: Default {
    /// Empties every buffer, keeping its memory up to [`KEEP_BYTES`] (see [`clear_vec`]).
    fn clear(&mut self);
}

/// A thread's slot for one extractor's [`Buffers`], declared with `thread_local!` as
/// `static NAME: Slot<T> = const { Cell::new(None) };`.
pub type Slot<T> = Cell<Option<T>>;

/// Runs `f` with this thread's buffers from `slot` (new ones the first time, or when the slot is empty),
/// and puts them back emptied.
pub fn with<T: Buffers, R>(slot: &'static LocalKey<Slot<T>>, f: impl FnOnce(&mut T) -> R) -> R {
    // (`try_with` fails only while the thread's locals are being destroyed: then the buffers are new
    // and let go after the call.)
    let mut buffers = slot.try_with(Cell::take).ok().flatten().unwrap_or_default();
    let result = f(&mut buffers);
    buffers.clear();
    // The buffers go back unless the thread is exiting.
    let _ = slot.try_with(|s| s.set(Some(buffers)));
    result
}

/// Lets go of this thread's buffers in `slot`, for a thread that will not extract for a while (the next
/// call makes new ones). Buffers in use by a call now running are not in the slot, and are put back after it.
pub fn release<T>(slot: &'static LocalKey<Slot<T>>) {
    let _ = slot.try_with(|s| drop(s.take()));
}

/// Empties `v`, shrinking its memory to [`KEEP_BYTES`] when it holds more.
pub fn clear_vec<T>(v: &mut Vec<T>) {
    v.clear();
    let size = std::mem::size_of::<T>().max(1);
    if v.capacity() > KEEP_BYTES / size {
        v.shrink_to(KEEP_BYTES / size);
    }
}

/// Empties `s`, shrinking its memory to [`KEEP_BYTES`] when it holds more.
pub fn clear_string(s: &mut String) {
    s.clear();
    if s.capacity() > KEEP_BYTES {
        s.shrink_to(KEEP_BYTES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Test {
        words: Vec<u64>,
        text: String,
    }

    impl Buffers for Test {
        fn clear(&mut self) {
            clear_vec(&mut self.words);
            clear_string(&mut self.text);
        }
    }

    thread_local! {
        static SLOT: Slot<Test> = const { Cell::new(None) };
    }

    #[test]
    fn buffers_come_back_empty_with_their_memory_up_to_the_cap() {
        with(&SLOT, |b| {
            assert!(b.words.is_empty());
            b.words.extend(0..100);
            b.text.push_str("abc");
        });
        with(&SLOT, |b| {
            assert!(b.words.is_empty() && b.text.is_empty());
            assert!(b.words.capacity() >= 100, "the memory is kept");
            // A call within a call gets buffers of its own.
            with(&SLOT, |inner| {
                assert_eq!(inner.words.capacity(), 0);
                inner.words.push(1);
            });
            b.words.resize(KEEP_BYTES, 7);
        });
        with(&SLOT, |b| {
            assert!(b.words.is_empty());
            assert!(b.words.capacity() * 8 <= KEEP_BYTES, "a huge buffer is shrunk");
        });
    }
}
