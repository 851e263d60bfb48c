//! The fleet engine: every zone the credentials see at once. No terminal and
//! no app state here: the dashboard reaches it through the worker and gets
//! its events as messages; a headless `trustdeck fleet scan` calls it
//! directly.
//!
//! - [`start_scan`] lists the zones and reads each one's CSAM Scanner setting
//!   as bulk work through the client's pacer, streaming [`ScanEvent`]s;
//!   cancellable with [`ScanRun::cancel`].
//! - [`start_account_scan`] does the same for every account's DLP settings,
//!   streaming [`AccountRow`]s in the same events: one engine (module
//!   `scanner`) with what differs per kind of target in a small trait.
//! - [`FleetRow`] is one zone as data (the setting, or why it could not be
//!   read); [`FleetScan`] holds a scan's rows and folds a refresh into them.
//! - [`Coverage`], [`Attention`], [`Filter`] and [`visible`] are the pure
//!   views a table and a summary are made of.
//! - [`ScanCache`] keeps the last scan per API and credential identity, of
//!   zones ([`FleetScan`]) and of accounts ([`AccountScan`]).
//! - Bulk changes: a [`Change`] and the rows make a [`Plan`] (per zone
//!   `Send` with what the server is expected to adjust, or `Skip` and why,
//!   counted by [`PlanSummary`]); [`start_apply`] runs it as bulk work,
//!   streaming [`ApplyEvent`]s, pausable and cancellable through
//!   [`ApplyControl`], each zone's [`ZoneOutcome`] folded into an
//!   [`ApplyTable`]. Every run is written down first in its journal
//!   ([`RunsDir`], module `journal` for the format and the order that makes
//!   it safe), so [`resume_apply`] continues one after a crash and
//!   [`retry_apply`] takes its retryable failures once.
//! - Accounts: an [`AccountRow`] per account's DLP settings; a checked
//!   [`DlpChange`] and the rows make an [`AccountPlan`] (per account the
//!   one write with each field's before → after, or why it is skipped).

mod account_change;
mod account_engine;
mod account_outcome;
mod account_plan;
mod account_row;
mod account_scan;
mod account_table;
mod apply;
mod apply_audit;
mod apply_event;
mod apply_run;
mod cache;
mod cache_names;
mod cache_stream;
mod change;
mod cost;
mod coverage;
mod event;
mod journal;
mod journal_read;
mod listed;
mod plan;
mod revert;
mod revert_accounts;
mod revert_load;
mod row;
mod run_target;
mod scan;
mod scanner;
mod table;
mod table_index;
mod view;
mod zone_engine;
mod zone_outcome;

pub use account_change::{
    DlpChange, DlpChangeBuilder, DlpChangeError, DlpEdit, DlpWrite, KeyChange, at_defaults,
    check_public_key,
};
pub use account_outcome::{
    AccountOutcome, AccountResult, AccountRunSummary, AccountTable, classify_account,
};
pub use account_plan::{
    AccountPlan, AccountPlanEntry, AccountPlanSummary, AccountSkip, AccountSkipKind, AccountStep,
    FieldStep, ONLY_CHOICES, PlanAccount, account_entry_for, account_settled, account_step_for,
    after_change, parse_only, select_only,
};
pub use account_row::{
    AccountAttention, AccountDlp, AccountQuick, AccountRow, AccountSummary, DlpState, Masking,
};
pub use account_scan::{AccountScanOptions, AccountScanRun, MAX_ACCOUNTS, start_account_scan};
pub use account_table::AccountScan;
pub use apply::{
    ApplyControl, ApplyOptions, ApplyRun, MAX_ROW_AGE, RetryOptions, check_sound, outcomes_of,
    resume_account_apply, resume_apply, retry_account_apply, retry_apply, start_account_apply,
    start_apply,
};
pub use apply_event::{ApplyEnd, ApplyEvent, ApplyProgress, ApplyStart, RunState, StopReason};
pub use cache::{
    CACHE_FORMAT, CacheKey, CacheWarning, CacheWriter, CredentialIdentity, ScanCache, identify,
};
pub use cache_names::CachedNames;
pub use cache_stream::{CachedHead, CachedRows};
pub use change::{Change, ChangeError};
pub use cost::{RunCost, thousands};
pub use event::{PROGRESS_EVERY, ScanEnd, ScanEvent, ScanOutcome, ScanProgress, estimate_eta};
pub use journal::{
    AccountRunHeader, JOURNAL_FORMAT, JournalError, RunHeader, RunHeaderOf, RunId, RunsDir,
    plan_digest,
};
pub use journal_read::{
    AccountRunInfo, AnyRunInfo, JournalWarning, RunInfo, RunInfoOf, RunRecord, RunStatus, SentLine,
    api_of,
};
pub use plan::{
    Expect, Plan, PlanEntry, PlanSummary, PlanZone, Skip, SkipKind, Step, entry_for, settled,
    skip_of_failure, skip_words, step_for,
};
pub use revert::{
    RevertError, RevertPlan, check_finished, inverse, revert_plan, why_not_revertible,
};
pub use revert_accounts::{AccountRevertPlan, account_revert_plan};
pub use revert_load::{
    RevertLoaded, RevertReady, load_revert, read_revert, read_revert_accounts, read_revert_zones,
};
pub use row::{
    AccountRef, CsamState, Failure, FleetRow, Lock, RowError, Scanning, Sources, ZoneCsam,
};
pub use run_target::{Accounts, Data, RunTarget, TargetKind, Zones};
pub use scan::{MAX_ZONES, ScanCancel, ScanOptions, ScanRun, start_scan};
pub use table::{FleetScan, unix_now};
pub use view::{Attention, Coverage, Filter, Quick, ScanningState, SortKey, compare, visible};
pub use zone_outcome::{
    ApplySummary, ApplyTable, OutcomeKind, UnknownCause, ZoneOutcome, ZoneOutcomeRef, ZoneResult,
    classify,
};
