//! Measures the fleet engine against the embedded mock over real HTTP on
//! loopback, through `trustdeck::fleet::start_scan` and the client's pacer:
//!
//! 1. ZONES zones (default 1,000) with 50 ms latency and no rate limit
//!    (target: at most 2 s);
//! 2. LIMITED zones (default 1,000) against a mock limit of 120/30s that
//!    the client is not told: it learns it from the `Ratelimit` headers.
//!    Target: no 429 and at least 80 % of the limit (the 10 % reserve
//!    included). This one takes about five minutes for 1,000 zones: the
//!    limit allows no faster.
//!
//!     cargo run --release --example fleet_scan [-- ZONES [LIMITED]]

use std::time::{Duration, Instant};

use serde_json::Value;
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::fleet::{FleetScan, ScanEvent, ScanOptions, start_scan};
use trustdeck::mock::{self, MockConfig, RunningMock};

/// The shipped demo data with `zones` zones in all.
fn data_with(zones: usize) -> tempfile::NamedTempFile {
    let mut data: Value =
        serde_json::from_str(include_str!("../assets/demo-data.json")).expect("shipped data");
    let hand_written = data["zones"].as_array().map_or(0, Vec::len);
    data["generated_zones"]["count"] = zones.saturating_sub(hand_written).into();
    let file = tempfile::NamedTempFile::new().expect("a temp file");
    serde_json::to_writer(&file, &data).expect("written");
    file
}

/// How many answers of the mock were 429s.
async fn refused(mock: &RunningMock) -> usize {
    let log: Value = reqwest::get(format!("http://{}/__mock/requests", mock.addr()))
        .await
        .expect("the request log")
        .json()
        .await
        .expect("JSON");
    log.as_array().map_or(0, |items| {
        items.iter().filter(|r| r["status"] == 429).count()
    })
}

async fn measure(zones: usize, limit: Option<&str>) {
    let data = data_with(zones);
    let mock = mock::start(MockConfig {
        data: Some(data.path().to_owned()),
        latency: Some(Duration::from_millis(50)),
        rate_limit: limit.map(|l| l.parse().expect("a mock rate limit")),
        ..MockConfig::demo()
    })
    .await
    .expect("the mock starts");
    // The client is not told the limit: it learns it from the mock's
    // `Ratelimit-Policy` and `Ratelimit` headers, as from Cloudflare's.
    let limit_of = limit.map(|l| trustdeck::api::pacer::parse_rate_limit(l).expect("a limit"));
    let config = ClientConfig::new(Credentials::token(
        mock.credentials().full_access_token.clone(),
    ))
    .with_base_url(mock.base_url());
    let client = Client::new(config).expect("a client");

    let started = Instant::now();
    let mut run = start_scan(&client, ScanOptions::default());
    let mut table = FleetScan::new(None, 0);
    let (mut most_in_flight, mut last_said) = (0, Instant::now());
    let mut end = None;
    while let Some(event) = run.next().await {
        table.apply(&event);
        match event {
            ScanEvent::Progress(progress) => {
                most_in_flight = most_in_flight.max(progress.budget.in_flight);
                if last_said.elapsed() >= Duration::from_secs(15) {
                    last_said = Instant::now();
                    eprintln!(
                        "  {} of {} zones, {:.1} calls/s, eta {:?}, {} of {} left this window",
                        progress.done,
                        progress.total,
                        progress.per_second,
                        progress.eta.map(|d| Duration::from_secs(d.as_secs())),
                        progress.budget.remaining,
                        progress.budget.quota,
                    );
                }
            }
            ScanEvent::Finished(finished) => end = Some(finished),
            _ => {}
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let end = end.expect("a Finished event");
    let rate = end.calls as f64 / elapsed;
    let share = limit_of.map(|(quota, window)| rate / (f64::from(quota) / window.as_secs_f64()));
    println!(
        "{} zones, mock limit {}: {:.2} s, {} calls ({:.1}/s{}), {} read, {} failed, \
         at most {} in flight, {} × 429; {}",
        end.total,
        limit.unwrap_or("none"),
        elapsed,
        end.calls,
        rate,
        share.map_or(String::new(), |s| format!(
            ", {:.0} % of the limit",
            s * 100.0
        )),
        end.read,
        end.failed,
        most_in_flight,
        refused(&mock).await,
        table.coverage(),
    );
    mock.shutdown().await;
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let zones = args.next().map_or(1000, |n| n.expect("ZONES is a number"));
    let limited = args
        .next()
        .map_or(1000, |n| n.expect("LIMITED is a number"));
    measure(zones, None).await;
    if limited > 0 {
        measure(limited, Some("120/30s")).await;
    }
}
