//! Interrupting a bulk run (what the dashboard does when it quits or gets
//! a signal): nothing more is sent, those in flight finish, and the journal
//! stays unfinished, so a later start resumes it and each zone is sent once.

use crate::bulk_common::*;
use crate::common::*;
use serde_json::json;
use trustdeck::fleet::{
    ApplyEvent, Change, Plan, RunState, RunStatus, StopReason, resume_apply, start_apply,
};
use trustdeck::mock::MockConfig;

#[tokio::test]
async fn an_interrupted_run_stays_unfinished_and_resumes_without_sending_twice() {
    let mock = start_mock_with(MockConfig {
        zones: Some(120),
        ..MockConfig::demo()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = full_client(&mock);
    let scan = scan(&client).await;
    let plan = Plan::new(Change::DisableScanning, scan.rows());
    let planned = plan.to_send();
    set_faults(&mock, json!({"latency_ms": 100})).await;
    let mut run = start_apply(&client, plan, options(&dir, &mock))
        .await
        .unwrap();
    while !matches!(next(&mut run).await, Some(ApplyEvent::Zone(_))) {}
    run.control().interrupt();
    let id = run.id().clone();
    let (_, end) = finish(run).await;
    assert_eq!(end.state, RunState::Stopped(StopReason::Interrupted));
    assert!(end.summary.left > 0, "{:?}", end.summary);
    let record = runs(&dir).load(&id).unwrap();
    assert_eq!(record.status(), RunStatus::Unfinished);
    assert!(record.in_flight.is_empty(), "those in flight finished");

    set_faults(&mock, json!({"latency_ms": 0})).await;
    let resumed = resume_apply(&client, &id, options(&dir, &mock))
        .await
        .unwrap();
    let (_, end) = finish(resumed).await;
    assert_eq!(end.state, RunState::Complete);
    let patches = per_zone(&mock, "PATCH").await;
    assert_eq!(patches.len(), planned);
    assert!(patches.values().all(|n| *n == 1), "each zone once");
    mock.shutdown().await;
}
