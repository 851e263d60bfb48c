//! Serde types for the endpoints trustdeck speaks.
//!
//! Responses are parsed leniently: every documented optional field may be
//! missing or null, unknown fields are ignored, and an enum value the server
//! adds later is kept as `Unknown(value)` instead of failing the parse.
//! Request bodies are serialised strictly: absent fields are omitted.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::{null_as_default, opt_u64};

/// Cloudflare's envelope around every response, success or not.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    /// Whether the call succeeded; absent counts as a failure.
    #[serde(default)]
    pub success: bool,
    /// Why the call failed (empty on success).
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<ResponseInfo>,
    /// Notes from the server, e.g. that it adjusted a value that was sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub messages: Vec<ResponseInfo>,
    /// The payload; null on failure.
    #[serde(default)]
    pub result: Option<T>,
    /// Paging information on list endpoints.
    #[serde(default)]
    pub result_info: Option<ResultInfo>,
}

/// One error or message in an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ResponseInfo {
    /// Cloudflare's numeric code (>= 1000).
    #[serde(default)]
    pub code: i64,
    /// The human-readable text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
    /// A page that explains the code, when the server links one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// Which part of the request the message is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ResponseSource>,
}

/// Points into the request body (JSON pointer) for field-level errors.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ResponseSource {
    /// A JSON pointer such as `/value/email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl ResponseInfo {
    /// The JSON pointer this message is about, if any.
    pub fn pointer(&self) -> Option<&str> {
        self.source.as_ref()?.pointer.as_deref()
    }
}

/// Paging information of list endpoints (`GET /accounts` has no `total_pages`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct ResultInfo {
    /// The page this answer holds (1-based).
    #[serde(default, deserialize_with = "opt_u64")]
    pub page: Option<u64>,
    /// The page size the server used.
    #[serde(default, deserialize_with = "opt_u64")]
    pub per_page: Option<u64>,
    /// How many items this page holds.
    #[serde(default, deserialize_with = "opt_u64")]
    pub count: Option<u64>,
    /// How many items match in all.
    #[serde(default, deserialize_with = "opt_u64")]
    pub total_count: Option<u64>,
    /// How many pages there are (zones only).
    #[serde(default, deserialize_with = "opt_u64")]
    pub total_pages: Option<u64>,
}

/// Declares a string enum that keeps values it does not know.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of trustdeck does not know yet.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// Verification state of the CSAM notification email.
    EmailState {
        /// Verified: notifications are delivered.
        Valid = "valid",
        /// A verification email was sent and not yet confirmed.
        Pending = "pending",
        /// Not verified (never, or the verification lapsed).
        Unverified = "unverified",
    }
}

open_enum! {
    /// How much of a DLP payload log is masked.
    MaskingLevel {
        /// The entire payload is masked.
        Full = "full",
        /// Only part of the payload is masked.
        Partial = "partial",
        /// No masking.
        Clear = "clear",
        /// DLP's default behaviour.
        Default = "default",
    }
}

open_enum! {
    /// Status of an API token, as `tokens/verify` reports it.
    TokenStatus {
        /// Usable.
        Active = "active",
        /// Switched off by its owner.
        Disabled = "disabled",
        /// Past its expiry date.
        Expired = "expired",
    }
}

/// A zone's CSAM Scanner setting.
///
/// The `value` object must be there (an answer without it says nothing about
/// the setting); inside it every field is optional, `None` meaning "not reported".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CsamWire")]
pub struct CsamSetting {
    /// Always `csam_scanner`.
    #[serde(default)]
    pub id: Option<String>,
    /// False when Trust & Safety has locked the zone or account.
    #[serde(default)]
    pub editable: Option<bool>,
    /// When the setting last changed; the API currently always sends null.
    #[serde(default)]
    pub modified_on: Option<String>,
    /// The configuration itself.
    pub value: CsamValue,
}

/// [`CsamSetting`] as sent, before the check that `value` is there.
#[derive(Deserialize)]
struct CsamWire {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    editable: Option<bool>,
    #[serde(default)]
    modified_on: Option<String>,
    #[serde(default)]
    value: Option<CsamValue>,
}

impl TryFrom<CsamWire> for CsamSetting {
    type Error = String;

    fn try_from(wire: CsamWire) -> Result<Self, String> {
        let value = wire
            .value
            .ok_or("the CSAM setting has no value object (missing or null)")?;
        Ok(Self {
            id: wire.id,
            editable: wire.editable,
            modified_on: wire.modified_on,
            value,
        })
    }
}

/// The values of a CSAM Scanner setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CsamValue {
    /// The notification email, masked by the server.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the notification email is verified.
    #[serde(default)]
    pub email_state: Option<EmailState>,
    /// Whether scanning is on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Hash lists images are matched against, each on or off.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sources: BTreeMap<String, bool>,
    /// The zone's plan level, e.g. `ent`.
    #[serde(default)]
    pub zone_plan: Option<String>,
}

/// Body of `PATCH /zones/{zone_id}/settings/csam_scanner_third_party`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CsamPatch {
    /// The feature identifier; optional on the wire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The fields to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<CsamPatchValue>,
}

/// The writable CSAM values; only the changed ones are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CsamPatchValue {
    /// A new notification email (triggers verification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Scanning on or off; the server may keep it off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Re-send the verification email; sent only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resend_email: bool,
    /// Sources to switch on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<BTreeMap<String, bool>>,
}

impl CsamPatch {
    /// A patch of the given values, tagged with the feature id.
    pub fn of(value: CsamPatchValue) -> Self {
        Self {
            id: Some("csam_scanner".to_owned()),
            value: Some(value),
        }
    }
}

impl CsamPatchValue {
    /// True when the patch would change nothing.
    pub fn is_empty(&self) -> bool {
        self.email.is_none()
            && self.enabled.is_none()
            && !self.resend_email
            && self.sources.is_none()
    }
}

/// An account's DLP settings. All three fields are required (`dlp_DlpSettings`):
/// an answer missing one is refused rather than shown as "off".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "DlpWire")]
pub struct DlpSettings {
    /// AI context analysis at account level.
    pub ai_context_analysis: bool,
    /// OCR at account level.
    pub ocr: bool,
    /// Payload logging configuration.
    pub payload_logging: PayloadLogging,
}

/// [`DlpSettings`] as sent, before the check that every field is there.
#[derive(Deserialize)]
struct DlpWire {
    #[serde(default)]
    ai_context_analysis: Option<bool>,
    #[serde(default)]
    ocr: Option<bool>,
    #[serde(default)]
    payload_logging: Option<PayloadLogging>,
}

impl TryFrom<DlpWire> for DlpSettings {
    type Error = String;

    fn try_from(wire: DlpWire) -> Result<Self, String> {
        match (wire.ai_context_analysis, wire.ocr, wire.payload_logging) {
            (Some(ai_context_analysis), Some(ocr), Some(payload_logging)) => Ok(Self {
                ai_context_analysis,
                ocr,
                payload_logging,
            }),
            (ai, ocr, logging) => {
                let missing: Vec<&str> = [
                    ("ai_context_analysis", ai.is_none()),
                    ("ocr", ocr.is_none()),
                    ("payload_logging", logging.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, gone)| gone.then_some(name))
                .collect();
                Err(format!(
                    "the DLP settings lack required {} (missing or null)",
                    missing.join(", ")
                ))
            }
        }
    }
}

/// Payload logging as the server reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PayloadLogging {
    /// When payload logging last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// How much of a logged payload is masked.
    #[serde(default)]
    pub masking_level: Option<MaskingLevel>,
    /// Base64 public key that encrypts payload logs; null when logging is off.
    #[serde(default)]
    pub public_key: Option<String>,
}

/// Body of `PUT`/`PATCH /accounts/{account_id}/dlp/settings`.
///
/// For PATCH an absent field keeps its value; for PUT it resets to the default.
/// Deserialize: a bulk run's journal holds the PATCH it planned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DlpUpdate {
    /// AI context analysis on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_context_analysis: Option<bool>,
    /// OCR on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<bool>,
    /// Payload logging changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_logging: Option<PayloadLoggingUpdate>,
}

/// Payload logging changes; `public_key: Some("")` disables logging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadLoggingUpdate {
    /// A new masking level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masking_level: Option<MaskingLevel>,
    /// A new public key, or `""` to disable payload logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl DlpUpdate {
    /// True when the update would change nothing.
    pub fn is_empty(&self) -> bool {
        self.ai_context_analysis.is_none()
            && self.ocr.is_none()
            && self
                .payload_logging
                .as_ref()
                .is_none_or(|p| p.masking_level.is_none() && p.public_key.is_none())
    }
}

/// An account the credentials can see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Account {
    /// The account id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The account's name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// `standard` or `enterprise`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// A zone the credentials can see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Zone {
    /// The zone id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The domain name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// `active`, `pending`, `initializing` or `moved`.
    #[serde(default)]
    pub status: Option<String>,
    /// Whether Cloudflare is paused for the zone.
    #[serde(default)]
    pub paused: Option<bool>,
    /// The account that owns the zone.
    #[serde(default)]
    pub account: Option<ZoneAccount>,
    /// The zone's plan.
    #[serde(default)]
    pub plan: Option<ZonePlan>,
}

/// The owning account, as embedded in a zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ZoneAccount {
    /// The account id.
    #[serde(default)]
    pub id: Option<String>,
    /// The account name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A zone's plan, as embedded in a zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ZonePlan {
    /// The plan id.
    #[serde(default)]
    pub id: Option<String>,
    /// A display name, e.g. `Enterprise Website`.
    #[serde(default)]
    pub name: Option<String>,
    /// The short plan level, e.g. `enterprise`.
    #[serde(default)]
    pub legacy_id: Option<String>,
}

/// Answer of `GET /user/tokens/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenVerification {
    /// The token's id (not the secret).
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Whether the token can be used.
    pub status: TokenStatus,
    /// When the token stops working, if it does.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// When the token starts working, if not yet.
    #[serde(default)]
    pub not_before: Option<String>,
}

#[cfg(test)]
mod tests;
