//! The accounts page's reducer: opening it (the first time, a scan of
//! every account), the scan's reports, moving in the table, its filters
//! and sort, and opening an account in the settings page's account panel.

use crossterm::event::Event;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{account_bulk, account_run, picker, say};
use crate::fleet::{AccountQuick, AccountRow, AccountScan, ScanEvent, ScanOutcome};
use crate::message::{Command, Msg};
use crate::state::{AppState, Page, Panel, PickerItem, PickerKind, Scanning, Source, StatusKind};

/// Rows a page key moves, as on the fleet page.
const PAGE_ROWS: usize = 10;

/// Shows the accounts page; the first time, asks for the cached scan (a
/// scan starts only when there is none: it costs a request per account of
/// the budget the admin's web dashboard shares).
pub(super) fn show(state: &mut AppState) -> Vec<Command> {
    state.page = Page::Accounts;
    if state.accounts.opened {
        return Vec::new();
    }
    state.accounts.opened = true;
    match state.identity.clone() {
        Some(identity) => vec![Command::LoadAccountCache(identity)],
        None => start(state),
    }
}

/// The cached last scan: shown, with its age, until a scan replaces it;
/// none (or one that cannot be used) starts a scan.
pub(super) fn on_cached(
    state: &mut AppState,
    cached: Result<Option<AccountScan>, String>,
) -> Vec<Command> {
    match cached {
        Ok(Some(scan)) => {
            state.accounts.take_cached(&scan);
            Vec::new()
        }
        Ok(None) => start(state),
        Err(warning) => {
            say(state, StatusKind::Warning, warning);
            start(state)
        }
    }
}

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    if state.accounts.typing.is_some() {
        return typing(state, msg);
    }
    let page = &mut state.accounts;
    let last = page.shown_len().saturating_sub(1);
    if matches!(
        msg,
        Msg::Down | Msg::Up | Msg::PageDown | Msg::PageUp | Msg::Top | Msg::Bottom
    ) {
        page.moved = true;
    }
    match msg {
        Msg::Down => page.selected = (page.selected + 1).min(last),
        Msg::Up => page.selected = page.selected.saturating_sub(1),
        Msg::PageDown => page.selected = (page.selected + PAGE_ROWS).min(last),
        Msg::PageUp => page.selected = page.selected.saturating_sub(PAGE_ROWS),
        Msg::Top => page.selected = 0,
        Msg::Bottom => page.selected = last,
        Msg::ToggleAccountQuick(quick) => toggle(state, quick),
        Msg::CycleSort => {
            page.sort = page.sort.next();
            page.reorder();
        }
        Msg::OpenFilter => {
            let typed = page.name_contains.clone().unwrap_or_default();
            page.typing = Some(Input::new(typed));
        }
        Msg::ToggleMark => account_bulk::toggle_mark(state),
        Msg::MarkShown => account_bulk::mark_shown(state),
        Msg::ClearMarks => account_bulk::clear_marks(state),
        Msg::OpenBulk if !page.run.as_ref().is_some_and(|r| r.is_going()) => {
            return account_bulk::open(state);
        }
        Msg::PauseRun => return account_run::pause(state),
        Msg::Escape if page.run.as_ref().is_some_and(|r| r.is_going()) => {
            return account_run::stop(state);
        }
        Msg::Refresh if page.scanning.is_none() => return start(state),
        Msg::Escape if page.scanning.is_some() => {
            say(
                state,
                StatusKind::Info,
                "Scan cancelled; the accounts read so far stay.",
            );
            return vec![Command::CancelAccountScan];
        }
        Msg::Escape
            if state
                .status
                .as_ref()
                .is_some_and(|s| matches!(s.kind, StatusKind::Error | StatusKind::Warning)) =>
        {
            state.status = None;
        }
        Msg::Escape => {
            state.status = None;
            state.page = Page::Settings;
        }
        Msg::Activate => return open_account(state),
        Msg::CopyId => {
            let Some(id) = page.selected_row().map(|row| row.account_id.clone()) else {
                return Vec::new();
            };
            say(
                state,
                StatusKind::Success,
                format!(
                    "Copied the account id {id} to the clipboard (OSC 52: the terminal must allow it)."
                ),
            );
            return vec![Command::Copy(id)];
        }
        _ => {}
    }
    Vec::new()
}

/// The name filter while it is typed: it applies as it is typed; Enter
/// keeps it, Esc drops it.
fn typing(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let page = &mut state.accounts;
    let Some(input) = page.typing.as_mut() else {
        return Vec::new();
    };
    match msg {
        Msg::EditKey(key) => {
            input.handle_event(&Event::Key(key));
        }
        Msg::Paste(text) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.handle(tui_input::InputRequest::InsertChar(c));
            }
        }
        Msg::CommitEdit => page.typing = None,
        Msg::CancelEdit => {
            page.typing = None;
            page.name_contains = None;
        }
        _ => return Vec::new(),
    }
    let typed = page.typing.as_ref().map(|i| i.value().trim().to_owned());
    if let Some(typed) = typed {
        page.name_contains = (!typed.is_empty()).then_some(typed);
    }
    page.selected = 0;
    page.reorder();
    Vec::new()
}

fn toggle(state: &mut AppState, quick: AccountQuick) {
    let page = &mut state.accounts;
    if let Some(at) = page.quick.iter().position(|q| *q == quick) {
        page.quick.remove(at);
    } else {
        page.quick.push(quick);
    }
    page.selected = 0;
    page.reorder();
}

/// Starts a scan of every account; what is shown stays until rows
/// replace it.
fn start(state: &mut AppState) -> Vec<Command> {
    state.accounts.scanning = Some(Scanning {
        since: state.now,
        total: None,
        progress: None,
        listing_budget: None,
    });
    vec![Command::StartAccountScan]
}

/// Enter: the account under the cursor opens in the settings page's
/// account panel, as if chosen in the account picker.
fn open_account(state: &mut AppState) -> Vec<Command> {
    let Some(row) = state.accounts.selected_row() else {
        return Vec::new();
    };
    let item = PickerItem {
        id: row.account_id.clone(),
        name: row.account_name.clone(),
        detail: String::new(),
        account_id: None,
        account_name: None,
        recent: false,
    };
    state.page = Page::Settings;
    state.settings.focus = Panel::Account;
    picker::request_switch(state, PickerKind::Account, item)
}

/// A batch of the scan's reports, in order: each run of rows is taken in
/// at once, the other reports one by one.
pub(super) fn on_scans(state: &mut AppState, events: Vec<ScanEvent<AccountRow>>) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut rows = Vec::new();
    for event in events {
        match event {
            ScanEvent::Row(row) => rows.push(row),
            other => {
                if !rows.is_empty() {
                    state.accounts.take_rows(rows.drain(..));
                }
                commands.extend(on_scan(state, other));
            }
        }
    }
    if !rows.is_empty() {
        state.accounts.take_rows(rows);
    }
    commands
}

/// One report of the scan other than a row; a whole scan is kept in the
/// cache.
fn on_scan(state: &mut AppState, event: ScanEvent<AccountRow>) -> Option<Command> {
    let page = &mut state.accounts;
    match event {
        ScanEvent::Started { at } => {
            page.source = Source::Scan;
            page.started_at = at;
            page.finished_at = None;
            page.outcome = None;
        }
        ScanEvent::Listing { budget } => {
            if let Some(scanning) = page.scanning.as_mut() {
                scanning.listing_budget = Some(budget);
            }
        }
        ScanEvent::Listed { total } => {
            if let Some(scanning) = page.scanning.as_mut() {
                scanning.total = Some(total);
            }
        }
        ScanEvent::Row(row) => page.take_rows([row]),
        ScanEvent::Progress(progress) => {
            if let Some(scanning) = page.scanning.as_mut() {
                scanning.progress = Some(progress);
            }
        }
        ScanEvent::Finished(end) => {
            page.scanning = None;
            if let Some(listed) = end.listed.as_deref() {
                page.keep_only(listed);
            }
            page.finished_at = Some(end.finished_at);
            page.outcome = Some(end.outcome.clone());
            let kept = match &state.identity {
                Some(identity) if end.outcome == ScanOutcome::Complete => Some(
                    Command::StoreAccountCache(identity.clone(), Box::new(page.to_scan())),
                ),
                _ => None,
            };
            if let ScanOutcome::ListingFailed(error) = &end.outcome {
                say(
                    state,
                    StatusKind::Error,
                    format!(
                        "Could not list every account: {}. The accounts listed were read; r scans again.",
                        error.message
                    ),
                );
            }
            return kept;
        }
    }
    None
}
