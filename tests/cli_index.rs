//! The `index` command: the JSON contract, the summary line, hostile input, and errors.

mod support;

use std::process::Command;

use expect_test::expect;
use serde_json::Value;
use support::TempDir;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_research-lsp")).args(args).output().expect("run research-lsp");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The text at a 0-based line and UTF-16 column of `text`, `len` bytes long.
fn at(text: &str, line: u64, character: u64, len: usize) -> String {
    let start_of_line = text.split_inclusive('\n').take(line as usize).map(str::len).sum::<usize>();
    let mut units = 0;
    let mut offset = start_of_line;
    for (i, c) in text[start_of_line..].char_indices() {
        if units >= character {
            offset = start_of_line + i;
            break;
        }
        units += c.len_utf16() as u64;
    }
    text.get(offset..offset + len).unwrap_or("").to_string()
}

#[test]
fn json_contract_on_the_seeds() {
    let (code, out, _) = run(&["index", "--json"]);
    assert_eq!(code, 0);
    let index: Value = serde_json::from_str(&out).expect("one JSON object");
    let sources = index["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 5);
    for s in sources {
        for field in ["key", "title", "author", "date", "path"] {
            assert!(s.get(field).is_some(), "{field} in {s}");
        }
    }
    let texts: std::collections::HashMap<String, String> = sources
        .iter()
        .map(|s| {
            let name = std::path::Path::new(s["path"].as_str().unwrap()).file_name().unwrap().to_owned();
            let text =
                std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(name))
                    .unwrap();
            (s["key"].as_str().unwrap().to_string(), text)
        })
        .collect();
    // Every mention and figure sits where its line and UTF-16 character say, with its exact text.
    let entities = index["entities"].as_array().unwrap();
    assert!(entities.len() > 50);
    for e in entities {
        assert!(["place", "organization", "person", "other"].contains(&e["kind"].as_str().unwrap()));
        assert!(e["aliases"].is_array());
        for m in e["mentions"].as_array().unwrap() {
            let text = m["text"].as_str().unwrap();
            let src = &texts[m["source"].as_str().unwrap()];
            assert_eq!(at(src, m["line"].as_u64().unwrap(), m["character"].as_u64().unwrap(), text.len()), text, "{m}");
        }
    }
    let figures = index["figures"].as_array().unwrap();
    assert!(figures.len() > 10);
    for f in figures {
        let text = f["text"].as_str().unwrap();
        let src = &texts[f["source"].as_str().unwrap()];
        assert_eq!(at(src, f["line"].as_u64().unwrap(), f["character"].as_u64().unwrap(), text.len()), text);
        assert!(f["sentence"].as_str().unwrap().contains(text));
        assert!(src.contains(f["sentence"].as_str().unwrap()), "the sentence is verbatim");
        assert!(f["value"].as_f64().is_some() && f["unit"].is_string());
    }
}

#[test]
fn seed_index_summary() {
    let (code, out, _) = run(&["index", "--json"]);
    assert_eq!(code, 0);
    let index: Value = serde_json::from_str(&out).unwrap();
    let mut entities: Vec<&Value> = index["entities"].as_array().unwrap().iter().collect();
    entities.sort_by_key(|e| std::cmp::Reverse(e["mentions"].as_array().unwrap().len()));
    let mut summary = format!(
        "{} sources, {} entities, {} figures\n",
        index["sources"].as_array().unwrap().len(),
        entities.len(),
        index["figures"].as_array().unwrap().len()
    );
    for e in entities.iter().take(20) {
        let aliases: Vec<&str> = e["aliases"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        summary.push_str(&format!(
            "{} ({}) {} [{}]\n",
            e["name"].as_str().unwrap(),
            e["kind"].as_str().unwrap(),
            e["mentions"].as_array().unwrap().len(),
            aliases.join(", ")
        ));
    }
    expect![[r#"
        5 sources, 155 entities, 53 figures
        Russia (place) 135 []
        Central Asia (place) 72 []
        Moscow (place) 40 []
        Kazakhstan (place) 26 []
        Uzbekistan (place) 22 []
        European Union (organization) 20 [EU]
        United States (place) 19 [US]
        Eurasian Economic Union (organization) 18 [EAEU]
        Ukraine (place) 18 []
        China (place) 16 []
        Tajikistan (place) 16 []
        Kyrgyzstan (place) 15 []
        Collective Security Treaty Organization (organization) 14 [CSTO, Collective Security Treaty Organisation]
        Kremlin (other) 13 []
        Asia (place) 10 []
        West (place) 10 []
        Turkmenistan (place) 9 []
        Commonwealth of Independent States (organization) 7 [CIS]
        Donald Trump (person) 7 [Trump]
        Trans-Caspian International Transport Route (other) 7 [TITR]
    "#]]
    .assert_eq(&summary);
}

#[test]
fn stats_is_one_line() {
    let (code, out, err) = run(&["index", "--stats"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("sources: 5, entities: "), "{out}");
    assert!(lines[0].contains(", bytes: 62810, ms: "), "{out}");
}

#[test]
fn hostile_input_is_warned_about_and_the_rest_is_indexed() {
    let dir = TempDir::new("hostile");
    let p = dir.path();
    std::fs::write(
        p.join("random.txt"),
        (0..20000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    std::fs::write(p.join("latin1.txt"), b"Caf\xe9 talks in Kazakhstan cost $5 billion.\n").unwrap();
    std::fs::write(p.join("empty.md"), "").unwrap();
    std::fs::write(p.join("oneline.md"), "Kazakhstan trade rose 12 percent in 2021, Astana said. ".repeat(20000))
        .unwrap();
    std::fs::create_dir_all(p.join("nothing/here")).unwrap();
    std::fs::write(p.join("good.txt"), "Good news\n\nThe Baltic Ferry Council said fares rose 4 percent.\n").unwrap();
    let missing = p.join("no-such-dir");
    let (code, out, err) =
        run(&["index", "--stats", "--corpus", p.to_str().unwrap(), "--corpus", missing.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("sources: 4,"), "latin1, empty, oneline, good: {out}");
    assert!(err.contains("random.txt: binary file skipped"), "{err}");
    assert!(err.contains("latin1.txt: not UTF-8"), "{err}");
    assert!(err.contains("no-such-dir: no such file or directory"), "{err}");
    assert!(err.lines().all(|l| l.starts_with("research-lsp: warning: ")), "{err}");
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let (code, out, err) = run(&["index", "--bogus"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("research-lsp: error: "), "{err}");
}
