//! The audit file on disk: 0600 in a 0700 folder, damaged lines skipped with
//! a warning, rotation that keeps three files and loses no line, and whole
//! lines when threads and processes append at once.
#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use crate::audit_common::*;
use trustdeck::audit::{AuditLog, Filter, Problem, Rotation, read, rotated_path};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn append_raw(path: &Path, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

/// The longest line one [`record_csam`] writes, measured on a scratch log.
fn record_line_max() -> u64 {
    let s = Scratch::new();
    record_csam(&s.log, zone());
    let text = std::fs::read_to_string(s.path()).unwrap();
    text.lines().map(|l| l.len() as u64 + 1).max().unwrap()
}

/// Every line of every file parses as JSON; returns the ids of the intents
/// (the records without an outcome yet).
fn whole_lines(path: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    for file in files(path) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{}",
            file.display()
        );
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: a broken line ({e}): {line:.80}", file.display()));
            if value["kind"] == "audit_entry" && value["outcome_at"].is_null() {
                ids.push(value["id"].as_str().unwrap().to_owned());
            }
        }
    }
    ids
}

#[test]
fn the_file_is_private_and_so_is_its_folder() {
    let s = Scratch::with(Rotation {
        max_bytes: 1,
        ..Rotation::default()
    });
    record_csam(&s.log, zone());
    let dir = s.path().parent().unwrap();
    assert_eq!(mode(dir), 0o700);
    assert_eq!(mode(s.path()), 0o600);
    assert_eq!(mode(&rotated_path(s.path(), 1)), 0o600, "rotated");
    let mut lock = s.path().as_os_str().to_owned();
    lock.push(".lock");
    assert_eq!(mode(Path::new(&lock)), 0o600, "lock file");

    std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    record_csam(&s.log, zone());
    assert_eq!(mode(dir), 0o700, "a folder others may enter is closed");
    assert_eq!(mode(s.path()), 0o600, "a file others may read is closed");
}

#[test]
fn damaged_lines_are_skipped_with_a_warning() {
    let s = Scratch::new();
    record_csam(&s.log, zone());
    let first = std::fs::read_to_string(s.path()).unwrap();
    let bad_time = first
        .lines()
        .next()
        .unwrap()
        .replace("2025-06-01T10:00:00Z", "yesterday");
    append_raw(
        s.path(),
        br#"{"v":1,"kind":"intent","id":"ab12","time":"2025-06"#,
    );
    append_raw(s.path(), b"\n\xff\xfe\x00garbage\x1b[31m\x00\x01\n");
    let mut huge = br#"{"v":1,"kind":"intent","note":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    huge.extend(b"\"}\n\n");
    append_raw(s.path(), &huge);
    append_raw(s.path(), format!("{bad_time}\n").as_bytes());
    s.set_time(T0 + 1);
    record_csam(&s.log, zone());

    let report = read(s.path(), &Filter::default());
    assert_eq!(report.entries.len(), 2, "{report:?}");
    assert_eq!(report.skipped, 4);
    let at: Vec<(Option<u64>, &Problem)> = report
        .warnings
        .iter()
        .map(|w| (w.line, &w.problem))
        .collect();
    assert!(
        matches!(at[0], (Some(3), Problem::Malformed { .. })),
        "{at:?}"
    );
    assert!(
        matches!(at[1], (Some(4), Problem::Malformed { .. })),
        "{at:?}"
    );
    assert!(
        matches!(at[2], (Some(5), Problem::TooLong { bytes }) if *bytes > 1024 * 1024),
        "{at:?}"
    );
    assert!(matches!(at[3], (Some(7), Problem::BadTime)), "{at:?}");
    for warning in &report.warnings {
        let text = warning.to_string();
        assert!(text.starts_with("audit.jsonl line "), "{text}");
        assert!(
            !text.contains("garbage") && !text.contains("aaaa"),
            "{text}"
        );
    }
}

#[test]
fn rotation_keeps_three_files_and_loses_no_line() {
    let line = record_line_max();
    let per_file = 10;
    let s = Scratch::with(Rotation {
        max_bytes: line * 2 * per_file,
        keep: 3,
        ..Rotation::default()
    });
    // Three rotations' worth: everything still fits in the four files.
    let mut written = Vec::new();
    for _ in 0..(per_file * 3 + per_file / 2) {
        written.push(record_csam(&s.log, zone()).id);
    }
    assert!(rotated_path(s.path(), 3).exists());
    assert_eq!(whole_lines(s.path()), written, "every line, in order");
    let report = read(s.path(), &Filter::default());
    assert_eq!(report.entries.len(), written.len());
    assert_eq!(report.skipped, 0);

    for _ in 0..(per_file * 5) {
        written.push(record_csam(&s.log, zone()).id);
    }
    assert!(!rotated_path(s.path(), 4).exists(), "only three are kept");
    for file in files(s.path()) {
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size <= line * 2 * per_file, "{}: {size}", file.display());
    }
    let kept = whole_lines(s.path());
    assert!(kept.len() >= (per_file * 3) as usize, "{}", kept.len());
    assert_eq!(
        kept,
        written[written.len() - kept.len()..],
        "the newest, no gap"
    );
}

#[test]
fn threads_appending_at_once_write_only_whole_lines() {
    let line = record_line_max();
    let s = Scratch::with(Rotation {
        max_bytes: line * 110,
        ..Rotation::default()
    });
    // 320 lines: at most three rotations, so none is lost.
    let (threads, each) = (4, 40);
    let ids: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let log = s.log.clone();
                scope.spawn(move || {
                    (0..each)
                        .map(|_| record_csam(&log, zone()).id)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(rotated_path(s.path(), 1).exists(), "it rotated meanwhile");
    let mut found = whole_lines(s.path());
    let mut expected = ids;
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "every line survived the rotations");
    let report = read(s.path(), &Filter::default());
    assert_eq!(report.skipped, 0, "{:?}", report.warnings);
    assert!(report.entries.iter().all(|e| e.outcome.is_some()));
}

const CHILD_PATH: &str = "TRUSTDECK_AUDIT_TEST_CHILD_PATH";
const CHILD_MAX: &str = "TRUSTDECK_AUDIT_TEST_CHILD_MAX";
const CHILD_RECORDS: usize = 60;

/// A helper process, not a test on its own (hence ignored): started by the
/// next test with its variables set, it appends to the shared log and checks
/// that every record it wrote is there, whole, while the others append.
#[test]
#[ignore = "started by processes_appending_at_once_write_only_whole_lines"]
fn child_appender() {
    let path = std::env::var(CHILD_PATH).expect("started with the shared log's path");
    let max = std::env::var(CHILD_MAX).expect("started with the rotation size");
    let log = AuditLog::new(&path, None, BASE_URL).with_rotation(Rotation {
        max_bytes: max.parse().unwrap(),
        ..Rotation::default()
    });
    let mut mine = Vec::new();
    for _ in 0..CHILD_RECORDS {
        let id = record_csam(&log, zone()).id;
        println!("audit-id={id}");
        mine.push(id);
    }
    let report = read(Path::new(&path), &Filter::default());
    let found: std::collections::HashSet<&str> =
        report.entries.iter().map(|e| e.id.as_str()).collect();
    let lost: Vec<&String> = mine
        .iter()
        .filter(|id| !found.contains(id.as_str()))
        .collect();
    assert!(lost.is_empty(), "records not found in the log: {lost:?}");
}

#[test]
fn processes_appending_at_once_write_only_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trustdeck/audit.jsonl");
    // Three processes write 360 lines: at most two rotations, none lost.
    let max = record_line_max() * 130;
    let children: Vec<_> = (0..3)
        .map(|_| {
            Process::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "audit_files::child_appender",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_PATH, &path)
                .env(CHILD_MAX, max.to_string())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut expected = Vec::new();
    for child in children {
        let output = wait_with_timeout(child, Duration::from_secs(120));
        assert!(output.status.success(), "child failed");
        let stdout = String::from_utf8(output.stdout).unwrap();
        expected.extend(
            stdout
                .lines()
                .filter_map(|l| l.split_once("audit-id=").map(|(_, id)| id.to_owned())),
        );
    }
    assert_eq!(expected.len(), 3 * CHILD_RECORDS);
    assert!(rotated_path(&path, 1).exists(), "it rotated meanwhile");
    let mut found = whole_lines(&path);
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

fn wait_with_timeout(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("a child appender did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_held_lock_delays_rotation_but_never_drops_the_line() {
    let s = Scratch::with(Rotation {
        max_bytes: 1,
        keep: 3,
        lock_wait: Duration::from_millis(30),
    });
    record_csam(&s.log, zone());
    let mut lock_path = s.path().as_os_str().to_owned();
    lock_path.push(".lock");
    let held = std::fs::File::open(&lock_path).unwrap();
    // SAFETY: flock only reads the descriptor, which `held` keeps open.
    let rc = unsafe {
        libc::flock(
            std::os::fd::AsRawFd::as_raw_fd(&held),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    assert_eq!(rc, 0);
    let before = std::fs::read_to_string(s.path()).unwrap().lines().count();
    let started = Instant::now();
    let id = record_csam(&s.log, zone()).id;
    assert!(started.elapsed() >= Duration::from_millis(30), "it waited");
    let text = std::fs::read_to_string(s.path()).unwrap();
    assert!(text.contains(&id), "the line is there, in the current file");
    assert_eq!(text.lines().count(), before + 2, "appended, not rotated");
    drop(held);
    record_csam(&s.log, zone());
    assert!(rotated_path(s.path(), 2).exists(), "rotation resumes");
}

#[test]
fn rotations_racing_each_other_lose_nothing() {
    // Every line rotates the file (max 1 byte), and up to nine are kept: each
    // file must end with exactly one line, none lost, whatever the timing.
    let threads = 6;
    for round in 0..20 {
        let s = Scratch::with(Rotation {
            max_bytes: 1,
            keep: 9,
            ..Rotation::default()
        });
        let barrier = std::sync::Barrier::new(threads);
        let mut ids: Vec<String> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let (log, barrier) = (s.log.clone(), &barrier);
                    scope.spawn(move || {
                        let intent = trustdeck::audit::Intent::csam_patch(
                            trustdeck::audit::Origin::dashboard(),
                            zone(),
                            &csam_patch("a@b.example"),
                            None,
                        );
                        barrier.wait();
                        log.record_intent(&intent).unwrap().id
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let mut found = whole_lines(s.path());
        found.sort();
        ids.sort();
        assert_eq!(found, ids, "round {round}");
        for file in files(s.path()) {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            assert_eq!(lines, 1, "round {round}: {}", file.display());
        }
    }
}
