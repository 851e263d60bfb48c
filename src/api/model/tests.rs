//! Serde of the models against the seed examples and odd server answers.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;

const CSAM_SEED: &str = include_str!("../../../tests/fixtures/csam-scanner-update.response.json");
const DLP_SEED: &str = include_str!("../../../tests/fixtures/dlp-settings-reset.response.json");

fn example_info() -> ResponseInfo {
    ResponseInfo {
        code: 1000,
        message: "message".into(),
        documentation_url: Some("documentation_url".into()),
        source: Some(ResponseSource {
            pointer: Some("pointer".into()),
        }),
    }
}

#[test]
fn the_csam_seed_example_parses_field_by_field() {
    let envelope: Envelope<CsamSetting> = serde_json::from_str(CSAM_SEED).unwrap();
    assert!(envelope.success);
    assert_eq!(envelope.errors, vec![example_info()]);
    assert_eq!(envelope.messages, vec![example_info()]);
    let setting = envelope.result.unwrap();
    assert_eq!(setting.id.as_deref(), Some("csam_scanner"));
    assert_eq!(setting.editable, Some(true));
    assert_eq!(
        setting.modified_on.as_deref(),
        Some("2019-12-27T18:11:19.117Z")
    );
    assert_eq!(setting.value.email.as_deref(), Some("**********"));
    assert_eq!(setting.value.email_state, Some(EmailState::Valid));
    assert_eq!(setting.value.enabled, Some(true));
    assert_eq!(
        setting.value.sources,
        BTreeMap::from([("source1".to_owned(), true)])
    );
    assert_eq!(setting.value.zone_plan.as_deref(), Some("ent"));
}

#[test]
fn the_dlp_seed_example_parses_field_by_field() {
    let envelope: Envelope<DlpSettings> = serde_json::from_str(DLP_SEED).unwrap();
    assert!(envelope.success);
    assert_eq!(envelope.errors, vec![example_info()]);
    let settings = envelope.result.unwrap();
    assert!(settings.ai_context_analysis);
    assert!(settings.ocr);
    let logging = settings.payload_logging;
    assert_eq!(
        logging.updated_at.as_deref(),
        Some("2019-12-27T18:11:19.117Z")
    );
    assert_eq!(logging.masking_level, Some(MaskingLevel::Full));
    assert_eq!(logging.public_key.as_deref(), Some("public_key"));
}

#[test]
fn missing_null_and_unknown_values_are_tolerated() {
    let csam: CsamSetting = serde_json::from_value(json!({
        "editable": null, "modified_on": null, "new_field": [1],
        "value": {"email_state": "bounced", "sources": null, "enabled": null}
    }))
    .unwrap();
    assert_eq!(
        csam.value.email_state,
        Some(EmailState::Unknown("bounced".into()))
    );
    assert!(csam.value.sources.is_empty());
    assert_eq!(csam.editable, None);
    let csam: CsamSetting = serde_json::from_value(json!({"value": {}})).unwrap();
    assert_eq!(csam, CsamSetting::default());

    let dlp: DlpSettings = serde_json::from_value(json!({
        "ai_context_analysis": false, "ocr": true, "extra": 1,
        "payload_logging": {"masking_level": "redacted", "public_key": null}
    }))
    .unwrap();
    assert!(!dlp.ai_context_analysis && dlp.ocr);
    assert_eq!(
        dlp.payload_logging.masking_level,
        Some(MaskingLevel::Unknown("redacted".into()))
    );
    assert_eq!(dlp.payload_logging.public_key, None);

    let info: ResultInfo =
        serde_json::from_value(json!({"page": 2.0, "per_page": "20", "count": null})).unwrap();
    assert_eq!(
        (info.page, info.per_page, info.count),
        (Some(2), Some(20), None)
    );
}

#[test]
fn csam_patch_serialises_only_what_changed() {
    let patch = CsamPatch::of(CsamPatchValue {
        email: Some("abuse@example.com".into()),
        sources: Some(BTreeMap::from([("ncmec_ngo".to_owned(), false)])),
        ..CsamPatchValue::default()
    });
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"id": "csam_scanner", "value": {"email": "abuse@example.com", "sources": {"ncmec_ngo": false}}})
    );
    let resend = CsamPatch::of(CsamPatchValue {
        resend_email: true,
        enabled: Some(false),
        ..CsamPatchValue::default()
    });
    assert_eq!(
        serde_json::to_value(&resend).unwrap(),
        json!({"id": "csam_scanner", "value": {"enabled": false, "resend_email": true}})
    );
    assert_eq!(
        serde_json::to_value(CsamPatch::default()).unwrap(),
        json!({})
    );
    assert!(CsamPatchValue::default().is_empty());
}

#[test]
fn dlp_update_serialises_only_what_changed() {
    let update = DlpUpdate {
        ocr: Some(true),
        payload_logging: Some(PayloadLoggingUpdate {
            masking_level: Some(MaskingLevel::Clear),
            public_key: Some(String::new()),
        }),
        ..DlpUpdate::default()
    };
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"ocr": true, "payload_logging": {"masking_level": "clear", "public_key": ""}})
    );
    assert_eq!(
        serde_json::to_value(DlpUpdate::default()).unwrap(),
        json!({})
    );
    assert!(DlpUpdate::default().is_empty());
    assert!(!update.is_empty());
}

#[test]
fn zones_accounts_and_tokens_parse() {
    let zones: Envelope<Vec<Zone>> = serde_json::from_value(json!({
        "success": true, "errors": [], "messages": [],
        "result": [{"id": "z1", "name": "a.example", "status": "active", "account": {"id": "a1", "name": "Acme"},
                    "plan": {"id": "p", "name": "Enterprise Website", "legacy_id": "enterprise"}}],
        "result_info": {"page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1}
    }))
    .unwrap();
    let zone = &zones.result.unwrap()[0];
    assert_eq!(zone.account.as_ref().unwrap().name.as_deref(), Some("Acme"));
    assert_eq!(zones.result_info.unwrap().total_pages, Some(1));
    let accounts: Vec<Account> =
        serde_json::from_value(json!([{"id": "a1", "name": "Acme", "type": "enterprise"}]))
            .unwrap();
    assert_eq!(accounts[0].kind.as_deref(), Some("enterprise"));
    let token: TokenVerification = serde_json::from_value(
        json!({"id": "t", "status": "expired", "expires_on": "2020-01-01T00:00:00Z"}),
    )
    .unwrap();
    assert_eq!(token.status, TokenStatus::Expired);
}

#[test]
fn a_csam_setting_without_its_value_object_is_refused() {
    for answer in [
        json!({}),
        json!({"value": null}),
        json!({"id": "csam_scanner"}),
    ] {
        let err = serde_json::from_value::<CsamSetting>(answer.clone()).unwrap_err();
        assert!(
            err.to_string().contains("no value object"),
            "{answer}: {err}"
        );
    }
}

#[test]
fn dlp_settings_missing_a_required_field_are_refused_by_name() {
    let err = serde_json::from_value::<DlpSettings>(json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the DLP settings lack required ai_context_analysis, ocr, payload_logging (missing or null)"
    );
    let err = serde_json::from_value::<DlpSettings>(json!({
        "ai_context_analysis": null, "ocr": true, "payload_logging": {}
    }))
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("lack required ai_context_analysis ("),
        "{err}"
    );
    let err = serde_json::from_value::<DlpSettings>(json!({
        "ai_context_analysis": true, "ocr": true, "payload_logging": null
    }))
    .unwrap_err();
    assert!(
        err.to_string().contains("lack required payload_logging ("),
        "{err}"
    );
}
