//! A server that echoes the token it was sent: the real binary never prints,
//! journals or audits it. The server is a proxy in front of a real mock that
//! answers every write with an error quoting the `Authorization` header.

use crate::common::*;
use crate::headless_common::Headless;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// Forwards to `upstream`; a write is refused with the token in the message
/// (split by a zero-width space the second time, JSON-escaped the third).
async fn echo_proxy(upstream: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http = plain_http();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (http, upstream) = (http.clone(), upstream.clone());
            async move { forward(http, upstream, method, uri, headers, body).await }
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/client/v4")
}

async fn forward(
    http: reqwest::Client,
    upstream: String,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let token = auth.trim_start_matches("Bearer ");
    if method != Method::GET {
        let (head, tail) = token.split_at(token.len() / 2);
        let message = format!(
            "the token {token} may not write; {head}\\u200b{tail} again; \\u{:04x}{}",
            u32::from(token.chars().next().unwrap_or('x')),
            &token[1..]
        );
        let body = format!(
            r#"{{"success":false,"errors":[{{"code":1004,"message":"{message}"}}],"messages":[],"result":null}}"#
        );
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            body,
        )
            .into_response();
    }
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .trim_start_matches("/client/v4");
    let answer = http
        .request(method, format!("{upstream}{path}"))
        .header("authorization", auth.clone())
        .body(body)
        .send()
        .await
        .expect("the mock answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let bytes = answer.bytes().await.unwrap_or_default();
    (
        status,
        [("content-type", "application/json")],
        Body::from(bytes),
    )
        .into_response()
}

fn every_file_under(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&every_file_under(&path));
        } else if let Ok(content) = std::fs::read_to_string(&path) {
            text.push_str(&content);
        }
    }
    text
}

#[tokio::test]
async fn an_echoed_token_reaches_no_output_journal_or_audit_log() {
    let cli = Headless::start().await;
    let base = echo_proxy(cli.mock.base_url()).await;
    let env = [("CLOUDFLARE_BASE_URL", base.as_str())];
    let file = cli.home.path().join("zones.txt");
    std::fs::write(&file, "shop.acme-corp.com\nglobex-media.tv\n").unwrap();
    let zones = file.to_str().unwrap();
    let mut texts = Vec::new();
    for args in [
        &["fleet", "apply", "--disable", "--zones", zones, "--yes"][..],
        &[
            "fleet", "apply", "--enable", "--zones", zones, "--yes", "--json",
        ][..],
        &["csam", "set", SHOP, "--disable"][..],
        &["csam", "set", SHOP, "--source", "ncmec_ngo=off", "--json"][..],
    ] {
        let run = cli.run_with(args, &env).await;
        assert!(
            run.stderr.contains("[redacted]") || run.stdout.contains("[redacted]"),
            "{args:?} shows the server's message, redacted: {run:#?}"
        );
        assert_ne!(run.code, 0, "{args:?}: {run:#?}");
        texts.push(format!("{args:?}\n{}\n{}", run.stdout, run.stderr));
    }
    texts.push(every_file_under(cli.home.path()));
    assert!(
        cli.audit_text().contains("[redacted]"),
        "{}",
        cli.audit_text()
    );
    let token_tail = &FULL_TOKEN[1..];
    for text in texts {
        assert!(
            !text.contains(FULL_TOKEN) && !text.contains(token_tail),
            "the token is in: {text}"
        );
        let (head, tail) = FULL_TOKEN.split_at(FULL_TOKEN.len() / 2);
        assert!(
            !(text.contains(head) && text.contains(tail)),
            "both halves of the token are in: {text}"
        );
    }
}
