//! What only the zone panel does: toggling scanning and sources, the
//! email field, staging a re-send of the verification email, and asking
//! before a save the server will make more of than the admin may expect.

use super::{panel, say};
use crate::message::{Command, Msg};
use crate::outcome::csam_warnings;
use crate::state::{AppState, Csam, Dialog, StatusKind, ZoneRow};

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    if matches!(msg, Msg::Save) {
        return ask_save(state);
    }
    if let Some(commands) = panel::common::<Csam>(state, &msg) {
        return commands;
    }
    let zone = &mut state.settings.zone;
    // While a save is on its way the server's value is about to change:
    // a toggle stays staged (the next save sends it) rather than being
    // dropped for matching the old value.
    let saving = zone.is_saving();
    match msg {
        Msg::Activate if zone.is_editable() => match zone.selected_row() {
            Some(ZoneRow::Enabled) => {
                let server = zone.value().and_then(|s| s.value.enabled).unwrap_or(false);
                let wanted = !zone.enabled();
                zone.form.enabled = (saving || wanted != server).then_some(wanted);
            }
            Some(ZoneRow::Email) => panel::edit_field::<Csam>(state),
            Some(ZoneRow::Resend) => zone.form.resend = !zone.form.resend,
            Some(ZoneRow::Source(name)) => {
                let server = zone
                    .value()
                    .and_then(|s| s.value.sources.get(&name).copied())
                    .unwrap_or(false);
                let wanted = !zone.source(&name);
                if wanted == server && !saving {
                    zone.form.sources.remove(&name);
                } else {
                    zone.form.sources.insert(name, wanted);
                }
            }
            None => {}
        },
        Msg::EditField => panel::edit_field::<Csam>(state),
        Msg::Resend if zone.is_editable() && zone.rows().contains(&ZoneRow::Resend) => {
            zone.form.resend = !zone.form.resend;
        }
        _ => {}
    }
    Vec::new()
}

/// Saves, or first asks (Cancel the default) when the save will do what
/// the admin may not expect: a new email stops scanning until verified,
/// the server keeps scanning off, the zone is left scanning nothing.
fn ask_save(state: &mut AppState) -> Vec<Command> {
    let zone = &state.settings.zone;
    let warnings = match zone.value() {
        Some(setting) if zone.can_save() => csam_warnings(&setting.value, &zone.form.to_patch()),
        _ => Vec::new(),
    };
    if warnings.is_empty() {
        return panel::save::<Csam>(state);
    }
    state.dialog = Some(Dialog::ConfirmSave {
        warnings,
        confirm_selected: false,
    });
    Vec::new()
}

/// The answer to [`ask_save`]'s question.
pub(super) fn save_answered(state: &mut AppState, confirmed: bool) -> Vec<Command> {
    if confirmed {
        return panel::save::<Csam>(state);
    }
    say(
        state,
        StatusKind::Info,
        "Not saved; your edits are still staged.",
    );
    Vec::new()
}
