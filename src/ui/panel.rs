//! What the two panels share: rows of `label  value` that wrap between
//! value pieces, the selection marker, scrolling to the selected row, what a
//! click on a line means, the bordered block with its notes, and the
//! not-loaded / failed placeholders.

use std::collections::VecDeque;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::text::{fit, fit_line, pad, spans_width, width};
use super::theme::Theme;
use crate::state::{InflightKind, Panel, ReadOnly, Remote, Target};

/// The selection marker column: `› ` on the selected row, blank elsewhere.
const GUTTER: usize = 2;

/// One field of a panel, before it is laid out to a width.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The field's name in the label column; empty on continuation rows.
    label: String,
    /// How the label looks, when not like a label (key names in the help).
    label_style: Option<Style>,
    /// The value in pieces; a too-long value wraps between pieces.
    groups: Vec<Vec<Span<'static>>>,
    /// Extra indent of wrapped lines, to align under a sub-label.
    hang: usize,
    /// The value starts in the label column (rows without a label).
    wide: bool,
    /// Reverse it and mark it `›`.
    selected: bool,
    /// Scroll so this row shows (the selected row, or the field being edited).
    keep_visible: bool,
    /// Where the text cursor goes, in columns from the start of the value.
    cursor: Option<usize>,
    /// What a click on any of its lines selects (selectable rows only).
    target: Option<Target>,
}

impl Row {
    /// A row named `label`.
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            ..Self::default()
        }
    }

    /// A row without a label whose value starts in the label column.
    pub fn wide() -> Self {
        Self {
            wide: true,
            ..Self::default()
        }
    }

    /// An empty line.
    pub fn blank() -> Self {
        Self::wide()
    }

    /// Adds a value piece; the value may wrap before it.
    pub fn piece(mut self, spans: impl Into<Vec<Span<'static>>>) -> Self {
        self.groups.push(spans.into());
        self
    }

    /// Adds `text` word by word, so it wraps like a sentence.
    pub fn words(mut self, text: &str, style: Style) -> Self {
        for (i, word) in text.split_whitespace().enumerate() {
            let word = if i == 0 {
                word.to_owned()
            } else {
                format!(" {word}")
            };
            self.groups.push(vec![Span::styled(word, style)]);
        }
        self
    }

    /// Draws the label in `style`.
    pub fn label_style(mut self, style: Style) -> Self {
        self.label_style = Some(style);
        self
    }

    /// Indents wrapped lines by `columns` more than the value column.
    pub fn hang(mut self, columns: usize) -> Self {
        self.hang = columns;
        self
    }

    /// Marks the row selected (reverse + `›`) when `selected`.
    pub fn selected(mut self, selected: bool) -> Self {
        self.selected = selected;
        self.keep_visible |= selected;
        self
    }

    /// Scrolls so this row shows when `keep` (the row being edited).
    pub fn keep_visible(mut self, keep: bool) -> Self {
        self.keep_visible |= keep;
        self
    }

    /// Puts the text cursor `column` columns into the value.
    pub fn cursor(mut self, column: usize) -> Self {
        self.cursor = Some(column);
        self
    }

    /// Makes a click on any line of the row select `target`.
    pub fn target(mut self, target: Option<Target>) -> Self {
        self.target = target;
        self
    }
}

/// Rows laid out to a width.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The screen lines, top to bottom.
    pub lines: Vec<Line<'static>>,
    /// The lines that must stay visible, if any.
    keep: Option<(usize, usize)>,
    /// The text cursor: line index and column.
    cursor: Option<(usize, usize)>,
    /// What a click on each line selects, one entry per line.
    targets: Vec<Option<Target>>,
}

/// Lays `rows` out in `columns`, with labels padded to `label_width`.
///
/// A value that does not fit wraps between its pieces, under the value
/// column; a piece too long for a line of its own starts a line and flows
/// word by word from there.
pub fn lay_out(rows: &[Row], label_width: usize, columns: usize, theme: Theme) -> Body {
    let mut body = Body::default();
    for row in rows {
        let first_line = body.lines.len();
        let marker = if row.selected { "› " } else { "  " };
        let label = if row.wide {
            String::new()
        } else {
            pad(&row.label, label_width)
        };
        let lead = GUTTER + width(&label);
        let wrap_lead = GUTTER + if row.wide { 0 } else { label_width } + row.hang;
        let wrap_room = columns.saturating_sub(wrap_lead);
        let mut spans = vec![
            Span::raw(marker),
            Span::styled(label, row.label_style.unwrap_or(theme.label())),
        ];
        let mut used = 0;
        let mut room = columns.saturating_sub(lead);
        let mut started = false;
        let mut pending: VecDeque<Vec<Span<'static>>> = row.groups.iter().cloned().collect();
        while let Some(group) = pending.pop_front() {
            if used > 0 && used + spans_width(&group) > room {
                body.lines.push(finish(spans, row, columns, theme));
                spans = vec![Span::raw(" ".repeat(wrap_lead))];
                used = 0;
                room = wrap_room;
            }
            let group = if used == 0 && started {
                trim_start(group)
            } else {
                group
            };
            if used == 0 && spans_width(&group) > room && is_sentence(&group) {
                split_words(group)
                    .into_iter()
                    .rev()
                    .for_each(|word| pending.push_front(word));
                continue;
            }
            let group = fit(group, room.saturating_sub(used));
            used += spans_width(&group);
            spans.extend(group);
            started = true;
        }
        body.lines.push(finish(spans, row, columns, theme));
        body.targets.resize(body.lines.len(), row.target);
        if row.keep_visible {
            body.keep = Some((first_line, body.lines.len()));
        }
        if let Some(column) = row.cursor {
            body.cursor = Some((first_line, lead + column));
        }
    }
    body
}

/// `group` without the spaces it starts with (it starts a wrapped line).
fn trim_start(mut group: Vec<Span<'static>>) -> Vec<Span<'static>> {
    if let Some(head) = group.first_mut() {
        head.content = head.content.trim_start().to_owned().into();
    }
    group
}

/// True when `group` holds more than one word, so it can flow.
fn is_sentence(group: &[Span<'_>]) -> bool {
    let text: String = group.iter().map(|s| s.content.as_ref()).collect();
    text.trim().contains(' ')
}

/// `group` as one piece per word, each word keeping the space before it.
fn split_words(group: Vec<Span<'static>>) -> Vec<Vec<Span<'static>>> {
    let mut words = Vec::new();
    for span in group {
        let mut word = String::new();
        for c in span.content.chars() {
            if c == ' ' && word.chars().any(|w| w != ' ') {
                words.push(vec![Span::styled(std::mem::take(&mut word), span.style)]);
            }
            word.push(c);
        }
        if !word.is_empty() {
            words.push(vec![Span::styled(word, span.style)]);
        }
    }
    words
}

fn finish(spans: Vec<Span<'static>>, row: &Row, columns: usize, theme: Theme) -> Line<'static> {
    let line = fit_line(Line::from(spans), columns);
    if row.selected {
        line.style(theme.selected())
    } else {
        line
    }
}

impl Body {
    /// How many lines it takes.
    pub fn height(&self) -> usize {
        self.lines.len()
    }

    /// The first line shown in `rows` lines: scrolled just enough that the
    /// kept row's last line shows.
    fn offset(&self, rows: usize) -> usize {
        match self.keep {
            Some((_, end)) if end > rows => end - rows,
            _ => 0,
        }
    }

    /// What a click at `position` selects, drawn into `area` by
    /// [`Body::render`]: the row on that screen line, if it is selectable.
    pub fn target_at(&self, area: Rect, position: Position) -> Option<Target> {
        if !area.contains(position) {
            return None;
        }
        let line = usize::from(position.y - area.y) + self.offset(usize::from(area.height));
        self.targets.get(line).copied().flatten()
    }

    /// Draws the lines into `area`, scrolled so the kept row shows, dimmed
    /// when `busy`; returns where the text cursor goes, if it is visible.
    pub fn render(self, frame: &mut Frame, area: Rect, busy: Option<Style>) -> Option<Position> {
        let rows = usize::from(area.height);
        let offset = self.offset(rows);
        for (i, line) in self.lines.into_iter().skip(offset).take(rows).enumerate() {
            let line = match busy {
                Some(style) => line.patch_style(style),
                None => line,
            };
            let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
            frame.render_widget(line, Rect::new(area.x, y, area.width, 1));
        }
        let (line, column) = self.cursor?;
        let line = line.checked_sub(offset).filter(|l| *l < rows)?;
        let column = u16::try_from(column).ok().filter(|c| *c < area.width)?;
        Some(Position::new(
            area.x + column,
            area.y + u16::try_from(line).ok()?,
        ))
    }
}

/// A panel laid out for an area: its frame and the body inside it. Drawing
/// and hit-testing both start from here, so a click lands where the eye does.
pub struct View {
    /// Which panel it is.
    pub panel: Panel,
    /// The border with its title and notes.
    pub block: Block<'static>,
    /// The lines inside the border.
    pub body: Body,
    /// The dimming while a write is in flight, if one is.
    pub busy: Option<Style>,
}

impl View {
    /// Draws the panel into `area`; returns where the text cursor goes, if
    /// anywhere.
    pub fn render(self, frame: &mut Frame, area: Rect) -> Option<Position> {
        let inner = self.block.inner(area);
        frame.render_widget(self.block, area);
        self.body.render(frame, inner, self.busy)
    }

    /// What a click at `position` selects when the panel is drawn into
    /// `area`: the selectable row on that line inside the border, else the
    /// panel itself; nothing outside `area`.
    pub fn target_at(&self, area: Rect, position: Position) -> Option<Target> {
        if !area.contains(position) {
            return None;
        }
        let row = self.body.target_at(self.block.inner(area), position);
        Some(row.unwrap_or(Target::Panel(self.panel)))
    }
}

/// A panel's frame: the numbered title on top, its notes at the bottom
/// left and, when given, its id at the bottom right.
pub fn block(
    title: &str,
    focused: bool,
    notes: Vec<Span<'static>>,
    id: Option<Line<'static>>,
    outer_width: u16,
    theme: Theme,
) -> Block<'static> {
    let mut block = Block::bordered()
        .border_type(Theme::border_type(focused))
        .border_style(theme.border(focused))
        .title(Line::from(format!(" {title} ")).style(theme.title(focused)));
    if let Some(id) = id {
        block = block.title_bottom(id.right_aligned());
    }
    if !notes.is_empty() {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(notes);
        spans.push(Span::raw(" "));
        let room = usize::from(outer_width).saturating_sub(4);
        block = block.title_bottom(Line::from(fit(spans, room)));
    }
    block
}

/// A panel's title naming what it shows (`1 Zone · CSAM Scanner ·
/// shop.example.com`), so nothing on screen reads as belonging to the
/// other panel's zone or account. Without a name the title stays short:
/// the id is on the bottom border.
pub fn title(base: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.trim().is_empty()) {
        Some(name) => format!("{base} · {}", super::text::shown(name)),
        None => base.to_owned(),
    }
}

/// The notes a panel shows on its bottom border: the lock, what is in
/// flight, what failed, and how many changes are staged. When they do not
/// fit a border `columns` wide inside, the lock moves into the body as its
/// first row (returned second), so the reason is never cut.
pub fn notes<T>(
    remote: &Remote<T>,
    read_only: Option<&ReadOnly>,
    staged: usize,
    columns: usize,
    theme: Theme,
) -> (Vec<Span<'static>>, Option<Row>) {
    let lock = read_only.map(lock_text);
    let mut notes: Vec<Span<'static>> = Vec::new();
    let loaded = remote.value().is_some();
    match (remote.inflight, &remote.failure) {
        (Some(inflight), _) => match inflight.kind {
            InflightKind::Save => notes.push(Span::styled("Saving…", theme.warn())),
            InflightKind::Reset => notes.push(Span::styled("Resetting…", theme.warn())),
            InflightKind::Load if loaded => notes.push(Span::styled("Refreshing…", theme.muted())),
            InflightKind::Load => {}
        },
        (None, Some(failure)) if loaded => {
            let text = match failure.kind {
                InflightKind::Load => "✗ refresh failed · r retries",
                InflightKind::Save => "✗ save failed",
                InflightKind::Reset => "✗ reset failed",
            };
            notes.push(Span::styled(text, theme.error()));
        }
        (None, _) => {}
    }
    if staged > 0 && !remote.is_locked_by_write() {
        let plural = if staged == 1 { "" } else { "s" };
        notes.push(Span::styled(
            format!("* {staged} unsaved change{plural}"),
            theme.staged(),
        ));
    }
    let join = |notes: Vec<Span<'static>>| {
        let mut joined = Vec::new();
        for (i, note) in notes.into_iter().enumerate() {
            if i > 0 {
                joined.push(Span::styled(" · ", theme.muted()));
            }
            joined.push(note);
        }
        joined
    };
    let Some(lock) = lock else {
        return (join(notes), None);
    };
    let mut all = vec![Span::styled(lock.clone(), theme.warn())];
    all.extend(notes.iter().cloned());
    let all = join(all);
    // The border keeps a corner and a space on each side of the notes.
    if spans_width(&all) + 2 <= columns.saturating_sub(2) {
        (all, None)
    } else {
        (join(notes), Some(Row::wide().words(&lock, theme.warn())))
    }
}

/// Where a panel shows the id of its zone or account (for copying with
/// `y`): on the bottom border at the right when it fits beside the notes
/// (returned first), else as a row of the body (returned second).
pub fn place_id(
    label: &str,
    id: Option<&str>,
    notes: &[Span<'static>],
    columns: usize,
    theme: Theme,
) -> (Option<Line<'static>>, Option<Row>) {
    let Some(id) = id else {
        return (None, None);
    };
    let id = crate::api::validate::clip_id(id);
    let border = Line::from(vec![
        Span::raw(" "),
        Span::styled(format!("{label} "), theme.muted()),
        Span::raw(id.clone()),
        Span::raw(" "),
    ]);
    // Notes keep a corner and a space each side; the id a space and a corner.
    let notes_width = if notes.is_empty() {
        0
    } else {
        spans_width(notes) + 2
    };
    if notes_width + border.width() + 4 <= columns {
        (Some(border), None)
    } else {
        (None, Some(Row::new(label).piece(vec![Span::raw(id)])))
    }
}

/// Why the panel is read-only, as the line that says so.
pub fn lock_text(reason: &ReadOnly) -> String {
    format!("🔒 {}", super::words::read_only(reason))
}

/// What a panel shows before it has data: loading, the failure and how to
/// retry, or `idle` when nothing has been asked yet.
pub fn placeholder<T>(
    remote: &Remote<T>,
    what: &str,
    (idle, retry): (&str, &str),
    theme: Theme,
) -> Vec<Row> {
    if remote.inflight.is_some() {
        return vec![Row::wide().piece(vec![Span::styled("Loading…", theme.muted())])];
    }
    let Some(failure) = &remote.failure else {
        return vec![Row::wide().words(idle, theme.muted())];
    };
    vec![
        Row::wide().words(&format!("✗ Could not load {what}:"), theme.error()),
        Row::wide().words(&failure.error.to_string(), Style::new()),
        Row::blank(),
        Row::wide().piece(vec![
            Span::styled(retry.to_owned(), theme.key()),
            Span::raw(" retry"),
        ]),
    ]
}

/// `[x] on` / `[ ] off`.
pub fn on_off(on: bool, theme: Theme) -> Span<'static> {
    if on {
        Span::styled("[x] on", theme.ok())
    } else {
        Span::raw("[ ] off")
    }
}

/// The ` *` after a staged value.
pub fn staged_mark(staged: bool, theme: Theme) -> Option<Span<'static>> {
    staged.then(|| Span::styled(" *", theme.staged()))
}

/// An RFC 3339 time as `2026-10-02 14:05 UTC`; anything else as it came.
pub fn format_time(text: &str) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(UtcOffset::UTC).format(format).ok())
        .unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_utc_and_odd_ones_pass_through() {
        assert_eq!(format_time("2026-10-02T14:05:11Z"), "2026-10-02 14:05 UTC");
        assert_eq!(
            format_time("2026-10-02T16:05:11+02:00"),
            "2026-10-02 14:05 UTC"
        );
        assert_eq!(format_time("last tuesday"), "last tuesday");
    }

    #[test]
    fn lock_lines_read_as_sentences() {
        assert_eq!(
            lock_text(&ReadOnly::LockedByTrustAndSafety),
            "🔒 Locked by Trust & Safety: read-only"
        );
        assert_eq!(lock_text(&ReadOnly::ReadOnlyMode), "🔒 Read-only mode");
        assert_eq!(
            lock_text(&ReadOnly::MissingPermission {
                name: Some("Zone Settings Write".into())
            }),
            "🔒 Read-only: the token lacks 'Zone Settings Write'"
        );
    }

    #[test]
    fn values_wrap_between_pieces_under_the_value_column() {
        let theme = Theme::new(&crate::state::Context::default());
        let rows = [Row::new("Masking")
            .piece(vec![Span::raw("partial")])
            .piece(vec![Span::raw(" (part of the payload masked)")])];
        let text = |columns| -> Vec<String> {
            lay_out(&rows, 9, columns, theme)
                .lines
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            text(50),
            ["  Masking  partial (part of the payload masked)"]
        );
        assert_eq!(
            text(40),
            [
                "  Masking  partial",
                "           (part of the payload masked)"
            ]
        );
        assert_eq!(
            text(30),
            [
                "  Masking  partial",
                "           (part of the",
                "           payload masked)"
            ]
        );
    }
}

#[cfg(test)]
mod title_tests {
    use super::title;

    #[test]
    fn a_title_names_its_zone_or_account_and_an_id_is_never_drawn_long() {
        assert_eq!(
            title("2 Account · DLP settings", Some("Acme Corp")),
            "2 Account · DLP settings · Acme Corp"
        );
        assert_eq!(title("1 Zone", None), "1 Zone");
        assert_eq!(title("1 Zone", Some(" ")), "1 Zone");
        let token = "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w";
        assert_eq!(
            crate::api::validate::clip_id(token),
            "(not an id: 41 characters)"
        );
    }
}
