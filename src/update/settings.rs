//! The settings page's reducer: which panel has the keyboard, clicks, Esc,
//! reloading, copying ids, the start-up loads, and handing each key to the
//! focused panel.

use super::{cancel, csam, dlp, lookup, panel, say, say_about, send};
use crate::api::ApiError;
use crate::api::client::ZoneQuery;
use crate::api::worker::{ApiOp, ApiOutput, RequestId};
use crate::message::{Command, Msg};
use crate::state::{
    About, AppState, Csam, Discover, Dlp, InflightKind, Lookup, Panel, Route, StatusKind, Target,
};

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::FocusNext | Msg::FocusPrev => {
            state.settings.focus = state.settings.focus.other();
            Vec::new()
        }
        Msg::Focus(panel) => {
            state.settings.focus = panel;
            Vec::new()
        }
        Msg::Click(target) => click(state, target),
        Msg::Escape => escape(state),
        Msg::CopyId => copy_id(state),
        Msg::Refresh => match state.settings.focus {
            Panel::Zone if state.settings.zone.id.is_none() => open(state),
            Panel::Zone => panel::load::<Csam>(state),
            Panel::Account => panel::load::<Dlp>(state),
        },
        other => match state.settings.focus {
            Panel::Zone => csam::on_msg(state, other),
            Panel::Account => dlp::on_msg(state, other),
        },
    }
}

/// A panel's reply.
pub(super) fn on_reply(
    state: &mut AppState,
    panel: Panel,
    id: RequestId,
    kind: InflightKind,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    match panel {
        Panel::Zone => panel::on_reply::<Csam>(state, id, kind, result),
        Panel::Account => panel::on_reply::<Dlp>(state, id, kind, result),
    }
}

/// The panels' data; the names of a zone and an account given by id; the
/// zone given by name; or the list that finds a zone when none was given.
/// The account defaults to the zone's own.
pub(super) fn open(state: &mut AppState) -> Vec<Command> {
    let mut commands = Vec::new();
    match state.settings.zone.id.clone() {
        Some(name) if lookup::is_zone_name(&name) => {
            state.settings.zone.id = None;
            commands.extend(lookup::start(state, Lookup::ZoneByName { name }));
        }
        Some(zone_id) => {
            commands.extend(panel::load::<Csam>(state));
            let zone = &state.settings.zone;
            if zone.name.is_none() || state.settings.account.id.is_none() {
                commands.extend(lookup::start(state, Lookup::ZoneDetails { zone_id }));
            }
        }
        None => {
            let query = ZoneQuery {
                account_id: state.settings.account.id.clone(),
                per_page: 5,
                ..ZoneQuery::default()
            };
            let op = ApiOp::ListZones(query);
            commands.push(send(state, Route::Discover(Discover::Zone), op).1);
        }
    }
    if let Some(account_id) = state.settings.account.id.clone() {
        commands.extend(panel::load::<Dlp>(state));
        if state.settings.account.name.is_none() {
            commands.extend(lookup::start(state, Lookup::AccountDetails { account_id }));
        }
    }
    commands
}

/// The first account the credentials can see, for when the zone's own
/// could not be learned.
pub(super) fn discover_account(state: &mut AppState) -> Vec<Command> {
    let looking = state
        .requests
        .any(|r| *r == Route::Discover(Discover::Account));
    if state.settings.account.id.is_some() || looking {
        return Vec::new();
    }
    let op = ApiOp::ListAccounts {
        page: 1,
        per_page: 5,
    };
    vec![send(state, Route::Discover(Discover::Account), op).1]
}

/// A start-up list's answer: the first zone (and its account), or the
/// first account.
pub(super) fn on_discovered(
    state: &mut AppState,
    kind: Discover,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    match (kind, result) {
        (Discover::Zone, Ok(ApiOutput::Zones(reply))) => {
            let Some(first) = reply.result.into_iter().next() else {
                say(
                    state,
                    StatusKind::Error,
                    "These credentials can see no zones.",
                );
                return Vec::new();
            };
            state.settings.zone.id = Some(first.id.clone());
            state.settings.zone.name = Some(first.name.clone());
            let mut commands = panel::load::<Csam>(state);
            if state.settings.account.id.is_none()
                && let Some(account) = first.account.filter(|a| a.id.is_some())
            {
                state.settings.account.id = account.id;
                state.settings.account.name = account.name;
                commands.extend(panel::load::<Dlp>(state));
            }
            commands
        }
        (Discover::Account, Ok(ApiOutput::Accounts(_))) if state.settings.account.id.is_some() => {
            Vec::new()
        }
        (Discover::Account, Ok(ApiOutput::Accounts(reply))) => {
            match reply.result.into_iter().next() {
                Some(first) => {
                    state.settings.account.id = Some(first.id);
                    state.settings.account.name = Some(first.name);
                    panel::load::<Dlp>(state)
                }
                None => {
                    say(
                        state,
                        StatusKind::Error,
                        "These credentials can see no accounts.",
                    );
                    Vec::new()
                }
            }
        }
        (_, Ok(_)) => Vec::new(),
        (kind, Err(error)) => {
            let what = match kind {
                Discover::Zone => "zones",
                Discover::Account => "accounts",
            };
            say_about(
                state,
                StatusKind::Error,
                About::Discovery,
                format!("Could not list {what}: {error}. r retries."),
            );
            Vec::new()
        }
    }
}

/// A click focuses its panel and selects its row; a click on the row that
/// is already selected in the focused panel acts like Enter.
fn click(state: &mut AppState, target: Target) -> Vec<Command> {
    if state.is_editing() {
        return Vec::new();
    }
    let (panel, row) = match target {
        Target::Panel(panel) => (panel, None),
        Target::Row(panel, index) => (panel, Some(index)),
    };
    let was_focused = state.settings.focus == panel;
    state.settings.focus = panel;
    let Some(row) = row else {
        return Vec::new();
    };
    let selected = match panel {
        Panel::Zone => &mut state.settings.zone.selected,
        Panel::Account => &mut state.settings.account.selected,
    };
    if was_focused && *selected == row {
        return on_msg(state, Msg::Activate);
    }
    *selected = row;
    Vec::new()
}

/// `y`: the focused panel's zone or account id to the clipboard.
fn copy_id(state: &mut AppState) -> Vec<Command> {
    let what = match state.settings.focus {
        Panel::Zone => "zone",
        Panel::Account => "account",
    };
    let Some(id) = state
        .settings
        .focused_id()
        .filter(|id| crate::api::validate::clip_id(id) == *id)
        .map(str::to_owned)
    else {
        return Vec::new();
    };
    say(
        state,
        StatusKind::Success,
        format!("Copied the {what} id {id} to the clipboard (OSC 52: the terminal must allow it)."),
    );
    vec![Command::Copy(id)]
}

/// Esc: cancel the focused panel's load (else the other's), else dismiss
/// the message.
fn escape(state: &mut AppState) -> Vec<Command> {
    let focus = state.settings.focus;
    for panel in [focus, focus.other()] {
        let remote_load = match panel {
            Panel::Zone => state.settings.zone.remote.cancel_load(),
            Panel::Account => state.settings.account.remote.cancel_load(),
        };
        if let Some(id) = remote_load {
            let command = cancel(state, id);
            say(state, StatusKind::Info, "Load cancelled.");
            return vec![command];
        }
    }
    state.status = None;
    Vec::new()
}

/// Clears a message about the zone (or account) a panel is about to stop
/// showing: its cause leaves the screen with it.
pub(super) fn forget_shown(state: &mut AppState, panel: Panel) {
    let shown = match panel {
        Panel::Zone => state.settings.zone.id.clone(),
        Panel::Account => state.settings.account.id.clone(),
    };
    let stale = match state.status.as_ref().and_then(|s| s.about.as_ref()) {
        Some(About::Load(about, id) | About::Save(about, id)) => {
            *about == panel && shown.as_deref() == Some(id.as_str())
        }
        Some(About::FieldInput(about)) => *about == panel,
        _ => false,
    };
    if stale {
        state.status = None;
    }
}
