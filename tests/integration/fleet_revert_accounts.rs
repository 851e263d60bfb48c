//! `trustdeck fleet revert RUN` of an accounts run, as the real binary
//! against a mock of 20 accounts: each account's DLP fields the run changed
//! put back; a key that was there before listed as not revertible, with
//! why; `--dry-run` sends nothing.

use std::time::Duration;

use serde_json::Value;
use trustdeck::api::Client;
use trustdeck::audit::AuditLog;
use trustdeck::fleet::{
    AccountPlan, AccountRow, ApplyEvent, ApplyOptions, DlpChange, Masking, RunState, RunsDir,
    start_account_apply, unix_now,
};
use trustdeck::mock::MockConfig;

use crate::common::{count_requests, full_client, start_mock_with};
use crate::headless_common::Headless;

const KEY: &str = "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0=";

async fn with_accounts(accounts: usize) -> Headless {
    Headless {
        mock: start_mock_with(MockConfig {
            accounts: Some(accounts),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().expect("a temp dir"),
    }
}

/// Every account's row, read now.
async fn rows(client: &Client) -> Vec<AccountRow> {
    let listed = client.list_accounts(1, 50).await.expect("accounts");
    let mut rows = Vec::new();
    for account in &listed.result {
        let read = client.get_dlp(&account.id).await;
        rows.push(AccountRow::new(account, &read, unix_now()));
    }
    rows
}

/// Runs `change` on every account through the library, journaled and
/// audited where the binary keeps them; returns the run's id.
async fn apply(cli: &Headless, change: DlpChange) -> String {
    let client = full_client(&cli.mock);
    let plan = AccountPlan::new(change, &rows(&client).await);
    assert!(plan.to_send() > 0, "{plan:?}");
    let options = ApplyOptions::recorded(
        RunsDir::in_dir(cli.runs_dir()),
        AuditLog::new(cli.audit_path(), None, &cli.mock.base_url()),
    );
    let mut run = start_account_apply(&client, plan, options).await.unwrap();
    let id = run.id().to_string();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), run.next())
            .await
            .expect("the run reports within 60 s");
        match event {
            Some(ApplyEvent::Finished(end)) => {
                assert_eq!(end.state, RunState::Complete);
                break;
            }
            Some(_) => {}
            None => panic!("the run ended without Finished"),
        }
    }
    id
}

/// Each account's raw DLP settings in the mock, by id.
async fn dlp(cli: &Headless) -> serde_json::Map<String, Value> {
    cli.state().await["dlp"].as_object().unwrap().clone()
}

fn masking(settings: &Value) -> Value {
    settings["payload_logging"]["masking_level"].clone()
}

fn has_key(settings: &Value) -> bool {
    settings["payload_logging"]["public_key"]
        .as_str()
        .is_some_and(|k| !k.is_empty())
}

#[tokio::test]
async fn a_revert_of_a_masking_run_puts_each_accounts_masking_back() {
    let cli = with_accounts(20).await;
    let before = dlp(&cli).await;
    let change = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let run = apply(&cli, change).await;
    let during = dlp(&cli).await;
    let changed: Vec<&String> = before
        .keys()
        .filter(|id| masking(&before[*id]) != masking(&during[*id]))
        .collect();
    assert!(
        !changed.is_empty(),
        "the run changed some accounts' masking"
    );

    let patches = count_requests(&cli.mock, "PATCH").await;
    let dry = cli.run(&["fleet", "revert", &run, "--dry-run"]).await;
    dry.expect(0);
    assert!(
        dry.stdout.contains(&format!("Revert of run {run}")),
        "{dry:?}"
    );
    assert!(
        dry.stdout
            .contains(&format!("{} to restore", changed.len())),
        "{dry:?}"
    );
    assert_eq!(
        count_requests(&cli.mock, "PATCH").await,
        patches,
        "a dry run sends nothing"
    );

    let planned = cli
        .run(&["fleet", "revert", &run, "--dry-run", "--json"])
        .await;
    planned.expect(0);
    let document = planned.document("dlp_plan");
    assert_eq!(document["change"]["kind"], "restore", "{document:#}");
    assert_eq!(document["counts"]["to_send"], changed.len(), "{document:#}");
    assert_eq!(
        count_requests(&cli.mock, "PATCH").await,
        patches,
        "a dry run sends nothing"
    );

    let reverted = cli.run(&["fleet", "revert", &run, "--yes", "--json"]).await;
    reverted.expect(0);
    let document = reverted.document("dlp_run");
    assert_eq!(document["change"]["kind"], "restore", "{document:#}");
    assert_eq!(
        count_requests(&cli.mock, "PATCH").await,
        patches + changed.len(),
        "one PATCH per account the run changed: {reverted:?}"
    );
    let after = dlp(&cli).await;
    for (id, settings) in &before {
        assert_eq!(masking(&after[id]), masking(settings), "account {id}");
        assert_eq!(after[id]["ocr"], settings["ocr"], "account {id}");
    }
    let journals = cli.journals();
    assert_eq!(journals.len(), 2, "the revert is a run of its own");
    let text = std::fs::read_to_string(
        journals
            .iter()
            .find(|p| !p.ends_with(format!("{run}.jsonl")))
            .unwrap(),
    )
    .unwrap();
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["revert_of"], run.as_str(), "{header}");
    assert_eq!(header["change"]["kind"], "restore", "{header}");
    let runs = cli.run(&["fleet", "runs"]).await;
    runs.expect(0);
    assert!(
        runs.stdout.contains(&format!("revert {run}:")),
        "the revert's journal reads back: {runs:?}"
    );
    assert!(runs.stderr.is_empty(), "no journal is damaged: {runs:?}");
}

#[tokio::test]
async fn a_revert_of_a_set_key_run_clears_new_keys_and_lists_the_old_ones() {
    let cli = with_accounts(20).await;
    let before = dlp(&cli).await;
    let had_key = before.values().filter(|s| has_key(s)).count();
    let had_none = before.len() - had_key;
    assert!(had_key > 0 && had_none > 0, "{before:?}");
    let change = DlpChange::builder().public_key(KEY).build().unwrap();
    let run = apply(&cli, change).await;

    let reverted = cli.run(&["fleet", "revert", &run, "--yes"]).await;
    // Some keys cannot be put back: the goal is not met in full.
    reverted.expect(1);
    assert!(
        reverted
            .stdout
            .contains(&format!("Cannot be reverted ({had_key})")),
        "{reverted:?}"
    );
    assert!(reverted.stdout.contains("fingerprint"), "{reverted:?}");
    let after = dlp(&cli).await;
    for (id, settings) in &before {
        if has_key(settings) {
            assert_eq!(
                after[id]["payload_logging"]["public_key"], KEY,
                "account {id}: its old key is not known, so the run's stays"
            );
        } else {
            assert!(
                !has_key(&after[id]),
                "account {id}: the run's key is cleared"
            );
        }
    }
}

/// The lines of `kind` in a journal.
fn journal_lines(path: &std::path::Path, kind: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["kind"] == kind)
        .collect()
}

#[cfg(unix)]
#[tokio::test]
async fn a_revert_killed_mid_run_is_resumed_and_each_account_restored_once() {
    use std::time::Instant;
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            accounts: Some(200),
            latency: Some(Duration::from_millis(200)),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().expect("a temp dir"),
    };
    let before = dlp(&cli).await;
    let applied = cli
        .run(&["dlp", "apply", "--masking", "full", "--yes"])
        .await;
    assert!(applied.code == 0 || applied.code == 1, "{applied:?}");
    let run = run_of(&cli.journals()[0]);
    let changed = before
        .iter()
        .filter(|(_, s)| masking(s) != "full" && !masking(s).is_null())
        .count();
    assert!(changed > 20, "{changed}");
    let patches = count_requests(&cli.mock, "PATCH").await;
    let mut child = cli.spawn(&["fleet", "revert", &run, "--yes"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let journal = loop {
        let revert = cli.journals().into_iter().find(|p| run_of(p) != run);
        if let Some(path) = revert.filter(|p| journal_lines(p, "outcome").len() >= 10) {
            break path;
        }
        assert!(Instant::now() < deadline, "no outcome within 60 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "{status:?}");
    assert!(journal_lines(&journal, "finished").is_empty(), "unfinished");
    let id = run_of(&journal);
    let resumed = cli.run(&["fleet", "resume", &id, "--yes"]).await;
    resumed.expect(0);
    assert_eq!(journal_lines(&journal, "finished").len(), 1, "{resumed:?}");
    assert_eq!(
        count_requests(&cli.mock, "PATCH").await - patches,
        changed,
        "each account restored with one PATCH, none twice"
    );
    let after = dlp(&cli).await;
    for (id, settings) in &before {
        assert_eq!(masking(&after[id]), masking(settings), "account {id}");
    }
}

/// The id of the run whose journal is `path`.
fn run_of(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}
