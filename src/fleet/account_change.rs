//! The one DLP change a bulk run makes on every account it sends to, as
//! data: which fields it sets (or a reset to the defaults), checked before
//! anything is planned; the one write of what differs on an account; and its
//! words. The payload-logging key is shown only by its fingerprint.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::account_row::{DlpState, Masking};
use crate::api::model::{DlpUpdate, MaskingLevel, PayloadLoggingUpdate};
use crate::api::text::key_fingerprint;

/// Characters of an X25519 public key in standard, padded base64.
const KEY_CHARS: usize = 44;
/// Bytes of an X25519 public key.
const KEY_BYTES: usize = 32;

/// What a bulk run changes in each account's DLP settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DlpChange {
    /// Some fields set, the others kept (one PATCH of what differs).
    Edit(DlpEdit),
    /// Every field back to its default (the DELETE).
    Reset,
    /// Each account's own values put back (a revert): the edit of every
    /// entry's `restore` ([`super::AccountPlanEntry::change_for`]); alone
    /// it writes nothing.
    Restore,
}

/// The fields an edit sets; at least one. Built by [`DlpChangeBuilder`],
/// and checked again when read back from a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "EditWire", into = "EditWire")]
pub struct DlpEdit {
    ocr: Option<bool>,
    ai_context_analysis: Option<bool>,
    masking: Option<Masking>,
    key: Option<KeyChange>,
}

/// A change of the payload-logging key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum KeyChange {
    /// Payload logging on with this key.
    Set {
        /// The key in full (base64 of 32 bytes). Kept whole in the run's
        /// journal (0600), so a resumed run can send it; shown everywhere
        /// else by its fingerprint.
        public_key: String,
    },
    /// No key: payload logging off (`public_key: ""`).
    Clear,
}

/// [`DlpEdit`] as it is stored.
#[derive(Clone, Serialize, Deserialize)]
struct EditWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ocr: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ai_context_analysis: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    masking: Option<Masking>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<KeyChange>,
}

impl From<DlpEdit> for EditWire {
    fn from(edit: DlpEdit) -> Self {
        Self {
            ocr: edit.ocr,
            ai_context_analysis: edit.ai_context_analysis,
            masking: edit.masking,
            key: edit.key,
        }
    }
}

impl TryFrom<EditWire> for DlpEdit {
    type Error = DlpChangeError;

    fn try_from(wire: EditWire) -> Result<Self, DlpChangeError> {
        let mut builder = DlpChangeBuilder {
            ocr: wire.ocr,
            ai_context_analysis: wire.ai_context_analysis,
            masking: wire.masking,
            ..DlpChangeBuilder::default()
        };
        match wire.key {
            Some(KeyChange::Set { public_key }) => builder.public_key = Some(public_key),
            Some(KeyChange::Clear) => builder.clear_key = true,
            None => {}
        }
        match builder.build()? {
            DlpChange::Edit(edit) => Ok(edit),
            DlpChange::Reset | DlpChange::Restore => Err(DlpChangeError::Nothing),
        }
    }
}

/// Why a DLP change was refused before anything was planned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DlpChangeError {
    /// No field named and no reset.
    #[error("nothing to change: name at least one field, or a reset")]
    Nothing,
    /// A reset with fields of its own.
    #[error("a reset puts every field back to its default: it takes no other change")]
    ResetWithOthers,
    /// A key set and cleared at once.
    #[error("a public key cannot be set and cleared at once: choose one")]
    KeyAndClear,
    /// A masking level this version does not know cannot be set.
    #[error("the masking level must be full, partial, clear or default")]
    Masking,
    /// The payload-logging key is not an X25519 public key.
    #[error("the public key {0}")]
    PublicKey(String),
}

/// Collects a [`DlpChange`]'s parts; [`DlpChangeBuilder::build`] checks
/// them together.
#[derive(Debug, Clone, Default)]
pub struct DlpChangeBuilder {
    ocr: Option<bool>,
    ai_context_analysis: Option<bool>,
    masking: Option<Masking>,
    public_key: Option<String>,
    clear_key: bool,
    reset: bool,
}

impl DlpChangeBuilder {
    /// OCR on or off.
    pub fn ocr(mut self, on: bool) -> Self {
        self.ocr = Some(on);
        self
    }

    /// AI context analysis on or off.
    pub fn ai_context_analysis(mut self, on: bool) -> Self {
        self.ai_context_analysis = Some(on);
        self
    }

    /// The masking level.
    pub fn masking(mut self, level: Masking) -> Self {
        self.masking = Some(level);
        self
    }

    /// Payload logging on with this key (checked by `build`).
    pub fn public_key(mut self, key: &str) -> Self {
        self.public_key = Some(key.to_owned());
        self
    }

    /// Payload logging off.
    pub fn clear_public_key(mut self) -> Self {
        self.clear_key = true;
        self
    }

    /// Every field back to its default; alone.
    pub fn reset(mut self) -> Self {
        self.reset = true;
        self
    }

    /// The change, or why it is refused.
    pub fn build(self) -> Result<DlpChange, DlpChangeError> {
        let any_field = self.ocr.is_some()
            || self.ai_context_analysis.is_some()
            || self.masking.is_some()
            || self.public_key.is_some()
            || self.clear_key;
        if self.reset {
            return if any_field {
                Err(DlpChangeError::ResetWithOthers)
            } else {
                Ok(DlpChange::Reset)
            };
        }
        if !any_field {
            return Err(DlpChangeError::Nothing);
        }
        if self.masking == Some(Masking::Other) {
            return Err(DlpChangeError::Masking);
        }
        let key = match (self.public_key, self.clear_key) {
            (Some(_), true) => return Err(DlpChangeError::KeyAndClear),
            (Some(key), false) => {
                check_public_key(&key).map_err(DlpChangeError::PublicKey)?;
                Some(KeyChange::Set { public_key: key })
            }
            (None, true) => Some(KeyChange::Clear),
            (None, false) => None,
        };
        Ok(DlpChange::Edit(DlpEdit {
            ocr: self.ocr,
            ai_context_analysis: self.ai_context_analysis,
            masking: self.masking,
            key,
        }))
    }
}

/// Whether `key` is an X25519 public key in standard padded base64 (44
/// characters, 32 bytes); the error says what is wrong, naming at most one
/// character of it (positions count characters from 1).
pub fn check_public_key(key: &str) -> Result<(), String> {
    use base64::Engine as _;
    if key.is_empty() {
        return Err("is empty: use --clear-public-key to turn payload logging off".to_owned());
    }
    let chars: Vec<char> = key.chars().collect();
    let padding = chars.iter().rev().take_while(|c| **c == '=').count().min(2);
    let body = chars.len() - padding;
    let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    let stray = chars
        .iter()
        .position(|c| !alphabet(*c) && *c != '=')
        .or_else(|| chars[..body].iter().position(|c| !alphabet(*c)));
    if let Some(at) = stray {
        return Err(format!(
            "is not base64: the character {:?} at position {}",
            chars[at],
            at + 1
        ));
    }
    if chars.len() != KEY_CHARS {
        return Err(format!(
            "is {} characters, an X25519 public key in base64 is {KEY_CHARS}",
            chars.len()
        ));
    }
    match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(bytes) if bytes.len() == KEY_BYTES => Ok(()),
        Ok(bytes) => Err(format!("decodes to {} bytes, not {KEY_BYTES}", bytes.len())),
        Err(base64::DecodeError::InvalidLastSymbol(at, byte)) => Err(format!(
            "is not canonical base64: the character {:?} at position {} leaves bits over",
            char::from(byte),
            at + 1
        )),
        Err(_) => Err("is not standard base64 (A–Z a–z 0–9 + /, padded with =)".to_owned()),
    }
}

/// The one request that makes an account's settings what a change asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum DlpWrite {
    /// A PATCH of only what differs.
    Patch {
        /// Its body.
        update: DlpUpdate,
    },
    /// The DELETE that resets every field.
    Reset,
}

/// The settings a reset leaves: a new account's (see the mock's
/// `DlpSettings::defaults` and [`crate::outcome::dlp_reset_preview`]).
pub fn at_defaults(state: &DlpState) -> bool {
    !state.ai_context_analysis
        && !state.ocr
        && !state.has_key()
        && state.masking == Some(Masking::Default)
}

impl DlpEdit {
    /// OCR, when the edit sets it.
    pub fn ocr(&self) -> Option<bool> {
        self.ocr
    }

    /// AI context analysis, when the edit sets it.
    pub fn ai_context_analysis(&self) -> Option<bool> {
        self.ai_context_analysis
    }

    /// The masking level, when the edit sets it.
    pub fn masking(&self) -> Option<Masking> {
        self.masking
    }

    /// The key change, when the edit makes one.
    pub fn key(&self) -> Option<&KeyChange> {
        self.key.as_ref()
    }

    /// The PATCH of only what differs from `state`; `None` when the account
    /// already is as the edit asks. A set key is compared by fingerprint (a
    /// row keeps no key).
    pub fn patch_for(&self, state: &DlpState) -> Option<DlpUpdate> {
        let differs = |want: Option<bool>, now: bool| want.filter(|w| *w != now);
        let masking_level = self
            .masking
            .filter(|m| state.masking != Some(*m))
            .map(level_of);
        let public_key = match &self.key {
            Some(KeyChange::Set { public_key })
                if state.key_fingerprint.as_deref() != Some(&key_fingerprint(public_key)) =>
            {
                Some(public_key.clone())
            }
            Some(KeyChange::Clear) if state.has_key() => Some(String::new()),
            _ => None,
        };
        let payload_logging =
            (masking_level.is_some() || public_key.is_some()).then_some(PayloadLoggingUpdate {
                masking_level,
                public_key,
            });
        let update = DlpUpdate {
            ai_context_analysis: differs(self.ai_context_analysis, state.ai_context_analysis),
            ocr: differs(self.ocr, state.ocr),
            payload_logging,
        };
        (!update.is_empty()).then_some(update)
    }
}

/// The API's level of a small value ([`Masking::Other`] is never built into
/// an edit).
fn level_of(masking: Masking) -> MaskingLevel {
    match masking {
        Masking::Full => MaskingLevel::Full,
        Masking::Partial => MaskingLevel::Partial,
        Masking::Clear => MaskingLevel::Clear,
        Masking::Default | Masking::Other => MaskingLevel::Default,
    }
}

impl DlpChange {
    /// A change built part by part.
    pub fn builder() -> DlpChangeBuilder {
        DlpChangeBuilder::default()
    }

    /// The request that makes `state` what the change asks; `None` when it
    /// already is (a reset of an account at its defaults included).
    pub fn write_for(&self, state: &DlpState) -> Option<DlpWrite> {
        match self {
            Self::Edit(edit) => edit
                .patch_for(state)
                .map(|update| DlpWrite::Patch { update }),
            Self::Reset => (!at_defaults(state)).then_some(DlpWrite::Reset),
            Self::Restore => None,
        }
    }

    /// True when the admin types the number of accounts before the run:
    /// clearing the public key, setting masking to clear, or resetting more
    /// than one account. Nothing to send asks nothing.
    pub fn needs_typed_count(&self, accounts_to_send: usize) -> bool {
        if accounts_to_send == 0 {
            return false;
        }
        match self {
            Self::Reset => accounts_to_send > 1,
            Self::Restore => false,
            Self::Edit(edit) => {
                edit.key == Some(KeyChange::Clear) || edit.masking == Some(Masking::Clear)
            }
        }
    }

    /// The change as a person reads it: `OCR on, masking full`,
    /// `payload-logging key SHA256:1a2b… (set)`, `reset to defaults`.
    pub fn words(&self) -> String {
        self.to_string()
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

impl fmt::Display for DlpChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let edit = match self {
            Self::Edit(edit) => edit,
            Self::Reset => return f.write_str("reset to defaults"),
            Self::Restore => return f.write_str("put back the values from before the run"),
        };
        let mut parts = Vec::new();
        if let Some(on) = edit.ocr {
            parts.push(format!("OCR {}", on_off(on)));
        }
        if let Some(on) = edit.ai_context_analysis {
            parts.push(format!("AI context {}", on_off(on)));
        }
        if let Some(level) = edit.masking {
            parts.push(format!("masking {level}"));
        }
        match &edit.key {
            Some(KeyChange::Set { public_key }) => parts.push(format!(
                "payload-logging key {} (set)",
                key_fingerprint(public_key)
            )),
            Some(KeyChange::Clear) => parts.push("payload-logging key cleared".to_owned()),
            None => {}
        }
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
#[path = "account_change_tests.rs"]
pub(super) mod tests;
