//! The account panel: DLP settings, the staged edits on them, and the reset row.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Span;

use super::panel::{self, Body, Row, View, format_time, on_off, staged_mark};
use super::text::pad;
use super::theme::Theme;
use crate::api::model::DlpSettings;
use crate::state::{AccountRow, AppState, Panel, Target, key_fingerprint, masking_meaning};

/// The panel's title.
pub const TITLE: &str = "2 Account · DLP settings";

/// Room for the longest label ("AI context analysis") and two spaces.
const LABEL_WIDTH: usize = 21;

/// Room for the payload-logging sub-labels ("updated") and two spaces.
const SUB_LABEL_WIDTH: usize = 9;

/// From this inner width on, the payload-logging facts take one line less:
/// a sub-label column beside the label instead of a heading above them.
const COMPACT_WIDTH: usize = 70;

/// The height the panel wants at `width` columns, borders included.
pub fn height(state: &AppState, width: u16, theme: Theme) -> u16 {
    let lines = content(state, width.saturating_sub(2), theme).0.height() + 2;
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// Draws the panel.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    // The account panel has no text field, so no cursor.
    let _ = view(state, area, theme).render(frame, area);
}

/// What a click at `position` selects in the panel drawn into `area`.
pub fn target_at(state: &AppState, area: Rect, theme: Theme, position: Position) -> Option<Target> {
    view(state, area, theme).target_at(area, position)
}

/// The panel laid out for `area`.
fn view(state: &AppState, area: Rect, theme: Theme) -> View {
    let (body, notes) = content(state, area.width.saturating_sub(2), theme);
    let focused = state.focus == Panel::Account;
    View {
        panel: Panel::Account,
        block: panel::block(TITLE, focused, notes, area.width, theme),
        body,
        busy: state
            .account
            .remote
            .is_locked_by_write()
            .then(|| theme.busy()),
    }
}

/// The body laid out inside the borders, and the notes for the bottom border.
fn content(state: &AppState, inner_width: u16, theme: Theme) -> (Body, Vec<Span<'static>>) {
    let account = &state.account;
    let inner = usize::from(inner_width);
    // One column stays free before the right border.
    let columns = inner.saturating_sub(1);
    let (notes, lock) = panel::notes(
        &account.remote,
        account.read_only.as_deref(),
        account.form.count(),
        inner,
        theme,
    );
    let mut rows: Vec<Row> = lock.into_iter().collect();
    rows.extend(match account.settings() {
        Some(settings) => rows_of(state, settings, columns, theme),
        None => {
            let idle = match (&account.account_id, state.account_discovery) {
                (None, Some(_)) => "Looking for an account…",
                (None, None) => "No account to show. Start trustdeck with --account ACCOUNT_ID.",
                (Some(_), _) => "Not loaded yet. Press r to load it.",
            };
            panel::placeholder(&account.remote, "the DLP settings", idle, theme)
        }
    });
    (panel::lay_out(&rows, LABEL_WIDTH, columns, theme), notes)
}

fn rows_of(state: &AppState, settings: &DlpSettings, columns: usize, theme: Theme) -> Vec<Row> {
    let account = &state.account;
    let form = &account.form;
    let selected = (state.focus == Panel::Account).then(|| account.selected_row());
    let is = |row: AccountRow| selected == Some(row);
    // A selectable row: marked when selected, and a click on it selects it.
    let pick = |line: Row, row: AccountRow| {
        let index = AccountRow::ALL.iter().position(|r| *r == row);
        line.selected(is(row)).target(index.map(Target::AccountRow))
    };
    let toggle = |on: bool, staged: bool| -> Vec<Span<'static>> {
        [Some(on_off(on, theme)), staged_mark(staged, theme)]
            .into_iter()
            .flatten()
            .collect()
    };
    let logging = &settings.payload_logging;
    let mut rows = vec![
        pick(
            Row::new("AI context analysis").piece(toggle(
                account.ai_context_analysis(),
                form.ai_context_analysis.is_some(),
            )),
            AccountRow::AiContextAnalysis,
        ),
        pick(
            Row::new("OCR").piece(toggle(account.ocr(), form.ocr.is_some())),
            AccountRow::Ocr,
        ),
    ];

    // Stacked (wide and short): the logging facts share the "Payload logging"
    // label, one line saved. Side by side (narrow and tall): a heading and
    // indented rows, so the masking meaning fits beside its level.
    let compact = columns >= COMPACT_WIDTH;
    let (masking_label, key_label, updated_label) = if compact {
        ("Payload logging", "", "")
    } else {
        rows.push(Row::new("Payload logging"));
        ("  masking level", "  public key", "  updated")
    };
    let sub_label = |name: &str| {
        compact
            .then(|| Span::styled(pad(name, SUB_LABEL_WIDTH), theme.label()))
            .into_iter()
            .collect::<Vec<_>>()
    };
    let hang = if compact { SUB_LABEL_WIDTH } else { 0 };

    let mut masking = Row::new(masking_label).hang(hang);
    match account.masking_level() {
        Some(level) => {
            let meaning = [
                Some(Span::styled(
                    format!(" ({})", masking_meaning(&level)),
                    theme.muted(),
                )),
                staged_mark(form.masking_level.is_some(), theme),
            ];
            let mut value = sub_label("masking");
            value.push(Span::raw(level.to_string()));
            masking = masking
                .piece(value)
                .piece(meaning.into_iter().flatten().collect::<Vec<_>>());
        }
        None => {
            let mut value = sub_label("masking");
            value.push(Span::styled("not reported", theme.muted()));
            masking = masking.piece(value);
        }
    }
    rows.push(pick(masking, AccountRow::MaskingLevel));

    let mut key = sub_label("key");
    key.push(
        match logging
            .public_key
            .as_deref()
            .filter(|k| !k.trim().is_empty())
        {
            Some(public_key) => match key_fingerprint(public_key) {
                short if short == "set" => Span::raw(short),
                fingerprint => Span::raw(format!("set · {fingerprint}")),
            },
            None => Span::styled("not set · logging off", theme.muted()),
        },
    );
    rows.push(Row::new(key_label).hang(hang).piece(key));

    let mut updated = sub_label("updated");
    updated.push(match &logging.updated_at {
        Some(when) => Span::raw(format_time(when)),
        None => Span::styled("never", theme.muted()),
    });
    rows.push(Row::new(updated_label).hang(hang).piece(updated));

    let style = if account.is_editable() {
        Style::new()
    } else {
        theme.muted()
    };
    rows.push(pick(
        Row::wide().piece(vec![
            Span::styled("D", theme.key()),
            Span::styled(" reset to defaults…", style),
        ]),
        AccountRow::Reset,
    ));
    rows
}
