//! The accounts page: the summary of every account's DLP settings, the
//! scan's progress (as the fleet page words it), the filters, and the table
//! of accounts (what needs attention first). Only the rows that fit are
//! drawn; a row that could not be read has its whole message below the
//! table.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::accounts_table::{Layout, account_reason};
use super::bulk::{Asked, progress_line};
use super::fleet::{scan_line, scroll_offset, words_of};
use super::fleet_summary::{fit_parts, joined, wrapped};
use super::fleet_table::detail_with;
use super::text::{fit, input_view, width, wrap};
use super::theme::Theme;
use crate::fleet::{AccountDlp, AccountQuick, ScanOutcome};
use crate::input::KeyContext;
use crate::state::{AccountsPage, AppState, Source};

/// The page's title.
pub const TITLE: &str = "4 Accounts · DLP settings of every account";

/// The most lines the selected failed row's message takes below the table.
const DETAIL_LINES: usize = 3;

/// Draws the page into `area`; returns where the text cursor goes while
/// the name filter is typed.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) -> Option<Position> {
    let page = &state.accounts;
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
    let refresh = state.context.keys.first_key(KeyContext::Global, "refresh");
    let mut head = summary(page, columns, theme);
    head.push(fit_parts(progress(state, &refresh, theme), columns));
    let filter_at = head.len();
    let (filters, cursor) = filter_line(page, columns, theme);
    head.extend(filters);
    let layout = Layout::new(columns, page.sort).with_run(page.run.is_some());
    head.push(layout.heads(theme));
    let line_at = |i: usize| inner.y + u16::try_from(i).unwrap_or(u16::MAX);
    for (i, line) in head.iter().enumerate().take(height) {
        frame.render_widget(
            Line::from(fit(line.spans.clone(), columns)),
            Rect::new(inner.x, line_at(i), inner.width, 1),
        );
    }
    let top = head.len();
    let detail = detail_lines(page, columns, height.saturating_sub(top + 1), theme);
    let rows = height.saturating_sub(top + detail.len());
    let offset = scroll_offset(page.selected, page.shown_len(), rows);
    for (line, row) in page.shown_from(offset).take(rows).enumerate() {
        let selected = offset + line == page.selected;
        let marked = page.marked.contains(&row.account_id);
        let outcome = page.run.as_ref().and_then(|run| run.mark(&row.account_id));
        let cells = layout.row(row, (selected, marked), outcome, theme);
        let mut widget = Line::from(fit(cells, columns));
        if selected {
            widget = widget.style(theme.selected());
        }
        frame.render_widget(
            widget,
            Rect::new(inner.x, line_at(top + line), inner.width, 1),
        );
    }
    for (i, line) in detail.iter().enumerate() {
        let y = line_at(height - detail.len() + i);
        frame.render_widget(line.clone(), Rect::new(inner.x, y, inner.width, 1));
    }
    if page.shown_len() == 0 && rows > 0 {
        frame.render_widget(
            Line::styled(empty_text(page, &refresh), theme.muted()),
            Rect::new(inner.x, line_at(top), inner.width, 1),
        );
    }
    let column = u16::try_from(cursor?).ok().filter(|c| *c < inner.width)?;
    Some(Position::new(inner.x + column, line_at(filter_at)))
}

/// The summary's counts, over as many lines as they need: a count is
/// never cut off.
fn summary(page: &AccountsPage, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    if page.rows().is_empty() {
        return vec![Line::styled("No accounts read yet.", theme.muted())];
    }
    let text = page.summary().to_string();
    let parts: Vec<String> = text.split(" · ").map(str::to_owned).collect();
    wrapped(&parts, columns)
        .into_iter()
        .map(|line| Line::styled(line, theme.strong()))
        .collect()
}

/// While a scan runs, the fleet page's progress line; else how old the
/// rows are.
fn progress(state: &AppState, refresh: &str, theme: Theme) -> Line<'static> {
    let page = &state.accounts;
    if let Some(run) = page.run.as_ref().filter(|r| r.is_going()) {
        let asked = Asked {
            started: run.id.is_some(),
            paused: run.paused,
            stopping: run.stopping,
            quitting: false,
        };
        return progress_line(run.progress.as_ref(), asked, state.now, theme);
    }
    if let Some(scanning) = &page.scanning {
        return scan_line(scanning, "accounts", state.now, theme);
    }
    let Some(finished_at) = page.finished_at else {
        return Line::default();
    };
    let age = crate::fleet::unix_now().saturating_sub(finished_at);
    let age = if age < 5 {
        "just now".to_owned()
    } else {
        format!("{} ago", words_of(std::time::Duration::from_secs(age)))
    };
    let (what, style) = match &page.outcome {
        Some(ScanOutcome::Cancelled) => (
            format!("Scan stopped {age}, before every account was read"),
            theme.warn(),
        ),
        Some(ScanOutcome::ListingFailed(_)) => (
            format!("Scanned {age}, but not every account could be listed"),
            theme.warn(),
        ),
        _ if page.source == Source::Cache => {
            (format!("Scanned {age} (from the cache)"), theme.muted())
        }
        _ => (format!("Scanned {age}"), theme.muted()),
    };
    Line::from(vec![
        Span::styled(what, style),
        Span::styled(" · ", theme.muted()),
        Span::styled(refresh.to_owned(), theme.key()),
        Span::styled(" scans again", theme.muted()),
    ])
}

/// Each quick filter in the words of the filter line.
fn quick_word(quick: AccountQuick) -> &'static str {
    match quick {
        AccountQuick::NoKey => "no key",
        AccountQuick::Clear => "in clear",
        AccountQuick::OcrOff => "OCR off",
        AccountQuick::AiOff => "AI off",
        AccountQuick::Unreadable => "could not be read",
    }
}

/// "filter name "acme" · no key — 2 of 12 shown · sort attention": every
/// filter in force is named, so a short list has its reason on screen.
/// Returns where the cursor goes while the name is typed.
fn filter_line(
    page: &AccountsPage,
    columns: usize,
    theme: Theme,
) -> (Vec<Line<'static>>, Option<usize>) {
    let lead = width("filter name ");
    let mut cursor = None;
    let mut head = vec![Span::styled("filter ", theme.label())];
    if let Some(input) = &page.typing {
        let (shown, at) = input_view(input, columns.saturating_sub(lead + 30).max(8));
        head.push(Span::styled("name ", theme.label()));
        head.push(Span::styled(shown, theme.input()));
        cursor = Some(lead + at);
    } else if let Some(name) = page.name_contains.as_deref() {
        head.push(Span::raw(format!("name {name:?}")));
    }
    let named = head.len() > 1;
    let mut words = AccountQuick::ALL
        .into_iter()
        .filter(|quick| page.has(*quick))
        .map(|quick| vec![Span::styled(quick_word(quick), theme.warn())]);
    let mut parts = Vec::new();
    match words.next() {
        None if !named => head.push(Span::styled("none", theme.muted())),
        Some(first) if !named => head.extend(first),
        Some(first) => parts.push(first),
        None => {}
    }
    parts.insert(0, head);
    parts.extend(words);
    let style = if page.is_filtered() && page.shown_len() == 0 {
        theme.warn()
    } else {
        theme.muted()
    };
    let count = format!("{} of {} shown", page.shown_len(), page.rows().len());
    parts.push(vec![
        Span::styled("— ", theme.muted()),
        Span::styled(count, style),
    ]);
    let sort = vec![Span::styled(
        format!("sort {}", page.sort.word()),
        theme.muted(),
    )];
    (joined(parts, &sort, columns, theme), cursor)
}

/// Below the table, the selected row's whole error when it could not be
/// read, in at most `room` lines.
fn detail_lines(
    page: &AccountsPage,
    columns: usize,
    room: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let Some(row) = page.selected_row() else {
        return Vec::new();
    };
    let AccountDlp::Failed(error) = &row.dlp else {
        return Vec::new();
    };
    let name = if row.account_name.is_empty() {
        &row.account_id
    } else {
        &row.account_name
    };
    let detail = detail_with(error, account_reason(&error.failure));
    let text = format!("{name}: not read · {detail}");
    let mut lines = wrap(&text, columns);
    lines.truncate(DETAIL_LINES.min(room));
    lines
        .into_iter()
        .map(|text| Line::styled(text, theme.error()))
        .collect()
}

fn empty_text(page: &AccountsPage, refresh: &str) -> String {
    match (page.rows().is_empty(), page.scanning.is_some()) {
        (true, true) => "Each account shows here as soon as it is read.".to_owned(),
        (true, false) => format!("No accounts yet: {refresh} scans every account."),
        (false, _) => "No account matches the filters.".to_owned(),
    }
}
