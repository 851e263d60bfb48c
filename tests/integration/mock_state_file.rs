//! `--state FILE` at start and as it grows: temporary files left by a
//! killed mock are removed (only those), and the outbox and the file stay
//! bounded however many emails are sent.
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::mock_common::{BLOG, Harness, SHOP};
use reqwest::Method;
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

/// The PID of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn touch(dir: &Path, name: &str) {
    std::fs::write(dir.join(name), "{ half").unwrap();
}

#[tokio::test]
async fn start_removes_only_the_temporary_files_of_dead_mocks() {
    let dir = tempfile::tempdir().unwrap();
    let dead = dead_pid();
    let alive = std::os::unix::process::parent_id();
    let orphans = [
        format!(".state.json.{dead}.0.tmp"),
        format!(".state.json.{dead}.17.tmp"),
    ];
    let kept = [
        format!(".state.json.{alive}.3.tmp"),
        format!(".state.json.{dead}.x.tmp"),
        format!(".state.json.{dead}.tmp"),
        format!(".state.json.{dead}.1.tmp.bak"),
        format!(".state.json.{dead}a.1.tmp"),
        format!(".other.json.{dead}.1.tmp"),
        format!("state.json.{dead}.1.tmp"),
        format!(".state.jsonx.{dead}.1.tmp"),
    ];
    for name in orphans.iter().chain(&kept) {
        touch(dir.path(), name);
    }
    let h = Harness::with(MockConfig {
        state: Some(dir.path().join("state.json")),
        ..MockConfig::demo()
    })
    .await;
    h.call(Method::GET, &Harness::csam(SHOP), None)
        .await
        .result();
    for name in &orphans {
        assert!(!dir.path().join(name).exists(), "{name} left behind");
    }
    for name in &kept {
        assert!(dir.path().join(name).exists(), "{name} removed");
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = kept.to_vec();
    expected.push("state.json".to_owned());
    expected.sort();
    assert_eq!(names, expected);
    // Written by the same helper as the client's files: its owner's alone.
    let mode = std::fs::metadata(dir.path().join("state.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn the_outbox_keeps_the_last_thousand_mails() {
    let h = Harness::start().await;
    let resend = json!({"value": {"resend_email": true}});
    for _ in 0..1005 {
        let reply = h
            .call(Method::PATCH, &Harness::csam(BLOG), Some(resend.clone()))
            .await;
        assert_eq!(reply.message_codes(), [1104]);
    }
    let new_email = json!({"value": {"email": "last@acme-corp.com"}});
    h.call(Method::PATCH, &Harness::csam(BLOG), Some(new_email))
        .await
        .result();
    let outbox = h.outbox().await;
    assert_eq!(outbox.len(), 1000);
    assert_eq!(
        outbox[999]["to"], "last@acme-corp.com",
        "the newest is kept"
    );
    assert_eq!(outbox[998]["kind"], "resend");
    assert_eq!(h.state().await["outbox"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn a_full_outbox_no_longer_grows_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mail = json!({"zone_id": BLOG, "zone_name": "blog.acme-corp.com",
        "to": "editor@acme-corp.com", "kind": "resend", "at": "2026-01-01T00:00:00Z"});
    let full = json!({"zones": {}, "dlp": {}, "outbox": vec![mail; 1000]});
    std::fs::write(&path, serde_json::to_vec_pretty(&full).unwrap()).unwrap();
    let h = Harness::with(MockConfig {
        state: Some(path.clone()),
        ..MockConfig::demo()
    })
    .await;
    let resend = json!({"value": {"resend_email": true}});
    h.call(Method::PATCH, &Harness::csam(BLOG), Some(resend.clone()))
        .await
        .result();
    let first = std::fs::metadata(&path).unwrap().len();
    for _ in 0..20 {
        h.call(Method::PATCH, &Harness::csam(BLOG), Some(resend.clone()))
            .await
            .result();
    }
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["outbox"].as_array().unwrap().len(), 1000);
    let last = std::fs::metadata(&path).unwrap().len();
    assert!(last < 400_000, "{last} bytes");
    assert!(
        last.abs_diff(first) < 100,
        "{first} -> {last}: it no longer grows"
    );
}
