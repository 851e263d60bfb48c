//! HTTP-level behaviour of the mock: routing errors, injected faults (from
//! the flags and from `/__mock/faults` at run time), the request log and
//! reset.
use crate::mock_common;

use std::time::{Duration, Instant};

use crate::mock_common::{ACME, Harness, SHOP};
use reqwest::{Method, StatusCode};
use serde_json::json;
use trustdeck::mock::{MockConfig, RateLimit};

#[tokio::test]
async fn undeclared_methods_are_405_with_allow() {
    let h = Harness::start().await;
    let cases = [
        (Method::PUT, Harness::csam(SHOP), "GET, PATCH"),
        (Method::DELETE, Harness::csam(SHOP), "GET, PATCH"),
        (Method::POST, Harness::dlp(ACME), "GET, PUT, PATCH, DELETE"),
        (Method::TRACE, Harness::dlp(ACME), "GET, PUT, PATCH, DELETE"),
        (Method::POST, "/zones".to_owned(), "GET"),
        (
            Method::from_bytes(b"QUERY").unwrap(),
            "/accounts".to_owned(),
            "GET",
        ),
        (Method::PATCH, "/user/tokens/verify".to_owned(), "GET"),
    ];
    for (method, path, allow) in cases {
        let reply = h.call(method.clone(), &path, None).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(reply.error_codes(), [7001]);
        assert_eq!(reply.headers["allow"], allow, "{method} {path}");
    }
    let head = h
        .http
        .head(h.api(&Harness::csam(SHOP)))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn unknown_paths_are_404_envelopes() {
    let h = Harness::start().await;
    for path in ["/zones/x/settings/other", "/nothing", "/zones/", ""] {
        let reply = h.call(Method::GET, path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path:?}");
        assert_eq!(reply.error_codes(), [7003, 7000]);
    }
    let reply = h.call(Method::GET, "/nothing/here", None).await;
    assert_eq!(
        reply.first_message(),
        "Could not route to /nothing/here, perhaps your object identifier is invalid?"
    );
    let outside = mock_common::reply(h.http.get(h.root("/favicon.ico"))).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    outside.error_codes();
}

#[tokio::test]
async fn an_oversized_body_is_a_400_envelope() {
    let h = Harness::start().await;
    let huge = format!(
        "{{\"value\": {{\"email\": \"{}@example.com\"}}}}",
        "a".repeat(2 << 20)
    );
    let reply = h
        .call_raw(Method::PATCH, &Harness::csam(SHOP), huge.into_bytes())
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_codes(), [6007]);
}

#[tokio::test]
async fn fail_rate_one_answers_only_5xx_some_of_them_html() {
    let config = MockConfig {
        fail_rate: 1.0,
        ..MockConfig::demo()
    };
    let h = Harness::with(config).await;
    let before = h.state().await;
    let (mut json_500, mut html) = (0, 0);
    for _ in 0..60 {
        let reply = h
            .call(
                Method::PATCH,
                &Harness::dlp(ACME),
                Some(json!({"ocr": false})),
            )
            .await;
        assert!(reply.status.is_server_error(), "{}", reply.status);
        if reply.content_type() == "text/html" {
            assert!(matches!(reply.status.as_u16(), 502 | 520));
            assert!(reply.text.contains("<html"), "{}", reply.text);
            html += 1;
        } else {
            assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(reply.error_codes(), [10002]);
            json_500 += 1;
        }
    }
    assert!(html > 0 && json_500 > 0, "html {html}, json {json_500}");
    assert_eq!(
        h.state().await,
        before,
        "an injected failure never changes state"
    );
    let mock_only = h.http.get(h.root("/__mock/outbox")).send().await.unwrap();
    assert_eq!(
        mock_only.status(),
        StatusCode::OK,
        "faults only touch /client/v4"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_per_credential() {
    let config = MockConfig {
        rate_limit: Some(RateLimit {
            requests: 3,
            per: Duration::from_secs(60),
        }),
        ..MockConfig::demo()
    };
    let h = Harness::with(config).await;
    for _ in 0..3 {
        h.call(Method::GET, "/zones", None).await.result();
    }
    let limited = h.call(Method::GET, "/zones", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_codes(), [1015]);
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let other = h
        .call_as(mock_common::READ_ONLY, Method::GET, "/zones", None)
        .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another credential has its own window"
    );
}

#[tokio::test]
async fn latency_delays_api_requests() {
    let config = MockConfig {
        latency: Some(Duration::from_millis(200)),
        ..MockConfig::demo()
    };
    let h = Harness::with(config).await;
    let started = Instant::now();
    h.call(Method::GET, "/zones", None).await.result();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_request_log_shows_what_was_sent() {
    let h = Harness::start().await;
    assert!(h.requests().await.is_empty(), "nothing sent yet");
    h.call(Method::GET, "/zones?per_page=5", None).await;
    h.call(
        Method::PATCH,
        &Harness::csam(SHOP),
        Some(json!({"value": {"enabled": true}})),
    )
    .await;
    let log = h.requests().await;
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[0],
        json!({"method": "GET", "path": "/client/v4/zones", "query": "per_page=5", "status": 200})
    );
    assert_eq!(log[1]["method"], "PATCH");
    assert_eq!(log[1]["path"], format!("/client/v4{}", Harness::csam(SHOP)));
    assert_eq!(log[1]["query"], serde_json::Value::Null);
}

#[tokio::test]
async fn reset_goes_back_to_the_data_and_clears_outbox_and_log() {
    let h = Harness::start().await;
    let initial = h.state().await;
    h.call(
        Method::PATCH,
        &Harness::csam(SHOP),
        Some(json!({"value": {"email": "x@acme-corp.com"}})),
    )
    .await;
    h.call(Method::DELETE, &Harness::dlp(ACME), None).await;
    assert_ne!(h.state().await, initial);
    let reset = h.http.post(h.root("/__mock/reset")).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(h.state().await, initial);
    assert!(h.outbox().await.is_empty());
    assert!(h.requests().await.is_empty());
}

#[tokio::test]
async fn shutdown_is_graceful_and_frees_the_port() {
    let h = Harness::start().await;
    let addr = h.mock.addr();
    h.call(Method::GET, "/zones", None).await.result();
    tokio::time::timeout(Duration::from_secs(10), h.mock.shutdown())
        .await
        .expect("shutdown finishes");
    let listener = tokio::net::TcpListener::bind(addr).await;
    assert!(listener.is_ok(), "the port is free again");
}

#[tokio::test]
async fn faults_switched_on_at_run_time_fail_only_the_save_and_change_nothing() {
    let h = Harness::start().await;
    assert_eq!(
        h.faults().await,
        json!({"fail_rate": 0.0, "latency_ms": 0, "rate_limit": null, "lock_out": null})
    );
    let loaded = h.call(Method::GET, &Harness::csam(SHOP), None).await;
    let loaded = loaded.result().clone();
    let before = h.state().await;

    let on = h.set_faults(json!({"fail_rate": 1})).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.text);
    assert_eq!(
        on.body,
        json!({"fail_rate": 1.0, "latency_ms": 0, "rate_limit": null, "lock_out": null})
    );
    assert_eq!(h.faults().await, on.body);
    let save = h
        .call(
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"email": "new@acme-corp.com", "enabled": false}})),
        )
        .await;
    assert!(save.status.is_server_error(), "{}", save.text);
    let delete = h.call(Method::DELETE, &Harness::dlp(ACME), None).await;
    assert!(delete.status.is_server_error(), "{}", delete.text);
    assert_eq!(
        h.state().await,
        before,
        "an injected failure never changes state"
    );
    assert!(h.outbox().await.is_empty(), "and sends no email");

    let off = h.set_faults(json!({"fail_rate": 0})).await;
    assert_eq!(off.body["fail_rate"], 0.0);
    let reread = h.call(Method::GET, &Harness::csam(SHOP), None).await;
    assert_eq!(reread.result(), &loaded);
    let retried = h
        .call(
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"enabled": false}})),
        )
        .await;
    assert_eq!(retried.result()["value"]["enabled"], false);
    let statuses: Vec<u64> = h
        .requests()
        .await
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    assert!(statuses[1] >= 500 && statuses[2] >= 500, "{statuses:?}");
    assert_eq!([statuses[0], statuses[3], statuses[4]], [200, 200, 200]);
}

#[tokio::test]
async fn bad_fault_bodies_are_400_envelopes_and_change_nothing() {
    let h = Harness::start().await;
    let set = h
        .set_faults(json!({"fail_rate": 0.25, "rate_limit": "100/10s"}))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let current = h.faults().await;
    assert_eq!(
        current,
        json!({"fail_rate": 0.25, "latency_ms": 0, "rate_limit": "100/10s", "lock_out": null})
    );
    for (body, pointer) in [
        (json!({"fail_rate": 1.5}), "/fail_rate"),
        (json!({"fail_rate": -0.1}), "/fail_rate"),
        (json!({"fail_rate": "0.5"}), "/fail_rate"),
        (json!({"fail_rate": null}), "/fail_rate"),
        (json!({"latency_ms": -5}), "/latency_ms"),
        (json!({"latency_ms": 1.5}), "/latency_ms"),
        (json!({"latency_ms": 600_001}), "/latency_ms"),
        (json!({"rate_limit": "fast"}), "/rate_limit"),
        (json!({"rate_limit": "0/1s"}), "/rate_limit"),
        (json!({"rate_limit": 5}), "/rate_limit"),
        (json!({"failrate": 1}), "/failrate"),
        (json!({"fail_rate": 0, "rate_limit": "x"}), "/rate_limit"),
    ] {
        let reply = h.set_faults(body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_codes(), [1007], "{body}");
        assert_eq!(
            reply.body["errors"][0]["source"]["pointer"], pointer,
            "{body}"
        );
    }
    for raw in ["", "not json", "[]", "{\"fail_rate\":"] {
        let reply = mock_common::reply(
            h.http
                .post(h.root("/__mock/faults"))
                .header("content-type", "application/json")
                .body(raw),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{raw:?}");
        assert_eq!(reply.error_codes(), [6007], "{raw:?}");
    }
    assert_eq!(h.faults().await, current, "nothing changed");
    let put = mock_common::reply(h.http.put(h.root("/__mock/faults"))).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.headers["allow"], "GET, POST");
    let same = h.set_faults(json!({})).await;
    assert_eq!(same.body, current, "an empty object changes nothing");
}

#[tokio::test]
async fn rate_limit_and_latency_switch_on_and_off_at_run_time() {
    let h = Harness::start().await;
    let on = h.set_faults(json!({"rate_limit": "2/60s"})).await;
    assert_eq!(on.body["rate_limit"], "2/1m");
    h.call(Method::GET, "/zones", None).await.result();
    h.call(Method::GET, "/zones", None).await.result();
    let limited = h.call(Method::GET, "/zones", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_codes(), [1015]);
    h.set_faults(json!({"rate_limit": null})).await;
    h.call(Method::GET, "/zones", None).await.result();

    let slow = h.set_faults(json!({"latency_ms": 200})).await;
    assert_eq!(slow.body["latency_ms"], 200);
    let started = Instant::now();
    h.call(Method::GET, "/zones", None).await.result();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
    let fast = h.set_faults(json!({"latency_ms": null})).await;
    assert_eq!(
        fast.body,
        json!({"fail_rate": 0.0, "latency_ms": 0, "rate_limit": null, "lock_out": null})
    );
}

#[tokio::test]
async fn reset_leaves_the_faults_alone() {
    let h = Harness::start().await;
    h.set_faults(json!({"fail_rate": 1})).await;
    let reset = h.http.post(h.root("/__mock/reset")).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(h.faults().await["fail_rate"], 1.0);
}
