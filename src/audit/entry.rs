//! The line format (version 2): every line of `audit.jsonl` is one
//! `audit_entry` document, the shape `trustdeck log --json` lists. The
//! intent line is the entry as known before sending (`result: "unknown"`,
//! `outcome_at: null`); the outcome line is the whole entry again, with its
//! result. Lines of version 1 (`"v": 1`, `"kind": "intent" | "outcome"`)
//! are still read.

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::outcome::{Note, Outcome};
use super::record::{Fields, Line, LineKind, Origin, Owner, Target};
use super::words::{Action, TargetKind, Verdict};
use crate::doc::{self, AuditEntry, AuditOrigin, Doc, Kind, Timestamp, WriteResult};

/// The document of a sanitized `line`: the write was about to be sent `at`;
/// its outcome (in `line`) was known at `outcome_at`.
pub(crate) fn to_record(
    line: &Line,
    at: OffsetDateTime,
    outcome_at: Option<OffsetDateTime>,
) -> Doc<AuditEntry> {
    let (zone, account) = doc::place(&line.target);
    let outcome = line.outcome.as_ref();
    let entry = AuditEntry {
        id: line.id.clone(),
        at: Timestamp::of(at),
        outcome_at: outcome_at.map(Timestamp::of),
        origin: AuditOrigin {
            face: line.origin.face.to_string(),
            command: line.origin.command.as_ref().map(ToString::to_string),
            run: line.origin.run.clone(),
        },
        profile: line.profile.clone(),
        host: line.host.clone(),
        zone,
        account,
        action: line.action.to_string(),
        sent: line.sent.clone(),
        before: line.before.clone(),
        result: outcome.map_or(WriteResult::Unknown, |o| doc::write_result(&o.result)),
        status: outcome.and_then(|o| o.status),
        after: outcome.and_then(|o| o.after.clone()),
        errors: outcome.map(|o| o.errors.clone()).unwrap_or_default(),
        messages: outcome.map(|o| o.messages.clone()).unwrap_or_default(),
        error: outcome.and_then(|o| o.error.clone()),
    };
    Doc::new(Kind::AuditEntry, entry)
}

/// An `audit_entry` line as read: lenient, every key but the id, time,
/// origin and place may be missing.
#[derive(Debug, Deserialize)]
struct RecordIn {
    id: String,
    at: String,
    #[serde(default)]
    outcome_at: Option<String>,
    origin: Origin,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    host: String,
    #[serde(default)]
    zone: Option<ZoneIn>,
    #[serde(default)]
    account: Option<Owner>,
    action: Action,
    #[serde(default)]
    sent: Option<Fields>,
    #[serde(default)]
    before: Option<Fields>,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    after: Option<Fields>,
    #[serde(default)]
    errors: Vec<Note>,
    #[serde(default)]
    messages: Vec<Note>,
    #[serde(default)]
    error: Option<String>,
}

/// A zone as a line names it.
#[derive(Debug, Deserialize)]
struct ZoneIn {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    account: Option<Owner>,
}

/// Whether a parsed line is a version 2 record.
pub(crate) fn is_record(value: &serde_json::Value) -> bool {
    value.get("kind").and_then(serde_json::Value::as_str) == Some(Kind::AuditEntry.name())
}

/// What a line says, in the reader's terms: the line, when the write was
/// about to be sent, and when its outcome was known (an outcome line).
pub(crate) type Read = (Line, OffsetDateTime, Option<OffsetDateTime>);

/// Why a line cannot be used.
pub(crate) enum Unusable {
    /// Not a record (the parser's complaint).
    Malformed(String),
    /// A time that is not RFC 3339.
    BadTime,
}

/// A version 2 record as the reader's line.
pub(crate) fn from_record(value: serde_json::Value) -> Result<Read, Unusable> {
    let record: RecordIn = serde_json::from_value(value)
        .map_err(|e| Unusable::Malformed(format!("{:?}: {}", e.classify(), field_of(&e))))?;
    let parse = |text: &str| OffsetDateTime::parse(text, &Rfc3339).map_err(|_| Unusable::BadTime);
    let at = parse(&record.at)?;
    let outcome_at = record.outcome_at.as_deref().map(parse).transpose()?;
    let target = match (record.zone, record.account) {
        (Some(zone), _) => Target {
            kind: TargetKind::Zone,
            id: zone.id,
            name: zone.name,
            account: zone.account,
        },
        (None, Some(account)) => Target {
            kind: TargetKind::Account,
            id: account.id,
            name: account.name,
            account: None,
        },
        (None, None) => return Err(Unusable::Malformed("neither zone nor account".into())),
    };
    let outcome = outcome_at.map(|_| Outcome {
        result: verdict(record.result.as_deref(), record.status),
        status: record.status,
        after: record.after,
        errors: record.errors,
        messages: record.messages,
        error: record.error,
    });
    let line = Line {
        v: 2,
        kind: if outcome.is_some() {
            LineKind::Outcome
        } else {
            LineKind::Intent
        },
        id: record.id,
        time: record.at,
        origin: record.origin,
        profile: record.profile,
        host: record.host,
        target,
        action: record.action,
        sent: record.sent,
        before: record.before,
        outcome,
    };
    Ok((line.sanitized(), at, outcome_at))
}

/// The reader's verdict for a record's `result`: a refusal is a failure
/// with a 4xx status.
fn verdict(result: Option<&str>, status: Option<u16>) -> Verdict {
    match result {
        Some("done" | "adjusted") => Verdict::Applied,
        Some("failed") if status.is_some_and(|s| (400..500).contains(&s)) => Verdict::Refused,
        Some("failed") => Verdict::Failed,
        Some("skipped") => Verdict::NotSent,
        Some("unknown") | None => Verdict::Unknown,
        Some(other) => Verdict::from(other),
    }
}

/// The parser's complaint without the line's content: the name of a
/// missing key, else only its kind.
fn field_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    text.strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .map(|field| format!("no {}", super::redact::redact_text(field, 40)))
        .unwrap_or_else(|| "a key of the wrong type".to_owned())
}
