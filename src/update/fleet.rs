//! The fleet page's reducer: opening it (the cached scan, else a fresh
//! one), the scan's reports, moving in the table, its filters and sort,
//! and opening a zone in the settings page.

use crossterm::event::Event;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{bulk, bulk_run, picker, say};
use crate::fleet::{Quick, ScanEvent, ScanOptions, ScanOutcome, SortKey, unix_now};
use crate::message::{Command, FleetNews, Msg};
use crate::state::{AppState, Page, PickerItem, PickerKind, Scanning, Source, StatusKind};

/// Rows a page key moves.
const PAGE_ROWS: usize = 10;

/// Shows the fleet page; the first time, asks for the cached scan (a scan
/// starts only when there is none: a scan costs a request per zone of the
/// budget the admin's web dashboard shares).
pub(super) fn show(state: &mut AppState) -> Vec<Command> {
    state.page = Page::Fleet;
    if state.fleet.opened {
        return Vec::new();
    }
    state.fleet.opened = true;
    match state.identity.clone() {
        Some(identity) => vec![Command::LoadFleetCache(identity)],
        None => start(state),
    }
}

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    if state.fleet.typing.is_some() {
        return typing(state, msg);
    }
    let fleet = &mut state.fleet;
    let last = fleet.order.len().saturating_sub(1);
    if matches!(
        msg,
        Msg::Down | Msg::Up | Msg::PageDown | Msg::PageUp | Msg::Top | Msg::Bottom
    ) {
        fleet.moved = true;
    }
    match msg {
        Msg::Down => fleet.selected = (fleet.selected + 1).min(last),
        Msg::Up => fleet.selected = fleet.selected.saturating_sub(1),
        Msg::PageDown => fleet.selected = (fleet.selected + PAGE_ROWS).min(last),
        Msg::PageUp => fleet.selected = fleet.selected.saturating_sub(PAGE_ROWS),
        Msg::Top => fleet.selected = 0,
        Msg::Bottom => fleet.selected = last,
        Msg::ToggleQuick(quick) => toggle(state, quick),
        Msg::CycleSort => {
            fleet.sort = match fleet.sort {
                SortKey::Attention => SortKey::Zone,
                SortKey::Zone => SortKey::Account,
                SortKey::Account => SortKey::Plan,
                SortKey::Plan => SortKey::Attention,
            };
            fleet.reorder();
        }
        Msg::OpenFilter => {
            let typed = fleet.filter.name_contains.clone().unwrap_or_default();
            fleet.typing = Some(Input::new(typed));
        }
        Msg::Refresh if fleet.scanning.is_none() && !fleet.run_going() => return start(state),
        Msg::ReadFailedAgain if fleet.scanning.is_none() && !fleet.run_going() => {
            return read_failed_again(state);
        }
        Msg::ToggleMark => bulk::toggle_mark(state),
        Msg::MarkShown => bulk::mark_shown(state),
        Msg::ClearMarks => bulk::clear_marks(state),
        Msg::OpenBulk if !fleet.run_going() => return bulk::open(state),
        Msg::PauseRun => return bulk_run::pause(state),
        Msg::AskStopRun if fleet.run.as_ref().is_some_and(|r| r.has_started()) => {
            return bulk_run::ask_stop(state);
        }
        Msg::RetryFailed => return bulk_run::retry(state),
        Msg::ToggleNeedsALook => bulk_run::toggle_needs_a_look(state),
        Msg::Escape if fleet.scanning.is_some() => {
            say(
                state,
                StatusKind::Info,
                "Scan cancelled; the zones read so far stay.",
            );
            return vec![Command::CancelScan];
        }
        Msg::Escape if fleet.run.as_ref().is_some_and(|r| r.has_started()) => {
            let run = fleet.run.as_ref().expect("a run");
            if run.stopping || run.quitting {
                say(
                    state,
                    StatusKind::Info,
                    "The run is stopping: the requests in flight finish, the rest are not sent.",
                );
            } else {
                return bulk_run::ask_stop(state);
            }
        }
        Msg::Escape
            if state
                .status
                .as_ref()
                .is_some_and(|s| matches!(s.kind, StatusKind::Error | StatusKind::Warning)) =>
        {
            state.status = None;
        }
        // Nothing left to back out of: esc leaves the fleet, as in k9s.
        Msg::Escape => {
            state.status = None;
            state.page = Page::Settings;
        }
        Msg::Activate => return open_zone(state),
        Msg::CopyId => {
            let Some(id) = fleet.selected_row().map(|row| row.zone_id.clone()) else {
                return Vec::new();
            };
            say(
                state,
                StatusKind::Success,
                format!(
                    "Copied the zone id {id} to the clipboard (OSC 52: the terminal must allow it)."
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
    let fleet = &mut state.fleet;
    let Some(input) = fleet.typing.as_mut() else {
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
        Msg::CommitEdit => fleet.typing = None,
        Msg::CancelEdit => {
            fleet.typing = None;
            fleet.filter.name_contains = None;
        }
        _ => return Vec::new(),
    }
    let typed = fleet.typing.as_ref().map(|i| i.value().trim().to_owned());
    if let Some(typed) = typed {
        fleet.filter.name_contains = (!typed.is_empty()).then_some(typed);
    }
    fleet.selected = 0;
    fleet.reorder();
    Vec::new()
}

fn toggle(state: &mut AppState, quick: Quick) {
    let fleet = &mut state.fleet;
    if let Some(at) = fleet.filter.quick.iter().position(|q| *q == quick) {
        fleet.filter.quick.remove(at);
    } else {
        fleet.filter.quick.push(quick);
    }
    fleet.selected = 0;
    fleet.reorder();
}

/// Starts a scan of every zone; what is shown stays until rows replace it.
fn start(state: &mut AppState) -> Vec<Command> {
    state.fleet.scanning = Some(Scanning {
        since: state.now,
        total: None,
        progress: None,
        listing_budget: None,
    });
    vec![Command::StartScan(ScanOptions::default())]
}

/// Reads again only the rows that failed, folded in where they stand.
fn read_failed_again(state: &mut AppState) -> Vec<Command> {
    let Some(scan) = state.fleet.scan.as_ref() else {
        return Vec::new();
    };
    let options = ScanOptions::failed_of(scan);
    let count = options.zones.as_ref().map_or(0, Vec::len);
    if count == 0 {
        say(
            state,
            StatusKind::Info,
            "Every zone of this scan was read: nothing to read again.",
        );
        return Vec::new();
    }
    say(
        state,
        StatusKind::Info,
        format!(
            "Reading again the {count} zone{} that could not be read; the other rows stay.",
            plural(count)
        ),
    );
    state.fleet.scanning = Some(Scanning {
        since: state.now,
        total: Some(count),
        progress: None,
        listing_budget: None,
    });
    vec![Command::StartScan(options)]
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Enter: the zone under the cursor opens in the settings page (its
/// account follows), as if chosen in the zone picker.
fn open_zone(state: &mut AppState) -> Vec<Command> {
    let Some(row) = state.fleet.selected_row() else {
        return Vec::new();
    };
    let account = row.account.clone();
    let item = PickerItem {
        id: row.zone_id.clone(),
        name: row.zone_name.clone(),
        detail: String::new(),
        account_name: account.as_ref().map(|a| a.name.clone()),
        account_id: account.map(|a| a.id.clone()),
        recent: false,
    };
    state.page = Page::Settings;
    picker::request_switch(state, PickerKind::Zone, item)
}

/// What the fleet engine reports.
pub(super) fn on_news(state: &mut AppState, news: FleetNews) -> Vec<Command> {
    match news {
        FleetNews::Cached(Ok(Some(scan))) => {
            let fleet = &mut state.fleet;
            if fleet.source == Source::Nothing {
                fleet.scan = Some(scan);
                fleet.source = Source::Cache;
                fleet.reorder();
            }
            Vec::new()
        }
        FleetNews::Cached(Ok(None)) => start(state),
        FleetNews::Cached(Err(warning)) => {
            say(state, StatusKind::Warning, warning);
            start(state)
        }
        FleetNews::Scan(event) => on_scans(state, vec![event]),
        FleetNews::Scans(events) => on_scans(state, events),
        other => bulk_run::on_news(state, other),
    }
}

/// A batch of the scan's reports, in order: each run of rows is taken in
/// at once (the cursor placed once), the other reports one by one.
fn on_scans(state: &mut AppState, events: Vec<ScanEvent>) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut rows = Vec::new();
    for event in events {
        match event {
            ScanEvent::Row(row) => rows.push(row),
            other => {
                if !rows.is_empty() {
                    state.fleet.take_rows(rows.drain(..));
                }
                commands.extend(on_scan(state, other));
            }
        }
    }
    if !rows.is_empty() {
        state.fleet.take_rows(rows);
    }
    commands
}

/// One report of the scan other than a row.
fn on_scan(state: &mut AppState, event: ScanEvent) -> Vec<Command> {
    let fleet = &mut state.fleet;
    let scan = fleet
        .scan
        .get_or_insert_with(|| crate::fleet::FleetScan::new(None, unix_now()));
    scan.apply(&event);
    match event {
        ScanEvent::Started { .. } => {
            fleet.source = Source::Scan;
        }
        ScanEvent::Listing { budget } => {
            if let Some(scanning) = fleet.scanning.as_mut() {
                scanning.listing_budget = Some(budget);
            }
        }
        ScanEvent::Listed { total } => {
            if let Some(scanning) = fleet.scanning.as_mut() {
                scanning.total = Some(total);
            }
        }
        // Rows are taken in by `on_scans`.
        ScanEvent::Row(_) => {}
        ScanEvent::Progress(progress) => {
            if let Some(scanning) = fleet.scanning.as_mut() {
                scanning.progress = Some(progress);
            }
        }
        ScanEvent::Finished(end) => {
            fleet.scanning = None;
            fleet.reorder();
            let outcome = end.outcome.clone();
            // Failed rows read again are kept only in a scan that was whole.
            let whole = |scan: &crate::fleet::FleetScan| {
                !end.reread || scan.outcome == Some(ScanOutcome::Complete)
            };
            let kept = match (&state.identity, &state.fleet.scan) {
                (Some(identity), Some(scan)) if outcome == ScanOutcome::Complete && whole(scan) => {
                    Some(Command::StoreFleetCache(
                        identity.clone(),
                        Box::new(scan.clone()),
                    ))
                }
                _ => None,
            };
            if end.reread && outcome == ScanOutcome::Complete {
                let tried = end.read + end.failed;
                let (kind, still) = match end.failed {
                    0 => (StatusKind::Success, String::new()),
                    n => (
                        StatusKind::Warning,
                        format!("; {n} still could not be read (E tries again)"),
                    ),
                };
                say(
                    state,
                    kind,
                    format!(
                        "Read again the {tried} zone{} that had failed: {} read{still}.",
                        plural(tried),
                        end.read
                    ),
                );
            }
            if let ScanOutcome::ListingFailed(error) = &outcome {
                say(
                    state,
                    StatusKind::Error,
                    format!(
                        "Could not list every zone: {}. The zones listed were read; r scans again.",
                        error.message
                    ),
                );
            }
            return kept.into_iter().collect();
        }
    }
    Vec::new()
}
