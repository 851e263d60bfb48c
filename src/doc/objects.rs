//! The objects every document shares: one shape each, wherever they appear.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::Timestamp;
use crate::api::model::{self, EmailState, MaskingLevel};
use crate::api::text::key_fingerprint;

/// A zone: `{id, name, account: {id, name}}`; `null` where the server did
/// not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Zone {
    /// The zone id (32 hex digits).
    pub id: String,
    /// The domain name.
    pub name: Option<String>,
    /// The account that owns it.
    pub account: Option<AccountRef>,
}

/// An account as a zone names it: `{id, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AccountRef {
    /// The account id.
    pub id: String,
    /// The account's name.
    pub name: Option<String>,
}

/// An account: `{id, name, type}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Account {
    /// The account id.
    pub id: String,
    /// The account's name.
    pub name: Option<String>,
    /// `standard` or `enterprise`, as the server says.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl Zone {
    /// A zone from the API's listing.
    pub fn from_api(zone: &model::Zone) -> Self {
        let account = zone.account.as_ref().and_then(|a| {
            a.id.as_ref().map(|id| AccountRef {
                id: id.clone(),
                name: a.name.clone(),
            })
        });
        Self {
            id: zone.id.clone(),
            name: Some(zone.name.clone()).filter(|n| !n.is_empty()),
            account,
        }
    }
}

impl Account {
    /// An account from the API's listing.
    pub fn from_api(account: &model::Account) -> Self {
        Self {
            id: account.id.clone(),
            name: Some(account.name.clone()).filter(|n| !n.is_empty()),
            kind: account.kind.clone(),
        }
    }
}

/// A zone's CSAM Scanner setting with the API's field names and types,
/// `null` for what the server did not report; `sources` is always there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamSetting {
    /// Scanning on or off.
    pub enabled: Option<bool>,
    /// The notification email as the server shows it (masked).
    pub email: Option<String>,
    /// `valid`, `pending` or `unverified` (or a newer word the server uses).
    #[schemars(with = "Option<String>")]
    pub email_state: Option<EmailState>,
    /// Each hash-list source, on or off; `{}` when none is reported.
    pub sources: BTreeMap<String, bool>,
    /// False when Trust & Safety has locked the setting.
    pub editable: Option<bool>,
    /// The zone's plan level, e.g. `ent`.
    pub zone_plan: Option<String>,
    /// When the setting last changed, when the server says (RFC 3339).
    pub modified_on: Option<Timestamp>,
}

/// The CSAM setting in trustdeck's words, beside the API's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamStatus {
    /// Whether the zone is really scanned.
    pub coverage: Coverage,
    /// Whether the setting can be changed.
    pub lock: Lock,
}

/// Whether a zone is scanned: `scanning` (on, with a source on), `no_source`
/// (on, but every source off: nothing is scanned), `off`, or
/// `not_reported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// On, with at least one source on.
    Scanning,
    /// On, but no source on: nothing is matched.
    NoSource,
    /// Off.
    Off,
    /// The server did not say.
    NotReported,
}

/// Whether a setting can be changed: `editable`, `locked` (by Trust &
/// Safety) or `not_reported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    /// `editable: true`.
    Editable,
    /// `editable: false`.
    Locked,
    /// No `editable` in the answer.
    NotReported,
}

impl CsamSetting {
    /// The setting as the API answered it.
    pub fn from_api(setting: &model::CsamSetting) -> Self {
        let value = &setting.value;
        Self {
            enabled: value.enabled,
            email: value.email.clone(),
            email_state: value.email_state.clone(),
            sources: value.sources.clone(),
            editable: setting.editable,
            zone_plan: value.zone_plan.clone(),
            modified_on: setting.modified_on.as_deref().and_then(Timestamp::parse),
        }
    }

    /// Coverage and lock in words.
    pub fn status(&self) -> CsamStatus {
        let coverage = match self.enabled {
            None => Coverage::NotReported,
            Some(false) => Coverage::Off,
            Some(true) if self.sources.values().any(|on| *on) => Coverage::Scanning,
            Some(true) => Coverage::NoSource,
        };
        let lock = match self.editable {
            Some(true) => Lock::Editable,
            Some(false) => Lock::Locked,
            None => Lock::NotReported,
        };
        CsamStatus { coverage, lock }
    }
}

/// An account's DLP settings with the API's names; the payload-logging key
/// appears only as its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpSetting {
    /// AI context analysis on or off.
    pub ai_context_analysis: bool,
    /// OCR on or off.
    pub ocr: bool,
    /// Payload logging.
    pub payload_logging: PayloadLogging,
}

/// Payload logging: `{masking_level, public_key_set, public_key_fingerprint,
/// updated_at}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PayloadLogging {
    /// `full`, `partial`, `clear` or `default` (or a newer word).
    #[schemars(with = "Option<String>")]
    pub masking_level: Option<MaskingLevel>,
    /// Whether a public key is set (payload logging is on).
    pub public_key_set: bool,
    /// `sha256:…` of the key; never the key itself; `null` when none is set.
    pub public_key_fingerprint: Option<String>,
    /// When payload logging last changed (RFC 3339), when the server says.
    pub updated_at: Option<Timestamp>,
}

impl DlpSetting {
    /// The settings as the API answered them.
    pub fn from_api(settings: &model::DlpSettings) -> Self {
        let logging = &settings.payload_logging;
        let key = logging
            .public_key
            .as_deref()
            .filter(|k| !k.trim().is_empty());
        Self {
            ai_context_analysis: settings.ai_context_analysis,
            ocr: settings.ocr,
            payload_logging: PayloadLogging {
                masking_level: logging.masking_level.clone(),
                public_key_set: key.is_some(),
                public_key_fingerprint: key.map(key_fingerprint),
                updated_at: logging.updated_at.as_deref().and_then(Timestamp::parse),
            },
        }
    }
}

/// What became of one write: `done` (as asked), `adjusted` (the server kept
/// or changed something), `failed`, `unknown` (no answer came: it may have
/// landed), `skipped` (not sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteResult {
    /// Sent and answered as asked.
    Done,
    /// Sent and answered, but the server kept or changed something.
    Adjusted,
    /// Refused or failed.
    Failed,
    /// Sent, and no answer came: it may have landed.
    Unknown,
    /// Not sent.
    Skipped,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_scanning_only_with_a_source_on() {
        let mut setting = CsamSetting {
            enabled: Some(true),
            email: None,
            email_state: None,
            sources: BTreeMap::from([("ncmec".to_owned(), false)]),
            editable: Some(false),
            zone_plan: None,
            modified_on: None,
        };
        assert_eq!(setting.status().coverage, Coverage::NoSource);
        assert_eq!(setting.status().lock, Lock::Locked);
        setting.sources.insert("ncmec".to_owned(), true);
        assert_eq!(setting.status().coverage, Coverage::Scanning);
        setting.enabled = Some(false);
        assert_eq!(setting.status().coverage, Coverage::Off);
    }
}
