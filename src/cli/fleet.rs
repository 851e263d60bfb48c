//! `trustdeck fleet …`: every zone at once, bulk runs, their journals.

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::*;

/// `trustdeck fleet …`.
#[derive(Subcommand, Debug)]
pub enum FleetCommand {
    /// Read every zone's CSAM Scanner setting: coverage, then what needs
    /// attention first.
    #[command(after_help = EXIT_HELP)]
    Scan(FleetScanArgs),
    /// Make one change on many zones: the plan, a confirmation, then a paced
    /// run, journaled so that it can be resumed.
    #[command(after_help = BULK_EXIT_HELP, override_usage = APPLY_USAGE)]
    Apply(FleetApplyArgs),
    /// Resume a bulk run that was interrupted (the latest unfinished one of
    /// this API by default): nothing done is sent again.
    #[command(after_help = BULK_EXIT_HELP)]
    Resume(FleetResumeArgs),
    /// Undo a finished run: the inverse change on the zones (or accounts)
    /// it changed, from the values its journal kept, as a new run.
    #[command(after_help = REVERT_HELP)]
    Revert(FleetRevertArgs),
    /// List the bulk runs in the journal folder and where each stands.
    Runs(FleetRunsArgs),
}

/// `fleet apply`'s usage, in lines that fit 80 columns.
const APPLY_USAGE: &str = "trustdeck fleet apply CHANGE [OPTIONS]
       CHANGE is one of --enable, --disable, --email ADDR, --resend,
       --source NAME=on|off";

/// What `fleet apply` and `fleet resume` end their `--help` with.
const BULK_EXIT_HELP: &str = "Exit status: 0 every zone done as asked (or already so); 1 the \
server adjusted some (scanning kept off until the email is verified) or some were skipped \
(locked, no permission, could not be read, no such source); 2 refused before sending (usage, \
not confirmed, a journal or audit log that cannot be written; also a run stopped for that); 3 \
authentication, permission or read-only mode (--read-only prints the plan, then exits 3); 4 a \
zone of --zones FILE, the account or the run is not there; 6 some zones failed or their outcome \
is unknown; 130 interrupted by Ctrl-C, SIGTERM or SIGHUP (requests in flight finish and are \
journaled; the run stays resumable). From 2 up stdout is empty: the report is on stderr. The \
journal is $XDG_STATE_HOME/trustdeck/runs/RUN.jsonl; `trustdeck fleet runs` lists the runs; \
`trustdeck fleet resume RUN --resend-unknown` sends the zones whose outcome is unknown again, on \
purpose.";

/// What `fleet revert` ends its `--help` with.
const REVERT_HELP: &str = "The targets are read again first: one already as it was before the run \
is skipped (already so). Not revertible: a notification email (the API shows the old address \
masked), a re-sent verification, and a payload-logging key an account had before (known only by \
its fingerprint): the command says so, with why. A run that has not finished is resumed first. \
The revert is a run of its own: journaled (its first line names the run in revert_of), audited as \
`fleet revert`, resumable with `trustdeck fleet resume`, listed by `trustdeck fleet runs`. Exit \
status as for `fleet apply`: 0 all put back (or already so); 1 also when something cannot be \
reverted; 2 a run that cannot be reverted at all, or refused before sending; 3 read-only mode; 4 \
no such run; 6 failed or unknown; 130 interrupted (resumable).";

/// The one change of `fleet apply`.
#[derive(Args, Debug, Clone, Default)]
#[command(group(
    ArgGroup::new("change")
        .required(true)
        .args(["enable", "disable", "email", "resend", "source"])
))]
pub struct BulkChangeArgs {
    /// Turn scanning on (the server keeps it off until the email is verified).
    #[arg(long)]
    pub enable: bool,
    /// Turn scanning off (asks to type the number of zones when more than one).
    #[arg(long)]
    pub disable: bool,
    /// Set the notification email; each zone then verifies the new address.
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,
    /// Send the verification email again (at most once per zone).
    #[arg(long)]
    pub resend: bool,
    /// Switch one scanning source on or off.
    #[arg(long, value_name = "NAME=on|off")]
    pub source: Option<SourceSwitch>,
}

/// `trustdeck fleet apply`.
#[derive(Args, Debug, Clone)]
pub struct FleetApplyArgs {
    /// The change.
    #[command(flatten)]
    pub change: BulkChangeArgs,
    /// Only the zones of this account (id or name).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only zones that meet any of these, e.g. --only off,unverified,pending.
    #[arg(long, value_name = "CONDITIONS", value_delimiter = ',')]
    pub only: Vec<FailOn>,
    /// Only the zones listed in FILE, one id or name a line (# comments).
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// Print the plan, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking; needed when stdin or stderr is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan and the outcomes as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck fleet resume [RUN]`.
#[derive(Args, Debug, Clone)]
pub struct FleetResumeArgs {
    /// The run's id (see `trustdeck fleet runs`); default: the latest
    /// unfinished run against this API.
    #[arg(value_name = "RUN")]
    pub run: Option<String>,
    /// Send the change again, on purpose, to the zones of a finished RUN
    /// whose outcome is unknown (in flight at a kill, a lost reply): once,
    /// as a new run. A new email then mails those zones again.
    #[arg(long, requires = "run")]
    pub resend_unknown: bool,
    /// Resume without asking; needed when stdin or stderr is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the run's plan and outcomes as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck fleet revert RUN`.
#[derive(Args, Debug, Clone)]
pub struct FleetRevertArgs {
    /// The run to undo (see `trustdeck fleet runs`).
    #[arg(value_name = "RUN")]
    pub run: String,
    /// Print the plan, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Revert without asking; needed when stdin or stderr is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan (--dry-run) or the outcomes as one JSON document:
    /// `fleet_plan`/`fleet_run` for a zones run, `dlp_plan`/`dlp_run` for an
    /// accounts run.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck fleet runs`: reads the local journals only.
#[derive(Args, Debug, Clone)]
pub struct FleetRunsArgs {
    /// Print one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print every run as CSV, one line each, with a header line.
    #[arg(long)]
    pub csv: bool,
}

/// A condition `fleet scan --fail-on` exits 1 for.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailOn {
    /// A zone that is not scanning.
    Off,
    /// A zone scanning with every source off: it scans nothing.
    NoSource,
    /// A zone whose notification email is not verified: unverified, not
    /// set (no email) or without a state.
    Unverified,
    /// A zone with no notification email.
    NoEmail,
    /// A zone whose verification email is pending.
    Pending,
    /// A zone locked by Trust & Safety.
    Locked,
    /// A zone whose setting could not be read.
    Error,
}

/// `trustdeck fleet scan`.
#[derive(Args, Debug, Clone)]
pub struct FleetScanArgs {
    /// Only the zones of this account (id or name).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Print one JSON document with every zone.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print every zone as CSV, one line each, with a header line.
    #[arg(long)]
    pub csv: bool,
    /// Exit 1 when any zone meets one of these, e.g. --fail-on off,error.
    #[arg(long, value_name = "CONDITIONS", value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// Print the last scan of these credentials (with its age); send nothing.
    #[arg(long)]
    pub cached: bool,
    /// Read again only the zones whose setting could not be read in the last
    /// scan of these credentials, fold them into it, cache it and print it
    /// whole. No cached scan: exit 4, as --cached; none failed: says so on
    /// stderr, sends nothing and prints the cached scan.
    #[arg(long, conflicts_with = "cached")]
    pub failed: bool,
    /// The most zones a scan reads. A larger fleet is refused after the
    /// listing's first page, before any setting is read (exit 6).
    #[arg(long, value_name = "N", default_value_t = crate::fleet::MAX_ZONES as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_zones: u32,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}
