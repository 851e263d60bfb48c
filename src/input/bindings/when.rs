//! When a binding works, and the footer's words that depend on the state:
//! the conditions the key table names.

use crate::state::{AppState, BulkDialog, Dialog, Gate, Page, Panel, StatusKind};

pub(super) fn always(_: &AppState) -> bool {
    true
}

pub(super) fn on_settings(state: &AppState) -> bool {
    state.page == Page::Settings
}

pub(super) fn off_fleet(state: &AppState) -> bool {
    state.page != Page::Fleet
}

pub(super) fn off_accounts(state: &AppState) -> bool {
    state.page != Page::Accounts
}

pub(super) fn has_account_row(state: &AppState) -> bool {
    state.accounts.selected_row().is_some()
}

pub(super) fn has_shown_accounts(state: &AppState) -> bool {
    state.accounts.shown_len() > 0
}

pub(super) fn has_account_marks(state: &AppState) -> bool {
    !state.accounts.marked.is_empty()
}

pub(super) fn can_account_bulk(state: &AppState) -> bool {
    let going = state.accounts.run.as_ref().is_some_and(|r| r.is_going());
    !going && (has_account_marks(state) || has_account_row(state))
}

pub(super) fn account_run_going(state: &AppState) -> bool {
    state
        .accounts
        .run
        .as_ref()
        .is_some_and(|r| r.id.is_some() && r.is_going())
}

/// `b` on the accounts page says what it will do.
pub(super) fn account_bulk_label(state: &AppState) -> Option<&'static str> {
    has_account_marks(state).then_some("change…")
}

/// `p` on the accounts page says what it will do.
pub(super) fn account_pause_label(state: &AppState) -> Option<&'static str> {
    Some(if state.accounts.run.as_ref().is_some_and(|r| r.paused) {
        "go on"
    } else {
        "pause"
    })
}

pub(super) fn has_fleet_row(state: &AppState) -> bool {
    state.fleet.selected_row().is_some()
}

pub(super) fn editable(state: &AppState) -> bool {
    state.settings.abilities().edit
}

pub(super) fn can_resend(state: &AppState) -> bool {
    state.settings.abilities().resend
}

pub(super) fn can_save(state: &AppState) -> bool {
    state.settings.abilities().save
}

pub(super) fn can_discard(state: &AppState) -> bool {
    state.settings.abilities().discard
}

pub(super) fn can_reset(state: &AppState) -> bool {
    state.settings.abilities().reset
}

pub(super) fn can_refresh(state: &AppState) -> bool {
    match state.page {
        Page::Settings => state.settings.abilities().reload,
        Page::Fleet => state.fleet.scanning.is_none() && !state.fleet.run_going(),
        Page::Accounts => state.accounts.scanning.is_none(),
    }
}

/// The scan has rows whose setting could not be read, and nothing runs.
pub(super) fn has_failed_rows(state: &AppState) -> bool {
    state.fleet.scanning.is_none()
        && !state.fleet.run_going()
        && state
            .fleet
            .scan
            .as_ref()
            .is_some_and(|scan| scan.failed().next().is_some())
}

pub(super) fn has_shown_rows(state: &AppState) -> bool {
    !state.fleet.order.is_empty()
}

pub(super) fn has_marks(state: &AppState) -> bool {
    !state.fleet.marked.is_empty()
}

pub(super) fn can_bulk(state: &AppState) -> bool {
    !state.fleet.run_going() && (has_marks(state) || has_fleet_row(state))
}

pub(super) fn can_retry_run(state: &AppState) -> bool {
    !state.context.read_only
        && state.fleet.run.as_ref().is_some_and(|run| {
            run.id.is_some()
                && run
                    .end
                    .as_ref()
                    .is_some_and(|end| end.summary.retryable > 0)
        })
}

pub(super) fn had_run(state: &AppState) -> bool {
    state.fleet.run.is_some()
}

/// While a run goes, until it is asked to stop or the dashboard to quit.
pub(super) fn run_steerable(state: &AppState) -> bool {
    state
        .fleet
        .run
        .as_ref()
        .is_some_and(|run| run.has_started() && !run.stopping && !run.quitting)
}

/// The footer offers `b` once zones are marked (the help always lists it):
/// room for the marking key first.
pub(super) fn bulk_label(state: &AppState) -> Option<&'static str> {
    has_marks(state).then_some("change…")
}

/// `p` says what it will do.
pub(super) fn pause_label(state: &AppState) -> Option<&'static str> {
    Some(if state.fleet.run.as_ref().is_some_and(|r| r.paused) {
        "go on"
    } else {
        "pause"
    })
}

pub(super) fn bulk_dialog(state: &AppState) -> Option<&BulkDialog> {
    match &state.dialog {
        Some(Dialog::Bulk(dialog)) => Some(dialog),
        _ => None,
    }
}

/// The bulk dialogs with a list to move in.
pub(super) fn dialog_has_list(state: &AppState) -> bool {
    matches!(
        bulk_dialog(state),
        Some(
            BulkDialog::Menu { .. }
                | BulkDialog::Plan(_)
                | BulkDialog::Summary { .. }
                | BulkDialog::AccountMenu { .. }
                | BulkDialog::AccountPlan(_)
                | BulkDialog::AccountSummary { .. }
        )
    )
}

/// Enter in a bulk dialog's field: the email makes the plan, the typed
/// count runs it.
pub(super) fn commit_label(state: &AppState) -> Option<&'static str> {
    Some(match bulk_dialog(state) {
        Some(BulkDialog::Email { .. } | BulkDialog::PublicKey { .. }) => "plan",
        Some(BulkDialog::Plan(_) | BulkDialog::AccountPlan(_)) => "run",
        _ => "keep",
    })
}

pub(super) fn abandon_label(state: &AppState) -> Option<&'static str> {
    Some(match bulk_dialog(state) {
        Some(BulkDialog::Email { .. } | BulkDialog::PublicKey { .. }) => "back",
        Some(BulkDialog::Plan(_) | BulkDialog::AccountPlan(_)) => "cancel",
        _ => "abandon",
    })
}

/// The text field's name in the footer: the zone's email; the account's
/// key stays in the help (its row's toggle offers it too).
pub(super) fn field_label(state: &AppState) -> Option<&'static str> {
    match state.settings.focus {
        Panel::Zone => Some("edit email"),
        Panel::Account => Some("key"),
    }
}

/// On the fleet and accounts pages, `r` scans every zone or account again.
pub(super) fn refresh_label(state: &AppState) -> Option<&'static str> {
    Some(match state.page {
        Page::Settings => "refresh",
        Page::Fleet | Page::Accounts => "scan again",
    })
}

/// Esc backs out of the innermost thing: a scan, a load, a message, then
/// the fleet or accounts page itself (as k9s users expect).
pub(super) fn escape_label(state: &AppState) -> Option<&'static str> {
    Some(if state.page == Page::Settings {
        "cancel/dismiss"
    } else if state.page == Page::Accounts {
        if state.accounts.scanning.is_some() {
            "stop scan"
        } else if dismissable(state) {
            "dismiss"
        } else {
            "back"
        }
    } else if state.fleet.scanning.is_some() {
        "stop scan"
    } else if run_steerable(state) {
        "stop run…"
    } else if dismissable(state) {
        "dismiss"
    } else {
        "back"
    })
}

fn dismissable(state: &AppState) -> bool {
    state
        .status
        .as_ref()
        .is_some_and(|s| matches!(s.kind, StatusKind::Error | StatusKind::Warning))
}

pub(super) fn picker_failed(state: &AppState) -> bool {
    state.picker.as_ref().is_some_and(|p| p.error.is_some())
}

pub(super) fn has_id(state: &AppState) -> bool {
    match state.page {
        Page::Settings => state.settings.focused_id().is_some(),
        Page::Fleet => state.fleet.selected_row().is_some(),
        Page::Accounts => has_account_row(state),
    }
}

pub(super) fn can_retry_gate(state: &AppState) -> bool {
    matches!(state.gate, Gate::Refused { retry: true, .. })
}

pub(super) fn can_escape(state: &AppState) -> bool {
    state.page != Page::Settings
        || state.settings.zone.remote.load_in_flight().is_some()
        || state.settings.account.remote.load_in_flight().is_some()
        || dismissable(state)
}

/// The audit overlay shows its list, not one change in full.
pub(super) fn audit_list(state: &AppState) -> bool {
    state
        .audit
        .as_ref()
        .is_some_and(|audit| audit.detail.is_none())
}

/// Esc in the audit overlay goes back to the list from a change's details.
pub(super) fn audit_close_label(state: &AppState) -> Option<&'static str> {
    let detail = state
        .audit
        .as_ref()
        .is_some_and(|audit| audit.detail.is_some());
    Some(if detail { "back" } else { "close" })
}
