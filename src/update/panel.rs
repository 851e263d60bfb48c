//! What every setting panel does the same way, written once for any
//! [`Setting`]: load, save, the reply, discard, the cursor, and the text
//! field (typed, pasted, committed, abandoned).

use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::{cancel, forget, label, read_only_of, say, say_about, send, tell};
use crate::api::ApiError;
use crate::api::worker::{ApiOutput, RequestId};
use crate::audit::Intent;
use crate::message::{Command, Msg};
use crate::outcome::SaveOutcome;
use crate::state::{
    About, AppState, FieldEditor, InflightKind, Notice, Route, Setting, SettingPanel, StatusKind,
};

fn panel<S: Setting>(state: &mut AppState) -> &mut SettingPanel<S> {
    S::of_mut(&mut state.settings)
}

/// Files `op` for the panel's data, cancelling the load it supersedes; a
/// write goes with what the audit log records before it is sent.
pub(super) fn send_for<S: Setting>(
    state: &mut AppState,
    kind: InflightKind,
    op: crate::api::worker::ApiOp,
    intent: Option<Intent>,
) -> Vec<Command> {
    let route = Route::Panel {
        panel: S::PANEL,
        kind,
    };
    let (id, request) = send(state, route, op);
    let request = match (intent, request) {
        (Some(intent), Command::Api(request)) => Command::Write {
            request,
            intent: Box::new(intent),
        },
        (_, request) => request,
    };
    let now = state.now;
    let superseded = panel::<S>(state).remote.start(id, kind, now);
    let mut commands: Vec<Command> = superseded
        .map(|old| cancel(state, old))
        .into_iter()
        .collect();
    commands.push(request);
    commands
}

/// Loads the panel's setting, superseding a load in flight.
pub(super) fn load<S: Setting>(state: &mut AppState) -> Vec<Command> {
    let panel = panel::<S>(state);
    let Some(id) = panel.id.clone() else {
        return Vec::new();
    };
    if panel.remote.is_locked_by_write() {
        return Vec::new();
    }
    send_for::<S>(state, InflightKind::Load, S::load(id), None)
}

/// Saves the staged edits: one request of only what changed.
pub(super) fn save<S: Setting>(state: &mut AppState) -> Vec<Command> {
    let panel = panel::<S>(state);
    if !panel.can_save() {
        return Vec::new();
    }
    let Some(id) = panel.id.clone() else {
        return Vec::new();
    };
    let op = S::save(id, &panel.form);
    let intent = S::intent(panel, &panel.form);
    panel.sent = Some(panel.form.clone());
    panel.field_error = None;
    send_for::<S>(state, InflightKind::Save, op, Some(intent))
}

/// Drops the staged edits.
pub(super) fn discard<S: Setting>(state: &mut AppState) {
    let panel = panel::<S>(state);
    if !panel.can_discard() {
        return;
    }
    panel.form = S::Form::default();
    panel.editor = None;
    panel.field_error = None;
    say(
        state,
        StatusKind::Info,
        format!("Staged {} changes discarded.", S::WHAT),
    );
}

/// The keys every panel handles alike; `None` for the others.
pub(super) fn common<S: Setting>(state: &mut AppState, msg: &Msg) -> Option<Vec<Command>> {
    match msg {
        Msg::Up => {
            let panel = panel::<S>(state);
            panel.selected = panel.selected.saturating_sub(1);
        }
        Msg::Down => {
            let panel = panel::<S>(state);
            let last = panel.rows().len().saturating_sub(1);
            panel.selected = (panel.selected + 1).min(last);
        }
        Msg::EditKey(key) => {
            if let Some(editor) = panel::<S>(state).editor.as_mut() {
                editor.input.handle_event(&Event::Key(*key));
                editor.problem = S::field_problem(editor.input.value());
            }
        }
        Msg::Paste(text) => paste::<S>(state, text),
        Msg::CommitEdit => commit::<S>(state),
        Msg::CancelEdit => panel::<S>(state).editor = None,
        Msg::Save => return Some(save::<S>(state)),
        Msg::Discard => discard::<S>(state),
        _ => return None,
    }
    Some(Vec::new())
}

/// Opens the text field with what is staged in it.
pub(super) fn edit_field<S: Setting>(state: &mut AppState) {
    let panel = panel::<S>(state);
    if !panel.is_editable() {
        return;
    }
    let text = S::field_start(&panel.form);
    panel.editor = Some(FieldEditor {
        problem: S::field_problem(&text),
        input: Input::new(text),
    });
}

/// A paste into the text field: kept whole and checked, or refused whole
/// when longer than any valid value could be (never cut to fit).
fn paste<S: Setting>(state: &mut AppState, text: &str) {
    let Some(editor) = panel::<S>(state).editor.as_mut() else {
        return;
    };
    let pasted = text.chars().filter(|c| !c.is_control()).count();
    if pasted > S::PASTE_MAX {
        editor.problem = Some(format!(
            "the paste was {pasted} characters long and was not inserted; at most {} fit",
            S::PASTE_MAX
        ));
        return;
    }
    for c in text.chars().filter(|c| !c.is_control()) {
        editor.input.handle(InputRequest::InsertChar(c));
    }
    editor.problem = S::field_problem(editor.input.value());
}

/// Enter in the text field: stages exactly what was typed, or refuses it
/// (the text stays in the field, flagged).
fn commit<S: Setting>(state: &mut AppState) {
    let Some(editor) = panel::<S>(state).editor.as_mut() else {
        return;
    };
    let typed = editor.input.value().to_owned();
    if typed.is_empty() {
        panel::<S>(state).editor = None;
        return;
    }
    if let Some(problem) = S::field_problem(&typed) {
        editor.problem = Some(problem.clone());
        say_about(
            state,
            StatusKind::Error,
            About::FieldInput(S::PANEL),
            format!("Not staged: it {problem}. Fix it, or esc to abandon it."),
        );
        return;
    }
    let panel = panel::<S>(state);
    panel.editor = None;
    S::stage_field(panel, typed);
    forget(state, &About::FieldInput(S::PANEL));
}

/// Applies a panel's reply: the server's value (and what a save or reset
/// did with what was sent), or the failure.
pub(super) fn on_reply<S: Setting>(
    state: &mut AppState,
    id: RequestId,
    kind: InflightKind,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    if panel::<S>(state).remote.inflight.is_none_or(|i| i.id != id) {
        return Vec::new();
    }
    let shown = panel::<S>(state).id.clone().unwrap_or_default();
    let name = label(state, S::PANEL);
    let reply = match result.map(S::reply) {
        Ok(Some(reply)) => reply,
        Ok(None) => return Vec::new(),
        Err(error) => {
            failed::<S>(state, kind, shown, name, error);
            return Vec::new();
        }
    };
    let now = state.now;
    let panel = panel::<S>(state);
    let sent = panel.sent.take();
    let before = panel.value().cloned();
    let selected = panel.selected_row();
    let outcome = match (kind, &sent) {
        (InflightKind::Save, Some(sent)) => Some(S::outcome(
            sent,
            before.as_ref(),
            &reply.result,
            &reply.messages,
        )),
        (InflightKind::Reset, _) => Some(S::reset_outcome(&reply.result, &reply.messages)),
        _ => None,
    };
    if let Some(lock) = S::lock(&reply.result)
        && panel.read_only.is_none()
    {
        panel.read_only = Some(lock);
    }
    panel.remote.succeed(reply.result, now);
    match (kind, &sent) {
        (InflightKind::Save, Some(sent)) => S::settle(&mut panel.form, sent),
        (InflightKind::Save, None) => panel.form = S::Form::default(),
        (InflightKind::Reset | InflightKind::Load, _) => {}
    }
    if let Some(value) = panel.remote.value() {
        S::prune(&mut panel.form, value);
    }
    reselect(panel, selected);
    match outcome {
        None => {
            forget(state, &About::Load(S::PANEL, shown));
            forget(state, &About::Discovery);
        }
        Some(outcome) => report::<S>(state, kind, shown, name, outcome),
    }
    Vec::new()
}

/// Says what a save or reset did.
fn report<S: Setting>(
    state: &mut AppState,
    kind: InflightKind,
    shown: String,
    name: String,
    outcome: SaveOutcome,
) {
    let status = if outcome.as_asked() {
        StatusKind::Success
    } else {
        StatusKind::Warning
    };
    let notice = if kind == InflightKind::Reset {
        Notice::Reset { name, outcome }
    } else {
        Notice::Saved {
            panel: S::PANEL,
            name,
            outcome,
        }
    };
    tell(state, status, Some(About::Save(S::PANEL, shown)), notice);
}

/// A failed load, save or reset: the edits stay, the reason is said, and a
/// lock or missing permission makes the panel read-only.
fn failed<S: Setting>(
    state: &mut AppState,
    kind: InflightKind,
    shown: String,
    name: String,
    error: ApiError,
) {
    let panel = panel::<S>(state);
    let sent = panel.sent.take();
    if let Some(before) = sent.filter(|_| kind == InflightKind::Reset && !panel.is_dirty()) {
        panel.form = before;
    }
    if kind == InflightKind::Load {
        panel.remote.fail(error.clone(), kind);
        let notice = Notice::LoadFailed {
            panel: S::PANEL,
            name,
            error,
        };
        tell(
            state,
            StatusKind::Error,
            Some(About::Load(S::PANEL, shown)),
            notice,
        );
        return;
    }
    if let Some(reason) = read_only_of(&error) {
        panel.read_only = Some(reason);
    }
    if let Some(row) = error.pointer().and_then(S::row_of_pointer) {
        panel.field_error = Some((row, error.to_string()));
    }
    panel.remote.fail(error.clone(), kind);
    let notice = Notice::WriteFailed {
        panel: S::PANEL,
        name,
        reset: kind == InflightKind::Reset,
        error,
    };
    tell(
        state,
        StatusKind::Error,
        Some(About::Save(S::PANEL, shown)),
        notice,
    );
}

/// Keeps the cursor on the row it was on when a reply adds or removes rows
/// (the re-send row comes and goes with the email state).
fn reselect<S: Setting>(panel: &mut SettingPanel<S>, before: Option<S::Row>) {
    let rows = panel.rows();
    panel.selected = match before.and_then(|row| rows.iter().position(|r| *r == row)) {
        Some(index) => index,
        None => panel.selected.min(rows.len().saturating_sub(1)),
    };
}
