//! Bulk changes on the fleet page: the change menu, the typed email, the
//! plan (with the typed count, and in read-only mode), a run under way and
//! paused, its summary, and the offer to resume. States first, then the
//! promises a snapshot cannot state.

use std::time::Duration;

use tui_input::Input;

use super::fleet::{budget, fleet_cached};
use super::{footer, screen};
use crate::fleet::{
    ApplyEnd, ApplyProgress, ApplySummary, ApplyTable, Change, Plan, RowError, RunCost, RunId,
    RunInfo, RunState, RunStatus, Skip, ZoneOutcome, ZoneResult, unix_now,
};
use crate::outcome::SaveOutcome;
use crate::state::{
    AppState, BulkDialog, BulkRun, Dialog, MenuChoice, PlanDialog, Selection, SummaryChoice, Typed,
};

// ---------------------------------------------------------------- states

fn every_zone(state: &AppState) -> Selection {
    let zones: Vec<String> = state
        .fleet
        .rows()
        .iter()
        .map(|r| r.zone_id.clone())
        .collect();
    Selection {
        label: format!("{} marked zones", zones.len()),
        ids: zones,
    }
}

fn with(mut state: AppState, dialog: BulkDialog) -> AppState {
    state.dialog = Some(Dialog::Bulk(Box::new(dialog)));
    state
}

fn plan(state: &AppState, change: Change) -> Plan {
    Plan::new(change, state.fleet.rows())
}

pub fn bulk_menu() -> AppState {
    let state = fleet_cached();
    let selection = every_zone(&state);
    with(
        state,
        BulkDialog::Menu {
            selection,
            choices: vec![
                MenuChoice::Change(Change::EnableScanning),
                MenuChoice::Change(Change::DisableScanning),
                MenuChoice::Email,
                MenuChoice::Change(Change::ResendVerification),
                MenuChoice::Change(Change::source("ncmec_ngo", true).unwrap()),
                MenuChoice::Change(Change::source("ncmec_ngo", false).unwrap()),
            ],
            selected: 0,
        },
    )
}

pub fn bulk_email() -> AppState {
    let state = fleet_cached();
    let selection = every_zone(&state);
    with(
        state,
        BulkDialog::Email {
            selection,
            input: Typed(Input::new("trust-and-safety@acme".into())),
            problem: Some("Not sent: the notification email has no valid domain.".into()),
        },
    )
}

fn plan_dialog(state: &AppState, change: Change) -> PlanDialog {
    PlanDialog {
        selection: every_zone(state),
        plan: plan(state, change),
        scroll: 0,
        confirm_selected: false,
        typed: None,
        problem: None,
        read_only: state.context.read_only,
        cost: None,
    }
}

pub fn bulk_plan() -> AppState {
    let state = fleet_cached();
    let mut dialog = plan_dialog(&state, Change::EnableScanning);
    dialog.cost = Some(RunCost {
        patches: dialog.plan.to_send(),
        rereads: 0,
        windows: 1,
        eta: None,
        quota: 1200,
        window: Duration::from_secs(300),
    });
    with(state, BulkDialog::Plan(dialog))
}

pub fn bulk_plan_typed_count() -> AppState {
    let state = fleet_cached();
    let mut dialog = plan_dialog(&state, Change::DisableScanning);
    dialog.typed = Some(Typed(Input::new("1".into())));
    with(state, BulkDialog::Plan(dialog))
}

pub fn bulk_plan_read_only() -> AppState {
    let mut state = fleet_cached();
    state.context.read_only = true;
    let dialog = plan_dialog(&state, Change::EnableScanning);
    with(state, BulkDialog::Plan(dialog))
}

fn result(state: &AppState, index: usize, outcome: ZoneOutcome) -> ZoneResult {
    let row = &state.fleet.rows()[index];
    ZoneResult {
        zone: crate::fleet::PlanZone {
            id: row.zone_id.clone(),
            name: row.zone_name.clone(),
            account: None,
        },
        outcome,
        at: unix_now(),
        state: None,
    }
}

/// Enable scanning on every zone, three outcomes in, the rest on their way.
pub fn bulk_running() -> AppState {
    let mut state = fleet_cached();
    let mut table = ApplyTable::new(plan(&state, Change::EnableScanning));
    let done = ZoneOutcome::Done {
        outcome: SaveOutcome::default(),
    };
    let failed = ZoneOutcome::Failed {
        error: RowError::from_api(&crate::api::ApiError::Server {
            status: 503,
            message: "Service unavailable".into(),
        }),
        retryable: true,
    };
    for (index, outcome) in [(0, done.clone()), (2, done), (3, failed)] {
        table.record(&result(&state, index, outcome));
    }
    let mut run = BulkRun::new(table, state.now, false);
    run.id = Some(RunId::parse("r20250101-aaaa").unwrap());
    run.progress = Some(ApplyProgress {
        done: 3,
        total: 8,
        failed: 1,
        unknown: 0,
        in_flight: 2,
        calls: 5,
        per_second: 4.2,
        eta: Some(Duration::from_secs(12)),
        budget: budget(812, None, state.now),
        elapsed: Duration::from_secs(1),
        paused: false,
    });
    state.fleet.run = Some(run);
    state
}

pub fn bulk_paused() -> AppState {
    let mut state = bulk_running();
    let run = state.fleet.run.as_mut().unwrap();
    run.paused = true;
    run.progress.as_mut().unwrap().paused = true;
    state
}

pub fn bulk_summary() -> AppState {
    let mut state = bulk_running();
    let unknown = ZoneOutcome::Unknown(crate::fleet::UnknownCause::ReplyLost {
        error: RowError::from_api(&crate::api::ApiError::Timeout {
            after: Duration::from_secs(30),
        }),
    });
    let lost = result(&state, 4, unknown);
    let skipped = result(&state, 5, ZoneOutcome::Skipped(Skip::AlreadySo));
    let run = state.fleet.run.as_mut().unwrap();
    run.table.record(&lost);
    run.table.record(&skipped);
    let summary = run.table.summary();
    run.end = Some(ApplyEnd {
        run: run.id.clone().unwrap(),
        state: RunState::Cancelled,
        summary,
        calls: 9,
        elapsed: Duration::from_millis(2400),
    });
    with(
        state,
        BulkDialog::Summary {
            choice: SummaryChoice::Retry,
        },
    )
}

pub fn bulk_resume_offer() -> AppState {
    let state = fleet_cached();
    let run = RunInfo {
        id: RunId::parse("r20250101-bbbb").unwrap(),
        created_at: 1,
        api: "api.cloudflare.com/client/v4".into(),
        change: Change::EnableScanning,
        to_send: 61,
        summary: ApplySummary {
            zones: 64,
            done: 40,
            left: 21,
            ..ApplySummary::default()
        },
        in_flight: 3,
        status: RunStatus::Unfinished,
        retry_of: None,
        revert_of: None,
        retried_by: None,
        warnings: 0,
    };
    with(
        state,
        BulkDialog::Resume {
            run,
            more: 0,
            confirm_selected: false,
        },
    )
}

pub fn scenarios() -> Vec<(&'static str, AppState)> {
    vec![
        ("bulk_menu", bulk_menu()),
        ("bulk_email", bulk_email()),
        ("bulk_plan", bulk_plan()),
        ("bulk_plan_typed_count", bulk_plan_typed_count()),
        ("bulk_plan_read_only", bulk_plan_read_only()),
        ("bulk_running", bulk_running()),
        ("bulk_paused", bulk_paused()),
        ("bulk_summary", bulk_summary()),
        ("bulk_resume_offer", bulk_resume_offer()),
    ]
}

// ---------------------------------------------------------------- promises

#[test]
fn the_plan_says_its_counts_in_words_and_cancel_comes_first() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &bulk_plan());
        let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("enable scanning: 1 will change"), "{shown}");
        assert!(flat.contains("1 locked, skipped"), "{shown}");
        assert!(flat.contains("[ Cancel ] [ Run on"), "{shown}");
    }
    let read_only = screen(80, 24, &bulk_plan_read_only());
    assert!(read_only.contains("nothing can be sent"), "{read_only}");
    assert!(
        read_only.contains("[ Close ]") && !read_only.contains("[ Run"),
        "{read_only}"
    );
    // A lone [ Close ] has nothing to say yes or no to.
    assert!(read_only.contains("enter close  esc close"), "{read_only}");
    assert!(!read_only.contains("y yes"), "{read_only}");
    let typed = screen(120, 40, &bulk_plan_typed_count());
    assert!(typed.contains("Type 9 to confirm: 1"), "{typed}");
}

#[test]
fn a_run_shows_its_progress_and_each_zone_its_outcome() {
    let shown = screen(120, 40, &bulk_running());
    assert!(
        shown.contains("Applying [████░░░░░░░░] 3 of 8 · 1 failed · ETA 12 s · 4 requests/s"),
        "{shown}"
    );
    assert!(shown.contains("budget 812 of 1,200"), "{shown}");
    assert!(shown.contains("RUN") && shown.contains("✓ done") && shown.contains("✗ failed"));
    assert!(shown.contains("· to send"), "{shown}");
    let line = footer(&bulk_running());
    assert!(line.starts_with(" p pause  esc stop run…"), "{line}");
    let paused = screen(80, 24, &bulk_paused());
    assert!(
        paused.contains("Paused [████░░░░░░░░] 3 of 8 · 1 failed · 2 in flight finish"),
        "{paused}"
    );
    assert!(footer(&bulk_paused()).contains("p go on"));
}

#[test]
fn the_summary_offers_the_retry_and_names_what_needs_a_look() {
    let shown = screen(120, 40, &bulk_summary());
    assert!(
        shown.contains("[ Close ]   [ Retry 1 failed ]   [ Show failed/unknown ]"),
        "{shown}"
    );
    assert!(shown.contains("failed: "), "{shown}");
    assert!(shown.contains("unknown: check it"), "{shown}");
}
