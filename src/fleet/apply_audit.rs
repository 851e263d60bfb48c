//! The audit records of a bulk run's writes: the intent right before a
//! zone's PATCH (when it cannot be written, the PATCH is not sent) and the
//! outcome once known, both off the runtime's threads (each line is
//! fsync'd).

use super::apply_run::Shared;
use super::plan::PlanEntry;
use crate::audit::{AuditLog, Intent, Outcome, Pending, Target};
use tracing::warn;

pub(crate) fn target(entry: &PlanEntry) -> Target {
    let zone = Target::zone(&entry.zone.id, Some(&entry.zone.name));
    match &entry.zone.account {
        Some(account) => zone.in_account(&account.id, Some(&account.name)),
        None => zone,
    }
}

pub(crate) async fn record_intent(
    audit: &AuditLog,
    shared: &Shared,
    entry: &PlanEntry,
) -> Result<Pending, String> {
    let intent = Intent::csam_patch(
        shared.origin.clone(),
        target(entry),
        &shared.patch,
        entry.before().as_ref(),
    );
    let audit = audit.clone();
    // The audit log fsyncs each line: off the runtime's threads.
    tokio::task::spawn_blocking(move || audit.record_intent(&intent))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

pub(crate) async fn record_outcome(audit: &AuditLog, pending: Pending, outcome: Outcome) {
    let audit = audit.clone();
    let written =
        tokio::task::spawn_blocking(move || audit.record_outcome(&pending, &outcome)).await;
    if let Ok(Err(error)) = written {
        warn!("{error}; the write itself is done");
    }
}
