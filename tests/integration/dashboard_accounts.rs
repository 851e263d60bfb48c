//! The accounts page as a user meets it: the real dashboard loop on a
//! TestBackend against the embedded mock over loopback; every wait has a
//! timeout and waits for the effect of the key just sent.

use std::time::Duration;

use crate::common::tui::Dashboard;
use crate::common::*;

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
