//! The revert of a finished accounts run, as data: per account the run
//! changed (its outcome done or adjusted), the edit that puts back the
//! before-values of the fields it changed (OCR, AI context analysis,
//! masking; a key it set where there was none is cleared), and what cannot
//! be put back, with why (a key that was there before is known only by its
//! fingerprint). Pure, from the journal alone.

use super::account_change::{DlpChange, DlpEdit};
use super::account_outcome::AccountOutcome;
use super::account_plan::{PlanAccount, after_change};
use super::account_row::{DlpState, Masking};
use super::journal::RunId;
use super::journal_read::RunRecord;
use super::revert::{RevertError, check_finished};
use super::run_target::Accounts;

/// What a revert of an accounts run puts back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRevertPlan {
    /// The run reverted.
    pub of: RunId,
    /// Each account the run changed with the edit that restores it, plan
    /// order: each is read again, then planned.
    pub accounts: Vec<(PlanAccount, DlpEdit)>,
    /// What cannot be put back, per account, with why.
    pub not_revertible: Vec<(PlanAccount, String)>,
}

/// The revert of accounts run `record`.
pub fn account_revert_plan(record: &RunRecord<Accounts>) -> Result<AccountRevertPlan, RevertError> {
    check_finished(record)?;
    let change = &record.header.change;
    if *change == DlpChange::Restore {
        return Err(RevertError::NotRevertible {
            id: record.header.id.to_string(),
            why: "it is a revert itself: make the change again instead".to_owned(),
        });
    }
    let mut plan = AccountRevertPlan {
        of: record.header.id.clone(),
        accounts: Vec::new(),
        not_revertible: Vec::new(),
    };
    for entry in &record.plan.entries {
        let Some(result) = record.outcomes.get(&entry.account.id) else {
            continue;
        };
        if !matches!(
            result.outcome,
            AccountOutcome::Done { .. } | AccountOutcome::Adjusted { .. }
        ) {
            continue;
        }
        let Some(before) = &entry.state else {
            plan.not_revertible.push((
                entry.account.clone(),
                "its settings were not read before the run, so they are not known".to_owned(),
            ));
            continue;
        };
        let after = result
            .state
            .clone()
            .unwrap_or_else(|| after_change(change, before));
        let (edit, why) = restoring(change, before, &after);
        if let Some(why) = why {
            plan.not_revertible.push((entry.account.clone(), why));
        }
        if let Some(edit) = edit {
            plan.accounts.push((entry.account.clone(), edit));
        }
    }
    Ok(plan)
}

/// Which fields `change` writes: a reset writes them all, an edit those it
/// names. A field it does not name that moved between the plan's read and
/// the answer was changed by other hands, and is not the run's to undo.
struct Named {
    ocr: bool,
    ai: bool,
    masking: bool,
    key: bool,
}

impl Named {
    fn of(change: &DlpChange) -> Self {
        match change {
            DlpChange::Edit(edit) => Self {
                ocr: edit.ocr().is_some(),
                ai: edit.ai_context_analysis().is_some(),
                masking: edit.masking().is_some(),
                key: edit.key().is_some(),
            },
            DlpChange::Reset | DlpChange::Restore => Self {
                ocr: true,
                ai: true,
                masking: true,
                key: true,
            },
        }
    }
}

/// The edit that makes `after` `before` again in the fields `change`
/// wrote that differ, and why a field cannot be put back, if one cannot.
fn restoring(
    change: &DlpChange,
    before: &DlpState,
    after: &DlpState,
) -> (Option<DlpEdit>, Option<String>) {
    let named = Named::of(change);
    let mut builder = DlpChange::builder();
    let mut any = false;
    let mut why = Vec::new();
    if named.ocr && before.ocr != after.ocr {
        builder = builder.ocr(before.ocr);
        any = true;
    }
    if named.ai && before.ai_context_analysis != after.ai_context_analysis {
        builder = builder.ai_context_analysis(before.ai_context_analysis);
        any = true;
    }
    if named.masking && before.masking != after.masking {
        match before.masking {
            Some(level) if level != Masking::Other => {
                builder = builder.masking(level);
                any = true;
            }
            _ => why.push("its masking level before the run is not one that can be set"),
        }
    }
    if named.key && before.key_fingerprint != after.key_fingerprint {
        match &before.key_fingerprint {
            None => {
                builder = builder.clear_public_key();
                any = true;
            }
            Some(_) => why.push(
                "it had a payload-logging key before the run, known only by its fingerprint: \
                 the key itself cannot be put back",
            ),
        }
    }
    let edit = match any.then(|| builder.build()) {
        Some(Ok(DlpChange::Edit(edit))) => Some(edit),
        _ => None,
    };
    let why = (!why.is_empty()).then(|| why.join("; "));
    (edit, why)
}
