//! The help overlay: every binding of the key table, grouped by where it
//! applies (the other pages' keys left out), in as many columns as the screen needs; the log file at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding};

use super::panel::{Row, lay_out};
use super::text::{fit, width};
use super::theme::Theme;
use crate::input::{BINDINGS, Binding, KeyContext, Keymap};
use crate::state::{AppState, Page};

/// The groups, in the order they are read; the other page's keys are left
/// out (the help is about the page shown).
fn groups(page: Page) -> Vec<KeyContext> {
    let mut groups = match page {
        Page::Settings => vec![KeyContext::Global, KeyContext::Settings],
        Page::Fleet => vec![KeyContext::Global, KeyContext::Fleet, KeyContext::Run],
        Page::Accounts => vec![KeyContext::Global, KeyContext::Accounts],
    };
    groups.extend(OVERLAYS);
    groups
}

/// The groups of every page, after the page's own.
const OVERLAYS: [KeyContext; 7] = [
    KeyContext::Editing,
    KeyContext::Picker,
    KeyContext::CommandLine,
    KeyContext::Dialog,
    KeyContext::Gate,
    KeyContext::Help,
    KeyContext::Audit,
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
    let mut x = inner.x;
    for (column_width, lines) in arrange(
        &groups(state.page),
        usize::from(inner.width),
        usize::from(groups_height),
        &state.context.keys,
        theme,
    ) {
        let column_width = u16::try_from(column_width).unwrap_or(u16::MAX);
        for (y, line) in lines
            .into_iter()
            .take(usize::from(groups_height))
            .enumerate()
        {
            let y = inner.y + u16::try_from(y).unwrap_or(0);
            frame.render_widget(line, Rect::new(x, y, column_width, 1).intersection(inner));
        }
        x = x
            .saturating_add(column_width)
            .saturating_add(u16::try_from(GAP).unwrap_or(0));
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

/// Where the log goes and how trustdeck signs in, at the bottom.
fn about(state: &AppState, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    let log = state
        .context
        .log_path
        .clone()
        .unwrap_or_else(|| "none (logging to a file is off)".to_owned());
    let auth = &state.context.auth;
    let one_line = format!("  Log file   {log}    Signed in  {auth}");
    if state.context.credentials_note.is_none() && !auth.is_empty() && width(&one_line) <= columns {
        return vec![Line::from(vec![
            Span::styled("  Log file   ", theme.label()),
            Span::styled(log, theme.strong()),
            Span::styled("    Signed in  ", theme.label()),
            Span::raw(auth.clone()),
        ])];
    }
    let mut rows = vec![Row::new("Log file").words(&log, theme.strong())];
    if !state.context.auth.is_empty() {
        rows.push(Row::new("Signed in").words(&state.context.auth, Style::new()));
    }
    if let Some(note) = &state.context.credentials_note {
        rows.push(Row::new("").words(note, theme.muted()));
    }
    lay_out(&rows, 11, columns, theme).lines
}

/// One column of the overlay: its width and its lines.
type Column = (usize, Vec<Line<'static>>);

/// The groups laid out in the fewest columns that show every binding, each
/// heading whole: with its sentence and a blank line between groups (and
/// before what is under them) if that fits; else without the blank lines;
/// else with the short labels instead of the sentences; else each group as
/// one paragraph of `key label` pairs.
fn arrange(
    groups: &[KeyContext],
    columns: usize,
    rows: usize,
    keys: &Keymap,
    theme: Theme,
) -> Vec<Column> {
    let sentence: fn(&Binding) -> &'static str = |b| b.help;
    let label: fn(&Binding) -> &'static str = |b| b.label;
    for (text, spaced) in [
        (sentence, true),
        (sentence, false),
        (label, true),
        (label, false),
    ] {
        for count in 1..=3 {
            let layout = Layout {
                groups,
                text,
                spaced,
                keys,
                theme,
            };
            let rows = rows.saturating_sub(usize::from(spaced));
            if let Some(fitting) = layout.best(count, columns, rows) {
                return fitting;
            }
        }
    }
    let flowed: Vec<Line<'static>> = groups
        .iter()
        .flat_map(|g| flow(*g, columns, keys, theme))
        .collect();
    vec![(columns, flowed)]
}

/// How the groups are written in columns.
#[derive(Clone, Copy)]
struct Layout<'g> {
    /// The groups shown.
    groups: &'g [KeyContext],
    /// The sentence or the short label of a binding.
    text: fn(&Binding) -> &'static str,
    /// A blank line between groups.
    spaced: bool,
    /// The keys in force.
    keys: &'g Keymap,
    /// The styles.
    theme: Theme,
}

impl Layout<'_> {
    /// Of the ways to cut the groups, in order, into `count` columns that
    /// share `columns` (each at least as wide as its headings), the one with
    /// the shortest tallest column, if that fits in `rows`. Two columns try
    /// every split of the width; three share what is spare evenly.
    fn best(self, count: usize, columns: usize, rows: usize) -> Option<Vec<Column>> {
        let room = columns.checked_sub(GAP * (count - 1))?;
        let mut best: Option<(usize, Vec<Column>)> = None;
        for runs in runs(self.groups.len(), count) {
            let mut start = 0;
            let mut wanted = Vec::new();
            for run in &runs {
                let groups = &self.groups[start..start + run];
                start += run;
                wanted.push((groups, self.least(groups)));
            }
            let needed: usize = wanted.iter().map(|(_, w)| w).sum();
            let Some(spare) = room.checked_sub(needed) else {
                continue;
            };
            let shares: Vec<Vec<usize>> = if count == 2 {
                (0..=spare)
                    .map(|first| vec![first, spare - first])
                    .collect()
            } else {
                vec![
                    (0..count)
                        .map(|i| spare / count + usize::from(i < spare % count))
                        .collect(),
                ]
            };
            for share in shares {
                let laid: Vec<Column> = wanted
                    .iter()
                    .zip(share)
                    .map(|((groups, least), extra)| {
                        let column = least + extra;
                        (column, self.column(groups, column))
                    })
                    .collect();
                let tallest = laid.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
                if tallest <= rows && best.as_ref().is_none_or(|(t, _)| tallest < *t) {
                    best = Some((tallest, laid));
                }
            }
        }
        best.map(|(_, laid)| laid)
    }

    /// The narrowest column that keeps the headings of `groups` whole and
    /// leaves their descriptions room.
    fn least(self, groups: &[KeyContext]) -> usize {
        let heading = groups.iter().map(|g| width(g.title())).max().unwrap_or(0);
        heading.max(2 + key_width(groups, self.keys) + MIN_TEXT)
    }

    /// `groups` one under the other in a column `column` wide.
    fn column(self, groups: &[KeyContext], column: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for context in groups {
            if self.spaced && !lines.is_empty() {
                lines.push(Line::default());
            }
            lines.extend(group(
                *context,
                self.text,
                key_width(groups, self.keys),
                column,
                (self.keys, self.theme),
            ));
        }
        lines
    }
}

/// The key column of `groups`: their longest keys and two spaces.
fn key_width(groups: &[KeyContext], keys: &Keymap) -> usize {
    BINDINGS
        .iter()
        .filter(|b| groups.contains(&b.context))
        .map(|b| width(&keys.key_names(b)))
        .max()
        .unwrap_or(0)
        + 2
}

/// Every way to cut `n` things, in order, into `count` non-empty runs, as
/// the runs' lengths.
fn runs(n: usize, count: usize) -> Vec<Vec<usize>> {
    if count == 0 || n < count {
        return Vec::new();
    }
    if count == 1 {
        return vec![vec![n]];
    }
    let mut all = Vec::new();
    for first in 1..=n - (count - 1) {
        for mut rest in runs(n - first, count - 1) {
            rest.insert(0, first);
            all.push(rest);
        }
    }
    all
}

/// A heading and its bindings, wrapped to `column`.
fn group(
    context: KeyContext,
    text: fn(&Binding) -> &'static str,
    key_width: usize,
    column: usize,
    (keys, theme): (&Keymap, Theme),
) -> Vec<Line<'static>> {
    let rows: Vec<Row> = BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .map(|b| {
            Row::new(keys.key_names(b))
                .label_style(theme.key())
                .words(text(b), Style::new())
        })
        .collect();
    let mut lines = vec![Line::from(Span::styled(context.title(), theme.heading()))];
    lines.extend(lay_out(&rows, key_width, column, theme).lines);
    lines
}

/// A group as a paragraph: the heading, then `key label` pairs that wrap
/// (whole) onto indented lines.
fn flow(context: KeyContext, column: usize, keymap: &Keymap, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans = vec![Span::styled(context.title(), theme.heading())];
    let mut used = width(context.title());
    for binding in BINDINGS.iter().filter(|b| b.context == context) {
        let keys = keymap.key_names(binding);
        // Two spaces before each pair; they indent it when it starts a line.
        let pair = 2 + width(&keys) + 1 + width(binding.label);
        if used > 0 && used + pair > column {
            lines.push(Line::from(fit(std::mem::take(&mut spans), column)));
            used = 0;
        }
        spans.push(Span::raw("  "));
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {}", binding.label)));
        used += pair;
    }
    lines.push(Line::from(fit(spans, column)));
    lines
}
