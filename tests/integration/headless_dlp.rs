//! `trustdeck dlp get|set|reset` as the real binary against the embedded
//! mock: output, what the mock holds after, what is never sent, and that the
//! public key is never printed nor logged.

use crate::common::*;
use crate::headless_common::Headless;
use serde_json::{Value, json};

/// Acme Corp's payload-logging key in the demo data.
const ACME_KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";
/// Another valid key (32 bytes of base64).
const NEW_KEY: &str = "q2Vw7Yk9Lm3Np5Rs7Tu9Vw1Xy3Za5Bc7De9Fg1Hi3Jk=";

#[tokio::test]
async fn get_by_name_or_id_matches_the_mock_and_shows_the_key_only_by_its_fingerprint() {
    let cli = Headless::start().await;
    let state = cli.dlp_state(ACME).await;
    let json = cli.run(&["dlp", "get", "Acme Corp", "--json"]).await;
    json.expect(0);
    let document = json.document("dlp_setting");
    assert_eq!(document["account"]["id"], ACME);
    assert_eq!(document["account"]["name"], "Acme Corp");
    let settings = &document["setting"];
    assert_eq!(
        settings["ai_context_analysis"],
        state["ai_context_analysis"]
    );
    assert_eq!(settings["ocr"], state["ocr"]);
    assert_eq!(
        settings["payload_logging"]["masking_level"],
        state["payload_logging"]["masking_level"]
    );
    assert_eq!(
        settings["payload_logging"]["public_key_fingerprint"],
        "SHA256:1109027e4a751e7e"
    );
    assert_eq!(settings["payload_logging"]["public_key_set"], true);
    let table = cli.run(&["dlp", "get", ACME]).await;
    table.expect(0);
    assert!(
        table.stdout.contains("Masking level        partial"),
        "{}",
        table.stdout
    );
    for run in [&json, &table] {
        assert!(!run.stdout.contains(ACME_KEY), "{}", run.stdout);
    }
}

#[tokio::test]
async fn set_patches_what_differs_and_reports_before_sent_after() {
    let cli = Headless::start().await;
    let run = cli
        .run(&[
            "dlp",
            "set",
            "acme corp",
            "--ocr",
            "off",
            "--ai-context",
            "on",
            "--masking",
            "full",
            "--json",
        ])
        .await;
    run.expect(0);
    let report = run.document("dlp_write");
    assert_eq!(report["account"]["id"], ACME);
    assert_eq!(report["result"], "done");
    assert_eq!(
        report["sent"],
        json!({"ai_context_analysis": null, "ocr": false, "payload_logging": {
            "masking_level": "full", "public_key_set": null, "public_key_fingerprint": null}}),
        "AI context analysis was already on"
    );
    assert_eq!(report["before"]["ocr"], true);
    assert_eq!(report["after"]["ocr"], false);
    let state = cli.dlp_state(ACME).await;
    assert_eq!(state["ocr"], false);
    assert_eq!(state["payload_logging"]["masking_level"], "full");
    assert_eq!(state["payload_logging"]["public_key"], ACME_KEY);
    let patch = format!("/client/v4/accounts/{ACME}/dlp/settings");
    assert_eq!(cli.writes().await, [("PATCH".to_owned(), patch)]);
}

#[tokio::test]
async fn payload_logging_goes_on_from_a_key_file_and_off_and_the_key_is_never_printed() {
    let cli = Headless::start().await;
    let key_file = cli.home.path().join("payload.pub");
    std::fs::write(&key_file, format!("{NEW_KEY}\n")).unwrap();
    let key_path = key_file.to_str().unwrap();
    let on = cli
        .run(&[
            "dlp",
            "set",
            GLOBEX,
            "--public-key-file",
            key_path,
            "--json",
        ])
        .await;
    on.expect(0);
    assert_eq!(
        cli.dlp_state(GLOBEX).await["payload_logging"]["public_key"],
        NEW_KEY
    );
    let sent = &on.document("dlp_write")["sent"]["payload_logging"];
    assert_eq!(sent["public_key_fingerprint"], "SHA256:6f7ef35ea8374f37");
    assert_eq!(sent["public_key_set"], true);
    let off = cli.run(&["dlp", "set", ACME, "--no-payload-logging"]).await;
    off.expect(0);
    assert!(
        off.stdout
            .contains("payload logging: on (key SHA256:1109027e4a751e7e) → off"),
        "{}",
        off.stdout
    );
    assert_eq!(
        cli.dlp_state(ACME).await["payload_logging"]["public_key"],
        Value::Null
    );
    let log = cli.audit_text();
    for text in [&on.stdout, &on.stderr, &off.stdout, &log] {
        assert!(
            !text.contains(NEW_KEY) && !text.contains(ACME_KEY),
            "{text}"
        );
    }
    assert_eq!(
        cli.audit_lines().len(),
        4,
        "two writes, intent and outcome each"
    );
}

#[tokio::test]
async fn a_bad_key_file_is_refused_before_any_request() {
    let cli = Headless::start().await;
    let key_file = cli.home.path().join("bad.pub");
    std::fs::write(&key_file, "not base64 at all").unwrap();
    let run = cli
        .run(&[
            "dlp",
            "set",
            ACME,
            "--public-key-file",
            key_file.to_str().unwrap(),
        ])
        .await;
    run.expect(2);
    assert!(run.stderr.contains("--public-key-file"), "{}", run.stderr);
    let missing = cli
        .run(&["dlp", "set", ACME, "--public-key-file", "/nonexistent/key"])
        .await;
    missing.expect(2);
    let both = cli
        .run(&[
            "dlp",
            "set",
            ACME,
            "--public-key-file",
            "/x",
            "--no-payload-logging",
        ])
        .await;
    both.expect(2);
    assert_eq!(cli.request_count().await, 0);
}

#[tokio::test]
async fn reset_without_a_terminal_and_without_yes_shows_the_preview_and_sends_nothing() {
    let cli = Headless::start().await;
    let before = cli.dlp_state(ACME).await;
    let run = cli.run(&["dlp", "reset", "Acme Corp"]).await;
    run.expect(2);
    // Exit 2 or more: nothing on stdout, the preview with the refusal on stderr.
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("masking level        partial  default"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(cli.writes().await.is_empty());
    assert_eq!(cli.dlp_state(ACME).await, before);
    assert!(cli.audit_text().is_empty());
}

#[tokio::test]
async fn reset_with_yes_deletes_once_and_reports_the_preview_and_the_defaults() {
    let cli = Headless::start().await;
    let run = cli.run(&["dlp", "reset", ACME, "--yes", "--json"]).await;
    run.expect(0);
    let report = run.document("dlp_reset");
    assert_eq!(report["result"], "done");
    assert_eq!(report["preview"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        report["preview"][2],
        json!({"field": "payload_logging.masking_level", "now": "partial", "after": "default"})
    );
    assert_eq!(
        report["after"]["payload_logging"]["public_key_fingerprint"],
        Value::Null
    );
    assert_eq!(report["after"]["payload_logging"]["public_key_set"], false);
    let state = cli.dlp_state(ACME).await;
    assert_eq!(state["ai_context_analysis"], false);
    assert_eq!(state["payload_logging"]["masking_level"], "default");
    let delete = format!("/client/v4/accounts/{ACME}/dlp/settings");
    assert_eq!(cli.writes().await, [("DELETE".to_owned(), delete)]);
    let lines = cli.audit_lines();
    assert_eq!(lines[0]["action"], "dlp.reset");
    assert_eq!(lines[0]["before"]["ocr"], true);
    assert_eq!(lines[1]["after"]["ocr"], false);
    let again = cli.run(&["dlp", "reset", ACME, "--yes"]).await;
    again.expect(0);
    assert!(
        again.stdout.contains("already are at their defaults"),
        "{}",
        again.stdout
    );
    assert_eq!(
        cli.writes().await.len(),
        1,
        "nothing to reset, nothing sent"
    );
}

#[tokio::test]
async fn dry_run_and_read_only_send_no_write() {
    let cli = Headless::start().await;
    let dry = cli
        .run(&[
            "dlp",
            "set",
            ACME,
            "--ocr",
            "off",
            "--dry-run",
            "--read-only",
            "--json",
        ])
        .await;
    dry.expect(0);
    let report = dry.document("dlp_write");
    assert_eq!(report["sent"]["ocr"], false);
    assert_eq!(report["sent"]["payload_logging"], Value::Null);
    assert_eq!(report["blocked"], "read_only");
    assert_eq!(report["result"], "skipped");
    let set = cli
        .run(&["dlp", "set", ACME, "--ocr", "off", "--read-only"])
        .await;
    set.expect(3);
    assert!(
        set.stderr.contains("read-only mode (--read-only)"),
        "{}",
        set.stderr
    );
    let reset = cli
        .run(&["--read-only", "dlp", "reset", ACME, "--yes"])
        .await;
    reset.expect(3);
    assert!(reset.stdout.is_empty(), "{}", reset.stdout);
    assert!(
        reset.stderr.contains("partial"),
        "the preview: {}",
        reset.stderr
    );
    assert!(cli.writes().await.is_empty());
    assert!(cli.audit_text().is_empty());
}

#[tokio::test]
async fn a_token_without_zero_trust_gets_3_and_the_refusal_is_audited() {
    let cli = Headless::start().await;
    let read = cli
        .run_with(
            &["dlp", "get", ACME],
            &[("CLOUDFLARE_API_TOKEN", ZONE_ONLY_TOKEN)],
        )
        .await;
    read.expect(3);
    assert!(read.stderr.contains("permission"), "{}", read.stderr);
    let write = cli
        .run_with(
            &["dlp", "set", ACME, "--ocr", "off"],
            &[("CLOUDFLARE_API_TOKEN", READ_ONLY_TOKEN)],
        )
        .await;
    write.expect(3);
    let lines = cli.audit_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["result"], "failed");
    assert_eq!(lines[1]["status"], 403);
    assert_eq!(cli.dlp_state(ACME).await["ocr"], true);
}
