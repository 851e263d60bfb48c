//! The revert of a finished zones run, as data: the inverse change, and the
//! zones the run changed (its outcome done or adjusted, from a before-value
//! other than the change's), from the journal alone. Pure: what the zones
//! show now is read afterwards, and decides each zone's step (a zone
//! someone already switched back is skipped, already so).

use thiserror::Error;

use super::change::Change;
use super::journal::RunId;
use super::journal_read::{RunRecord, RunStatus};
use super::plan::{PlanZone, Step, step_for};
use super::zone_outcome::ZoneOutcome;

/// What a revert of a zones run puts back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertPlan {
    /// The run reverted.
    pub of: RunId,
    /// The inverse of its change.
    pub change: Change,
    /// The zones it changed, plan order: each is read again, then planned.
    pub zones: Vec<PlanZone>,
}

/// Why a run cannot be reverted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RevertError {
    /// Its change has no inverse that can be sent.
    #[error("run {id} cannot be reverted: {why}")]
    NotRevertible {
        /// The run.
        id: String,
        /// Why, in words.
        why: String,
    },
    /// It is running, or has not finished: a resume would go on changing
    /// the targets the revert puts back.
    #[error("run {id} {why}: finish it (`trustdeck fleet resume {id}`) before reverting it")]
    NotFinished {
        /// The run.
        id: String,
        /// Where it stands, in words.
        why: String,
    },
    /// Nothing of it was sent.
    #[error("run {0} has no complete plan: it never started, and there is nothing to revert")]
    NoPlan(String),
}

/// Why a change of zones cannot be reverted, if it cannot.
pub fn why_not_revertible(change: &Change) -> Option<&'static str> {
    match change {
        Change::SetEmail { .. } => Some(
            "it set a notification email, and the API shows the old address masked, so it is not known",
        ),
        Change::ResendVerification => Some("a verification email that was sent cannot be unsent"),
        _ => None,
    }
}

/// The change that undoes `change`, when one does.
pub fn inverse(change: &Change) -> Option<Change> {
    match change {
        Change::EnableScanning => Some(Change::DisableScanning),
        Change::DisableScanning => Some(Change::EnableScanning),
        Change::Source { name, on } => Some(Change::Source {
            name: name.clone(),
            on: !on,
        }),
        Change::SetEmail { .. } | Change::ResendVerification => None,
    }
}

/// Refuses a run that is running, unfinished or never planned.
pub fn check_finished<T: super::RunTarget>(record: &RunRecord<T>) -> Result<(), RevertError> {
    let id = record.header.id.to_string();
    let why = match record.status() {
        RunStatus::Complete | RunStatus::Cancelled => return Ok(()),
        RunStatus::NoPlan => return Err(RevertError::NoPlan(id)),
        RunStatus::Running => "is being applied right now",
        RunStatus::Unfinished => "has not finished",
    };
    Err(RevertError::NotFinished {
        id,
        why: why.to_owned(),
    })
}

/// The revert of zones run `record`: the inverse change on exactly the
/// zones whose outcome is done or adjusted and whose before-value was not
/// already what the change made it.
pub fn revert_plan(record: &RunRecord) -> Result<RevertPlan, RevertError> {
    check_finished(record)?;
    let change = &record.header.change;
    let id = record.header.id.to_string();
    if let Some(why) = why_not_revertible(change) {
        return Err(RevertError::NotRevertible {
            id,
            why: why.to_owned(),
        });
    }
    let Some(inverse) = inverse(change) else {
        return Err(RevertError::NotRevertible {
            id,
            why: "its change has no inverse".to_owned(),
        });
    };
    let zones = record
        .plan
        .entries
        .iter()
        .filter(|entry| {
            let applied = record.outcomes.get(&entry.zone.id).is_some_and(|result| {
                matches!(
                    result.outcome,
                    ZoneOutcome::Done { .. } | ZoneOutcome::Adjusted { .. }
                )
            });
            let changed = entry
                .state
                .as_ref()
                .is_some_and(|before| matches!(step_for(change, before), Step::Send { .. }));
            applied && changed
        })
        .map(|entry| entry.zone.clone())
        .collect();
    Ok(RevertPlan {
        of: record.header.id.clone(),
        change: inverse,
        zones,
    })
}

#[cfg(test)]
#[path = "revert_tests.rs"]
mod tests;
