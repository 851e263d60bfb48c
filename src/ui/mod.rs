//! Rendering only: reads the state, never changes it.
//!
//! The screen, top to bottom: the header, the two panels (side by side from
//! [`SIDE_BY_SIDE`] columns, else stacked with the zone on top), the status
//! line (up to three for a long message, or the `:` command line) and the
//! footer. Until the credentials are known to work, the gate screen stands
//! where the panels go. The picker, the help overlay and dialogs draw over
//! the panels, in that order. [`hit_test`] answers what a click lands on
//! from the same layout and the same laid-out panel bodies.

mod account_bulk_dialog;
mod accounts;
mod accounts_table;
mod audit;
mod audit_detail;
mod bulk;
mod bulk_dialog;
mod csam;
mod dialog;
mod dlp;
mod fleet;
mod fleet_summary;
mod fleet_table;
mod gate;
mod header;
mod help;
pub mod palette;
mod panel;
mod picker;
pub(crate) mod setting;
mod status;
pub(crate) mod text;
mod theme;
pub mod words;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::state::{AppState, Csam, Dlp, Gate, Page, Target};
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

/// Where everything goes on a screen of a given size.
struct Screen {
    header: Rect,
    /// Where the panels (or the gate) go; the picker, help and dialogs draw over it.
    body: Rect,
    status: Rect,
    footer: Rect,
    /// The zone and account panels, once the gate is open.
    panels: Option<[Rect; 2]>,
}

impl Screen {
    /// The layout of `area`, or `None` below the minimum size.
    fn new(area: Rect, state: &AppState, theme: Theme) -> Option<Self> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let status_height = status::height(state, area.width, theme);
        let [header, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        let panels = (state.gate == Gate::Open && state.page == Page::Settings)
            .then(|| panels(body, state, theme));
        Some(Self {
            header,
            body,
            status,
            footer,
            panels,
        })
    }
}

/// Draws the whole dashboard.
pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    let theme = Theme::new(&state.context);
    let Some(screen) = Screen::new(area, state, theme) else {
        too_small(frame, area, theme);
        return;
    };
    header::render(frame, screen.header, state, theme);
    let open = state.gate == Gate::Open;
    let mut cursor = if open && state.page == Page::Fleet {
        fleet::render(frame, screen.body, state, theme)
    } else if open && state.page == Page::Accounts {
        accounts::render(frame, screen.body, state, theme)
    } else if let Some([zone_area, account_area]) = screen.panels {
        let zone = setting::render::<Csam>(frame, zone_area, state, theme);
        let account = setting::render::<Dlp>(frame, account_area, state, theme);
        zone.or(account)
    } else {
        gate::render(frame, screen.body, state, theme);
        None
    };
    let command = status::render_status(frame, screen.status, state, theme);
    status::render_footer(frame, screen.footer, state, theme);

    // The text cursor goes to the field that takes the keys: the picker's
    // filter, else the command line, else the email.
    if let Some(picker) = state.picker.as_ref().filter(|_| open) {
        let retry = picker
            .loading
            .as_ref()
            .and_then(|l| state.requests.get(l.id))
            .and_then(|p| p.retry);
        cursor = picker::render(frame, screen.body, picker, retry, state.now, theme);
    } else if command.is_some() {
        cursor = command;
    }
    if let Some(overlay) = &state.audit {
        let log = state.context.audit_path.as_deref();
        audit::render(frame, screen.body.union(screen.status), overlay, log, theme);
    }
    if state.help {
        help::render(frame, screen.body.union(screen.status), state, theme);
    }
    if let Some(dialog) = &state.dialog {
        dialog::render(frame, screen.body, state, dialog, theme);
    }
    // Nothing that covers the field may show its cursor.
    let covered = state.dialog.is_some() || state.help || state.audit.is_some();
    if let Some(cursor) = cursor.filter(|_| !covered) {
        frame.set_cursor_position(cursor);
    }
}

/// What is drawn at (`column`, `row`) of a screen of `area`, as far as a
/// mouse click cares: a panel, or one of its selectable rows. `None` off the
/// panels, below the minimum size, behind the gate, and while the picker,
/// the help or a dialog covers the panels.
pub fn hit_test(area: Rect, state: &AppState, column: u16, row: u16) -> Option<Target> {
    let theme = Theme::new(&state.context);
    let [zone_area, account_area] = Screen::new(area, state, theme)?.panels?;
    if state.picker.is_some() || state.help || state.dialog.is_some() || state.audit.is_some() {
        return None;
    }
    let position = Position::new(column, row);
    setting::target_at::<Csam>(state, zone_area, theme, position)
        .or_else(|| setting::target_at::<Dlp>(state, account_area, theme, position))
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
    let zone = setting::height::<Csam>(state, body.width, theme);
    let account = setting::height::<Dlp>(state, body.width, theme);
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
