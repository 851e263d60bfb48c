//! Nothing secret and no typed or stored email reaches the audit file: the
//! file is searched for what was passed in.

use crate::audit_common::*;
use trustdeck::api::ApiError;
use trustdeck::api::model::{DlpUpdate, PayloadLoggingUpdate, ResponseInfo};
use trustdeck::audit::{
    AuditLog, Command, Filter, Intent, Origin, Outcome, Report, Target, redact_text, render_table,
};
use trustdeck::doc::{AuditEntry, AuditLogBody, Doc, Kind, to_line};

/// `trustdeck log --json`'s document for `report`, as text.
fn to_json(report: &Report) -> String {
    let body = AuditLogBody {
        entries: report.entries.iter().map(AuditEntry::of).collect(),
        warnings: report.warnings.clone(),
        skipped: report.skipped,
    };
    to_line(&Doc::new(Kind::AuditLog, body))
}

const TOKEN: &str = "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w";
const GLOBAL_KEY: &str = "c2547eb745079dac9320b638f5e225cf483cc";
const TYPED: &str = "alice.smith@acme-corp.com";
const STORED: &str = "soc-team@acme-corp.com";
const PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB";

fn assert_clean(text: &str) {
    for secret in [
        TOKEN,
        GLOBAL_KEY,
        "alice.smith",
        "soc-team",
        "full-access-4q8",
    ] {
        assert!(!text.contains(secret), "{secret} reached the log:\n{text}");
    }
    assert!(
        !text.contains(&PUBLIC_KEY[..40]),
        "the public key reached the log"
    );
}

#[test]
fn typed_emails_keep_their_domain_and_token_like_text_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    // Every string a caller can pass is given something secret-looking.
    let log = AuditLog::new(&path, Some(&format!("work {TOKEN}")), BASE_URL);
    let zone = Target::zone(ZONE_ID, Some(&format!("{TYPED} {GLOBAL_KEY}")))
        .in_account(ACCOUNT_ID, Some(TOKEN));
    let intent = Intent::csam_patch(
        Origin::bulk(TOKEN, Some(Command::FleetApply)),
        zone,
        &csam_patch(TYPED),
        Some(&csam_before()),
    );
    let pending = log.record_intent(&intent).unwrap();
    let refused = ApiError::Validation {
        code: 1004,
        message: format!("\"{TYPED}\" is not allowed for token {TOKEN}"),
        pointer: Some("/value/email".into()),
    };
    log.record_outcome(&pending, &Outcome::csam(&Err(refused)))
        .unwrap();

    // A server that forgot to mask, and echoes the address in a message.
    let pending = log.record_intent(&intent).unwrap();
    let mut reply = csam_reply();
    reply.result.value.email = Some(STORED.into());
    reply.messages.push(ResponseInfo {
        code: 1403,
        message: format!("verification sent to {STORED}"),
        documentation_url: None,
        source: None,
    });
    log.record_outcome(&pending, &Outcome::csam(&Ok(reply)))
        .unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert_clean(&text);
    assert!(text.contains("…@acme-corp.com"), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    assert!(text.contains("\"code\":1004"), "{text}");

    let report = trustdeck::audit::read(&path, &Filter::default());
    assert_eq!(report.entries.len(), 2);
    assert_clean(&render_table(&report));
    assert_clean(&to_json(&report));
}

#[test]
fn a_public_key_keeps_only_its_fingerprint() {
    let s = Scratch::new();
    let update = DlpUpdate {
        payload_logging: Some(PayloadLoggingUpdate {
            masking_level: None,
            public_key: Some(PUBLIC_KEY.into()),
        }),
        ..DlpUpdate::default()
    };
    let intent = Intent::dlp_patch(
        Origin::headless(Command::DlpSet),
        account(),
        &update,
        Some(&dlp(false, None)),
    );
    let pending = s.log.record_intent(&intent).unwrap();
    let reply = trustdeck::api::Reply {
        result: dlp(false, Some(PUBLIC_KEY)),
        messages: Vec::new(),
        result_info: None,
    };
    s.log
        .record_outcome(&pending, &Outcome::dlp(&Ok(reply)))
        .unwrap();
    let text = s.all_text();
    assert_clean(&text);
    assert!(text.contains("SHA256:f56c8b01227f62dd"), "{text}");
    let entry = &s.log.read(&Filter::default()).entries[0];
    assert_eq!(
        trustdeck::audit::change_text(entry),
        "payload_logging.public_key none → SHA256:f56c8b01227f62dd"
    );
}

#[test]
fn a_hand_edited_file_is_filtered_again_when_read() {
    let s = Scratch::new();
    record_csam(&s.log, zone());
    let text = std::fs::read_to_string(s.path()).unwrap();
    let edited = text.replace("example.com", &format!("{TYPED} {TOKEN}"));
    std::fs::write(s.path(), edited).unwrap();
    let report = s.log.read(&Filter::default());
    assert_eq!(report.entries.len(), 1);
    assert_clean(&render_table(&report));
    assert_clean(&to_json(&report));
    assert_eq!(
        redact_text(&format!("{TYPED} {TOKEN}"), 300),
        "…@acme-corp.com [redacted]"
    );
}
