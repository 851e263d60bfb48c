//! Completion from the local caches, as the real binary: `__complete` lists
//! the names and ids a `fleet scan` cached and the run ids of the journal
//! folder, sends no request, prints nothing without a cache; the bash script
//! of `completions bash` asks it for a zone or an account argument.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use crate::headless_common::{Headless, Run};
use serde_json::Value;

/// The zones of a `fleet scan --json` as (id, name, account name).
async fn scanned(cli: &Headless) -> Vec<(String, String, String)> {
    let run = cli.run(&["fleet", "scan", "--json"]).await;
    run.expect(0);
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    run.document("fleet_scan")["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .map(|z| {
            (
                text(&z["zone"]["id"]),
                text(&z["zone"]["name"]),
                text(&z["zone"]["account"]["name"]),
            )
        })
        .collect()
}

fn lines(run: &Run) -> Vec<String> {
    run.stdout.lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn cached_names_and_ids_complete_without_a_request() {
    let cli = Headless::start().await;
    let zones = scanned(&cli).await;
    let first = &zones[0].1;
    let prefix = &first[..first.find('.').unwrap_or(3).min(first.len())];
    let before = cli.request_count().await;

    let run = cli.run(&["__complete", "zones", prefix]).await;
    run.expect(0);
    let want: BTreeSet<String> = zones
        .iter()
        .flat_map(|(id, name, _)| [id.clone(), name.clone()])
        .filter(|word| word.starts_with(prefix))
        .collect();
    let got = lines(&run);
    assert_eq!(
        got.iter().cloned().collect::<BTreeSet<_>>(),
        want,
        "{run:?}"
    );
    assert_eq!(got.len(), want.len(), "each once: {run:?}");
    assert!(got.contains(first), "{run:?}");

    let id = &zones[0].0;
    let by_id = cli.run(&["__complete", "zones", &id[..6]]).await;
    assert!(lines(&by_id).contains(id), "{by_id:?}");

    let accounts = cli.run(&["__complete", "accounts"]).await;
    let names: BTreeSet<String> = zones.iter().map(|z| z.2.clone()).collect();
    for name in &names {
        assert!(lines(&accounts).contains(name), "{name}: {accounts:?}");
    }

    let at = cli
        .run(&["__complete", "at", "3", "trustdeck", "csam", "get", prefix])
        .await;
    assert_eq!(lines(&at), got, "{at:?}");
    let option = cli
        .run(&[
            "__complete",
            "at",
            "3",
            "trustdeck",
            "log",
            "--zone",
            prefix,
        ])
        .await;
    assert_eq!(lines(&option), got, "{option:?}");
    let flag = cli
        .run(&["__complete", "at", "3", "trustdeck", "csam", "get", "--js"])
        .await;
    assert_eq!(flag.stdout, "", "{flag:?}");

    assert_eq!(cli.request_count().await, before, "no request to complete");
}

#[tokio::test]
async fn without_a_cache_nothing_is_printed_and_the_exit_is_zero() {
    let cli = Headless::start().await;
    for args in [
        &["__complete", "zones"][..],
        &["__complete", "accounts", "A"],
        &["__complete", "runs"],
        &["__complete", "at", "3", "trustdeck", "csam", "get", ""],
    ] {
        let run = cli.run(args).await;
        run.expect(0);
        assert_eq!(
            (run.stdout.as_str(), run.stderr.as_str()),
            ("", ""),
            "{args:?}"
        );
    }
    assert_eq!(cli.request_count().await, 0);
    let bad = cli.run(&["__complete", "planets"]).await;
    bad.expect(2);
    assert_eq!(bad.stdout, "");
}

#[tokio::test]
async fn run_ids_of_the_journal_folder_complete() {
    let cli = Headless::start().await;
    let file = cli.home.path().join("zones.txt");
    std::fs::write(&file, "globex-media.tv\n").unwrap();
    let path = file.to_str().unwrap();
    let apply = cli
        .run(&["fleet", "apply", "--enable", "--zones", path, "--yes"])
        .await;
    let runs = cli.run(&["fleet", "runs", "--json"]).await;
    let id = runs.document("fleet_runs")["runs"][0]["run_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a run: {apply:?} {runs:?}"))
        .to_owned();
    let listed = cli.run(&["__complete", "runs", &id[..8]]).await;
    assert_eq!(lines(&listed), std::slice::from_ref(&id), "{listed:?}");
    let at = cli
        .run(&["__complete", "at", "3", "trustdeck", "fleet", "resume", ""])
        .await;
    assert_eq!(lines(&at), [id], "{at:?}");
}

/// Runs `script` in bash with the completion script sourced, the binary
/// first on PATH and the test's folders.
async fn in_bash(cli: &Headless, script: &str) -> Run {
    let binary = Path::new(env!("CARGO_BIN_EXE_trustdeck"));
    let dir = cli.home.path();
    let path = format!("{}:/usr/bin:/bin", binary.parent().unwrap().display());
    let completions = format!("source <(trustdeck completions bash)\n{script}");
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &completions])
            .env_clear()
            .env("PATH", path)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("HOME", dir)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("bash ends within 60 s")
    .expect("bash runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What bash's completion offers for `words`, the last being completed.
fn complete_line(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = words[cword.saturating_sub(1)];
    format!(
        "COMP_WORDS=({}); COMP_CWORD={cword}; COMPREPLY=()\n\
         _trustdeck trustdeck '{}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words[cword],
    )
}

#[tokio::test]
async fn the_bash_script_completes_zones_and_accounts_from_the_cache() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no bash here: skipped");
        return;
    }
    let cli = Headless::start().await;
    let zones = scanned(&cli).await;
    let first = &zones[0].1;
    let prefix = &first[..first.find('.').unwrap_or(3).min(first.len())];
    let want = cli.run(&["__complete", "zones", prefix]).await;
    assert!(!want.stdout.is_empty(), "{want:?}");

    let run = in_bash(&cli, &complete_line(&["trustdeck", "csam", "get", prefix])).await;
    run.expect(0);
    assert_eq!(run.stdout, want.stdout, "the zone of csam get: {run:?}");

    let run = in_bash(&cli, &complete_line(&["trustdeck", "--zone", prefix])).await;
    assert_eq!(run.stdout, want.stdout, "the dashboard's --zone: {run:?}");

    let account = zones
        .iter()
        .map(|z| z.2.clone())
        .find(|name| name.contains(' '))
        .unwrap_or_else(|| zones[0].2.clone());
    let head = account.split(' ').next().unwrap();
    let run = in_bash(&cli, &complete_line(&["trustdeck", "dlp", "get", head])).await;
    let quoted = account.replace(' ', "\\ ");
    assert!(run.stdout.lines().any(|l| l == quoted), "{quoted}: {run:?}");

    let run = in_bash(&cli, &complete_line(&["trustdeck", "csam", "g"])).await;
    assert_eq!(run.stdout, "get\n", "other words are clap's: {run:?}");
}
