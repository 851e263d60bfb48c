//! Command-line definitions. Secrets are never flags: they come from the
//! environment or from a profile's `token_env`/`token_file`, so they never
//! show in the process list.
//!
//! Every headless command that talks to the API flattens [`ConnectionArgs`],
//! so it connects exactly as the dashboard does; `src/headless/` runs them.
use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::mock::MockArgs;

/// A terminal dashboard for Cloudflare's CSAM Scanner and DLP settings.
#[derive(Parser, Debug)]
#[command(name = "trustdeck", version = env!("TRUSTDECK_VERSION"), about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The dashboard's options.
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    /// Another face of the binary.
    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str =
    "Environment (flags win over it, and it wins over the profile's zone and account):
  CLOUDFLARE_API_TOKEN                    API token (preferred)
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   legacy email + global API key
  CLOUDFLARE_ZONE_ID, CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_BASE_URL
  TRUSTDECK_PROFILE                       the profile to use (like --profile)
  TRUSTDECK_CONFIG                        the config file (see --print-config-path)
  TRUSTDECK_LOG                           log level (default info)
Profiles live in config.toml in your config directory: named sets of base URL,
zone, account, read-only and where the secret comes from (token_env, or a
token_file only you can read). Credentials are never read from flags.
A token only goes to the host it was configured with: a profile chosen with
--profile or TRUSTDECK_PROFILE uses its own credentials and base_url; the
environment's credentials go to --base-url, CLOUDFLARE_BASE_URL or Cloudflare,
and win over a default_profile (whose read_only = true still applies).
`trustdeck --demo` needs none of this and ignores profiles and the environment;
it refuses --base-url (it runs its own mock) and takes only the demo's own
--zone and --account ids.
The dashboard needs an interactive terminal (stdin and stdout).";

/// Where and as whom to connect, and whether writes are allowed: shared by
/// the dashboard and every headless command. Credentials are never flags.
#[derive(Args, Debug, Clone, Default)]
pub struct ConnectionArgs {
    /// The API root, e.g. a `trustdeck mock` at http://127.0.0.1:8787/client/v4.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The config file's profile to use (else TRUSTDECK_PROFILE, else its `default_profile`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Change nothing: the dashboard hides every key that writes, a headless
    /// write command refuses (exit 3) before sending. A profile's
    /// `read_only = true` turns it on too.
    #[arg(long)]
    pub read_only: bool,
    /// Cloudflare's rate limit for these credentials as N/DURATION, when your
    /// plan raised it (default 1200/5m, Cloudflare's limit per user). Bulk
    /// work keeps 10 % of it for you. A profile's `rate_limit` sets it too.
    #[arg(long, value_name = "N/DURATION")]
    pub rate_limit: Option<String>,
}

/// Options of the dashboard face.
#[derive(Args, Debug, Clone, Default)]
pub struct DashboardArgs {
    /// Run against the embedded mock server with demo data: no set-up, no credentials.
    #[arg(long, conflicts_with = "profile")]
    pub demo: bool,
    /// The zone whose CSAM Scanner setting to show, by id or name (default: the first one visible).
    #[arg(long, value_name = "ID-OR-NAME")]
    pub zone: Option<String>,
    /// The account whose DLP settings to show (default: the zone's account).
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub account: Option<String>,
    /// Where and as whom to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Click to focus a panel and select a row, click again to toggle it, wheel
    /// to move. Off by default: capturing the mouse stops the terminal's own
    /// text selection (copying an id over SSH).
    #[arg(long)]
    pub mouse: bool,
    /// Print where the config file is looked for (TRUSTDECK_CONFIG overrides it) and exit.
    #[arg(long)]
    pub print_config_path: bool,
}

/// The binary's faces besides the dashboard.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the mock Cloudflare API server (demo data, loopback by default).
    Mock(MockArgs),
    /// The headless commands, for scripts, cron and CI.
    #[command(flatten)]
    Headless(HeadlessCommand),
}

/// What every headless command's `--help` ends with.
const EXIT_HELP: &str = "Exit status: 0 done; 1 done, but the server left something other than \
asked (or a --fail-on condition holds); 2 refused before sending (usage, bad value, \
configuration, not confirmed); 3 authentication, permission or read-only; 4 not found; \
5 locked by Trust & Safety; 6 network, timeout or server error after retries; 130 \
interrupted. Output: a table, or with --json one JSON document on stdout (a failure: one \
error document on stderr); messages and progress go to stderr.";

/// The headless commands: plain tables for a person, `--json` for a program,
/// documented exit codes (see `src/headless/exit.rs`).
#[derive(Subcommand, Debug)]
pub enum HeadlessCommand {
    /// Show or change a zone's CSAM Scanner setting.
    #[command(subcommand)]
    Csam(CsamCommand),
    /// Show, change or reset an account's DLP settings, or scan or change every account's.
    #[command(subcommand)]
    Dlp(DlpCommand),
    /// List the zones the credentials can see (every page).
    #[command(after_help = EXIT_HELP)]
    Zones(ZonesArgs),
    /// List the accounts the credentials can see (every page).
    #[command(after_help = EXIT_HELP)]
    Accounts(AccountsArgs),
    /// Print the audit log: every write trustdeck sent, from every face.
    #[command(after_help = EXIT_HELP)]
    Log(LogArgs),
    /// Every zone at once: scan the fleet's CSAM Scanner coverage.
    #[command(subcommand)]
    Fleet(FleetCommand),
    /// Print a shell completion script (e.g. `trustdeck completions bash`).
    Completions(CompletionsArgs),
    /// Print trustdeck's man page (roff), e.g. `trustdeck man > trustdeck.1`.
    Man(ManArgs),
    /// Print the JSON Schema of a `--json` document's kind (`trustdeck schema`
    /// lists the kinds).
    Schema(SchemaArgs),
}

impl HeadlessCommand {
    /// Whether the command was asked for a JSON document (`--json`): then
    /// a failure, too, is a document (`error`, on stderr).
    pub fn wants_json(&self) -> bool {
        match self {
            Self::Csam(CsamCommand::Get(args)) => args.json,
            Self::Csam(CsamCommand::Set(args)) => args.json,
            Self::Dlp(DlpCommand::Get(args)) => args.json,
            Self::Dlp(DlpCommand::Set(args)) => args.json,
            Self::Dlp(DlpCommand::Reset(args)) => args.json,
            Self::Dlp(DlpCommand::Scan(args)) => args.json,
            Self::Dlp(DlpCommand::Apply(args)) => args.json,
            Self::Zones(args) => args.json,
            Self::Accounts(args) => args.json,
            Self::Log(args) => args.json,
            Self::Fleet(FleetCommand::Scan(args)) => args.json,
            Self::Fleet(FleetCommand::Apply(args)) => args.json,
            Self::Fleet(FleetCommand::Resume(args)) => args.json,
            Self::Fleet(FleetCommand::Revert(args)) => args.json,
            Self::Fleet(FleetCommand::Runs(args)) => args.json,
            Self::Completions(_) | Self::Man(_) | Self::Schema(_) => false,
        }
    }
}

/// `trustdeck csam …`.
#[derive(Subcommand, Debug)]
pub enum CsamCommand {
    /// Show a zone's CSAM Scanner setting.
    #[command(after_help = EXIT_HELP)]
    Get(CsamGetArgs),
    /// Change a zone's CSAM Scanner setting: one PATCH of what differs.
    #[command(after_help = EXIT_HELP)]
    Set(CsamSetArgs),
}

/// `trustdeck csam get ZONE`.
#[derive(Args, Debug, Clone)]
pub struct CsamGetArgs {
    /// The zone: its id, or its name (e.g. shop.example.com).
    #[arg(value_name = "ZONE")]
    pub zone: String,
    /// Print the setting as one JSON document (`trustdeck schema csam_setting`).
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// Scanning on or off, a source on or off.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnOff {
    /// Switch it on.
    On,
    /// Switch it off.
    Off,
}

impl OnOff {
    /// `true` for on.
    pub fn is_on(self) -> bool {
        self == Self::On
    }
}

/// One `--source NAME=on|off`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSwitch {
    /// The source's name, as the zone's setting lists it.
    pub name: String,
    /// On or off.
    pub on: bool,
}

impl std::str::FromStr for SourceSwitch {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, state) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?} is not NAME=on or NAME=off"))?;
        let on = match state.trim() {
            "on" => true,
            "off" => false,
            other => return Err(format!("{other:?} is neither on nor off")),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err("the source name is empty".to_owned());
        }
        Ok(Self {
            name: name.to_owned(),
            on,
        })
    }
}

/// `trustdeck csam set ZONE …`.
#[derive(Args, Debug, Clone)]
pub struct CsamSetArgs {
    /// The zone: its id, or its name.
    #[arg(value_name = "ZONE")]
    pub zone: String,
    /// Turn scanning on (the server keeps it off until the email is verified).
    #[arg(long, conflicts_with = "disable")]
    pub enable: bool,
    /// Turn scanning off.
    #[arg(long)]
    pub disable: bool,
    /// A new notification email; always sent, since the server shows the
    /// current one masked. A new address starts its verification.
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,
    /// Switch one scanning source on or off; repeat for several.
    #[arg(long = "source", value_name = "NAME=on|off")]
    pub sources: Vec<SourceSwitch>,
    /// Send the verification email again (once).
    #[arg(long)]
    pub resend: bool,
    /// Print the PATCH body that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send a new email to a scanning zone without asking (it stops
    /// scanning until the address is verified); needed without a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print one `csam_write` document: {zone, result, before, sent, after, …}.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck dlp …`.
#[derive(Subcommand, Debug)]
pub enum DlpCommand {
    /// Show an account's DLP settings.
    #[command(after_help = EXIT_HELP)]
    Get(DlpGetArgs),
    /// Change an account's DLP settings: one PATCH of what differs.
    #[command(after_help = EXIT_HELP)]
    Set(DlpSetArgs),
    /// Reset an account's DLP settings to their defaults (asks first).
    #[command(after_help = EXIT_HELP)]
    Reset(DlpResetArgs),
    /// Every account at once: read each one's DLP settings, what needs
    /// attention first.
    #[command(after_help = EXIT_HELP)]
    Scan(DlpScanArgs),
    /// Every account at once: one DLP change, planned from a scan,
    /// confirmed, then sent paced, journaled and audited.
    #[command(override_usage = DLP_APPLY_USAGE, after_help = DLP_APPLY_EXIT_HELP)]
    Apply(DlpApplyArgs),
}

/// `dlp apply`'s usage, in lines that fit 80 columns.
const DLP_APPLY_USAGE: &str = "trustdeck dlp apply CHANGE... [OPTIONS]
       CHANGE is any of --ocr on|off, --ai-context on|off, --masking LEVEL,
       --public-key KEY, --public-key-file FILE, --clear-public-key, --reset";

/// What `dlp apply` ends its `--help` with.
const DLP_APPLY_EXIT_HELP: &str = "Exit status: 0 every account done as asked (or already so); 1 \
the server answered other than asked on some, or some were skipped (no permission, DLP not \
available, could not be read); 2 refused before sending (usage, a bad public key, not confirmed, \
a journal or audit log that cannot be written); 3 authentication, permission or read-only mode \
(--read-only prints the plan, then exits 3); 4 an account of --account or --accounts FILE is not \
there; 6 some accounts failed or their outcome is unknown; 130 interrupted by Ctrl-C, SIGTERM or \
SIGHUP (requests in flight finish and are journaled; the run stays resumable with `trustdeck \
fleet resume RUN`). From 2 up stdout is empty: the report is on stderr.";

/// The change of `dlp apply`: any of its fields, or `--reset` alone.
#[derive(Args, Debug, Clone, Default)]
#[command(group(
    ArgGroup::new("dlp_change")
        .required(true)
        .multiple(true)
        .args(["ocr", "ai_context", "masking", "public_key", "public_key_file",
               "clear_public_key", "reset"])
))]
pub struct DlpChangeArgs {
    /// OCR on or off.
    #[arg(long, value_name = "on|off")]
    pub ocr: Option<OnOff>,
    /// AI context analysis on or off.
    #[arg(long, value_name = "on|off")]
    pub ai_context: Option<OnOff>,
    /// How much of a logged payload is masked (clear asks to type the number
    /// of accounts).
    #[arg(long, value_name = "LEVEL")]
    pub masking: Option<Masking>,
    /// Turn payload logging on with this base64 X25519 public key (a public
    /// key is not a secret; it is shown by its fingerprint).
    #[arg(long, value_name = "KEY", conflicts_with = "public_key_file")]
    pub public_key: Option<String>,
    /// The same, the key read from FILE (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub public_key_file: Option<PathBuf>,
    /// Turn payload logging off (asks to type the number of accounts).
    #[arg(long)]
    pub clear_public_key: bool,
    /// Every field back to its default, alone (more than one account asks
    /// to type their number).
    #[arg(long)]
    pub reset: bool,
}

/// `trustdeck dlp apply`.
#[derive(Args, Debug, Clone)]
pub struct DlpApplyArgs {
    /// The change.
    #[command(flatten)]
    pub change: DlpChangeArgs,
    /// Only this account (id or name); repeat it for more.
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Vec<String>,
    /// Only the accounts listed in FILE, one id or name a line (# comments).
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Only accounts that meet any of these: no-key, clear, ocr-off, ai-off.
    #[arg(long, value_name = "CONDITIONS")]
    pub only: Option<String>,
    /// Print the plan, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking; needed when stdin or stderr is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan (`dlp_plan`) or the run (`dlp_run`) as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck dlp scan`.
#[derive(Args, Debug, Clone)]
pub struct DlpScanArgs {
    /// Only this account (id or name); repeat it for more.
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Vec<String>,
    /// Print one JSON document with every account.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print every account as CSV, one line each, with a header line.
    #[arg(long)]
    pub csv: bool,
    /// Exit 1 when any account meets one of these, e.g. --fail-on no-key,error
    /// (error: its settings could not be read).
    #[arg(long, value_name = "CONDITIONS", value_delimiter = ',', value_parser = account_quick())]
    pub fail_on: Vec<crate::fleet::AccountQuick>,
    /// Print the last scan of these credentials (with its age); send nothing.
    #[arg(long)]
    pub cached: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `--fail-on`'s words for an accounts scan (`no-key`, `clear`, `ocr-off`,
/// `ai-off`, `error`).
fn account_quick() -> impl clap::builder::TypedValueParser<Value = crate::fleet::AccountQuick> {
    use crate::fleet::AccountQuick;
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(AccountQuick::ALL.map(AccountQuick::word))
        .map(|word| AccountQuick::parse(&word).unwrap_or(AccountQuick::Unreadable))
}

/// `trustdeck dlp get ACCOUNT`.
#[derive(Args, Debug, Clone)]
pub struct DlpGetArgs {
    /// The account: its id, or its name.
    #[arg(value_name = "ACCOUNT")]
    pub account: String,
    /// Print the settings as one JSON document (the public key as its fingerprint).
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// A payload-log masking level.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masking {
    /// The whole payload is masked.
    Full,
    /// Part of the payload is masked.
    Partial,
    /// Nothing is masked.
    Clear,
    /// DLP's default behaviour.
    Default,
}

/// `trustdeck dlp set ACCOUNT …`.
#[derive(Args, Debug, Clone)]
pub struct DlpSetArgs {
    /// The account: its id, or its name.
    #[arg(value_name = "ACCOUNT")]
    pub account: String,
    /// AI context analysis on or off.
    #[arg(long, value_name = "on|off")]
    pub ai_context: Option<OnOff>,
    /// OCR on or off.
    #[arg(long, value_name = "on|off")]
    pub ocr: Option<OnOff>,
    /// How much of a logged payload is masked.
    #[arg(long, value_name = "LEVEL")]
    pub masking: Option<Masking>,
    /// Turn payload logging on with the base64 public key in FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "no_payload_logging")]
    pub public_key_file: Option<PathBuf>,
    /// Turn payload logging off.
    #[arg(long)]
    pub no_payload_logging: bool,
    /// Print the PATCH body that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send a new email to a scanning zone without asking (it stops
    /// scanning until the address is verified); needed without a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print one `dlp_write` document: {account, result, before, sent, after, …}.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck dlp reset ACCOUNT`.
#[derive(Args, Debug, Clone)]
pub struct DlpResetArgs {
    /// The account: its id, or its name.
    #[arg(value_name = "ACCOUNT")]
    pub account: String,
    /// Reset without asking; needed when stdin or stderr is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the preview and the result as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck zones`.
#[derive(Args, Debug, Clone)]
pub struct ZonesArgs {
    /// Only the zones of this account (id or name).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only zones of this name, or Cloudflare's operators: contains:acme,
    /// starts_with:shop, ends_with:.tv.
    #[arg(long, value_name = "FILTER")]
    pub name: Option<String>,
    /// Print one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a header line (id,name,account_id,account_name,status,
    /// paused,plan_id,plan_name,plan_legacy_id), then a line per zone.
    #[arg(long)]
    pub csv: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck accounts`.
#[derive(Args, Debug, Clone)]
pub struct AccountsArgs {
    /// Print one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a header line (id,name,type), then a line per account.
    #[arg(long)]
    pub csv: bool,
    /// Where and as whom to connect.
    #[command(flatten, next_help_heading = "Connection")]
    pub connection: ConnectionArgs,
}

/// `trustdeck log`: reads the local audit log only, so it takes no
/// connection flags.
#[derive(Args, Debug, Clone)]
pub struct LogArgs {
    /// Only writes of the last DURATION, e.g. 2h, 30m, 7days.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only writes to this zone (id or name).
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<String>,
    /// Only writes to this account or its zones (id or name).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Print one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a header line, then a line per write (the JSON keys as
    /// columns; sent, before and after as `field=value; …`).
    #[arg(long)]
    pub csv: bool,
}

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

/// `trustdeck completions SHELL`.
#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `trustdeck schema [KIND]`.
#[derive(Args, Debug, Clone)]
pub struct SchemaArgs {
    /// The document's kind, as its `"kind"` says; without it, the kinds are listed.
    #[arg(value_name = "KIND")]
    pub kind: Option<String>,
}

/// `trustdeck man [--out-dir DIR]`.
#[derive(Args, Debug, Clone)]
pub struct ManArgs {
    /// Write a page per command (trustdeck.1, trustdeck-csam-set.1, …) into
    /// DIR instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_help_says_the_zone_may_be_a_name() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("--zone <ID-OR-NAME>"), "{help}");
        assert!(!help.contains("<ZONE_ID>"), "{help}");
    }
}
