//! The audit log: every write trustdeck sends to Cloudflare, from every face,
//! appended to `$XDG_STATE_HOME/trustdeck/audit.jsonl` (next to the log file)
//! once before it is sent (the intent) and once when its outcome is known.
//!
//! No terminal and no dashboard state: the dashboard's worker, the headless
//! commands and a bulk run all call [`AuditLog::record_intent`] right before
//! a write and [`AuditLog::record_outcome`] with its result. An [`Intent`] is
//! pure data, so the reducer may build it; writing it is the caller's I/O.
//!
//! # What is never written
//! No secret: the types taken here carry no credential, and every text
//! (names, Cloudflare's messages, error lines) goes through [`redact_text`],
//! which cuts email addresses to their domain and anything that looks like a
//! token or key. A typed notification email is kept as `…@acme-corp.com`; an
//! email the server returned is kept as it showed it (masked); a DLP public
//! key only as its fingerprint (`SHA256:` and 16 hex digits).
//!
//! # The file
//! One `audit_entry` document per line (`"kind":"audit_entry","version":2`,
//! `trustdeck schema audit_entry`), 0600 in a 0700 folder.
//! Each line is written with one `write` on a file opened `O_APPEND`, then
//! flushed to disk, so the dashboard and a cron job can append at once. At
//! 10 MiB ([`Rotation`]) the file moves to `audit.jsonl.1` (`.2`, `.3`
//! kept; the oldest goes), under an advisory lock (`audit.jsonl.lock`) so a
//! rotation never races another process's append. The intent line is the
//! entry as known right before sending (`result: "unknown"`, `outcome_at:
//! null`):
//!
//! ```json
//! {"kind":"audit_entry","version":2,"id":"3f9c0a1b2c3d4e5f","at":"2025-06-01T10:00:00Z",
//!  "outcome_at":null,"origin":{"face":"headless","command":"csam set","run":null},
//!  "profile":"work","host":"api.cloudflare.com",
//!  "zone":{"id":"023e…","name":"example.com","account":null},"account":null,
//!  "action":"csam.patch","sent":{"email":"…@acme-corp.com","enabled":true},
//!  "before":{"email":"**********","email_state":"valid","enabled":false},
//!  "result":"unknown","status":null,"after":null,"errors":[],"messages":[],"error":null}
//! ```
//!
//! The outcome line is the whole entry again with `outcome_at`, `result`,
//! `status`, `after`, `errors`, `messages` and `error`; the reader pairs the
//! two by id. Lines of the previous format (`"v":1`, `"kind":"intent"` or
//! `"outcome"`, `time`, `target`, a nested `outcome`) are still read.
//!
//! # `trustdeck log --json`
//! An `audit_log` document ([`crate::doc::AuditLogBody`], `trustdeck schema
//! audit_log`): `{kind, version: 2, entries, warnings, skipped}`, each entry
//! one write (intent and outcome together, [`crate::doc::AuditEntry`]):
//! `{id, at, outcome_at, origin: {face, command, run}, profile, host, zone,
//! account, action, sent, before, result, status, after, errors, messages,
//! error}`, `result` one of `done|failed|unknown|skipped`.
//!
//! Field names: `enabled`, `email`, `email_state`, `resend_email`,
//! `sources.NAME` (CSAM); `ai_context_analysis`, `ocr`,
//! `payload_logging.masking_level`, `payload_logging.public_key` (DLP, the
//! key as its fingerprint, `""` for none). Entries are newest first.

mod entry;
mod outcome;
mod read;
mod record;
mod redact;
mod render;
mod store;
mod words;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use outcome::{Note, Outcome};
pub use read::{Entry, Filter, LINE_MAX, Problem, Recorded, Report, Warning, last_change, read};
pub use record::{FieldValue, Fields, Intent, Origin, Owner, Pending, Target};
pub use redact::{
    TEXT_MAX, csam_sent, csam_shown, dlp_sent, dlp_shown, key_fingerprint, redact_text,
    shown_email, typed_email,
};
pub use render::{change_text, outcome_text, render_table, time_text};
pub use store::{Rotation, rotated_path};
pub use words::{Action, Command, Face, TargetKind, Verdict};

use record::{Line, LineKind};

/// Why a record could not be written. Plain data (Clone), so the dashboard
/// can keep it in a message; it names the file, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The folder or file could not be created, locked, rotated or written.
    #[error("cannot write the audit log {}: {detail}", .path.display())]
    Write {
        /// The log file.
        path: PathBuf,
        /// The OS's kind of failure, for callers that tell them apart.
        kind: io::ErrorKind,
        /// The OS's reason.
        detail: String,
    },
    /// The record came out longer than the reader accepts (never expected:
    /// every text is clipped), so it was not written.
    #[error("an audit record of {bytes} bytes is longer than the {LINE_MAX} the log accepts")]
    TooLong {
        /// Its length.
        bytes: usize,
    },
}

/// Where a process writes its audit records, and the facts that are the same
/// for all of them (profile, API host). Cheap to clone; every record opens
/// the file anew, so it is safe to share between threads and processes.
#[derive(Clone)]
pub struct AuditLog {
    /// The current file; rotated ones sit next to it.
    path: PathBuf,
    /// When to rotate and how long to wait for the lock.
    rotation: Rotation,
    /// The profile's name, already filtered.
    profile: Option<String>,
    /// `host[:port]` of the base URL.
    host: String,
    /// Where times come from; injectable so tests can write at chosen times.
    clock: Arc<dyn Fn() -> OffsetDateTime + Send + Sync>,
}

impl fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditLog")
            .field("path", &self.path)
            .field("rotation", &self.rotation)
            .field("profile", &self.profile)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// `audit.jsonl` in the folder of the log file ([`crate::logging::log_path`]).
    pub fn default_path() -> PathBuf {
        crate::logging::log_path().with_file_name("audit.jsonl")
    }

    /// A log at `path` for writes made with `profile` (the configuration
    /// profile's name, if one is used) against `base_url`, of which only
    /// `host[:port]` is kept.
    pub fn new(path: impl Into<PathBuf>, profile: Option<&str>, base_url: &str) -> Self {
        Self {
            path: path.into(),
            rotation: Rotation::default(),
            profile: profile.map(|p| redact_text(p, 64)),
            host: host_of(base_url),
            clock: Arc::new(OffsetDateTime::now_utc),
        }
    }

    /// The same log with another rotation size, count or lock wait.
    pub fn with_rotation(mut self, rotation: Rotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// The same log with another clock (tests: records at chosen times).
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static,
    ) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a rotation may ever have dropped a file (the oldest kept
    /// one exists): else the log holds every record since it was made.
    pub fn may_have_dropped(&self) -> bool {
        rotated_path(&self.path, self.rotation.keep).exists()
    }

    /// The API host recorded with every write.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Writes the intent line; call it right before sending the write, and
    /// keep the returned [`Pending`] for the outcome. When it fails the write
    /// should not be sent (an audit log that misses writes is no audit).
    pub fn record_intent(&self, intent: &Intent) -> Result<Pending, AuditError> {
        let pending = self.pending(intent);
        self.record_pending(&pending, intent)?;
        Ok(pending)
    }

    /// A new id for `intent`'s write, not yet written: a bulk run names it
    /// in its journal first, then writes it with [`Self::record_pending`].
    pub fn pending(&self, intent: &Intent) -> Pending {
        Pending {
            id: format!("{:016x}", rand::random::<u64>()),
            origin: intent.origin.clone(),
            target: intent.target.clone(),
            action: intent.action.clone(),
            at: (self.clock)(),
            sent: intent.sent.clone(),
            before: intent.before.clone(),
        }
    }

    /// Writes the intent line of `pending`'s write.
    pub fn record_pending(&self, pending: &Pending, intent: &Intent) -> Result<(), AuditError> {
        let mut line = self.line(LineKind::Intent, pending);
        line.sent = Some(intent.sent.clone());
        line.before = intent.before.clone();
        self.write(&line, pending.at, None)
    }

    /// Writes the outcome line of `pending`'s write.
    pub fn record_outcome(&self, pending: &Pending, outcome: &Outcome) -> Result<(), AuditError> {
        let mut line = self.line(LineKind::Outcome, pending);
        line.sent = Some(pending.sent.clone());
        line.before = pending.before.clone();
        line.outcome = Some(outcome.clone());
        self.write(&line, pending.at, Some((self.clock)()))
    }

    /// Reads this log back ([`read`]).
    pub fn read(&self, filter: &Filter) -> Report {
        read(&self.path, filter)
    }

    fn line(&self, kind: LineKind, pending: &Pending) -> Line {
        let now = (self.clock)().to_offset(time::UtcOffset::UTC);
        let now = now
            .replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
            .unwrap_or(now);
        Line {
            v: 1,
            kind,
            id: pending.id.clone(),
            time: now.format(&Rfc3339).unwrap_or_default(),
            origin: pending.origin.clone(),
            profile: self.profile.clone(),
            host: self.host.clone(),
            target: pending.target.clone(),
            action: pending.action.clone(),
            sent: None,
            before: None,
            outcome: None,
        }
    }

    fn write(
        &self,
        line: &Line,
        at: OffsetDateTime,
        outcome_at: Option<OffsetDateTime>,
    ) -> Result<(), AuditError> {
        let line = line.clone().sanitized();
        let mut bytes = crate::doc::to_line(&entry::to_record(&line, at, outcome_at)).into_bytes();
        if bytes.len() > LINE_MAX {
            return Err(AuditError::TooLong { bytes: bytes.len() });
        }
        bytes.push(b'\n');
        store::append(&self.path, &self.rotation, &bytes).map_err(|e| self.error(e))
    }

    fn error(&self, error: io::Error) -> AuditError {
        AuditError::Write {
            path: self.path.clone(),
            kind: error.kind(),
            detail: error.to_string(),
        }
    }
}

/// `host[:port]` of a base URL; nothing of its path, user or query.
fn host_of(base_url: &str) -> String {
    let Ok(url) = url::Url::parse(base_url.trim()) else {
        return "unknown".to_owned();
    };
    let host = url.host_str().unwrap_or("unknown");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}
