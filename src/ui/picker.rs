//! The zone and account pickers: a centred list over the panels, the filter
//! on top, recently used entries first, and a last line while more load.
//! The list scrolls to keep the cursor in view; the offset follows from the
//! cursor alone, so the state needs no scroll position.

use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use super::text::{fit, fit_line, input_view, pad, retry_words, width, wrap};
use super::theme::Theme;
use std::time::Instant;

use crate::state::{Picker, PickerItem, Retry};

/// Lines kept in view under the cursor, so the next entries show.
const SCROLL_OFF: usize = 2;

/// The narrowest the picker is drawn, when the screen allows.
const MIN_WIDTH: u16 = 60;

/// The blank column before every line.
const MARGIN: usize = 1;

/// Draws `picker` over the middle of `area`; returns where the text cursor
/// goes (in the filter).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    picker: &Picker,
    retry: Option<Retry>,
    now: Instant,
    theme: Theme,
) -> Option<Position> {
    let width = (area.width.saturating_mul(7) / 10)
        .max(MIN_WIDTH)
        .min(area.width);
    // Most of the height, a line of the panels showing above and below.
    let height = if area.height > 12 {
        area.height - 2
    } else {
        area.height
    };
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(title(picker)).style(theme.title(true)));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if inner.is_empty() {
        return None;
    }
    let columns = usize::from(inner.width);

    let (filter, cursor) = filter_line(picker, columns, theme);
    frame.render_widget(filter, Rect { height: 1, ..inner });
    if inner.height < 3 {
        return None;
    }
    // The rule joins the border: ┠────┨.
    let rule = Line::styled(format!("┠{}┨", "─".repeat(columns)), theme.border(true));
    frame.render_widget(rule, Rect::new(popup.x, inner.y + 1, popup.width, 1));

    // A failure stays in view at the bottom, whatever the scroll.
    let failure = failure_lines(picker, columns, theme);
    let failure_height = u16::try_from(failure.len())
        .unwrap_or(u16::MAX)
        .min((inner.height - 2) / 2);
    let list = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height - 2 - failure_height,
    );
    for (i, line) in failure
        .into_iter()
        .take(usize::from(failure_height))
        .enumerate()
    {
        let y = list.bottom() + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(line, Rect::new(inner.x, y, inner.width, 1));
    }

    let (lines, selected) = list_lines(picker, columns, retry, now, theme);
    let rows = usize::from(list.height);
    let offset = scroll_offset(selected, lines.len(), rows);
    for (i, line) in lines.into_iter().skip(offset).take(rows).enumerate() {
        let y = list.y + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(line, Rect::new(list.x, y, list.width, 1));
    }
    let column = u16::try_from(cursor).ok().filter(|c| *c < inner.width)?;
    Some(Position::new(inner.x + column, inner.y))
}

/// ` Zones · 25 of 60 loaded `, or with a search ` Zones · 3 match "shop" `:
/// the count follows what is typed.
fn title(picker: &Picker) -> String {
    let loaded = picker.items.len();
    let typed = picker.filter();
    let count = if typed.is_empty() {
        match picker.total {
            Some(0) => String::new(),
            Some(total) => format!(" · {loaded} of {total} loaded"),
            None if loaded > 0 => format!(" · {loaded} loaded"),
            None => String::new(),
        }
    } else {
        let answered_for_this = picker.loading.is_none() && picker.serves_the_query();
        let matching = match picker.total {
            // The server filtered for exactly this: its count is the truth.
            Some(total) if answered_for_this => total,
            _ => picker.visible().len() as u64,
        };
        let among = if answered_for_this || picker.is_complete() {
            String::new()
        } else {
            format!(" among {loaded} loaded")
        };
        format!(" · {matching} match {typed:?}{among}")
    };
    format!(" {}{count} ", picker.kind.title())
}

/// `› query`, or a hint while nothing is typed; and the cursor's column.
fn filter_line(picker: &Picker, columns: usize, theme: Theme) -> (Line<'static>, usize) {
    let prompt = MARGIN + 2;
    let field = columns.saturating_sub(prompt + 1);
    let (shown, cursor) = input_view(&picker.query, field);
    let typed = if picker.query.value().is_empty() {
        Span::styled("type to filter", theme.muted())
    } else {
        Span::raw(shown)
    };
    let spans = vec![
        Span::raw(" ".repeat(MARGIN)),
        Span::styled("› ", theme.key()),
        typed,
    ];
    (Line::from(fit(spans, columns)), prompt + cursor)
}

/// The entries with their headings, and a last line while more load or
/// when nothing matches; with the index of the cursor's line.
fn list_lines(
    picker: &Picker,
    columns: usize,
    retrying: Option<Retry>,
    now: Instant,
    theme: Theme,
) -> (Vec<Line<'static>>, Option<usize>) {
    let visible = picker.visible();
    let selected = picker.selected.min(visible.len().saturating_sub(1));
    let any_recent = visible.iter().any(|i| i.recent);
    let what = picker.kind.title().to_lowercase();
    let columns_of = Columns::new(&visible, any_recent, columns);

    let mut lines = Vec::new();
    let mut selected_line = None;
    for (i, item) in visible.iter().enumerate() {
        let starts_rest = !item.recent && (i == 0 || visible[i - 1].recent);
        if item.recent && i == 0 {
            lines.push(heading("recent", columns, theme));
        } else if starts_rest && any_recent {
            lines.push(heading(&format!("all {what}"), columns, theme));
        }
        if i == selected {
            selected_line = Some(lines.len());
        }
        lines.push(columns_of.entry(item, i == selected, theme));
    }

    let indent = " ".repeat(MARGIN);
    let note = match (&picker.loading, visible.is_empty()) {
        (Some(_), _) if retrying.is_some() => {
            retrying.map(|r| format!("… {}", retry_words(r, now)))
        }
        (Some(_), false) => Some("… loading more".to_owned()),
        (Some(_), true) => Some(format!("… loading {what}")),
        (None, true) if picker.error.is_none() => Some(no_match(picker, &what)),
        (None, _) => None,
    };
    if let Some(note) = note {
        let line = Line::from(vec![Span::raw(indent), Span::styled(note, theme.muted())]);
        lines.push(fit_line(line, columns));
    }
    (lines, selected_line)
}

/// `✗ Could not load the zones: …`, wrapped, when the last page failed.
fn failure_lines(picker: &Picker, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    let Some(error) = &picker.error else {
        return Vec::new();
    };
    let what = picker.kind.title().to_lowercase();
    let text = format!("Could not load the {what}: {error}. ctrl-r retries.");
    // `✗ ` before the first line; wrapped lines align under the text.
    wrap(&text, columns.saturating_sub(MARGIN + 3))
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let lead = if i == 0 { "✗ " } else { "  " };
            Line::from(vec![
                Span::raw(" ".repeat(MARGIN)),
                Span::styled(format!("{lead}{line}"), theme.error()),
            ])
        })
        .collect()
}

/// Why the list is empty, in words.
fn no_match(picker: &Picker, what: &str) -> String {
    let typed = picker.filter();
    let among = if picker.is_complete() {
        String::new()
    } else {
        format!(" among the {} loaded", picker.items.len())
    };
    if typed.is_empty() {
        format!("no {what}{among}")
    } else {
        format!("no match for {typed:?}{among}")
    }
}

/// ` ── recent ─────`, between the groups of entries.
fn heading(text: &str, columns: usize, theme: Theme) -> Line<'static> {
    let lead = format!("{}── {text} ", " ".repeat(MARGIN));
    let rest = columns.saturating_sub(width(&lead) + 1);
    Line::styled(format!("{lead}{}", "─".repeat(rest)), theme.muted())
}

/// How an entry's line is divided: marker, recent mark, name, detail.
struct Columns {
    /// The `↺ ` column is there (some entry is recent).
    recent: bool,
    /// The name column, padded to the longest name that fits.
    name: usize,
    /// The whole line, one column free before the border.
    line: usize,
}

impl Columns {
    fn new(visible: &[&PickerItem], recent: bool, columns: usize) -> Self {
        let line = columns.saturating_sub(1);
        let lead = MARGIN + 2 + if recent { 2 } else { 0 };
        let room = line.saturating_sub(lead);
        let longest_name = visible.iter().map(|i| width(&i.name)).max().unwrap_or(0);
        let longest_detail = visible.iter().map(|i| width(&i.detail)).max().unwrap_or(0);
        // Names take what the details leave, and at least half when both are long.
        let name = longest_name.min(room.saturating_sub(longest_detail + 2).max(room / 2));
        Self { recent, name, line }
    }

    /// `› ↺ name   detail`, reversed when `selected`.
    fn entry(&self, item: &PickerItem, selected: bool, theme: Theme) -> Line<'static> {
        let mut spans = vec![
            Span::raw(" ".repeat(MARGIN)),
            Span::raw(if selected { "› " } else { "  " }),
        ];
        if self.recent {
            spans.push(if item.recent {
                Span::styled("↺ ", theme.muted())
            } else {
                Span::raw("  ")
            });
        }
        let name: String = fit(vec![Span::raw(item.name.clone())], self.name)
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        spans.push(Span::raw(pad(&name, self.name)));
        if !item.detail.is_empty() {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(item.detail.clone(), theme.muted()));
        }
        let line = fit_line(Line::from(spans), self.line);
        if selected {
            line.style(theme.selected())
        } else {
            line
        }
    }
}

/// The first line to show so that the cursor's line and [`SCROLL_OFF`]
/// lines under it are in view, never scrolling past the end.
pub fn scroll_offset(selected: Option<usize>, lines: usize, rows: usize) -> usize {
    let Some(line) = selected else {
        return 0;
    };
    let after = SCROLL_OFF.min(rows.saturating_sub(1) / 2);
    (line + 1 + after)
        .saturating_sub(rows)
        .min(lines.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_line_stays_in_view() {
        assert_eq!(scroll_offset(None, 100, 10), 0);
        assert_eq!(scroll_offset(Some(0), 100, 10), 0);
        assert_eq!(scroll_offset(Some(7), 100, 10), 0);
        assert_eq!(scroll_offset(Some(8), 100, 10), 1);
        assert_eq!(scroll_offset(Some(40), 100, 10), 33);
        assert_eq!(scroll_offset(Some(99), 100, 10), 90, "never past the end");
        for rows in 1..5 {
            for line in 0..20 {
                let offset = scroll_offset(Some(line), 20, rows);
                assert!(
                    offset <= line && line < offset + rows,
                    "{line} in {rows} rows"
                );
            }
        }
    }
}
