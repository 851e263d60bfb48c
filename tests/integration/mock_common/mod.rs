//! Shared helpers of the `mock_*` tests: an in-process mock on a free
//! loopback port and a small JSON client with a timeout on every request.
#![allow(dead_code, reason = "each test file uses a different part")]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use trustdeck::mock::{self, MockConfig, RunningMock};

/// An editable enterprise zone whose email is verified.
pub const SHOP: &str = "117bf1e17392293e996d8990458815ea";
/// A zone with four sources.
pub const IMAGES: &str = "c69ac876c5b65abdd6cea4285c9b774d";
/// A zone whose email is pending.
pub const BLOG: &str = "d4119dc2aad58ed8e3f892499398ca5c";
/// A zone whose email is unverified.
pub const FORUM: &str = "d396f1a808d00597f98276e8d8ed00c0";
/// The zone locked by Trust & Safety.
pub const LOCKED: &str = "a04664955b20412c1e55b8977e8b953f";
/// Acme Corp: DLP with a public key.
pub const ACME: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";
/// Globex Media: DLP at defaults.
pub const GLOBEX: &str = "617ca983aad8640f63d7494f873aff3a";

/// The hand-written zones of the shipped data, in data-file order; the
/// generated ones follow them.
pub const HAND_WRITTEN: [&str; 8] = [
    SHOP,
    IMAGES,
    BLOG,
    FORUM,
    LOCKED,
    "4771a7c63011ec96a5135afe52aad748",
    "913ebca18eda88c9a5ba3509ef49c963",
    "f58e396a8d98896505ff270ce5a4c1a4",
];

pub const READ_ONLY: &str = "tdemo-read-only-8bV3nM6xQ1zK4pR7wT2yH9s";
pub const ZONE_ONLY: &str = "tdemo-zone-only-5tJ0rW2qE8uY4iO6pA3sD7f";
pub const EXPIRED: &str = "tdemo-expired-3hG6jK9lZ2xC5vB8nM1qW4e";
pub const DISABLED: &str = "tdemo-disabled-7yU1iO4pA8sD2fG5hJ9kL3z";
/// Lists every zone; CSAM read/write only on Acme Corp's zones; no DLP.
pub const ACME_SETTINGS: &str = "tdemo-acme-settings-6mR2tY8wQ4nB1vX7cK3jH5p";

/// The shipped demo data as JSON.
pub fn shipped_data() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-data.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The shipped data changed by `edit`, in a file of a fresh temporary
/// folder (kept alive by the returned guard).
pub fn data_file(edit: impl FnOnce(&mut Value)) -> (tempfile::TempDir, std::path::PathBuf) {
    let mut data = shipped_data();
    edit(&mut data);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.json");
    std::fs::write(&path, data.to_string()).unwrap();
    (dir, path)
}

/// A running mock and a client for it.
pub struct Harness {
    /// The server.
    pub mock: RunningMock,
    /// Keep-alive client; every request times out after 10 s.
    pub http: reqwest::Client,
    /// The full-access token.
    pub token: String,
}

/// One answer: status, headers, and the body as JSON (Null if it is not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Harness {
    /// A mock with the demo config.
    pub async fn start() -> Self {
        Self::with(MockConfig::demo()).await
    }

    /// A mock with `config`.
    pub async fn with(config: MockConfig) -> Self {
        let mock = mock::start(config).await.expect("mock starts");
        trustdeck::api::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let token = mock.credentials().full_access_token.clone();
        Self { mock, http, token }
    }

    /// A `/client/v4` URL.
    pub fn api(&self, path: &str) -> String {
        format!("{}{path}", self.mock.base_url())
    }

    /// A URL outside `/client/v4` (the mock-only endpoints).
    pub fn root(&self, path: &str) -> String {
        format!("http://{}{path}", self.mock.addr())
    }

    /// Sends a request with the full-access token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call_as(&self.token.clone(), method, path, body).await
    }

    /// Sends a request with `token`.
    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.api(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        reply(request).await
    }

    /// Sends a raw body with the full-access token.
    pub async fn call_raw(&self, method: Method, path: &str, body: Vec<u8>) -> Reply {
        let request = self
            .http
            .request(method, self.api(path))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body);
        reply(request).await
    }

    /// The CSAM setting path of a zone.
    pub fn csam(zone: &str) -> String {
        format!("/zones/{zone}/settings/csam_scanner_third_party")
    }

    /// The DLP settings path of an account.
    pub fn dlp(account: &str) -> String {
        format!("/accounts/{account}/dlp/settings")
    }

    /// `GET /__mock/state`.
    pub async fn state(&self) -> Value {
        self.mock_get("/__mock/state").await
    }

    /// `GET /__mock/outbox`.
    pub async fn outbox(&self) -> Vec<Value> {
        self.mock_get("/__mock/outbox")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `GET /__mock/requests`.
    pub async fn requests(&self) -> Vec<Value> {
        self.mock_get("/__mock/requests")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `POST /__mock/zones/{zone}/verify-email`.
    pub async fn verify_email(&self, zone: &str) -> StatusCode {
        let url = self.root(&format!("/__mock/zones/{zone}/verify-email"));
        self.http.post(url).send().await.unwrap().status()
    }

    /// `GET /__mock/faults`.
    pub async fn faults(&self) -> Value {
        self.mock_get("/__mock/faults").await
    }

    /// `POST /__mock/faults` with a JSON body.
    pub async fn set_faults(&self, body: Value) -> Reply {
        reply(self.http.post(self.root("/__mock/faults")).json(&body)).await
    }

    /// Every zone of `GET /zones?{query}`, page after page (per_page 50),
    /// with the `result_info` of the first page.
    pub async fn all_zones(&self, query: &str) -> (Vec<Value>, Value) {
        let mut zones = Vec::new();
        let mut first_info = Value::Null;
        for page in 1.. {
            let reply = self
                .call(
                    Method::GET,
                    &format!("/zones?{query}&per_page=50&page={page}"),
                    None,
                )
                .await;
            let batch = reply.result().as_array().unwrap().clone();
            let info = reply.body["result_info"].clone();
            if page == 1 {
                first_info = info.clone();
            }
            let last = page >= info["total_pages"].as_u64().unwrap();
            zones.extend(batch);
            if last {
                break;
            }
        }
        (zones, first_info)
    }

    async fn mock_get(&self, path: &str) -> Value {
        self.http
            .get(self.root(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Sends a prepared request and reads the whole answer.
pub async fn reply(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the mock answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

impl Reply {
    /// The error codes of a failure envelope, after checking its shape.
    pub fn error_codes(&self) -> Vec<u64> {
        assert!(
            self.status.is_client_error() || self.status.is_server_error(),
            "{}",
            self.text
        );
        assert_eq!(self.body["success"], false, "{}", self.text);
        assert!(
            self.body["result"].is_null() && self.body.get("result").is_some(),
            "{}",
            self.text
        );
        assert_eq!(
            self.body["messages"],
            serde_json::json!([]),
            "{}",
            self.text
        );
        let codes: Vec<u64> = self.body["errors"]
            .as_array()
            .expect("errors is a list")
            .iter()
            .map(|e| e["code"].as_u64().expect("numeric code"))
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| *c >= 1000),
            "{}",
            self.text
        );
        assert_eq!(self.content_type(), "application/json", "{}", self.text);
        codes
    }

    /// The result of a success envelope, after checking its shape.
    pub fn result(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.body["success"], true, "{}", self.text);
        assert_eq!(self.body["errors"], serde_json::json!([]), "{}", self.text);
        &self.body["result"]
    }

    /// The codes of the success envelope's messages.
    pub fn message_codes(&self) -> Vec<u64> {
        self.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_u64().unwrap())
            .collect()
    }

    /// The first error's message.
    pub fn first_message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }

    /// The media type, without parameters.
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
    }
}
