//! Input the mock refuses whole: bodies not declared as JSON (415), account
//! ids of the wrong shape, ids too long to echo, and emails with control or
//! bidirectional-text characters.

use crate::mock_common::{ACME, BLOG, Harness, SHOP, reply};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_body_without_a_json_content_type_is_415_and_changes_nothing() {
    let h = Harness::start().await;
    let before = h.state().await;
    let faults = h.faults().await;
    let cases = [
        (
            Method::PATCH,
            h.api(&Harness::csam(SHOP)),
            json!({"value": {"enabled": false}}),
        ),
        (
            Method::PATCH,
            h.api(&Harness::dlp(ACME)),
            json!({"ocr": false}),
        ),
        (
            Method::PUT,
            h.api(&Harness::dlp(ACME)),
            json!({"ocr": false}),
        ),
        (
            Method::POST,
            h.root("/__mock/faults"),
            json!({"fail_rate": 1}),
        ),
    ];
    for (method, url, body) in &cases {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
            Some("multipart/form-data; boundary=x"),
        ] {
            let mut request = h
                .http
                .request(method.clone(), url)
                .bearer_auth(&h.token)
                .body(body.to_string());
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let reply = reply(request).await;
            assert_eq!(
                reply.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{method} {url} {content_type:?}"
            );
            assert_eq!(reply.error_codes(), [1415]);
            assert!(reply.first_message().contains("application/json"));
        }
    }
    assert_eq!(h.state().await, before);
    assert_eq!(h.faults().await, faults);
    for content_type in ["application/json; charset=utf-8", "Application/JSON"] {
        let request = h
            .http
            .patch(h.api(&Harness::dlp(ACME)))
            .bearer_auth(&h.token)
            .header("content-type", content_type)
            .body(json!({"ocr": false}).to_string());
        assert_eq!(
            reply(request).await.result()["ocr"],
            false,
            "{content_type}"
        );
    }
}

#[tokio::test]
async fn malformed_account_ids_are_400_everywhere() {
    let h = Harness::start().await;
    for account in ["nope", &"a".repeat(31), &"a".repeat(33), "a-b", "%FF%FE"] {
        for path in [
            format!("/accounts/{account}"),
            format!("/accounts/{account}/dlp/settings"),
            format!("/accounts/{account}/tokens/verify"),
        ] {
            let reply = h.call(Method::GET, &path, None).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(reply.error_codes(), [7003, 7000], "{path}");
        }
    }
}

#[tokio::test]
async fn a_huge_id_is_never_echoed_whole() {
    let h = Harness::start().await;
    let huge = "a".repeat(60_000);
    for path in [
        format!("/accounts/{huge}"),
        format!("/accounts/{huge}/dlp/settings"),
        format!("/accounts/{huge}/tokens/verify"),
        format!("/zones/{huge}"),
        format!("/zones/{huge}/settings/csam_scanner_third_party"),
        format!("/{huge}"),
    ] {
        let reply = h.call(Method::GET, &path, None).await;
        assert!(reply.status.is_client_error(), "{}", reply.status);
        reply.error_codes();
        assert!(reply.text.len() < 600, "{} bytes echoed", reply.text.len());
    }
    let clipped = h
        .call(Method::GET, &format!("/accounts/{huge}/dlp/settings"), None)
        .await;
    assert!(
        clipped
            .first_message()
            .contains(&format!("/accounts/{}…/dlp/settings", &huge[..40])),
        "{}",
        clipped.text
    );
    let mock_only = reply(
        h.http
            .post(h.root(&format!("/__mock/zones/{huge}/verify-email"))),
    )
    .await;
    assert_eq!(mock_only.status, StatusCode::NOT_FOUND);
    assert!(mock_only.text.len() < 600, "{}", mock_only.text.len());
}

#[tokio::test]
async fn emails_with_control_or_bidi_characters_are_refused() {
    let h = Harness::start().await;
    let before = h.state().await;
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{0007}', '\u{001B}',
        '\u{007F}', '\u{0085}', '\u{200B}', '\u{FEFF}',
    ] {
        for email in [
            format!("team{c}@acme-corp.com"),
            format!("{c}team@acme-corp.com"),
            format!("team@acme-corp.com{c}"),
        ] {
            for zone in [SHOP, BLOG] {
                let reply = h
                    .call(
                        Method::PATCH,
                        &Harness::csam(zone),
                        Some(json!({"value": {"email": email}})),
                    )
                    .await;
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{:?}", email);
                assert_eq!(reply.error_codes(), [1007]);
                assert_eq!(reply.body["errors"][0]["source"]["pointer"], "/value/email");
                assert!(
                    reply
                        .first_message()
                        .contains(&format!("U+{:04X}", u32::from(c))),
                    "{}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(h.state().await, before);
    assert!(h.outbox().await.is_empty());
}

/// The client's check and the mock's (written apart from it) give the same
/// verdict on every row, so a wrong check in one shows here.
#[tokio::test]
async fn the_client_and_the_mock_agree_on_every_email() {
    let h = Harness::start().await;
    let e = "\u{e9}";
    let rows = [
        "abuse@example.com".to_owned(),
        "x.y+z@sub.example.org".to_owned(),
        format!("jos{e}@exemple.fr"),
        format!("{}@b.co", e.repeat(32)),
        format!("{}@b.co", e.repeat(33)),
        format!("{}@{}.com", "a".repeat(60), "b".repeat(189)),
        format!("{}@{}.com", "a".repeat(60), "b".repeat(190)),
        format!("{}@{}.com", e.repeat(10), e.repeat(111)),
        format!("{}@{}.com", e.repeat(10), e.repeat(239)),
        format!("{}@b.co", "a".repeat(64)),
        format!("{}@b.co", "a".repeat(65)),
        String::new(),
        "abuse".to_owned(),
        "@example.com".to_owned(),
        "a@".to_owned(),
        "a@b".to_owned(),
        "a@b..com".to_owned(),
        "a@.com".to_owned(),
        "a@b.com.".to_owned(),
        "a@@b.com".to_owned(),
        "a@b@c.com".to_owned(),
        ".a@b.com".to_owned(),
        "a.@b.com".to_owned(),
        "a..b@b.com".to_owned(),
        "a b@c.com".to_owned(),
        "a\u{A0}b@c.com".to_owned(),
        "a\u{3000}b@c.com".to_owned(),
        "team\u{2028}@x.co".to_owned(),
        "team\u{2029}@x.co".to_owned(),
        "team\u{E0041}@x.co".to_owned(),
        "team\u{FFFA}@x.co".to_owned(),
        "team\u{2064}@x.co".to_owned(),
        "team\u{9}@x.co".to_owned(),
        "team\u{85}@x.co".to_owned(),
    ];
    for email in rows {
        let client = trustdeck::api::validate::email(&email);
        let reply = h
            .call(
                Method::PATCH,
                &Harness::csam(SHOP),
                Some(json!({"value": {"email": email}})),
            )
            .await;
        match client {
            Ok(()) => assert_eq!(reply.status, StatusCode::OK, "{email:?}: {}", reply.text),
            Err(reason) => {
                assert_eq!(
                    reply.status,
                    StatusCode::BAD_REQUEST,
                    "{email:?}: client says {reason}"
                );
                assert_eq!(
                    reply.first_message(),
                    format!("email {reason}"),
                    "{email:?}"
                );
            }
        }
    }
}
