//! Shared set-up for tests that talk to the embedded mock over loopback.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::time::Duration;

use serde_json::Value;
use trustdeck::api::{Client, ClientConfig, Credentials, RetryPolicy};
use trustdeck::mock::{self, MockConfig, RunningMock};

pub const FULL_TOKEN: &str = "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w";
pub const READ_ONLY_TOKEN: &str = "tdemo-read-only-8bV3nM6xQ1zK4pR7wT2yH9s";
pub const ZONE_ONLY_TOKEN: &str = "tdemo-zone-only-5tJ0rW2qE8uY4iO6pA3sD7f";
pub const EXPIRED_TOKEN: &str = "tdemo-expired-3hG6jK9lZ2xC5vB8nM1qW4e";
pub const DISABLED_TOKEN: &str = "tdemo-disabled-7yU1iO4pA8sD2fG5hJ9kL3z";
pub const LEGACY_EMAIL: &str = "admin@acme-corp.com";
pub const LEGACY_KEY: &str = "c2547eb745079dac9320b638f5e225cf483cc";

pub const ACME: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";
pub const GLOBEX: &str = "617ca983aad8640f63d7494f873aff3a";
pub const SHOP: &str = "117bf1e17392293e996d8990458815ea";
pub const IMAGES: &str = "c69ac876c5b65abdd6cea4285c9b774d";
pub const BLOG_PENDING: &str = "d4119dc2aad58ed8e3f892499398ca5c";
pub const FORUM_UNVERIFIED: &str = "d396f1a808d00597f98276e8d8ed00c0";
pub const CDN_LOCKED: &str = "a04664955b20412c1e55b8977e8b953f";
pub const GLOBEX_OFF: &str = "4771a7c63011ec96a5135afe52aad748";

/// A mock with the shipped demo data on a free loopback port.
pub async fn start_mock() -> RunningMock {
    start_mock_with(MockConfig::demo()).await
}

pub async fn start_mock_with(config: MockConfig) -> RunningMock {
    tokio::time::timeout(Duration::from_secs(10), mock::start(config))
        .await
        .expect("mock did not start within 10 s")
        .expect("mock failed to start")
}

/// Retries that wait milliseconds, not seconds, so tests stay quick.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
}

pub fn client_for(base_url: &str, credentials: Credentials) -> Client {
    let mut config = ClientConfig::new(credentials).with_base_url(base_url);
    config.retry = fast_retries();
    config.timeout = Duration::from_secs(10);
    Client::new(config).expect("client")
}

pub fn full_client(mock: &RunningMock) -> Client {
    client_for(&mock.base_url(), Credentials::token(FULL_TOKEN))
}

/// `http://127.0.0.1:PORT` of a mock (its mock-only endpoints live there).
pub fn root(mock: &RunningMock) -> String {
    format!("http://{}", mock.addr())
}

pub async fn mock_get(mock: &RunningMock, path: &str) -> Value {
    reqwest::get(format!("{}{path}", root(mock)))
        .await
        .expect("mock-only endpoint")
        .json()
        .await
        .expect("mock-only endpoint answers JSON")
}

pub async fn outbox(mock: &RunningMock) -> Vec<Value> {
    match mock_get(mock, "/__mock/outbox").await {
        Value::Array(items) => items,
        other => other
            .get("result")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| panic!("unexpected outbox shape: {other}")),
    }
}

/// The requests the mock served under /client/v4, as (method, path).
pub async fn requests(mock: &RunningMock) -> Vec<(String, String)> {
    let log = mock_get(mock, "/__mock/requests").await;
    let items = match &log {
        Value::Array(items) => items.clone(),
        other => other
            .get("result")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    };
    items
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}
pub mod tui;
