//! A bulk DLP change on the accounts page as an admin makes it: the real
//! dashboard loop on a TestBackend against the embedded mock (20 generated
//! accounts) over loopback, the run journaled in a temporary folder. Every
//! wait has a timeout and waits for the effect of the key just sent.

use std::time::Duration;

use crate::common::tui::Dashboard;
use crate::common::*;
use serde_json::Value;
use tempfile::TempDir;
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{RunsDir, ScanCache};
use trustdeck::mock::MockConfig;

/// How long a scan or a run of the mock may take in a debug build.
const LONG: Duration = Duration::from_secs(30);

async fn dlp_state(mock: &trustdeck::mock::RunningMock) -> serde_json::Map<String, Value> {
    mock_get(mock, "/__mock/state").await["dlp"]
        .as_object()
        .expect("dlp in the state")
        .clone()
}

fn without_key(settings: &Value) -> bool {
    settings["payload_logging"]["public_key"]
        .as_str()
        .is_none_or(str::is_empty)
}

#[tokio::test]
async fn masking_full_on_every_account_without_a_key_changes_exactly_those() {
    let mock = start_mock_with(MockConfig {
        accounts: Some(20),
        ..MockConfig::demo()
    })
    .await;
    let dir = TempDir::new().unwrap();
    let ui = Dashboard::start_bulk(
        &mock,
        RunsDir::in_dir(dir.path().join("runs")),
        AuditLog::new(dir.path().join("audit.jsonl"), None, &mock.base_url()),
        ScanCache::in_dir(dir.path().join("cache")),
        false,
    );
    ui.wait_for_text("Payload logging").await;
    let before = dlp_state(&mock).await;
    let marked: Vec<&String> = before
        .iter()
        .filter(|(_, s)| without_key(s))
        .map(|(id, _)| id)
        .collect();
    assert!(!marked.is_empty() && marked.len() < before.len());

    ui.type_keys("4");
    ui.wait_within("the scan's end", LONG, |s| {
        s.contains("Scanned just now · r scans again")
    })
    .await;
    ui.type_keys("N");
    ui.wait_for("the no-key filter", |s| s.contains("filter no key"))
        .await;
    ui.type_keys("*");
    ui.wait_for("the marks", |s| s.contains("accounts shown ("))
        .await;
    ui.type_keys("b");
    ui.wait_for("the change menu", |s| s.contains("masking full"))
        .await;
    ui.type_keys("jjjj\n");
    let plan = ui
        .wait_for("the plan", |s| {
            s.contains("Plan · ") && s.contains("[ Cancel ]")
        })
        .await;
    assert!(
        plan.contains(&format!("Plan · {} marked accounts", marked.len())),
        "{plan}"
    );
    assert!(plan.contains("masking full:"), "{plan}");
    assert!(plan.contains("→ full"), "{plan}");
    ui.type_keys("\t\n");
    let summary = ui
        .wait_within("the summary", LONG, |s| s.contains("Bulk DLP run complete"))
        .await;
    assert!(summary.contains("0 failed"), "{summary}");

    let after = dlp_state(&mock).await;
    assert_eq!(after.len(), before.len());
    for (id, now) in &after {
        let was = &before[id];
        if without_key(was) {
            assert_eq!(now["payload_logging"]["masking_level"], "full", "{id}");
        } else {
            assert_eq!(now, was, "{id} was not marked and is unchanged");
        }
    }
    mock.shutdown().await;
}
