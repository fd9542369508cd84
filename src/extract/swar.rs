//! Eight bytes at a time: byte classes of a text read as one 64-bit word per eight bytes ("SIMD within a
//! register"), for the loops that run over every letter of a corpus.
//!
//! A word holds eight bytes, the first one lowest (`u64::from_le_bytes`). A class of bytes is given as a
//! mask with the top bit of each byte lane whose byte is in the class, so that the first byte outside a
//! class is found with one `trailing_zeros`.

/// The top bit of every byte lane.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// One in every byte lane.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes of `b` from `at` as a word, or `None` when fewer than eight are left.
#[inline]
pub fn load(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..).and_then(<[u8]>::first_chunk::<8>).map(|chunk| u64::from_le_bytes(*chunk))
}

/// The lanes of `x` whose byte lies in `lo..=hi`, for `x` without a top bit set in any lane (ASCII):
/// adding `0x80 - lo` to a lane sets its top bit when its byte is at least `lo`, adding `0x7f - hi` when it
/// is above `hi`, and neither sum carries into the next lane.
#[inline]
pub fn lanes_in(x: u64, lo: u8, hi: u8) -> u64 {
    debug_assert!(x & HIGH == 0 && lo <= hi && hi < 0x80);
    let at_least_lo = x + ONES * (0x80 - lo as u64);
    let above_hi = x + ONES * (0x7f - hi as u64);
    at_least_lo & !above_hi & HIGH
}

/// The lanes of `x` that hold an ASCII letter (any `x`: bytes from 0x80 up are no letters).
#[inline]
pub fn letters(x: u64) -> u64 {
    // Setting bit 5 maps `A..=Z` onto `a..=z` and no other byte there.
    lanes_in((x & !HIGH) | (ONES * 0x20), b'a', b'z') & !x
}

/// The number of lanes before the first lane of `mask` (8 when `mask` is empty).
#[inline]
pub fn first_lane(mask: u64) -> usize {
    mask.trailing_zeros() as usize / 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_agree_with_the_byte_tests() {
        // Every byte in every lane, beside neighbours that could carry into it if the arithmetic were wrong.
        for b in 0..=255u8 {
            for fill in [0u8, 0x7f, 0x80, 0xff, b'z', b'A'] {
                for lane in 0..8 {
                    let mut bytes = [fill; 8];
                    bytes[lane] = b;
                    let x = u64::from_le_bytes(bytes);
                    let want = |test: fn(&u8) -> bool| {
                        bytes.iter().enumerate().fold(0u64, |m, (i, c)| if test(c) { m | 0x80 << (8 * i) } else { m })
                    };
                    assert_eq!(letters(x), want(u8::is_ascii_alphabetic), "{bytes:?}");
                    let ascii = x & !HIGH;
                    assert_eq!(lanes_in(ascii, b'0', b'9') & !x, want(u8::is_ascii_digit), "{bytes:?}");
                    assert_eq!(lanes_in(ascii, 0x09, 0x0d) & !x, want(|c| (0x09..=0x0d).contains(c)), "{bytes:?}");
                }
            }
        }
        assert_eq!(first_lane(0), 8);
        assert_eq!(first_lane(0x80 << 24), 3);
        assert_eq!(load(b"abcdefg", 0), None);
        assert_eq!(load(b"abcdefgh", 0), Some(u64::from_le_bytes(*b"abcdefgh")));
    }
}
