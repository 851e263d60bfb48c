//! `fleet scan --json` and `--csv` written as the zones are read: still one
//! valid `fleet_scan` document (its summary after the zones) with every
//! zone, the cache complete; and a fleet above `--max-zones` refused from
//! the listing's first page, before any setting is read.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use trustdeck::mock::MockConfig;

use crate::common::{requests, start_mock_with};
use crate::headless_common::Headless;

async fn with_zones(zones: usize, rate_limit: Option<&str>) -> Headless {
    Headless {
        mock: start_mock_with(MockConfig {
            zones: Some(zones),
            rate_limit: rate_limit.map(|limit| limit.parse().unwrap()),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    }
}

fn ids(document: &Value) -> BTreeSet<String> {
    document["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .map(|z| z["zone"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_streamed_scan_is_one_document_with_every_zone_and_a_complete_cache() {
    let cli = with_zones(300, None).await;
    let run = cli
        .run(&["fleet", "scan", "--json", "--fail-on", "off"])
        .await;
    assert!(run.code < 2, "{run:#?}");
    let document = run.document("fleet_scan");
    let zones = document["zones"].as_array().unwrap();
    assert_eq!(zones.len(), 300);
    assert_eq!(ids(&document).len(), 300, "each zone once");
    assert_eq!(document["counts"]["zones"], 300);
    let off = zones
        .iter()
        .filter(|z| z["status"]["coverage"] == "off" || z["status"]["coverage"] == "not_reported")
        .count();
    assert_eq!(document["fail_on"][0]["zones"], off);
    assert_eq!(document["failing"], off > 0);
    assert_eq!(run.code, i32::from(off > 0));
    let (zones_at, summary_at) = (
        run.stdout.find("\"zones\": [").unwrap(),
        run.stdout.find("\"counts\": {").unwrap(),
    );
    assert!(zones_at < summary_at, "the summary comes after the zones");

    let seen = cli.request_count().await;
    let cached = cli.run(&["fleet", "scan", "--cached", "--json"]).await;
    let cached_doc = cached.document("fleet_scan");
    assert_eq!(
        ids(&cached_doc),
        ids(&document),
        "the cache holds every zone"
    );
    assert_eq!(cached_doc["counts"], document["counts"]);
    assert_eq!(cli.request_count().await, seen, "--cached sends nothing");
    let dir = cli.home.path().join("cache/trustdeck");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "no temporary file left: {name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = entry.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{name} is the user's alone");
        }
    }

    let csv = cli.run(&["fleet", "scan", "--csv"]).await;
    assert!(csv.code < 2, "{csv:#?}");
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(lines[0].starts_with("zone_id,zone_name,"), "{}", lines[0]);
    assert_eq!(lines.len(), 301, "the header and a line per zone");
    let csv_ids: BTreeSet<String> = lines[1..]
        .iter()
        .map(|line| line.split(',').next().unwrap().to_owned())
        .collect();
    assert_eq!(csv_ids, ids(&document));
}

#[tokio::test]
async fn rows_are_written_while_the_scan_still_runs() {
    // 40 requests per 2 s: the scan of 100 zones takes three windows, so
    // it cannot have ended when the first window's rows arrive.
    let cli = with_zones(100, Some("40/2s")).await;
    let mut child = cli.spawn(&["fleet", "scan", "--csv"]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..2 {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("a line within 60 s")
            .unwrap();
        assert!(line.is_some(), "stdout ended before any row");
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first rows came before the scan ended"
    );
    let mut count = 2;
    while let Some(_line) = lines.next_line().await.unwrap() {
        count += 1;
    }
    let status = child.wait().await.unwrap();
    assert!(status.code().is_some_and(|c| c < 2), "{status:?}");
    assert_eq!(count, 101);
}

#[tokio::test]
async fn a_fleet_above_max_zones_is_refused_before_any_setting_is_read() {
    let cli = with_zones(200, None).await;
    let run = cli
        .run(&["fleet", "scan", "--json", "--max-zones", "100"])
        .await;
    assert!(run.code >= 2, "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr
            .contains("the listing holds 200 zones, more than the 100 a scan reads"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-zones N"), "{}", run.stderr);
    let sent = requests(&cli.mock).await;
    let listings = sent
        .iter()
        .filter(|(method, path)| method == "GET" && path.ends_with("/zones"))
        .count();
    let settings = sent
        .iter()
        .filter(|(_, path)| path.contains("/settings/"))
        .count();
    assert_eq!((listings, settings), (1, 0), "{sent:?}");
    cli.run(&["fleet", "scan", "--cached"]).await.expect(4);

    let run = cli
        .run(&["fleet", "scan", "--json", "--max-zones", "200"])
        .await;
    assert!(run.code < 2, "{run:#?}");
    assert_eq!(
        run.document("fleet_scan")["zones"]
            .as_array()
            .unwrap()
            .len(),
        200
    );
}
