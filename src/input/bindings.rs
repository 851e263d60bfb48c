//! The key table: every binding, where it applies, and when it works.
//! Input, the footer and the help overlay all read this one table.

use crossterm::event::KeyCode;

use super::{Binding, KeyContext, ch, code, ctrl};
use crate::message::Msg;
use crate::state::{AppState, Gate, Panel, PickerKind, StatusKind, ZoneRow};

fn always(_: &AppState) -> bool {
    true
}

fn zone_editable(state: &AppState) -> bool {
    state.zone.is_editable()
}

fn zone_can_resend(state: &AppState) -> bool {
    zone_editable(state) && state.zone.rows().contains(&ZoneRow::Resend)
}

fn zone_can_save(state: &AppState) -> bool {
    zone_editable(state) && state.zone.is_dirty()
}

fn zone_dirty(state: &AppState) -> bool {
    state.zone.is_dirty() && !state.zone.remote.is_locked_by_write()
}

fn account_editable(state: &AppState) -> bool {
    state.account.is_editable()
}

fn account_can_save(state: &AppState) -> bool {
    account_editable(state) && state.account.is_dirty()
}

fn account_dirty(state: &AppState) -> bool {
    state.account.is_dirty() && !state.account.remote.is_locked_by_write()
}

fn can_refresh(state: &AppState) -> bool {
    match state.focus {
        Panel::Zone => state.zone.zone_id.is_some() && !state.zone.remote.is_locked_by_write(),
        Panel::Account => {
            state.account.account_id.is_some() && !state.account.remote.is_locked_by_write()
        }
    }
}

fn picker_failed(state: &AppState) -> bool {
    state.picker.as_ref().is_some_and(|p| p.error.is_some())
}

fn has_id(state: &AppState) -> bool {
    match state.focus {
        Panel::Zone => state.zone.zone_id.is_some(),
        Panel::Account => state.account.account_id.is_some(),
    }
}

fn can_retry_gate(state: &AppState) -> bool {
    matches!(state.gate, Gate::Refused { retry: true, .. })
}

fn can_escape(state: &AppState) -> bool {
    state.zone.remote.load_in_flight().is_some()
        || state.account.remote.load_in_flight().is_some()
        || state
            .status
            .as_ref()
            .is_some_and(|s| matches!(s.kind, StatusKind::Error | StatusKind::Warning))
}

/// The key table.
pub static BINDINGS: &[Binding] = &[
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::Tab), ch('l'), code(KeyCode::Right)],
        label: "panel",
        help: "focus the next panel",
        when: always,
        msg: Msg::FocusNext,
        footer: Some("tab"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::BackTab), ch('h'), code(KeyCode::Left)],
        label: "prev panel",
        help: "focus the previous panel",
        when: always,
        msg: Msg::FocusPrev,
        footer: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('1')],
        label: "zone",
        help: "focus the zone panel",
        when: always,
        msg: Msg::Focus(Panel::Zone),
        footer: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('2')],
        label: "account",
        help: "focus the account panel",
        when: always,
        msg: Msg::Focus(Panel::Account),
        footer: None,
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "move",
        help: "move down",
        when: always,
        msg: Msg::Down,
        footer: Some("j/k"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[code(KeyCode::Char(' ')), code(KeyCode::Enter)],
        label: "toggle",
        help: "toggle scanning or a source; edit the email; stage a re-send",
        when: zone_editable,
        msg: Msg::Activate,
        footer: Some("space"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('e')],
        label: "edit email",
        help: "edit the notification email",
        when: zone_editable,
        msg: Msg::EditField,
        footer: Some("e"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('R')],
        label: "resend",
        help: "stage a re-send of the verification email (pending, unverified)",
        when: zone_can_resend,
        msg: Msg::Resend,
        footer: Some("R"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('s')],
        label: "save",
        help: "save the staged changes (one PATCH)",
        when: zone_can_save,
        msg: Msg::Save,
        footer: Some("s"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('u')],
        label: "discard",
        help: "discard the staged changes",
        when: zone_dirty,
        msg: Msg::Discard,
        footer: Some("u"),
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "move",
        help: "move down",
        when: always,
        msg: Msg::Down,
        footer: Some("j/k"),
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
    },
    Binding {
        context: KeyContext::Account,
        keys: &[code(KeyCode::Char(' ')), code(KeyCode::Enter)],
        label: "toggle",
        help: "toggle a setting, cycle the masking level, or open the reset",
        when: account_editable,
        msg: Msg::Activate,
        footer: Some("space"),
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('e')],
        label: "new key",
        help: "paste a new payload-logging public key",
        when: account_editable,
        msg: Msg::EditField,
        footer: None,
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('s')],
        label: "save",
        help: "save the staged changes (one PATCH)",
        when: account_can_save,
        msg: Msg::Save,
        footer: Some("s"),
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('u')],
        label: "discard",
        help: "discard the staged changes",
        when: account_dirty,
        msg: Msg::Discard,
        footer: Some("u"),
    },
    Binding {
        context: KeyContext::Account,
        keys: &[ch('D')],
        label: "reset…",
        help: "reset DLP settings to defaults (asks first)",
        when: account_editable,
        msg: Msg::AskReset,
        footer: Some("D"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('z')],
        label: "zones",
        help: "pick a zone (recent ones first)",
        when: always,
        msg: Msg::OpenPicker(PickerKind::Zone),
        footer: Some("z"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('a')],
        label: "accounts",
        help: "pick an account",
        when: always,
        msg: Msg::OpenPicker(PickerKind::Account),
        footer: Some("a"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch(':')],
        label: "command",
        help: "open the command line",
        when: always,
        msg: Msg::OpenCommandLine,
        footer: Some(":"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('r')],
        label: "refresh",
        help: "reload or retry the focused panel",
        when: can_refresh,
        msg: Msg::Refresh,
        footer: Some("r"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('y')],
        label: "copy id",
        help: "copy the focused panel's id",
        when: has_id,
        msg: Msg::CopyId,
        footer: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::Esc)],
        label: "cancel/dismiss",
        help: "cancel a load; dismiss a message",
        when: can_escape,
        msg: Msg::Escape,
        footer: Some("esc"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('?')],
        label: "help",
        help: "show or hide this help",
        when: always,
        msg: Msg::ToggleHelp,
        footer: Some("?"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('q'), ctrl('c')],
        label: "quit",
        help: "quit (asks first if unsaved)",
        when: always,
        msg: Msg::Quit,
        footer: Some("q"),
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Enter)],
        label: "keep",
        help: "keep what was typed staged",
        when: always,
        msg: Msg::CommitEdit,
        footer: Some("enter"),
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Esc)],
        label: "abandon",
        help: "abandon what was typed",
        when: always,
        msg: Msg::CancelEdit,
        footer: Some("esc"),
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('y')],
        label: "yes",
        help: "confirm",
        when: always,
        msg: Msg::Confirm,
        footer: Some("y"),
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('n'), code(KeyCode::Esc)],
        label: "no",
        help: "cancel (the default)",
        when: always,
        msg: Msg::Deny,
        footer: Some("n"),
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[
            code(KeyCode::Tab),
            code(KeyCode::Left),
            code(KeyCode::Right),
            ch('h'),
            ch('l'),
        ],
        label: "choose",
        help: "move between the choices",
        when: always,
        msg: Msg::ToggleChoice,
        footer: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[code(KeyCode::Enter)],
        label: "select",
        help: "take the highlighted choice",
        when: always,
        msg: Msg::Choose,
        footer: Some("enter"),
    },
    Binding {
        context: KeyContext::Help,
        keys: &[ch('?'), code(KeyCode::Esc), ch('q')],
        label: "close",
        help: "close the help",
        when: always,
        msg: Msg::ToggleHelp,
        footer: Some("?"),
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Down), ctrl('n')],
        label: "move",
        help: "move down (more zones load as you scroll)",
        when: always,
        msg: Msg::Down,
        footer: Some("↓/↑"),
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Up), ctrl('p')],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::PageDown)],
        label: "page down",
        help: "move a page down",
        when: always,
        msg: Msg::PageDown,
        footer: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::PageUp)],
        label: "page up",
        help: "move a page up",
        when: always,
        msg: Msg::PageUp,
        footer: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Enter)],
        label: "choose",
        help: "open the highlighted entry (asks first when edits are unsaved)",
        when: always,
        msg: Msg::Activate,
        footer: Some("enter"),
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[ctrl('r')],
        label: "retry",
        help: "load the page that failed again",
        when: picker_failed,
        msg: Msg::Refresh,
        footer: Some("ctrl-r"),
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Esc)],
        label: "close",
        help: "close the picker",
        when: always,
        msg: Msg::Escape,
        footer: Some("esc"),
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Enter)],
        label: "run",
        help: "run the command",
        when: always,
        msg: Msg::Activate,
        footer: Some("enter"),
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Tab)],
        label: "complete",
        help: "complete a zone name from the zones seen so far",
        when: always,
        msg: Msg::Complete,
        footer: Some("tab"),
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Esc)],
        label: "cancel",
        help: "close the command line",
        when: always,
        msg: Msg::Escape,
        footer: Some("esc"),
    },
    Binding {
        context: KeyContext::Gate,
        keys: &[ch('r')],
        label: "retry",
        help: "check the credentials again",
        when: can_retry_gate,
        msg: Msg::Refresh,
        footer: Some("r"),
    },
    Binding {
        context: KeyContext::Gate,
        keys: &[ch('q'), ctrl('c')],
        label: "quit",
        help: "quit",
        when: always,
        msg: Msg::Quit,
        footer: Some("q"),
    },
];
