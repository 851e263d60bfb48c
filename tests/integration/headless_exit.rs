//! Every exit status of the headless commands, each produced by a real
//! situation against the embedded mock (or, where the mock cannot answer
//! that way, a loopback server that does); SIGINT with and without a write
//! in flight; `--help` within 80 columns; completions and the man page.

use crate::headless_common;

use std::time::Duration;

use crate::common::*;
use crate::headless_common::Headless;
use clap::CommandFactory;
use serde_json::json;

#[tokio::test]
async fn exit_2_for_usage_configuration_and_an_ambiguous_name() {
    let cli = Headless::start().await;
    cli.run(&["csam", "get"]).await.expect(2);
    cli.run(&["fleet", "scan", "--fail-on", "sometimes"])
        .await
        .expect(2);
    let demo = cli.run(&["--demo", "csam", "get", SHOP]).await;
    demo.expect(2);
    assert!(
        demo.stderr.contains("--demo is a flag of the dashboard"),
        "{}",
        demo.stderr
    );
    let no_credentials = cli
        .run_with(&["csam", "get", SHOP], &[("CLOUDFLARE_API_TOKEN", "")])
        .await;
    no_credentials.expect(2);
    assert!(
        no_credentials.stderr.contains("CLOUDFLARE_API_TOKEN"),
        "{}",
        no_credentials.stderr
    );
    let plain_http = cli
        .run_with(
            &["zones"],
            &[("CLOUDFLARE_BASE_URL", "http://api.example.com/client/v4")],
        )
        .await;
    plain_http.expect(2);
    assert_eq!(cli.request_count().await, 0);
    // The mock refuses two zones of one name; this server lists two.
    let zone = |id: &str, account: &str| {
        json!({"id": id, "name": "twin.example.com", "status": "active",
               "account": {"id": account, "name": account}})
    };
    let body = json!({"success": true, "errors": [], "messages": [],
        "result": [zone("aaa1", "First"), zone("bbb2", "Second")],
        "result_info": {"page": 1, "per_page": 50, "count": 2, "total_count": 2, "total_pages": 1}})
    .to_string();
    let twins = raw_server(move |socket, _, _| {
        let answer = http_answer("200 OK", &["Content-Type: application/json"], &body);
        async move { reply_raw(socket, answer.as_bytes()).await }
    })
    .await;
    let ambiguous = cli
        .run_with(
            &["csam", "set", "twin.example.com", "--disable"],
            &[("CLOUDFLARE_BASE_URL", &twins.base_url())],
        )
        .await;
    ambiguous.expect(2);
    assert!(
        ambiguous.stderr.contains("2 zones are named")
            && ambiguous
                .stderr
                .contains("aaa1  twin.example.com (account First)")
            && ambiguous.stderr.contains("bbb2"),
        "{}",
        ambiguous.stderr
    );
    assert_eq!(twins.heads().len(), 1, "only the lookup was sent");
}

#[tokio::test]
async fn exit_3_for_a_read_only_token_flag_or_profile_and_a_bad_token() {
    let cli = Headless::start().await;
    let token = cli
        .run_with(
            &["csam", "set", SHOP, "--disable"],
            &[("CLOUDFLARE_API_TOKEN", READ_ONLY_TOKEN)],
        )
        .await;
    token.expect(3);
    assert!(
        token.stderr.contains("Zone Settings Write"),
        "{}",
        token.stderr
    );
    assert_eq!(cli.zone_state(SHOP).await["enabled"], true);
    let patches_seen = cli.writes().await.len();
    assert_eq!(patches_seen, 1, "the server refused the one PATCH");
    cli.run(&["csam", "set", SHOP, "--disable", "--read-only"])
        .await
        .expect(3);
    cli.run(&["--read-only", "csam", "set", SHOP, "--disable"])
        .await
        .expect(3);
    cli.write_config(&format!(
        "[profiles.ro]\ntoken_env = \"RO_TOKEN\"\nbase_url = \"{}\"\nread_only = true\n",
        cli.mock.base_url()
    ));
    let profile = cli
        .run_with(
            &["--profile", "ro", "csam", "set", SHOP, "--disable"],
            &[
                ("RO_TOKEN", FULL_TOKEN),
                ("CLOUDFLARE_API_TOKEN", ""),
                ("CLOUDFLARE_BASE_URL", ""),
            ],
        )
        .await;
    profile.expect(3);
    assert!(
        profile.stderr.contains("profile `ro` has read_only = true"),
        "{}",
        profile.stderr
    );
    assert_eq!(
        cli.writes().await.len(),
        patches_seen,
        "read-only sent no write"
    );
    let expired = cli
        .run_with(&["zones"], &[("CLOUDFLARE_API_TOKEN", EXPIRED_TOKEN)])
        .await;
    expired.expect(3);
    assert!(
        !expired.stderr.contains(EXPIRED_TOKEN),
        "{}",
        expired.stderr
    );
}

#[tokio::test]
async fn exit_4_for_an_unknown_zone_name_or_id_and_account() {
    let cli = Headless::start().await;
    let name = cli.run(&["csam", "get", "nowhere.acme-corp.com"]).await;
    name.expect(4);
    assert!(
        name.stderr
            .contains("no zone named \"nowhere.acme-corp.com\""),
        "{}",
        name.stderr
    );
    let similar = cli.run(&["csam", "get", "acme-corp.com"]).await;
    similar.expect(4);
    assert!(
        similar.stderr.contains("shop.acme-corp.com"),
        "zones whose names contain it are listed: {}",
        similar.stderr
    );
    cli.run(&["csam", "get", "0123456789abcdef0123456789abcdef"])
        .await
        .expect(4);
    cli.run(&["dlp", "get", "fedcba9876543210fedcba9876543210"])
        .await
        .expect(4);
}

#[tokio::test]
async fn exit_5_for_the_zone_locked_by_trust_and_safety_before_anything_is_sent() {
    let cli = Headless::start().await;
    let run = cli
        .run(&["csam", "set", "cdn.acme-corp.com", "--disable"])
        .await;
    run.expect(5);
    assert!(
        run.stderr.contains("locked by Trust & Safety"),
        "{}",
        run.stderr
    );
    assert!(cli.writes().await.is_empty());
    let dry = cli
        .run(&[
            "csam",
            "set",
            CDN_LOCKED,
            "--disable",
            "--dry-run",
            "--json",
        ])
        .await;
    dry.expect(0);
    assert_eq!(dry.document("csam_write")["blocked"], "locked");
}

#[tokio::test]
async fn exit_6_when_the_server_fails_after_the_retries() {
    let cli = Headless::start().await;
    set_faults(&cli.mock, json!({"fail_rate": 1})).await;
    let run = cli.run(&["csam", "get", SHOP]).await;
    run.expect(6);
    let tries = cli.request_count().await;
    assert_eq!(tries, 3, "the lookup, tried three times");
}

#[tokio::test]
async fn exit_1_when_the_server_keeps_scanning_off() {
    let cli = Headless::start().await;
    cli.run(&["csam", "set", "forum.acme-corp.com", "--enable"])
        .await
        .expect(1);
}

/// Waits (20 s at most) until `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while !ready() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} did not happen within 20 s"));
}

fn interrupt(child: &tokio::process::Child) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let pid = Pid::from_raw(child.id().expect("running") as i32);
    kill(pid, Signal::SIGINT).expect("SIGINT sent");
}

async fn ended(child: tokio::process::Child) -> headless_common::Run {
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("ended within 20 s of SIGINT")
        .unwrap();
    headless_common::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test]
async fn sigint_during_a_write_exits_130_and_reports_it_in_flight() {
    let cli = Headless::start().await;
    set_faults(&cli.mock, json!({"latency_ms": 1500})).await;
    let child = cli.spawn(&["csam", "set", SHOP, "--disable"]);
    until("the intent line", || {
        cli.audit_text().contains("\"kind\":\"audit_entry\"")
    })
    .await;
    interrupt(&child);
    let run = ended(child).await;
    run.expect(130);
    assert!(run.stderr.contains("was in flight"), "{}", run.stderr);
    let lines = cli.audit_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["result"], "unknown");
    assert!(
        lines[1]["error"].as_str().unwrap().contains("interrupted"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn sigint_during_a_read_exits_130_and_sends_no_write() {
    let cli = Headless::start().await;
    set_faults(&cli.mock, json!({"latency_ms": 3000})).await;
    let log = cli.home.path().join("state/trustdeck/trustdeck.log");
    let child = cli.spawn(&["csam", "set", SHOP, "--disable"]);
    // The log file is opened after the handler is in place, before the first request.
    until("the log file", || log.exists()).await;
    interrupt(&child);
    let run = ended(child).await;
    run.expect(130);
    assert!(
        run.stderr.contains("no write was in flight"),
        "{}",
        run.stderr
    );
    set_faults(&cli.mock, json!({"latency_ms": 0})).await;
    assert!(cli.writes().await.is_empty());
    assert!(cli.audit_text().is_empty());
}

/// Every command path, `[]` for the binary itself.
fn command_paths(command: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in command.get_subcommands() {
        let mut path = prefix.clone();
        path.push(sub.get_name().to_owned());
        command_paths(sub, path, out);
    }
}

#[tokio::test]
async fn every_help_fits_80_columns() {
    let cli = Headless::start().await;
    let mut paths = Vec::new();
    command_paths(&trustdeck::cli::Cli::command(), Vec::new(), &mut paths);
    assert!(paths.len() > 15, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = cli.run_with(&args, &[("COLUMNS", "80")]).await;
        run.expect(0);
        for line in run.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "`trustdeck {}` has a line of {}: {line:?}",
                args.join(" "),
                line.chars().count()
            );
        }
    }
}

#[tokio::test]
async fn completions_and_the_man_page_cover_the_headless_commands() {
    let cli = Headless::start().await;
    for shell in ["bash", "zsh", "fish"] {
        let run = cli.run(&["completions", shell]).await;
        run.expect(0);
        for word in ["csam", "fleet", "fail-on", "dry-run", "public-key-file"] {
            assert!(run.stdout.contains(word), "{shell}: no {word}");
        }
    }
    let man = cli.run(&["man"]).await;
    man.expect(0);
    assert!(
        man.stdout.contains(".TH trustdeck 1"),
        "{}",
        &man.stdout[..200]
    );
    assert!(man.stdout.contains("csam"));
    let dir = cli.home.path().join("man");
    std::fs::create_dir(&dir).unwrap();
    cli.run(&["man", "--out-dir", dir.to_str().unwrap()])
        .await
        .expect(0);
    let page = std::fs::read_to_string(dir.join("trustdeck-csam-set.1")).unwrap();
    assert!(page.contains("\\-\\-dry\\-run"), "{page}");
}
