//! The fleet page at scale, on the real dashboard loop (a 120x40
//! TestBackend, keys through the loop's input stream) against a mock in a
//! process of its own (this example started again with `--mock`, so the
//! resident figures are the dashboard's alone), with no latency and a rate
//! limit far above the scan:
//!
//! 1. `f` → the finished scan on screen ("Scanned just now"), beside the
//!    headless engine's scan of the same zones (`fleet::start_scan` folded
//!    into a `FleetScan`, as `trustdeck fleet scan` does);
//! 2. key → frame for `j`, `k`, `S` (re-sort) and `o` (the not-scanning
//!    filter, on and off) once the scan is done: median and p95 of 40 of
//!    each; the floor is the median of every key on the page holding the
//!    smallest fleet (what ratatui and the loop cost);
//! 3. the process's VmRSS before the dashboard starts and after the scan,
//!    and its peak (Linux); `-- --headless ZONES` measures the headless
//!    scan alone in a fresh process, to set beside it.
//!
//!     cargo run --release --example fleet_page [-- ZONES...]
//!
//! ZONES are the mock's `--zones`, the zones served in all (default 108
//! 10008 100000).
//! Talks only to loopback.

use std::io::{self, BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;
use trustdeck::api::worker::Worker;
use trustdeck::api::{Client, ClientConfig, Credentials};
use trustdeck::fleet::{FleetScan, ScanOptions, start_scan};
use trustdeck::state::{AppState, Context};

/// A rate limit the scans never reach: the client learns it from the
/// mock's headers and never waits for a window.
const NO_LIMIT: &str = "100000000/5m";
/// Presses of each key measured.
const PRESSES: usize = 40;
/// The longest a scan of the largest fleet may take before the run fails.
const SCAN_MOST: Duration = Duration::from_secs(1200);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--mock") {
        let accounts = args
            .get(2)
            .map(|a| a.parse().expect("ACCOUNTS is a number"));
        serve_mock(args[1].parse().expect("ZONES is a number"), accounts);
        return;
    }
    if args.first().map(String::as_str) == Some("accounts") {
        let n = args
            .get(1)
            .map_or(1000, |a| a.parse().expect("N is a number"));
        accounts_beside_zones(n);
        return;
    }
    if args.first().map(String::as_str) == Some("--headless") {
        headless_alone(args[1].parse().expect("ZONES is a number"));
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![108, 10_008, 100_000]
    } else {
        args.iter()
            .map(|a| a.parse().expect("ZONES is a number"))
            .collect()
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    // The floor: the median of every key on the page holding the smallest
    // fleet, where the frame is what ratatui and the loop cost.
    let mut floor = None;
    for zones in sizes {
        let keys = measure(&runtime, zones);
        let floor = *floor.get_or_insert_with(|| {
            let all: Vec<Duration> = keys.iter().flat_map(|(_, t)| t.clone()).collect();
            percentile(&all, 50)
        });
        for (key, times) in &keys {
            let (median, p95) = (percentile(times, 50), percentile(times, 95));
            println!(
                "  key {key}: median {:.2} ms, p95 {:.2} ms ({:.2} × the floor's median {:.2} ms)",
                ms(median),
                ms(p95),
                median.as_secs_f64() / floor.as_secs_f64().max(1e-9),
                ms(floor),
            );
        }
    }
}

/// Only the headless scan, in a process of its own: what it leaves
/// resident, to set beside the page's figure.
fn headless_alone(zones: usize) {
    let mock = MockChild::start(zones);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let before = rss_kib();
    let (took, read) = runtime.block_on(headless_scan(&mock));
    println!(
        "headless scan alone, {read} zones: {:.2} s; VmRSS {:.1} MB before, {:.1} MB after \
         (peak {:.1} MB)",
        took.as_secs_f64(),
        mb(before),
        mb(rss_kib()),
        mb(hwm_kib()),
    );
}

/// The child: a mock of `zones` zones in all; prints its base URL and
/// token, and serves until its stdin closes (the parent is gone).
fn serve_mock(zones: usize, accounts: Option<usize>) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let mock = trustdeck::mock::start(trustdeck::mock::MockConfig {
            zones: Some(zones),
            accounts,
            rate_limit: Some(NO_LIMIT.parse().expect("a limit")),
            ..trustdeck::mock::MockConfig::demo()
        })
        .await
        .expect("the mock starts");
        println!(
            "{} {}",
            mock.base_url(),
            mock.credentials().full_access_token
        );
        tokio::task::spawn_blocking(|| io::stdin().lines().for_each(drop))
            .await
            .ok();
    });
}

/// A mock process; killed when dropped.
struct MockChild {
    child: Child,
    url: String,
    token: String,
}

impl MockChild {
    fn start(zones: usize) -> Self {
        Self::start_with(&["--mock".to_owned(), zones.to_string()])
    }

    fn start_with(args: &[String]) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this example"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the mock process starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its banner");
        let (url, token) = line.trim().split_once(' ').expect("URL TOKEN");
        Self {
            url: url.to_owned(),
            token: token.to_owned(),
            child,
        }
    }

    fn client(&self) -> Client {
        let config = ClientConfig::new(Credentials::token(self.token.clone()))
            .with_base_url(self.url.clone());
        Client::new(config).expect("a client")
    }
}

impl Drop for MockChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `accounts N`: the same keys on the accounts page holding N accounts and
/// on the fleet page holding N zones, one mock serving both, so the two
/// pages' frame costs stand side by side.
fn accounts_beside_zones(n: usize) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mock = MockChild::start_with(&["--mock".to_owned(), n.to_string(), n.to_string()]);
    let ui = Ui::start(&runtime, &mock);
    ui.wait_for("the settings page", Duration::from_secs(60), |s| {
        s.contains("Sources")
    });
    let mut pages = Vec::new();
    for (page, key, noun) in [
        ("fleet page", 'f', "zones"),
        ("accounts page", '4', "accounts"),
    ] {
        ui.key(key);
        let grouped = format!("{} of {} shown", thousands(n as u64), thousands(n as u64));
        let plain = format!("{n} of {n} shown");
        ui.wait_for(noun, SCAN_MOST, |s| {
            s.contains("Scanned just now") && (s.contains(&grouped) || s.contains(&plain))
        });
        for key in "jjjjkkkk".chars() {
            ui.press(key);
        }
        let mut all = Vec::new();
        let mut unchanged = 0;
        for key in ['j', 'k', 'S'] {
            for _ in 0..PRESSES {
                let (took, changed) = ui.press_changing(key);
                all.push(took);
                unchanged += usize::from(!changed);
            }
        }
        pages.push((page, all, unchanged));
    }
    ui.stop();
    for (page, times, unchanged) in &pages {
        println!(
            "{page} holding {n}: j, k and S, median {:.2} ms, p95 {:.2} ms ({} presses, \
             {unchanged} of them changed nothing within 1 s)",
            ms(percentile(times, 50)),
            ms(percentile(times, 95)),
            times.len()
        );
    }
}

fn thousands(n: u64) -> String {
    trustdeck::fleet::thousands(n)
}

/// One fleet size: prints the scan figures, returns each key's times.
fn measure(runtime: &tokio::runtime::Runtime, zones: usize) -> Vec<(&'static str, Vec<Duration>)> {
    let mock = MockChild::start(zones);
    let rss_before = rss_kib();
    let ui = Ui::start(runtime, &mock);
    ui.wait_for("the settings page", Duration::from_secs(60), |s| {
        s.contains("Sources")
    });
    let started = Instant::now();
    ui.key('f');
    let screen = ui.wait_for("the scan's end", SCAN_MOST, |s| {
        s.contains("Scanned just now")
    });
    let page = started.elapsed();
    let (rss_after, peak) = (rss_kib(), hwm_kib());
    let shown = screen
        .lines()
        .find_map(|l| {
            let at = l.find(" shown")?;
            l[..at].rsplit("— ").next().map(str::to_owned)
        })
        .unwrap_or_default();
    for key in "jjjjkkkk".chars() {
        ui.press(key);
    }
    let mut keys = Vec::new();
    for (name, key) in [
        ("j", 'j'),
        ("k", 'k'),
        ("S (sort)", 'S'),
        ("o (filter)", 'o'),
    ] {
        let times = (0..PRESSES).map(|_| ui.press(key)).collect();
        keys.push((name, times));
    }
    // Once the scan's own memory is given back (its task ends after the
    // last row is shown) and the keys have run: the page as it stays open.
    let rss_settled = rss_kib();
    // After the page and its keys, so those figures are the page's alone;
    // the better of two, as the mock is warm by then.
    let (first, read) = runtime.block_on(headless_scan(&mock));
    let (second, _) = runtime.block_on(headless_scan(&mock));
    let headless = first.min(second);
    assert_eq!(
        shown,
        {
            let read = trustdeck::fleet::thousands(read as u64);
            format!("{read} of {read}")
        },
        "the page shows every zone the headless scan read"
    );
    println!(
        "mock --zones {zones} ({shown} shown): f → finished scan on the page {:.2} s; \
         headless scan {:.2} s (page / headless {:.2}); VmRSS {:.1} MB before the dashboard, \
         {:.1} MB after the scan (peak {:.1} MB), {:.1} MB after the keys",
        page.as_secs_f64(),
        headless.as_secs_f64(),
        page.as_secs_f64() / headless.as_secs_f64(),
        mb(rss_before),
        mb(rss_after),
        mb(peak),
        mb(rss_settled),
    );
    ui.stop();
    keys
}

/// The engine's scan of every zone, as the headless command runs it: how
/// long it took and how many zones it read.
async fn headless_scan(mock: &MockChild) -> (Duration, usize) {
    let client = mock.client();
    let started = Instant::now();
    let mut table = FleetScan::new(None, 0);
    let end = start_scan(&client, ScanOptions::default())
        .run_into(&mut table)
        .await
        .expect("a Finished event");
    let took = started.elapsed();
    assert!(end.read > 0 && end.failed == 0, "every zone read: {end:?}");
    (took, end.read)
}

/// The dashboard's loop on a TestBackend that says when it flushed.
struct Ui {
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    backend: Arc<Mutex<TestBackend>>,
    frames: std_mpsc::Receiver<()>,
    task: tokio::task::JoinHandle<io::Result<AppState>>,
}

impl Ui {
    /// The loop on `runtime`'s threads; this thread only sends keys and
    /// waits for frames.
    fn start(runtime: &tokio::runtime::Runtime, mock: &MockChild) -> Self {
        let _inside = runtime.enter();
        let context = Context {
            base_url: mock.url.clone(),
            demo: Some(mock.url.clone()),
            auth: "API token".into(),
            ..Context::default()
        };
        let state = AppState::new(context, None, None, Instant::now());
        let backend = Arc::new(Mutex::new(TestBackend::new(120, 40)));
        let (told, frames) = std_mpsc::channel();
        let mut terminal = Terminal::new(Watched {
            backend: backend.clone(),
            told,
        })
        .expect("a terminal");
        let (keys, input) = mpsc::unbounded_channel();
        let worker = Worker::spawn(mock.client());
        let task = runtime.spawn(async move {
            trustdeck::app::run(
                &mut terminal,
                state,
                Keys(input),
                worker,
                trustdeck::app::Hooks::default(),
                std::future::pending(),
            )
            .await
        });
        Self {
            keys,
            backend,
            frames,
            task,
        }
    }

    fn key(&self, c: char) {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        self.keys.send(Ok(Event::Key(key))).expect("the loop runs");
    }

    fn screen(&self) -> String {
        let backend = self.backend.lock().expect("the backend");
        let buffer = backend.buffer();
        let width = usize::from(buffer.area.width);
        let cells: Vec<&str> = buffer.content.iter().map(Cell::symbol).collect();
        cells
            .chunks(width)
            .map(|line| line.concat())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits, frame by frame, until the screen passes `check`.
    fn wait_for(&self, what: &str, most: Duration, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + most;
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                self.frames.recv_timeout(left).is_ok(),
                "no {what} within {most:?}:\n{screen}"
            );
            while self.frames.try_recv().is_ok() {}
        }
    }

    /// Key → the frame it causes.
    fn press(&self, c: char) -> Duration {
        while self.frames.try_recv().is_ok() {}
        let sent = Instant::now();
        self.key(c);
        self.frames
            .recv_timeout(Duration::from_secs(10))
            .expect("a frame after the key");
        sent.elapsed()
    }

    /// [`Ui::press`], timed to the first frame that differs from the
    /// screen before the key (a frame drawn for something else, a clock
    /// tick, is not the key's); false when none came within a second.
    fn press_changing(&self, c: char) -> (Duration, bool) {
        while self.frames.try_recv().is_ok() {}
        let before = self.screen();
        let sent = Instant::now();
        self.key(c);
        while sent.elapsed() < Duration::from_secs(1) {
            if self.frames.recv_timeout(Duration::from_secs(1)).is_ok() && self.screen() != before {
                return (sent.elapsed(), true);
            }
        }
        (sent.elapsed(), false)
    }

    fn stop(self) {
        self.task.abort();
    }
}

/// Keys for the loop, as a stream.
struct Keys(mpsc::UnboundedReceiver<io::Result<Event>>);

impl futures::Stream for Keys {
    type Item = io::Result<Event>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// A TestBackend that tells when a frame is flushed.
struct Watched {
    backend: Arc<Mutex<TestBackend>>,
    told: std_mpsc::Sender<()>,
}

impl Watched {
    fn with<T>(&self, f: impl FnOnce(&mut TestBackend) -> T) -> T {
        f(&mut self.backend.lock().expect("the backend"))
    }
}

impl Backend for Watched {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.with(|b| b.draw(content)).map_err(io::Error::other)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.with(|b| b.hide_cursor()).map_err(io::Error::other)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.with(|b| b.show_cursor()).map_err(io::Error::other)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.with(|b| b.get_cursor_position())
            .map_err(io::Error::other)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.with(|b| b.set_cursor_position(position))
            .map_err(io::Error::other)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.with(|b| b.clear()).map_err(io::Error::other)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.with(|b| b.clear_region(clear_type))
            .map_err(io::Error::other)
    }
    fn size(&self) -> io::Result<Size> {
        self.with(|b| b.size()).map_err(io::Error::other)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.with(|b| b.window_size()).map_err(io::Error::other)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.with(|b| b.flush()).map_err(io::Error::other)?;
        let _ = self.told.send(());
        Ok(())
    }
}

fn percentile(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// The most this process has had resident.
fn hwm_kib() -> u64 {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
