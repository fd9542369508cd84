//! `Index::update`: the index after one source changed, made without indexing the rest again, must be the
//! index that indexing the whole corpus again gives, or say why it cannot be made.
//!
//! The corpus is our own (river shipping and grid operators of the Baltic and the Danube), written to disk,
//! edited, and indexed again both ways.

use std::fs;
use std::path::{Path, PathBuf};

use research_lsp::index::{Index, NotUpdated};
use research_lsp::store;

mod support;
use support::TempDir;

/// Sentences the articles and the edits are made of: names that recur across articles, figures, and plain
/// prose.
const SENTENCES: &[&str] = &[
    "The Danube Commission said traffic through Vienna rose by 14 percent last year.",
    "Marta Kowalczyk, who chairs the Baltic Grid Operators, called the cable a turning point.",
    "Estonia and Finland agreed to share the cost of the new interconnector.",
    "The Rhine Shipping Authority reported cargo worth $3.2 billion in the first quarter.",
    "Officials in Tallinn expect the line to carry 650 megawatts by 2027.",
    "Kowalczyk said the Baltic Grid Operators would publish the tender in spring.",
    "Barges on the Danube carried 41 million tonnes, the Danube Commission said.",
    "The weather was mild and the river stayed open all winter.",
    "Analysts said the project was late but within its budget.",
    "Finland paid 62 percent of the first phase.",
    "Ports along the coast reported a quiet month.",
    "The Rhine Shipping Authority and the Danube Commission signed a joint statement in Vienna.",
];

fn article(seed: usize, lines: usize) -> String {
    let mut out = format!("Report number {seed} on river and grid traffic\n\n");
    for i in 0..lines {
        out.push_str(SENTENCES[(seed * 7 + i * 5) % SENTENCES.len()]);
        out.push(if i % 3 == 2 { '\n' } else { ' ' });
        if i % 3 == 2 {
            out.push('\n');
        }
    }
    out
}

fn corpus(name: &str, n: usize) -> (TempDir, Vec<PathBuf>) {
    let dir = TempDir::new(&format!("update-{name}"));
    let files = (0..n)
        .map(|i| {
            let path = dir.0.join(format!("report-{i:02}.txt"));
            fs::write(&path, article(i, 6 + i % 5)).expect("write an article");
            path
        })
        .collect();
    (dir, files)
}

/// Asserts that two indexes of one corpus answer alike: sources, their extraction and entity assignment,
/// entities with their postings, and the figures of each quantity.
fn assert_same(updated: &Index, fresh: &Index) {
    assert_eq!(updated.sources.len(), fresh.sources.len());
    for (x, y) in updated.sources.iter().zip(&fresh.sources) {
        assert_eq!(x.meta, y.meta);
        assert_eq!((x.len, x.hash, &x.title_line), (y.len, y.hash, &y.title_line));
        assert_eq!((&x.sentences, &x.figures, &x.names), (&y.sentences, &y.figures, &y.names));
        assert_eq!(x.entity_of_name, y.entity_of_name, "{}", x.meta.path.display());
    }
    let entities = |i: &Index| {
        i.entities
            .iter()
            .map(|e| (e.name.clone(), e.kind, e.aliases.clone(), e.by_source.clone(), e.total))
            .collect::<Vec<_>>()
    };
    assert_eq!(entities(updated), entities(fresh));
    assert_eq!(updated.figure_order(), fresh.figure_order());
    assert_eq!(updated.bytes, fresh.bytes);
    assert_eq!(updated.warnings, fresh.warnings);
}

fn edit(path: &Path, f: impl FnOnce(&str) -> String) {
    let text = fs::read_to_string(path).expect("read an article");
    fs::write(path, f(&text)).expect("write an article");
}

#[test]
fn an_edit_is_followed_without_indexing_the_rest_and_gives_the_full_index() {
    let (dir, files) = corpus("edits", 8);
    let roots = [dir.0.clone()];
    let mut index = Index::load(&roots, &[]);
    assert!(index.entities.iter().any(|e| e.name == "Danube Commission"), "the corpus has its entities");

    // A figure and prose, no name.
    edit(&files[3], |t| format!("{t}\nA late correction: the figure was 17 percent, not 14 percent.\n"));
    let updated = index.update(&files[3..4]).expect("a figure added is followed");
    assert_same(&updated, &Index::load(&roots, &[]));
    let doc = &updated.sources[3];
    let added = doc.figures.iter().find(|f| f.value == 17.0).expect("the new figure is indexed");
    assert_eq!(updated.figures_like(added).len(), 1);
    // The other sources are the very ones of the index before.
    assert!(std::sync::Arc::ptr_eq(&updated.sources[0], &index.sources[0]));
    index = updated;

    // More mentions of entities the corpus has.
    edit(&files[5], |t| format!("{t}\n{}\n{}\n", SENTENCES[1], SENTENCES[6]));
    let updated = index.update(&files[5..6]).expect("known names added are followed");
    let fresh = Index::load(&roots, &[]);
    assert_same(&updated, &fresh);
    let commission = updated.entities.iter().find(|e| e.name == "Danube Commission").expect("entity");
    assert!(commission.by_source.iter().any(|(sid, _)| *sid == 5));
    index = updated;

    // Two files at once, one of them losing text.
    edit(&files[0], |t| t.lines().take(3).collect::<Vec<_>>().join("\n"));
    edit(&files[7], |t| format!("{t}\nFinland paid 38 percent of the second phase.\n"));
    let both = [files[7].clone(), files[0].clone()];
    match index.update(&both) {
        Ok(updated) => assert_same(&updated, &Index::load(&roots, &[])),
        Err(why) => assert_eq!(why, NotUpdated::Entities, "only a change of entities may stop this update"),
    }
}

#[test]
fn what_an_update_cannot_follow_is_named() {
    let (dir, files) = corpus("refused", 5);
    let roots = [dir.0.clone()];
    let index = Index::load(&roots, &[]);

    // A name the corpus never had makes a new entity: the entity ids move, so the corpus is merged again.
    edit(&files[2], |t| format!("{t}\nThe Zagreb Rail Consortium joined the talks in Ljubljana.\n"));
    assert_eq!(index.update(&files[2..3]).err(), Some(NotUpdated::Entities));

    // The first line is the title where no bibliography gives one.
    let (dir2, files2) = corpus("retitled", 3);
    let index2 = Index::load(std::slice::from_ref(&dir2.0), &[]);
    edit(&files2[1], |t| format!("A new title\n{t}"));
    assert_eq!(index2.update(&files2[1..2]).err(), Some(NotUpdated::Retitled(files2[1].clone())));

    // A file the index does not have.
    let new = dir.0.join("report-99.txt");
    fs::write(&new, article(99, 4)).unwrap();
    assert_eq!(index.update(std::slice::from_ref(&new)).err(), Some(NotUpdated::NotASource(new.clone())));
    // A file gone.
    fs::remove_file(&files[4]).unwrap();
    assert_eq!(index.update(&files[4..5]).err(), Some(NotUpdated::Unreadable(files[4].clone())));
    // Many files at once: indexed again instead.
    let many: Vec<PathBuf> = (0..=research_lsp::index::MAX_UPDATED).map(|_| files[0].clone()).collect();
    assert_eq!(index.update(&many).err(), Some(NotUpdated::TooMany(many.len())));
    // The embedded seeds are not in files to follow.
    let seeds = Index::build(research_lsp::corpus::seeds());
    let path = seeds.sources[0].meta.path.clone();
    assert_eq!(seeds.update(std::slice::from_ref(&path)).err(), Some(NotUpdated::NotASource(path)));
}

/// A small deterministic generator, so that a failure replays.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn random_edits_either_give_the_full_index_or_are_refused() {
    let (dir, files) = corpus("random", 10);
    let roots = [dir.0.clone()];
    let mut index = Index::load(&roots, &[]);
    let mut rng = Lcg(0x5eed);
    let (mut followed, mut refused) = (0, 0);
    for round in 0..60 {
        let file = &files[rng.next(files.len())];
        let action = rng.next(4);
        edit(file, |t| {
            let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
            match action {
                // Append a sentence.
                0 => lines.push(SENTENCES[rng.next(SENTENCES.len())].to_string()),
                // Drop a line after the title.
                1 if lines.len() > 2 => {
                    let at = 1 + rng.next(lines.len() - 1);
                    lines.remove(at);
                }
                // Replace a line after the title with another sentence.
                2 if lines.len() > 2 => {
                    let at = 1 + rng.next(lines.len() - 1);
                    lines[at] = SENTENCES[rng.next(SENTENCES.len())].to_string();
                }
                // Touch the file with a new figure.
                _ => lines.push(format!("Round {round} counted {} vessels.", 100 + round)),
            }
            lines.join("\n") + "\n"
        });
        // The index in use holds its extraction encoded, as built; every third round with every part decoded
        // (as answers leave it), and every third one read back from the store: the update must not care.
        let store_file = dir.0.join("index.bin");
        match round % 3 {
            1 => {
                for doc in &index.sources {
                    let _ = (doc.sentences.value(), doc.figures.value(), doc.names.value());
                }
            }
            2 => {
                store::write(&index, &store_file).expect("saved");
                let stored = store::read(&store_file).expect("read back");
                // The store as it is, as a restart takes it: the edit just made is then followed by the
                // update below, from the stored index.
                index = store::restore_unlisted(stored);
            }
            _ => {}
        }
        match index.update(std::slice::from_ref(file)) {
            Ok(updated) => {
                assert_same(&updated, &Index::load(&roots, &[]));
                index = updated;
                followed += 1;
            }
            Err(why) => {
                assert_eq!(why, NotUpdated::Entities, "round {round}");
                index = Index::load(&roots, &[]);
                refused += 1;
            }
        }
    }
    eprintln!("{followed} followed, {refused} refused");
    assert!(followed > 30, "most edits are followed: {followed} followed, {refused} refused");
}
