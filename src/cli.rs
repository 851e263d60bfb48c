//! Command-line definitions. Secrets are never flags: they come from the
//! environment or from a profile's `token_env`/`token_file`, so they never
//! show in the process list.
//!
//! Every headless command that talks to the API flattens [`ConnectionArgs`],
//! so it connects exactly as the dashboard does; `src/headless/` runs them.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::mock::MockArgs;

mod dlp;
mod fleet;

pub use dlp::*;
pub use fleet::*;

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
