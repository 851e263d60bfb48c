//! The mock's DLP settings endpoint: PUT replaces, PATCH merges, DELETE
//! resets to a new account's defaults, `updated_at` always moves on.

use crate::mock_common::{ACME, GLOBEX, Harness, ZONE_ONLY};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";

fn dlp(account: &str) -> String {
    Harness::dlp(account)
}

fn updated_at(result: &Value) -> String {
    result["payload_logging"]["updated_at"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn get_returns_the_data_file_values() {
    let h = Harness::start().await;
    let reply = h.call(Method::GET, &dlp(ACME), None).await;
    assert_eq!(
        *reply.result(),
        json!({"ai_context_analysis": true, "ocr": true, "payload_logging": {
            "masking_level": "partial", "public_key": KEY, "updated_at": "2026-10-02T14:05:11Z"}})
    );
    let globex = h.call(Method::GET, &dlp(GLOBEX), None).await;
    assert_eq!(
        globex.result()["payload_logging"]["public_key"],
        Value::Null
    );
}

#[tokio::test]
async fn put_resets_missing_and_null_fields_to_defaults() {
    let h = Harness::start().await;
    let reply = h
        .call(
            Method::PUT,
            &dlp(ACME),
            Some(json!({"ocr": true, "ai_context_analysis": null})),
        )
        .await;
    let result = reply.result();
    assert_eq!(result["ai_context_analysis"], false);
    assert_eq!(result["ocr"], true);
    assert_eq!(result["payload_logging"]["masking_level"], "default");
    assert_eq!(result["payload_logging"]["public_key"], Value::Null);
    assert_eq!(h.call(Method::GET, &dlp(ACME), None).await.result(), result);
}

#[tokio::test]
async fn patch_keeps_missing_and_null_fields() {
    let h = Harness::start().await;
    let body = json!({"ocr": false, "ai_context_analysis": null, "payload_logging": {"masking_level": "full"}});
    let reply = h.call(Method::PATCH, &dlp(ACME), Some(body)).await;
    let result = reply.result();
    assert_eq!(result["ai_context_analysis"], true);
    assert_eq!(result["ocr"], false);
    assert_eq!(result["payload_logging"]["masking_level"], "full");
    assert_eq!(result["payload_logging"]["public_key"], KEY);

    let disable = h
        .call(
            Method::PATCH,
            &dlp(ACME),
            Some(json!({"payload_logging": {"public_key": ""}})),
        )
        .await;
    assert_eq!(
        disable.result()["payload_logging"]["public_key"],
        Value::Null
    );
    let enable = h
        .call(
            Method::PATCH,
            &dlp(GLOBEX),
            Some(json!({"payload_logging": {"public_key": KEY}})),
        )
        .await;
    assert_eq!(enable.result()["payload_logging"]["public_key"], KEY);
}

#[tokio::test]
async fn delete_resets_to_a_new_accounts_defaults_and_updated_at_moves() {
    let h = Harness::start().await;
    let initial = h.call(Method::GET, &dlp(ACME), None).await.result().clone();
    let mut seen = vec![updated_at(&initial)];
    let patch = h
        .call(
            Method::PATCH,
            &dlp(ACME),
            Some(json!({"ocr": true, "payload_logging": {"masking_level": "full"}})),
        )
        .await;
    seen.push(updated_at(patch.result()));
    let delete = h.call(Method::DELETE, &dlp(ACME), None).await;
    let reset = delete.result().clone();
    seen.push(updated_at(&reset));
    let mut expected = json!({"ai_context_analysis": false, "ocr": false, "payload_logging": {
        "masking_level": "default", "public_key": null}});
    expected["payload_logging"]["updated_at"] = json!(seen[2]);
    assert_eq!(reset, expected, "the defaults, not the data file's values");
    assert_ne!(reset["ocr"], initial["ocr"], "Acme's data has OCR on");
    assert_eq!(h.call(Method::GET, &dlp(ACME), None).await.result(), &reset);
    assert_eq!(h.state().await["dlp"][ACME], reset);
    let again = h.call(Method::DELETE, &dlp(ACME), None).await;
    seen.push(updated_at(again.result()));
    let put = h.call(Method::PUT, &dlp(ACME), Some(json!({}))).await;
    seen.push(updated_at(put.result()));
    let parsed: Vec<_> = seen
        .iter()
        .map(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
        })
        .collect();
    assert!(
        parsed.windows(2).all(|w| w[0] < w[1]),
        "updated_at must strictly increase: {seen:?}"
    );
    assert!(seen.iter().all(|t| t.ends_with('Z')), "UTC: {seen:?}");
    let now = time::OffsetDateTime::now_utc();
    assert!(
        (now - parsed[2]).whole_seconds().abs() < 60,
        "DELETE stamps now: {seen:?}"
    );
}

#[tokio::test]
async fn mock_reset_still_goes_back_to_the_data_files_values() {
    let h = Harness::start().await;
    let initial = h.call(Method::GET, &dlp(ACME), None).await.result().clone();
    h.call(Method::DELETE, &dlp(ACME), None).await.result();
    let reset = h.http.post(h.root("/__mock/reset")).send().await.unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(
        h.call(Method::GET, &dlp(ACME), None).await.result(),
        &initial
    );
}

#[tokio::test]
async fn bad_bodies_are_400_envelopes_and_change_nothing() {
    let h = Harness::start().await;
    let before = h.state().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"ocr": "yes"}), "/ocr"),
        (json!({"ai_context_analysis": 1}), "/ai_context_analysis"),
        (json!({"payload_logging": 5}), "/payload_logging"),
        (
            json!({"payload_logging": {"masking_level": "most"}}),
            "/payload_logging/masking_level",
        ),
        (
            json!({"payload_logging": {"masking_level": 3}}),
            "/payload_logging/masking_level",
        ),
        (
            json!({"payload_logging": {"public_key": "not base64!"}}),
            "/payload_logging/public_key",
        ),
        (
            json!({"payload_logging": {"public_key": "YWJ"}}),
            "/payload_logging/public_key",
        ),
        (
            json!({"payload_logging": {"public_key": 7}}),
            "/payload_logging/public_key",
        ),
        (
            json!({"ocr": true, "payload_logging": {"public_key": "%%%%"}}),
            "/payload_logging/public_key",
        ),
    ];
    for method in [Method::PUT, Method::PATCH] {
        for (body, pointer) in &cases {
            let reply = h.call(method.clone(), &dlp(ACME), Some(body.clone())).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{method} {body}");
            assert_eq!(reply.error_codes(), [1007], "{method} {body}");
            assert_eq!(
                reply.body["errors"][0]["source"]["pointer"], *pointer,
                "{body}"
            );
        }
        for raw in [&b""[..], b"nul", b"[]", b"true", b"{\"ocr\":", b"\0\0"] {
            let reply = h.call_raw(method.clone(), &dlp(ACME), raw.to_vec()).await;
            assert_eq!(reply.error_codes(), [6007], "{method} {raw:?}");
        }
    }
    assert_eq!(h.state().await, before);
}

#[tokio::test]
async fn unknown_accounts_are_404_and_malformed_ones_400_envelopes() {
    let h = Harness::start().await;
    for (account, status) in [
        ("00000000000000000000000000000000", StatusCode::NOT_FOUND),
        ("nope", StatusCode::BAD_REQUEST),
        ("%FF%FE", StatusCode::BAD_REQUEST),
        (&"a".repeat(300), StatusCode::BAD_REQUEST),
    ] {
        for method in [Method::GET, Method::DELETE] {
            let reply = h.call(method.clone(), &dlp(account), None).await;
            assert_eq!(reply.status, status, "{method} {account}");
            assert_eq!(reply.error_codes(), [7003, 7000]);
        }
    }
}

#[tokio::test]
async fn a_token_without_zero_trust_is_refused() {
    let h = Harness::start().await;
    let before = h.state().await;
    let read = h.call_as(ZONE_ONLY, Method::GET, &dlp(ACME), None).await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    assert_eq!(read.error_codes(), [9109]);
    assert!(
        read.first_message().contains("'Zero Trust Read'"),
        "{}",
        read.text
    );
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let reply = h
            .call_as(ZONE_ONLY, method.clone(), &dlp(ACME), Some(json!({})))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert!(
            reply.first_message().contains("'Zero Trust Write'"),
            "{}",
            reply.text
        );
    }
    assert_eq!(h.state().await, before);
}

#[tokio::test]
async fn a_null_masking_level_is_refused_and_changes_nothing() {
    let h = Harness::start().await;
    let before = h.state().await;
    for method in [Method::PATCH, Method::PUT] {
        let body = json!({"payload_logging": {"masking_level": null}});
        let reply = h.call(method, &dlp(ACME), Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            reply.body["errors"][0]["source"]["pointer"],
            "/payload_logging/masking_level"
        );
    }
    assert_eq!(h.state().await, before);
}
