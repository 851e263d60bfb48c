//! The audit log as documents: `log --json` (`audit_log`) and one write of
//! it (an entry: `audit_entry`), each field redacted as the log keeps it
//! (no secret; a typed email cut to its domain; a DLP key only as its
//! fingerprint).

use schemars::JsonSchema;
use serde::Serialize;

use super::{AccountRef, Timestamp, WriteResult, Zone};
use crate::audit::{Entry, Fields, Note, Target, TargetKind, Verdict, Warning};

/// `log --json`: `{entries, warnings, skipped}`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AuditLogBody {
    /// The writes, newest first.
    pub entries: Vec<AuditEntry>,
    /// The first lines (or files) skipped, with why.
    pub warnings: Vec<Warning>,
    /// How many lines (or files) were skipped in all.
    pub skipped: usize,
}

/// One write: what was sent to which zone or account, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AuditEntry {
    /// Ties the intent to the outcome (16 hex digits).
    pub id: String,
    /// When the write was about to be sent (RFC 3339, UTC).
    pub at: Timestamp,
    /// When its outcome was recorded; `null` when none was.
    pub outcome_at: Option<Timestamp>,
    /// Who sent it.
    pub origin: AuditOrigin,
    /// The configuration profile in use.
    pub profile: Option<String>,
    /// `host[:port]` of the API's base URL.
    pub host: String,
    /// The zone written to (a CSAM write).
    pub zone: Option<Zone>,
    /// The account written to (a DLP write).
    pub account: Option<AccountRef>,
    /// `csam.patch`, `dlp.patch`, `dlp.put` or `dlp.reset`.
    pub action: String,
    /// The fields sent, by path (`enabled`, `sources.NAME`,
    /// `payload_logging.public_key` as a fingerprint); `null` when the
    /// intent line is missing.
    pub sent: Option<Fields>,
    /// The setting before, when the sender had read it.
    pub before: Option<Fields>,
    /// `done`, `failed`, `unknown` (no outcome recorded, or no answer came)
    /// or `skipped` (refused before sending).
    pub result: WriteResult,
    /// The HTTP status, when known.
    pub status: Option<u16>,
    /// The setting as the server answered.
    pub after: Option<Fields>,
    /// Cloudflare's errors.
    pub errors: Vec<Note>,
    /// Cloudflare's messages.
    pub messages: Vec<Note>,
    /// trustdeck's line for a failure.
    pub error: Option<String>,
}

/// Who sent a write: `{face, command, run}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AuditOrigin {
    /// `dashboard`, `headless` or `bulk`.
    pub face: String,
    /// The command, e.g. `csam set`, `fleet apply`.
    pub command: Option<String>,
    /// The bulk run's id.
    pub run: Option<String>,
}

/// A write's result in the documents' words.
pub fn write_result(verdict: &Verdict) -> WriteResult {
    match verdict {
        Verdict::Applied => WriteResult::Done,
        Verdict::Refused | Verdict::Failed => WriteResult::Failed,
        Verdict::NotSent => WriteResult::Skipped,
        Verdict::Unknown | Verdict::Other(_) => WriteResult::Unknown,
    }
}

/// Where a write went: a zone (with its account) or an account.
pub fn place(target: &Target) -> (Option<Zone>, Option<AccountRef>) {
    let owner = target.account.as_ref().map(|owner| AccountRef {
        id: owner.id.clone(),
        name: owner.name.clone(),
    });
    match target.kind {
        TargetKind::Account => (
            None,
            Some(AccountRef {
                id: target.id.clone(),
                name: target.name.clone(),
            }),
        ),
        _ => (
            Some(Zone {
                id: target.id.clone(),
                name: target.name.clone(),
                account: owner,
            }),
            None,
        ),
    }
}

impl AuditEntry {
    /// The entry of a write read back from the log.
    pub fn of(entry: &Entry) -> Self {
        let (zone, account) = place(&entry.target);
        let recorded = entry.outcome.as_ref();
        let outcome = recorded.map(|r| &r.outcome);
        Self {
            id: entry.id.clone(),
            at: Timestamp::of(entry.time),
            outcome_at: recorded.map(|r| Timestamp::of(r.time)),
            origin: AuditOrigin {
                face: entry.origin.face.to_string(),
                command: entry.origin.command.as_ref().map(ToString::to_string),
                run: entry.origin.run.clone(),
            },
            profile: entry.profile.clone(),
            host: entry.host.clone(),
            zone,
            account,
            action: entry.action.to_string(),
            sent: entry.sent.clone(),
            before: entry.before.clone(),
            result: write_result(&entry.state),
            status: outcome.and_then(|o| o.status),
            after: outcome.and_then(|o| o.after.clone()),
            errors: outcome.map(|o| o.errors.clone()).unwrap_or_default(),
            messages: outcome.map(|o| o.messages.clone()).unwrap_or_default(),
            error: outcome.and_then(|o| o.error.clone()),
        }
    }
}
