//! The audit log read back: intents paired with outcomes, the ones without an
//! outcome shown as unknown, filters by time, zone and account, the table and
//! the `--json` document.

use std::time::Duration;

use crate::audit_common::*;
use time::OffsetDateTime;
use trustdeck::api::ApiError;
use trustdeck::audit::{
    self, Action, AuditLog, Command, Face, FieldValue, Filter, Intent, Origin, Outcome, Target,
    TargetKind, Verdict, change_text, outcome_text, render_table,
};
use trustdeck::doc::{AuditEntry, AuditLogBody};

/// `trustdeck log --json`'s body for `report`, as JSON.
fn to_json(report: &audit::Report) -> serde_json::Value {
    let body = AuditLogBody {
        entries: report.entries.iter().map(AuditEntry::of).collect(),
        warnings: report.warnings.clone(),
        skipped: report.skipped,
    };
    serde_json::to_value(body).unwrap()
}

#[test]
fn a_write_reads_back_with_its_intent_and_its_outcome() {
    let s = Scratch::new();
    let pending = record_csam(&s.log, zone());
    assert_eq!(pending.id.len(), 16);
    assert!(pending.id.chars().all(|c| c.is_ascii_hexdigit()));

    let text = std::fs::read_to_string(s.path()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert_eq!(line["kind"], "audit_entry");
        assert_eq!(line["version"], 2);
        assert_eq!(line["at"], "2025-06-01T10:00:00Z");
    }
    assert_eq!(
        lines[0]["outcome_at"],
        serde_json::Value::Null,
        "the intent"
    );
    assert_eq!(lines[0]["result"], "unknown");
    assert!(lines[1]["outcome_at"].is_string(), "the outcome");
    assert_eq!(lines[1]["sent"], lines[0]["sent"], "the whole entry again");
    assert_eq!(lines[0]["id"], lines[1]["id"]);

    let report = s.log.read(&Filter::default());
    assert_eq!(report.skipped, 0, "{:?}", report.warnings);
    let [entry] = report.entries.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(entry.id, pending.id);
    assert_eq!(entry.time, OffsetDateTime::from_unix_timestamp(T0).unwrap());
    assert_eq!(entry.origin.face, Face::Headless);
    assert_eq!(entry.origin.command, Some(Command::CsamSet));
    assert_eq!(entry.profile.as_deref(), Some("work"));
    assert_eq!(entry.host, "api.cloudflare.com");
    assert_eq!(entry.target, zone());
    assert_eq!(entry.action, Action::CsamPatch);
    let sent = entry.sent.as_ref().unwrap();
    assert_eq!(sent.get("enabled"), Some(&FieldValue::Bool(true)));
    assert_eq!(
        sent.get("email"),
        Some(&FieldValue::Text("…@acme-corp.com".into()))
    );
    let before = entry.before.as_ref().unwrap();
    assert_eq!(before.get("enabled"), Some(&FieldValue::Bool(false)));
    assert_eq!(before.get("sources.ncmec"), Some(&FieldValue::Bool(true)));
    assert_eq!(entry.state, Verdict::Applied);
    let outcome = &entry.outcome.as_ref().unwrap().outcome;
    assert_eq!(outcome.status, Some(200));
    let after = outcome.after.as_ref().unwrap();
    assert_eq!(
        after.get("email"),
        Some(&FieldValue::Text("**********".into()))
    );
    assert_eq!(
        after.get("email_state"),
        Some(&FieldValue::Text("pending".into()))
    );
    assert_eq!(outcome.messages[0].code, 1402);

    assert_eq!(
        change_text(entry),
        "email ********** → …@acme-corp.com, enabled off → on (server: off)"
    );
    assert_eq!(
        outcome_text(entry),
        "applied: 1402: Scanning stays off until the notification email is verified"
    );
}

#[test]
fn an_intent_without_an_outcome_reads_as_outcome_unknown() {
    let s = Scratch::new();
    let intent = Intent::dlp_patch(
        Origin::dashboard(),
        account(),
        &trustdeck::api::model::DlpUpdate {
            ocr: Some(true),
            ..Default::default()
        },
        Some(&dlp(false, None)),
    );
    let pending = s.log.record_intent(&intent).unwrap();
    // The process dies here: no outcome is ever written.
    let report = s.log.read(&Filter::default());
    let [entry] = report.entries.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(entry.id, pending.id);
    assert!(entry.outcome.is_none());
    assert_eq!(entry.state, Verdict::Unknown);
    assert_eq!(outcome_text(entry), "outcome unknown (no outcome recorded)");
    let table = render_table(&report);
    assert!(table.contains("account Acme Corp"), "{table}");
    assert!(table.contains("ocr off → on"), "{table}");
    assert!(table.contains("outcome unknown"), "{table}");
    let json = to_json(&report);
    assert_eq!(json["entries"][0]["result"], "unknown");
    assert!(json["entries"][0]["outcome_at"].is_null());
    assert!(json["entries"][0]["status"].is_null());
}

#[test]
fn failures_are_recorded_as_what_they_mean() {
    let cases = [
        (
            ApiError::Locked {
                message: "locked".into(),
            },
            Verdict::Refused,
            Some(403),
        ),
        (
            ApiError::Validation {
                code: 1004,
                message: "bad".into(),
                pointer: None,
            },
            Verdict::Refused,
            None,
        ),
        (
            ApiError::Server {
                status: 502,
                message: "down".into(),
            },
            Verdict::Failed,
            Some(502),
        ),
        (
            ApiError::Timeout {
                after: Duration::from_secs(30),
            },
            Verdict::Unknown,
            None,
        ),
        (
            ApiError::InvalidInput {
                field: "zone id".into(),
                reason: "bad".into(),
            },
            Verdict::NotSent,
            None,
        ),
    ];
    for (error, verdict, status) in cases {
        let outcome = Outcome::from_error(&error);
        assert_eq!(outcome.result, verdict, "{error}");
        assert_eq!(outcome.status, status, "{error}");
        assert!(outcome.after.is_none());
        assert_eq!(outcome.error.as_deref(), Some(error.to_string().as_str()));
    }
    let validation = Outcome::from_error(&ApiError::Validation {
        code: 1004,
        message: "bad".into(),
        pointer: None,
    });
    assert_eq!(validation.errors[0].code, 1004);

    let s = Scratch::new();
    let intent = Intent::csam_patch(
        Origin::dashboard(),
        zone(),
        &csam_patch("x@y.example"),
        None,
    );
    let pending = s.log.record_intent(&intent).unwrap();
    let locked = ApiError::Locked {
        message: "zone locked by Trust & Safety".into(),
    };
    s.log
        .record_outcome(&pending, &Outcome::csam(&Err(locked)))
        .unwrap();
    let report = s.log.read(&Filter::default());
    let text = outcome_text(&report.entries[0]);
    assert!(
        text.starts_with("refused (HTTP 403): locked by Trust & Safety"),
        "{text}"
    );
}

#[test]
fn filters_pick_by_time_zone_and_account() {
    let s = Scratch::new();
    let other = Target::zone("9a7806061c88ada191ed06f989cc3dac", Some("other.org"));
    let beta = Target::account("aaaabbbbccccddddeeeeffff00001111", Some("Beta"));
    let reset = |log: &AuditLog, target| {
        let intent = Intent::dlp_reset(Origin::dashboard(), target, None);
        let pending = log.record_intent(&intent).unwrap();
        log.record_outcome(&pending, &Outcome::dlp(&Ok(reply(dlp(false, None)))))
            .unwrap();
    };
    record_csam(&s.log, zone());
    s.set_time(T0 + 3600);
    record_csam(&s.log, other.clone());
    s.set_time(T0 + 7200);
    reset(&s.log, account());
    reset(&s.log, beta.clone());

    let now = OffsetDateTime::from_unix_timestamp(T0 + 7200).unwrap();
    let names = |filter: Filter| -> Vec<String> {
        s.log
            .read(&filter)
            .entries
            .iter()
            .map(|e| e.target.label())
            .collect()
    };
    assert_eq!(
        names(Filter::default()),
        [
            "account Beta",
            "account Acme Corp",
            "zone other.org",
            "zone example.com"
        ]
    );
    assert_eq!(
        names(Filter::default().since_ago(Duration::from_secs(5400), now)),
        ["account Beta", "account Acme Corp", "zone other.org"]
    );
    let zone_is = |z: &str| Filter {
        zone: Some(z.into()),
        ..Filter::default()
    };
    assert_eq!(names(zone_is("EXAMPLE.com")), ["zone example.com"]);
    assert_eq!(names(zone_is(ZONE_ID)), ["zone example.com"]);
    assert!(names(zone_is("Beta")).is_empty(), "an account is no zone");
    let account_is = |a: &str| Filter {
        account: Some(a.into()),
        ..Filter::default()
    };
    assert_eq!(
        names(account_is("acme corp")),
        ["account Acme Corp", "zone example.com"],
        "the account's own writes and its zones'"
    );
    assert_eq!(names(account_is(&beta.id)), ["account Beta"]);
    let both = Filter {
        zone: Some("other.org".into()),
        account: Some("Acme Corp".into()),
        ..Filter::default()
    };
    assert!(
        names(both).is_empty(),
        "other.org is not known to be Acme's"
    );
    let last_two = Filter {
        limit: Some(2),
        ..Filter::default()
    };
    assert_eq!(names(last_two), ["account Beta", "account Acme Corp"]);
}

fn reply<T>(result: T) -> trustdeck::api::Reply<T> {
    trustdeck::api::Reply {
        result,
        messages: Vec::new(),
        result_info: None,
    }
}

#[test]
fn a_reset_shows_what_went_back_to_its_default() {
    let s = Scratch::new();
    let key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB";
    let intent = Intent::dlp_reset(
        Origin::headless(Command::DlpReset),
        account(),
        Some(&dlp(true, Some(key))),
    );
    let pending = s.log.record_intent(&intent).unwrap();
    s.log
        .record_outcome(&pending, &Outcome::dlp(&Ok(reply(dlp(false, None)))))
        .unwrap();
    let report = s.log.read(&Filter::default());
    let entry = &report.entries[0];
    assert_eq!(entry.action, Action::DlpReset);
    assert_eq!(entry.target.kind, TargetKind::Account);
    assert!(entry.sent.as_ref().unwrap().is_empty());
    assert_eq!(
        change_text(entry),
        "reset to defaults: ocr on → off, payload_logging.public_key MIIB…IDAQAB → none"
            .replace("MIIB…IDAQAB", &audit::key_fingerprint(key))
    );
}

#[test]
fn the_host_is_only_host_and_port() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let local = AuditLog::new(&path, None, "http://127.0.0.1:8787/client/v4");
    assert_eq!(local.host(), "127.0.0.1:8787");
    let odd = AuditLog::new(&path, None, "https://user:pw@api.example.com/v4?key=s3cret");
    assert_eq!(odd.host(), "api.example.com");
    record_csam(&odd, zone());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("pw") && !text.contains("s3cret") && !text.contains("/v4"));
    assert!(text.contains("\"profile\":null"));
}

#[test]
fn the_table_and_the_json_have_their_documented_shape() {
    let s = Scratch::new();
    record_csam(&s.log, zone());
    s.set_time(T0 + 60);
    let origin = Origin::bulk("run-7f3a", Some(Command::FleetApply));
    let intent = Intent::csam_patch(origin, zone(), &csam_patch("a@b.example"), None);
    s.log.record_intent(&intent).unwrap();
    let report = s.log.read(&Filter::default());

    let table = render_table(&report);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("TIME (UTC)"), "{table}");
    assert!(
        lines[1].starts_with("2025-06-01 10:01:00Z  zone example.com"),
        "{table}"
    );
    assert!(
        lines[1].ends_with("outcome unknown (no outcome recorded)"),
        "{table}"
    );
    assert!(lines[2].starts_with("2025-06-01 10:00:00Z"), "{table}");
    let column = lines[0].find("CHANGE").unwrap();
    assert_eq!(lines[1].find("email").unwrap(), column, "{table}");
    assert_eq!(
        render_table(&audit::Report::default()),
        "No writes recorded.\n"
    );

    let json = to_json(&report);
    assert_eq!(json["skipped"], 0);
    let keys: Vec<&str> = json["entries"][1]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "id",
        "at",
        "outcome_at",
        "origin",
        "profile",
        "host",
        "zone",
        "account",
        "action",
        "sent",
        "before",
        "result",
        "status",
        "after",
        "errors",
        "messages",
        "error",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    let bulk = &json["entries"][0];
    assert_eq!(bulk["origin"]["face"], "bulk");
    assert_eq!(bulk["origin"]["command"], "fleet apply");
    assert_eq!(bulk["origin"]["run"], "run-7f3a");
    let done = &json["entries"][1];
    assert_eq!(done["at"], "2025-06-01T10:00:00Z");
    assert_eq!(done["zone"]["account"]["name"], "Acme Corp");
    assert_eq!(done["account"], serde_json::Value::Null);
    assert_eq!(done["sent"]["enabled"], true);
    assert_eq!(done["result"], "done");
    assert_eq!(done["status"], 200);
    assert_eq!(done["after"]["email_state"], "pending");
    assert_eq!(done["messages"][0]["code"], 1402);
    assert!(done["outcome_at"].is_string());
}
