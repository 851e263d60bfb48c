//! Driving a bulk run through the engine's API: pause holds every new
//! request, cancel lets those in flight finish and leaves the rest, retry
//! takes the retryable failures once, a lost reply is unknown and never
//! sent again blindly, and a resumed journal sends nothing twice.

use std::time::Duration;

use crate::bulk_common::*;
use crate::common::*;
use serde_json::json;
use trustdeck::api::{ClientConfig, Credentials};
use trustdeck::fleet::{
    ApplyEvent, ApplyOptions, Change, JournalError, OutcomeKind, Plan, RetryOptions, RunId,
    RunState, RunStatus, UnknownCause, ZoneOutcome, outcomes_of, resume_apply, retry_apply,
    start_apply,
};
use trustdeck::mock::MockConfig;

/// The ids of the zones a plan sends to.
fn sent_zones(plan: &Plan) -> Vec<String> {
    plan.entries
        .iter()
        .filter(|e| e.sends())
        .map(|e| e.zone.id.clone())
        .collect()
}

#[tokio::test]
async fn pause_holds_new_requests_and_resume_finishes_the_run() {
    let mock = start_mock_with(MockConfig {
        zones: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::DisableScanning, scan.rows());
    let planned = sent_zones(&plan);
    assert!(planned.len() > 50);
    set_faults(&mock, json!({"latency_ms": 50})).await;
    let mut run = start_apply(
        &client,
        plan,
        ApplyOptions {
            concurrency: Some(4),
            ..options(&dir, &mock)
        },
    )
    .await
    .unwrap();
    while !matches!(next(&mut run).await, Some(ApplyEvent::Zone(_))) {}
    run.pause();
    assert!(run.control().is_paused());
    // Paused, then a report once the writes in flight are done.
    let mut paused = false;
    loop {
        match next(&mut run).await {
            Some(ApplyEvent::Paused) => paused = true,
            Some(ApplyEvent::Progress(p)) if paused && p.paused && p.in_flight == 0 => break,
            Some(ApplyEvent::Finished(_)) | None => panic!("finished while paused"),
            _ => {}
        }
    }
    let patched = count_requests(&mock, "PATCH").await;
    assert!(patched < planned.len());
    // Nothing can show that no request comes; a window of 10 mock
    // latencies must pass without one.
    let window = tokio::time::Instant::now() + Duration::from_millis(500);
    while let Ok(event) = tokio::time::timeout_at(window, run.next()).await {
        assert!(
            matches!(event, Some(ApplyEvent::Progress(_))),
            "only progress while paused: {event:?}"
        );
    }
    assert_eq!(count_requests(&mock, "PATCH").await, patched);
    run.resume();
    let (events, end) = finish(run).await;
    assert!(events.iter().any(|e| matches!(e, ApplyEvent::Resumed)));
    assert_eq!(end.state, RunState::Complete);
    let patches = per_zone(&mock, "PATCH").await;
    assert_eq!(patches.len(), planned.len());
    assert!(patches.values().all(|n| *n == 1), "each zone once");
    mock.shutdown().await;
}

#[tokio::test]
async fn cancel_lets_the_requests_in_flight_finish_and_leaves_the_rest() {
    let mock = start_mock_with(MockConfig {
        zones: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::DisableScanning, scan.rows());
    let planned = sent_zones(&plan).len();
    set_faults(&mock, json!({"latency_ms": 100})).await;
    let mut run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    while !matches!(next(&mut run).await, Some(ApplyEvent::Zone(_))) {}
    run.cancel();
    let id = run.id().clone();
    let (events, end) = finish(run).await;
    assert_eq!(end.state, RunState::Cancelled);
    assert!(end.summary.left > 0, "{:?}", end.summary);
    let outcomes = 1 + events
        .iter()
        .filter(|e| matches!(e, ApplyEvent::Zone(_)))
        .count();
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        outcomes,
        "every request sent got its outcome"
    );
    assert_eq!(end.summary.done + end.summary.left, planned);
    let record = runs(&dir).load(&id).unwrap();
    assert_eq!(record.status(), RunStatus::Cancelled);
    assert_eq!(record.outcomes.len(), outcomes);
    let resumed = resume_apply(&client, &id, options(&dir, &mock)).await;
    assert!(
        matches!(resumed, Err(JournalError::Finished { .. })),
        "{resumed:?}"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn retry_takes_the_retryable_failures_once() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::DisableScanning, scan.rows());
    let planned = sent_zones(&plan);
    set_faults(&mock, json!({"fail_rate": 1})).await;
    let run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (_, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    assert_eq!(end.summary.retryable, planned.len());
    set_faults(&mock, json!({"fail_rate": 0})).await;
    let not_yet = per_zone(&mock, "PATCH").await;
    let retry = retry_apply(
        &client,
        &end.run,
        RetryOptions::default(),
        options(&dir, &mock),
    )
    .await
    .unwrap();
    let retry_id = retry.id().clone();
    let (_, again) = finish(retry).await;
    assert_eq!(again.summary.done, planned.len());
    assert_eq!(again.summary.zones, planned.len(), "only the failed zones");
    let second = retry_apply(
        &client,
        &end.run,
        RetryOptions::default(),
        options(&dir, &mock),
    )
    .await;
    assert!(
        matches!(&second, Err(JournalError::AlreadyRetried { by, .. }) if *by == retry_id.to_string()),
        "{second:?}"
    );
    let nothing = retry_apply(
        &client,
        &retry_id,
        RetryOptions::default(),
        options(&dir, &mock),
    )
    .await;
    assert!(
        matches!(nothing, Err(JournalError::NothingToRetry(_))),
        "{nothing:?}"
    );
    let patches = per_zone(&mock, "PATCH").await;
    for zone in &planned {
        assert_eq!(patches[zone], not_yet[zone] + 1);
    }
    let record = runs(&dir).load(&retry_id).unwrap();
    assert_eq!(record.header.retry_of.as_ref(), Some(&end.run));
    mock.shutdown().await;
}

#[tokio::test]
async fn a_lost_reply_is_unknown_listed_and_a_resend_never_retried() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config =
        ClientConfig::new(Credentials::token(FULL_TOKEN)).with_base_url(mock.base_url());
    config.retry = fast_retries();
    config.timeout = Duration::from_millis(300);
    let client = trustdeck::api::Client::new(config).unwrap();
    let scan = scan(&client).await;
    let plan = Plan::new(
        Change::ResendVerification,
        scan.rows()
            .iter()
            .filter(|r| r.zone_id == FORUM_UNVERIFIED || r.zone_id == BLOG_PENDING),
    );
    assert_eq!(plan.to_send(), 2);
    set_faults(&mock, json!({"latency_ms": 2000})).await;
    let (_, end) = finish(
        start_apply(&client, plan, options(&dir, &mock))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(end.summary.unknown, 2, "{:?}", end.summary);
    let record = runs(&dir).load(&end.run).unwrap();
    let unknown = outcomes_of(&record, OutcomeKind::Unknown);
    assert_eq!(unknown.len(), 2);
    assert!(matches!(
        unknown[0].outcome,
        ZoneOutcome::Unknown(UnknownCause::ReplyLost { .. })
    ));
    let retry = retry_apply(
        &client,
        &end.run,
        RetryOptions {
            include_unknown: true,
            ..RetryOptions::default()
        },
        options(&dir, &mock),
    )
    .await;
    assert!(
        matches!(retry, Err(JournalError::NothingToRetry(_))),
        "{retry:?}"
    );
    mock.shutdown().await;
}

/// A journal as a process killed in the middle leaves it: the plan, a
/// `sending` line for each of `in_flight`, and no outcome.
fn interrupted_journal(
    dir: &tempfile::TempDir,
    mock_base: &str,
    plan: &Plan,
    in_flight: &[&str],
) -> RunId {
    let id = RunId::new();
    let runs = runs(dir);
    std::fs::create_dir_all(runs.dir()).unwrap();
    let mut text = String::new();
    let mut line = |value: serde_json::Value| {
        text.push_str(&value.to_string());
        text.push('\n');
    };
    let header = trustdeck::fleet::RunHeader {
        format: 1,
        id: id.clone(),
        created_at: 1,
        api: trustdeck::fleet::api_of(mock_base),
        change: plan.change.clone(),
        zones: plan.entries.len(),
        to_send: plan.to_send(),
        retry_of: None,
        revert_of: None,
    };
    let mut value = serde_json::to_value(&header).unwrap();
    value["kind"] = json!("run");
    line(value);
    for entry in &plan.entries {
        let mut value = serde_json::to_value(entry).unwrap();
        value["kind"] = json!("plan");
        line(value);
    }
    let digest = trustdeck::fleet::plan_digest(&header, &plan.entries);
    line(json!({"kind": "planned", "zones": plan.entries.len(), "digest": digest}));
    for zone in in_flight {
        line(json!({"kind": "sending", "zone": zone, "at": 2}));
    }
    std::fs::write(runs.path(&id), text).unwrap();
    id
}

#[tokio::test]
async fn a_resumed_run_reads_interrupted_zones_again_and_never_resends_a_verification() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let pick = |ids: &[&str]| -> Vec<trustdeck::fleet::FleetRow> {
        scan.rows()
            .iter()
            .filter(|r| ids.contains(&r.zone_id.as_str()))
            .cloned()
            .collect()
    };
    // Two zones off with a verified email: one whose PATCH was in flight
    // and never reached the server, one not sent yet.
    let valid_off: Vec<String> = scan
        .rows()
        .iter()
        .filter(|r| {
            r.zone_id != GLOBEX_OFF
                && trustdeck::fleet::entry_for(&Change::EnableScanning, r).step
                    == trustdeck::fleet::Step::Send {
                        expect: trustdeck::fleet::Expect::AsAsked,
                    }
        })
        .map(|r| r.zone_id.clone())
        .take(2)
        .collect();
    let (lost, fresh) = (valid_off[0].as_str(), valid_off[1].as_str());
    let plan = Plan::new(
        Change::EnableScanning,
        &pick(&[GLOBEX_OFF, FORUM_UNVERIFIED, lost, fresh]),
    );
    assert_eq!(plan.to_send(), 4);
    // globex-media.tv's PATCH reached the server before the process died.
    let enable = trustdeck::api::model::CsamPatch::of(Change::EnableScanning.patch());
    client.patch_csam(GLOBEX_OFF, &enable).await.unwrap();
    let in_flight = [GLOBEX_OFF, FORUM_UNVERIFIED, lost];
    let id = interrupted_journal(&dir, &mock.base_url(), &plan, &in_flight);
    let api = trustdeck::fleet::api_of(&mock.base_url());
    assert_eq!(runs(&dir).unfinished(&api)[0].id, id);
    let before = per_zone(&mock, "PATCH").await;
    let run = resume_apply(&client, &id, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    let outcome = |zone: &str| {
        events.iter().find_map(|e| match e {
            ApplyEvent::Zone(r) if r.zone.id == zone => Some(r.outcome.kind()),
            _ => None,
        })
    };
    // A zone PATCHed before the crash is done (or adjusted), never
    // "skipped": the re-read shows the write landed.
    assert_eq!(
        outcome(GLOBEX_OFF),
        Some(OutcomeKind::Done),
        "applied before the crash"
    );
    assert_eq!(
        outcome(FORUM_UNVERIFIED),
        Some(OutcomeKind::Adjusted),
        "the server would keep it off"
    );
    assert_eq!(outcome(lost), Some(OutcomeKind::Done), "read, not on: sent");
    assert_eq!(outcome(fresh), Some(OutcomeKind::Done));
    let after = per_zone(&mock, "PATCH").await;
    let sent: Vec<&str> = after
        .iter()
        .filter(|(zone, n)| before.get(*zone) != Some(n))
        .map(|(zone, _)| zone.as_str())
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.contains(&lost) && sent.contains(&fresh));

    let resend = Plan::new(
        Change::ResendVerification,
        &pick(&[FORUM_UNVERIFIED, BLOG_PENDING]),
    );
    assert_eq!(resend.to_send(), 2);
    let id = interrupted_journal(&dir, &mock.base_url(), &resend, &[FORUM_UNVERIFIED]);
    let run = resume_apply(&client, &id, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    // Settled from a re-read, never sent again: still unverified, so
    // nothing shows that it landed.
    let interrupted = events.iter().find_map(|e| match e {
        ApplyEvent::Zone(r) if r.zone.id == FORUM_UNVERIFIED => Some(r.outcome.clone()),
        _ => None,
    });
    assert_eq!(
        interrupted,
        Some(ZoneOutcome::Unknown(UnknownCause::Interrupted {
            reread: None
        }))
    );
    assert_eq!((end.summary.done, end.summary.unknown), (1, 1));
    let mails = outbox(&mock).await;
    assert_eq!(mails.len(), 1, "only the zone never sent: {mails:?}");
    assert_eq!(mails[0]["zone_id"], BLOG_PENDING);
    let again = resume_apply(&client, &id, options(&dir, &mock)).await;
    assert!(matches!(again, Err(JournalError::Finished { .. })));
    mock.shutdown().await;
}

#[tokio::test]
async fn a_run_whose_records_cannot_be_written_sends_nothing() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::DisableScanning, scan.rows());
    // A file where the journal folder should be.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "x").unwrap();
    let refused = start_apply(
        &client,
        plan.clone(),
        ApplyOptions {
            journal: Some(trustdeck::fleet::RunsDir::in_dir(&blocked)),
            ..options(&dir, &mock)
        },
    )
    .await;
    assert!(
        matches!(refused, Err(JournalError::Write { .. })),
        "{refused:?}"
    );
    // A folder where the audit log's file should be.
    let audit_dir = dir.path().join("audit-is-a-folder");
    std::fs::create_dir(&audit_dir).unwrap();
    let run = start_apply(
        &client,
        plan,
        ApplyOptions {
            audit: Some(trustdeck::audit::AuditLog::new(
                &audit_dir,
                None,
                &mock.base_url(),
            )),
            ..options(&dir, &mock)
        },
    )
    .await
    .unwrap();
    let id = run.id().clone();
    let (_, end) = finish(run).await;
    assert!(
        matches!(
            &end.state,
            RunState::Stopped(trustdeck::fleet::StopReason::Audit { .. })
        ),
        "{:?}",
        end.state
    );
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        0,
        "nothing unaudited was sent"
    );
    let record = runs(&dir).load(&id).unwrap();
    assert_eq!(record.status(), RunStatus::Unfinished, "it can be resumed");
    assert!(
        record.sent.values().all(|n| *n == 0) && record.in_flight.is_empty(),
        "a `sending` line whose intent failed is withdrawn: {:?}",
        record.sent
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_pause_holds_zones_waiting_for_rate_limit_budget() {
    let mock = start_mock_with(MockConfig {
        zones: Some(100),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let rows = scan(&full_client(&mock)).await;
    let plan = Plan::new(Change::DisableScanning, rows.rows());
    assert!(plan.to_send() > 30);
    // 20 a window of 2 s, 2 of them kept for the person: 18 for the run.
    let mut config = ClientConfig::new(Credentials::token(FULL_TOKEN))
        .with_base_url(mock.base_url())
        .with_rate_limit(Some((20, Duration::from_secs(2))));
    config.retry = fast_retries();
    let client = trustdeck::api::Client::new(config).unwrap();
    let mut run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let mut done = 0;
    while done < 18 {
        if let Some(ApplyEvent::Zone(_)) = next(&mut run).await {
            done += 1;
        }
    }
    // The others wait for the next window; pause before it comes.
    run.pause();
    let patched = count_requests(&mock, "PATCH").await;
    assert!(patched <= 20, "{patched}");
    let window = tokio::time::Instant::now() + Duration::from_millis(3000);
    while let Ok(event) = tokio::time::timeout_at(window, run.next()).await {
        assert!(
            !matches!(event, Some(ApplyEvent::Finished(_))),
            "finished while paused"
        );
    }
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        patched,
        "a new window came and nothing was sent while paused"
    );
    run.resume();
    let (_, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    assert!(per_zone(&mock, "PATCH").await.values().all(|n| *n == 1));
    mock.shutdown().await;
}
