//! Keys to messages, by mode and focus. The same table feeds the footer and
//! the help overlay, so what they say cannot drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod bindings;
mod key_list;
mod key_syntax;
mod keymap;

pub use keymap::{KEY_SCOPES, Keymap, KeymapError, Rebind};

use crate::message::{Msg, Refused};
use crate::state::{AppState, Dialog, Gate, Page};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyContext {
    /// Anywhere outside dialogs, help and the text fields.
    Global,
    /// The settings page: the focused zone or account panel.
    Settings,
    /// The fleet page: every zone in a table.
    Fleet,
    /// The fleet page while a bulk run goes: its keys come first.
    Run,
    /// The accounts page: every account in a table.
    Accounts,
    /// The email field is being edited.
    Editing,
    /// A confirmation dialog is open.
    Dialog,
    /// The help overlay is open.
    Help,
    /// The overlay of the last changes (audit log) is open.
    Audit,
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
            Self::Settings => "Zone and account panels",
            Self::Fleet => "Fleet (every zone)",
            Self::Run => "While a bulk run goes",
            Self::Accounts => "Accounts (every account)",
            Self::Editing => "Editing a field (email, public key)",
            Self::Dialog => "Confirmation dialogs",
            Self::Help => "This help",
            Self::Audit => "Last changes (audit log)",
            Self::Picker => "Zone and account pickers (type to filter)",
            Self::CommandLine => "Command line (:zone, :account, :refresh, :quit, :help)",
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

pub(crate) const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

pub(crate) const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

pub(crate) const fn ctrl(c: char) -> Key {
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
            KeyCode::F(n) => format!("f{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.ctrl {
            format!("ctrl-{base}")
        } else {
            base
        }
    }

    /// The pressed key as the help writes it.
    fn named(event: &KeyEvent) -> String {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = match event.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Self { code, ctrl }.name()
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
#[derive(Clone)]
pub struct Binding {
    /// Where it applies.
    pub context: KeyContext,
    /// The action's stable snake_case name, unique in its context: what
    /// `[keys]` in the config file rebinds.
    pub name: &'static str,
    /// The default keys; the first is the one shown in the footer.
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
    /// The footer's label when it depends on the focused panel (`e`: "edit
    /// email" on the zone); `None` from it keeps the binding out of the
    /// footer for now (it stays in the help).
    pub label_now: Option<fn(&AppState) -> Option<&'static str>>,
}

impl Binding {
    /// The footer's label for this binding now, if the footer shows it.
    pub fn label_in(&self, state: &AppState) -> Option<&'static str> {
        self.label_now
            .map_or(Some(self.label), |label| label(state))
    }

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

pub use bindings::BINDINGS;
pub use key_list::{KeyRow, key_rows};

/// What is bound at once: each page with the keys that apply
/// everywhere, or one overlay alone (as [`active_contexts`] stacks them).
pub(crate) const STACKS: &[&[KeyContext]] = &[
    &[KeyContext::Settings, KeyContext::Global],
    &[KeyContext::Fleet, KeyContext::Global],
    &[KeyContext::Run, KeyContext::Fleet, KeyContext::Global],
    &[KeyContext::Accounts, KeyContext::Global],
    &[KeyContext::Editing],
    &[KeyContext::Dialog],
    &[KeyContext::Help],
    &[KeyContext::Audit],
    &[KeyContext::Picker],
    &[KeyContext::CommandLine],
    &[KeyContext::Gate],
];

/// The contexts that apply now, most specific first.
pub fn active_contexts(state: &AppState) -> Vec<KeyContext> {
    let only = if let Some(dialog) = &state.dialog {
        if dialog.takes_text() {
            KeyContext::Editing
        } else {
            KeyContext::Dialog
        }
    } else if state.help {
        KeyContext::Help
    } else if state.audit.is_some() {
        KeyContext::Audit
    } else if state.gate != Gate::Open {
        KeyContext::Gate
    } else if state.picker.is_some() {
        KeyContext::Picker
    } else if state.command_line.is_some() {
        KeyContext::CommandLine
    } else if state.is_editing() {
        KeyContext::Editing
    } else {
        return match state.page {
            Page::Settings => vec![KeyContext::Settings, KeyContext::Global],
            Page::Fleet if state.fleet.run.as_ref().is_some_and(|r| r.has_started()) => {
                vec![KeyContext::Run, KeyContext::Fleet, KeyContext::Global]
            }
            Page::Fleet => vec![KeyContext::Fleet, KeyContext::Global],
            Page::Accounts => vec![KeyContext::Accounts, KeyContext::Global],
        };
    };
    vec![only]
}

/// The bindings that work right now, for the footer, without duplicates.
pub fn footer_bindings(state: &AppState) -> Vec<&'static Binding> {
    let contexts = active_contexts(state);
    let mut shown: Vec<&'static Binding> = Vec::new();
    for context in contexts {
        for binding in BINDINGS.iter().filter(|b| {
            b.context == context
                && b.footer.is_some()
                && b.label_in(state).is_some()
                && (b.when)(state)
        }) {
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
    let keymap = &state.context.keys;
    let found = contexts.iter().find_map(|context| {
        BINDINGS
            .iter()
            .find(|b| b.context == *context && keymap.keys(b).iter().any(|k| k.matches(&event)))
    });
    let refused = |binding: &Binding, elsewhere| {
        Some(Msg::Unavailable(Box::new(Refused {
            msg: binding.msg.clone(),
            key: Key::named(&event),
            label: binding.label,
            elsewhere,
        })))
    };
    match found {
        Some(binding) if (binding.when)(state) => Some(binding.msg.clone()),
        Some(binding) => refused(binding, None),
        None if state.takes_text()
            && state.dialog.as_ref().is_none_or(Dialog::takes_text)
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
        None => elsewhere(state, &event, &contexts)
            .and_then(|(binding, place)| refused(binding, Some(place))),
    }
}

/// A page key pressed on the other page: the binding and where it works,
/// so the key says so instead of doing nothing.
fn elsewhere(
    state: &AppState,
    event: &KeyEvent,
    contexts: &[KeyContext],
) -> Option<(&'static Binding, &'static str)> {
    let on_a_page = contexts.iter().any(|c| {
        matches!(
            c,
            KeyContext::Settings | KeyContext::Fleet | KeyContext::Accounts
        )
    });
    if !on_a_page || state.takes_text() {
        return None;
    }
    BINDINGS.iter().find_map(|b| {
        let place = match b.context {
            KeyContext::Settings => "the zone and account panels",
            KeyContext::Fleet => "the fleet page",
            KeyContext::Run => "a bulk run",
            KeyContext::Accounts => "the accounts page",
            _ => return None,
        };
        (!contexts.contains(&b.context)
            && state.context.keys.keys(b).iter().any(|k| k.matches(event)))
        .then_some((b, place))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_binding() {
        let readme = include_str!("../../README.md");
        for binding in BINDINGS.iter() {
            assert!(
                readme.contains(&format!("| {} |", binding.help)),
                "README.md lacks the key table row for {:?} ({})",
                binding.label,
                binding.help
            );
        }
    }

    #[test]
    fn no_page_or_overlay_binds_a_key_twice() {
        for stack in STACKS {
            let bound: Vec<&Binding> = BINDINGS
                .iter()
                .filter(|b| stack.contains(&b.context))
                .collect();
            for (i, a) in bound.iter().enumerate() {
                for b in &bound[i + 1..] {
                    let shared: Vec<String> = a
                        .keys
                        .iter()
                        .filter(|k| b.keys.contains(k))
                        .map(|k| k.name())
                        .collect();
                    assert!(
                        shared.is_empty(),
                        "{stack:?}: {shared:?} means both {:?} and {:?}",
                        a.label,
                        b.label
                    );
                }
            }
        }
    }

    #[test]
    fn a_key_keeps_its_meaning_from_page_to_page() {
        let pages = [
            KeyContext::Settings,
            KeyContext::Fleet,
            KeyContext::Run,
            KeyContext::Accounts,
        ];
        // The same key may act on what each page holds (j moves, space
        // marks a zone or toggles a row, u drops what is staged there, x
        // shows only the zones or the accounts that could not be read).
        let same_kind = |a: &Msg, b: &Msg| {
            std::mem::discriminant(a) == std::mem::discriminant(b)
                || matches!(
                    (a, b),
                    (Msg::Activate, Msg::ToggleMark)
                        | (Msg::ToggleMark, Msg::Activate)
                        | (Msg::ToggleQuick(_), Msg::ToggleAccountQuick(_))
                        | (Msg::ToggleAccountQuick(_), Msg::ToggleQuick(_))
                        | (Msg::Discard, Msg::ClearMarks)
                        | (Msg::ClearMarks, Msg::Discard)
                )
        };
        for a in BINDINGS.iter().filter(|b| pages.contains(&b.context)) {
            for b in BINDINGS
                .iter()
                .filter(|b| pages.contains(&b.context) && b.context != a.context)
            {
                let shared = a.keys.iter().any(|k| b.keys.contains(k));
                assert!(
                    !shared || same_kind(&a.msg, &b.msg),
                    "{:?} means {:?} on one page and {:?} on another",
                    a.keys.iter().map(|k| k.name()).collect::<Vec<_>>(),
                    a.label,
                    b.label
                );
            }
        }
    }

    #[test]
    fn the_dialog_keys_mean_nothing_else_on_a_page() {
        let dialog: Vec<Key> = BINDINGS
            .iter()
            .filter(|b| {
                b.context == KeyContext::Dialog && matches!(b.msg, Msg::Confirm | Msg::Deny)
            })
            .flat_map(|b| b.keys.iter().copied())
            .filter(|k| *k != code(KeyCode::Esc))
            .collect();
        for b in BINDINGS.iter().filter(|b| {
            matches!(
                b.context,
                KeyContext::Global
                    | KeyContext::Settings
                    | KeyContext::Fleet
                    | KeyContext::Run
                    | KeyContext::Accounts
            )
        }) {
            assert!(
                !b.keys.iter().any(|k| dialog.contains(k)),
                "{:?} answers a dialog, yet {:?} on a page",
                b.key_names(),
                b.label
            );
        }
    }
}
