//! `fleet apply --dry-run --json` (kind `fleet_plan`): the change, the
//! patch each zone would be sent, and what the plan does with every zone.
//! The words here (`change`, `sent`, `step`, `skip`) are also those of a
//! run's results ([`super::FleetRunBody`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::Zone;

/// `{"kind": "fleet_plan", "version": 2, "change", "sent", "blocked",
/// "scan", "counts", "budget", "zones"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetPlanBody {
    /// What the run changes on each zone.
    pub change: BulkChange,
    /// The PATCH each zone that is sent the change gets.
    pub sent: CsamPatch,
    /// Why the plan was not run: `read_only`; `null` when nothing stopped it.
    pub blocked: Option<String>,
    /// Where the rows it was planned from came from.
    pub scan: ScanSource,
    /// The counts.
    pub counts: PlanCounts,
    /// What the run would spend of the rate limit.
    pub budget: PlanBudget,
    /// Every selected zone, in plan order.
    pub zones: Vec<PlanStep>,
}

/// A bulk change: `{kind, email, source, on}`; the keys a kind does not use
/// are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BulkChange {
    /// `enable_scanning`, `disable_scanning`, `set_email`,
    /// `resend_verification` or `source`.
    pub kind: String,
    /// For `set_email`: the address as typed, shown by its domain only
    /// (`…@acme-corp.com`), as the audit log keeps it.
    pub email: Option<String>,
    /// For `source`: the source's name.
    pub source: Option<String>,
    /// For `source`: on or off.
    pub on: Option<bool>,
}

/// The `value` of a CSAM PATCH, as sent: the API's names; `null` for what
/// it does not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamPatch {
    /// Scanning on or off.
    pub enabled: Option<bool>,
    /// A new notification email, shown by its domain only (`…@acme-corp.com`).
    pub email: Option<String>,
    /// Whether the verification email is sent again.
    pub resend_email: bool,
    /// Sources switched on or off.
    pub sources: Option<BTreeMap<String, bool>>,
}

/// Where a plan's rows came from: `{cached, age_seconds}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ScanSource {
    /// From the scan cache (no new scan was made).
    pub cached: bool,
    /// How old the scan was, in seconds.
    pub age_seconds: u64,
}

/// A plan's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlanCounts {
    /// Zones selected.
    pub zones: usize,
    /// Sent, expected done as asked.
    pub as_asked: usize,
    /// Sent, expected kept off by the server (the email is not verified).
    pub stays_off: usize,
    /// Sent, expected to stop scanning until the new address is verified.
    pub turns_off: usize,
    /// Zones to be sent the change.
    pub to_send: usize,
    /// Zones skipped, per reason (see [`SkipReason`]'s words).
    pub skipped: BTreeMap<String, usize>,
}

/// What a run of the plan would spend of the rate limit, from the budget
/// as it stood when it was planned: `{requests, patches, rereads, windows,
/// eta_seconds, limit}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlanBudget {
    /// Every request the run would send (a 429's retry aside).
    pub requests: usize,
    /// PATCHes: one per zone sent the change.
    pub patches: usize,
    /// GETs of zones read again right before their PATCH.
    pub rereads: usize,
    /// Windows of the limit the requests reach into, the current one
    /// included.
    pub windows: u64,
    /// About how long the run would take, in seconds; `null` for seconds.
    pub eta_seconds: Option<u64>,
    /// The limit counted against.
    pub limit: RateLimit,
}

/// A rate limit: `{requests, window_seconds}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RateLimit {
    /// Requests per window.
    pub requests: u32,
    /// The window, in seconds.
    pub window_seconds: u64,
}

/// What the plan does with one zone: `{zone, step, expect, skip}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanStep {
    /// The zone.
    pub zone: Zone,
    /// `send` or `skip`.
    pub step: String,
    /// For `send`: `as_asked`, `stays_off` or `turns_off`; else `null`.
    pub expect: Option<String>,
    /// For `skip`: why; else `null`.
    pub skip: Option<SkipReason>,
}

/// Why a zone is not sent the change: `{reason, permission, known, error}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SkipReason {
    /// `locked`, `already_so`, `no_permission`, `unreadable`, `verified`,
    /// `no_email`, `unknown_source`, `settled`, or `not_sent` (the run
    /// ended before it was sent).
    pub reason: String,
    /// For `no_permission`: the permission the server named, if it did.
    pub permission: Option<String>,
    /// For `unknown_source`: the sources the zone has; else `null`.
    pub known: Option<Vec<String>>,
    /// For `unreadable`: why the setting could not be read; else `null`.
    pub error: Option<super::ReadError>,
}
