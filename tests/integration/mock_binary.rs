//! `trustdeck mock` as a real process: the banner, signals, start-up errors,
//! and a state file that survives SIGKILL.
#![cfg(unix)]

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const SHOP: &str = "117bf1e17392293e996d8990458815ea";
const ACME: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";
const TOKEN: &str = "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w";
const WAIT: Duration = Duration::from_secs(20);

/// A running `trustdeck mock` and its banner.
struct Process {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    base_url: String,
}

impl Process {
    /// Starts the binary and reads the banner's first line.
    async fn start(extra: &[&str]) -> Self {
        let mut child = command(&[&["mock", "--listen", "127.0.0.1:0"], extra].concat())
            .spawn()
            .expect("the binary starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = next_line(&mut lines).await.expect("a banner line");
        let base_url = first
            .strip_prefix("trustdeck mock listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        Self {
            child,
            lines,
            base_url,
        }
    }

    fn pid(&self) -> String {
        self.child.id().expect("still running").to_string()
    }

    async fn wait(&mut self) -> ExitStatus {
        tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("exits in time")
            .unwrap()
    }
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trustdeck"));
    command
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Option<String> {
    tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("a line in time")
        .unwrap()
}

async fn signal(process: &Process, name: &str) {
    let status = std::process::Command::new("kill")
        .args([name, &process.pid()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn client() -> reqwest::Client {
    trustdeck::api::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_banner_is_exact_and_sigterm_stops_cleanly() {
    let mut process = Process::start(&[]).await;
    let url = &process.base_url;
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/client/v4"))
        .unwrap_or_else(|| panic!("{url}"));
    assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{url}");
    assert_eq!(
        next_line(&mut process.lines).await.unwrap(),
        format!("export CLOUDFLARE_BASE_URL={url}"),
        "the base URL is exported first, so the demo token never goes to the real API"
    );
    assert_eq!(
        next_line(&mut process.lines).await.unwrap(),
        format!("export CLOUDFLARE_API_TOKEN={TOKEN}")
    );
    assert_eq!(
        next_line(&mut process.lines).await.unwrap(),
        "export CLOUDFLARE_EMAIL=admin@acme-corp.com CLOUDFLARE_API_KEY=c2547eb745079dac9320b638f5e225cf483cc"
    );
    let mut comments = Vec::new();
    loop {
        let line = next_line(&mut process.lines).await.unwrap();
        assert!(line.starts_with("# "), "{line:?}");
        let last = line.starts_with("# data: ");
        comments.push(line);
        if last {
            break;
        }
    }
    let all = comments.join("\n");
    assert!(
        all.contains("tdemo-read-only-8bV3nM6xQ1zK4pR7wT2yH9s  read-only"),
        "{all}"
    );
    assert!(
        all.contains("tdemo-acme-settings-6mR2tY8wQ4nB1vX7cK3jH5p  lists every zone"),
        "{all}"
    );
    assert_eq!(comments.last().unwrap(), "# data: 500 zones in 5 accounts");
    assert!(
        all.contains("/__mock/outbox")
            && all.contains("/__mock/reset")
            && all.contains("/__mock/faults"),
        "{all}"
    );
    let reply = client()
        .get(format!("{url}/zones"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);

    signal(&process, "-TERM").await;
    assert_eq!(process.wait().await.code(), Some(0));
}

#[tokio::test]
async fn zones_flag_generates_that_many_and_the_banner_says_so() {
    let mut process = Process::start(&["--zones", "1000"]).await;
    let mut data_line = None;
    while data_line.is_none() {
        let line = next_line(&mut process.lines).await.expect("a banner line");
        data_line = line.strip_prefix("# data: ").map(str::to_owned);
    }
    assert_eq!(data_line.unwrap(), "1000 zones in 5 accounts");
    let listed: Value = client()
        .get(format!("{}/zones?per_page=5", process.base_url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["result_info"]["total_count"], 1000);
    signal(&process, "-TERM").await;
    assert_eq!(process.wait().await.code(), Some(0));
}

#[tokio::test]
async fn sigint_stops_cleanly() {
    let mut process = Process::start(&[]).await;
    signal(&process, "-INT").await;
    assert_eq!(process.wait().await.code(), Some(0));
}

#[tokio::test]
async fn the_state_file_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let http = client();

    let mut first = Process::start(&["--state", state_arg]).await;
    let patched = http
        .patch(format!(
            "{}/zones/{SHOP}/settings/csam_scanner_third_party",
            first.base_url
        ))
        .bearer_auth(TOKEN)
        .json(
            &json!({"value": {"email": "kept@acme-corp.com", "sources": {"ncmec_industry": true}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let dlp = http
        .patch(format!("{}/accounts/{ACME}/dlp/settings", first.base_url))
        .bearer_auth(TOKEN)
        .json(&json!({"ocr": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(dlp.status(), 200);
    // A generated zone is saved like a hand-written one.
    let listed: Value = http
        .get(format!("{}/zones?per_page=50&page=2", first.base_url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let root = first.base_url.trim_end_matches("/client/v4");
    let before: Value = http
        .get(format!("{root}/__mock/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let generated = listed["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["id"].as_str().unwrap().to_owned())
        .find(|id| before["zones"][id]["editable"] == true)
        .expect("an editable generated zone");
    let patched = http
        .patch(format!(
            "{}/zones/{generated}/settings/csam_scanner_third_party",
            first.base_url
        ))
        .bearer_auth(TOKEN)
        .json(&json!({"value": {"email": "gen@example.org"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    first.child.start_kill().unwrap();
    first.wait().await;
    assert_complete_json(&state);

    let second = Process::start(&["--state", state_arg]).await;
    let root = second.base_url.trim_end_matches("/client/v4");
    let raw: Value = http
        .get(format!("{root}/__mock/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["zones"][SHOP]["email"], "kept@acme-corp.com");
    assert_eq!(raw["zones"][SHOP]["email_state"], "pending");
    assert_eq!(raw["zones"][SHOP]["sources"]["ncmec_industry"], true);
    assert_eq!(raw["dlp"][ACME]["ocr"], false);
    assert!(raw["zones"].as_object().unwrap().len() >= 308);
    assert_eq!(raw["zones"][&generated]["email"], "gen@example.org");
    assert_eq!(raw["zones"][&generated]["email_state"], "pending");
    assert_eq!(raw["outbox"].as_array().unwrap().len(), 2);
}

fn assert_complete_json(path: &Path) {
    let text = std::fs::read_to_string(path).expect("the state file exists");
    serde_json::from_str::<Value>(&text).expect("the state file is complete JSON");
}

#[tokio::test]
async fn start_up_errors_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("state.json");
    std::fs::write(&corrupt, "{ half a file").unwrap();
    let bad_data = dir.path().join("data.json");
    std::fs::write(&bad_data, "{\"accounts\": []}").unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--data", "/nonexistent/demo.json"],
            "cannot read demo data",
        ),
        (
            &["--data", bad_data.to_str().unwrap()],
            "not valid demo data",
        ),
        (&["--state", corrupt.to_str().unwrap()], "corrupt"),
    ];
    for (args, expected) in cases {
        let output = command(&[&["mock", "--listen", "127.0.0.1:0"], args].concat()).output();
        let output = tokio::time::timeout(WAIT, output)
            .await
            .expect("exits in time")
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let ours: Vec<_> = stderr
            .lines()
            .filter(|l| l.starts_with("trustdeck mock: "))
            .collect();
        assert_eq!(ours.len(), 1, "{stderr}");
        assert!(ours[0].contains(expected), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(output.stdout.is_empty(), "no banner on failure");
    }
}

#[tokio::test]
async fn bad_flag_values_exit_2() {
    for args in [
        ["--fail-rate", "1.5"],
        ["--latency", "soon"],
        ["--rate-limit", "many"],
        ["--listen", "localhost"],
        ["--verify-after", "later"],
        ["--read-timeout", "0s"],
        ["--zones", "100001"],
        ["--zones", "many"],
    ] {
        let output = command(&[&["mock"][..], &args[..]].concat()).output();
        let output = tokio::time::timeout(WAIT, output)
            .await
            .expect("exits in time")
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(args[0]), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
