//! The client against servers that misbehave on purpose: redirects, odd
//! bodies, endless streams. Each server is a few lines on loopback.

use std::time::Duration;

use crate::common::*;
use trustdeck::api::{ApiError, Client, ClientConfig, Credentials, RetryPolicy};

fn client_with(base: &str, credentials: Credentials, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(credentials).with_base_url(base);
    config.retry = RetryPolicy::none();
    config.timeout = timeout;
    Client::new(config).expect("client")
}

#[tokio::test]
async fn an_html_page_with_case_changing_characters_does_not_panic_the_client() {
    let body = "İ".repeat(10) + "<title>ab</title>";
    let server = raw_server(move |socket, _, _| {
        let answer = http_answer("502 Bad Gateway", &["Content-Type: text/html"], &body);
        async move { reply_raw(socket, answer.as_bytes()).await }
    })
    .await;
    let err = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    )
    .get_csam(SHOP)
    .await
    .unwrap_err();
    assert_eq!(
        err,
        ApiError::NonJson {
            status: 502,
            snippet: "ab".into()
        }
    );
}

#[tokio::test]
async fn cloudflare_messages_with_line_breaks_and_controls_stay_one_clean_line() {
    let message = format!("bad\\n\\u001b[2Jthing\\u202e {}", "x".repeat(5000));
    let body = format!(
        r#"{{"success":false,"errors":[{{"code":1004,"message":"{message}"}}],"messages":[],"result":null}}"#
    );
    let server = raw_server(move |socket, _, _| {
        let answer = http_answer(
            "400 Bad Request",
            &["Content-Type: application/json"],
            &body,
        );
        async move { reply_raw(socket, answer.as_bytes()).await }
    })
    .await;
    let err = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    )
    .get_csam(SHOP)
    .await
    .unwrap_err();
    let line = err.to_string();
    assert!(
        line.starts_with("rejected by Cloudflare (1004): bad [2Jthing x"),
        "{line}"
    );
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert!(!line.contains('\u{202e}'), "{line:?}");
    assert!(
        line.chars().count() < 400,
        "{} characters",
        line.chars().count()
    );
}

#[tokio::test]
async fn a_redirect_is_an_error_and_nothing_follows_it() {
    let elsewhere = raw_server(|socket, _, _| async move {
        reply_raw(socket, http_answer("200 OK", &[], CSAM_OK).as_bytes()).await;
    })
    .await;
    let target = format!(
        "http://{}/client/v4/zones/{SHOP}/settings/csam_scanner_third_party?token=leak#frag",
        elsewhere.addr
    );
    let redirecting = raw_server(move |socket, _, _| {
        let answer = http_answer("302 Found", &[&format!("Location: {target}")], "");
        async move { reply_raw(socket, answer.as_bytes()).await }
    })
    .await;
    for credentials in [
        Credentials::global_key(LEGACY_EMAIL, LEGACY_KEY),
        Credentials::token(FULL_TOKEN),
    ] {
        let err = client_with(&redirecting.base_url(), credentials, Duration::from_secs(5))
            .get_csam(SHOP)
            .await
            .unwrap_err();
        match &err {
            ApiError::Redirected { status, location } => {
                assert_eq!(*status, 302);
                assert!(location.starts_with("http://127.0.0.1:"), "{location}");
                assert!(
                    !location.contains("leak") && !location.contains('?'),
                    "{location}"
                );
                assert!(!location.contains("frag"), "{location}");
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
        let line = err.to_string();
        assert!(line.contains("302") && !line.contains('\n'), "{line}");
    }
    assert_eq!(redirecting.heads().len(), 2, "one request per client");
    assert!(
        elsewhere.heads().is_empty(),
        "the redirect target received {:?}",
        elsewhere.heads()
    );
}

#[tokio::test]
async fn a_token_given_as_account_id_is_refused_before_sending_and_never_echoed() {
    let server = raw_server(|socket, _, _| async move {
        reply_raw(socket, http_answer("404 Not Found", &[], "").as_bytes()).await;
    })
    .await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    );
    let short = &FULL_TOKEN[..31];
    let query = trustdeck::api::ZoneQuery {
        account_id: Some(FULL_TOKEN.into()),
        ..Default::default()
    };
    let errors = [
        client.get_dlp(FULL_TOKEN).await.unwrap_err(),
        client.reset_dlp(FULL_TOKEN).await.unwrap_err(),
        client.verify_account_token(FULL_TOKEN).await.unwrap_err(),
        client.list_zones(&query).await.unwrap_err(),
        client.get_dlp(short).await.unwrap_err(),
        client
            .get_dlp(&format!("{}/x", &ACME[..30]))
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(&err, ApiError::InvalidInput { field, .. } if field == "account id"),
            "{err:?}"
        );
        let shown = format!("{err} {err:?}");
        for piece in FULL_TOKEN.as_bytes().windows(6) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!shown.contains(piece), "{shown} echoes {piece:?}");
        }
    }
    assert!(server.heads().is_empty(), "sent: {:?}", server.heads());
}

/// Headers of a chunked 200 that never says it is done.
const CHUNKED_HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Writes `chunk` (as one HTTP chunk) `times` times, then holds the
/// connection open without ending the body.
async fn stream_then_stall(mut socket: tokio::net::TcpStream, chunk: Vec<u8>, times: usize) {
    use tokio::io::AsyncWriteExt;
    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
    framed.extend_from_slice(&chunk);
    framed.extend_from_slice(b"\r\n");
    if socket.write_all(CHUNKED_HEAD).await.is_err() {
        return;
    }
    for _ in 0..times {
        if socket.write_all(&framed).await.is_err() {
            return;
        }
    }
    std::future::pending::<()>().await;
}

#[tokio::test]
async fn an_endless_answer_stops_at_the_size_limit() {
    // 64 MiB, then silence: endless to the client, bounded for the test.
    let server =
        raw_server(|socket, _, _| stream_then_stall(socket, vec![b'['; 64 * 1024], 1024)).await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(30),
    );
    let err = tokio::time::timeout(Duration::from_secs(10), client.get_csam(SHOP))
        .await
        .expect("the client must stop at the limit, not wait for the end")
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::TooLarge {
            limit: trustdeck::api::BODY_LIMIT as u64
        }
    );
    assert_eq!(
        err.to_string(),
        "the answer is larger than 1 MiB; reading stopped there (check the base URL)"
    );
}

#[tokio::test]
async fn an_announced_huge_answer_is_refused_without_reading() {
    let server = raw_server(|mut socket, _, _| async move {
        use tokio::io::AsyncWriteExt;
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n";
        let _ = socket.write_all(head).await;
        std::future::pending::<()>().await;
    })
    .await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(30),
    );
    let err = tokio::time::timeout(Duration::from_secs(10), client.get_csam(SHOP))
        .await
        .expect("a Content-Length over the limit fails at once")
        .unwrap_err();
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_body_that_drips_forever_times_out_within_the_limit() {
    let server = raw_server(|mut socket, _, _| async move {
        use tokio::io::AsyncWriteExt;
        if socket.write_all(CHUNKED_HEAD).await.is_err() {
            return;
        }
        loop {
            if socket.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let limit = Duration::from_millis(500);
    let client = client_with(&server.base_url(), Credentials::token("t"), limit);
    let err = tokio::time::timeout(Duration::from_secs(60), client.get_csam(SHOP))
        .await
        .expect("a dripping body must not hold the request open")
        .unwrap_err();
    assert_eq!(err, ApiError::Timeout { after: limit });
}

#[tokio::test]
async fn an_empty_result_is_an_error_not_settings_that_are_off() {
    let server = raw_server(|socket, _, _| async move {
        let answer = http_answer("200 OK", &[], r#"{"success": true, "result": {}}"#);
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    );
    match client.get_dlp(ACME).await {
        Err(ApiError::Decode {
            status: 200,
            detail,
        }) => {
            assert!(
                detail.contains("ai_context_analysis, ocr, payload_logging"),
                "{detail}"
            )
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    match client.get_csam(SHOP).await {
        Err(ApiError::Decode {
            status: 200,
            detail,
        }) => {
            assert!(detail.contains("no value object"), "{detail}")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_call_is_named_by_its_route_and_the_token_is_not_blamed() {
    let server = raw_server(|socket, _, _| async move {
        let body = r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#;
        let answer = http_answer("401 Unauthorized", &["Content-Type: application/json"], body);
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    );
    let accounts = client.list_accounts(1, 20).await.unwrap_err();
    assert_eq!(
        accounts,
        ApiError::Auth {
            request: "GET /accounts".into(),
            message: "Authentication error".into()
        }
    );
    assert_eq!(
        accounts.to_string(),
        "Cloudflare refused GET /accounts for these credentials: Authentication error"
    );
    let dlp = client.get_dlp(ACME).await.unwrap_err().to_string();
    assert_eq!(
        dlp,
        "Cloudflare refused GET /accounts/{account_id}/dlp/settings for these credentials: Authentication error"
    );
    for line in [accounts.to_string(), dlp] {
        assert!(
            !line.contains("CLOUDFLARE_API_TOKEN") && !line.contains(ACME),
            "{line}"
        );
    }
}

#[tokio::test]
async fn a_wrongly_typed_huge_value_gives_a_short_decode_error() {
    let server = raw_server(|socket, _, _| async move {
        let body = format!(
            r#"{{"success":true,"result":{{"ai_context_analysis":"{}\n","ocr":true,"payload_logging":{{}}}}}}"#,
            "y".repeat(100_000)
        );
        reply_raw(socket, http_answer("200 OK", &[], &body).as_bytes()).await;
    })
    .await;
    let client = client_with(
        &server.base_url(),
        Credentials::token("t"),
        Duration::from_secs(5),
    );
    let err = client.get_dlp(ACME).await.unwrap_err();
    assert!(
        matches!(err, ApiError::Decode { status: 200, .. }),
        "{err:?}"
    );
    let line = err.to_string();
    assert!(
        line.chars().count() < 400,
        "{} characters",
        line.chars().count()
    );
    assert!(!line.chars().any(char::is_control), "{line:?}");
}
