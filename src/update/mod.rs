//! The reducer: `update(&mut AppState, Msg) -> Vec<Command>`. Pure: no I/O,
//! no clock (time arrives in `state.now` and `Msg::Tick`), no awaiting.

mod account;
mod command;
mod explain;
mod gate;
mod lookup;
mod picker;
mod zone;

use std::time::Instant;

use crate::api::ApiError;
use crate::api::client::ZoneQuery;
use crate::api::worker::{ApiOp, ApiOutput, ApiRequest, ApiResponse, RequestId};
use crate::message::{Command, Msg};
use crate::state::{
    About, AppState, CommandLine, Dialog, Gate, InflightKind, Lookup, Panel, Remote, SUCCESS_FADE,
    Status, StatusKind, Target,
};

/// The first request: the credential check. The panels load once it passes.
pub fn init(state: &mut AppState) -> Vec<Command> {
    gate::check(state)
}

/// The panels' data; the names of a zone and an account given by id; the
/// zone given by name; or the list that finds a zone when none was given.
/// The account defaults to the zone's own.
fn open_dashboard(state: &mut AppState) -> Vec<Command> {
    let mut commands = Vec::new();
    match state.zone.zone_id.clone() {
        Some(name) if lookup::is_zone_name(&name) => {
            state.zone.zone_id = None;
            commands.extend(lookup::start(state, Lookup::ZoneByName { name }));
        }
        Some(zone_id) => {
            commands.extend(zone::load(state));
            if state.zone.zone_name.is_none() || state.account.account_id.is_none() {
                commands.extend(lookup::start(state, Lookup::ZoneDetails { zone_id }));
            }
        }
        None => {
            let id = next_id(state);
            state.zone_discovery = Some(id);
            let query = ZoneQuery {
                account_id: state.account.account_id.clone(),
                per_page: 5,
                ..ZoneQuery::default()
            };
            commands.push(request(id, ApiOp::ListZones(query)));
        }
    }
    if let Some(account_id) = state.account.account_id.clone() {
        commands.extend(account::load(state));
        if state.account.account_name.is_none() {
            commands.extend(lookup::start(state, Lookup::AccountDetails { account_id }));
        }
    }
    commands
}

/// The first account the credentials can see, for when the zone's own
/// could not be learned.
fn discover_account(state: &mut AppState) -> Vec<Command> {
    if state.account.account_id.is_some() || state.account_discovery.is_some() {
        return Vec::new();
    }
    let id = next_id(state);
    state.account_discovery = Some(id);
    vec![request(
        id,
        ApiOp::ListAccounts {
            page: 1,
            per_page: 5,
        },
    )]
}

/// Applies one message and returns the side effects it asks for.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            let faded = state.status.as_ref().is_some_and(|s| {
                matches!(s.kind, StatusKind::Success | StatusKind::Info)
                    && now.duration_since(s.at) >= SUCCESS_FADE
            });
            if faded {
                state.status = None;
            }
            Vec::new()
        }
        Msg::Api(response) => on_response(state, *response),
        Msg::Retrying {
            id,
            attempt,
            wait,
            error,
        } => {
            on_retrying(state, id, attempt, wait, &error);
            Vec::new()
        }
        Msg::Unavailable(msg) => {
            explain::unavailable(state, &msg);
            Vec::new()
        }
        Msg::Terminate => {
            state.quit = true;
            Vec::new()
        }
        Msg::Confirm | Msg::Deny | Msg::ToggleChoice | Msg::Choose => on_dialog(state, msg),
        _ if state.dialog.is_some() => Vec::new(),
        Msg::Quit => {
            if state.is_dirty() {
                state.dialog = Some(Dialog::ConfirmQuit {
                    confirm_selected: false,
                });
            } else {
                state.quit = true;
            }
            Vec::new()
        }
        Msg::Refresh if matches!(state.gate, Gate::Refused { retry: true, .. }) => init(state),
        _ if state.gate != Gate::Open => Vec::new(),
        Msg::ToggleHelp => {
            state.help = !state.help;
            Vec::new()
        }
        _ if state.picker.is_some() => picker::on_msg(state, msg),
        _ if state.command_line.is_some() => command::on_msg(state, msg),
        Msg::OpenPicker(kind) => picker::open(state, kind, ""),
        Msg::OpenCommandLine => {
            state.command_line = Some(CommandLine::default());
            Vec::new()
        }
        Msg::Click(target) => click(state, target),
        Msg::FocusNext | Msg::FocusPrev => {
            state.focus = match state.focus {
                Panel::Zone => Panel::Account,
                Panel::Account => Panel::Zone,
            };
            Vec::new()
        }
        Msg::Focus(panel) => {
            state.focus = panel;
            Vec::new()
        }
        Msg::Escape => escape(state),
        Msg::CopyId => copy_id(state),
        Msg::Refresh => match state.focus {
            Panel::Zone if state.zone.zone_id.is_none() => open_dashboard(state),
            Panel::Zone => zone::load(state),
            Panel::Account => account::load(state),
        },
        other => match state.focus {
            Panel::Zone => zone::on_msg(state, other),
            Panel::Account => account::on_msg(state, other),
        },
    }
}

fn on_dialog(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(dialog) = state.dialog.as_mut() else {
        return Vec::new();
    };
    let confirmed = match (msg, &mut *dialog) {
        (
            Msg::ToggleChoice,
            Dialog::ConfirmReset {
                confirm_selected, ..
            }
            | Dialog::ConfirmQuit { confirm_selected },
        ) => {
            *confirm_selected = !*confirm_selected;
            return Vec::new();
        }
        (
            Msg::Choose,
            Dialog::ConfirmReset {
                confirm_selected, ..
            }
            | Dialog::ConfirmQuit { confirm_selected },
        ) => *confirm_selected,
        (Msg::Confirm, _) => true,
        _ => false,
    };
    let dialog = state.dialog.take();
    match (dialog, confirmed) {
        (Some(Dialog::ConfirmQuit { .. }), true) => {
            state.quit = true;
            Vec::new()
        }
        (Some(Dialog::ConfirmReset { account_id, .. }), true) => account::reset(state, account_id),
        (Some(Dialog::ConfirmSwitch { target, kind, .. }), true) => {
            picker::switch(state, kind, target)
        }
        (Some(Dialog::ConfirmReset { .. }), false) => {
            say(
                state,
                StatusKind::Info,
                "Reset cancelled; nothing was changed.",
            );
            Vec::new()
        }
        _ => Vec::new(),
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
        Target::ZoneRow(i) => (Panel::Zone, Some(i)),
        Target::AccountRow(i) => (Panel::Account, Some(i)),
    };
    let was_focused = state.focus == panel;
    state.focus = panel;
    let Some(row) = row else {
        return Vec::new();
    };
    let selected = match panel {
        Panel::Zone => &mut state.zone.selected,
        Panel::Account => &mut state.account.selected,
    };
    if was_focused && *selected == row {
        return update(state, Msg::Activate);
    }
    *selected = row;
    Vec::new()
}

/// `y`: the focused panel's zone or account id to the clipboard.
fn copy_id(state: &mut AppState) -> Vec<Command> {
    let (what, id) = match state.focus {
        Panel::Zone => ("zone", state.zone.zone_id.clone()),
        Panel::Account => ("account", state.account.account_id.clone()),
    };
    let Some(id) = id.filter(|id| crate::api::validate::clip_id(id) == *id) else {
        return Vec::new();
    };
    say(
        state,
        StatusKind::Success,
        format!("Copied the {what} id {id} to the clipboard (OSC 52: the terminal must allow it)."),
    );
    vec![Command::Copy(id)]
}

/// Esc: cancel the focused panel's load (else the other's), else dismiss the message.
fn escape(state: &mut AppState) -> Vec<Command> {
    let zone_load = state.zone.remote.load_in_flight();
    let account_load = state.account.remote.load_in_flight();
    let order = match state.focus {
        Panel::Zone => [(Panel::Zone, zone_load), (Panel::Account, account_load)],
        Panel::Account => [(Panel::Account, account_load), (Panel::Zone, zone_load)],
    };
    if let Some((panel, Some(id))) = order.into_iter().find(|(_, load)| load.is_some()) {
        match panel {
            Panel::Zone => state.zone.remote.inflight = None,
            Panel::Account => state.account.remote.inflight = None,
        }
        say(state, StatusKind::Info, "Load cancelled.");
        return vec![Command::Cancel(id)];
    }
    state.status = None;
    Vec::new()
}

fn on_response(state: &mut AppState, response: ApiResponse) -> Vec<Command> {
    let ApiResponse { id, result } = response;
    if state.gate_request == Some(id) {
        state.gate_request = None;
        return gate::on_reply(state, result);
    }
    if state
        .picker
        .as_ref()
        .and_then(|p| p.loading.as_ref())
        .is_some_and(|l| l.id == id)
    {
        return picker::on_reply(state, id, result);
    }
    if let Some(inflight) = state.zone.remote.take_if_current(id) {
        return zone::on_reply(state, inflight.kind, result);
    }
    if let Some(inflight) = state.account.remote.take_if_current(id) {
        return account::on_reply(state, inflight.kind, result);
    }
    if state.zone_discovery == Some(id) {
        state.zone_discovery = None;
        return on_zone_list(state, result);
    }
    if state.account_discovery == Some(id) {
        state.account_discovery = None;
        return on_account_list(state, result);
    }
    if let Some(lookup) = lookup::take(state, id) {
        return lookup::on_reply(state, lookup, result);
    }
    Vec::new()
}

/// The client will try request `id` again after `wait`: its owner notes
/// it, so the status line (and the picker) say why it waits.
fn on_retrying(
    state: &mut AppState,
    id: RequestId,
    attempt: u32,
    wait: std::time::Duration,
    error: &ApiError,
) {
    let retry = Some(crate::state::Retry {
        at: state.now + wait,
        attempt,
        rate_limited: matches!(error, ApiError::RateLimited { .. }),
    });
    let panels = [
        &mut state.zone.remote.inflight,
        &mut state.account.remote.inflight,
    ];
    for inflight in panels.into_iter().flatten() {
        if inflight.id == id {
            inflight.retry = retry;
        }
    }
    if let Some(loading) = state
        .picker
        .as_mut()
        .and_then(|p| p.loading.as_mut())
        .filter(|l| l.id == id)
    {
        loading.retry = retry;
    }
}

fn on_zone_list(state: &mut AppState, result: Result<ApiOutput, ApiError>) -> Vec<Command> {
    let zones = match result {
        Ok(ApiOutput::Zones(reply)) => reply.result,
        Ok(_) => return Vec::new(),
        Err(error) => {
            say_about(
                state,
                StatusKind::Error,
                About::Discovery,
                format!("Could not list zones: {error}. r retries."),
            );
            return Vec::new();
        }
    };
    let Some(first) = zones.into_iter().next() else {
        say(
            state,
            StatusKind::Error,
            "These credentials can see no zones.",
        );
        return Vec::new();
    };
    state.zone.zone_id = Some(first.id.clone());
    state.zone.zone_name = Some(first.name.clone());
    let mut commands = zone::load(state);
    if state.account.account_id.is_none()
        && let Some(account) = first.account.filter(|a| a.id.is_some())
    {
        state.account.account_id = account.id;
        state.account.account_name = account.name;
        commands.extend(account::load(state));
    }
    commands
}

fn on_account_list(state: &mut AppState, result: Result<ApiOutput, ApiError>) -> Vec<Command> {
    match result {
        Ok(ApiOutput::Accounts(_)) if state.account.account_id.is_some() => Vec::new(),
        Ok(ApiOutput::Accounts(reply)) => match reply.result.into_iter().next() {
            Some(first) => {
                state.account.account_id = Some(first.id);
                state.account.account_name = Some(first.name);
                account::load(state)
            }
            None => {
                say(
                    state,
                    StatusKind::Error,
                    "These credentials can see no accounts.",
                );
                Vec::new()
            }
        },
        Ok(_) => Vec::new(),
        Err(error) => {
            say_about(
                state,
                StatusKind::Error,
                About::Discovery,
                format!("Could not list accounts: {error}"),
            );
            Vec::new()
        }
    }
}

/// Hands out the next request id.
fn next_id(state: &mut AppState) -> RequestId {
    let id = state.next_id;
    state.next_id += 1;
    id
}

fn request(id: RequestId, op: ApiOp) -> Command {
    Command::Api(ApiRequest { id, op })
}

/// Sends `op` for a panel's data, cancelling the load it supersedes.
fn send<T>(
    remote: &mut Remote<T>,
    id: RequestId,
    kind: InflightKind,
    now: Instant,
    op: ApiOp,
) -> Vec<Command> {
    let mut commands: Vec<Command> = remote
        .start(id, kind, now)
        .map(Command::Cancel)
        .into_iter()
        .collect();
    commands.push(request(id, op));
    commands
}

/// Puts a sentence on the status line.
fn say(state: &mut AppState, kind: StatusKind, text: impl Into<String>) {
    state.status = Some(Status {
        text: text.into(),
        kind,
        at: state.now,
        about: None,
    });
}

/// Puts a sentence about `about` on the status line; [`forget`] takes it
/// away once its cause is gone.
fn say_about(state: &mut AppState, kind: StatusKind, about: About, text: impl Into<String>) {
    state.status = Some(Status {
        text: text.into(),
        kind,
        at: state.now,
        about: Some(about),
    });
}

/// Clears the status line when it is about `about`.
fn forget(state: &mut AppState, about: &About) {
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.about.as_ref() == Some(about))
    {
        state.status = None;
    }
}

/// The server's notes as one sentence, e.g. why it kept scanning off.
fn messages_text(messages: &[crate::api::model::ResponseInfo]) -> String {
    messages
        .iter()
        .map(|m| m.message.trim())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a failed save or reset means for the panel: the read-only reason
/// it implies, if any.
fn read_only_reason(error: &ApiError) -> Option<String> {
    match error {
        ApiError::Locked { .. } => Some("Locked by Trust & Safety".to_owned()),
        ApiError::Permission {
            permission: Some(p),
            ..
        } => Some(format!("the token lacks '{p}'")),
        ApiError::Permission { .. } => Some("the token may not change this".to_owned()),
        _ => None,
    }
}

/// Clears a message about the zone (or account) a panel is about to stop
/// showing: its cause leaves the screen with it.
fn forget_shown(state: &mut AppState, kind: crate::state::PickerKind) {
    let shown = match kind {
        crate::state::PickerKind::Zone => state.zone.zone_id.clone(),
        crate::state::PickerKind::Account => state.account.account_id.clone(),
    };
    let about = state.status.as_ref().and_then(|s| s.about.clone());
    let stale = match (kind, about) {
        (crate::state::PickerKind::Zone, Some(About::ZoneLoad(id) | About::ZoneSave(id)))
        | (
            crate::state::PickerKind::Account,
            Some(About::AccountLoad(id) | About::AccountSave(id)),
        ) => shown.as_deref() == Some(id.as_str()),
        (crate::state::PickerKind::Zone, Some(About::EmailInput)) => true,
        _ => false,
    };
    if stale {
        state.status = None;
    }
}

/// The sentence for a failed save or reset (`what` says what could not be
/// done: "save the CSAM setting of shop.example.com"), with the key that
/// really retries it (`s` for staged edits, `D` for the reset).
fn save_failed_text(what: &str, error: &ApiError, retry_key: &str) -> String {
    let kept = if retry_key == "s" {
        " Your edits are kept"
    } else {
        " Nothing was changed"
    };
    let next = if error.is_transient() {
        format!("{kept}; press {retry_key} to retry.")
    } else {
        format!("{kept}.")
    };
    format!("Could not {what}: {error}.{next}")
}

/// The zone's name for messages, else its id (never longer than an id can be).
fn zone_label(state: &AppState) -> String {
    label(
        state.zone.zone_name.as_deref(),
        state.zone.zone_id.as_deref(),
        "the zone",
    )
}

/// The account's name for messages, else its id.
fn account_label(state: &AppState) -> String {
    label(
        state.account.account_name.as_deref(),
        state.account.account_id.as_deref(),
        "the account",
    )
}

fn label(name: Option<&str>, id: Option<&str>, missing: &str) -> String {
    match (name.filter(|n| !n.trim().is_empty()), id) {
        (Some(name), _) => name.to_owned(),
        (None, Some(id)) => crate::api::validate::clip_id(id),
        (None, None) => missing.to_owned(),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pickers;
