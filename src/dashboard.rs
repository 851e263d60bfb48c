//! The dashboard face: set everything up, take over the terminal, run the
//! loop, give the terminal back.

use std::process::ExitCode;

use crossterm::event::EventStream;
use tracing::{error, info};

use crate::api::worker::Worker;
use crate::api::{Client, ClientConfig, Credentials};
use crate::cli::DashboardArgs;
use crate::config::Config;
use crate::mock::{self, MockConfig, RunningMock};
use crate::state::{AppState, Context};
use crate::terminal::{TerminalGuard, shutdown_signal};
use crate::{app, logging};

/// Runs the dashboard; returns the process exit code.
pub async fn run(args: DashboardArgs) -> ExitCode {
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
        auth: config.client.credentials.describe(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    info!(
        base = client.base_url(),
        demo = context.demo.is_some(),
        "dashboard starting"
    );
    let state = AppState::new(
        context,
        config.zone_id,
        config.account_id,
        std::time::Instant::now(),
    );
    let worker = Worker::spawn(client);
    let outcome = match TerminalGuard::enter() {
        Ok(mut guard) => {
            let result = app::run(
                &mut guard.terminal,
                state,
                EventStream::new(),
                worker,
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
        return Ok((
            Config::resolve(args, |name| std::env::var(name).ok())?,
            None,
        ));
    }
    let mock = mock::start(MockConfig::demo())
        .await
        .map_err(|e| format!("could not start the demo's mock server: {e}"))?;
    let credentials = Credentials::token(mock.credentials().full_access_token.clone());
    // The demo reads no environment: only its own credentials and the flags.
    let config = Config {
        client: ClientConfig::new(credentials).with_base_url(mock.base_url()),
        zone_id: args.zone.clone(),
        account_id: args.account.clone(),
        read_only: args.read_only,
    };
    Ok((config, Some(mock)))
}
