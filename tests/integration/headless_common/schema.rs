//! Checks a document against its kind's schema in `schemas/`.

use serde_json::Value;

/// The stored schema of `kind`.
pub fn stored(kind: &str) -> Value {
    let path = format!("{}/schemas/{kind}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Asserts `document` says it is `kind`, version 2, and is valid against
/// `schemas/<kind>.json`; lists every violation when not.
pub fn assert_valid(kind: &str, document: &Value) {
    assert_eq!(document["kind"], kind, "{document:#}");
    assert_eq!(document["version"], 2, "{document:#}");
    let schema = stored(kind);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("schemas/{kind}.json is not a schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{kind} document breaks its schema:\n{}\n{document:#}",
        errors.join("\n")
    );
}
