//! `fleet scan --json` (kind `fleet_scan`): the coverage counts and one row
//! per zone, in the order the scan read them. A row is a document of its
//! own shape ([`FleetZone`]): the document is written row by row, its
//! summary (`finished_at`, `counts`, `fail_on`, `failing`) after the zones
//! (`src/headless/fleet_scan_stream.rs`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AccountRef, CsamSetting, CsamStatus, Timestamp, Zone};

/// `{"kind": "fleet_scan", "version": 2, "started_at", "finished_at",
/// "cached", "age_seconds", "account", "counts", "fail_on", "failing",
/// "zones"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetScanBody {
    /// When the scan began.
    pub started_at: Option<Timestamp>,
    /// When it ended; `null` when it did not.
    pub finished_at: Option<Timestamp>,
    /// Whether the rows come from the scan cache (no request was sent).
    pub cached: bool,
    /// How old the cached scan is, in seconds; `null` for a fresh scan.
    pub age_seconds: Option<u64>,
    /// The account the scan was limited to; `null`: every zone.
    pub account: Option<AccountRef>,
    /// The coverage summary.
    pub counts: ScanCounts,
    /// Each `--fail-on` condition and how many zones meet it.
    pub fail_on: Vec<FailOnCount>,
    /// Whether any `--fail-on` condition holds (the exit status is then 1).
    pub failing: bool,
    /// Every zone, in the order the scan read them (written as they are
    /// read; the summary keys come after this array).
    pub zones: Vec<FleetZone>,
}

/// The coverage summary: `scanning`, `no_source`, `not_scanning` and
/// `unreadable` add up to `zones`; a zone may count in several of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ScanCounts {
    /// Zones in the scan.
    pub zones: usize,
    /// Scanning on with at least one source on.
    pub scanning: usize,
    /// Scanning on with every source off: nothing is scanned.
    pub no_source: usize,
    /// Scanning off or not reported.
    pub not_scanning: usize,
    /// The notification email is set and `unverified`.
    pub email_unverified: usize,
    /// No notification email.
    pub no_email: usize,
    /// The notification email is `pending`.
    pub pending: usize,
    /// Locked by Trust & Safety.
    pub locked: usize,
    /// The setting could not be read.
    pub unreadable: usize,
}

/// One `--fail-on` condition: `{condition, zones}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FailOnCount {
    /// The condition as `--fail-on` names it, e.g. `no-source`.
    pub condition: String,
    /// How many zones meet it.
    pub zones: usize,
}

/// One zone of a scan: `{zone, zone_status, plan, read_at, setting, status,
/// email, sources_on, sources_total, attention, error}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetZone {
    /// The zone.
    pub zone: Zone,
    /// The zone's own status (`active`, `pending`, …), as the listing said.
    pub zone_status: Option<String>,
    /// The plan level (`free`, `pro`, `business`, `ent`), when known.
    pub plan: Option<String>,
    /// When its setting was read (or the read failed).
    pub read_at: Option<Timestamp>,
    /// The CSAM setting as the scan kept it: `zone_plan` and `modified_on`
    /// are not kept by a scan (`null`; the zone's plan is `plan`); a scan
    /// cached by an older version kept no `email` (`null`) and no
    /// `sources` (`{}`: see `sources_total`). `null` when the setting could
    /// not be read.
    pub setting: Option<CsamSetting>,
    /// Coverage and lock in words; `null` when the setting could not be read.
    pub status: Option<CsamStatus>,
    /// The notification email in words: the server's `email_state`, or
    /// `no_email` when none is set, or `not_reported`; `null` when the
    /// setting could not be read.
    pub email: Option<String>,
    /// Sources switched on; `null` when the setting could not be read.
    pub sources_on: Option<u32>,
    /// Sources the zone has; `null` when the setting could not be read.
    pub sources_total: Option<u32>,
    /// The most urgent thing about the zone.
    pub attention: Attention,
    /// Why the setting could not be read; `null` when it was.
    pub error: Option<ReadError>,
}

/// Why a setting could not be read: `{kind, status, permission, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReadError {
    /// `no_permission`, `auth`, `not_found`, `locked`, `rate_limited`,
    /// `server`, `timeout`, `network`, `bad_answer`, `invalid` or
    /// `not_available` (the product is not on the target: DLP on an account
    /// without Zero Trust).
    pub kind: String,
    /// The HTTP status, when there was one to tell.
    pub status: Option<u16>,
    /// The permission the credentials lack, when the server named it.
    pub permission: Option<String>,
    /// The error as a person reads it.
    pub message: String,
}

/// How urgently a zone needs someone, most urgent first (the derived order).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// The setting could not be read: nobody knows whether it scans.
    Unreadable,
    /// Locked by Trust & Safety: only they can change it.
    Locked,
    /// Scanning is off (or not reported).
    NotScanning,
    /// Scanning is on with every source off: it scans nothing.
    NoSource,
    /// No notification email is set: the server keeps scanning off until
    /// one is set and verified.
    NoEmail,
    /// The notification email is set and not verified.
    EmailUnverified,
    /// A verification email is out and not yet confirmed.
    Pending,
    /// Scanning, with a verified email.
    Fine,
}
