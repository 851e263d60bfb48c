//! The bulk change dialogs: the change menu, the typed email, the plan
//! (counts in words, the zones one a line, Cancel highlighted by default),
//! and the run's questions (stop? quit?), its summary and the offer to
//! resume an unfinished run. Centred popups like every confirmation, with
//! the dialog's keys from the key table at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::account_bulk_dialog::{account_choice_words, account_plan_popup, account_summary};
use super::bulk::counts;
use super::panel::{Row, lay_out};
use super::status::key_hints;
use super::text::{fit, input_view, pad, width};
use super::theme::Theme;
use crate::fleet::{
    Change, Expect, MAX_ROW_AGE, OutcomeKind, PlanEntry, Step, ZoneOutcome, skip_words, thousands,
    unix_now,
};
use crate::input::footer_bindings;
use crate::message::Msg;
use crate::state::{AppState, BulkDialog, Dialog, MenuChoice, PlanDialog, SummaryChoice, Typed};

/// The widest a bulk dialog's inside gets.
const MAX_INNER: usize = 96;
/// The narrowest, when the screen allows.
const MIN_INNER: usize = 56;
/// Failed or unknown zones the summary names.
const NAMED: usize = 4;

/// What a popup is made of.
pub(super) struct Popup {
    pub(super) title: String,
    /// The lines above the buttons.
    pub(super) body: Vec<Line<'static>>,
    /// The buttons, and which is highlighted (`destructive` for the last).
    pub(super) buttons: Vec<&'static str>,
    /// Labels built at draw time replace the fixed ones (counts in them).
    pub(super) labels: Vec<String>,
    pub(super) highlighted: usize,
    pub(super) destructive: bool,
}

/// Draws `dialog` over the middle of `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, dialog: &BulkDialog, theme: Theme) {
    let inner = usize::from(area.width)
        .saturating_sub(4)
        .min(MAX_INNER)
        .max(MIN_INNER.min(usize::from(area.width).saturating_sub(4)));
    let text = inner.saturating_sub(1);
    // Borders, blank lines, buttons and the key hints.
    let room = usize::from(area.height).saturating_sub(8);
    let popup = match dialog {
        BulkDialog::Menu {
            selection,
            choices,
            selected,
        } => {
            let choices: Vec<String> = choices.iter().map(choice_words).collect();
            menu(&selection.label, &choices, *selected, text, room, theme)
        }
        BulkDialog::Email {
            selection,
            input,
            problem,
        } => typed_popup(
            TypedField {
                title: format!(" Notification email · {} ", selection.label),
                intro: "The address every zone's CSAM notifications go to. Each zone then \
                        verifies it: scanning stays off on a zone until its new address is \
                        verified.",
                lead: "  Email ",
            },
            input,
            problem.as_deref(),
            text,
            theme,
        ),
        BulkDialog::AccountMenu {
            selection,
            choices,
            selected,
        } => {
            let choices: Vec<String> = choices.iter().map(account_choice_words).collect();
            menu(&selection.label, &choices, *selected, text, room, theme)
        }
        BulkDialog::PublicKey {
            selection,
            input,
            problem,
        } => typed_popup(
            TypedField {
                title: format!(" Payload-logging public key · {} ", selection.label),
                intro: "The X25519 public key (44 characters of base64) DLP encrypts matched \
                        payloads to, on every account. Paste it; it is checked as it is typed.",
                lead: "  Key ",
            },
            input,
            problem.as_deref(),
            text,
            theme,
        ),
        BulkDialog::AccountPlan(plan) => account_plan_popup(plan, text, room, theme),
        BulkDialog::AccountSummary { choice } => account_summary(state, *choice, text, theme),
        BulkDialog::Plan(plan) => plan_popup(plan, text, room, theme),
        BulkDialog::StopRun { confirm_selected } => question(
            " Stop the bulk run? ",
            &stop_text(state),
            ["[ Keep going ]", "[ Stop the run ]"],
            *confirm_selected,
            text,
            theme,
        ),
        BulkDialog::QuitRun { confirm_selected } => question(
            " Quit during the bulk run? ",
            "The run stops sending; the requests in flight are answered first. It stays \
             unfinished, and the next start offers to resume it: nothing done is sent again.",
            ["[ Stay ]", "[ Quit ]"],
            *confirm_selected,
            text,
            theme,
        ),
        BulkDialog::Summary { choice } => summary(state, *choice, text, room, theme),
        BulkDialog::Resume {
            run,
            more,
            confirm_selected,
        } => {
            let mut words = format!(
                "Run {} ({}) was interrupted with {} of {} zones left. Zones with an outcome \
                 are never sent again.",
                run.id,
                run.change.words(),
                run.summary.left,
                run.to_send,
            );
            if run.in_flight > 0 {
                words.push_str(&format!(
                    " The {} that were in flight are read again first, and settled from what \
                     the server shows (a change that mails is never sent to them again).",
                    run.in_flight
                ));
            }
            if *more > 0 {
                words.push_str(&format!(
                    " {more} more unfinished: `trustdeck fleet runs` lists them."
                ));
            }
            question(
                " Resume an unfinished bulk run? ",
                &words,
                ["[ Leave it ]", "[ Resume ]"],
                *confirm_selected,
                text,
                theme,
            )
        }
    };
    draw(frame, area, state, popup, inner, theme);
}

fn draw(frame: &mut Frame, area: Rect, state: &AppState, popup: Popup, inner: usize, theme: Theme) {
    let mut lines = vec![Line::default()];
    lines.extend(popup.body);
    lines.push(Line::default());
    let labels: Vec<String> = if popup.labels.is_empty() {
        popup.buttons.iter().map(|b| (*b).to_owned()).collect()
    } else {
        popup.labels
    };
    let last = labels.len().saturating_sub(1);
    let mut buttons = Vec::new();
    for (i, label) in labels.into_iter().enumerate() {
        if i > 0 {
            buttons.push(Span::raw("   "));
        }
        let destructive = popup.destructive && i == last && i > 0;
        buttons.push(Span::styled(
            label,
            theme.button(i == popup.highlighted, destructive),
        ));
    }
    lines.push(Line::from(fit(buttons, inner)).centered());
    lines.push(Line::default());
    lines.push(dialog_hints(state, inner, theme).centered());
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = area.centered(
        Constraint::Length(u16::try_from(inner + 2).unwrap_or(u16::MAX)),
        Constraint::Length(height.min(area.height)),
    );
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(popup.title).style(theme.title(true)));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

pub(super) fn words(text: &str, style: Style, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    lay_out(&[Row::wide().words(text, style)], 0, columns, theme).lines
}

fn question(
    title: &str,
    text: &str,
    buttons: [&'static str; 2],
    confirm_selected: bool,
    columns: usize,
    theme: Theme,
) -> Popup {
    Popup {
        title: title.to_owned(),
        body: words(text, Style::new(), columns, theme),
        buttons: buttons.to_vec(),
        labels: Vec::new(),
        highlighted: usize::from(confirm_selected),
        destructive: true,
    }
}

fn stop_text(state: &AppState) -> String {
    let progress = state.fleet.run.as_ref().and_then(|r| r.progress.as_ref());
    let (in_flight, left) = progress.map_or((0, 0), |p| (p.in_flight, p.total - p.done));
    format!(
        "Paused while you decide. Stopping sends no new request; the {in_flight} in flight \
         are answered and recorded. The {left} zones not done yet stay as they are, and the \
         run ends as stopped (b starts a new one). Keep going goes on."
    )
}

fn choice_words(choice: &MenuChoice) -> String {
    match choice {
        MenuChoice::Email => "set the notification email…".to_owned(),
        MenuChoice::Change(change) => change.words(),
    }
}

fn menu(
    label: &str,
    choices: &[String],
    selected: usize,
    columns: usize,
    room: usize,
    theme: Theme,
) -> Popup {
    let mut body = words(
        &format!("Change what on {label}? Nothing is sent before you have read the plan."),
        Style::new(),
        columns,
        theme,
    );
    body.push(Line::default());
    let rows = room.saturating_sub(body.len()).max(1);
    let first = selected.saturating_sub(rows.saturating_sub(1));
    for (i, choice) in choices.iter().enumerate().skip(first).take(rows) {
        let on = i == selected;
        let line = Line::from(vec![
            Span::raw(if on { "  › " } else { "    " }),
            Span::raw(choice.clone()),
        ]);
        body.push(if on {
            line.style(theme.selected())
        } else {
            line
        });
    }
    Popup {
        title: format!(" Bulk change · {label} "),
        body,
        buttons: vec!["[ Cancel: esc ]", "[ Plan: enter ]"],
        labels: Vec::new(),
        highlighted: 1,
        destructive: false,
    }
}

/// A dialog's one typed field: its title, what it is for, its label.
pub(super) struct TypedField {
    pub(super) title: String,
    pub(super) intro: &'static str,
    pub(super) lead: &'static str,
}

fn typed_popup(
    field: TypedField,
    input: &Typed,
    problem: Option<&str>,
    columns: usize,
    theme: Theme,
) -> Popup {
    let mut body = words(field.intro, Style::new(), columns, theme);
    body.push(Line::default());
    let lead = field.lead;
    let (shown, _) = input_view(&input.0, columns.saturating_sub(width(lead) + 2));
    body.push(Line::from(vec![
        Span::styled(lead, theme.label()),
        Span::styled(format!("{shown}▏"), theme.input()),
    ]));
    if let Some(problem) = problem {
        body.extend(words(problem, theme.error(), columns, theme));
    }
    Popup {
        title: field.title,
        body,
        buttons: vec!["[ Back: esc ]", "[ Plan: enter ]"],
        labels: Vec::new(),
        highlighted: 1,
        destructive: false,
    }
}

/// What the plan does with one zone, in words.
fn step_words(entry: &PlanEntry, change: &Change) -> (String, fn(Theme) -> Style) {
    match &entry.step {
        Step::Send {
            expect: Expect::AsAsked,
        } => ("will change".to_owned(), Theme::ok),
        Step::Send {
            expect: Expect::StaysOff,
        } => (
            "sent; stays off until the email is verified".to_owned(),
            Theme::warn,
        ),
        Step::Send {
            expect: Expect::TurnsOff,
        } => (
            "sent; scanning stops until the new address is verified".to_owned(),
            Theme::warn,
        ),
        Step::Skip(skip) => (skip_words(skip.kind(), change), Theme::muted),
    }
}

fn plan_popup(dialog: &PlanDialog, columns: usize, room: usize, theme: Theme) -> Popup {
    let plan = &dialog.plan;
    let mut body = words(&plan.summary().to_string(), theme.strong(), columns, theme);
    if let Some(cost) = dialog.cost.filter(|c| c.requests() > 0) {
        body.extend(words(
            &format!("Budget: {cost}"),
            theme.muted(),
            columns,
            theme,
        ));
    }
    let now = unix_now();
    let stale = plan
        .entries
        .iter()
        .filter(|e| e.sends() && now.saturating_sub(e.read_at) > MAX_ROW_AGE.as_secs())
        .count();
    let mut tail: Vec<Line<'static>> = Vec::new();
    if stale > 0 {
        let then = if plan.change.rereads_old_rows() {
            "each is read again just before sending, and skipped if it no longer needs the change"
        } else {
            "each is sent as planned (a zone that has it already is left as it is), and its \
             answer shows its setting after the change"
        };
        tail.extend(words(
            &format!("{stale} of these zones were read more than 5 minutes ago: {then}."),
            theme.muted(),
            columns,
            theme,
        ));
    }
    let count = plan.to_send();
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
        let lead =
            format!("  This stops CSAM scanning on {count} zones. Type {count} to confirm: ");
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
    body.extend(zone_list(dialog, columns, list_room, theme));
    if !tail.is_empty() {
        body.push(Line::default());
        body.extend(tail);
    }
    let (buttons, labels) = if dialog.runnable() {
        let run = match plan.change {
            Change::DisableScanning => format!("[ Stop scanning on {} ]", thousands(count as u64)),
            _ if count == 1 => "[ Run on 1 zone ]".to_owned(),
            _ => format!("[ Run on {} zones ]", thousands(count as u64)),
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

/// The zones sent the change first, those it may not take as asked next,
/// the skipped last; each group in the table's order.
fn zone_list(dialog: &PlanDialog, columns: usize, rows: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut entries: Vec<&PlanEntry> = dialog.plan.entries.iter().collect();
    entries.sort_by_key(|e| match e.step {
        Step::Send {
            expect: Expect::AsAsked,
        } => 0,
        Step::Send { .. } => 1,
        Step::Skip(_) => 2,
    });
    let zone_width = entries
        .iter()
        .map(|e| width(&e.zone.name))
        .max()
        .unwrap_or(0)
        .clamp(8, columns / 2);
    let mut lines = vec![Line::styled(
        format!("  {}{}", pad("ZONE", zone_width + 2), "WHAT HAPPENS"),
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
        let name = clip(&entry.zone.name, zone_width);
        lines.push(Line::from(fit(
            vec![
                Span::raw("  "),
                Span::raw(pad(&name, zone_width + 2)),
                Span::styled(what, style(theme)),
            ],
            columns,
        )));
    }
    if more_line {
        let below = entries.len().saturating_sub(first + shown);
        lines.push(Line::styled(
            format!(
                "  {} of {} zones shown · {below} below · j/k scroll",
                shown,
                entries.len()
            ),
            theme.muted(),
        ));
    }
    lines
}

pub(super) fn clip(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width(&out) + 2 > columns {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn summary(
    state: &AppState,
    choice: SummaryChoice,
    columns: usize,
    room: usize,
    theme: Theme,
) -> Popup {
    let Some((run, end)) = state
        .fleet
        .run
        .as_ref()
        .and_then(|run| Some((run, run.end.as_ref()?)))
    else {
        return question(
            " Bulk run ",
            "No run.",
            ["[ Close ]", ""],
            false,
            columns,
            theme,
        );
    };
    let s = &end.summary;
    let title = match &end.state {
        crate::fleet::RunState::Complete => " Bulk run complete ",
        crate::fleet::RunState::Cancelled => " Bulk run stopped ",
        crate::fleet::RunState::Stopped(_) => " Bulk run ended early ",
    };
    let change = run.table.plan().change.words();
    let mut body = words(
        &format!(
            "{change}: {} ({} requests in {:.1} s).",
            counts(s).join(" · "),
            end.calls,
            end.elapsed.as_secs_f64()
        ),
        theme.strong(),
        columns,
        theme,
    );
    if s.adjusted > 0 {
        body.extend(words(
            "Adjusted: the server took the change but left something else (e.g. scanning \
             stays off until the email is verified).",
            theme.muted(),
            columns,
            theme,
        ));
    }
    if s.unknown > 0 {
        body.extend(words(
            "Unknown: the reply was lost, so the change may or may not be applied; it is \
             never sent again blindly. Check these zones.",
            theme.warn(),
            columns,
            theme,
        ));
    }
    if let crate::fleet::RunState::Stopped(reason) = &end.state {
        body.extend(words(
            &format!(
                "Stopped: {}. The next start offers to resume it.",
                reason.detail()
            ),
            theme.error(),
            columns,
            theme,
        ));
    }
    let named: Vec<Line<'static>> = run
        .table
        .plan()
        .entries
        .iter()
        .filter_map(|entry| {
            let outcome = run.table.outcome(&entry.zone.id)?;
            let why = match outcome {
                ZoneOutcome::Failed { error, retryable } => format!(
                    "failed: {}{}",
                    error.message,
                    if *retryable {
                        " (a retry may work)"
                    } else {
                        ""
                    }
                ),
                ZoneOutcome::Unknown(_) => "unknown: check it".to_owned(),
                _ => return None,
            };
            let style = if outcome.kind() == OutcomeKind::Failed {
                theme.error()
            } else {
                theme.warn()
            };
            Some(Line::from(fit(
                vec![
                    Span::raw(format!("  {}  ", entry.zone.name)),
                    Span::styled(why, style),
                ],
                columns,
            )))
        })
        .take(NAMED.min(room.saturating_sub(body.len() + 1)))
        .collect();
    if !named.is_empty() {
        body.push(Line::default());
        body.extend(named);
    }
    let choices = run.summary_choices(state.context.read_only);
    let labels: Vec<String> = choices
        .iter()
        .map(|c| match c {
            SummaryChoice::Close => "[ Close ]".to_owned(),
            SummaryChoice::Retry => format!("[ Retry {} failed ]", s.retryable),
            SummaryChoice::Show => "[ Show failed/unknown ]".to_owned(),
        })
        .collect();
    Popup {
        title: title.to_owned(),
        body,
        buttons: Vec::new(),
        labels,
        highlighted: choices.iter().position(|c| *c == choice).unwrap_or(0),
        destructive: false,
    }
}

/// True when the dialog open is a lone `[ Close ]`: nothing to confirm or
/// refuse, so no `y`/`n` is offered.
pub fn lone_close(state: &AppState) -> bool {
    let Some(Dialog::Bulk(bulk)) = &state.dialog else {
        return false;
    };
    match bulk.as_ref() {
        BulkDialog::Plan(plan) => !plan.runnable(),
        BulkDialog::Summary { .. } => state
            .fleet
            .run
            .as_ref()
            .is_none_or(|run| run.summary_choices(state.context.read_only).len() <= 1),
        _ => false,
    }
}

/// The dialog's keys; a lone `[ Close ]` takes `enter` and `esc` (both
/// close it) and offers no `y`/`n`.
pub fn dialog_hints(state: &AppState, columns: usize, theme: Theme) -> Line<'static> {
    let bindings = footer_bindings(state);
    if !lone_close(state) {
        return key_hints(state, &bindings, columns, theme);
    }
    let rest: Vec<_> = bindings
        .into_iter()
        .filter(|b| !matches!(b.msg, Msg::Confirm | Msg::Deny | Msg::Choose))
        .collect();
    let mut spans = vec![
        Span::raw(" "),
        Span::styled("enter", theme.key()),
        Span::raw(" close  "),
        Span::styled("esc", theme.key()),
        Span::raw(" close "),
    ];
    let used = width(&spans.iter().map(|s| s.content.as_ref()).collect::<String>());
    spans.extend(key_hints(state, &rest, columns.saturating_sub(used), theme).spans);
    Line::from(fit(spans, columns))
}
