//! Results in words: the status line's notices, read-only reasons, what a
//! save or reset did, and the reset preview's values. The reducer keeps
//! these as data; this is the one place that writes their sentences.

use crate::api::model::ResponseInfo;
use crate::input::{KeyContext, Keymap};
use crate::outcome::{Adjustment, Field, FieldChange, Note, SaveOutcome, SaveWarning, Value};
use crate::state::{Notice, Panel, ReadOnly};

/// Why a panel takes no edits, as the lock line says it.
pub fn read_only(reason: &ReadOnly) -> String {
    match reason {
        ReadOnly::LockedByTrustAndSafety => "Locked by Trust & Safety: read-only".to_owned(),
        ReadOnly::ReadOnlyMode => "Read-only mode".to_owned(),
        ReadOnly::MissingPermission { name: Some(name) } => {
            format!("Read-only: the token lacks '{name}'")
        }
        ReadOnly::MissingPermission { name: None } => {
            "Read-only: the token may not change this".to_owned()
        }
    }
}

/// A write row drawn while the panel takes no edits: what it would do, and
/// why it cannot (`reset to defaults · Read-only mode`).
pub fn unavailable(what: &str, reason: &ReadOnly) -> String {
    format!("{what} · {}", read_only(reason))
}

/// The status line's sentence for `notice`, naming the keys in force.
pub fn notice(notice: &Notice, keys: &Keymap) -> String {
    match notice {
        Notice::Text(text) => text.clone(),
        Notice::Saved {
            panel: Panel::Zone,
            name,
            outcome,
        } => csam_saved(name, outcome),
        Notice::Saved {
            panel: Panel::Account,
            name,
            outcome,
        } => dlp_saved(name, outcome),
        Notice::Reset { name, outcome } => reset(name, outcome),
        Notice::WriteFailed {
            panel,
            name,
            reset,
            error,
        } => {
            let (what, kept, key) = match (panel, reset) {
                (_, true) => (
                    format!("reset the DLP settings of {name}"),
                    "Nothing was changed",
                    keys.first_key(KeyContext::Settings, "reset"),
                ),
                (Panel::Zone, false) => (
                    format!("save the CSAM setting of {name}"),
                    "Your edits are kept",
                    keys.first_key(KeyContext::Settings, "save"),
                ),
                (Panel::Account, false) => (
                    format!("save the DLP settings of {name}"),
                    "Your edits are kept",
                    keys.first_key(KeyContext::Settings, "save"),
                ),
            };
            let next = if error.is_transient() {
                format!("{kept}; press {key} to retry.")
            } else {
                format!("{kept}.")
            };
            format!("Could not {what}: {error}. {next}")
        }
        Notice::LoadFailed { panel, name, error } => {
            let what = match panel {
                Panel::Zone => "the CSAM setting",
                Panel::Account => "the DLP settings",
            };
            format!("Could not load {what} of {name}: {error}. r retries.")
        }
    }
}

/// Cloudflare's messages as one sentence.
fn said(messages: &[ResponseInfo]) -> String {
    messages
        .iter()
        .map(|m| m.message.trim())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn csam_saved(name: &str, outcome: &SaveOutcome) -> String {
    let server = said(&outcome.messages);
    if outcome.as_asked() {
        let notes: Vec<&str> = outcome
            .notes
            .iter()
            .filter_map(|note| match note {
                Note::VerificationSent => Some("a verification email was sent to the new address"),
                Note::VerificationResent => Some("the verification email was re-sent"),
                Note::AlreadyVerified => None,
            })
            .collect();
        // Cloudflare's own words say what happened when it sends any; ours only fill in.
        let detail = if !server.is_empty() {
            format!(". Cloudflare: {server}")
        } else if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        };
        return format!("Saved the CSAM Scanner setting of {name}{detail}.");
    }
    let differences: Vec<String> = outcome.adjusted.iter().map(csam_difference).collect();
    let why = if server.is_empty() {
        String::new()
    } else {
        format!(": {server}")
    };
    format!(
        "Saved {name}, but the server {}{why}.",
        differences.join(" and ")
    )
}

/// One CSAM adjustment: "kept scanning off", "turned scanning off", "left
/// source x on".
fn csam_difference(adjustment: &Adjustment) -> String {
    let now = adjustment.now.words();
    match (&adjustment.field, &adjustment.asked) {
        (Field::Scanning, Some(_)) => format!("kept scanning {now}"),
        (Field::Scanning, None) => format!("turned scanning {now}"),
        (Field::Source(source), _) => format!("left source {source} {now}"),
        (field, _) => format!("left {} {now}", field.words()),
    }
}

fn dlp_saved(name: &str, outcome: &SaveOutcome) -> String {
    let server = said(&outcome.messages);
    let server = if server.is_empty() {
        String::new()
    } else {
        format!(" Cloudflare: {server}.")
    };
    if outcome.as_asked() {
        return format!("Saved DLP settings of {name}.{server}");
    }
    let fields: Vec<String> = outcome.adjusted.iter().map(|a| a.field.words()).collect();
    format!(
        "Saved {name}, but Cloudflare kept its own value for {}.{server}",
        fields.join(" and ")
    )
}

fn reset(name: &str, outcome: &SaveOutcome) -> String {
    if outcome.as_asked() {
        return format!(
            "DLP settings of {name} reset to defaults; the panel shows what Cloudflare returned."
        );
    }
    let kept: Vec<String> = outcome
        .adjusted
        .iter()
        .map(|a| format!("{} is {}", a.field.words(), a.now.words()))
        .collect();
    format!(
        "Reset {name}, but Cloudflare did not return the defaults the dialog listed: {}.",
        kept.join("; ")
    )
}

/// A reset preview line's field, as the dialog's table names it.
pub fn change_field(change: &FieldChange) -> String {
    let words = change.field.words();
    let words = words.strip_prefix("the ").unwrap_or(&words);
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A reset preview value: payload logging says whether a key is set.
pub fn change_value(field: &Field, value: &Value) -> String {
    match (field, value) {
        (Field::PayloadLogging, Value::Bool(true)) => "on (key set)".to_owned(),
        (Field::PayloadLogging, Value::Bool(false)) => "off (no key)".to_owned(),
        (Field::MaskingLevel, Value::NotReported) => "not set".to_owned(),
        (_, value) => value.words(),
    }
}

/// What a zone save will do that the admin may not expect, asked before it
/// is sent.
pub fn save_warnings(zone: &str, warnings: &[SaveWarning]) -> String {
    let said: Vec<&str> = warnings
        .iter()
        .map(|warning| match warning {
            SaveWarning::EmailStopsScanning => {
                "The new email turns scanning off until the address is verified; a \
                 verification email is sent to it."
            }
            SaveWarning::StaysOff => {
                "The email is not verified: the server will keep scanning off until it is."
            }
            SaveWarning::NoSource => {
                "Every source will be off while scanning is on: the zone will scan nothing."
            }
        })
        .collect();
    format!("Saving {zone}: {}", said.join(" "))
}
