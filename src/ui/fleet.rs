//! The fleet page: the coverage summary, the scan's progress and the rate
//! budget, the filters, and the table of zones (what needs attention
//! first). Only the rows that fit are drawn, so 10,000 zones cost what 40
//! do; narrow screens drop columns (see `fleet_table`), and a row that
//! could not be read has its whole message below the table.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::bulk::run_line;
use super::fleet_summary::{filter_line, fit_parts, summary};
use super::fleet_table::{Layout, failure_detail};
use super::text::{fit, wrap};
use super::theme::Theme;
use crate::api::Budget;
use crate::fleet::{ScanOutcome, ZoneCsam};
use crate::input::KeyContext;
use crate::state::{AppState, FleetPage, Scanning, Source};

/// The page's title.
pub const TITLE: &str = "3 Fleet · CSAM Scanner of every zone";

/// The most lines the selected failed row's message takes below the table.
const DETAIL_LINES: usize = 3;

/// Draws the page into `area`; returns where the text cursor goes while
/// the name filter is typed.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) -> Option<Position> {
    let fleet = &state.fleet;
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(format!(" {TITLE} ")).style(theme.title(true)))
        .padding(ratatui::widgets::Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return None;
    }
    let columns = usize::from(inner.width);
    let height = usize::from(inner.height);
    let wall = std::time::SystemTime::now();
    let (filters, cursor) = filter_line(fleet, columns, theme);
    let layout = Layout::new(columns, fleet.run.is_some(), fleet.sort);
    let mut head = summary(fleet, columns, theme);
    let filter_at = head.len() + 1;
    let refresh = state.context.keys.first_key(KeyContext::Global, "refresh");
    head.push(fit_parts(
        progress(fleet, state.now, wall, (&refresh, theme)),
        columns,
    ));
    head.extend(filters);
    head.push(layout.heads(theme));
    let line_at = |i: usize| inner.y + u16::try_from(i).unwrap_or(u16::MAX);
    for (i, line) in head.iter().enumerate().take(height) {
        frame.render_widget(
            Line::from(fit(line.spans.clone(), columns)),
            Rect::new(inner.x, line_at(i), inner.width, 1),
        );
    }
    let top = head.len();
    let detail = detail_lines(fleet, columns, height.saturating_sub(top + 1), theme);
    let rows = height.saturating_sub(top + detail.len());
    let offset = scroll_offset(fleet.selected, fleet.order.len(), rows);
    for (line, row) in fleet.shown_from(offset).take(rows).enumerate() {
        let position = offset + line;
        let marked = fleet.marked.contains(&row.zone_id);
        let selected = position == fleet.selected;
        let outcome = fleet.run.as_ref().and_then(|run| run.mark(&row.zone_id));
        let spans = layout.row(row, selected, marked, outcome, theme);
        let mut line_widget = Line::from(fit(spans, columns));
        if position == fleet.selected {
            line_widget = line_widget.style(theme.selected());
        }
        frame.render_widget(
            line_widget,
            Rect::new(inner.x, line_at(top + line), inner.width, 1),
        );
    }
    for (i, line) in detail.iter().enumerate() {
        let y = line_at(height - detail.len() + i);
        frame.render_widget(line.clone(), Rect::new(inner.x, y, inner.width, 1));
    }
    if fleet.order.is_empty() && rows > 0 {
        frame.render_widget(
            Line::styled(empty_text(state, fleet), theme.muted()),
            Rect::new(inner.x, line_at(top), inner.width, 1),
        );
    }
    let column = u16::try_from(cursor?).ok().filter(|c| *c < inner.width)?;
    Some(Position::new(inner.x + column, line_at(filter_at)))
}

/// Below the table, the selected row's whole error when it could not be
/// read (its cell only has room for the short reason), in at most `room`
/// lines.
fn detail_lines(
    fleet: &FleetPage,
    columns: usize,
    room: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let Some(row) = fleet.selected_row() else {
        return Vec::new();
    };
    let ZoneCsam::Failed(error) = &row.csam else {
        return Vec::new();
    };
    let text = format!("{}: not read · {}", row.zone_name, failure_detail(error));
    let mut lines = wrap(&text, columns);
    let most = DETAIL_LINES.min(room);
    if lines.len() > most {
        lines.truncate(most);
        if let Some(last) = lines.last_mut() {
            *last = fit(vec![Span::raw(format!("{last} …"))], columns)
                .iter()
                .map(|s| s.content.as_ref())
                .collect();
        }
    }
    lines
        .into_iter()
        .map(|text| Line::styled(text, theme.error()))
        .collect()
}

/// The first row shown: the cursor stays in view with two rows below it.
pub(super) fn scroll_offset(selected: usize, total: usize, rows: usize) -> usize {
    if rows == 0 || total <= rows {
        return 0;
    }
    let keep = 2.min(rows.saturating_sub(1));
    (selected + keep + 1).saturating_sub(rows).min(total - rows)
}

fn empty_text(state: &AppState, fleet: &FleetPage) -> String {
    match (fleet.rows().is_empty(), fleet.scanning.is_some()) {
        (true, true) => "Each zone shows here as soon as it is read.".to_owned(),
        (true, false) => format!(
            "No zones yet: {} scans every zone.",
            state.context.keys.first_key(KeyContext::Global, "refresh")
        ),
        (false, _) => "No zone matches the filters.".to_owned(),
    }
}

/// While a scan runs: n of N, requests/s, ETA and the budget; when the
/// server rate limits, for how long; else how old the rows are.
fn progress(
    fleet: &FleetPage,
    now: Instant,
    wall: std::time::SystemTime,
    (refresh, theme): (&str, Theme),
) -> Line<'static> {
    // A run's line, until a scan after its end takes the place.
    if let Some(run) = fleet
        .run
        .as_ref()
        .filter(|r| r.is_going() || fleet.scanning.is_none())
    {
        return run_line(run, now, theme);
    }
    let Some(scanning) = &fleet.scanning else {
        let Some(scan) = &fleet.scan else {
            return Line::default();
        };
        let age = scan.age(wall);
        let age = if age < Duration::from_secs(5) {
            "just now".to_owned()
        } else {
            format!("{} ago", words_of(age))
        };
        let from = match fleet.source {
            Source::Cache => " (from the cache)",
            _ => "",
        };
        let (what, style) = match &scan.outcome {
            Some(ScanOutcome::Cancelled) => (
                format!("Scan stopped {age}, before every zone was read"),
                theme.warn(),
            ),
            Some(ScanOutcome::ListingFailed(_)) => (
                format!("Scanned {age}, but not every zone could be listed"),
                theme.warn(),
            ),
            _ => (format!("Scanned {age}{from}"), theme.muted()),
        };
        return Line::from(vec![
            Span::styled(what, style),
            Span::styled(" · ", theme.muted()),
            Span::styled(refresh.to_owned(), theme.key()),
            Span::styled(" scans again", theme.muted()),
        ]);
    };
    scan_line(scanning, "zones", now, theme)
}

/// What matters most first, so a narrow screen cuts the least of it:
/// how far, a rate limit, the ETA, the budget, the pace. `noun` is what is
/// scanned: `zones`, `accounts`.
pub(super) fn scan_line(
    scanning: &Scanning,
    noun: &str,
    now: Instant,
    theme: Theme,
) -> Line<'static> {
    let Some(progress) = &scanning.progress else {
        let what = match scanning.total {
            Some(total) => format!("Scanning {total} {noun}…"),
            None => format!("Listing the {noun}…"),
        };
        let mut spans = vec![Span::styled(what, theme.warn())];
        if let Some(budget) = scanning.listing_budget {
            spans.extend([
                Span::styled(" · ", theme.muted()),
                budget_span(&budget.as_of(now), theme),
            ]);
        }
        return Line::from(spans);
    };
    let budget = progress.budget.as_of(now);
    let sep = || Span::styled(" · ", theme.muted());
    let mut spans = vec![Span::styled(
        format!("Scanning {} of {}", progress.done, progress.total),
        theme.warn(),
    )];
    let blocked = budget.blocked_for.is_some();
    if blocked {
        spans.extend([sep(), budget_span(&budget, theme)]);
    }
    if let Some(eta) = progress.eta {
        spans.extend([sep(), Span::raw(format!("ETA {}", words_of(eta)))]);
    }
    if !blocked {
        spans.extend([sep(), budget_span(&budget, theme)]);
    }
    spans.extend([
        sep(),
        Span::raw(format!("{:.0} requests/s", progress.per_second)),
        Span::styled(" · esc stops", theme.muted()),
    ]);
    Line::from(spans)
}

/// "budget 812 of 1,200 · resets in 2m10s", or why bulk work waits.
pub(super) fn budget_span(budget: &Budget, theme: Theme) -> Span<'static> {
    if let Some(blocked) = budget.blocked_for {
        return Span::styled(
            format!(
                "rate limited by Cloudflare · bulk work resumes in {}",
                words_of(blocked)
            ),
            theme.error(),
        );
    }
    Span::raw(format!(
        "budget {} of {} · resets in {}",
        thousands(budget.remaining),
        thousands(budget.quota),
        words_of(budget.resets_in)
    ))
}

/// A duration as a person says it: `41 s`, `2m10s`, `3 min`, `2 h`.
pub fn words_of(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=599 => format!("{}m{:02}s", seconds / 60, seconds % 60),
        600..=7199 => format!("{} min", seconds / 60),
        _ => format!("{} h", seconds / 3600),
    }
}

/// 1200 as "1,200".
fn thousands(n: u32) -> String {
    crate::fleet::thousands(u64::from(n))
}
