//! Table tests for the figure extractor: one line per case, each with a unique name.

use super::*;
use crate::extract::sentences;

/// What a case expects of one figure: its text, value, high end, unit label and year.
type Want = (&'static str, f64, Option<f64>, &'static str, Option<i32>);

/// What a figure gave, in the same order as [`Want`].
type Got = (String, f64, Option<f64>, String, Option<i32>);

fn run(text: &str) -> Vec<Got> {
    extract(text, &sentences::split(text))
        .into_iter()
        .map(|f| (f.span.slice(text).to_string(), f.value, f.high, f.unit.label().to_string(), f.year))
        .collect()
}

fn check(cases: &[(&str, &str, &[Want])]) {
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for &(name, input, want) in cases {
        assert!(names.insert(name), "duplicate case name {name}");
        let got = run(input);
        let same = got.len() == want.len()
            && got.iter().zip(want).all(|(g, w)| {
                g.0 == w.0
                    && crate::extract::close(g.1, w.1)
                    && g.2.is_some() == w.2.is_some()
                    && g.2.zip(w.2).is_none_or(|(a, b)| crate::extract::close(a, b))
                    && g.3 == w.3
                    && g.4 == w.4
            });
        if !same {
            failures.push(format!("{name}: input {input:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failing case(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
#[rustfmt::skip]
fn money_table() {
    check(&[
        ("dollar_billion", "They signed contracts for $3.8 billion.", &[("$3.8 billion", 3.8e9, None, "USD", None)]),
        ("euro_billion", "The EU unveiled a €12 billion package.", &[("€12 billion", 12e9, None, "EUR", None)]),
        ("us_dollar_bn", "Trade reached US$45bn last year.", &[("US$45bn", 45e9, None, "USD", None)]),
        ("dollars_noun", "Trade reached 45 billion dollars.", &[("45 billion dollars", 45e9, None, "USD", None)]),
        ("us_dollars_noun", "Trade reached 45 billion US dollars.", &[("45 billion US dollars", 45e9, None, "USD", None)]),
        ("usd_code_before", "A loan of USD 2.5 billion was agreed.", &[("USD 2.5 billion", 2.5e9, None, "USD", None)]),
        ("usd_code_after", "A loan of 2.5 billion USD was agreed.", &[("2.5 billion USD", 2.5e9, None, "USD", None)]),
        ("eur_code_attached", "It raised EUR12bn in bonds.", &[("EUR12bn", 12e9, None, "EUR", None)]),
        ("million_dollar", "A budget of $500 million.", &[("$500 million", 5e8, None, "USD", None)]),
        ("rubles", "Spending of 1.2 trillion rubles is planned.", &[("1.2 trillion rubles", 1.2e12, None, "RUB", None)]),
        ("roubles", "It cost 300 million roubles.", &[("300 million roubles", 3e8, None, "RUB", None)]),
        ("pound_m", "The club paid £3m for him.", &[("£3m", 3e6, None, "GBP", None)]),
        ("yen_symbol", "Sales of ¥500 billion.", &[("¥500 billion", 5e11, None, "JPY", None)]),
        ("euros_noun", "It got 2 billion euros.", &[("2 billion euros", 2e9, None, "EUR", None)]),
        ("pounds_sterling", "It got 5 million pounds sterling.", &[("5 million pounds sterling", 5e6, None, "GBP", None)]),
        ("bare_pounds_weight", "The parcel weighs 5 pounds.", &[("5 pounds", 5.0, None, "pound", None)]),
        ("dollar_grouped", "It costs $15,000 a year.", &[("$15,000", 15000.0, None, "USD", None)]),
        ("dollar_k", "A salary of $500k.", &[("$500k", 5e5, None, "USD", None)]),
        ("dollar_hyphen_billion", "A $5-billion deal.", &[("$5-billion", 5e9, None, "USD", None)]),
        ("dollar_space", "A fund of $ 10 million.", &[("$ 10 million", 1e7, None, "USD", None)]),
        ("canadian_dollars", "It raised 3 million Canadian dollars.", &[("3 million Canadian dollars", 3e6, None, "CAD", None)]),
        ("canadian_prefix", "It raised C$3m.", &[("C$3m", 3e6, None, "CAD", None)]),
        ("euro_suffix_symbol", "Tickets cost 45 € each.", &[("45 €", 45.0, None, "EUR", None)]),
        ("rub_code_before", "A budget of RUB 1.2 trillion.", &[("RUB 1.2 trillion", 1.2e12, None, "RUB", None)]),
        ("yuan_noun", "It lent 10 billion yuan.", &[("10 billion yuan", 1e10, None, "CNY", None)]),
        ("words_million_dollars", "It lent five million dollars.", &[("five million dollars", 5e6, None, "USD", None)]),
        ("dollar_mn_space", "It raised $3.8 mn.", &[("$3.8 mn", 3.8e6, None, "USD", None)]),
        ("money_year_first", "In 2019 the fund lent $3 billion and €1 billion.", &[("$3 billion", 3e9, None, "USD", Some(2019)), ("€1 billion", 1e9, None, "EUR", Some(2019))]),
        ("money_two_years", "Trade surpassed $45 billion in 2024—up from $35.8 billion in 2021.", &[("$45 billion", 45e9, None, "USD", Some(2024)), ("$35.8 billion", 35.8e9, None, "USD", Some(2021))]),
        ("money_year_after_other_figure", "It unveiled €12 billion, building on the €10 billion pledged in 2024.", &[("€12 billion", 12e9, None, "EUR", None), ("€10 billion", 10e9, None, "EUR", Some(2024))]),
    ]);
}

#[test]
#[rustfmt::skip]
fn percent_table() {
    check(&[
        ("percent_word", "Only 62 percent agreed.", &[("62 percent", 62.0, None, "percent", None)]),
        ("percent_sign", "It exports 80% of its oil.", &[("80%", 80.0, None, "percent", None)]),
        ("per_cent_decimal", "Growth was 12.5 per cent in 2023.", &[("12.5 per cent", 12.5, None, "percent", Some(2023))]),
        ("percent_spaced_sign", "Growth was 12 % last year.", &[("12 %", 12.0, None, "percent", None)]),
        ("percent_hyphen", "A 62-percent increase.", &[("62-percent", 62.0, None, "percent", None)]),
        ("percent_words", "Only five percent agreed.", &[("five percent", 5.0, None, "percent", None)]),
        ("percent_one", "Only one per cent agreed.", &[("one per cent", 1.0, None, "percent", None)]),
        ("percent_negative", "Output changed by -2.5% in 2020.", &[("-2.5%", -2.5, None, "percent", Some(2020))]),
        ("percent_tilde_approx", "Growth of ~45% was seen.", &[("45%", 45.0, None, "percent", None)]),
        ("percent_markdown_bold", "Growth of **45%** was seen.", &[("45%", 45.0, None, "percent", None)]),
        ("percent_latex", "A share of 15\\% only.", &[("15\\%", 15.0, None, "percent", None)]),
        ("percent_list", "Most (70% in A, 55% in B) agree.", &[("70%", 70.0, None, "percent", None), ("55%", 55.0, None, "percent", None)]),
        ("percentage_points", "It rose 5 percentage points.", &[("5 percentage points", 5.0, None, "percentage point", None)]),
        ("basis_points", "Rates rose 50 basis points.", &[("50 basis points", 50.0, None, "basis point", None)]),
        ("percentage_is_not_percent", "The 5 percentage.", &[]),
    ]);
}

#[test]
#[rustfmt::skip]
fn range_table() {
    check(&[
        ("range_hyphen_money", "Trade was $41-42 billion annually.", &[("$41-42 billion", 41e9, Some(42e9), "USD", None)]),
        ("range_en_dash_money", "Trade was $41–42 billion.", &[("$41–42 billion", 41e9, Some(42e9), "USD", None)]),
        ("range_percent", "Costs fell 10-15% in 2022.", &[("10-15%", 10.0, Some(15.0), "percent", Some(2022))]),
        ("range_percent_both_signs", "Costs fell 10%–15%.", &[("10%–15%", 10.0, Some(15.0), "percent", None)]),
        ("range_between", "Between 30 and 40 percent agreed.", &[("30 and 40 percent", 30.0, Some(40.0), "percent", None)]),
        ("range_to", "Some 10 to 15 percent agreed.", &[("10 to 15 percent", 10.0, Some(15.0), "percent", None)]),
        ("from_to_is_change", "It rose from 30 to 40 percent.", &[("40 percent", 40.0, None, "percent", None)]),
        ("percent_to_percent_is_change", "Inflation rose 2.5% to 3%.", &[("2.5%", 2.5, None, "percent", None), ("3%", 3.0, None, "percent", None)]),
        ("by_to_is_change", "It grew by $5 billion to $45 billion.", &[("$5 billion", 5e9, None, "USD", None), ("$45 billion", 45e9, None, "USD", None)]),
        ("between_percents_is_range", "Between 2.5% and 3% agreed.", &[("2.5% and 3%", 2.5, Some(3.0), "percent", None)]),
        ("range_repeated_prefix", "Worth $41-$42 billion.", &[("$41-$42 billion", 41e9, Some(42e9), "USD", None)]),
        ("range_own_scales", "Worth $500 million-1 billion.", &[("$500 million-1 billion", 5e8, Some(1e9), "USD", None)]),
        ("range_count", "It employs 2-3 million workers.", &[("2-3 million workers", 2e6, Some(3e6), "worker", None)]),
        ("range_spaced_en_dash", "Worth €1 – 2 billion.", &[("€1 – 2 billion", 1e9, Some(2e9), "EUR", None)]),
        ("range_year_nearest_last", "Between 2021 and 2023, trade was about $41-42 billion annually.", &[("$41-42 billion", 41e9, Some(42e9), "USD", Some(2023))]),
        ("range_descending_is_not", "Scores of 15-10% were seen.", &[]),
        ("range_multiplier", "Prices are 2-3 times higher.", &[("2-3 times", 2.0, Some(3.0), "times", None)]),
    ]);
}

#[test]
#[rustfmt::skip]
fn count_table() {
    check(&[
        ("count_jobs", "It would create more than 35,000 jobs in the United States.", &[("35,000 jobs", 35000.0, None, "job", None)]),
        ("count_citizens", "Currently, more than 600 citizens of Tajikistan are enrolled.", &[("600 citizens", 600.0, None, "citizen", None)]),
        ("count_adjective", "About 24,000 Tajik citizens are educated there.", &[("24,000 Tajik citizens", 24000.0, None, "citizen", None)]),
        ("count_a_thousand", "More than a thousand specialists a year are trained.", &[("a thousand specialists", 1000.0, None, "specialist", None)]),
        ("count_million", "Some 1.5 million migrants arrived in 2022.", &[("1.5 million migrants", 1.5e6, None, "migrant", Some(2022))]),
        ("count_word", "Leaders of the five Central Asian countries met.", &[("five Central Asian countries", 5.0, None, "country", None)]),
        ("count_word_sentence_start", "Two countries signed.", &[("Two countries", 2.0, None, "country", None)]),
        ("count_compound_word", "It has twenty-four branches.", &[("twenty-four branches", 24.0, None, "branch", None)]),
        ("count_people", "It moved 3,000 people.", &[("3,000 people", 3000.0, None, "person", None)]),
        ("count_men_suffix", "A park of 28 guardsmen.", &[("28 guardsmen", 28.0, None, "guardsman", None)]),
        ("count_tons", "Capacity of 10 million tons annually by 2027.", &[("10 million tons", 1e7, None, "ton", Some(2027))]),
        ("count_wrapped_line", "It will create 35,000\njobs.", &[("35,000\njobs", 35000.0, None, "job", None)]),
        ("count_nbsp_groups", "It has 35\u{a0}000 employees.", &[("35\u{a0}000 employees", 35000.0, None, "employee", None)]),
        ("count_possessive_lead", "Russia’s 600 soldiers left.", &[("600 soldiers", 600.0, None, "soldier", None)]),
        ("count_dozen", "It sent two dozen observers.", &[("two dozen observers", 24.0, None, "observer", None)]),
        ("count_k", "It hired 15k workers.", &[("15k workers", 15000.0, None, "worker", None)]),
        ("one_of_the", "One of the countries left.", &[]),
        ("one_year_ago", "Just one year ago it was solid.", &[]),
        ("number_of_the", "Five of the countries left.", &[]),
        ("hyphen_adjective_words", "The three-day summit ended.", &[]),
        ("hyphen_adjective_digits", "A 10-year plan was adopted.", &[]),
        ("one_size_fits_all", "A one-size-fits-all policy.", &[]),
        ("hundreds_vague", "Hundreds of offices and several dozen countries.", &[]),
        ("bare_number", "Half of them are under 30.", &[]),
        ("singular_noun", "It was 1 job.", &[]),
        ("year_then_plural", "In 2022 prices rose.", &[]),
        ("year_then_name", "Since 2022 Central Asia has grown.", &[]),
    ]);
}

#[test]
#[rustfmt::skip]
fn multiplier_table() {
    check(&[
        ("sevenfold", "Deliveries have increased sevenfold.", &[("sevenfold", 7.0, None, "times", None)]),
        ("tenfold", "A tenfold rise.", &[("tenfold", 10.0, None, "times", None)]),
        ("digit_fold", "A 3-fold rise.", &[("3-fold", 3.0, None, "times", None)]),
        ("word_hyphen_fold", "A seven-fold rise.", &[("seven-fold", 7.0, None, "times", None)]),
        ("times_comparative", "It is three times more expensive.", &[("three times", 3.0, None, "times", None)]),
        ("times_after_verb", "Exports grew 5 times in 2021.", &[("5 times", 5.0, None, "times", Some(2021))]),
        ("times_frequency", "He visited three times.", &[]),
        ("x_attached", "Demand rose 3x last year.", &[("3x", 3.0, None, "times", None)]),
        ("times_sign", "Demand rose 7× last year.", &[("7×", 7.0, None, "times", None)]),
        ("dimension_not_multiplier", "A 3x4 grid.", &[]),
        ("doubled", "Trade more than doubled.", &[("doubled", 2.0, None, "times", None)]),
        ("tripled", "Exports tripled in 2023.", &[("tripled", 3.0, None, "times", Some(2023))]),
    ]);
}

#[test]
#[rustfmt::skip]
fn non_figure_table() {
    check(&[
        ("year_alone", "It happened in 2022.", &[]),
        ("year_range", "The challenges of 2022–2024 were met.", &[]),
        ("date_us", "Published December 9, 2025 by the author.", &[]),
        ("date_day_range", "It was held in Tomsk on May 16–17.", &[]),
        ("date_day_month", "Dated 21 January 2002, the agreement stands.", &[]),
        ("date_iso", "Updated 2023-05-01 at noon.", &[]),
        ("date_slashes", "Updated 12/05/2023 at noon.", &[]),
        ("slashed_id_is_not_year", "Directive 2000/60/EC set it at 45 percent.", &[("45 percent", 45.0, None, "percent", None)]),
        ("ordinal_st", "At the 201st Russian military base.", &[]),
        ("ordinal_th", "For the 4th Central Asian conference.", &[]),
        ("decade", "Since the 1990s prices rose.", &[]),
        ("time_of_day", "It starts at 10:30 sharp.", &[]),
        ("phone", "Call +7 495 123-45-67 for details.", &[]),
        ("vat_id", "P.IVA IT02141980157", &[]),
        ("postal_code", "Via Clerici 5 - 20121 Milan", &[]),
        ("day_label", "Third Conference. Day 2", &[]),
        ("day_label_count", "On Day 2 delegates arrived.", &[]),
        ("figure_label", "Figure 3 shows the trend.", &[]),
        ("page_label", "See p. 12 items in the list.", &[]),
        ("model_name", "It ordered Boeing 737 jets.", &[]),
        ("month_name", "On May 16 protesters gathered.", &[]),
        ("c5_plus_1", "The C5+1 format was launched.", &[]),
        ("covid_19", "The COVID-19 cases rose.", &[]),
        ("version", "Version 1.2.3 adds 5 features.", &[("5 features", 5.0, None, "feature", None)]),
        ("hash_number", "Issue #42 items were closed.", &[]),
        ("list_number", "1. The first point.\n2. The second point.", &[]),
        ("url_number", "See example.org/2025/10 pages.", &[]),
        ("decimal_comma_skipped", "Growth of 2,5% was seen.", &[]),
        ("rate_count", "Rate Count\n\n0\n\nRating\n\n3", &[]),
        ("blank_line_breaks_count", "It had 35,000\n\njobs.", &[]),
    ]);
}

#[test]
fn sentence_and_chrome() {
    let text = "Menu\nTrade rose 62 percent in 2024. Exports fell 5%.";
    let mut sents = sentences::split(text);
    let got = extract(text, &sents);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].sentence.slice(text), "Trade rose 62 percent in 2024.");
    assert_eq!(got[1].sentence.slice(text), "Exports fell 5%.");
    assert_eq!(got[1].year, None, "a year in another sentence does not count");
    // A chrome sentence gives no figures.
    for s in &mut sents {
        if s.span.slice(text).starts_with("Trade") {
            s.chrome = true;
        }
    }
    let got = extract(text, &sents);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].span.slice(text), "5%");
    // Without sentences, the line is the context.
    let got = extract(text, &[]);
    assert_eq!(got[0].sentence.slice(text), "Trade rose 62 percent in 2024. Exports fell 5%.");
    assert_eq!(got[1].year, Some(2024));
}

#[test]
fn unsorted_sentences_are_accepted() {
    let text = "A rose 5%. B fell 7%.";
    let mut sents = sentences::split(text);
    sents.reverse();
    let got = extract(text, &sents);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].sentence.slice(text), "B fell 7%.");
}

#[test]
fn format_value_table() {
    let cases: &[(&str, &str, &str)] = &[
        ("fmt_dollars", "It reached US$45bn.", "$45 billion"),
        ("fmt_range", "It reached $41-42 billion.", "$41\u{2013}42 billion"),
        ("fmt_euro", "It reached 12 billion euros.", "\u{20ac}12 billion"),
        ("fmt_rub", "It reached 1.2 trillion rubles.", "RUB 1.2 trillion"),
        ("fmt_percent", "It reached 62 percent.", "62%"),
        ("fmt_percent_range", "It reached 10-15 per cent.", "10\u{2013}15%"),
        ("fmt_count", "It created 35000 jobs.", "35,000 jobs"),
        ("fmt_count_million", "It hosts 1.5 million migrants.", "1.5 million migrants"),
        ("fmt_count_country", "Leaders of five countries met.", "5 countries"),
        ("fmt_fold", "It rose sevenfold.", "7\u{d7}"),
        ("fmt_small_money", "It cost $15,000.", "$15,000"),
    ];
    for &(name, input, want) in cases {
        let got = extract(input, &sentences::split(input));
        assert_eq!(got.len(), 1, "{name}: {got:?}");
        assert_eq!(format_value(&got[0]), want, "{name}");
    }
}

#[test]
fn totality_on_awkward_text() {
    let long_line = "x 1 ".repeat(200_000) + "$5 billion";
    let inputs: Vec<String> = vec![
        String::new(),
        "😀 $ € £ ¥ 5😀 €😀 5€ 5%😀 😀5 fold".into(),
        "Россия 5 процентов и 62 percent, 中国 3 亿 and 35,000 jobs".into(),
        "a\rb 5\r%\u{2028}6 percent\u{2028}".into(),
        "$".into(),
        "5".into(),
        "5 ".into(),
        "US$".into(),
        "twenty-".into(),
        "a thousand".into(),
        "1,".into(),
        "1.".into(),
        "-".into(),
        "$41-".into(),
        "10 to".into(),
        "between 1 and".into(),
        "5 per".into(),
        "5 per-".into(),
        "3 times".into(),
        "5 -fold".into(),
        "5\u{a0}".into(),
        "5\u{202f}00".into(),
        "99999999999999999999999999999999999999999999999999999999999999 jobs".into(),
        "1".repeat(400) + " jobs",
        "5e999 percent".into(),
        long_line,
    ];
    for input in &inputs {
        for f in extract(input, &sentences::split(input)) {
            assert!(input.is_char_boundary(f.span.start as usize) && input.is_char_boundary(f.span.end as usize));
            assert!(f.span.start < f.span.end);
            assert!(f.sentence.contains_span(f.span) || f.sentence.start <= f.span.start, "{input:?}");
            assert!(f.value.is_finite());
        }
    }
    // Every byte offset of a mixed-script text as the start of a substring.
    let mixed = "Trade rose 😀$41–42 billion in 2024, 62 percent, €12bn, Россия 24,000 citizens, 3-fold.";
    for (i, _) in mixed.char_indices() {
        let sub = &mixed[i..];
        for f in extract(sub, &sentences::split(sub)) {
            assert!(sub.is_char_boundary(f.span.start as usize) && sub.is_char_boundary(f.span.end as usize));
        }
    }
}

#[test]
fn token_soup_keeps_the_invariants() {
    // Deterministic pseudo-random concatenations of the tokens the grammar reacts to.
    #[rustfmt::skip]
    const TOKENS: &[&str] = &[
        "$", "US$", "U.S.$", "€", "£", "¥", "5", "41", "-", "–", "42", " ", " ", " ", "billion", "bn", "m",
        "%", "percent", "per", "cent", "jobs", "Tajik", "five", "twenty", "a", "thousand", "fold", "-fold",
        "times", "more", "\n", "\r", "\r\n", "😀", "Россия", ",", "000", ".", "x", "×", "between", "and", "to",
        "from", "2022", "\u{2028}", "\u{a0}", "\u{202f}", "USD", "dollars", "pounds", "sterling", "Day", "No",
        "−", "(", "IT0", "st", "#", ":", "/", "\\%",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    for _ in 0..4000 {
        let len = 1 + next(30);
        let text: String = (0..len).map(|_| TOKENS[next(TOKENS.len())]).collect();
        let sents = sentences::split(&text);
        for f in extract(&text, &sents) {
            let (s, e) = (f.span.start as usize, f.span.end as usize);
            assert!(s < e && e <= text.len(), "{text:?}");
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{text:?}");
            assert!(f.value.is_finite(), "{text:?}");
            if let Some(h) = f.high {
                assert!(h.is_finite() && h > f.value, "{text:?}");
            }
            let _ = format_value(&f);
        }
    }
}

#[test]
fn five_megabyte_single_line() {
    // Many figures on one line without sentences: each must reuse the line found for the previous one.
    let unit = "Trade rose 5% to $41-42 billion, 😀 24,000 Tajik citizens; Россия 2022. ";
    let repeats = 5_000_000 / unit.len();
    let text = unit.repeat(repeats);
    let got = extract(&text, &[]);
    assert_eq!(got.len(), repeats * 3);
    assert!(got.iter().all(|f| f.sentence == Span::new(0, text.len())));
    assert_eq!(got[1].high, Some(42e9));
}

#[test]
fn bogus_sentences_do_not_panic() {
    let text = "Trade rose 62 percent and $5 billion.";
    let bogus = [
        Sentence { span: Span { start: 30, end: 4 }, chrome: false },
        Sentence { span: Span { start: 0, end: 9999 }, chrome: false },
        Sentence { span: Span { start: 5, end: 12 }, chrome: true },
    ];
    let got = extract(text, &bogus);
    assert!(got.iter().all(|f| text.is_char_boundary(f.span.end as usize)));
}

#[test]
fn big_number_is_finite_or_skipped() {
    let text = "1".repeat(400) + " jobs";
    for f in extract(&text, &[]) {
        assert!(f.value.is_finite());
    }
}
