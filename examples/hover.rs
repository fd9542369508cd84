//! Prints the hover Markdown for a word in a one-line note against the seed corpus:
//! `cargo run --example hover -- Kazakhstan`.
use research_lsp::analysis::{hover, NoLinks};
use research_lsp::corpus;
use research_lsp::index::Index;
use research_lsp::note::Note;

fn main() {
    let word = std::env::args().nth(1).unwrap_or_else(|| "Kazakhstan".to_string());
    let index = Index::build(corpus::seeds());
    let text = format!("{word} is the subject.\n");
    let note = Note::parse(&text, &index);
    match hover::hover(&index, &text, &note, 1, &NoLinks) {
        Some(h) => println!("{}", h.markdown),
        None => eprintln!("no hover for {word:?}"),
    }
}
