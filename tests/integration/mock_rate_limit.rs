//! Cloudflare's rate limit on the mock: `Ratelimit` / `Ratelimit-Policy` on
//! every API answer, a quota per credential in fixed windows, 429 with
//! `Retry-After` for the rest of a window once it is spent, and a lock-out
//! forced through `POST /__mock/faults`.

use std::time::{Duration, Instant};

use crate::mock_common::{Harness, READ_ONLY, Reply, SHOP, reply};
use reqwest::{Method, StatusCode};
use serde_json::json;
use trustdeck::mock::{MockConfig, RateLimit};

async fn limited(requests: u32, per: Duration) -> Harness {
    Harness::with(MockConfig {
        rate_limit: Some(RateLimit { requests, per }),
        ..MockConfig::demo()
    })
    .await
}

/// (r, t) of the `Ratelimit` header, after checking its exact shape.
fn ratelimit(reply: &Reply) -> (u64, u64) {
    let value = reply.headers["ratelimit"].to_str().unwrap();
    let rest = value
        .strip_prefix("\"default\";r=")
        .unwrap_or_else(|| panic!("{value}"));
    let (r, t) = rest.split_once(";t=").unwrap_or_else(|| panic!("{value}"));
    (r.parse().unwrap(), t.parse().unwrap())
}

fn policy(reply: &Reply) -> &str {
    reply.headers["ratelimit-policy"].to_str().unwrap()
}

fn retry_after(reply: &Reply) -> u64 {
    reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_answer_carries_the_budget_and_the_429_the_lock_out() {
    let h = limited(4, Duration::from_secs(60)).await;
    let ok = h.call(Method::GET, "/zones", None).await;
    ok.result();
    let (r, t) = ratelimit(&ok);
    assert_eq!(r, 3);
    assert!((59..=60).contains(&t), "{t}");
    assert_eq!(policy(&ok), "\"default\";q=4;w=60");
    let not_found = h
        .call(Method::GET, "/zones/0000000000000000000000000000dead", None)
        .await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert_eq!(ratelimit(&not_found).0, 2);
    let forbidden = h
        .call_as(
            READ_ONLY,
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({})),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(
        ratelimit(&forbidden).0,
        3,
        "another credential, another budget"
    );
    let bad_body = h
        .call_raw(Method::PATCH, &Harness::csam(SHOP), b"{".to_vec())
        .await;
    assert_eq!(bad_body.status, StatusCode::BAD_REQUEST);
    assert_eq!(ratelimit(&bad_body).0, 1);
    h.call(Method::GET, "/accounts", None).await.result();
    let before = h.state().await;
    for _ in 0..3 {
        let refused = h
            .call(
                Method::PATCH,
                &Harness::csam(SHOP),
                Some(json!({"value": {"enabled": false}})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.error_codes(), [1015]);
        let (r, t) = ratelimit(&refused);
        assert_eq!(r, 0);
        assert_eq!(
            retry_after(&refused),
            t,
            "Retry-After is the time to the reset"
        );
        assert!((1..=60).contains(&t));
        assert_eq!(policy(&refused), "\"default\";q=4;w=60");
    }
    assert_eq!(h.state().await, before, "a refused write changes nothing");
    let outside = h.http.get(h.root("/__mock/faults")).send().await.unwrap();
    assert!(
        outside.headers().get("ratelimit").is_none(),
        "only the API is limited"
    );
}

#[tokio::test]
async fn the_global_key_has_its_own_budget() {
    let h = limited(1, Duration::from_secs(60)).await;
    h.call(Method::GET, "/zones", None).await.result();
    assert_eq!(
        h.call(Method::GET, "/zones", None).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let creds = h.mock.credentials().clone();
    let legacy = || {
        h.http
            .get(h.api("/zones"))
            .header("X-Auth-Email", &creds.email)
            .header("X-Auth-Key", &creds.global_key)
    };
    let first = reply(legacy()).await;
    first.result();
    assert_eq!(ratelimit(&first).0, 0);
    let wrong_key = reply(
        h.http
            .get(h.api("/zones"))
            .header("X-Auth-Email", &creds.email)
            .header("X-Auth-Key", "0000"),
    )
    .await;
    assert_eq!(
        wrong_key.status,
        StatusCode::UNAUTHORIZED,
        "email + key, not the email alone"
    );
    assert_eq!(reply(legacy()).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_lock_out_ends_with_the_window() {
    let h = limited(2, Duration::from_secs(1)).await;
    let started = Instant::now();
    h.call(Method::GET, "/zones", None).await.result();
    h.call(Method::GET, "/zones", None).await.result();
    let refused = h.call(Method::GET, "/zones", None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&refused), 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    let served = loop {
        let reply = h.call(Method::GET, "/zones", None).await;
        if reply.status == StatusCode::OK {
            break reply;
        }
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(Instant::now() < deadline, "still refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ratelimit(&served), (1, 1));
}

#[tokio::test]
async fn cloudflare_means_1200_per_5_minutes() {
    let h = Harness::with(MockConfig {
        rate_limit: Some("cloudflare".parse().unwrap()),
        ..MockConfig::demo()
    })
    .await;
    let first = h.call(Method::GET, "/zones", None).await;
    first.result();
    assert_eq!(ratelimit(&first), (1199, 300));
    assert_eq!(policy(&first), "\"default\";q=1200;w=300");
    assert_eq!(h.faults().await["rate_limit"], "1200/5m");
    let set = h.set_faults(json!({"rate_limit": "cloudflare"})).await;
    assert_eq!(set.body["rate_limit"], "1200/5m");
}

#[tokio::test]
async fn injected_failures_are_counted_and_carry_the_budget_too() {
    let h = Harness::with(MockConfig {
        rate_limit: Some(RateLimit {
            requests: 10,
            per: Duration::from_secs(60),
        }),
        fail_rate: 1.0,
        ..MockConfig::demo()
    })
    .await;
    let failed = h.call(Method::GET, "/zones", None).await;
    assert!(failed.status.is_server_error());
    assert_eq!(ratelimit(&failed).0, 9);
}

#[tokio::test]
async fn without_a_limit_there_are_no_rate_limit_headers() {
    let h = Harness::start().await;
    let ok = h.call(Method::GET, "/zones", None).await;
    ok.result();
    assert!(ok.headers.get("ratelimit").is_none());
    assert!(ok.headers.get("ratelimit-policy").is_none());
}

#[tokio::test]
async fn a_forced_lock_out_refuses_every_api_request_until_it_ends() {
    let h = Harness::start().await;
    let before = h.state().await;
    let set = h.set_faults(json!({"lock_out": "30s"})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let shown = h.faults().await;
    let left = shown["lock_out"]["seconds_left"].as_u64().unwrap();
    assert!((29..=30).contains(&left), "{shown}");
    assert!(shown["lock_out"]["until"].as_str().unwrap().ends_with('Z'));
    let creds = h.mock.credentials().clone();
    let legacy = reply(
        h.http
            .get(h.api("/accounts"))
            .header("X-Auth-Email", &creds.email)
            .header("X-Auth-Key", &creds.global_key),
    )
    .await;
    let anonymous = reply(h.http.get(h.api("/zones"))).await;
    let write = h
        .call(
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"enabled": false}})),
        )
        .await;
    let read_only = h.call_as(READ_ONLY, Method::GET, "/zones", None).await;
    for refused in [&legacy, &anonymous, &write, &read_only] {
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            refused.text
        );
        assert_eq!(refused.error_codes(), [1015]);
        assert!((29..=30).contains(&retry_after(refused)));
        assert!(
            refused.headers.get("ratelimit").is_none(),
            "no limit is configured"
        );
    }
    assert_eq!(h.state().await, before, "nothing reached a handler");
    let statuses: Vec<u64> = h
        .requests()
        .await
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [429, 429, 429, 429]);
    let lifted = h.set_faults(json!({"lock_out": null})).await;
    assert_eq!(lifted.body["lock_out"], serde_json::Value::Null);
    h.call(Method::GET, "/zones", None).await.result();
}

#[tokio::test]
async fn a_short_lock_out_ends_by_itself_and_keeps_the_limit_headers() {
    let h = limited(100, Duration::from_secs(60)).await;
    h.set_faults(json!({"lock_out": "400ms"})).await;
    let refused = h.call(Method::GET, "/zones", None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&refused), 1);
    assert_eq!(ratelimit(&refused), (0, 1), "the shared budget is spent");
    assert_eq!(policy(&refused), "\"default\";q=100;w=60");
    let deadline = Instant::now() + Duration::from_secs(5);
    let served = loop {
        let reply = h.call(Method::GET, "/zones", None).await;
        if reply.status == StatusCode::OK {
            break reply;
        }
        assert!(Instant::now() < deadline, "still locked out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        ratelimit(&served).0,
        99,
        "refused requests were not counted"
    );
    assert_eq!(h.faults().await["lock_out"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_lock_outs_are_400_and_change_nothing() {
    let h = Harness::start().await;
    let before = h.faults().await;
    for body in [
        json!({"lock_out": "soon"}),
        json!({"lock_out": 30}),
        json!({"lock_out": "-1s"}),
        json!({"lock_out": "2h"}),
        json!({"lock_out": true}),
        json!({"lock_out": "30s", "fail_rate": 2}),
    ] {
        let reply = h.set_faults(body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_codes(), [1007], "{body}");
        let pointers: Vec<&str> = reply.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["source"]["pointer"].as_str().unwrap())
            .collect();
        assert!(
            pointers.contains(&"/lock_out") || pointers.contains(&"/fail_rate"),
            "{body}"
        );
    }
    assert_eq!(h.faults().await, before);
    h.call(Method::GET, "/zones", None).await.result();
    let zero = h.set_faults(json!({"lock_out": "0s"})).await;
    assert_eq!(zero.body["lock_out"], serde_json::Value::Null);
}
