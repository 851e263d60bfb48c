//! Reducer tests of the fleet page: the cache first, a scan only when
//! there is none, the scan's reports, the cursor, filters, sort, cancel,
//! and opening a zone. No terminal, no network.

use std::time::Duration;

use serde_json::json;

use super::tests::{loaded, press, setting};
use super::*;
use crate::api::model::{CsamSetting, EmailState, Zone};
use crate::api::{ApiError, Reply};
use crate::fleet::{
    CredentialIdentity, FleetRow, FleetScan, ScanEnd, ScanEvent, ScanOutcome, ScanProgress,
    unix_now,
};
use crate::message::FleetNews;
use crate::state::{Notice, Page, Source};

pub(super) fn row(n: usize, enabled: bool) -> FleetRow {
    let zone: Zone = serde_json::from_value(json!({
        "id": format!("{n:032x}"),
        "name": format!("zone-{n:03}.example.com"),
        "account": {"id": "a".repeat(32), "name": "Acme"},
    }))
    .expect("a zone");
    let answer: Result<Reply<CsamSetting>, ApiError> = Ok(Reply {
        result: setting(EmailState::Valid, enabled, true),
        messages: Vec::new(),
        result_info: None,
    });
    FleetRow::new(&zone, &answer, unix_now())
}

pub(super) fn news(state: &mut AppState, news: FleetNews) -> Vec<Command> {
    update(state, Msg::Fleet(Box::new(news)))
}

fn scan_event(state: &mut AppState, event: ScanEvent) -> Vec<Command> {
    news(state, FleetNews::Scan(event))
}

#[test]
fn the_budget_reported_while_listing_is_kept_until_progress_comes() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    let held = crate::api::Budget {
        remaining: 20,
        ..progress(0, 0).budget
    };
    scan_event(&mut state, ScanEvent::Listing { budget: held });
    let scanning = state.fleet.scanning.as_ref().expect("a scan under way");
    assert_eq!(scanning.listing_budget, Some(held));
    assert!(scanning.progress.is_none());
}

pub(super) fn progress(done: usize, total: usize) -> ScanProgress {
    ScanProgress {
        done,
        total,
        failed: 0,
        calls: done as u64 + 1,
        per_second: 10.0,
        eta: None,
        budget: crate::api::Budget {
            remaining: 1000,
            quota: 1200,
            window: Duration::from_secs(300),
            resets_in: Duration::from_secs(200),
            blocked_for: None,
            in_flight: 0,
            waiting_bulk: 0,
            waiting_interactive: 0,
            learned_from_server: false,
            at: std::time::Instant::now(),
        },
        elapsed: Duration::from_secs(1),
    }
}

pub(super) fn end(outcome: ScanOutcome, total: usize) -> ScanEnd {
    ScanEnd {
        reread: false,
        outcome,
        total,
        read: total,
        failed: 0,
        calls: total as u64 + 1,
        elapsed: Duration::from_secs(1),
        finished_at: unix_now(),
        listed: None,
    }
}

fn starts_scan(commands: &[Command]) -> bool {
    commands.iter().any(|c| matches!(c, Command::StartScan(_)))
}

/// The fleet page opened on a loaded dashboard, its cache empty, a scan
/// of `rows` come in and finished.
fn scanned(rows: Vec<FleetRow>) -> AppState {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    let total = rows.len();
    scan_event(&mut state, ScanEvent::Listed { total });
    for row in rows {
        scan_event(&mut state, ScanEvent::Row(row));
    }
    scan_event(&mut state, ScanEvent::Progress(progress(total, total)));
    scan_event(
        &mut state,
        ScanEvent::Finished(end(ScanOutcome::Complete, total)),
    );
    state
}

fn shown_names(state: &AppState) -> Vec<String> {
    (0..state.fleet.order.len())
        .filter_map(|i| state.fleet.shown(i).map(|r| r.zone_name.clone()))
        .collect()
}

#[test]
fn the_page_reads_the_cache_first_and_scans_only_without_one() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let commands = press(&mut state, "f");
    assert_eq!(state.page, Page::Fleet);
    let identity = CredentialIdentity::Token { id: "t".into() };
    assert!(
        matches!(commands.as_slice(), [Command::LoadFleetCache(i)] if *i == identity),
        "{commands:?}"
    );
    assert!(!starts_scan(&commands));

    let mut cached = FleetScan::new(None, unix_now() - 3600);
    cached.upsert(row(1, false));
    cached.finished_at = Some(unix_now() - 3600);
    let commands = news(&mut state, FleetNews::Cached(Ok(Some(cached))));
    assert!(commands.is_empty(), "a cached scan is shown, not redone");
    assert_eq!(state.fleet.source, Source::Cache);
    assert_eq!(shown_names(&state), ["zone-001.example.com"]);

    // Leaving and coming back asks for nothing again.
    press(&mut state, "1");
    assert_eq!(state.page, Page::Settings);
    assert!(press(&mut state, "f").is_empty());

    // Without a cache, the scan starts by itself.
    let mut fresh = loaded(setting(EmailState::Valid, true, true));
    press(&mut fresh, "f");
    assert!(starts_scan(&news(&mut fresh, FleetNews::Cached(Ok(None)))));
    let mut broken = loaded(setting(EmailState::Valid, true, true));
    press(&mut broken, "f");
    let commands = news(&mut broken, FleetNews::Cached(Err("unreadable".into())));
    assert!(starts_scan(&commands));
    assert!(
        broken.status.is_some(),
        "a cache that could not be read is said"
    );
}

#[test]
fn rows_stream_in_and_the_cursor_stays_on_top_until_moved() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    scan_event(&mut state, ScanEvent::Listed { total: 3 });
    scan_event(&mut state, ScanEvent::Row(row(1, true)));
    scan_event(&mut state, ScanEvent::Row(row(2, true)));
    assert_eq!(state.fleet.order.len(), 2, "rows show as they come");
    scan_event(&mut state, ScanEvent::Row(row(3, false)));
    scan_event(&mut state, ScanEvent::Progress(progress(3, 3)));
    // The zone not scanning sorts first and the untouched cursor is on it.
    assert_eq!(
        state.fleet.selected_row().map(|r| r.zone_name.as_str()),
        Some("zone-003.example.com")
    );

    press(&mut state, "j");
    let chosen = state.fleet.selected_row().map(|r| r.zone_id.clone());
    // A zone read again (now off) sorts first; the moved cursor follows its zone.
    scan_event(&mut state, ScanEvent::Row(row(2, false)));
    scan_event(&mut state, ScanEvent::Progress(progress(3, 3)));
    assert_eq!(
        state.fleet.selected_row().map(|r| r.zone_id.clone()),
        chosen
    );
}

#[test]
fn a_complete_scan_is_cached_and_a_cancelled_one_is_not() {
    let state = scanned(vec![row(1, true)]);
    assert!(state.fleet.scanning.is_none());

    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    scan_event(&mut state, ScanEvent::Row(row(1, true)));
    let commands = scan_event(
        &mut state,
        ScanEvent::Finished(end(ScanOutcome::Complete, 1)),
    );
    assert!(
        matches!(commands.as_slice(), [Command::StoreFleetCache(..)]),
        "{commands:?}"
    );

    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    let commands = press(&mut state, "\x1b");
    assert!(
        matches!(commands.as_slice(), [Command::CancelScan]),
        "{commands:?}"
    );
    let commands = scan_event(
        &mut state,
        ScanEvent::Finished(end(ScanOutcome::Cancelled, 0)),
    );
    assert!(commands.is_empty(), "{commands:?}");
}

#[test]
fn r_scans_again_but_not_while_a_scan_runs() {
    let mut state = scanned(vec![row(1, true)]);
    assert!(starts_scan(&press(&mut state, "r")));
    assert!(state.fleet.scanning.is_some());
    assert!(!starts_scan(&press(&mut state, "r")));
    assert_eq!(state.fleet.order.len(), 1, "the old rows stay meanwhile");
}

#[test]
fn the_name_filter_applies_as_typed_enter_keeps_it_and_esc_drops_it() {
    let mut state = scanned((1..=12).map(|n| row(n, true)).collect());
    press(&mut state, "/01");
    assert_eq!(
        shown_names(&state),
        [
            "zone-001.example.com",
            "zone-010.example.com",
            "zone-011.example.com",
            "zone-012.example.com"
        ]
    );
    press(&mut state, "\n");
    assert!(state.fleet.typing.is_none());
    assert_eq!(state.fleet.order.len(), 4, "Enter keeps the filter");
    // `j` moves again once the filter is kept: it is no longer typed.
    press(&mut state, "j");
    assert_eq!(state.fleet.selected, 1);
    press(&mut state, "/2\x1b");
    assert_eq!(state.fleet.order.len(), 12, "Esc drops the filter");
    assert_eq!(state.fleet.filter.name_contains, None);
}

#[test]
fn quick_filters_toggle_and_sort_cycles() {
    let mut state = scanned(vec![row(1, true), row(2, false), row(3, true)]);
    press(&mut state, "o");
    assert_eq!(shown_names(&state), ["zone-002.example.com"]);
    press(&mut state, "o");
    assert_eq!(state.fleet.order.len(), 3);
    press(&mut state, "S");
    assert_eq!(
        shown_names(&state),
        [
            "zone-001.example.com",
            "zone-002.example.com",
            "zone-003.example.com"
        ],
        "sorted by zone name"
    );
}

#[test]
fn enter_opens_the_zone_in_the_settings_page_with_its_account() {
    let mut state = scanned(vec![row(7, false)]);
    let commands = press(&mut state, "\n");
    assert_eq!(state.page, Page::Settings);
    assert_eq!(
        state.settings.zone.id.as_deref(),
        Some(format!("{:032x}", 7).as_str())
    );
    assert_eq!(
        state.settings.account.id.as_deref(),
        Some("a".repeat(32).as_str())
    );
    assert!(
        !super::tests::request_ids(&commands).is_empty(),
        "the zone's setting loads: {commands:?}"
    );
}

#[test]
fn the_scan_line_counts_down_each_second_only_while_a_scan_runs_on_screen() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    state.status = None;
    assert_eq!(state.next_deadline(), None, "a quiet settings page sleeps");
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    scan_event(&mut state, ScanEvent::Started { at: unix_now() });
    state.status = None;
    let tick = state.next_deadline().expect("a running scan ticks");
    assert!(tick <= state.now + Duration::from_secs(1), "{tick:?}");

    press(&mut state, "1");
    state.status = None;
    assert_eq!(state.next_deadline(), None, "not on screen: no tick");
    press(&mut state, "f");
    scan_event(
        &mut state,
        ScanEvent::Finished(end(ScanOutcome::Complete, 0)),
    );
    state.status = None;
    assert_eq!(state.next_deadline(), None, "a finished scan sleeps");
}

/// Every key of the table, as a key event (its first key, and each other).
fn every_key() -> Vec<crossterm::event::KeyEvent> {
    use crossterm::event::{KeyEvent, KeyModifiers};
    crate::input::BINDINGS
        .iter()
        .flat_map(|b| b.keys.iter())
        .map(|k| {
            let modifiers = if k.ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            KeyEvent::new(k.code, modifiers)
        })
        .collect()
}

#[test]
fn every_key_that_cannot_work_now_says_why() {
    let settings = loaded(setting(EmailState::Valid, true, true));
    let mut account = settings.clone();
    press(&mut account, "2");
    let fleet = scanned(vec![row(1, true), row(2, false)]);
    let mut empty = fleet.clone();
    press(&mut empty, "/zzz\n");
    let read_only = super::tests::loaded_with(
        setting(EmailState::Pending, true, true),
        crate::state::Context {
            read_only: true,
            ..crate::state::Context::default()
        },
    );
    let states = [settings, account, fleet, empty, read_only];
    for (n, start) in states.iter().enumerate() {
        for event in every_key() {
            let mut state = start.clone();
            state.status = None;
            let Some(msg @ Msg::Unavailable(_)) = crate::input::map_key(&state, event) else {
                continue;
            };
            update(&mut state, msg);
            assert!(
                state.status.is_some(),
                "state {n}: {:?} does nothing without a word",
                event.code
            );
        }
    }
}

fn said(state: &AppState) -> String {
    super::tests::text_of(state.status.as_ref().expect("a word on the status line"))
}

#[test]
fn the_keys_the_issue_names_say_why_they_do_nothing() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "D");
    assert!(said(&state).contains("account panel"), "{}", said(&state));
    let mut fleet = scanned(vec![row(1, true), row(2, false)]);
    press(&mut fleet, "\t");
    assert!(said(&fleet).contains("no panels"), "{}", said(&fleet));
    fleet.status = None;
    press(&mut fleet, "h");
    assert!(said(&fleet).contains("no panels"), "{}", said(&fleet));
    press(&mut fleet, "u");
    assert!(
        said(&fleet).contains("No zone is marked"),
        "{}",
        said(&fleet)
    );
    // A key of the other page says where it works.
    press(&mut fleet, "s");
    assert!(
        said(&fleet).contains("zone and account panels"),
        "{}",
        said(&fleet)
    );
    assert_eq!(fleet.page, Page::Fleet);
}

#[test]
fn esc_goes_back_from_the_fleet_and_l_is_no_filter_there() {
    let mut state = scanned(vec![row(1, true), row(2, false)]);
    press(&mut state, "l");
    assert_eq!(state.fleet.order.len(), 2, "l filters nothing");
    press(&mut state, "t");
    assert_eq!(state.fleet.order.len(), 0, "t: only locked zones");
    press(&mut state, "t");
    press(&mut state, "\x1b");
    assert_eq!(state.page, Page::Settings);
}

fn failed_row(n: usize) -> FleetRow {
    let zone = row(n, true);
    let zone: Zone = serde_json::from_value(json!({
        "id": zone.zone_id,
        "name": zone.zone_name,
        "account": {"id": "a".repeat(32), "name": "Acme"},
    }))
    .expect("a zone");
    let answer: Result<Reply<CsamSetting>, ApiError> = Err(ApiError::Timeout {
        after: Duration::from_secs(30),
    });
    FleetRow::new(&zone, &answer, unix_now())
}

#[test]
fn e_reads_again_only_the_failed_rows_and_folds_them_in_place() {
    let mut state = scanned(vec![
        row(1, true),
        failed_row(2),
        row(3, false),
        failed_row(4),
    ]);
    let started_at = state.fleet.scan.as_ref().expect("a scan").started_at;
    let before: Vec<String> = state
        .fleet
        .scan
        .as_ref()
        .expect("a scan")
        .rows()
        .iter()
        .map(|r| r.zone_id.clone())
        .collect();
    let commands = press(&mut state, "E");
    let [Command::StartScan(options)] = commands.as_slice() else {
        panic!("one scan of the failed rows: {commands:?}");
    };
    let asked: Vec<String> = options
        .zones
        .as_ref()
        .expect("only given zones, no listing")
        .iter()
        .map(|zone| zone.id.clone())
        .collect();
    assert_eq!(asked, [row(2, true).zone_id, row(4, true).zone_id]);
    assert_eq!(
        options.zones.as_ref().unwrap()[0].name,
        "zone-002.example.com"
    );
    assert!(state.fleet.scanning.is_some());
    assert!(
        press(&mut state, "E").is_empty(),
        "not twice while it reads"
    );

    scan_event(&mut state, ScanEvent::Listed { total: 2 });
    scan_event(&mut state, ScanEvent::Row(row(2, true)));
    scan_event(&mut state, ScanEvent::Row(row(4, false)));
    let commands = scan_event(
        &mut state,
        ScanEvent::Finished(ScanEnd {
            reread: true,
            ..end(ScanOutcome::Complete, 2)
        }),
    );
    assert!(
        matches!(commands.as_slice(), [Command::StoreFleetCache(..)]),
        "{commands:?}"
    );
    let scan = state.fleet.scan.as_ref().expect("a scan");
    assert_eq!(scan.failed().count(), 0, "none failed now");
    assert_eq!(scan.started_at, started_at, "the scan keeps its dates");
    let after: Vec<String> = scan.rows().iter().map(|r| r.zone_id.clone()).collect();
    assert_eq!(after, before, "in place");
    assert!(state.fleet.scanning.is_none());
    let status = state.status.as_ref().expect("a word");
    assert!(
        matches!(&status.notice, Notice::Text(text) if text.contains("Read again the 2 zones that had failed: 2 read")),
        "{:?}",
        status.notice
    );
    assert!(
        press(&mut state, "E").is_empty(),
        "nothing failed: nothing to read"
    );
}

#[test]
fn a_sentence_that_names_a_key_names_the_one_in_force() {
    let keys = crate::input::Keymap::build(&[
        crate::input::Rebind {
            scope: Some("fleet".into()),
            action: "mark".into(),
            keys: vec!["M".into()],
        },
        crate::input::Rebind {
            scope: None,
            action: "escape".into(),
            keys: vec!["backspace".into()],
        },
    ])
    .unwrap();
    let mut fleet = scanned(vec![row(1, true), row(2, false)]);
    fleet.context.keys = keys;
    press(&mut fleet, "u");
    assert!(
        said(&fleet).contains("M marks the zone under the cursor"),
        "{}",
        said(&fleet)
    );
    press(&mut fleet, "\t");
    assert!(
        said(&fleet).contains("backspace goes back to the panels"),
        "{}",
        said(&fleet)
    );
}
