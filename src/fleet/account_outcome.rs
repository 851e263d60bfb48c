//! What became of each account of a bulk DLP run, as data, and the run's
//! table of them: the account side of [`super::zone_outcome`]. A DLP write's
//! answer is the settings after it, so an outcome carries each field's
//! before → after as the server answered, and names the fields the answer
//! left other than asked.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::account_change::DlpChange;
use super::account_plan::{
    AccountPlan, AccountPlanEntry, AccountSkip, AccountSkipKind, AccountStep, FieldStep,
    PlanAccount, after_change, field_steps,
};
use super::account_row::DlpState;
use super::row::RowError;
use super::zone_outcome::{OutcomeKind, UnknownCause, failure_of};
use crate::api::model::DlpSettings;
use crate::api::{ApiError, Reply};
use crate::outcome::Field;

/// What became of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AccountOutcome {
    /// Done as asked: each field the write changed, before → after.
    Done {
        /// The fields changed, as the answer shows them.
        fields: Vec<FieldStep>,
    },
    /// Applied, but the answer differs from what was asked.
    Adjusted {
        /// The fields changed, as the answer shows them.
        fields: Vec<FieldStep>,
        /// The fields the answer shows other than asked.
        differs: Vec<Field>,
    },
    /// Nothing was sent: the plan said so, or a re-read before sending did.
    Skipped(AccountSkip),
    /// The server did not apply it (or it was never sent).
    Failed {
        /// Why.
        error: RowError,
        /// Whether trying again may work.
        retryable: bool,
    },
    /// It may or may not have been applied: for the admin to check.
    Unknown(UnknownCause),
}

impl AccountOutcome {
    /// Its kind.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Self::Done { .. } => OutcomeKind::Done,
            Self::Adjusted { .. } => OutcomeKind::Adjusted,
            Self::Skipped(_) => OutcomeKind::Skipped,
            Self::Failed { .. } => OutcomeKind::Failed,
            Self::Unknown(_) => OutcomeKind::Unknown,
        }
    }

    /// A failure that a retry may fix.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Failed {
                retryable: true,
                ..
            }
        )
    }

    /// A failed read before sending (so nothing was sent).
    pub fn read_failed(error: &ApiError) -> Self {
        Self::Failed {
            error: RowError::from_api(error),
            retryable: error.is_transient(),
        }
    }

    /// The outcome of `change` on an account planned as `entry` whose
    /// settings are now `after` (the write's answer, or a re-read showing it
    /// landed).
    pub fn applied(change: &DlpChange, entry: &AccountPlanEntry, after: &DlpState) -> Self {
        let before = entry.state.clone().unwrap_or_else(|| after.clone());
        let reset = matches!(change, DlpChange::Reset);
        let fields = field_steps(&before, after, reset);
        // Only what the change asks is compared: a field it does not name
        // that differs from the plan's read changed by other hands since
        // (the answer shows it), not by the server adjusting this write.
        let differs: Vec<Field> = field_steps(after, &after_change(change, after), true)
            .into_iter()
            .filter(|step| step.before != step.after)
            .map(|step| step.field)
            .collect();
        if differs.is_empty() {
            Self::Done { fields }
        } else {
            Self::Adjusted { fields, differs }
        }
    }
}

/// The outcome of sending `change` to the account of `entry`, whose answer
/// was `result`, with the settings the answer showed.
pub fn classify_account(
    change: &DlpChange,
    entry: &AccountPlanEntry,
    result: &Result<Reply<DlpSettings>, ApiError>,
) -> (AccountOutcome, Option<DlpState>) {
    match result {
        Ok(reply) => {
            let after = DlpState::of(&reply.result);
            (AccountOutcome::applied(change, entry, &after), Some(after))
        }
        Err(error) => match failure_of(error) {
            Ok((error, retryable)) => (AccountOutcome::Failed { error, retryable }, None),
            Err(error) => (
                AccountOutcome::Unknown(UnknownCause::ReplyLost { error }),
                None,
            ),
        },
    }
}

/// One account's outcome, as a run reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountResult {
    /// Which account.
    pub account: PlanAccount,
    /// What became of it.
    pub outcome: AccountOutcome,
    /// When it was known (seconds since the Unix epoch).
    pub at: u64,
    /// The settings as the server returned them (or a re-read showed them),
    /// when the run learned them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DlpState>,
}

/// The counts of an account run's outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRunSummary {
    /// Accounts in the plan.
    pub accounts: usize,
    /// Done as asked.
    pub done: usize,
    /// Applied, the answer other than asked.
    pub adjusted: usize,
    /// Skipped, per reason (by the plan or by a re-read).
    pub skipped: BTreeMap<AccountSkipKind, usize>,
    /// Failed, retryable or not.
    pub failed: usize,
    /// Of `failed`, those a retry may fix.
    pub retryable: usize,
    /// May or may not have been applied.
    pub unknown: usize,
    /// Planned to be sent and without an outcome.
    pub left: usize,
}

/// An account run's plan and every outcome so far.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountTable {
    plan: AccountPlan,
    index: HashMap<String, usize>,
    outcomes: HashMap<String, AccountOutcome>,
    afters: HashMap<String, DlpState>,
}

impl AccountTable {
    /// No outcome yet.
    pub fn new(plan: AccountPlan) -> Self {
        let index = plan
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.account.id.clone(), i))
            .collect();
        Self {
            plan,
            index,
            outcomes: HashMap::new(),
            afters: HashMap::new(),
        }
    }

    /// The plan as it stands.
    pub fn plan(&self) -> &AccountPlan {
        &self.plan
    }

    /// An account's outcome, once known.
    pub fn outcome(&self, account_id: &str) -> Option<&AccountOutcome> {
        self.outcomes.get(account_id)
    }

    /// The settings the run learned for an account.
    pub fn after(&self, account_id: &str) -> Option<&DlpState> {
        self.afters.get(account_id)
    }

    /// Puts a re-read's entry in place of the planned one.
    pub fn replan(&mut self, entry: AccountPlanEntry) {
        if let Some(&i) = self.index.get(&entry.account.id) {
            self.plan.entries[i] = entry;
        }
    }

    /// Records an account's outcome (a later one replaces an earlier one).
    pub fn record(&mut self, result: &AccountResult) {
        self.outcomes
            .insert(result.account.id.clone(), result.outcome.clone());
        if let Some(state) = &result.state {
            self.afters.insert(result.account.id.clone(), state.clone());
        }
    }

    /// The counts.
    pub fn summary(&self) -> AccountRunSummary {
        let mut summary = AccountRunSummary {
            accounts: self.plan.entries.len(),
            ..AccountRunSummary::default()
        };
        for entry in &self.plan.entries {
            match (self.outcomes.get(&entry.account.id), &entry.step) {
                (None, AccountStep::Send { .. }) => summary.left += 1,
                (None, AccountStep::Skip(skip)) | (Some(AccountOutcome::Skipped(skip)), _) => {
                    *summary.skipped.entry(skip.kind()).or_default() += 1;
                }
                (Some(AccountOutcome::Done { .. }), _) => summary.done += 1,
                (Some(AccountOutcome::Adjusted { .. }), _) => summary.adjusted += 1,
                (Some(AccountOutcome::Failed { retryable, .. }), _) => {
                    summary.failed += 1;
                    summary.retryable += usize::from(*retryable);
                }
                (Some(AccountOutcome::Unknown(_)), _) => summary.unknown += 1,
            }
        }
        summary
    }
}

#[cfg(test)]
#[path = "account_outcome_tests.rs"]
mod tests;
