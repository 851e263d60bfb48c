//! `trustdeck mock`: its flags, the start-up banner and the serve-until-signal loop.
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::rate_limit::RateLimit;
use super::{MockConfig, RunningMock, start};

/// Flags of `trustdeck mock`.
#[derive(clap::Args, Debug)]
pub struct MockArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Demo data file [default: the data shipped in the binary].
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Keep the state in FILE (loaded if present, saved atomically on every change).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Delay every API request by DURATION ±25%, e.g. 200ms.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub latency: Option<Duration>,
    /// Answer this fraction of API requests with a 5xx (JSON or HTML), 0 to 1.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = parse_fraction)]
    pub fail_rate: f64,
    /// Allow N API requests per DURATION per credential, then 429 for the rest
    /// of the window, e.g. 100/10s; `cloudflare` = 1200/5m (Cloudflare's own).
    #[arg(long, value_name = "N/DURATION")]
    pub rate_limit: Option<RateLimit>,
    /// Verify a pending notification email by itself DURATION after it was sent.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub verify_after: Option<Duration>,
    /// Close a connection whose request headers, or then body, take longer
    /// than DURATION to arrive (an idle connection too).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    pub read_timeout: Duration,
    /// Serve N zones in all, up to 100000: the data's hand-written zones
    /// first (never fewer than those), then zones generated from the data's
    /// seed, spread over every account.
    #[arg(long, value_name = "N", value_parser = parse_zones)]
    pub zones: Option<usize>,
    /// Serve N accounts in all, up to 1000: the data's hand-written accounts
    /// first (never fewer than those), then accounts generated from the
    /// data's seed with varied DLP settings; zones are spread over them all.
    #[arg(long, value_name = "N", value_parser = parse_accounts)]
    pub accounts: Option<usize>,
}

fn parse_accounts(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= super::MAX_ACCOUNTS => Ok(n),
        _ => Err(format!(
            "{text:?} is not a number of accounts from 0 to {}",
            super::MAX_ACCOUNTS
        )),
    }
}

fn parse_zones(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= super::MAX_ZONES => Ok(n),
        _ => Err(format!(
            "{text:?} is not a number of zones from 0 to {}",
            super::MAX_ZONES
        )),
    }
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!("{text:?} is not a duration above zero, e.g. 10s")),
    }
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("{text:?} is not a fraction from 0 to 1, e.g. 0.1")),
    }
}

impl From<MockArgs> for MockConfig {
    fn from(args: MockArgs) -> Self {
        Self {
            listen: args.listen,
            data: args.data,
            state: args.state,
            latency: args.latency,
            fail_rate: args.fail_rate,
            rate_limit: args.rate_limit,
            verify_after: args.verify_after,
            read_timeout: args.read_timeout,
            zones: args.zones,
            accounts: args.accounts,
        }
    }
}

/// Runs the mock until Ctrl-C or SIGTERM: 0 after a clean shutdown, 2 when
/// it cannot start (the reason is one line on stderr).
pub async fn run_cli(args: MockArgs) -> ExitCode {
    let config = MockConfig::from(args);
    let faults = describe_faults(&config);
    let mock = match start(config).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("trustdeck mock: {e}");
            return ExitCode::from(2);
        }
    };
    if !mock.addr().ip().is_loopback() {
        tracing::warn!(addr = %mock.addr(), "the mock listens beyond loopback; its demo credentials are public");
    }
    // Listen for signals before the banner tells anyone we are up.
    let stop = stop_signal();
    print_banner(&mock, faults.as_deref());
    stop.await;
    tracing::info!("stopping the mock");
    mock.shutdown().await;
    ExitCode::SUCCESS
}

/// The banner: the URL line first (scripts read it), then shell-ready
/// credentials, then `#` comments. Each line is flushed on its own.
fn print_banner(mock: &RunningMock, faults: Option<&str>) {
    let creds = mock.credentials();
    let root = format!("http://{}", mock.addr());
    let mut lines = vec![
        format!("trustdeck mock listening on {}", mock.base_url()),
        // The base URL first: the demo token must never go to the real API.
        format!("export CLOUDFLARE_BASE_URL={}", mock.base_url()),
        format!("export CLOUDFLARE_API_TOKEN={}", creds.full_access_token),
        format!(
            "export CLOUDFLARE_EMAIL={} CLOUDFLARE_API_KEY={}",
            creds.email, creds.global_key
        ),
        "# other demo tokens (use one as CLOUDFLARE_API_TOKEN to try it):".to_owned(),
    ];
    for token in creds
        .tokens
        .iter()
        .filter(|t| t.value != creds.full_access_token)
    {
        lines.push(format!("#   {}  {}", token.value, token.description));
    }
    lines.push("# mock-only endpoints (no auth):".to_owned());
    for (method, path, what) in [
        ("GET ", "/__mock/outbox", "the emails the mock \"sent\""),
        (
            "POST",
            "/__mock/zones/ZONE_ID/verify-email",
            "mark a zone's notification email verified",
        ),
        (
            "GET ",
            "/__mock/state",
            "the raw state, real emails included",
        ),
        ("GET ", "/__mock/requests", "the /client/v4 requests served"),
        ("POST", "/__mock/reset", "back to the loaded data"),
        (
            "POST",
            "/__mock/faults",
            "change faults at run time, e.g. {\"fail_rate\": 1} or {\"lock_out\": \"30s\"} (GET reads them)",
        ),
    ] {
        lines.push(format!("#   {method} {root}{path}  {what}"));
    }
    if let Some(faults) = faults {
        lines.push(format!("# faults on: {faults}"));
    }
    lines.push(format!(
        "# data: {} zones in {} accounts",
        mock.zone_count(),
        mock.account_count()
    ));
    let mut out = std::io::stdout().lock();
    for line in lines {
        // A closed stdout (e.g. `| head -1`) must not stop the server.
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }
}

fn describe_faults(config: &MockConfig) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(latency) = config.latency {
        parts.push(format!("latency {}", humantime::format_duration(latency)));
    }
    if config.fail_rate > 0.0 {
        parts.push(format!("fail-rate {}", config.fail_rate));
    }
    if let Some(limit) = config.rate_limit {
        parts.push(format!("rate-limit {limit}"));
    }
    if let Some(after) = config.verify_after {
        parts.push(format!(
            "verify-after {}",
            humantime::format_duration(after)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM; the handlers are installed when
/// this is called, not when it is first awaited.
fn stop_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
