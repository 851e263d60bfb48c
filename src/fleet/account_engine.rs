//! The account side of the run loop ([`Engine`] for [`Accounts`]): an
//! account's re-read before its write when its row is old (every DLP change
//! is replanned from a fresh read: an account now already so is skipped),
//! the one write (a PATCH of what differs, or the reset's DELETE; never a
//! PUT), and how an account in flight at an interruption is settled: read
//! again, done when it shows the change applied, else sent again (a PATCH
//! sets values, a reset is idempotent).

use std::time::Duration;

use super::account_change::DlpWrite;
use super::account_outcome::{AccountOutcome, classify_account};
use super::account_plan::{AccountPlanEntry, AccountStep, account_settled, account_step_for};
use super::account_row::DlpState;
use super::apply_audit::settle_intent;
use super::apply_run::{Engine, Job, Shared, TaskEnd, reread, unknown_after_interruption};
use super::journal_read::SentLine;
use super::row::RowError;
use super::run_target::Accounts;
use super::table::unix_now;
use super::zone_outcome::UnknownCause;
use crate::api::model::{DlpSettings, DlpUpdate, EmailState};
use crate::api::{ApiError, Reply};
use crate::audit::{Intent, Outcome, Target, Verdict, dlp_shown};

impl Engine for Accounts {
    type Setting = DlpSettings;

    fn prepare(
        shared: &Shared<Self>,
        job: Job<Self>,
    ) -> impl Future<Output = Result<(AccountPlanEntry, bool), TaskEnd<Self>>> + Send {
        prepare(shared, job)
    }

    fn intent(shared: &Shared<Self>, entry: &AccountPlanEntry) -> Intent {
        let target = Target::account(
            &entry.account.id,
            Some(&entry.account.name)
                .filter(|n| !n.is_empty())
                .map(|n| n.as_str()),
        );
        match &entry.step {
            AccountStep::Send {
                write: DlpWrite::Reset,
                ..
            } => Intent::dlp_reset(shared.origin.clone(), target, None),
            AccountStep::Send {
                write: DlpWrite::Patch { update },
                ..
            } => Intent::dlp_patch(shared.origin.clone(), target, update, None),
            AccountStep::Skip(_) => {
                Intent::dlp_patch(shared.origin.clone(), target, &DlpUpdate::default(), None)
            }
        }
    }

    fn before(_: &AccountPlanEntry) -> Option<EmailState> {
        None
    }

    async fn write(
        shared: &Shared<Self>,
        entry: &AccountPlanEntry,
    ) -> Result<Reply<DlpSettings>, ApiError> {
        let id = &entry.account.id;
        match &entry.step {
            AccountStep::Send {
                write: DlpWrite::Patch { update },
                ..
            } => shared.client.patch_dlp(id, update).await,
            AccountStep::Send {
                write: DlpWrite::Reset,
                ..
            } => shared.client.reset_dlp(id).await,
            // Only entries that send are written (see `prepare`).
            AccountStep::Skip(_) => Err(ApiError::invalid("account", "has nothing to send")),
        }
    }

    fn audit_outcome(result: &Result<Reply<DlpSettings>, ApiError>) -> Outcome {
        Outcome::dlp(result)
    }

    fn classify(
        shared: &Shared<Self>,
        entry: &AccountPlanEntry,
        result: &Result<Reply<DlpSettings>, ApiError>,
    ) -> (AccountOutcome, Option<DlpState>) {
        classify_account(&entry.change_for(&shared.change), entry, result)
    }
}

/// Reads the account again when its row must be (never read, older than
/// the age limit, its write interrupted) and replans it. `Err` when it is
/// settled without sending.
async fn prepare(
    shared: &Shared<Accounts>,
    job: Job<Accounts>,
) -> Result<(AccountPlanEntry, bool), TaskEnd<Accounts>> {
    let (entry, interrupted) = match job {
        Job::Fresh(entry) => (entry, None),
        Job::Interrupted(entry, sent) => (entry, Some(sent)),
    };
    let age = unix_now().saturating_sub(entry.read_at);
    let stale = entry.read_at == 0 || Duration::from_secs(age) > shared.max_row_age;
    if interrupted.is_none() && !stale {
        return Ok((entry, false));
    }
    let read = reread(shared, || shared.client.get_dlp(&entry.account.id)).await;
    let settings = match read {
        Ok(reply) => reply.result,
        Err(error) => {
            let outcome = if let Some(sent) = &interrupted {
                settle_intent(shared, &entry, sent, unknown_after_interruption()).await;
                AccountOutcome::Unknown(UnknownCause::Interrupted {
                    reread: Some(RowError::from_api(&error)),
                })
            } else {
                AccountOutcome::read_failed(&error)
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
        return settle_interrupted(shared, entry, sent, settings).await;
    }
    let state = DlpState::of(&settings);
    let fresh = AccountPlanEntry {
        account: entry.account.clone(),
        step: account_step_for(&entry.change_for(&shared.change), &state),
        state: Some(state),
        read_at: unix_now(),
        restore: entry.restore.clone(),
    };
    let replanned = fresh.step != entry.step;
    if let AccountStep::Skip(skip) = &fresh.step {
        let state = fresh.state.clone();
        return Err(TaskEnd::Outcome {
            outcome: AccountOutcome::Skipped(skip.clone()),
            entry: fresh,
            replanned,
            state,
        });
    }
    Ok((fresh, replanned))
}

/// Settles an account whose write was in flight at an interruption from
/// the re-read `settings`: done when the audit log has the reply's success
/// or the settings show the change; else sent again, replanned from them.
async fn settle_interrupted(
    shared: &Shared<Accounts>,
    entry: AccountPlanEntry,
    sent: &SentLine,
    settings: DlpSettings,
) -> Result<(AccountPlanEntry, bool), TaskEnd<Accounts>> {
    let state = DlpState::of(&settings);
    let change = entry.change_for(&shared.change);
    let landed = sent.audited == Some(Verdict::Applied) || account_settled(&change, &state);
    if landed {
        let reply = Ok(Reply {
            result: settings,
            messages: Vec::new(),
            result_info: None,
        });
        // Seen on a re-read, not in an answer: no status.
        let audit = Outcome {
            status: None,
            ..Outcome::dlp(&reply)
        };
        settle_intent(shared, &entry, sent, audit).await;
        let outcome = AccountOutcome::applied(&change, &entry, &state);
        return Err(TaskEnd::Outcome {
            entry,
            replanned: false,
            outcome,
            state: Some(state),
        });
    }
    let not_applied = Outcome {
        result: Verdict::NotSent,
        status: None,
        after: Some(dlp_shown(&settings)),
        errors: Vec::new(),
        messages: Vec::new(),
        error: Some(
            "not applied, as a re-read after the interruption showed; sent again".to_owned(),
        ),
    };
    settle_intent(shared, &entry, sent, not_applied).await;
    let fresh = AccountPlanEntry {
        account: entry.account.clone(),
        step: account_step_for(&change, &state),
        state: Some(state),
        read_at: unix_now(),
        restore: entry.restore.clone(),
    };
    let replanned = fresh.step != entry.step;
    Ok((fresh, replanned))
}
