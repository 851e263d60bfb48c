//! Logs go to a file under the user's state directory, never to the screen
//! the dashboard draws on. Nothing logged carries a secret.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::files::{create_private_dir, open_append_private};

/// The log file: `$XDG_STATE_HOME/trustdeck/trustdeck.log` (or the platform's
/// equivalent), falling back to the temp directory.
pub fn log_path() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("trustdeck")
        .join("trustdeck.log")
}

/// Sends `tracing` events to the log file (level from `TRUSTDECK_LOG`,
/// default `info`), which is created 0600 in a 0700 `trustdeck/` folder. Returns the path, or `None` when the file cannot be
/// opened (the dashboard then runs without a log).
pub fn to_file() -> Option<PathBuf> {
    let path = log_path();
    create_private_dir(path.parent()?).ok()?;
    let file = open_append_private(&path).ok()?;
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}

/// Sends `tracing` events to stderr (the mock server's face), coloured only
/// when stderr is a terminal and `NO_COLOR` is not set: a file, a pipe or
/// journald gets plain text.
pub fn to_stderr() {
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init();
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_env("TRUSTDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"))
}
