//! Entities: proper names of places, organisations, people and initiatives. (Stub; being written.)

use super::{DocNames, Resolution, Sentence};

/// Finds the names in one document.
pub fn extract(_text: &str, _sentences: &[Sentence]) -> DocNames {
    DocNames::default()
}

/// Merges the names of all documents of a corpus into entities.
pub fn resolve(docs: &[&DocNames]) -> Resolution {
    Resolution { entities: Vec::new(), assignment: docs.iter().map(|d| vec![None; d.mentions.len()]).collect() }
}
