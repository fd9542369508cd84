//! Bibliographies: BibTeX/BibLaTeX (through the `biblatex` crate) and CSL-JSON. (Stub; being written.)
