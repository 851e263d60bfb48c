//! What one write leaves in the log: the intent (before sending) and the
//! outcome (once known), and the line format both are written in.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::model::{CsamPatch, CsamSetting, DlpSettings, DlpUpdate};

use super::outcome::Outcome;
use super::redact::{self, TEXT_MAX, redact_text};
use super::words::{Action, Command, Face, TargetKind};

/// The most fields one record keeps; more are summed up in one `…` field.
const FIELDS_MAX: usize = 100;

/// One value of a setting's field: a switch or a word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum FieldValue {
    /// A switch (`enabled`, `ocr`, a source).
    Bool(bool),
    /// A word: an email cut to its domain, a state, a masking level, a key's
    /// fingerprint (`""` for none).
    Text(String),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(true) => f.write_str("on"),
            Self::Bool(false) => f.write_str("off"),
            Self::Text(text) if text.is_empty() => f.write_str("none"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// A setting's fields by name (`enabled`, `email`, `sources.ncmec`,
/// `payload_logging.masking_level`, …), already redacted. Only the builders
/// ([`csam_sent`](super::csam_sent), [`dlp_shown`](super::dlp_shown), …) make
/// one, so no caller's free text can become a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Fields(BTreeMap<String, FieldValue>);

impl Fields {
    /// The value of one field.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.0.get(name)
    }

    /// Every field, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// True when there is no field.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_pairs(pairs: Vec<(String, FieldValue)>) -> Self {
        let total = pairs.len();
        let mut map: BTreeMap<String, FieldValue> = pairs.into_iter().take(FIELDS_MAX).collect();
        if total > FIELDS_MAX {
            let more = format!("{} more fields", total - FIELDS_MAX);
            map.insert("…".to_owned(), FieldValue::Text(more));
        }
        Self(map)
    }

    /// The same fields with every name and word passed through the text
    /// filter again: what is read back from a file is never trusted blindly.
    pub(crate) fn sanitized(&self) -> Self {
        let pairs = self
            .0
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    FieldValue::Bool(on) => FieldValue::Bool(*on),
                    FieldValue::Text(text) => FieldValue::Text(redact_text(text, TEXT_MAX)),
                };
                (redact_text(name, 80), value)
            })
            .collect();
        Self::from_pairs(pairs)
    }
}

/// Who sent the write: the face, the command, and a bulk run's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// Dashboard, headless or bulk.
    pub face: Face,
    /// The command, for headless and bulk writes (`csam set`, `fleet apply`).
    #[serde(default)]
    pub command: Option<Command>,
    /// The bulk run this write belongs to, tying it to the run's journal.
    #[serde(default)]
    pub run: Option<String>,
}

impl Origin {
    /// A save or reset in the dashboard.
    pub fn dashboard() -> Self {
        Self {
            face: Face::Dashboard,
            command: None,
            run: None,
        }
    }

    /// A headless command.
    pub fn headless(command: Command) -> Self {
        Self {
            face: Face::Headless,
            command: Some(command),
            run: None,
        }
    }

    /// One write of a bulk run; `run` is the run's id (its characters of
    /// `[0-9A-Za-z_-]`; longer than 32 it is taken for a credential and
    /// written `[redacted]`), `command` the headless command that started it,
    /// if one did.
    pub fn bulk(run: &str, command: Option<Command>) -> Self {
        Self {
            face: Face::Bulk,
            command,
            run: Some(run_id(run)),
        }
    }

    fn sanitized(&self) -> Self {
        Self {
            face: self.face.clone(),
            command: self.command.clone(),
            run: self.run.as_deref().map(run_id),
        }
    }
}

fn run_id(run: &str) -> String {
    let kept: String = run
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect();
    if kept.len() > 32 {
        "[redacted]".to_owned()
    } else {
        kept
    }
}

/// The zone or account a write changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Zone or account.
    pub kind: TargetKind,
    /// Its id.
    pub id: String,
    /// Its name (a zone's domain, an account's name), when known.
    #[serde(default)]
    pub name: Option<String>,
    /// For a zone, the account that owns it, when known: `--account` finds
    /// the zone's writes too.
    #[serde(default)]
    pub account: Option<Owner>,
}

/// The account that owns a zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The account id.
    pub id: String,
    /// The account name, when known.
    #[serde(default)]
    pub name: Option<String>,
}

impl Target {
    /// A zone, by id and (when known) domain name.
    pub fn zone(id: &str, name: Option<&str>) -> Self {
        Self {
            kind: TargetKind::Zone,
            id: id.to_owned(),
            name: name.map(str::to_owned),
            account: None,
        }
    }

    /// An account, by id and (when known) name.
    pub fn account(id: &str, name: Option<&str>) -> Self {
        Self {
            kind: TargetKind::Account,
            id: id.to_owned(),
            name: name.map(str::to_owned),
            account: None,
        }
    }

    /// The same zone, with the account that owns it.
    pub fn in_account(mut self, id: &str, name: Option<&str>) -> Self {
        self.account = Some(Owner {
            id: id.to_owned(),
            name: name.map(str::to_owned),
        });
        self
    }

    /// How a person reads it: `zone example.com`, `account Acme` (the id when
    /// there is no name).
    pub fn label(&self) -> String {
        let name = self.name.as_deref().filter(|n| !n.is_empty());
        format!("{} {}", self.kind, name.unwrap_or(&self.id))
    }

    pub(crate) fn sanitized(&self) -> Self {
        let text = |t: &str| redact_text(t, 253);
        Self {
            kind: self.kind.clone(),
            id: text(&self.id),
            name: self.name.as_deref().map(text),
            account: self.account.as_ref().map(|owner| Owner {
                id: text(&owner.id),
                name: owner.name.as_deref().map(text),
            }),
        }
    }
}

/// A write about to be sent. Pure data, built without a clock or a file (so
/// the dashboard's reducer can build it); [`super::AuditLog::record_intent`]
/// stamps and writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// Who sends it.
    pub origin: Origin,
    /// What it changes.
    pub target: Target,
    /// Which write.
    pub action: Action,
    /// The fields sent, redacted.
    pub sent: Fields,
    /// The setting as last read before the write, when the sender had it.
    pub before: Option<Fields>,
}

impl Intent {
    /// `PATCH` a zone's CSAM Scanner setting with `patch`.
    pub fn csam_patch(
        origin: Origin,
        zone: Target,
        patch: &CsamPatch,
        before: Option<&CsamSetting>,
    ) -> Self {
        Self {
            origin,
            target: zone,
            action: Action::CsamPatch,
            sent: redact::csam_sent(patch),
            before: before.map(redact::csam_shown),
        }
    }

    /// `PATCH` an account's DLP settings with `update`.
    pub fn dlp_patch(
        origin: Origin,
        account: Target,
        update: &DlpUpdate,
        before: Option<&DlpSettings>,
    ) -> Self {
        Self::dlp(Action::DlpPatch, origin, account, update, before)
    }

    /// `PUT` an account's DLP settings (absent fields go to their defaults).
    pub fn dlp_put(
        origin: Origin,
        account: Target,
        update: &DlpUpdate,
        before: Option<&DlpSettings>,
    ) -> Self {
        Self::dlp(Action::DlpPut, origin, account, update, before)
    }

    /// `DELETE` an account's DLP settings: back to the defaults; nothing is sent.
    pub fn dlp_reset(origin: Origin, account: Target, before: Option<&DlpSettings>) -> Self {
        Self::dlp(
            Action::DlpReset,
            origin,
            account,
            &DlpUpdate::default(),
            before,
        )
    }

    fn dlp(
        action: Action,
        origin: Origin,
        account: Target,
        update: &DlpUpdate,
        before: Option<&DlpSettings>,
    ) -> Self {
        Self {
            origin,
            target: account,
            action,
            sent: redact::dlp_sent(update),
            before: before.map(redact::dlp_shown),
        }
    }
}

/// A written intent waiting for its outcome: hand it to
/// [`super::AuditLog::record_outcome`] once the reply (or its loss) is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The id shared by the intent line and the outcome line.
    pub id: String,
    /// Repeated in the outcome line, so it stands alone if the intent's is lost.
    pub(crate) origin: Origin,
    /// Repeated in the outcome line, for the same reason.
    pub(crate) target: Target,
    /// Repeated in the outcome line, for the same reason.
    pub(crate) action: Action,
    /// When the write was about to be sent.
    pub(crate) at: time::OffsetDateTime,
    /// The fields sent, repeated in the outcome line.
    pub(crate) sent: Fields,
    /// The setting before, repeated in the outcome line.
    pub(crate) before: Option<Fields>,
}

/// Which half of a write a line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LineKind {
    /// Written right before the request is sent.
    Intent,
    /// Written once the reply, or its loss, is known.
    Outcome,
}

/// One line of `audit.jsonl` (format version 1; see the module docs).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Line {
    /// The format version (1), for a later reader to tell formats apart.
    pub v: u32,
    /// Intent or outcome.
    pub kind: LineKind,
    /// Ties the two lines of one write (16 hex characters).
    pub id: String,
    /// When the line was written: RFC 3339, UTC, milliseconds.
    pub time: String,
    /// Face, command, bulk run.
    #[serde(flatten)]
    pub origin: Origin,
    /// The configuration profile, if one was used.
    #[serde(default)]
    pub profile: Option<String>,
    /// `host[:port]` of the API's base URL.
    #[serde(default)]
    pub host: String,
    /// The zone or account written to.
    pub target: Target,
    /// Which write.
    pub action: Action,
    /// Intent only: the fields sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<Fields>,
    /// Intent only: the setting before, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Fields>,
    /// Outcome only: what became of the write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

impl Line {
    /// Runs every text of the line through the filter: done on writing, so
    /// whatever a caller put in a pub field, and on reading, so a hand-edited
    /// file cannot smuggle anything into the dashboard.
    pub fn sanitized(mut self) -> Self {
        self.id = self
            .id
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(32)
            .collect();
        self.origin = self.origin.sanitized();
        self.profile = self.profile.as_deref().map(|p| redact_text(p, 64));
        self.host = redact_text(&self.host, 260);
        self.target = self.target.sanitized();
        self.sent = self.sent.as_ref().map(Fields::sanitized);
        self.before = self.before.as_ref().map(Fields::sanitized);
        self.outcome = self.outcome.as_ref().map(Outcome::sanitized);
        self
    }
}
