//! The bulk-change engine against the embedded mock: the plan is what the
//! mock's state says it must be, a run sends each planned zone exactly one
//! PATCH and nothing else, a re-send mails each zone once even when the
//! server fails a third of the requests, and every write is audited.

use std::collections::HashMap;

use crate::bulk_common::*;
use crate::common::*;
use serde_json::{Value, json};
use trustdeck::api::Credentials;
use trustdeck::fleet::{
    ApplyEvent, Change, Expect, OutcomeKind, Plan, RetryOptions, RunState, RunStatus, Skip,
    SkipKind, Step, ZoneOutcome, retry_apply, start_apply,
};

/// A token that may read and write only Acme Corp's zones.
const ACME_TOKEN: &str = "tdemo-acme-settings-6mR2tY8wQ4nB1vX7cK3jH5p";

/// What enabling scanning must plan for a zone, from the mock's raw state.
fn expected_enable(zone: &Value, readable: bool) -> &'static str {
    if !readable {
        "no_permission"
    } else if zone["editable"] == false {
        "locked"
    } else if zone["enabled"] == true {
        "already_so"
    } else if zone["email_state"] != "valid" {
        "stays_off"
    } else {
        "as_asked"
    }
}

fn step_word(step: &Step) -> &'static str {
    match step {
        Step::Send {
            expect: Expect::AsAsked,
        } => "as_asked",
        Step::Send {
            expect: Expect::StaysOff,
        } => "stays_off",
        Step::Send {
            expect: Expect::TurnsOff,
        } => "turns_off",
        Step::Skip(Skip::Locked) => "locked",
        Step::Skip(Skip::AlreadySo) => "already_so",
        Step::Skip(Skip::NoPermission { .. }) => "no_permission",
        Step::Skip(_) => "other skip",
    }
}

#[tokio::test]
async fn the_plan_of_a_mixed_fleet_is_what_the_mock_state_says() {
    let mock = start_mock().await;
    let client = client_for(&mock.base_url(), Credentials::token(ACME_TOKEN));
    let scan = scan(&client).await;
    let plan = Plan::new(Change::EnableScanning, scan.rows());
    let state = zones_state(&mock).await;
    assert_eq!(plan.entries.len(), state.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for entry in &plan.entries {
        let acme = entry.zone.account.as_ref().is_some_and(|a| a.id == ACME);
        let want = expected_enable(&state[&entry.zone.id], acme);
        assert_eq!(step_word(&entry.step), want, "{}", entry.zone.name);
        *seen.entry(want).or_default() += 1;
    }
    for kind in [
        "no_permission",
        "locked",
        "already_so",
        "stays_off",
        "as_asked",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "a {kind} zone: {seen:?}"
        );
    }
    let summary = plan.summary();
    assert_eq!(summary.as_asked, seen["as_asked"]);
    assert_eq!(summary.stays_off, seen["stays_off"]);
    assert_eq!(summary.skipped[&SkipKind::Locked], seen["locked"]);
    assert_eq!(
        summary.skipped[&SkipKind::NoPermission],
        seen["no_permission"]
    );
    let line = summary.to_string();
    assert!(line.starts_with("enable scanning: "), "{line}");
    assert!(
        line.contains(&format!("{} locked, skipped", seen["locked"])),
        "{line}"
    );
    assert!(
        line.contains(&format!("{} already on", seen["already_so"])),
        "{line}"
    );
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        0,
        "planning sends nothing"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_run_sends_each_planned_zone_one_patch_and_nothing_else() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let before = zones_state(&mock).await;
    let plan = Plan::new(Change::EnableScanning, scan.rows());
    let planned: Vec<String> = plan
        .entries
        .iter()
        .filter(|e| e.sends())
        .map(|e| e.zone.id.clone())
        .collect();
    let stays_off = plan.summary().stays_off;
    let run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let id = run.id().clone();
    let journal = run.journal_path().unwrap().to_owned();
    let (events, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    assert_eq!(end.summary.done + end.summary.adjusted, planned.len());
    assert_eq!(end.summary.adjusted, stays_off, "kept off until verified");
    assert_eq!(
        (end.summary.failed, end.summary.unknown, end.summary.left),
        (0, 0, 0)
    );
    let outcomes = events
        .iter()
        .filter(|e| matches!(e, ApplyEvent::Zone(_)))
        .count();
    assert_eq!(outcomes, planned.len());

    let patches = per_zone(&mock, "PATCH").await;
    assert_eq!(patches.len(), planned.len(), "no other zone was touched");
    for zone in &planned {
        assert_eq!(patches.get(zone), Some(&1), "one PATCH for {zone}");
    }
    let after = zones_state(&mock).await;
    for (zone, now) in &after {
        let was = &before[zone];
        if planned.contains(zone) && was["email_state"] == "valid" {
            assert_eq!(now["enabled"], true, "{zone}");
        } else {
            assert_eq!(now, was, "{zone} is as it was");
        }
    }

    let runs = runs(&dir);
    let record = runs.load(&id).unwrap();
    assert_eq!(record.status(), RunStatus::Complete);
    assert!(record.sent.values().all(|n| *n == 1));
    assert_eq!(record.outcomes.len(), planned.len());
    assert!(journal.starts_with(runs.dir()));
    let audit: Vec<Value> = std::fs::read_to_string(dir.path().join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        audit.len(),
        2 * planned.len(),
        "an intent and an outcome each"
    );
    assert!(
        audit
            .iter()
            .all(|l| l["origin"]["face"] == "bulk" && l["origin"]["run"] == id.as_str())
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_resend_mails_each_zone_exactly_once_even_when_a_third_fail() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::ResendVerification, scan.rows());
    let planned: Vec<String> = plan
        .entries
        .iter()
        .filter(|e| e.sends())
        .map(|e| e.zone.id.clone())
        .collect();
    assert!(planned.len() > 50, "{}", planned.len());
    assert!(
        plan.entries
            .iter()
            .any(|e| e.step == Step::Skip(Skip::Verified))
    );
    set_faults(&mock, json!({"fail_rate": 0.3})).await;
    let run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (_, mut end) = finish(run).await;
    assert!(end.summary.retryable > 0, "some failed: {:?}", end.summary);
    assert_eq!(end.summary.unknown, 0);
    let mut retries = 0;
    while end.summary.retryable > 0 {
        retries += 1;
        assert!(retries < 30, "the failures do not end");
        let again = retry_apply(
            &client,
            &end.run,
            RetryOptions::default(),
            options(&dir, &mock),
        )
        .await
        .unwrap();
        end = finish(again).await.1;
    }
    let mails: Vec<Value> = outbox(&mock).await;
    let mut per_zone: HashMap<String, usize> = HashMap::new();
    for mail in &mails {
        assert_eq!(mail["kind"], "resend");
        *per_zone
            .entry(mail["zone_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_zone.len(), planned.len());
    for zone in &planned {
        assert_eq!(per_zone.get(zone), Some(&1), "one email for {zone}");
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn an_old_row_read_again_before_a_disable_updates_its_plan() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let mut plan = Plan::new(
        Change::DisableScanning,
        scan.rows()
            .iter()
            .filter(|r| r.zone_id == SHOP || r.zone_id == IMAGES),
    );
    assert_eq!(plan.to_send(), 2);
    for entry in &mut plan.entries {
        entry.read_at = 1;
    }
    // Someone turns shop off meanwhile.
    client
        .patch_csam(
            SHOP,
            &trustdeck::api::model::CsamPatch::of(Change::DisableScanning.patch()),
        )
        .await
        .unwrap();
    let run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    let replanned: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            ApplyEvent::Replanned(entry) => Some(entry.zone.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(replanned, [SHOP]);
    let outcome = events.iter().find_map(|e| match e {
        ApplyEvent::Zone(result) if result.zone.id == SHOP => Some(&result.outcome),
        _ => None,
    });
    assert_eq!(outcome, Some(&ZoneOutcome::Skipped(Skip::AlreadySo)));
    assert_eq!(end.summary.done, 1, "images: turned off");
    let patches = per_zone(&mock, "PATCH").await;
    assert_eq!(patches.get(SHOP), Some(&1), "only the one made meanwhile");
    assert_eq!(
        per_zone(&mock, "GET").await.get(SHOP),
        Some(&2),
        "scan + re-read"
    );
    let record = runs(&dir).load(&end.run).unwrap();
    assert_eq!(
        trustdeck::fleet::outcomes_of(&record, OutcomeKind::Skipped).len(),
        1
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn an_old_row_is_not_read_again_before_an_idempotent_change() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let mut plan = Plan::new(
        Change::EnableScanning,
        scan.rows()
            .iter()
            .filter(|r| r.zone_id == GLOBEX_OFF || r.zone_id == FORUM_UNVERIFIED),
    );
    assert_eq!(plan.to_send(), 2);
    for entry in &mut plan.entries {
        entry.read_at = 1;
    }
    // Someone turns globex-media.tv on meanwhile: sending it again changes nothing.
    client
        .patch_csam(
            GLOBEX_OFF,
            &trustdeck::api::model::CsamPatch::of(Change::EnableScanning.patch()),
        )
        .await
        .unwrap();
    let run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    assert!(
        !events.iter().any(|e| matches!(e, ApplyEvent::Replanned(_))),
        "nothing read again, so nothing replanned"
    );
    let gets = per_zone(&mock, "GET").await;
    assert_eq!(gets.get(GLOBEX_OFF), Some(&1), "the scan's read only");
    assert_eq!(gets.get(FORUM_UNVERIFIED), Some(&1), "the scan's read only");
    assert_eq!(per_zone(&mock, "PATCH").await.get(GLOBEX_OFF), Some(&2));
    let globex = events.iter().find_map(|e| match e {
        ApplyEvent::Zone(result) if result.zone.id == GLOBEX_OFF => Some(result),
        _ => None,
    });
    let globex = globex.expect("globex has an outcome");
    assert_eq!(globex.outcome.kind(), OutcomeKind::Done);
    assert_eq!(
        globex.state.as_ref().map(|s| s.scanning),
        Some(trustdeck::fleet::Scanning::On),
        "the answer's setting is recorded"
    );
    assert_eq!(end.summary.done, 1);
    assert_eq!(end.summary.adjusted, 1, "forum: kept off");
    assert_eq!(end.calls, 2, "two PATCHes, no read");
    mock.shutdown().await;
}
