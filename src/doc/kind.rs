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
    /// `fleet scan --json`.
    FleetScan,
    /// `fleet apply --dry-run --json`: the plan.
    FleetPlan,
    /// `fleet apply --json`, `fleet resume --json`: a run's results.
    FleetRun,
    /// `fleet runs --json`.
    FleetRuns,
}

impl Kind {
    /// Every kind, in the order `trustdeck schema` lists them.
    pub const ALL: &'static [Kind] = &[
        Kind::Error,
        Kind::FleetScan,
        Kind::FleetPlan,
        Kind::FleetRun,
        Kind::FleetRuns,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::FleetScan => "fleet_scan",
            Self::FleetPlan => "fleet_plan",
            Self::FleetRun => "fleet_run",
            Self::FleetRuns => "fleet_runs",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}
