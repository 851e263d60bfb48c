//! The zone panel's rows: the CSAM Scanner setting, the staged edits on it,
//! and the email field while it is edited.

use ratatui::text::Span;

use super::panel::{Row, format_time, on_off, staged_mark};
use super::setting::{SettingView, key, pick};
use super::text::{self, width};
use super::theme::Theme;
use crate::api::model::{CsamSetting, EmailState};
use crate::state::{AppState, Csam, Discover, FieldEditor, Lookup, Route, ZonePanel, ZoneRow};

/// Room for the longest label ("Scanning", "Modified") and two spaces.
const LABEL_WIDTH: usize = 10;

/// The email field's width when the panel is wide enough.
const FIELD_WIDTH: usize = 34;

impl SettingView for Csam {
    const TITLE: &'static str = "1 Zone · CSAM Scanner";
    const LABEL_WIDTH: usize = LABEL_WIDTH;
    const ID_LABEL: &'static str = "id";
    const LOADING: &'static str = "the CSAM setting";

    fn rows_of(state: &AppState, setting: &CsamSetting, columns: usize, theme: Theme) -> Vec<Row> {
        rows_of(state, setting, columns, theme)
    }

    fn idle(state: &AppState) -> String {
        let by_name = state
            .requests
            .in_flight()
            .into_iter()
            .find_map(|(_, p)| match &p.route {
                Route::Lookup(Lookup::ZoneByName { name }) => Some(name.clone()),
                _ => None,
            });
        let looking = state
            .requests
            .any(|r| *r == Route::Discover(Discover::Zone));
        match (&state.settings.zone.id, looking, by_name) {
            (None, _, Some(name)) => format!("Looking up the zone {name}…"),
            (None, true, None) => "Looking for a zone…".to_owned(),
            (None, false, None) => format!(
                "No zone to show. Start trustdeck with --zone ZONE_ID_OR_NAME, or press {} to pick one.",
                key(state, "pick_zone")
            ),
            (Some(_), _, _) => format!(
                "Not loaded yet. Press {} to load it.",
                key(state, "refresh")
            ),
        }
    }
}

fn rows_of(state: &AppState, setting: &CsamSetting, columns: usize, theme: Theme) -> Vec<Row> {
    let zone = &state.settings.zone;
    let value = &setting.value;
    let pick = |line: Row, row: &ZoneRow| pick::<Csam>(state, line, row);
    let mut rows = Vec::new();

    // Until the name is known, the start of the id (all of it is on the
    // bottom border): short, so the rows do not move when the name comes.
    let name = zone
        .name
        .clone()
        .or_else(|| {
            let id = crate::api::validate::clip_id(zone.id.as_deref()?);
            Some(match id.char_indices().nth(8) {
                Some((at, _)) if !id.starts_with('(') => format!("{}…", &id[..at]),
                _ => id,
            })
        })
        .unwrap_or_else(|| "—".to_owned());
    let mut row = Row::new("Zone").piece(vec![Span::styled(name, theme.strong())]);
    if let Some(plan) = &value.zone_plan {
        row = row.piece(vec![
            Span::styled(" · plan ", theme.muted()),
            Span::raw(plan.clone()),
        ]);
    }
    rows.push(row);

    let editable = match setting.editable {
        Some(true) => Span::raw("yes"),
        Some(false) => Span::styled("no", theme.warn()),
        None => Span::styled("not reported", theme.muted()),
    };
    rows.push(Row::new("Editable").piece(vec![editable]));

    let scanning = [
        Some(match zone.scanning() {
            Some(on) => on_off(on, theme),
            None => Span::styled("not reported", theme.muted()),
        }),
        staged_mark(zone.form.enabled.is_some(), theme),
    ];
    rows.push(pick(
        Row::new("Scanning").piece(scanning.into_iter().flatten().collect::<Vec<_>>()),
        &ZoneRow::Enabled,
    ));
    push_field_error(&mut rows, zone, &ZoneRow::Enabled, theme);

    rows.push(pick(email_row(zone, columns, theme), &ZoneRow::Email));
    push_field_error(&mut rows, zone, &ZoneRow::Email, theme);

    rows.push(state_row(value.email_state.as_ref(), theme));
    if zone.rows().contains(&ZoneRow::Resend) {
        let style = if zone.is_editable() {
            theme.warn()
        } else {
            theme.muted()
        };
        let words = match &zone.read_only {
            Some(reason) => super::words::unavailable("↻ resend email", reason),
            None => "↻ resend verification email".to_owned(),
        };
        let resend = [
            Some(Span::styled(words, style)),
            staged_mark(zone.form.resend, theme),
        ];
        rows.push(pick(
            Row::new("").piece(resend.into_iter().flatten().collect::<Vec<_>>()),
            &ZoneRow::Resend,
        ));
        push_field_error(&mut rows, zone, &ZoneRow::Resend, theme);
    }

    if value.sources.is_empty() {
        rows.push(Row::new("Sources").piece(vec![Span::styled("none reported", theme.muted())]));
    }
    for (i, name) in value.sources.keys().enumerate() {
        let on = zone.source(name);
        let source = [
            Some(if on {
                Span::styled("[x] ", theme.ok())
            } else {
                Span::raw("[ ] ")
            }),
            Some(Span::raw(name.clone())),
            staged_mark(zone.form.sources.contains_key(name), theme),
        ];
        let row = ZoneRow::Source(name.clone());
        let label = if i == 0 { "Sources" } else { "" };
        rows.push(pick(
            Row::new(label).piece(source.into_iter().flatten().collect::<Vec<_>>()),
            &row,
        ));
        push_field_error(&mut rows, zone, &row, theme);
    }

    // The API never fills modified_on; no row rather than a guess.
    if let Some(when) = &setting.modified_on {
        rows.push(Row::new("Modified").piece(vec![Span::raw(format_time(when))]));
    }
    rows
}

/// The email as the server returns it (masked), the staged address, or the
/// field being typed in with its problem beside or under it.
fn email_row(zone: &ZonePanel, columns: usize, theme: Theme) -> Row {
    let row = Row::new("Email");
    if let Some(editor) = &zone.editor {
        let room = columns.saturating_sub(2 + LABEL_WIDTH).max(2);
        return email_field(row, editor, room.min(FIELD_WIDTH), theme);
    }
    match (
        &zone.form.email,
        zone.value().and_then(|s| s.value.email.as_ref()),
    ) {
        (Some(staged), _) => row.piece(vec![
            Span::raw(staged.clone()),
            Span::styled(" *", theme.staged()),
        ]),
        (None, Some(email)) if !email.is_empty() => row.piece(vec![Span::raw(email.clone())]),
        (None, _) => row.piece(vec![Span::styled("not set", theme.muted())]),
    }
}

fn email_field(row: Row, editor: &FieldEditor, field: usize, theme: Theme) -> Row {
    let (mut shown, cursor) = text::input_view(&editor.input, field);
    // Padded to the field's width so the field reads as one box.
    shown.push_str(&" ".repeat(field.saturating_sub(width(&shown))));
    let mut row = row
        .piece(vec![Span::styled(shown, theme.input())])
        .keep_visible(true)
        .cursor(cursor);
    if let Some(problem) = &editor.problem {
        row = row.piece(vec![Span::styled(format!("  ✗ {problem}"), theme.error())]);
    }
    row
}

/// The email state with a symbol and words, never colour alone.
fn state_row(state: Option<&EmailState>, theme: Theme) -> Row {
    let row = Row::new("State");
    let (symbol, word, words, style) = match state {
        Some(EmailState::Valid) => ("✓", "valid", "verified", theme.ok()),
        Some(EmailState::Pending) => ("◐", "pending", "verification email sent", theme.warn()),
        Some(EmailState::Unverified) => ("✗", "unverified", "not verified yet", theme.error()),
        Some(EmailState::Unknown(other)) => return row.piece(vec![Span::raw(other.clone())]),
        None => return row.piece(vec![Span::styled("not reported", theme.muted())]),
    };
    row.piece(vec![Span::styled(format!("{symbol} {word}"), style)])
        .piece(vec![Span::styled(format!(" · {words}"), theme.muted())])
}

/// The server's complaint about `row`, on the line under it.
fn push_field_error(rows: &mut Vec<Row>, zone: &ZonePanel, row: &ZoneRow, theme: Theme) {
    if let Some((_, message)) = zone.field_error.as_ref().filter(|(at, _)| at == row) {
        rows.push(Row::new("").words(&format!("✗ {message}"), theme.error()));
    }
}
