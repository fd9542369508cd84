//! Entity extraction on real input: the seed corpus (web pages saved as text, with menus, appeals and
//! related-article lists), and a corpus of our own, in another field, that the extractor never saw.
//!
//! The assertions name the corpora's content; the extractor itself knows neither.

use research_lsp::extract::{entities, sentences, DocNames, EntityDef, EntityKind, Resolution};

struct Corpus {
    texts: Vec<String>,
    names: Vec<DocNames>,
    resolution: Resolution,
}

fn load(dir: &str) -> Corpus {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the corpus directory exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .collect();
    files.sort();
    let texts: Vec<String> = files.iter().map(|p| std::fs::read_to_string(p).expect("utf-8 text")).collect();
    let names: Vec<DocNames> = texts.iter().map(|t| entities::extract(t, &sentences::split(t))).collect();
    let refs: Vec<&DocNames> = names.iter().collect();
    let resolution = entities::resolve(&refs);
    Corpus { texts, names, resolution }
}

fn seeds() -> Corpus {
    load(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
}

fn own() -> Corpus {
    load(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/own-corpus-entities"))
}

impl Corpus {
    fn entity(&self, name: &str) -> &EntityDef {
        self.resolution
            .entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no entity named {name:?}; have {:?}", self.names_list()))
    }

    fn names_list(&self) -> Vec<&str> {
        self.resolution.entities.iter().map(|e| e.name.as_str()).collect()
    }

    /// Whether any entity is named or aliased `form`, ignoring case.
    fn has_form(&self, form: &str) -> bool {
        self.resolution
            .entities
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(form) || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(form)))
    }

    fn assert_entity(&self, name: &str, kind: EntityKind, aliases: &[&str]) {
        let e = self.entity(name);
        assert_eq!(e.kind, kind, "kind of {name}");
        for a in aliases {
            assert!(e.aliases.iter().any(|x| x == a), "{name} should have alias {a:?}; has {:?}", e.aliases);
        }
    }

    fn assert_absent(&self, forms: &[&str]) {
        for f in forms {
            assert!(!self.has_form(f), "{f:?} should not be an entity");
        }
    }

    /// Every mention's span is its name, verbatim; every assignment points at an entity.
    fn assert_spans_verbatim(&self) {
        for (d, doc) in self.names.iter().enumerate() {
            let text = &self.texts[d];
            assert_eq!(self.resolution.assignment[d].len(), doc.names.len());
            for m in &doc.mentions {
                let slice = text.get(m.span.range()).expect("span on char boundaries");
                assert_eq!(entities::display_form(slice), doc.name_of(m));
                assert_eq!(entities::normalize_name(doc.name_of(m)), doc.names[m.name as usize].key);
                assert!(!slice.ends_with("’s") && !slice.ends_with("'s"), "possessive left in {slice:?}");
            }
            for a in self.resolution.assignment[d].iter().flatten() {
                assert!((*a as usize) < self.resolution.entities.len());
            }
        }
    }

    /// The entity that mention `m` of document `d` was merged into.
    fn entity_of(&self, d: usize, m: usize) -> Option<&str> {
        let name = self.names[d].mentions[m].name as usize;
        let i = self.resolution.assignment[d][name]?;
        Some(self.resolution.entities[i as usize].name.as_str())
    }
}

#[test]
fn seeds_acronyms_merge_with_expansions() {
    let c = seeds();
    c.assert_entity("Eurasian Economic Union", EntityKind::Organization, &["EAEU"]);
    c.assert_entity(
        "Collective Security Treaty Organization",
        EntityKind::Organization,
        &["CSTO", "Collective Security Treaty Organisation"],
    );
    c.assert_entity("Commonwealth of Independent States", EntityKind::Organization, &["CIS"]);
    c.assert_entity("Gulf Cooperation Council", EntityKind::Organization, &["GCC"]);
    c.assert_entity("Russian International Affairs Council", EntityKind::Organization, &["RIAC"]);
    c.assert_entity("Trans-Caspian International Transport Route", EntityKind::Other, &["TITR"]);
    c.assert_entity("North-South International Transport Corridor", EntityKind::Other, &["ITC"]);
    c.assert_entity("Special Military Operation", EntityKind::Other, &["SMO"]);
    c.assert_entity("European Union", EntityKind::Organization, &["EU"]);
    // The document that only writes `EAEU` (the first seed) joins the same entity.
    let eaeu =
        c.names[0].mentions.iter().position(|m| c.names[0].name_of(m) == "EAEU").expect("the first seed says EAEU");
    assert_eq!(c.entity_of(0, eaeu), Some("Eurasian Economic Union"));
}

#[test]
fn seeds_persons_and_surnames() {
    let c = seeds();
    c.assert_entity("Vladimir Putin", EntityKind::Person, &["Putin"]);
    c.assert_entity("Giorgio Cafiero", EntityKind::Person, &["Cafiero"]);
    c.assert_entity("Luca Anceschi", EntityKind::Person, &["Anceschi"]);
    c.assert_entity("Michaël Levystone", EntityKind::Person, &["Levystone"]);
    c.assert_entity("Donald Trump", EntityKind::Person, &["Trump"]);
    c.assert_entity("Joe Biden", EntityKind::Person, &["Biden"]);
    c.assert_entity("Kassym-Jomart Tokayev", EntityKind::Person, &[]);
    c.assert_entity("Sadyr Japarov", EntityKind::Person, &[]);
    c.assert_entity("Emomali Rahmon", EntityKind::Person, &[]);
    c.assert_entity("Stanislav Tkachenko", EntityKind::Person, &[]);
    // Titles are not part of the names.
    c.assert_absent(&["President Vladimir Putin", "Dr. Luca Anceschi", "Mr. Cafiero", "Kazakh President"]);
}

#[test]
fn seeds_places_organisations_initiatives() {
    let c = seeds();
    for place in [
        "Russia",
        "Central Asia",
        "Kazakhstan",
        "Kyrgyzstan",
        "Uzbekistan",
        "Tajikistan",
        "Turkmenistan",
        "China",
        "Moscow",
        "Russian Federation",
        "Kyrgyz Republic",
        "Eastern Ukraine",
        "Samarkand",
        "Tomsk",
        "Dushanbe",
    ] {
        c.assert_entity(place, EntityKind::Place, &[]);
    }
    c.assert_entity("United States", EntityKind::Place, &["US"]);
    for org in [
        "Foundation for the Development of Civil Society",
        "Organization of Turkic States",
        "Valdai Discussion Club",
        "University of Glasgow",
        "Carnegie Endowment for International Peace",
        "World Bank",
        "Russian Armed Forces",
        "St. Petersburg State University",
    ] {
        c.assert_entity(org, EntityKind::Organization, &[]);
    }
    for other in [
        "Belt and Road Initiative",
        "Abraham Accords",
        "Great Patriotic War",
        "Middle Corridor",
        "Treaty on All-Encompassing Relations",
        "Global Gateway Strategy",
    ] {
        c.assert_entity(other, EntityKind::Other, &[]);
    }
    c.assert_entity("Conference on Interaction and Confidence Building Measures in Asia", EntityKind::Other, &["CICA"]);
}

#[test]
fn seeds_possessives_count_toward_the_name() {
    let c = seeds();
    let text = &c.texts[0];
    let mut possessives = 0;
    for (m, mention) in c.names[0].mentions.iter().enumerate() {
        let after = &text[mention.span.end as usize..];
        if c.names[0].name_of(mention) == "Russia" && after.starts_with("’s") {
            possessives += 1;
            assert_eq!(mention.span.slice(text), "Russia");
            assert_eq!(c.entity_of(0, m), Some("Russia"));
        }
    }
    assert!(possessives >= 3, "the first seed writes Russia’s several times");
    // `Russia’ cooperation` (a plural-style possessive) also counts toward Russia.
    let second = &c.texts[1];
    assert!(c.names[1]
        .mentions
        .iter()
        .any(|m| c.names[1].name_of(m) == "Russia" && second[m.span.end as usize..].starts_with("’ cooperation")));
}

#[test]
fn seeds_no_chrome_or_common_words() {
    let c = seeds();
    c.assert_absent(&[
        "INSTITUTE",
        "CLERICI PALACE",
        "CONTACT US",
        "MEDMED",
        "RESEARCH",
        "CENTRES",
        "EXPERTS",
        "EVENTS",
        "Home",
        "Read",
        "Read more",
        "Share",
        "Skip",
        "Search",
        "Commentary",
        "Tags",
        "Rating",
        "Rate Count",
        "Continue",
        "Digitalisation and Cybersecurity",
        "Energy Security",
        "Closed-door",
        "Filippo Fasulo",
        "Paola Morselli",
        "Seton Hall University",
        "Africa Center For Strategic Studies",
        "Club events",
        "Club",
        "Rossiya",
        "Versione",
        "Shutterstock.com",
        "GiorgioCafiero",
        "Support",
        "Russian",
        "Soviet",
        "Central Asian",
        "Western",
        "Eurasian",
        "Kazakh",
        "Russians",
        "However",
        "Despite",
        "According",
        "Today",
        "The",
        "This",
        "December",
        "October",
        "May",
        "Monday",
        "GDP",
        "TV",
        "M.A.",
        "Adjunct Fellow",
        "Professor",
        "President",
    ]);
}

#[test]
fn seeds_spans_are_verbatim_and_output_deterministic() {
    let c = seeds();
    c.assert_spans_verbatim();
    let again = seeds();
    assert_eq!(c.resolution, again.resolution);
    let names = c.names_list();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "entities are sorted by name, ignoring case");
    assert!((80..=220).contains(&names.len()), "{} entities", names.len());
}

#[test]
fn own_corpus_entities() {
    let c = own();
    c.assert_spans_verbatim();
    c.assert_entity("Halvorsen Maritime Group", EntityKind::Organization, &["HMG"]);
    c.assert_entity("Fjordane River Basin Authority", EntityKind::Organization, &["FRBA"]);
    c.assert_entity("Ingrid Halvorsen", EntityKind::Person, &["Halvorsen"]);
    c.assert_entity("Pål Eriksen", EntityKind::Person, &["Eriksen"]);
    c.assert_entity("Jonas Berg", EntityKind::Person, &[]);
    c.assert_entity("Vestland", EntityKind::Place, &[]);
    c.assert_entity("Oslo", EntityKind::Place, &[]);
    c.assert_entity("University of Bergen", EntityKind::Organization, &[]);
    c.assert_entity("Ministry of Climate and Environment", EntityKind::Organization, &[]);
    c.assert_entity("Norwegian Water Resources and Energy Directorate", EntityKind::Organization, &[]);
    // British spelling in one document, American in another: one entity.
    let fisheries = c
        .resolution
        .entities
        .iter()
        .find(|e| e.name.starts_with("Coastal Fisheries Organi"))
        .expect("the fisheries organisation");
    assert_eq!(fisheries.kind, EntityKind::Organization);
    assert_eq!(fisheries.aliases.len(), 1, "{fisheries:?}");
    assert!(fisheries.aliases[0].starts_with("Coastal Fisheries Organi"));
}

#[test]
fn own_corpus_possessives_and_acronym_only_document() {
    let c = own();
    // `HMG’s history` (curly) in the first document, `HMG's vessels` (straight) in the third.
    for d in [0, 2] {
        let text = &c.texts[d];
        let (m, mention) = c.names[d]
            .mentions
            .iter()
            .enumerate()
            .find(|(_, m)| c.names[d].name_of(m) == "HMG" && text[m.span.end as usize..].starts_with(['’', '\'']))
            .expect("a possessive HMG");
        assert_eq!(mention.span.slice(text), "HMG");
        assert_eq!(c.entity_of(d, m), Some("Halvorsen Maritime Group"));
    }
    // The third document writes only `FRBA`; it joins the authority defined in the first.
    let (m, _) =
        c.names[2].mentions.iter().enumerate().find(|(_, m)| c.names[2].name_of(m) == "FRBA").expect("FRBA in doc 3");
    assert_eq!(c.entity_of(2, m), Some("Fjordane River Basin Authority"));
}

#[test]
fn own_corpus_sentences_wrap_and_chrome() {
    let c = own();
    // The Markdown document is hard-wrapped: a sentence runs over a line break.
    let text = &c.texts[1];
    let split = sentences::split(text);
    assert!(split.iter().any(|s| s.span.slice(text).starts_with("The Fjordane River Basin Authority published")
        && s.span.slice(text).ends_with("on\nTuesday.")));
    // Menus, share buttons, the related list, appeals and footers are chrome, and give no names.
    c.assert_absent(&[
        "HALVORSEN NEWS",
        "Home",
        "About us",
        "Fleet",
        "Contact",
        "Share",
        "Read",
        "Marta Lind",
        "Centre for Polar Logistics",
        "Ice-Class Orders Rise Again",
        "Subscribe",
        "Halvorsen News",
        "NEWS",
        "PORTS",
        "Skip",
        "Who Owns the River?",
        "Tide Tables for Beginners",
        "Follow",
        "Norwegian",
        "Monday",
        "Tuesday",
        "Thursday",
        "March",
    ]);
    let first = &c.texts[0];
    for s in sentences::split(first) {
        let t = s.span.slice(first);
        let expected_chrome =
            ["• Home", "• Fleet", "Share", "Read more:", "Marta Lind", "Subscribe to our newsletter"].contains(&t);
        if expected_chrome {
            assert!(s.chrome, "{t:?} should be chrome");
        }
        if t.starts_with("Halvorsen Maritime Group (HMG) said") {
            assert!(!s.chrome, "prose is not chrome");
        }
    }
}

/// Prints the seeds' entities; run with `cargo test --test extract_entities -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_seed_entities() {
    for (label, c) in [("seeds", seeds()), ("own corpus", own())] {
        println!("== {label}: {} entities", c.resolution.entities.len());
        for e in &c.resolution.entities {
            println!("{:60} {:13} {:?}", e.name, e.kind.as_str(), e.aliases);
        }
    }
}
