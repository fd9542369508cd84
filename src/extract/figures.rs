//! Figures: money, percentages, ranges, counts, multipliers. (Stub; being written.)

use super::{Figure, Sentence};

/// Finds the cited figures of one document.
pub fn extract(_text: &str, _sentences: &[Sentence]) -> Vec<Figure> {
    Vec::new()
}
