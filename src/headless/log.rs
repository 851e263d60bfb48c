//! `trustdeck log [--since DURATION] [--zone Z] [--account A] [--json]`: the
//! audit log, read locally (no request), newest first; a damaged line is a
//! warning on stderr, never a failure.

use time::OffsetDateTime;

use crate::audit::{self, AuditLog, FieldValue, Fields, Filter};
use crate::cli::LogArgs;
use crate::doc::{AuditEntry, AuditLogBody, Kind, Timestamp, WriteResult};

use super::output::{Csv, Table, print, print_doc, warn};
use super::{Exit, Failure};

/// `log`.
pub fn run(args: &LogArgs) -> Result<Exit, Failure> {
    let mut filter = Filter {
        zone: args.zone.clone(),
        account: args.account.clone(),
        ..Filter::default()
    };
    if let Some(since) = &args.since {
        let ago = humantime::parse_duration(since.trim()).map_err(|error| {
            Failure::Usage(format!(
                "--since {since:?}: {error}; give a duration such as 30m, 2h or 7days"
            ))
        })?;
        filter = filter.since_ago(ago, OffsetDateTime::now_utc());
    }
    let report = audit::read(&AuditLog::default_path(), &filter);
    for warning in &report.warnings {
        warn(&warning.to_string());
    }
    let unlisted = report.skipped.saturating_sub(report.warnings.len());
    if unlisted > 0 {
        warn(&format!("{unlisted} more damaged lines were skipped"));
    }
    if args.json {
        let entries = report.entries.iter().map(AuditEntry::of).collect();
        let body = AuditLogBody {
            entries,
            warnings: report.warnings.clone(),
            skipped: report.skipped,
        };
        print_doc(Kind::AuditLog, body);
    } else if args.csv {
        print(&csv(&report));
    } else {
        print(&table(&report));
    }
    Ok(Exit::Done)
}

/// The columns of `log --csv`: the entry's JSON keys, objects by path.
const CSV_HEADER: &[&str] = &[
    "at",
    "outcome_at",
    "id",
    "face",
    "command",
    "run",
    "profile",
    "host",
    "zone_id",
    "zone_name",
    "account_id",
    "account_name",
    "action",
    "result",
    "status",
    "sent",
    "before",
    "after",
    "error",
];

/// The log as CSV, newest first; `account_*` is the account written to or
/// the zone's account.
fn csv(report: &audit::Report) -> String {
    let mut csv = Csv::new(CSV_HEADER);
    for entry in report.entries.iter().map(AuditEntry::of) {
        let account = entry
            .account
            .clone()
            .or_else(|| entry.zone.as_ref().and_then(|z| z.account.clone()));
        let text = |value: Option<String>| value.unwrap_or_default();
        csv.row([
            entry.at.text(),
            text(entry.outcome_at.map(Timestamp::text)),
            entry.id.clone(),
            entry.origin.face.clone(),
            text(entry.origin.command.clone()),
            text(entry.origin.run.clone()),
            text(entry.profile.clone()),
            entry.host.clone(),
            text(entry.zone.as_ref().map(|z| z.id.clone())),
            text(entry.zone.as_ref().and_then(|z| z.name.clone())),
            text(account.as_ref().map(|a| a.id.clone())),
            text(account.as_ref().and_then(|a| a.name.clone())),
            entry.action.clone(),
            result_word(entry.result).to_owned(),
            text(entry.status.map(|s| s.to_string())),
            fields_cell(entry.sent.as_ref()),
            fields_cell(entry.before.as_ref()),
            fields_cell(entry.after.as_ref()),
            text(entry.error.clone()),
        ]);
    }
    csv.render().to_owned()
}

/// The JSON's word for `result`.
fn result_word(result: WriteResult) -> &'static str {
    match result {
        WriteResult::Done => "done",
        WriteResult::Adjusted => "adjusted",
        WriteResult::Failed => "failed",
        WriteResult::Unknown => "unknown",
        WriteResult::Skipped => "skipped",
    }
}

/// `enabled=false; sources.ncmec=true`; empty for none.
fn fields_cell(fields: Option<&Fields>) -> String {
    fields
        .into_iter()
        .flat_map(Fields::iter)
        .map(|(name, value)| match value {
            FieldValue::Bool(on) => format!("{name}={on}"),
            FieldValue::Text(text) => format!("{name}={text}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The log as a table, newest first: time (UTC), target, what changed,
/// outcome; long texts cut with `…` (`--json` keeps them whole).
fn table(report: &audit::Report) -> String {
    if report.entries.is_empty() {
        return audit::render_table(report);
    }
    let mut table = Table::new(&["TIME (UTC)", "TARGET", "CHANGE", "OUTCOME"])
        .cap(2, 60)
        .cap(3, 80);
    for entry in &report.entries {
        table.row(vec![
            audit::time_text(entry),
            entry.target.label(),
            audit::change_text(entry),
            audit::outcome_text(entry),
        ]);
    }
    table.render()
}
