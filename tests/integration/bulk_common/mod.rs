//! Shared set-up for the bulk-run tests: scans through the engine, runs
//! driven to their end with a timeout, and what the mock saw per zone.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use trustdeck::api::Client;
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{
    ApplyEnd, ApplyEvent, ApplyOptions, ApplyRun, FleetScan, RunsDir, ScanOptions, start_scan,
};
use trustdeck::mock::RunningMock;

use crate::common::mock_get;

/// Every zone's row, from a scan run to its end.
pub async fn scan(client: &Client) -> FleetScan {
    let mut table = FleetScan::new(None, 0);
    let run = start_scan(client, ScanOptions::default());
    tokio::time::timeout(Duration::from_secs(60), run.run_into(&mut table))
        .await
        .expect("the scan ends within 60 s")
        .expect("the scan finishes");
    table
}

/// A journal folder and an audit log in `dir`, for `mock`.
pub fn options(dir: &TempDir, mock: &RunningMock) -> ApplyOptions {
    ApplyOptions::recorded(runs(dir), audit(dir, mock))
}

/// The journal folder in `dir`.
pub fn runs(dir: &TempDir) -> RunsDir {
    RunsDir::in_dir(dir.path().join("runs"))
}

/// The audit log in `dir`.
pub fn audit(dir: &TempDir, mock: &RunningMock) -> AuditLog {
    AuditLog::new(dir.path().join("audit.jsonl"), None, &mock.base_url())
}

/// The next event, or a failure after 60 s.
pub async fn next(run: &mut ApplyRun) -> Option<ApplyEvent> {
    tokio::time::timeout(Duration::from_secs(60), run.next())
        .await
        .expect("the run reports within 60 s")
}

/// Every event left to the end, and how it ended.
pub async fn finish(mut run: ApplyRun) -> (Vec<ApplyEvent>, ApplyEnd) {
    let mut events = Vec::new();
    while let Some(event) = next(&mut run).await {
        events.push(event);
    }
    let Some(ApplyEvent::Finished(end)) = events.last().cloned() else {
        panic!("the last event is Finished, not {:?}", events.last())
    };
    (events, end)
}

/// The zone id of a `/client/v4/zones/{id}/settings/…` path.
pub fn zone_of(path: &str) -> Option<&str> {
    let rest = path.split("/zones/").nth(1)?;
    let (zone, tail) = rest.split_once('/')?;
    tail.starts_with("settings/csam").then_some(zone)
}

/// How many requests of `method` the mock served per zone's CSAM setting.
pub async fn per_zone(mock: &RunningMock, method: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (m, path) in crate::common::requests(mock).await {
        if m == method
            && let Some(zone) = zone_of(&path)
        {
            *counts.entry(zone.to_owned()).or_default() += 1;
        }
    }
    counts
}

/// Every zone's raw CSAM setting in the mock, by id.
pub async fn zones_state(mock: &RunningMock) -> serde_json::Map<String, Value> {
    mock_get(mock, "/__mock/state").await["zones"]
        .as_object()
        .expect("zones in the state")
        .clone()
}
