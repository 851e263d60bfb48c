//! Everything the dashboard knows. The reducer changes it; the UI only reads it.
//!
//! [`AppState`] holds what is global (the credential check, where the
//! dashboard points, the status line, the overlays: picker, dialog, help,
//! `:` line, and every request in flight) and the pages; [`Page`] says
//! which one is shown. A page owns its state module here, its reducer
//! module in `update/`, its view module in `ui/` and its key context.

mod account_bulk;
mod accounts;
mod bulk;
mod csam;
mod dlp;
mod fleet;
mod fleet_order;
mod picker;
mod remote;
mod requests;
mod setting;
mod settings;
mod status;

use std::time::{Duration, Instant};

pub use account_bulk::{AccountChoice, AccountPlanDialog, AccountRun};
pub use accounts::{AccountSort, AccountsPage};
pub use bulk::{
    BulkDialog, BulkRun, MenuChoice, PlanDialog, RowMark, Selection, SummaryChoice, Typed,
};
pub use csam::{Csam, CsamForm, ZonePanel, ZoneRow};
pub use dlp::{
    AccountPanel, AccountRow, Dlp, DlpForm, MASKING_CYCLE, key_fingerprint, key_matches,
    masking_meaning,
};
pub use fleet::{FleetPage, Scanning, Source};
pub use fleet_order::ShownOrder;
pub use picker::{PAGE_SIZE, PREFETCH, PageRequest, Picker, PickerItem, PickerKind};
pub use remote::{Failure, Inflight, InflightKind, Loaded, Remote, Retry};
pub use requests::{Discover, Lookup, Pending, Requests, Route};
pub use setting::{FieldEditor, ReadOnly, Setting, SettingPanel};
pub use settings::{Abilities, SettingsPage};
pub use status::{About, Notice, SUCCESS_FADE, Status, StatusKind};

use tui_input::Input;

use crate::outcome::{FieldChange, SaveWarning};

/// The pages of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// The zone and account panels.
    #[default]
    Settings,
    /// Every zone's CSAM Scanner status in one table.
    Fleet,
    /// Every account's DLP settings in one table.
    Accounts,
}

/// The two panels of the settings page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    /// CSAM Scanner of a zone.
    #[default]
    Zone,
    /// DLP settings of an account.
    Account,
}

impl Panel {
    /// The panel after (and before) this one: there are two.
    pub fn other(self) -> Self {
        match self {
            Self::Zone => Self::Account,
            Self::Account => Self::Zone,
        }
    }
}

/// What a mouse click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A panel, outside its selectable rows.
    Panel(Panel),
    /// A selectable row of a panel: an index into its rows.
    Row(Panel, usize),
}

/// Where the dashboard points, for the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The API root in use.
    pub base_url: String,
    /// `Some(addr)` when running `--demo` against the embedded mock.
    pub demo: Option<String>,
    /// Every write is hidden.
    pub read_only: bool,
    /// Where the log file is, for the help overlay.
    pub log_path: Option<String>,
    /// Where the audit log is, for the last-changes overlay.
    pub audit_path: Option<String>,
    /// How the credentials authenticate, in words (never the secret).
    pub auth: String,
    /// `NO_COLOR` is set: convey state with bold, reverse and symbols only.
    pub no_color: bool,
    /// The legacy email + global key pair is in use (checked with a cheap
    /// call instead of `tokens/verify`).
    pub legacy_auth: bool,
    /// The global key's email (not secret), when that pair is in use: who
    /// the fleet cache is kept for.
    pub key_email: Option<String>,
    /// The configuration profile in use, if any.
    pub profile: Option<String>,
    /// Which credentials are used and why, when more than one source had
    /// some (never a secret).
    pub credentials_note: Option<String>,
    /// The keys in force: the defaults with the config file's `[keys]`.
    pub keys: crate::input::Keymap,
    /// The colours of the config file's `theme` (`NO_COLOR` still wins).
    pub palette: crate::ui::palette::Palette,
}

/// Whether the credentials were found to work before anything is shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Gate {
    /// The check is on its way.
    #[default]
    Checking,
    /// The credentials work: the dashboard is shown.
    Open,
    /// The credentials do not work: a screen says which way, and what to do.
    Refused {
        /// One line: what is wrong.
        title: String,
        /// What it means and what to do.
        detail: String,
        /// Whether trying again may help (network trouble, not a bad token).
        retry: bool,
    },
}

/// One change in the audit log, worded by the audit module for the `L`
/// overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// When (UTC).
    pub time: String,
    /// The zone or account.
    pub target: String,
    /// What was sent, before → after.
    pub change: String,
    /// How it ended (or "outcome unknown"), in words.
    pub outcome: String,
    /// How it ended, as data: what the overlay colours by.
    pub verdict: crate::audit::Verdict,
    /// The whole record, for the detail view (`enter`).
    pub entry: Box<crate::audit::Entry>,
}

/// The overlay of the last changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditOverlay {
    /// The changes, newest first; `None` while they are read; `Err` when
    /// the log could not be read.
    pub lines: Option<Result<Vec<AuditLine>, String>>,
    /// The selected change (the list scrolls to keep it in view).
    pub scroll: usize,
    /// The change whose every field is shown, by index into the lines.
    pub detail: Option<usize>,
}

/// The `:` command line while it is open.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// What is typed after the colon.
    pub input: Input,
}

/// A modal question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Reset DLP settings: each field now and after reset.
    ConfirmReset {
        /// The account to reset.
        account_id: String,
        /// Field by field, now → after.
        changes: Vec<FieldChange>,
        /// Staged edits the reset will drop.
        staged: usize,
        /// The highlighted choice; Cancel by default.
        confirm_selected: bool,
    },
    /// Switch zone or account although the panel has staged edits.
    ConfirmSwitch {
        /// Where to switch to.
        target: PickerItem,
        /// Zone or account.
        kind: PickerKind,
        /// How many staged edits would be dropped.
        staged: usize,
        /// The highlighted choice; Cancel by default.
        confirm_selected: bool,
    },
    /// Save the zone's setting although the server will make of it what
    /// the admin may not expect (a new email stops scanning, scanning kept
    /// off, a zone left scanning nothing): said before it is sent.
    ConfirmSave {
        /// What the save will do, from [`crate::outcome::csam_warnings`].
        warnings: Vec<SaveWarning>,
        /// The highlighted choice; Cancel by default.
        confirm_selected: bool,
    },
    /// Quit although edits are staged.
    ConfirmQuit {
        /// The highlighted choice; Cancel by default.
        confirm_selected: bool,
    },
    /// A bulk change of the fleet page or the accounts page: its menu, its
    /// plan, its run's questions and summary.
    Bulk(Box<BulkDialog>),
}

impl Dialog {
    /// Whether the dialog has a field that takes the keys (an email, the
    /// number of zones typed to confirm).
    pub fn takes_text(&self) -> bool {
        match self {
            Self::Bulk(bulk) => match bulk.as_ref() {
                BulkDialog::Email { .. } | BulkDialog::PublicKey { .. } => true,
                BulkDialog::Plan(plan) => plan.typed.is_some(),
                BulkDialog::AccountPlan(plan) => plan.typed.is_some(),
                _ => false,
            },
            _ => false,
        }
    }
}

/// The whole dashboard state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The page shown.
    pub page: Page,
    /// The settings page: the zone and account panels.
    pub settings: SettingsPage,
    /// The fleet page: every zone at once.
    pub fleet: FleetPage,
    /// The accounts page: every account's DLP settings at once.
    pub accounts: AccountsPage,
    /// Who the credentials are (a token's id, a global key's email), once
    /// the credential check said: what the fleet cache is kept under.
    pub identity: Option<crate::fleet::CredentialIdentity>,
    /// Every request in flight, by id.
    pub requests: Requests,
    /// The status line.
    pub status: Option<Status>,
    /// A key was pressed since the status line last changed: a save's
    /// outcome stays until then.
    pub status_read: bool,
    /// A modal dialog, if open.
    pub dialog: Option<Dialog>,
    /// The help overlay is open.
    pub help: bool,
    /// The overlay of the last changes (the audit log), when open.
    pub audit: Option<AuditOverlay>,
    /// Header facts.
    pub context: Context,
    /// The time of the latest message; the reducer reads no clock.
    pub now: Instant,
    /// Set once the user has quit.
    pub quit: bool,
    /// The credential check.
    pub gate: Gate,
    /// The account token check was tried after the user token check failed.
    pub gate_tried_account: bool,
    /// The zone or account picker, when open.
    pub picker: Option<Picker>,
    /// The `:` command line, when open.
    pub command_line: Option<CommandLine>,
    /// Zones used recently, most recent first (offered first in the picker).
    pub recent_zones: Vec<PickerItem>,
    /// Every zone seen in a list so far, for `:zone` completion.
    pub known_zones: Vec<PickerItem>,
}

impl AppState {
    /// A fresh state for `context`, showing `zone_id` and `account_id` once loaded.
    pub fn new(
        context: Context,
        zone_id: Option<String>,
        account_id: Option<String>,
        now: Instant,
    ) -> Self {
        let settings = SettingsPage::new(zone_id, account_id, context.read_only);
        Self {
            page: Page::Settings,
            settings,
            fleet: FleetPage::default(),
            accounts: AccountsPage::default(),
            identity: None,
            requests: Requests::default(),
            status: None,
            status_read: false,
            dialog: None,
            help: false,
            audit: None,
            context,
            now,
            quit: false,
            gate: Gate::Checking,
            gate_tried_account: false,
            picker: None,
            command_line: None,
            recent_zones: Vec::new(),
            known_zones: Vec::new(),
        }
    }

    /// True when any request is in flight (the spinner ticks only then).
    pub fn is_busy(&self) -> bool {
        self.requests.is_busy()
    }

    /// True when any page has staged edits.
    pub fn is_dirty(&self) -> bool {
        self.settings.is_dirty()
    }

    /// True while a field (the email, the public key, the fleet's name
    /// filter) takes the keyboard.
    pub fn is_editing(&self) -> bool {
        match self.page {
            Page::Settings => self.settings.is_editing(),
            Page::Fleet => self.fleet.typing.is_some(),
            Page::Accounts => self.accounts.typing.is_some(),
        }
    }

    /// True while typed text goes into a field (email, picker filter, command line).
    pub fn takes_text(&self) -> bool {
        self.is_editing()
            || self.picker.is_some()
            || self.command_line.is_some()
            || self.dialog.as_ref().is_some_and(Dialog::takes_text)
    }

    /// When the next timed change is due (spinner frame, status fade, or
    /// the fleet scan's countdowns: budget reset, rate-limit block, ETA), if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        let spinner = self
            .is_busy()
            .then(|| self.now + Duration::from_millis(100));
        let scanning = match self.page {
            Page::Settings => false,
            Page::Fleet => self.fleet.scanning.is_some(),
            Page::Accounts => self.accounts.scanning.is_some(),
        };
        let countdown = scanning.then(|| self.now + Duration::from_secs(1));
        let fade = self
            .status
            .as_ref()
            .filter(|s| matches!(s.kind, StatusKind::Success | StatusKind::Info))
            .map(|s| s.at + SUCCESS_FADE);
        spinner.into_iter().chain(countdown).chain(fade).min()
    }
}
