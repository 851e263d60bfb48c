//! The dashboard face: set everything up, take over the terminal, run the
//! loop, give the terminal back.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::{Stream, StreamExt};

use tracing::{error, info, warn};

use crate::api::worker::Worker;
use crate::api::{ApiError, Client, ClientConfig, Credentials};
use crate::audit::AuditLog;
use crate::cli::DashboardArgs;
use crate::config::{self, Config};
use crate::fleet::{RunsDir, ScanCache};
use crate::mock::{self, MockConfig, RunningMock};
use crate::recent::{RecentZone, RecentZones};
use crate::state::{AppState, Context, Notice, PickerItem, Status, StatusKind};
use crate::terminal::{Shutdown, ShutdownSignals, TerminalGuard};
use crate::{app, logging};

/// Runs the dashboard; returns the process exit code.
pub async fn run(args: DashboardArgs) -> ExitCode {
    if args.print_config_path {
        println!(
            "{}",
            config::config_path(|name| std::env::var(name).ok()).display()
        );
        return ExitCode::SUCCESS;
    }
    // Before anything is read, created or started: without a terminal there
    // is nothing to draw on, and the OS's "No such device" helps nobody.
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        eprintln!(
            "trustdeck: trustdeck needs an interactive terminal; for scripts use the headless \
             commands (see `trustdeck --help`)"
        );
        return ExitCode::from(2);
    }
    if let Err(message) = check_demo_flags(&args) {
        eprintln!("trustdeck: {message}");
        return ExitCode::from(2);
    }
    // The demo reads no profile, but the keys and colours are the user's.
    let appearance = match appearance() {
        Ok(appearance) => appearance,
        Err(error) => {
            eprintln!("trustdeck: {error}");
            return ExitCode::from(2);
        }
    };
    let log_path = logging::to_file();
    let (config, demo) = match prepare(&args).await {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("trustdeck: {message}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::new(config.client.clone()) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("trustdeck: {error}");
            return ExitCode::from(2);
        }
    };
    let context = Context {
        base_url: client.base_url().to_owned(),
        demo: demo.as_ref().map(|m| m.addr().to_string()),
        read_only: config.read_only,
        log_path: log_path.map(|p| p.display().to_string()),
        auth: format!(
            "{} from {}",
            config.client.credentials.describe(),
            config.credentials_from
        ),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        legacy_auth: matches!(config.client.credentials, Credentials::GlobalKey { .. }),
        key_email: match &config.client.credentials {
            Credentials::GlobalKey { email, .. } => Some(email.clone()),
            Credentials::Token(_) => None,
        },
        profile: config.profile.clone(),
        credentials_note: config.credentials_note.clone(),
        audit_path: None,
        keys: appearance.keys,
        palette: appearance.palette,
    };
    info!(
        base = client.base_url(),
        demo = context.demo.is_some(),
        profile = config.profile.as_deref().unwrap_or("-"),
        read_only = config.read_only,
        "dashboard starting"
    );
    if let Some(note) = &config.credentials_note {
        info!(%note, "credentials");
    }
    let now = std::time::Instant::now();
    let audit = audit_log(&config, client.base_url(), demo.is_some());
    let context = Context {
        audit_path: Some(audit.path().display().to_string()),
        ..context
    };
    let mut state = AppState::new(context, config.zone_id, config.account_id, now);
    let recent_path = recent_path(demo.is_some());
    let (recent, warning) = RecentZones::load(&recent_path);
    state.recent_zones = recent.zones().iter().map(picker_item).collect();
    if let Some(warning) = warning {
        warn!(%warning, "recent zones ignored");
        state.status = Some(Status {
            notice: Notice::Text(warning),
            kind: StatusKind::Warning,
            at: now,
            about: None,
        });
    }
    let worker = Worker::spawn(client);
    let (runs, _demo_runs) = runs_dir(demo.is_some());
    // Before the terminal is taken: from here on these signals end the loop
    // (and the guard restores the terminal) instead of killing the process.
    let mut signals = match ShutdownSignals::listen() {
        Ok(signals) => Some(signals),
        Err(error) => {
            warn!(%error, "signals cannot be caught; a kill leaves the terminal raw");
            None
        }
    };
    let mut received = None;
    let input_ended = Arc::new(AtomicBool::new(false));
    let outcome = match TerminalGuard::enter(args.mouse) {
        Ok(mut guard) => {
            let shutdown = async {
                match signals.as_mut() {
                    Some(signals) => received = Some(signals.recv().await),
                    None => std::future::pending().await,
                }
            };
            let result = app::run(
                &mut guard.terminal,
                state,
                watch_input(EventStream::new(), input_ended.clone()),
                worker,
                app::Hooks {
                    audit: Some(audit),
                    fleet_cache: fleet_cache(demo.is_some()),
                    runs,
                    ..remember_hook(recent, recent_path)
                },
                shutdown,
            )
            .await;
            drop(guard);
            result
        }
        Err(error) => Err(error),
    };
    // A terminal that goes away ends the input a moment before its SIGHUP
    // arrives; wait briefly so the exit status still says hang-up.
    if received.is_none()
        && input_ended.load(Ordering::Relaxed)
        && let Some(signals) = signals.as_mut()
    {
        received = tokio::time::timeout(Duration::from_millis(200), signals.recv())
            .await
            .ok();
    }
    if let Some(mock) = demo {
        mock.shutdown().await;
    }
    exit_code(received, outcome, input_ended.load(Ordering::Relaxed))
}

/// 128 + the signal's number after a signal; 0 after a quit; 1 after a
/// terminal error or input that ended by itself.
fn exit_code(
    signal: Option<Shutdown>,
    outcome: io::Result<AppState>,
    input_ended: bool,
) -> ExitCode {
    match (signal, outcome) {
        (Some(signal), _) => {
            info!(?signal, "ended by a signal");
            ExitCode::from(signal.exit_code())
        }
        (None, Err(e)) => {
            error!(error = %e, "dashboard failed");
            eprintln!("trustdeck: terminal error: {e}");
            ExitCode::FAILURE
        }
        (None, Ok(_)) if input_ended => {
            info!("the terminal's input ended");
            ExitCode::FAILURE
        }
        (None, Ok(_)) => ExitCode::SUCCESS,
    }
}

/// The terminal's events, noting in `ended` when they stop or fail.
fn watch_input(
    events: EventStream,
    ended: Arc<AtomicBool>,
) -> impl Stream<Item = io::Result<Event>> + Unpin {
    let on_error = ended.clone();
    let on_end = futures::stream::once(async move {
        ended.store(true, Ordering::Relaxed);
    })
    .filter_map(|()| async { None });
    Box::pin(
        events
            .inspect(move |event| {
                if event.is_err() {
                    on_error.store(true, Ordering::Relaxed);
                }
            })
            .chain(on_end),
    )
}

/// What `--demo` does with the other flags: `--base-url` is refused (the
/// demo runs its own mock server, there is nothing for it to point at);
/// `--zone` and `--account` must name the demo's own zones and accounts
/// (checked once the mock runs, see [`check_demo_targets`]); `--profile` is
/// refused by clap; `--read-only` and `--mouse` work as usual.
fn check_demo_flags(args: &DashboardArgs) -> Result<(), String> {
    if args.demo && args.connection.base_url.is_some() {
        return Err(
            "--demo runs its own mock server, so --base-url has nothing to point \
                    at. Drop --demo to use the API at that URL (a `trustdeck mock` there \
                    prints the token to put in CLOUDFLARE_API_TOKEN), or drop --base-url."
                .to_owned(),
        );
    }
    Ok(())
}

/// The config file's `[keys]` and `theme`.
fn appearance() -> Result<config::Appearance, config::ConfigError> {
    let lookup = |name: &str| std::env::var(name).ok();
    config::ConfigSource::read(config::config_path(lookup))?.appearance()
}

/// The configuration, and the embedded mock when running `--demo`.
async fn prepare(args: &DashboardArgs) -> Result<(Config, Option<RunningMock>), String> {
    if !args.demo {
        let config = Config::from_environment(&args.connection)
            .map_err(|e| e.to_string())?
            .with_targets(args.zone.clone(), args.account.clone());
        return Ok((config, None));
    }
    let rate_limit = crate::config::rate_limit_flag(&args.connection).map_err(|e| e.to_string())?;
    let mock = mock::start(MockConfig::demo())
        .await
        .map_err(|e| format!("could not start the demo's mock server: {e}"))?;
    let credentials = Credentials::token(mock.credentials().full_access_token.clone());
    // The demo reads no environment and no profile: only its own credentials and the flags.
    let config = Config {
        client: ClientConfig::new(credentials)
            .with_base_url(mock.base_url())
            .with_rate_limit(rate_limit),
        zone_id: args.zone.clone(),
        account_id: args.account.clone(),
        read_only: args.connection.read_only,
        profile: None,
        credentials_from: "the demo's mock server".to_owned(),
        credentials_note: None,
    };
    if let Err(message) = check_demo_targets(&config).await {
        mock.shutdown().await;
        return Err(message);
    }
    Ok((config, Some(mock)))
}

/// `--zone` and `--account` with `--demo` must be the demo data's: asked of
/// the embedded mock, which knows them (its generated zones included).
async fn check_demo_targets(config: &Config) -> Result<(), String> {
    let client = Client::new(config.client.clone()).map_err(|e| e.to_string())?;
    let unknown = |error: &ApiError| {
        matches!(
            error,
            ApiError::NotFound { .. } | ApiError::InvalidInput { .. }
        )
    };
    if let Some(zone) = &config.zone_id
        && let Err(error) = client.get_csam(zone).await
        && unknown(&error)
    {
        return Err(format!(
            "the --zone given is not a zone of the demo data ({error}). --demo shows only \
             its own zones: drop --zone to start on the first one and press z to pick \
             another (e.g. shop.acme-corp.com is {DEMO_ZONE})."
        ));
    }
    if let Some(account) = &config.account_id
        && let Err(error) = client.get_dlp(account).await
        && unknown(&error)
    {
        return Err(format!(
            "the --account given is not an account of the demo data ({error}). --demo shows \
             only its own accounts: drop --account to start on the zone's account and press \
             a to pick another (e.g. Acme Corp is {DEMO_ACCOUNT})."
        ));
    }
    Ok(())
}

/// A zone and an account of the shipped demo data, for the messages above.
const DEMO_ZONE: &str = "117bf1e17392293e996d8990458815ea";
const DEMO_ACCOUNT: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";

/// The recent-zones file; the demo keeps its own so its zones never mix
/// with real ones.
fn recent_path(demo: bool) -> PathBuf {
    let path = RecentZones::default_path();
    if demo {
        path.with_file_name("recent-zones.demo.json")
    } else {
        path
    }
}

fn picker_item(zone: &RecentZone) -> PickerItem {
    PickerItem {
        id: zone.id.clone(),
        name: zone.name.clone(),
        detail: zone
            .detail
            .clone()
            .or_else(|| zone.account_name.clone())
            .unwrap_or_default(),
        account_id: zone.account_id.clone(),
        account_name: zone.account_name.clone(),
        recent: true,
    }
}

/// The demo keeps no fleet scans: its mock's data is new each run, and
/// its port too, so a kept scan would never be read again.
fn fleet_cache(demo: bool) -> Option<ScanCache> {
    if demo {
        None
    } else {
        ScanCache::default_location()
    }
}

/// Remembers each chosen zone and writes the list at once, so it survives
/// a crash or a dropped SSH session.
fn remember_hook(mut recent: RecentZones, path: PathBuf) -> app::Hooks {
    app::Hooks {
        remember_zone: Box::new(move |item: &PickerItem| {
            recent.push(RecentZone {
                id: item.id.clone(),
                name: item.name.clone(),
                account_id: item.account_id.clone(),
                account_name: item.account_name.clone(),
                detail: (!item.detail.is_empty()).then(|| item.detail.clone()),
            });
            if let Err(error) = recent.save(&path) {
                warn!(%error, path = %path.display(), "could not save recent zones");
            }
        }),
        copy: Box::new(copy_to_clipboard),
        audit: None,
        fleet_cache: None,
        runs: None,
    }
}

/// The folder bulk runs are journaled in: `$XDG_STATE_HOME/trustdeck/runs`,
/// as for the headless commands. The demo journals in a folder of its own
/// that goes with it (the guard): its mock's zones are gone at exit, so a
/// demo run could never be resumed, and it must never be offered to a real
/// session. `None` (no run can be made) when that folder cannot be created.
fn runs_dir(demo: bool) -> (Option<RunsDir>, Option<tempfile::TempDir>) {
    if !demo {
        return (Some(RunsDir::default_location()), None);
    }
    match tempfile::Builder::new()
        .prefix("trustdeck-demo-runs-")
        .tempdir()
    {
        Ok(dir) => (Some(RunsDir::in_dir(dir.path())), Some(dir)),
        Err(error) => {
            warn!(%error, "no folder for the demo's bulk runs; none can be made");
            (None, None)
        }
    }
}

/// The audit log every save and reset is recorded in; the demo keeps its
/// own (`audit.demo.jsonl`), so changes to the mock never mix with real ones.
fn audit_log(config: &Config, base_url: &str, demo: bool) -> AuditLog {
    let path = AuditLog::default_path();
    let path = if demo {
        path.with_file_name("audit.demo.jsonl")
    } else {
        path
    };
    AuditLog::new(path, config.profile.as_deref(), base_url)
}

/// OSC 52: the terminal (local, or the one at the end of an SSH session)
/// puts the text on its clipboard.
fn copy_to_clipboard(text: &str) {
    use crossterm::clipboard::CopyToClipboard;
    let mut stdout = std::io::stdout();
    if let Err(error) = crossterm::execute!(stdout, CopyToClipboard::to_clipboard_from(text)) {
        warn!(%error, "could not write the clipboard sequence");
    }
}
