//! `dlp apply --json`: a plan that is not run (kind `dlp_plan`: `--dry-run`,
//! a refusal) and a run (kind `dlp_run`). The words (`change`, `sent`,
//! `step`, `skip`, `fields`) are the same in both; the payload-logging key
//! appears only as its fingerprint.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Account, DlpSent, FieldValue, PlanBudget, ReadError, Timestamp, WriteResult};

/// `{"kind": "dlp_plan", "version": 2, "change", "blocked", "counts",
/// "budget", "accounts"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DlpPlanBody {
    /// What the run changes on each account.
    pub change: DlpBulkChange,
    /// Why the plan was not run: `read_only`, `not_confirmed`; `null` when
    /// nothing stopped it (a dry run, or nothing to send).
    pub blocked: Option<String>,
    /// The counts.
    pub counts: DlpPlanCounts,
    /// What the run would spend of the rate limit.
    pub budget: PlanBudget,
    /// Every selected account, in plan order.
    pub accounts: Vec<DlpPlanStep>,
}

/// A bulk DLP change: `{kind, words, ocr, ai_context_analysis,
/// masking_level, public_key_set, public_key_fingerprint}`; what it does not
/// set is `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpBulkChange {
    /// `edit` (the fields given) or `reset` (every field to its default).
    pub kind: String,
    /// The change as a person reads it, e.g. `OCR on, masking full`.
    pub words: String,
    /// OCR on or off.
    pub ocr: Option<bool>,
    /// AI context analysis on or off.
    pub ai_context_analysis: Option<bool>,
    /// `full`, `partial`, `clear` or `default`.
    pub masking_level: Option<String>,
    /// `true`: a key is set; `false`: the key is cleared (payload logging off).
    pub public_key_set: Option<bool>,
    /// `SHA256:…` of the key set; never the key itself.
    pub public_key_fingerprint: Option<String>,
}

/// A plan's counts: `to_send` plus the skipped ones make `accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpPlanCounts {
    /// Accounts selected.
    pub accounts: usize,
    /// Accounts to be sent the change.
    pub to_send: usize,
    /// Accounts skipped, per reason (see [`AccountSkipReason`]'s words).
    pub skipped: BTreeMap<String, usize>,
}

/// What the plan does with one account: `{account, step, method, sent,
/// fields, skip}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DlpPlanStep {
    /// The account.
    pub account: Account,
    /// `send` or `skip`.
    pub step: String,
    /// For `send`: `patch` (only what differs) or `reset` (the DELETE); else `null`.
    pub method: Option<String>,
    /// For a `patch`: its body; else `null`.
    pub sent: Option<DlpSent>,
    /// For `send`: each field the write changes, before → after (a reset:
    /// every field).
    pub fields: Vec<FieldStepDoc>,
    /// For `skip`: why; else `null`.
    pub skip: Option<AccountSkipReason>,
}

/// One field of a write: `{field, before, after}`. Payload logging
/// (`payload_logging.public_key_set`) is the key's fingerprint while a key
/// is set, `false` without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldStepDoc {
    /// The field's path, e.g. `ocr`, `payload_logging.masking_level`.
    pub field: String,
    /// Its value before the write.
    pub before: Option<FieldValue>,
    /// Its value after it.
    pub after: Option<FieldValue>,
}

/// Why an account is not sent the change: `{reason, permission, error}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AccountSkipReason {
    /// `already_so`, `no_permission`, `not_available` (no Zero Trust),
    /// `unreadable`, `settled` (after an interruption a re-read showed it
    /// applied), or `not_sent` (the run ended before it was sent).
    pub reason: String,
    /// For `no_permission`: the permission the server named, if it did.
    pub permission: Option<String>,
    /// For `unreadable`: why the settings could not be read; else `null`.
    pub error: Option<ReadError>,
}

/// `{"kind": "dlp_run", "version": 2, "run_id", "journal", "state",
/// "stop_reason", "started_at", "finished_at", "change", "calls",
/// "elapsed_ms", "counts", "results"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DlpRunBody {
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
    /// What the run changes on each account.
    pub change: DlpBulkChange,
    /// API calls this process finished.
    pub calls: Option<u64>,
    /// How long this process ran it, in milliseconds.
    pub elapsed_ms: Option<u64>,
    /// The counts over the whole plan (earlier processes' included).
    pub counts: DlpRunCounts,
    /// Every account of the plan, in plan order.
    pub results: Vec<AccountRunResult>,
}

/// A run's counts: `done + adjusted + failed + unknown + skipped + left =
/// accounts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpRunCounts {
    /// Accounts in the plan.
    pub accounts: usize,
    /// Done as asked.
    pub done: usize,
    /// Applied, with the answer other than asked.
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

/// One account of a run: `{account, step, method, sent, result, skip,
/// retryable, unknown_cause, fields, differs, error}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AccountRunResult {
    /// The account.
    pub account: Account,
    /// What the plan said: `send` or `skip`.
    pub step: String,
    /// For `send`: `patch` or `reset`; else `null`.
    pub method: Option<String>,
    /// The PATCH body sent; `null` for a reset or when nothing was sent.
    pub sent: Option<DlpSent>,
    /// What became of it.
    pub result: WriteResult,
    /// For `skipped`: why (`not_sent` when the run ended before it); else `null`.
    pub skip: Option<AccountSkipReason>,
    /// For `failed`: whether a retry may work; else `null`.
    pub retryable: Option<bool>,
    /// For `unknown`: `reply_lost` or `interrupted`; else `null`.
    pub unknown_cause: Option<String>,
    /// For `done` and `adjusted`: each field changed, before → after as the
    /// server answered.
    pub fields: Vec<FieldStepDoc>,
    /// For `adjusted`: the paths of the fields the answer shows other than asked.
    pub differs: Vec<String>,
    /// Why it failed or is unknown; `null` otherwise.
    pub error: Option<ReadError>,
}
