//! The accounts page's bulk DLP dialogs as the fleet page's popups draw
//! them: the change menu's words, the plan (what happens to each account,
//! field by field, or why it is skipped) and the run's summary.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::bulk_dialog::{Popup, clip, words};
use super::text::{fit, input_view, pad, width};
use super::theme::Theme;
use crate::fleet::{AccountPlanEntry, AccountStep, DlpChange, RunState, thousands};
use crate::state::{AccountChoice, AccountPlanDialog, AppState, SummaryChoice};

/// A menu entry in words.
pub(super) fn account_choice_words(choice: &AccountChoice) -> String {
    match choice {
        AccountChoice::PublicKey => "set the payload-logging public key…".to_owned(),
        AccountChoice::Change(change) => change.words(),
    }
}

/// What the plan does with one account, in words.
fn step_words(entry: &AccountPlanEntry, change: &DlpChange) -> (String, fn(Theme) -> Style) {
    match &entry.step {
        AccountStep::Send { fields, .. } => {
            let words: Vec<String> = fields.iter().map(|f| f.words()).collect();
            (words.join(", "), Theme::ok)
        }
        AccountStep::Skip(skip) => (format!("skipped: {}", skip.words(change)), Theme::muted),
    }
}

/// The plan popup: the summary, the budget, each account, the typed count.
pub(super) fn account_plan_popup(
    dialog: &AccountPlanDialog,
    columns: usize,
    room: usize,
    theme: Theme,
) -> Popup {
    let plan = &dialog.plan;
    let mut body = words(
        &format!("{}: {}", plan.change.words(), plan.summary()),
        theme.strong(),
        columns,
        theme,
    );
    if let Some(cost) = dialog.cost.filter(|c| c.requests() > 0) {
        body.extend(words(
            &format!("Budget: {cost}"),
            theme.muted(),
            columns,
            theme,
        ));
    }
    let count = plan.to_send();
    let mut tail: Vec<Line<'static>> = Vec::new();
    if dialog.read_only {
        tail.extend(words(
            "Read-only mode (--read-only): the plan is shown, but nothing can be sent.",
            theme.warn(),
            columns,
            theme,
        ));
    } else if count == 0 {
        tail.extend(words("Nothing to send.", theme.muted(), columns, theme));
    } else if let Some(typed) = &dialog.typed {
        let lead = format!("  This changes {count} accounts. Type {count} to confirm: ");
        let (shown, _) = input_view(&typed.0, 8);
        tail.push(Line::from(fit(
            vec![
                Span::styled(lead, theme.warn()),
                Span::styled(format!("{shown}▏"), theme.input()),
            ],
            columns,
        )));
    }
    if let Some(problem) = &dialog.problem {
        tail.extend(words(problem, theme.error(), columns, theme));
    }
    body.push(Line::default());
    let list_room = room.saturating_sub(body.len() + tail.len() + 2).max(1);
    body.extend(account_list(dialog, columns, list_room, theme));
    if !tail.is_empty() {
        body.push(Line::default());
        body.extend(tail);
    }
    let (buttons, labels) = if dialog.runnable() {
        let run = if count == 1 {
            "[ Run on 1 account ]".to_owned()
        } else {
            format!("[ Run on {} accounts ]", thousands(count as u64))
        };
        (vec!["[ Cancel ]"], vec!["[ Cancel ]".to_owned(), run])
    } else {
        (vec!["[ Close ]"], Vec::new())
    };
    Popup {
        title: format!(" Plan · {} ", dialog.selection.label),
        body,
        buttons,
        labels,
        highlighted: usize::from(dialog.confirm_selected && dialog.runnable()),
        destructive: true,
    }
}

/// The accounts sent the change first, the skipped last.
fn account_list(
    dialog: &AccountPlanDialog,
    columns: usize,
    rows: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut entries: Vec<&AccountPlanEntry> = dialog.plan.entries.iter().collect();
    entries.sort_by_key(|e| !e.sends());
    let name_width = entries
        .iter()
        .map(|e| width(&e.account.name))
        .max()
        .unwrap_or(0)
        .clamp(8, columns / 2);
    let mut lines = vec![Line::styled(
        format!("  {}{}", pad("ACCOUNT", name_width + 2), "WHAT HAPPENS"),
        theme.label(),
    )];
    let more_line = entries.len() > rows;
    let shown = if more_line {
        rows.saturating_sub(1)
    } else {
        rows
    }
    .max(1);
    let first = dialog.scroll.min(entries.len().saturating_sub(shown));
    for entry in entries.iter().copied().skip(first).take(shown) {
        let (what, style) = step_words(entry, &dialog.plan.change);
        lines.push(Line::from(fit(
            vec![
                Span::raw("  "),
                Span::raw(pad(&clip(&entry.account.name, name_width), name_width + 2)),
                Span::styled(what, style(theme)),
            ],
            columns,
        )));
    }
    if more_line {
        let below = entries.len().saturating_sub(first + shown);
        lines.push(Line::styled(
            format!(
                "  {shown} of {} accounts shown · {below} below · j/k scroll",
                entries.len()
            ),
            theme.muted(),
        ));
    }
    lines
}

/// The run's end: its counts, and Close or retry the failed.
pub(super) fn account_summary(
    state: &AppState,
    choice: SummaryChoice,
    columns: usize,
    theme: Theme,
) -> Popup {
    let run = state.accounts.run.as_ref();
    let Some((run, end)) = run.and_then(|run| Some((run, run.end.as_ref()?))) else {
        return Popup {
            title: " Bulk DLP run ".to_owned(),
            body: words("No run.", Style::new(), columns, theme),
            buttons: vec!["[ Close ]"],
            labels: Vec::new(),
            highlighted: 0,
            destructive: false,
        };
    };
    let title = match &end.state {
        RunState::Complete => " Bulk DLP run complete ",
        RunState::Cancelled => " Bulk DLP run stopped ",
        RunState::Stopped(_) => " Bulk DLP run ended early ",
    };
    let s = &end.summary;
    let skipped: usize = s.skipped.values().sum();
    let text = format!(
        "\"{}\" on {} accounts: {} done · {} adjusted · {skipped} skipped · {} failed ({} a retry may fix) · {} unknown · {} not sent.",
        run.plan.change.words(),
        s.accounts,
        s.done,
        s.adjusted,
        s.failed,
        s.retryable,
        s.unknown,
        s.left,
    );
    let body = words(&text, Style::new(), columns, theme);
    let retry = s.retryable > 0 && !state.context.read_only && run.id.is_some();
    let mut buttons = vec!["[ Close ]"];
    if retry {
        buttons.push("[ Retry the failed ]");
    }
    Popup {
        title: title.to_owned(),
        body,
        buttons,
        labels: Vec::new(),
        highlighted: usize::from(retry && choice == SummaryChoice::Retry),
        destructive: false,
    }
}
