//! The account panel's rows: DLP settings, the staged edits on them,
//! payload logging with its key field, and the reset row.

use ratatui::style::Style;
use ratatui::text::Span;

use super::panel::{Row, format_time, on_off, staged_mark};
use super::setting::{SettingView, key, pick};
use super::text::pad;
use super::theme::Theme;
use crate::api::model::DlpSettings;
use crate::outcome::dlp_at_defaults;
use crate::state::{
    AccountPanel, AccountRow, AppState, Discover, Dlp, FieldEditor, Lookup, Route, key_fingerprint,
    masking_meaning,
};

/// Room for the longest label ("AI context analysis") and two spaces.
const LABEL_WIDTH: usize = 21;

/// Room for the payload-logging sub-labels ("updated") and two spaces.
const SUB_LABEL_WIDTH: usize = 9;

/// From this inner width on, the payload-logging facts take one line less:
/// a sub-label column beside the label instead of a heading above them.
const COMPACT_WIDTH: usize = 70;

impl SettingView for Dlp {
    const TITLE: &'static str = "2 Account · DLP settings";
    const LABEL_WIDTH: usize = LABEL_WIDTH;
    const ID_LABEL: &'static str = "account id";
    const LOADING: &'static str = "the DLP settings";

    fn rows_of(state: &AppState, settings: &DlpSettings, columns: usize, theme: Theme) -> Vec<Row> {
        rows_of(state, settings, columns, theme)
    }

    fn idle(state: &AppState) -> String {
        let looking = state
            .requests
            .any(|r| *r == Route::Discover(Discover::Account));
        // The zone's account opens here once the zone is known.
        let zone_coming = state.requests.any(|r| {
            matches!(
                r,
                Route::Discover(Discover::Zone)
                    | Route::Lookup(
                        Lookup::ZoneDetails { .. }
                            | Lookup::ZoneByName { .. }
                            | Lookup::ZoneById { .. }
                    )
            )
        });
        match (&state.settings.account.id, looking, zone_coming) {
            (None, true, _) => "Looking for an account…".to_owned(),
            (None, false, true) => "Waiting for the zone: its account opens here.".to_owned(),
            (None, false, false) => format!(
                "No account to show. Start trustdeck with --account ACCOUNT_ID, or press {} to pick one.",
                key(state, "pick_account")
            ),
            (Some(_), _, _) => format!(
                "Not loaded yet. Press {} to load it.",
                key(state, "refresh")
            ),
        }
    }
}

fn rows_of(state: &AppState, settings: &DlpSettings, columns: usize, theme: Theme) -> Vec<Row> {
    let account = &state.settings.account;
    let form = &account.form;
    let pick = |line: Row, row: AccountRow| pick::<Dlp>(state, line, &row);
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
    logging_row = match &account.editor {
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
    let at_defaults = account.value().is_some_and(dlp_at_defaults);
    let (words, style) = match &account.read_only {
        Some(reason) => (
            format!(
                " {}",
                super::words::unavailable("reset to defaults", reason)
            ),
            theme.muted(),
        ),
        None if at_defaults => (
            " reset to defaults: already at defaults".to_owned(),
            theme.muted(),
        ),
        None => (" reset to defaults…".to_owned(), style),
    };
    let key = if account.read_only.is_some() {
        theme.muted()
    } else {
        theme.key()
    };
    rows.push(pick(
        Row::wide().piece(vec![
            Span::styled(
                state
                    .context
                    .keys
                    .first_key(crate::input::KeyContext::Settings, "reset"),
                key,
            ),
            Span::styled(words, style),
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
fn key_field(row: Row, editor: &FieldEditor, theme: Theme) -> Row {
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
