//! What a bulk run's engine needs to know of its kind of target: zones
//! (CSAM Scanner) or accounts (DLP). The run loop, the journal, resume and
//! retry are written once over [`RunTarget`]; [`Zones`] and [`Accounts`]
//! say what an entry, an outcome and a table are for each.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::account_change::DlpChange;
use super::account_outcome::{AccountOutcome, AccountResult, AccountRunSummary, AccountTable};
use super::account_plan::{AccountPlan, AccountPlanEntry};
use super::account_row::DlpState;
use super::change::Change;
use super::plan::{Plan, PlanEntry};
use super::row::CsamState;
use super::zone_outcome::{ApplySummary, ApplyTable, OutcomeKind, ZoneOutcome, ZoneResult};

/// Plain data a journal line holds.
pub trait Data:
    Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T> Data for T where
    T: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

/// Which kind of target a run writes to, as a journal's `run` line says it
/// (`target`; a line without one is a zones run, as every journal written
/// before account runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Zones: the CSAM Scanner setting.
    Zones,
    /// Accounts: the DLP settings.
    Accounts,
}

impl TargetKind {
    /// `zones`, `accounts`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Zones => "zones",
            Self::Accounts => "accounts",
        }
    }
}

/// A kind of target a bulk run writes to.
pub trait RunTarget: Debug + Clone + Copy + PartialEq + Eq + Send + Sync + 'static {
    /// Which it is.
    const KIND: TargetKind;
    /// The one change a run makes.
    type Change: Data + Eq;
    /// One target of a plan.
    type Entry: Data;
    /// The plan: the change and the entries.
    type Plan: Clone + Debug + PartialEq + Send + Sync;
    /// What became of one target.
    type Outcome: Data;
    /// The settings a run learned of a target.
    type State: Data;
    /// One target's outcome, as a run reports it.
    type Result: Clone + Debug + PartialEq + Send + Sync;
    /// A plan with its outcomes so far.
    type Table: Clone + Debug + PartialEq + Send + Sync;
    /// The counts of a table.
    type Summary: Clone + Debug + PartialEq + Eq + Serialize + Send + Sync;

    /// The id of an entry's target (its key in the plan and the journal).
    fn entry_id(entry: &Self::Entry) -> &str;
    /// True when the entry's write is to be sent.
    fn sends(entry: &Self::Entry) -> bool;
    /// A copy of `entry` that must be read again before anything is sent.
    fn unread(entry: Self::Entry) -> Self::Entry;
    /// The plan of `change` over `entries`.
    fn plan(change: Self::Change, entries: Vec<Self::Entry>) -> Self::Plan;
    /// The plan's change.
    fn change(plan: &Self::Plan) -> &Self::Change;
    /// The plan's entries.
    fn entries(plan: &Self::Plan) -> &[Self::Entry];
    /// One target's result.
    fn result(
        entry: &Self::Entry,
        outcome: Self::Outcome,
        at: u64,
        state: Option<Self::State>,
    ) -> Self::Result;
    /// The id of a result's target.
    fn result_id(result: &Self::Result) -> &str;
    /// A result's outcome.
    fn result_outcome(result: &Self::Result) -> &Self::Outcome;
    /// The outcome's kind.
    fn kind(outcome: &Self::Outcome) -> OutcomeKind;
    /// True when a retry may fix the outcome.
    fn retryable(outcome: &Self::Outcome) -> bool;
    /// True when sending the change again after an unknown outcome is safe.
    fn idempotent(change: &Self::Change) -> bool;
    /// A table of `plan` without outcomes.
    fn table(plan: Self::Plan) -> Self::Table;
    /// The table's plan as it stands.
    fn table_plan(table: &Self::Table) -> &Self::Plan;
    /// Records a result in the table.
    fn record(table: &mut Self::Table, result: &Self::Result);
    /// Puts a re-read's entry in place of the planned one.
    fn replan(table: &mut Self::Table, entry: Self::Entry);
    /// The counts of the table.
    fn summary(table: &Self::Table) -> Self::Summary;
    /// The entries whose outcome is `kind`, or retryable.
    fn with_outcome(table: &Self::Table, retryable: bool, kind: OutcomeKind) -> Vec<Self::Entry>;
}

/// Zones: a change of the CSAM Scanner setting ([`Change`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zones;

/// Accounts: a change of the DLP settings ([`DlpChange`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounts;

impl RunTarget for Zones {
    const KIND: TargetKind = TargetKind::Zones;
    type Change = Change;
    type Entry = PlanEntry;
    type Plan = Plan;
    type Outcome = ZoneOutcome;
    type State = CsamState;
    type Result = ZoneResult;
    type Table = ApplyTable;
    type Summary = ApplySummary;

    fn entry_id(entry: &PlanEntry) -> &str {
        &entry.zone.id
    }
    fn sends(entry: &PlanEntry) -> bool {
        entry.sends()
    }
    fn unread(entry: PlanEntry) -> PlanEntry {
        PlanEntry {
            read_at: 0,
            ..entry
        }
    }
    fn plan(change: Change, entries: Vec<PlanEntry>) -> Plan {
        Plan { change, entries }
    }
    fn change(plan: &Plan) -> &Change {
        &plan.change
    }
    fn entries(plan: &Plan) -> &[PlanEntry] {
        &plan.entries
    }
    fn result(
        entry: &PlanEntry,
        outcome: ZoneOutcome,
        at: u64,
        state: Option<CsamState>,
    ) -> ZoneResult {
        ZoneResult {
            zone: entry.zone.clone(),
            outcome,
            at,
            state,
        }
    }
    fn result_id(result: &ZoneResult) -> &str {
        &result.zone.id
    }
    fn result_outcome(result: &ZoneResult) -> &ZoneOutcome {
        &result.outcome
    }
    fn kind(outcome: &ZoneOutcome) -> OutcomeKind {
        outcome.kind()
    }
    fn retryable(outcome: &ZoneOutcome) -> bool {
        outcome.is_retryable()
    }
    fn idempotent(change: &Change) -> bool {
        change.is_idempotent()
    }
    fn table(plan: Plan) -> ApplyTable {
        ApplyTable::new(plan)
    }
    fn table_plan(table: &ApplyTable) -> &Plan {
        table.plan()
    }
    fn record(table: &mut ApplyTable, result: &ZoneResult) {
        table.record(result);
    }
    fn replan(table: &mut ApplyTable, entry: PlanEntry) {
        table.replan(entry);
    }
    fn summary(table: &ApplyTable) -> ApplySummary {
        table.summary()
    }
    fn with_outcome(table: &ApplyTable, retryable: bool, kind: OutcomeKind) -> Vec<PlanEntry> {
        let entries = if retryable {
            table.retryable()
        } else {
            table
                .plan()
                .entries
                .iter()
                .filter(|e| table.outcome(&e.zone.id).is_some_and(|o| o.kind() == kind))
                .collect()
        };
        entries.into_iter().cloned().collect()
    }
}

impl RunTarget for Accounts {
    const KIND: TargetKind = TargetKind::Accounts;
    type Change = DlpChange;
    type Entry = AccountPlanEntry;
    type Plan = AccountPlan;
    type Outcome = AccountOutcome;
    type State = DlpState;
    type Result = AccountResult;
    type Table = AccountTable;
    type Summary = AccountRunSummary;

    fn entry_id(entry: &AccountPlanEntry) -> &str {
        &entry.account.id
    }
    fn sends(entry: &AccountPlanEntry) -> bool {
        entry.sends()
    }
    fn unread(entry: AccountPlanEntry) -> AccountPlanEntry {
        AccountPlanEntry {
            read_at: 0,
            ..entry
        }
    }
    fn plan(change: DlpChange, entries: Vec<AccountPlanEntry>) -> AccountPlan {
        AccountPlan { change, entries }
    }
    fn change(plan: &AccountPlan) -> &DlpChange {
        &plan.change
    }
    fn entries(plan: &AccountPlan) -> &[AccountPlanEntry] {
        &plan.entries
    }
    fn result(
        entry: &AccountPlanEntry,
        outcome: AccountOutcome,
        at: u64,
        state: Option<DlpState>,
    ) -> AccountResult {
        AccountResult {
            account: entry.account.clone(),
            outcome,
            at,
            state,
        }
    }
    fn result_id(result: &AccountResult) -> &str {
        &result.account.id
    }
    fn result_outcome(result: &AccountResult) -> &AccountOutcome {
        &result.outcome
    }
    fn kind(outcome: &AccountOutcome) -> OutcomeKind {
        outcome.kind()
    }
    fn retryable(outcome: &AccountOutcome) -> bool {
        outcome.is_retryable()
    }
    fn idempotent(_: &DlpChange) -> bool {
        // A PATCH sets values, a reset sets the defaults.
        true
    }
    fn table(plan: AccountPlan) -> AccountTable {
        AccountTable::new(plan)
    }
    fn table_plan(table: &AccountTable) -> &AccountPlan {
        table.plan()
    }
    fn record(table: &mut AccountTable, result: &AccountResult) {
        table.record(result);
    }
    fn replan(table: &mut AccountTable, entry: AccountPlanEntry) {
        table.replan(entry);
    }
    fn summary(table: &AccountTable) -> AccountRunSummary {
        table.summary()
    }
    fn with_outcome(
        table: &AccountTable,
        retryable: bool,
        kind: OutcomeKind,
    ) -> Vec<AccountPlanEntry> {
        table
            .plan()
            .entries
            .iter()
            .filter(|e| {
                table.outcome(&e.account.id).is_some_and(|o| {
                    if retryable {
                        o.is_retryable()
                    } else {
                        o.kind() == kind
                    }
                })
            })
            .cloned()
            .collect()
    }
}
