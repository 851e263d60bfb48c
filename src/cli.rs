//! Command-line definitions. Secrets are never flags: they come from the
//! environment or from a profile's `token_env`/`token_file`, so they never
//! show in the process list.
use clap::{Args, Parser, Subcommand};

use crate::mock::MockArgs;

/// A terminal dashboard for Cloudflare's CSAM Scanner and DLP settings.
#[derive(Parser, Debug)]
#[command(name = "trustdeck", version, about, after_help = AFTER_HELP)]
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
    /// Hide every key that writes; nothing can be changed. A profile's
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
    /// The zone whose CSAM Scanner setting to show (default: the first one visible).
    #[arg(long, value_name = "ZONE_ID")]
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
}
