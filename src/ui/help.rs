//! The help overlay: every binding of the key table, grouped by where it
//! applies, in as many columns as the screen needs; the log file at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding};

use super::panel::{Row, lay_out};
use super::text::width;
use super::theme::Theme;
use crate::input::{BINDINGS, Binding, KeyContext};
use crate::state::AppState;

/// The groups, in the order they are read.
const GROUPS: [KeyContext; 6] = [
    KeyContext::Global,
    KeyContext::Zone,
    KeyContext::Account,
    KeyContext::Editing,
    KeyContext::Dialog,
    KeyContext::Help,
];

/// Columns between help columns.
const GAP: usize = 2;

/// The narrowest a description may get before a layout is refused.
const MIN_TEXT: usize = 14;

/// Draws the overlay over `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(" Help · every key ").style(theme.title(true)))
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let about = about(state, usize::from(inner.width), theme);
    let about_height = u16::try_from(about.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let groups_height = inner.height - about_height;
    let (column_width, columns) =
        arrange(usize::from(inner.width), usize::from(groups_height), theme);
    let column_width = u16::try_from(column_width).unwrap_or(u16::MAX);
    for (i, lines) in columns.into_iter().enumerate() {
        let offset = u16::try_from(i * (usize::from(column_width) + GAP)).unwrap_or(u16::MAX);
        let x = inner.x.saturating_add(offset);
        for (y, line) in lines
            .into_iter()
            .take(usize::from(groups_height))
            .enumerate()
        {
            let y = inner.y + u16::try_from(y).unwrap_or(0);
            frame.render_widget(line, Rect::new(x, y, column_width, 1).intersection(inner));
        }
    }
    let top = inner.y + groups_height;
    for (y, line) in about
        .into_iter()
        .take(usize::from(about_height))
        .enumerate()
    {
        let y = top + u16::try_from(y).unwrap_or(0);
        frame.render_widget(line, Rect::new(inner.x, y, inner.width, 1));
    }
}

/// Where the log goes and how trustdeck signs in, under the keys.
fn about(state: &AppState, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    let log = state
        .context
        .log_path
        .clone()
        .unwrap_or_else(|| "none (logging to a file is off)".to_owned());
    let mut rows = vec![
        Row::blank(),
        Row::new("Log file").words(&log, theme.strong()),
    ];
    if !state.context.auth.is_empty() {
        rows.push(Row::new("Signed in").words(&state.context.auth, Style::new()));
    }
    lay_out(&rows, 11, columns, theme).lines
}

/// The groups laid out in the fewest columns that show every binding: with
/// its sentence and a blank line between groups if that fits; else without
/// the blank lines; else with the short labels instead of the sentences.
fn arrange(columns: usize, rows: usize, theme: Theme) -> (usize, Vec<Vec<Line<'static>>>) {
    let key_width = BINDINGS
        .iter()
        .map(|b| width(&b.key_names()))
        .max()
        .unwrap_or(0)
        + 2;
    let sentence: fn(&Binding) -> &'static str = |b| b.help;
    let label: fn(&Binding) -> &'static str = |b| b.label;
    let mut fallback = (columns, Vec::new());
    for (text, spaced) in [
        (sentence, true),
        (sentence, false),
        (label, true),
        (label, false),
    ] {
        for count in 1..=3 {
            let column = columns.saturating_sub(GAP * (count - 1)) / count;
            if column < 2 + key_width + MIN_TEXT {
                continue;
            }
            let groups: Vec<Vec<Line<'static>>> = GROUPS
                .iter()
                .map(|g| group(*g, text, key_width, column, theme))
                .collect();
            let (fits, packed) = pack(groups, count, rows, spaced);
            if fits {
                return (column, packed);
            }
            fallback = (column, packed);
        }
    }
    fallback
}

/// A heading and its bindings, wrapped to `column`.
fn group(
    context: KeyContext,
    text: fn(&Binding) -> &'static str,
    key_width: usize,
    column: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let rows: Vec<Row> = BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .map(|b| {
            Row::new(b.key_names())
                .label_style(theme.key())
                .words(text(b), Style::new())
        })
        .collect();
    let mut lines = vec![Line::from(Span::styled(context.title(), theme.heading()))];
    lines.extend(lay_out(&rows, key_width, column, theme).lines);
    lines
}

/// Fills at most `count` columns with whole groups, in order, a blank line
/// between groups when `spaced`; true when every column has at most `rows` lines.
fn pack(
    groups: Vec<Vec<Line<'static>>>,
    count: usize,
    rows: usize,
    spaced: bool,
) -> (bool, Vec<Vec<Line<'static>>>) {
    let gap = usize::from(spaced);
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for group in groups {
        let used = columns.last().map_or(0, Vec::len);
        if used > 0 && used + gap + group.len() > rows && columns.len() < count {
            columns.push(Vec::new());
        }
        if let Some(column) = columns.last_mut() {
            if spaced && !column.is_empty() {
                column.push(Line::default());
            }
            column.extend(group);
        }
    }
    (columns.iter().all(|c| c.len() <= rows), columns)
}
