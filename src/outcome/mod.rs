//! What a write did, as data: which fields the server left other than
//! asked (adjustments), what else happened (notes, decided by Cloudflare's
//! message codes, never by their text), and the reset preview as typed
//! field changes. Pure functions, no terminal and no dashboard state: the
//! dashboard turns these into sentences, a headless command into JSON.

mod csam;
mod dlp;
mod warning;

pub use csam::csam_outcome;
pub use dlp::{dlp_at_defaults, dlp_outcome, dlp_reset_outcome, dlp_reset_preview};
pub use warning::{SaveWarning, csam_warnings};

use serde::{Deserialize, Serialize};

use crate::api::model::ResponseInfo;

/// A setting's field, named the same way for every face.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "name", rename_all = "snake_case")]
pub enum Field {
    /// CSAM scanning on/off (`value.enabled`).
    Scanning,
    /// A CSAM scanning source (`value.sources.NAME`).
    Source(String),
    /// The notification email (`value.email`).
    Email,
    /// DLP AI context analysis.
    AiContextAnalysis,
    /// DLP OCR.
    Ocr,
    /// DLP payload-log masking level.
    MaskingLevel,
    /// DLP payload logging (on while a public key is set).
    PayloadLogging,
}

impl Field {
    /// The field in words, for a person.
    pub fn words(&self) -> String {
        match self {
            Self::Scanning => "scanning".to_owned(),
            Self::Source(name) => format!("source {name}"),
            Self::Email => "the notification email".to_owned(),
            Self::AiContextAnalysis => "AI context analysis".to_owned(),
            Self::Ocr => "OCR".to_owned(),
            Self::MaskingLevel => "the masking level".to_owned(),
            Self::PayloadLogging => "payload logging".to_owned(),
        }
    }
}

/// A field's value, as far as an outcome cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// On or off.
    Bool(bool),
    /// A level, a state.
    Text(String),
    /// The server did not report the field.
    NotReported,
}

impl Value {
    /// The value in words: `on`, `off`, `partial`, `not reported`.
    pub fn words(&self) -> String {
        match self {
            Self::Bool(true) => "on".to_owned(),
            Self::Bool(false) => "off".to_owned(),
            Self::Text(text) => text.clone(),
            Self::NotReported => "not reported".to_owned(),
        }
    }
}

impl From<Option<bool>> for Value {
    fn from(value: Option<bool>) -> Self {
        value.map_or(Self::NotReported, Self::Bool)
    }
}

/// A field the server left other than asked, or changed without being asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Which field.
    #[serde(flatten)]
    pub field: Field,
    /// What was sent; `None` when the field was not part of the write.
    pub asked: Option<Value>,
    /// What the server returned.
    pub now: Value,
}

/// Something a write did besides its fields, learned from the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// A new notification email went pending: a verification was sent.
    VerificationSent,
    /// The verification email was sent again.
    VerificationResent,
    /// A re-send was asked for an address already verified: nothing sent.
    AlreadyVerified,
}

/// What a save (PATCH), or a reset, did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveOutcome {
    /// Fields the server left other than asked (empty: done as asked).
    pub adjusted: Vec<Adjustment>,
    /// What else happened.
    pub notes: Vec<Note>,
    /// Cloudflare's own messages, as sent.
    pub messages: Vec<ResponseInfo>,
}

impl SaveOutcome {
    /// True when the server did exactly what was asked.
    pub fn as_asked(&self) -> bool {
        self.adjusted.is_empty()
    }
}

/// One line of the reset preview: a field, its value now, and after reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Which field.
    #[serde(flatten)]
    pub field: Field,
    /// Its value now.
    pub now: Value,
    /// Its value after the reset.
    pub after: Value,
}

/// Message codes the mock uses where Cloudflare documents none (see the
/// README): they decide notes, never the text of a message.
pub mod codes {
    /// `enabled: true` kept false: the notification email is not verified.
    pub const SCANNING_KEPT_OFF: i64 = 1101;
    /// `resend_email` on an address already verified; nothing was sent.
    pub const ALREADY_VERIFIED: i64 = 1102;
    /// A verification email went to a new address.
    pub const VERIFICATION_SENT: i64 = 1103;
    /// The verification email was sent again.
    pub const VERIFICATION_RESENT: i64 = 1104;
}

/// True when Cloudflare's messages carry `code`.
fn has_code(messages: &[ResponseInfo], code: i64) -> bool {
    messages.iter().any(|m| m.code == code)
}
