//! The account panel's part of the reducer: DLP edits, saves, the reset.

use super::{
    account_label, forget, messages_text, next_id, read_only_reason, save_failed_text, say,
    say_about, send,
};
use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use crate::api::ApiError;
use crate::api::model::DlpSettings;
use crate::api::model::MaskingLevel;
use crate::api::validate;
use crate::api::worker::{ApiOp, ApiOutput};
use crate::message::{Command, Msg};
use crate::state::{
    About, AccountRow, AppState, Dialog, DlpForm, EmailEditor, Failure, InflightKind,
    MASKING_CYCLE, StatusKind,
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
        Msg::EditField if state.account.is_editable() => {
            state.account.selected = AccountRow::ALL
                .iter()
                .position(|r| *r == AccountRow::PayloadLogging)
                .unwrap_or_default();
            edit_key(state);
        }
        Msg::EditKey(key) => {
            if let Some(editor) = state.account.key_editor.as_mut() {
                editor.input.handle_event(&Event::Key(key));
                editor.problem = key_problem(editor.input.value());
            }
        }
        Msg::Paste(text) => {
            if let Some(editor) = state.account.key_editor.as_mut() {
                for c in text.chars().filter(|c| !c.is_control()) {
                    editor.input.handle(InputRequest::InsertChar(c));
                }
                editor.problem = key_problem(editor.input.value());
            }
        }
        Msg::CommitEdit => commit_key(state),
        Msg::CancelEdit => state.account.key_editor = None,
        Msg::Save => return save(state),
        Msg::Discard if !state.account.remote.is_locked_by_write() => {
            state.account.form = DlpForm::default();
            state.account.key_editor = None;
            say(state, StatusKind::Info, "Staged DLP changes discarded.");
        }
        _ => {}
    }
    Vec::new()
}

/// Why the typed key cannot be staged: the hint and Enter ask this one check.
fn key_problem(text: &str) -> Option<String> {
    (!text.is_empty())
        .then(|| validate::public_key(text).err())
        .flatten()
}

/// Opens the public-key field, with a staged key (never the server's) in it.
fn edit_key(state: &mut AppState) {
    let staged = state
        .account
        .form
        .public_key
        .clone()
        .filter(|k| !k.is_empty())
        .unwrap_or_default();
    state.account.key_editor = Some(EmailEditor {
        problem: key_problem(&staged),
        input: Input::new(staged),
    });
}

/// Enter in the public-key field: stages exactly what was pasted (payload
/// logging on with that key), or refuses it with the reason.
fn commit_key(state: &mut AppState) {
    let Some(editor) = state.account.key_editor.as_mut() else {
        return;
    };
    let typed = editor.input.value().to_owned();
    if typed.is_empty() {
        state.account.key_editor = None;
        return;
    }
    if let Some(problem) = key_problem(&typed) {
        editor.problem = Some(problem.clone());
        say(
            state,
            StatusKind::Error,
            format!("Not staged: the public key {problem}. Fix it, or esc to abandon it."),
        );
        return;
    }
    let same = state.account.server_key() == Some(typed.as_str());
    state.account.form.public_key = (!same).then_some(typed);
    state.account.key_editor = None;
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
        AccountRow::PayloadLogging => {
            let on_at_server = panel.server_key().is_some();
            match (&panel.form.public_key, on_at_server) {
                // Staged either way: back to what the server has.
                (Some(_), _) => panel.form.public_key = None,
                (None, true) => panel.form.public_key = Some(String::new()),
                // Turning it on needs a key.
                (None, false) => edit_key(state),
            }
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
    if !panel.is_editable() || !panel.is_dirty() || panel.key_editor.is_some() {
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
    let account_id = state.account.account_id.clone().unwrap_or_default();
    let account = account_label(state);
    match result {
        Ok(ApiOutput::Dlp(reply)) => {
            state.account.remote.succeed(reply.result, state.now);
            let server_said = messages_text(&reply.messages);
            match kind {
                InflightKind::Load => {
                    prune_form(state);
                    forget(state, &About::AccountLoad(account_id));
                    forget(state, &About::Discovery);
                }
                InflightKind::Reset => {
                    state.account.form = DlpForm::default();
                    report_reset(state, &account_id, &account);
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
                    say_about(
                        state,
                        StatusKind::Error,
                        About::AccountLoad(account_id),
                        format!(
                            "Could not load the DLP settings of {account}: {error}. r retries."
                        ),
                    );
                }
                InflightKind::Save | InflightKind::Reset => {
                    if let Some(reason) = read_only_reason(&error) {
                        state.account.read_only = Some(reason);
                    }
                    let text = if kind == InflightKind::Reset {
                        save_failed_text(
                            &format!("reset the DLP settings of {account}"),
                            &error,
                            "D",
                        )
                    } else {
                        save_failed_text(
                            &format!("save the DLP settings of {account}"),
                            &error,
                            "s",
                        )
                    };
                    say_about(
                        state,
                        StatusKind::Error,
                        About::AccountSave(account_id),
                        text,
                    );
                }
            }
            state.account.remote.failure = Some(Failure { error, kind });
        }
    }
    Vec::new()
}

/// After a reset: the values the dialog promised, or a warning naming each
/// field Cloudflare left elsewhere.
fn report_reset(state: &mut AppState, account_id: &str, account: &str) {
    let Some(settings) = state.account.settings() else {
        return;
    };
    let kept = not_at_defaults(settings);
    let about = About::AccountSave(account_id.to_owned());
    if kept.is_empty() {
        say_about(
            state,
            StatusKind::Success,
            about,
            format!(
                "DLP settings of {account} reset to defaults; the panel shows what Cloudflare returned."
            ),
        );
    } else {
        say_about(
            state,
            StatusKind::Warning,
            about,
            format!(
                "Reset {account}, but Cloudflare did not return the defaults the dialog listed: {}.",
                kept.join("; ")
            ),
        );
    }
}

/// The fields of `settings` that differ from what a reset promises (see
/// the reset dialog), in words.
fn not_at_defaults(settings: &DlpSettings) -> Vec<String> {
    let on_off = |on: bool| if on { "on" } else { "off" };
    let mut kept = Vec::new();
    if settings.ai_context_analysis {
        kept.push(format!(
            "AI context analysis is {}",
            on_off(settings.ai_context_analysis)
        ));
    }
    if settings.ocr {
        kept.push(format!("OCR is {}", on_off(settings.ocr)));
    }
    let logging = &settings.payload_logging;
    match &logging.masking_level {
        Some(MaskingLevel::Default) | None => {}
        Some(other) => kept.push(format!("masking level is {other}")),
    }
    if logging.public_key.as_deref().is_some_and(|k| !k.is_empty()) {
        kept.push("payload logging is still on (a public key is set)".to_owned());
    }
    kept
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
    if form
        .public_key
        .as_deref()
        .is_some_and(|staged| key_matches(staged, &server))
    {
        form.public_key = None;
    }
}

/// True when the server's payload logging is what `staged` asks for (`""`:
/// off, else on with that very key).
fn key_matches(staged: &str, server: &DlpSettings) -> bool {
    let at_server = server
        .payload_logging
        .public_key
        .as_deref()
        .filter(|k| !k.is_empty());
    match at_server {
        None => staged.is_empty(),
        Some(key) => key == staged,
    }
}

fn report_save(state: &mut AppState, sent: Option<&DlpForm>, server_said: &str) {
    let Some(server) = state.account.settings().cloned() else {
        return;
    };
    let account = account_label(state);
    let about = About::AccountSave(state.account.account_id.clone().unwrap_or_default());
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
        if sent
            .public_key
            .as_deref()
            .is_some_and(|staged| !key_matches(staged, &server))
        {
            differences.push("payload logging");
        }
    }
    let said = if server_said.is_empty() {
        String::new()
    } else {
        format!(" Cloudflare: {server_said}.")
    };
    if differences.is_empty() {
        say_about(
            state,
            StatusKind::Success,
            about,
            format!("Saved DLP settings of {account}.{said}"),
        );
    } else {
        say_about(
            state,
            StatusKind::Warning,
            about,
            format!(
                "Saved {account}, but Cloudflare kept its own value for {}.{said}",
                differences.join(" and ")
            ),
        );
    }
}
