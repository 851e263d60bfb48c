//! Proxy variables must never carry a loopback request (and its credentials)
//! to a proxy. Environment variables are process-wide, so the test runs again
//! in a child process of this binary, with the variables set on the child
//! only.

use std::time::Duration;

use crate::common::*;
use trustdeck::api::{ApiError, Client, ClientConfig, Credentials, RetryPolicy};

const PROXY_VARIABLES: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

fn client(base: &str) -> Client {
    let mut config = ClientConfig::new(Credentials::token(FULL_TOKEN)).with_base_url(base);
    config.retry = RetryPolicy::none();
    config.timeout = Duration::from_secs(5);
    Client::new(config).expect("client")
}

/// Set in the child that runs the case.
const CHILD: &str = "TRUSTDECK_TEST_PROXY_CHILD";

#[test]
fn loopback_requests_bypass_proxies_and_https_ones_still_use_them() {
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(case());
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "client_proxy::loopback_requests_bypass_proxies_and_https_ones_still_use_them",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child case failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Starts the servers, then points every proxy variable at one of them:
/// they are set on this (child) process, before any client exists.
async fn case() {
    let proxy = raw_server(|socket, _, _| async move {
        reply_raw(
            socket,
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
        )
        .await;
    })
    .await;
    let api = raw_server(|socket, _, _| async move {
        reply_raw(socket, http_answer("200 OK", &[], CSAM_OK).as_bytes()).await;
    })
    .await;
    let proxy_url = format!("http://{}", proxy.addr);
    // SAFETY: this child process runs only this case, and nothing reads the
    // environment while it is set (the servers above do not).
    unsafe {
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
        for name in PROXY_VARIABLES {
            std::env::set_var(name, &proxy_url);
        }
    }

    let reply = client(&api.base_url()).get_csam(SHOP).await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(api.heads().len(), 1);
    assert!(
        proxy.heads().is_empty(),
        "the proxy saw {:?}",
        proxy.heads()
    );

    // An https API is reached through the proxy, which only learns the host.
    let err = client("https://api.trustdeck.invalid/client/v4")
        .get_csam(SHOP)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Connection { .. }), "{err:?}");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT api.trustdeck.invalid:443 "),
        "{heads:?}"
    );
    assert!(!heads[0].contains(FULL_TOKEN), "{heads:?}");
}
