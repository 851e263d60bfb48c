//! Load on the in-process mock: many concurrent keep-alive clients doing GET
//! and PATCH of the CSAM Scanner setting. Criterion's `thrpt` line is the
//! figure to read: requests per second.
//!
//! Run with `cargo bench --bench mock_load`.
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use trustdeck::mock::{self, MockConfig};

/// Concurrent clients, each with its own keep-alive connection.
const CLIENTS: usize = 32;
/// Sequential requests per client in one measured batch.
const PER_CLIENT: usize = 16;
const ZONE: &str = "c69ac876c5b65abdd6cea4285c9b774d";

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
        clients: (0..CLIENTS)
            .map(|_| {
                Client::builder()
                    .timeout(Duration::from_secs(10))
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("a client")
            })
            .collect(),
        url: format!(
            "{}/zones/{ZONE}/settings/csam_scanner_third_party",
            mock.base_url()
        ),
        token: mock.credentials().full_access_token.clone(),
    };
    let toggle = |on: bool| json!({"value": {"sources": {"ncmec_industry": on}, "enabled": true}});

    let mut group = c.benchmark_group("mock_csam");
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
    runtime.block_on(mock.shutdown());
}

criterion_group!(benches, mock_load);
criterion_main!(benches);
