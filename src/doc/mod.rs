//! The documents trustdeck prints for programs: every `--json` document and
//! every record of the `.jsonl` files a person may read, as typed structs.
//!
//! One vocabulary: a zone is always [`Zone`], an account [`Account`], a CSAM
//! setting [`CsamSetting`] (the API's names) with the derived words beside it
//! under their own names ([`CsamStatus`]), a DLP setting [`DlpSetting`] (the
//! key only as a fingerprint), a time always RFC 3339 in UTC ([`Timestamp`]),
//! a write's result always [`WriteResult`]. Every top-level document is a
//! [`Doc`]: `{"kind": …, "version": 2, …}`; its JSON Schema is generated from
//! the same types (`trustdeck schema KIND`, `schemas/KIND.json`).

mod audit;
mod dlp_apply;
mod dlp_scan;
mod error;
mod escape;
mod fleet_plan;
mod fleet_run;
mod fleet_runs;
mod fleet_scan;
mod kind;
mod lists;
mod objects;
mod schema;
mod settings;
mod time;
mod write;

pub use audit::{AuditEntry, AuditLogBody, AuditOrigin, place, write_result};
pub use dlp_apply::{
    AccountRunResult, AccountSkipReason, DlpBulkChange, DlpPlanBody, DlpPlanCounts, DlpPlanStep,
    DlpRunBody, DlpRunCounts, FieldStepDoc,
};
pub use dlp_scan::{DlpFailOnCount, DlpScanAccount, DlpScanBody};
pub use error::ErrorBody;
pub use escape::{to_line, to_pretty};
pub use fleet_plan::{
    BulkChange, CsamPatch, FleetPlanBody, PlanBudget, PlanCounts, PlanStep, RateLimit, ScanSource,
    SkipReason,
};
pub use fleet_run::{FleetRunBody, RunCounts, ZoneRunResult};
pub use fleet_runs::{FleetRunsBody, RunListing};
pub use fleet_scan::{Attention, FailOnCount, FleetScanBody, FleetZone, ReadError, ScanCounts};
pub use kind::Kind;
pub use lists::{AccountsBody, ListedZone, Plan, ZonesBody};
pub use objects::{
    Account, AccountRef, Coverage, CsamSetting, CsamStatus, DlpSetting, Lock, PayloadLogging,
    WriteResult, Zone,
};
pub use schema::{schema_text, stored_schema};
pub use settings::{CsamSettingBody, DlpSettingBody};
pub use time::Timestamp;
pub use write::{
    Adjusted, Blocked, CsamSent, CsamWriteBody, DlpResetBody, DlpSent, DlpWriteBody, FieldValue,
    Message, Preview, field_path,
};

use schemars::JsonSchema;
use serde::Serialize;

/// The version of every document's shape; it changes when a key is renamed
/// or removed, never when one is added.
pub const VERSION: u32 = 2;

/// A top-level document: its kind, the vocabulary's version, and its body's
/// keys beside them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Doc<T> {
    /// What the document is; names its schema.
    pub kind: Kind,
    /// Always [`VERSION`].
    pub version: u32,
    /// The document's own keys.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Doc<T> {
    /// A document of `kind` holding `body`.
    pub fn new(kind: Kind, body: T) -> Self {
        Self {
            kind,
            version: VERSION,
            body,
        }
    }
}
