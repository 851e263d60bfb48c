//! Reverting a run from the dashboard as an admin does it: the real loop
//! on a TestBackend against the embedded mock over loopback, runs
//! journaled in a temporary folder. Scanning is enabled from the fleet
//! page, the summary's "Revert this run" plans the revert (the run's
//! journal read, the zones read again), the typed count confirms it, and
//! the mock's own state shows the zones off again.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::bulk_common::zones_state;
use crate::common::tui::Dashboard;
use crate::common::*;
use serde_json::Value;
use tempfile::TempDir;
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{RunsDir, ScanCache};
use trustdeck::mock::{MockConfig, RunningMock};

/// How long a scan or a run of the small mock may take in a debug build.
const LONG: Duration = Duration::from_secs(30);

fn start(mock: &RunningMock, dir: &TempDir) -> Dashboard {
    Dashboard::start_bulk(
        mock,
        RunsDir::in_dir(dir.path().join("runs")),
        AuditLog::new(dir.path().join("audit.jsonl"), None, &mock.base_url()),
        ScanCache::in_dir(dir.path().join("cache")),
        false,
    )
}

async fn enabled(mock: &RunningMock) -> BTreeSet<String> {
    zones_state(mock)
        .await
        .into_iter()
        .filter(|(_, zone)| zone["enabled"] == true)
        .map(|(id, _)| id)
        .collect()
}

/// Each journal's first line, by file.
fn headers(dir: &TempDir) -> Vec<Value> {
    let mut headers: Vec<Value> = std::fs::read_dir(dir.path().join("runs"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter_map(|text| serde_json::from_str(text.lines().next()?).ok())
                .collect()
        })
        .unwrap_or_default();
    headers.sort_by_key(|h: &Value| h.get("revert_of").is_some());
    headers
}

#[tokio::test]
async fn enabling_from_the_fleet_page_then_reverting_from_the_summary_turns_them_off_again() {
    let mock = start_mock_with(MockConfig {
        zones: Some(24),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let before = enabled(&mock).await;
    let ui = start(&mock, &dir);
    ui.wait_for_text("Sources").await;
    ui.type_keys("f");
    ui.wait_within("the scan's end", LONG, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    ui.type_keys("*");
    ui.wait_for_text("24 marked").await;
    ui.type_keys("b");
    ui.wait_for_text("Change what on 24 marked zones?").await;
    ui.type_keys("\n");
    ui.wait_for_text("Plan · 24 marked zones").await;
    ui.type_keys("\t\n");
    ui.wait_within("the run's summary", LONG, |s| {
        s.contains("Bulk run complete")
    })
    .await;
    let after = enabled(&mock).await;
    let turned_on: BTreeSet<&String> = after.difference(&before).collect();
    assert!(
        turned_on.len() > 1,
        "the run turned zones on: {turned_on:?}"
    );
    let first = headers(&dir);
    assert_eq!(first.len(), 1, "{first:?}");
    let run = first[0]["id"].as_str().expect("the run's id").to_owned();

    // k from Close wraps to the last choice: Revert this run.
    let screen = ui.screen();
    assert!(screen.contains("[ Revert this run ]"), "{screen}");
    ui.type_keys("k\n");
    let screen = ui
        .wait_within("the revert's plan", LONG, |s| s.contains("Reverts run"))
        .await;
    assert!(screen.contains(&format!("revert of run {run}")), "{screen}");
    let count = turned_on.len();
    assert!(
        screen.contains(&format!("Type {count} to confirm")),
        "{screen}"
    );
    assert_eq!(enabled(&mock).await, after, "nothing sent before Run");
    ui.type_keys(&format!("{count}\n"));
    ui.wait_within("the revert's summary", LONG, |s| {
        s.contains("Bulk run complete")
    })
    .await;
    let deadline = Instant::now() + LONG;
    loop {
        let now = enabled(&mock).await;
        if now == before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the zones the run turned on are off again: still on {:?}",
            now.difference(&before).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let all = headers(&dir);
    assert_eq!(all.len(), 2, "the revert is a run of its own: {all:?}");
    assert_eq!(all[1]["revert_of"], run.as_str(), "{}", all[1]);
}

async fn masking(mock: &RunningMock) -> Vec<(String, Value)> {
    let state = mock_get(mock, "/__mock/state").await;
    let dlp = state["dlp"].as_object().expect("dlp in the state");
    dlp.iter()
        .map(|(id, s)| (id.clone(), s["payload_logging"]["masking_level"].clone()))
        .collect()
}

/// The number a plan asks to be typed, if it asks for one.
fn count_asked(screen: &str) -> Option<String> {
    let (_, rest) = screen.split_once(". Type ")?;
    Some(rest.chars().take_while(char::is_ascii_digit).collect())
}

#[tokio::test]
async fn a_masking_run_on_the_accounts_page_reverted_from_its_summary_puts_each_level_back() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(20),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let before = masking(&mock).await;
    let ui = start(&mock, &dir);
    ui.wait_for_text("Payload logging").await;
    ui.type_keys("4");
    ui.wait_within("the scan's end", LONG, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    ui.type_keys("*");
    ui.wait_for("the marks", |s| s.contains("accounts shown ("))
        .await;
    ui.type_keys("b");
    ui.wait_for("the change menu", |s| s.contains("masking full"))
        .await;
    ui.type_keys("jjjj\n");
    let plan = ui
        .wait_for("the plan", |s| s.contains("masking full:"))
        .await;
    match count_asked(&plan) {
        Some(count) => ui.type_keys(&format!("{count}\n")),
        None => ui.type_keys("\t\n"),
    }
    ui.wait_within("the summary", LONG, |s| s.contains("Bulk DLP run complete"))
        .await;
    let after = masking(&mock).await;
    assert_ne!(after, before, "the run changed some masking level");
    assert!(
        ui.screen().contains("[ Revert this run ]"),
        "{}",
        ui.screen()
    );
    ui.type_keys("k\n");
    let plan = ui
        .wait_within("the revert's plan", LONG, |s| s.contains("Reverts run"))
        .await;
    assert!(plan.contains("[ Cancel ]"), "{plan}");
    assert_eq!(masking(&mock).await, after, "nothing sent before Run");
    match count_asked(&plan) {
        Some(count) => ui.type_keys(&format!("{count}\n")),
        None => ui.type_keys("\t\n"),
    }
    ui.wait_within("the revert's summary", LONG, |s| {
        s.contains("Bulk DLP run complete")
    })
    .await;
    assert_eq!(
        masking(&mock).await,
        before,
        "every level as before the run"
    );
    let all = headers(&dir);
    assert_eq!(all.len(), 2, "the revert is a run of its own: {all:?}");
    assert!(all[1].get("revert_of").is_some(), "{}", all[1]);
    mock.shutdown().await;
}

#[tokio::test]
async fn revert_of_an_unknown_run_says_so_and_sends_nothing() {
    let mock = start_mock_with(MockConfig {
        zones: Some(4),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ui = start(&mock, &dir);
    ui.wait_for_text("Sources").await;
    ui.type_keys(":revert 20261208-nosuchrun\n");
    let screen = ui.wait_for_text("there is no run 20261208-nosuchrun").await;
    assert!(screen.contains("Nothing was sent"), "{screen}");
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
    assert!(headers(&dir).is_empty(), "no run was made");
    mock.shutdown().await;
}

#[tokio::test]
async fn an_email_run_offers_no_revert_and_revert_run_says_why() {
    let mock = start_mock_with(MockConfig {
        zones: Some(4),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let zones = zones_state(&mock).await.len();
    let ui = start(&mock, &dir);
    ui.wait_for_text("Sources").await;
    ui.type_keys("f");
    ui.wait_within("the scan's end", LONG, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    ui.type_keys("*");
    ui.wait_for_text(&format!("{zones} marked")).await;
    ui.type_keys("b");
    ui.wait_for_text(&format!("Change what on {zones} marked zones?"))
        .await;
    ui.type_keys("jj\n");
    ui.wait_for_text("Notification email").await;
    ui.type_keys("trust@acme-corp.example\n");
    ui.wait_for_text(&format!("Plan · {zones} marked zones"))
        .await;
    ui.type_keys("\t\n");
    let summary = ui
        .wait_within("the run's summary", LONG, |s| {
            s.contains("Bulk run complete")
        })
        .await;
    assert!(!summary.contains("Revert this run"), "{summary}");
    let run = headers(&dir)[0]["id"].as_str().expect("an id").to_owned();
    let patches = count_requests(&mock, "PATCH").await;
    ui.type_keys("\n");
    ui.wait_for("the summary closed", |s| !s.contains("Bulk run complete"))
        .await;
    ui.type_keys(&format!(":revert {run}\n"));
    let screen = ui.wait_for_text("it set a notification email").await;
    assert!(screen.contains("cannot be reverted"), "{screen}");
    assert_eq!(count_requests(&mock, "PATCH").await, patches);
    assert_eq!(headers(&dir).len(), 1, "no revert run was made");
    mock.shutdown().await;
}
