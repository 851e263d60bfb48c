//! The keys in force: the key table's defaults with the config file's
//! `[keys]` on top, checked so that no page or overlay binds a key twice.
//!
//! `[keys]` itself holds the actions that work everywhere (`quit = "Q"`);
//! a table per context holds that context's (`[keys.fleet]`,
//! `reread_failed = "ctrl-e"`). A value is one key or a list of keys, which
//! replace the action's default keys; the help and the audit overlays close
//! with the keys that open them unless `[keys.help_overlay] close` or
//! `[keys.audit_overlay] close` says otherwise. The contexts that take typing (a
//! field being edited, a picker's filter, the command line) are not
//! rebindable: a rebound key there could steal a character from the text.

use std::sync::Arc;

use super::{BINDINGS, Binding, Key, KeyContext, STACKS};
use crate::message::Msg;
use crossterm::event::KeyCode;

/// The tables of `[keys]` and the context each rebinds; the actions that
/// work everywhere are at the top level of `[keys]`.
pub const KEY_SCOPES: &[(&str, KeyContext)] = &[
    ("settings", KeyContext::Settings),
    ("fleet", KeyContext::Fleet),
    ("accounts", KeyContext::Accounts),
    ("run", KeyContext::Run),
    ("dialog", KeyContext::Dialog),
    ("help_overlay", KeyContext::Help),
    ("audit_overlay", KeyContext::Audit),
    ("gate", KeyContext::Gate),
];

/// The contexts that take typing, as `[keys]` would name them.
const TEXT_SCOPES: &[&str] = &["editing", "picker", "command_line"];

/// One entry of `[keys]`: an action and the keys it gets, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebind {
    /// The table it is in: `None` for `[keys]` itself, `Some("fleet")` for
    /// `[keys.fleet]`.
    pub scope: Option<String>,
    /// The action's name, e.g. `reread_failed`.
    pub action: String,
    /// The keys, e.g. `["ctrl-e"]`.
    pub keys: Vec<String>,
}

/// Why `[keys]` cannot be used: the entry at fault (an index into the
/// rebinds given) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeymapError {
    /// The index of the offending [`Rebind`].
    pub entry: usize,
    /// What is wrong, naming the action and the key.
    pub message: String,
}

/// The keys of every binding: the defaults, except where `[keys]` rebinds.
/// Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    rebound: Arc<Vec<Rebound>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rebound {
    context: KeyContext,
    name: &'static str,
    keys: Vec<Key>,
    entry: usize,
}

impl Keymap {
    /// The default keys with `rebinds` applied, or the first entry that
    /// cannot be: an unknown table or action, a key that does not parse, a
    /// key that two actions would share where both apply, or a page key
    /// that also answers a dialog (a second press would confirm what the
    /// first one asked).
    pub fn build(rebinds: &[Rebind]) -> Result<Self, KeymapError> {
        let mut rebound: Vec<Rebound> = Vec::new();
        for (entry, rebind) in rebinds.iter().enumerate() {
            let fail = |message: String| KeymapError { entry, message };
            let context = context_of(rebind.scope.as_deref()).map_err(fail)?;
            let binding = BINDINGS
                .iter()
                .find(|b| b.context == context && b.name == rebind.action)
                .ok_or_else(|| fail(unknown_action(rebind, context)))?;
            if rebind.keys.is_empty() {
                return Err(fail(format!(
                    "{} needs at least one key",
                    place(context, binding.name)
                )));
            }
            let mut keys: Vec<Key> = Vec::new();
            for text in &rebind.keys {
                let key = Key::parse(text)
                    .map_err(|why| fail(format!("{}: {why}", place(context, binding.name))))?;
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            rebound.retain(|r| !(r.context == context && r.name == binding.name));
            rebound.push(Rebound {
                context,
                name: binding.name,
                keys,
                entry,
            });
        }
        follow_togglers(&mut rebound);
        let keymap = Self {
            rebound: Arc::new(rebound),
        };
        keymap.check()?;
        Ok(keymap)
    }

    /// The keys of `binding` in force; the first is the one shown.
    pub fn keys<'a>(&'a self, binding: &'a Binding) -> &'a [Key] {
        self.rebound_of(binding).map_or(binding.keys, |r| &r.keys)
    }

    /// Whether `[keys]` changed the keys of `binding`.
    pub fn is_rebound(&self, binding: &Binding) -> bool {
        self.rebound_of(binding).is_some()
    }

    /// The keys as written in the help overlay: `j ↓`.
    pub fn key_names(&self, binding: &Binding) -> String {
        self.keys(binding)
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The key as the footer writes it, when the footer shows the binding:
    /// the table's own spelling (`j/k`) for a default, else the first key
    /// in force.
    pub fn footer_key(&self, binding: &Binding) -> Option<String> {
        if binding.footer.is_some() && self.is_rebound(binding) {
            self.keys(binding).first().map(|k| k.name())
        } else {
            binding.footer_key()
        }
    }

    /// The first key in force of the action `name` of `context`, as text
    /// for a sentence that names it (`press z to pick one`).
    pub fn first_key(&self, context: KeyContext, name: &str) -> String {
        BINDINGS
            .iter()
            .find(|b| b.context == context && b.name == name)
            .and_then(|b| self.keys(b).first())
            .map(|k| k.name())
            .unwrap_or_default()
    }

    fn rebound_of(&self, binding: &Binding) -> Option<&Rebound> {
        self.rebound
            .iter()
            .find(|r| r.context == binding.context && r.name == binding.name)
    }

    /// The entry of `[keys]` that rebinds `binding`, if any.
    fn entry_of(&self, binding: &Binding) -> Option<usize> {
        self.rebound_of(binding).map(|r| r.entry)
    }

    fn check(&self) -> Result<(), KeymapError> {
        for stack in STACKS {
            let bound: Vec<&Binding> = BINDINGS
                .iter()
                .filter(|b| stack.contains(&b.context))
                .collect();
            for (i, a) in bound.iter().enumerate() {
                for b in &bound[i + 1..] {
                    let Some(key) = self.keys(a).iter().find(|k| self.keys(b).contains(k)) else {
                        continue;
                    };
                    return Err(KeymapError {
                        entry: self.entry_of(a).or(self.entry_of(b)).unwrap_or(0),
                        message: format!(
                            "the key `{}` would mean both {} and {} ({})",
                            key.name(),
                            place(a.context, a.name),
                            place(b.context, b.name),
                            stack[0].title()
                        ),
                    });
                }
            }
        }
        self.check_dialog_keys()
    }

    /// A key that answers a dialog must mean nothing on a page.
    fn check_dialog_keys(&self) -> Result<(), KeymapError> {
        let answers = BINDINGS.iter().filter(|b| {
            b.context == KeyContext::Dialog && matches!(b.msg, Msg::Confirm | Msg::Deny)
        });
        let on_a_page = |b: &&Binding| {
            matches!(
                b.context,
                KeyContext::Global
                    | KeyContext::Settings
                    | KeyContext::Fleet
                    | KeyContext::Run
                    | KeyContext::Accounts
            )
        };
        for answer in answers {
            for key in self.keys(answer).iter().filter(|k| k.code != KeyCode::Esc) {
                if let Some(page) = BINDINGS
                    .iter()
                    .filter(on_a_page)
                    .find(|b| self.keys(b).contains(key))
                {
                    return Err(KeymapError {
                        entry: self.entry_of(page).or(self.entry_of(answer)).unwrap_or(0),
                        message: format!(
                            "the key `{}` answers a dialog ({}), so it may not also be {}: \
                             pressed twice, it would confirm what it just asked",
                            key.name(),
                            place(answer.context, answer.name),
                            place(page.context, page.name)
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The keys that open an overlay, and the binding that closes it: the
/// same key closes what it opened (`?` opens and closes the help).
const TOGGLERS: &[(&str, KeyContext, &str)] = &[
    ("help", KeyContext::Help, "close"),
    ("audit_log", KeyContext::Audit, "close"),
];

/// An overlay opened by a rebound key closes with it too (instead of its
/// old key), unless `[keys]` rebinds the closing itself.
fn follow_togglers(rebound: &mut Vec<Rebound>) {
    for (opens, overlay, closes) in TOGGLERS {
        let find = |context: KeyContext, name: &str| {
            BINDINGS
                .iter()
                .find(|b| b.context == context && b.name == name)
        };
        let (Some(opener), Some(closer)) =
            (find(KeyContext::Global, opens), find(*overlay, closes))
        else {
            continue;
        };
        let Some(new) = rebound
            .iter()
            .find(|r| r.context == KeyContext::Global && r.name == *opens)
            .cloned()
        else {
            continue;
        };
        if rebound
            .iter()
            .any(|r| r.context == *overlay && r.name == *closes)
        {
            continue;
        }
        let mut keys = new.keys.clone();
        for key in closer.keys {
            if !opener.keys.contains(key) && !keys.contains(key) {
                keys.push(*key);
            }
        }
        rebound.push(Rebound {
            context: *overlay,
            name: closer.name,
            keys,
            entry: new.entry,
        });
    }
}

/// The context a table of `[keys]` rebinds.
fn context_of(scope: Option<&str>) -> Result<KeyContext, String> {
    let Some(scope) = scope else {
        return Ok(KeyContext::Global);
    };
    if let Some((_, context)) = KEY_SCOPES.iter().find(|(name, _)| *name == scope) {
        return Ok(*context);
    }
    let tables = KEY_SCOPES
        .iter()
        .map(|(name, _)| format!("[keys.{name}]"))
        .collect::<Vec<_>>()
        .join(", ");
    if TEXT_SCOPES.contains(&scope) {
        Err(format!(
            "[keys.{scope}]: the keys of a text field are not rebindable (typing goes \
             there); the tables are [keys] (everywhere), {tables}"
        ))
    } else {
        Err(format!(
            "[keys.{scope}] is not a table of keys; the tables are [keys] (everywhere), {tables}"
        ))
    }
}

/// How `[keys]` writes an action: `[keys.fleet] reread_failed`.
fn place(context: KeyContext, name: &str) -> String {
    format!("{} {name}", table_of(context))
}

/// The table of `[keys]` that rebinds `context`.
fn table_of(context: KeyContext) -> String {
    match KEY_SCOPES.iter().find(|(_, c)| *c == context) {
        Some((scope, _)) => format!("[keys.{scope}]"),
        None => "[keys]".to_owned(),
    }
}

fn unknown_action(rebind: &Rebind, context: KeyContext) -> String {
    let known = BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .map(|b| b.name)
        .collect::<Vec<_>>()
        .join(", ");
    let table = match &rebind.scope {
        Some(scope) => format!("[keys.{scope}]"),
        None => "[keys]".to_owned(),
    };
    let elsewhere = BINDINGS
        .iter()
        .filter(|b| b.context != context && b.name == rebind.action)
        .filter(|b| {
            b.context == KeyContext::Global || KEY_SCOPES.iter().any(|(_, c)| *c == b.context)
        })
        .map(|b| table_of(b.context))
        .collect::<Vec<_>>();
    let hint = if elsewhere.is_empty() {
        String::new()
    } else {
        format!(" (it is an action of {})", elsewhere.join(", "))
    };
    format!(
        "{table} has no action `{}`{hint}; its actions are {known}",
        rebind.action
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ch, ctrl};

    fn rebind(scope: Option<&str>, action: &str, keys: &[&str]) -> Rebind {
        Rebind {
            scope: scope.map(str::to_owned),
            action: action.to_owned(),
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    fn binding(context: KeyContext, name: &str) -> &'static Binding {
        BINDINGS
            .iter()
            .find(|b| b.context == context && b.name == name)
            .unwrap()
    }

    #[test]
    fn every_action_has_a_name_unique_in_its_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            assert!(
                !a.name.is_empty() && a.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{:?}",
                a.name
            );
            for b in &BINDINGS[i + 1..] {
                assert!(
                    a.context != b.context || a.name != b.name,
                    "{:?} twice in {:?}",
                    a.name,
                    a.context
                );
            }
        }
    }

    #[test]
    fn no_action_everywhere_is_named_like_a_table() {
        for binding in BINDINGS.iter().filter(|b| b.context == KeyContext::Global) {
            assert!(
                !KEY_SCOPES.iter().any(|(scope, _)| *scope == binding.name),
                "[keys] {0} = \"…\" and [keys.{0}] could not both be written",
                binding.name
            );
        }
    }

    #[test]
    fn a_rebound_action_has_only_its_new_keys() {
        let keymap = Keymap::build(&[
            rebind(Some("fleet"), "reread_failed", &["ctrl-e"]),
            rebind(None, "quit", &["Q", "ctrl-c"]),
        ])
        .unwrap();
        let reread = binding(KeyContext::Fleet, "reread_failed");
        assert_eq!(keymap.keys(reread), &[ctrl('e')]);
        assert_eq!(keymap.footer_key(reread).as_deref(), Some("ctrl-e"));
        let quit = binding(KeyContext::Global, "quit");
        assert_eq!(keymap.key_names(quit), "Q ctrl-c");
        let down = binding(KeyContext::Fleet, "down");
        assert_eq!(keymap.footer_key(down).as_deref(), Some("j/k"));
        assert_eq!(Keymap::default().keys(quit), &[ch('q'), ctrl('c')]);
    }

    #[test]
    fn each_mistake_names_its_entry() {
        let error = |rebinds: &[Rebind]| Keymap::build(rebinds).unwrap_err();
        let ok = rebind(None, "quit", &["Q"]);
        let unknown = error(&[ok.clone(), rebind(Some("fleet"), "quit_now", &["x"])]);
        assert_eq!(unknown.entry, 1);
        assert!(unknown.message.contains("reread_failed"), "{unknown}");
        let misplaced = error(&[rebind(Some("fleet"), "quit", &["Q"])]);
        assert!(
            misplaced.message.contains("an action of [keys]"),
            "{misplaced}"
        );
        let table = error(&[rebind(Some("picker"), "down", &["j"])]);
        assert!(table.message.contains("not rebindable"), "{table}");
        let key = error(&[ok.clone(), ok.clone(), rebind(None, "help", &["hyper-h"])]);
        assert_eq!(key.entry, 2);
        assert!(key.message.contains("`hyper-h` is not a key"), "{key}");
        let empty = error(&[rebind(None, "help", &[])]);
        assert!(empty.message.contains("at least one key"), "{empty}");
    }

    #[test]
    fn a_key_two_actions_would_share_is_refused() {
        let with_default =
            Keymap::build(&[rebind(Some("fleet"), "reread_failed", &["j"])]).unwrap_err();
        assert_eq!(with_default.entry, 0);
        assert!(
            with_default.message.contains("`j`")
                && with_default.message.contains("[keys.fleet] down"),
            "{with_default}"
        );
        let global = Keymap::build(&[rebind(None, "quit", &["S"])]).unwrap_err();
        assert!(global.message.contains("[keys.fleet] sort"), "{global}");
        let moved_away = Keymap::build(&[
            rebind(Some("fleet"), "sort", &["ctrl-s"]),
            rebind(Some("accounts"), "sort", &["ctrl-s"]),
            rebind(None, "quit", &["S"]),
        ]);
        assert!(moved_away.is_ok(), "{moved_away:?}");
        let two_pages = Keymap::build(&[rebind(Some("settings"), "save", &["E"])]);
        assert!(two_pages.is_ok(), "E rereads on the fleet page only");
    }

    #[test]
    fn the_accounts_page_has_its_own_table() {
        let keymap = Keymap::build(&[rebind(Some("accounts"), "only_clear", &["ctrl-l"])]).unwrap();
        assert_eq!(
            keymap.key_names(binding(KeyContext::Accounts, "only_clear")),
            "ctrl-l"
        );
        assert_eq!(
            keymap.key_names(binding(KeyContext::Fleet, "sort")),
            "S",
            "the fleet page keeps its keys"
        );
        let shared = Keymap::build(&[rebind(Some("accounts"), "only_clear", &["j"])]).unwrap_err();
        assert!(shared.message.contains("[keys.accounts] down"), "{shared}");
    }

    #[test]
    fn the_key_that_opens_an_overlay_closes_it() {
        let keymap = Keymap::build(&[rebind(None, "help", &["H"])]).unwrap();
        let close = binding(KeyContext::Help, "close");
        assert_eq!(keymap.key_names(close), "H esc q");
        let own = Keymap::build(&[
            rebind(None, "help", &["H"]),
            rebind(Some("help_overlay"), "close", &["x"]),
        ])
        .unwrap();
        assert_eq!(own.key_names(close), "x");
        let audit = Keymap::build(&[rebind(None, "audit_log", &["ctrl-l"])]).unwrap();
        assert_eq!(
            audit.key_names(binding(KeyContext::Audit, "close")),
            "ctrl-l esc q"
        );
    }

    #[test]
    fn a_page_key_may_not_answer_a_dialog() {
        let page = Keymap::build(&[rebind(Some("settings"), "save", &["y"])]).unwrap_err();
        assert!(page.message.contains("answers a dialog"), "{page}");
        let dialog = Keymap::build(&[rebind(Some("dialog"), "yes", &["D"])]).unwrap_err();
        assert!(dialog.message.contains("[keys.settings] reset"), "{dialog}");
    }
}
