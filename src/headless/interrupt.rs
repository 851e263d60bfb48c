//! SIGINT for the headless commands: one watcher per process, so every
//! await point (a read, a write in flight, a prompt, a scan) sees the same
//! Ctrl-C and decides for itself how to stop.

use tokio::sync::watch;

/// Whether Ctrl-C was pressed; cheap to clone.
#[derive(Debug, Clone)]
pub struct Interrupt {
    /// `true` once SIGINT came.
    pressed: watch::Receiver<bool>,
}

impl Interrupt {
    /// Takes SIGINT over from the default (which would kill the process in
    /// the middle of a write) on the current tokio runtime. On Unix the
    /// handler is in place when this returns, before any request is sent.
    pub fn install() -> Self {
        let (sender, pressed) = watch::channel(false);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            // Without a handler (an error here) Ctrl-C keeps its default.
            if let Ok(mut sigint) = signal(SignalKind::interrupt()) {
                tokio::spawn(async move {
                    if sigint.recv().await.is_some() {
                        sender.send_replace(true);
                    }
                });
            }
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                sender.send_replace(true);
            }
        });
        Self { pressed }
    }

    /// One that never fires (for code run without a signal handler).
    pub fn never() -> Self {
        let (_, pressed) = watch::channel(false);
        Self { pressed }
    }

    /// True once SIGINT came.
    pub fn is_set(&self) -> bool {
        *self.pressed.borrow()
    }

    /// Resolves when SIGINT comes (at once if it already has).
    pub async fn wait(&self) {
        let mut pressed = self.pressed.clone();
        // A sender gone without a press means no press will ever come.
        if pressed.wait_for(|on| *on).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
