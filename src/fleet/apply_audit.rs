//! The audit records of a bulk run's writes: the intent right before a
//! target's write (when it cannot be written, the write is not sent) and
//! the outcome once known, both off the runtime's threads (each line is
//! fsync'd).

use super::apply_run::{Engine, Shared};
use super::journal_read::SentLine;
use super::plan::PlanEntry;
use crate::audit::{AuditLog, Intent, Outcome, Pending, Target};
use tracing::warn;

/// The audit target of a zone's entry (filed under its account too).
pub(crate) fn target(entry: &PlanEntry) -> Target {
    let zone = Target::zone(&entry.zone.id, Some(&entry.zone.name));
    match &entry.zone.account {
        Some(account) => zone.in_account(&account.id, Some(&account.name)),
        None => zone,
    }
}

/// Writes `intent` under `pending`'s id (named in the journal's `sending`
/// line just before).
pub(crate) async fn record_intent(
    audit: &AuditLog,
    pending: Pending,
    intent: Intent,
) -> Result<Pending, String> {
    let audit = audit.clone();
    // The audit log fsyncs each line: off the runtime's threads.
    tokio::task::spawn_blocking(move || {
        audit.record_pending(&pending, &intent)?;
        Ok::<_, crate::audit::AuditError>(pending)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

/// Gives the intent of a write interrupted in flight (named by its
/// `sending` line) its outcome, as a resume settled it, unless the log
/// already has one.
pub(crate) async fn settle_intent<T: Engine>(
    shared: &Shared<T>,
    entry: &T::Entry,
    sent: &SentLine,
    outcome: Outcome,
) {
    let (Some(audit), Some(id), None) = (&shared.audit, &sent.audit, &sent.audited) else {
        return;
    };
    let intent = T::intent(shared, entry);
    let pending = Pending {
        id: id.clone(),
        ..audit.pending(&intent)
    };
    record_outcome(audit, pending, outcome).await;
}

pub(crate) async fn record_outcome(audit: &AuditLog, pending: Pending, outcome: Outcome) {
    let audit = audit.clone();
    let written =
        tokio::task::spawn_blocking(move || audit.record_outcome(&pending, &outcome)).await;
    if let Ok(Err(error)) = written {
        warn!("{error}; the write itself is done");
    }
}
