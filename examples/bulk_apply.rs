//! Measures a bulk run (`trustdeck::fleet::start_apply`) against the
//! embedded mock over real HTTP on loopback, audit log included:
//!
//! 1. ZONES zones (default 1,000) with 50 ms mock latency and no rate limit
//!    (target: the run in at most 3 s). The mock sends no rate-limit
//!    headers then, so the client is told a budget of 100,000 per 5 minutes:
//!    what is measured is the engine, not Cloudflare's 1,200.
//! 2. The journal's cost (target: at most 5 % of the run's time): the same
//!    run with the journal on this disk, on tmpfs (`/dev/shm`: the same
//!    work without the fsyncs' wait) and off, REPEAT times each
//!    (default 5), interleaved; medians compared.
//! 3. LIMITED zones (default 400) against a mock limit of 120/30s, the
//!    client told the same (`--rate-limit 120/30s`): target no 429 and at
//!    least 80 % of the limit (the 10 % reserve included). The scan before
//!    it runs with the limit off; the run takes a few windows of 30 s.
//!
//!     cargo run --release --example bulk_apply [-- ZONES [REPEAT [LIMITED]]]

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{
    ApplyEnd, ApplyEvent, ApplyOptions, Change, FleetScan, Plan, RunsDir, ScanOptions, start_apply,
    start_scan,
};
use trustdeck::mock::{self, MockConfig, RunningMock};

/// Where a run keeps its journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Journal {
    Disk,
    Tmpfs,
    Off,
}

async fn post(mock: &RunningMock, path: &str, body: Value) {
    let answer = reqwest::Client::new()
        .post(format!("http://{}{path}", mock.addr()))
        .json(&body)
        .send()
        .await
        .expect("a mock-only endpoint");
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
}

/// The statuses of the mock's request log.
async fn statuses(mock: &RunningMock) -> Vec<u64> {
    let log: Value = reqwest::get(format!("http://{}/__mock/requests", mock.addr()))
        .await
        .expect("the request log")
        .json()
        .await
        .expect("JSON");
    log.as_array()
        .map(|items| items.iter().filter_map(|r| r["status"].as_u64()).collect())
        .unwrap_or_default()
}

fn client(mock: &RunningMock, limit: (u32, Duration)) -> Client {
    let config = ClientConfig::new(Credentials::token(
        mock.credentials().full_access_token.clone(),
    ))
    .with_base_url(mock.base_url())
    .with_rate_limit(Some(limit));
    Client::new(config).expect("a client")
}

async fn scan(client: &Client) -> FleetScan {
    let mut table = FleetScan::new(None, 0);
    start_scan(client, ScanOptions::default())
        .run_into(&mut table)
        .await
        .expect("the scan ends");
    table
}

/// One run of `plan`: its end, its time from the call to `Finished`, and
/// when each zone's outcome came (seconds from the call).
async fn run(
    client: &Client,
    plan: &Plan,
    journal: Journal,
    audited: bool,
    dir: &Path,
) -> (ApplyEnd, f64, Vec<f64>) {
    let audit = audited.then(|| AuditLog::new(dir.join("audit.jsonl"), None, client.base_url()));
    let runs = match journal {
        Journal::Disk => Some(RunsDir::in_dir(dir.join("runs"))),
        Journal::Tmpfs => Some(RunsDir::in_dir(
            Path::new("/dev/shm").join(format!("trustdeck-bulk-{}", std::process::id())),
        )),
        Journal::Off => None,
    };
    let options = ApplyOptions {
        journal: runs,
        audit,
        ..ApplyOptions::unrecorded()
    };
    let started = Instant::now();
    let mut run = start_apply(client, plan.clone(), options)
        .await
        .expect("the run starts");
    let mut end = None;
    let mut outcomes = Vec::new();
    while let Some(event) = run.next().await {
        match event {
            ApplyEvent::Zone(_) => outcomes.push(started.elapsed().as_secs_f64()),
            ApplyEvent::Finished(finished) => end = Some(finished),
            _ => {}
        }
    }
    let end = end.expect("a Finished event");
    (end, started.elapsed().as_secs_f64(), outcomes)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn unlimited(zones: usize, repeat: usize) {
    let mock = mock::start(MockConfig {
        zones: Some(zones),
        latency: Some(Duration::from_millis(50)),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    let client = client(&mock, (100_000, Duration::from_secs(300)));
    let rows = scan(&client).await;
    let plan = Plan::new(
        Change::set_email("trust-safety@example.com").expect("an address"),
        rows.rows(),
    );
    println!(
        "{} zones, 50 ms latency, no rate limit: {} PATCHes planned ({})",
        rows.rows().len(),
        plan.to_send(),
        plan.summary()
    );
    let dir = tempfile::tempdir_in(".").expect("a folder on this disk");
    let setups = [
        (Journal::Disk, true),
        (Journal::Tmpfs, true),
        (Journal::Off, true),
        (Journal::Off, false),
    ];
    let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for round in 0..repeat {
        for (i, (journal, audited)) in setups.into_iter().enumerate() {
            post(&mock, "/__mock/reset", json!({})).await;
            let (end, seconds, _) = run(&client, &plan, journal, audited, dir.path()).await;
            assert_eq!(
                end.summary.done + end.summary.adjusted,
                plan.to_send(),
                "{:?}",
                end.summary
            );
            println!(
                "  round {round}, journal {journal:?}, audit {}: {seconds:.3} s, {} calls, \
                 {:.0} calls/s",
                if audited { "on" } else { "off" },
                end.calls,
                end.calls as f64 / seconds
            );
            times[i].push(seconds);
        }
    }
    let [disk, tmpfs, off, bare] = times.map(median);
    println!(
        "median: journal on disk {disk:.3} s, on tmpfs {tmpfs:.3} s, off {off:.3} s (audit on); \
         journal and audit off {bare:.3} s. The journal adds {:+.1} % (disk vs off), \
         {:+.1} % (disk vs tmpfs)",
        (disk / off - 1.0) * 100.0,
        (disk / tmpfs - 1.0) * 100.0
    );
    let _ = std::fs::remove_dir_all(format!("/dev/shm/trustdeck-bulk-{}", std::process::id()));
    mock.shutdown().await;
}

async fn limited(zones: usize) {
    let mock = mock::start(MockConfig {
        zones: Some(zones),
        latency: Some(Duration::from_millis(50)),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    let rows = scan(&client(&mock, (100_000, Duration::from_secs(300)))).await;
    let plan = Plan::new(
        Change::set_email("trust-safety@example.com").expect("an address"),
        rows.rows(),
    );
    post(&mock, "/__mock/faults", json!({"rate_limit": "120/30s"})).await;
    let before = statuses(&mock).await.len();
    let client = client(&mock, (120, Duration::from_secs(30)));
    let dir = tempfile::tempdir_in(".").expect("a folder on this disk");
    let (end, seconds, outcomes) = run(&client, &plan, Journal::Disk, true, dir.path()).await;
    let log = statuses(&mock).await;
    let refused = log[before.min(log.len())..]
        .iter()
        .filter(|s| **s == 429)
        .count();
    // Outcomes per 30 s from the start: every window but the last is full.
    let windows = (seconds / 30.0).ceil() as usize;
    let mut per_window = vec![0usize; windows.max(1)];
    for at in outcomes {
        per_window[((at / 30.0) as usize).min(windows.saturating_sub(1))] += 1;
    }
    let full = &per_window[..per_window.len().saturating_sub(1)];
    let share = if full.is_empty() {
        f64::NAN
    } else {
        full.iter().sum::<usize>() as f64 / (full.len() * 120) as f64 * 100.0
    };
    println!(
        "{} zones, mock limit 120/30s: {} PATCHes in {seconds:.1} s, per 30 s window \
         {per_window:?}: the full windows used {share:.0} % of the limit; {refused} × 429; {:?}",
        rows.rows().len(),
        end.calls,
        end.summary
    );
    mock.shutdown().await;
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let zones = args.next().map_or(1000, |n| n.expect("ZONES is a number"));
    let repeat = args.next().map_or(5, |n| n.expect("REPEAT is a number"));
    let limited_zones = args.next().map_or(400, |n| n.expect("LIMITED is a number"));
    unlimited(zones, repeat.max(1)).await;
    if limited_zones > 0 {
        limited(limited_zones).await;
    }
}
