//! `fleet apply --json` and `fleet resume --json` (kind `fleet_run`): a
//! run's counts and, for every zone of its plan, what was sent, what became
//! of it and the setting as the server answered.

use schemars::JsonSchema;
use serde::Serialize;

use super::{
    BulkChange, CsamPatch, CsamSetting, ReadError, ScanSource, SkipReason, Timestamp, WriteResult,
    Zone,
};

/// `{"kind": "fleet_run", "version": 2, "run_id", "journal", "state",
/// "stop_reason", "started_at", "finished_at", "change", "scan", "calls",
/// "elapsed_ms", "counts", "results"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetRunBody {
    /// The run's id (`fleet resume ID` continues it).
    pub run_id: String,
    /// The run's journal file.
    pub journal: Option<String>,
    /// `complete`, `cancelled`, `stopped` or `interrupted`.
    pub state: String,
    /// Why it stopped by itself (`journal`, `audit`, `interrupted`), when it did.
    pub stop_reason: Option<String>,
    /// When the run began (its first process).
    pub started_at: Option<Timestamp>,
    /// When this process ended it; `null` when it did not report an end.
    pub finished_at: Option<Timestamp>,
    /// What the run changes on each zone.
    pub change: BulkChange,
    /// Where the plan's rows came from; `null` for `fleet resume`.
    pub scan: Option<ScanSource>,
    /// API calls this process finished.
    pub calls: Option<u64>,
    /// How long this process ran it, in milliseconds.
    pub elapsed_ms: Option<u64>,
    /// The counts over the whole plan (earlier processes' included).
    pub counts: RunCounts,
    /// Every zone of the plan, in plan order.
    pub results: Vec<ZoneRunResult>,
}

/// A run's counts: `done + adjusted + failed + unknown + skipped + left =
/// zones`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RunCounts {
    /// Zones in the plan.
    pub zones: usize,
    /// Done as asked.
    pub done: usize,
    /// Applied, with the server keeping or changing something.
    pub adjusted: usize,
    /// Failed.
    pub failed: usize,
    /// Of `failed`, those a retry may fix.
    pub retryable: usize,
    /// May or may not have been applied: for the admin to check.
    pub unknown: usize,
    /// Not sent: skipped by the plan or by a re-read.
    pub skipped: usize,
    /// Planned to be sent and not sent (the run ended first).
    pub left: usize,
}

/// One zone of a run: `{zone, step, sent, result, skip, retryable, unknown_cause,
/// adjusted, notes, messages, after, error}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ZoneRunResult {
    /// The zone.
    pub zone: Zone,
    /// What the plan said: `send` or `skip` (a re-read before sending may
    /// still skip a `send`).
    pub step: String,
    /// The PATCH sent; `null` when nothing was sent (`skipped`). A
    /// `failed` zone may have failed on the re-read before it was sent.
    pub sent: Option<CsamPatch>,
    /// What became of it.
    pub result: WriteResult,
    /// For `skipped`: why (`not_sent` when the run ended before it); else `null`.
    pub skip: Option<SkipReason>,
    /// For `failed`: whether a retry may work; else `null`.
    pub retryable: Option<bool>,
    /// For `unknown`: `reply_lost` or `interrupted`; else `null`.
    pub unknown_cause: Option<String>,
    /// For `adjusted`: each field the server left other than asked.
    pub adjusted: Vec<super::Adjusted>,
    /// What else the write did: `verification_sent`, `verification_resent`,
    /// `already_verified`.
    pub notes: Vec<crate::outcome::Note>,
    /// Cloudflare's messages with the answer.
    pub messages: Vec<super::Message>,
    /// The setting as the server answered (or a re-read showed it), when
    /// the run learned it; `null` otherwise. `zone_plan` and `modified_on`
    /// are not kept (`null`).
    pub after: Option<CsamSetting>,
    /// Why it failed or is unknown; `null` otherwise.
    pub error: Option<ReadError>,
}
