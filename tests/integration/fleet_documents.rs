//! Every fleet command's `--json` document, as the real binary prints it
//! against the mock, validated against its schema in `schemas/`, and the
//! `--csv` of `fleet scan` and `fleet runs` read back against the JSON:
//! one vocabulary for a zone, a setting, a write's result and a time.

use crate::headless_common;

use std::collections::BTreeSet;

use crate::common::*;
use crate::headless_common::{Headless, Run};
use serde_json::{Value, json};

/// CSV text as a header and rows of cells (no cell here holds a comma).
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header line")
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?} under {header:?}");
    }
    (header, rows)
}

/// The cell of `column` in `row`.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let at = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    &row[at]
}

/// The pretty document of `kind` a run printed on stderr among its notes,
/// checked against its schema.
fn stderr_document(run: &Run, kind: &str) -> Value {
    let lines: Vec<&str> = run.stderr.lines().collect();
    let start = lines.iter().position(|l| *l == "{").expect("a document");
    let end = start + lines[start..].iter().position(|l| *l == "}").unwrap();
    let document: Value = serde_json::from_str(&lines[start..=end].join("\n"))
        .unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    headless_common::schema::assert_valid(kind, &document);
    document
}

fn is_rfc3339_utc(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|text| text.len() == 20 && text.ends_with('Z') && text.as_bytes()[10] == b'T')
}

#[tokio::test]
async fn fleet_scan_json_and_csv_say_the_same_of_every_zone() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(0);
    let scan = run.document("fleet_scan");
    assert!(
        is_rfc3339_utc(&scan["started_at"]),
        "{}",
        scan["started_at"]
    );
    assert!(is_rfc3339_utc(&scan["finished_at"]));
    let zones = scan["zones"].as_array().unwrap();
    let ids: BTreeSet<&str> = zones
        .iter()
        .map(|z| z["zone"]["id"].as_str().unwrap())
        .collect();
    let mock_ids: BTreeSet<&str> = state["zones"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, mock_ids);
    for zone in zones {
        let id = zone["zone"]["id"].as_str().unwrap();
        let raw = &state["zones"][id];
        let setting = &zone["setting"];
        assert_eq!(setting["enabled"], raw["enabled"], "{zone}");
        assert_eq!(setting["sources"], raw["sources"], "{zone}");
        assert_eq!(setting["email_state"], raw["email_state"], "{zone}");
        assert_eq!(setting["editable"], raw["editable"], "{zone}");
        assert!(is_rfc3339_utc(&zone["read_at"]), "{zone}");
        let on = raw["sources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|v| **v == true)
            .count();
        assert_eq!(zone["sources_on"], on, "{zone}");
        let coverage = match (raw["enabled"].as_bool(), on) {
            (Some(true), 0) => "no_source",
            (Some(true), _) => "scanning",
            _ => "off",
        };
        assert_eq!(zone["status"]["coverage"], coverage, "{zone}");
    }

    let cached = cli.run(&["fleet", "scan", "--cached", "--json"]).await;
    cached.expect(0);
    let cached = cached.document("fleet_scan");
    assert_eq!(cached["cached"], true);
    assert!(
        cached["zones"] == scan["zones"],
        "the cache keeps every row as printed"
    );

    let csv = cli.run(&["fleet", "scan", "--csv"]).await;
    csv.expect(0);
    let (header, rows) = csv_rows(&csv.stdout);
    assert_eq!(
        header,
        [
            "zone_id",
            "zone_name",
            "account_id",
            "account_name",
            "plan",
            "zone_status",
            "coverage",
            "lock",
            "email_state",
            "email",
            "sources_on",
            "sources_total",
            "attention",
            "error_kind",
            "error",
        ]
    );
    assert_eq!(rows.len(), zones.len());
    for row in &rows {
        let id = cell(&header, row, "zone_id");
        let zone = zones.iter().find(|z| z["zone"]["id"] == id).unwrap();
        let same = |column: &str, json: &Value| {
            assert_eq!(
                cell(&header, row, column),
                json.as_str()
                    .map_or_else(|| json.to_string(), str::to_owned),
                "{column} of {id}"
            );
        };
        same("zone_name", &zone["zone"]["name"]);
        same("account_id", &zone["zone"]["account"]["id"]);
        same("plan", &zone["plan"]);
        same("zone_status", &zone["zone_status"]);
        same("coverage", &zone["status"]["coverage"]);
        same("lock", &zone["status"]["lock"]);
        same("email_state", &zone["setting"]["email_state"]);
        same("email", &zone["email"]);
        same("sources_on", &zone["sources_on"]);
        same("sources_total", &zone["sources_total"]);
        same("attention", &zone["attention"]);
        assert_eq!(cell(&header, row, "error_kind"), "");
    }
}

#[tokio::test]
async fn a_plan_a_run_and_the_run_list_are_typed_documents() {
    let cli = Headless::start().await;
    let file = cli.home.path().join("zones.txt");
    std::fs::write(
        &file,
        format!("{GLOBEX_OFF}\n{FORUM_UNVERIFIED}\n{CDN_LOCKED}\n"),
    )
    .unwrap();
    let zones = file.to_str().unwrap();
    let args = ["fleet", "apply", "--enable", "--zones", zones, "--json"];

    let dry = cli.run(&[&args[..], &["--dry-run"]].concat()).await;
    dry.expect(0);
    let plan = dry.document("fleet_plan");
    assert_eq!(plan["change"]["kind"], "enable_scanning");
    assert_eq!(plan["sent"]["enabled"], true);
    assert_eq!(plan["sent"]["resend_email"], false);
    assert_eq!(plan["blocked"], Value::Null);
    assert_eq!(plan["counts"]["zones"], 3);
    assert_eq!(plan["counts"]["to_send"], 2);
    assert_eq!(plan["counts"]["skipped"]["locked"], 1);
    // Rows of the scan just made: two PATCHes, nothing read again, this window.
    let budget = &plan["budget"];
    assert_eq!(
        (&budget["requests"], &budget["patches"], &budget["rereads"]),
        (&json!(2), &json!(2), &json!(0))
    );
    assert_eq!(budget["windows"], 1);
    assert_eq!(budget["limit"]["requests"], 1200);
    assert_eq!(budget["limit"]["window_seconds"], 300);
    let step = |id: &str| {
        plan["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["zone"]["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(step(GLOBEX_OFF)["step"], "send");
    assert_eq!(step(GLOBEX_OFF)["expect"], "as_asked");
    assert_eq!(step(GLOBEX_OFF)["zone"]["account"]["id"], GLOBEX);
    assert_eq!(step(FORUM_UNVERIFIED)["expect"], "stays_off");
    assert_eq!(step(CDN_LOCKED)["step"], "skip");
    assert_eq!(step(CDN_LOCKED)["skip"]["reason"], "locked");
    assert!(cli.writes().await.is_empty(), "a dry run sends nothing");

    let real = cli.run(&[&args[..], &["--yes"]].concat()).await;
    real.expect(1);
    let run = real.document("fleet_run");
    assert_eq!(run["state"], "complete");
    assert!(is_rfc3339_utc(&run["started_at"]) && is_rfc3339_utc(&run["finished_at"]));
    let counts = &run["counts"];
    assert_eq!(
        (
            &counts["done"],
            &counts["adjusted"],
            &counts["skipped"],
            &counts["left"]
        ),
        (
            &Value::from(1),
            &Value::from(1),
            &Value::from(1),
            &Value::from(0)
        ),
        "{counts}"
    );
    let result = |id: &str| {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["zone"]["id"] == id)
            .unwrap()
            .clone()
    };
    let done = result(GLOBEX_OFF);
    assert_eq!(done["result"], "done", "{done}");
    assert_eq!(done["sent"]["enabled"], true);
    assert_eq!(done["after"]["enabled"], true);
    assert_eq!(
        done["after"]["sources"],
        cli.zone_state(GLOBEX_OFF).await["sources"]
    );
    assert_eq!(done["error"], Value::Null);
    let kept_off = result(FORUM_UNVERIFIED);
    assert_eq!(kept_off["result"], "adjusted", "{kept_off}");
    assert_eq!(kept_off["after"]["enabled"], false);
    assert_eq!(kept_off["after"]["email_state"], "unverified");
    assert_eq!(kept_off["adjusted"][0]["field"], "enabled");
    assert!(
        kept_off["messages"]
            .as_array()
            .is_some_and(|m| !m.is_empty())
    );
    let locked = result(CDN_LOCKED);
    assert_eq!(locked["result"], "skipped", "{locked}");
    assert_eq!(locked["sent"], Value::Null);
    assert_eq!(locked["after"], Value::Null);
    assert_eq!(locked["skip"]["reason"], "locked");

    let listed = cli.run(&["fleet", "runs", "--json"]).await;
    listed.expect(0);
    let runs = listed.document("fleet_runs");
    let entry = &runs["runs"][0];
    assert_eq!(entry["run_id"], run["run_id"]);
    assert_eq!(entry["change"], run["change"]);
    assert_eq!(entry["counts"], run["counts"]);
    assert_eq!(entry["state"], "complete");
    assert!(is_rfc3339_utc(&entry["started_at"]));
    let csv = cli.run(&["fleet", "runs", "--csv"]).await;
    csv.expect(0);
    let (header, rows) = csv_rows(&csv.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&header, &rows[0], "run_id"), run["run_id"]);
    assert_eq!(cell(&header, &rows[0], "started_at"), entry["started_at"]);
    assert_eq!(cell(&header, &rows[0], "change_kind"), "enable_scanning");
    for count in [
        "zones", "done", "adjusted", "failed", "unknown", "skipped", "left",
    ] {
        assert_eq!(
            cell(&header, &rows[0], count),
            entry["counts"][count].to_string(),
            "{count}"
        );
    }
}

#[tokio::test]
async fn a_typed_email_shows_by_its_domain_in_every_fleet_document() {
    let cli = Headless::start().await;
    let address = "new-team@acme-corp.com";
    let run = cli
        .run(&["fleet", "apply", "--email", address, "--dry-run", "--json"])
        .await;
    run.expect(0);
    let plan = run.document("fleet_plan");
    assert_eq!(plan["change"]["kind"], "set_email");
    assert_eq!(plan["change"]["email"], "…@acme-corp.com");
    assert_eq!(plan["sent"]["email"], "…@acme-corp.com");
    assert_eq!(plan["sent"]["enabled"], Value::Null);
    assert!(!run.stdout.contains(address), "{}", run.stdout);
}

#[cfg(unix)]
#[tokio::test]
async fn an_interrupted_run_and_its_resume_are_fleet_run_documents() {
    use std::time::Duration;

    use trustdeck::mock::MockConfig;

    let cli = Headless {
        mock: start_mock_with(MockConfig {
            zones: Some(200),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    cli.run(&["fleet", "scan", "--json"]).await.expect(0);
    set_faults(&cli.mock, serde_json::json!({"latency_ms": 100})).await;
    let child = cli.spawn(&["fleet", "apply", "--disable", "--yes", "--json"]);
    let outcomes = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("\"kind\":\"outcome\""))
            .count()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if cli.journals().first().is_some_and(|p| outcomes(p) > 0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = nix::unistd::Pid::from_raw(child.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("it ends once those in flight are done")
        .unwrap();
    let stopped = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    stopped.expect(130);
    assert_eq!(stopped.stdout, "");
    let first = stderr_document(&stopped, "fleet_run");
    assert_eq!(first["state"], "interrupted");
    assert!(
        first["counts"]["left"].as_u64().unwrap() > 0,
        "{}",
        first["counts"]
    );

    set_faults(&cli.mock, serde_json::json!({"latency_ms": 0})).await;
    let resumed = cli.run(&["fleet", "resume", "--yes", "--json"]).await;
    assert!(resumed.code <= 1, "{resumed:?}");
    let run = resumed.document("fleet_run");
    assert_eq!(run["run_id"], first["run_id"]);
    assert_eq!(run["state"], "complete");
    assert_eq!(run["scan"], Value::Null);
    assert_eq!(run["counts"]["left"], 0);
    assert_eq!(run["counts"]["zones"], first["counts"]["zones"]);
    for zone in run["results"].as_array().unwrap() {
        if zone["result"] == "done" {
            assert_eq!(zone["after"]["enabled"], false, "{zone}");
        }
    }
    let listed = cli.run(&["fleet", "runs", "--json"]).await;
    let runs = listed.document("fleet_runs");
    assert_eq!(runs["runs"][0]["state"], "complete");
}
