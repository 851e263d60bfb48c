//! Every `--json` document of `csam`, `dlp`, `zones`, `accounts` and `log`,
//! printed by the real binary against the embedded mock (or a loopback
//! server for answers the mock will not give), validated against its
//! schema in `schemas/`.

use crate::headless_common;

use crate::common::*;
use crate::headless_common::Headless;
use serde_json::Value;

#[tokio::test]
async fn get_documents_carry_their_zone_or_account_and_the_shared_setting_objects() {
    let cli = Headless::start().await;
    let csam = cli.run(&["csam", "get", SHOP, "--json"]).await;
    csam.expect(0);
    let csam = csam.document("csam_setting");
    assert_eq!(csam["zone"]["id"], SHOP);
    assert_eq!(csam["zone"]["account"]["id"], ACME);
    assert_eq!(csam["status"]["lock"], "editable");
    assert!(csam["setting"]["sources"].is_object(), "{csam:#}");

    let locked = cli.run(&["csam", "get", CDN_LOCKED, "--json"]).await;
    locked.expect(0);
    let locked = locked.document("csam_setting");
    assert_eq!(locked["setting"]["editable"], false);
    assert_eq!(locked["status"]["lock"], "locked");

    let dlp = cli.run(&["dlp", "get", ACME, "--json"]).await;
    dlp.expect(0);
    let dlp = dlp.document("dlp_setting");
    assert_eq!(dlp["account"]["id"], ACME);
    assert_eq!(dlp["account"]["type"], "enterprise");
    let logging = &dlp["setting"]["payload_logging"];
    assert_eq!(logging["public_key_set"], true);
    assert!(
        logging["public_key_fingerprint"]
            .as_str()
            .is_some_and(|f| f.starts_with("SHA256:")),
        "{dlp:#}"
    );
}

#[tokio::test]
async fn lists_are_objects_of_the_shared_zone_and_account() {
    let cli = Headless::start().await;
    let zones = cli.run(&["zones", "--account", ACME, "--json"]).await;
    zones.expect(0);
    let zones = zones.document("zones");
    let shop = zones["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["id"] == SHOP)
        .expect("shop is listed");
    assert_eq!(shop["name"], "shop.acme-corp.com");
    assert_eq!(shop["account"]["id"], ACME);
    assert!(shop["plan"].is_object(), "{shop:#}");

    let accounts = cli.run(&["accounts", "--json"]).await;
    accounts.expect(0);
    let accounts = accounts.document("accounts");
    assert_eq!(accounts["accounts"][0]["id"], ACME);
    assert_eq!(accounts["accounts"][0]["type"], "enterprise");
}

/// A server whose zone name and masked email hold a right-to-left override
/// and a C1 control.
async fn hostile_server() -> RawServer {
    raw_server(|socket, head, _| async move {
        let zone = Value::from(format!("evil\u{202e}moc.{SHOP}"));
        let body = if head.contains("csam_scanner") {
            serde_json::json!({"success": true, "errors": [], "messages": [], "result": {
                "id": "csam_scanner", "editable": true, "modified_on": null,
                "value": {"enabled": true, "email": "ab\u{9b}c\u{202e}@x.example",
                          "email_state": "valid", "sources": {"ncmec": true}}}})
        } else {
            serde_json::json!({"success": true, "errors": [], "messages": [], "result": {
                "id": SHOP, "name": zone}})
        };
        reply_raw(
            socket,
            http_answer("200 OK", &[], &body.to_string()).as_bytes(),
        )
        .await;
    })
    .await
}

#[tokio::test]
async fn hidden_characters_from_the_server_are_escapes_in_the_document() {
    let cli = Headless::start().await;
    let server = hostile_server().await;
    let base = server.base_url();
    let run = cli
        .run_with(
            &["csam", "get", SHOP, "--json"],
            &[("CLOUDFLARE_BASE_URL", base.as_str())],
        )
        .await;
    run.expect(0);
    for raw in ['\u{202e}', '\u{9b}'] {
        assert!(!run.stdout.contains(raw), "{raw:?} raw in {}", run.stdout);
    }
    assert!(run.stdout.contains("\\u202e"), "{}", run.stdout);
    assert!(run.stdout.contains("\\u009b"), "{}", run.stdout);
    let document = run.document("csam_setting");
    assert_eq!(
        document["setting"]["email"], "ab\u{9b}c\u{202e}@x.example",
        "the escapes read back as the server's text"
    );
}

#[tokio::test]
async fn a_write_with_nothing_to_change_is_skipped_and_says_what_it_read() {
    let cli = Headless::start().await;
    let csam = cli.run(&["csam", "set", SHOP, "--enable", "--json"]).await;
    csam.expect(0);
    let csam = csam.document("csam_write");
    assert_eq!(csam["result"], "skipped");
    assert_eq!(csam["sent"], Value::Null);
    assert_eq!(csam["after"], Value::Null);
    assert_eq!(csam["before"]["enabled"], true);
    assert_eq!(csam["zone"]["id"], SHOP);

    let dlp = cli
        .run(&["dlp", "set", ACME, "--ai-context", "on", "--json"])
        .await;
    dlp.expect(0);
    let dlp = dlp.document("dlp_write");
    assert_eq!(dlp["result"], "skipped");
    assert_eq!(dlp["sent"], Value::Null);

    cli.run(&["dlp", "reset", ACME, "--yes"]).await.expect(0);
    let reset = cli.run(&["dlp", "reset", ACME, "--yes", "--json"]).await;
    reset.expect(0);
    let reset = reset.document("dlp_reset");
    assert_eq!(reset["result"], "skipped");
    assert_eq!(reset["account"]["id"], ACME);
    assert!(
        cli.writes().await.len() == 1,
        "only the first reset was sent"
    );
}

#[tokio::test]
async fn with_json_a_failure_is_one_error_document_on_stderr_with_the_same_exit() {
    let cli = Headless::start().await;
    let unknown = cli
        .run(&["csam", "get", "no-such-zone.example", "--json"])
        .await;
    unknown.expect(4);
    let error = unknown.error_document();
    assert_eq!(error["error"], "not_found");
    assert_eq!(error["zone"], Value::Null);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-zone.example")),
        "{error:#}"
    );
    let text = cli.run(&["csam", "get", "no-such-zone.example"]).await;
    text.expect(4);
    assert!(text.stderr.starts_with("trustdeck: "), "{text:#?}");

    let read_only = cli
        .run(&["csam", "set", SHOP, "--disable", "--read-only", "--json"])
        .await;
    read_only.expect(3);
    let error = read_only.error_document();
    assert_eq!(error["error"], "read_only");
    assert_eq!(error["zone"]["id"], SHOP);
    assert_eq!(error["zone"]["account"]["id"], ACME);
    assert!(cli.writes().await.is_empty());

    let locked = cli
        .run(&["csam", "set", CDN_LOCKED, "--disable", "--json"])
        .await;
    locked.expect(5);
    assert_eq!(locked.error_document()["error"], "locked");

    let usage = cli.run(&["csam", "set", SHOP, "--json"]).await;
    usage.expect(2);
    assert_eq!(usage.error_document()["error"], "usage");

    let denied = cli
        .run_with(
            &["dlp", "get", ACME, "--json"],
            &[("CLOUDFLARE_API_TOKEN", ZONE_ONLY_TOKEN)],
        )
        .await;
    denied.expect(3);
    let error = denied.error_document();
    assert!(
        matches!(error["error"].as_str(), Some("permission" | "auth")),
        "{error:#}"
    );
    assert_eq!(error["account"]["id"], ACME);

    let no_token = cli
        .run_with(&["zones", "--json"], &[("CLOUDFLARE_API_TOKEN", "")])
        .await;
    no_token.expect(2);
    assert_eq!(no_token.error_document()["error"], "config");
}

/// RFC 4180 records: fields split on commas, quoted fields unquoted.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

/// The value at a JSON path of `id`, `account.name`, as a CSV cell.
fn cell(value: &Value, path: &str) -> String {
    let found = path.split('.').fold(value, |v, key| &v[key]);
    match found {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn csv_columns_are_the_json_paths_and_hold_the_same_values() {
    let cli = Headless::start().await;
    let json = cli.run(&["zones", "--account", ACME, "--json"]).await;
    let csv = cli.run(&["zones", "--account", ACME, "--csv"]).await;
    csv.expect(0);
    let records = csv_records(&csv.stdout);
    assert_eq!(
        records[0],
        [
            "id",
            "name",
            "account_id",
            "account_name",
            "status",
            "paused",
            "plan_id",
            "plan_name",
            "plan_legacy_id"
        ]
    );
    let zones = json.document("zones");
    let zones = zones["zones"].as_array().unwrap();
    assert_eq!(records.len(), zones.len() + 1, "{}", csv.stdout);
    let paths = [
        "id",
        "name",
        "account.id",
        "account.name",
        "status",
        "paused",
        "plan.id",
        "plan.name",
        "plan.legacy_id",
    ];
    for (record, zone) in records[1..].iter().zip(zones) {
        let expected: Vec<String> = paths.iter().map(|p| cell(zone, p)).collect();
        assert_eq!(*record, expected);
    }
    assert!(
        records[1..]
            .iter()
            .any(|r| r[0] == SHOP && r[3] == "Acme Corp")
    );

    let accounts = cli.run(&["accounts", "--csv"]).await;
    accounts.expect(0);
    let records = csv_records(&accounts.stdout);
    assert_eq!(records[0], ["id", "name", "type"]);
    assert_eq!(records[1], [ACME, "Acme Corp", "enterprise"]);
    assert_eq!(records[2], [GLOBEX, "Globex Media", "standard"]);
}

#[tokio::test]
async fn the_log_is_one_document_of_entries_with_the_shared_zone_and_account() {
    let cli = Headless::start().await;
    let empty = cli.run(&["log", "--json"]).await;
    empty.expect(0);
    assert_eq!(empty.document("audit_log")["entries"], Value::Array(vec![]));
    cli.run(&["csam", "set", SHOP, "--disable"]).await.expect(0);
    cli.run(&["dlp", "set", GLOBEX, "--ocr", "on"])
        .await
        .expect(0);
    let log = cli.run(&["log", "--json"]).await;
    log.expect(0);
    let log = log.document("audit_log");
    let [dlp, csam] = log["entries"].as_array().unwrap().as_slice() else {
        panic!("two entries: {log:#}")
    };
    assert_eq!(dlp["account"]["id"], GLOBEX);
    assert_eq!(dlp["zone"], Value::Null);
    assert_eq!(dlp["sent"]["ocr"], true);
    assert_eq!(csam["zone"]["id"], SHOP);
    assert_eq!(csam["zone"]["account"]["id"], ACME);
    assert_eq!(csam["origin"]["command"], "csam set");
    assert_eq!(csam["result"], "done");
    assert_eq!(csam["after"]["enabled"], false);
}

#[tokio::test]
async fn the_log_as_csv_has_the_json_keys_as_columns() {
    let cli = Headless::start().await;
    cli.run(&["csam", "set", SHOP, "--disable"]).await.expect(0);
    let json = cli.run(&["log", "--json"]).await.document("audit_log");
    let csv = cli.run(&["log", "--csv"]).await;
    csv.expect(0);
    let records = csv_records(&csv.stdout);
    assert_eq!(records.len(), 2, "{}", csv.stdout);
    let row: std::collections::HashMap<&str, &str> = records[0]
        .iter()
        .map(String::as_str)
        .zip(records[1].iter().map(String::as_str))
        .collect();
    let entry = &json["entries"][0];
    assert_eq!(row["at"], entry["at"].as_str().unwrap());
    assert_eq!(row["id"], entry["id"].as_str().unwrap());
    assert_eq!(row["zone_id"], SHOP);
    assert_eq!(row["account_id"], ACME);
    assert_eq!(row["command"], "csam set");
    assert_eq!(row["result"], "done");
    assert_eq!(row["status"], "200");
    assert_eq!(row["sent"], "enabled=false");
    assert!(row["after"].contains("enabled=false"), "{row:?}");
}

/// Two lines of a write as the previous version (format `"v": 1`) wrote them.
fn version_1_lines() -> String {
    let target = format!(
        r#""target":{{"kind":"zone","id":"{SHOP}","name":"shop.acme-corp.com","account":{{"id":"{ACME}","name":"Acme Corp"}}}}"#
    );
    let common = format!(
        r#""id":"00112233aabbccdd","face":"headless","command":"csam set","run":null,"profile":null,"host":"127.0.0.1","action":"csam.patch",{target}"#
    );
    format!(
        "{{\"v\":1,\"kind\":\"intent\",\"time\":\"2026-01-02T03:04:05.678Z\",{common},\"sent\":{{\"enabled\":false}},\"before\":{{\"enabled\":true}}}}\n\
         {{\"v\":1,\"kind\":\"outcome\",\"time\":\"2026-01-02T03:04:06.001Z\",{common},\"outcome\":{{\"result\":\"applied\",\"status\":200,\"after\":{{\"enabled\":false}},\"errors\":[],\"messages\":[],\"error\":null}}}}\n"
    )
}

#[tokio::test]
async fn a_log_written_by_the_previous_version_is_still_read_beside_new_records() {
    let cli = Headless::start().await;
    std::fs::create_dir_all(cli.audit_path().parent().unwrap()).unwrap();
    std::fs::write(cli.audit_path(), version_1_lines()).unwrap();
    let get = cli.run(&["csam", "get", SHOP]).await;
    get.expect(0);
    assert!(
        get.stdout
            .contains("2026-01-02 03:04 UTC by trustdeck (audit log)"),
        "the old write is the last change: {}",
        get.stdout
    );
    cli.run(&["dlp", "set", GLOBEX, "--ocr", "on"])
        .await
        .expect(0);
    let lines = cli.audit_lines();
    assert_eq!(lines.len(), 4);
    for line in &lines[2..] {
        headless_common::schema::assert_valid("audit_entry", line);
    }
    let log = cli.run(&["log", "--json"]).await;
    log.expect(0);
    assert!(log.stderr.is_empty(), "no line skipped: {}", log.stderr);
    let log = log.document("audit_log");
    let [new, old] = log["entries"].as_array().unwrap().as_slice() else {
        panic!("both writes: {log:#}")
    };
    assert_eq!(new["account"]["id"], GLOBEX);
    assert_eq!(old["id"], "00112233aabbccdd");
    assert_eq!(old["at"], "2026-01-02T03:04:05Z");
    assert_eq!(old["outcome_at"], "2026-01-02T03:04:06Z");
    assert_eq!(old["zone"]["account"]["name"], "Acme Corp");
    assert_eq!(old["result"], "done");
    assert_eq!(old["sent"]["enabled"], false);
    let table = cli.run(&["log"]).await;
    assert!(
        table.stdout.contains("enabled on → off"),
        "{}",
        table.stdout
    );
}
