//! The words the figure grammar knows: number words, scale words, currencies, and the small closed classes
//! (function words, labels, comparatives) that decide whether a number followed by a noun is a count.
//!
//! Every table here is general English or general finance knowledge; none of it names the subject of a
//! particular corpus. Lookups take a word already lower-cased by the caller unless a function says
//! otherwise, and all of them are total.

/// The cardinal number words the grammar reads, with their values.
const NUMBER_WORDS: [(&str, u64); 27] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// Verbs that are multipliers on their own, with their values.
const MULTIPLIER_VERBS: [(&str, f64); 11] = [
    ("doubled", 2.0),
    ("doubling", 2.0),
    ("tripled", 3.0),
    ("trebled", 3.0),
    ("tripling", 3.0),
    ("trebling", 3.0),
    ("quadrupled", 4.0),
    ("quadrupling", 4.0),
    ("quintupled", 5.0),
    ("halved", 0.5),
    ("halving", 0.5),
];

/// For each first and last letter, the set of word lengths (bit `n` for length `n`) a word must have to
/// possibly start a figure spelled in words: a number word, `a`/`an`, a `-fold` word or a multiplier verb.
/// Every word of a text is checked against it, so that almost all of them cost three table reads (the last
/// letter turns away `the` and `at`; `there` is one of the few that pass). A letter is indexed by its low
/// five bits, the same for both cases.
static WORD_GATE: [[u32; 32]; 32] = {
    const fn add(gate: &mut [[u32; 32]; 32], first: u8, last: u8, len: usize) {
        gate[(first & 0x1f) as usize][(last & 0x1f) as usize] |= 1 << len;
    }
    let mut gate = [[0u32; 32]; 32];
    let mut i = 0;
    while i < NUMBER_WORDS.len() {
        let w = NUMBER_WORDS[i].0.as_bytes();
        add(&mut gate, w[0], w[w.len() - 1], w.len());
        // The `-fold` word.
        add(&mut gate, w[0], b'd', w.len() + 4);
        i += 1;
    }
    let mut i = 0;
    while i < MULTIPLIER_VERBS.len() {
        let w = MULTIPLIER_VERBS[i].0.as_bytes();
        add(&mut gate, w[0], w[w.len() - 1], w.len());
        i += 1;
    }
    add(&mut gate, b'h', b'd', "hundredfold".len());
    add(&mut gate, b't', b'd', "thousandfold".len());
    add(&mut gate, b'a', b'a', 1);
    add(&mut gate, b'a', b'n', 2);
    gate
};

/// Whether a word of ASCII letters may be a number word, `a`/`an`, a `-fold` word or a multiplier verb, in
/// any case (a cheap necessary condition, not a sufficient one; a word with other bytes may pass too).
pub(super) fn may_be_word_figure(word: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
        return false;
    };
    word.len() < 32 && WORD_GATE[(first & 0x1f) as usize][(last & 0x1f) as usize] & (1 << word.len()) != 0
}

/// [`WORD_GATE`] with the two cases of the first letter told apart (a letter indexed by its low six bits:
/// capitals 1 to 26, small letters 33 to 58), where a capital also lets through a word of one or three
/// letters whatever its last letter (`U.S.$`, `USD`): the scan's check of every word, one table read for
/// both.
static START_GATE: [[u32; 32]; 64] = {
    let mut gate = [[0u32; 32]; 64];
    let mut first = 0;
    while first < 64 {
        let mut last = 0;
        while last < 32 {
            gate[first][last] = WORD_GATE[first & 0x1f][last];
            if first >= (b'A' & 0x3f) as usize && first <= (b'Z' & 0x3f) as usize {
                gate[first][last] |= (1 << 1) | (1 << 3);
            }
            last += 1;
        }
        first += 1;
    }
    gate
};

/// The rows of [`START_GATE`] that let some word through, one bit each: the first letters a word of
/// [`may_start_word_figure`] may have.
static START_LETTERS: u64 = {
    let mut rows = 0u64;
    let mut first = 0;
    while first < 64 {
        let mut last = 0;
        while last < 32 {
            if START_GATE[first][last] != 0 {
                rows |= 1 << first;
            }
            last += 1;
        }
        first += 1;
    }
    rows
};

/// Whether a word of ASCII letters that starts with `first` may pass [`may_start_word_figure`]: most
/// small letters start no number word, and their words need not be read further.
#[inline]
pub(super) fn may_start_word_figure_with(first: u8) -> bool {
    START_LETTERS >> (first & 0x3f) & 1 != 0
}

/// Whether a word of ASCII letters passes [`may_be_word_figure`] or is a capitalised word of one or three
/// letters (a cheap necessary condition for a figure that starts with a word, other than one before `$`).
#[inline]
pub(super) fn may_start_word_figure(word: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
        return false;
    };
    word.len() < 32 && START_GATE[(first & 0x3f) as usize][(last & 0x1f) as usize] & (1 << word.len()) != 0
}

/// The value of a cardinal number word from one to ninety (`five`, `twenty`).
pub(super) fn small_number(word: &str) -> Option<u64> {
    NUMBER_WORDS.iter().find(|(w, _)| *w == word).map(|&(_, n)| n)
}

/// The power of ten a scale word multiplies by: `million` is 6.
pub(super) fn scale_word(word: &str) -> Option<i32> {
    Some(match word {
        "hundred" => 2,
        "thousand" => 3,
        "million" | "mln" | "mn" => 6,
        "billion" | "bln" | "bn" => 9,
        "trillion" | "trn" | "tn" => 12,
        _ => return None,
    })
}

/// A scale abbreviation written directly after the digits (`45bn`, `£3m`, `$500k`), case-sensitive. The
/// flag says whether it is a single letter, which is accepted only where a currency or a counted noun makes
/// the reading safe (`3m` alone may be three metres).
pub(super) fn attached_scale(word: &str) -> Option<(i32, bool)> {
    Some(match word {
        "k" | "K" => (3, true),
        "m" | "M" => (6, true),
        "b" | "B" => (9, true),
        "T" => (12, true),
        "mn" | "mln" | "Mn" => (6, false),
        "bn" | "bln" | "Bn" | "BN" => (9, false),
        "tn" | "trn" | "Tn" => (12, false),
        _ => return None,
    })
}

/// The currency of a symbol at the start of `bytes`, with the symbol's length in bytes.
pub(super) fn currency_symbol(bytes: &[u8]) -> Option<(&'static str, usize)> {
    match bytes {
        [b'$', ..] => Some(("USD", 1)),
        [0xE2, 0x82, 0xAC, ..] => Some(("EUR", 3)),
        [0xC2, 0xA3, ..] => Some(("GBP", 2)),
        [0xC2, 0xA5, ..] => Some(("JPY", 2)),
        [0xE2, 0x82, 0xBD, ..] => Some(("RUB", 3)),
        [0xE2, 0x82, 0xB9, ..] => Some(("INR", 3)),
        [0xE2, 0x82, 0xB8, ..] => Some(("KZT", 3)),
        [0xE2, 0x82, 0xB4, ..] => Some(("UAH", 3)),
        [0xE2, 0x82, 0xBA, ..] => Some(("TRY", 3)),
        [0xE2, 0x82, 0xA9, ..] => Some(("KRW", 3)),
        _ => None,
    }
}

/// The currency of a letter prefix written before `$` (`US$`, `C$`, `HK$`), case-sensitive.
pub(super) fn dollar_prefix(word: &str) -> Option<&'static str> {
    Some(match word {
        "US" => "USD",
        "C" | "CA" | "CAN" => "CAD",
        "A" | "AU" => "AUD",
        "HK" => "HKD",
        "NZ" => "NZD",
        "S" | "SG" => "SGD",
        "R" => "BRL",
        "MX" => "MXN",
        "NT" => "TWD",
        _ => return None,
    })
}

/// An ISO 4217 code as written in upper case (`USD`), or `RMB` for the yuan. Only codes in common use in
/// news and reports are listed, so that an acronym that happens to have three letters is not read as money.
pub(super) fn iso_code(word: &str) -> Option<&'static str> {
    // Every code is three capitals: most words are turned away here rather than by thirty comparisons.
    let [x, y, z] = word.as_bytes() else {
        return None;
    };
    if !(x.is_ascii_uppercase() && y.is_ascii_uppercase() && z.is_ascii_uppercase()) {
        return None;
    }
    Some(match word {
        "USD" => "USD",
        "EUR" => "EUR",
        "GBP" => "GBP",
        "RUB" => "RUB",
        "CNY" | "RMB" => "CNY",
        "JPY" => "JPY",
        "CHF" => "CHF",
        "CAD" => "CAD",
        "AUD" => "AUD",
        "INR" => "INR",
        "KZT" => "KZT",
        "UZS" => "UZS",
        "KGS" => "KGS",
        "TJS" => "TJS",
        "TMT" => "TMT",
        "TRY" => "TRY",
        "UAH" => "UAH",
        "PLN" => "PLN",
        "SEK" => "SEK",
        "NOK" => "NOK",
        "DKK" => "DKK",
        "BRL" => "BRL",
        "MXN" => "MXN",
        "ZAR" => "ZAR",
        "SAR" => "SAR",
        "AED" => "AED",
        "HKD" => "HKD",
        "SGD" => "SGD",
        "NZD" => "NZD",
        "KRW" => "KRW",
        "BYN" => "BYN",
        "AZN" => "AZN",
        "GEL" => "GEL",
        "AMD" => "AMD",
        _ => return None,
    })
}

/// A currency named by a noun after the amount (`dollars`, `euros`, `rubles`), lower case. `dollar` is
/// the US dollar unless a qualifier says otherwise (see [`dollar_qualifier`]). A bare `pound` is not listed:
/// it is as often a weight as money, so only `pounds sterling` and `British pounds` are money.
pub(super) fn currency_noun(word: &str) -> Option<&'static str> {
    Some(match word {
        "dollar" | "dollars" => "USD",
        "euro" | "euros" => "EUR",
        "sterling" => "GBP",
        "ruble" | "rubles" | "rouble" | "roubles" => "RUB",
        "yuan" | "renminbi" => "CNY",
        "yen" => "JPY",
        "rupee" | "rupees" => "INR",
        "tenge" => "KZT",
        "somoni" => "TJS",
        "soum" | "soums" => "UZS",
        "lira" | "liras" => "TRY",
        "hryvnia" | "hryvnias" | "hryvnas" => "UAH",
        "zloty" | "zlotys" | "zlotych" => "PLN",
        "rand" => "ZAR",
        "riyal" | "riyals" => "SAR",
        "dirham" | "dirhams" => "AED",
        _ => return None,
    })
}

/// The currency a nationality word gives the noun after it: `Canadian dollars`, `Swiss francs`,
/// `British pounds`. Returns the code and the nouns it may qualify.
pub(super) fn dollar_qualifier(word: &str) -> Option<(&'static str, &'static [&'static str])> {
    const DOLLARS: &[&str] = &["dollar", "dollars"];
    Some(match word {
        "us" | "american" => ("USD", DOLLARS),
        "canadian" => ("CAD", DOLLARS),
        "australian" => ("AUD", DOLLARS),
        "singapore" => ("SGD", DOLLARS),
        "taiwan" => ("TWD", DOLLARS),
        "swiss" => ("CHF", &["franc", "francs"]),
        "british" => ("GBP", &["pound", "pounds"]),
        _ => return None,
    })
}

/// Words that end a noun phrase: when one of them comes between a number and the next plural noun, the
/// number does not count that noun (`5 of the countries`, `in 2019 the prices`).
pub(super) fn is_function_word(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "from"
            | "by"
            | "with"
            | "without"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "as"
            | "than"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "this"
            | "these"
            | "those"
            | "it"
            | "its"
            | "they"
            | "them"
            | "their"
            | "there"
            | "here"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "shall"
            | "should"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "not"
            | "no"
            | "per"
            | "each"
            | "every"
            | "all"
            | "some"
            | "any"
            | "into"
            | "onto"
            | "over"
            | "under"
            | "about"
            | "after"
            | "before"
            | "since"
            | "until"
            | "during"
            | "between"
            | "among"
            | "through"
            | "across"
            | "against"
            | "up"
            | "down"
            | "out"
            | "off"
            | "also"
            | "only"
            | "just"
            | "so"
            | "then"
            | "when"
            | "while"
            | "where"
            | "if"
            | "because"
            | "though"
            | "although"
            | "we"
            | "he"
            | "she"
            | "you"
            | "i"
            | "his"
            | "her"
            | "our"
            | "your"
            | "my"
            | "me"
            | "us"
            | "him"
            | "ago"
            | "later"
            | "earlier"
            | "annually"
            | "each-year"
            | "yearly"
            | "times"
            | "percent"
            | "cent"
            | "via"
            | "versus"
            | "vs"
            | "whereas"
            | "thus"
            | "plus"
            | "minus"
    )
}

/// Capitalised words that may stand right before a count without making the number part of a name or a
/// label: `About 600 citizens`, `The five countries`, `Over 30 years`. Any other capitalised word before a
/// number (`Boeing 737 jets`, `Day 2 delegates`, `May 16 protests`) makes it a name, not a count.
pub(super) fn is_capitalised_lead(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "about"
            | "above"
            | "almost"
            | "among"
            | "another"
            | "approximately"
            | "around"
            | "at"
            | "below"
            | "between"
            | "by"
            | "circa"
            | "each"
            | "every"
            | "exactly"
            | "fewer"
            | "for"
            | "from"
            | "just"
            | "less"
            | "more"
            | "nearly"
            | "of"
            | "only"
            | "over"
            | "roughly"
            | "some"
            | "than"
            | "these"
            | "those"
            | "to"
            | "under"
            | "up"
            | "with"
            | "without"
            | "its"
            | "their"
            | "our"
            | "his"
            | "her"
            | "my"
            | "your"
            | "all"
            | "both"
            | "since"
            | "until"
            | "during"
            | "after"
            | "before"
            | "and"
            | "but"
            | "or"
            | "yet"
            | "so"
            | "in"
            | "on"
            | "into"
            | "per"
            | "most"
            | "least"
            | "total"
            | "overall"
            | "estimated"
            | "perhaps"
            | "still"
            | "even"
            | "barely"
            | "whereas"
            | "while"
            | "when"
            | "if"
            | "as"
            | "that"
            | "additional"
            | "further"
            | "however"
            | "furthermore"
            | "moreover"
            | "today"
            | "now"
            | "then"
            | "currently"
            | "meanwhile"
            | "we"
            | "they"
    )
}

/// Words that label a number rather than quantify something (`Figure 3`, `page 12`, `Day 2`, `top 10`):
/// a number right after one of them is never a count or a multiplier.
pub(super) fn is_label(word: &str) -> bool {
    matches!(
        word,
        "figure"
            | "fig"
            | "table"
            | "tab"
            | "section"
            | "sec"
            | "chapter"
            | "ch"
            | "article"
            | "art"
            | "page"
            | "p"
            | "pp"
            | "paragraph"
            | "para"
            | "item"
            | "no"
            | "nos"
            | "number"
            | "num"
            | "step"
            | "phase"
            | "stage"
            | "day"
            | "week"
            | "room"
            | "flight"
            | "line"
            | "route"
            | "version"
            | "v"
            | "ver"
            | "level"
            | "grade"
            | "row"
            | "column"
            | "col"
            | "vol"
            | "volume"
            | "issue"
            | "part"
            | "annex"
            | "appendix"
            | "exhibit"
            | "chart"
            | "box"
            | "rule"
            | "clause"
            | "case"
            | "lot"
            | "unit"
            | "block"
            | "floor"
            | "gate"
            | "platform"
            | "exit"
            | "highway"
            | "road"
            | "street"
            | "tier"
            | "round"
            | "episode"
            | "season"
            | "act"
            | "scene"
            | "verse"
            | "note"
            | "footnote"
            | "slide"
            | "question"
            | "q"
            | "option"
            | "track"
            | "model"
            | "type"
            | "class"
            | "group"
            | "session"
            | "top"
            | "bottom"
            | "rank"
            | "ranked"
            | "ward"
            | "district"
            | "zone"
            | "building"
            | "apartment"
            | "suite"
            | "tel"
            | "phone"
            | "fax"
            | "ext"
            | "code"
            | "id"
            | "ref"
            | "reg"
            | "sample"
            | "patient"
            | "participant"
            | "subject"
            | "trial"
            | "wave"
    )
}

/// Words after `N times` that make it a multiplier (`three times more`, `5 times the size`).
pub(super) fn is_comparative(word: &str) -> bool {
    matches!(
        word,
        "more"
            | "less"
            | "fewer"
            | "higher"
            | "lower"
            | "larger"
            | "smaller"
            | "greater"
            | "bigger"
            | "faster"
            | "slower"
            | "cheaper"
            | "dearer"
            | "longer"
            | "shorter"
            | "richer"
            | "poorer"
            | "as"
            | "the"
            | "over"
            | "above"
            | "below"
            | "stronger"
            | "weaker"
            | "wider"
            | "heavier"
            | "costlier"
            | "likelier"
            | "worse"
            | "better"
    )
}

/// Verbs of change before `N times` that make it a multiplier (`grew three times`).
pub(super) fn is_change_verb(word: &str) -> bool {
    matches!(
        word,
        "increased"
            | "increase"
            | "increases"
            | "grew"
            | "grown"
            | "grow"
            | "rose"
            | "risen"
            | "rise"
            | "jumped"
            | "multiplied"
            | "expanded"
            | "surged"
            | "soared"
            | "climbed"
            | "fell"
            | "fallen"
            | "declined"
            | "dropped"
            | "shrank"
            | "shrunk"
            | "decreased"
            | "decrease"
            | "up"
            | "down"
            | "reduced"
            | "cut"
            | "boosted"
            | "raised"
    )
}

/// Qualifiers that may stand between a change verb and `N times` (`increased almost three times`).
pub(super) fn is_qualifier(word: &str) -> bool {
    matches!(
        word,
        "almost"
            | "nearly"
            | "about"
            | "roughly"
            | "approximately"
            | "some"
            | "around"
            | "over"
            | "than"
            | "more"
            | "by"
            | "circa"
            | "at"
            | "least"
            | "up"
            | "to"
            | "fully"
    )
}

/// The value of a verb that is a multiplier on its own: `doubled`, `tripled`, `halved`.
pub(super) fn multiplier_verb(word: &str) -> Option<f64> {
    MULTIPLIER_VERBS.iter().find(|(w, _)| *w == word).map(|&(_, v)| v)
}

/// The value of a `-fold` word: `sevenfold` is 7, `hundredfold` is 100.
pub(super) fn fold_word(word: &str) -> Option<f64> {
    let stem = word.strip_suffix("fold")?;
    if let Some(n) = small_number(stem) {
        return (n >= 2).then_some(n as f64);
    }
    match stem {
        "hundred" => Some(100.0),
        "thousand" => Some(1000.0),
        _ => None,
    }
}

/// Month names as written in dates, capitalised (`May 16`, `16 May`).
pub(super) fn is_month(word: &str) -> bool {
    matches!(
        word,
        "January"
            | "February"
            | "March"
            | "April"
            | "May"
            | "June"
            | "July"
            | "August"
            | "September"
            | "October"
            | "November"
            | "December"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
    )
}

/// A singular noun as [`singular_of_plural`] gives it: `stem` followed by `suffix`. Most singulars are the
/// plural cut short, with at most a letter or two added (`countries` gives `countr` and `y`), so they are
/// given without an allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Singular<'a> {
    pub stem: &'a str,
    pub suffix: &'static str,
}

impl Singular<'_> {
    /// Whether the singular is `word`.
    pub fn is(&self, word: &str) -> bool {
        word.len() == self.stem.len() + self.suffix.len() && word.starts_with(self.stem) && word.ends_with(self.suffix)
    }
}

/// The singular of a plural noun (lower case), or `None` when the word does not look like a plural noun.
/// Looking plural is what tells the noun of a count (`35,000 jobs`, `24,000 Tajik citizens`) from the
/// adjectives before it; the singular is the unit, so it only has to be the same for the same word.
pub(super) fn singular_of_plural(word: &str) -> Option<Singular<'_>> {
    let whole = |stem| Some(Singular { stem, suffix: "" });
    if word.len() < 3 {
        return None;
    }
    let irregular = match word {
        "people" => Some("person"),
        "children" => Some("child"),
        "women" => Some("woman"),
        "men" => Some("man"),
        "staff" | "personnel" | "police" | "cattle" | "livestock" | "aircraft" | "sheep" | "deer" | "offspring" => {
            Some(word)
        }
        "feet" => Some("foot"),
        "teeth" => Some("tooth"),
        "mice" => Some("mouse"),
        "geese" => Some("goose"),
        "series" | "species" | "means" | "headquarters" | "barracks" | "crossroads" => Some(word),
        "crises" => Some("crisis"),
        "axes" => Some("axis"),
        "analyses" => Some("analysis"),
        "theses" => Some("thesis"),
        "hypotheses" => Some("hypothesis"),
        "diagnoses" => Some("diagnosis"),
        "bases" => Some("base"),
        "buses" => Some("bus"),
        "gases" => Some("gas"),
        "viruses" => Some("virus"),
        "campuses" => Some("campus"),
        "bonuses" => Some("bonus"),
        "censuses" => Some("census"),
        "statuses" => Some("status"),
        "lives" => Some("life"),
        "knives" => Some("knife"),
        "wives" => Some("wife"),
        "halves" => Some("half"),
        "wolves" => Some("wolf"),
        "shelves" => Some("shelf"),
        "thieves" => Some("thief"),
        "calves" => Some("calf"),
        "loaves" => Some("loaf"),
        "heroes" | "potatoes" | "tomatoes" | "vetoes" | "echoes" | "torpedoes" | "embargoes" | "volcanoes" => {
            word.strip_suffix("es")
        }
        "movies" | "cookies" | "calories" | "zombies" | "rookies" | "ties" | "lies" | "pies" => word.strip_suffix('s'),
        "niches" | "caches" | "avalanches" | "headaches" | "moustaches" | "psyches" => word.strip_suffix('s'),
        _ => None,
    };
    if let Some(s) = irregular {
        return whole(s);
    }
    if let Some(stem) = word.strip_suffix("men") {
        if !stem.is_empty() && !matches!(word, "specimen" | "abdomen" | "regimen" | "stamen" | "omen") {
            return Some(Singular { stem, suffix: "man" });
        }
        return None;
    }
    if !word.ends_with('s') {
        return None;
    }
    let not_plural = word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with("is")
        || word.ends_with("'s")
        || word.ends_with("\u{2019}s")
        || matches!(
            word,
            "was"
                | "has"
                | "its"
                | "this"
                | "thus"
                | "plus"
                | "minus"
                | "less"
                | "unless"
                | "across"
                | "towards"
                | "afterwards"
                | "besides"
                | "perhaps"
                | "always"
                | "sometimes"
                | "whereas"
                | "news"
                | "does"
                | "goes"
                | "yes"
                | "alias"
                | "atlas"
                | "canvas"
                | "ours"
                | "yours"
                | "hers"
                | "theirs"
                | "his"
                | "as"
                | "is"
                | "us"
        );
    if not_plural {
        return None;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        if stem.len() >= 2 {
            return Some(Singular { stem, suffix: "y" });
        }
    }
    for ending in ["sses", "shes", "ches", "xes", "zzes"] {
        if word.ends_with(ending) {
            return whole(&word[..word.len() - 2]);
        }
    }
    whole(&word[..word.len() - 1])
}

/// The plural of a singular noun produced by [`singular_of_plural`], for display.
pub(super) fn plural_of(noun: &str) -> String {
    match noun {
        "person" => return "people".to_string(),
        "child" => return "children".to_string(),
        "woman" => return "women".to_string(),
        "man" => return "men".to_string(),
        "foot" => return "feet".to_string(),
        "tooth" => return "teeth".to_string(),
        "mouse" => return "mice".to_string(),
        "goose" => return "geese".to_string(),
        "crisis" => return "crises".to_string(),
        "axis" => return "axes".to_string(),
        "analysis" => return "analyses".to_string(),
        "staff" | "personnel" | "police" | "cattle" | "livestock" | "aircraft" | "sheep" | "deer" | "offspring"
        | "series" | "species" | "means" | "headquarters" | "barracks" | "crossroads" => return noun.to_string(),
        _ => {}
    }
    // A compound noun (`percentage point`) takes the plural on its last word.
    if let Some((head, last)) = noun.rsplit_once(' ') {
        return format!("{head} {}", plural_of(last));
    }
    if let Some(stem) = noun.strip_suffix("man") {
        if !stem.is_empty() {
            return format!("{stem}men");
        }
    }
    let bytes = noun.as_bytes();
    if let [.., before, b'y'] = bytes {
        if !b"aeiou".contains(before) {
            return format!("{}ies", &noun[..noun.len() - 1]);
        }
    }
    if noun.ends_with('s') || noun.ends_with('x') || noun.ends_with("ch") || noun.ends_with("sh") || noun.ends_with('z')
    {
        return format!("{noun}es");
    }
    format!("{noun}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_gate_admits_every_lexicon_word() {
        let mut words: Vec<String> = vec!["a".into(), "an".into(), "hundredfold".into(), "thousandfold".into()];
        for (w, _) in NUMBER_WORDS {
            words.push(w.to_string());
            words.push(format!("{w}fold"));
            words.push(w.to_uppercase());
        }
        for (w, _) in MULTIPLIER_VERBS {
            words.push(w.to_string());
        }
        for w in &words {
            assert!(may_be_word_figure(w.as_bytes()), "{w} is shut out by the gate");
        }
        // The gate does turn away common words, which is what it is for.
        for w in ["and", "that", "which", "Russia", "cooperation", "of", "is", "the", "at", "for", ""] {
            assert!(!may_be_word_figure(w.as_bytes()), "{w} passes the gate");
        }
        // The scan's gate: the same, or a capital and one or three letters.
        let letters = (b'A'..=b'Z').chain(b'a'..=b'z');
        for (a, b) in letters.clone().flat_map(|a| letters.clone().map(move |b| (a, b))) {
            for len in 1..34 {
                // The first letter, the last (none of its own in a word of one letter), and `x` between.
                let mut w = vec![b'x'; len];
                w[len - 1] = b;
                w[0] = a;
                let want = may_be_word_figure(&w) || (a.is_ascii_uppercase() && (len == 1 || len == 3));
                assert_eq!(may_start_word_figure(&w), want, "{}", String::from_utf8_lossy(&w));
                assert!(!want || may_start_word_figure_with(a), "{}", String::from_utf8_lossy(&w));
            }
        }
    }

    #[test]
    fn singular_and_plural_round_trip() {
        for (plural, singular) in [
            ("countries", "country"),
            ("citizens", "citizen"),
            ("branches", "branch"),
            ("people", "person"),
            ("guardsmen", "guardsman"),
            ("axes", "axis"),
            ("staff", "staff"),
            ("taxes", "tax"),
        ] {
            let got = singular_of_plural(plural).map(|s| format!("{}{}", s.stem, s.suffix));
            assert_eq!(got.as_deref(), Some(singular), "{plural}");
            let is = |word| singular_of_plural(plural).is_some_and(|s| s.is(word));
            assert!(is(singular) && is(plural) == (plural == singular), "{plural}");
            assert_eq!(plural_of(singular), plural, "{singular}");
        }
        for not_plural in ["is", "was", "its", "various", "business", "analysis", "russia’s", "tajik"] {
            assert_eq!(singular_of_plural(not_plural), None, "{not_plural}");
        }
    }
}
