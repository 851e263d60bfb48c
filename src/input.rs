//! Keys to messages, by mode and focus. The same table feeds the footer and
//! the help overlay, so what they say cannot drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::message::Msg;
use crate::state::{AppState, Gate, Panel, PickerKind, StatusKind, ZoneRow};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyContext {
    /// Anywhere outside dialogs, help and the email field.
    Global,
    /// The zone panel has focus.
    Zone,
    /// The account panel has focus.
    Account,
    /// The email field is being edited.
    Editing,
    /// A confirmation dialog is open.
    Dialog,
    /// The help overlay is open.
    Help,
    /// The zone or account picker is open.
    Picker,
    /// The `:` command line is open.
    CommandLine,
    /// The credential check has not passed.
    Gate,
}

impl KeyContext {
    /// The heading of this context in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::Zone => "Zone panel (CSAM Scanner)",
            Self::Account => "Account panel (DLP settings)",
            Self::Editing => "Editing the email",
            Self::Dialog => "Confirmation dialogs",
            Self::Help => "This help",
            Self::Picker => "Zone and account pickers (type to filter)",
            Self::CommandLine => "Command line (:zone NAME, :account NAME, :refresh, :quit, :help)",
            Self::Gate => "Credential check",
        }
    }
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl only; Shift is part of the character.
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    /// How the key is written in the footer and help.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".to_owned(),
            KeyCode::Esc => "esc".to_owned(),
            KeyCode::Tab => "tab".to_owned(),
            KeyCode::BackTab => "shift-tab".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.ctrl {
            format!("ctrl-{base}")
        } else {
            base
        }
    }

    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = match event.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl
    }
}

/// One entry of the key table.
pub struct Binding {
    /// Where it applies.
    pub context: KeyContext,
    /// The keys; the first is the one shown in the footer.
    pub keys: &'static [Key],
    /// A word or two for the footer.
    pub label: &'static str,
    /// A sentence for the help overlay.
    pub help: &'static str,
    /// Whether it works in this state; the footer shows only those that do.
    pub when: fn(&AppState) -> bool,
    /// What it does.
    pub msg: Msg,
    /// How the footer writes the key (`j/k`), or `None` to leave the binding
    /// to the help overlay so the footer stays short.
    pub footer: Option<&'static str>,
}

impl Binding {
    /// The key as the footer writes it, when the footer shows this binding.
    pub fn footer_key(&self) -> Option<String> {
        self.footer.map(str::to_owned)
    }

    /// The keys as written in the help overlay: `j ↓`.
    pub fn key_names(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

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

fn can_retry_gate(state: &AppState) -> bool {
    matches!(state.gate, Gate::Refused { retry: true, .. })
}

fn can_escape(state: &AppState) -> bool {
    let loading = |kind: Option<crate::state::Inflight>| {
        kind.is_some_and(|i| i.kind == crate::state::InflightKind::Load)
    };
    loading(state.zone.remote.inflight)
        || loading(state.account.remote.inflight)
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
        msg: Msg::EditEmail,
        footer: Some("e"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('R')],
        label: "resend",
        help: "stage a re-send of the verification email (pending or unverified only)",
        when: zone_can_resend,
        msg: Msg::Resend,
        footer: Some("R"),
    },
    Binding {
        context: KeyContext::Zone,
        keys: &[ch('s')],
        label: "save",
        help: "save the staged changes (one PATCH of the changed fields)",
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
        keys: &[ch('s')],
        label: "save",
        help: "save the staged changes (one PATCH of the changed fields)",
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
        help: "pick a zone (type to filter; recent ones first)",
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
        help: "reload the focused panel (also retries after an error)",
        when: can_refresh,
        msg: Msg::Refresh,
        footer: Some("r"),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::Esc)],
        label: "cancel/dismiss",
        help: "cancel a load in flight, or dismiss the message",
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
        help: "quit (asks first when changes are unsaved)",
        when: always,
        msg: Msg::Quit,
        footer: Some("q"),
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Enter)],
        label: "keep",
        help: "keep the typed email staged",
        when: always,
        msg: Msg::CommitEdit,
        footer: Some("enter"),
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Esc)],
        label: "abandon",
        help: "abandon the typed email",
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

/// The contexts that apply now, most specific first.
pub fn active_contexts(state: &AppState) -> Vec<KeyContext> {
    let only = if state.dialog.is_some() {
        KeyContext::Dialog
    } else if state.help {
        KeyContext::Help
    } else if state.gate != Gate::Open {
        KeyContext::Gate
    } else if state.picker.is_some() {
        KeyContext::Picker
    } else if state.command_line.is_some() {
        KeyContext::CommandLine
    } else if state.is_editing() {
        KeyContext::Editing
    } else {
        let panel = match state.focus {
            Panel::Zone => KeyContext::Zone,
            Panel::Account => KeyContext::Account,
        };
        return vec![panel, KeyContext::Global];
    };
    vec![only]
}

/// The bindings that work right now, for the footer, without duplicates.
pub fn footer_bindings(state: &AppState) -> Vec<&'static Binding> {
    let contexts = active_contexts(state);
    let mut shown: Vec<&'static Binding> = Vec::new();
    for context in contexts {
        for binding in BINDINGS
            .iter()
            .filter(|b| b.context == context && b.footer.is_some() && (b.when)(state))
        {
            if !shown.iter().any(|s| s.label == binding.label) {
                shown.push(binding);
            }
        }
    }
    shown
}

/// What a key press means now, if anything.
pub fn map_key(state: &AppState, event: KeyEvent) -> Option<Msg> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let contexts = active_contexts(state);
    let found = contexts.iter().find_map(|context| {
        BINDINGS
            .iter()
            .find(|b| b.context == *context && b.keys.iter().any(|k| k.matches(&event)))
    });
    match found {
        Some(binding) if (binding.when)(state) => Some(binding.msg.clone()),
        Some(_) => None,
        None if state.takes_text()
            && state.dialog.is_none()
            && !state.help
            && state.gate == Gate::Open =>
        {
            let ctrl_c =
                event.modifiers.contains(KeyModifiers::CONTROL) && event.code == KeyCode::Char('c');
            if ctrl_c {
                Some(Msg::Quit)
            } else {
                Some(Msg::EditKey(event))
            }
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_binding() {
        let readme = include_str!("../README.md");
        for binding in BINDINGS {
            assert!(
                readme.contains(&format!("| {} |", binding.help)),
                "README.md lacks the key table row for {:?} ({})",
                binding.label,
                binding.help
            );
        }
    }

    #[test]
    fn no_two_bindings_of_a_context_share_a_key() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let shared = a.keys.iter().any(|k| b.keys.contains(k));
                let overlap = a.context == b.context
                    || matches!(
                        (a.context, b.context),
                        (KeyContext::Zone | KeyContext::Account, KeyContext::Global)
                            | (KeyContext::Global, KeyContext::Zone | KeyContext::Account)
                    );
                assert!(
                    !(shared && overlap),
                    "{:?} and {:?} share a key",
                    a.label,
                    b.label
                );
            }
        }
    }
}
