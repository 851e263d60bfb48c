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

/// A plain HTTP client for the mock-only endpoints (trustdeck's TLS
/// provider installed first, as reqwest is built without one).
pub fn plain_http() -> reqwest::Client {
    trustdeck::api::install_crypto_provider();
    reqwest::Client::new()
}

pub async fn mock_get(mock: &RunningMock, path: &str) -> Value {
    plain_http()
        .get(format!("{}{path}", root(mock)))
        .send()
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

/// A loopback server that speaks raw bytes, for answers the mock will not give.
pub struct RawServer {
    /// `127.0.0.1:PORT`.
    pub addr: std::net::SocketAddr,
    /// The head (request line and headers) of every request it read, in order.
    pub heads: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl RawServer {
    /// `http://127.0.0.1:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// The heads read so far.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// Serves every connection with `answer`, called after the request's head has
/// been read and recorded (so a request the client sent is always counted
/// before the client can see any answer). `answer` gets the connection, the
/// head, and how many heads came before this one.
pub async fn raw_server<F, Fut>(answer: F) -> RawServer
where
    F: Fn(tokio::net::TcpStream, String, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let before = {
                    let mut heads = seen.lock().unwrap();
                    heads.push(head.clone());
                    heads.len() - 1
                };
                answer(socket, head, before).await;
            });
        }
    });
    RawServer { addr, heads }
}

/// Writes `response` and closes the connection.
pub async fn reply_raw(mut socket: tokio::net::TcpStream, response: &[u8]) {
    use tokio::io::AsyncWriteExt;
    let _ = socket.write_all(response).await;
    let _ = socket.shutdown().await;
}

/// An HTTP/1.1 answer with a correct Content-Length and extra header lines.
pub fn http_answer(status: &str, headers: &[&str], body: &str) -> String {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    out
}

/// A CSAM setting answer the client accepts.
pub const CSAM_OK: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"csam_scanner","editable":true,"modified_on":null,"value":{"enabled":true,"email_state":"valid","sources":{}}}}"#;

/// Changes the mock's fault injection (`POST /__mock/faults`).
pub async fn set_faults(mock: &RunningMock, faults: Value) {
    let response = plain_http()
        .post(format!("{}/__mock/faults", root(mock)))
        .json(&faults)
        .send()
        .await
        .expect("the faults endpoint");
    assert!(response.status().is_success(), "{}", response.status());
}

/// How many API requests with `method` the mock served.
pub async fn count_requests(mock: &RunningMock, method: &str) -> usize {
    requests(mock)
        .await
        .iter()
        .filter(|(m, _)| m == method)
        .count()
}
