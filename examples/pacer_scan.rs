//! A fleet scan through the pacer against the embedded mock, over real HTTP
//! on loopback: list 1,000 zones (50 a page), then GET every zone's CSAM
//! Scanner setting as bulk work. Prints how long it took, the most requests
//! in flight and the 429s; then the same against a rate-limited mock that
//! the pacer was told the limit of (as `--rate-limit` would); then a long
//! scan of 508 zones under 50/5s, with the share of the limit it used
//! (requests served over the limit's rate times the time taken; at most 90 %
//! with the 10 % reserve, goal at least 85 %).
//!
//!     cargo run --release --example pacer_scan

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::task::JoinSet;
use trustdeck::api::pacer::{Observed, Pacer, PacerConfig, Priority, parse_rate_limit};
use trustdeck::mock::{self, MockConfig};

/// What one scan needs: the HTTP client, the mock and the pacer.
#[derive(Clone)]
struct Scan {
    /// Keep-alive connections to the mock.
    http: reqwest::Client,
    /// The mock's API root.
    base: String,
    /// The demo's full-access token.
    token: String,
    /// Every request goes through it.
    pacer: Pacer,
    /// Requests sent and not yet answered.
    in_flight: Arc<AtomicUsize>,
    /// The most there ever were.
    most: Arc<AtomicUsize>,
    /// 429 answers.
    refused: Arc<AtomicUsize>,
    /// Answers that were not 429.
    served: Arc<AtomicUsize>,
}

impl Scan {
    /// One request through the pacer; a 429 is counted and tried again.
    async fn get(&self, path: &str, priority: Priority) -> Value {
        loop {
            let permit = self.pacer.acquire(priority).await;
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            let response = self
                .http
                .get(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("the mock answers");
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            let status = response.status().as_u16();
            permit.finish(&Observed::from_headers(status, response.headers()));
            let body: Value = response.json().await.expect("a JSON body");
            if status != 429 {
                assert_eq!(status, 200, "{body}");
                self.served.fetch_add(1, Ordering::SeqCst);
                return body;
            }
            self.refused.fetch_add(1, Ordering::SeqCst);
        }
    }

    async fn run(&self) -> usize {
        let first = self
            .get("/zones?per_page=50&page=1", Priority::Interactive)
            .await;
        let pages = first["result_info"]["total_pages"].as_u64().unwrap_or(1);
        let mut lists = JoinSet::new();
        for page in 2..=pages {
            let scan = self.clone();
            lists.spawn(async move {
                scan.get(&format!("/zones?per_page=50&page={page}"), Priority::Bulk)
                    .await
            });
        }
        let mut ids = zone_ids(&first);
        while let Some(page) = lists.join_next().await {
            ids.extend(zone_ids(&page.expect("a page")));
        }
        let mut gets = JoinSet::new();
        for id in &ids {
            let (scan, path) = (
                self.clone(),
                format!("/zones/{id}/settings/csam_scanner_third_party"),
            );
            gets.spawn(async move { scan.get(&path, Priority::Bulk).await });
        }
        while let Some(done) = gets.join_next().await {
            done.expect("a zone");
        }
        ids.len()
    }
}

fn zone_ids(page: &Value) -> Vec<String> {
    page["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|zone| zone["id"].as_str().map(str::to_owned))
        .collect()
}

/// The shipped demo data with `zones` zones in all.
fn data_with(zones: u64) -> tempfile::NamedTempFile {
    let mut data: Value =
        serde_json::from_str(include_str!("../assets/demo-data.json")).expect("shipped data");
    let hand_written = data["zones"].as_array().map_or(0, Vec::len) as u64;
    data["generated_zones"]["count"] = (zones - hand_written).into();
    let file = tempfile::NamedTempFile::new().expect("a temp file");
    serde_json::to_writer(&file, &data).expect("written");
    file
}

async fn scan(zones: u64, mock_limit: Option<&str>, pacer: PacerConfig) {
    let data = data_with(zones);
    let running = mock::start(MockConfig {
        data: Some(data.path().to_owned()),
        latency: Some(Duration::from_millis(50)),
        rate_limit: mock_limit.map(|l| l.parse().expect("a mock rate limit")),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    trustdeck::api::install_crypto_provider();
    let scan = Scan {
        http: reqwest::Client::new(),
        base: running.base_url(),
        token: running.credentials().full_access_token.clone(),
        pacer: Pacer::new(pacer),
        in_flight: Arc::default(),
        most: Arc::default(),
        refused: Arc::default(),
        served: Arc::default(),
    };
    let started = Instant::now();
    let scanned = scan.run().await;
    let elapsed = started.elapsed().as_secs_f64();
    let budget = scan.pacer.budget();
    if let Some(limit) = mock_limit {
        let (quota, window) = parse_rate_limit(limit).expect("a limit");
        let served = scan.served.load(Ordering::SeqCst) as f64;
        let share = served / (elapsed / window.as_secs_f64() * f64::from(quota));
        println!(
            "  {served} requests in {elapsed:.2} s under {limit}: {:.1} % of the limit",
            share * 100.0
        );
    }
    println!(
        "{scanned} zones, mock limit {}: {:.2} s, at most {} in flight, {} × 429; \
         left {} of {} (learned from the server: {})",
        mock_limit.unwrap_or("none"),
        started.elapsed().as_secs_f64(),
        scan.most.load(Ordering::SeqCst),
        scan.refused.load(Ordering::SeqCst),
        budget.remaining,
        budget.quota,
        budget.learned_from_server,
    );
    running.shutdown().await;
}

#[tokio::main]
async fn main() {
    scan(1000, None, PacerConfig::for_host(true)).await;
    let told = parse_rate_limit("100/5s").expect("a limit");
    scan(
        300,
        Some("100/5s"),
        PacerConfig::for_host(true).with_rate_limit(told),
    )
    .await;
    let told = parse_rate_limit("50/5s").expect("a limit");
    scan(
        508,
        Some("50/5s"),
        PacerConfig::for_host(true).with_rate_limit(told),
    )
    .await;
}
