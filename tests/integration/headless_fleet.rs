//! `trustdeck fleet scan` as the real binary: the counts are the mock's, every
//! zone is printed (JSON, CSV, table), `--fail-on` makes a cron check, the
//! result is cached and `--cached` prints it without a request.

use crate::common::*;
use crate::headless_common::Headless;
use serde_json::{Value, json};

/// The coverage counts of the mock's raw state, as the scan should find them.
fn counts_of(state: &Value) -> Value {
    let zones: Vec<&Value> = state["zones"].as_object().unwrap().values().collect();
    let count = |f: &dyn Fn(&Value) -> bool| zones.iter().filter(|z| f(z)).count();
    let any_source = |z: &Value| {
        z["sources"]
            .as_object()
            .unwrap()
            .values()
            .any(|on| on == true)
    };
    json!({
        "zones": zones.len(),
        "scanning": count(&|z| z["enabled"] == true && any_source(z)),
        "no_source": count(&|z| z["enabled"] == true && !any_source(z)),
        "not_scanning": count(&|z| z["enabled"] == false),
        "email_unverified": count(&|z| z["email_state"] == "unverified" && z["email"] != ""),
        "no_email": count(&|z| z["email"] == ""),
        "pending": count(&|z| z["email_state"] == "pending"),
        "locked": count(&|z| z["editable"] == false),
        "unreadable": 0,
    })
}

#[tokio::test]
async fn the_json_document_counts_what_the_mock_holds_and_lists_every_zone() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(0);
    assert!(
        run.stderr.is_empty(),
        "no progress without a terminal: {}",
        run.stderr
    );
    let document = run.document("fleet_scan");
    assert_eq!(document["counts"], counts_of(&state));
    assert_eq!(document["cached"], false);
    assert_eq!(document["age_seconds"], Value::Null);
    let zones = document["zones"].as_array().unwrap();
    assert_eq!(zones.len(), state["zones"].as_object().unwrap().len());
    let cdn = zones
        .iter()
        .find(|z| z["zone"]["id"] == CDN_LOCKED)
        .unwrap();
    assert_eq!(cdn["attention"], "locked");
    assert_eq!(cdn["status"]["lock"], "locked");
    assert_eq!(cdn["setting"]["editable"], false);
    let shop = zones.iter().find(|z| z["zone"]["id"] == SHOP).unwrap();
    assert_eq!(shop["zone"]["name"], "shop.acme-corp.com");
    assert_eq!(
        shop["zone"]["account"],
        json!({"id": ACME, "name": "Acme Corp"})
    );
    assert_eq!(shop["zone_status"], "active");
    assert_eq!(shop["status"]["coverage"], "scanning");
    assert_eq!(
        shop["setting"]["sources"], state["zones"][SHOP]["sources"],
        "the setting keeps the server's sources"
    );
    assert_eq!(shop["setting"]["email_state"], "valid");
    assert_eq!(shop["error"], Value::Null);
    // Streamed: the zones come as they were read, each once (the table
    // keeps what needs attention first).
    let ids: std::collections::BTreeSet<&str> = zones
        .iter()
        .map(|z| z["zone"]["id"].as_str().unwrap())
        .collect();
    let held: std::collections::BTreeSet<&str> = state["zones"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, held, "every zone, once");
}

#[tokio::test]
async fn fail_on_off_exits_1_on_the_demo_and_names_the_condition() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let off = counts_of(&state)["not_scanning"].as_u64().unwrap();
    assert!(off > 0, "the demo has zones with scanning off");
    let run = cli.run(&["fleet", "scan", "--fail-on", "off,error"]).await;
    run.expect(1);
    assert!(
        run.stderr
            .contains(&format!("--fail-on off: {off} zones not scanning")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("--fail-on error"), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains("zones scanning"),
        "the coverage line first: {}",
        lines[0]
    );
    assert!(lines[1].starts_with("ZONE"), "{}", lines[1]);
    assert_eq!(lines.len(), 2 + state["zones"].as_object().unwrap().len());
    let globex = cli
        .run(&[
            "fleet",
            "scan",
            "--account",
            GLOBEX,
            "--fail-on",
            "error",
            "--json",
        ])
        .await;
    globex.expect(0);
    let document = globex.document("fleet_scan");
    assert_eq!(
        document["fail_on"],
        json!([{"condition": "error", "zones": 0}])
    );
    assert_eq!(document["failing"], false);
    assert_eq!(document["account"]["id"], GLOBEX);
}

#[tokio::test]
async fn csv_has_a_header_and_a_line_per_zone() {
    let cli = Headless::start().await;
    let run = cli.run(&["fleet", "scan", "--csv"]).await;
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0]
            == "zone_id,zone_name,account_id,account_name,plan,zone_status,coverage,lock,\
email_state,email,sources_on,sources_total,attention,error_kind,error",
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        1 + cli.state().await["zones"].as_object().unwrap().len()
    );
    let shop = lines.iter().find(|l| l.starts_with(SHOP)).unwrap();
    assert_eq!(
        *shop,
        format!(
            "{SHOP},shop.acme-corp.com,{ACME},Acme Corp,ent,active,scanning,editable,valid,valid,1,2,fine,,"
        )
    );
}

#[tokio::test]
async fn cached_prints_the_last_scan_with_its_age_and_sends_no_request() {
    let cli = Headless::start().await;
    let none = cli.run(&["fleet", "scan", "--cached"]).await;
    none.expect(4);
    assert!(none.stderr.contains("no cached scan"), "{}", none.stderr);
    assert_eq!(cli.request_count().await, 0);
    let fresh = cli.run(&["fleet", "scan", "--json"]).await;
    fresh.expect(0);
    let seen = cli.request_count().await;
    let cached = cli.run(&["fleet", "scan", "--cached", "--json"]).await;
    cached.expect(0);
    assert_eq!(cli.request_count().await, seen, "--cached sent a request");
    let (fresh, cached_doc) = (fresh.document("fleet_scan"), cached.document("fleet_scan"));
    assert_eq!(cached_doc["cached"], true);
    assert!(cached_doc["age_seconds"].as_u64().is_some());
    assert_eq!(cached_doc["counts"], fresh["counts"]);
    assert_eq!(cached_doc["started_at"], fresh["started_at"]);
    assert_eq!(cached_doc["zones"], fresh["zones"]);
    assert!(
        cached.stderr.contains("Cached scan from"),
        "{}",
        cached.stderr
    );
    let table = cli
        .run(&["fleet", "scan", "--cached", "--fail-on", "off"])
        .await;
    table.expect(1);
    assert_eq!(cli.request_count().await, seen);
    let other = cli
        .run(&["fleet", "scan", "--cached", "--account", "Globex Media"])
        .await;
    other.expect(4);
}

#[tokio::test]
async fn a_failing_server_ends_the_scan_with_6_and_caches_nothing() {
    let cli = Headless::start().await;
    set_faults(&cli.mock, json!({"fail_rate": 1})).await;
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(6);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("listing failed"), "{}", run.stderr);
    set_faults(&cli.mock, json!({"fail_rate": 0})).await;
    cli.run(&["fleet", "scan", "--cached"]).await.expect(4);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn progress_goes_to_stderr_when_it_is_a_terminal_and_never_into_the_document() {
    use std::io::Read;
    let cli = Headless::start().await;
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let mut command = cli.command(&["fleet", "scan", "--json"], &[]);
    command.stderr(std::process::Stdio::from(pty.slave));
    let child = command.spawn().expect("the binary starts");
    // Our copy of the terminal's slave side goes with the command, so the
    // master reads to its end once the child is gone.
    drop(command);
    let mut master = std::fs::File::from(pty.master);
    let terminal = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the scan ends")
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&output.stdout).expect("stdout is one document");
    let zones = document["counts"]["zones"].as_u64().unwrap();
    let stderr = terminal.join().unwrap();
    assert!(
        stderr.contains(&format!("scanning {zones} of {zones} zones")) && stderr.contains("budget"),
        "{stderr:?}"
    );
    assert!(
        stderr.ends_with("\r\x1b[2K"),
        "the line is cleared at the end: {stderr:?}"
    );
}

#[tokio::test]
async fn a_cache_dated_in_the_future_is_read_again_before_a_plan() {
    let cli = Headless::start().await;
    cli.run(&["fleet", "scan", "--json"]).await.expect(0);
    let client = full_client(&cli.mock);
    client
        .patch_csam(
            GLOBEX_OFF,
            &trustdeck::api::model::CsamPatch::of(trustdeck::api::model::CsamPatchValue {
                enabled: Some(true),
                ..Default::default()
            }),
        )
        .await
        .expect("scanning turned on behind the cache's back");
    let dir = cli.home.path().join("cache/trustdeck");
    let mut dated = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let Ok(mut file) = serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let Some(scan) = file.get_mut("scan") else {
            continue;
        };
        let ahead = |v: &mut Value| *v = json!(v.as_u64().unwrap() + 86_400);
        ahead(&mut scan["started_at"]);
        ahead(&mut scan["finished_at"]);
        for row in scan["rows"].as_array_mut().unwrap() {
            ahead(&mut row["read_at"]);
        }
        std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
        dated += 1;
    }
    assert_eq!(dated, 1, "one cached scan in {}", dir.display());
    let zones = cli.home.path().join("zones.txt");
    std::fs::write(&zones, format!("{GLOBEX_OFF}\n")).unwrap();
    let run = cli
        .run(&[
            "fleet",
            "apply",
            "--disable",
            "--zones",
            zones.to_str().unwrap(),
            "--yes",
        ])
        .await;
    run.expect(0);
    assert!(
        run.stderr.contains("ahead of this machine's clock"),
        "{run:#?}"
    );
    assert_eq!(
        cli.zone_state(GLOBEX_OFF).await["enabled"],
        false,
        "{run:#?}"
    );
}

/// Answers every listing page with new zones, claiming 10^12 pages.
async fn claims_a_trillion_pages() -> RawServer {
    raw_server(move |socket, _, _| async move {
        let zones: Vec<Value> = (0..50)
            .map(|i| json!({"id": format!("{:032x}", i + 1), "name": format!("z{i}.example")}))
            .collect();
        let info = json!({"page": 1, "per_page": 50, "count": 50, "total_pages": 1_000_000_000_000u64});
        let body = json!({"success": true, "errors": [], "messages": [], "result": zones, "result_info": info});
        reply_raw(socket, http_answer("200 OK", &[], &body.to_string()).as_bytes()).await;
    })
    .await
}

#[tokio::test]
async fn a_listing_claiming_a_trillion_pages_stops_at_once_with_a_clear_error() {
    let cli = Headless::start().await;
    let server = claims_a_trillion_pages().await;
    let base = server.base_url();
    let run = cli
        .run_with(
            &["fleet", "scan"],
            &[("CLOUDFLARE_BASE_URL", base.as_str())],
        )
        .await;
    assert!(run.code >= 2 && run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains("claims 1000000000000 pages of zones"),
        "{run:#?}"
    );
    assert_eq!(server.heads().len(), 1, "nothing beyond page 1 was read");
}

#[tokio::test]
async fn a_slow_listing_is_told_on_a_stderr_that_is_not_a_terminal() {
    let cli = Headless {
        mock: start_mock_with(trustdeck::mock::MockConfig {
            latency: Some(std::time::Duration::from_secs(3)),
            zones: Some(0),
            ..trustdeck::mock::MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    assert!(run.code < 2, "{}: {}", run.code, run.stderr);
    assert!(
        run.stderr
            .contains("trustdeck: still listing the zones after "),
        "a wait is never silent: {}",
        run.stderr
    );
}

#[tokio::test]
async fn a_scan_that_met_the_rate_limit_says_so_on_stderr() {
    let cli = Headless {
        mock: start_mock_with(trustdeck::mock::MockConfig {
            rate_limit: Some("40/2s".parse().unwrap()),
            zones: Some(60),
            ..trustdeck::mock::MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the rate-limit budget is spent (40 requests per 2s)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("met the rate limit: requests waited"),
        "{}",
        run.stderr
    );

    set_faults(&cli.mock, json!({"lock_out": "1s"})).await;
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("rate limited by Cloudflare (429)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("with 429") && run.stderr.contains("Cloudflare refused"),
        "{}",
        run.stderr
    );
}
