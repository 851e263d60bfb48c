//! The zone side of the run loop ([`Engine`] for [`Zones`]): a zone's
//! re-read before its PATCH, and how a zone in flight at an interruption is
//! settled (see [`super::apply_run`]).

use std::time::Duration;

use super::apply_audit::{settle_intent, target};
use super::apply_run::{Engine, Job, Shared, TaskEnd, reread, unknown_after_interruption};
use super::journal_read::SentLine;
use super::plan::{PlanEntry, Step, settled, step_for};
use super::row::{CsamState, RowError};
use super::run_target::Zones;
use super::table::unix_now;
use super::zone_outcome::{UnknownCause, ZoneOutcome, classify};
use crate::api::model::{CsamPatch, CsamSetting, EmailState};
use crate::api::{ApiError, Reply};
use crate::audit::{Intent, Outcome, Verdict, csam_shown};

impl Engine for Zones {
    type Setting = CsamSetting;

    fn prepare(
        shared: &Shared<Self>,
        job: Job<Self>,
    ) -> impl Future<Output = Result<(PlanEntry, bool), TaskEnd<Self>>> + Send {
        prepare(shared, job)
    }

    fn intent(shared: &Shared<Self>, entry: &PlanEntry) -> Intent {
        Intent::csam_patch(
            shared.origin.clone(),
            target(entry),
            &CsamPatch::of(shared.change.patch()),
            entry.before().as_ref(),
        )
    }

    fn before(entry: &PlanEntry) -> Option<EmailState> {
        entry.state.as_ref().and_then(|s| s.email_state.clone())
    }

    fn write(
        shared: &Shared<Self>,
        entry: &PlanEntry,
    ) -> impl Future<Output = Result<Reply<CsamSetting>, ApiError>> + Send {
        let patch = CsamPatch::of(shared.change.patch());
        async move { shared.client.patch_csam(&entry.zone.id, &patch).await }
    }

    fn audit_outcome(result: &Result<Reply<CsamSetting>, ApiError>) -> Outcome {
        Outcome::csam(result)
    }

    fn classify(
        shared: &Shared<Self>,
        entry: &PlanEntry,
        result: &Result<Reply<CsamSetting>, ApiError>,
    ) -> (ZoneOutcome, Option<CsamState>) {
        let outcome = classify(&shared.change, entry, result);
        let state = result
            .as_ref()
            .ok()
            .map(|reply| CsamState::of(&reply.result));
        (outcome, state)
    }
}

/// Reads the zone again when its row must be (never read; old, for a change
/// that re-reads old rows; its request interrupted), then waits while paused and for budget. `Err` when the zone
/// is settled without sending.
async fn prepare(
    shared: &Shared<Zones>,
    job: Job<Zones>,
) -> Result<(PlanEntry, bool), TaskEnd<Zones>> {
    let (mut entry, interrupted) = match job {
        Job::Fresh(entry) => (entry, None),
        Job::Interrupted(entry, sent) => (entry, Some(sent)),
    };
    let age = unix_now().saturating_sub(entry.read_at);
    let old = Duration::from_secs(age) > shared.max_row_age;
    let stale = entry.read_at == 0 || (old && shared.change.rereads_old_rows());
    let mut replanned = false;
    if interrupted.is_some() || stale {
        let read = read_zone(shared, &entry.zone.id).await;
        let setting = match read {
            Ok(reply) => reply.result,
            Err(error) => {
                let outcome = if let Some(sent) = &interrupted {
                    let outcome = ZoneOutcome::Unknown(UnknownCause::Interrupted {
                        reread: Some(RowError::from_api(&error)),
                    });
                    settle_intent(shared, &entry, sent, unknown_after_interruption()).await;
                    outcome
                } else {
                    ZoneOutcome::read_failed(&error)
                };
                return Err(TaskEnd::Outcome {
                    entry,
                    replanned: false,
                    outcome,
                    state: None,
                });
            }
        };
        if let Some(sent) = &interrupted {
            return settle_interrupted(shared, entry, sent, setting).await;
        }
        let state = CsamState::of(&setting);
        let fresh = PlanEntry {
            zone: entry.zone.clone(),
            step: step_for(&shared.change, &state),
            state: Some(state),
            read_at: unix_now(),
        };
        replanned = fresh.step != entry.step;
        entry = fresh;
        if let Step::Skip(skip) = &entry.step {
            let state = entry.state.clone();
            return Err(TaskEnd::Outcome {
                outcome: ZoneOutcome::Skipped(skip.clone()),
                entry,
                replanned,
                state,
            });
        }
    }
    Ok((entry, replanned))
}

/// Settles a zone whose request was in flight at an interruption from the
/// re-read `setting`, and gives the interrupted write's audit intent its
/// outcome. `Ok`: an idempotent change not seen applied, to send again
/// (planned from the re-read).
async fn settle_interrupted(
    shared: &Shared<Zones>,
    entry: PlanEntry,
    sent: &SentLine,
    setting: CsamSetting,
) -> Result<(PlanEntry, bool), TaskEnd<Zones>> {
    let state = CsamState::of(&setting);
    let step = step_for(&shared.change, &state);
    let landed = if let Some(verdict) = &sent.audited {
        // The reply came before the kill: the audit log has its outcome.
        *verdict == Verdict::Applied
    } else if shared.change.is_idempotent() {
        settled(&shared.change, &step)
    } else {
        // The address is masked in every answer: only a verification
        // started since the `sending` line shows that this one landed.
        let before = sent
            .before
            .clone()
            .or_else(|| entry.state.as_ref().and_then(|s| s.email_state.clone()));
        state.email_state == Some(EmailState::Pending) && before != Some(EmailState::Pending)
    };
    let reply = Ok(Reply {
        result: setting.clone(),
        messages: Vec::new(),
        result_info: None,
    });
    let (outcome, audit) = if landed {
        // Seen on a re-read, not in an answer: no status.
        let audit = Outcome {
            status: None,
            ..Outcome::csam(&reply)
        };
        (classify(&shared.change, &entry, &reply), audit)
    } else if shared.change.is_idempotent() && matches!(step, Step::Send { .. }) {
        let not_applied = Outcome {
            result: Verdict::NotSent,
            status: None,
            after: Some(csam_shown(&setting)),
            errors: Vec::new(),
            messages: Vec::new(),
            error: Some(
                "not applied, as a re-read after the interruption showed; sent again".to_owned(),
            ),
        };
        settle_intent(shared, &entry, sent, not_applied).await;
        let fresh = PlanEntry {
            zone: entry.zone.clone(),
            step,
            state: Some(state),
            read_at: unix_now(),
        };
        let replanned = fresh.step != entry.step;
        return Ok((fresh, replanned));
    } else {
        (
            ZoneOutcome::Unknown(UnknownCause::Interrupted { reread: None }),
            unknown_after_interruption(),
        )
    };
    settle_intent(shared, &entry, sent, audit).await;
    Err(TaskEnd::Outcome {
        entry,
        replanned: false,
        outcome,
        state: Some(state),
    })
}

/// A GET of the zone's setting, queued again while it is rate limited.
async fn read_zone(shared: &Shared<Zones>, zone_id: &str) -> Result<Reply<CsamSetting>, ApiError> {
    reread(shared, || shared.client.get_csam(zone_id)).await
}
