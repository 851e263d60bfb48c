//! Confirmations: a centred popup over a cleared background that says what
//! will happen, two buttons (the safe one highlighted by default), and the
//! dialog's keys from the key table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::panel::{Row, lay_out};
use super::status::key_hints;
use super::text::{pad, width};
use super::theme::Theme;
use super::words;
use crate::input::footer_bindings;
use crate::state::{AppState, Dialog, PickerKind};

/// The narrowest a dialog is drawn, when the screen allows.
const MIN_INNER: usize = 48;

/// Draws `dialog` over the middle of `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, dialog: &Dialog, theme: Theme) {
    if let Dialog::Bulk(bulk) = dialog {
        return super::bulk_dialog::render(frame, area, state, bulk, theme);
    }
    let hints = footer_bindings(state);
    let (title, intro, table, buttons, confirm) = match dialog {
        Dialog::ConfirmReset {
            changes,
            staged,
            confirm_selected,
            ..
        } => {
            let account = &state.settings.account;
            let account = place(account.name.as_ref(), account.id.as_ref(), "this account");
            let mut rows: Vec<(String, String, String)> = changes
                .iter()
                .map(|change| {
                    (
                        words::change_field(change),
                        words::change_value(&change.field, &change.now),
                        words::change_value(&change.field, &change.after),
                    )
                })
                .collect();
            if *staged > 0 {
                rows.push((
                    "Unsaved edits".to_owned(),
                    staged.to_string(),
                    "discarded".to_owned(),
                ));
            }
            let intro = format!(
                "Reset the DLP settings of {account} to their defaults? This cannot be undone."
            );
            (
                " Reset DLP settings? ",
                intro,
                table(&rows, theme),
                ["[ Cancel ]", "[ Reset ]"],
                *confirm_selected,
            )
        }
        Dialog::ConfirmSwitch {
            target,
            kind,
            staged,
            confirm_selected,
        } => {
            let (title, here) = match kind {
                PickerKind::Zone => (
                    " Switch zone? ",
                    place(
                        state.settings.zone.name.as_ref(),
                        state.settings.zone.id.as_ref(),
                        "this zone",
                    ),
                ),
                PickerKind::Account => (
                    " Switch account? ",
                    place(
                        state.settings.account.name.as_ref(),
                        state.settings.account.id.as_ref(),
                        "this account",
                    ),
                ),
            };
            let plural = if *staged == 1 { "" } else { "s" };
            let intro = format!(
                "{staged} unsaved change{plural} on {here} will be lost if you open {} now.",
                target.name
            );
            (
                title,
                intro,
                Vec::new(),
                ["[ Stay ]", "[ Switch ]"],
                *confirm_selected,
            )
        }
        Dialog::ConfirmSave {
            warnings,
            confirm_selected,
        } => {
            let zone = &state.settings.zone;
            let zone = place(zone.name.as_ref(), zone.id.as_ref(), "this zone");
            (
                " Save anyway? ",
                words::save_warnings(&zone, warnings),
                Vec::new(),
                ["[ Cancel ]", "[ Save ]"],
                *confirm_selected,
            )
        }
        Dialog::ConfirmQuit { confirm_selected } => (
            " Quit trustdeck? ",
            quit_text(state),
            Vec::new(),
            ["[ Stay ]", "[ Quit ]"],
            *confirm_selected,
        ),
        Dialog::Bulk(_) => return,
    };
    let max_inner = usize::from(area.width).saturating_sub(4);
    let widest = table.iter().map(Line::width).max().unwrap_or(0);
    let inner = (widest + 2).max(MIN_INNER).min(max_inner);

    let mut lines = vec![Line::default()];
    // One column stays free before the right border.
    let text = inner.saturating_sub(1);
    lines.extend(lay_out(&[Row::wide().words(&intro, Style::new())], 0, text, theme).lines);
    if !table.is_empty() {
        lines.push(Line::default());
        lines.extend(table);
    }
    lines.push(Line::default());
    lines.push(
        Line::from(vec![
            Span::styled(buttons[0], theme.button(!confirm, false)),
            Span::raw("   "),
            Span::styled(buttons[1], theme.button(confirm, true)),
        ])
        .centered(),
    );
    lines.push(Line::default());
    lines.push(key_hints(state, &hints, inner, theme).centered());

    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(u16::try_from(inner + 2).unwrap_or(u16::MAX)),
        Constraint::Length(height.min(area.height)),
    );
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(title).style(theme.title(true)));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// `field  now → after reset`, one line per change, columns aligned.
fn table(changes: &[(String, String, String)], theme: Theme) -> Vec<Line<'static>> {
    let field_width = changes
        .iter()
        .map(|c| width(&c.0))
        .chain([width("field")])
        .max()
        .unwrap_or(0);
    let now_width = changes
        .iter()
        .map(|c| width(&c.1))
        .chain([width("now")])
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::from(vec![
        Span::raw("  "),
        Span::styled(pad("field", field_width + 2), theme.label()),
        Span::styled(pad("now", now_width + 3), theme.label()),
        Span::styled("after reset", theme.label()),
    ])];
    for (field, now, after) in changes {
        let line = Line::from(vec![
            Span::raw("  "),
            Span::raw(pad(field, field_width + 2)),
            Span::raw(pad(now, now_width)),
            Span::styled(" → ", theme.muted()),
            Span::styled(after.clone(), theme.warn()),
        ]);
        lines.push(line);
    }
    lines
}

/// What a panel shows now: its name, else its id, else `missing`.
fn place(name: Option<&String>, id: Option<&String>, missing: &str) -> String {
    name.or(id).cloned().unwrap_or_else(|| missing.to_owned())
}

/// How many staged changes quitting loses, and where they are.
fn quit_text(state: &AppState) -> String {
    let zone = state.settings.zone.staged();
    let account = state.settings.account.staged();
    let total = zone + account;
    let plural = if total == 1 { "" } else { "s" };
    let places: Vec<String> = [("zone", zone), ("account", account)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{n} on the {what}"))
        .collect();
    format!(
        "{total} unsaved change{plural} ({}) will be lost if you quit now.",
        places.join(", ")
    )
}
