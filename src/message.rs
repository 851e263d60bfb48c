//! What the reducer accepts ([`Msg`]) and the side effects it asks for ([`Command`]).

use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;

use crate::api::ApiError;
use crate::api::worker::{ApiRequest, ApiResponse, RequestId};
use crate::audit::Intent;
use crate::fleet::{
    AccountPlan, AccountQuick, AccountRow, AccountScan, Accounts, ApplyEvent, ApplyTable,
    CredentialIdentity, FleetScan, Plan, Quick, RunId, RunInfo, ScanEvent, ScanOptions,
};
use crate::state::AuditLine;
use crate::state::{Page, Panel, PickerItem, PickerKind, Target};

/// Everything that can happen to the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Time passed: spinner frames, status fades.
    Tick(Instant),
    /// The worker answered (boxed: replies are large, keys are small).
    Api(Box<ApiResponse>),
    /// A request failed and the client will try it again after `wait`
    /// (e.g. rate limited by Cloudflare): lets the dashboard say why it waits.
    Retrying {
        /// The request that is waiting.
        id: RequestId,
        /// The attempt that follows the wait: 2 for the first retry.
        attempt: u32,
        /// How long the client waits first.
        wait: Duration,
        /// Why the last attempt failed.
        error: ApiError,
    },
    /// Focus the next panel.
    FocusNext,
    /// Focus the previous panel.
    FocusPrev,
    /// Focus a panel directly.
    Focus(Panel),
    /// Cursor up.
    Up,
    /// Cursor down.
    Down,
    /// A page up (pickers).
    PageUp,
    /// A page down (pickers).
    PageDown,
    /// Open the zone or account picker.
    OpenPicker(PickerKind),
    /// Open the `:` command line.
    OpenCommandLine,
    /// A left click (with `--mouse`): focus, select, or toggle the selected row.
    Click(Target),
    /// Tab on the command line: complete a zone name.
    Complete,
    /// Toggle or cycle the selected row (or start editing the email).
    Activate,
    /// Start editing the focused panel's text field (the notification
    /// email; the payload-logging public key).
    EditField,
    /// A key for the field that takes text (email, picker filter, command line).
    EditKey(KeyEvent),
    /// Pasted text for the field that takes text.
    Paste(String),
    /// Keep the typed email staged.
    CommitEdit,
    /// Abandon the typed email.
    CancelEdit,
    /// Stage a re-send of the verification email.
    Resend,
    /// Save the focused panel's staged edits.
    Save,
    /// Discard the focused panel's staged edits.
    Discard,
    /// Reload the focused panel (also: retry after a failure).
    Refresh,
    /// Ask to reset DLP settings (opens the confirmation).
    AskReset,
    /// Yes, in a dialog.
    Confirm,
    /// No / Esc, in a dialog.
    Deny,
    /// Move the highlight between a dialog's choices.
    ToggleChoice,
    /// Enter in a dialog: take the highlighted choice.
    Choose,
    /// Esc outside dialogs: cancel a load, else dismiss the status line.
    Escape,
    /// Open or close the help overlay.
    ToggleHelp,
    /// Quit (asks first when edits are staged).
    Quit,
    /// Copy the focused panel's zone or account id to the clipboard.
    CopyId,
    /// Open or close the overlay of the last changes (the audit log).
    ToggleAudit,
    /// Show a page (the settings, the fleet, the accounts).
    ShowPage(Page),
    /// To the first row.
    Top,
    /// To the last row.
    Bottom,
    /// Turn a quick filter of the fleet table on or off.
    ToggleQuick(Quick),
    /// Turn a quick filter of the accounts table on or off.
    ToggleAccountQuick(AccountQuick),
    /// Sort the fleet table by the next key.
    CycleSort,
    /// Type a name filter for the fleet table.
    OpenFilter,
    /// Mark or unmark the zone under the cursor for a bulk change (and move down).
    ToggleMark,
    /// Mark every zone the filters show.
    MarkShown,
    /// Unmark every zone.
    ClearMarks,
    /// Open the bulk change menu for the marked zones (else the one under
    /// the cursor).
    OpenBulk,
    /// Pause the bulk run, or resume it.
    PauseRun,
    /// Ask to stop the bulk run.
    AskStopRun,
    /// Retry the last run's retryable failures (a new run).
    RetryFailed,
    /// Read again only the zones of the scan whose setting could not be read.
    ReadFailedAgain,
    /// Show only the zones the last run failed on or could not confirm (again: all).
    ToggleNeedsALook,
    /// What the fleet engine reports.
    Fleet(Box<FleetNews>),
    /// The last changes, read from the audit log (or why they could not be).
    AuditRead(Result<Vec<AuditLine>, String>),
    /// The terminal is gone or a signal arrived: quit now.
    Terminate,
    /// A bound key whose action cannot work now (say why instead of
    /// ignoring it).
    Unavailable(Box<Refused>),
}

/// A key that does nothing now, and what it would have done.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// The action it would have taken.
    pub msg: Msg,
    /// The key as the help writes it (`D`, `tab`).
    pub key: String,
    /// The binding's label (`reset…`).
    pub label: &'static str,
    /// Where the key does work, when that is another page (the key is not
    /// bound on this one): `the fleet page`.
    pub elsewhere: Option<&'static str>,
}

impl Msg {
    /// Wraps a worker reply.
    pub fn api(response: ApiResponse) -> Self {
        Self::Api(Box::new(response))
    }
}

/// What the fleet engine tells the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum FleetNews {
    /// A report of the running scan.
    Scan(ScanEvent),
    /// The reports of the running scan that were waiting, in order: the
    /// page takes a batch of rows in at once.
    Scans(Vec<ScanEvent>),
    /// The cached last scan of these credentials (`None`: there is none),
    /// or why it could not be read.
    Cached(Result<Option<FleetScan>, String>),
    /// The reports of the running accounts scan that were waiting, in
    /// order.
    AccountScans(Vec<ScanEvent<AccountRow>>),
    /// The cached last accounts scan of these credentials (`None`: there
    /// is none), or why it could not be read.
    AccountsCached(Result<Option<AccountScan>, String>),
    /// A report of the running bulk run.
    Apply(ApplyEvent),
    /// A report of the accounts page's bulk run.
    AccountApply(ApplyEvent<Accounts>),
    /// The accounts page's bulk run could not start (nothing was sent), and why.
    AccountApplyRefused(String),
    /// A bulk run could not start (nothing was sent), and why.
    ApplyRefused(String),
    /// The plan and outcomes of a run about to be resumed, from its journal.
    Resuming(Box<ApplyTable>),
    /// The unfinished runs against this API found at start, newest first.
    Unfinished(Vec<RunInfo>),
}

/// Side effects the reducer asks the loop to carry out.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send a request to the API worker.
    Api(ApiRequest),
    /// Send a write, recorded in the audit log first (the intent) and once
    /// its reply is in (the outcome); a write whose intent cannot be
    /// recorded is not sent.
    Write {
        /// The request.
        request: ApiRequest,
        /// What the audit log records before it is sent.
        intent: Box<Intent>,
    },
    /// Read the last changes from the audit log (the `L` overlay).
    ReadAudit,
    /// Scan every zone (of one account, or all), as bulk work.
    StartScan(ScanOptions),
    /// Stop the running scan (what was read stays).
    CancelScan,
    /// Scan every account's DLP settings, as bulk work.
    StartAccountScan,
    /// Stop the running accounts scan (what was read stays).
    CancelAccountScan,
    /// Read the cached last accounts scan of these credentials.
    LoadAccountCache(CredentialIdentity),
    /// Keep this accounts scan as the last one of these credentials.
    StoreAccountCache(CredentialIdentity, Box<AccountScan>),
    /// Read the cached last scan of these credentials.
    LoadFleetCache(CredentialIdentity),
    /// Keep this scan as the last one of these credentials.
    StoreFleetCache(CredentialIdentity, Box<FleetScan>),
    /// Start a bulk run of this plan (journaled and audited first).
    StartApply(Box<Plan>),
    /// Start a bulk DLP run of this account plan (journaled and audited first).
    StartAccountApply(Box<AccountPlan>),
    /// Start a new run of a finished accounts run's retryable failures.
    RetryAccountApply(RunId),
    /// Start a new run of a finished run's retryable failures.
    RetryApply(RunId),
    /// Resume an unfinished run from its journal.
    ResumeApply(RunId),
    /// Pause the bulk run (`true`) or let it go on.
    PauseApply(bool),
    /// Stop the bulk run: no new request; those in flight finish.
    StopApply,
    /// Stop the bulk run and leave it unfinished, to be resumed later (a quit).
    InterruptApply,
    /// Look for unfinished runs against this API in the journal folder.
    FindUnfinished,
    /// Cancel a load that is no longer wanted.
    Cancel(RequestId),
    /// Remember a zone as recently used (written to the state directory).
    RememberZone(PickerItem),
    /// Put text on the clipboard (OSC 52 through the terminal, so it works
    /// over SSH too).
    Copy(String),
}
