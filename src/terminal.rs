//! Taking over the terminal and always giving it back: on quit, on error,
//! on a panic anywhere (a hook, which also ends the process), and on
//! SIGTERM/SIGHUP/SIGINT (the loop ends, the guard drops).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal to draw on.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Enters raw mode, the alternate screen and bracketed paste; with
    /// `mouse`, captures the mouse too (which stops the terminal's own text
    /// selection, hence off by default).
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        let entered = execute!(
            stdout,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )
        .and_then(|()| {
            if mouse {
                execute!(stdout, EnableMouseCapture)
            } else {
                Ok(())
            }
        });
        if let Err(error) = entered {
            restore();
            return Err(error);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode; safe to call more than once
/// and when the terminal is already gone (errors are ignored).
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = stdout.flush();
}

/// On any panic, on any thread or tokio task: restores the terminal, prints
/// the default panic message on the normal screen, and ends the process with
/// status 101. tokio catches a task's panic and carries on, which left the
/// screen dead and `q` ignored behind a "Loading…" that never ended.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            std::process::exit(PANIC_EXIT);
        }));
    });
}

/// The exit status after a panic, the same as Rust's for a panic in `main`.
pub const PANIC_EXIT: i32 = 101;

/// A signal that ends the dashboard, and the exit status it leaves
/// (128 + the signal's number, as a shell reports a process it killed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// SIGINT (`kill -INT`; Ctrl-C is a key while the dashboard runs).
    Interrupt,
    /// SIGTERM: asked to stop, e.g. by a service manager.
    Terminate,
    /// SIGHUP: the terminal or SSH connection went away.
    Hangup,
}

impl Shutdown {
    /// 130, 143 or 129.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
            Self::Hangup => 129,
        }
    }
}

/// The handlers of SIGINT, SIGTERM and SIGHUP. From the moment they are
/// made, those signals no longer kill the process: they are queued here
/// until [`ShutdownSignals::recv`] takes them, so make this before the
/// terminal is taken over.
pub struct ShutdownSignals {
    #[cfg(unix)]
    streams: Vec<(Shutdown, tokio::signal::unix::Signal)>,
}

impl ShutdownSignals {
    /// Installs the handlers; needs a tokio runtime.
    pub fn listen() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = [
                (Shutdown::Terminate, SignalKind::terminate()),
                (Shutdown::Hangup, SignalKind::hangup()),
                (Shutdown::Interrupt, SignalKind::interrupt()),
            ]
            .into_iter()
            .map(|(which, kind)| signal(kind).map(|stream| (which, stream)))
            .collect::<io::Result<_>>()?;
            Ok(Self { streams })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next of those signals.
    pub async fn recv(&mut self) -> Shutdown {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(which, stream)| {
                Box::pin(async move {
                    stream.recv().await;
                    *which
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Shutdown::Interrupt
        }
    }
}

/// Completes on SIGTERM, SIGHUP (the SSH connection dropped) or SIGINT.
pub async fn shutdown_signal() {
    match ShutdownSignals::listen() {
        Ok(mut signals) => {
            signals.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}
