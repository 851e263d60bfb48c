//! A bound key that cannot work right now says why, instead of doing
//! nothing without a word: a locked zone, read-only mode, nothing staged,
//! a save on its way.

use super::{label, say};
use crate::message::Msg;
use crate::state::{AppState, Gate, Notice, Panel, ReadOnly, StatusKind, ZoneRow};

/// Says why `msg` (a key's message whose binding is not available now)
/// does nothing. Repeating the key does not repeat the sentence.
pub(super) fn unavailable(state: &mut AppState, msg: &Msg) {
    let overlay = state.dialog.is_some() || state.help || state.takes_text();
    if state.gate != Gate::Open || overlay {
        return;
    }
    let Some(text) = why_not(state, msg) else {
        return;
    };
    let said = Notice::Text(text);
    if state.status.as_ref().is_some_and(|s| s.notice == said) {
        return;
    }
    if let Notice::Text(text) = said {
        say(state, StatusKind::Info, text);
    }
}

fn why_not(state: &AppState, msg: &Msg) -> Option<String> {
    if state.page == crate::state::Page::Fleet
        && let Some(text) = super::bulk::why_not(state, msg)
    {
        return Some(text);
    }
    let writes = matches!(
        msg,
        Msg::Activate | Msg::EditField | Msg::Resend | Msg::Save | Msg::Discard | Msg::AskReset
    );
    if matches!(msg, Msg::Refresh) {
        return refresh_refused(state);
    }
    if !writes {
        return None;
    }
    match state.settings.focus {
        Panel::Zone => zone_refused(state, msg),
        Panel::Account => account_refused(state, msg),
    }
}

fn zone_refused(state: &AppState, msg: &Msg) -> Option<String> {
    let zone = &state.settings.zone;
    let name = label(state, Panel::Zone);
    if let Some(reason) = &zone.read_only {
        return Some(read_only_sentence(&name, "CSAM setting", reason));
    }
    if zone.remote.is_locked_by_write() {
        return Some(format!(
            "A save of {name} is on its way; wait for its answer."
        ));
    }
    if zone.value().is_none() {
        return Some(format!(
            "The CSAM setting of {name} is not loaded; r loads it."
        ));
    }
    Some(match msg {
        Msg::Save => "Nothing to save: no zone changes are staged.".to_owned(),
        Msg::Discard => "Nothing to discard: no zone changes are staged.".to_owned(),
        Msg::Resend if !zone.rows().contains(&ZoneRow::Resend) => {
            format!("The notification email of {name} is verified: there is nothing to re-send.")
        }
        _ => return None,
    })
}

fn account_refused(state: &AppState, msg: &Msg) -> Option<String> {
    let account = &state.settings.account;
    let name = label(state, Panel::Account);
    if let Some(reason) = &account.read_only {
        return Some(read_only_sentence(&name, "DLP settings", reason));
    }
    if account.remote.is_locked_by_write() {
        return Some(format!(
            "A save or reset of {name} is on its way; wait for its answer."
        ));
    }
    if account.value().is_none() {
        return Some(format!(
            "The DLP settings of {name} are not loaded; r loads them."
        ));
    }
    Some(match msg {
        Msg::Save => "Nothing to save: no DLP changes are staged.".to_owned(),
        Msg::Discard => "Nothing to discard: no DLP changes are staged.".to_owned(),
        _ => return None,
    })
}

fn refresh_refused(state: &AppState) -> Option<String> {
    let page = &state.settings;
    let (busy, missing) = match page.focus {
        Panel::Zone => (
            page.zone.remote.is_locked_by_write(),
            page.zone.id.is_none(),
        ),
        Panel::Account => (
            page.account.remote.is_locked_by_write(),
            page.account.id.is_none(),
        ),
    };
    if busy {
        Some("A save is on its way; r reloads once it has answered.".to_owned())
    } else if missing {
        Some("Nothing to reload yet: pick one with z or a.".to_owned())
    } else {
        None
    }
}

fn read_only_sentence(name: &str, what: &str, reason: &ReadOnly) -> String {
    match reason {
        ReadOnly::LockedByTrustAndSafety => {
            format!("{name} is locked by Trust & Safety: its {what} cannot be changed here.")
        }
        ReadOnly::ReadOnlyMode => "Read-only mode: nothing can be changed (started with --read-only or a read-only profile).".to_owned(),
        ReadOnly::MissingPermission { name: Some(permission) } => {
            format!("The {what} of {name} cannot be changed: the token lacks '{permission}'.")
        }
        ReadOnly::MissingPermission { name: None } => {
            format!("The {what} of {name} cannot be changed: the token may not change it.")
        }
    }
}
