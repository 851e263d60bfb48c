//! The audit log around real writes to the embedded mock, the way a headless
//! `csam set` makes them: read the setting, write the intent, send, write
//! the outcome.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::{ACME, CDN_LOCKED, SHOP, full_client, raw_server, start_mock};
use trustdeck::api::model::{CsamPatch, CsamPatchValue};
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::audit::{
    AuditLog, Command, FieldValue, Filter, Intent, Origin, Outcome, Target, Verdict, render_table,
};

/// One `csam set`: what the headless command does around its PATCH.
async fn csam_set(log: &AuditLog, client: &Client, zone: Target, patch: &CsamPatch) {
    let before = client.get_csam(&zone.id).await.ok().map(|r| r.result);
    let intent = Intent::csam_patch(
        Origin::headless(Command::CsamSet),
        zone.clone(),
        patch,
        before.as_ref(),
    );
    let pending = log.record_intent(&intent).expect("intent written");
    let result = client.patch_csam(&zone.id, patch).await;
    log.record_outcome(&pending, &Outcome::csam(&result))
        .expect("outcome written");
}

#[tokio::test]
async fn writes_to_the_mock_are_recorded_with_what_the_server_said() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"), None, &mock.base_url());
    let email = CsamPatch::of(CsamPatchValue {
        email: Some("new-team@acme-corp.com".into()),
        sources: Some(BTreeMap::from([("ncmec_industry".into(), true)])),
        ..CsamPatchValue::default()
    });
    let shop = Target::zone(SHOP, Some("shop.acme-corp.com")).in_account(ACME, Some("Acme Corp"));
    csam_set(&log, &client, shop, &email).await;
    let enable = CsamPatch::of(CsamPatchValue {
        enabled: Some(false),
        ..CsamPatchValue::default()
    });
    let cdn = Target::zone(CDN_LOCKED, Some("cdn.acme-corp.com"));
    csam_set(&log, &client, cdn, &enable).await;

    let report = log.read(&Filter::default());
    assert_eq!(report.skipped, 0, "{:?}", report.warnings);
    let [locked, applied] = report.entries.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(applied.host, mock.addr().to_string());
    assert_eq!(applied.state, Verdict::Applied);
    let after = applied
        .outcome
        .as_ref()
        .unwrap()
        .outcome
        .after
        .clone()
        .unwrap();
    assert_eq!(
        after.get("email"),
        Some(&FieldValue::Text("**********".into()))
    );
    assert_eq!(
        after.get("email_state"),
        Some(&FieldValue::Text("pending".into()))
    );
    assert_eq!(
        after.get("sources.ncmec_industry"),
        Some(&FieldValue::Bool(true))
    );
    let before = applied.before.as_ref().unwrap();
    assert_eq!(
        before.get("sources.ncmec_industry"),
        Some(&FieldValue::Bool(false))
    );

    assert_eq!(locked.state, Verdict::Refused);
    assert_eq!(locked.outcome.as_ref().unwrap().outcome.status, Some(403));

    let table = render_table(&report);
    assert!(table.contains("sources.ncmec_industry off → on"), "{table}");
    assert!(table.contains("refused (HTTP 403)"), "{table}");
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(!text.contains("new-team"), "{text}");
    assert!(!text.contains("trust-safety"), "{text}");
    assert!(!text.contains(common::FULL_TOKEN), "{text}");
}

#[tokio::test]
async fn a_write_whose_reply_is_lost_is_recorded_as_unknown() {
    // Reads the request, then hangs up without a word.
    let server = raw_server(|socket, _head, _before| async move { drop(socket) }).await;
    let mut config = ClientConfig::new(Credentials::token("t")).with_base_url(server.base_url());
    config.timeout = Duration::from_secs(5);
    let client = Client::new(config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path().join("audit.jsonl"), None, &server.base_url());
    let patch = CsamPatch::of(CsamPatchValue {
        resend_email: true,
        ..CsamPatchValue::default()
    });
    let zone = Target::zone(SHOP, None);
    let pending = log
        .record_intent(&Intent::csam_patch(Origin::dashboard(), zone, &patch, None))
        .unwrap();
    let result = client.patch_csam(SHOP, &patch).await;
    assert!(result.is_err());
    log.record_outcome(&pending, &Outcome::csam(&result))
        .unwrap();
    assert_eq!(server.heads().len(), 1, "a write is never sent twice");

    let report = log.read(&Filter::default());
    let entry = &report.entries[0];
    assert_eq!(entry.state, Verdict::Unknown);
    let table = render_table(&report);
    assert!(
        table.contains("zone 117bf1e17392293e996d8990458815ea"),
        "{table}"
    );
    assert!(table.contains("resend verification email"), "{table}");
    assert!(table.contains("outcome unknown: "), "{table}");
}
