//! Everything the dashboard knows. The reducer changes it; the UI only reads it.

mod account;
mod picker;
mod remote;
mod zone;

use std::time::{Duration, Instant};

pub use account::{
    AccountPanel, AccountRow, DlpForm, MASKING_CYCLE, key_fingerprint, masking_meaning,
};
pub use picker::{PAGE_SIZE, PREFETCH, PageRequest, Picker, PickerItem, PickerKind};
pub use remote::{Failure, Inflight, InflightKind, Loaded, Remote, Retry};
pub use zone::{CsamForm, EmailEditor, ZonePanel, ZoneRow};

use tui_input::Input;

use crate::api::worker::RequestId;

/// How long a success message stays on the status line.
pub const SUCCESS_FADE: Duration = Duration::from_secs(4);

/// The two panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    /// CSAM Scanner of a zone.
    #[default]
    Zone,
    /// DLP settings of an account.
    Account,
}

/// What a mouse click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A panel, outside its selectable rows.
    Panel(Panel),
    /// A selectable zone row: an index into [`ZonePanel::rows`].
    ZoneRow(usize),
    /// A selectable account row: an index into [`AccountRow::ALL`].
    AccountRow(usize),
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
    /// How the credentials authenticate, in words (never the secret).
    pub auth: String,
    /// `NO_COLOR` is set: convey state with bold, reverse and symbols only.
    pub no_color: bool,
    /// The legacy email + global key pair is in use (checked with a cheap
    /// call instead of `tokens/verify`).
    pub legacy_auth: bool,
    /// The configuration profile in use, if any.
    pub profile: Option<String>,
    /// Which credentials are used and why, when more than one source had
    /// some (never a secret).
    pub credentials_note: Option<String>,
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

/// What a lookup request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// `GET /zones/{id}`: the shown zone's name, and its account when none
    /// was given.
    ZoneDetails {
        /// The zone looked up.
        zone_id: String,
    },
    /// `GET /accounts/{id}`: the shown account's name.
    AccountDetails {
        /// The account looked up.
        account_id: String,
    },
    /// `GET /zones?name=`: a zone given by its name (`--zone NAME` at
    /// start, or `:zone NAME`); shown as soon as exactly one matches.
    ZoneByName {
        /// The name asked for.
        name: String,
    },
    /// `GET /zones/{id}`: a zone typed on the command line by id, shown
    /// (with its account) once it is known to exist.
    ZoneById {
        /// The id asked for.
        zone_id: String,
    },
    /// `GET /accounts/{id}`: an account typed on the command line by id.
    AccountById {
        /// The id asked for.
        account_id: String,
    },
}

/// The `:` command line while it is open.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// What is typed after the colon.
    pub input: Input,
}

/// How a status message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Done as asked; fades.
    Success,
    /// Worth knowing; fades.
    Info,
    /// Done, but not quite as asked (the server adjusted something); stays.
    Warning,
    /// Failed; stays until dismissed.
    Error,
}

/// The sentence on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What to say.
    pub text: String,
    /// How it reads.
    pub kind: StatusKind,
    /// When it was said, for fading.
    pub at: Instant,
    /// What it is about, so it goes when its cause is gone.
    pub about: Option<About>,
}

/// What a status message is about. A message goes when its cause does: a
/// load error when that load succeeds, a save report when its zone or
/// account is no longer shown or its edits are discarded, an email problem
/// once a valid address is staged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// Loading the CSAM setting of the zone with this id.
    ZoneLoad(String),
    /// Saving the CSAM setting of the zone with this id.
    ZoneSave(String),
    /// Loading the DLP settings of the account with this id.
    AccountLoad(String),
    /// Saving or resetting the DLP settings of the account with this id.
    AccountSave(String),
    /// The notification email being typed.
    EmailInput,
    /// The lists that find a zone or an account at start-up.
    Discovery,
}

/// A modal question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Reset DLP settings: field, current value, value after reset.
    ConfirmReset {
        /// The account to reset.
        account_id: String,
        /// (field, now, after) rows.
        changes: Vec<(String, String, String)>,
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
    /// Quit although edits are staged.
    ConfirmQuit {
        /// The highlighted choice; Cancel by default.
        confirm_selected: bool,
    },
}

/// The whole dashboard state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The focused panel.
    pub focus: Panel,
    /// The zone panel.
    pub zone: ZonePanel,
    /// The account panel.
    pub account: AccountPanel,
    /// The status line.
    pub status: Option<Status>,
    /// A modal dialog, if open.
    pub dialog: Option<Dialog>,
    /// The help overlay is open.
    pub help: bool,
    /// Header facts.
    pub context: Context,
    /// The next request id to hand out.
    pub next_id: RequestId,
    /// The time of the latest message; the reducer reads no clock.
    pub now: Instant,
    /// Set once the user has quit.
    pub quit: bool,
    /// The zone list asked for at start-up when no zone was given.
    pub zone_discovery: Option<RequestId>,
    /// The account list asked for at start-up when no account was given.
    pub account_discovery: Option<RequestId>,
    /// Names and ids being looked up (a zone's name and account, a zone
    /// given by name), by request.
    pub lookups: Vec<(RequestId, Lookup)>,
    /// The credential check at start-up.
    pub gate: Gate,
    /// The credential check in flight.
    pub gate_request: Option<RequestId>,
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
        let read_only = context.read_only.then(|| "read-only mode".to_owned());
        Self {
            focus: Panel::Zone,
            zone: ZonePanel {
                zone_id,
                read_only: read_only.clone(),
                ..ZonePanel::default()
            },
            account: AccountPanel {
                account_id,
                read_only,
                ..AccountPanel::default()
            },
            status: None,
            dialog: None,
            help: false,
            context,
            next_id: 1,
            now,
            quit: false,
            zone_discovery: None,
            account_discovery: None,
            lookups: Vec::new(),
            gate: Gate::Checking,
            gate_request: None,
            gate_tried_account: false,
            picker: None,
            command_line: None,
            recent_zones: Vec::new(),
            known_zones: Vec::new(),
        }
    }

    /// True when any request is in flight (the spinner ticks only then).
    pub fn is_busy(&self) -> bool {
        self.zone.remote.inflight.is_some()
            || self.account.remote.inflight.is_some()
            || self.gate_request.is_some()
            || !self.lookups.is_empty()
            || self.picker.as_ref().is_some_and(|p| p.loading.is_some())
    }

    /// True when any panel has staged edits.
    pub fn is_dirty(&self) -> bool {
        self.zone.is_dirty() || self.account.is_dirty()
    }

    /// True while a field (the email, the public key) takes the keyboard.
    pub fn is_editing(&self) -> bool {
        self.zone.editor.is_some() || self.account.key_editor.is_some()
    }

    /// True while typed text goes into a field (email, picker filter, command line).
    pub fn takes_text(&self) -> bool {
        self.is_editing() || self.picker.is_some() || self.command_line.is_some()
    }

    /// When the next timed change is due (spinner frame or status fade), if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        let spinner = self
            .is_busy()
            .then(|| self.now + Duration::from_millis(100));
        let fade = self
            .status
            .as_ref()
            .filter(|s| matches!(s.kind, StatusKind::Success | StatusKind::Info))
            .map(|s| s.at + SUCCESS_FADE);
        spinner.into_iter().chain(fade).min()
    }
}
