//! A server that takes `resend_email` without a word (the field is
//! write-only, and Cloudflare documents no message for it): `csam set
//! --resend` does not claim an email was sent again. The server is a proxy
//! in front of a real mock that drops the messages of every write's answer.

use crate::common::*;
use crate::headless_common::Headless;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::Value;

async fn quiet_proxy(upstream: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http = plain_http();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (http, upstream) = (http.clone(), upstream.clone());
            async move {
                let path = uri.path_and_query().map_or("/", |p| p.as_str());
                let path = path.trim_start_matches("/client/v4");
                let write = method != Method::GET;
                let mut request = http.request(method, format!("{upstream}{path}"));
                for name in ["authorization", "content-type"] {
                    if let Some(value) = headers.get(name) {
                        request = request.header(name, value.as_bytes());
                    }
                }
                let answer = request.body(body).send().await.expect("the mock answers");
                let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
                let mut document: Value = answer.json().await.expect("JSON");
                if write {
                    document["messages"] = Value::Array(Vec::new());
                }
                (status, axum::Json(document)).into_response()
            }
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/client/v4")
}

#[tokio::test]
async fn a_resend_the_server_does_not_confirm_is_not_called_sent() {
    let cli = Headless::start().await;
    let base = quiet_proxy(cli.mock.base_url()).await;
    let env = [("CLOUDFLARE_BASE_URL", base.as_str())];
    let run = cli
        .run_with(&["csam", "set", BLOG_PENDING, "--resend"], &env)
        .await;
    run.expect(0);
    assert!(!run.stdout.contains("sent again"), "{run:#?}");
    assert!(run.stdout.contains("asked to send again"), "{run:#?}");
    let json = cli
        .run_with(&["csam", "set", BLOG_PENDING, "--resend", "--json"], &env)
        .await;
    json.expect(0);
    assert_eq!(
        json.document("csam_write")["notes"],
        Value::Array(Vec::new()),
        "{json:#?}"
    );

    let direct = cli.run(&["csam", "set", BLOG_PENDING, "--resend"]).await;
    direct.expect(0);
    assert!(
        direct
            .stdout
            .contains("the verification email was sent again"),
        "the mock says so (message 1104): {direct:#?}"
    );
}
