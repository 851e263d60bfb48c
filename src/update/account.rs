//! The account panel's part of the reducer: DLP edits, saves, the reset.

use super::{messages_text, next_id, read_only_reason, save_failed_text, say, send};
use crate::api::ApiError;
use crate::api::model::MaskingLevel;
use crate::api::worker::{ApiOp, ApiOutput};
use crate::message::{Command, Msg};
use crate::state::{
    AccountRow, AppState, Dialog, DlpForm, Failure, InflightKind, MASKING_CYCLE, StatusKind,
};

/// Loads the account's settings, superseding a load in flight.
pub(super) fn load(state: &mut AppState) -> Vec<Command> {
    let Some(account_id) = state.account.account_id.clone() else {
        return Vec::new();
    };
    if state.account.remote.is_locked_by_write() {
        return Vec::new();
    }
    let id = next_id(state);
    send(
        &mut state.account.remote,
        id,
        InflightKind::Load,
        state.now,
        ApiOp::GetDlp { account_id },
    )
}

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Up => state.account.selected = state.account.selected.saturating_sub(1),
        Msg::Down => {
            state.account.selected = (state.account.selected + 1).min(AccountRow::ALL.len() - 1)
        }
        Msg::Activate if state.account.is_editable() => activate(state),
        Msg::AskReset if state.account.is_editable() => ask_reset(state),
        Msg::Save => return save(state),
        Msg::Discard if !state.account.remote.is_locked_by_write() => {
            state.account.form = DlpForm::default();
            say(state, StatusKind::Info, "Staged DLP changes discarded.");
        }
        _ => {}
    }
    Vec::new()
}

fn activate(state: &mut AppState) {
    let Some(server) = state.account.settings().cloned() else {
        return;
    };
    let panel = &mut state.account;
    match panel.selected_row() {
        AccountRow::AiContextAnalysis => {
            let wanted = !panel.ai_context_analysis();
            panel.form.ai_context_analysis =
                (wanted != server.ai_context_analysis).then_some(wanted);
        }
        AccountRow::Ocr => {
            let wanted = !panel.ocr();
            panel.form.ocr = (wanted != server.ocr).then_some(wanted);
        }
        AccountRow::MaskingLevel => {
            let current = panel.masking_level().unwrap_or(MaskingLevel::Default);
            let at = MASKING_CYCLE.iter().position(|l| *l == current);
            let next = MASKING_CYCLE[at.map_or(0, |i| (i + 1) % MASKING_CYCLE.len())].clone();
            let server_level = server.payload_logging.masking_level.clone();
            panel.form.masking_level = (Some(&next) != server_level.as_ref()).then_some(next);
        }
        AccountRow::Reset => ask_reset(state),
    }
}

/// Opens the confirmation that lists, field by field, now → after reset.
fn ask_reset(state: &mut AppState) {
    let (Some(account_id), Some(settings)) =
        (state.account.account_id.clone(), state.account.settings())
    else {
        return;
    };
    let on_off = |on: bool| if on { "on" } else { "off" }.to_owned();
    let logging = &settings.payload_logging;
    let mut changes = vec![
        (
            "AI context analysis".to_owned(),
            on_off(settings.ai_context_analysis),
            on_off(false),
        ),
        ("OCR".to_owned(), on_off(settings.ocr), on_off(false)),
        (
            "Masking level".to_owned(),
            logging
                .masking_level
                .as_ref()
                .map_or("not set".to_owned(), ToString::to_string),
            MaskingLevel::Default.to_string(),
        ),
        (
            "Payload logging".to_owned(),
            if logging.public_key.is_some() {
                "on (key set)"
            } else {
                "off (no key)"
            }
            .to_owned(),
            "off (no key)".to_owned(),
        ),
    ];
    let staged = state.account.form.count();
    if staged > 0 {
        changes.push((
            "Unsaved edits".to_owned(),
            staged.to_string(),
            "discarded".to_owned(),
        ));
    }
    state.dialog = Some(Dialog::ConfirmReset {
        account_id,
        changes,
        confirm_selected: false,
    });
}

/// Sends the reset; only the confirmation dialog calls this.
pub(super) fn reset(state: &mut AppState, account_id: String) -> Vec<Command> {
    if state.account.remote.is_locked_by_write() {
        return Vec::new();
    }
    let id = next_id(state);
    state.account.sent = None;
    send(
        &mut state.account.remote,
        id,
        InflightKind::Reset,
        state.now,
        ApiOp::ResetDlp { account_id },
    )
}

fn save(state: &mut AppState) -> Vec<Command> {
    let panel = &state.account;
    if !panel.is_editable() || !panel.is_dirty() {
        return Vec::new();
    }
    let Some(account_id) = panel.account_id.clone() else {
        return Vec::new();
    };
    let update = panel.form.to_update();
    let id = next_id(state);
    state.account.sent = Some(state.account.form.clone());
    send(
        &mut state.account.remote,
        id,
        InflightKind::Save,
        state.now,
        ApiOp::PatchDlp { account_id, update },
    )
}

pub(super) fn on_reply(
    state: &mut AppState,
    kind: InflightKind,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    let sent = state.account.sent.take();
    match result {
        Ok(ApiOutput::Dlp(reply)) => {
            state.account.remote.succeed(reply.result, state.now);
            let server_said = messages_text(&reply.messages);
            match kind {
                InflightKind::Load => prune_form(state),
                InflightKind::Reset => {
                    state.account.form = DlpForm::default();
                    say(
                        state,
                        StatusKind::Success,
                        "DLP settings reset to defaults; the panel shows what Cloudflare returned.",
                    );
                }
                InflightKind::Save => {
                    state.account.form = DlpForm::default();
                    report_save(state, sent.as_ref(), &server_said);
                }
            }
        }
        Ok(_) => {}
        Err(error) => {
            match kind {
                InflightKind::Load => {
                    say(
                        state,
                        StatusKind::Error,
                        format!("Could not load DLP settings: {error}. r retries."),
                    );
                }
                InflightKind::Save | InflightKind::Reset => {
                    if let Some(reason) = read_only_reason(&error) {
                        state.account.read_only = Some(reason);
                    }
                    let what = if kind == InflightKind::Reset {
                        "the reset"
                    } else {
                        "DLP settings"
                    };
                    say(state, StatusKind::Error, save_failed_text(what, &error));
                }
            }
            state.account.remote.failure = Some(Failure { error, kind });
        }
    }
    Vec::new()
}

fn prune_form(state: &mut AppState) {
    let Some(server) = state.account.settings().cloned() else {
        return;
    };
    let form = &mut state.account.form;
    if form.ai_context_analysis == Some(server.ai_context_analysis) {
        form.ai_context_analysis = None;
    }
    if form.ocr == Some(server.ocr) {
        form.ocr = None;
    }
    if form.masking_level.is_some() && form.masking_level == server.payload_logging.masking_level {
        form.masking_level = None;
    }
}

fn report_save(state: &mut AppState, sent: Option<&DlpForm>, server_said: &str) {
    let Some(server) = state.account.settings().cloned() else {
        return;
    };
    let mut differences = Vec::new();
    if let Some(sent) = sent {
        if sent
            .ai_context_analysis
            .is_some_and(|v| v != server.ai_context_analysis)
        {
            differences.push("AI context analysis");
        }
        if sent.ocr.is_some_and(|v| v != server.ocr) {
            differences.push("OCR");
        }
        if sent.masking_level.is_some()
            && sent.masking_level != server.payload_logging.masking_level
        {
            differences.push("the masking level");
        }
    }
    let said = if server_said.is_empty() {
        String::new()
    } else {
        format!(" Cloudflare: {server_said}.")
    };
    if differences.is_empty() {
        say(
            state,
            StatusKind::Success,
            format!("Saved DLP settings.{said}"),
        );
    } else {
        say(
            state,
            StatusKind::Warning,
            format!(
                "Saved, but Cloudflare kept its own value for {}.{said}",
                differences.join(" and ")
            ),
        );
    }
}
