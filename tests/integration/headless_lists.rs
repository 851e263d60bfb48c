//! `trustdeck zones`, `trustdeck accounts` and `trustdeck log` as the real
//! binary: every page, filters, both outputs, and the audit log's warnings
//! on stderr only.

use std::collections::HashSet;
use std::io::Write;

use crate::common::*;
use crate::headless_common::Headless;
use serde_json::Value;

#[tokio::test]
async fn zones_lists_every_page_as_the_mock_holds_them() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let all = cli.run(&["zones", "--json"]).await;
    all.expect(0);
    let zones = all.document("zones");
    let ids: HashSet<&str> = zones["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["id"].as_str().unwrap())
        .collect();
    let held: HashSet<&str> = state["zones"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, held, "every zone once, across every page");
    assert!(ids.len() > 50, "more than one page");
    let table = cli.run(&["zones"]).await;
    table.expect(0);
    assert_eq!(
        table.stdout.lines().count(),
        held.len() + 1,
        "a header and a line each"
    );
    assert!(table.stdout.starts_with("ID  "), "{}", table.stdout);
}

#[tokio::test]
async fn zones_filters_by_account_name_and_by_name() {
    let cli = Headless::start().await;
    let globex = cli
        .run(&["zones", "--account", "Globex Media", "--json"])
        .await;
    globex.expect(0);
    let zones = globex.document("zones");
    let zones = zones["zones"].as_array().unwrap();
    assert!(!zones.is_empty());
    assert!(
        zones.iter().all(|z| z["account"]["id"] == GLOBEX),
        "{zones:?}"
    );
    let named = cli.run(&["zones", "--name", "contains:acme-corp"]).await;
    named.expect(0);
    let names: Vec<&str> = named
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "shop.acme-corp.com",
            "images.acme-corp.com",
            "blog.acme-corp.com",
            "forum.acme-corp.com",
            "cdn.acme-corp.com"
        ]
    );
    let unknown = cli
        .run(&["zones", "--account", "Vandelay Industries"])
        .await;
    unknown.expect(4);
    assert!(
        unknown.stderr.contains("Acme Corp") && unknown.stderr.contains("Globex Media"),
        "what is visible is listed: {}",
        unknown.stderr
    );
}

#[tokio::test]
async fn accounts_lists_them_as_a_table_and_an_array() {
    let cli = Headless::start().await;
    let json = cli.run(&["accounts", "--json"]).await;
    json.expect(0);
    let listed = json.document("accounts");
    let listed = listed["accounts"].as_array().expect("an array");
    assert_eq!(
        listed[..2],
        [
            serde_json::json!({"id": ACME, "name": "Acme Corp", "type": "enterprise"}),
            serde_json::json!({"id": GLOBEX, "name": "Globex Media", "type": "standard"}),
        ]
    );
    let visible = full_client(&cli.mock)
        .list_accounts(1, 50)
        .await
        .expect("the mock's accounts")
        .result;
    assert_eq!(listed.len(), visible.len(), "every account, all pages");
    let table = cli.run(&["accounts"]).await;
    table.expect(0);
    assert_eq!(
        table.stdout.lines().count(),
        visible.len() + 1,
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains(&format!("{ACME}  Acme Corp")),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn log_prints_the_writes_filters_them_and_warns_of_damaged_lines_on_stderr() {
    let cli = Headless::start().await;
    let empty = cli.run(&["log"]).await;
    empty.expect(0);
    assert_eq!(empty.stdout, "No writes recorded.\n");
    cli.run(&["csam", "set", SHOP, "--disable"]).await.expect(0);
    cli.run(&["dlp", "set", GLOBEX, "--ocr", "on"])
        .await
        .expect(0);
    let table = cli.run(&["log"]).await;
    table.expect(0);
    assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);
    assert!(
        table.stdout.contains("zone shop.acme-corp.com"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("enabled on → off"),
        "{}",
        table.stdout
    );
    let zone = cli
        .run(&["log", "--zone", "shop.acme-corp.com", "--json"])
        .await;
    zone.expect(0);
    let entries = zone.document("audit_log")["entries"].clone();
    assert_eq!(entries.as_array().map(Vec::len), Some(1), "{entries}");
    assert_eq!(entries[0]["result"], "done");
    assert_eq!(entries[0]["origin"]["command"], "csam set");
    assert_eq!(entries[0]["zone"]["id"], SHOP);
    let account = cli.run(&["log", "--account", ACME, "--json"]).await;
    assert_eq!(
        account.document("audit_log")["entries"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the zone's account"
    );
    let recent = cli.run(&["log", "--since", "1h", "--json"]).await;
    let recent = recent.document("audit_log");
    assert_eq!(recent["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(recent["entries"][0]["account"]["id"], GLOBEX);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(cli.audit_path())
        .unwrap();
    writeln!(file, "this is not an audit record").unwrap();
    let damaged = cli.run(&["log", "--json"]).await;
    damaged.expect(0);
    let document: Value = damaged.document("audit_log");
    assert_eq!(document["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(document["skipped"], 1);
    assert!(
        damaged.stderr.contains("line 5: skipped"),
        "{}",
        damaged.stderr
    );
    let bad = cli.run(&["log", "--since", "yesterday-ish"]).await;
    bad.expect(2);
    assert!(bad.stderr.contains("--since"), "{}", bad.stderr);
}

/// Answers every listing page with the same zones, claiming `pages` pages.
async fn same_page_server(pages: u64) -> RawServer {
    raw_server(move |socket, _, _| async move {
        let zones: Vec<Value> = (0..50)
            .map(|i| serde_json::json!({"id": format!("{:032x}", i + 1), "name": format!("z{i}.example")}))
            .collect();
        let info = serde_json::json!({"page": 1, "per_page": 50, "count": 50, "total_pages": pages});
        let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": zones, "result_info": info});
        reply_raw(socket, http_answer("200 OK", &[], &body.to_string()).as_bytes()).await;
    })
    .await
}

#[tokio::test]
async fn zones_lists_a_zone_once_when_every_page_is_the_same_and_stops() {
    let cli = Headless::start().await;
    let server = same_page_server(100).await;
    let base = server.base_url();
    let run = cli
        .run_with(
            &["zones", "--json"],
            &[("CLOUDFLARE_BASE_URL", base.as_str())],
        )
        .await;
    run.expect(0);
    assert_eq!(
        run.document("zones")["zones"].as_array().unwrap().len(),
        50,
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("repeats zones already listed"),
        "{run:#?}"
    );
    assert_eq!(
        server.heads().len(),
        2,
        "the repeated page ends the listing"
    );

    let claimed = same_page_server(1_000_000_000_000).await;
    let base = claimed.base_url();
    let run = cli
        .run_with(&["zones"], &[("CLOUDFLARE_BASE_URL", base.as_str())])
        .await;
    assert!(run.code >= 2 && run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains("claims 1000000000000 pages"),
        "{run:#?}"
    );
    assert_eq!(claimed.heads().len(), 1, "nothing beyond page 1 was read");
}
