//! Runs the real `trustdeck` binary's headless commands against a mock
//! started in the test, with a clean environment: the demo token, the mock's
//! base URL, and temporary state, cache, config and home folders (nothing of
//! the developer's own environment reaches the child).
#![allow(dead_code, reason = "each test binary uses a different part")]

pub mod schema;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use trustdeck::mock::RunningMock;

use crate::common::{FULL_TOKEN, mock_get, requests, start_mock};

/// A mock and the folders a child runs with.
pub struct Headless {
    /// The mock the child talks to.
    pub mock: RunningMock,
    /// `XDG_STATE_HOME`, `XDG_CACHE_HOME`, `XDG_CONFIG_HOME` and `HOME` live here.
    pub home: TempDir,
}

/// What a run of the binary left.
#[derive(Debug)]
pub struct Run {
    /// The exit status (`-1`: killed by a signal).
    pub code: i32,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout as one JSON document (panics, with both streams, when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:?}"))
    }

    /// Stdout as one document of `kind`, checked against its schema.
    pub fn document(&self, kind: &str) -> Value {
        let document = self.json();
        schema::assert_valid(kind, &document);
        document
    }

    /// Stderr as one `error` document (what `--json` prints on a failure),
    /// checked against its schema; stdout is empty.
    pub fn error_document(&self) -> Value {
        assert!(self.stdout.is_empty(), "stdout on a failure: {self:?}");
        let document: Value = serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not one JSON document ({e}): {self:?}"));
        schema::assert_valid("error", &document);
        assert_eq!(document["exit_code"], self.code, "{document:#}");
        document
    }

    /// Asserts the exit status, showing both streams when it is another.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit status: {self:#?}");
        self
    }
}

impl Headless {
    /// A demo mock and fresh folders.
    pub async fn start() -> Self {
        Self {
            mock: start_mock().await,
            home: tempfile::tempdir().expect("a temp dir"),
        }
    }

    /// The child's environment: the full-access token unless `env` says otherwise.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
        let dir = self.home.path();
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_trustdeck"));
        command
            .args(args)
            .env_clear()
            .env("CLOUDFLARE_API_TOKEN", FULL_TOKEN)
            .env("CLOUDFLARE_BASE_URL", self.mock.base_url())
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("HOME", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (name, value) in env {
            if value.is_empty() {
                command.env_remove(name);
            } else {
                command.env(name, value);
            }
        }
        command
    }

    /// Runs `trustdeck ARGS` with the full-access token.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[]).await
    }

    /// Runs `trustdeck ARGS` with `env` on top (an empty value removes a variable).
    pub async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output =
            tokio::time::timeout(Duration::from_secs(60), self.command(args, env).output())
                .await
                .unwrap_or_else(|_| panic!("trustdeck {args:?} did not end within 60 s"))
                .expect("the binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Starts `trustdeck ARGS` without waiting for it.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        self.command(args, &[]).spawn().expect("the binary starts")
    }

    /// Where the child keeps its run journals.
    pub fn runs_dir(&self) -> PathBuf {
        self.home.path().join("state/trustdeck/runs")
    }

    /// The run journals, by file name (none when no run began).
    pub fn journals(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.runs_dir())
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }

    /// The audit log file the child writes.
    pub fn audit_path(&self) -> PathBuf {
        self.home.path().join("state/trustdeck/audit.jsonl")
    }

    /// The audit log's lines, parsed.
    pub fn audit_lines(&self) -> Vec<Value> {
        self.audit_text()
            .lines()
            .map(|line| serde_json::from_str(line).expect("an audit line is JSON"))
            .collect()
    }

    /// The audit log as text (empty when there is none).
    pub fn audit_text(&self) -> String {
        std::fs::read_to_string(self.audit_path()).unwrap_or_default()
    }

    /// The config file a profile test writes.
    pub fn write_config(&self, text: &str) {
        let dir = self.home.path().join("config/trustdeck");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    /// The mock's raw state (real emails included).
    pub async fn state(&self) -> Value {
        mock_get(&self.mock, "/__mock/state").await
    }

    /// One zone's raw CSAM setting in the mock.
    pub async fn zone_state(&self, zone_id: &str) -> Value {
        self.state().await["zones"][zone_id].clone()
    }

    /// One account's raw DLP settings in the mock.
    pub async fn dlp_state(&self, account_id: &str) -> Value {
        self.state().await["dlp"][account_id].clone()
    }

    /// The requests the mock served that were not GETs, as (method, path).
    pub async fn writes(&self) -> Vec<(String, String)> {
        requests(&self.mock)
            .await
            .into_iter()
            .filter(|(method, _)| method != "GET")
            .collect()
    }

    /// How many API requests the mock served in all.
    pub async fn request_count(&self) -> usize {
        requests(&self.mock).await.len()
    }
}
