//! Configuration: which corpus to index.
//!
//! The corpus comes from the first of: the client's settings (`initializationOptions`, or the `researchLsp`
//! section of `workspace/didChangeConfiguration`), the `corpus` key of `.research-lsp.toml` at the workspace
//! root, and the embedded seed corpus. Paths are absolute or relative to the workspace root (for the TOML
//! file, relative to the file's directory). Unknown keys are reported once, never an error.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The name of the workspace configuration file.
pub const CONFIG_FILE: &str = ".research-lsp.toml";

/// Settings as the client or the file gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The corpus paths, as written.
    pub corpus: Option<Vec<String>>,
    /// Whether to show "in N sources" inlay hints beside an entity's first mention in a note.
    pub inlay_hints: Option<bool>,
    /// Whether to keep the index in the cache directory between sessions.
    pub persist_index: Option<bool>,
    /// Keys we do not know, for a one-time note in the log.
    pub unknown: Vec<String>,
    /// Values of the wrong type.
    pub errors: Vec<String>,
}

/// Reads settings from a JSON object, accepting both `{"corpus": ...}` and `{"researchLsp": {"corpus": ...}}`.
pub fn from_json(value: &Value) -> Settings {
    let mut settings = Settings::default();
    let Some(obj) = value.as_object() else {
        if !value.is_null() {
            settings.errors.push("settings must be an object".to_string());
        }
        return settings;
    };
    if let Some(inner) = obj.get("researchLsp").or_else(|| obj.get("research-lsp")) {
        return from_json(inner);
    }
    for (key, v) in obj {
        match key.as_str() {
            "corpus" => match v {
                Value::Null => {}
                Value::String(s) => settings.corpus = Some(vec![s.clone()]),
                Value::Array(items) => {
                    let mut paths = Vec::new();
                    for item in items {
                        match item.as_str() {
                            Some(s) => paths.push(s.to_string()),
                            None => settings.errors.push(format!("corpus: {item} is not a path string")),
                        }
                    }
                    settings.corpus = Some(paths);
                }
                other => settings.errors.push(format!("corpus must be a list of paths, not {other}")),
            },
            "inlayHints" => match v {
                Value::Bool(b) => settings.inlay_hints = Some(*b),
                Value::Null => {}
                other => settings.errors.push(format!("inlayHints must be true or false, not {other}")),
            },
            "persistIndex" => match v {
                Value::Bool(b) => settings.persist_index = Some(*b),
                Value::Null => {}
                other => settings.errors.push(format!("persistIndex must be true or false, not {other}")),
            },
            // Keys that editors send in the same section and that we knowingly ignore.
            "trace" | "server" | "enable" => {}
            other => settings.unknown.push(other.to_string()),
        }
    }
    settings
}

/// Reads `.research-lsp.toml` in `root`, if it exists. A file that cannot be parsed is an error message.
pub fn from_file(root: &Path) -> Result<Option<Settings>, String> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let value: toml::Value = toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    let json = serde_json::to_value(value).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(from_json(&json)))
}

/// Resolves corpus paths against a base directory; `~/` is the home directory.
pub fn resolve_paths(paths: &[String], base: Option<&Path>) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|p| {
            let path = match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
                (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
                _ => PathBuf::from(p),
            };
            match base {
                Some(base) if path.is_relative() => base.join(path),
                _ => path,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_table() {
        // (name, JSON, corpus, unknown keys, has errors)
        let cases: Vec<(&str, Value, Option<Vec<&str>>, Vec<&str>, bool)> = vec![
            ("flat", json!({"corpus": ["a", "b"]}), Some(vec!["a", "b"]), vec![], false),
            ("nested_section", json!({"researchLsp": {"corpus": ["a"]}}), Some(vec!["a"]), vec![], false),
            ("single_string", json!({"corpus": "a"}), Some(vec!["a"]), vec![], false),
            ("unknown_key", json!({"corpus": [], "colour": 1}), Some(vec![]), vec!["colour"], false),
            ("wrong_type", json!({"corpus": 3}), None, vec![], true),
            ("null", Value::Null, None, vec![], false),
            ("not_object", json!([1]), None, vec![], true),
        ];
        for (name, value, corpus, unknown, errors) in cases {
            let s = from_json(&value);
            assert_eq!(s.corpus, corpus.map(|c| c.iter().map(|p| p.to_string()).collect()), "{name}");
            assert_eq!(s.unknown, unknown, "{name}");
            assert_eq!(!s.errors.is_empty(), errors, "{name}");
        }
    }

    #[test]
    fn switches() {
        let s = from_json(&json!({"inlayHints": true, "persistIndex": false}));
        assert_eq!((s.inlay_hints, s.persist_index), (Some(true), Some(false)));
        assert!(s.errors.is_empty() && s.unknown.is_empty());
        let s = from_json(&json!({"persistIndex": "no"}));
        assert_eq!(s.persist_index, None);
        assert_eq!(s.errors, vec!["persistIndex must be true or false, not \"no\"".to_string()]);
    }
}
