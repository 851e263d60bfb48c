//! `trustdeck log [--since DURATION] [--zone Z] [--account A] [--json]`: the
//! audit log, read locally (no request), newest first; a damaged line is a
//! warning on stderr, never a failure.

use time::OffsetDateTime;

use crate::audit::{self, AuditLog, Filter};
use crate::cli::LogArgs;
use crate::doc::{AuditEntry, AuditLogBody, Kind};

use super::output::{Table, print, print_doc, warn};
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
    } else {
        print(&table(&report));
    }
    Ok(Exit::Done)
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
