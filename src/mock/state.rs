//! The mock's mutable state: what PATCH, PUT and DELETE change, and what
//! `--state FILE` saves. Plain data; locking and saving live in `store.rs`.
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::data::DemoData;
use super::sources::Sources;
use super::zones::Zones;

/// Everything that can change, keyed by zone or account id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct State {
    /// The CSAM Scanner setting of each zone.
    pub zones: Zones,
    /// The DLP settings of each account that has DLP.
    pub dlp: BTreeMap<String, DlpSettings>,
    /// The accounts on which DLP is not available (none in `dlp`); only
    /// shown when there are some. Fixed by the data.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub dlp_not_available: BTreeSet<String>,
    /// The last [`OUTBOX_CAPACITY`] emails the mock "sent", oldest first.
    #[serde(default)]
    pub outbox: VecDeque<OutboxEntry>,
}

/// How many outbox emails are kept; older ones are dropped first, so that
/// the state (and its file) stays bounded however many emails are sent.
pub(crate) const OUTBOX_CAPACITY: usize = 1000;

/// One zone's CSAM Scanner setting, with the real (unmasked) email.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CsamSetting {
    /// false = locked by Trust & Safety: every PATCH answers 403.
    pub editable: bool,
    /// The real notification address; responses only ever show it masked.
    pub email: String,
    /// Where the address is in the verification flow.
    pub email_state: EmailState,
    /// Whether scanning is on; kept false while the email is not valid.
    pub enabled: bool,
    /// Hash list name -> on/off; the keys are fixed per zone by the data.
    pub sources: Sources,
    /// When the email went pending (RFC 3339), for `--verify-after`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_since: Option<String>,
}

/// The verification state of a notification email, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum EmailState {
    /// Verified: scanning may be enabled.
    Valid,
    /// A verification email is out and not yet confirmed.
    Pending,
    /// Never verified and no verification outstanding.
    Unverified,
}

/// One account's DLP settings, shaped like the API's `DLPSettings` result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DlpSettings {
    /// AI context analysis at account level.
    pub ai_context_analysis: bool,
    /// OCR at account level.
    pub ocr: bool,
    /// Payload logging: masking and the encryption key.
    pub payload_logging: PayloadLogging,
}

/// The `payload_logging` object of the DLP settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PayloadLogging {
    /// RFC 3339 UTC time of the last successful write; strictly increasing.
    pub updated_at: String,
    /// How much of a logged payload is masked.
    pub masking_level: MaskingLevel,
    /// Base64 public key; None = payload logging disabled.
    pub public_key: Option<String>,
}

/// The API's `PayloadLogMaskingLevel` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MaskingLevel {
    /// The whole payload is masked.
    Full,
    /// Part of the payload is masked.
    Partial,
    /// Nothing is masked.
    Clear,
    /// DLP's default behaviour.
    Default,
}

impl MaskingLevel {
    /// Parses the API spelling; None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "full" => Some(Self::Full),
            "partial" => Some(Self::Partial),
            "clear" => Some(Self::Clear),
            "default" => Some(Self::Default),
            _ => None,
        }
    }
}

/// One email the mock pretends to have sent, for tests and demos to inspect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct OutboxEntry {
    /// The zone whose setting caused the email.
    pub zone_id: String,
    /// That zone's name, for people reading the outbox.
    pub zone_name: String,
    /// The real recipient address.
    pub to: String,
    /// Why it was sent.
    pub kind: OutboxKind,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// Why an outbox email was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OutboxKind {
    /// A new address was set.
    Verification,
    /// The client asked for `resend_email`.
    Resend,
}

impl State {
    /// The state described by the demo data, as loaded (it shares the
    /// data's zone settings).
    pub fn from_data(data: &DemoData) -> Self {
        let zones = data.settings.clone();
        let dlp = data
            .accounts
            .iter()
            .filter_map(|account| Some((account.id.clone(), account.dlp.clone()?)))
            .collect();
        let dlp_not_available = data
            .accounts
            .iter()
            .filter(|account| account.dlp.is_none())
            .map(|account| account.id.clone())
            .collect();
        Self {
            zones,
            dlp,
            dlp_not_available,
            outbox: VecDeque::new(),
        }
    }

    /// Puts an email in the outbox, dropping the oldest past the capacity.
    pub fn send(&mut self, entry: OutboxEntry) {
        self.outbox.push_back(entry);
        self.trim_outbox();
    }

    /// Drops the oldest emails past [`OUTBOX_CAPACITY`].
    pub fn trim_outbox(&mut self) {
        let excess = self.outbox.len().saturating_sub(OUTBOX_CAPACITY);
        self.outbox.drain(..excess);
    }

    /// Marks as valid every pending email that has waited `verify_after`;
    /// a pure function of the state and the clock, so it is never saved on
    /// its own.
    /// Returns the zones it changed.
    pub fn settle(&mut self, now: OffsetDateTime, verify_after: Option<Duration>) -> Vec<String> {
        let Some(wait) = verify_after else {
            return Vec::new();
        };
        let settled: Vec<String> = self
            .zones
            .iter()
            .filter(|(_, csam)| {
                csam.email_state == EmailState::Pending
                    && csam
                        .pending_since
                        .as_deref()
                        .and_then(parse_time)
                        .is_some_and(|since| since + wait <= now)
            })
            .map(|(id, _)| id.to_owned())
            .collect();
        for id in &settled {
            if let Some(csam) = self.zones.get_mut(id) {
                csam.email_state = EmailState::Valid;
                csam.pending_since = None;
            }
        }
        settled
    }
}

/// The current time, cut to milliseconds so that it prints compactly.
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond()).unwrap_or(now)
}

/// RFC 3339 in UTC, e.g. `2026-11-23T17:44:21.123Z`.
pub(crate) fn format_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// Parses RFC 3339; None when it is not.
pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// The next `updated_at` after `previous`: now, or 1 ms later than
/// `previous` when the clock has not moved on, so it strictly increases.
pub(crate) fn next_update_time(previous: &str, now: OffsetDateTime) -> String {
    let floor = parse_time(previous).map(|at| at + Duration::from_millis(1));
    format_time(floor.map_or(now, |floor| floor.max(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_time_strictly_increases_even_when_the_clock_stands_still() {
        let now = parse_time("2026-01-01T00:00:00Z").unwrap();
        let first = next_update_time("2026-01-01T00:00:00Z", now);
        let second = next_update_time(&first, now);
        assert_eq!(first, "2026-01-01T00:00:00.001Z");
        assert_eq!(second, "2026-01-01T00:00:00.002Z");
        assert_eq!(next_update_time("garbage", now), "2026-01-01T00:00:00Z");
    }
}
