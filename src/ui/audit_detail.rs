//! One change of the audit log in full (`enter` on the last changes):
//! every field of the record, each value wrapped under its label, nothing
//! cut but what does not fit the screen (then the last line says so).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding};
use time::OffsetDateTime;
use time::macros::format_description;

use super::text::{pad, width, wrap};
use super::theme::Theme;
use crate::audit::{self, Entry, Fields, Verdict};
use crate::state::AuditLine;

/// The label column.
const LABEL: usize = 12;

/// Draws the change over `area`.
pub fn render(frame: &mut Frame, area: Rect, change: &AuditLine, theme: Theme) {
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(" Change · audit log · esc back ").style(theme.title(true)))
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let columns = usize::from(inner.width);
    let height = usize::from(inner.height);
    let mut lines = lines(change, columns, theme);
    if lines.len() > height && height > 0 {
        lines.truncate(height - 1);
        lines.push(Line::styled(
            "… more than fits: `trustdeck log --json` has every field",
            theme.muted(),
        ));
    }
    for (i, line) in lines.into_iter().enumerate() {
        let y = inner.y + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(line, Rect::new(inner.x, y, inner.width, 1));
    }
}

/// Every field of the record, as label and wrapped value.
fn lines(change: &AuditLine, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    let entry = &change.entry;
    let outcome = entry.outcome.as_ref();
    let mut fields: Vec<(&str, String)> = vec![("Time", time_of(entry.time))];
    if let Some(recorded) = outcome {
        fields.push(("Answered", time_of(recorded.time)));
    }
    fields.push(("By", origin(entry)));
    if let Some(profile) = &entry.profile {
        fields.push(("Profile", profile.clone()));
    }
    fields.push(("Host", entry.host.clone()));
    let target = &entry.target;
    fields.push((
        if target.kind == audit::TargetKind::Zone {
            "Zone"
        } else {
            "Account"
        },
        target.name.clone().unwrap_or_else(|| "—".to_owned()),
    ));
    fields.push(("Id", target.id.clone()));
    if let Some(owner) = &target.account {
        let name = owner.name.as_deref().unwrap_or("—");
        fields.push(("Account", format!("{name} ({})", owner.id)));
    }
    fields.push(("Asked", format!("{} · {}", entry.action, change.change)));
    if let Some(sent) = &entry.sent {
        fields.push(("Sent", listed(sent)));
    }
    if let Some(before) = &entry.before {
        fields.push(("Before", listed(before)));
    }
    let verdict = match outcome.map(|r| &r.outcome) {
        None => change.outcome.clone(),
        Some(outcome) => {
            let word = match &outcome.result {
                Verdict::Unknown => "outcome unknown".to_owned(),
                other => other.to_string().replace('_', " "),
            };
            match outcome.status {
                Some(status) => format!("{word} (HTTP {status})"),
                None => word,
            }
        }
    };
    fields.push(("Outcome", verdict));
    if let Some(recorded) = outcome {
        let outcome = &recorded.outcome;
        if let Some(after) = &outcome.after {
            fields.push(("After", listed(after)));
        }
        for note in &outcome.errors {
            fields.push(("Error", format!("{}: {}", note.code, note.message)));
        }
        for note in &outcome.messages {
            fields.push(("Message", format!("{}: {}", note.code, note.message)));
        }
        if let Some(error) = &outcome.error {
            fields.push(("Error", error.clone()));
        }
    }
    fields.push(("Record id", entry.id.clone()));
    let room = columns.saturating_sub(LABEL).max(8);
    let mut out = Vec::new();
    for (label, value) in fields {
        let style = match label {
            "Outcome" => super::audit::verdict_style(&change.verdict, theme),
            "Error" => theme.error(),
            "Zone" => theme.strong(),
            _ => ratatui::style::Style::new(),
        };
        for (i, text) in wrapped(&value, room).into_iter().enumerate() {
            let head = if i == 0 {
                pad(label, LABEL)
            } else {
                pad("", LABEL)
            };
            out.push(Line::from(vec![
                Span::styled(head, theme.label()),
                Span::styled(text, style),
            ]));
        }
    }
    out
}

fn time_of(time: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    time.format(format).unwrap_or_default()
}

/// "bulk · fleet apply · run r20250101-aaaa".
fn origin(entry: &Entry) -> String {
    let mut parts = vec![entry.origin.face.to_string()];
    if let Some(command) = &entry.origin.command {
        parts.push(command.to_string());
    }
    if let Some(run) = &entry.origin.run {
        parts.push(format!("run {run}"));
    }
    parts.join(" · ")
}

/// "enabled on · email …@acme-corp.com".
fn listed(fields: &Fields) -> String {
    if fields.is_empty() {
        return "nothing".to_owned();
    }
    fields
        .iter()
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `text` wrapped at spaces into lines of `columns`; a word longer than a
/// line is broken across lines, never cut.
fn wrapped(text: &str, columns: usize) -> Vec<String> {
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        let mut rest = word;
        while width(rest) > columns {
            let at = rest
                .char_indices()
                .scan(0, |used, (i, c)| {
                    *used += width(c.encode_utf8(&mut [0; 4]));
                    Some((i, *used))
                })
                .find(|(_, used)| *used > columns)
                .map_or(rest.len(), |(i, _)| i);
            if at == 0 {
                break;
            }
            words.push(&rest[..at]);
            rest = &rest[at..];
        }
        words.push(rest);
    }
    let lines = wrap(&words.join(" "), columns);
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}
