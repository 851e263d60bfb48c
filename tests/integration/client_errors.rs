//! Every ApiError kind, produced by a real server on loopback: the mock, or a
//! tiny scripted HTTP server where the mock cannot misbehave on cue.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use trustdeck::api::model::{CsamPatch, CsamPatchValue};
use trustdeck::api::{ApiError, Client, ClientConfig, Credentials, RetryPolicy};
use trustdeck::mock::{MockConfig, RateLimit};

/// An HTTP/1.1 response with a correct Content-Length.
fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn html_502() -> String {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>";
    http_response("502 Bad Gateway", "text/html", page)
}

fn json_503() -> String {
    let body = r#"{"success":false,"errors":[{"code":10002,"message":"Service unavailable"}],"messages":[],"result":null}"#;
    http_response("503 Service Unavailable", "application/json", body)
}

/// Serves `response` to every request on a loopback port; counts the requests.
async fn scripted_server(response: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/client/v4", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            let response = response.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, count)
}

fn resend() -> CsamPatch {
    CsamPatch::of(CsamPatchValue {
        resend_email: true,
        ..CsamPatchValue::default()
    })
}

#[tokio::test]
async fn html_502_is_a_non_json_error_after_retries() {
    let (base, count) = scripted_server(html_502()).await;
    let err = client_for(&base, Credentials::token("t"))
        .get_csam(SHOP)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::NonJson {
            status: 502,
            snippet: "502 Bad Gateway".into()
        }
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "a GET is tried once and retried twice"
    );
}

#[tokio::test]
async fn a_failed_patch_is_never_sent_twice() {
    let (base, count) = scripted_server(json_503()).await;
    let err = client_for(&base, Credentials::token("t"))
        .patch_csam(SHOP, &resend())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "the server may have sent the email: no retry"
    );
}

#[tokio::test]
async fn resend_against_a_failing_mock_sends_no_second_email() {
    let mock = start_mock_with(MockConfig {
        fail_rate: 1.0,
        ..MockConfig::demo()
    })
    .await;
    let before = outbox(&mock).await.len();
    let err = full_client(&mock)
        .patch_csam(BLOG_PENDING, &resend())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let patches = requests(&mock)
        .await
        .into_iter()
        .filter(|(m, _)| m == "PATCH")
        .count();
    assert_eq!(patches, 1);
    assert_eq!(outbox(&mock).await.len(), before);
}

#[tokio::test]
async fn resend_records_exactly_one_email() {
    let mock = start_mock().await;
    let before = outbox(&mock).await.len();
    full_client(&mock)
        .patch_csam(BLOG_PENDING, &resend())
        .await
        .unwrap();
    assert_eq!(outbox(&mock).await.len(), before + 1);
}

#[tokio::test]
async fn rate_limited_then_success_after_retry() {
    let mock = start_mock_with(MockConfig {
        rate_limit: Some(RateLimit {
            requests: 1,
            per: Duration::from_secs(1),
        }),
        ..MockConfig::demo()
    })
    .await;
    let client = full_client(&mock);
    client.get_csam(SHOP).await.unwrap();
    let no_retry = {
        let mut config =
            ClientConfig::new(Credentials::token(FULL_TOKEN)).with_base_url(mock.base_url());
        config.retry = RetryPolicy::none();
        Client::new(config).unwrap()
    };
    match no_retry.get_csam(SHOP).await {
        Err(ApiError::RateLimited {
            retry_after: Some(wait),
        }) => assert!(wait <= Duration::from_secs(1)),
        other => panic!("expected a rate limit with Retry-After, got {other:?}"),
    }
    let reply = tokio::time::timeout(Duration::from_secs(10), client.get_csam(SHOP))
        .await
        .unwrap();
    assert!(
        reply.is_ok(),
        "the retry after Retry-After must succeed: {reply:?}"
    );
}

#[tokio::test]
async fn auth_permission_locked_not_found_and_validation() {
    let mock = start_mock().await;
    let base = mock.base_url();

    let expired = client_for(&base, Credentials::token(EXPIRED_TOKEN))
        .get_csam(SHOP)
        .await;
    assert!(matches!(expired, Err(ApiError::Auth { .. })), "{expired:?}");

    let read_only = client_for(&base, Credentials::token(READ_ONLY_TOKEN));
    assert!(read_only.get_csam(SHOP).await.is_ok());
    let patch = CsamPatch::of(CsamPatchValue {
        enabled: Some(false),
        ..CsamPatchValue::default()
    });
    match read_only.patch_csam(SHOP, &patch).await {
        Err(ApiError::Permission { permission, .. }) => {
            assert_eq!(permission.as_deref(), Some("Zone Settings Write"))
        }
        other => panic!("expected a permission error, got {other:?}"),
    }
    match client_for(&base, Credentials::token(ZONE_ONLY_TOKEN))
        .get_dlp(ACME)
        .await
    {
        Err(ApiError::Permission { permission, .. }) => {
            assert_eq!(permission.as_deref(), Some("Zero Trust Read"))
        }
        other => panic!("expected a permission error, got {other:?}"),
    }

    let client = full_client(&mock);
    let locked = client.patch_csam(CDN_LOCKED, &patch).await;
    assert!(matches!(locked, Err(ApiError::Locked { .. })), "{locked:?}");
    assert_eq!(
        client.get_csam(CDN_LOCKED).await.unwrap().result.editable,
        Some(false)
    );

    let missing = client.get_csam("0123456789abcdef0123456789abcdef").await;
    assert!(
        matches!(missing, Err(ApiError::NotFound { .. })),
        "{missing:?}"
    );
    let missing = client.get_dlp("0123456789abcdef0123456789abcdef").await;
    assert!(
        matches!(missing, Err(ApiError::NotFound { .. })),
        "{missing:?}"
    );

    let unknown_source = CsamPatch::of(CsamPatchValue {
        sources: Some([("no_such_list".to_owned(), true)].into()),
        ..CsamPatchValue::default()
    });
    match client.patch_csam(SHOP, &unknown_source).await {
        Err(ApiError::Validation { code, message, .. }) => {
            assert!(code >= 1000);
            assert!(message.contains("no_such_list"), "{message}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn timeout_and_connection_refused() {
    let mock = start_mock_with(MockConfig {
        latency: Some(Duration::from_secs(3)),
        ..MockConfig::demo()
    })
    .await;
    let mut config =
        ClientConfig::new(Credentials::token(FULL_TOKEN)).with_base_url(mock.base_url());
    config.timeout = Duration::from_millis(200);
    config.retry = RetryPolicy::none();
    let err = Client::new(config)
        .unwrap()
        .get_csam(SHOP)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::Timeout {
            after: Duration::from_millis(200)
        }
    );

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refused = client_for(
        &format!("http://127.0.0.1:{port}/client/v4"),
        Credentials::token("t"),
    );
    let err = refused.get_csam(SHOP).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Connection { host, .. } if host == "127.0.0.1"),
        "{err:?}"
    );
    assert!(!err.to_string().contains('\n'));
}

#[tokio::test]
async fn no_error_message_contains_a_secret() {
    let mock = start_mock().await;
    let secret = "tdemo-not-a-real-token-secret-value";
    let client = client_for(&mock.base_url(), Credentials::token(secret));
    let err = client.get_csam(SHOP).await.unwrap_err();
    assert!(!err.to_string().contains(secret));
    assert!(!format!("{err:?} {client:?}").contains(secret));
}

#[tokio::test]
async fn requests_carry_the_user_agent_and_the_credentials_only_in_headers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/client/v4", listener.local_addr().unwrap());
    let seen = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed early");
            head.extend_from_slice(&buf[..n]);
        }
        let _ = socket.write_all(json_503().as_bytes()).await;
        String::from_utf8_lossy(&head).to_lowercase()
    });
    let mut config = ClientConfig::new(Credentials::token("tdemo-secret")).with_base_url(&base);
    config.retry = RetryPolicy::none();
    let _ = Client::new(config).unwrap().get_csam(SHOP).await;
    let head = tokio::time::timeout(Duration::from_secs(5), seen)
        .await
        .unwrap()
        .unwrap();
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    assert_eq!(
        request_line,
        format!("get /client/v4/zones/{SHOP}/settings/csam_scanner_third_party http/1.1")
    );
    assert!(
        head.contains(&format!(
            "user-agent: trustdeck/{}",
            env!("CARGO_PKG_VERSION")
        )),
        "{head}"
    );
    assert!(
        head.contains("authorization: bearer tdemo-secret"),
        "{head}"
    );
}
