//! `fleet scan --failed` as the real binary against a mock with injected
//! failures: only the zones that failed are read again, the cache keeps a
//! scan's failures marked until then, and a scan with failed rows says so.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

use crate::common::{requests, set_faults, start_mock_with};
use crate::headless_common::Headless;

/// The ids of the rows of a `--json` scan whose setting could not be read,
/// with their messages.
fn failed_rows(scan: &Value) -> Vec<(String, String)> {
    scan["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .filter(|zone| zone["error"].is_object())
        .map(|zone| {
            assert_eq!(zone["attention"], "unreadable", "{zone}");
            assert_eq!(zone["setting"], Value::Null, "{zone}");
            (
                zone["zone"]["id"].as_str().unwrap_or_default().to_owned(),
                zone["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

const CSAM_SUFFIX: &str = "/settings/csam_scanner_third_party";

/// The zone ids of the CSAM GETs among `log`.
fn csam_gets(log: &[(String, String)]) -> Vec<String> {
    log.iter()
        .filter(|(method, path)| method == "GET" && path.ends_with(CSAM_SUFFIX))
        .map(|(_, path)| {
            path.trim_end_matches(CSAM_SUFFIX)
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Scans with injected 5xx until a scan lists every zone and leaves some
/// rows failed in the cache (the failures are random; a failed listing or
/// a scan without a failed row is tried again, a bounded number of times).
async fn scan_with_failures(headless: &Headless) -> (Vec<(String, String)>, usize) {
    for _ in 0..15 {
        set_faults(&headless.mock, json!({"fail_rate": 0.45})).await;
        let scan = headless
            .run(&["fleet", "scan", "--json", "--fail-on", "error"])
            .await;
        set_faults(&headless.mock, json!({"fail_rate": 0})).await;
        if scan.code != 0 && scan.code != 1 {
            continue;
        }
        let cached = headless.run(&["fleet", "scan", "--cached", "--json"]).await;
        if cached.code != 0 {
            continue;
        }
        let zones = cached.document("fleet_scan")["zones"]
            .as_array()
            .map_or(0, Vec::len);
        let failed = failed_rows(&cached.document("fleet_scan"));
        if failed.is_empty() {
            assert_eq!(scan.code, 0, "no failed row, no --fail-on error: {scan:#?}");
            continue;
        }
        assert_eq!(
            failed_rows(&scan.document("fleet_scan")),
            failed,
            "the cache keeps the failed rows"
        );
        assert_eq!(
            scan.code, 1,
            "--fail-on error fails a scan with failed rows"
        );
        assert!(
            scan.stderr.contains(&format!(
                "{} zone{} could not be read in this scan; `trustdeck fleet scan --failed` reads them again",
                failed.len(),
                if failed.len() == 1 { "" } else { "s" }
            )),
            "{scan:#?}"
        );
        return (failed, zones);
    }
    panic!("no scan with failed rows and a whole listing in 15 tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_reads_again_only_the_zones_that_failed() {
    let headless = Headless {
        mock: start_mock_with(MockConfig {
            zones: Some(120),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().expect("a temp dir"),
    };
    let (failed, zones) = scan_with_failures(&headless).await;
    for (zone, message) in &failed {
        assert!(!message.is_empty(), "{zone} kept no message");
    }

    let cached = headless.run(&["fleet", "scan", "--cached"]).await;
    assert!(
        cached.stderr.contains("could not be read in this scan"),
        "a cached scan with failures says so: {cached:#?}"
    );

    let before = requests(&headless.mock).await.len();
    let again = headless.run(&["fleet", "scan", "--failed", "--json"]);
    let again = again.await;
    again.expect(0);
    let log = requests(&headless.mock).await;
    let sent = &log[before..];
    let read: Vec<String> = csam_gets(sent);
    let wanted: BTreeSet<String> = failed.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        read.iter().cloned().collect::<BTreeSet<_>>(),
        wanted,
        "only the failed zones are read again"
    );
    assert_eq!(read.len(), wanted.len(), "each once: {read:?}");
    assert!(
        !sent
            .iter()
            .any(|(method, path)| method == "GET" && path.ends_with("/zones")),
        "no listing: {sent:?}"
    );
    let printed = again.document("fleet_scan");
    assert_eq!(printed["zones"].as_array().map(Vec::len), Some(zones));
    assert!(failed_rows(&printed).is_empty(), "{again:#?}");

    let cached = headless.run(&["fleet", "scan", "--cached", "--json"]).await;
    cached.expect(0);
    let cached_scan = cached.document("fleet_scan");
    assert!(failed_rows(&cached_scan).is_empty(), "stored merged");
    assert_eq!(cached_scan["zones"].as_array().map(Vec::len), Some(zones));
    assert!(!cached.stderr.contains("could not be read"), "{cached:#?}");

    let before = requests(&headless.mock).await.len();
    let none = headless.run(&["fleet", "scan", "--failed"]).await;
    none.expect(0);
    assert!(
        none.stderr.contains("no zone failed in the cached scan"),
        "{none:#?}"
    );
    let log = requests(&headless.mock).await;
    assert!(csam_gets(&log[before..]).is_empty(), "nothing read");
}

#[tokio::test]
async fn failed_without_a_cached_scan_sends_nothing() {
    let headless = Headless::start().await;
    let run = headless.run(&["fleet", "scan", "--failed"]).await;
    run.expect(4);
    assert!(run.stderr.contains("no cached scan"), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(csam_gets(&requests(&headless.mock).await).is_empty());
}
