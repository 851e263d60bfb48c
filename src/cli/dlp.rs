//! `trustdeck dlp …`: one account's DLP settings, or every account's.

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::*;

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
