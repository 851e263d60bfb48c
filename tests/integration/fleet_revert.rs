//! `trustdeck fleet revert RUN` as the real binary against the mock: the
//! inverse change on exactly the targets a run changed, read again first;
//! what cannot be reverted refused or listed with why; `--dry-run` sends
//! nothing.

use std::path::Path;

use serde_json::Value;

use crate::bulk_common::{per_zone, zones_state};
use crate::headless_common::Headless;

/// The id of the run whose journal is `path`.
fn run_id(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Each zone's `enabled` in the mock.
async fn enabled(cli: &Headless) -> Vec<(String, Value)> {
    let mut zones: Vec<(String, Value)> = zones_state(&cli.mock)
        .await
        .into_iter()
        .map(|(id, zone)| (id, zone["enabled"].clone()))
        .collect();
    zones.sort_by(|a, b| a.0.cmp(&b.0));
    zones
}

#[tokio::test]
async fn a_revert_of_an_enable_turns_off_exactly_the_zones_the_run_turned_on() {
    let cli = Headless::start().await;
    let before = enabled(&cli).await;
    let applied = cli
        .run(&["fleet", "apply", "--enable", "--yes", "--json"])
        .await;
    assert!(applied.code == 0 || applied.code == 1, "{applied:?}");
    let turned_on: Vec<String> = {
        let now = enabled(&cli).await;
        before
            .iter()
            .zip(&now)
            .filter(|(b, n)| b.1 != Value::Bool(true) && n.1 == Value::Bool(true))
            .map(|(b, _)| b.0.clone())
            .collect()
    };
    assert!(!turned_on.is_empty(), "the enable turned some zones on");
    let journals = cli.journals();
    assert_eq!(journals.len(), 1, "{journals:?}");
    let run = run_id(&journals[0]);
    let patches_before = per_zone(&cli.mock, "PATCH").await;

    let dry = cli
        .run(&["fleet", "revert", &run, "--dry-run", "--json"])
        .await;
    dry.expect(0);
    let plan = dry.document("fleet_plan");
    assert_eq!(plan["change"]["kind"], "disable_scanning");
    let mut planned: Vec<String> = plan["zones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|z| z["step"] == "send")
        .map(|z| z["zone"]["id"].as_str().unwrap().to_owned())
        .collect();
    planned.sort();
    assert_eq!(planned, turned_on, "{plan:#}");
    assert_eq!(
        per_zone(&cli.mock, "PATCH").await,
        patches_before,
        "a dry run sends nothing"
    );
    assert_eq!(cli.journals().len(), 1, "a dry run journals nothing");

    let reverted = cli.run(&["fleet", "revert", &run, "--yes", "--json"]).await;
    reverted.expect(0);
    let document = reverted.document("fleet_run");
    assert_eq!(document["change"]["kind"], "disable_scanning");
    assert_eq!(
        enabled(&cli).await,
        before,
        "every zone is as it was before the run"
    );
    let patches = per_zone(&cli.mock, "PATCH").await;
    for (zone, was) in &before {
        let sent = patches.get(zone).copied().unwrap_or(0);
        let expected = usize::from(turned_on.contains(zone)) * 2
            + usize::from(!turned_on.contains(zone) && patches_before.contains_key(zone));
        assert_eq!(sent, expected, "zone {zone} (enabled before: {was})");
    }
    let journals = cli.journals();
    assert_eq!(journals.len(), 2, "the revert is a run of its own");
    let first = std::fs::read_to_string(&journals[1]).unwrap();
    let header: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(header["revert_of"], run.as_str(), "{header}");
    let audit = cli.audit_text();
    assert!(
        audit.contains("fleet revert"),
        "the revert is audited: {audit}"
    );

    let runs = cli.run(&["fleet", "runs"]).await;
    runs.expect(0);
    let line = runs
        .stdout
        .lines()
        .find(|l| l.starts_with(&run_id(&journals[1])))
        .unwrap_or_else(|| panic!("the revert is listed: {}", runs.stdout));
    assert!(line.contains(&format!("revert {run}:")), "{line}");
    assert!(line.contains("complete"), "{line}");
}

#[tokio::test]
async fn a_zone_already_switched_back_is_skipped_as_already_so() {
    let cli = Headless::start().await;
    let before = enabled(&cli).await;
    let applied = cli.run(&["fleet", "apply", "--enable", "--yes"]).await;
    assert!(applied.code == 0 || applied.code == 1, "{applied:?}");
    let now = enabled(&cli).await;
    let turned_on: Vec<&String> = before
        .iter()
        .zip(&now)
        .filter(|(b, n)| b.1 != Value::Bool(true) && n.1 == Value::Bool(true))
        .map(|(b, _)| &b.0)
        .collect();
    let zone = turned_on.first().expect("a zone turned on").to_string();
    let run = run_id(&cli.journals()[0]);
    cli.run(&["csam", "set", &zone, "--disable"])
        .await
        .expect(0);
    let dry = cli
        .run(&["fleet", "revert", &run, "--dry-run", "--json"])
        .await;
    dry.expect(0);
    let plan = dry.document("fleet_plan");
    let entry = plan["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["zone"]["id"] == zone.as_str())
        .unwrap_or_else(|| panic!("{zone} is in the plan: {plan:#}"));
    assert_eq!(entry["step"], "skip", "{entry}");
    assert_eq!(entry["skip"]["reason"], "already_so", "{entry}");
}

#[tokio::test]
async fn an_email_run_is_refused_as_not_revertible_with_why() {
    let cli = Headless::start().await;
    let applied = cli
        .run(&["fleet", "apply", "--email", "soc@example.com", "--yes"])
        .await;
    assert!(applied.code == 0 || applied.code == 1, "{applied:?}");
    let run = run_id(&cli.journals()[0]);
    let writes = cli.writes().await.len();
    let refused = cli.run(&["fleet", "revert", &run, "--yes"]).await;
    refused.expect(2);
    assert!(
        refused.stderr.contains("cannot be reverted"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("masked"), "{}", refused.stderr);
    assert_eq!(cli.writes().await.len(), writes, "nothing was sent");
    assert_eq!(cli.journals().len(), 1, "no run was made");
}
