//! What "covered" means in `trustdeck fleet scan`, as the real binary
//! against the demo mock: a zone scanning with every source off scans
//! nothing and is its own state, and a zone with no notification email is
//! "no email", not "unverified", in the table, the JSON and the CSV.

use crate::headless_common::Headless;
use serde_json::Value;

fn any_source_on(zone: &Value) -> bool {
    zone["sources"]
        .as_object()
        .unwrap()
        .values()
        .any(|on| on == true)
}

#[tokio::test]
async fn a_zone_scanning_with_no_source_on_is_not_covered_and_has_its_own_state() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let raw = state["zones"].as_object().unwrap();
    let nothing: Vec<&String> = raw
        .iter()
        .filter(|(_, z)| z["enabled"] == true && !any_source_on(z))
        .map(|(id, _)| id)
        .collect();
    assert!(!nothing.is_empty(), "the demo has zones that scan nothing");

    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(0);
    let document = run.document("fleet_scan");
    let coverage = &document["counts"];
    assert_eq!(coverage["no_source"], nothing.len());
    let covered = raw
        .values()
        .filter(|z| z["enabled"] == true && any_source_on(z))
        .count();
    assert_eq!(
        coverage["scanning"], covered,
        "no-source zones are not covered"
    );
    for zone in document["zones"].as_array().unwrap() {
        let id = zone["zone"]["id"].as_str().unwrap().to_owned();
        let scans_nothing = nothing.contains(&&id);
        assert_eq!(
            zone["status"]["coverage"] == "no_source",
            scans_nothing,
            "{zone}"
        );
        if scans_nothing {
            assert_eq!(zone["setting"]["enabled"], true, "{zone}");
            assert_eq!(zone["sources_on"], 0, "{zone}");
        }
        if scans_nothing && zone["status"]["lock"] != "locked" {
            assert_eq!(zone["attention"], "no_source", "{zone}");
        }
        if scans_nothing {
            assert_ne!(zone["attention"], "fine", "{zone}");
        }
    }

    let table = cli.run(&["fleet", "scan", "--fail-on", "no-source"]).await;
    table.expect(1);
    let first = table.stdout.lines().next().unwrap();
    assert!(
        first.contains(&format!("{} no source", nothing.len())),
        "{first}"
    );
    assert!(table.stdout.contains("on · no source"), "{}", table.stdout);
    assert!(
        table.stderr.contains(&format!(
            "--fail-on no-source: {} zones scanning with every source off",
            nothing.len()
        )),
        "{}",
        table.stderr
    );
    let csv = cli.run(&["fleet", "scan", "--csv"]).await;
    let line = csv
        .stdout
        .lines()
        .find(|l| l.starts_with(nothing[0].as_str()))
        .unwrap();
    let header: Vec<&str> = csv.stdout.lines().next().unwrap().split(',').collect();
    let cells: Vec<&str> = line.split(',').collect();
    let coverage = header.iter().position(|h| *h == "coverage").unwrap();
    assert_eq!(cells[coverage], "no_source", "{line}");
}

#[tokio::test]
async fn a_zone_with_no_email_is_no_email_not_unverified() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let raw = state["zones"].as_object().unwrap();
    let no_email: Vec<&String> = raw
        .iter()
        .filter(|(_, z)| z["email"] == "")
        .map(|(id, _)| id)
        .collect();
    assert!(!no_email.is_empty(), "the demo has zones never set up");
    let set_unverified = raw
        .values()
        .filter(|z| z["email_state"] == "unverified" && z["email"] != "")
        .count();

    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(0);
    let document = run.document("fleet_scan");
    assert_eq!(document["counts"]["no_email"], no_email.len());
    assert_eq!(document["counts"]["email_unverified"], set_unverified);
    for zone in document["zones"].as_array().unwrap() {
        let id = zone["zone"]["id"].as_str().unwrap().to_owned();
        let none = no_email.contains(&&id);
        assert_eq!(zone["email"] == "no_email", none, "{zone}");
        if none {
            assert_eq!(zone["setting"]["email"], "", "{zone}");
            assert_ne!(zone["attention"], "email_unverified", "{zone}");
        }
    }

    let only = cli.run(&["fleet", "scan", "--fail-on", "no-email"]).await;
    only.expect(1);
    assert!(
        only.stderr.contains(&format!(
            "--fail-on no-email: {} zones with no notification email",
            no_email.len()
        )),
        "{}",
        only.stderr
    );
    let row = only
        .stdout
        .lines()
        .skip(2)
        .find(|l| l.contains("no email"))
        .expect("a table row says no email");
    assert!(!row.contains("unverified"), "{row}");
    let csv = cli.run(&["fleet", "scan", "--csv"]).await;
    let header: Vec<&str> = csv.stdout.lines().next().unwrap().split(',').collect();
    let email = header.iter().position(|h| *h == "email").unwrap();
    let line = csv
        .stdout
        .lines()
        .find(|l| l.starts_with(no_email[0].as_str()))
        .unwrap();
    assert_eq!(line.split(',').nth(email), Some("no_email"), "{line}");
    let unverified = cli
        .run(&["fleet", "scan", "--fail-on", "unverified", "--json"])
        .await;
    let caught = unverified.document("fleet_scan")["fail_on"][0]["zones"]
        .as_u64()
        .unwrap();
    assert!(
        caught as usize >= no_email.len() + set_unverified,
        "--fail-on unverified still catches a zone with no email"
    );
}
