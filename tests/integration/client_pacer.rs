//! Every request of a `Client` goes through its pacer: bulk bursts stay under
//! the rate limit, interactive requests jump the bulk queue, a 429 holds every
//! request until `Retry-After`, and the server's `Ratelimit` headers teach the
//! client a lower limit than the one it was given.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;
use tokio::task::JoinSet;
use trustdeck::api::{Budget, Client, ClientConfig, Credentials, Priority};
use trustdeck::mock::MockConfig;

/// Fails, rather than hangs, a wait for something that should happen soon.
async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen within 20 s"))
}

/// Waits until the client's budget satisfies `ready`, and returns it.
async fn budget_until(client: &Client, what: &str, ready: impl Fn(&Budget) -> bool) -> Budget {
    let mut watch = client.budget_watch();
    within(what, async {
        loop {
            let budget = client.budget();
            if ready(&budget) {
                return budget;
            }
            watch.changed().await.expect("the pacer lives");
        }
    })
    .await
}

fn limited_client(base_url: &str, limit: Option<(u32, Duration)>) -> Client {
    let mut config = ClientConfig::new(Credentials::token(FULL_TOKEN))
        .with_base_url(base_url)
        .with_rate_limit(limit);
    config.retry = fast_retries();
    config.timeout = Duration::from_secs(10);
    Client::new(config).expect("client")
}

/// The statuses the mock answered, in order.
async fn statuses(mock: &trustdeck::mock::RunningMock) -> Vec<u64> {
    match mock_get(mock, "/__mock/requests").await {
        Value::Array(items) => items.iter().filter_map(|r| r["status"].as_u64()).collect(),
        other => panic!("unexpected request log: {other}"),
    }
}

/// Sends `n` bulk GETs of one zone's CSAM setting at once; all must succeed.
async fn bulk_burst(client: &Client, n: usize) {
    let mut tasks = JoinSet::new();
    for _ in 0..n {
        let bulk = client.bulk();
        tasks.spawn(async move { bulk.get_csam(SHOP).await });
    }
    within("the burst", async {
        while let Some(done) = tasks.join_next().await {
            done.expect("task").expect("every request succeeds");
        }
    })
    .await;
}

#[tokio::test]
async fn a_bulk_burst_told_the_mocks_limit_gets_no_429() {
    let mock = start_mock_with(MockConfig {
        rate_limit: Some("20/1s".parse().unwrap()),
        ..MockConfig::demo()
    })
    .await;
    let client = limited_client(&mock.base_url(), Some((20, Duration::from_secs(1))));
    bulk_burst(&client, 30).await;
    let seen = statuses(&mock).await;
    assert_eq!(seen.len(), 30, "no request was sent twice: {seen:?}");
    assert!(seen.iter().all(|s| *s == 200), "{seen:?}");
    mock.shutdown().await;
}

#[tokio::test]
async fn the_same_burst_not_told_the_limit_learns_it_from_the_headers() {
    // Without `--rate-limit` the pacer starts from 1,200 per 5 minutes; the
    // mock's `Ratelimit` headers (like Cloudflare's) teach it the real one.
    let mock = start_mock_with(MockConfig {
        rate_limit: Some("20/1s".parse().unwrap()),
        ..MockConfig::demo()
    })
    .await;
    let client = limited_client(&mock.base_url(), None);
    let mut tasks = JoinSet::new();
    for _ in 0..30 {
        let bulk = client.bulk();
        tasks.spawn(async move { bulk.get_csam(SHOP).await });
    }
    within("the burst", async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    let refused = statuses(&mock).await.iter().filter(|s| **s == 429).count();
    assert_eq!(refused, 0, "learned from the headers, not told");
    let budget = client.budget();
    assert!(budget.learned_from_server, "{budget:?}");
    assert_eq!(budget.quota, 20, "{budget:?}");
    mock.shutdown().await;
}

#[tokio::test]
async fn the_mock_refuses_a_burst_that_goes_around_the_pacer() {
    // The control of the tests above: the mock's limit is real.
    let mock = start_mock_with(MockConfig {
        rate_limit: Some("20/1s".parse().unwrap()),
        ..MockConfig::demo()
    })
    .await;
    let raw = plain_http();
    let url = format!(
        "{}/zones/{SHOP}/settings/csam_scanner_third_party",
        mock.base_url()
    );
    let mut tasks = JoinSet::new();
    for _ in 0..30 {
        let request = raw.get(&url).bearer_auth(FULL_TOKEN);
        tasks.spawn(async move { request.send().await.map(|r| r.status().as_u16()) });
    }
    let mut refused = 0;
    while let Some(status) = tasks.join_next().await {
        if status.unwrap().unwrap() == 429 {
            refused += 1;
        }
    }
    assert!(refused > 0, "the mock's limit is real");
    mock.shutdown().await;
}

#[tokio::test]
async fn interactive_requests_jump_a_queue_of_bulk_ones() {
    let mock = start_mock_with(MockConfig {
        latency: Some(Duration::from_millis(100)),
        ..MockConfig::demo()
    })
    .await;
    let client = full_client(&mock);
    let mut tasks = JoinSet::new();
    for _ in 0..150 {
        let bulk = client.bulk();
        tasks.spawn(async move { bulk.get_csam(SHOP).await });
    }
    budget_until(&client, "a queue of bulk requests", |b| {
        b.waiting_bulk >= 100
    })
    .await;
    within("the interactive request", client.get_csam(IMAGES))
        .await
        .expect("interactive read");
    let budget = client.budget();
    assert!(
        budget.waiting_bulk > 0,
        "answered while bulk requests still wait: {budget:?}"
    );
    within("the bulk requests", async {
        while let Some(done) = tasks.join_next().await {
            done.expect("task").expect("bulk request");
        }
    })
    .await;
    let log = requests(&mock).await;
    let zone_at = log
        .iter()
        .position(|(_, path)| path.contains(IMAGES))
        .expect("the interactive request was served");
    assert!(zone_at < 100, "served as number {zone_at} of {}", log.len());
    mock.shutdown().await;
}

#[tokio::test]
async fn clones_share_one_pacer_and_a_new_client_has_its_own() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let bulk = client.bulk();
    let observed = client.observed(|_| {});
    assert_eq!(client.priority(), Priority::Interactive);
    assert_eq!(bulk.priority(), Priority::Bulk);
    assert_eq!(observed.bulk().observed(|_| {}).priority(), Priority::Bulk);
    let before = client.budget().remaining;
    bulk.get_csam(SHOP).await.expect("bulk read");
    observed.get_csam(SHOP).await.expect("observed read");
    assert_eq!(client.budget().remaining, before - 2);
    assert_eq!(bulk.budget().remaining, before - 2);
    let other = full_client(&mock);
    assert_eq!(
        other.budget().remaining,
        before,
        "another client, another pacer"
    );
    mock.shutdown().await;
}

/// A server that counts like Cloudflare: `Ratelimit` and `Ratelimit-Policy`
/// on every answer, a quota of 10 per minute, 429 beyond it.
async fn counting_server() -> RawServer {
    raw_server(|socket, _, before| async move {
        let answer = if before < 10 {
            let policy = "Ratelimit-Policy: \"default\";q=10;w=60";
            let left = format!("Ratelimit: \"default\";r={};t=60", 9 - before);
            http_answer("200 OK", &[policy, &left], CSAM_OK)
        } else {
            http_answer("429 Too Many Requests", &["Retry-After: 60"], "")
        };
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await
}

#[tokio::test]
async fn the_client_learns_a_lower_limit_from_the_servers_headers() {
    let server = counting_server().await;
    let client = client_for(&server.base_url(), Credentials::token("t"));
    assert_eq!(client.budget().quota, 1200, "told nothing");
    client.get_csam(SHOP).await.expect("first read");
    let budget = client.budget();
    assert!(budget.learned_from_server, "{budget:?}");
    assert_eq!((budget.quota, budget.remaining), (10, 9));

    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (bulk, done) = (client.bulk(), done.clone());
        tasks.spawn(async move {
            bulk.get_csam(SHOP).await.expect("bulk read");
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    let settled = budget_until(&client, "bulk work to stop at the reserve", |b| {
        b.in_flight == 0 && b.waiting_bulk + done.load(Ordering::SeqCst) == 20
    })
    .await;
    // The reserve of a quota of 10 is 1: bulk work spends 9 - 1 = 8.
    assert_eq!(done.load(Ordering::SeqCst), 8, "{settled:?}");
    assert_eq!(server.heads().len(), 9, "nothing was refused");
    assert_eq!(settled.remaining, 1);

    client
        .get_csam(SHOP)
        .await
        .expect("the person at the keyboard gets the reserve");
    assert_eq!(server.heads().len(), 10);
    tasks.abort_all();
}

#[tokio::test]
async fn a_429_holds_every_request_until_retry_after() {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    let server = raw_server(move |socket, _, before| {
        seen.lock().unwrap().push(Instant::now());
        async move {
            let answer = if before == 0 {
                http_answer("429 Too Many Requests", &["Retry-After: 1"], "")
            } else {
                http_answer("200 OK", &[], CSAM_OK)
            };
            reply_raw(socket, answer.as_bytes()).await;
        }
    })
    .await;
    let client = client_for(&server.base_url(), Credentials::token("t"));
    let (told, mut notice) = tokio::sync::mpsc::unbounded_channel();
    let first = client.observed(move |n| {
        let _ = told.send(n);
    });
    let retried = tokio::spawn(async move { first.get_csam(SHOP).await });
    within("the retry notice", notice.recv())
        .await
        .expect("one notice");
    let refused_at = arrivals.lock().unwrap()[0];
    within("another request", client.bulk().get_csam(SHOP))
        .await
        .expect("read after the block");
    within("the retried request", retried)
        .await
        .expect("task")
        .expect("read after its retry");
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 3);
    for later in &arrivals[1..] {
        let gap = later.duration_since(refused_at);
        assert!(
            gap >= Duration::from_millis(900),
            "sent {gap:?} after the 429"
        );
    }
}
