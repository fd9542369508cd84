//! Analysis-level tests: a note with a cursor marker (`$0`) against an index of a corpus, and a snapshot of
//! the answer. The corpus is tests/fixtures/lsp-corpus (a glaciology report, a battery plant, field notes),
//! which no extractor was written against, plus a few checks on the seeds.

use std::path::PathBuf;
use std::sync::OnceLock;

use expect_test::{expect, Expect};
use research_lsp::analysis::{completion, hover, locations, unescape_excerpt, Linker};
use research_lsp::corpus;
use research_lsp::index::{Index, SourceDoc};
use research_lsp::note::Note;
use research_lsp::text::{Encoding, Span};

fn own() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp-corpus");
        let corpus = corpus::load(&[dir]);
        assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
        Index::build(corpus)
    })
}

fn seeds() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(corpus::seeds()))
}

/// Links as `key:line` so snapshots are readable and stable.
struct KeyLine;
impl Linker for KeyLine {
    fn link(&self, source: &SourceDoc, span: Span) -> Option<String> {
        let held = source.text().unwrap();
        let lc = held.lines.line_col(&held.text, span.start as usize, Encoding::Utf16);
        Some(format!("{}:{}", source.meta.key, lc.line + 1))
    }
}

/// Splits a fixture at its `$0` marker.
fn cursor(fixture: &str) -> (String, usize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), at)
}

fn hover_md(index: &Index, fixture: &str) -> Option<String> {
    let (text, offset) = cursor(fixture);
    let note = Note::parse(&text, index);
    hover::hover(index, &text, &note, offset, &KeyLine).map(|h| h.markdown)
}

fn check_hover(index: &Index, fixture: &str, expect: Expect) {
    let md = hover_md(index, fixture).unwrap_or_else(|| "(no hover)".to_string());
    assert_excerpts_verbatim(index, &md);
    expect.assert_eq(&md);
}

/// Every blockquote line of a hover is a verbatim piece of some source.
fn assert_excerpts_verbatim(index: &Index, md: &str) {
    for line in md.lines().filter_map(|l| l.strip_prefix("> ")) {
        let quote = line.rsplit_once(" [↗](").map_or(line, |(q, _)| q);
        let plain = unescape_excerpt(quote);
        let found = index
            .sources
            .iter()
            .any(|s| s.text().unwrap().text.replace("\r\n", " ").replace('\n', " ").contains(&plain));
        assert!(found, "excerpt is not verbatim: {plain:?}");
    }
}

fn check_completion(index: &Index, fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let note = Note::parse(&text, index);
    let list = completion::complete(index, &text, &note, offset);
    let mut out: String = list
        .items
        .iter()
        .take(8)
        .map(|i| format!("{} | {} | {:?} -> {}\n", i.label, i.detail, i.replace.slice(&text), i.insert))
        .collect();
    if list.incomplete {
        out.push_str("(incomplete)\n");
    }
    expect.assert_eq(&out);
}

fn definition_texts(index: &Index, fixture: &str) -> Vec<(String, String)> {
    let (text, offset) = cursor(fixture);
    let note = Note::parse(&text, index);
    locations::definition(index, &note, offset)
        .into_iter()
        .map(|l| {
            let doc = index.source(l.source);
            (doc.meta.key.clone(), l.span.slice(&doc.text().unwrap().text).to_string())
        })
        .collect()
}

#[test]
fn hover_entity_by_acronym() {
    check_hover(
        own(),
        "The N$0PI says so.",
        expect![[r#"
        **Norwegian Polar Institute** · organization  
        also: NPI

        5 mentions in 3 sources

        ---

        **[@lunde2021]** Astrid Lunde, *Meltwater Runoff in the Svalbard Archipelago* (Polar Notes, 2021-06-14) · 3 mentions

        > The **Norwegian Polar Institute** (**NPI**) reported that glacier runoff in the Svalbard Archipelago rose by 12 percent in 2021. [↗](lunde2021:3)

        > The **NPI** has asked the Research Council of Norway for €4.5 million to extend the programme. [↗](lunde2021:5)

        ---

        **[@tromso]** *Field notes from Tromsø* · 1 mention

        > The **Norwegian Polar Institute** opened a station near Tromsø in 2019. [↗](tromso:3)

        ---

        **[@voltaris2024]** Baltic Industry Review, *Voltaris Opens Gdansk Plant* (Baltic Industry Review, 2024-03-02) · 1 mention

        > Kowalczyk added that the **Norwegian Polar Institute** had tested its batteries in the Arctic. [↗](voltaris2024:5)"#]],
    );
}

#[test]
fn hover_person_by_surname() {
    check_hover(
        own(),
        "As Lun$0de argued.",
        expect![[r#"
        **Astrid Lunde** · person  
        also: Lunde

        2 mentions in 1 source

        ---

        **[@lunde2021]** Astrid Lunde, *Meltwater Runoff in the Svalbard Archipelago* (Polar Notes, 2021-06-14) · 2 mentions

        > Dr. **Astrid Lunde**, who leads the monitoring programme, said the Kongsfjorden station logged 3,400 measurements that summer. [↗](lunde2021:3)

        > **Lunde** warned that the Svalbard Archipelago could lose a fifth of its ice by 2050. [↗](lunde2021:5)"#]],
    );
}

#[test]
fn hover_figure_in_another_notation() {
    // The sources write "12 percent"; the note writes "12%".
    check_hover(
        own(),
        "Runoff rose 1$02% in 2021.",
        expect![[r#"
        **12%** · 12 percent

        cited by 2 sources

        ---

        **[@tromso]** *Field notes from Tromsø*

        > Glacier runoff rose by **12 percent** in 2021, the institute said. [↗](tromso:3)

        ---

        **[@lunde2021]** Astrid Lunde, *Meltwater Runoff in the Svalbard Archipelago* (Polar Notes, 2021-06-14)

        > The Norwegian Polar Institute (NPI) reported that glacier runoff in the Svalbard Archipelago rose by **12 percent** in 2021. [↗](lunde2021:3)"#]],
    );
}

#[test]
fn hover_money_figure() {
    check_hover(
        own(),
        "It cost €2.4 bil$0lion.",
        expect![[r#"
        **€2.4 billion** · 2,400,000,000 EUR

        cited by 1 source

        ---

        **[@voltaris2024]** Baltic Industry Review, *Voltaris Opens Gdansk Plant* (Baltic Industry Review, 2024-03-02)

        > The plant cost **€2.4 billion**, and its output should grow sevenfold by 2030. [↗](voltaris2024:3)"#]],
    );
}

#[test]
fn hover_citation() {
    check_hover(
        own(),
        "See [@lund$0e2021, p. 2].",
        expect![[r#"
        **@lunde2021**

        Astrid Lunde (2021-06-14). *Meltwater Runoff in the Svalbard Archipelago*. Polar Notes.

        5 entities · 3 figures · 468 bytes

        [Open source](lunde2021:1)"#]],
    );
}

#[test]
fn hover_unknown_citation() {
    check_hover(
        own(),
        "See [@nob$0ody1999].",
        expect!["Unknown citation key `@nobody1999`: no source in the corpus has it."],
    );
}

#[test]
fn hover_source_without_bibliography_entry() {
    // field/tromso.txt has no entry: a derived key and its first line as title.
    let index = own();
    let doc = index.sources.iter().find(|s| s.meta.path.ends_with("tromso.txt")).expect("tromso.txt indexed");
    assert_eq!(doc.meta.title, "Field notes from Tromsø");
    let md = hover_md(index, &format!("[@{}$0]", doc.meta.key)).unwrap();
    assert!(md.contains("Field notes from Tromsø"), "{md}");
}

#[test]
fn no_hover_on_a_plain_word_or_in_code() {
    assert_eq!(hover_md(own(), "The glac$0ier melts."), None);
    assert_eq!(hover_md(own(), "`The N$0PI`"), None);
    assert_eq!(hover_md(own(), "```\nNorwegian Polar Inst$0itute\n```\n"), None);
}

#[test]
fn definition_of_an_entity_is_every_mention_best_source_first() {
    let got = definition_texts(own(), "The Norwegian Polar Ins$0titute.");
    assert!(got.len() >= 4, "{got:?}");
    assert_eq!(got[0].0, "lunde2021", "the source with most mentions comes first: {got:?}");
    for (_, text) in &got {
        assert!(["Norwegian Polar Institute", "NPI"].contains(&text.as_str()), "{got:?}");
    }
}

#[test]
fn definition_of_a_figure_is_its_place_in_each_source() {
    let got = definition_texts(own(), "rose 12 per$0cent");
    let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(keys.contains(&"lunde2021"));
    assert!(got.iter().all(|(_, t)| t == "12 percent"));
}

#[test]
fn definition_of_a_citation_is_the_top_of_its_source() {
    let got = definition_texts(own(), "[@voltaris$02024]");
    assert_eq!(got, vec![("voltaris2024".to_string(), String::new())]);
}

#[test]
fn complete_citation_keys() {
    check_completion(
        own(),
        "See [@$0",
        expect![[r#"
        lunde2021 | Astrid Lunde 2021 · Meltwater Runoff in the Svalbard Archipelago | "" -> lunde2021
        tromso | n.d. · Field notes from Tromsø | "" -> tromso
        voltaris2024 | Baltic Industry Review 2024 · Voltaris Opens Gdansk Plant | "" -> voltaris2024
    "#]],
    );
    check_completion(
        own(),
        "See [@vol$0",
        expect![[r#"
        voltaris2024 | Baltic Industry Review 2024 · Voltaris Opens Gdansk Plant | "vol" -> voltaris2024
    "#]],
    );
}

#[test]
fn complete_figures() {
    check_completion(
        own(),
        "It cost €$0",
        expect![[r#"
        €4.5 million | [@lunde2021] The NPI has asked the Research Council of Norway for €4.5 million to extend the programme. | "€" -> €4.5 million [@lunde2021]
        €2.4 billion | [@voltaris2024] The plant cost €2.4 billion, and its output should grow sevenfold by 2030. | "€" -> €2.4 billion [@voltaris2024]
    "#]],
    );
    check_completion(
        own(),
        "About 1,2$0",
        expect![[r#"
        1,200 jobs | [@voltaris2024] …its new plant in Gdansk will create 1,200 jobs. | "1,2" -> 1,200 jobs [@voltaris2024]
    "#]],
    );
}

#[test]
fn complete_entities() {
    check_completion(
        own(),
        "The Norw$0",
        expect![[r#"
        Norwegian Polar Institute | organization · 3 sources | "Norw" -> Norwegian Polar Institute
        Research Council of Norway | organization · 1 source | "Norw" -> Research Council of Norway
    "#]],
    );
    check_completion(
        own(),
        "Voltaris En$0",
        expect![[r#"
            Voltaris Energy Storage | organization · 1 source | "Voltaris En" -> Voltaris Energy Storage
        "#]],
    );
    check_completion(
        own(),
        "Kow$0",
        expect![[r#"
        Marta Kowalczyk | person · 1 source | "Kow" -> Kowalczyk
    "#]],
    );
}

#[test]
fn completion_does_not_flood_ordinary_typing() {
    check_completion(own(), "th$0", expect![[""]]);
    check_completion(own(), "`Norw$0`", expect![[""]]);
    check_completion(own(), "mail me at a@$0", expect![[""]]);
}

#[test]
fn seeds_hover_on_an_acronym_shows_the_expansion() {
    let md = hover_md(seeds(), "The EA$0EU grows.").expect("hover");
    assert!(md.starts_with("**Eurasian Economic Union**"), "{md}");
    assert!(md.contains("EAEU"), "{md}");
    assert_excerpts_verbatim(seeds(), &md);
}

#[test]
fn seeds_hover_on_a_surname_finds_the_person() {
    let md = hover_md(seeds(), "Pu$0tin visited.").expect("hover");
    assert!(md.starts_with("**Vladimir Putin**"), "{md}");
    assert!(md.contains("person"), "{md}");
}

#[test]
fn incremental_build_reuses_unchanged_sources_and_equals_a_full_build() {
    let corpus = corpus::seeds();
    let previous = Index::build(corpus.clone());
    let mut changed = corpus.clone();
    let appended = format!("{}\nThe Zanzibar Ferry Authority met Kazakhstan's envoy.\n", changed.sources[2].text);
    changed.sources[2].text = appended.into();
    let incremental = Index::build_reusing(changed.clone(), Some(&previous));
    let full = Index::build(changed);
    let summary = |index: &Index| -> Vec<(String, Vec<String>, u32)> {
        index.entities.iter().map(|e| (e.name.clone(), e.aliases.clone(), e.total)).collect()
    };
    assert_eq!(summary(&incremental), summary(&full));
    assert!(incremental.entities.iter().any(|e| e.name == "Zanzibar Ferry Authority"));
    for (i, (new, old)) in incremental.sources.iter().zip(&previous.sources).enumerate() {
        let shared = std::sync::Arc::ptr_eq(&new.names, &old.names);
        assert_eq!(shared, i != 2, "source {i}: reused only when unchanged");
    }
}
