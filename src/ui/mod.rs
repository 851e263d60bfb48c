//! Rendering only: reads the state, never changes it.
//!
//! The screen, top to bottom: the header, the two panels (side by side from
//! [`SIDE_BY_SIDE`] columns, else stacked with the zone on top), the status
//! line (up to three for a long message, or the `:` command line) and the
//! footer. Until the credentials are known to work, the gate screen stands
//! where the panels go. The picker, the help overlay and dialogs draw over
//! the panels, in that order.

mod account;
mod dialog;
mod gate;
mod header;
mod help;
mod panel;
mod picker;
mod status;
mod text;
mod theme;
mod zone;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::state::{AppState, Gate};
use text::width;
use theme::Theme;

/// The narrowest screen trustdeck draws on.
pub const MIN_WIDTH: u16 = 80;
/// The shortest screen trustdeck draws on.
pub const MIN_HEIGHT: u16 = 24;
/// From this width on the panels stand side by side.
pub const SIDE_BY_SIDE: u16 = 100;
/// Side by side, the zone panel's comfortable width.
const ZONE_ROOM: u16 = 56;
/// Side by side, the account panel's comfortable width.
const ACCOUNT_ROOM: u16 = 64;

/// Draws the whole dashboard.
pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    let theme = Theme::new(&state.context);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let status_height = status::height(state, area.width, theme);
    let [header_area, body, status_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_height),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, state, theme);
    let open = state.gate == Gate::Open;
    let mut cursor = if open {
        let [zone_area, account_area] = panels(body, state, theme);
        let email = zone::render(frame, zone_area, state, theme);
        account::render(frame, account_area, state, theme);
        email
    } else {
        gate::render(frame, body, state, theme);
        None
    };
    let command = status::render_status(frame, status_area, state, theme);
    status::render_footer(frame, footer_area, state, theme);

    // The text cursor goes to the field that takes the keys: the picker's
    // filter, else the command line, else the email.
    if let Some(picker) = state.picker.as_ref().filter(|_| open) {
        cursor = picker::render(frame, body, picker, theme);
    } else if command.is_some() {
        cursor = command;
    }
    if state.help {
        help::render(frame, body.union(status_area), state, theme);
    }
    if let Some(dialog) = &state.dialog {
        dialog::render(frame, body, state, dialog, theme);
    }
    // Nothing that covers the field may show its cursor.
    if let Some(cursor) = cursor.filter(|_| state.dialog.is_none() && !state.help) {
        frame.set_cursor_position(cursor);
    }
}

/// Side by side when wide, the account panel a little wider while the zone
/// keeps [`ZONE_ROOM`] (its masking meanings are the longest lines); else
/// stacked, the zone panel taking the height it needs (up to what leaves the
/// account panel its own) and the account the rest.
fn panels(body: Rect, state: &AppState, theme: Theme) -> [Rect; 2] {
    if body.width >= SIDE_BY_SIDE {
        let account = (body.width / 2).max(body.width.saturating_sub(ZONE_ROOM).min(ACCOUNT_ROOM));
        return Layout::horizontal([Constraint::Fill(1), Constraint::Length(account)]).areas(body);
    }
    let zone = zone::height(state, body.width, theme);
    let account = account::height(state, body.width, theme);
    let zone = zone.min(body.height.saturating_sub(account).max(body.height / 2));
    Layout::vertical([Constraint::Length(zone), Constraint::Fill(1)]).areas(body)
}

/// The one thing drawn below the minimum size: how big the screen must be.
fn too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let message = format!(
        "Terminal too small: {}x{} — trustdeck needs at least {MIN_WIDTH}x{MIN_HEIGHT}",
        area.width, area.height
    );
    let lines = if area.width == 0 {
        0
    } else {
        width(&message).div_ceil(usize::from(area.width))
    };
    // Word wrapping can take a line more than the plain division says.
    let lines = if lines > 1 { lines + 1 } else { lines };
    let height = u16::try_from(lines).unwrap_or(u16::MAX).min(area.height);
    let middle = area.centered_vertically(Constraint::Length(height));
    let text = Paragraph::new(Line::from(message).style(theme.warn()))
        .centered()
        .wrap(Wrap { trim: true });
    frame.render_widget(text, middle);
}
