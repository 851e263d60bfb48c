//! A headless bulk run killed with SIGKILL in the middle, then `fleet
//! resume`: every planned zone is changed exactly once, nothing else is
//! touched. The mock lives in this test process, so its request log counts
//! the PATCHes of both processes.
#![cfg(unix)]

use std::collections::HashMap;
use std::time::Duration;

use crate::bulk_common::per_zone;
use crate::common::*;
use crate::headless_common::Headless;
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

/// How many lines of each kind the journal has.
fn kinds(path: &std::path::Path) -> HashMap<String, usize> {
    let mut kinds = HashMap::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        if let Ok(value) = serde_json::from_str::<Value>(line) {
            *kinds
                .entry(value["kind"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    kinds
}

#[tokio::test]
async fn a_run_killed_in_the_middle_resumes_and_changes_every_zone_once() {
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            zones: Some(1000),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    cli.run(&["fleet", "scan", "--json"]).await.expect(0);
    let before = cli.state().await["zones"].clone();
    let plan = cli
        .run(&[
            "fleet",
            "apply",
            "--enable",
            "--only",
            "off",
            "--dry-run",
            "--json",
        ])
        .await;
    plan.expect(0);
    let plan = plan.document("fleet_plan");
    let mut as_asked = Vec::new();
    let mut stays_off = Vec::new();
    for zone in plan["zones"].as_array().unwrap() {
        let id = zone["zone"]["id"].as_str().unwrap().to_owned();
        match zone["expect"].as_str() {
            Some("as_asked") => as_asked.push(id),
            Some("stays_off") => stays_off.push(id),
            _ => {}
        }
    }
    assert!(as_asked.len() > 100, "{}", as_asked.len());
    let planned = as_asked.len() + stays_off.len();

    set_faults(&cli.mock, json!({"latency_ms": 150})).await;
    let mut child = cli.spawn(&[
        "fleet", "apply", "--enable", "--only", "off", "--yes", "--json",
    ]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let outcomes = cli
            .journals()
            .into_iter()
            .next()
            .map_or(0, |p| kinds(&p).get("outcome").copied().unwrap_or(0));
        if outcomes >= planned / 4 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the kill"
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "no progress in the journal"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), None, "killed by a signal");
    let path = cli.journals().into_iter().next().unwrap();
    let seen = kinds(&path);
    assert!(seen["outcome"] < planned, "killed before its end: {seen:?}");
    assert!(!seen.contains_key("finished"), "{seen:?}");
    assert!(
        seen["sending"] > seen["outcome"],
        "zones were in flight: {seen:?}"
    );
    // Let the mock finish what reached it before the kill (its latency
    // holds each request), so the counts below are final.
    let mut last = usize::MAX;
    loop {
        let now = cli.request_count().await;
        if now == last {
            break;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }

    let listed = cli
        .run(&["fleet", "runs", "--json"])
        .await
        .document("fleet_runs");
    assert_eq!(listed["runs"][0]["state"], "unfinished");
    set_faults(&cli.mock, json!({"latency_ms": 0})).await;
    let resumed = cli.run(&["fleet", "resume", "--yes", "--json"]).await;
    resumed.expect(1);
    let document = resumed.document("fleet_run");
    assert_eq!(document["state"], "complete");
    assert_eq!(document["scan"], Value::Null, "a resume plans from no scan");
    let summary = &document["counts"];
    assert_eq!(summary["left"], 0, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["unknown"], 0, "{summary}");

    let patches = per_zone(&cli.mock, "PATCH").await;
    let after = cli.state().await["zones"].clone();
    for zone in &as_asked {
        assert_eq!(patches.get(zone), Some(&1), "one PATCH for {zone}");
        assert_eq!(after[zone]["enabled"], true, "{zone}");
    }
    for zone in &stays_off {
        assert!(patches.get(zone).copied().unwrap_or(0) <= 1, "{zone}");
        assert_eq!(after[zone], before[zone], "kept off: {zone}");
    }
    let others: Vec<&String> = patches
        .keys()
        .filter(|z| !as_asked.contains(z) && !stays_off.contains(z))
        .collect();
    assert!(
        others.is_empty(),
        "zones outside the plan were sent: {others:?}"
    );
    for (zone, state) in after.as_object().unwrap() {
        if !as_asked.contains(zone) {
            assert_eq!(state, &before[zone], "{zone} is untouched");
        }
    }
    let again = cli.run(&["fleet", "resume", "--yes"]).await;
    again.expect(4);
    assert!(
        again.stderr.contains("no unfinished run"),
        "{}",
        again.stderr
    );
}
