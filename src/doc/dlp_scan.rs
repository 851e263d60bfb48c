//! `dlp scan --json` (kind `dlp_scan`): one row per account, what needs
//! attention first, then the summary's counts and the `--fail-on` verdict.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Account, PayloadLogging, ReadError, Timestamp};
use crate::fleet::{AccountAttention, AccountSummary};

/// `{"kind": "dlp_scan", "version": 2, "started_at", "finished_at",
/// "cached", "age_seconds", "accounts", "summary", "fail_on", "failing"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DlpScanBody {
    /// When the scan began.
    pub started_at: Option<Timestamp>,
    /// When it ended; `null` when it did not.
    pub finished_at: Option<Timestamp>,
    /// Whether the rows come from the scan cache (no request was sent).
    pub cached: bool,
    /// How old the cached scan is, in seconds; `null` for a fresh scan.
    pub age_seconds: Option<u64>,
    /// Every account (only those of `--account`, when given), what needs
    /// attention first, then by name.
    pub accounts: Vec<DlpScanAccount>,
    /// The counts of `accounts`.
    pub summary: AccountSummary,
    /// Each `--fail-on` condition and how many accounts meet it.
    pub fail_on: Vec<DlpFailOnCount>,
    /// Whether any `--fail-on` condition holds (the exit status is then 1).
    pub failing: bool,
}

/// One account of a scan: `{account, ai_context_analysis, ocr,
/// payload_logging, attention, read_at, error}`; the settings are `null`
/// when they could not be read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DlpScanAccount {
    /// The account.
    pub account: Account,
    /// AI context analysis on or off.
    pub ai_context_analysis: Option<bool>,
    /// OCR on or off.
    pub ocr: Option<bool>,
    /// Payload logging, the key only as its fingerprint.
    pub payload_logging: Option<PayloadLogging>,
    /// The most urgent thing about the account.
    pub attention: AccountAttention,
    /// When its settings were read (or the read failed).
    pub read_at: Option<Timestamp>,
    /// Why the settings could not be read; `null` when they were.
    pub error: Option<ReadError>,
}

/// One `--fail-on` condition: `{condition, accounts}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpFailOnCount {
    /// The condition as `--fail-on` names it, e.g. `no-key`.
    pub condition: String,
    /// How many accounts meet it.
    pub accounts: usize,
}
