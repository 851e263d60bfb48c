//! The headless face: `trustdeck csam …`, `dlp …`, `zones`, `accounts`,
//! `log`, `fleet scan|apply|resume|runs`, `completions`, `man`, for
//! scripts, cron and CI.
//!
//! Every command connects as the dashboard does ([`Config::from_environment`]
//! with the same [`ConnectionArgs`]), prints a short table or, with `--json`,
//! one JSON document on stdout (messages and progress go to stderr; with
//! `--json` a failure is one `error` document on stderr), and ends
//! with one of the exit codes of [`exit`]. Writes read the setting first, send
//! one request of only what differs, and go through the audit log (intent
//! right before sending, outcome after). Read-only mode refuses every write
//! before anything is sent; Ctrl-C stops a command with 130, and a write in
//! flight is reported as such.

pub mod complete;
mod complete_position;
mod complete_scripts;
mod csam;
mod dlp;
mod dlp_apply;
mod dlp_apply_doc;
mod dlp_apply_output;
mod dlp_apply_run;
mod dlp_reset;
mod dlp_scan;
mod dlp_scan_output;
mod docs;
mod error_doc;
pub mod exit;
mod fleet;
mod fleet_apply;
mod fleet_apply_output;
mod fleet_cache;
mod fleet_confirm;
mod fleet_output;
mod fleet_revert;
mod fleet_revert_accounts;
mod fleet_run_doc;
mod fleet_runs;
mod fleet_runs_accounts;
mod fleet_scan_doc;
mod fleet_scan_stream;
mod interrupt;
mod lists;
mod log;
mod man_sections;
pub mod output;
mod rate_notes;
mod resolve;
mod write;

use std::process::ExitCode;

pub use exit::{Exit, Failure};
pub use interrupt::Interrupt;

use crate::api::{ApiError, Client};
use crate::audit::AuditLog;
use crate::cli::{
    ConnectionArgs, CsamCommand, DashboardArgs, DlpCommand, FleetCommand, HeadlessCommand,
};
use crate::config::Config;

/// Runs one headless command; returns the process's exit status. `top` holds
/// the flags written before the command's name (`trustdeck --read-only csam
/// set …`): its connection flags count, its dashboard flags are refused.
pub async fn run(command: HeadlessCommand, top: DashboardArgs) -> ExitCode {
    let interrupt = Interrupt::install();
    let json = command.wants_json();
    let seen = error_doc::Seen::default();
    let result = match dashboard_only(&top) {
        Some(flag) => Err(Failure::Usage(format!(
            "{flag} is a flag of the dashboard; a headless command takes its zone or account \
             as an argument (see `trustdeck help`)"
        ))),
        None => dispatch(command, &top.connection, interrupt, seen.clone()).await,
    };
    match result {
        Ok(exit) => exit.into(),
        Err(failure) if json => {
            error_doc::print(&failure, &seen);
            failure.exit().into()
        }
        Err(failure) => {
            eprintln!("trustdeck: {failure}");
            failure.exit().into()
        }
    }
}

async fn dispatch(
    command: HeadlessCommand,
    top: &ConnectionArgs,
    interrupt: Interrupt,
    seen: error_doc::Seen,
) -> Result<Exit, Failure> {
    let connect = |own: &ConnectionArgs| {
        let mut ctx = Context::connect(&merged(own, top), interrupt.clone())?;
        ctx.seen = seen.clone();
        Ok::<_, Failure>(ctx)
    };
    match command {
        HeadlessCommand::Csam(CsamCommand::Get(args)) => {
            csam::get(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Csam(CsamCommand::Set(args)) => {
            csam::set(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Dlp(DlpCommand::Get(args)) => {
            dlp::get(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Dlp(DlpCommand::Set(args)) => {
            dlp::set(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Dlp(DlpCommand::Reset(args)) => {
            dlp_reset::reset(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Dlp(DlpCommand::Scan(args)) => {
            dlp_scan::scan(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Dlp(DlpCommand::Apply(args)) => {
            dlp_apply::apply(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Zones(args) => lists::zones(&connect(&args.connection)?, &args).await,
        HeadlessCommand::Accounts(args) => {
            lists::accounts(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Fleet(FleetCommand::Scan(args)) => {
            fleet::scan(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Fleet(FleetCommand::Apply(args)) => {
            fleet_apply::apply(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Fleet(FleetCommand::Resume(args)) => {
            fleet_runs::resume(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Fleet(FleetCommand::Revert(args)) => {
            fleet_revert::revert(&connect(&args.connection)?, &args).await
        }
        HeadlessCommand::Fleet(FleetCommand::Runs(args)) => fleet_runs::list(&args),
        HeadlessCommand::Log(args) => log::run(&args),
        HeadlessCommand::Completions(args) => Ok(docs::completions(args.shell)),
        HeadlessCommand::Man(args) => docs::man(args.out_dir.as_deref()),
        HeadlessCommand::Schema(args) => docs::schema(args.kind.as_deref()),
    }
}

/// The first dashboard-only flag set in `top`, if any.
fn dashboard_only(top: &DashboardArgs) -> Option<&'static str> {
    [
        (top.demo, "--demo"),
        (top.zone.is_some(), "--zone"),
        (top.account.is_some(), "--account"),
        (top.mouse, "--mouse"),
        (top.print_config_path, "--print-config-path"),
    ]
    .into_iter()
    .find_map(|(set, flag)| set.then_some(flag))
}

/// The command's own connection flags, else those written before its name;
/// read-only if either says so.
fn merged(own: &ConnectionArgs, top: &ConnectionArgs) -> ConnectionArgs {
    ConnectionArgs {
        base_url: own.base_url.clone().or_else(|| top.base_url.clone()),
        profile: own.profile.clone().or_else(|| top.profile.clone()),
        read_only: own.read_only || top.read_only,
        rate_limit: own.rate_limit.clone().or_else(|| top.rate_limit.clone()),
    }
}

/// What a command that talks to the API works with.
pub struct Context {
    /// The resolved configuration (never printed: it holds the secret).
    pub config: Config,
    /// The client; every request goes through its pacer.
    pub client: Client,
    /// Ctrl-C.
    pub interrupt: Interrupt,
    /// Why writes are refused, in words (`--read-only`, a profile), if they are.
    read_only: Option<String>,
    /// Says on stderr what the rate limit did, when it did anything.
    _rate_notes: rate_notes::RateNotes,
    /// The zone and account found, for an error document.
    seen: error_doc::Seen,
}

impl Context {
    /// Resolves the configuration and builds the client; logs go to the log
    /// file, never to the terminal.
    pub fn connect(args: &ConnectionArgs, interrupt: Interrupt) -> Result<Self, Failure> {
        let _ = crate::logging::to_file();
        let config = Config::from_environment(args)?;
        let client = Client::new(config.client.clone())
            .map_err(|error| Failure::api("setting up the API client", error))?;
        let read_only = config.read_only.then(|| {
            if args.read_only {
                "--read-only".to_owned()
            } else {
                match &config.profile {
                    Some(profile) => format!("profile `{profile}` has read_only = true"),
                    None => "the default profile has read_only = true".to_owned(),
                }
            }
        });
        Ok(Self {
            _rate_notes: rate_notes::RateNotes::watch(&client),
            config,
            client,
            interrupt,
            read_only,
            seen: error_doc::Seen::default(),
        })
    }

    /// Awaits one API call, or stops at Ctrl-C (a read: nothing is lost).
    pub async fn call<T>(
        &self,
        doing: impl FnOnce() -> String,
        request: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, Failure> {
        tokio::select! {
            biased;
            result = request => result.map_err(|error| Failure::api(doing(), error)),
            () = self.interrupt.wait() => Err(Failure::Interrupted { in_flight: None }),
        }
    }

    /// Refuses in read-only mode, saying what `what` would have written.
    pub fn refuse_if_read_only(&self, what: impl FnOnce() -> String) -> Result<(), Failure> {
        match &self.read_only {
            Some(why) => Err(Failure::ReadOnly {
                why: why.clone(),
                what: what(),
            }),
            None => Ok(()),
        }
    }

    /// The audit log this process writes to.
    pub fn audit(&self) -> AuditLog {
        AuditLog::new(
            AuditLog::default_path(),
            self.config.profile.as_deref(),
            self.client.base_url(),
        )
    }
}
