//! The documents of `csam set --json`, `dlp set --json` and `dlp reset
//! --json`: what was read, sent and answered, and the write's result.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Account, CsamSetting, DlpSetting, WriteResult, Zone};
use crate::api::model::{CsamPatch, DlpUpdate, MaskingLevel, ResponseInfo};
use crate::api::text::key_fingerprint;
use crate::outcome::{Adjustment, Field, FieldChange, Note, SaveWarning, Value};

/// `csam set --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamWriteBody {
    /// The zone written to.
    pub zone: Zone,
    /// Nothing was sent on purpose (`--dry-run`).
    pub dry_run: bool,
    /// `done`, `adjusted`, or `skipped` (nothing differed, or a dry run).
    pub result: WriteResult,
    /// The setting as read before.
    pub before: CsamSetting,
    /// The request body sent (or that a dry run would send); `null` when
    /// nothing differed.
    pub sent: Option<CsamSent>,
    /// The setting as the server answered the write.
    pub after: Option<CsamSetting>,
    /// What the server left other than asked.
    pub adjusted: Vec<Adjusted>,
    /// What else the write did.
    pub notes: Vec<Note>,
    /// Cloudflare's messages.
    pub messages: Vec<Message>,
    /// What was said before sending.
    pub warnings: Vec<SaveWarning>,
    /// On a dry run: what would stop the real one.
    pub blocked: Option<Blocked>,
}

/// `dlp set --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpWriteBody {
    /// The account written to.
    pub account: Account,
    /// Nothing was sent on purpose (`--dry-run`).
    pub dry_run: bool,
    /// `done`, `adjusted`, or `skipped` (nothing differed, or a dry run).
    pub result: WriteResult,
    /// The settings as read before.
    pub before: DlpSetting,
    /// The request body sent (or that a dry run would send), the key only as
    /// a fingerprint; `null` when nothing differed.
    pub sent: Option<DlpSent>,
    /// The settings as the server answered the write.
    pub after: Option<DlpSetting>,
    /// What the server left other than asked.
    pub adjusted: Vec<Adjusted>,
    /// What else the write did.
    pub notes: Vec<Note>,
    /// Cloudflare's messages.
    pub messages: Vec<Message>,
    /// On a dry run: what would stop the real one.
    pub blocked: Option<Blocked>,
}

/// `dlp reset --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpResetBody {
    /// The account reset.
    pub account: Account,
    /// `done`, `adjusted`, or `skipped` (already at the defaults).
    pub result: WriteResult,
    /// The settings as read before.
    pub before: DlpSetting,
    /// The settings as the server answered the reset.
    pub after: Option<DlpSetting>,
    /// What the server left other than its defaults.
    pub adjusted: Vec<Adjusted>,
    /// What else the reset did.
    pub notes: Vec<Note>,
    /// Cloudflare's messages.
    pub messages: Vec<Message>,
    /// Each field, now and after the reset.
    pub preview: Vec<Preview>,
}

/// What would stop a real run: `read_only` or `locked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Blocked {
    /// Read-only mode.
    ReadOnly,
    /// Locked by Trust & Safety.
    Locked,
}

/// A CSAM PATCH body: `{id, value: {email, enabled, resend_email, sources}}`,
/// `null` for what is not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamSent {
    /// The feature id, `csam_scanner`.
    pub id: Option<String>,
    /// The fields sent.
    pub value: CsamSentValue,
}

/// The fields of a CSAM PATCH.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamSentValue {
    /// A new notification email, as typed.
    pub email: Option<String>,
    /// Scanning on or off.
    pub enabled: Option<bool>,
    /// Whether the verification email is asked again.
    pub resend_email: bool,
    /// Sources switched on or off.
    pub sources: Option<BTreeMap<String, bool>>,
}

impl CsamSent {
    /// The body of `patch`.
    pub fn of(patch: &CsamPatch) -> Self {
        let value = patch.value.clone().unwrap_or_default();
        Self {
            id: patch.id.clone(),
            value: CsamSentValue {
                email: value.email,
                enabled: value.enabled,
                resend_email: value.resend_email,
                sources: value.sources,
            },
        }
    }
}

/// A DLP PATCH body, `null` for what is not sent; the key only as a
/// fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpSent {
    /// AI context analysis on or off.
    pub ai_context_analysis: Option<bool>,
    /// OCR on or off.
    pub ocr: Option<bool>,
    /// Payload logging changes.
    pub payload_logging: Option<PayloadLoggingSent>,
}

/// Payload-logging changes: `public_key_set: false` turns logging off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PayloadLoggingSent {
    /// A new masking level.
    #[schemars(with = "Option<String>")]
    pub masking_level: Option<MaskingLevel>,
    /// `true`: a new key is sent; `false`: the key is cleared; `null`: the
    /// key is not part of the write.
    pub public_key_set: Option<bool>,
    /// `SHA256:…` of the key sent.
    pub public_key_fingerprint: Option<String>,
}

impl DlpSent {
    /// The body of `update`.
    pub fn of(update: &DlpUpdate) -> Self {
        Self {
            ai_context_analysis: update.ai_context_analysis,
            ocr: update.ocr,
            payload_logging: update.payload_logging.as_ref().map(|logging| {
                let key = logging.public_key.as_deref().map(str::trim);
                PayloadLoggingSent {
                    masking_level: logging.masking_level.clone(),
                    public_key_set: key.map(|k| !k.is_empty()),
                    public_key_fingerprint: key.filter(|k| !k.is_empty()).map(key_fingerprint),
                }
            }),
        }
    }
}

/// A field's value: a switch, a word, or `null` when not reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldValue {
    /// On or off.
    Bool(bool),
    /// A level, a state.
    Text(String),
}

impl FieldValue {
    /// The document's words for `value` (`None`: not reported).
    pub fn of(value: &Value) -> Option<Self> {
        field_value(value)
    }
}

fn field_value(value: &Value) -> Option<FieldValue> {
    match value {
        Value::Bool(on) => Some(FieldValue::Bool(*on)),
        Value::Text(text) => Some(FieldValue::Text(text.clone())),
        Value::NotReported => None,
    }
}

/// A field by the path of its name in the setting: `enabled`,
/// `sources.NAME`, `email`, `ai_context_analysis`, `ocr`,
/// `payload_logging.masking_level`, `payload_logging.public_key_set`.
pub fn field_path(field: &Field) -> String {
    match field {
        Field::Scanning => "enabled".to_owned(),
        Field::Source(name) => format!("sources.{name}"),
        Field::Email => "email".to_owned(),
        Field::AiContextAnalysis => "ai_context_analysis".to_owned(),
        Field::Ocr => "ocr".to_owned(),
        Field::MaskingLevel => "payload_logging.masking_level".to_owned(),
        Field::PayloadLogging => "payload_logging.public_key_set".to_owned(),
    }
}

/// A field the server left other than asked: `{field, asked, now}`
/// (`asked: null` when the write did not touch it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Adjusted {
    /// The field's path, e.g. `enabled`, `sources.ncmec`.
    pub field: String,
    /// What was sent.
    pub asked: Option<FieldValue>,
    /// What the server answered.
    pub now: Option<FieldValue>,
}

impl Adjusted {
    /// The document's words for `adjustment`.
    pub fn of(adjustment: &Adjustment) -> Self {
        Self {
            field: field_path(&adjustment.field),
            asked: adjustment.asked.as_ref().and_then(field_value),
            now: field_value(&adjustment.now),
        }
    }
}

/// One field of a reset's preview: `{field, now, after}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Preview {
    /// The field's path.
    pub field: String,
    /// Its value now.
    pub now: Option<FieldValue>,
    /// Its value after the reset.
    pub after: Option<FieldValue>,
}

impl Preview {
    /// The document's words for `change`.
    pub fn of(change: &FieldChange) -> Self {
        Self {
            field: field_path(&change.field),
            now: field_value(&change.now),
            after: field_value(&change.after),
        }
    }
}

/// One of Cloudflare's messages: `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Message {
    /// Cloudflare's code.
    pub code: i64,
    /// Its text, as the server sent it.
    pub message: String,
}

impl Message {
    /// A message of Cloudflare's answer.
    pub fn of(info: &ResponseInfo) -> Self {
        Self {
            code: info.code,
            message: info.message.clone(),
        }
    }
}
