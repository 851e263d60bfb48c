//! The log in words: a plain table for a person (`trustdeck log`), from a
//! [`Report`] (`trustdeck log --json` prints [`crate::doc::AuditLogBody`]). The texts per entry are public so the dashboard's
//! overlay can show the same words.

use time::macros::format_description;

use super::read::{Entry, Report};
use super::record::Fields;
use super::words::{Action, Verdict};

/// A plain table, newest first: time (UTC), target, what changed, outcome;
/// one line per write, no colour, columns padded with spaces. An empty
/// report says so in one line.
pub fn render_table(report: &Report) -> String {
    if report.entries.is_empty() {
        return "No writes recorded.\n".to_owned();
    }
    let rows: Vec<[String; 4]> = report
        .entries
        .iter()
        .map(|e| {
            [
                time_text(e),
                e.target.label(),
                change_text(e),
                outcome_text(e),
            ]
        })
        .collect();
    let header = ["TIME (UTC)", "TARGET", "CHANGE", "OUTCOME"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i < 3 {
                let pad = width - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// When the write was made, `2025-06-01 10:00:00Z`.
pub fn time_text(entry: &Entry) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    entry.time.format(format).unwrap_or_default()
}

/// What the write changed: each field sent with its value before and after
/// (`enabled off → on`), what the server kept otherwise (`(server: off)`),
/// `reset to defaults` for a reset.
pub fn change_text(entry: &Entry) -> String {
    let Some(sent) = &entry.sent else {
        return "(intent not recorded)".to_owned();
    };
    let after = entry
        .outcome
        .as_ref()
        .and_then(|r| r.outcome.after.as_ref());
    if entry.action == Action::DlpReset {
        let changed = differences(entry.before.as_ref(), after);
        return if changed.is_empty() {
            "reset to defaults".to_owned()
        } else {
            format!("reset to defaults: {changed}")
        };
    }
    let mut parts = Vec::new();
    for (name, value) in sent.iter() {
        if name == "resend_email" {
            parts.push("resend verification email".to_owned());
            continue;
        }
        let mut part = match entry.before.as_ref().and_then(|b| b.get(name)) {
            Some(before) if before != value => format!("{name} {before} → {value}"),
            _ => format!("{name} {value}"),
        };
        // The server shows an email masked, so it never equals the typed one.
        if let Some(kept) = after.and_then(|a| a.get(name)).filter(|_| name != "email")
            && kept != value
        {
            part.push_str(&format!(" (server: {kept})"));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The fields whose value differs between `before` and `after`.
fn differences(before: Option<&Fields>, after: Option<&Fields>) -> String {
    let (Some(before), Some(after)) = (before, after) else {
        return String::new();
    };
    after
        .iter()
        .filter_map(|(name, value)| {
            let old = before.get(name)?;
            (old != value).then(|| format!("{name} {old} → {value}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What became of the write: `applied`, `refused (HTTP 403): …`, `outcome
/// unknown (no outcome recorded)`, with Cloudflare's codes and messages.
pub fn outcome_text(entry: &Entry) -> String {
    let Some(recorded) = &entry.outcome else {
        return "outcome unknown (no outcome recorded)".to_owned();
    };
    let outcome = &recorded.outcome;
    let status = outcome
        .status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    let mut text = match &outcome.result {
        Verdict::Applied => "applied".to_owned(),
        Verdict::Unknown => format!("outcome unknown{status}"),
        Verdict::NotSent => "not sent".to_owned(),
        other => format!("{other}{status}"),
    };
    let notes: Vec<String> = outcome
        .errors
        .iter()
        .chain(&outcome.messages)
        .map(|n| format!("{}: {}", n.code, n.message))
        .collect();
    if !notes.is_empty() {
        text.push_str(": ");
        text.push_str(&notes.join("; "));
    } else if let Some(error) = &outcome.error {
        text.push_str(": ");
        text.push_str(error);
    }
    text
}
