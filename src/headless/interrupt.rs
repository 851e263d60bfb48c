//! SIGINT, SIGTERM and SIGHUP for the headless commands: one watcher per
//! process, so every await point (a read, a write in flight, a prompt, a
//! scan) sees the same stop and decides for itself how to stop. A bulk run
//! stops as after a kill: the requests in flight finish and are journaled,
//! and the run stays resumable (`trustdeck fleet resume`).

use tokio::sync::watch;

/// Whether Ctrl-C (or SIGTERM, SIGHUP) came; cheap to clone.
#[derive(Debug, Clone)]
pub struct Interrupt {
    /// `true` once SIGINT came.
    pressed: watch::Receiver<bool>,
}

impl Interrupt {
    /// Takes SIGINT, SIGTERM and SIGHUP over from the default (which would
    /// kill the process in the middle of a write) on the current tokio
    /// runtime. On Unix the
    /// handler is in place when this returns, before any request is sent.
    pub fn install() -> Self {
        let (sender, pressed) = watch::channel(false);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let sender = std::sync::Arc::new(sender);
            // Without a handler (an error here) a signal keeps its default.
            for kind in [
                SignalKind::interrupt(),
                SignalKind::terminate(),
                SignalKind::hangup(),
            ] {
                if let Ok(mut stream) = signal(kind) {
                    let sender = sender.clone();
                    tokio::spawn(async move {
                        if stream.recv().await.is_some() {
                            sender.send_replace(true);
                        }
                    });
                }
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
