//! An email change in flight at a kill is never sent again blindly: a resume
//! settles it from what the server shows (`email_state` gone `pending`
//! since the `sending` line: it landed) or from the audit log (no intent:
//! it never left), leaves the rest unknown with their audit intents given
//! an outcome, and only an explicit resend of the unknown sends them, once.

use crate::bulk_common::*;
use crate::common::*;
use serde_json::{Value, json};
use trustdeck::api::model::CsamPatch;
use trustdeck::audit::{Filter, Intent, Origin, Target, Verdict};
use trustdeck::fleet::{
    ApplyEvent, Change, FleetRow, JournalError, OutcomeKind, Plan, RetryOptions, RunHeader, RunId,
    UnknownCause, ZoneCsam, ZoneOutcome, plan_digest, resume_apply, retry_apply,
};

const EMAIL: &str = "trust-safety@example.com";

fn email_state(row: &FleetRow) -> Option<String> {
    match &row.csam {
        ZoneCsam::Read(state) if state.lock != trustdeck::fleet::Lock::Locked => {
            state.email_state.as_ref().map(|s| {
                serde_json::to_value(s)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
        }
        _ => None,
    }
}

#[tokio::test]
async fn an_email_in_flight_at_a_kill_is_settled_from_evidence_and_never_sent_twice() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let with = |state: &str| -> Vec<FleetRow> {
        scan.rows()
            .iter()
            .filter(|r| email_state(r).as_deref() == Some(state))
            .cloned()
            .collect()
    };
    let (valid, pending) = (with("valid"), with("pending"));
    // landed: PATCHed before the kill; lost: never reached the server;
    // ambiguous: pending already, PATCHed; unsent: killed before its intent.
    let rows = [
        valid[0].clone(),
        valid[1].clone(),
        pending[0].clone(),
        valid[2].clone(),
    ];
    let [landed, lost, ambiguous, unsent] = rows.clone().map(|r| r.zone_id);
    let change = Change::set_email(EMAIL).unwrap();
    let plan = Plan::new(change.clone(), &rows);
    assert_eq!(plan.to_send(), 4);
    let patch = CsamPatch::of(change.patch());
    for zone in [&landed, &ambiguous] {
        client.patch_csam(zone, &patch).await.unwrap();
    }

    let id = RunId::new();
    let audit = audit(&dir, &mock);
    let intent = |zone: &str| {
        let entry = plan.entry(zone).unwrap();
        let intent = Intent::csam_patch(
            Origin::bulk(id.as_str(), None),
            Target::zone(zone, Some(&entry.zone.name)),
            &patch,
            entry.before().as_ref(),
        );
        audit.record_intent(&intent).unwrap().id
    };
    let header = RunHeader {
        format: 1,
        id: id.clone(),
        created_at: 1,
        api: trustdeck::fleet::api_of(&mock.base_url()),
        change: change.clone(),
        zones: 4,
        to_send: 4,
        retry_of: None,
        revert_of: None,
    };
    let mut text = String::new();
    let mut line = |kind: &str, mut value: Value| {
        value["kind"] = json!(kind);
        text.push_str(&value.to_string());
        text.push('\n');
    };
    line("run", serde_json::to_value(&header).unwrap());
    for entry in &plan.entries {
        line("plan", serde_json::to_value(entry).unwrap());
    }
    line(
        "planned",
        json!({"zones": 4, "digest": plan_digest(&header, &plan.entries)}),
    );
    let mut intents = Vec::new();
    for zone in [&landed, &lost, &ambiguous] {
        let before = &plan
            .entry(zone)
            .unwrap()
            .state
            .as_ref()
            .unwrap()
            .email_state;
        let audit_id = intent(zone);
        intents.push(audit_id.clone());
        line(
            "sending",
            json!({"zone": zone, "at": 2, "before": before, "audit": audit_id}),
        );
    }
    line(
        "sending",
        json!({"zone": unsent, "at": 2, "before": "valid", "audit": "00000000deadbeef"}),
    );
    let runs = runs(&dir);
    std::fs::create_dir_all(runs.dir()).unwrap();
    std::fs::write(runs.path(&id), text).unwrap();

    let before = per_zone(&mock, "PATCH").await;
    let run = resume_apply(&client, &id, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    let outcome = |zone: &str| {
        events.iter().find_map(|e| match e {
            ApplyEvent::Zone(r) if r.zone.id == zone => Some(r.outcome.clone()),
            _ => None,
        })
    };
    let landed_kind = outcome(&landed).unwrap().kind();
    assert!(
        matches!(landed_kind, OutcomeKind::Done | OutcomeKind::Adjusted),
        "pending since the sending line: it landed ({landed_kind:?})"
    );
    let unknown = Some(ZoneOutcome::Unknown(UnknownCause::Interrupted {
        reread: None,
    }));
    assert_eq!(
        outcome(&lost),
        unknown,
        "not pending: it may yet have landed"
    );
    assert_eq!(outcome(&ambiguous), unknown, "pending before: no evidence");
    assert!(
        matches!(
            outcome(&unsent).unwrap().kind(),
            OutcomeKind::Done | OutcomeKind::Adjusted
        ),
        "no intent: it never left, so it is sent"
    );
    assert_eq!(end.summary.unknown, 2);
    let after = per_zone(&mock, "PATCH").await;
    for zone in [&landed, &lost, &ambiguous] {
        assert_eq!(after.get(zone), before.get(zone), "{zone} not sent again");
    }
    assert_eq!(after.get(&unsent), Some(&1));

    // Each interrupted intent got its outcome: the log agrees.
    let log = audit.read(&Filter::default());
    let state_of = |audit_id: &str| {
        log.entries
            .iter()
            .find(|e| e.id == audit_id)
            .map(|e| e.state.clone())
    };
    assert_eq!(state_of(&intents[0]), Some(Verdict::Applied));
    assert!(
        log.entries.iter().all(|e| e.outcome.is_some()),
        "no intent without outcome"
    );
    let unknown_in_log = log
        .entries
        .iter()
        .filter(|e| e.state == Verdict::Unknown)
        .count();
    assert_eq!(unknown_in_log, end.summary.unknown);
    assert!(matches!(
        resume_apply(&client, &id, options(&dir, &mock)).await,
        Err(JournalError::Finished { .. })
    ));

    // Sent on purpose: the unknown ones, once.
    let retry = RetryOptions {
        unknown_on_purpose: true,
        ..RetryOptions::default()
    };
    let run = retry_apply(&client, &id, retry, options(&dir, &mock))
        .await
        .unwrap();
    let (_, end) = finish(run).await;
    assert_eq!(end.summary.done + end.summary.adjusted, 2);
    let resent = per_zone(&mock, "PATCH").await;
    for zone in [&lost, &ambiguous] {
        assert_eq!(
            resent.get(zone).copied().unwrap_or(0),
            after.get(zone).copied().unwrap_or(0) + 1
        );
    }
    assert!(matches!(
        retry_apply(&client, &id, retry, options(&dir, &mock)).await,
        Err(JournalError::AlreadyRetried { .. })
    ));
    mock.shutdown().await;
}
