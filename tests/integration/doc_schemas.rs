//! Every kind of document has a schema in `schemas/`, equal to the one
//! generated from the types that print the documents, and `trustdeck schema
//! KIND` prints it. `TRUSTDECK_WRITE_SCHEMAS=1 cargo test --test integration doc_schemas`
//! rewrites the stored copies after a deliberate change.

use std::process::Command;

fn trustdeck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trustdeck"))
        .args(args)
        .env_clear()
        .output()
        .expect("the binary runs")
}

fn kinds() -> Vec<String> {
    let listed = trustdeck(&["schema"]);
    assert!(listed.status.success(), "{listed:?}");
    String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_kind_has_its_schema_stored_and_it_is_a_schema() {
    let dir = format!("{}/schemas", env!("CARGO_MANIFEST_DIR"));
    let write = std::env::var_os("TRUSTDECK_WRITE_SCHEMAS").is_some();
    let kinds = kinds();
    assert!(kinds.contains(&"error".to_owned()), "{kinds:?}");
    for kind in &kinds {
        let known = trustdeck::doc::Kind::from_name(kind).expect("a kind the library knows");
        let text = trustdeck::doc::schema_text(known);
        let path = format!("{dir}/{kind}.json");
        if write {
            std::fs::write(&path, &text).unwrap();
        }
        let stored = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (TRUSTDECK_WRITE_SCHEMAS=1 writes it)"));
        assert_eq!(
            stored, text,
            "{path} differs from the schema the types make (TRUSTDECK_WRITE_SCHEMAS=1 rewrites it)"
        );
        let printed = trustdeck(&["schema", kind]);
        assert!(printed.status.success(), "{kind}: {printed:?}");
        assert_eq!(
            String::from_utf8(printed.stdout).unwrap(),
            stored,
            "`trustdeck schema {kind}` prints the stored schema (build again after rewriting it)"
        );
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            schema["properties"]["kind"]["const"], *kind,
            "{kind}: the schema pins its kind"
        );
    }
    let stored: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .replace(".json", "")
        })
        .collect();
    for name in stored {
        assert!(
            kinds.contains(&name),
            "schemas/{name}.json is no kind any more"
        );
    }
}

#[test]
fn an_unknown_kind_is_refused_with_the_list_named() {
    let out = trustdeck(&["schema", "zonez"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`trustdeck schema` lists them"), "{stderr}");
}
