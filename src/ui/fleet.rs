//! The fleet page: the coverage summary, the scan's progress and the rate
//! budget, the filters, and the table of zones (what needs attention
//! first). Only the rows that fit are drawn, so 10,000 zones cost what 40
//! do; narrow screens drop columns (sources, then plan, then account).

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::bulk::{RUN_COLUMN, mark_cell, run_line};
use super::text::{fit, fit_text, input_view, pad, width};
use super::theme::Theme;
use crate::api::Budget;
use crate::api::model::EmailState;
use crate::fleet::{
    Failure, FleetRow, Lock, Quick, ScanOutcome, Scanning as Scan, SortKey, ZoneCsam,
};
use crate::state::{AppState, FleetPage, Scanning, Source};

/// The page's title.
pub const TITLE: &str = "3 Fleet · CSAM Scanner of every zone";

/// Lines above the table: summary, progress, filters, column heads.
const HEAD: u16 = 4;

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
    let wall = std::time::SystemTime::now();
    let (filters, cursor) = filter_line(fleet, columns, theme);
    let head = [
        summary(fleet, theme),
        progress(fleet, state.now, wall, theme),
        filters,
        Layout::new(columns, fleet.run.is_some()).heads(theme),
    ];
    for (i, line) in head.into_iter().enumerate().take(usize::from(inner.height)) {
        let y = inner.y + u16::try_from(i).unwrap_or(0);
        frame.render_widget(
            Line::from(fit(line.spans, columns)),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    let rows = usize::from(inner.height.saturating_sub(HEAD));
    let layout = Layout::new(columns, fleet.run.is_some());
    let offset = scroll_offset(fleet.selected, fleet.order.len(), rows);
    for line in 0..rows.min(fleet.order.len().saturating_sub(offset)) {
        let position = offset + line;
        let Some(row) = fleet.shown(position) else {
            break;
        };
        let marked = fleet.marked.contains(&row.zone_id);
        let selected = position == fleet.selected;
        let outcome = fleet.run.as_ref().and_then(|run| run.mark(&row.zone_id));
        let spans = layout.row(row, selected, marked, outcome, theme);
        let mut line_widget = Line::from(fit(spans, columns));
        if position == fleet.selected {
            line_widget = line_widget.style(theme.selected());
        }
        let y = inner.y + HEAD + u16::try_from(line).unwrap_or(0);
        frame.render_widget(line_widget, Rect::new(inner.x, y, inner.width, 1));
    }
    if fleet.order.is_empty() && rows > 0 {
        let empty = empty_text(fleet);
        let y = inner.y + HEAD;
        frame.render_widget(
            Line::styled(empty, theme.muted()),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    let column = u16::try_from(cursor?).ok().filter(|c| *c < inner.width)?;
    Some(Position::new(inner.x + column, inner.y + 2))
}

/// The first row shown: the cursor stays in view with two rows below it.
fn scroll_offset(selected: usize, total: usize, rows: usize) -> usize {
    if rows == 0 || total <= rows {
        return 0;
    }
    let keep = 2.min(rows.saturating_sub(1));
    (selected + keep + 1).saturating_sub(rows).min(total - rows)
}

fn empty_text(fleet: &FleetPage) -> &'static str {
    match (fleet.rows().is_empty(), fleet.scanning.is_some()) {
        (true, true) => "Each zone shows here as soon as it is read.",
        (true, false) => "No zones yet: r scans every zone.",
        (false, _) => "No zone matches the filters.",
    }
}

/// "412 of 500 zones scanning (82 %) · 37 email unverified · …".
fn summary(fleet: &FleetPage, theme: Theme) -> Line<'static> {
    if fleet.rows().is_empty() {
        return Line::styled("No zones read yet.", theme.muted());
    }
    Line::styled(fleet.coverage().to_string(), theme.strong())
}

/// While a scan runs: n of N, requests/s, ETA and the budget; when the
/// server rate limits, for how long; else how old the rows are.
fn progress(
    fleet: &FleetPage,
    now: Instant,
    wall: std::time::SystemTime,
    theme: Theme,
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
            Span::styled("r", theme.key()),
            Span::styled(" scans again", theme.muted()),
        ]);
    };
    scan_line(scanning, now, theme)
}

/// What matters most first, so a narrow screen cuts the least of it:
/// how far, a rate limit, the ETA, the budget, the pace.
fn scan_line(scanning: &Scanning, now: Instant, theme: Theme) -> Line<'static> {
    let Some(progress) = &scanning.progress else {
        let what = match scanning.total {
            Some(total) => format!("Scanning {total} zones…"),
            None => "Listing the zones…".to_owned(),
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

/// The filters in force, the sort, and how many zones they show.
fn filter_line(fleet: &FleetPage, columns: usize, theme: Theme) -> (Line<'static>, Option<usize>) {
    let mut spans = vec![Span::styled("filter ", theme.label())];
    let quick: Vec<&str> = [
        (Quick::NotScanning, "not scanning"),
        (Quick::NoSource, "no source"),
        (Quick::EmailNotVerified, "email not verified"),
        (Quick::NoEmail, "no email"),
        (Quick::Pending, "pending"),
        (Quick::Locked, "locked"),
        (Quick::Error, "could not be read"),
    ]
    .into_iter()
    .filter(|(q, _)| fleet.has(*q))
    .map(|(_, words)| words)
    .collect();
    let mut cursor = None;
    if let Some(input) = &fleet.typing {
        let lead = width("filter name ");
        let (shown, at) = input_view(input, columns.saturating_sub(lead + 30).max(8));
        spans.push(Span::styled("name ", theme.label()));
        spans.push(Span::styled(shown, theme.input()));
        cursor = Some(lead + at);
    } else if let Some(name) = &fleet.filter.name_contains {
        spans.push(Span::raw(format!("name {name:?}")));
    } else if quick.is_empty() {
        spans.push(Span::styled("none", theme.muted()));
    }
    if !quick.is_empty() {
        let sep = if spans.len() > 1 { " · " } else { "" };
        spans.push(Span::raw(format!("{sep}{}", quick.join(" · "))));
    }
    let sort = match fleet.sort {
        SortKey::Attention => "attention",
        SortKey::Zone => "zone",
        SortKey::Account => "account",
        SortKey::Plan => "plan",
    };
    spans.push(Span::styled(format!("   sort {sort}"), theme.muted()));
    spans.push(Span::styled(
        format!("   {} of {} shown", fleet.order.len(), fleet.rows().len()),
        theme.muted(),
    ));
    if !fleet.marked.is_empty() {
        spans.push(Span::styled(
            format!(" · {} marked", fleet.marked.len()),
            theme.staged(),
        ));
    }
    (Line::from(spans), cursor)
}

/// Which columns fit, and how wide each is.
struct Layout {
    zone: usize,
    run: bool,
    account: Option<usize>,
    plan: bool,
    sources: bool,
}

const SCANNING: usize = 12;
const EMAIL: usize = 14;
const LOCK: usize = 8;
const PLAN: usize = 12;
const SOURCES: usize = 9;
const ACCOUNT: usize = 18;
/// The zone column grows to this; what is left widens the account column.
const ZONE_MAX: usize = 36;
/// The account column grows to this.
const ACCOUNT_MAX: usize = 30;
/// The mark and the selection marker before the zone.
const MARK: usize = 2;

impl Layout {
    /// The widest table that fits `columns`; columns go in the order
    /// sources, plan, account when room is short.
    fn new(columns: usize, run: bool) -> Self {
        let fixed = MARK + SCANNING + EMAIL + LOCK + if run { RUN_COLUMN } else { 0 };
        let mut layout = Self {
            zone: 0,
            run,
            account: Some(ACCOUNT),
            plan: true,
            sources: true,
        };
        let needed = |l: &Self| {
            fixed
                + l.account.unwrap_or(0)
                + if l.plan { PLAN } else { 0 }
                + if l.sources { SOURCES } else { 0 }
                + 22
        };
        if needed(&layout) > columns {
            layout.sources = false;
        }
        if needed(&layout) > columns {
            layout.plan = false;
        }
        if needed(&layout) > columns {
            layout.account = None;
        }
        let room = columns.saturating_sub(needed(&layout) - 22);
        if let Some(account) = layout.account.as_mut() {
            *account = (*account + room.saturating_sub(ZONE_MAX)).min(ACCOUNT_MAX);
        }
        layout.zone = columns.saturating_sub(needed(&layout) - 22).max(10);
        layout
    }

    fn heads(&self, theme: Theme) -> Line<'static> {
        let mut text = format!("{}{}", " ".repeat(MARK), pad("ZONE", self.zone));
        if self.run {
            text.push_str(&pad("RUN", RUN_COLUMN));
        }
        if let Some(account) = self.account {
            text.push_str(&pad("ACCOUNT", account));
        }
        if self.plan {
            text.push_str(&pad("PLAN", PLAN));
        }
        text.push_str(&pad("SCANNING", SCANNING));
        text.push_str(&pad("EMAIL", EMAIL));
        if self.sources {
            text.push_str(&pad("SOURCES", SOURCES));
        }
        text.push_str("LOCK");
        Line::styled(text, theme.label())
    }

    fn row(
        &self,
        row: &FleetRow,
        selected: bool,
        marked: bool,
        outcome: Option<crate::state::RowMark>,
        theme: Theme,
    ) -> Vec<Span<'static>> {
        let cursor = if selected { "›" } else { " " };
        let mark = if marked { "●" } else { " " };
        let mut spans = vec![
            Span::raw(cursor),
            Span::styled(mark, theme.staged()),
            Span::styled(cut(&row.zone_name, self.zone), theme.strong()),
        ];
        if self.run {
            let (text, style) = mark_cell(outcome, theme);
            spans.push(Span::styled(pad(text, RUN_COLUMN), style));
        }
        if let Some(account) = self.account {
            let name = row.account.as_ref().map_or("—", |a| a.name.as_str());
            spans.push(Span::raw(cut(name, account)));
        }
        if self.plan {
            spans.push(Span::raw(cut(row.plan.as_deref().unwrap_or("—"), PLAN)));
        }
        match &row.csam {
            ZoneCsam::Read(state) => {
                let (scanning, style) = match state.scanning {
                    Scan::On if state.scans_nothing() => ("◌ no source", theme.warn()),
                    Scan::On => ("✓ on", theme.ok()),
                    Scan::Off => ("✗ off", theme.error()),
                    Scan::NotReported => ("? not said", theme.muted()),
                };
                spans.push(Span::styled(pad(scanning, SCANNING), style));
                let (email, style) = match &state.email_state {
                    _ if state.no_email() => ("✗ no email".to_owned(), theme.error()),
                    Some(EmailState::Valid) => ("✓ valid".to_owned(), theme.ok()),
                    Some(EmailState::Pending) => ("◐ pending".to_owned(), theme.warn()),
                    Some(EmailState::Unverified) => ("✗ unverified".to_owned(), theme.error()),
                    Some(EmailState::Unknown(other)) => (other.clone(), Style::new()),
                    None => ("—".to_owned(), theme.muted()),
                };
                spans.push(Span::styled(cut(&email, EMAIL), style));
                if self.sources {
                    let sources = format!("{}/{}", state.sources_on, state.sources_total);
                    spans.push(Span::raw(pad(&sources, SOURCES)));
                }
                let lock = match state.lock {
                    Lock::Locked => Span::styled("🔒 T&S", theme.warn()),
                    Lock::Editable => Span::raw(""),
                    Lock::NotReported => Span::styled("?", theme.muted()),
                };
                spans.push(lock);
            }
            ZoneCsam::Failed(error) => {
                let why = match &error.failure {
                    Failure::NoPermission {
                        permission: Some(p),
                    } => format!("no permission ({p})"),
                    Failure::NoPermission { permission: None } => "no permission".to_owned(),
                    _ => format!("not read: {}", error.message),
                };
                spans.push(Span::styled(format!("? {why}"), theme.error()));
            }
        }
        spans
    }
}

/// `text` in `columns` (with two spaces of gap), cut with `…`.
fn cut(text: &str, columns: usize) -> String {
    pad(&fit_text(text, columns.saturating_sub(2)), columns)
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
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
