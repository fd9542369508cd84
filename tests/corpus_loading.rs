//! Loading corpora: the embedded seeds, a corpus fixture of our own, and files generated to break things.
//!
//! The robustness corpus is generated at test time into a fresh directory under the system's temporary
//! directory, so no large or hostile file is committed.

use std::fs;
use std::path::{Path, PathBuf};

use research_lsp::corpus::{self, Corpus, Source, Warning};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("research-lsp-{name}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn source<'a>(corpus: &'a Corpus, key: &str) -> &'a Source {
    corpus
        .sources
        .iter()
        .find(|s| s.meta.key == key)
        .unwrap_or_else(|| panic!("no source `{key}` in {:?}", keys(corpus)))
}

fn keys(corpus: &Corpus) -> Vec<&str> {
    corpus.sources.iter().map(|s| s.meta.key.as_str()).collect()
}

/// (key, file name, title, author, date, publisher)
type SeedRow =
    (&'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>, Option<&'static str>);

const SEED_TABLE: [SeedRow; 5] = [
    (
        "backyardReport",
        "000_dff35ea259b1bf8d.txt",
        "Russia is no longer treating Central Asia as its “backyard” – report",
        None,
        None,
        None,
    ),
    (
        "gusev2019",
        "001_1c1cd4a807901fff.txt",
        "The Importance of Central Asia for Russia’s Foreign Policy",
        Some("Leonid Gusev"),
        Some("2019-10-03"),
        Some("ISPI (Italian Institute for International Political Studies)"),
    ),
    (
        "cafiero2025",
        "002_6a4b30dcf2198651.txt",
        "Can the West Bump Russia Out of Central Asia?",
        Some("Giorgio Cafiero"),
        Some("2025-12-09"),
        Some("The National Interest"),
    ),
    (
        "valdai",
        "003_d915e0f5ed7bbfbf.txt",
        "Russia and Central Asia: Bilateral and Multilateral Relations",
        Some("Stanislav Tkachenko"),
        None,
        Some("Valdai Discussion Club"),
    ),
    (
        "moscowtimes",
        "004_6ac02d4f05cb9ba7.txt",
        "Russia and Central Asia: Never Closer or Drifting Apart?",
        None,
        None,
        Some("The Moscow Times"),
    ),
];

#[test]
fn seeds_have_expected_metadata() {
    let corpus = corpus::seeds();
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
    assert_eq!(corpus.sources.len(), 5);
    for (source, (key, file, title, author, date, publisher)) in corpus.sources.iter().zip(SEED_TABLE) {
        let meta = &source.meta;
        assert_eq!(meta.key, key);
        assert_eq!(meta.title, title, "{key}");
        assert_eq!(meta.author.as_deref(), author, "{key}");
        assert_eq!(meta.date.as_deref(), date, "{key}");
        assert_eq!(meta.publisher.as_deref(), publisher, "{key}");
        assert_eq!(meta.path, Path::new("seeds").join(file), "{key}");
        assert!(meta.embedded, "{key}");
    }
}

#[test]
fn seed_texts_are_byte_identical_to_the_files() {
    let corpus = corpus::seeds();
    for (source, (key, file, ..)) in corpus.sources.iter().zip(SEED_TABLE) {
        let on_disk = fs::read(manifest_dir().join("seeds").join(file)).expect("read a seed");
        assert!(source.text.as_bytes() == on_disk.as_slice(), "{key} differs from seeds/{file}");
    }
}

#[test]
fn materialize_seeds_writes_identical_files_and_is_idempotent() {
    let cache = TempDir::new("materialize");
    let dir = corpus::materialize_seeds(cache.path()).expect("materialize the seeds");
    assert_eq!(dir.parent(), Some(cache.path()));
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    assert!(dir_name.starts_with("seeds-"), "{dir_name}");

    let mut names: Vec<&str> = SEED_TABLE.iter().map(|row| row.1).collect();
    names.push("references.bib");
    let check_identical = || {
        for name in &names {
            let written = fs::read(dir.join(name)).expect("read a materialized seed");
            let original = fs::read(manifest_dir().join("seeds").join(name)).expect("read a seed");
            assert!(written == original, "{name} differs");
        }
    };
    check_identical();
    let mtime = |name: &str| fs::metadata(dir.join(name)).and_then(|m| m.modified()).ok();
    let before: Vec<_> = names.iter().map(|n| mtime(n)).collect();

    // A second call finds everything in place and writes nothing.
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(corpus::materialize_seeds(cache.path()).ok(), Some(dir.clone()));
    let after: Vec<_> = names.iter().map(|n| mtime(n)).collect();
    assert_eq!(before, after, "an unchanged seed was rewritten");

    // A damaged file is repaired, and no temporary file is left behind.
    fs::write(dir.join(names[0]), "damaged").expect("damage a seed");
    assert_eq!(corpus::materialize_seeds(cache.path()).ok(), Some(dir.clone()));
    check_identical();
    let mut listed: Vec<String> = fs::read_dir(&dir)
        .expect("list the seed directory")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    listed.sort();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected);
}

#[test]
fn materialized_seeds_load_with_the_same_metadata() {
    let cache = TempDir::new("seeds-reload");
    let dir = corpus::materialize_seeds(cache.path()).expect("materialize the seeds");
    let loaded = corpus::load(std::slice::from_ref(&dir));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let embedded = corpus::seeds();
    assert_eq!(loaded.sources.len(), embedded.sources.len());
    for (from_disk, from_binary) in loaded.sources.iter().zip(&embedded.sources) {
        let mut meta = from_disk.meta.clone();
        assert!(!meta.embedded);
        assert_eq!(meta.path.parent(), Some(dir.as_path()));
        meta.path = from_binary.meta.path.clone();
        meta.embedded = true;
        assert!(meta.stamp.is_some_and(|s| s.len == from_disk.text.len() as u64), "a file read is stamped");
        meta.stamp = None;
        assert_eq!(meta, from_binary.meta);
        assert_eq!(from_disk.text, from_binary.text);
    }
}

#[test]
fn cache_dir_ends_in_the_crate_name() {
    if let Some(dir) = corpus::cache_dir() {
        assert!(dir.is_absolute(), "{}", dir.display());
        assert_eq!(dir.file_name().and_then(|n| n.to_str()), Some("research-lsp"));
    }
}

#[test]
fn own_corpus_loads_entries_documents_and_warnings() {
    let root = manifest_dir().join("tests/fixtures/own-corpus-loading");
    let corpus = corpus::load(std::slice::from_ref(&root));

    // (key, path under the root, title, author, date, publisher), in path order.
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let expected: &[Row] = &[
        ("orphandoc", "Orphan Doc.txt", "Orphan Document Without An Entry", None, None, None),
        (
            "research2021",
            "deep/nested/beta.txt",
            "Beta Notes",
            Some("Eurasia Research Group"),
            Some("2021-03-14"),
            Some("Eurasia Research Group"),
        ),
        (
            "doe2018",
            "gamma.txt",
            "Gamma Report",
            Some("John Doe and Steppe Institute"),
            Some("2018-07-01"),
            Some("Steppe Institute Press"),
        ),
        (
            "smith2020",
            "notes/alpha.md",
            "Alpha: Trade Corridors in Central Asia",
            Some("Jane Smith and Eurasia Research Group"),
            Some("2020-05"),
            Some("Journal of Examples"),
        ),
    ];
    assert_eq!(
        keys(&corpus),
        expected.iter().map(|row| row.0).collect::<Vec<_>>(),
        "hidden directories, node_modules and other file types must not be loaded"
    );
    for (source, (key, path, title, author, date, publisher)) in corpus.sources.iter().zip(expected) {
        let meta = &source.meta;
        assert_eq!(meta.path, root.join(path), "{key}");
        assert_eq!(meta.title, *title, "{key}");
        assert_eq!(meta.author.as_deref(), *author, "{key}");
        assert_eq!(meta.date.as_deref(), *date, "{key}");
        assert_eq!(meta.publisher.as_deref(), *publisher, "{key}");
        assert!(!meta.embedded, "{key}");
        let on_disk = fs::read_to_string(root.join(path)).expect("read a fixture");
        assert_eq!(&*source.text, on_disk.as_str(), "{key}");
    }

    // The malformed entry is the only problem; package.json is not a bibliography and says nothing.
    assert_eq!(corpus.warnings.len(), 1, "expected one warning, got {:#?}", corpus.warnings);
    let warning = &corpus.warnings[0];
    assert_eq!(warning.path, root.join("references.bib"));
    assert!(warning.message.starts_with("line 20: bad entry `broken2022` skipped"), "{}", warning.message);
}

/// A listing loads the same corpus as loading each file while the walk goes on does: the same sources with
/// their metadata and stamps, and the same warnings in the same order.
#[test]
fn a_listing_loads_the_same_corpus_as_loading_during_the_walk() {
    let root = manifest_dir().join("tests/fixtures/own-corpus-loading");
    let roots = std::slice::from_ref(&root);
    let load = |listing: corpus::Listing| corpus::load_listed(listing, &|_, _| None, &texts);
    let (parallel, warnings) = load(corpus::list(roots));
    assert_eq!(parallel.len(), 4);
    assert_eq!(warnings.len(), 1, "the malformed bibliography entry");
    let others = [corpus::load_with(roots, &|_, _| None, &texts)];
    for (other, other_warnings) in others {
        assert_eq!(warnings, other_warnings);
        for ((a, text_a), (b, text_b)) in parallel.iter().zip(&other) {
            assert_eq!(a, b);
            assert!(a.stamp.is_some() && a.stamp == b.stamp, "{}", a.key);
            assert_eq!(text_a, text_b);
        }
        assert_eq!(parallel.len(), other.len());
    }
}

/// A digest for [`corpus::load_with`] that keeps each document's text.
fn texts(texts: &[corpus::Text<'_>]) -> Vec<String> {
    texts.iter().map(|t| t.text.to_string()).collect()
}

/// Loading while the walk goes on gives the files in the walk's order, however the cores took them: many
/// small files in nested directories, some not text, and a few large ones.
#[test]
fn loading_during_the_walk_keeps_the_walks_order() {
    let dir = TempDir::new("streaming");
    for d in 0..6 {
        let sub = dir.path().join(format!("d{d}")).join("inner");
        fs::create_dir_all(&sub).expect("create");
        for f in 0..40 {
            let text = format!("Report {d}-{f}\n\nThe Aral Basin Council said water use fell {f} percent.\n");
            fs::write(sub.join(format!("n{f:02}.md")), text.repeat(1 + (f * 7 + d) % 13)).expect("write");
        }
        fs::write(dir.path().join(format!("d{d}/blob.txt")), [0u8, 1, 2, 3, 0, 0]).expect("write");
        // Larger than a batch's bytes, in some directories.
        if d % 2 == 0 {
            let big = "The Aral Basin Council met again. ".repeat(corpus::BATCH_BYTES as usize / 20);
            fs::write(dir.path().join(format!("d{d}/big.md")), big).expect("write");
        }
    }
    let roots = [dir.path().to_path_buf()];
    let listed = corpus::load_listed(corpus::list(&roots), &|_, _| None, &texts);
    for _ in 0..3 {
        let streamed = corpus::load_with(&roots, &|_, _| None, &texts);
        assert_eq!(streamed.0.len(), 243);
        assert_eq!(streamed.1.len(), 6, "each binary file: {:?}", streamed.1);
        assert_eq!(streamed, listed);
    }
    // The documents are digested a few at a time: at most `BATCH_FILES` files, and no file after the batch's
    // files reach `BATCH_BYTES` (a large file ends its batch, or goes alone).
    let batches = std::sync::Mutex::new(Vec::new());
    let batched = |texts: &[corpus::Text<'_>]| {
        let sizes: Vec<u64> = texts.iter().map(|t| t.text.len() as u64).collect();
        batches.lock().expect("not poisoned").push(sizes);
        texts.iter().map(|t| t.order).collect()
    };
    let (numbers, _) = corpus::load_with(&roots, &|_, _| None, &batched);
    assert_eq!(numbers.len(), 243);
    let batches = batches.into_inner().expect("not poisoned");
    assert!(batches.len() > 243 / corpus::BATCH_FILES, "{batches:?}");
    assert!(batches.iter().any(|b| b.len() > 1), "{batches:?}");
    for sizes in &batches {
        assert!(!sizes.is_empty() && sizes.len() <= corpus::BATCH_FILES, "{sizes:?}");
        let before_last: u64 = sizes[..sizes.len() - 1].iter().sum();
        assert!(before_last < corpus::BATCH_BYTES, "{sizes:?}");
    }
    // The number each document is digested as grows with its place in the result (the build orders the
    // names it adds while reading by it), both while the walk goes on and over a listing.
    let numbered = |texts: &[corpus::Text<'_>]| texts.iter().map(|t| t.order).collect::<Vec<usize>>();
    for (numbers, _) in [
        corpus::load_with(&roots, &|_, _| None, &numbered),
        corpus::load_listed(corpus::list(&roots), &|_, _| None, &numbered),
    ] {
        assert_eq!(numbers.len(), 243);
        assert!(numbers.windows(2).all(|w| w[0].1 < w[1].1), "{:?}", numbers.iter().map(|n| n.1).collect::<Vec<_>>());
    }
}

#[test]
fn single_files_and_duplicate_keys_across_bibliographies() {
    let dir = TempDir::new("single-files");
    let doc = dir.path().join("one.md");
    fs::write(&doc, "One\n").expect("write");
    fs::write(dir.path().join("a.bib"), "@misc{same, title = {First}, file = {one.md}}\n").expect("write");
    fs::write(dir.path().join("b.bib"), "@misc{same, title = {Second}}\n").expect("write");
    fs::write(dir.path().join("notes.pdf"), "%PDF").expect("write");

    // Files passed directly, in an order that is not sorted; a file given twice is loaded once.
    let corpus = corpus::load(&[
        dir.path().join("b.bib"),
        doc.clone(),
        dir.path().join("a.bib"),
        doc.clone(),
        dir.path().join("notes.pdf"),
    ]);
    // b.bib comes first, so its `same` wins; a.bib's `same`, which names one.md, is skipped, and one.md
    // is left without an entry.
    assert_eq!(keys(&corpus), ["one"]);
    assert_eq!(source(&corpus, "one").meta.title, "One");
    let messages: Vec<String> = corpus.warnings.iter().map(Warning::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages.iter().any(
        |m| m.ends_with("notes.pdf: unsupported file type (expected .txt, .md, .markdown, .bib or .json); skipped")
    ));
    assert!(messages.iter().any(|m| m.contains("a.bib: line 1: duplicate key `same`")));
}

/// A deterministic stream of pseudo-random bytes (xorshift64).
fn random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn hostile_files_are_reported_and_the_rest_loads() {
    let dir = TempDir::new("robustness");
    let root = dir.path().join("corpus");
    let write = |name: &str, bytes: &[u8]| {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create a directory");
        }
        fs::write(&path, bytes).expect("write a generated file");
        path
    };

    write("good.md", b"# Good\n\nThis one is fine.\n");
    write("random.txt", &random_bytes(64 * 1024, 0x9E37_79B9_7F4A_7C15));
    write("latin1.txt", b"Caf\xe9 au lait\n");
    write("bom.md", b"\xEF\xBB\xBFWith a BOM\n");
    write("empty.txt", b"");
    fs::create_dir_all(root.join("empty-dir")).expect("create a directory");

    // 50 MB of short lines, written from one 1 MiB block.
    let line = b"Trade between the five republics grew again this year.\n";
    let block: Vec<u8> = line.iter().copied().cycle().take(1 << 20).collect();
    let big = root.join("big/fifty.txt");
    fs::create_dir_all(root.join("big")).expect("create a directory");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(fs::File::create(&big).expect("create"));
        for _ in 0..50 {
            file.write_all(&block).expect("write");
        }
        file.flush().expect("flush");
    }
    let big_len = 50 * block.len();

    // 5 MB on a single line, without a newline.
    let one_line: Vec<u8> = b"word ".iter().copied().cycle().take(5_000_000).collect();
    write("one-line.txt", &one_line);

    // A sparse file over 4 GiB costs no disk; skip that case where the file system cannot make one.
    let huge = root.join("huge.txt");
    let huge_made = fs::File::create(&huge).and_then(|file| file.set_len(corpus::MAX_SOURCE_LEN + 1)).is_ok();
    if !huge_made {
        let _ = fs::remove_file(&huge);
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        fs::create_dir_all(root.join("loop")).expect("create a directory");
        symlink("..", root.join("loop/back")).expect("symlink");
        symlink("self.txt", root.join("self.txt")).expect("symlink");
        symlink("nowhere.txt", root.join("dangling.txt")).expect("symlink");
        // A second way into good.md: the file is still loaded once.
        symlink("good.md", root.join("alias.md")).expect("symlink");
    }

    let missing = dir.path().join("does-not-exist");
    let started = std::time::Instant::now();
    let corpus = corpus::load(&[root.clone(), missing.clone()]);
    let elapsed = started.elapsed();

    let loaded: Vec<String> = corpus
        .sources
        .iter()
        .map(|s| s.meta.path.strip_prefix(&root).unwrap_or(&s.meta.path).display().to_string())
        .collect();
    let mut expected_loaded = vec!["big/fifty.txt", "bom.md", "empty.txt", "good.md", "latin1.txt", "one-line.txt"];
    #[cfg(unix)]
    {
        // The link sorts first, so good.md is reached through it.
        expected_loaded = vec!["alias.md", "big/fifty.txt", "bom.md", "empty.txt", "latin1.txt", "one-line.txt"];
    }
    assert_eq!(loaded, expected_loaded);

    let text_of = |name: &str| {
        corpus
            .sources
            .iter()
            .find(|s| s.meta.path == root.join(name))
            .map(|s| s.text.clone())
            .unwrap_or_else(|| panic!("{name} not loaded"))
    };
    assert_eq!(text_of("big/fifty.txt").len(), big_len);
    assert_eq!(text_of("one-line.txt").len(), one_line.len());
    assert_eq!(&*text_of("latin1.txt"), "Caf\u{FFFD} au lait\n");
    assert_eq!(&*text_of("bom.md"), "With a BOM\n");
    assert_eq!(&*text_of("empty.txt"), "");
    let one_line_title = &corpus
        .sources
        .iter()
        .find(|s| s.meta.path == root.join("one-line.txt"))
        .map(|s| s.meta.title.clone())
        .unwrap_or_default();
    assert!(one_line_title.chars().count() <= 200 && one_line_title.starts_with("word word"));

    let mut expected_warnings = vec![
        (root.join("latin1.txt"), "not UTF-8; decoded with replacement characters".to_string()),
        (root.join("random.txt"), "binary file skipped".to_string()),
        (missing, "no such file or directory".to_string()),
    ];
    if huge_made {
        expected_warnings.push((huge, "larger than 4 GiB; skipped (source offsets are 32-bit)".to_string()));
    }
    #[cfg(unix)]
    {
        expected_warnings.push((root.join("dangling.txt"), "broken symbolic link; skipped".to_string()));
        expected_warnings.push((root.join("loop/back"), "symbolic link loop; not followed".to_string()));
    }
    for (path, message) in &expected_warnings {
        assert!(
            corpus.warnings.iter().any(|w| &w.path == path && &w.message == message),
            "missing warning {}: {message}\nin {:#?}",
            path.display(),
            corpus.warnings
        );
    }
    #[cfg(unix)]
    {
        let self_link = root.join("self.txt");
        assert!(
            corpus.warnings.iter().any(|w| w.path == self_link && w.message.starts_with("symbolic link not followed")),
            "{:#?}",
            corpus.warnings
        );
        expected_warnings.push((self_link, String::new()));
    }
    assert_eq!(corpus.warnings.len(), expected_warnings.len(), "{:#?}", corpus.warnings);
    assert!(elapsed.as_secs() < 5, "loading took {elapsed:?}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_skipped_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    let locked = dir.path().join("locked.txt");
    fs::write(&locked, "secret").expect("write");
    fs::write(dir.path().join("open.txt"), "open").expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable_anyway = fs::File::open(&locked).is_ok(); // true when the tests run as root
    let corpus = corpus::load(&[dir.path().to_path_buf()]);
    if readable_anyway {
        assert_eq!(keys(&corpus), ["locked", "open"]);
    } else {
        assert_eq!(keys(&corpus), ["open"]);
        assert_eq!(corpus.warnings, vec![Warning { path: locked.clone(), message: "permission denied".into() }]);
    }
    let _ = fs::set_permissions(&locked, fs::Permissions::from_mode(0o644));
}

#[test]
fn a_reload_takes_sources_from_the_index_in_use_only_where_the_file_is_as_it_was() {
    use research_lsp::index::{Index, Prior, TextError};
    use std::sync::Arc;
    let dir = TempDir::new("reload-known");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    fs::write(&a, "Alpha text about Kazakhstan.\n").unwrap();
    fs::write(&b, "Beta text.\n").unwrap();
    let roots = [dir.path().to_path_buf()];
    let first = Index::load(&roots, &[]);
    let prior: Vec<Prior> = first.sources.iter().map(|d| Prior::of(d)).collect();
    // Unchanged: both are taken as they were, the very same extraction.
    let again = Index::load(&roots, &prior);
    for (x, y) in again.sources.iter().zip(&first.sources) {
        assert!(Arc::ptr_eq(&x.sentences, &y.sentences), "{:?} reused", x.meta.path);
        assert_eq!(x.hash, y.hash);
    }
    // Other bytes under the same size and modification time: taken as it was, without reading the file; the
    // check of the file finds it.
    let stamp = first.sources[0].meta.stamp.expect("stamped");
    fs::write(&a, "Alpha text about Uzbekistan.\n").unwrap();
    fs::File::options().write(true).open(&a).and_then(|f| f.set_modified(stamp.modified)).unwrap();
    let trusted = Index::load(&roots, &prior);
    assert_eq!(trusted.sources[0].hash, first.sources[0].hash);
    assert_eq!(trusted.sources[0].check_file().err(), Some(TextError::Changed));
    // One file changed in size: read and extracted again, the other still reused.
    fs::write(&b, "Beta text, longer now.\n").unwrap();
    let changed = Index::load(&roots, &prior);
    assert!(Arc::ptr_eq(&changed.sources[0].sentences, &first.sources[0].sentences));
    assert_ne!(changed.sources[1].hash, first.sources[1].hash);
    assert_eq!(changed.sources[1].text().expect("read").text.as_str(), "Beta text, longer now.\n");
}

#[test]
fn an_index_loaded_from_disk_is_the_index_of_the_loaded_corpus() {
    use research_lsp::index::Index;
    let dir = TempDir::new("streamed");
    let seeds = corpus::materialize_seeds(dir.path()).expect("seeds written");
    fs::write(seeds.join("extra.md"), "# An extra note\n\nThe Caspian Pipeline Consortium moved 62 percent.\n")
        .unwrap();
    let roots = [seeds];
    let streamed = Index::load(&roots, &[]);
    let built = Index::build(corpus::load(&roots));
    assert_eq!(streamed.warnings, built.warnings);
    assert_eq!(streamed.sources.len(), built.sources.len());
    for (x, y) in streamed.sources.iter().zip(&built.sources) {
        assert_eq!(x.meta, y.meta);
        assert_eq!((x.len, x.hash, &x.title_line), (y.len, y.hash, &y.title_line));
        assert_eq!((&x.sentences, &x.figures, &x.names), (&y.sentences, &y.figures, &y.names));
        assert_eq!(x.entity_of_name, y.entity_of_name);
        assert_eq!(x.text().expect("read back").text, y.text().expect("held").text);
    }
    let names = |i: &Index| i.entities.iter().map(|e| (e.name.clone(), e.by_source.clone())).collect::<Vec<_>>();
    assert_eq!(names(&streamed), names(&built));
}
