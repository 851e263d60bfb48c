//! `fleet apply` asking on a real terminal (the binary in a PTY): Cancel is
//! the default, and turning scanning off on more than one zone runs only
//! when the admin types the number of zones.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use trustdeck::mock::RunningMock;

const WAIT: Duration = Duration::from_secs(30);

/// The binary in a pseudo-terminal, everything it wrote, and its input.
struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    seen: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _slave: Box<dyn portable_pty::SlavePty + Send>,
}

impl Pty {
    fn spawn(mock: &RunningMock, home: &std::path::Path, args: &[&str]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_trustdeck"));
        command.args(args);
        command.env_clear();
        for (name, value) in [
            ("TERM", "xterm-256color".to_owned()),
            ("CLOUDFLARE_API_TOKEN", FULL_TOKEN.to_owned()),
            ("CLOUDFLARE_BASE_URL", mock.base_url()),
            ("XDG_STATE_HOME", home.join("state").display().to_string()),
            ("XDG_CACHE_HOME", home.join("cache").display().to_string()),
            ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
            ("HOME", home.display().to_string()),
        ] {
            command.env(name, value);
        }
        let child = pair
            .slave
            .spawn_command(command)
            .expect("the binary starts");
        // The slave stays open here until the test ends: when its last fd
        // closes, Linux may answer the master's read with EIO before the
        // child's last bytes (the terminal's restore) are read, and they are lost.
        let slave = pair.slave;
        let mut reader = pair.master.try_clone_reader().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let feed = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Self {
            child,
            writer,
            seen,
            _master: pair.master,
            _slave: slave,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Waits until the output holds `what`; returns the output.
    async fn wait_for(&self, what: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text();
            if text.contains(what) {
                return text;
            }
            assert!(Instant::now() < deadline, "no {what:?} in:\n{text}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    async fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "still running:\n{}", self.text());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The N of "Type N to confirm".
fn asked_count(text: &str) -> usize {
    let at = text.find("Type ").expect("the typed confirmation") + "Type ".len();
    text[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

#[tokio::test]
async fn disabling_many_zones_runs_only_when_their_number_is_typed() {
    let mock = start_mock().await;
    let home = tempfile::tempdir().unwrap();
    let args = ["fleet", "apply", "--disable", "--account", "Globex Media"];
    let mut first = Pty::spawn(&mock, home.path(), &args);
    let text = first.wait_for("to confirm, anything else cancels: ").await;
    let zones = asked_count(&text);
    assert!(zones > 1, "{text}");
    assert!(
        text.contains(&format!("This stops CSAM scanning on {zones} zones.")),
        "{text}"
    );
    first.send(b"y\r");
    first.wait_for("cancelled: nothing was sent").await;
    assert_eq!(first.exit_code().await, 2);
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        0,
        "a y is not the number"
    );

    let mut second = Pty::spawn(&mock, home.path(), &args);
    second.wait_for("to confirm, anything else cancels: ").await;
    second.send(format!("{zones}\r").as_bytes());
    let text = second.wait_for("Journal: ").await;
    assert!(text.contains(&format!("{zones} done")), "{text}");
    assert_eq!(
        second.exit_code().await,
        1,
        "locked zones were skipped: {text}"
    );
    assert_eq!(count_requests(&mock, "PATCH").await, zones);
    mock.shutdown().await;
}

#[tokio::test]
async fn any_other_change_asks_yes_or_no_and_enter_cancels() {
    let mock = start_mock().await;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("zones.txt");
    std::fs::write(&file, format!("{GLOBEX_OFF}\n{SHOP}\n")).unwrap();
    let path = file.to_str().unwrap();
    let args = ["fleet", "apply", "--disable", "--zones", path];
    let mut one = Pty::spawn(&mock, home.path(), &args);
    let text = one.wait_for("[y/N] ").await;
    assert!(
        text.contains("Apply \"disable scanning\" to 1 zone?"),
        "{text}"
    );
    one.send(b"\r");
    one.wait_for("cancelled: nothing was sent").await;
    assert_eq!(one.exit_code().await, 2);
    let mut yes = Pty::spawn(
        &mock,
        home.path(),
        &["fleet", "apply", "--enable", "--zones", path],
    );
    yes.wait_for("[y/N] ").await;
    yes.send(b"y\r");
    yes.wait_for("Journal: ").await;
    assert_eq!(yes.exit_code().await, 0);
    assert_eq!(
        count_requests(&mock, "PATCH").await,
        1,
        "globex-media.tv only"
    );
    mock.shutdown().await;
}
