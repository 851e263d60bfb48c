//! Reducer tests of bulk changes on the fleet page: marking, the menu, the
//! plan (Cancel the default, the typed count, read-only), the run's
//! events, pause, stop, quit, the summary's retry, and the resume offer.
//! No terminal, no network.

use std::time::Duration;

use serde_json::json;

use super::tests::{loaded, loaded_with, press, setting, text_of};
use super::*;
use crate::api::model::{CsamSetting, EmailState, Zone};
use crate::api::{ApiError, Reply};
use crate::fleet::{
    ApplyEnd, ApplyEvent, ApplyStart, ApplyTable, Change, FleetRow, FleetScan, RowError, RunId,
    RunState, ScanOutcome, Skip, ZoneOutcome, ZoneResult, unix_now,
};
use crate::message::FleetNews;
use crate::outcome::SaveOutcome;
use crate::state::{BulkDialog, Context, Page, SummaryChoice};

/// Zone `n`: scanning `enabled`, its email `email`, locked unless `editable`.
fn row(n: usize, enabled: bool, email: EmailState, editable: bool) -> FleetRow {
    let zone: Zone = serde_json::from_value(json!({
        "id": format!("{n:032x}"),
        "name": format!("zone-{n:03}.example.com"),
        "account": {"id": "a".repeat(32), "name": "Acme"},
    }))
    .expect("a zone");
    let answer: Result<Reply<CsamSetting>, ApiError> = Ok(Reply {
        result: setting(email, enabled, editable),
        messages: Vec::new(),
        result_info: None,
    });
    FleetRow::new(&zone, &answer, unix_now())
}

/// Five zones: two off with a verified email, one off unverified, one on,
/// one locked.
fn fleet_of(context: Context) -> AppState {
    let mut state = loaded_with(setting(EmailState::Valid, true, true), context);
    press(&mut state, "f");
    let mut scan = FleetScan::new(None, unix_now());
    for row in [
        row(1, false, EmailState::Valid, true),
        row(2, false, EmailState::Valid, true),
        row(3, false, EmailState::Unverified, true),
        row(4, true, EmailState::Valid, true),
        row(5, false, EmailState::Valid, false),
    ] {
        scan.upsert(row);
    }
    scan.finished_at = Some(unix_now());
    scan.outcome = Some(ScanOutcome::Complete);
    update(
        &mut state,
        Msg::Fleet(Box::new(FleetNews::Cached(Ok(Some(scan))))),
    );
    state
}

fn fleet() -> AppState {
    fleet_of(Context::default())
}

fn bulk(state: &AppState) -> Option<&BulkDialog> {
    match &state.dialog {
        Some(Dialog::Bulk(dialog)) => Some(dialog),
        _ => None,
    }
}

fn plan_of(commands: &[Command]) -> Option<&crate::fleet::Plan> {
    commands.iter().find_map(|c| match c {
        Command::StartApply(plan) => Some(plan.as_ref()),
        _ => None,
    })
}

fn apply(state: &mut AppState, event: ApplyEvent) -> Vec<Command> {
    update(state, Msg::Fleet(Box::new(FleetNews::Apply(event))))
}

/// Marks every zone, opens the menu and plans "enable scanning".
fn enable_plan(state: &mut AppState) {
    press(state, "*b");
    press(state, "\n");
    assert!(
        matches!(bulk(state), Some(BulkDialog::Plan(_))),
        "{:?}",
        state.dialog
    );
}

/// A run of `enable_plan` confirmed and started by the engine.
fn running(state: &mut AppState) -> RunId {
    enable_plan(state);
    let commands = press(state, "y");
    assert!(plan_of(&commands).is_some(), "{commands:?}");
    let id = RunId::new();
    let to_do = state
        .fleet
        .run
        .as_ref()
        .expect("a run")
        .table
        .plan()
        .to_send();
    apply(
        state,
        ApplyEvent::Started(ApplyStart {
            run: id.clone(),
            at: unix_now(),
            zones: 5,
            to_do,
            earlier: Vec::new(),
        }),
    );
    id
}

fn result(n: usize, outcome: ZoneOutcome) -> ZoneResult {
    let row = row(n, true, EmailState::Valid, true);
    ZoneResult {
        zone: crate::fleet::PlanZone {
            id: row.zone_id,
            name: row.zone_name,
            account: None,
        },
        outcome,
        at: unix_now(),
        state: None,
    }
}

fn finish(state: &mut AppState, id: &RunId) -> Vec<Command> {
    let summary = state.fleet.run.as_ref().expect("a run").table.summary();
    apply(
        state,
        ApplyEvent::Finished(ApplyEnd {
            run: id.clone(),
            state: RunState::Complete,
            summary,
            calls: 3,
            elapsed: Duration::from_secs(1),
        }),
    )
}

#[test]
fn space_marks_and_moves_down_star_marks_the_shown_and_u_clears() {
    let mut state = fleet();
    let first = state.fleet.selected_row().expect("a row").zone_id.clone();
    press(&mut state, " ");
    assert!(state.fleet.marked.contains(&first));
    assert_eq!(state.fleet.selected, 1, "space moves down, like k9s");
    press(&mut state, "k ");
    assert!(state.fleet.marked.is_empty(), "space again unmarks");
    press(&mut state, "o*");
    assert_eq!(state.fleet.marked.len(), 4, "the four zones not scanning");
    press(&mut state, "u");
    assert!(state.fleet.marked.is_empty());
}

#[test]
fn without_marks_b_acts_on_the_zone_under_the_cursor() {
    let mut state = fleet();
    let name = state.fleet.selected_row().expect("a row").zone_name.clone();
    press(&mut state, "b");
    let Some(BulkDialog::Menu { selection, .. }) = bulk(&state) else {
        panic!("the menu: {:?}", state.dialog);
    };
    assert_eq!(selection.ids.len(), 1);
    assert_eq!(selection.label, name);
    press(&mut state, "\x1b");
    assert!(state.dialog.is_none(), "esc closes the menu");
    press(&mut state, "  b");
    let Some(BulkDialog::Menu { selection, .. }) = bulk(&state) else {
        panic!("the menu");
    };
    assert_eq!(selection.label, "2 marked zones");
}

#[test]
fn the_plan_counts_in_words_and_enter_on_open_sends_nothing() {
    let mut state = fleet();
    enable_plan(&mut state);
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan");
    };
    assert_eq!(
        plan.plan.summary().to_string(),
        "enable scanning: 2 will change · 1 will stay off until the email is verified \
         · 1 locked, skipped · 1 already on"
    );
    assert!(!plan.confirm_selected, "Cancel is the default");
    let commands = press(&mut state, "\n");
    assert!(plan_of(&commands).is_none(), "{commands:?}");
    assert!(state.dialog.is_none());
    assert!(state.fleet.run.is_none());

    enable_plan(&mut state);
    let commands = press(&mut state, "\t\n");
    let plan = plan_of(&commands).expect("Run, once highlighted, starts it");
    assert_eq!(plan.to_send(), 3);
    assert!(state.fleet.marked.is_empty(), "the run's column takes over");
    assert!(state.fleet.run_going());
}

#[test]
fn scanning_off_on_several_zones_asks_for_their_number_typed() {
    let mut state = fleet();
    press(&mut state, "*bj\n");
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan: {:?}", state.dialog);
    };
    assert_eq!(plan.plan.change, Change::DisableScanning);
    assert_eq!(plan.plan.to_send(), 1, "only the zone on is sent");
    assert_eq!(
        plan.count_to_type(),
        None,
        "one zone: Cancel or Run, no count"
    );

    // Two zones on: the count must be typed.
    let mut state = fleet();
    press(&mut state, "*");
    let on = row(6, true, EmailState::Valid, true);
    state
        .fleet
        .scan
        .as_mut()
        .expect("a scan")
        .upsert(on.clone());
    state.fleet.marked.insert(on.zone_id);
    press(&mut state, "bj\n");
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan");
    };
    assert_eq!(plan.count_to_type(), Some(2));
    assert!(state.takes_text(), "the count field takes the keys");
    for keys in ["\n", "y", "3\n"] {
        let commands = press(&mut state, keys);
        assert!(plan_of(&commands).is_none(), "{keys:?}: {commands:?}");
        assert!(bulk(&state).is_some(), "{keys:?} keeps the dialog open");
    }
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan");
    };
    assert!(
        plan.problem
            .as_deref()
            .unwrap_or("")
            .contains("That is not 2")
    );
    // Clear what was typed ("y3"), then the right count.
    let backspace = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Backspace);
    update(&mut state, Msg::EditKey(backspace));
    update(&mut state, Msg::EditKey(backspace));
    let commands = press(&mut state, "2\n");
    assert_eq!(plan_of(&commands).map(|p| p.to_send()), Some(2));
}

#[test]
fn read_only_shows_the_plan_and_never_runs_it() {
    let mut state = fleet_of(Context {
        read_only: true,
        ..Context::default()
    });
    enable_plan(&mut state);
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan");
    };
    assert!(plan.read_only && !plan.runnable());
    let commands = press(&mut state, "y\t\n");
    assert!(plan_of(&commands).is_none(), "{commands:?}");
    assert!(state.fleet.run.is_none());
}

#[test]
fn a_typed_email_is_checked_before_the_plan() {
    let mut state = fleet();
    press(&mut state, "*bjj\n");
    assert!(matches!(bulk(&state), Some(BulkDialog::Email { .. })));
    press(&mut state, "not-an-address\n");
    let Some(BulkDialog::Email { problem, .. }) = bulk(&state) else {
        panic!("still the email");
    };
    assert!(problem.is_some());
    let mut state = fleet();
    press(&mut state, "*bjj\n");
    press(&mut state, "ts@acme-corp.com\n");
    let Some(BulkDialog::Plan(plan)) = bulk(&state) else {
        panic!("the plan: {:?}", state.dialog);
    };
    assert_eq!(
        plan.plan.change,
        Change::set_email("ts@acme-corp.com").unwrap()
    );
}

#[test]
fn the_run_pauses_asks_before_stopping_and_offers_a_retry_of_its_failures() {
    let mut state = fleet();
    let id = running(&mut state);
    assert!(state.fleet.run.as_ref().is_some_and(|r| r.has_started()));
    assert_eq!(press(&mut state, "p"), vec![Command::PauseApply(true)]);
    assert_eq!(press(&mut state, "p"), vec![Command::PauseApply(false)]);
    // Esc pauses and asks, so nothing more is sent while it is read; Enter
    // takes "keep going", which goes on; y stops.
    assert_eq!(press(&mut state, "\x1b"), vec![Command::PauseApply(true)]);
    assert!(matches!(bulk(&state), Some(BulkDialog::StopRun { .. })));
    assert!(state.fleet.run.as_ref().unwrap().paused);
    assert_eq!(press(&mut state, "\n"), vec![Command::PauseApply(false)]);
    assert!(state.dialog.is_none());
    assert!(!state.fleet.run.as_ref().unwrap().paused);
    // Paused with p first: the question leaves it paused either way.
    assert_eq!(press(&mut state, "p"), vec![Command::PauseApply(true)]);
    assert!(press(&mut state, "\x1b").is_empty());
    assert!(press(&mut state, "\n").is_empty());
    assert!(state.fleet.run.as_ref().unwrap().paused);
    assert_eq!(press(&mut state, "p"), vec![Command::PauseApply(false)]);
    assert!(
        press(&mut state, "r").is_empty(),
        "no scan while a run goes"
    );

    let done = ZoneOutcome::Done {
        outcome: SaveOutcome::default(),
    };
    let failed = ZoneOutcome::Failed {
        error: RowError::from_api(&ApiError::Server {
            status: 503,
            message: "busy".into(),
        }),
        retryable: true,
    };
    apply(&mut state, ApplyEvent::Zone(result(1, done)));
    apply(&mut state, ApplyEvent::Zone(result(2, failed)));
    apply(
        &mut state,
        ApplyEvent::Zone(result(3, ZoneOutcome::Skipped(Skip::AlreadySo))),
    );
    let run = state.fleet.run.as_ref().expect("the run");
    let zone = |n: usize| format!("{n:032x}");
    assert_eq!(run.mark(&zone(1)), Some(crate::state::RowMark::Done));
    assert_eq!(run.mark(&zone(2)), Some(crate::state::RowMark::Failed));
    assert_eq!(run.mark(&zone(5)), Some(crate::state::RowMark::Skipped));
    finish(&mut state, &id);
    assert!(matches!(
        bulk(&state),
        Some(BulkDialog::Summary {
            choice: SummaryChoice::Close
        })
    ));
    assert!(press(&mut state, "\n").is_empty(), "Close is the default");
    // F shows the zone that failed only; ctrl-r retries it.
    press(&mut state, "F");
    assert_eq!(state.fleet.order.len(), 1);
    let commands = press(&mut state, "\x12");
    assert_eq!(commands, vec![Command::RetryApply(id)]);
    let retry = state.fleet.run.as_ref().expect("the retry");
    assert_eq!(retry.table.plan().entries.len(), 1);
}

#[test]
fn quitting_during_a_run_asks_and_waits_for_the_requests_in_flight() {
    let mut state = fleet();
    let id = running(&mut state);
    assert!(press(&mut state, "q").is_empty());
    assert!(!state.quit);
    assert!(matches!(bulk(&state), Some(BulkDialog::QuitRun { .. })));
    assert!(press(&mut state, "\n").is_empty(), "Stay is the default");
    assert!(!state.quit);
    assert_eq!(press(&mut state, "qy"), vec![Command::InterruptApply]);
    assert!(!state.quit, "not before those in flight are answered");
    let summary = ApplyTable::new(state.fleet.run.as_ref().unwrap().table.plan().clone()).summary();
    apply(
        &mut state,
        ApplyEvent::Finished(ApplyEnd {
            run: id,
            state: RunState::Stopped(crate::fleet::StopReason::Interrupted),
            summary,
            calls: 0,
            elapsed: Duration::ZERO,
        }),
    );
    assert!(state.quit);
}

#[test]
fn an_unfinished_run_found_at_start_is_offered_leave_it_the_default() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let (runs, id) = unfinished();
    update(
        &mut state,
        Msg::Fleet(Box::new(FleetNews::Unfinished(runs.clone()))),
    );
    assert!(matches!(bulk(&state), Some(BulkDialog::Resume { .. })));
    assert!(press(&mut state, "\n").is_empty());
    assert!(state.dialog.is_none());
    update(
        &mut state,
        Msg::Fleet(Box::new(FleetNews::Unfinished(runs))),
    );
    let commands = press(&mut state, "y");
    assert!(commands.contains(&Command::ResumeApply(id)), "{commands:?}");
    assert_eq!(state.page, Page::Fleet);
}

fn unfinished() -> (Vec<crate::fleet::RunInfo>, RunId) {
    let id = RunId::new();
    let info = crate::fleet::RunInfo {
        id: id.clone(),
        created_at: unix_now(),
        api: "127.0.0.1/client/v4".into(),
        change: Change::EnableScanning,
        to_send: 10,
        summary: crate::fleet::ApplySummary {
            zones: 10,
            done: 4,
            left: 6,
            ..Default::default()
        },
        in_flight: 2,
        status: crate::fleet::RunStatus::Unfinished,
        retry_of: None,
        revert_of: None,
        retried_by: None,
        warnings: 0,
    };
    (vec![info], id)
}

#[test]
fn a_finished_run_keeps_the_scan_with_what_the_run_left() {
    let mut state = fleet();
    let id = running(&mut state);
    let mut done = result(
        1,
        ZoneOutcome::Done {
            outcome: SaveOutcome::default(),
        },
    );
    let now_on = row(1, true, EmailState::Valid, true);
    done.state = now_on.state().cloned();
    apply(&mut state, ApplyEvent::Zone(done));
    let commands = finish(&mut state, &id);
    let kept = commands.iter().find_map(|c| match c {
        Command::StoreFleetCache(_, scan) => Some(scan),
        _ => None,
    });
    let kept = kept.expect("the scan is kept when the run ends");
    let zone = kept.row(&now_on.zone_id).expect("the zone's row");
    assert_eq!(
        zone.state(),
        now_on.state(),
        "the row holds what the run left"
    );
}

#[test]
fn the_run_s_words_go_when_it_ends() {
    let mut state = fleet();
    let id = running(&mut state);
    let said = text_of(state.status.as_ref().expect("the run's words"));
    assert!(said.contains("p pauses, esc stops"), "{said}");
    finish(&mut state, &id);
    let now = state.status.as_ref().map(text_of).unwrap_or_default();
    assert!(!now.contains("p pauses"), "the run is over: {now}");
    assert!(!now.contains("Stopping"), "the run is over: {now}");
}
