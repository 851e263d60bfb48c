//! A revert made ready for a face that shows its plan before running it
//! (the dashboard): the run's journal read and checked, the revert planned
//! from it, then every target it changed read again now (paced, as bulk
//! work), so what each shows now decides its step.

use futures::StreamExt;

use super::account_change::{DlpChange, DlpEdit};
use super::account_plan::{AccountPlan, AccountPlanEntry, AccountSkip, AccountStep, PlanAccount};
use super::account_row::DlpState;
use super::apply::check_sound;
use super::change::Change;
use super::journal::{RunId, RunsDir};
use super::plan::{Plan, PlanEntry, PlanZone, Step, skip_of_failure, step_for};
use super::revert::{RevertPlan, revert_plan};
use super::revert_accounts::{AccountRevertPlan, account_revert_plan};
use super::row::{CsamState, RowError};
use super::run_target::{Accounts, TargetKind};
use super::{account_step_for, unix_now};
use crate::api::Client;

/// Targets read at once before the plan (the pacer still paces them).
const READS_AT_ONCE: usize = 8;

/// A revert planned from its run's journal, its targets not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertLoaded {
    /// Of a zones run.
    Zones(RevertPlan),
    /// Of an accounts run.
    Accounts(AccountRevertPlan),
}

/// A revert ready to be shown and run: its plan from what the targets
/// show now.
#[derive(Debug, Clone, PartialEq)]
pub enum RevertReady {
    /// Of a zones run.
    Zones {
        /// The run reverted.
        of: RunId,
        /// The inverse change on the zones the run changed.
        plan: Plan,
    },
    /// Of an accounts run.
    Accounts {
        /// The run reverted.
        of: RunId,
        /// Each changed account's own values put back.
        plan: AccountPlan,
        /// What cannot be put back, per account, with why.
        not_revertible: Vec<(PlanAccount, String)>,
    },
}

impl RevertReady {
    /// The run reverted.
    pub fn of(&self) -> &RunId {
        match self {
            Self::Zones { of, .. } | Self::Accounts { of, .. } => of,
        }
    }
}

/// Reads run `id`'s journal and plans its revert (blocking: file work);
/// why not, in words, for a run unknown, damaged, unfinished or one that
/// cannot be reverted.
pub fn load_revert(runs: &RunsDir, id: &RunId) -> Result<RevertLoaded, String> {
    let kind = runs.target_of(id).map_err(|e| e.to_string())?;
    match kind {
        TargetKind::Zones => {
            let record = runs.load(id).map_err(|e| e.to_string())?;
            check_sound(&record).map_err(|e| e.to_string())?;
            revert_plan(&record)
                .map(RevertLoaded::Zones)
                .map_err(|e| e.to_string())
        }
        TargetKind::Accounts => {
            let record = runs.load_as::<Accounts>(id).map_err(|e| e.to_string())?;
            check_sound(&record).map_err(|e| e.to_string())?;
            account_revert_plan(&record)
                .map(RevertLoaded::Accounts)
                .map_err(|e| e.to_string())
        }
    }
}

/// Reads every target of `loaded` again through `client`'s bulk pacing
/// and plans each from what it shows now.
pub async fn read_revert(client: &Client, loaded: RevertLoaded) -> RevertReady {
    let client = client.bulk();
    match loaded {
        RevertLoaded::Zones(revert) => {
            let entries = read_revert_zones(&client, &revert.change, &revert.zones).await;
            RevertReady::Zones {
                of: revert.of,
                plan: Plan {
                    change: revert.change,
                    entries,
                },
            }
        }
        RevertLoaded::Accounts(revert) => RevertReady::Accounts {
            plan: AccountPlan {
                change: DlpChange::Restore,
                entries: read_revert_accounts(&client, &revert.accounts).await,
            },
            of: revert.of,
            not_revertible: revert.not_revertible,
        },
    }
}

/// Each zone's entry from its setting read now through `client` (give it
/// bulk pacing): a zone that cannot be read is skipped, with why.
pub async fn read_revert_zones(
    client: &Client,
    change: &Change,
    zones: &[PlanZone],
) -> Vec<PlanEntry> {
    futures::stream::iter(zones.iter().cloned())
        .map(|zone| async move {
            let (step, state) = match client.get_csam(&zone.id).await {
                Ok(reply) => {
                    let state = CsamState::of(&reply.result);
                    (step_for(change, &state), Some(state))
                }
                Err(error) => (
                    Step::Skip(skip_of_failure(&RowError::from_api(&error))),
                    None,
                ),
            };
            PlanEntry {
                zone,
                step,
                state,
                read_at: unix_now(),
            }
        })
        .buffered(READS_AT_ONCE)
        .collect()
        .await
}

/// Each account's entry from its settings read now through `client` (give
/// it bulk pacing), to be put back to its own `edit`: one that cannot be
/// read is skipped, with why.
pub async fn read_revert_accounts(
    client: &Client,
    accounts: &[(PlanAccount, DlpEdit)],
) -> Vec<AccountPlanEntry> {
    futures::stream::iter(accounts.iter().cloned())
        .map(|(account, edit)| async move {
            let (step, state) = match client.get_dlp(&account.id).await {
                Ok(reply) => {
                    let state = DlpState::of(&reply.result);
                    let change = DlpChange::Edit(edit.clone());
                    (account_step_for(&change, &state), Some(state))
                }
                Err(error) => (
                    AccountStep::Skip(AccountSkip::of_failure(&RowError::from_api(&error))),
                    None,
                ),
            };
            AccountPlanEntry {
                account,
                step,
                state,
                read_at: unix_now(),
                restore: Some(edit),
            }
        })
        .buffered(READS_AT_ONCE)
        .collect()
        .await
}
