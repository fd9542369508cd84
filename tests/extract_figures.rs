//! Figure extraction on real text: the seed corpus, a corpus of our own in another field that the
//! extractor was never tuned on, and the cross-notation equality that figure checks rely on.

use research_lsp::extract::{figures, sentences, Figure, Sentence};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn seed_paths() -> Vec<std::path::PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
}

fn seed(prefix: &str) -> String {
    let path = seed_paths()
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .unwrap_or_else(|| panic!("no seed {prefix}"));
    read(path.to_str().expect("utf-8 path"))
}

fn fixture(name: &str) -> String {
    read(&format!("{}/tests/fixtures/own-corpus-figures/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// A figure as the tests compare it: text, value, high end, unit label, year.
type Row = (String, f64, Option<f64>, String, Option<i32>);

/// An expected figure, in the same order as [`Row`].
type Want = (&'static str, f64, Option<f64>, &'static str, Option<i32>);

fn rows(text: &str, figures: &[Figure]) -> Vec<Row> {
    figures
        .iter()
        .map(|f| (f.span.slice(text).to_string(), f.value, f.high, f.unit.label().to_string(), f.year))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    research_lsp::extract::close(a, b)
}

fn row_matches(got: &Row, want: &Want) -> bool {
    got.0 == want.0
        && close(got.1, want.1)
        && match (got.2, want.2) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        }
        && got.3 == want.3
        && got.4 == want.4
}

/// Asserts that each figure's sentence is the sentence of `split` that holds it, and that it contains
/// the figure's text.
fn assert_sentences(text: &str, sents: &[Sentence], figures: &[Figure]) {
    for f in figures {
        let holder = sents.iter().find(|s| s.span.contains_span(f.span)).expect("a sentence holds each figure");
        assert_eq!(f.sentence, holder.span, "sentence of {:?}", f.span.slice(text));
        assert!(!holder.chrome);
    }
}

// ---------------------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------------------

/// A seed case: seed file prefix, figure text, value, high, unit label, year, and a phrase of its sentence.
type SeedCase = (&'static str, &'static str, f64, Option<f64>, &'static str, Option<i32>, &'static str);

const SEED_FIGURES: &[SeedCase] = &[
    ("001", "$15 million", 15e6, None, "USD", None, "very small budget of"),
    ("001", "$3.8 billion", 3.8e9, None, "USD", Some(2017), "In April of 2017"),
    ("001", "$12 billion", 12e9, None, "USD", Some(2017), "significant investment projects for"),
    ("001", "50%", 50.0, None, "percent", None, "The school trains"),
    ("001", "600 citizens", 600.0, None, "citizen", None, "citizens of Tajikistan, including officers"),
    ("001", "a thousand specialists", 1000.0, None, "specialist", None, "At the 201st Russian military base"),
    ("001", "24,000 Tajik citizens", 24000.0, None, "citizen", None, "Nuriddin Said"),
    ("002", "15 percent", 15.0, None, "percent", None, "of the population supported Russia"),
    ("002", "€12 billion", 12e9, None, "EUR", None, "the EU unveiled a"),
    ("002", "€10 billion", 10e9, None, "EUR", Some(2024), "pledged earlier in 2024"),
    ("002", "62 percent", 62.0, None, "percent", None, "increase in container transport"),
    ("002", "10 million tons", 10e6, None, "ton", Some(2027), "annually by 2027"),
    ("002", "$12.4 billion", 12.4e9, None, "USD", None, "worth a total of"),
    ("002", "$8 billion", 8e9, None, "USD", None, "Boeing and Uzbekistan Airways"),
    ("002", "35,000 jobs", 35000.0, None, "job", None, "Boeing and Uzbekistan Airways"),
    ("002", "$4.2 billion", 4.2e9, None, "USD", None, "Wabtec"),
    ("002", "$45 billion", 45e9, None, "USD", Some(2024), "surpassed"),
    ("002", "$35.8 billion", 35.8e9, None, "USD", Some(2021), "up from"),
    ("002", "$50 billion", 50e9, None, "USD", None, "Russian-Belarusian trade"),
    ("003", "28 Eurasian countries", 28.0, None, "country", None, "brings together"),
    ("003", "$41-42 billion", 41e9, Some(42e9), "USD", Some(2023), "Between 2021 and 2023"),
    ("004", "80%", 80.0, None, "percent", None, "Kazakhstan uses to export"),
    ("004", "sevenfold", 7.0, None, "times", None, "telescopic sights"),
    ("004", "70%", 70.0, None, "percent", None, "Polls show"),
    ("004", "55%", 55.0, None, "percent", None, "Polls show"),
    ("004", "30%", 30.0, None, "percent", None, "Polls show"),
];

#[test]
fn seeds_give_the_figures_a_reader_would_cite() {
    let mut failures = Vec::new();
    for &(prefix, span, value, high, unit, year, phrase) in SEED_FIGURES {
        let text = seed(prefix);
        let sents = sentences::split(&text);
        let figures = figures::extract(&text, &sents);
        assert_sentences(&text, &sents, &figures);
        let found = figures.iter().find(|f| f.span.slice(&text) == span);
        let Some(f) = found else {
            failures.push(format!("{prefix}: {span:?} not found"));
            continue;
        };
        let got = rows(&text, std::slice::from_ref(f)).remove(0);
        if !row_matches(&got, &(span, value, high, unit, year)) {
            failures.push(format!("{prefix}: want {:?}, got {got:?}", (span, value, high, unit, year)));
        }
        if !f.sentence.slice(&text).contains(phrase) {
            failures.push(format!("{prefix}: sentence of {span:?} lacks {phrase:?}: {:?}", f.sentence.slice(&text)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seeds_give_no_years_dates_ordinals_or_ids() {
    // Strings of the seeds that a careless extractor would take for figures.
    let not_figures: &[(&str, &str)] = &[
        ("000", "2022"),
        ("000", "2030"),
        ("001", "2019"),
        ("001", "201st"),
        ("001", "IT02141980157"),
        ("001", "20121"),
        ("001", "C5+1"),
        ("001", "21 January 2002"),
        ("002", "December 9, 2025"),
        ("002", "October 8–10"),
        ("002", "80th"),
        ("002", "three-day"),
        ("002", "four-year"),
        ("003", "May 16–17"),
        ("003", "Day 1"),
        ("003", "Day 2"),
        ("003", "4th"),
        ("003", "2021 and 2023"),
        ("004", "under 30"),
        ("004", "just 2"),
    ];
    for &(prefix, needle) in not_figures {
        let text = seed(prefix);
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in seed {prefix}"));
        let needle_span = at..at + needle.len();
        for f in figures::extract(&text, &sentences::split(&text)) {
            let r = f.span.range();
            assert!(
                r.end <= needle_span.start || needle_span.end <= r.start,
                "{prefix}: {needle:?} overlaps figure {:?}",
                f.span.slice(&text)
            );
        }
    }
}

#[test]
fn seed_without_figures_gives_none() {
    // The first seed cites years and no quantities at all.
    let text = seed("000");
    assert_eq!(rows(&text, &figures::extract(&text, &sentences::split(&text))), Vec::<Row>::new());
}

// ---------------------------------------------------------------------------------------------------
// A corpus of our own: a shipping company's annual report and a river basin agency's water budget.
// ---------------------------------------------------------------------------------------------------

fn assert_exact(name: &str, want: &[Want]) {
    let text = fixture(name);
    let sents = sentences::split(&text);
    let figures = figures::extract(&text, &sents);
    assert_sentences(&text, &sents, &figures);
    let got = rows(&text, &figures);
    let ok = got.len() == want.len() && got.iter().zip(want).all(|(g, w)| row_matches(g, w));
    assert!(ok, "{name}\nwant {want:#?}\ngot  {got:#?}");
}

#[test]
fn own_corpus_annual_report() {
    assert_exact(
        "northwind-annual-report.txt",
        &[
            ("£412.5 million", 412.5e6, None, "GBP", Some(2024)),
            ("£388 million", 388e6, None, "GBP", Some(2023)),
            ("14.2 per cent", 14.2, None, "percent", None),
            ("37 vessels", 37.0, None, "vessel", Some(2024)),
            ("8-10 per cent", 8.0, Some(10.0), "percent", None),
            ("2,340 seafarers", 2340.0, None, "seafarer", None),
            ("415 shore staff", 415.0, None, "staff", None),
            ("six ports", 6.0, None, "port", None),
            ("threefold", 3.0, None, "times", None),
            ("€120–150 million", 120e6, Some(150e6), "EUR", Some(2025)),
            ("two dual-fuel ferries", 2.0, None, "ferry", Some(2025)),
            ("£45m", 45e6, None, "GBP", Some(2025)),
            ("12 percent", 12.0, None, "percent", Some(2019)),
            ("3 times", 3.0, None, "times", Some(2030)),
        ],
    );
}

#[test]
fn own_corpus_water_budget() {
    assert_exact(
        "vell-basin-water-budget.txt",
        &[
            ("1.8 billion cubic metres", 1.8e9, None, "cubic metre", Some(2023)),
            ("62 per cent", 62.0, None, "percent", None),
            ("21%", 21.0, None, "percent", None),
            ("240–310 million cubic metres", 240e6, Some(310e6), "cubic metre", None),
            ("12 monitoring stations", 12.0, None, "station", None),
            ("three reservoirs", 3.0, None, "reservoir", None),
            ("€38.6 million", 38.6e6, None, "EUR", None),
            ("£2.1m", 2.1e6, None, "GBP", None),
            ("EUR 4 million", 4e6, None, "EUR", None),
            ("2.5 times", 2.5, None, "times", None),
            ("fourfold", 4.0, None, "times", Some(2010)),
            ("45 percent", 45.0, None, "percent", None),
        ],
    );
}

// ---------------------------------------------------------------------------------------------------
// Cross-notation equality
// ---------------------------------------------------------------------------------------------------

/// The one figure of a short text. No sentences are passed: a lone fragment such as `CNY 500` may look
/// like page chrome to the sentence splitter, and these tests are about notation alone.
fn only_figure(text: &str) -> Figure {
    let mut all = figures::extract(text, &[]);
    assert_eq!(all.len(), 1, "{text:?} gives {:?}", rows(text, &all));
    all.remove(0)
}

#[test]
fn same_quantity_across_notations() {
    let same: &[(&str, &str)] = &[
        ("$45 billion", "US$45bn"),
        ("$45 billion", "45 billion dollars"),
        ("$45 billion", "45 billion US dollars"),
        ("$45 billion", "USD 45 billion"),
        ("$45 billion", "45,000 million dollars"),
        ("$45 billion", "$45,000,000,000"),
        ("$3.8 billion", "$3,800 million"),
        ("0.1 billion dollars", "$100 million"),
        ("€12 billion", "12 billion euros"),
        ("€12 billion", "EUR 12bn"),
        ("£3m", "3 million pounds sterling"),
        ("£3m", "GBP 3 million"),
        ("1.2 trillion rubles", "RUB 1,200 billion"),
        ("15%", "15 percent"),
        ("15%", "15 per cent"),
        ("15 pct", "15 %"),
        ("12.5 per cent", "12.50%"),
        ("sevenfold", "7-fold"),
        ("sevenfold", "7x"),
        ("seven-fold", "7×"),
        ("three times more", "threefold"),
        ("doubled", "twofold"),
        ("$41-42 billion", "$41–42 billion"),
        ("$41-42 billion", "US$41-42bn"),
        ("$41-42 billion", "$41 billion-$42 billion"),
        ("10-15%", "10 to 15 percent"),
        ("between 10 and 15 per cent", "10%–15%"),
        ("35,000 jobs", "35000 jobs"),
        ("35,000 jobs", "35 thousand jobs"),
        ("24,000 Tajik citizens", "24,000 citizens"),
        ("five countries", "5 countries"),
        ("a thousand specialists", "1,000 specialists"),
        ("1.5 million migrants", "1,500,000 migrants"),
    ];
    for &(a, b) in same {
        let (fa, fb) = (only_figure(a), only_figure(b));
        assert!(fa.same_quantity(&fb), "{a:?} and {b:?} should be the same quantity: {fa:?} {fb:?}");
        assert_eq!(figures::format_value(&fa), figures::format_value(&fb), "{a:?} and {b:?} format alike");
    }
}

#[test]
fn different_quantities_stay_apart() {
    let different: &[(&str, &str)] = &[
        ("$45 billion", "€45 billion"),
        ("$45 billion", "$45 million"),
        ("$45 billion", "C$45 billion"),
        ("$41-42 billion", "$41 billion"),
        ("$41-42 billion", "$41-43 billion"),
        ("15%", "15 jobs"),
        ("15%", "15 percentage points"),
        ("15%", "1.5%"),
        ("35,000 jobs", "35,000 workers"),
        ("sevenfold", "7%"),
        ("5 pounds", "£5"),
        ("¥500", "CNY 500"),
        ("10-15%", "10%"),
    ];
    for &(a, b) in different {
        let (fa, fb) = (only_figure(a), only_figure(b));
        assert!(!fa.same_quantity(&fb), "{a:?} and {b:?} should differ: {fa:?} {fb:?}");
    }
}

// ---------------------------------------------------------------------------------------------------
// For a reader and for measuring
// ---------------------------------------------------------------------------------------------------

#[test]
#[ignore = "prints the figures of the seeds for a reader to inspect"]
fn print_seed_figures() {
    for path in seed_paths() {
        let text = read(path.to_str().expect("utf-8 path"));
        println!("== {}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        for f in figures::extract(&text, &sentences::split(&text)) {
            println!(
                "{:<32} value={:<10e} high={:<10} unit={:<10} year={:<6} | {}",
                format!("{:?}", f.span.slice(&text)),
                f.value,
                f.high.map_or("-".to_string(), |h| format!("{h:e}")),
                f.unit.label(),
                f.year.map_or("-".to_string(), |y| y.to_string()),
                figures::format_value(&f),
            );
        }
    }
}

#[test]
#[ignore = "a throughput measurement; run once with --release"]
fn throughput_on_seeds_times_200() {
    let one: String = seed_paths().iter().map(|p| read(p.to_str().expect("utf-8 path")) + "\n\n").collect();
    let text = one.repeat(200);
    let sents = sentences::split(&text);
    let started = std::time::Instant::now();
    let mut count = 0;
    for _ in 0..3 {
        count = figures::extract(&text, &sents).len();
    }
    let secs = started.elapsed().as_secs_f64() / 3.0;
    println!(
        "{} MB, {count} figures, {:.1} ms, {:.0} MB/s",
        text.len() / 1_000_000,
        secs * 1e3,
        text.len() as f64 / 1e6 / secs
    );
    assert!(count > 0);
}
