//! `trustdeck fleet apply`, `fleet runs` as the real binary against the
//! embedded mock: the plan printed, `--read-only` and `--dry-run` send
//! nothing, no terminal means no run without `--yes`, the exit codes, and
//! the zones of `--zones FILE`.

use crate::headless_common;

use crate::bulk_common::{per_zone, zone_of};
use crate::common::*;
use crate::headless_common::Headless;
use serde_json::{Value, json};

/// The zones a document's plan sends to (a `fleet_plan`'s `zones` or a
/// `fleet_run`'s `results`).
fn planned_sends(document: &Value) -> Vec<String> {
    let zones = match document["kind"].as_str() {
        Some("fleet_run") => &document["results"],
        _ => &document["zones"],
    };
    zones
        .as_array()
        .unwrap()
        .iter()
        .filter(|z| z["step"] == "send")
        .map(|z| z["zone"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The document of `kind` a run printed on stderr (exit 2 and up), checked
/// against its schema.
fn stderr_json(run: &headless_common::Run, kind: &str) -> Value {
    let text = &run.stderr;
    let start = text.find("\n{").map_or(0, |i| i + 1);
    let start = if text.starts_with('{') { 0 } else { start };
    let end = text.rfind("\n}").expect("a document on stderr") + 2;
    let document =
        serde_json::from_str(&text[start..end]).unwrap_or_else(|e| panic!("{e}: {text}"));
    headless_common::schema::assert_valid(kind, &document);
    document
}

#[tokio::test]
async fn read_only_prints_the_plan_and_exits_3_without_a_run() {
    let cli = Headless::start().await;
    let run = cli
        .run(&[
            "--read-only",
            "fleet",
            "apply",
            "--enable",
            "--json",
            "--yes",
        ])
        .await;
    run.expect(3);
    // Exit 3: nothing on stdout; the refused plan is on stderr.
    assert_eq!(run.stdout, "", "{run:?}");
    let document = stderr_json(&run, "fleet_plan");
    assert_eq!(document["blocked"], "read_only");
    assert_eq!(document["change"]["kind"], "enable_scanning");
    assert_eq!(document["sent"]["enabled"], true);
    assert!(document["counts"]["to_send"].as_u64().unwrap() > 0);
    assert!(run.stderr.contains("read-only mode"), "{}", run.stderr);
    assert!(cli.writes().await.is_empty(), "nothing was written");
    assert!(!cli.runs_dir().exists(), "no journal");
    let text = cli
        .run(&["fleet", "apply", "--enable", "--read-only"])
        .await;
    text.expect(3);
    assert_eq!(text.stdout, "", "exit 3 prints nothing on stdout");
    assert!(text.stderr.starts_with("Rows from "), "{}", text.stderr);
    assert!(
        text.stderr.contains("Plan: enable scanning: "),
        "{}",
        text.stderr
    );
    assert!(cli.writes().await.is_empty());
}

#[tokio::test]
async fn the_plan_says_what_the_run_spends_of_the_limit_it_was_told() {
    let cli = Headless::start().await;
    let plan = cli
        .run(&[
            "--rate-limit",
            "6000/1m",
            "fleet",
            "apply",
            "--enable",
            "--dry-run",
        ])
        .await;
    plan.expect(0);
    let line = plan
        .stdout
        .lines()
        .find(|l| l.starts_with("Budget: "))
        .unwrap_or_else(|| panic!("no budget line: {}", plan.stdout));
    let to_send = plan_sends(&plan.stdout);
    assert_eq!(
        line,
        format!(
            "Budget: {to_send} request{} · 1 window of the limit (6,000 per 1m) · a few seconds",
            if to_send == 1 { "" } else { "s" }
        )
    );
}

/// How many zones a plan text says will change or stay off.
fn plan_sends(text: &str) -> usize {
    let summary = text
        .lines()
        .find(|l| l.starts_with("Plan: "))
        .expect("a plan line");
    summary
        .split(" · ")
        .filter(|part| part.contains("will change") || part.contains("will stay off"))
        .filter_map(|part| {
            part.split_whitespace()
                .rev()
                .find_map(|w| w.parse::<usize>().ok())
        })
        .sum()
}

#[tokio::test]
async fn a_dry_run_and_a_refused_confirmation_send_nothing() {
    let cli = Headless::start().await;
    let dry = cli
        .run(&[
            "fleet",
            "apply",
            "--disable",
            "--account",
            "Acme Corp",
            "--dry-run",
        ])
        .await;
    dry.expect(0);
    assert!(dry.stdout.contains("shop.acme-corp.com"), "{}", dry.stdout);
    assert!(dry.stderr.contains("Dry run: nothing was sent."));
    let asked = cli
        .run(&["fleet", "apply", "--disable", "--account", ACME])
        .await;
    asked.expect(2);
    assert!(asked.stderr.contains("add --yes"), "{}", asked.stderr);
    assert_eq!(asked.stdout, "", "exit 2: the refused plan is on stderr");
    assert!(
        asked.stderr.contains("shop.acme-corp.com"),
        "{}",
        asked.stderr
    );
    // The typed address, whole, before it reaches every zone.
    let typo = cli
        .run(&[
            "fleet",
            "apply",
            "--email",
            "trust-safety@acme-crop.com",
            "--account",
            ACME,
        ])
        .await;
    typo.expect(2);
    assert!(
        typo.stderr
            .contains("Plan: set the notification email to trust-safety@acme-crop.com:"),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr
            .contains("add --yes to set the notification email to trust-safety@acme-crop.com on"),
        "{}",
        typo.stderr
    );
    assert!(cli.writes().await.is_empty());
    assert!(!cli.runs_dir().exists());
    let bad = cli
        .run(&["fleet", "apply", "--email", "not an address"])
        .await;
    bad.expect(2);
    assert!(bad.stderr.contains("--email"), "{}", bad.stderr);
    let none = cli.run(&["fleet", "apply", "--dry-run"]).await;
    none.expect(2);
}

#[tokio::test]
async fn a_run_reports_every_zone_and_exits_1_when_the_server_adjusts() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let run = cli
        .run(&[
            "fleet",
            "apply",
            "--enable",
            "--account",
            "Acme Corp",
            "--yes",
            "--json",
        ])
        .await;
    run.expect(1);
    let document = run.document("fleet_run");
    let sends = planned_sends(&document);
    let summary = &document["counts"];
    assert_eq!(document["state"], "complete");
    assert!(summary["adjusted"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(
        summary["done"].as_u64().unwrap() + summary["adjusted"].as_u64().unwrap(),
        sends.len() as u64
    );
    let patches = per_zone(&cli.mock, "PATCH").await;
    assert_eq!(patches.len(), sends.len());
    assert!(sends.iter().all(|zone| patches[zone] == 1));
    for zone in document["results"].as_array().unwrap() {
        let id = zone["zone"]["id"].as_str().unwrap();
        match zone["step"].as_str().unwrap() {
            "send" => {
                assert!(
                    ["done", "adjusted"].contains(&zone["result"].as_str().unwrap()),
                    "{zone}"
                );
                assert_eq!(zone["sent"]["enabled"], true, "{zone}");
                let now = cli.zone_state(id).await;
                assert_eq!(zone["after"]["enabled"], now["enabled"], "{zone}");
                assert_eq!(zone["after"]["sources"], now["sources"], "{zone}");
                if zone["result"] == "adjusted" {
                    assert_eq!(zone["adjusted"][0]["field"], "enabled", "{zone}");
                    assert_eq!(zone["adjusted"][0]["asked"], true, "{zone}");
                    assert_eq!(zone["adjusted"][0]["now"], false, "{zone}");
                }
            }
            _ => {
                assert_eq!(zone["result"], "skipped", "{zone}");
                assert_eq!(zone["sent"], Value::Null, "{zone}");
                assert!(zone["skip"]["reason"].is_string(), "{zone}");
                assert_eq!(cli.zone_state(id).await, state["zones"][id]);
            }
        }
    }
    assert!(document["started_at"].is_string() && document["finished_at"].is_string());
    let journal = document["journal"].as_str().unwrap();
    assert!(journal.starts_with(cli.runs_dir().to_str().unwrap()));
    let audit = cli.audit_lines();
    assert_eq!(audit.len(), 2 * sends.len());
    assert!(
        audit
            .iter()
            .all(|l| l["origin"]["command"] == "fleet apply" && l["origin"]["face"] == "bulk")
    );

    let listed = cli.run(&["fleet", "runs", "--json"]).await;
    listed.expect(0);
    let runs = listed.document("fleet_runs")["runs"].clone();
    assert_eq!(runs[0]["run_id"], document["run_id"]);
    assert_eq!(runs[0]["state"], "complete");
    assert_eq!(runs[0]["change"], document["change"]);
    assert_eq!(runs[0]["change"]["kind"], "enable_scanning");
    assert_eq!(runs[0]["counts"], document["counts"]);
    assert!(runs[0]["started_at"].is_string());
    let csv = cli.run(&["fleet", "runs", "--csv"]).await;
    csv.expect(0);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.stdout);
    let header: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("run_id"), runs[0]["run_id"]);
    assert_eq!(cell("started_at"), runs[0]["started_at"]);
    assert_eq!(cell("change_kind"), "enable_scanning");
    assert_eq!(cell("state"), "complete");
    assert_eq!(cell("done"), runs[0]["counts"]["done"].to_string());
    assert_eq!(cell("adjusted"), runs[0]["counts"]["adjusted"].to_string());
    let table = cli.run(&["fleet", "runs"]).await;
    table.expect(0);
    assert!(
        table.stdout.lines().nth(1).unwrap().contains("complete"),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn the_zones_of_a_file_are_the_selection_and_an_unknown_one_stops_it() {
    let cli = Headless::start().await;
    let file = cli.home.path().join("zones.txt");
    std::fs::write(
        &file,
        format!("# the ones to fix\nglobex-media.tv\n{FORUM_UNVERIFIED}  # by id\n\nSHOP.acme-corp.com\n"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let run = cli
        .run(&[
            "fleet", "apply", "--enable", "--zones", path, "--yes", "--json",
        ])
        .await;
    run.expect(1);
    let document = run.document("fleet_run");
    let names: Vec<&str> = document["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["zone"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "globex-media.tv",
            "forum.acme-corp.com",
            "shop.acme-corp.com"
        ]
    );
    let written: Vec<String> = cli
        .writes()
        .await
        .iter()
        .filter_map(|(_, path)| zone_of(path).map(str::to_owned))
        .collect();
    assert_eq!(written.len(), 2, "shop is already on: {written:?}");
    assert_eq!(cli.zone_state(GLOBEX_OFF).await["enabled"], true);

    std::fs::write(&file, "globex-media.tv\nnope.example\n").unwrap();
    let unknown = cli
        .run(&["fleet", "apply", "--disable", "--zones", path, "--yes"])
        .await;
    unknown.expect(4);
    assert!(
        unknown.stderr.contains("nope.example"),
        "{}",
        unknown.stderr
    );
    assert_eq!(cli.writes().await.len(), 2, "nothing more was sent");
}

#[tokio::test]
async fn failed_writes_exit_6_and_a_later_plan_sees_what_a_run_changed() {
    let cli = Headless::start().await;
    cli.run(&["fleet", "scan", "--json"]).await.expect(0);
    set_faults(&cli.mock, json!({"fail_rate": 1})).await;
    let file = cli.home.path().join("zones.txt");
    std::fs::write(&file, format!("{SHOP}\n{IMAGES}\n{GLOBEX_OFF}\n")).unwrap();
    let failed = cli
        .run(&[
            "fleet",
            "apply",
            "--disable",
            "--zones",
            file.to_str().unwrap(),
            "--yes",
            "--json",
        ])
        .await;
    // The cached scan is used: nothing but the PATCHes (all failing) went out.
    failed.expect(6);
    // Exit 6: stdout is empty; the run's document is on stderr.
    assert_eq!(failed.stdout, "", "{failed:?}");
    let document = stderr_json(&failed, "fleet_run");
    assert_eq!(document["scan"]["cached"], true);
    assert_eq!(document["counts"]["retryable"], 2, "{document}");
    let failed_zone = document["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["result"] == "failed")
        .expect("a failed zone");
    assert_eq!(failed_zone["retryable"], true, "{failed_zone}");
    assert_eq!(failed_zone["error"]["kind"], "server", "{failed_zone}");
    assert_eq!(cli.writes().await.len(), 2);
    set_faults(&cli.mock, json!({"fail_rate": 0})).await;
    std::fs::write(&file, "# none today\n").unwrap();
    let fine = cli
        .run(&[
            "fleet",
            "apply",
            "--enable",
            "--zones",
            file.to_str().unwrap(),
            "--yes",
        ])
        .await;
    fine.expect(0);
    assert!(fine.stderr.contains("Nothing to send"), "{}", fine.stderr);
    // Right after a run, a plan sees what it changed (from a new scan, or
    // from the cache the run updated).
    std::fs::write(&file, format!("{GLOBEX_OFF}\n")).unwrap();
    let path = file.to_str().unwrap();
    cli.run(&["fleet", "apply", "--enable", "--zones", path, "--yes"])
        .await
        .expect(0);
    assert_eq!(cli.zone_state(GLOBEX_OFF).await["enabled"], true);
    let after = cli
        .run(&[
            "fleet",
            "apply",
            "--disable",
            "--zones",
            path,
            "--dry-run",
            "--json",
        ])
        .await;
    after.expect(0);
    assert_eq!(
        planned_sends(&after.document("fleet_plan")),
        [GLOBEX_OFF],
        "not 'already off'"
    );
}
