//! The kinds of document, each with its schema.

use schemars::JsonSchema;
use serde::Serialize;

/// What a document is. Its wire name is its schema's file name
/// (`schemas/<name>.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A failure, on stderr with `--json`.
    Error,
    /// `zones --json`.
    Zones,
    /// `accounts --json`.
    Accounts,
    /// `csam get --json`.
    CsamSetting,
    /// `dlp get --json`.
    DlpSetting,
    /// `csam set --json`.
    CsamWrite,
    /// `dlp set --json`.
    DlpWrite,
    /// `dlp reset --json`.
    DlpReset,
    /// `log --json`.
    AuditLog,
    /// One line of the audit log (`audit.jsonl`).
    AuditEntry,
    /// `fleet scan --json`.
    FleetScan,
    /// `fleet apply --dry-run --json`: the plan.
    FleetPlan,
    /// `fleet apply --json`, `fleet resume --json`: a run's results.
    FleetRun,
    /// `fleet runs --json`.
    FleetRuns,
    /// `dlp scan --json`.
    DlpScan,
    /// `dlp apply --dry-run --json` (or a refused run): the plan.
    DlpPlan,
    /// `dlp apply --json`: a run's results.
    DlpRun,
}

impl Kind {
    /// Every kind, in the order `trustdeck schema` lists them.
    pub const ALL: &'static [Kind] = &[
        Kind::Error,
        Kind::Zones,
        Kind::Accounts,
        Kind::CsamSetting,
        Kind::DlpSetting,
        Kind::CsamWrite,
        Kind::DlpWrite,
        Kind::DlpReset,
        Kind::AuditLog,
        Kind::AuditEntry,
        Kind::FleetScan,
        Kind::FleetPlan,
        Kind::FleetRun,
        Kind::FleetRuns,
        Kind::DlpScan,
        Kind::DlpPlan,
        Kind::DlpRun,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Zones => "zones",
            Self::Accounts => "accounts",
            Self::CsamSetting => "csam_setting",
            Self::DlpSetting => "dlp_setting",
            Self::CsamWrite => "csam_write",
            Self::DlpWrite => "dlp_write",
            Self::DlpReset => "dlp_reset",
            Self::AuditLog => "audit_log",
            Self::AuditEntry => "audit_entry",
            Self::FleetScan => "fleet_scan",
            Self::FleetPlan => "fleet_plan",
            Self::FleetRun => "fleet_run",
            Self::FleetRuns => "fleet_runs",
            Self::DlpScan => "dlp_scan",
            Self::DlpPlan => "dlp_plan",
            Self::DlpRun => "dlp_run",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}
