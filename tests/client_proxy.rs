//! Proxy variables must never carry a loopback request (and its credentials)
//! to a proxy. Environment variables are process-wide, so this binary holds
//! a single test that sets them before any client exists.

mod common;

use std::time::Duration;

use common::*;
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

#[tokio::test]
async fn loopback_requests_bypass_proxies_and_https_ones_still_use_them() {
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
    // SAFETY: this is the only test in this binary and it sets the variables
    // before it starts anything that could read the environment.
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
