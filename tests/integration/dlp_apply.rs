//! `trustdeck dlp apply` as the real binary against the mock: a bad key
//! refused before any request; a dry run, a refusal without a terminal and
//! read-only mode plan but never write; the plan of a mix (already so, no
//! permission, DLP not available) in its document.

use serde_json::Value;

use crate::common::{ACME, requests, start_mock_with};
use crate::headless_common::{Headless, Run};
use trustdeck::mock::MockConfig;

const DLP_SCOPED: &str = "tdemo-dlp-scoped-2kW9pL5vN8xR3tB6mQ1zH4c";
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

/// The accounts of a plan document whose step is `step`, by id.
fn ids_with_step(plan: &Value, step: &str) -> Vec<String> {
    plan["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| a["step"] == step)
        .map(|a| a["account"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn no_key_leak(run: &Run) {
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the key in full: {run:?}"
    );
}

#[tokio::test]
async fn a_bad_key_is_refused_before_any_request() {
    let cli = Headless::start().await;
    for bad in [
        "not-a-key",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgH!0=",
    ] {
        let run = cli
            .run(&["dlp", "apply", "--public-key", bad, "--yes"])
            .await;
        run.expect(2);
        assert!(run.stderr.contains("the public key"), "{run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
    }
    let file = cli.home.path().join("bad.pub");
    std::fs::write(&file, "abc\n").unwrap();
    let run = cli
        .run(&[
            "dlp",
            "apply",
            "--public-key-file",
            file.to_str().unwrap(),
            "--yes",
            "--json",
        ])
        .await;
    run.expect(2);
    let error = run.error_document();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("the public key"),
        "{error}"
    );
    assert_eq!(
        cli.request_count().await,
        0,
        "{:?}",
        requests(&cli.mock).await
    );
}

#[tokio::test]
async fn a_dry_run_plans_field_by_field_and_sends_no_write() {
    let cli = with_accounts(40).await;
    let run = cli
        .run(&[
            "dlp",
            "apply",
            "--masking",
            "full",
            "--public-key",
            KEY,
            "--dry-run",
        ])
        .await;
    run.expect(0);
    no_key_leak(&run);
    assert!(
        run.stdout
            .starts_with("Plan: masking full, payload-logging key "),
        "{run:?}"
    );
    assert!(run.stdout.contains(" → full"), "{run:?}");
    assert!(run.stdout.contains("Budget: "), "{run:?}");
    assert!(run.stderr.contains("Dry run: nothing was sent."), "{run:?}");
    let json = cli
        .run(&["dlp", "apply", "--masking", "full", "--dry-run", "--json"])
        .await;
    json.expect(0);
    let plan = json.document("dlp_plan");
    assert!(plan["blocked"].is_null(), "{plan}");
    let state = cli.state().await;
    let dlp = state["dlp"].as_object().unwrap();
    for account in plan["accounts"].as_array().unwrap() {
        let id = account["account"]["id"].as_str().unwrap();
        let now = &dlp.get(id).unwrap_or(&Value::Null)["payload_logging"]["masking_level"];
        match account["step"].as_str().unwrap() {
            "send" => {
                assert_ne!(now, "full", "{account}");
                assert_eq!(account["method"], "patch");
                assert_eq!(account["sent"]["payload_logging"]["masking_level"], "full");
                assert_eq!(
                    account["fields"][0]["field"],
                    "payload_logging.masking_level"
                );
                assert_eq!(&account["fields"][0]["before"], now, "{account}");
                assert_eq!(account["fields"][0]["after"], "full");
            }
            _ => assert!(account["skip"]["reason"].is_string(), "{account}"),
        }
    }
    assert!(!ids_with_step(&plan, "send").is_empty(), "{plan}");
    assert!(cli.writes().await.is_empty(), "{:?}", cli.writes().await);
}

#[tokio::test]
async fn a_mix_is_planned_right_in_the_document() {
    let cli = with_accounts(30).await;
    let run = cli
        .run_with(
            &["dlp", "apply", "--masking", "full", "--dry-run", "--json"],
            &[("CLOUDFLARE_API_TOKEN", DLP_SCOPED)],
        )
        .await;
    run.expect(0);
    let plan = run.document("dlp_plan");
    let state = cli.state().await;
    let not_available = state["dlp_not_available"][0].as_str().unwrap().to_owned();
    let accounts = plan["accounts"].as_array().unwrap();
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for account in accounts {
        let id = account["account"]["id"].as_str().unwrap();
        let reason = account["skip"]["reason"]
            .as_str()
            .unwrap_or("send")
            .to_owned();
        if id == not_available {
            assert!(
                reason == "not_available" || reason == "no_permission",
                "{account}"
            );
        }
        if reason == "already_so" {
            assert_eq!(state["dlp"][id]["payload_logging"]["masking_level"], "full");
        }
        if reason == "send" {
            assert_ne!(state["dlp"][id]["payload_logging"]["masking_level"], "full");
        }
        *reasons.entry(reason).or_default() += 1;
    }
    for reason in ["send", "already_so", "no_permission"] {
        assert!(reasons.contains_key(reason), "{reasons:?} {plan:#}");
    }
    let counts = &plan["counts"];
    assert_eq!(counts["accounts"], accounts.len());
    assert_eq!(counts["to_send"], reasons["send"]);
    for (reason, count) in &reasons {
        if reason != "send" {
            assert_eq!(counts["skipped"][reason], *count, "{counts}");
        }
    }
    assert!(cli.writes().await.is_empty());
}

#[tokio::test]
async fn a_typed_count_without_a_terminal_is_refused_and_nothing_is_sent() {
    let cli = with_accounts(10).await;
    let run = cli.run(&["dlp", "apply", "--masking", "clear"]).await;
    run.expect(2);
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("not confirmed"), "{run:?}");
    assert!(run.stderr.contains("Plan: masking clear"), "{run:?}");
    let json = cli
        .run(&[
            "dlp",
            "apply",
            "--clear-public-key",
            "--account",
            ACME,
            "--json",
        ])
        .await;
    json.expect(2);
    assert!(json.stdout.is_empty(), "{json:?}");
    assert!(json.stderr.contains("\"not_confirmed\""), "{json:?}");
    assert!(cli.writes().await.is_empty(), "{:?}", cli.writes().await);
    assert!(cli.journals().is_empty());
}

#[tokio::test]
async fn read_only_plans_but_never_runs() {
    let cli = with_accounts(10).await;
    let run = cli
        .run(&["--read-only", "dlp", "apply", "--ocr", "on", "--yes"])
        .await;
    run.expect(3);
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("Plan: OCR on"), "{run:?}");
    let json = cli
        .run(&[
            "dlp",
            "apply",
            "--ocr",
            "on",
            "--yes",
            "--json",
            "--read-only",
        ])
        .await;
    json.expect(3);
    assert!(json.stderr.contains("\"read_only\""), "{json:?}");
    assert!(cli.writes().await.is_empty(), "{:?}", cli.writes().await);
    assert!(cli.journals().is_empty());
}

#[tokio::test]
async fn accounts_of_a_file_are_resolved_by_id_or_name_and_an_unknown_one_stops_it() {
    let cli = Headless::start().await;
    let list = cli.home.path().join("accounts.txt");
    std::fs::write(
        &list,
        format!("# the two\n{ACME}\nglobex media  # by name\n"),
    )
    .unwrap();
    let run = cli
        .run(&[
            "dlp",
            "apply",
            "--ocr",
            "off",
            "--accounts",
            list.to_str().unwrap(),
            "--dry-run",
            "--json",
        ])
        .await;
    run.expect(0);
    let plan = run.document("dlp_plan");
    assert_eq!(plan["counts"]["accounts"], 2, "{plan:#}");
    assert_eq!(plan["accounts"][0]["account"]["id"], ACME);
    std::fs::write(&list, "no such account\n").unwrap();
    let missing = cli
        .run(&[
            "dlp",
            "apply",
            "--ocr",
            "off",
            "--accounts",
            list.to_str().unwrap(),
        ])
        .await;
    missing.expect(4);
    assert!(missing.stderr.contains("no such account"), "{missing:?}");
    assert!(cli.writes().await.is_empty());
}

#[tokio::test]
async fn masking_full_on_200_accounts_changes_exactly_the_planned_ones_one_patch_each() {
    let cli = with_accounts(200).await;
    let plan = cli
        .run(&["dlp", "apply", "--masking", "full", "--dry-run", "--json"])
        .await;
    plan.expect(0);
    let planned = ids_with_step(&plan.document("dlp_plan"), "send");
    assert!(planned.len() > 100, "{}", planned.len());
    let before = cli.state().await;
    let run = cli
        .run(&["dlp", "apply", "--masking", "full", "--yes", "--json"])
        .await;
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    let document = run.document("dlp_run");
    assert_eq!(document["state"], "complete", "{document:#}");
    assert_eq!(
        document["counts"]["done"],
        planned.len(),
        "{:#}",
        document["counts"]
    );
    let writes = cli.writes().await;
    assert!(
        writes.iter().all(|(method, _)| method == "PATCH"),
        "{writes:?}"
    );
    let mut patched: Vec<String> = writes
        .iter()
        .map(|(_, path)| {
            let id = path.trim_start_matches("/client/v4/accounts/");
            id.split('/').next().unwrap().to_owned()
        })
        .collect();
    patched.sort();
    let mut want = planned.clone();
    want.sort();
    assert_eq!(patched, want, "one PATCH per planned account, no other");
    let after = cli.state().await;
    for (id, dlp) in after["dlp"].as_object().unwrap() {
        assert_eq!(dlp["payload_logging"]["masking_level"], "full", "{id}");
        let was = &before["dlp"][id];
        assert_eq!(dlp["ocr"], was["ocr"], "{id}: only the masking changes");
        assert_eq!(
            dlp["payload_logging"]["public_key"],
            was["payload_logging"]["public_key"]
        );
    }
    let audited: std::collections::HashSet<String> = cli
        .audit_lines()
        .iter()
        .filter(|line| line["origin"]["command"] == "dlp apply")
        .map(|line| line["id"].as_str().unwrap().to_owned())
        .collect();
    let audited = audited.len();
    assert_eq!(audited, planned.len(), "an audit entry per write");
    assert_eq!(cli.journals().len(), 1);
}

#[tokio::test]
async fn a_key_from_stdin_is_planned_by_its_fingerprint_only() {
    use tokio::io::AsyncWriteExt;
    let cli = Headless::start().await;
    let mut command = cli.command(
        &[
            "dlp",
            "apply",
            "--public-key-file",
            "-",
            "--only",
            "no-key",
            "--dry-run",
            "--json",
        ],
        &[],
    );
    command.stdin(std::process::Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("  {KEY}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    run.expect(0);
    no_key_leak(&run);
    let plan = run.document("dlp_plan");
    assert_eq!(plan["change"]["public_key_set"], true, "{plan:#}");
    let fingerprint = plan["change"]["public_key_fingerprint"].as_str().unwrap();
    assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");
    let state = cli.state().await;
    let sends = ids_with_step(&plan, "send");
    assert!(!sends.is_empty(), "{plan:#}");
    for id in &sends {
        assert!(
            state["dlp"][id]["payload_logging"]["public_key"].is_null(),
            "--only no-key keeps {id}"
        );
    }
    assert!(cli.writes().await.is_empty());
}

/// The journal's lines of `kind`.
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
async fn killed_mid_run_then_resumed_every_planned_account_is_changed_once() {
    use std::time::{Duration, Instant};
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            accounts: Some(200),
            latency: Some(Duration::from_millis(200)),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().expect("a temp dir"),
    };
    let plan = cli
        .run(&["dlp", "apply", "--masking", "full", "--dry-run", "--json"])
        .await;
    plan.expect(0);
    let mut planned = ids_with_step(&plan.document("dlp_plan"), "send");
    planned.sort();
    let mut child = cli.spawn(&["dlp", "apply", "--masking", "full", "--yes"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let journal = loop {
        let outcomes = cli
            .journals()
            .first()
            .map(|path| (path.clone(), journal_lines(path, "outcome").len()));
        if let Some((path, done)) = outcomes.filter(|(_, done)| *done >= 10) {
            assert!(done < planned.len(), "the run ended before the kill");
            break path;
        }
        assert!(Instant::now() < deadline, "no outcome within 60 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "{status:?}");
    assert!(journal_lines(&journal, "finished").is_empty(), "unfinished");
    let id = journal.file_stem().unwrap().to_str().unwrap().to_owned();
    let resumed = cli.run(&["fleet", "resume", &id, "--yes"]).await;
    assert!(resumed.code == 0 || resumed.code == 1, "{resumed:?}");
    assert_eq!(journal_lines(&journal, "finished").len(), 1, "{resumed:?}");
    let writes = cli.writes().await;
    assert!(
        writes.iter().all(|(method, _)| method == "PATCH"),
        "{writes:?}"
    );
    let mut patched: Vec<String> = writes
        .iter()
        .map(|(_, path)| {
            let id = path.trim_start_matches("/client/v4/accounts/");
            id.split('/').next().unwrap().to_owned()
        })
        .collect();
    patched.sort();
    assert_eq!(
        patched, planned,
        "each planned account sent one PATCH, no other"
    );
    let state = cli.state().await;
    for (id, dlp) in state["dlp"].as_object().unwrap() {
        assert_eq!(dlp["payload_logging"]["masking_level"], "full", "{id}");
    }
}
