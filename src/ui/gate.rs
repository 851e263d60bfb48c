//! The screen before the dashboard: the credentials being checked, or a box
//! that says why they were refused and what to do. No panel is drawn behind
//! it, so nothing half-working shows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::panel::{Row, lay_out};
use super::status::{SPINNER, key_hints};
use super::text::{fit, width};
use super::theme::Theme;
use crate::input::footer_bindings;
use crate::state::{AppState, Gate};

/// The refusal box's inside width, when the screen allows.
const BOX_INNER: usize = 64;

/// Room for the longest label ("Credentials") and two spaces.
const LABEL_WIDTH: usize = 13;

/// Draws the gate over `area` (everything between the header and the status line).
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    match &state.gate {
        Gate::Open => {}
        Gate::Checking => checking(frame, area, state, theme),
        Gate::Refused {
            title,
            detail,
            retry: _,
        } => refused(frame, area, state, title, detail, theme),
    }
}

/// `⠋ Checking the credentials…` in the middle, and which ones under it.
/// The spinner stands still: the gate has no start time to count from.
fn checking(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    let columns = usize::from(area.width);
    let mut lines = vec![Line::from(vec![
        Span::styled(SPINNER[0], theme.warn()),
        Span::raw(" Checking the credentials…"),
    ])];
    if !state.context.auth.is_empty() {
        let using = Span::styled(state.context.auth.clone(), theme.muted());
        lines.push(Line::from(fit(vec![using], columns)));
    }
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let middle = area.centered_vertically(Constraint::Length(height.min(area.height)));
    frame.render_widget(Paragraph::new(lines).centered(), middle);
}

/// A box titled `✗ title`: the detail, the credentials tried, and the keys.
fn refused(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    title: &str,
    detail: &str,
    theme: Theme,
) {
    let max_inner = usize::from(area.width).saturating_sub(4);
    let inner = BOX_INNER.max(width(title) + 6).min(max_inner);
    // One column stays free before the right border, as in the panels.
    let columns = inner.saturating_sub(1);

    let mut rows = vec![
        Row::blank(),
        Row::wide().words(&sentence(detail), Style::new()),
    ];
    // The profile, if any, is in the header already.
    if !state.context.auth.is_empty() {
        rows.push(Row::blank());
        rows.push(Row::new("Credentials").words(&state.context.auth, theme.muted()));
    }
    rows.push(Row::blank());
    let mut lines = lay_out(&rows, LABEL_WIDTH, columns, theme).lines;
    lines.push(key_hints(state, &footer_bindings(state), inner, theme).centered());

    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(u16::try_from(inner + 2).unwrap_or(u16::MAX)),
        Constraint::Length(height.min(area.height)),
    );
    let heading = fit(
        vec![
            Span::raw(" "),
            Span::raw(format!("✗ {title}")),
            Span::raw(" "),
        ],
        inner,
    );
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.error())
        .title(Line::from(heading).style(theme.error()));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// `text` with a capital first letter (error texts start in lower case).
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
