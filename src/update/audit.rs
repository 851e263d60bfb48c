//! The last-changes overlay (`L`): the cursor keys move through the
//! changes, `enter` shows every field of one, and esc (or `L`, `q`) backs
//! out one level: the detail first, then the overlay.

use crate::message::{Command, Msg};
use crate::state::AppState;

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(overlay) = state.audit.as_mut() else {
        return Vec::new();
    };
    let count = match &overlay.lines {
        Some(Ok(lines)) => lines.len(),
        _ => 0,
    };
    let last = count.saturating_sub(1);
    match msg {
        Msg::ToggleAudit if overlay.detail.is_some() => overlay.detail = None,
        Msg::ToggleAudit => state.audit = None,
        Msg::Activate if overlay.scroll < count => overlay.detail = Some(overlay.scroll),
        _ if overlay.detail.is_some() => {}
        Msg::Down => overlay.scroll = (overlay.scroll + 1).min(last),
        Msg::Up => overlay.scroll = overlay.scroll.saturating_sub(1),
        Msg::PageDown => overlay.scroll = (overlay.scroll + 10).min(last),
        Msg::PageUp => overlay.scroll = overlay.scroll.saturating_sub(10),
        _ => {}
    }
    Vec::new()
}
