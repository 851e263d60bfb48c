//! `trustdeck fleet apply`, `fleet runs` as the real binary against the
//! embedded mock: the plan printed, `--read-only` and `--dry-run` send
//! nothing, no terminal means no run without `--yes`, the exit codes, and
//! the zones of `--zones FILE`.

mod bulk_common;
mod common;
mod headless_common;

use bulk_common::{per_zone, zone_of};
use common::*;
use headless_common::Headless;
use serde_json::{Value, json};

/// The zones a document's plan sends to.
fn planned_sends(document: &Value) -> Vec<String> {
    document["zones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|z| z["plan"]["step"] == "send")
        .map(|z| z["zone"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The JSON document a run printed on stderr (exit 2 and up).
fn stderr_json(run: &headless_common::Run) -> Value {
    let text = &run.stderr;
    let start = text.find("\n{").map_or(0, |i| i + 1);
    let start = if text.starts_with('{') { 0 } else { start };
    let end = text.rfind("\n}").expect("a document on stderr") + 2;
    serde_json::from_str(&text[start..end]).unwrap_or_else(|e| panic!("{e}: {text}"))
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
    let document = stderr_json(&run);
    assert_eq!(document["blocked"], "read_only");
    assert_eq!(document["run"], Value::Null);
    assert!(document["plan"]["to_send"].as_u64().unwrap() > 0);
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
    let document = run.json();
    let sends = planned_sends(&document);
    let summary = &document["run"]["summary"];
    assert_eq!(document["run"]["state"], "complete");
    assert!(summary["adjusted"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(
        summary["done"].as_u64().unwrap() + summary["adjusted"].as_u64().unwrap(),
        sends.len() as u64
    );
    let patches = per_zone(&cli.mock, "PATCH").await;
    assert_eq!(patches.len(), sends.len());
    assert!(sends.iter().all(|zone| patches[zone] == 1));
    for zone in document["zones"].as_array().unwrap() {
        let id = zone["zone"]["id"].as_str().unwrap();
        let outcome = &zone["outcome"];
        match zone["plan"]["step"].as_str().unwrap() {
            "send" => assert!(
                ["done", "adjusted"].contains(&outcome["result"].as_str().unwrap()),
                "{zone}"
            ),
            _ => {
                assert_eq!(outcome["result"], "skipped", "{zone}");
                assert_eq!(outcome["planned"], true);
                assert_eq!(cli.zone_state(id).await, state["zones"][id]);
            }
        }
    }
    let journal = document["run"]["journal"].as_str().unwrap();
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
    let runs = listed.json()["runs"].clone();
    assert_eq!(runs[0]["id"], document["run"]["id"]);
    assert_eq!(runs[0]["state"], "complete");
    assert_eq!(runs[0]["change"], "enable scanning");
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
    let document = run.json();
    let names: Vec<&str> = document["zones"]
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
    let document = stderr_json(&failed);
    assert_eq!(document["scan"]["cached"], true);
    assert_eq!(document["run"]["summary"]["retryable"], 2, "{document}");
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
        planned_sends(&after.json()),
        [GLOBEX_OFF],
        "not 'already off'"
    );
}
