//! A cold `fleet apply --enable` measured as the command does it, through
//! the library against the embedded mock over real HTTP on loopback: a scan
//! of every zone, the plan priced from the budget the scan left, then the
//! paced run, with the mock's limit and the client's the same (Cloudflare's
//! 1,200 per 5 minutes by default) and 50 ms of mock latency. Prints the
//! scan's and the run's requests and times, the plan's budget line, the
//! windows the whole took, and any 429.
//!
//! The figure: 1,008 zones (1,000 generated and the 8 written by
//! hand) under 1,200/5m, goal at most 305 s (two windows). The same shape
//! scaled down tenfold runs in about a minute:
//!
//! CHANGE is `enable` (the default) or `email` (a new address: every zone
//! but the locked ones is sent it, as in the 954 PATCHes).
//!
//!     cargo run --release --example cold_apply [-- ZONES [LIMIT [CHANGE]]]
//!     cargo run --release --example cold_apply -- 1000 1200/5m email
//!     cargo run --release --example cold_apply -- 100 120/30s

use std::time::{Duration, Instant};

use serde_json::Value;
use trustdeck::api::pacer::parse_rate_limit;
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::fleet::{
    ApplyEvent, ApplyOptions, Change, FleetScan, MAX_ROW_AGE, Plan, RunCost, ScanOptions,
    start_apply, start_scan, unix_now,
};
use trustdeck::mock::{self, MockConfig};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let zones = args
        .next()
        .map_or(1000, |n| n.parse().expect("ZONES is a number"));
    let limit_text = args.next().unwrap_or_else(|| "1200/5m".to_owned());
    let limit = parse_rate_limit(&limit_text).expect("LIMIT like 1200/5m");
    let change = match args.next().as_deref() {
        None | Some("enable") => Change::EnableScanning,
        Some("email") => Change::set_email("trust-safety@example.com").expect("an address"),
        Some(other) => panic!("CHANGE is enable or email, not {other}"),
    };
    let mock = mock::start(MockConfig {
        zones: Some(zones),
        latency: Some(Duration::from_millis(50)),
        rate_limit: Some(limit_text.parse().expect("a mock rate limit")),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    let config = ClientConfig::new(Credentials::token(
        mock.credentials().full_access_token.clone(),
    ))
    .with_base_url(mock.base_url())
    .with_rate_limit(Some(limit));
    let client = Client::new(config).expect("a client");

    let started = Instant::now();
    let mut rows = FleetScan::new(None, 0);
    let scan = start_scan(&client, ScanOptions::default())
        .run_into(&mut rows)
        .await
        .expect("the scan ends");
    let scanned = started.elapsed().as_secs_f64();
    let plan = Plan::new(change, rows.rows());
    let cost = RunCost::of(
        &plan,
        unix_now(),
        MAX_ROW_AGE,
        &client.budget(),
        &client.pacer_config(),
    );
    println!(
        "{} zones, limit {limit_text}, 50 ms latency, {}: scan {} requests in {scanned:.1} s; \
         plan {} PATCHes; Budget: {cost}",
        rows.rows().len(),
        plan.change.words(),
        scan.calls,
        plan.to_send(),
    );
    let mut run = start_apply(&client, plan, ApplyOptions::unrecorded())
        .await
        .expect("the run starts");
    let mut end = None;
    while let Some(event) = run.next().await {
        if let ApplyEvent::Finished(finished) = event {
            end = Some(finished);
        }
    }
    let end = end.expect("a Finished event");
    let total = started.elapsed().as_secs_f64();
    let window = limit.1.as_secs_f64();
    let log: Value = reqwest::get(format!("http://{}/__mock/requests", mock.addr()))
        .await
        .expect("the request log")
        .json()
        .await
        .expect("JSON");
    let refused = log.as_array().map_or(0, |items| {
        items.iter().filter(|r| r["status"] == 429).count()
    });
    println!(
        "run: {} requests in {:.1} s ({:?}); cold apply in all: {} requests in {total:.1} s \
         = {:.2} windows of {window:.0} s; {refused} × 429",
        end.calls,
        end.elapsed.as_secs_f64(),
        end.summary,
        scan.calls + end.calls,
        total / window,
    );
    mock.shutdown().await;
}
