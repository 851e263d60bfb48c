//! What only the zone panel does: toggling scanning and sources, the
//! email field, and staging a re-send of the verification email.

use super::panel;
use crate::message::{Command, Msg};
use crate::state::{AppState, Csam, ZoneRow};

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    if let Some(commands) = panel::common::<Csam>(state, &msg) {
        return commands;
    }
    let zone = &mut state.settings.zone;
    match msg {
        Msg::Activate if zone.is_editable() => match zone.selected_row() {
            Some(ZoneRow::Enabled) => {
                let server = zone.value().and_then(|s| s.value.enabled).unwrap_or(false);
                let wanted = !zone.enabled();
                zone.form.enabled = (wanted != server).then_some(wanted);
            }
            Some(ZoneRow::Email) => panel::edit_field::<Csam>(state),
            Some(ZoneRow::Resend) => zone.form.resend = !zone.form.resend,
            Some(ZoneRow::Source(name)) => {
                let server = zone
                    .value()
                    .and_then(|s| s.value.sources.get(&name).copied())
                    .unwrap_or(false);
                let wanted = !zone.source(&name);
                if wanted == server {
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
