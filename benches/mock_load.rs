//! Load on the in-process mock: many concurrent keep-alive clients doing GET
//! and PATCH of the CSAM Scanner setting, without and with a state file (a
//! fresh one, and one after 5,000 `resend_email` writes have filled the
//! outbox), and `GET /zones` over 10,008 zones. Criterion's `thrpt` line is
//! the figure to read for the first two: requests per second. `mock_binary`
//! puts the first load on the real `trustdeck mock` process instead.
//!
//! Run with `cargo bench --bench mock_load` (one group: add its name, e.g.
//! `-- mock_state_file`). The state file goes to a temporary folder, or
//! into `$MOCK_BENCH_STATE_DIR` (e.g. `/dev/shm`, to leave the disk's fsync
//! out and see what the mock itself spends on a save).
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use trustdeck::mock::{self, MockConfig};

#[path = "../examples/support/mock_process.rs"]
mod mock_process;

/// Concurrent clients, each with its own keep-alive connection.
const CLIENTS: usize = 32;
/// Sequential requests per client in one measured batch.
const PER_CLIENT: usize = 16;
const ZONE: &str = "c69ac876c5b65abdd6cea4285c9b774d";
/// The demo zone whose email is pending: every resend is a new outbox mail.
const PENDING_ZONE: &str = "d4119dc2aad58ed8e3f892499398ca5c";
/// How many resends fill the outbox before the second state-file measurement.
const RESENDS: usize = 5_000;

/// What every client of a batch shares.
struct Load {
    clients: Vec<Client>,
    url: String,
    token: String,
}

impl Load {
    /// Runs CLIENTS x PER_CLIENT requests concurrently; every answer must be 200.
    async fn batch(&self, method: Method, bodies: Option<[Value; 2]>) {
        let mut tasks = JoinSet::new();
        for client in &self.clients {
            let (client, url, token) = (client.clone(), self.url.clone(), self.token.clone());
            let (method, bodies) = (method.clone(), bodies.clone());
            tasks.spawn(async move {
                for i in 0..PER_CLIENT {
                    let mut request = client.request(method.clone(), &url).bearer_auth(&token);
                    if let Some(bodies) = &bodies {
                        request = request.json(&bodies[i % 2]);
                    }
                    let response = request.send().await.expect("the mock answers");
                    assert_eq!(response.status(), StatusCode::OK);
                    response.bytes().await.expect("a whole body");
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a client task");
        }
    }
}

fn mock_load(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a tokio runtime");
    let mock = runtime
        .block_on(mock::start(MockConfig::demo()))
        .expect("the mock starts");
    trustdeck::api::install_crypto_provider();
    let load = Load {
        clients: (0..CLIENTS).map(|_| client()).collect(),
        url: format!(
            "{}/zones/{ZONE}/settings/csam_scanner_third_party",
            mock.base_url()
        ),
        token: mock.credentials().full_access_token.clone(),
    };
    csam_group(c, "mock_csam", &runtime, &load);
    runtime.block_on(mock.shutdown());
}

/// The same load on the `trustdeck mock` binary, which serves from one
/// thread (src/main.rs); the clients have the other core.
fn mock_binary(c: &mut Criterion) {
    let mock = mock_process::start(std::path::Path::new(env!("CARGO_BIN_EXE_trustdeck")));
    let runtime = Runtime::new().expect("a tokio runtime");
    let load = Load {
        clients: (0..CLIENTS).map(|_| client()).collect(),
        url: format!(
            "{}/zones/{ZONE}/settings/csam_scanner_third_party",
            mock.url
        ),
        token: mock.token.clone(),
    };
    csam_group(c, "mock_binary", &runtime, &load);
}

fn csam_group(c: &mut Criterion, name: &str, runtime: &Runtime, load: &Load) {
    let toggle = |on: bool| json!({"value": {"sources": {"ncmec_industry": on}, "enabled": true}});
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements((CLIENTS * PER_CLIENT) as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("get", |b| {
        b.iter(|| runtime.block_on(load.batch(Method::GET, None)))
    });
    group.bench_function("patch", |b| {
        b.iter(|| runtime.block_on(load.batch(Method::PATCH, Some([toggle(true), toggle(false)]))))
    });
    group.finish();
}

/// Writes per second when every write is saved to a state file first: one
/// client, each PATCH flipping a source, so that every request is a real
/// change that is saved before it is answered.
fn mock_state_file(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a tokio runtime");
    let dir = match std::env::var_os("MOCK_BENCH_STATE_DIR") {
        Some(parent) => tempfile::tempdir_in(parent),
        None => tempfile::tempdir(),
    }
    .expect("a temporary folder");
    let config = MockConfig {
        state: Some(dir.path().join("state.json")),
        ..MockConfig::demo()
    };
    let mock = runtime
        .block_on(mock::start(config))
        .expect("the mock starts");
    let load = Load {
        clients: vec![client()],
        url: format!(
            "{}/zones/{ZONE}/settings/csam_scanner_third_party",
            mock.base_url()
        ),
        token: mock.credentials().full_access_token.clone(),
    };
    let toggle = |on: bool| json!({"value": {"sources": {"ncmec_industry": on}}});
    let mut group = c.benchmark_group("mock_state_file");
    group.throughput(Throughput::Elements(PER_CLIENT as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("patch_fresh", |b| {
        b.iter(|| runtime.block_on(load.batch(Method::PATCH, Some([toggle(true), toggle(false)]))))
    });
    let resend = Load {
        clients: vec![load.clients[0].clone()],
        url: format!(
            "{}/zones/{PENDING_ZONE}/settings/csam_scanner_third_party",
            mock.base_url()
        ),
        token: load.token.clone(),
    };
    let body = json!({"value": {"resend_email": true}});
    runtime.block_on(async {
        for _ in 0..RESENDS / PER_CLIENT {
            resend
                .batch(Method::PATCH, Some([body.clone(), body.clone()]))
                .await;
        }
    });
    group.bench_function("patch_after_5000_resends", |b| {
        b.iter(|| runtime.block_on(load.batch(Method::PATCH, Some([toggle(true), toggle(false)]))))
    });
    group.finish();
    let size = std::fs::metadata(dir.path().join("state.json")).map_or(0, |m| m.len());
    eprintln!("mock_state_file: state file {size} bytes after {RESENDS} resends");
    runtime.block_on(mock.shutdown());
}

/// `GET /zones` with a name filter over 10,008 zones (`zones: 10_000`), one
/// request at a time: criterion's time per request, and p50/p95 of 500
/// requests printed on stderr.
fn mock_zones(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a tokio runtime");
    let config = MockConfig {
        zones: Some(10_000),
        ..MockConfig::demo()
    };
    let mock = runtime
        .block_on(mock::start(config))
        .expect("the mock starts");
    let http = client();
    let token = mock.credentials().full_access_token.clone();
    let get = |query: &str| {
        let request = http
            .get(format!("{}/zones?{query}", mock.base_url()))
            .bearer_auth(&token);
        async move {
            let response = request.send().await.expect("the mock answers");
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.expect("JSON")
        }
    };
    let page = runtime.block_on(get("per_page=50&page=120"));
    let parts: Vec<String> = page["result"]
        .as_array()
        .expect("a page")
        .iter()
        .filter_map(|z| z["name"].as_str())
        .map(|name| format!("name=contains:{}&per_page=50", &name[1..name.len() - 2]))
        .collect();
    let mut times: Vec<Duration> = runtime.block_on(async {
        let mut times = Vec::new();
        for query in parts.iter().cycle().take(500) {
            let started = std::time::Instant::now();
            get(query).await;
            times.push(started.elapsed());
        }
        times
    });
    times.sort();
    eprintln!(
        "mock_zones: GET /zones?name=contains:… over 10,008 zones: p50 {:?}, p95 {:?} (n=500)",
        times[times.len() / 2],
        times[times.len() * 95 / 100]
    );
    let mut group = c.benchmark_group("mock_zones");
    group.sample_size(50);
    let mut next = parts.iter().cycle();
    group.bench_function("list_10k_name_filter", |b| {
        b.iter(|| runtime.block_on(get(next.next().expect("a query"))))
    });
    group.bench_function("list_10k_page_100", |b| {
        b.iter(|| runtime.block_on(get("per_page=50&page=100")))
    });
    group.finish();
    runtime.block_on(mock.shutdown());
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(1)
        .build()
        .expect("a client")
}

criterion_group!(benches, mock_load, mock_binary, mock_state_file, mock_zones);
criterion_main!(benches);
