//! The client against the embedded mock, one endpoint at a time, over loopback.

use std::collections::BTreeMap;

use crate::common::*;
use trustdeck::api::model::{
    CsamPatch, CsamPatchValue, EmailState, MaskingLevel, PayloadLoggingUpdate, TokenStatus,
};
use trustdeck::api::{ApiError, Credentials, ZoneQuery};

#[tokio::test]
async fn verify_token_reports_each_status() {
    let mock = start_mock().await;
    let ok = full_client(&mock).verify_token().await.unwrap();
    assert_eq!(ok.result.status, TokenStatus::Active);
    assert!(!ok.result.id.is_empty());
    for (token, status) in [
        (EXPIRED_TOKEN, TokenStatus::Expired),
        (DISABLED_TOKEN, TokenStatus::Disabled),
    ] {
        let reply = client_for(&mock.base_url(), Credentials::token(token))
            .verify_token()
            .await
            .unwrap();
        assert_eq!(reply.result.status, status);
    }
    let unknown = client_for(&mock.base_url(), Credentials::token("no-such-token"))
        .verify_token()
        .await;
    assert!(matches!(unknown, Err(ApiError::Auth { .. })), "{unknown:?}");
    let account = full_client(&mock).verify_account_token(ACME).await.unwrap();
    assert_eq!(account.result.status, TokenStatus::Active);
}

#[tokio::test]
async fn accounts_are_listed() {
    let mock = start_mock().await;
    let reply = full_client(&mock).list_accounts(1, 20).await.unwrap();
    let names: Vec<&str> = reply.result.iter().map(|a| a.name.as_str()).collect();
    assert!(
        names.contains(&"Acme Corp") && names.contains(&"Globex Media"),
        "{names:?}"
    );
    assert!(reply.result.iter().any(|a| a.id == ACME));
}

#[tokio::test]
async fn zones_are_filtered_and_paged() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let globex = client
        .list_zones(&ZoneQuery {
            account_id: Some(GLOBEX.into()),
            ..ZoneQuery::default()
        })
        .await
        .unwrap();
    assert!(!globex.result.is_empty());
    assert!(
        globex
            .result
            .iter()
            .all(|z| z.account.as_ref().unwrap().id.as_deref() == Some(GLOBEX))
    );

    let named = client
        .list_zones(&ZoneQuery {
            name: Some("shop.acme-corp.com".into()),
            ..ZoneQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(named.result.len(), 1);
    assert_eq!(named.result[0].id, SHOP);

    let first = client
        .list_zones(&ZoneQuery {
            per_page: 5,
            ..ZoneQuery::default()
        })
        .await
        .unwrap();
    let info = first.result_info.unwrap();
    assert_eq!(
        (info.page, info.per_page, info.count),
        (Some(1), Some(5), Some(5))
    );
    let total = info.total_count.unwrap();
    assert!(total >= 8);
    assert_eq!(info.total_pages, Some(total.div_ceil(5)));
    let second = client
        .list_zones(&ZoneQuery {
            page: 2,
            per_page: 5,
            ..ZoneQuery::default()
        })
        .await
        .unwrap();
    assert!(
        second
            .result
            .iter()
            .all(|z| first.result.iter().all(|f| f.id != z.id))
    );

    let bad = client
        .list_zones(&ZoneQuery {
            per_page: 51,
            ..ZoneQuery::default()
        })
        .await;
    assert!(matches!(bad, Err(ApiError::InvalidInput { .. })));
}

#[tokio::test]
async fn csam_get_shows_the_masked_setting() {
    let mock = start_mock().await;
    let reply = full_client(&mock).get_csam(SHOP).await.unwrap();
    let setting = reply.result;
    assert_eq!(setting.id.as_deref(), Some("csam_scanner"));
    assert_eq!(setting.editable, Some(true));
    assert_eq!(setting.value.email.as_deref(), Some("**********"));
    assert_eq!(setting.value.email_state, Some(EmailState::Valid));
    assert_eq!(setting.value.zone_plan.as_deref(), Some("ent"));
    assert_eq!(setting.value.sources.get("ncmec_ngo"), Some(&true));
}

#[tokio::test]
async fn csam_patch_changes_email_and_sources() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let patch = CsamPatch::of(CsamPatchValue {
        email: Some("new-team@acme-corp.com".into()),
        sources: Some(BTreeMap::from([("ncmec_industry".to_owned(), true)])),
        ..CsamPatchValue::default()
    });
    let reply = client.patch_csam(SHOP, &patch).await.unwrap();
    assert_eq!(reply.result.value.email_state, Some(EmailState::Pending));
    assert_eq!(reply.result.value.email.as_deref(), Some("**********"));
    assert_eq!(
        reply.result.value.sources.get("ncmec_industry"),
        Some(&true)
    );
    let mail = outbox(&mock).await;
    assert!(
        mail.iter()
            .any(|m| m["to"] == "new-team@acme-corp.com" && m["zone_id"] == SHOP),
        "{mail:?}"
    );
    let again = client.get_csam(SHOP).await.unwrap();
    assert_eq!(again.result, reply.result);
}

#[tokio::test]
async fn enabling_with_an_unverified_email_is_kept_off_with_a_message() {
    let mock = start_mock().await;
    let patch = CsamPatch::of(CsamPatchValue {
        enabled: Some(true),
        ..CsamPatchValue::default()
    });
    let reply = full_client(&mock)
        .patch_csam(FORUM_UNVERIFIED, &patch)
        .await
        .unwrap();
    assert_eq!(reply.result.value.enabled, Some(false));
    assert!(
        !reply.messages.is_empty(),
        "the adjustment must be explained"
    );
    assert!(reply.messages.iter().all(|m| m.code >= 1000));
}

#[tokio::test]
async fn dlp_get_put_patch_and_reset() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let initial = client.get_dlp(ACME).await.unwrap().result;
    assert!(initial.ai_context_analysis && initial.ocr);
    assert_eq!(
        initial.payload_logging.masking_level,
        Some(MaskingLevel::Partial)
    );
    assert!(initial.payload_logging.public_key.is_some());

    let patched = client
        .patch_dlp(
            ACME,
            &trustdeck::api::model::DlpUpdate {
                ocr: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .result;
    assert!(
        !patched.ocr && patched.ai_context_analysis,
        "PATCH keeps what it does not name"
    );
    assert_eq!(
        patched.payload_logging.public_key,
        initial.payload_logging.public_key
    );
    assert_ne!(
        patched.payload_logging.updated_at,
        initial.payload_logging.updated_at
    );

    let put = client
        .put_dlp(
            ACME,
            &trustdeck::api::model::DlpUpdate {
                ocr: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .result;
    assert!(
        put.ocr && !put.ai_context_analysis,
        "PUT resets what it does not name"
    );
    assert_eq!(put.payload_logging.public_key, None);
    assert_eq!(
        put.payload_logging.masking_level,
        Some(MaskingLevel::Default)
    );

    let disabled = client
        .patch_dlp(
            ACME,
            &trustdeck::api::model::DlpUpdate {
                payload_logging: Some(PayloadLoggingUpdate {
                    public_key: Some("GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=".into()),
                    masking_level: Some(MaskingLevel::Full),
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .result;
    assert_eq!(
        disabled.payload_logging.masking_level,
        Some(MaskingLevel::Full)
    );
    assert!(disabled.payload_logging.public_key.is_some());

    // Cloudflare resets to the values a new account starts with.
    let reset = client.reset_dlp(ACME).await.unwrap().result;
    assert!(!reset.ai_context_analysis && !reset.ocr);
    assert_eq!(
        reset.payload_logging.masking_level,
        Some(MaskingLevel::Default)
    );
    assert_eq!(reset.payload_logging.public_key, None);
    assert_eq!(client.get_dlp(ACME).await.unwrap().result, reset);
}

#[tokio::test]
async fn legacy_email_and_key_work() {
    let mock = start_mock().await;
    let client = client_for(
        &mock.base_url(),
        Credentials::global_key(LEGACY_EMAIL, LEGACY_KEY),
    );
    assert!(client.get_csam(SHOP).await.is_ok());
    assert!(client.get_dlp(GLOBEX).await.is_ok());
    let wrong = client_for(
        &mock.base_url(),
        Credentials::global_key(LEGACY_EMAIL, "0000"),
    );
    assert!(matches!(
        wrong.get_csam(SHOP).await,
        Err(ApiError::Auth { .. })
    ));
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let long_zone = "a".repeat(33);
    for zone in [
        "",
        "../accounts",
        "abc/def",
        "abc?x=1",
        "abc#x",
        "a b",
        long_zone.as_str(),
    ] {
        let err = client.get_csam(zone).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidInput { field, .. } if field == "zone id"),
            "{zone}: {err}"
        );
    }
    let long_email = format!("{}@example.com", "a".repeat(250));
    for email in ["not-an-email", long_email.as_str(), "two@@example.com"] {
        let patch = CsamPatch::of(CsamPatchValue {
            email: Some(email.into()),
            ..CsamPatchValue::default()
        });
        let err = client.patch_csam(SHOP, &patch).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidInput { field, .. } if field == "notification email"),
            "{err}"
        );
    }
    assert!(matches!(
        client.get_dlp("").await,
        Err(ApiError::InvalidInput { .. })
    ));
    assert!(
        requests(&mock).await.is_empty(),
        "nothing may be sent for bad input"
    );
}
