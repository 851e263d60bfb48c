//! `trustdeck mock` logs to stderr; when stderr is not a terminal (a file, a
//! pipe, journald) the log has no ANSI colour codes.
#![cfg(unix)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn the_mock_logs_without_colour_codes_to_a_pipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustdeck"))
        .args(["mock", "--listen", "127.0.0.1:0"])
        .env_remove("NO_COLOR")
        .env("TRUSTDECK_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let done = line.contains("listening");
            seen.push(line);
            if done {
                return;
            }
        }
    })
    .await;
    child.kill().await.unwrap();
    assert!(found.is_ok(), "no start-up log line: {seen:?}");
    let log = seen.join("\n");
    assert!(log.contains("INFO"), "{log}");
    assert!(
        !log.contains('\x1b'),
        "colour codes in a piped log: {log:?}"
    );
}
