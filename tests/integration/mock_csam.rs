//! The mock's CSAM Scanner endpoint: masking, the verification flow, the
//! locked zone, validation that changes nothing, and concurrent writes.

use std::time::Duration;

use crate::mock_common::{BLOG, FORUM, Harness, IMAGES, LOCKED, SHOP};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

fn csam(zone: &str) -> String {
    Harness::csam(zone)
}

#[tokio::test]
async fn get_masks_the_email_and_matches_the_schema() {
    let h = Harness::start().await;
    let reply = h.call(Method::GET, &csam(SHOP), None).await;
    let result = reply.result();
    assert_eq!(result["id"], "csam_scanner");
    assert_eq!(result["editable"], true);
    assert_eq!(result["modified_on"], Value::Null);
    assert_eq!(result["value"]["email"], "**********");
    assert_eq!(result["value"]["email_state"], "valid");
    assert_eq!(result["value"]["enabled"], true);
    assert_eq!(
        result["value"]["sources"],
        json!({"ncmec_ngo": true, "ncmec_industry": false})
    );
    assert_eq!(result["value"]["zone_plan"], "ent");
    assert_eq!(reply.content_type(), "application/json");
    assert!(
        !reply.text.contains("acme-corp.com"),
        "the real address leaked: {}",
        reply.text
    );
}

#[tokio::test]
async fn a_new_email_goes_pending_and_is_sent_a_verification() {
    let h = Harness::start().await;
    let reply = h
        .call(
            Method::PATCH,
            &csam(SHOP),
            Some(json!({"value": {"email": "new-team@acme-corp.com"}})),
        )
        .await;
    let value = &reply.result()["value"];
    assert_eq!(value["email"], "**********");
    assert_eq!(value["email_state"], "pending");
    assert_eq!(value["enabled"], false, "scanning needs a verified email");
    assert!(reply.message_codes().contains(&1101));
    assert!(!reply.text.contains("new-team"), "{}", reply.text);

    let outbox = h.outbox().await;
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0]["to"], "new-team@acme-corp.com");
    assert_eq!(outbox[0]["kind"], "verification");
    assert_eq!(outbox[0]["zone_id"], SHOP);
    assert_eq!(outbox[0]["zone_name"], "shop.acme-corp.com");
    assert_eq!(
        h.state().await["zones"][SHOP]["email"],
        "new-team@acme-corp.com"
    );

    // The same address again starts a verification again, as Cloudflare
    // does on every PATCH with an email: a second send mails a second time.
    let again = h
        .call(
            Method::PATCH,
            &csam(SHOP),
            Some(json!({"value": {"email": "new-team@acme-corp.com"}})),
        )
        .await;
    assert_eq!(again.result()["value"]["email_state"], "pending");
    let outbox = h.outbox().await;
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[1]["to"], "new-team@acme-corp.com");
    assert_eq!(outbox[1]["kind"], "verification");
}

#[tokio::test]
async fn resend_adds_to_the_outbox_and_is_never_echoed() {
    let h = Harness::start().await;
    let reply = h
        .call(
            Method::PATCH,
            &csam(FORUM),
            Some(json!({"value": {"resend_email": true}})),
        )
        .await;
    let result = reply.result();
    assert_eq!(
        result["value"]["email_state"], "pending",
        "unverified becomes pending"
    );
    assert!(
        result["value"].get("resend_email").is_none(),
        "{}",
        reply.text
    );
    assert!(!reply.text.contains("resend_email"));
    let outbox = h.outbox().await;
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0]["kind"], "resend");
    assert_eq!(outbox[0]["to"], "moderators@acme-corp.com");

    let pending = h
        .call(
            Method::PATCH,
            &csam(BLOG),
            Some(json!({"value": {"resend_email": true}})),
        )
        .await;
    assert_eq!(pending.result()["value"]["email_state"], "pending");
    assert_eq!(h.outbox().await.len(), 2);

    // Already verified: a message, and nothing sent.
    let valid = h
        .call(
            Method::PATCH,
            &csam(SHOP),
            Some(json!({"value": {"resend_email": true}})),
        )
        .await;
    assert_eq!(valid.result()["value"]["email_state"], "valid");
    assert_eq!(valid.message_codes(), [1102]);
    assert_eq!(
        valid.body["messages"][0]["message"],
        "The notification email is already verified; no email was sent"
    );
    assert_eq!(h.outbox().await.len(), 2);
}

#[tokio::test]
async fn enabling_with_an_unverified_email_stays_off_until_verified() {
    let h = Harness::start().await;
    let reply = h
        .call(
            Method::PATCH,
            &csam(FORUM),
            Some(json!({"value": {"enabled": true}})),
        )
        .await;
    assert_eq!(reply.result()["value"]["enabled"], false);
    assert_eq!(reply.message_codes(), [1101]);
    assert_eq!(
        reply.body["messages"][0]["message"],
        "Scanning stays off until the notification email is verified"
    );

    assert_eq!(h.verify_email(FORUM).await, StatusCode::OK);
    let after = h.call(Method::GET, &csam(FORUM), None).await;
    assert_eq!(after.result()["value"]["email_state"], "valid");
    assert_eq!(
        after.result()["value"]["enabled"],
        false,
        "verifying does not switch scanning on"
    );

    let enabled = h
        .call(
            Method::PATCH,
            &csam(FORUM),
            Some(json!({"value": {"enabled": true}})),
        )
        .await;
    assert_eq!(enabled.result()["value"]["enabled"], true);
    assert!(enabled.message_codes().is_empty());
}

#[tokio::test]
async fn verify_email_of_an_unknown_zone_is_404_json() {
    let h = Harness::start().await;
    assert_eq!(
        h.verify_email("0000000000000000000000000000dead").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn verify_after_validates_a_pending_email_by_itself() {
    let config = MockConfig {
        verify_after: Some(Duration::from_millis(300)),
        ..MockConfig::demo()
    };
    let h = Harness::with(config).await;
    let reply = h
        .call(
            Method::PATCH,
            &csam(SHOP),
            Some(json!({"value": {"email": "later@acme-corp.com"}})),
        )
        .await;
    assert_eq!(reply.result()["value"]["email_state"], "pending");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let state =
            h.call(Method::GET, &csam(SHOP), None).await.result()["value"]["email_state"].clone();
        if state == "valid" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still {state} after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sources_merge_and_other_fields_are_kept() {
    let h = Harness::start().await;
    let body = json!({"id": "csam_scanner", "value": {"sources": {"iwf": false, "tech_coalition": true}}, "extra": 1});
    let reply = h.call(Method::PATCH, &csam(IMAGES), Some(body)).await;
    let value = &reply.result()["value"];
    assert_eq!(
        value["sources"],
        json!({"ncmec_ngo": true, "ncmec_industry": true, "iwf": false, "tech_coalition": true})
    );
    assert_eq!(value["enabled"], true);
    assert_eq!(value["email_state"], "valid");
    assert!(h.outbox().await.is_empty());
}

#[tokio::test]
async fn a_locked_zone_refuses_every_patch_and_stays_unchanged() {
    let h = Harness::start().await;
    let before = h.state().await;
    for body in [
        json!({}),
        json!({"value": {"enabled": false}}),
        json!({"value": {"email": 5}}),
    ] {
        let reply = h.call(Method::PATCH, &csam(LOCKED), Some(body)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.error_codes(), [1403]);
        assert!(reply.first_message().contains("locked by Trust & Safety"));
    }
    assert_eq!(h.state().await, before);
    let get = h.call(Method::GET, &csam(LOCKED), None).await;
    assert_eq!(get.result()["editable"], false);
}

#[tokio::test]
async fn bad_bodies_are_400_envelopes_and_change_nothing() {
    let h = Harness::start().await;
    let before = h.state().await;
    let long = format!("{}@example.com", "a".repeat(250));
    let cases: Vec<(Value, &str)> = vec![
        (json!({"id": "other"}), "/id"),
        (json!({"value": []}), "/value"),
        (json!({"value": null}), "/value"),
        (json!({"value": {"email": 42}}), "/value/email"),
        (json!({"value": {"email": null}}), "/value/email"),
        (
            json!({"value": {"email": "not-an-address"}}),
            "/value/email",
        ),
        (
            json!({"value": {"email": "a b@example.com"}}),
            "/value/email",
        ),
        (json!({"value": {"email": long}}), "/value/email"),
        (
            json!({"value": {"email": "a\u{0}@example.com"}}),
            "/value/email",
        ),
        (json!({"value": {"enabled": "yes"}}), "/value/enabled"),
        (json!({"value": {"resend_email": 1}}), "/value/resend_email"),
        (json!({"value": {"sources": true}}), "/value/sources"),
        (
            json!({"value": {"sources": {"ncmec_ngo": "on"}}}),
            "/value/sources/ncmec_ngo",
        ),
        (
            json!({"value": {"sources": {"iwf": true}}}),
            "/value/sources/iwf",
        ),
        // A valid change next to an invalid one is not applied either.
        (
            json!({"value": {"enabled": false, "email": "x"}}),
            "/value/email",
        ),
    ];
    for (body, pointer) in cases {
        let reply = h.call(Method::PATCH, &csam(SHOP), Some(body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.error_codes(), [1007], "{body}");
        assert_eq!(
            reply.body["errors"][0]["source"]["pointer"], pointer,
            "{body}"
        );
    }
    let unknown = h
        .call(
            Method::PATCH,
            &csam(SHOP),
            Some(json!({"value": {"sources": {"iwf": true}}})),
        )
        .await;
    assert!(
        unknown
            .first_message()
            .contains("ncmec_industry, ncmec_ngo"),
        "{}",
        unknown.text
    );

    for raw in [
        &b""[..],
        b"{",
        b"[1]",
        b"\"x\"",
        b"null",
        b"{\"value\":\0}",
        b"\0",
    ] {
        let reply = h.call_raw(Method::PATCH, &csam(SHOP), raw.to_vec()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{raw:?}");
        assert_eq!(reply.error_codes(), [6007], "{raw:?}");
    }
    assert_eq!(h.state().await, before);
    assert!(h.outbox().await.is_empty());
}

#[tokio::test]
async fn bad_and_unknown_zone_ids() {
    let h = Harness::start().await;
    for zone in [
        "x".repeat(33),
        "abc-def".to_owned(),
        "%FF".to_owned(),
        "a%2Fb".to_owned(),
    ] {
        let reply = h.call(Method::GET, &csam(&zone), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{zone}");
        assert_eq!(reply.error_codes(), [1001], "{zone}");
    }
    let reply = h
        .call(
            Method::PATCH,
            &csam("0000000000000000000000000000dead"),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_codes(), [7003, 1001]);
}

#[tokio::test]
async fn parallel_patches_leave_one_of_the_written_states() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let config = MockConfig {
        state: Some(file.clone()),
        ..MockConfig::demo()
    };
    let h = Harness::with(config.clone()).await;
    let writes: Vec<Value> = (0..32)
        .map(|i| {
            json!({"value": {
                "email": format!("team{i}@acme-corp.com"),
                "sources": {"ncmec_ngo": i % 2 == 0, "ncmec_industry": i % 3 == 0, "iwf": i % 5 == 0, "tech_coalition": i % 7 == 0},
            }})
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for body in writes.clone() {
        let http = h.http.clone();
        let url = h.api(&csam(IMAGES));
        let token = h.token.clone();
        tasks.spawn(async move {
            http.patch(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let stored = h.state().await["zones"][IMAGES].clone();
    let matching = writes.iter().filter(|w| {
        w["value"]["email"] == stored["email"] && w["value"]["sources"] == stored["sources"]
    });
    assert_eq!(
        matching.count(),
        1,
        "the final state mixes writes: {stored}"
    );
    assert_eq!(stored["email_state"], "pending");
    assert_eq!(h.outbox().await.len(), 32);

    // The file holds the last acknowledged write, not an older one.
    let in_memory = h.state().await;
    h.mock.shutdown().await;
    let reopened = Harness::with(config).await;
    assert_eq!(reopened.state().await, in_memory);
}
