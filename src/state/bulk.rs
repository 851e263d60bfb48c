//! Bulk changes on the fleet page: the zones a change goes to, the dialogs
//! that pick the change and show its plan, and the run that applies it.
//!
//! The dialogs are data like every other dialog ([`super::Dialog::Bulk`]);
//! the run is the fleet page's ([`super::FleetPage::run`]), folded from the
//! engine's events, and stays after its end so the table keeps each zone's
//! outcome until the next change.

use std::time::Instant;

use tui_input::Input;

use super::account_bulk::{AccountChoice, AccountPlanDialog};

use crate::fleet::{
    ApplyEnd, ApplyProgress, ApplyTable, Change, OutcomeKind, Plan, RunCost, RunId, RunInfo,
};

/// Text typed into a dialog; compared by what was typed.
#[derive(Debug, Clone, Default)]
pub struct Typed(pub Input);

impl PartialEq for Typed {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

impl Eq for Typed {}

impl Typed {
    /// Whether what is typed is `count` (thousands separators allowed).
    pub fn is_count(&self, count: usize) -> bool {
        self.0.value().replace([',', '_', ' '], "") == count.to_string()
    }
}

/// The zones (or accounts) a change goes to, and how the dialogs name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Zone (or account) ids, in the table's order.
    pub ids: Vec<String>,
    /// `3 marked zones`, or the zone's name when it is the one under the
    /// cursor.
    pub label: String,
}

/// One entry of the change menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuChoice {
    /// A change that needs nothing more.
    Change(Change),
    /// Set the notification email: it is typed next.
    Email,
}

/// A bulk change's dialogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkDialog {
    /// Which change.
    Menu {
        /// The zones.
        selection: Selection,
        /// The changes offered (the sources are those the zones have).
        choices: Vec<MenuChoice>,
        /// The highlighted one.
        selected: usize,
    },
    /// The notification email for every zone, typed.
    Email {
        /// The zones.
        selection: Selection,
        /// What is typed.
        input: Typed,
        /// Why the address was refused, after Enter.
        problem: Option<String>,
    },
    /// The plan, before anything is sent.
    Plan(PlanDialog),
    /// Which DLP change, on the accounts page.
    AccountMenu {
        /// The accounts.
        selection: Selection,
        /// The changes offered.
        choices: Vec<AccountChoice>,
        /// The highlighted one.
        selected: usize,
    },
    /// The payload-logging public key for every account, typed.
    PublicKey {
        /// The accounts.
        selection: Selection,
        /// What is typed (kept whatever the check says).
        input: Typed,
        /// What the check says of it, as it is typed.
        problem: Option<String>,
    },
    /// The plan of a DLP change, before anything is sent.
    AccountPlan(AccountPlanDialog),
    /// The accounts page's run ended: what became of it, and what next.
    AccountSummary {
        /// The highlighted choice.
        choice: SummaryChoice,
    },
    /// Esc during a run: stop it?
    StopRun {
        /// The highlighted choice; "keep going" by default.
        confirm_selected: bool,
    },
    /// q during a run: quit?
    QuitRun {
        /// The highlighted choice; "stay" by default.
        confirm_selected: bool,
    },
    /// A run ended: what became of it, and what next.
    Summary {
        /// The highlighted choice.
        choice: SummaryChoice,
    },
    /// An unfinished run was found at start.
    Resume {
        /// The newest unfinished run against this API.
        run: RunInfo,
        /// More unfinished runs (offered at the next start).
        more: usize,
        /// The highlighted choice; "leave it" by default.
        confirm_selected: bool,
    },
}

/// The choices of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryChoice {
    /// Close it (the default).
    Close,
    /// Retry the retryable failures.
    Retry,
    /// Show only the zones that failed or are unknown.
    Show,
}

/// The plan dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDialog {
    /// The zones, as the title names them.
    pub selection: Selection,
    /// The plan.
    pub plan: Plan,
    /// The first zone of the list shown.
    pub scroll: usize,
    /// The highlighted button: Cancel by default.
    pub confirm_selected: bool,
    /// Scanning off on more than one zone: the number typed to confirm.
    pub typed: Option<Typed>,
    /// Why Enter did not run it (the number typed is not the count).
    pub problem: Option<String>,
    /// `--read-only`: the plan is shown and cannot be run.
    pub read_only: bool,
    /// What a run would spend of the rate limit, priced from the client's
    /// budget once the dialog opens (`None` until then).
    pub cost: Option<RunCost>,
}

impl PlanDialog {
    /// The count the admin must type, when one must be typed.
    pub fn count_to_type(&self) -> Option<usize> {
        self.typed.as_ref().map(|_| self.plan.to_send())
    }

    /// Whether the typed count is the right one.
    pub fn count_typed(&self) -> bool {
        match (&self.typed, self.count_to_type()) {
            (Some(typed), Some(count)) => typed.is_count(count),
            _ => true,
        }
    }

    /// Whether Run can be chosen at all.
    pub fn runnable(&self) -> bool {
        !self.read_only && self.plan.to_send() > 0
    }
}

/// A bulk run the fleet page watches (or watched: it stays after its end).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRun {
    /// The run, once the engine said it started.
    pub id: Option<RunId>,
    /// The plan and every outcome so far.
    pub table: ApplyTable,
    /// The latest progress report.
    pub progress: Option<ApplyProgress>,
    /// Pause asked (the engine confirms with its events).
    pub paused: bool,
    /// Paused by the "Stop the run?" question, not by `p`: going on
    /// resumes it.
    pub held_to_ask: bool,
    /// Stop asked: no new request; those in flight finish.
    pub stopping: bool,
    /// Quit asked: the dashboard quits once those in flight finish.
    pub quitting: bool,
    /// A resume of a run an earlier process left.
    pub resumed: bool,
    /// When it was asked for.
    pub since: Instant,
    /// How it ended, once it did.
    pub end: Option<ApplyEnd>,
}

impl BulkRun {
    /// A run of `table`'s plan, asked for at `now`.
    pub fn new(table: ApplyTable, now: Instant, resumed: bool) -> Self {
        Self {
            id: None,
            table,
            progress: None,
            paused: false,
            held_to_ask: false,
            stopping: false,
            quitting: false,
            resumed,
            since: now,
            end: None,
        }
    }

    /// Whether it still goes (asked for, started, not ended).
    pub fn is_going(&self) -> bool {
        self.end.is_none()
    }

    /// Whether the engine has started it (so it can be paused or stopped).
    pub fn has_started(&self) -> bool {
        self.id.is_some() && self.end.is_none()
    }

    /// The summary's choices after its end, in order: retry only what a
    /// retry may fix (never in `--read-only`), show only what needs a look.
    pub fn summary_choices(&self, read_only: bool) -> Vec<SummaryChoice> {
        let mut choices = vec![SummaryChoice::Close];
        let Some(end) = &self.end else {
            return choices;
        };
        if end.summary.retryable > 0 && !read_only && self.id.is_some() {
            choices.push(SummaryChoice::Retry);
        }
        if end.summary.failed + end.summary.unknown > 0 {
            choices.push(SummaryChoice::Show);
        }
        choices
    }

    /// A zone's outcome in this run, as the table's column shows it;
    /// `None` for a zone not in the run.
    pub fn mark(&self, zone_id: &str) -> Option<RowMark> {
        let entry = self.table.plan().entry(zone_id)?;
        Some(match self.table.outcome(zone_id) {
            Some(outcome) => match outcome.kind() {
                OutcomeKind::Done => RowMark::Done,
                OutcomeKind::Adjusted => RowMark::Adjusted,
                OutcomeKind::Skipped => RowMark::Skipped,
                OutcomeKind::Failed => RowMark::Failed,
                OutcomeKind::Unknown => RowMark::Unknown,
            },
            None if !entry.sends() => RowMark::Skipped,
            None if self.end.is_some() => RowMark::NotSent,
            None => RowMark::Queued,
        })
    }
}

/// A zone's place in the run, as its row shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMark {
    /// To be sent.
    Queued,
    /// Done as asked.
    Done,
    /// Applied; the server left something else (e.g. scanning stays off).
    Adjusted,
    /// Skipped (by the plan or a re-read).
    Skipped,
    /// Failed.
    Failed,
    /// Unknown: for the admin to check.
    Unknown,
    /// The run ended before sending it (stopped).
    NotSent,
}

impl RowMark {
    /// Whether the "failed or unknown" filter shows it.
    pub fn needs_a_look(self) -> bool {
        matches!(self, Self::Failed | Self::Unknown)
    }
}
