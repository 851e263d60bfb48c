//! Reading the log back: every file, oldest first, line by line within a
//! bounded buffer; intents paired with their outcomes; filters; and a
//! warning (never a crash) for each line that cannot be used.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::entry::{self, Unusable};
use super::outcome::Outcome;
use super::record::{Fields, Line, LineKind, Origin, Target};
use super::store::open_all;
use super::words::{Action, TargetKind, Verdict};

/// The longest line the reader accepts; a real record is a few hundred bytes.
pub const LINE_MAX: usize = 64 * 1024;
/// The most warnings a report lists one by one; the rest are only counted.
const WARNINGS_MAX: usize = 100;

/// Which entries to return. The default returns everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only writes at or after this time (`--since`: now minus the duration).
    pub since: Option<OffsetDateTime>,
    /// Only writes to this zone: its id, or its name (any case).
    pub zone: Option<String>,
    /// Only writes to this account, or to a zone it owns: id or name (any case).
    pub account: Option<String>,
    /// At most this many entries, the newest (the dashboard's overlay).
    pub limit: Option<usize>,
}

impl Filter {
    /// Writes of the last `ago` before `now` (`trustdeck log --since 2h`).
    pub fn since_ago(mut self, ago: Duration, now: OffsetDateTime) -> Self {
        self.since = Some(now - ago);
        self
    }

    fn keeps(&self, entry: &Entry) -> bool {
        let named = |id: &str, name: Option<&str>, wanted: &str| {
            id == wanted || name.is_some_and(|n| n.eq_ignore_ascii_case(wanted))
        };
        let target = &entry.target;
        let zone_ok = self.zone.as_deref().is_none_or(|z| {
            target.kind == TargetKind::Zone && named(&target.id, target.name.as_deref(), z)
        });
        let account_ok = self.account.as_deref().is_none_or(|a| match target.kind {
            TargetKind::Account => named(&target.id, target.name.as_deref(), a),
            _ => target
                .account
                .as_ref()
                .is_some_and(|o| named(&o.id, o.name.as_deref(), a)),
        });
        let time_ok = self.since.is_none_or(|since| entry.time >= since);
        zone_ok && account_ok && time_ok
    }
}

/// One write as read back: its intent and, when recorded, its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The id shared by the intent and the outcome line.
    pub id: String,
    /// When the intent was written (the outcome's time when the intent line
    /// was lost), UTC.
    #[serde(serialize_with = "rfc3339")]
    pub time: OffsetDateTime,
    /// Face, command and bulk run.
    #[serde(flatten)]
    pub origin: Origin,
    /// The configuration profile in use, if any.
    pub profile: Option<String>,
    /// The API host (`host[:port]` of the base URL).
    pub host: String,
    /// The zone or account written to.
    pub target: Target,
    /// Which write.
    pub action: Action,
    /// The fields sent; `None` when the intent line is missing.
    pub sent: Option<Fields>,
    /// The setting before, when the sender had read it.
    pub before: Option<Fields>,
    /// Applied, refused, failed, unknown, not sent; `unknown` too when no
    /// outcome was recorded.
    pub state: Verdict,
    /// The outcome line; `None` means the outcome is unknown (the process
    /// ended before the reply, or the write is still in flight).
    pub outcome: Option<Recorded>,
}

/// An outcome as read back, with its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// When the outcome was written, UTC.
    #[serde(serialize_with = "rfc3339")]
    pub time: OffsetDateTime,
    /// What it says.
    #[serde(flatten)]
    pub outcome: Outcome,
}

fn rfc3339<S: serde::Serializer>(time: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&time.format(&Rfc3339).unwrap_or_default())
}

/// A line (or a file) the reader skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Warning {
    /// The file's name (`audit.jsonl.2`).
    pub file: String,
    /// The 1-based line number; `None` when the whole file was unreadable.
    pub line: Option<u64>,
    /// Why it was skipped.
    pub problem: Problem,
}

/// Why a line was skipped. The texts never quote the line: a damaged line
/// may hold anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// Longer than [`LINE_MAX`].
    TooLong {
        /// Its length in bytes.
        bytes: u64,
    },
    /// Not an audit record (not UTF-8, not JSON, a field missing or wrong).
    Malformed {
        /// The parser's complaint (position and kind, no content).
        detail: String,
    },
    /// The time is not RFC 3339.
    BadTime,
    /// A second intent, or a second outcome, with an id already seen.
    DuplicateId,
    /// The file could not be opened or read.
    Unreadable {
        /// The OS's reason.
        detail: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: skipped: ", self.file)?,
            None => write!(f, "{}: skipped: ", self.file)?,
        }
        match &self.problem {
            Problem::TooLong { bytes } => write!(f, "the line is {bytes} bytes long"),
            Problem::Malformed { detail } => write!(f, "not an audit record ({detail})"),
            Problem::BadTime => f.write_str("the time is not RFC 3339"),
            Problem::DuplicateId => f.write_str("an id seen before"),
            Problem::Unreadable { detail } => write!(f, "cannot be read ({detail})"),
        }
    }
}

/// What [`read`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The matching writes, newest first.
    pub entries: Vec<Entry>,
    /// The first skipped lines, with why.
    pub warnings: Vec<Warning>,
    /// How many lines (or files) were skipped in all, listed or not.
    pub skipped: usize,
}

impl Report {
    fn warn(&mut self, file: &str, line: Option<u64>, problem: Problem) {
        self.skipped += 1;
        if self.warnings.len() < WARNINGS_MAX {
            self.warnings.push(Warning {
                file: file.to_owned(),
                line,
                problem,
            });
        }
    }
}

/// Reads the log at `path` and its rotated files, pairs intents with
/// outcomes and keeps what `filter` asks for, newest first. Never fails: a
/// missing log is an empty report, everything else a warning.
pub fn read(path: &Path, filter: &Filter) -> Report {
    let mut report = Report::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (file_path, opened) in open_all(path, Duration::from_millis(200)) {
        let name = file_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = match opened {
            Ok(file) => file,
            Err(e) => {
                let detail = e.to_string();
                report.warn(&name, None, Problem::Unreadable { detail });
                continue;
            }
        };
        if let Err(e) = read_file(file, &name, &mut report, &mut entries, &mut by_id) {
            let detail = e.to_string();
            report.warn(&name, None, Problem::Unreadable { detail });
        }
    }
    // Later lines are newer at equal times: reverse first, then a stable sort.
    entries.reverse();
    entries.sort_by_key(|e| std::cmp::Reverse(e.time));
    report.entries = entries.into_iter().filter(|e| filter.keeps(e)).collect();
    if let Some(limit) = filter.limit {
        report.entries.truncate(limit);
    }
    report
}

fn read_file(
    file: File,
    name: &str,
    report: &mut Report,
    entries: &mut Vec<Entry>,
    by_id: &mut HashMap<String, usize>,
) -> io::Result<()> {
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    let mut number = 0;
    while let Some(length) = next_line(&mut reader, &mut buf)? {
        number += 1;
        if length > LINE_MAX as u64 {
            report.warn(name, Some(number), Problem::TooLong { bytes: length });
            continue;
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (line, at, outcome_at) = match parse_line(&buf) {
            Ok(read) => read,
            Err(Unusable::Malformed(detail)) => {
                report.warn(name, Some(number), Problem::Malformed { detail });
                continue;
            }
            Err(Unusable::BadTime) => {
                report.warn(name, Some(number), Problem::BadTime);
                continue;
            }
        };
        if !absorb(line, at, outcome_at, entries, by_id) {
            report.warn(name, Some(number), Problem::DuplicateId);
        }
    }
    Ok(())
}

/// A line of either format: a version 2 record (`"kind": "audit_entry"`)
/// or a version 1 line (`"v": 1`), with when its write was about to be sent
/// and, for an outcome, when that was known.
fn parse_line(buf: &[u8]) -> Result<entry::Read, Unusable> {
    let malformed = |e: serde_json::Error| {
        Unusable::Malformed(format!("{:?} at column {}", e.classify(), e.column()))
    };
    let value: serde_json::Value = serde_json::from_slice(buf).map_err(malformed)?;
    if entry::is_record(&value) {
        return entry::from_record(value);
    }
    let line = serde_json::from_slice::<Line>(buf)
        .map_err(malformed)?
        .sanitized();
    let time = OffsetDateTime::parse(&line.time, &Rfc3339).map_err(|_| Unusable::BadTime)?;
    let outcome_at = (line.kind == LineKind::Outcome).then_some(time);
    Ok((line, time, outcome_at))
}

/// Adds one line to the entries; false when its half of the id is taken.
fn absorb(
    line: Line,
    time: OffsetDateTime,
    outcome_at: Option<OffsetDateTime>,
    entries: &mut Vec<Entry>,
    by_id: &mut HashMap<String, usize>,
) -> bool {
    let recorded = |line: &Line| {
        line.outcome.clone().map(|outcome| Recorded {
            time: outcome_at.unwrap_or(time),
            outcome,
        })
    };
    match (line.kind, by_id.get(&line.id)) {
        (LineKind::Intent, Some(&at)) if entries[at].sent.is_none() => {
            let entry = &mut entries[at];
            entry.time = time;
            entry.sent = Some(line.sent.unwrap_or_default());
            entry.before = line.before;
            true
        }
        (LineKind::Outcome, Some(&at)) if entries[at].outcome.is_none() => {
            let entry = &mut entries[at];
            entry.outcome = recorded(&line);
            entry.state = state_of(entry.outcome.as_ref());
            if entry.sent.is_none() {
                entry.sent = line.sent;
                entry.before = line.before;
            }
            true
        }
        (_, Some(_)) => false,
        (kind, None) => {
            let outcome = if kind == LineKind::Outcome {
                recorded(&line)
            } else {
                None
            };
            let sent = match kind {
                LineKind::Intent => Some(line.sent.unwrap_or_default()),
                LineKind::Outcome => line.sent,
            };
            by_id.insert(line.id.clone(), entries.len());
            entries.push(Entry {
                id: line.id,
                time,
                origin: line.origin,
                profile: line.profile,
                host: line.host,
                target: line.target,
                action: line.action,
                sent,
                before: line.before,
                state: state_of(outcome.as_ref()),
                outcome,
            });
            true
        }
    }
}

fn state_of(outcome: Option<&Recorded>) -> Verdict {
    outcome.map_or(Verdict::Unknown, |r| r.outcome.result.clone())
}

/// Reads the next line into `buf` (without its `\n`) and returns its full
/// length; a line longer than [`LINE_MAX`] is consumed but not kept, so a
/// huge line costs no memory. `None` at the end of the file.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<u64>> {
    buf.clear();
    let mut length: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(length));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(end) => (&chunk[..end], Some(end + 1)),
            None => (chunk, None),
        };
        length += part.len() as u64;
        if buf.len() + part.len() <= LINE_MAX {
            buf.extend_from_slice(part);
        } else {
            buf.clear();
        }
        let used = done.unwrap_or(chunk.len());
        reader.consume(used);
        if done.is_some() {
            return Ok(Some(length));
        }
    }
}

/// When trustdeck last changed the CSAM setting of `zone_id`, from the
/// audit log at `path`: the newest applied write to it, as
/// `2026-12-07 16:30 UTC by trustdeck (audit log)`; `None` when it never did
/// (the API itself does not fill `modified_on`).
pub fn last_change(path: &Path, zone_id: &str) -> Option<String> {
    let filter = Filter {
        zone: Some(zone_id.to_owned()),
        ..Filter::default()
    };
    let report = read(path, &filter);
    let entry = report
        .entries
        .iter()
        .filter(|e| e.state == Verdict::Applied && e.target.id == zone_id)
        .max_by_key(|e| e.time)?;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    let at = entry
        .time
        .to_offset(time::UtcOffset::UTC)
        .format(format)
        .ok()?;
    Some(format!("{at} by trustdeck (audit log)"))
}
