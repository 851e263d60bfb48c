//! The account panel: DLP settings, the staged edits on them, and the reset row.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::panel::{self, Body, Row, View, format_time, on_off, staged_mark};
use super::text::pad;
use super::theme::Theme;
use crate::api::model::DlpSettings;
use crate::state::{
    AccountPanel, AccountRow, AppState, EmailEditor, Panel, Target, key_fingerprint,
    masking_meaning,
};

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
    let (body, notes, id) = content(state, area.width.saturating_sub(2), theme);
    let focused = state.focus == Panel::Account;
    View {
        panel: Panel::Account,
        block: panel::block(
            &panel::title(TITLE, state.account.account_name.as_deref()),
            focused,
            notes,
            id,
            area.width,
            theme,
        ),
        body,
        busy: state
            .account
            .remote
            .is_locked_by_write()
            .then(|| theme.busy()),
    }
}

/// The body laid out inside the borders, the notes for the bottom border,
/// and the account id for its right end (when it fits there).
fn content(
    state: &AppState,
    inner_width: u16,
    theme: Theme,
) -> (Body, Vec<Span<'static>>, Option<Line<'static>>) {
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
    let (id, id_row) = panel::place_id(
        "account id",
        account.account_id.as_deref(),
        &notes,
        inner,
        theme,
    );
    rows.extend(id_row);
    (
        panel::lay_out(&rows, LABEL_WIDTH, columns, theme),
        notes,
        id,
    )
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

    let mut logging_row = Row::new("Payload logging");
    logging_row = match &account.key_editor {
        Some(editor) => key_field(logging_row, editor, theme),
        None => {
            let mut on = toggle(account.payload_logging(), false);
            on.extend(key_value(account, theme));
            logging_row.piece(on)
        }
    };
    rows.push(pick(logging_row, AccountRow::PayloadLogging));
    // Wide (stacked panels): the logging facts stand under the toggle in a
    // sub-label column; narrow (side by side): as indented rows of their own.
    let compact = columns >= COMPACT_WIDTH;
    let (masking_label, updated_label) = if compact {
        ("", "")
    } else {
        ("  masking level", "  updated")
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

/// The public key as it will be after a save, beside the toggle: never the
/// key itself, only its fingerprint.
fn key_value(account: &AccountPanel, theme: Theme) -> Vec<Span<'static>> {
    let shown = |key: &str| match key_fingerprint(key) {
        short if short == "set" => " · key set".to_owned(),
        fingerprint => format!(" · key {fingerprint}"),
    };
    match (&account.form.public_key, account.server_key()) {
        (Some(staged), _) if staged.is_empty() => vec![
            Span::styled(" · key cleared", theme.muted()),
            Span::styled(" *", theme.staged()),
        ],
        (Some(staged), _) => vec![
            Span::raw(format!("{} (new)", shown(staged))),
            Span::styled(" *", theme.staged()),
        ],
        (None, Some(key)) => vec![Span::raw(shown(key))],
        (None, None) => vec![Span::styled(" · no public key", theme.muted())],
    }
}

/// The public-key field while a key is pasted: its fingerprint and length
/// (a key is never drawn in full), the cursor after it, and its problem.
fn key_field(row: Row, editor: &EmailEditor, theme: Theme) -> Row {
    let mut lead = vec![Span::styled("key ", theme.label())];
    let typed = editor.input.value();
    let count = typed.chars().count();
    let shown = match key_fingerprint(typed) {
        _ if count == 0 => "paste the base64 key".to_owned(),
        short if short == "set" => format!("{} · {count} characters", "•".repeat(count.min(10))),
        fingerprint => format!("{fingerprint} · {count} characters"),
    };
    let column = lead.iter().map(|s| s.width()).sum::<usize>() + shown.chars().count();
    lead.push(Span::styled(shown, theme.input()));
    let mut row = row.piece(lead).keep_visible(true).cursor(column);
    if let Some(problem) = &editor.problem {
        row = row.piece(vec![Span::styled(format!("  ✗ {problem}"), theme.error())]);
    }
    row
}
