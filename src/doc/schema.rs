//! The JSON Schema of each kind of document, generated from the same types
//! that print it; `schemas/<kind>.json` holds a copy that a test keeps equal.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use super::error::ErrorBody;
use super::{Doc, Kind, VERSION};

/// The schema of `kind`'s documents (draft 2020-12), as pretty JSON.
pub fn schema_text(kind: Kind) -> String {
    let schema = match kind {
        Kind::Error => root::<ErrorBody>(kind),
        Kind::Zones => root::<super::lists::ZonesBody>(kind),
        Kind::Accounts => root::<super::lists::AccountsBody>(kind),
        Kind::CsamSetting => root::<super::settings::CsamSettingBody>(kind),
        Kind::DlpSetting => root::<super::settings::DlpSettingBody>(kind),
        Kind::CsamWrite => root::<super::write::CsamWriteBody>(kind),
        Kind::DlpWrite => root::<super::write::DlpWriteBody>(kind),
        Kind::DlpReset => root::<super::write::DlpResetBody>(kind),
        Kind::AuditLog => root::<super::audit::AuditLogBody>(kind),
        Kind::AuditEntry => root::<super::audit::AuditEntry>(kind),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// The schema of a `Doc<T>` whose `kind` and `version` are pinned.
fn root<T: JsonSchema>(kind: Kind) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Doc<T>>().to_value();
    require_every_key(&mut schema);
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        defs.remove("Kind");
    }
    schema["title"] = Value::from(kind.name());
    if let Some(properties) = schema.get_mut("properties") {
        properties["kind"] = constant(Value::from(kind.name()));
        properties["version"] = constant(Value::from(VERSION));
    }
    schema
}

/// Every key of every object is required: documents print `null` for what
/// is not known, never leave a key out.
fn require_every_key(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get("properties") {
                let keys = properties.keys().cloned().map(Value::from).collect();
                object.insert("required".to_owned(), Value::Array(keys));
            }
            object.values_mut().for_each(require_every_key);
        }
        Value::Array(items) => items.iter_mut().for_each(require_every_key),
        _ => {}
    }
}

fn constant(value: Value) -> Value {
    Value::Object(Map::from_iter([("const".to_owned(), value)]))
}
