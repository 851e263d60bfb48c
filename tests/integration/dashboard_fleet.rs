//! The fleet page as a user meets it: the real dashboard loop on a
//! TestBackend against the embedded mock over loopback; every wait has a
//! timeout and waits for the effect of the key just sent.

use std::time::{Duration, Instant};

use crate::common::tui::{Dashboard, WAIT};
use crate::common::*;
use serde_json::json;
use trustdeck::fleet::ScanCache;
use trustdeck::mock::{MockConfig, RunningMock};

/// How long a whole scan of the small mock may take in a debug build.
const SCAN: Duration = Duration::from_secs(30);

/// The demo data with 48 zones in all, so that a scan is quick in a debug build.
async fn small_mock() -> RunningMock {
    start_mock_with(MockConfig {
        zones: Some(ZONES),
        ..MockConfig::demo()
    })
    .await
}

/// How many CSAM settings the mock was asked for.
async fn csam_reads(mock: &RunningMock) -> usize {
    requests(mock)
        .await
        .iter()
        .filter(|(method, path)| {
            method == "GET" && path.ends_with("/settings/csam_scanner_third_party")
        })
        .count()
}

/// The zones of [`small_mock`]: the 8 written by hand and the 40 generated.
const ZONES: usize = 48;

/// The settings page has loaded its zone, so `f` is read as a page key.
async fn settled(mock: &RunningMock, cache: ScanCache) -> Dashboard {
    let ui = Dashboard::start_fleet(mock, cache, 120, 40);
    ui.wait_for_text("Sources").await;
    ui
}

/// A scan under way that has read at least one zone.
fn scanning_with_progress(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains("Scanning ") && l.contains(" of ") && !l.contains("Scanning 0 of"))
}

#[tokio::test]
async fn a_scan_fills_the_table_and_enter_opens_the_zone_in_settings() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = settled(&mock, ScanCache::in_dir(dir.path())).await;
    ui.type_keys("f");
    ui.wait_within("the scan's end", SCAN, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    let screen = ui.screen();
    assert!(
        screen.contains(&format!("{ZONES} of {ZONES} shown")),
        "{screen}"
    );
    assert!(screen.contains("globex-media.tv"), "{screen}");
    assert!(!screen.contains("(from the cache)"), "{screen}");

    ui.type_keys("o");
    let screen = ui
        .wait_for("the not-scanning filter", |s| {
            s.contains("filter not scanning")
        })
        .await;
    assert!(!screen.contains("shop.acme-corp.com"), "{screen}");
    assert!(screen.contains("globex-media.tv"), "{screen}");

    ui.type_keys("/globex-media.tv");
    ui.wait_for("the typed name", |s| s.contains("name globex-media.tv"))
        .await;
    ui.type_keys("\n");
    ui.wait_for("the filter line closed", |s| {
        s.contains(&format!("2 of {ZONES} shown")) && s.contains("enter open")
    })
    .await;
    ui.type_keys("\n");
    let screen = ui
        .wait_for("the zone on the settings page", |s| {
            s.contains("1 Zone · CSAM Scanner · globex-media.tv")
        })
        .await;
    assert!(screen.contains("Scanning  [ ] off"), "{screen}");
}

#[tokio::test]
async fn a_finished_scan_is_kept_and_shown_from_the_cache_without_a_request() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = settled(&mock, ScanCache::in_dir(dir.path())).await;
    let before = csam_reads(&mock).await;
    first.type_keys("f");
    first
        .wait_within("the scan's end", SCAN, |s| {
            s.contains("Scanned just now · r scans again")
        })
        .await;
    let scanned = csam_reads(&mock).await - before;
    assert_eq!(scanned, ZONES, "a scan reads every zone once");
    let deadline = Instant::now() + WAIT;
    // The cache is written to a temporary file first and then renamed:
    // wait for the file in its place, not for any file.
    let kept = |dir: &std::path::Path| {
        std::fs::read_dir(dir).unwrap().any(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with("fleet-") && name.ends_with(".json")
        })
    };
    while !kept(dir.path()) {
        assert!(Instant::now() < deadline, "no cache file was written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.type_keys("q");
    assert!(first.finished().await.quit);

    let second = settled(&mock, ScanCache::in_dir(dir.path())).await;
    let before = csam_reads(&mock).await;
    second.type_keys("f");
    let screen = second
        .wait_for("the cached scan", |s| s.contains("(from the cache)"))
        .await;
    assert!(screen.contains("globex-media.tv"), "{screen}");
    assert_eq!(
        csam_reads(&mock).await,
        before,
        "the cache costs no request"
    );

    second.type_keys("r");
    second
        .wait_within("a fresh scan's end", SCAN, |s| {
            s.contains("Scanned just now · r scans again")
        })
        .await;
    assert_eq!(
        csam_reads(&mock).await - before,
        scanned,
        "r reads every zone again"
    );
}

#[tokio::test]
async fn esc_stops_a_scan_and_keeps_what_was_read() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = settled(&mock, ScanCache::in_dir(dir.path())).await;
    set_faults(&mock, json!({"latency_ms": 1000})).await;
    ui.type_keys("f");
    ui.wait_within("the scan under way", SCAN, scanning_with_progress)
        .await;
    ui.key(crossterm::event::KeyCode::Esc);
    let screen = ui
        .wait_for("the stopped scan", |s| {
            s.contains("Scan stopped just now, before every zone was read")
        })
        .await;
    assert!(!screen.contains("No zones read yet"), "{screen}");
    let read = csam_reads(&mock).await;
    assert!(read < ZONES, "the scan stopped early, read {read}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "a stopped scan is not kept as if it were whole"
    );
}

#[tokio::test]
async fn a_429_shows_how_long_bulk_work_waits() {
    let mock = small_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let ui = settled(&mock, ScanCache::in_dir(dir.path())).await;
    set_faults(&mock, json!({"latency_ms": 1000})).await;
    ui.type_keys("f");
    ui.wait_within("the scan under way", SCAN, scanning_with_progress)
        .await;
    set_faults(&mock, json!({"lock_out": "30s"})).await;
    let screen = ui
        .wait_for("the rate limit", |s| {
            s.contains("rate limited by Cloudflare · bulk work resumes in")
        })
        .await;
    assert!(screen.contains("esc stops"), "{screen}");
    ui.key(crossterm::event::KeyCode::Esc);
    ui.wait_for("the stopped scan", |s| s.contains("Scan stopped"))
        .await;
}
