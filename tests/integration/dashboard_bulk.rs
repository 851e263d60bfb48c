//! Bulk changes on the fleet page as an admin makes them: the real
//! dashboard loop on a TestBackend against the embedded mock over
//! loopback, runs journaled in a temporary folder and audited. Every wait
//! has a timeout and waits for the effect of the key just sent; requests
//! are counted once the run has ended.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::bulk_common::{per_zone, zones_state};
use crate::common::tui::Dashboard;
use crate::common::*;
use crossterm::event::KeyCode;
use serde_json::json;
use tempfile::TempDir;
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{RunStatus, RunsDir, ScanCache};
use trustdeck::mock::{MockConfig, RunningMock};

/// How long a scan or a run of the small mock may take in a debug build.
const LONG: Duration = Duration::from_secs(30);

async fn small_mock() -> RunningMock {
    start_mock_with(MockConfig {
        zones: Some(48),
        ..MockConfig::demo()
    })
    .await
}

/// Enough zones to send to that a run outlasts the pacer's bulk slots
/// (28 at once), so pause, stop and quit find zones not sent yet.
async fn big_mock() -> RunningMock {
    start_mock_with(MockConfig {
        zones: Some(200),
        ..MockConfig::demo()
    })
    .await
}

fn runs(dir: &TempDir) -> RunsDir {
    RunsDir::in_dir(dir.path().join("runs"))
}

fn audit(dir: &TempDir, mock: &RunningMock) -> AuditLog {
    AuditLog::new(dir.path().join("audit.jsonl"), None, &mock.base_url())
}

fn start(mock: &RunningMock, dir: &TempDir, read_only: bool) -> Dashboard {
    Dashboard::start_bulk(
        mock,
        runs(dir),
        audit(dir, mock),
        ScanCache::in_dir(dir.path().join("cache")),
        read_only,
    )
}

/// The dashboard on the fleet page after a whole scan.
async fn scanned(mock: &RunningMock, dir: &TempDir, read_only: bool) -> Dashboard {
    let ui = start(mock, dir, read_only);
    ui.wait_for_text("Sources").await;
    ui.type_keys("f");
    ui.wait_within("the scan's end", LONG, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    ui
}

/// The text inside a dialog drawn over the table, its lines joined.
fn dialog_text(screen: &str) -> String {
    let inside: Vec<&str> = screen
        .lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split('┃').collect();
            (parts.len() >= 4).then(|| parts[2])
        })
        .collect();
    inside
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What enabling scanning on every zone will do, from the mock's own state:
/// (will change, will stay off, locked, already on) and the zones sent to.
async fn expected_enable(mock: &RunningMock) -> ([usize; 4], Vec<String>) {
    let mut counts = [0; 4];
    let mut sent = Vec::new();
    for (id, zone) in zones_state(mock).await {
        let i = if zone["editable"] == false {
            2
        } else if zone["enabled"] == true {
            3
        } else if zone["email_state"] != "valid" {
            1
        } else {
            0
        };
        counts[i] += 1;
        if i < 2 {
            sent.push(id);
        }
    }
    sent.sort();
    (counts, sent)
}

async fn patched(mock: &RunningMock) -> HashMap<String, usize> {
    per_zone(mock, "PATCH").await
}

/// Marks every zone and opens the plan of "enable scanning".
async fn plan_enable(ui: &Dashboard, mock: &RunningMock) -> String {
    let zones = zones_state(mock).await.len();
    ui.type_keys("*");
    ui.wait_for_text(&format!("{zones} marked")).await;
    ui.type_keys("b");
    ui.wait_for_text(&format!("Change what on {zones} marked zones?"))
        .await;
    ui.type_keys("\n");
    ui.wait_for_text(&format!("Plan · {zones} marked zones"))
        .await
}

#[tokio::test]
async fn the_plan_matches_the_mock_cancel_sends_nothing_and_run_patches_each_planned_zone_once() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, false).await;
    let ([change, stay_off, locked, on], sent) = expected_enable(&mock).await;
    let screen = plan_enable(&ui, &mock).await;
    let text = dialog_text(&screen);
    let words = format!(
        "enable scanning: {change} will change · {stay_off} will stay off until the email is \
         verified · {locked} locked, skipped · {on} already on"
    );
    assert!(text.contains(&words), "{words}\nin\n{screen}");

    // Enter as the plan opens takes Cancel.
    ui.type_keys("\n");
    ui.wait_for_text("Bulk change cancelled; nothing was sent.")
        .await;
    assert!(patched(&mock).await.is_empty());

    ui.type_keys("b");
    ui.wait_for_text("Change what on 48 marked zones?").await;
    ui.type_keys("\n");
    ui.wait_for_text("Plan · 48 marked zones").await;
    ui.type_keys("\t\n");
    let screen = ui
        .wait_within("the run's summary", LONG, |s| {
            s.contains("Bulk run complete")
        })
        .await;
    assert!(screen.contains("Run complete:"), "{screen}");
    let patches = patched(&mock).await;
    let mut zones: Vec<String> = patches.keys().cloned().collect();
    zones.sort();
    assert_eq!(zones, sent, "exactly the planned zones");
    assert!(patches.values().all(|n| *n == 1), "each once: {patches:?}");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    let intents = audit
        .lines()
        .filter(|l| l.contains("\"outcome_at\":null"))
        .count();
    assert!(intents >= sent.len(), "every write audited: {intents}");
    let state = zones_state(&mock).await;
    assert!(
        sent.iter()
            .filter(|id| state[*id]["email_state"] == "valid")
            .all(|id| state[id]["enabled"] == true)
    );
}

#[tokio::test]
async fn pause_holds_every_new_request_and_going_on_finishes_the_run() {
    let mock = big_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, false).await;
    let (_, sent) = expected_enable(&mock).await;
    plan_enable(&ui, &mock).await;
    set_faults(&mock, json!({"latency_ms": 300})).await;
    ui.type_keys("y");
    ui.wait_within("the first outcome", LONG, |s| {
        s.contains("✓ done") || s.contains("≈ adjusted")
    })
    .await;
    ui.type_keys("p");
    // Paused, and the writes in flight answered.
    ui.wait_within("the pause to hold", LONG, |s| {
        s.contains("Paused [") && !s.contains("in flight finish")
    })
    .await;
    let held = count_requests(&mock, "PATCH").await;
    assert!(held < sent.len(), "paused before the end: {held}");
    // Nothing shows that no request comes: a window of the mock's latency
    // many times over must pass without one.
    let window = Instant::now() + Duration::from_millis(900);
    while Instant::now() < window {
        assert_eq!(
            count_requests(&mock, "PATCH").await,
            held,
            "no PATCH while paused"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ui.type_keys("p");
    ui.wait_within("the run's end", LONG, |s| s.contains("Bulk run complete"))
        .await;
    let patches = patched(&mock).await;
    assert_eq!(patches.len(), sent.len());
    assert!(patches.values().all(|n| *n == 1));
}

#[tokio::test]
async fn esc_asks_before_stopping_and_stopping_sends_nothing_more() {
    let mock = big_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, false).await;
    let (_, sent) = expected_enable(&mock).await;
    plan_enable(&ui, &mock).await;
    set_faults(&mock, json!({"latency_ms": 300})).await;
    ui.type_keys("y");
    ui.wait_within("the first outcome", LONG, |s| {
        s.contains("✓ done") || s.contains("≈ adjusted")
    })
    .await;
    ui.key(KeyCode::Esc);
    ui.wait_for_text("Stop the bulk run?").await;
    // The question pauses the run: once those in flight are answered,
    // nothing more is sent while it is read.
    ui.wait_within("the pause to hold", LONG, |s| {
        s.contains("Paused [") && !s.contains("in flight finish")
    })
    .await;
    let held = count_requests(&mock, "PATCH").await;
    let window = Instant::now() + Duration::from_millis(900);
    while Instant::now() < window {
        assert_eq!(
            count_requests(&mock, "PATCH").await,
            held,
            "no PATCH while the question is asked"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ui.type_keys("\n");
    ui.wait_for("the question gone", |s| !s.contains("Stop the bulk run?"))
        .await;
    // Keep going goes on.
    let deadline = Instant::now() + LONG;
    while count_requests(&mock, "PATCH").await == held {
        assert!(Instant::now() < deadline, "the run went on");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ui.key(KeyCode::Esc);
    ui.wait_for_text("Stop the bulk run?").await;
    ui.type_keys("y");
    let screen = ui
        .wait_within("the stopped run", LONG, |s| s.contains("Bulk run stopped"))
        .await;
    assert!(screen.contains("not sent"), "{screen}");
    let stopped = count_requests(&mock, "PATCH").await;
    assert!(stopped < sent.len(), "{stopped} of {}", sent.len());
    assert!(patched(&mock).await.values().all(|n| *n == 1));
    let (infos, _) = runs(&dir).list();
    assert_eq!(infos[0].status, RunStatus::Cancelled);
}

#[tokio::test]
async fn the_failed_are_retried_once_from_the_summary() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, false).await;
    let (_, sent) = expected_enable(&mock).await;
    plan_enable(&ui, &mock).await;
    set_faults(&mock, json!({"fail_rate": 0.3})).await;
    ui.type_keys("y");
    let screen = ui
        .wait_within("the first run's end", LONG, |s| {
            s.contains("Bulk run complete")
        })
        .await;
    assert!(screen.contains("[ Retry "), "some zones failed:\n{screen}");
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    ui.type_keys("\t\n");
    ui.wait_for_text("Retrying the").await;
    ui.wait_within("the retry's end", LONG, |s| {
        s.contains("Bulk run complete") && !s.contains("failed")
    })
    .await;
    let state = zones_state(&mock).await;
    for id in &sent {
        if state[id]["email_state"] == "valid" {
            assert_eq!(state[id]["enabled"], true, "{id}");
        }
    }
    let (infos, _) = runs(&dir).list();
    assert_eq!(infos.len(), 2, "the run and its retry");
    assert!(infos.iter().any(|i| i.retry_of.is_some()));
}

#[tokio::test]
async fn disabling_scanning_on_several_zones_takes_their_number_typed() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, false).await;
    ui.type_keys("*b");
    ui.wait_for_text("Change what on 48 marked zones?").await;
    ui.type_keys("j\n");
    let screen = ui.wait_for_text("Plan · 48 marked zones").await;
    let text = dialog_text(&screen);
    let count: usize = text
        .split("Type ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count to type:\n{screen}"));
    ui.type_keys("\n");
    ui.wait_for_text("the number of zones, to confirm").await;
    ui.type_keys(&format!("{}\n", count + 1));
    ui.wait_for_text(&format!("That is not {count}")).await;
    assert!(
        patched(&mock).await.is_empty(),
        "nothing sent on a wrong count"
    );
    for _ in 0..(count + 1).to_string().len() {
        ui.key(KeyCode::Backspace);
    }
    ui.type_keys(&format!("{count}\n"));
    ui.wait_within("the run's end", LONG, |s| s.contains("Bulk run complete"))
        .await;
    let patches = patched(&mock).await;
    assert_eq!(patches.len(), count);
    assert!(patches.values().all(|n| *n == 1));
}

#[tokio::test]
async fn read_only_plans_but_never_runs() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = scanned(&mock, &dir, true).await;
    let screen = plan_enable(&ui, &mock).await;
    assert!(
        dialog_text(&screen)
            .contains("Read-only mode (--read-only): the plan is shown, but nothing can be sent."),
        "{screen}"
    );
    ui.type_keys("y\t\n");
    ui.wait_for_text("Bulk change cancelled; nothing was sent.")
        .await;
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
    assert!(runs(&dir).list().0.is_empty(), "no run was even journaled");
}

#[tokio::test]
async fn quitting_mid_run_asks_and_the_next_start_offers_to_resume_it() {
    let mock = big_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = scanned(&mock, &dir, false).await;
    let (_, sent) = expected_enable(&mock).await;
    plan_enable(&first, &mock).await;
    set_faults(&mock, json!({"latency_ms": 300})).await;
    first.type_keys("y");
    first
        .wait_within("the first outcome", LONG, |s| {
            s.contains("✓ done") || s.contains("≈ adjusted")
        })
        .await;
    first.type_keys("q");
    first.wait_for_text("Quit during the bulk run?").await;
    first.type_keys("\n");
    first
        .wait_for("the question gone", |s| {
            !s.contains("Quit during the bulk run?")
        })
        .await;
    assert!(first.is_running(), "Stay is the default");
    first.type_keys("qy");
    let state = first.finished().await;
    assert!(state.quit);
    let before = count_requests(&mock, "PATCH").await;
    assert!(before < sent.len(), "quit mid-run: {before}");
    let unfinished = runs(&dir).unfinished(&trustdeck::fleet::api_of(&mock.base_url()));
    assert_eq!(unfinished.len(), 1, "the run stays resumable");
    assert_eq!(
        unfinished[0].in_flight, 0,
        "those in flight were answered first"
    );

    set_faults(&mock, json!({"latency_ms": 0})).await;
    let second = start(&mock, &dir, false);
    second.wait_for_text("Resume an unfinished bulk run?").await;
    second.type_keys("y");
    second
        .wait_within("the resumed run's end", LONG, |s| {
            s.contains("Bulk run complete")
        })
        .await;
    let patches = patched(&mock).await;
    let mut zones: Vec<String> = patches.keys().cloned().collect();
    zones.sort();
    assert_eq!(zones, sent, "every planned zone, nothing else");
    assert!(patches.values().all(|n| *n == 1), "none twice: {patches:?}");
}
