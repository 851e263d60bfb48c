//! What became of each zone of a bulk run, as data, and the run's table of
//! them: what a dashboard page folds its events into and a headless command
//! prints.
//!
//! Whether a failed write may have been applied decides everything after
//! it. An answer with an error status (4xx, 429, a 5xx envelope or edge
//! page) means the server did not apply it: `Failed`, retryable when trying
//! again may work. No usable answer after sending (a timeout, a connection
//! that broke, an edge page saying the origin timed out: 504/524, an answer
//! too large or of the wrong shape) means it may have been: `Unknown`, never
//! sent again blindly.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::change::Change;
use super::plan::{Plan, PlanEntry, PlanZone, Skip, SkipKind, Step};
use super::row::{CsamState, FleetRow, RowError, ZoneCsam};
use super::table::FleetScan;
use crate::api::model::CsamSetting;
use crate::api::{ApiError, Reply};
use crate::outcome::{SaveOutcome, csam_outcome};

/// What became of one zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ZoneOutcome {
    /// Done as asked (the notes say e.g. that a verification email went out).
    Done {
        /// The server's notes and messages.
        outcome: SaveOutcome,
    },
    /// Applied, but the server left something other than asked.
    Adjusted {
        /// What it adjusted, its notes and messages.
        outcome: SaveOutcome,
    },
    /// Nothing was sent: the plan said so, or a re-read before sending did.
    Skipped(Skip),
    /// The server did not apply it (or it was never sent).
    Failed {
        /// Why.
        error: RowError,
        /// Whether trying again may work (a 5xx, a rate limit, a re-read
        /// that failed), as opposed to a refusal (locked, no permission,
        /// bad input).
        retryable: bool,
    },
    /// It may or may not have been applied: for the admin to check.
    Unknown(UnknownCause),
}

/// Why a zone's outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum UnknownCause {
    /// The request was sent and its reply was lost.
    ReplyLost {
        /// How.
        error: RowError,
    },
    /// The process stopped while the request was in flight, and what a
    /// re-read could tell did not settle it: a re-send of the verification
    /// email (never sent again), or a re-read that failed.
    Interrupted {
        /// The re-read's error, when it was tried and failed.
        reread: Option<RowError>,
    },
}

/// [`ZoneOutcome`] without its details, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// [`ZoneOutcome::Done`].
    Done,
    /// [`ZoneOutcome::Adjusted`].
    Adjusted,
    /// [`ZoneOutcome::Skipped`].
    Skipped,
    /// [`ZoneOutcome::Failed`].
    Failed,
    /// [`ZoneOutcome::Unknown`].
    Unknown,
}

impl ZoneOutcome {
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
}

/// The outcome of sending `change` to the zone of `entry`, whose answer was
/// `result`.
pub fn classify(
    change: &Change,
    entry: &PlanEntry,
    result: &Result<Reply<CsamSetting>, ApiError>,
) -> ZoneOutcome {
    let error = match result {
        Ok(reply) => {
            let before = entry.before();
            let outcome = csam_outcome(
                &change.patch(),
                before.as_ref().map(|b| &b.value),
                &reply.result,
                &reply.messages,
            );
            return if outcome.as_asked() {
                ZoneOutcome::Done { outcome }
            } else {
                ZoneOutcome::Adjusted { outcome }
            };
        }
        Err(error) => error,
    };
    match failure_of(error) {
        Ok((error, retryable)) => ZoneOutcome::Failed { error, retryable },
        Err(error) => ZoneOutcome::Unknown(UnknownCause::ReplyLost { error }),
    }
}

/// How a write's error reads as an outcome: `Ok((error, retryable))` when
/// the server did not apply it (an answer with an error status), `Err` when
/// it may have (no usable answer after sending).
pub(crate) fn failure_of(error: &ApiError) -> Result<(RowError, bool), RowError> {
    let row_error = RowError::from_api(error);
    use ApiError as E;
    match error {
        E::Timeout { .. } | E::Connection { .. } | E::TooLarge { .. } | E::Decode { .. } => {
            Err(row_error)
        }
        // The edge waited for an origin that did not answer in time.
        E::NonJson {
            status: 504 | 524, ..
        } => Err(row_error),
        E::NonJson { status, .. } => Ok((row_error, *status >= 500)),
        E::Server { .. } | E::RateLimited { .. } => Ok((row_error, true)),
        E::InvalidInput { .. }
        | E::Auth { .. }
        | E::Permission { .. }
        | E::Locked { .. }
        | E::NotFound { .. }
        | E::Validation { .. }
        | E::Redirected { .. }
        | E::Certificate { .. } => Ok((row_error, false)),
    }
}

/// One zone's outcome, as a run reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneResult {
    /// Which zone.
    pub zone: PlanZone,
    /// What became of it.
    pub outcome: ZoneOutcome,
    /// When it was known (seconds since the Unix epoch).
    pub at: u64,
    /// The setting as the server returned it (or a re-read showed it), when
    /// the run learned it: what a fleet table shows for the zone now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<CsamState>,
}

impl FleetScan {
    /// Folds a bulk run's outcome into the zone's row: the setting the run
    /// learned replaces the old one; a zone whose outcome is unknown gets
    /// `read_at` 0, so the next plan reads it again before sending.
    pub fn record(&mut self, result: &ZoneResult) {
        if let Some(row) = self.recorded(result) {
            self.upsert(row);
        }
    }

    /// The zone's row as [`FleetScan::record`] makes it, if the zone has one.
    pub fn recorded(&self, result: &ZoneResult) -> Option<FleetRow> {
        let mut row = self.row(&result.zone.id)?.clone();
        if let Some(state) = &result.state {
            row.csam = ZoneCsam::Read(state.clone());
            row.read_at = result.at;
        } else if result.outcome.kind() == OutcomeKind::Unknown {
            row.read_at = 0;
        }
        Some(row)
    }
}

/// The counts of a run's outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplySummary {
    /// Zones in the plan.
    pub zones: usize,
    /// Done as asked.
    pub done: usize,
    /// Applied with an adjustment.
    pub adjusted: usize,
    /// Skipped, per reason (by the plan or by a re-read).
    pub skipped: BTreeMap<SkipKind, usize>,
    /// Failed, retryable or not.
    pub failed: usize,
    /// Of `failed`, those a retry may fix.
    pub retryable: usize,
    /// May or may not have been applied.
    pub unknown: usize,
    /// Planned to be sent and without an outcome (cancelled, stopped, or
    /// still to come).
    pub left: usize,
}

impl ApplySummary {
    /// Zones skipped, for any reason.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Zones skipped for a reason other than the goal being met already.
    pub fn skipped_short(&self) -> usize {
        self.skipped
            .iter()
            .filter(|(kind, _)| !kind.is_goal_met())
            .map(|(_, n)| n)
            .sum()
    }
}

/// A run's plan and every outcome so far: fold the run's events into it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyTable {
    /// The plan, with the entries re-reads updated.
    plan: Plan,
    /// Zone id -> index in the plan.
    index: HashMap<String, usize>,
    /// Zone id -> its outcome, once known.
    outcomes: HashMap<String, ZoneOutcome>,
    /// Zone id -> the setting the run learned (the server's answer or a
    /// re-read), once known.
    afters: HashMap<String, CsamState>,
}

impl ApplyTable {
    /// No outcome yet.
    pub fn new(plan: Plan) -> Self {
        let index = plan
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.zone.id.clone(), i))
            .collect();
        Self {
            plan,
            index,
            outcomes: HashMap::new(),
            afters: HashMap::new(),
        }
    }

    /// The plan as it stands.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// A zone's outcome, once known.
    pub fn outcome(&self, zone_id: &str) -> Option<&ZoneOutcome> {
        self.outcomes.get(zone_id)
    }

    /// Puts a re-read's entry in place of the planned one.
    pub fn replan(&mut self, entry: PlanEntry) {
        if let Some(&i) = self.index.get(&entry.zone.id) {
            self.plan.entries[i] = entry;
        }
    }

    /// The setting the run learned for a zone: as the server answered the
    /// write, or as a re-read showed it.
    pub fn after(&self, zone_id: &str) -> Option<&CsamState> {
        self.afters.get(zone_id)
    }

    /// Records a zone's outcome (a later one replaces an earlier one).
    pub fn record(&mut self, result: &ZoneResult) {
        self.outcomes
            .insert(result.zone.id.clone(), result.outcome.clone());
        if let Some(state) = &result.state {
            self.afters.insert(result.zone.id.clone(), state.clone());
        }
    }

    /// Every zone in plan order with its outcome: the plan's skips count as
    /// skipped outcomes; `None` for a zone still to be sent.
    pub fn zones(&self) -> impl Iterator<Item = (&PlanEntry, Option<ZoneOutcomeRef<'_>>)> {
        self.plan.entries.iter().map(|entry| {
            let outcome = match (&entry.step, self.outcomes.get(&entry.zone.id)) {
                (_, Some(outcome)) => Some(ZoneOutcomeRef::Recorded(outcome)),
                (Step::Skip(skip), None) => Some(ZoneOutcomeRef::Planned(skip)),
                (Step::Send { .. }, None) => None,
            };
            (entry, outcome)
        })
    }

    /// The counts.
    pub fn summary(&self) -> ApplySummary {
        let mut summary = ApplySummary {
            zones: self.plan.entries.len(),
            ..ApplySummary::default()
        };
        for (_, outcome) in self.zones() {
            match outcome {
                None => summary.left += 1,
                Some(ZoneOutcomeRef::Planned(skip)) => {
                    *summary.skipped.entry(skip.kind()).or_default() += 1;
                }
                Some(ZoneOutcomeRef::Recorded(outcome)) => match outcome {
                    ZoneOutcome::Done { .. } => summary.done += 1,
                    ZoneOutcome::Adjusted { .. } => summary.adjusted += 1,
                    ZoneOutcome::Skipped(skip) => {
                        *summary.skipped.entry(skip.kind()).or_default() += 1;
                    }
                    ZoneOutcome::Failed { retryable, .. } => {
                        summary.failed += 1;
                        summary.retryable += usize::from(*retryable);
                    }
                    ZoneOutcome::Unknown(_) => summary.unknown += 1,
                },
            }
        }
        summary
    }

    /// The zones whose outcome is unknown: for the admin to check.
    pub fn unknown(&self) -> Vec<&PlanEntry> {
        self.with(|outcome| outcome.kind() == OutcomeKind::Unknown)
    }

    /// The zones whose failure a retry may fix.
    pub fn retryable(&self) -> Vec<&PlanEntry> {
        self.with(ZoneOutcome::is_retryable)
    }

    fn with(&self, test: impl Fn(&ZoneOutcome) -> bool) -> Vec<&PlanEntry> {
        self.plan
            .entries
            .iter()
            .filter(|e| self.outcomes.get(&e.zone.id).is_some_and(&test))
            .collect()
    }
}

/// A zone's outcome as [`ApplyTable::zones`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneOutcomeRef<'a> {
    /// Skipped by the plan itself.
    Planned(&'a Skip),
    /// Recorded by the run.
    Recorded(&'a ZoneOutcome),
}

#[cfg(test)]
#[path = "zone_outcome_tests.rs"]
mod tests;
