//! Reading one file into text: size limit, binary detection, BOMs and lossy UTF-8.
//!
//! [`read_text`] either returns the text of a file (with a note when it had to be repaired) or says in
//! one line why the file was skipped. It never panics on any bytes, and the text it returns is never
//! longer than [`MAX_SOURCE_LEN`] bytes, because source spans are `u32` byte offsets.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest text a source may have, in bytes: spans are `u32` offsets.
pub const MAX_SOURCE_LEN: u64 = u32::MAX as u64;

/// How many leading bytes [`is_binary`] looks at.
const SNIFF_LEN: usize = 8 * 1024;

/// A file read as text.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Why the text is not exactly the file's bytes (for example "not UTF-8; ..."), if it is not.
    pub note: Option<&'static str>,
}

/// Reads `path` as text, or returns the one-line reason it was skipped.
pub fn read_text(path: &Path) -> Result<Decoded, String> {
    let mut bytes = Vec::new();
    read_bytes_into(path, &mut bytes, None)?;
    decode(bytes)
}

/// The bytes of the file at `path`, into `buffer` (cleared first), or the one-line reason they could not be
/// read: a file too large for our offsets is not read. `len` is the file's length where the caller has just
/// read it (a walk of the corpus does), which saves asking the system again; the read itself is bounded
/// whatever the file's length has become since.
fn read_bytes_into(path: &Path, buffer: &mut Vec<u8>, len: Option<u64>) -> Result<(), String> {
    buffer.clear();
    let mut file = File::open(path).map_err(|error| describe_io_error(&error))?;
    let len = match len {
        Some(len) => len,
        None => file.metadata().map_err(|error| describe_io_error(&error))?.len(),
    };
    if len > MAX_SOURCE_LEN {
        return Err(too_large());
    }
    buffer.reserve(usize::try_from(len).unwrap_or(0));
    // The `take` bounds a file that grows while it is read.
    file.by_ref().take(MAX_SOURCE_LEN + 1).read_to_end(buffer).map_err(|error| describe_io_error(&error))?;
    Ok(())
}

/// [`read_text`], reading into `buffer` (which keeps its memory for the next file): the text is borrowed
/// from it where the file is UTF-8 text, as nearly every file is, and made anew only where it must be
/// decoded or repaired. Reading each file into fresh memory had the system zero new pages for every file
/// (0.8 % of the build's samples at 1 GB).
pub fn read_text_into<'a>(
    path: &Path,
    buffer: &'a mut Vec<u8>,
    len: Option<u64>,
) -> Result<(Cow<'a, str>, Option<&'static str>), String> {
    read_bytes_into(path, buffer, len)?;
    // What `decode` gives, without a copy: bytes that are UTF-8 start with no UTF-16 byte order mark (0xFF
    // and 0xFE are never UTF-8), so only the binary check and the UTF-8 byte order mark apply.
    let fast = (!is_binary(buffer))
        .then(|| simdutf8::basic::from_utf8(buffer.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buffer)));
    match fast {
        Some(Ok(text)) if text.len() as u64 <= MAX_SOURCE_LEN => Ok((Cow::Borrowed(text), None)),
        Some(Ok(_)) => Err(too_large()),
        _ => decode(buffer.clone()).map(|decoded| (Cow::Owned(decoded.text), decoded.note)),
    }
}

/// Turns a file's bytes into text, or returns the one-line reason they are not text.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, String> {
    if let Some(text) = decode_utf16(&bytes) {
        // A byte order mark at the start of random bytes is a coincidence the same sniffing catches.
        if is_binary(text.as_bytes()) {
            return Err("binary file skipped".to_string());
        }
        return checked(Decoded { text, note: None });
    }
    if is_binary(&bytes) {
        return Err("binary file skipped".to_string());
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let decoded = match String::from_utf8(bytes) {
        Ok(text) => Decoded { text, note: None },
        Err(error) => Decoded {
            text: String::from_utf8_lossy(error.as_bytes()).into_owned(),
            note: Some("not UTF-8; decoded with replacement characters"),
        },
    };
    checked(decoded)
}

/// Replacement characters can make lossy text longer than its bytes, so the limit is checked again.
fn checked(decoded: Decoded) -> Result<Decoded, String> {
    if decoded.text.len() as u64 > MAX_SOURCE_LEN {
        Err(too_large())
    } else {
        Ok(decoded)
    }
}

fn too_large() -> String {
    "larger than 4 GiB; skipped (source offsets are 32-bit)".to_string()
}

/// Decodes UTF-16 text that starts with a byte order mark; other bytes are not UTF-16 for us.
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little_endian = if bytes.starts_with(b"\xFF\xFE") {
        true
    } else if bytes.starts_with(b"\xFE\xFF") {
        false
    } else {
        return None;
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|pair| {
            let pair = [pair[0], pair[1]];
            if little_endian {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        })
        .collect();
    Some(String::from_utf16_lossy(&units))
}

/// True when the first 8 KiB hold a NUL byte or more than 10% control characters other than tab,
/// line feed, carriage return and form feed.
pub fn is_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    if memchr::memchr(0, sample).is_some() {
        return true;
    }
    // Without short-circuits, and counted in bytes a chunk of 255 at a time, so that the loop runs on vectors
    // of 32 bytes: it sees 8 KiB of every file.
    let is_control = |b: u8| ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0C)) | (b == 0x7F);
    let in_chunk = |chunk: &[u8]| chunk.iter().fold(0u8, |n, &b| n + u8::from(is_control(b)));
    let control: usize = sample.chunks(255).map(|chunk| usize::from(in_chunk(chunk))).sum();
    control * 10 > sample.len()
}

/// A one-line description of an I/O error, without the OS error number.
pub fn describe_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            let text = error.to_string();
            // Drop the " (os error N)" suffix std adds; the words are what a reader needs.
            let words = match text.find(" (os error") {
                Some(index) => &text[..index],
                None => &text,
            };
            format!("cannot read: {}", words.to_lowercase())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_detection() {
        let mut many_controls = vec![b'a'; 100];
        many_controls[..11].fill(0x01);
        let mut few_controls = vec![b'a'; 100];
        few_controls[..10].fill(0x01);
        let mut late_nul = vec![b'a'; SNIFF_LEN + 10];
        late_nul[SNIFF_LEN + 5] = 0;
        let cases: &[(&str, &[u8], bool)] = &[
            ("empty", b"", false),
            ("plain_ascii", b"hello\nworld\n", false),
            ("tabs_crlf_formfeed", b"a\tb\r\n\x0cc", false),
            ("utf8_cyrillic", "Источник".as_bytes(), false),
            ("latin1_high_bytes", b"caf\xe9 na\xefve", false),
            ("nul_byte", b"abc\0def", true),
            ("eleven_percent_controls", &many_controls, true),
            ("ten_percent_controls", &few_controls, false),
            ("nul_after_sniff_window", &late_nul, false),
            ("delete_chars", b"\x7f\x7f\x7fab", true),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(is_binary(bytes), *expected, "case {name}");
        }
    }

    #[test]
    fn decoding() {
        type Case<'a> = (&'a str, &'a [u8], Result<(&'a str, bool), &'a str>);
        let cases: &[Case] = &[
            ("utf8", "Russia’s".as_bytes(), Ok(("Russia’s", false))),
            ("bom_stripped", b"\xEF\xBB\xBFabc", Ok(("abc", false))),
            ("empty", b"", Ok(("", false))),
            ("invalid_utf8_lossy", b"caf\xe9", Ok(("caf\u{FFFD}", true))),
            ("utf16le_bom", b"\xFF\xFEa\0b\0", Ok(("ab", false))),
            ("utf16be_bom", b"\xFE\xFF\0a\0b", Ok(("ab", false))),
            ("binary", b"\x7fELF\x02\x01\x01\0\0\0", Err("binary file skipped")),
        ];
        for (name, bytes, expected) in cases {
            let got = decode(bytes.to_vec());
            match (got, expected) {
                (Ok(decoded), Ok((text, noted))) => {
                    assert_eq!(decoded.text, *text, "case {name}");
                    assert_eq!(decoded.note.is_some(), *noted, "case {name}");
                }
                (Err(message), Err(expected)) => assert_eq!(message, *expected, "case {name}"),
                (got, _) => panic!("case {name}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn reading_into_a_kept_buffer_gives_what_reading_gives() {
        let dir = std::env::temp_dir().join(format!("rlsp-decode-into-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let files: &[(&str, &[u8])] = &[
            ("utf8", "Russia’s $45 billion".as_bytes()),
            ("bom", b"\xEF\xBB\xBFabc"),
            ("empty", b""),
            ("latin1", b"caf\xe9"),
            ("utf16le", b"\xFF\xFEa\0b\0"),
            ("binary", b"\x7fELF\x02\x01\x01\0\0\0"),
            ("long", &[b'x'; 70_000]),
        ];
        // One buffer for every file, longest first, as a thread reads one file after another.
        let mut buffer = Vec::new();
        for (name, bytes) in files.iter().rev() {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write");
            let want = read_text(&path).map(|d| (d.text, d.note));
            let got = read_text_into(&path, &mut buffer, None).map(|(text, note)| (text.into_owned(), note));
            assert_eq!(got, want, "file {name}");
            // With the length a walk gave: the same, whether the file grew or shrank since.
            for len in [bytes.len() as u64, 0, bytes.len() as u64 * 2] {
                let got = read_text_into(&path, &mut buffer, Some(len)).map(|(text, note)| (text.into_owned(), note));
                assert_eq!(got, want, "file {name}, length {len} given");
            }
        }
        assert!(read_text_into(&dir.join("missing"), &mut buffer, None).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reading_a_directory_is_a_message_not_a_panic() {
        let result = read_text(&std::env::temp_dir());
        assert!(result.is_err(), "{result:?}");
    }

    #[test]
    fn io_error_descriptions() {
        let cases: &[(&str, io::ErrorKind, &str)] = &[
            ("not_found", io::ErrorKind::NotFound, "no such file or directory"),
            ("permission", io::ErrorKind::PermissionDenied, "permission denied"),
            ("other", io::ErrorKind::InvalidData, "cannot read: invalid data"),
        ];
        for (name, kind, expected) in cases {
            assert_eq!(describe_io_error(&io::Error::from(*kind)), *expected, "case {name}");
        }
    }
}
