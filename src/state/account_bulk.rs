//! Bulk DLP changes on the accounts page, up to the run: the change menu's
//! entries and the plan dialog. The dialogs are entries of
//! [`super::BulkDialog`], as the fleet page's are.

use std::collections::HashMap;

use crate::fleet::{
    AccountOutcome, AccountPlan, Accounts, ApplyEnd, ApplyProgress, DlpChange, RunCost, RunId,
};

use super::{RowMark, Selection, Typed};

/// One entry of the accounts page's change menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChoice {
    /// A change that needs nothing more.
    Change(DlpChange),
    /// Set the payload-logging public key: it is typed next.
    PublicKey,
}

/// The plan of a DLP change, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPlanDialog {
    /// The accounts, as the title names them.
    pub selection: Selection,
    /// The plan.
    pub plan: AccountPlan,
    /// The first account of the list shown.
    pub scroll: usize,
    /// The highlighted button: Cancel by default.
    pub confirm_selected: bool,
    /// A change [`AccountPlan::needs_typed_count`] asks to confirm: the
    /// number typed.
    pub typed: Option<Typed>,
    /// Why Enter did not run it.
    pub problem: Option<String>,
    /// `--read-only`: the plan is shown and cannot be run.
    pub read_only: bool,
    /// What a run would spend of the rate limit, priced once the dialog
    /// opens.
    pub cost: Option<RunCost>,
}

impl AccountPlanDialog {
    /// Whether the typed count is the number of accounts to send.
    pub fn count_typed(&self) -> bool {
        self.typed
            .as_ref()
            .is_none_or(|typed| typed.is_count(self.plan.to_send()))
    }

    /// Whether Run can be chosen at all.
    pub fn runnable(&self) -> bool {
        !self.read_only && self.plan.to_send() > 0
    }
}

/// A bulk DLP run the accounts page watches (or watched: it stays after
/// its end, so each row keeps its outcome until the next change).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRun {
    /// The run, once the engine said it started.
    pub id: Option<RunId>,
    /// The plan.
    pub plan: AccountPlan,
    /// Each account's outcome so far, by id.
    pub outcomes: HashMap<String, AccountOutcome>,
    /// The latest progress report.
    pub progress: Option<ApplyProgress>,
    /// Pause asked (the engine confirms with its events).
    pub paused: bool,
    /// Stop asked: no new request; those in flight finish.
    pub stopping: bool,
    /// How it ended, once it did.
    pub end: Option<ApplyEnd<Accounts>>,
}

impl AccountRun {
    /// A run of `plan`, not started yet.
    pub fn new(plan: AccountPlan) -> Self {
        Self {
            id: None,
            plan,
            outcomes: HashMap::new(),
            progress: None,
            paused: false,
            stopping: false,
            end: None,
        }
    }

    /// Whether it still goes (asked for, not ended).
    pub fn is_going(&self) -> bool {
        self.end.is_none()
    }

    /// An account's place in the run, as its row shows it; `None` for an
    /// account not in the run.
    pub fn mark(&self, account_id: &str) -> Option<RowMark> {
        let entry = self.plan.entry(account_id)?;
        Some(match self.outcomes.get(account_id) {
            Some(AccountOutcome::Done { .. }) => RowMark::Done,
            Some(AccountOutcome::Adjusted { .. }) => RowMark::Adjusted,
            Some(AccountOutcome::Skipped(_)) => RowMark::Skipped,
            Some(AccountOutcome::Failed { .. }) => RowMark::Failed,
            Some(AccountOutcome::Unknown(_)) => RowMark::Unknown,
            None if !entry.sends() => RowMark::Skipped,
            None if self.end.is_some() => RowMark::NotSent,
            None => RowMark::Queued,
        })
    }

    /// The accounts a retry may fix, as a plan of the same change.
    pub fn retryable(&self) -> AccountPlan {
        AccountPlan {
            change: self.plan.change.clone(),
            entries: self
                .plan
                .entries
                .iter()
                .filter(|e| {
                    matches!(
                        self.outcomes.get(&e.account.id),
                        Some(AccountOutcome::Failed {
                            retryable: true,
                            ..
                        })
                    )
                })
                .cloned()
                .collect(),
        }
    }
}
