//! Each retry is told to whoever observes the client, and the worker turns
//! the notices into events ahead of the request's reply.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use trustdeck::api::model::{CsamPatch, CsamPatchValue};
use trustdeck::api::worker::{ApiEvent, ApiOp, ApiOutput, ApiRequest, Worker};
use trustdeck::api::{ApiError, Credentials, RetryNotice};

const RATE_LIMITED: &str = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"#;

/// Answers the first request with a 429 (`Retry-After-Ms: 20`), the rest with a CSAM setting.
async fn limited_once() -> RawServer {
    raw_server(|socket, _, before| async move {
        let answer = if before == 0 {
            http_answer(
                "429 Too Many Requests",
                &["Retry-After-Ms: 20", "Content-Type: application/json"],
                RATE_LIMITED,
            )
        } else {
            http_answer("200 OK", &[], CSAM_OK)
        };
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await
}

fn rate_limited() -> ApiError {
    ApiError::RateLimited {
        retry_after: Some(Duration::from_millis(20)),
    }
}

#[tokio::test]
async fn an_observed_client_tells_each_retry_before_it_waits() {
    let server = limited_once().await;
    let client = client_for(&server.base_url(), Credentials::token("t"));
    let notices = Arc::new(Mutex::new(Vec::new()));
    let seen = notices.clone();
    let observed = client.observed(move |notice| seen.lock().unwrap().push(notice));
    assert!(observed.get_csam(SHOP).await.is_ok());
    assert_eq!(
        *notices.lock().unwrap(),
        [RetryNotice {
            attempt: 2,
            wait: Duration::from_millis(20),
            error: rate_limited(),
        }]
    );
    assert!(
        client.get_csam(SHOP).await.is_ok(),
        "the original is unobserved"
    );
    assert_eq!(notices.lock().unwrap().len(), 1);
    assert!(!format!("{observed:?}").contains("Fn"));
}

#[tokio::test]
async fn a_rate_limited_patch_is_retried_once_and_told() {
    let server = limited_once().await;
    let notices = Arc::new(Mutex::new(Vec::new()));
    let seen = notices.clone();
    let client = client_for(&server.base_url(), Credentials::token("t"))
        .observed(move |notice| seen.lock().unwrap().push(notice));
    let patch = CsamPatch::of(CsamPatchValue {
        enabled: Some(true),
        ..CsamPatchValue::default()
    });
    assert!(client.patch_csam(SHOP, &patch).await.is_ok());
    assert_eq!(server.heads().len(), 2, "a 429 was not applied: one retry");
    assert_eq!(notices.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_worker_sends_retrying_before_the_reply() {
    let server = limited_once().await;
    let mut worker = Worker::spawn(client_for(&server.base_url(), Credentials::token("t")));
    worker.send(ApiRequest {
        id: 7,
        op: ApiOp::GetCsam {
            zone_id: SHOP.into(),
        },
    });
    let mut events = Vec::new();
    while !matches!(events.last(), Some(ApiEvent::Reply(_))) {
        let event = tokio::time::timeout(Duration::from_secs(5), worker.responses.recv())
            .await
            .expect("an event within 5 s")
            .expect("the worker is running");
        events.push(event);
    }
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        ApiEvent::Retrying {
            id: 7,
            attempt: 2,
            wait: Duration::from_millis(20),
            error: rate_limited(),
        }
    );
    match &events[1] {
        ApiEvent::Reply(reply) => {
            assert_eq!(reply.id, 7);
            assert!(matches!(reply.result, Ok(ApiOutput::Csam(_))), "{reply:?}");
        }
        other => panic!("expected the reply, got {other:?}"),
    }
}
