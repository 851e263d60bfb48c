//! Logs go to a file under the user's state directory, never to the screen
//! the dashboard draws on. Nothing logged carries a secret.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing::Level;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

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
/// default `info`), which is created 0600 in a 0700 `trustdeck/` folder.
/// Returns the path, or `None` when the file cannot be opened: the process
/// then runs without a log, and says so on stderr in the audit log's words
/// (`cannot write the log PATH: WHY`), so a planted link does not turn
/// logging off in silence.
pub fn to_file() -> Option<PathBuf> {
    let path = log_path();
    let opened = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))
        .and_then(create_private_dir)
        .and_then(|()| open_append_private(&path));
    let file = match opened {
        Ok(file) => file,
        Err(error) => {
            eprintln!(
                "trustdeck: warning: cannot write the log {}: {error}; going on without a log",
                path.display()
            );
            return None;
        }
    };
    // The builder alone stops at INFO; the Targets filter is what decides.
    tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .finish()
        .with(filter())
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
        .with_max_level(LevelFilter::TRACE)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .finish()
        .with(filter())
        .try_init();
}

/// `TRUSTDECK_LOG`: a level (`debug`) or per-target levels
/// (`info,trustdeck=debug,hyper_util=trace`); unset, empty or unreadable, `info`.
/// (A `Targets` filter, not an `EnvFilter`: the same syntax without span
/// and field matching, and without a regex engine in the binary.)
fn filter() -> Targets {
    filter_from(std::env::var("TRUSTDECK_LOG").ok().as_deref())
}

fn filter_from(text: Option<&str>) -> Targets {
    text.filter(|text| !text.trim().is_empty())
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(Level::INFO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trustdeck_log_takes_a_level_or_per_target_levels_and_falls_back_to_info() {
        let debug = filter_from(Some("debug"));
        assert!(debug.would_enable("trustdeck::api::client", &Level::DEBUG));
        assert!(!debug.would_enable("trustdeck::api::client", &Level::TRACE));
        for info in [None, Some(""), Some("  "), Some("trustdeck=loud")] {
            let info = filter_from(info);
            assert!(info.would_enable("trustdeck", &Level::INFO), "{info}");
            assert!(!info.would_enable("trustdeck", &Level::DEBUG), "{info}");
        }
        let mixed = filter_from(Some("info,trustdeck=debug,hyper_util=warn"));
        assert!(mixed.would_enable("trustdeck::mock", &Level::DEBUG));
        assert!(!mixed.would_enable("hyper_util::client", &Level::INFO));
        assert!(mixed.would_enable("axum", &Level::INFO));
    }
}
