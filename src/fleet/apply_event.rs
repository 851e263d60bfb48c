//! What a running bulk run reports, in order: `Started`, then `Zone`
//! outcomes (a `Replanned` before a zone whose re-read changed its entry)
//! with a `Progress` now and then, `Paused`/`Resumed` as asked, and
//! `Finished` last. The same events for either kind of target: `T` is
//! [`Zones`] (the default) or [`super::Accounts`], whose `Zone` event
//! carries an account's result.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::journal::RunId;
use super::run_target::{RunTarget, Zones};
use crate::api::Budget;

/// One report of a running bulk run.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyEvent<T: RunTarget = Zones> {
    /// The run began sending (the first event).
    Started(ApplyStart<T>),
    /// A re-read before sending changed a target's entry (now already on,
    /// now locked, the email now verified): the entry as it now stands.
    Replanned(T::Entry),
    /// One target's outcome (a zone's, or an account's).
    Zone(T::Result),
    /// How far the run is; at most every [`super::PROGRESS_EVERY`], after a
    /// pause or a resume, and once before `Finished`.
    Progress(ApplyProgress),
    /// No new request is sent until resumed (those in flight finish).
    Paused,
    /// Sending goes on.
    Resumed,
    /// The run is over (the last event).
    Finished(ApplyEnd<T>),
}

/// What a run starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyStart<T: RunTarget = Zones> {
    /// The run, and the name of its journal.
    pub run: RunId,
    /// When it began sending (seconds since the Unix epoch).
    pub at: u64,
    /// Zones in the plan.
    pub zones: usize,
    /// Zones this process will work on (sent, or read again first).
    pub to_do: usize,
    /// Outcomes an earlier process recorded (a resumed run), and those of
    /// interrupted zones settled before anything was sent.
    pub earlier: Vec<T::Result>,
}

/// How far a run is.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyProgress {
    /// Zones of this process's work with an outcome.
    pub done: usize,
    /// This process's work in all ([`ApplyStart::to_do`]).
    pub total: usize,
    /// Of `done`, those that failed.
    pub failed: usize,
    /// Of `done`, those whose outcome is unknown.
    pub unknown: usize,
    /// Zones whose write has begun (audited, journaled, sent) and has no
    /// outcome yet: what a pause or a cancel still waits for.
    pub in_flight: usize,
    /// API calls finished (re-reads and PATCHes).
    pub calls: u64,
    /// `calls` per second since the run began.
    pub per_second: f64,
    /// Until the last zone is done, from the pace and the budget.
    pub eta: Option<Duration>,
    /// The credentials' rate-limit budget now.
    pub budget: Budget,
    /// Since the run began.
    pub elapsed: Duration,
    /// Whether it is paused.
    pub paused: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyEnd<T: RunTarget = Zones> {
    /// The run.
    pub run: RunId,
    /// Complete, cancelled, or stopped (and why).
    pub state: RunState,
    /// The counts over the whole plan (earlier processes' outcomes included).
    pub summary: T::Summary,
    /// API calls this process finished.
    pub calls: u64,
    /// How long this process ran it.
    pub elapsed: Duration,
}

/// How a run ended, as its journal's last line records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    /// Every zone has an outcome.
    Complete,
    /// Cancelled: the zones not sent yet were left alone.
    Cancelled,
    /// Stopped by a failure of the run's own records: nothing more could
    /// be sent safely. Its journal stays unfinished, so it can be resumed.
    Stopped(StopReason),
}

/// Why a run stopped by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum StopReason {
    /// The journal could not be written.
    Journal {
        /// The error, in words (names the file).
        detail: String,
    },
    /// The audit log could not take an intent.
    Audit {
        /// The error, in words (names the file).
        detail: String,
    },
    /// The process that ran it is going away (the dashboard quit or got a
    /// signal): nothing more was sent, and it can be resumed.
    Interrupted,
}

impl StopReason {
    /// Why, in words.
    pub fn detail(&self) -> &str {
        match self {
            Self::Journal { detail } | Self::Audit { detail } => detail,
            Self::Interrupted => "interrupted before its end",
        }
    }
}

impl RunState {
    /// `complete`, `cancelled`, `stopped`.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Cancelled => "cancelled",
            Self::Stopped(_) => "stopped",
        }
    }
}
