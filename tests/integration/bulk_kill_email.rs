//! `fleet apply --email` killed with SIGKILL 15 times at random moments
//! (seeded; the seed is printed, `KILL_SEED=N` replays it), each kill
//! followed by `fleet resume`, all as the real binary against a separate
//! `trustdeck mock --state FILE --zones 300 --latency 50ms`: no zone gets two
//! email PATCHes (the mock's request log) or two verification emails (its
//! outbox), none is missed, and `trustdeck log` and `fleet runs` count the
//! same unknown writes. Then `fleet resume RUN --resend-unknown` sends the
//! unknown ones on purpose, once.
#![cfg(unix)]

use crate::headless_common::schema;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

const TOKEN: &str = "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w";
const EMAIL: &str = "trust-safety@example.com";
const KILLS: usize = 15;
const WAIT: Duration = Duration::from_secs(60);

/// A `trustdeck mock` process, killed when dropped.
struct Mock {
    child: Child,
    root: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_trustdeck")
}

fn start_mock(state: &Path) -> Mock {
    let mut child = Command::new(bin())
        .args(["mock", "--listen", "127.0.0.1:0", "--zones", "300"])
        .args(["--latency", "50ms", "--state"])
        .arg(state)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("trustdeck mock starts");
    let mut lines = BufReader::new(child.stdout.take().expect("its stdout")).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the mock's banner")
            .expect("a banner line");
        if let Some((_, url)) = line.split_once("listening on ") {
            break url.trim().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let root = url.trim_end_matches("/client/v4").to_owned();
    Mock { child, root }
}

/// The folders and environment the CLI runs with.
struct Cli {
    home: tempfile::TempDir,
    base_url: String,
}

impl Cli {
    fn command(&self, args: &[&str]) -> Command {
        let dir = self.home.path();
        let mut command = Command::new(bin());
        command
            .args(args)
            .env_clear()
            .env("CLOUDFLARE_API_TOKEN", TOKEN)
            .env("CLOUDFLARE_BASE_URL", &self.base_url)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("HOME", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn spawn(&self, args: &[&str]) -> Child {
        self.command(args).spawn().expect("trustdeck starts")
    }

    /// Started with its output thrown away, so that a full pipe nobody
    /// reads never holds it up.
    fn spawn_quiet(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("trustdeck starts")
    }

    /// Runs to the end: (status, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let child = self.spawn(args);
        let output = wait_output(child);
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn runs_dir(&self) -> PathBuf {
        self.home.path().join("state/trustdeck/runs")
    }

    /// The run journals, by file.
    fn journals(&self) -> Vec<PathBuf> {
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
}

fn wait_output(child: Child) -> std::process::Output {
    let (done, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    output
        .recv_timeout(WAIT)
        .expect("trustdeck ends within a minute")
        .expect("its output")
}

/// Waits for `condition`, checked every few milliseconds, for at most WAIT.
fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let until = Instant::now() + WAIT;
    while !condition() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn lines_of(path: &Path, kind: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["kind"] == kind)
        .count()
}

/// A GET of a mock-only endpoint, over a plain socket.
fn get(mock: &Mock, path: &str) -> Value {
    get_as(mock, path, "")
}

/// A GET with `headers` (each ending in CRLF), over a plain socket.
fn get_as(mock: &Mock, path: &str, headers: &str) -> Value {
    use std::io::{Read, Write};
    let addr = mock.root.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("the mock accepts");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = Vec::new();
    stream.read_to_end(&mut text).unwrap();
    let text = String::from_utf8_lossy(&text);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    serde_json::from_str(&body).expect("the mock answers JSON")
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => other["result"].as_array().cloned().unwrap_or_default(),
    }
}

/// Email PATCHes per zone, from the mock's request log.
fn patches(mock: &Mock) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for request in items(get(mock, "/__mock/requests")) {
        if request["method"] == "PATCH"
            && let Some(zone) = zone_of(request["path"].as_str().unwrap_or_default())
        {
            *counts.entry(zone.to_owned()).or_default() += 1;
        }
    }
    counts
}

/// Verification emails to EMAIL per zone, from the mock's outbox.
fn mails(mock: &Mock) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for mail in items(get(mock, "/__mock/outbox")) {
        if mail["to"] == EMAIL {
            *counts
                .entry(mail["zone_id"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    counts
}

/// The zone id of a `/client/v4/zones/{id}/settings/csam…` path.
fn zone_of(path: &str) -> Option<&str> {
    let rest = path.split("/zones/").nth(1)?;
    let (zone, tail) = rest.split_once('/')?;
    tail.starts_with("settings/csam").then_some(zone)
}

fn kill(child: &mut Child) {
    // SIGKILL: nothing of the process runs after it.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn fifteen_kills_of_an_email_run_send_no_zone_twice_and_miss_none() {
    let seed: u64 = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("KILL_SEED={seed}");
    eprintln!("KILL_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let folder = tempfile::tempdir().unwrap();
    let mock = start_mock(&folder.path().join("mock-state.json"));
    let cli = Cli {
        home: tempfile::tempdir().unwrap(),
        base_url: format!("{}/client/v4", mock.root),
    };

    let mut child = cli.spawn_quiet(&["fleet", "apply", "--email", EMAIL, "--yes"]);
    wait_for("the run's journal", || {
        cli.journals()
            .first()
            .is_some_and(|j| lines_of(j, "planned") == 1)
    });
    let journal = cli.journals()[0].clone();
    let run = journal.file_stem().unwrap().to_str().unwrap().to_owned();
    // The moments: the journal's `sending` lines reaching each of 15 random
    // counts, all below the zones to send, so the run cannot end first (a
    // count already passed kills the resume as it settles what was left in
    // flight); then a random few milliseconds more.
    let mut targets: Vec<usize> = (0..KILLS).map(|_| rng.random_range(0..=200)).collect();
    targets.sort_unstable();
    println!("kills at sending lines {targets:?}");
    let mut kills = 0;
    let mut resumed = 0;
    loop {
        let target = targets[kills];
        wait_for("the run to send", || {
            lines_of(&journal, "sending") >= target || child.try_wait().ok().flatten().is_some()
        });
        let delay = rng.random_range(0..=20u64);
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        kill(&mut child);
        kills += 1;
        if kills == KILLS {
            break;
        }
        child = cli.spawn_quiet(&["fleet", "resume", &run, "--yes"]);
        resumed += 1;
        wait_for("the resume to take the run over", || {
            lines_of(&journal, "resumed") >= resumed || child.try_wait().ok().flatten().is_some()
        });
    }
    let _ = child.wait();
    println!(
        "{kills} kills, {} outcomes journaled by then",
        lines_of(&journal, "outcome")
    );
    let (code, out, err) = cli.run(&["fleet", "resume", &run, "--yes", "--json"]);
    let finished = lines_of(&journal, "finished") == 1;
    assert!(
        finished || code == 0 || code == 1 || code == 6,
        "the last resume ends the run: {code}\n{out}\n{err}"
    );
    assert_eq!(
        kills, KILLS,
        "the run ended by itself before its {KILLS} kills (seed {seed})"
    );

    let patched = patches(&mock);
    let twice: Vec<_> = patched.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "zones with two email PATCHes: {twice:?} (seed {seed})"
    );
    let mailed = mails(&mock);
    let twice: Vec<_> = mailed.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "zones mailed twice: {twice:?} (seed {seed})"
    );

    let (code, runs, err) = cli.run(&["fleet", "runs", "--json"]);
    assert_eq!(code, 0, "{err}");
    let runs: Value = serde_json::from_str(&runs).unwrap();
    schema::assert_valid("fleet_runs", &runs);
    let listed: Vec<&Value> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["run_id"] == run.as_str())
        .collect();
    assert_eq!(listed.len(), 1, "one row per run: {runs}");
    let summary = &listed[0]["counts"];
    assert_eq!(listed[0]["state"], "complete", "{runs}");
    assert_eq!(summary["left"], 0, "no zone missed: {summary}");
    let unknown = summary["unknown"].as_u64().unwrap() as usize;
    let applied =
        (summary["done"].as_u64().unwrap() + summary["adjusted"].as_u64().unwrap()) as usize;

    let (code, log, err) = cli.run(&["log", "--json"]);
    assert_eq!(code, 0, "{err}");
    let log: Value = serde_json::from_str(&log).unwrap();
    let entries: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["origin"]["run"] == run.as_str())
        .collect();
    let state_count = |state: &str| entries.iter().filter(|e| e["result"] == state).count();
    assert_eq!(
        state_count("unknown"),
        unknown,
        "trustdeck log and fleet runs count the same unknown writes (seed {seed})"
    );
    assert_eq!(state_count("done"), applied, "and the same applied ones");
    let applied_zones: Vec<&str> = entries
        .iter()
        .filter(|e| e["result"] == "done")
        .map(|e| e["zone"]["id"].as_str().unwrap())
        .collect();
    let distinct: HashSet<&&str> = applied_zones.iter().collect();
    assert_eq!(distinct.len(), applied_zones.len(), "no zone applied twice");

    // Every zone the plan sends to was PATCHed once, or is listed unknown
    // (in flight at a kill, and the re-read could not tell).
    let record = std::fs::read_to_string(&journal).unwrap();
    let mut to_send = HashSet::new();
    let mut outcome: HashMap<String, String> = HashMap::new();
    for line in record
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        match line["kind"].as_str() {
            Some("plan") if line["step"] == "send" => {
                to_send.insert(line["zone"]["id"].as_str().unwrap().to_owned());
            }
            Some("outcome") => {
                outcome.insert(
                    line["zone"].as_str().unwrap().to_owned(),
                    line["outcome"]["result"].as_str().unwrap().to_owned(),
                );
            }
            _ => {}
        }
    }
    let mut unknown_zones = Vec::new();
    for zone in &to_send {
        let result = outcome.get(zone).map(String::as_str);
        match result {
            Some("unknown") => unknown_zones.push(zone.clone()),
            Some("done" | "adjusted") => assert_eq!(
                patched.get(zone),
                Some(&1),
                "{zone} is done, so it was PATCHed once (seed {seed})"
            ),
            other => panic!("{zone}: outcome {other:?} (seed {seed})"),
        }
    }
    assert_eq!(unknown_zones.len(), unknown);
    println!("{} zones, {unknown} unknown", to_send.len());

    // The unknown ones, on purpose: each gets one more PATCH, once.
    if unknown > 0 {
        let (code, out, err) = cli.run(&["fleet", "resume", &run, "--resend-unknown", "--yes"]);
        assert!(code == 0 || code == 1, "{code}\n{out}\n{err}");
        let after = patches(&mock);
        for zone in &unknown_zones {
            let before = patched.get(zone).copied().unwrap_or(0);
            assert_eq!(after.get(zone).copied().unwrap_or(0), before + 1, "{zone}");
        }
        let (code, _, err) = cli.run(&["fleet", "resume", &run, "--resend-unknown", "--yes"]);
        assert_eq!(code, 2, "a second resend is refused: {err}");
        assert_eq!(patches(&mock), after, "and sends nothing");
    }
    let patched = patches(&mock);
    for zone in &to_send {
        assert!(patched.contains_key(zone), "{zone} missed");
    }
}

#[test]
fn the_mock_keeps_a_write_whose_client_went_away_during_its_latency() {
    use std::io::Write;
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("mock-state.json");
    let mock = start_mock(&state);
    let auth = format!("Authorization: Bearer {TOKEN}\r\n");
    let zones = get_as(&mock, "/client/v4/zones?per_page=5", &auth);
    let zone = zones["result"][0]["id"].as_str().unwrap().to_owned();
    let addr = mock.root.trim_start_matches("http://").to_owned();
    let body = format!(r#"{{"value":{{"email":"{EMAIL}"}}}}"#);
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "PATCH /client/v4/zones/{zone}/settings/csam_scanner_third_party HTTP/1.1\r\n\
         Host: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    // The client goes away at once, long before the 50 ms latency is over.
    drop(stream);
    wait_for("the PATCH in the request log", || {
        patches(&mock).get(&zone) == Some(&1)
    });
    wait_for("its verification email", || {
        mails(&mock).get(&zone) == Some(&1)
    });
    let kept = get(&mock, "/__mock/state")["zones"][&zone]["email"].clone();
    assert_eq!(kept, EMAIL, "the write was applied");
}
