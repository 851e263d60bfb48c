//! `trustdeck csam get|set` as the real binary against the embedded mock:
//! what it prints, what it sends (and does not), what the mock holds after,
//! and what the audit log keeps.

use crate::common::*;
use crate::headless_common::Headless;
use serde_json::json;

#[tokio::test]
async fn get_prints_the_setting_by_name_or_id_as_a_table_and_as_the_api_returns_it() {
    let cli = Headless::start().await;
    let state = cli.zone_state(SHOP).await;
    let table = cli.run(&["csam", "get", "shop.acme-corp.com"]).await;
    table.expect(0);
    assert!(table.stdout.contains(SHOP), "{}", table.stdout);
    assert!(table.stdout.contains("Scanning  on"), "{}", table.stdout);
    assert!(
        table.stdout.contains("ncmec_industry off, ncmec_ngo on"),
        "{}",
        table.stdout
    );
    let json = cli.run(&["csam", "get", SHOP, "--json"]).await;
    json.expect(0);
    let document = json.document("csam_setting");
    assert_eq!(document["zone"]["id"], SHOP);
    assert_eq!(document["zone"]["name"], "shop.acme-corp.com");
    let setting = &document["setting"];
    assert_eq!(setting["editable"], state["editable"]);
    assert_eq!(setting["enabled"], state["enabled"]);
    assert_eq!(setting["email_state"], state["email_state"]);
    assert_eq!(setting["sources"], state["sources"]);
    assert_eq!(setting["email"], "**********");
    assert_eq!(document["status"]["coverage"], "scanning");
    assert!(!json.stdout.contains(state["email"].as_str().unwrap()));
    assert!(json.stderr.is_empty(), "{}", json.stderr);
}

#[tokio::test]
async fn set_sends_one_patch_of_what_differs_and_the_mock_holds_it() {
    let cli = Headless::start().await;
    let run = cli
        .run(&[
            "csam",
            "set",
            "shop.acme-corp.com",
            "--enable",
            "--source",
            "ncmec_industry=on",
            "--source",
            "ncmec_ngo=on",
            "--json",
        ])
        .await;
    run.expect(0);
    let report = run.document("csam_write");
    assert_eq!(
        report["sent"],
        json!({"id": "csam_scanner", "value": {
            "email": null, "enabled": null, "resend_email": false,
            "sources": {"ncmec_industry": true}}}),
        "scanning and ncmec_ngo were already on: not sent"
    );
    assert_eq!(report["result"], "done");
    assert_eq!(report["before"]["sources"]["ncmec_industry"], false);
    assert_eq!(report["after"]["sources"]["ncmec_industry"], true);
    assert_eq!(report["adjusted"], json!([]));
    assert_eq!(report["zone"]["name"], "shop.acme-corp.com");
    assert_eq!(
        cli.zone_state(SHOP).await["sources"]["ncmec_industry"],
        true
    );
    let patch = format!("/client/v4/zones/{SHOP}/settings/csam_scanner_third_party");
    assert_eq!(cli.writes().await, [("PATCH".to_owned(), patch)]);
}

#[tokio::test]
async fn set_with_nothing_different_says_so_and_sends_nothing() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", SHOP, "--enable", "--source", "ncmec_ngo=on"])
        .await;
    run.expect(0);
    assert!(
        run.stdout.starts_with("Nothing to change"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("scanning is already on"),
        "{}",
        run.stdout
    );
    assert!(cli.writes().await.is_empty());
    assert!(
        cli.audit_text().is_empty(),
        "nothing written, nothing audited"
    );
}

#[tokio::test]
async fn an_unverified_email_keeps_scanning_off_exit_1_with_the_adjustment_in_words_and_json() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", "forum.acme-corp.com", "--enable"])
        .await;
    run.expect(1);
    assert!(
        run.stdout.contains("scanning kept off: email not verified"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Cloudflare 1101"), "{}", run.stdout);
    assert_eq!(cli.zone_state(FORUM_UNVERIFIED).await["enabled"], false);
    let again = cli
        .run(&["csam", "set", FORUM_UNVERIFIED, "--enable", "--json"])
        .await;
    again.expect(1);
    let report = again.document("csam_write");
    assert_eq!(report["result"], "adjusted");
    assert_eq!(
        report["adjusted"],
        json!([{"field": "enabled", "asked": true, "now": false}])
    );
    assert_eq!(report["messages"][0]["code"], 1101);
    assert_eq!(cli.writes().await.len(), 2);
}

#[tokio::test]
async fn a_new_email_is_sent_verified_noted_and_kept_out_of_the_audit_log() {
    let cli = Headless::start().await;
    let address = "new-abuse-desk@acme-corp.com";
    let run = cli
        .run(&["csam", "set", "blog.acme-corp.com", "--email", address])
        .await;
    run.expect(0);
    assert!(
        run.stdout.contains("a verification email was sent"),
        "{}",
        run.stdout
    );
    let state = cli.zone_state(BLOG_PENDING).await;
    assert_eq!(state["email"], address);
    assert_eq!(state["email_state"], "pending");
    let outbox = outbox(&cli.mock).await;
    assert!(
        outbox.iter().any(|mail| mail["to"] == address),
        "{outbox:?}"
    );
    let log = cli.audit_text();
    assert!(log.contains("…@acme-corp.com"), "{log}");
    assert!(
        !log.contains(address) && !log.contains("new-abuse-desk"),
        "{log}"
    );
}

#[tokio::test]
async fn dry_run_prints_the_patch_body_and_sends_nothing() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", "globex-media.tv", "--enable", "--dry-run"])
        .await;
    run.expect(0);
    assert!(run.stdout.contains("\"enabled\": true"), "{}", run.stdout);
    assert!(run.stdout.contains("Nothing was sent."), "{}", run.stdout);
    let json = cli
        .run(&[
            "csam",
            "set",
            GLOBEX_OFF,
            "--source",
            "ncmec_ngo=on",
            "--dry-run",
            "--json",
        ])
        .await;
    json.expect(0);
    let report = json.document("csam_write");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["result"], "skipped");
    assert_eq!(
        report["sent"]["value"]["sources"],
        json!({"ncmec_ngo": true})
    );
    assert_eq!(report["sent"]["value"]["enabled"], serde_json::Value::Null);
    assert_eq!(report["after"], serde_json::Value::Null);
    assert!(cli.writes().await.is_empty());
    assert_eq!(cli.zone_state(GLOBEX_OFF).await["enabled"], false);
    assert!(cli.audit_text().is_empty());
}

#[tokio::test]
async fn bad_flags_are_refused_before_any_request() {
    let cli = Headless::start().await;
    let email = cli
        .run(&["csam", "set", SHOP, "--email", "not an address"])
        .await;
    email.expect(2);
    assert!(email.stderr.contains("--email"), "{}", email.stderr);
    let nothing = cli.run(&["csam", "set", SHOP]).await;
    nothing.expect(2);
    let both = cli
        .run(&["csam", "set", SHOP, "--enable", "--disable"])
        .await;
    both.expect(2);
    let source = cli
        .run(&["csam", "set", SHOP, "--source", "ncmec_ngo"])
        .await;
    source.expect(2);
    assert_eq!(cli.request_count().await, 0, "nothing reached the mock");
}

#[tokio::test]
async fn an_unknown_source_is_an_error_listing_the_zones_sources() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", IMAGES, "--source", "photodna=on"])
        .await;
    run.expect(2);
    assert!(
        run.stderr
            .contains("iwf, ncmec_industry, ncmec_ngo, tech_coalition"),
        "{}",
        run.stderr
    );
    assert!(cli.writes().await.is_empty());
}

#[tokio::test]
async fn every_write_is_audited_intent_then_outcome_with_before_and_after() {
    let cli = Headless::start().await;
    cli.run(&["csam", "set", SHOP, "--disable"]).await.expect(0);
    let lines = cli.audit_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (intent, outcome) = (&lines[0], &lines[1]);
    assert_eq!(intent["kind"], "audit_entry");
    assert_eq!(intent["outcome_at"], serde_json::Value::Null);
    assert_eq!(intent["result"], "unknown");
    assert_eq!(outcome["kind"], "audit_entry");
    assert!(outcome["outcome_at"].is_string(), "{outcome}");
    assert_eq!(intent["id"], outcome["id"]);
    assert_eq!(intent["origin"]["face"], "headless");
    assert_eq!(intent["origin"]["command"], "csam set");
    assert_eq!(intent["action"], "csam.patch");
    assert_eq!(intent["zone"]["name"], "shop.acme-corp.com");
    assert_eq!(intent["zone"]["account"]["id"], ACME);
    assert_eq!(intent["sent"], json!({"enabled": false}));
    assert_eq!(intent["before"]["enabled"], true);
    assert_eq!(outcome["result"], "done");
    assert_eq!(outcome["after"]["enabled"], false);
    let text = cli.audit_text();
    assert!(!text.contains(FULL_TOKEN), "{text}");
    assert!(!text.contains("trust-safety@acme-corp.com"), "{text}");
}

#[tokio::test]
async fn a_resend_is_sent_once_and_reported() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", "blog.acme-corp.com", "--resend", "--json"])
        .await;
    run.expect(0);
    let report = run.document("csam_write");
    assert_eq!(report["notes"], json!(["verification_resent"]));
    assert_eq!(report["sent"]["value"]["resend_email"], true);
    assert_eq!(report["sent"]["value"]["enabled"], serde_json::Value::Null);
    let resent: Vec<_> = outbox(&cli.mock)
        .await
        .into_iter()
        .filter(|mail| mail["kind"] == "resend")
        .collect();
    assert_eq!(resent.len(), 1, "{resent:?}");
}

#[tokio::test]
async fn a_write_whose_intent_cannot_be_recorded_is_not_sent() {
    let cli = Headless::start().await;
    let not_a_folder = cli.home.path().join("state-is-a-file");
    std::fs::write(&not_a_folder, "").unwrap();
    let run = cli
        .run_with(
            &["csam", "set", SHOP, "--disable"],
            &[("XDG_STATE_HOME", not_a_folder.to_str().unwrap())],
        )
        .await;
    run.expect(2);
    assert!(
        run.stderr.contains("cannot write the audit log")
            && run.stderr.contains("the write was not sent"),
        "{}",
        run.stderr
    );
    assert!(cli.writes().await.is_empty());
    assert_eq!(cli.zone_state(SHOP).await["enabled"], true);
}

#[tokio::test]
async fn a_new_email_on_a_scanning_zone_needs_yes_without_a_terminal_and_sends_nothing_without() {
    let cli = Headless::start().await;
    let address = "new-desk@acme-corp.com";
    let refused = cli.run(&["csam", "set", SHOP, "--email", address]).await;
    refused.expect(2);
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("turns scanning off")
            && refused.stderr.contains("--yes")
            && refused.stderr.contains("Nothing was sent"),
        "{}",
        refused.stderr
    );
    assert!(cli.writes().await.is_empty());
    assert!(cli.audit_text().is_empty());
    assert!(outbox(&cli.mock).await.is_empty());
    assert_eq!(cli.zone_state(SHOP).await["enabled"], true);

    let sent = cli
        .run(&["csam", "set", SHOP, "--email", address, "--yes", "--json"])
        .await;
    sent.expect(1);
    assert_eq!(
        sent.document("csam_write")["warnings"],
        json!(["email_stops_scanning"])
    );
    assert_eq!(cli.writes().await.len(), 1);
    assert_eq!(cli.zone_state(SHOP).await["enabled"], false);
}

#[tokio::test]
async fn switching_the_last_source_off_while_scanning_is_said_before_sending() {
    let cli = Headless::start().await;
    let dry = cli
        .run(&[
            "csam",
            "set",
            SHOP,
            "--source",
            "ncmec_ngo=off",
            "--dry-run",
        ])
        .await;
    dry.expect(0);
    assert!(
        dry.stdout.contains("Warning: every source of") && dry.stdout.contains("scan nothing"),
        "{}",
        dry.stdout
    );
    assert!(cli.writes().await.is_empty());
    let run = cli
        .run(&["csam", "set", SHOP, "--source", "ncmec_ngo=off", "--json"])
        .await;
    run.expect(0);
    assert_eq!(run.document("csam_write")["warnings"], json!(["no_source"]));
    assert!(
        run.stderr.contains("it will scan nothing"),
        "{}",
        run.stderr
    );
    let one_of_two = cli
        .run(&[
            "csam",
            "set",
            SHOP,
            "--source",
            "ncmec_industry=on",
            "--json",
        ])
        .await;
    one_of_two.expect(0);
    assert_eq!(one_of_two.document("csam_write")["warnings"], json!([]));
    assert!(one_of_two.stderr.is_empty(), "{}", one_of_two.stderr);
}

#[tokio::test]
async fn turning_scanning_on_with_an_unverified_email_says_before_sending_it_stays_off() {
    let cli = Headless::start().await;
    let dry = cli
        .run(&[
            "csam",
            "set",
            FORUM_UNVERIFIED,
            "--enable",
            "--dry-run",
            "--json",
        ])
        .await;
    dry.expect(0);
    assert_eq!(dry.document("csam_write")["warnings"], json!(["stays_off"]));
    assert!(cli.writes().await.is_empty());
    let run = cli
        .run(&["csam", "set", FORUM_UNVERIFIED, "--enable"])
        .await;
    run.expect(1);
    assert!(
        run.stderr.contains("the server will keep scanning off"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn get_shows_modified_from_the_audit_log_and_no_never_recorded() {
    let cli = Headless::start().await;
    let before = cli.run(&["csam", "get", SHOP]).await;
    before.expect(0);
    assert!(
        !before.stdout.contains("never recorded"),
        "{}",
        before.stdout
    );
    assert!(!before.stdout.contains("Modified"), "{}", before.stdout);
    cli.run(&["csam", "set", SHOP, "--source", "ncmec_industry=on"])
        .await
        .expect(0);
    let after = cli.run(&["csam", "get", SHOP]).await;
    after.expect(0);
    let line = after
        .stdout
        .lines()
        .find(|l| l.starts_with("Modified"))
        .unwrap_or_else(|| panic!("{}", after.stdout));
    assert!(line.ends_with(" UTC by trustdeck (audit log)"), "{line}");
}
