//! The `:` command line: `zone NAME-OR-ID`, `account NAME-OR-ID`,
//! `accounts` (the accounts page), `refresh`, `quit`, `help`, with Tab completing zone names from what is loaded.

use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::{lookup, picker, say, update};
use crate::api::validate;
use crate::message::{Command, Msg};
use crate::state::{AppState, Lookup, Page, PickerItem, PickerKind, StatusKind};

/// The commands, for the error message and the help.
pub const COMMANDS: &str = "zone NAME-OR-ID, account NAME-OR-ID, accounts, refresh, quit, help";

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(line) = state.command_line.as_mut() else {
        return Vec::new();
    };
    match msg {
        Msg::EditKey(key) => {
            line.input.handle_event(&Event::Key(key));
        }
        Msg::Paste(text) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                line.input.handle(InputRequest::InsertChar(c));
            }
        }
        Msg::Complete => {
            let typed = line.input.value().to_owned();
            if let Some(completed) = complete(&typed, &state.known_zones, &state.recent_zones) {
                line.input = Input::new(completed);
            }
        }
        Msg::Escape => state.command_line = None,
        Msg::Activate => {
            let typed = line.input.value().trim().to_owned();
            state.command_line = None;
            return run(state, &typed);
        }
        _ => {}
    }
    Vec::new()
}

fn run(state: &mut AppState, typed: &str) -> Vec<Command> {
    let (verb, argument) = typed.split_once(char::is_whitespace).unwrap_or((typed, ""));
    let argument = argument.trim();
    match verb {
        "" => Vec::new(),
        "zone" | "z" => go_to(state, PickerKind::Zone, argument),
        "account" | "a" => go_to(state, PickerKind::Account, argument),
        "accounts" => update(state, Msg::ShowPage(Page::Accounts)),
        "refresh" | "r" => update(state, Msg::Refresh),
        "quit" | "q" => update(state, Msg::Quit),
        "help" | "h" | "?" => update(state, Msg::ToggleHelp),
        other => {
            say(
                state,
                StatusKind::Error,
                format!("Unknown command {other:?}. Commands: {COMMANDS}."),
            );
            Vec::new()
        }
    }
}

/// Switches straight to an exact match by id or name; otherwise opens the
/// picker filtered by what was typed.
fn go_to(state: &mut AppState, kind: PickerKind, wanted: &str) -> Vec<Command> {
    let exact = |item: &&PickerItem| item.id == wanted || item.name.eq_ignore_ascii_case(wanted);
    let known = match kind {
        PickerKind::Zone => state
            .recent_zones
            .iter()
            .chain(&state.known_zones)
            .find(exact)
            .cloned(),
        PickerKind::Account => None,
    };
    match known {
        Some(item) if !wanted.is_empty() => picker::request_switch(state, kind, item),
        // Not loaded yet: an exact name or id is asked of the server, and
        // shown at once when it exists.
        None if kind == PickerKind::Zone && lookup::is_zone_name(wanted) => lookup::start(
            state,
            Lookup::ZoneByName {
                name: wanted.to_owned(),
            },
        ),
        None if kind == PickerKind::Zone && lookup::looks_like_an_id(wanted) => lookup::start(
            state,
            Lookup::ZoneById {
                zone_id: wanted.to_owned(),
            },
        ),
        None if kind == PickerKind::Account && validate::account_id(wanted).is_ok() => {
            lookup::start(
                state,
                Lookup::AccountById {
                    account_id: wanted.to_owned(),
                },
            )
        }
        None if kind == PickerKind::Account && !wanted.is_empty() => lookup::start(
            state,
            Lookup::AccountByName {
                name: wanted.to_owned(),
            },
        ),
        _ => picker::open(state, kind, wanted),
    }
}

/// Completes `zone PREFIX` to the longest name prefix shared by the known
/// zones that start with PREFIX.
fn complete(typed: &str, known: &[PickerItem], recent: &[PickerItem]) -> Option<String> {
    let (verb, prefix) = typed.split_once(' ')?;
    if !matches!(verb, "zone" | "z") {
        return None;
    }
    let prefix = prefix.trim_start().to_lowercase();
    let mut matches = recent
        .iter()
        .chain(known)
        .map(|z| z.name.to_lowercase())
        .filter(|name| name.starts_with(&prefix));
    let first = matches.next()?;
    let common = matches.fold(first, |acc, name| {
        acc.chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (common.len() > prefix.len() || typed.ends_with(' ')).then(|| format!("{verb} {common}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> PickerItem {
        PickerItem {
            id: format!("id-{name}"),
            name: name.to_owned(),
            detail: String::new(),
            account_id: None,
            account_name: None,
            recent: false,
        }
    }

    #[test]
    fn tab_completes_to_the_shared_prefix() {
        let known = [
            zone("shop.acme-corp.com"),
            zone("shop.acme-corp.net"),
            zone("blog.acme-corp.com"),
        ];
        assert_eq!(
            complete("zone sh", &known, &[]).as_deref(),
            Some("zone shop.acme-corp.")
        );
        assert_eq!(
            complete("zone bl", &known, &[]).as_deref(),
            Some("zone blog.acme-corp.com")
        );
        assert_eq!(complete("zone x", &known, &[]), None);
        assert_eq!(complete("account sh", &known, &[]), None);
    }
}
