//! A few coarse tests of the real binary in a pseudo-terminal: `--demo`
//! starts, draws, takes keys, quits, and always gives the terminal back.
//! Behaviour is tested in-process (dashboard_flows.rs); these stay few.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const WAIT: Duration = Duration::from_secs(20);

struct Pty {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, to check what it never did.
    raw: Arc<Mutex<Vec<u8>>>,
    _state_dir: tempfile::TempDir,
    _slave: Box<dyn portable_pty::SlavePty + Send>,
    /// The screen before the first bytes sent since the last wait (a wait
    /// for their effect must not already hold on it).
    before_input: Mutex<Option<String>>,
}

impl Pty {
    fn demo(cols: u16, rows: u16) -> Self {
        Self::demo_with(cols, rows, &[])
    }

    fn demo_with(cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        Self::binary(&["--demo"], cols, rows, env)
    }

    /// The real binary with `args`, in a clean environment plus `env`.
    fn binary(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_trustdeck"));
        command.args(args);
        Self::spawn(command, cols, rows, env)
    }

    fn spawn(mut command: CommandBuilder, cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        let system = native_pty_system();
        let pair = system
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let state_dir = tempfile::tempdir().unwrap();
        command.env_clear();
        command.env("TERM", "xterm-256color");
        command.env("PATH", std::env::var("PATH").unwrap_or_default());
        command.env("XDG_STATE_HOME", state_dir.path());
        command.env("HOME", state_dir.path());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair
            .slave
            .spawn_command(command)
            .expect("spawn trustdeck --demo");
        // The slave stays open here until the test ends: when its last fd
        // closes, Linux may answer the master's read with EIO before the
        // child's last bytes (the terminal's restore) are read, and they are lost.
        let slave = pair.slave;
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).expect("rows > 0"),
            NonZeroU16::new(cols).expect("cols > 0"),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let feed = screen.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let record = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
                record.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Self {
            master: pair.master,
            child,
            writer,
            screen,
            raw,
            _state_dir: state_dir,
            _slave: slave,
            before_input: Mutex::new(None),
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) {
        if let Some(before) = self.before_input.lock().unwrap().take() {
            assert!(
                !check(&before),
                "waiting for {what}, which was on screen before the keys were sent; screen:\n{before}"
            );
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text();
            if check(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let screen = self.text();
        self.before_input.lock().unwrap().get_or_insert(screen);
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "trustdeck did not exit; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal is back: cooked mode, main screen, cursor visible.
    fn assert_restored(&self) {
        // portable-pty's termios is its own nix version's: compared as bits.
        let flags = self
            .master
            .get_termios()
            .expect("termios of the pty")
            .local_flags;
        let cooked = libc::ICANON | libc::ECHO;
        assert!(
            flags.bits() & cooked == cooked,
            "raw mode was left on: {flags:?}"
        );
        // The reader thread may still be draining the last bytes.
        let deadline = Instant::now() + WAIT;
        loop {
            let parser = self.screen.lock().unwrap();
            let screen = parser.screen();
            if !screen.alternate_screen() && !screen.hide_cursor() {
                return;
            }
            drop(parser);
            assert!(
                Instant::now() < deadline,
                "the alternate screen or hidden cursor was left behind"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn both_panels(text: &str) -> bool {
    text.contains("CSAM Scanner")
        && text.contains("DLP settings")
        && text.contains("ncmec_ngo")
        && text.contains("OCR")
}

#[test]
fn demo_draws_both_panels_toggles_and_quits() {
    let mut pty = Pty::demo(120, 40);
    pty.wait_for("both panels with data", both_panels);
    assert!(pty.text().contains("DEMO"), "the header says it is a demo");
    pty.send(b" ");
    pty.wait_for("a staged change", |t| t.contains("unsaved"));
    pty.send(b"u");
    pty.wait_for("the change discarded", |t| !t.contains("unsaved change"));
    pty.send(b"q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}

#[test]
fn demo_works_at_80x24() {
    let mut pty = Pty::demo(80, 24);
    pty.wait_for("both panels with data", both_panels);
    pty.send(b"q");
    assert!(pty.wait_exit().success());
    pty.assert_restored();
}

#[test]
fn each_signal_restores_the_terminal_and_sets_the_exit_status() {
    use nix::sys::signal::Signal;
    for (signal, code) in [
        (Signal::SIGTERM, 143),
        (Signal::SIGHUP, 129),
        (Signal::SIGINT, 130),
    ] {
        let mut pty = Pty::demo(100, 30);
        pty.wait_for("both panels with data", both_panels);
        let pid = pty.child.process_id().expect("pid") as i32;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal).unwrap();
        let status = pty.wait_exit();
        assert_eq!(status.exit_code(), code, "{signal}: {status:?}");
        pty.assert_restored();
    }
}

/// Runs the binary with `args` in a pseudo-terminal, expects it to refuse
/// with exit 2 before taking the terminal over, and returns what it said.
fn refused_before_the_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut pty = Pty::binary(args, 120, 30, env);
    let status = pty.wait_exit();
    assert_eq!(
        status.exit_code(),
        2,
        "{args:?}: {status:?}\n{}",
        pty.text()
    );
    pty.assert_restored();
    let raw = pty.raw.lock().unwrap().clone();
    assert!(
        !raw.windows(8).any(|w| w == b"\x1b[?1049h"),
        "{args:?}: the alternate screen was entered"
    );
    pty.wait_for("the message", |t| t.contains("trustdeck: "));
    pty.text()
}

#[test]
fn missing_credentials_are_explained_before_the_terminal_is_taken() {
    let text = refused_before_the_terminal(&[], &[]);
    assert!(
        text.contains("CLOUDFLARE_API_TOKEN") && text.contains("--demo"),
        "{text}"
    );
    let text = refused_before_the_terminal(&[], &[("CLOUDFLARE_EMAIL", "ada@example.com")]);
    assert!(
        text.contains("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"),
        "{text}"
    );
    assert!(!text.contains("ada@example.com"), "{text}");
}

#[test]
fn without_a_terminal_it_says_so_and_touches_nothing() {
    for args in [&[][..], &["--demo"][..]] {
        let state = tempfile::tempdir().unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_trustdeck"))
            .args(args)
            .env_clear()
            .env("HOME", state.path())
            .env("XDG_STATE_HOME", state.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(
                "trustdeck needs an interactive terminal; for scripts use the headless \
                 commands (see `trustdeck --help`)"
            ),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("os error"), "{stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing drawn");
        assert!(
            !state.path().join("trustdeck").exists(),
            "{args:?}: no log or state folder was made"
        );
    }
}

#[test]
fn demo_says_what_it_does_with_base_url_zone_and_account() {
    let text = refused_before_the_terminal(&["--demo", "--base-url", "http://127.0.0.1:9/x"], &[]);
    assert!(
        text.contains("--demo runs its own mock server, so --base-url"),
        "{text}"
    );
    let text = refused_before_the_terminal(
        &["--demo", "--zone", "0123456789abcdef0123456789abcdef"],
        &[],
    );
    assert!(
        text.contains("not a zone of the demo data") && text.contains("press z"),
        "{text}"
    );
    let text = refused_before_the_terminal(&["--demo", "--account", "nope"], &[]);
    assert!(text.contains("not an account of the demo data"), "{text}");
    // The demo's own ids are opened.
    let mut pty = Pty::binary(
        &[
            "--demo",
            "--zone",
            "c69ac876c5b65abdd6cea4285c9b774d",
            "--account",
            "617ca983aad8640f63d7494f873aff3a",
        ],
        120,
        40,
        &[],
    );
    pty.wait_for("the chosen zone and account", |t| {
        both_panels(t) && t.contains("c69ac876c5b65abdd6cea4285c9b774d") && t.contains("617ca983")
    });
    pty.send(b"q");
    assert!(pty.wait_exit().success());
    pty.assert_restored();
}

#[test]
fn the_log_goes_to_the_state_directory_and_holds_no_secret() {
    let mut pty = Pty::demo_with(120, 40, &[("TRUSTDECK_LOG", "debug")]);
    pty.wait_for("both panels with data", both_panels);
    pty.send(b"jj s");
    pty.wait_for("the save", |t| t.contains("Saved"));
    pty.send(b"q");
    assert!(pty.wait_exit().success());
    let log = std::fs::read_to_string(pty._state_dir.path().join("trustdeck/trustdeck.log"))
        .expect("the log file");
    assert!(
        log.contains("api call"),
        "debug logging records API calls:\n{log}"
    );
    for secret in ["tdemo-", "c2547eb745079dac9320b638f5e225cf483cc", "Bearer"] {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
    assert!(
        !pty.text().contains("api call"),
        "nothing is logged to the screen"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let folder = pty._state_dir.path().join("trustdeck");
    assert_eq!(mode(&folder), 0o700, "the state folder is the user's alone");
    assert_eq!(mode(&folder.join("trustdeck.log")), 0o600, "so is the log");
}

/// Set in the child run of [`a_panic_restores_the_terminal`].
const PANIC_CHILD: &str = "TRUSTDECK_TEST_PANIC_CHILD";

/// Runs this test binary again in a pseudo-terminal; the child takes the
/// terminal over with the real `TerminalGuard`, forgets the guard (so only
/// the panic hook can restore) and panics.
#[test]
fn a_panic_restores_the_terminal() {
    if std::env::var_os(PANIC_CHILD).is_some() {
        let guard = trustdeck::terminal::TerminalGuard::enter(true).expect("a terminal");
        std::mem::forget(guard);
        panic!("deliberate panic with the terminal taken over");
    }
    let mut command = CommandBuilder::new(std::env::current_exe().unwrap());
    command.args([
        "--exact",
        "pty_demo::a_panic_restores_the_terminal",
        "--nocapture",
        "--test-threads=1",
    ]);
    let mut pty = Pty::spawn(command, 100, 30, &[(PANIC_CHILD, "1")]);
    let status = pty.wait_exit();
    assert!(!status.success(), "the child was meant to panic");
    pty.assert_restored();
    pty.wait_for("the panic message on the normal screen", |t| {
        t.contains("deliberate panic")
    });
}

/// Set in the child run of [`a_panic_in_a_task_ends_the_process_and_restores_the_terminal`].
const TASK_PANIC_CHILD: &str = "TRUSTDECK_TEST_TASK_PANIC_CHILD";

/// The child takes the terminal with the real `TerminalGuard`, keeps it, and
/// a spawned tokio task panics while the main thread waits forever: the
/// panic alone must end the process, restore the terminal and show why.
#[test]
fn a_panic_in_a_task_ends_the_process_and_restores_the_terminal() {
    if std::env::var_os(TASK_PANIC_CHILD).is_some() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let _guard = trustdeck::terminal::TerminalGuard::enter(false).expect("a terminal");
            tokio::spawn(async { panic!("deliberate panic in a worker task") });
            std::future::pending::<()>().await;
        });
        unreachable!("the panic ends the process");
    }
    let mut command = CommandBuilder::new(std::env::current_exe().unwrap());
    command.args([
        "--exact",
        "pty_demo::a_panic_in_a_task_ends_the_process_and_restores_the_terminal",
        "--nocapture",
        "--test-threads=1",
    ]);
    let mut pty = Pty::spawn(command, 100, 30, &[(TASK_PANIC_CHILD, "1")]);
    let status = pty.wait_exit();
    assert_eq!(status.exit_code(), 101, "{status:?}");
    pty.assert_restored();
    pty.wait_for("the panic message on the normal screen", |t| {
        t.contains("deliberate panic in a worker task")
    });
}

#[test]
fn a_bad_keys_table_is_refused_at_its_line_before_the_terminal_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "theme = \"light\"\n[keys]\nquit = \"Q\"\nhelp = \"S\"\n",
    )
    .unwrap();
    let config = path.to_str().unwrap();
    let text = refused_before_the_terminal(&["--demo"], &[("TRUSTDECK_CONFIG", config)]);
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(config) && text.contains("line 4,"), "{text}");
    assert!(text.contains("[keys.fleet] sort"), "{text}");
}
