//! Resident memory of `trustdeck --demo` in a 120x40 pseudo-terminal: VmRSS
//! (and its anonymous and file-backed parts) from /proc/PID/status 3 s after
//! spawn, and again after a short session (`z royal-m Esc z uploads Esc`).
//! Runs the binary 5 times and prints each run and the medians.
//!
//!     cargo build --release && cargo run --release --example demo_rss
//!
//! With `-- --external-mock` the dashboard runs against a separate
//! `trustdeck mock` process instead (`--base-url`, the same data): the
//! difference from a `--demo` run is what the embedded mock costs.
//!
//! Each run gets an empty environment (TERM, PATH) and a fresh HOME, so no
//! config file or recent-zones list of the person running it counts.
//! Linux only (reads /proc). Talks only to loopback.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[path = "support/mock_process.rs"]
mod mock_process;

const ROWS: NonZeroU16 = NonZeroU16::new(40).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(120).unwrap();
const RUNS: usize = 5;

/// The `trustdeck` binary built beside this example (target/<profile>/trustdeck).
fn bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|examples| examples.parent()).unwrap();
    let bin = dir.join("trustdeck");
    assert!(
        bin.exists(),
        "build the binary first: cargo build --release ({} missing)",
        bin.display()
    );
    bin
}

/// VmRSS, RssAnon and RssFile in KiB.
#[derive(Clone, Copy, Debug, Default)]
struct Rss {
    total: u64,
    anon: u64,
    file: u64,
}

fn rss(pid: u32) -> Rss {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Rss {
        total: field("VmRSS:"),
        anon: field("RssAnon:"),
        file: field("RssFile:"),
    }
}

/// One run: (3 s after spawn, after the session). `external` = the base
/// URL and token of a separate mock, else `--demo`.
fn run(external: Option<(&str, &str)>) -> (Rss, Rss) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS.get(),
            cols: COLS.get(),
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut command = CommandBuilder::new(bin());
    command.env_clear();
    command.env("TERM", "xterm-256color");
    command.env("PATH", std::env::var("PATH").unwrap_or_default());
    for name in ["HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"] {
        command.env(name, home.path());
    }
    match external {
        Some((url, token)) => {
            command.args(["--base-url", url]);
            command.env("CLOUDFLARE_API_TOKEN", token);
        }
        None => command.arg("--demo"),
    }
    let spawned = Instant::now();
    let mut child = pair.slave.spawn_command(command).unwrap();
    drop(pair.slave);
    let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
    let mut reader = pair.master.try_clone_reader().unwrap();
    let feed = screen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().unwrap().process(&buf[..n]);
        }
    });
    let mut writer = pair.master.take_writer().unwrap();
    let text = || screen.lock().unwrap().screen().contents();
    let wait = |check: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !check(&text()) {
            assert!(Instant::now() < deadline, "timed out; screen:\n{}", text());
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let pid = child.process_id().unwrap();
    wait(&|t| t.contains("ncmec_ngo") && t.contains("OCR"));
    std::thread::sleep(Duration::from_secs(3).saturating_sub(spawned.elapsed()));
    let at_start = rss(pid);
    for query in ["royal-m", "uploads"] {
        writer.write_all(b"z").unwrap();
        writer.flush().unwrap();
        wait(&|t| t.contains("loaded"));
        writer.write_all(query.as_bytes()).unwrap();
        writer.flush().unwrap();
        // The picker's title counts the matches once the query is applied.
        let title = format!("match \"{query}\"");
        wait(&|t| t.contains(&title));
        writer.write_all(b"\x1b").unwrap();
        writer.flush().unwrap();
        wait(&|t| !t.contains("Zones · "));
    }
    let after = rss(pid);
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let _ = child.wait();
    (at_start, after)
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

fn main() {
    let external = std::env::args().any(|a| a == "--external-mock");
    let mock = external.then(|| mock_process::start(&bin()));
    let size = std::fs::metadata(bin()).unwrap().len();
    println!(
        "binary: {size} bytes ({:.2} MB); {}",
        size as f64 / 1_000_000.0,
        if external {
            "the dashboard alone, against a separate `trustdeck mock`"
        } else {
            "--demo (dashboard and embedded mock)"
        }
    );
    let mut runs = Vec::new();
    for n in 1..=RUNS {
        let target = mock.as_ref().map(|m| (m.url.as_str(), m.token.as_str()));
        let (start, after) = run(target);
        println!(
            "run {n}: 3 s after spawn VmRSS {} KiB (anon {}, file {}); after the session {} KiB (anon {}, file {})",
            start.total, start.anon, start.file, after.total, after.anon, after.file
        );
        runs.push((start, after));
    }
    drop(mock);
    let pick = |f: fn(&(Rss, Rss)) -> u64| median(runs.iter().map(f).collect());
    println!(
        "median: 3 s after spawn {} KiB (anon {}, file {}); after the session {} KiB (anon {}, file {})",
        pick(|r| r.0.total),
        pick(|r| r.0.anon),
        pick(|r| r.0.file),
        pick(|r| r.1.total),
        pick(|r| r.1.anon),
        pick(|r| r.1.file),
    );
}
