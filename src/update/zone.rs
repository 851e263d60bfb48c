//! The zone panel's part of the reducer: CSAM Scanner edits, saves, replies.

use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::{
    forget, messages_text, next_id, read_only_reason, save_failed_text, say, say_about, send,
};
use crate::api::ApiError;
use crate::api::model::{CsamPatch, EmailState};
use crate::api::validate::{self, EMAIL_MAX};
use crate::api::worker::{ApiOp, ApiOutput};
use crate::message::{Command, Msg};
use crate::state::{
    About, AppState, CsamForm, EmailEditor, Failure, InflightKind, StatusKind, ZoneRow,
};

/// The longest paste the email field takes in one go; a longer one is
/// refused whole, so the field never holds a silently cut address.
const PASTE_MAX: usize = 4 * EMAIL_MAX;

/// Loads the zone's setting, superseding a load in flight.
pub(super) fn load(state: &mut AppState) -> Vec<Command> {
    let Some(zone_id) = state.zone.zone_id.clone() else {
        return Vec::new();
    };
    if state.zone.remote.is_locked_by_write() {
        return Vec::new();
    }
    let id = next_id(state);
    send(
        &mut state.zone.remote,
        id,
        InflightKind::Load,
        state.now,
        ApiOp::GetCsam { zone_id },
    )
}

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Up => {
            state.zone.selected = state.zone.selected.saturating_sub(1);
        }
        Msg::Down => {
            let last = state.zone.rows().len().saturating_sub(1);
            state.zone.selected = (state.zone.selected + 1).min(last);
        }
        Msg::Activate if state.zone.is_editable() => match state.zone.selected_row() {
            Some(ZoneRow::Enabled) => {
                let server = state
                    .zone
                    .setting()
                    .and_then(|s| s.value.enabled)
                    .unwrap_or(false);
                let wanted = !state.zone.enabled();
                state.zone.form.enabled = (wanted != server).then_some(wanted);
            }
            Some(ZoneRow::Email) => start_editing(state),
            Some(ZoneRow::Resend) => state.zone.form.resend = !state.zone.form.resend,
            Some(ZoneRow::Source(name)) => {
                let server = state
                    .zone
                    .setting()
                    .and_then(|s| s.value.sources.get(&name).copied())
                    .unwrap_or(false);
                let wanted = !state.zone.source(&name);
                if wanted == server {
                    state.zone.form.sources.remove(&name);
                } else {
                    state.zone.form.sources.insert(name, wanted);
                }
            }
            None => {}
        },
        Msg::EditField if state.zone.is_editable() => start_editing(state),
        Msg::EditKey(key) => {
            if let Some(editor) = state.zone.editor.as_mut() {
                editor.input.handle_event(&Event::Key(key));
                editor.problem = problem_of(editor.input.value());
            }
        }
        Msg::Paste(text) => {
            if let Some(editor) = state.zone.editor.as_mut() {
                let pasted = text.chars().filter(|c| !c.is_control()).count();
                if pasted > PASTE_MAX {
                    editor.problem = Some(format!(
                        "the paste was {pasted} characters long and was not inserted; an email has at most {EMAIL_MAX}"
                    ));
                } else {
                    for c in text.chars().filter(|c| !c.is_control()) {
                        editor.input.handle(InputRequest::InsertChar(c));
                    }
                    editor.problem = problem_of(editor.input.value());
                }
            }
        }
        Msg::CommitEdit => commit_edit(state),
        Msg::CancelEdit => state.zone.editor = None,
        Msg::Resend if state.zone.is_editable() && state.zone.rows().contains(&ZoneRow::Resend) => {
            state.zone.form.resend = !state.zone.form.resend;
        }
        Msg::Save => return save(state),
        Msg::Discard if !state.zone.remote.is_locked_by_write() => {
            state.zone.form = CsamForm::default();
            state.zone.editor = None;
            state.zone.field_error = None;
            say(state, StatusKind::Info, "Staged zone changes discarded.");
        }
        _ => {}
    }
    Vec::new()
}

fn start_editing(state: &mut AppState) {
    let text = state.zone.form.email.clone().unwrap_or_default();
    state.zone.editor = Some(EmailEditor {
        problem: problem_of(&text),
        input: Input::new(text),
    });
}

/// Why the typed text is not an address that can be saved. The hint under
/// the field and Enter both ask this one check, on exactly what was typed.
fn problem_of(text: &str) -> Option<String> {
    (!text.is_empty())
        .then(|| validate::email(text).err())
        .flatten()
}

/// Enter in the email field: stages exactly what was typed, or refuses it
/// (the text stays in the field, flagged) when it is not a valid address.
fn commit_edit(state: &mut AppState) {
    let Some(editor) = state.zone.editor.as_mut() else {
        return;
    };
    let typed = editor.input.value().to_owned();
    if typed.is_empty() {
        state.zone.editor = None;
        return;
    }
    if let Some(problem) = problem_of(&typed) {
        editor.problem = Some(problem.clone());
        say_about(
            state,
            StatusKind::Error,
            About::EmailInput,
            format!("Not staged: the address {problem}. Fix it, or esc to abandon it."),
        );
        return;
    }
    state.zone.form.email = Some(typed);
    state.zone.editor = None;
    forget(state, &About::EmailInput);
    if matches!(state.zone.field_error, Some((ZoneRow::Email, _))) {
        state.zone.field_error = None;
    }
}

fn save(state: &mut AppState) -> Vec<Command> {
    let zone = &state.zone;
    if !zone.is_editable() || !zone.is_dirty() || zone.editor.is_some() {
        return Vec::new();
    }
    let Some(zone_id) = zone.zone_id.clone() else {
        return Vec::new();
    };
    let patch = CsamPatch::of(zone.form.to_patch());
    let id = next_id(state);
    state.zone.sent = Some(state.zone.form.clone());
    state.zone.field_error = None;
    send(
        &mut state.zone.remote,
        id,
        InflightKind::Save,
        state.now,
        ApiOp::PatchCsam { zone_id, patch },
    )
}

pub(super) fn on_reply(
    state: &mut AppState,
    kind: InflightKind,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    let sent = state.zone.sent.take();
    let zone_id = state.zone.zone_id.clone().unwrap_or_default();
    match result {
        Ok(ApiOutput::Csam(reply)) => {
            let scanning_before = state.zone.setting().and_then(|s| s.value.enabled);
            let selected = state.zone.selected_row();
            state.zone.remote.succeed(reply.result, state.now);
            apply_lock(state);
            if kind == InflightKind::Load {
                prune_form(state);
                forget(state, &About::ZoneLoad(zone_id));
                forget(state, &About::Discovery);
            } else if let Some(sent) = sent {
                state.zone.form = CsamForm::default();
                report_save(
                    state,
                    &sent,
                    scanning_before,
                    &messages_text(&reply.messages),
                );
            }
            reselect(state, selected);
        }
        Ok(_) => {}
        Err(error) => {
            let zone = super::zone_label(state);
            if kind != InflightKind::Load {
                if let Some(reason) = read_only_reason(&error) {
                    state.zone.read_only = Some(reason);
                }
                if let Some(row) = error.pointer().and_then(row_of_pointer) {
                    state.zone.field_error = Some((row, error.to_string()));
                }
                say_about(
                    state,
                    StatusKind::Error,
                    About::ZoneSave(zone_id),
                    save_failed_text(&format!("save the CSAM setting of {zone}"), &error, "s"),
                );
            } else {
                say_about(
                    state,
                    StatusKind::Error,
                    About::ZoneLoad(zone_id),
                    format!("Could not load the CSAM setting of {zone}: {error}. r retries."),
                );
            }
            state.zone.remote.failure = Some(Failure { error, kind });
        }
    }
    Vec::new()
}

/// `editable: false` makes the panel read-only, unless it already is for
/// another reason (read-only mode, missing permission).
fn apply_lock(state: &mut AppState) {
    let locked = state.zone.setting().and_then(|s| s.editable) == Some(false);
    if locked && state.zone.read_only.is_none() {
        state.zone.read_only = Some("Locked by Trust & Safety".to_owned());
    }
}

/// Drops staged values that the server now has anyway.
fn prune_form(state: &mut AppState) {
    let Some(value) = state.zone.setting().map(|s| s.value.clone()) else {
        return;
    };
    let form = &mut state.zone.form;
    if form.enabled.is_some() && form.enabled == value.enabled {
        form.enabled = None;
    }
    form.sources
        .retain(|name, on| value.sources.get(name) != Some(on));
}

/// Tells the user what the save did, in words, and where the server's
/// result differs from what was sent.
fn report_save(
    state: &mut AppState,
    sent: &CsamForm,
    scanning_before: Option<bool>,
    server_said: &str,
) {
    let Some(value) = state.zone.setting().map(|s| s.value.clone()) else {
        return;
    };
    let zone = super::zone_label(state);
    let about = About::ZoneSave(state.zone.zone_id.clone().unwrap_or_default());
    let mut differences = Vec::new();
    if let Some(wanted) = sent.enabled
        && value.enabled != Some(wanted)
    {
        let kept = if wanted {
            "kept scanning off"
        } else {
            "kept scanning on"
        };
        differences.push(kept.to_owned());
    } else if sent.enabled.is_none() && value.enabled != scanning_before {
        // Scanning was not part of the save, yet it changed (a new email
        // switches it off until the address is verified).
        let turned = if value.enabled == Some(true) {
            "turned scanning on"
        } else {
            "turned scanning off"
        };
        differences.push(turned.to_owned());
    }
    for (name, wanted) in &sent.sources {
        if value.sources.get(name) != Some(wanted) {
            differences.push(format!(
                "left source {name} {}",
                if *wanted { "off" } else { "on" }
            ));
        }
    }
    let mut notes = Vec::new();
    if sent.email.is_some() && value.email_state == Some(EmailState::Pending) {
        notes.push("a verification email was sent to the new address".to_owned());
    }
    if sent.resend && !server_said.contains("already verified") {
        notes.push("the verification email was re-sent".to_owned());
    }
    if differences.is_empty() {
        // Cloudflare's own words say what happened when it sends any; ours only fill in.
        let detail = if !server_said.is_empty() {
            format!(". Cloudflare: {server_said}")
        } else if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        };
        say_about(
            state,
            StatusKind::Success,
            about,
            format!("Saved the CSAM Scanner setting of {zone}{detail}."),
        );
    } else {
        let why = if server_said.is_empty() {
            String::new()
        } else {
            format!(": {server_said}")
        };
        say_about(
            state,
            StatusKind::Warning,
            about,
            format!(
                "Saved {zone}, but the server {}{why}.",
                differences.join(" and ")
            ),
        );
    }
}

/// Keeps the cursor on the row it was on when a reply adds or removes rows
/// (the re-send row comes and goes with the email state).
fn reselect(state: &mut AppState, before: Option<ZoneRow>) {
    let rows = state.zone.rows();
    state.zone.selected = match before.and_then(|row| rows.iter().position(|r| *r == row)) {
        Some(index) => index,
        None => state.zone.selected.min(rows.len().saturating_sub(1)),
    };
}

/// The row a server validation error points at (`/value/email`, `/value/sources/x`).
fn row_of_pointer(pointer: &str) -> Option<ZoneRow> {
    let rest = pointer.strip_prefix("/value/")?;
    match rest {
        "email" => Some(ZoneRow::Email),
        "enabled" => Some(ZoneRow::Enabled),
        "resend_email" => Some(ZoneRow::Resend),
        _ => rest
            .strip_prefix("sources/")
            .map(|name| ZoneRow::Source(name.to_owned())),
    }
}
