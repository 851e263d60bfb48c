//! The JSON Schema of each kind of document, generated from the same types
//! that print it; `schemas/<kind>.json` holds a copy that a test keeps equal,
//! and that copy is what `trustdeck schema` prints: the generator stays out
//! of the binary (smaller, and fewer pages resident).

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use super::error::ErrorBody;
use super::{Doc, Kind, VERSION};

/// The stored schema of `kind` (`schemas/<kind>.json`).
pub fn stored_schema(kind: Kind) -> &'static str {
    match kind {
        Kind::Error => include_str!("../../schemas/error.json"),
        Kind::Zones => include_str!("../../schemas/zones.json"),
        Kind::Accounts => include_str!("../../schemas/accounts.json"),
        Kind::CsamSetting => include_str!("../../schemas/csam_setting.json"),
        Kind::DlpSetting => include_str!("../../schemas/dlp_setting.json"),
        Kind::CsamWrite => include_str!("../../schemas/csam_write.json"),
        Kind::DlpWrite => include_str!("../../schemas/dlp_write.json"),
        Kind::DlpReset => include_str!("../../schemas/dlp_reset.json"),
        Kind::AuditLog => include_str!("../../schemas/audit_log.json"),
        Kind::AuditEntry => include_str!("../../schemas/audit_entry.json"),
        Kind::FleetScan => include_str!("../../schemas/fleet_scan.json"),
        Kind::FleetPlan => include_str!("../../schemas/fleet_plan.json"),
        Kind::FleetRun => include_str!("../../schemas/fleet_run.json"),
        Kind::FleetRuns => include_str!("../../schemas/fleet_runs.json"),
        Kind::DlpScan => include_str!("../../schemas/dlp_scan.json"),
        Kind::DlpPlan => include_str!("../../schemas/dlp_plan.json"),
        Kind::DlpRun => include_str!("../../schemas/dlp_run.json"),
    }
}

/// The schema of `kind`'s documents (draft 2020-12), as pretty JSON,
/// generated from the types.
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
        Kind::FleetScan => root::<super::FleetScanBody>(kind),
        Kind::FleetPlan => root::<super::FleetPlanBody>(kind),
        Kind::FleetRun => root::<super::FleetRunBody>(kind),
        Kind::FleetRuns => root::<super::FleetRunsBody>(kind),
        Kind::DlpScan => root::<super::DlpScanBody>(kind),
        Kind::DlpPlan => root::<super::DlpPlanBody>(kind),
        Kind::DlpRun => root::<super::DlpRunBody>(kind),
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
