//! Measures `dlp apply --masking full` as the command does it, through the
//! library against the embedded mock over real HTTP on loopback: the
//! accounts scan, the plan, then the paced run through the accounts engine
//! with its journal and audit log on this disk.
//!
//! 1. ACCOUNTS accounts (default 200) with 50 ms mock latency and no rate
//!    limit (the client told 100,000 per 5 minutes, so what is measured is
//!    the engine): goal the run, journal included, in at most 1.5 s.
//! 2. LIMITED accounts (default 200) against a mock limit of 50/5s, the
//!    client told the same: goal no 429 and at least 80 % of the limit in
//!    every full window (the 10 % reserve included). The scan before it
//!    runs with the limit off.
//!
//!     cargo run --release --example dlp_apply [-- ACCOUNTS [LIMITED]]
//!
//! Measured (release, 2 shared cores): 157 PATCHes planned of 200 accounts,
//! the run in 0.40 s (scan and run 0.87 s); under 50/5s, 45 outcomes in each
//! full 5 s window (90 % of the limit), 0 × 429.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{
    AccountPlan, AccountScan, AccountScanOptions, Accounts, ApplyEnd, ApplyEvent, ApplyOptions,
    DlpChange, Masking, RunsDir, ScanEvent, start_account_apply, start_account_scan,
};
use trustdeck::mock::{self, MockConfig, RunningMock};

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

/// Every account's settings, and the scan's time.
async fn scan(client: &Client) -> (AccountScan, f64) {
    let started = Instant::now();
    let mut table = AccountScan::new(0);
    let mut run = start_account_scan(client, AccountScanOptions::default());
    while let Some(event) = run.next().await {
        table.apply(&event);
        if matches!(event, ScanEvent::Finished(_)) {
            break;
        }
    }
    (table, started.elapsed().as_secs_f64())
}

fn plan_of(scan: &AccountScan) -> AccountPlan {
    let change = DlpChange::builder()
        .masking(Masking::Full)
        .build()
        .expect("a change");
    AccountPlan::new(change, scan.rows())
}

/// One run of `plan`, journal and audit log in `dir`: its end, its time
/// from the call to `Finished`, and when each outcome came.
async fn run(
    client: &Client,
    plan: AccountPlan,
    dir: &Path,
) -> (ApplyEnd<Accounts>, f64, Vec<f64>) {
    let options = ApplyOptions {
        journal: Some(RunsDir::in_dir(dir.join("runs"))),
        audit: Some(AuditLog::new(
            dir.join("audit.jsonl"),
            None,
            client.base_url(),
        )),
        ..ApplyOptions::unrecorded()
    };
    let started = Instant::now();
    let mut run = start_account_apply(client, plan, options)
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
    (
        end.expect("a Finished event"),
        started.elapsed().as_secs_f64(),
        outcomes,
    )
}

async fn unlimited(accounts: usize) {
    let mock = mock::start(MockConfig {
        accounts: Some(accounts),
        latency: Some(Duration::from_millis(50)),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    let client = client(&mock, (100_000, Duration::from_secs(300)));
    let (rows, scanned) = scan(&client).await;
    let plan = plan_of(&rows);
    let to_send = plan.to_send();
    let summary = plan.summary();
    let dir = tempfile::tempdir_in(".").expect("a folder on this disk");
    let (end, seconds, _) = run(&client, plan, dir.path()).await;
    assert_eq!(
        end.summary.done + end.summary.adjusted,
        to_send,
        "{:?}",
        end.summary
    );
    println!(
        "{} accounts, 50 ms latency, no rate limit, masking full ({summary}): scan {scanned:.3} s; \
         run {to_send} PATCHes, {} calls in {seconds:.3} s (journal and audit on this disk; \
         goal ≤ 1.5 s); scan and run {:.3} s",
        rows.rows().len(),
        end.calls,
        scanned + seconds
    );
    mock.shutdown().await;
}

async fn limited(accounts: usize) {
    let mock = mock::start(MockConfig {
        accounts: Some(accounts),
        latency: Some(Duration::from_millis(50)),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    let (rows, _) = scan(&client(&mock, (100_000, Duration::from_secs(300)))).await;
    let plan = plan_of(&rows);
    post(&mock, "/__mock/faults", json!({"rate_limit": "50/5s"})).await;
    let before = statuses(&mock).await.len();
    let client = client(&mock, (50, Duration::from_secs(5)));
    let dir = tempfile::tempdir_in(".").expect("a folder on this disk");
    let (end, seconds, outcomes) = run(&client, plan, dir.path()).await;
    let log = statuses(&mock).await;
    let refused = log[before.min(log.len())..]
        .iter()
        .filter(|s| **s == 429)
        .count();
    // Outcomes per 5 s from the start: every window but the last is full.
    let windows = (seconds / 5.0).ceil() as usize;
    let mut per_window = vec![0usize; windows.max(1)];
    for at in outcomes {
        per_window[((at / 5.0) as usize).min(windows.saturating_sub(1))] += 1;
    }
    let full = &per_window[..per_window.len().saturating_sub(1)];
    let share = if full.is_empty() {
        f64::NAN
    } else {
        full.iter().sum::<usize>() as f64 / (full.len() * 50) as f64 * 100.0
    };
    println!(
        "{} accounts, mock limit 50/5s: {} calls in {seconds:.1} s, per 5 s window \
         {per_window:?}: the full windows used {share:.0} % of the limit (goal ≥ 80 %); \
         {refused} × 429 (goal 0); {:?}",
        rows.rows().len(),
        end.calls,
        end.summary
    );
    mock.shutdown().await;
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let accounts = args
        .next()
        .map_or(200, |n| n.expect("ACCOUNTS is a number"));
    let limited_accounts = args.next().map_or(200, |n| n.expect("LIMITED is a number"));
    unlimited(accounts).await;
    if limited_accounts > 0 {
        limited(limited_accounts).await;
    }
}
