//! Runs the real dashboard loop on a TestBackend against the embedded mock,
//! with keys injected through a channel and the screen readable at any time.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream_shim::ChannelStream;
use trustdeck::api::Credentials;
use trustdeck::api::worker::Worker;
use trustdeck::mock::RunningMock;
use trustdeck::state::{AppState, Context};

use super::{FULL_TOKEN, client_for};

/// A TestBackend the test can read while the loop draws on it.
#[derive(Clone)]
pub struct SharedBackend(pub Arc<Mutex<TestBackend>>);

impl SharedBackend {
    fn with<T>(&self, f: impl FnOnce(&mut TestBackend) -> T) -> T {
        f(&mut self.0.lock().unwrap())
    }
}

impl Backend for SharedBackend {
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
        self.0.lock().unwrap().size().map_err(io::Error::other)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.with(|b| b.window_size()).map_err(io::Error::other)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.with(|b| b.flush()).map_err(io::Error::other)
    }
}

/// The dashboard running in-process.
pub struct Dashboard {
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    backend: SharedBackend,
    task: Option<JoinHandle<io::Result<AppState>>>,
    /// What the loop put on the clipboard (OSC 52 in the real terminal).
    copied: Arc<Mutex<Vec<String>>>,
    /// The screen right before the first input since the last wait: a wait
    /// for an input's effect must not already hold on it, or it proves nothing.
    before_input: Mutex<Option<String>>,
}

/// How long any wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(5);

impl Dashboard {
    /// Starts the loop against `mock` with the full-access demo token.
    pub fn start(
        mock: &RunningMock,
        zone: Option<&str>,
        account: Option<&str>,
        width: u16,
        height: u16,
    ) -> Self {
        Self::start_with(
            mock,
            Credentials::token(FULL_TOKEN),
            zone,
            account,
            width,
            height,
            false,
        )
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "a test helper; every call names its case"
    )]
    pub fn start_with(
        mock: &RunningMock,
        credentials: Credentials,
        zone: Option<&str>,
        account: Option<&str>,
        width: u16,
        height: u16,
        read_only: bool,
    ) -> Self {
        Self::start_full(
            mock,
            credentials,
            (zone, account),
            (width, height),
            read_only,
            (None, None, None),
        )
    }

    /// Starts the loop with every write recorded in `audit`.
    pub fn start_audited(
        mock: &RunningMock,
        zone: Option<&str>,
        account: Option<&str>,
        audit: trustdeck::audit::AuditLog,
    ) -> Self {
        Self::start_full(
            mock,
            Credentials::token(FULL_TOKEN),
            (zone, account),
            (120, 40),
            false,
            (Some(audit), None, None),
        )
    }

    /// Starts the loop at `width`x`height`, fleet scans kept in `cache`.
    pub fn start_fleet(
        mock: &RunningMock,
        cache: trustdeck::fleet::ScanCache,
        width: u16,
        height: u16,
    ) -> Self {
        Self::start_full(
            mock,
            Credentials::token(FULL_TOKEN),
            (None, None),
            (width, height),
            false,
            (None, Some(cache), None),
        )
    }

    /// Starts the loop at 120x40 with bulk runs journaled in `runs`, every
    /// write audited in `audit` and scans kept in `cache`.
    pub fn start_bulk(
        mock: &RunningMock,
        runs: trustdeck::fleet::RunsDir,
        audit: trustdeck::audit::AuditLog,
        cache: trustdeck::fleet::ScanCache,
        read_only: bool,
    ) -> Self {
        Self::start_full(
            mock,
            Credentials::token(FULL_TOKEN),
            (None, None),
            (120, 40),
            read_only,
            (Some(audit), Some(cache), Some(runs)),
        )
    }

    /// Starts the loop at `width`x`height` with the keys and colours of a
    /// config file.
    pub fn start_appearing(
        mock: &RunningMock,
        (zone, account): (Option<&str>, Option<&str>),
        (width, height): (u16, u16),
        appearance: trustdeck::config::Appearance,
    ) -> Self {
        Self::start_configured(
            mock,
            Credentials::token(FULL_TOKEN),
            (zone, account),
            (width, height),
            false,
            (None, None, None),
            appearance,
        )
    }

    fn start_full(
        mock: &RunningMock,
        credentials: Credentials,
        targets: (Option<&str>, Option<&str>),
        size: (u16, u16),
        read_only: bool,
        hooks: (
            Option<trustdeck::audit::AuditLog>,
            Option<trustdeck::fleet::ScanCache>,
            Option<trustdeck::fleet::RunsDir>,
        ),
    ) -> Self {
        Self::start_configured(
            mock,
            credentials,
            targets,
            size,
            read_only,
            hooks,
            trustdeck::config::Appearance::default(),
        )
    }

    fn start_configured(
        mock: &RunningMock,
        credentials: Credentials,
        (zone, account): (Option<&str>, Option<&str>),
        (width, height): (u16, u16),
        read_only: bool,
        (audit, fleet_cache, runs): (
            Option<trustdeck::audit::AuditLog>,
            Option<trustdeck::fleet::ScanCache>,
            Option<trustdeck::fleet::RunsDir>,
        ),
        appearance: trustdeck::config::Appearance,
    ) -> Self {
        let legacy_auth = matches!(credentials, Credentials::GlobalKey { .. });
        let client = client_for(&mock.base_url(), credentials);
        let context = Context {
            base_url: mock.base_url(),
            demo: Some(mock.addr().to_string()),
            auth: "API token".into(),
            read_only,
            legacy_auth,
            keys: appearance.keys,
            palette: appearance.palette,
            ..Context::default()
        };
        let state = AppState::new(
            context,
            zone.map(Into::into),
            account.map(Into::into),
            Instant::now(),
        );
        let backend = SharedBackend(Arc::new(Mutex::new(TestBackend::new(width, height))));
        let (keys, rx) = mpsc::unbounded_channel();
        let mut terminal = Terminal::new(backend.clone()).unwrap();
        let worker = Worker::spawn(client);
        let copied = Arc::new(Mutex::new(Vec::new()));
        let sink = copied.clone();
        let hooks = trustdeck::app::Hooks {
            copy: Box::new(move |text: &str| sink.lock().unwrap().push(text.to_owned())),
            audit,
            fleet_cache,
            runs,
            ..trustdeck::app::Hooks::default()
        };
        let task = tokio::spawn(async move {
            trustdeck::app::run(
                &mut terminal,
                state,
                ChannelStream(rx),
                worker,
                hooks,
                std::future::pending(),
            )
            .await
        });
        Self {
            keys,
            backend,
            task: Some(task),
            copied,
            before_input: Mutex::new(None),
        }
    }

    /// What was put on the clipboard so far.
    pub fn copied(&self) -> Vec<String> {
        self.copied.lock().unwrap().clone()
    }

    /// Pastes text, as a terminal with bracketed paste reports it.
    pub fn paste(&self, text: &str) {
        self.note_input();
        let _ = self.keys.send(Ok(Event::Paste(text.to_owned())));
    }

    /// The screen as lines of text.
    pub fn screen(&self) -> String {
        let backend = self.backend.0.lock().unwrap();
        let buffer = backend.buffer();
        let width = buffer.area.width as usize;
        buffer
            .content
            .chunks(width)
            .map(|row| {
                row.iter()
                    .map(Cell::symbol)
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits until the screen satisfies `check`; fails with the screen after [`WAIT`].
    pub async fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_within(what, WAIT, check).await
    }

    /// Waits up to `limit` (for what takes longer, like a whole scan) until
    /// the screen satisfies `check`; fails with the screen after it.
    pub async fn wait_within(
        &self,
        what: &str,
        limit: Duration,
        check: impl Fn(&str) -> bool,
    ) -> String {
        if let Some(before) = self.before_input.lock().unwrap().take() {
            assert!(
                !check(&before),
                "waiting for {what}, which the screen already showed before the keys were \
                 sent: this wait would prove nothing; screen before:\n{before}"
            );
        }
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the screen contains `text`.
    pub async fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text)).await
    }

    /// Keeps the screen as it is before the first input since the last wait.
    fn note_input(&self) {
        let mut before = self.before_input.lock().unwrap();
        if before.is_none() {
            *before = Some(self.screen());
        }
    }

    /// Sends one key.
    pub fn key(&self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE);
    }

    pub fn key_with(&self, code: KeyCode, modifiers: KeyModifiers) {
        self.note_input();
        let _ = self
            .keys
            .send(Ok(Event::Key(KeyEvent::new(code, modifiers))));
    }

    /// Types text: each char is a key (`\n` Enter, `\t` Tab, `\x1b` Esc).
    pub fn type_keys(&self, keys: &str) {
        for c in keys.chars() {
            self.key(match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                '\x1b' => KeyCode::Esc,
                c => KeyCode::Char(c),
            });
        }
    }

    /// A left click at a cell, as a terminal with mouse capture reports it.
    pub fn click(&self, column: u16, row: u16) {
        self.note_input();
        let event = crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        let _ = self.keys.send(Ok(Event::Mouse(event)));
    }

    /// Where `text` starts on the screen (column, row), if it is shown.
    pub fn find(&self, text: &str) -> Option<(u16, u16)> {
        self.screen().lines().enumerate().find_map(|(row, line)| {
            let at = line.find(text)?;
            let column = line[..at].chars().count();
            Some((u16::try_from(column).ok()?, u16::try_from(row).ok()?))
        })
    }

    /// Resizes the terminal and tells the loop.
    pub fn resize(&self, width: u16, height: u16) {
        self.backend.0.lock().unwrap().resize(width, height);
        let _ = self.keys.send(Ok(Event::Resize(width, height)));
    }

    /// Waits for the loop to end (after a quit); returns its final state.
    pub async fn finished(&mut self) -> AppState {
        let task = self.task.take().expect("already finished");
        tokio::time::timeout(WAIT, task)
            .await
            .expect("the dashboard did not quit in time")
            .expect("the dashboard task panicked")
            .expect("the dashboard loop failed")
    }

    /// True while the loop runs.
    pub fn is_running(&self) -> bool {
        self.task.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

mod tokio_stream_shim {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use futures::Stream;
    use tokio::sync::mpsc::UnboundedReceiver;

    /// An unbounded receiver as a `Stream`.
    pub struct ChannelStream<T>(pub UnboundedReceiver<T>);

    impl<T> Stream for ChannelStream<T> {
        type Item = T;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
            self.0.poll_recv(cx)
        }
    }
}
