//! The accounts page as a user meets it: the real dashboard loop on a
//! TestBackend against the embedded mock over loopback; every wait has a
//! timeout and waits for the effect of the key just sent.

use std::time::{Duration, Instant};

use crate::common::tui::{Dashboard, WAIT};
use crate::common::*;
use trustdeck::fleet::ScanCache;

/// How long a whole scan of the demo's accounts may take in a debug build.
const SCAN: Duration = Duration::from_secs(30);

/// How many DLP settings the mock was asked for.
async fn dlp_reads(mock: &trustdeck::mock::RunningMock) -> usize {
    requests(mock)
        .await
        .iter()
        .filter(|(method, path)| method == "GET" && path.ends_with("/dlp/settings"))
        .count()
}

#[tokio::test]
async fn a_scan_fills_the_table_a_quick_filter_narrows_it_and_enter_opens_the_account() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, None, None, 120, 40);
    ui.wait_for_text("Sources").await;
    ui.wait_for_text("Payload logging").await;
    let before = dlp_reads(&mock).await;

    ui.type_keys("4");
    let screen = ui
        .wait_within("the scan's end", SCAN, |s| {
            s.contains("Scanned just now · r scans again") && s.contains("5 accounts")
        })
        .await;
    assert!(screen.contains("4 Accounts · DLP settings"), "{screen}");
    assert!(
        screen.contains("5 accounts · 1 logs payloads in clear · 3 without a payload-logging key"),
        "{screen}"
    );
    assert!(screen.contains("5 of 5 shown"), "{screen}");
    // Attention first: the account that logs in clear heads the table.
    let first = screen
        .lines()
        .find(|l| l.contains("› "))
        .unwrap_or_default();
    assert!(first.contains("Umbrella Health"), "{screen}");
    assert!(first.contains("⚠ clear"), "{screen}");
    assert_eq!(
        dlp_reads(&mock).await - before,
        5,
        "a scan reads each account once"
    );

    ui.type_keys("N");
    let screen = ui
        .wait_for("the no-key filter", |s| {
            s.contains("filter no key") && s.contains("3 of 5 shown")
        })
        .await;
    assert!(!screen.contains("Acme Corp"), "{screen}");
    assert!(screen.contains("Hooli Labs"), "{screen}");

    ui.type_keys("NC");
    ui.wait_for("the in-clear filter alone", |s| {
        s.contains("filter in clear") && s.contains("1 of 5 shown")
    })
    .await;
    ui.type_keys("\n");
    let screen = ui
        .wait_for("the account in the account panel", |s| {
            s.contains("┏ 2 Account · DLP settings · Umbrella Health")
        })
        .await;
    assert!(!screen.contains("4 Accounts"), "{screen}");
}

#[tokio::test]
async fn a_finished_scan_is_kept_and_shown_from_the_cache_without_a_request() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = Dashboard::start_fleet(&mock, ScanCache::in_dir(dir.path()), 120, 40);
    first.wait_for_text("Payload logging").await;
    first.type_keys("4");
    first
        .wait_within("the scan's end", SCAN, |s| {
            s.contains("Scanned just now · r scans again") && s.contains("5 accounts")
        })
        .await;
    // The file is written to `.NAME….tmp` first and then put in place:
    // only the file in place counts.
    let committed = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().starts_with("accounts-"))
    };
    let deadline = Instant::now() + WAIT;
    while !committed() {
        assert!(Instant::now() < deadline, "no cache file was put in place");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.type_keys("q");
    assert!(first.finished().await.quit);

    let second = Dashboard::start_fleet(&mock, ScanCache::in_dir(dir.path()), 120, 40);
    second.wait_for_text("Payload logging").await;
    let before = dlp_reads(&mock).await;
    second.type_keys("4");
    let screen = second
        .wait_for("the cached scan", |s| s.contains("(from the cache)"))
        .await;
    assert!(screen.contains("5 of 5 shown"), "{screen}");
    assert!(screen.contains("Umbrella Health"), "{screen}");
    assert_eq!(dlp_reads(&mock).await, before, "the cache costs no request");
}
