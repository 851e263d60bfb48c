//! Bulk DLP runs on the one apply engine against the embedded mock: one
//! write per planned account (a PATCH, or the reset's DELETE; never a PUT),
//! nothing sent to a skipped account, and an interrupted run resumed with
//! every planned account changed once.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::bulk_common::{options, runs};
use crate::common::*;
use serde_json::{Value, json};
use trustdeck::api::{Client, Credentials};
use trustdeck::fleet::{
    AccountOutcome, AccountPlan, AccountRow, AccountSkipKind, Accounts, ApplyEnd, ApplyEvent,
    ApplyRun, DlpChange, Masking, RunState, RunStatus, StopReason, TargetKind,
    resume_account_apply, start_account_apply, unix_now,
};
use trustdeck::mock::{MockConfig, RunningMock};

const DLP_SCOPED_TOKEN: &str = "tdemo-dlp-scoped-2kW9pL5vN8xR3tB6mQ1zH4c";

/// Every account the client sees, its DLP settings read now.
async fn account_rows(client: &Client) -> Vec<AccountRow> {
    let mut rows = Vec::new();
    for page in 1.. {
        let listed = client.list_accounts(page, 50).await.expect("accounts");
        if listed.result.is_empty() {
            break;
        }
        for account in &listed.result {
            let read = client.get_dlp(&account.id).await;
            rows.push(AccountRow::new(account, &read, unix_now()));
        }
        if listed.result.len() < 50 {
            break;
        }
    }
    rows
}

async fn next(run: &mut ApplyRun<Accounts>) -> Option<ApplyEvent<Accounts>> {
    tokio::time::timeout(Duration::from_secs(60), run.next())
        .await
        .expect("the run reports within 60 s")
}

async fn finish(mut run: ApplyRun<Accounts>) -> (Vec<ApplyEvent<Accounts>>, ApplyEnd<Accounts>) {
    let mut events = Vec::new();
    while let Some(event) = next(&mut run).await {
        events.push(event);
    }
    let Some(ApplyEvent::Finished(end)) = events.last().cloned() else {
        panic!("the last event is Finished, not {:?}", events.last())
    };
    (events, end)
}

/// The account id of a `/client/v4/accounts/{id}/dlp/settings` path.
fn account_of(path: &str) -> Option<&str> {
    let rest = path.split("/accounts/").nth(1)?;
    let (account, tail) = rest.split_once('/')?;
    tail.starts_with("dlp/settings").then_some(account)
}

/// How many requests of `method` the mock served per account's DLP settings.
async fn per_account(mock: &RunningMock, method: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (m, path) in requests(mock).await {
        if m == method
            && let Some(account) = account_of(&path)
        {
            *counts.entry(account.to_owned()).or_default() += 1;
        }
    }
    counts
}

async fn dlp_state(mock: &RunningMock) -> serde_json::Map<String, Value> {
    mock_get(mock, "/__mock/state").await["dlp"]
        .as_object()
        .expect("dlp in the state")
        .clone()
}

fn sent_ids(plan: &AccountPlan) -> HashSet<String> {
    plan.entries
        .iter()
        .filter(|e| e.sends())
        .map(|e| e.account.id.clone())
        .collect()
}

fn ocr_and_ai_on() -> DlpChange {
    DlpChange::builder()
        .ocr(true)
        .ai_context_analysis(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_run_on_200_accounts_patches_each_planned_account_once_and_never_puts() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let rows = account_rows(&client).await;
    assert_eq!(rows.len(), 200);
    let plan = AccountPlan::new(ocr_and_ai_on(), &rows);
    let planned = sent_ids(&plan);
    assert!(planned.len() > 50, "{}", planned.len());
    let run = start_account_apply(&client, plan.clone(), options(&dir, &mock))
        .await
        .unwrap();
    let id = run.id().clone();
    let (events, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    assert_eq!(end.summary.done, planned.len(), "{:?}", end.summary);
    assert_eq!(end.summary.left, 0);
    let results = events
        .iter()
        .filter(|e| matches!(e, ApplyEvent::Zone(_)))
        .count();
    assert_eq!(results, planned.len());

    let patches = per_account(&mock, "PATCH").await;
    assert_eq!(patches.keys().cloned().collect::<HashSet<_>>(), planned);
    assert!(patches.values().all(|n| *n == 1), "{patches:?}");
    assert!(per_account(&mock, "PUT").await.is_empty(), "never a PUT");
    assert!(per_account(&mock, "DELETE").await.is_empty());
    for (account, settings) in dlp_state(&mock).await {
        assert_eq!(settings["ocr"], true, "{account}");
        assert_eq!(settings["ai_context_analysis"], true, "{account}");
    }

    assert_eq!(runs(&dir).target_of(&id).unwrap(), TargetKind::Accounts);
    let record = runs(&dir).load_as::<Accounts>(&id).unwrap();
    assert_eq!(record.status(), RunStatus::Complete);
    assert!(record.faults.is_empty(), "{:?}", record.faults);
    assert!(
        runs(&dir).load(&id).is_err(),
        "an accounts run is not read as zones"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_plan_on_a_mixed_fleet_sends_only_its_sends() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_for(&mock.base_url(), Credentials::token(DLP_SCOPED_TOKEN));
    let rows = account_rows(&client).await;
    let change = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let plan = AccountPlan::new(change, &rows);
    let summary = plan.summary();
    for kind in [AccountSkipKind::AlreadySo, AccountSkipKind::NoPermission] {
        assert!(
            summary.skipped.get(&kind).copied().unwrap_or(0) > 0,
            "{kind:?}: {summary:?}"
        );
    }
    // Skipped whichever way the client tells it (not available, or the
    // 403 it answers with).
    let without_dlp: Vec<String> = mock_get(&mock, "/__mock/state").await["dlp_not_available"]
        .as_array()
        .expect("an account without DLP")
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    assert!(!without_dlp.is_empty());
    for id in &without_dlp {
        let entry = plan.entry(id).expect("planned");
        assert!(!entry.sends(), "{entry:?}");
    }
    let clear = rows
        .iter()
        .filter(|r| r.state().is_some_and(|s| s.masking == Some(Masking::Clear)))
        .count();
    assert!(clear > 0, "an account logs with clear masking");
    let planned = sent_ids(&plan);
    let run = start_account_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (_, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    assert_eq!(end.summary.done, planned.len(), "{:?}", end.summary);
    let patches = per_account(&mock, "PATCH").await;
    assert_eq!(patches.keys().cloned().collect::<HashSet<_>>(), planned);
    assert!(patches.values().all(|n| *n == 1));
    let state = dlp_state(&mock).await;
    for account in &planned {
        assert_eq!(
            state[account]["payload_logging"]["masking_level"], "full",
            "{account}"
        );
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn an_interrupted_run_resumes_and_changes_every_planned_account_once() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let rows = account_rows(&client).await;
    let plan = AccountPlan::new(ocr_and_ai_on(), &rows);
    let planned = sent_ids(&plan);
    set_faults(&mock, json!({"latency_ms": 100})).await;
    let mut run = start_account_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    while !matches!(next(&mut run).await, Some(ApplyEvent::Zone(_))) {}
    run.control().interrupt();
    let id = run.id().clone();
    let (_, end) = finish(run).await;
    assert_eq!(end.state, RunState::Stopped(StopReason::Interrupted));
    assert!(end.summary.left > 0, "{:?}", end.summary);

    // As if killed: one done account lost its outcome line (its PATCH
    // landed), and one account never sent has a `sending` line.
    let path = runs(&dir).path(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let outcome_at = lines
        .iter()
        .rposition(|l| l.contains(r#""kind":"outcome""#))
        .expect("an outcome line");
    let landed: Value = serde_json::from_str(&lines[outcome_at]).unwrap();
    lines.remove(outcome_at);
    let record = runs(&dir).load_as::<Accounts>(&id).unwrap();
    let unsent = record
        .plan
        .entries
        .iter()
        .find(|e| e.sends() && !record.outcomes.contains_key(&e.account.id))
        .expect("an account not sent")
        .account
        .id
        .clone();
    lines.push(format!(
        r#"{{"kind":"sending","zone":"{unsent}","at":{}}}"#,
        unix_now()
    ));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let record = runs(&dir).load_as::<Accounts>(&id).unwrap();
    assert_eq!(record.in_flight.len(), 2, "{:?}", record.in_flight);

    set_faults(&mock, json!({"latency_ms": 0})).await;
    let resumed = resume_account_apply(&client, &id, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(resumed).await;
    assert_eq!(end.state, RunState::Complete, "{:?}", end.summary);
    assert_eq!(end.summary.done, planned.len(), "{:?}", end.summary);
    let landed_id = landed["zone"].as_str().unwrap();
    let settled = events.iter().any(|e| {
        matches!(e, ApplyEvent::Zone(r) if r.account.id == landed_id
            && matches!(r.outcome, AccountOutcome::Done { .. }))
    });
    assert!(settled, "the landed write is settled as done by a re-read");
    let patches = per_account(&mock, "PATCH").await;
    assert_eq!(patches.keys().cloned().collect::<HashSet<_>>(), planned);
    assert!(
        patches.values().all(|n| *n == 1),
        "each account once: {patches:?}"
    );
    assert!(per_account(&mock, "PUT").await.is_empty());
    for (account, settings) in dlp_state(&mock).await {
        assert_eq!(settings["ocr"], true, "{account}");
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn a_reset_run_deletes_each_planned_account_with_before_and_after() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let rows = account_rows(&client).await;
    let plan = AccountPlan::new(DlpChange::Reset, &rows);
    let planned = sent_ids(&plan);
    assert!(planned.len() >= 2, "{planned:?}");
    assert!(
        plan.to_send() < plan.entries.len(),
        "one already at defaults"
    );
    let run = start_account_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (events, end) = finish(run).await;
    assert_eq!(end.state, RunState::Complete);
    let deletes = per_account(&mock, "DELETE").await;
    assert_eq!(deletes.keys().cloned().collect::<HashSet<_>>(), planned);
    assert!(deletes.values().all(|n| *n == 1));
    assert!(per_account(&mock, "PATCH").await.is_empty());
    assert!(per_account(&mock, "PUT").await.is_empty());
    let mut outcomes = 0;
    for event in &events {
        let ApplyEvent::Zone(result) = event else {
            continue;
        };
        outcomes += 1;
        let AccountOutcome::Done { fields } = &result.outcome else {
            panic!("{:?}", result.outcome)
        };
        assert_eq!(fields.len(), 4, "a reset shows every field");
        assert!(fields.iter().any(|f| f.before != f.after), "{fields:?}");
        let after = result.state.as_ref().expect("the answer's settings");
        assert!(trustdeck::fleet::at_defaults(after), "{after:?}");
    }
    assert_eq!(outcomes, planned.len());
    mock.shutdown().await;
}

#[tokio::test]
async fn fleet_runs_lists_an_accounts_run_and_fleet_resume_finishes_it() {
    let cli = crate::headless_common::Headless {
        mock: start_mock_with(MockConfig {
            accounts: Some(200),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    let client = full_client(&cli.mock);
    let rows = account_rows(&client).await;
    let plan = AccountPlan::new(ocr_and_ai_on(), &rows);
    let planned = sent_ids(&plan);
    let recorded = trustdeck::fleet::ApplyOptions::recorded(
        trustdeck::fleet::RunsDir::in_dir(cli.runs_dir()),
        trustdeck::audit::AuditLog::new(cli.audit_path(), None, &cli.mock.base_url()),
    );
    set_faults(&cli.mock, json!({"latency_ms": 100})).await;
    let mut run = start_account_apply(&client, plan, recorded).await.unwrap();
    while !matches!(next(&mut run).await, Some(ApplyEvent::Zone(_))) {}
    run.control().interrupt();
    let id = run.id().to_string();
    let (_, end) = finish(run).await;
    assert!(end.summary.left > 0, "{:?}", end.summary);
    set_faults(&cli.mock, json!({"latency_ms": 0})).await;

    let listed = cli.run(&["fleet", "runs", "--json"]).await;
    listed.expect(0);
    let doc = listed.document("fleet_runs");
    let entry = &doc["runs"][0];
    assert_eq!(entry["run_id"], id.as_str());
    assert_eq!(entry["target"], "accounts");
    assert_eq!(entry["state"], "unfinished");
    assert_eq!(entry["change"]["kind"], "dlp_edit");

    cli.run(&["fleet", "resume", &id, "--yes"]).await.expect(0);
    let patches = per_account(&cli.mock, "PATCH").await;
    assert_eq!(patches.keys().cloned().collect::<HashSet<_>>(), planned);
    assert!(patches.values().all(|n| *n == 1), "each account once");
    let listed = cli.run(&["fleet", "runs", "--json"]).await;
    assert_eq!(
        listed.document("fleet_runs")["runs"][0]["state"],
        "complete"
    );
    let text = cli.run(&["fleet", "runs"]).await;
    text.expect(0);
    assert!(text.stdout.contains("accounts: OCR on"), "{}", text.stdout);
    cli.mock.shutdown().await;
}

#[tokio::test]
async fn the_failures_of_an_accounts_run_are_retried_until_every_account_is_changed() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(200),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let rows = account_rows(&client).await;
    let plan = AccountPlan::new(ocr_and_ai_on(), &rows);
    let planned = sent_ids(&plan);
    set_faults(&mock, json!({"fail_rate": 0.3})).await;
    let run = start_account_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    let (_, mut end) = finish(run).await;
    assert!(end.summary.retryable > 0, "some failed: {:?}", end.summary);
    let first = end.run.clone();
    let mut retries = 0;
    while end.summary.retryable > 0 {
        retries += 1;
        assert!(retries < 30, "the failures do not end");
        let again = trustdeck::fleet::retry_account_apply(
            &client,
            &end.run,
            trustdeck::fleet::RetryOptions::default(),
            options(&dir, &mock),
        )
        .await
        .unwrap();
        end = finish(again).await.1;
    }
    let twice = trustdeck::fleet::retry_account_apply(
        &client,
        &first,
        trustdeck::fleet::RetryOptions::default(),
        options(&dir, &mock),
    )
    .await;
    assert!(
        matches!(
            twice,
            Err(trustdeck::fleet::JournalError::AlreadyRetried { .. })
        ),
        "a run is retried once"
    );
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    let state = dlp_state(&mock).await;
    for account in &planned {
        assert_eq!(state[account]["ocr"], true, "{account}");
        assert_eq!(state[account]["ai_context_analysis"], true, "{account}");
    }
    assert!(per_account(&mock, "PUT").await.is_empty());
    mock.shutdown().await;
}
