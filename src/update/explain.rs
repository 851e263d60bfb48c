//! A bound key that cannot work right now says why, instead of doing
//! nothing without a word: a locked zone, read-only mode, nothing staged,
//! a save on its way.

use super::{label, say};
use crate::input::KeyContext;
use crate::message::{Msg, Refused};
use crate::state::{AppState, Gate, Notice, Page, Panel, ReadOnly, StatusKind, ZoneRow};

/// Says why a key (a binding not available now, or one of another page)
/// does nothing. Every refused key gets a sentence: a specific reason when
/// one is known, else what the key is for and that it does not apply now.
/// Repeating the key does not repeat the sentence.
pub(super) fn unavailable(state: &mut AppState, refused: &Refused) {
    let overlay = state.dialog.is_some() || state.help || state.takes_text();
    if state.gate != Gate::Open || overlay {
        return;
    }
    let text = match refused.elsewhere {
        Some(place) => elsewhere(state, refused, place),
        None => why_not(state, &refused.msg).unwrap_or_else(|| {
            format!(
                "{} ({}) does not apply now.",
                refused.key,
                refused.label.trim_end_matches('…')
            )
        }),
    };
    let said = Notice::Text(text);
    if state.status.as_ref().is_some_and(|s| s.notice == said) {
        return;
    }
    if let Notice::Text(text) = said {
        say(state, StatusKind::Info, text);
    }
}

/// A key of another page: where it works and how to get there.
fn elsewhere(state: &AppState, refused: &Refused, place: &str) -> String {
    let how = if place == "the accounts page" {
        format!(
            "{} shows every account",
            key(state, KeyContext::Global, "accounts_page")
        )
    } else if state.page == Page::Settings || place != "the zone and account panels" {
        format!(
            "{} shows the fleet",
            key(state, KeyContext::Global, "fleet_page")
        )
    } else {
        format!(
            "{} goes back to the panels",
            key(state, KeyContext::Global, "escape")
        )
    };
    format!(
        "{} ({}) is a key of {place}, not of this page; {how}.",
        refused.key,
        refused.label.trim_end_matches('…')
    )
}

fn why_not(state: &AppState, msg: &Msg) -> Option<String> {
    if state.page == Page::Accounts {
        return accounts_refused(state, msg);
    }
    if state.page == Page::Fleet {
        if let Some(text) = super::bulk::why_not(state, msg) {
            return Some(text);
        }
        return fleet_refused(state, msg);
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

/// The fleet page's keys that wait for something: a row, a mark, a run.
fn fleet_refused(state: &AppState, msg: &Msg) -> Option<String> {
    let fleet = &state.fleet;
    let refresh = key(state, KeyContext::Global, "refresh");
    let escape = key(state, KeyContext::Global, "escape");
    let no_rows = if fleet.rows().is_empty() {
        format!("No zones yet: {refresh} scans the fleet.")
    } else {
        "No zone is shown: the filters hide every zone.".to_owned()
    };
    Some(match msg {
        Msg::FocusNext | Msg::FocusPrev => {
            format!(
                "The fleet page is one table, with no panels to move between: {escape} goes back to the panels."
            )
        }
        Msg::ShowPage(Page::Fleet) => "This is the fleet page.".to_owned(),
        Msg::ClearMarks => format!(
            "No zone is marked: {} marks the zone under the cursor, {} every zone shown.",
            key(state, KeyContext::Fleet, "mark"),
            key(state, KeyContext::Fleet, "mark_all")
        ),
        Msg::Activate | Msg::ToggleMark | Msg::MarkShown | Msg::CopyId => no_rows,
        Msg::Refresh if fleet.scanning.is_some() => {
            format!("A scan is going: {escape} stops it, {refresh} scans again after.")
        }
        Msg::PauseRun | Msg::AskStopRun => {
            "The run is stopping: the requests in flight finish, the rest are not sent.".to_owned()
        }
        _ => return None,
    })
}

/// The accounts page's keys that wait for something: a row, a scan's end.
fn accounts_refused(state: &AppState, msg: &Msg) -> Option<String> {
    let page = &state.accounts;
    let refresh = key(state, KeyContext::Global, "refresh");
    let escape = key(state, KeyContext::Global, "escape");
    Some(match msg {
        Msg::FocusNext | Msg::FocusPrev => format!(
            "The accounts page is one table, with no panels to move between: {escape} goes back to the panels."
        ),
        Msg::ShowPage(Page::Accounts) => "This is the accounts page.".to_owned(),
        Msg::Activate | Msg::CopyId if page.rows().is_empty() => {
            format!("No accounts yet: {refresh} scans every account.")
        }
        Msg::Activate | Msg::CopyId => {
            "No account is shown: the filters hide every account.".to_owned()
        }
        Msg::Refresh if page.scanning.is_some() => {
            format!("A scan is going: {escape} stops it, {refresh} scans again after.")
        }
        _ => return None,
    })
}

fn zone_refused(state: &AppState, msg: &Msg) -> Option<String> {
    if matches!(msg, Msg::AskReset) {
        return Some(format!(
            "{} resets the account's DLP settings: {} focuses the account panel; a zone has no reset.",
            key(state, KeyContext::Settings, "reset"),
            key(state, KeyContext::Global, "account_panel")
        ));
    }
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
            "The CSAM setting of {name} is not loaded; {} loads it.",
            key(state, KeyContext::Global, "refresh")
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
            "The DLP settings of {name} are not loaded; {} loads them.",
            key(state, KeyContext::Global, "refresh")
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
        Some(format!(
            "A save is on its way; {} reloads once it has answered.",
            key(state, KeyContext::Global, "refresh")
        ))
    } else if missing {
        Some(format!(
            "Nothing to reload yet: pick one with {} or {}.",
            key(state, KeyContext::Global, "pick_zone"),
            key(state, KeyContext::Global, "pick_account")
        ))
    } else {
        None
    }
}

/// The first key in force of an action, for a sentence.
fn key(state: &AppState, context: KeyContext, name: &str) -> String {
    state.context.keys.first_key(context, name)
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
