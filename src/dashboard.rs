//! The dashboard face: set everything up, take over the terminal, run the
//! loop, give the terminal back.

use std::process::ExitCode;

use crossterm::event::EventStream;
use std::path::PathBuf;

use tracing::{error, info, warn};

use crate::api::worker::Worker;
use crate::api::{Client, ClientConfig, Credentials};
use crate::cli::DashboardArgs;
use crate::config::{self, Config};
use crate::mock::{self, MockConfig, RunningMock};
use crate::recent::{RecentZone, RecentZones};
use crate::state::{AppState, Context, PickerItem, Status, StatusKind};
use crate::terminal::{TerminalGuard, shutdown_signal};
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
        profile: config.profile.clone(),
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
    let mut state = AppState::new(context, config.zone_id, config.account_id, now);
    let recent_path = recent_path(demo.is_some());
    let (recent, warning) = RecentZones::load(&recent_path);
    state.recent_zones = recent.zones().iter().map(picker_item).collect();
    if let Some(warning) = warning {
        warn!(%warning, "recent zones ignored");
        state.status = Some(Status {
            text: warning,
            kind: StatusKind::Warning,
            at: now,
        });
    }
    let worker = Worker::spawn(client);
    let outcome = match TerminalGuard::enter(args.mouse) {
        Ok(mut guard) => {
            let result = app::run(
                &mut guard.terminal,
                state,
                EventStream::new(),
                worker,
                remember_hook(recent, recent_path),
                shutdown_signal(),
            )
            .await;
            drop(guard);
            result
        }
        Err(error) => Err(error),
    };
    if let Some(mock) = demo {
        mock.shutdown().await;
    }
    match outcome {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            error!(error = %e, "dashboard failed");
            eprintln!("trustdeck: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The configuration, and the embedded mock when running `--demo`.
async fn prepare(args: &DashboardArgs) -> Result<(Config, Option<RunningMock>), String> {
    if !args.demo {
        return Ok((Config::from_environment(args)?, None));
    }
    let mock = mock::start(MockConfig::demo())
        .await
        .map_err(|e| format!("could not start the demo's mock server: {e}"))?;
    let credentials = Credentials::token(mock.credentials().full_access_token.clone());
    // The demo reads no environment and no profile: only its own credentials and the flags.
    let config = Config {
        client: ClientConfig::new(credentials).with_base_url(mock.base_url()),
        zone_id: args.zone.clone(),
        account_id: args.account.clone(),
        read_only: args.read_only,
        profile: None,
        credentials_from: "the demo's mock server".to_owned(),
        credentials_note: None,
    };
    Ok((config, Some(mock)))
}

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
        detail: zone.account_name.clone().unwrap_or_default(),
        account_id: zone.account_id.clone(),
        account_name: zone.account_name.clone(),
        recent: true,
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
            });
            if let Err(error) = recent.save(&path) {
                warn!(%error, path = %path.display(), "could not save recent zones");
            }
        }),
    }
}
