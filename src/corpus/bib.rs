//! Bibliographies: BibTeX/BibLaTeX (through the `biblatex` crate) and CSL-JSON.
//!
//! Both formats are reduced to [`BibEntry`]: a key, the fields a [`SourceMeta`](super::SourceMeta) needs,
//! and the documents the entry's `file` field names. Parsing never fails as a whole: a BibTeX file that
//! the `biblatex` crate rejects is split into entries at top-level `@` boundaries and each entry is parsed
//! on its own, so one bad entry costs only itself and is reported with its line. A `.json` file that is
//! not CSL-JSON (an array of objects with an `id`) is not a bibliography and is skipped without a word,
//! because folders of documents commonly hold other JSON.

use std::fmt;
use std::path::Path;

use biblatex::{
    Bibliography, ChunksExt, DateValue, Datetime, Entry, ParseError, PermissiveType, Person, RawBibliography,
};

use super::Warning;

/// Where an entry sits in its bibliography file, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryLocation {
    /// The 1-based line of a BibTeX entry.
    Line(usize),
    /// The 1-based position of a CSL-JSON item in its array.
    Item(usize),
}

impl fmt::Display for EntryLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryLocation::Line(line) => write!(f, "line {line}"),
            EntryLocation::Item(item) => write!(f, "item {item}"),
        }
    }
}

/// One bibliography entry, reduced to what the corpus needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BibEntry {
    /// The citation key, exactly as the bibliography spells it.
    pub key: String,
    pub title: Option<String>,
    /// Authors formatted "Given Family", joined by " and "; an organisation is its literal name.
    pub author: Option<String>,
    /// ISO 8601 as precise as the entry states it (`2019`, `2019-10`, `2019-10-03`, or a range `a/b`).
    pub date: Option<String>,
    /// The publisher, else the journal or website, else the organisation or institution.
    pub publisher: Option<String>,
    /// The paths the entry's `file` field names, unescaped, one per attachment.
    pub files: Vec<String>,
    pub location: EntryLocation,
}

/// The fields tried, in order, for [`BibEntry::publisher`].
const PUBLISHER_FIELDS: [&str; 6] = ["publisher", "journaltitle", "journal", "organization", "institution", "school"];

/// Parses a BibTeX/BibLaTeX file. Entries come back in file order; problems become warnings on `path`.
pub fn parse_bibtex(path: &Path, src: &str) -> (Vec<BibEntry>, Vec<Warning>) {
    let lines = LineStarts::new(src);
    if let Ok(entries) = parse_guarded(src, &lines, 0, 0) {
        return (entries, Vec::new());
    }

    // The crate rejected the file as a whole: parse it entry by entry. String abbreviations are defined
    // in their own chunks, so they are prepended to every entry that may use them.
    let chunks = split_entries(src);
    let strings: String = chunks
        .iter()
        .filter(|chunk| chunk.kind.eq_ignore_ascii_case("string"))
        .map(|chunk| format!("{}\n", &src[chunk.range.clone()]))
        .collect();
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for chunk in &chunks {
        if chunk.kind.eq_ignore_ascii_case("string") {
            // A bad abbreviation must not poison every entry, so it is checked on its own.
            if let Err(error) = RawBibliography::parse(&src[chunk.range.clone()]) {
                warnings.push(Warning {
                    path: path.to_path_buf(),
                    message: format!("line {}: bad @string skipped: {}", lines.line_of(chunk.range.start), error.kind),
                });
            }
            continue;
        }
        let text = format!("{strings}{}", &src[chunk.range.clone()]);
        match parse_guarded(&text, &lines, chunk.range.start, strings.len()) {
            Ok(mut parsed) => entries.append(&mut parsed),
            Err(failure) => warnings.push(Warning {
                path: path.to_path_buf(),
                message: bad_entry_message(src, &lines, chunk, &failure, strings.len()),
            }),
        }
    }
    (entries, warnings)
}

/// Why a piece of BibTeX did not parse.
enum Failure {
    Syntax(ParseError),
    /// The parser panicked. It is someone else's code reading a user's file, so this is caught.
    Panic,
}

/// [`parse_whole`], with a panic in the parser turned into a [`Failure`].
fn parse_guarded(text: &str, lines: &LineStarts, offset: usize, prelude: usize) -> Result<Vec<BibEntry>, Failure> {
    match std::panic::catch_unwind(|| parse_whole(text, lines, offset, prelude)) {
        Ok(Ok(entries)) => Ok(entries),
        Ok(Err(error)) => Err(Failure::Syntax(error)),
        Err(_) => Err(Failure::Panic),
    }
}

/// Parses `text` with the `biblatex` crate. `text[prelude..]` is `src[offset..]`, so spans past the
/// prelude map back to lines of the original file.
fn parse_whole(text: &str, lines: &LineStarts, offset: usize, prelude: usize) -> Result<Vec<BibEntry>, ParseError> {
    let raw = RawBibliography::parse(text)?;
    let starts: Vec<(String, usize)> = raw
        .entries
        .iter()
        .map(|entry| {
            let start = offset + entry.span.start.saturating_sub(prelude);
            (entry.v.key.v.to_string(), lines.line_of(start))
        })
        .collect();
    let bibliography = Bibliography::from_raw(raw)?;
    Ok(starts
        .iter()
        .filter_map(|(key, line)| bibliography.get(key).map(|entry| convert_entry(entry, EntryLocation::Line(*line))))
        .collect())
}

fn bad_entry_message(src: &str, lines: &LineStarts, chunk: &EntryChunk, failure: &Failure, prelude: usize) -> String {
    let line = lines.line_of(chunk.range.start);
    let entry = match guess_key(&src[chunk.range.clone()]) {
        Some(key) => format!("bad entry `{key}`"),
        None => "bad entry".to_string(),
    };
    let error = match failure {
        Failure::Syntax(error) => error,
        Failure::Panic => {
            return format!("line {line}: {entry} skipped: the BibTeX parser failed on it");
        }
    };
    let mut at = String::new();
    if error.span.start >= prelude {
        let error_line = lines.line_of(chunk.range.start + (error.span.start - prelude));
        if error_line != line {
            at = format!(" (line {error_line})");
        }
    }
    format!("line {line}: {entry} skipped: {}{at}", error.kind)
}

fn convert_entry(entry: &Entry, location: EntryLocation) -> BibEntry {
    let field = |name: &str| {
        entry.get(name).map(|chunks| collapse_whitespace(&chunks.format_verbatim())).filter(|value| !value.is_empty())
    };
    let author = entry.author().ok().map(|people| format_people(&people)).filter(|value| !value.is_empty());
    let date = match entry.date() {
        Ok(PermissiveType::Typed(date)) => Some(format_date(&date.value)),
        Ok(PermissiveType::Chunks(chunks)) => {
            Some(collapse_whitespace(&chunks.format_verbatim())).filter(|value| !value.is_empty())
        }
        Err(_) => None,
    };
    BibEntry {
        key: entry.key.clone(),
        title: field("title"),
        author,
        date,
        publisher: PUBLISHER_FIELDS.iter().find_map(|name| field(name)),
        files: entry.get("file").map(|chunks| parse_file_field(&chunks.format_verbatim())).unwrap_or_default(),
        location,
    }
}

/// Formats people "Given prefix Family suffix", joined by " and ". An organisation written in double
/// braces is one family name with no given name, so it comes out as its literal.
pub fn format_people(people: &[Person]) -> String {
    people
        .iter()
        .map(|person| join_words(&[&person.given_name, &person.prefix, &person.name, &person.suffix]))
        .filter(|name| !name.is_empty())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Formats a date as ISO 8601, as precise as it is known; ranges use `/` with `..` for an open end.
pub fn format_date(date: &DateValue) -> String {
    match date {
        DateValue::At(at) => format_datetime(at),
        DateValue::After(start) => format!("{}/..", format_datetime(start)),
        DateValue::Before(end) => format!("../{}", format_datetime(end)),
        DateValue::Between(start, end) => {
            format!("{}/{}", format_datetime(start), format_datetime(end))
        }
    }
}

/// The `biblatex` crate counts months and days from zero; ISO counts them from one.
fn format_datetime(at: &Datetime) -> String {
    format_ymd(i64::from(at.year), at.month.map(|month| i64::from(month) + 1), at.day.map(|day| i64::from(day) + 1))
}

/// Formats a year with an optional month and day (both counted from one); a day without a month is dropped.
pub fn format_ymd(year: i64, month: Option<i64>, day: Option<i64>) -> String {
    let mut out = if year >= 0 { format!("{year:04}") } else { format!("-{:04}", -year) };
    if let Some(month) = month {
        out.push_str(&format!("-{month:02}"));
        if let Some(day) = day {
            out.push_str(&format!("-{day:02}"));
        }
    }
    out
}

/// Splits a `file` field into the paths it names.
///
/// Accepts a plain path, a `;`-separated list, and the Zotero/JabRef form `Description:path:Type` in which
/// `\:`, `\;` and `\\` are escapes. A Windows drive letter (`C:\...`) is kept as part of the path.
pub fn parse_file_field(field: &str) -> Vec<String> {
    split_unescaped(field, ';')
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            if item.is_empty() {
                return None;
            }
            let parts = split_unescaped(item, ':');
            let raw = match parts.len() {
                0 | 1 => item.to_string(),
                2 if is_drive_letter(parts[0]) => item.to_string(),
                2 => {
                    // `Description:path` or `path:Type`: the part with a file extension is the path.
                    if has_extension(parts[1]) || !has_extension(parts[0]) {
                        parts[1].to_string()
                    } else {
                        parts[0].to_string()
                    }
                }
                n => parts[1..n - 1].join(":"),
            };
            let path = unescape(raw.trim());
            if path.is_empty() {
                None
            } else {
                Some(path)
            }
        })
        .collect()
}

fn is_drive_letter(part: &str) -> bool {
    part.len() == 1 && part.bytes().all(|b| b.is_ascii_alphabetic())
}

fn has_extension(part: &str) -> bool {
    file_name_of(part).contains('.')
}

/// The last component of a path written with `/` or `\` separators.
pub fn file_name_of(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Splits on `sep` where it is not escaped by a backslash; the pieces keep their escapes.
fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            pieces.push(&text[start..index]);
            start = index + c.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// Removes the backslash from `\:`, `\;` and `\\`; any other backslash is a path separator and stays.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if matches!(next, ':' | ';' | '\\') {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Parses a CSL-JSON file. Returns `None` when the file is not CSL-JSON, which is not a problem.
pub fn parse_csl_json(path: &Path, src: &str) -> Option<(Vec<BibEntry>, Vec<Warning>)> {
    let value: serde_json::Value = serde_json::from_str(src).ok()?;
    let items = value.as_array()?;
    if items.is_empty()
        || !items.iter().all(|item| item.is_object())
        || !items.iter().any(|item| item.get("id").is_some())
    {
        return None;
    }
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let location = EntryLocation::Item(index + 1);
        let key = match item.get("id") {
            Some(serde_json::Value::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
            Some(serde_json::Value::Number(id)) => id.to_string(),
            _ => {
                warnings.push(Warning {
                    path: path.to_path_buf(),
                    message: format!("{location}: CSL-JSON item without a usable `id` skipped"),
                });
                continue;
            }
        };
        let text = |name: &str| {
            item.get(name).and_then(|value| value.as_str()).map(collapse_whitespace).filter(|value| !value.is_empty())
        };
        entries.push(BibEntry {
            key,
            title: text("title"),
            author: item.get("author").map(format_csl_names).filter(|value| !value.is_empty()),
            date: item.get("issued").and_then(format_csl_date),
            publisher: text("publisher").or_else(|| text("container-title")),
            files: text("file").map(|field| parse_file_field(&field)).unwrap_or_default(),
            location,
        });
    }
    Some((entries, warnings))
}

/// Formats a CSL name list: `literal`, else "given particles family suffix".
pub fn format_csl_names(names: &serde_json::Value) -> String {
    let Some(names) = names.as_array() else {
        return String::new();
    };
    names
        .iter()
        .map(|name| {
            let part = |key: &str| name.get(key).and_then(|v| v.as_str()).unwrap_or("");
            let literal = part("literal").trim();
            if !literal.is_empty() {
                return collapse_whitespace(literal);
            }
            collapse_whitespace(&join_words(&[
                part("given"),
                part("dropping-particle"),
                part("non-dropping-particle"),
                part("family"),
                part("suffix"),
            ]))
        })
        .filter(|name| !name.is_empty())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Formats a CSL date: `date-parts` (one date, or two for a range), else `raw` or `literal` as written.
pub fn format_csl_date(date: &serde_json::Value) -> Option<String> {
    if let Some(parts) = date.get("date-parts").and_then(|v| v.as_array()) {
        let dates: Vec<String> = parts.iter().filter_map(format_csl_date_parts).collect();
        match dates.as_slice() {
            [one] => return Some(one.clone()),
            [start, end, ..] if start == end => return Some(start.clone()),
            [start, end, ..] => return Some(format!("{start}/{end}")),
            [] => {}
        }
    }
    ["raw", "literal"].iter().find_map(|key| {
        date.get(*key).and_then(|v| v.as_str()).map(collapse_whitespace).filter(|value| !value.is_empty())
    })
}

/// One `[year, month, day]` array; each number may also be written as a string.
fn format_csl_date_parts(parts: &serde_json::Value) -> Option<String> {
    let parts = parts.as_array()?;
    let number = |index: usize| -> Option<i64> {
        match parts.get(index)? {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let year = number(0)?;
    let month = number(1).filter(|m| (1..=12).contains(m));
    let day = month.and(number(2)).filter(|d| (1..=31).contains(d));
    Some(format_ymd(year, month, day))
}

fn join_words(words: &[&str]) -> String {
    words.iter().map(|word| word.trim()).filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One top-level `@kind{...}` chunk of a BibTeX file, found without parsing it.
#[derive(Debug, PartialEq, Eq)]
struct EntryChunk {
    kind: String,
    range: std::ops::Range<usize>,
}

/// Splits a BibTeX file at `@kind{` or `@kind(` that starts at brace depth zero or at the start of a line.
/// The line rule means an entry with a missing closing brace does not swallow the entries after it.
fn split_entries(src: &str) -> Vec<EntryChunk> {
    let bytes = src.as_bytes();
    let mut starts: Vec<(usize, String)> = Vec::new();
    let mut depth: i64 = 0;
    let mut at_line_start = true;
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => at_line_start = true,
            b' ' | b'\t' | b'\r' => {}
            b'@' => {
                if depth <= 0 || at_line_start {
                    if let Some(kind) = entry_kind_at(&src[index + 1..]) {
                        starts.push((index, kind));
                        depth = 0;
                    }
                }
                at_line_start = false;
            }
            b'{' => {
                depth += 1;
                at_line_start = false;
            }
            b'}' => {
                depth -= 1;
                at_line_start = false;
            }
            _ => at_line_start = false,
        }
    }
    let ends = starts.iter().skip(1).map(|(start, _)| *start).chain(std::iter::once(src.len()));
    starts.iter().zip(ends).map(|((start, kind), end)| EntryChunk { kind: kind.clone(), range: *start..end }).collect()
}

/// If `rest` (the text after an `@`) is `kind{` or `kind(` with optional spaces, the kind.
fn entry_kind_at(rest: &str) -> Option<String> {
    let kind_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
    if kind_len == 0 {
        return None;
    }
    let after = rest[kind_len..].trim_start();
    if after.starts_with('{') || after.starts_with('(') {
        Some(rest[..kind_len].to_string())
    } else {
        None
    }
}

/// The citation key of an entry chunk, read loosely, for a message about an entry that did not parse.
fn guess_key(chunk: &str) -> Option<String> {
    let open = chunk.find(['{', '('])?;
    let rest = chunk[open + 1..].trim_start();
    let end = rest.find(|c: char| matches!(c, ',' | '{' | '}' | '(' | ')') || c.is_whitespace()).unwrap_or(rest.len());
    let key = rest[..end].trim();
    if key.is_empty() || key.len() > 200 {
        None
    } else {
        Some(key.to_string())
    }
}

/// Byte offsets of line starts, to turn an offset into a 1-based line.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|index| index + 1));
        LineStarts(starts)
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn people(field: &str) -> String {
        let src = format!("@misc{{k, author = {{{field}}}}}");
        match Bibliography::parse(&src) {
            Ok(bibliography) => match bibliography.get("k").map(|entry| entry.author()) {
                Some(Ok(people)) => format_people(&people),
                other => format!("no author: {other:?}"),
            },
            Err(error) => format!("parse error: {error}"),
        }
    }

    #[test]
    fn author_formatting() {
        let cases: &[(&str, &str, &str)] = &[
            ("family_comma_given", "Cafiero, Giorgio", "Giorgio Cafiero"),
            ("given_family", "Giorgio Cafiero", "Giorgio Cafiero"),
            ("two_authors", "Gusev, Leonid and Tkachenko, Stanislav", "Leonid Gusev and Stanislav Tkachenko"),
            ("organisation_double_braces", "{Valdai Discussion Club}", "Valdai Discussion Club"),
            ("prefix_kept", "van Beethoven, Ludwig", "Ludwig van Beethoven"),
            ("suffix_kept", "King, Jr., Martin Luther", "Martin Luther King Jr."),
            ("single_name", "Plato", "Plato"),
            ("non_ascii", "Ambrosetti, Eleonora Tafuro", "Eleonora Tafuro Ambrosetti"),
        ];
        for (name, field, expected) in cases {
            assert_eq!(people(field), *expected, "case {name}");
        }
    }

    #[test]
    fn csl_author_formatting() {
        let cases: &[(&str, &str, &str)] = &[
            ("family_given", r#"[{"family":"Gusev","given":"Leonid"}]"#, "Leonid Gusev"),
            ("literal", r#"[{"literal":"Valdai Discussion Club"}]"#, "Valdai Discussion Club"),
            ("two", r#"[{"family":"A","given":"B"},{"family":"C"}]"#, "B A and C"),
            ("particle", r#"[{"family":"Gogh","given":"Vincent","non-dropping-particle":"van"}]"#, "Vincent van Gogh"),
            ("not_an_array", r#"{"family":"A"}"#, ""),
            ("empty_name_dropped", r#"[{},{"family":"A"}]"#, "A"),
        ];
        for (name, json, expected) in cases {
            let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            assert_eq!(format_csl_names(&value), *expected, "case {name}");
        }
    }

    #[test]
    fn date_formatting() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("full_date", "date = {2025-12-09}", Some("2025-12-09")),
            ("year_month", "date = {2019-10}", Some("2019-10")),
            ("year_only", "date = {2019}", Some("2019")),
            ("range", "date = {2022-02/2022-03}", Some("2022-02/2022-03")),
            ("open_end", "date = {2022/..}", Some("2022/..")),
            ("bibtex_year_month", "year = {2019}, month = oct", Some("2019-10")),
            ("bibtex_year", "year = 2019", Some("2019")),
            ("unparsable_kept_verbatim", "date = {Spring 2020}", Some("Spring 2020")),
            ("missing", "title = {x}", None),
        ];
        for (name, fields, expected) in cases {
            let src = format!("@misc{{k, {fields}}}");
            let (entries, warnings) = parse_bibtex(Path::new("t.bib"), &src);
            assert!(warnings.is_empty(), "case {name}: {warnings:?}");
            assert_eq!(entries.len(), 1, "case {name}");
            assert_eq!(entries[0].date.as_deref(), *expected, "case {name}");
        }
    }

    #[test]
    fn csl_date_formatting() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("full", r#"{"date-parts":[[2025,12,9]]}"#, Some("2025-12-09")),
            ("year_month", r#"{"date-parts":[[2019,10]]}"#, Some("2019-10")),
            ("year", r#"{"date-parts":[[2019]]}"#, Some("2019")),
            ("strings", r#"{"date-parts":[["2019","3","4"]]}"#, Some("2019-03-04")),
            ("range", r#"{"date-parts":[[2020,1],[2020,3]]}"#, Some("2020-01/2020-03")),
            ("bad_month_dropped", r#"{"date-parts":[[2020,13,1]]}"#, Some("2020")),
            ("raw", r#"{"raw":"Spring 2020"}"#, Some("Spring 2020")),
            ("empty", r#"{}"#, None),
        ];
        for (name, json, expected) in cases {
            let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            assert_eq!(format_csl_date(&value).as_deref(), *expected, "case {name}");
        }
    }

    #[test]
    fn file_field_parsing() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("plain_name", "001_x.txt", &["001_x.txt"]),
            ("relative_path", "sub/dir/a.md", &["sub/dir/a.md"]),
            ("semicolon_list", "a.txt; b.md", &["a.txt", "b.md"]),
            (
                "zotero_triple",
                "Full Text PDF:/home/u/Zotero/storage/X/a.pdf:application/pdf",
                &["/home/u/Zotero/storage/X/a.pdf"],
            ),
            ("jabref_empty_description", ":notes/a.txt:Text", &["notes/a.txt"]),
            ("jabref_escaped_windows", r"Desc:C\:\\Users\\me\\a.txt:Text", &[r"C:\Users\me\a.txt"]),
            ("unescaped_windows_in_triple", r"Desc:C:\Users\me\a.txt:Text", &[r"C:\Users\me\a.txt"]),
            ("bare_windows_path", r"C:\\Users\\me\\a.txt", &[r"C:\Users\me\a.txt"]),
            ("description_and_path", "Snapshot:a.txt", &["a.txt"]),
            ("path_and_type", "a.txt:text/plain", &["a.txt"]),
            ("list_of_triples", ":a.txt:Text;:b.txt:Text", &["a.txt", "b.txt"]),
            ("escaped_semicolon", r"we\;ird.txt", &["we;ird.txt"]),
            ("empty", "", &[]),
            ("only_separators", " ; ;", &[]),
        ];
        for (name, field, expected) in cases {
            assert_eq!(parse_file_field(field), *expected, "case {name}");
        }
    }

    #[test]
    fn file_name_extraction() {
        let cases: &[(&str, &str, &str)] = &[
            ("bare", "a.txt", "a.txt"),
            ("unix", "/x/y/a.txt", "a.txt"),
            ("windows", r"C:\x\a.txt", "a.txt"),
            ("trailing_separator", "x/", ""),
        ];
        for (name, path, expected) in cases {
            assert_eq!(file_name_of(path), *expected, "case {name}");
        }
    }

    #[test]
    fn bibtex_entry_fields() {
        let src = "% a comment\n@article{cafiero2025,\n  title = {Can the {West} Bump\n  Russia?},\n  author = {Cafiero, Giorgio},\n  date = {2025-12-09},\n  journaltitle = {The National Interest},\n  file = {002_x.txt},\n}\n";
        let (entries, warnings) = parse_bibtex(Path::new("r.bib"), src);
        assert!(warnings.is_empty(), "{warnings:?}");
        let expected = BibEntry {
            key: "cafiero2025".into(),
            title: Some("Can the West Bump Russia?".into()),
            author: Some("Giorgio Cafiero".into()),
            date: Some("2025-12-09".into()),
            publisher: Some("The National Interest".into()),
            files: vec!["002_x.txt".into()],
            location: EntryLocation::Line(2),
        };
        assert_eq!(entries, vec![expected]);
    }

    #[test]
    fn publisher_field_preference() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("publisher_first", "publisher = {P}, journaltitle = {J}", Some("P")),
            ("journaltitle", "journaltitle = {J}, organization = {O}", Some("J")),
            ("bibtex_journal", "journal = {J}", Some("J")),
            ("organization", "organization = {O}", Some("O")),
            ("institution", "institution = {I}", Some("I")),
            ("none", "title = {T}", None),
        ];
        for (name, fields, expected) in cases {
            let (entries, _) = parse_bibtex(Path::new("t.bib"), &format!("@misc{{k, {fields}}}"));
            assert_eq!(entries.first().and_then(|e| e.publisher.as_deref()), *expected, "case {name}");
        }
    }

    #[test]
    fn one_bad_entry_costs_only_itself() {
        let cases: &[(&str, &str, &[&str], &str)] = &[
            (
                "missing_comma",
                "@misc{a, title = {A}}\n@misc{b title = {B}}\n@misc{c, title = {C}}\n",
                &["a", "c"],
                "line 2: bad entry `b` skipped",
            ),
            (
                "unclosed_brace",
                "@misc{a, title = {A}}\n@misc{b, title = {B}\n@misc{c, title = {C}}\n",
                &["a", "c"],
                "line 2: bad entry `b` skipped",
            ),
            ("duplicate_key_kept_both", "@misc{a, title = {A}}\n@misc{a, title = {A2}}\n", &["a", "a"], ""),
            (
                "unknown_abbreviation",
                "@misc{a, title = {A}}\n@misc{b, title = nope}\n",
                &["a"],
                "line 2: bad entry `b` skipped: unknown abbreviation",
            ),
            (
                "string_used_after_split",
                "@string{ni = {The National Interest}}\n@misc{a, journal = ni}\n@misc{b, x = }\n",
                &["a"],
                "line 3: bad entry `b` skipped",
            ),
        ];
        for (name, src, keys, warning) in cases {
            let (entries, warnings) = parse_bibtex(Path::new("t.bib"), src);
            let got: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(got, *keys, "case {name}");
            if warning.is_empty() {
                assert!(warnings.is_empty(), "case {name}: {warnings:?}");
            } else {
                assert_eq!(warnings.len(), 1, "case {name}: {warnings:?}");
                assert!(warnings[0].message.starts_with(warning), "case {name}: {}", warnings[0].message);
                assert_eq!(warnings[0].path, PathBuf::from("t.bib"), "case {name}");
            }
        }
    }

    #[test]
    fn string_abbreviation_resolves_in_fallback() {
        let src = "@string{ni = {The National Interest}}\n@misc{a, journal = ni}\n@misc{b, x = }\n";
        let (entries, _) = parse_bibtex(Path::new("t.bib"), src);
        assert_eq!(entries[0].publisher.as_deref(), Some("The National Interest"));
        assert_eq!(entries[0].location, EntryLocation::Line(2));
    }

    #[test]
    fn entry_splitting() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("two_entries", "@misc{a,}\n@book{b,}", &["misc", "book"]),
            ("at_inside_value_ignored", "@misc{a, note = {mail me @home{x}}}\n", &["misc"]),
            ("line_start_recovers_after_unclosed", "@misc{a, t = {\n@book{b,}", &["misc", "book"]),
            ("parenthesis_delimiter", "@misc(a, t = {x})", &["misc"]),
            ("leading_comment_text", "junk text\n@misc{a,}", &["misc"]),
            ("bare_at_not_an_entry", "@ nothing\n", &[]),
        ];
        for (name, src, kinds) in cases {
            let got: Vec<String> = split_entries(src).into_iter().map(|c| c.kind).collect();
            assert_eq!(got, *kinds, "case {name}");
        }
    }

    #[test]
    fn csl_json_detection() {
        let cases: &[(&str, &str, Option<&[&str]>)] = &[
            ("csl_array", r#"[{"id":"a","title":"A"},{"id":7}]"#, Some(&["a", "7"])),
            ("item_without_id_skipped", r#"[{"id":"a"},{"title":"B"}]"#, Some(&["a"])),
            ("package_json", r#"{"name":"x","version":"1"}"#, None),
            ("array_of_numbers", "[1,2,3]", None),
            ("array_without_ids", r#"[{"a":1}]"#, None),
            ("empty_array", "[]", None),
            ("not_json", "{oops", None),
        ];
        for (name, src, expected) in cases {
            let got = parse_csl_json(Path::new("x.json"), src)
                .map(|(entries, _)| entries.into_iter().map(|e| e.key).collect::<Vec<_>>());
            let expected = expected.map(|keys| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>());
            assert_eq!(got, expected, "case {name}");
        }
    }

    #[test]
    fn csl_json_item_fields() {
        let src = r#"[{"id":"gusev2019","title":"The Importance","author":[{"family":"Gusev","given":"Leonid"}],
            "issued":{"date-parts":[[2019,10,3]]},"container-title":"ISPI","file":"sub/a.txt"}]"#;
        let (entries, warnings) = parse_csl_json(Path::new("x.json"), src).unwrap_or_default();
        assert!(warnings.is_empty());
        assert_eq!(
            entries,
            vec![BibEntry {
                key: "gusev2019".into(),
                title: Some("The Importance".into()),
                author: Some("Leonid Gusev".into()),
                date: Some("2019-10-03".into()),
                publisher: Some("ISPI".into()),
                files: vec!["sub/a.txt".into()],
                location: EntryLocation::Item(1),
            }]
        );
    }
}
