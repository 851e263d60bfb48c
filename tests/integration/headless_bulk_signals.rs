//! A headless bulk run stopped by Ctrl-C stays resumable, and a journal
//! that does not add up (a copy under another name, an inserted zone) is
//! refused whole: exit 2, nothing on stdout, the faulty line named, nothing
//! sent. Real binary against a mock on loopback.
#![cfg(unix)]

use std::path::Path;
use std::time::Duration;

use crate::bulk_common::per_zone;
use crate::common::*;
use crate::headless_common::Headless;
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

fn count(path: &Path, kind: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["kind"] == kind)
        .count()
}

async fn patches(cli: &Headless) -> usize {
    per_zone(&cli.mock, "PATCH").await.values().sum()
}

#[tokio::test]
async fn ctrl_c_stops_a_run_resumable_and_a_journal_that_does_not_add_up_is_refused() {
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            zones: Some(200),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    cli.run(&["fleet", "scan", "--json"]).await.expect(0);
    set_faults(&cli.mock, json!({"latency_ms": 100})).await;
    let child = cli.spawn(&["fleet", "apply", "--disable", "--yes", "--json"]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let journal = loop {
        if let Some(path) = cli.journals().first()
            && count(path, "outcome") > 0
        {
            break path.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let pid = nix::unistd::Pid::from_raw(child.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("it ends once those in flight are done")
        .unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(
        output.stdout.is_empty(),
        "exit 130 prints nothing on stdout"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fleet resume"), "{stderr}");
    assert_eq!(count(&journal, "finished"), 0, "not cancelled: resumable");
    assert_eq!(
        count(&journal, "sending"),
        count(&journal, "outcome"),
        "those in flight finished and were journaled"
    );
    let listed = cli
        .run(&["fleet", "runs", "--json"])
        .await
        .document("fleet_runs");
    assert_eq!(listed["runs"][0]["state"], "unfinished", "{listed}");
    let run = journal.file_stem().unwrap().to_str().unwrap().to_owned();
    set_faults(&cli.mock, json!({"latency_ms": 0})).await;
    let sent = patches(&cli).await;

    // A copy under another name is not a second run of the same id.
    let copy = journal.with_file_name("20991231T000000000Z-0000beef.jsonl");
    std::fs::copy(&journal, &copy).unwrap();
    let refused = cli
        .run(&["fleet", "resume", "20991231T000000000Z-0000beef", "--yes"])
        .await;
    refused.expect(2);
    assert_eq!(refused.stdout, "");
    assert!(refused.stderr.contains("line 1"), "{}", refused.stderr);
    let listed = cli
        .run(&["fleet", "runs", "--json"])
        .await
        .document("fleet_runs");
    assert_eq!(listed["runs"].as_array().unwrap().len(), 1, "{listed}");
    std::fs::remove_file(&copy).unwrap();

    // A zone slipped into the plan.
    let original = std::fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
    let planned = lines
        .iter()
        .position(|l| l.contains(r#""kind":"planned""#))
        .unwrap();
    let mut inserted: Value = serde_json::from_str(&lines[1]).unwrap();
    inserted["zone"]["id"] = json!("0123456789abcdef0123456789abcdef");
    inserted["zone"]["name"] = json!("inserted.example");
    lines.insert(planned, inserted.to_string());
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap();
    let refused = cli.run(&["fleet", "resume", &run, "--yes"]).await;
    refused.expect(2);
    assert_eq!(refused.stdout, "");
    assert!(
        refused.stderr.contains(&format!("line {}", planned + 2)),
        "names the planned line: {}",
        refused.stderr
    );
    assert_eq!(patches(&cli).await, sent, "nothing was sent");

    std::fs::write(&journal, original).unwrap();
    let resumed = cli.run(&["fleet", "resume", &run, "--yes", "--json"]).await;
    assert!(resumed.code <= 1, "{resumed:?}");
    let document = resumed.document("fleet_run");
    assert_eq!(document["state"], "complete");
    let per = per_zone(&cli.mock, "PATCH").await;
    assert!(per.values().all(|n| *n == 1), "each zone once: {per:?}");
    assert_eq!(
        per.len(),
        count(&journal, "plan") - document["counts"]["skipped"].as_u64().unwrap() as usize
    );
}
