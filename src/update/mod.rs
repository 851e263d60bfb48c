//! The reducer: `update(&mut AppState, Msg) -> Vec<Command>`. Pure: no I/O,
//! no clock (time arrives in `state.now` and `Msg::Tick`), no awaiting.
//!
//! What is global is handled here (time, replies, dialogs, quitting, the
//! help, the overlays); everything else goes to the page shown. A reply is
//! routed by taking its id out of the request map.

mod account_bulk;
mod account_run;
mod accounts;
mod audit;
mod bulk;
mod bulk_run;
mod command;
mod csam;
mod dlp;
mod explain;
mod fleet;
mod gate;
mod lookup;
mod panel;
mod picker;
mod settings;

use std::time::Duration;

use crate::api::ApiError;
use crate::api::worker::{ApiOp, ApiRequest, ApiResponse, RequestId};
use crate::message::{Command, FleetNews, Msg};
use crate::state::{
    About, AppState, AuditOverlay, CommandLine, Dialog, Gate, Notice, Page, Panel, ReadOnly, Retry,
    Route, SUCCESS_FADE, Status, StatusKind,
};

/// The first request: the credential check. The panels load once it passes.
pub fn init(state: &mut AppState) -> Vec<Command> {
    gate::check(state)
}

/// Applies one message and returns the side effects it asks for. A save's
/// or reset's outcome stays until a key is pressed after it: no reply,
/// scan news or timer takes it off the status line before it was read.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let by_key = is_key(&msg);
    if by_key {
        mark_read(state);
    }
    let unread = (!state.status_read)
        .then(|| state.status.clone().filter(is_outcome))
        .flatten();
    let commands = apply(state, msg);
    if let Some(unread) = unread
        && !by_key
        && !state.status.as_ref().is_some_and(is_outcome)
    {
        state.status = Some(unread);
    }
    commands
}

/// True for a message a person caused (a key, a click, a paste).
fn is_key(msg: &Msg) -> bool {
    !matches!(
        msg,
        Msg::Tick(_)
            | Msg::Api(_)
            | Msg::Retrying { .. }
            | Msg::Fleet(_)
            | Msg::AuditRead(_)
            | Msg::Terminate
    )
}

/// True for what a save or reset did.
fn is_outcome(status: &Status) -> bool {
    matches!(
        status.notice,
        Notice::Saved { .. } | Notice::Reset { .. } | Notice::WriteFailed { .. }
    )
}

/// A key after an outcome: it has been seen, and fades from now as any
/// message of its kind.
fn mark_read(state: &mut AppState) {
    if state.status_read {
        return;
    }
    state.status_read = true;
    let now = state.now;
    if let Some(status) = state.status.as_mut().filter(|s| is_outcome(s)) {
        status.at = now;
    }
}

fn apply(state: &mut AppState, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            let faded = state.status.as_ref().is_some_and(|s| {
                matches!(s.kind, StatusKind::Success | StatusKind::Info)
                    && (state.status_read || !is_outcome(s))
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
        Msg::Unavailable(refused) => {
            explain::unavailable(state, &refused);
            Vec::new()
        }
        Msg::Fleet(news) => match *news {
            FleetNews::AccountScans(events) => accounts::on_scans(state, events),
            FleetNews::AccountsCached(cached) => accounts::on_cached(state, cached),
            FleetNews::AccountApply(event) => account_run::on_event(state, event),
            FleetNews::AccountApplyRefused(why) => account_run::refused(state, &why),
            news => fleet::on_news(state, news),
        },
        Msg::Terminate => {
            state.quit = true;
            Vec::new()
        }
        _ if matches!(state.dialog, Some(Dialog::Bulk(_))) && bulk::takes(&msg) => {
            bulk::on_dialog(state, msg)
        }
        Msg::Confirm | Msg::Deny | Msg::ToggleChoice | Msg::Choose => on_dialog(state, msg),
        _ if state.dialog.is_some() => Vec::new(),
        Msg::Quit => {
            if state.fleet.run_going() {
                bulk_run::ask_quit(state);
            } else if state.is_dirty() {
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
        Msg::AuditRead(lines) => {
            if let Some(overlay) = state.audit.as_mut() {
                overlay.lines = Some(lines);
            }
            Vec::new()
        }
        _ if state.audit.is_some() => audit::on_msg(state, msg),
        Msg::ToggleAudit => {
            state.audit = Some(AuditOverlay::default());
            vec![Command::ReadAudit]
        }
        _ if state.picker.is_some() => picker::on_msg(state, msg),
        _ if state.command_line.is_some() => command::on_msg(state, msg),
        Msg::OpenPicker(kind) => picker::open(state, kind, ""),
        Msg::OpenCommandLine => {
            state.command_line = Some(CommandLine::default());
            Vec::new()
        }
        Msg::ShowPage(Page::Fleet) => fleet::show(state),
        Msg::ShowPage(Page::Accounts) => accounts::show(state),
        Msg::ShowPage(Page::Settings) => {
            state.page = Page::Settings;
            Vec::new()
        }
        Msg::Focus(panel) => {
            state.page = Page::Settings;
            state.settings.focus = panel;
            Vec::new()
        }
        other => match state.page {
            Page::Settings => settings::on_msg(state, other),
            Page::Fleet => fleet::on_msg(state, other),
            Page::Accounts => accounts::on_msg(state, other),
        },
    }
}

fn on_dialog(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(dialog) = state.dialog.as_mut() else {
        return Vec::new();
    };
    let highlighted = match dialog {
        Dialog::ConfirmReset {
            confirm_selected, ..
        }
        | Dialog::ConfirmSave {
            confirm_selected, ..
        }
        | Dialog::ConfirmQuit { confirm_selected } => Some(confirm_selected),
        Dialog::ConfirmSwitch { .. } | Dialog::Bulk(_) => None,
    };
    let confirmed = match (msg, highlighted) {
        (Msg::ToggleChoice, Some(selected)) => {
            *selected = !*selected;
            return Vec::new();
        }
        (Msg::Choose, Some(selected)) => *selected,
        (Msg::Confirm, _) => true,
        _ => false,
    };
    match (state.dialog.take(), confirmed) {
        (Some(Dialog::ConfirmQuit { .. }), true) => {
            state.quit = true;
            Vec::new()
        }
        (Some(Dialog::ConfirmReset { account_id, .. }), true) => dlp::reset(state, account_id),
        (Some(Dialog::ConfirmSave { .. }), confirmed) => csam::save_answered(state, confirmed),
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

/// Routes a reply by its id; a reply whose id is not in the map is stale.
fn on_response(state: &mut AppState, response: ApiResponse) -> Vec<Command> {
    let ApiResponse { id, result } = response;
    let Some(pending) = state.requests.take(id) else {
        return Vec::new();
    };
    match pending.route {
        Route::Gate => gate::on_reply(state, result),
        Route::Picker => picker::on_reply(state, id, result),
        Route::Panel { panel, kind } => settings::on_reply(state, panel, id, kind, result),
        Route::Discover(kind) => settings::on_discovered(state, kind, result),
        Route::Lookup(lookup) => lookup::on_reply(state, lookup, result),
    }
}

/// The client will try request `id` again after `wait`: the map notes it,
/// so the status line (and the picker) say why it waits.
fn on_retrying(
    state: &mut AppState,
    id: RequestId,
    attempt: u32,
    wait: Duration,
    error: &ApiError,
) {
    let retry = Retry {
        at: state.now + wait,
        attempt,
        rate_limited: matches!(error, ApiError::RateLimited { .. }),
    };
    state.requests.retrying(id, retry);
}

/// Files a request for `route` and the command that sends `op`.
fn send(state: &mut AppState, route: Route, op: ApiOp) -> (RequestId, Command) {
    let id = state.requests.start(route, state.now);
    (id, Command::Api(ApiRequest { id, op }))
}

/// Forgets request `id` and cancels it.
fn cancel(state: &mut AppState, id: RequestId) -> Command {
    state.requests.forget(id);
    Command::Cancel(id)
}

/// Puts a sentence on the status line.
fn say(state: &mut AppState, kind: StatusKind, text: impl Into<String>) {
    tell(state, kind, None, Notice::Text(text.into()));
}

/// Puts a sentence about `about` on the status line; [`forget`] takes it
/// away once its cause is gone.
fn say_about(state: &mut AppState, kind: StatusKind, about: About, text: impl Into<String>) {
    tell(state, kind, Some(about), Notice::Text(text.into()));
}

/// Puts `notice` on the status line.
fn tell(state: &mut AppState, kind: StatusKind, about: Option<About>, notice: Notice) {
    state.status = Some(Status {
        notice,
        kind,
        at: state.now,
        about,
    });
    state.status_read = false;
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

/// What a failed save or reset means for the panel: the read-only reason
/// it implies, if any.
fn read_only_of(error: &ApiError) -> Option<ReadOnly> {
    match error {
        ApiError::Locked { .. } => Some(ReadOnly::LockedByTrustAndSafety),
        ApiError::Permission { permission, .. } => Some(ReadOnly::MissingPermission {
            name: permission.clone(),
        }),
        _ => None,
    }
}

/// A panel's zone or account name for messages, else its id (never longer
/// than an id can be).
fn label(state: &AppState, panel: Panel) -> String {
    let (name, id, missing) = match panel {
        Panel::Zone => {
            let zone = &state.settings.zone;
            (zone.name.as_deref(), zone.id.as_deref(), "the zone")
        }
        Panel::Account => {
            let account = &state.settings.account;
            (
                account.name.as_deref(),
                account.id.as_deref(),
                "the account",
            )
        }
    };
    match (name.filter(|n| !n.trim().is_empty()), id) {
        (Some(name), _) => name.to_owned(),
        (None, Some(id)) => crate::api::validate::clip_id(id),
        (None, None) => missing.to_owned(),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_account_bulk;
#[cfg(test)]
mod tests_accounts;
#[cfg(test)]
mod tests_bulk;
#[cfg(test)]
mod tests_fleet;
#[cfg(test)]
mod tests_fleet_scale;
#[cfg(test)]
mod tests_pickers;
