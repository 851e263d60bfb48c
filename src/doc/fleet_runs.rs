//! `fleet runs --json` (kind `fleet_runs`): the bulk runs of the journal
//! folder, newest first, in the words of a run's document.

use schemars::JsonSchema;
use serde::Serialize;

use super::{BulkChange, RunCounts, Timestamp};

/// `{"kind": "fleet_runs", "version": 2, "dir", "runs", "errors"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetRunsBody {
    /// The journal folder.
    pub dir: String,
    /// Every run whose journal could be read.
    pub runs: Vec<RunListing>,
    /// The journals that could not be read, in words.
    pub errors: Vec<String>,
}

/// One run: `{run_id, target, started_at, api, change, to_send, counts, in_flight,
/// state, retry_of, retried_by, damaged_lines}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RunListing {
    /// The run's id (`fleet resume ID`).
    pub run_id: String,
    /// What it writes to: `zones` (CSAM Scanner) or `accounts` (DLP).
    pub target: String,
    /// When its plan was written.
    pub started_at: Option<Timestamp>,
    /// The API it ran against.
    pub api: String,
    /// What it changes on each zone (`dlp_edit` or `dlp_reset` for an
    /// accounts run).
    pub change: BulkChange,
    /// Zones the plan sends the PATCH to.
    pub to_send: usize,
    /// The outcome counts so far (`left` includes the zones in flight).
    pub counts: RunCounts,
    /// Zones in flight when the last process stopped.
    pub in_flight: usize,
    /// `running`, `unfinished`, `complete`, `cancelled` or `never_started`.
    pub state: String,
    /// The run it retried, if it is a retry.
    pub retry_of: Option<String>,
    /// The retry made from it, if one was.
    pub retried_by: Option<String>,
    /// Damaged journal lines skipped.
    pub damaged_lines: usize,
}
