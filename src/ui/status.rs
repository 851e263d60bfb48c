//! The status line (what is in flight, else the last sentence) and the
//! footer (the keys that work now, from the key table).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::text::{fit, input_view, spans_width, wrap};
use super::theme::Theme;
use crate::input::{BINDINGS, Binding, KeyContext, footer_bindings};
use crate::message::Msg;
use std::time::Instant;

use crate::state::{
    AppState, CommandLine, InflightKind, Panel, Pending, Route, Status, StatusKind,
};

/// One braille frame per 100 ms, the rate the loop ticks at while busy.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The most lines a long message may take from the panels.
const MAX_STATUS_LINES: usize = 3;

/// Draws the status line(s), or the command line while it is open; returns
/// where the text cursor goes then.
pub fn render_status(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: Theme,
) -> Option<Position> {
    if let Some(line) = &state.command_line {
        return command_line(frame, area, line, theme);
    }
    let lines = status_lines(state, usize::from(area.width), theme);
    for (i, line) in lines.into_iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(line, Rect::new(area.x, y, area.width, 1));
    }
    None
}

/// ` :typed` on the status line, like vim and k9s.
fn command_line(
    frame: &mut Frame,
    area: Rect,
    line: &CommandLine,
    theme: Theme,
) -> Option<Position> {
    let prompt = 2;
    let field = usize::from(area.width).saturating_sub(prompt + 1);
    let (shown, cursor) = input_view(&line.input, field);
    let spans = vec![
        Span::raw(" "),
        Span::styled(":", theme.key()),
        Span::raw(shown),
    ];
    let row = Rect { height: 1, ..area };
    frame.render_widget(Line::from(fit(spans, usize::from(area.width))), row);
    let column = u16::try_from(prompt + cursor)
        .ok()
        .filter(|c| *c < area.width && area.height > 0)?;
    Some(Position::new(area.x + column, area.y))
}

/// How many lines the status needs at `columns`: one, or up to three for a
/// message too long for one (errors say what to do next at their end).
pub fn height(state: &AppState, columns: u16, theme: Theme) -> u16 {
    if state.command_line.is_some() {
        return 1;
    }
    let lines = status_lines(state, usize::from(columns), theme)
        .len()
        .max(1);
    u16::try_from(lines).unwrap_or(1)
}

fn status_lines(state: &AppState, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    // What is in flight comes first; a sentence said since it was sent (a
    // key refused while a save is on its way) stays readable under it.
    let busy = busy(state, theme);
    let said = state
        .status
        .as_ref()
        .filter(|s| busy.as_ref().is_none_or(|(_, since)| s.at >= *since));
    let mut lines: Vec<Line<'static>> = busy
        .map(|(spans, _)| Line::from(fit(spans, columns)))
        .into_iter()
        .collect();
    if let Some(status) = said {
        lines.extend(sentence(status, &state.context.keys, columns, theme));
    }
    lines
}

fn sentence(
    status: &Status,
    keys: &crate::input::Keymap,
    columns: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let (symbol, style) = match status.kind {
        StatusKind::Success => ("✓", theme.ok()),
        StatusKind::Info => ("•", theme.info()),
        StatusKind::Warning => ("⚠", theme.warn()),
        StatusKind::Error => ("✗", theme.error()),
    };
    // ` ✓ ` before the first line; wrapped lines align under the text.
    let indent = 3;
    let text = super::words::notice(&status.notice, keys);
    let mut wrapped = wrap(&text, columns.saturating_sub(indent));
    if wrapped.len() > MAX_STATUS_LINES {
        wrapped.truncate(MAX_STATUS_LINES);
        if let Some(last) = wrapped.last_mut() {
            last.push_str(" …");
        }
    }
    wrapped
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let lead = if i == 0 {
                vec![Span::raw(" "), Span::styled(symbol, style), Span::raw(" ")]
            } else {
                vec![Span::raw(" ".repeat(indent))]
            };
            let mut spans = lead;
            spans.push(Span::raw(text));
            Line::from(fit(spans, columns))
        })
        .collect()
}

/// `⠹ Saving zone… 1.3s · esc cancels` while anything is in flight: the
/// panels' requests, else the lookups and lists that find them (the gate
/// and the picker show their own).
fn busy(state: &AppState, theme: Theme) -> Option<(Vec<Span<'static>>, Instant)> {
    let all = state.requests.in_flight();
    let panels: Vec<(&str, &Pending)> = all
        .iter()
        .filter_map(|(_, p)| Some((doing(&p.route, true)?, *p)))
        .collect();
    let flights = if panels.is_empty() {
        all.iter()
            .filter_map(|(_, p)| Some((doing(&p.route, false)?, *p)))
            .collect()
    } else {
        panels
    };
    let oldest = flights.iter().map(|(_, p)| p.since).min()?;
    let elapsed = state.now.saturating_duration_since(oldest);
    let frame = SPINNER[usize::try_from(elapsed.as_millis() / 100).unwrap_or(0) % SPINNER.len()];
    let mut spans = vec![Span::raw(" "), Span::styled(frame, theme.warn())];
    for (i, (doing, pending)) in flights.iter().enumerate() {
        let seconds = state
            .now
            .saturating_duration_since(pending.since)
            .as_secs_f64();
        let sep = if i == 0 { " " } else { " · " };
        spans.push(Span::raw(format!("{sep}{doing} {seconds:.1}s")));
        if let Some(retry) = pending.retry {
            let why = super::text::retry_words(retry, state.now);
            spans.push(Span::styled(format!(" · {why}"), theme.warn()));
        }
    }
    // Offered only when Esc means exactly that now (in the email field it
    // abandons the typing, in a picker it closes it): one key, one meaning.
    let esc = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Esc);
    let esc_cancels = !state.takes_text() && crate::input::map_key(state, esc) == Some(Msg::Escape);
    let loading = flights.iter().any(|(_, p)| {
        matches!(
            p.route,
            Route::Panel {
                kind: InflightKind::Load,
                ..
            }
        )
    });
    if esc_cancels && loading {
        spans.push(Span::styled(" · ", theme.muted()));
        spans.push(Span::styled("esc", theme.key()));
        spans.push(Span::raw(" cancels"));
    }
    Some((spans, oldest))
}

/// What a request in flight is doing, in words: a panel's (when `panels`),
/// else the lists and lookups that find one.
fn doing(route: &Route, panels: bool) -> Option<&'static str> {
    match (route, panels) {
        (Route::Panel { panel, kind }, true) => Some(match (panel, kind) {
            (Panel::Zone, InflightKind::Load) => "Loading zone…",
            (Panel::Account, InflightKind::Load) => "Loading account…",
            (Panel::Zone, _) => "Saving zone…",
            (Panel::Account, InflightKind::Save) => "Saving account…",
            (Panel::Account, InflightKind::Reset) => "Resetting DLP settings…",
        }),
        (Route::Discover(_), false) => Some("Looking for a zone and an account…"),
        (Route::Lookup(_), false) => Some("Looking up names…"),
        _ => None,
    }
}

/// Draws the footer.
pub fn render_footer(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    if super::bulk_dialog::lone_close(state) {
        let hints = super::bulk_dialog::dialog_hints(state, usize::from(area.width), theme);
        frame.render_widget(hints, area);
        return;
    }
    let line = key_hints(
        state,
        &footer_bindings(state),
        usize::from(area.width),
        theme,
    );
    frame.render_widget(line, area);
}

/// `key label` pairs in key-table order, cut to `columns` by priority: help
/// and quit always, then the keys of the focused panel or dialog, then the
/// global ones, the pickers and the command line last. `…` says something
/// was left out.
pub fn key_hints(
    state: &AppState,
    bindings: &[&'static Binding],
    columns: usize,
    theme: Theme,
) -> Line<'static> {
    let mut hints: Vec<Hint> = bindings
        .iter()
        .map(|b| Hint::new(state, b, theme))
        .collect();
    hints.sort_by_key(|h| h.order);
    let total: usize = hints.iter().map(|h| spans_width(&h.spans)).sum();
    let shown: Vec<bool> = if total <= columns {
        vec![true; hints.len()]
    } else {
        let mut by_priority: Vec<usize> = (0..hints.len()).collect();
        by_priority.sort_by_key(|i| (hints[*i].priority, hints[*i].order));
        let mut shown = vec![false; hints.len()];
        let mut used = ELLIPSIS.len();
        for i in by_priority {
            let w = spans_width(&hints[i].spans);
            if used + w > columns {
                break;
            }
            used += w;
            shown[i] = true;
        }
        shown
    };
    let left_out = shown.iter().any(|s| !s);
    let mut spans = Vec::new();
    let mut marked = false;
    for (hint, show) in hints.into_iter().zip(shown) {
        if left_out && !marked && hint.priority == PINNED {
            spans.push(Span::styled(ELLIPSIS, theme.muted()));
            marked = true;
        }
        if show {
            spans.extend(hint.spans);
        }
    }
    if left_out && !marked {
        spans.push(Span::styled(ELLIPSIS, theme.muted()));
    }
    Line::from(fit(spans, columns))
}

/// Marks keys left out of the footer.
const ELLIPSIS: &str = " …";

/// The priority of help and quit, which the footer always shows.
const PINNED: u8 = 0;

/// One `key label` pair of the footer.
struct Hint {
    /// ` key label `.
    spans: Vec<Span<'static>>,
    /// Lower shows first when room is short.
    priority: u8,
    /// The place in the key table, which is the order on screen.
    order: usize,
}

impl Hint {
    fn new(state: &AppState, binding: &'static Binding, theme: Theme) -> Self {
        let keymap = &state.context.keys;
        let keys = keymap
            .footer_key(binding)
            .or_else(|| keymap.keys(binding).first().map(|k| k.name()))
            .unwrap_or_default();
        // Opening a picker or the command line works everywhere and the help
        // lists it; a short footer keeps the keys of the moment instead.
        let priority = match (&binding.msg, binding.context) {
            (Msg::ToggleHelp | Msg::Quit, _) => PINNED,
            (Msg::Escape, _) if stops_run(state) => 1,
            (Msg::OpenPicker(_) | Msg::OpenCommandLine | Msg::ShowPage(_), KeyContext::Global) => 3,
            (_, KeyContext::Global) => 2,
            _ => 1,
        };
        Self {
            spans: vec![
                Span::raw(" "),
                Span::styled(keys, theme.key()),
                Span::raw(format!(
                    " {} ",
                    binding.label_in(state).unwrap_or(binding.label)
                )),
            ],
            priority,
            order: order_of(state, binding),
        }
    }
}

/// The place in the key table; while a run goes, esc (stop run…) stands
/// right after p (pause), the two keys that steer it.
fn order_of(state: &AppState, binding: &'static Binding) -> usize {
    let at = |wanted: &'static Binding| {
        BINDINGS
            .iter()
            .position(|b| std::ptr::eq(b, wanted))
            .unwrap_or(usize::MAX)
    };
    let pause = BINDINGS.iter().find(|b| b.msg == Msg::PauseRun);
    match pause {
        Some(pause) if binding.msg == Msg::Escape && stops_run(state) => at(pause),
        _ => at(binding),
    }
}

/// True while esc stops the bulk run shown (it asks first).
fn stops_run(state: &AppState) -> bool {
    state.page == crate::state::Page::Fleet
        && state.fleet.scanning.is_none()
        && state
            .fleet
            .run
            .as_ref()
            .is_some_and(|r| r.has_started() && !r.stopping && !r.quitting && r.end.is_none())
}
