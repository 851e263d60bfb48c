//! What only the account panel does: toggling the DLP settings, cycling
//! the masking level, payload logging off or on with a pasted key, and the
//! confirmed reset.

use super::{label, panel, say};
use crate::api::model::MaskingLevel;
use crate::api::worker::ApiOp;
use crate::audit::{Intent, Origin};
use crate::message::{Command, Msg};
use crate::outcome::{dlp_at_defaults, dlp_reset_preview};
use crate::state::{
    AccountRow, AppState, Dialog, Dlp, InflightKind, MASKING_CYCLE, Panel, StatusKind,
};

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    if let Some(commands) = panel::common::<Dlp>(state, &msg) {
        return commands;
    }
    let editable = state.settings.account.is_editable();
    match msg {
        Msg::Activate if editable => activate(state),
        Msg::AskReset if editable => ask_reset(state),
        Msg::EditField if editable => {
            select(state, AccountRow::PayloadLogging);
            panel::edit_field::<Dlp>(state);
        }
        _ => {}
    }
    Vec::new()
}

fn select(state: &mut AppState, row: AccountRow) {
    if let Some(index) = AccountRow::ALL.iter().position(|r| *r == row) {
        state.settings.account.selected = index;
    }
}

fn activate(state: &mut AppState) {
    let account = &mut state.settings.account;
    let Some(server) = account.value().cloned() else {
        return;
    };
    // As on the zone panel: a toggle made while a save is on its way stays staged.
    let saving = account.is_saving();
    match account.selected_row() {
        Some(AccountRow::AiContextAnalysis) => {
            let wanted = !account.ai_context_analysis();
            account.form.ai_context_analysis =
                (saving || wanted != server.ai_context_analysis).then_some(wanted);
        }
        Some(AccountRow::Ocr) => {
            let wanted = !account.ocr();
            account.form.ocr = (saving || wanted != server.ocr).then_some(wanted);
        }
        Some(AccountRow::MaskingLevel) => {
            let current = account.masking_level().unwrap_or(MaskingLevel::Default);
            let at = MASKING_CYCLE.iter().position(|l| *l == current);
            let next = MASKING_CYCLE[at.map_or(0, |i| (i + 1) % MASKING_CYCLE.len())].clone();
            let server_level = server.payload_logging.masking_level.clone();
            account.form.masking_level =
                (saving || Some(&next) != server_level.as_ref()).then_some(next);
        }
        Some(AccountRow::PayloadLogging) => {
            let on_at_server = account.server_key().is_some();
            match (&account.form.public_key, on_at_server) {
                // Staged either way: back to what the server has.
                (Some(_), _) => account.form.public_key = None,
                (None, true) => account.form.public_key = Some(String::new()),
                // Turning it on needs a key.
                (None, false) => panel::edit_field::<Dlp>(state),
            }
        }
        Some(AccountRow::Reset) => ask_reset(state),
        None => {}
    }
}

/// Opens the confirmation that lists, field by field, now → after reset;
/// settings at their defaults already have nothing to reset, as `dlp reset`
/// says too.
fn ask_reset(state: &mut AppState) {
    let account = &state.settings.account;
    let (Some(account_id), Some(settings)) = (account.id.clone(), account.value()) else {
        return;
    };
    if account.is_saving() {
        let text = format!(
            "A save or reset of {} is on its way; wait for its answer.",
            label(state, Panel::Account)
        );
        say(state, StatusKind::Info, text);
        return;
    }
    if dlp_at_defaults(settings) {
        let text = format!(
            "The DLP settings of {} already are at their defaults: nothing to reset.",
            label(state, Panel::Account)
        );
        say(state, StatusKind::Info, text);
        return;
    }
    state.dialog = Some(Dialog::ConfirmReset {
        account_id,
        changes: dlp_reset_preview(settings),
        staged: account.staged(),
        confirm_selected: false,
    });
}

/// Sends the reset; only the confirmation dialog calls this.
pub(super) fn reset(state: &mut AppState, account_id: String) -> Vec<Command> {
    let account = &mut state.settings.account;
    if account.remote.is_locked_by_write() {
        return Vec::new();
    }
    // The reset discards what was staged (the dialog said so); a failed
    // reset gives it back.
    account.editor = None;
    account.sent = Some(std::mem::take(&mut account.form));
    let intent = Intent::dlp_reset(Origin::dashboard(), account.audit_target(), account.value());
    let op = ApiOp::ResetDlp { account_id };
    panel::send_for::<Dlp>(state, InflightKind::Reset, op, Some(intent))
}
