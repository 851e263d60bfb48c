//! An account plan and an account run in the documents' words: what `dlp
//! apply --json` prints (`dlp_plan` for a plan that is not run, `dlp_run`
//! for a run). The key is shown only by its fingerprint.

use crate::api::text::key_fingerprint;
use crate::doc::{
    Account, AccountRunResult, AccountSkipReason, DlpBulkChange, DlpPlanBody, DlpPlanCounts,
    DlpPlanStep, DlpRunBody, DlpRunCounts, DlpSent, FieldStepDoc, FieldValue, PlanBudget,
    RateLimit, WriteResult, field_path,
};
use crate::fleet::{
    AccountOutcome, AccountPlan, AccountSkip, AccountSkipKind, AccountStep, AccountTable,
    DlpChange, DlpWrite, FieldStep, KeyChange, PlanAccount, RunCost, RunState, UnknownCause,
};

use super::dlp_apply_run::{AccountRunEnd, state_word};
use super::fleet_run_doc::stop_word;
use super::fleet_scan_doc::{read_error, unix};

/// A run's cost in the documents' words.
pub fn budget_of(cost: &RunCost) -> PlanBudget {
    PlanBudget {
        requests: cost.requests(),
        patches: cost.patches,
        rereads: cost.rereads,
        windows: cost.windows,
        eta_seconds: cost.eta.map(|eta| eta.as_secs()),
        limit: RateLimit {
            requests: cost.quota,
            window_seconds: cost.window.as_secs(),
        },
    }
}

/// The plan document: what would be sent, and to which accounts.
pub fn plan_document(
    plan: &AccountPlan,
    cost: &RunCost,
    blocked: Option<&'static str>,
) -> DlpPlanBody {
    let summary = plan.summary();
    DlpPlanBody {
        change: change_of(&plan.change),
        blocked: blocked.map(str::to_owned),
        counts: DlpPlanCounts {
            accounts: summary.accounts,
            to_send: summary.to_send,
            skipped: summary
                .skipped
                .iter()
                .map(|(kind, n)| (skip_kind_word(*kind).to_owned(), *n))
                .collect(),
        },
        budget: budget_of(cost),
        accounts: plan
            .entries
            .iter()
            .map(|entry| {
                let mut step = DlpPlanStep {
                    account: account_of(&entry.account),
                    step: step_word(&entry.step).to_owned(),
                    method: None,
                    sent: None,
                    fields: Vec::new(),
                    skip: None,
                };
                match &entry.step {
                    AccountStep::Send { write, fields } => {
                        step.method = Some(method_word(write).to_owned());
                        step.sent = sent_of(write);
                        step.fields = fields_of(fields);
                    }
                    AccountStep::Skip(skip) => step.skip = Some(skip_of(skip)),
                }
                step
            })
            .collect(),
    }
}

/// The change in the documents' words.
pub fn change_of(change: &DlpChange) -> DlpBulkChange {
    let mut doc = DlpBulkChange {
        kind: "reset".to_owned(),
        words: change.words(),
        ocr: None,
        ai_context_analysis: None,
        masking_level: None,
        public_key_set: None,
        public_key_fingerprint: None,
    };
    if *change == DlpChange::Restore {
        doc.kind = "restore".to_owned();
    }
    if let DlpChange::Edit(edit) = change {
        doc.kind = "edit".to_owned();
        doc.ocr = edit.ocr();
        doc.ai_context_analysis = edit.ai_context_analysis();
        doc.masking_level = edit.masking().map(|m| m.word().to_owned());
        match edit.key() {
            Some(KeyChange::Set { public_key }) => {
                doc.public_key_set = Some(true);
                doc.public_key_fingerprint = Some(key_fingerprint(public_key));
            }
            Some(KeyChange::Clear) => doc.public_key_set = Some(false),
            None => {}
        }
    }
    doc
}

/// An account of a plan: `{id, name, type}`.
pub fn account_of(account: &PlanAccount) -> Account {
    Account {
        id: account.id.clone(),
        name: Some(account.name.clone()).filter(|n| !n.is_empty()),
        kind: account.account_type.clone(),
    }
}

/// `send` or `skip`.
pub fn step_word(step: &AccountStep) -> &'static str {
    match step {
        AccountStep::Send { .. } => "send",
        AccountStep::Skip(_) => "skip",
    }
}

/// `patch` or `reset`.
pub fn method_word(write: &DlpWrite) -> &'static str {
    match write {
        DlpWrite::Patch { .. } => "patch",
        DlpWrite::Reset => "reset",
    }
}

/// The PATCH body of a write; `None` for a reset.
pub fn sent_of(write: &DlpWrite) -> Option<DlpSent> {
    match write {
        DlpWrite::Patch { update } => Some(DlpSent::of(update)),
        DlpWrite::Reset => None,
    }
}

/// Each field before → after.
pub fn fields_of(fields: &[FieldStep]) -> Vec<FieldStepDoc> {
    fields
        .iter()
        .map(|step| FieldStepDoc {
            field: field_path(&step.field),
            before: FieldValue::of(&step.before),
            after: FieldValue::of(&step.after),
        })
        .collect()
}

/// A skip's wire word.
pub fn skip_kind_word(kind: AccountSkipKind) -> &'static str {
    match kind {
        AccountSkipKind::AlreadySo => "already_so",
        AccountSkipKind::NoPermission => "no_permission",
        AccountSkipKind::NotAvailable => "not_available",
        AccountSkipKind::Unreadable => "unreadable",
        AccountSkipKind::Settled => "settled",
    }
}

/// Why an account is skipped, in the documents' words.
pub fn skip_of(skip: &AccountSkip) -> AccountSkipReason {
    let mut reason = AccountSkipReason {
        reason: skip_kind_word(skip.kind()).to_owned(),
        permission: None,
        error: None,
    };
    match skip {
        AccountSkip::NoPermission { permission } => reason.permission = permission.clone(),
        AccountSkip::Unreadable { error } => reason.error = Some(read_error(error)),
        _ => {}
    }
    reason
}

/// The run document: its counts and every account's result.
pub fn run_document(table: &AccountTable, run: &AccountRunEnd) -> DlpRunBody {
    let plan = table.plan();
    let summary = table.summary();
    let end = run.end.as_ref();
    DlpRunBody {
        run_id: run.id.to_string(),
        journal: run.journal.as_ref().map(|p| p.display().to_string()),
        state: state_word(run).to_owned(),
        stop_reason: end.and_then(|e| match &e.state {
            RunState::Stopped(reason) => Some(stop_word(reason).to_owned()),
            _ => None,
        }),
        started_at: run.started_at.and_then(unix),
        finished_at: run.finished_at.and_then(unix),
        change: change_of(&plan.change),
        calls: end.map(|e| e.calls),
        elapsed_ms: end.map(|e| u64::try_from(e.elapsed.as_millis()).unwrap_or(u64::MAX)),
        counts: DlpRunCounts {
            accounts: summary.accounts,
            done: summary.done,
            adjusted: summary.adjusted,
            failed: summary.failed,
            retryable: summary.retryable,
            unknown: summary.unknown,
            skipped: summary.skipped.values().sum(),
            left: summary.left,
        },
        results: plan
            .entries
            .iter()
            .map(|entry| {
                let write = match &entry.step {
                    AccountStep::Send { write, .. } => Some(write),
                    AccountStep::Skip(_) => None,
                };
                let mut result = AccountRunResult {
                    account: account_of(&entry.account),
                    step: step_word(&entry.step).to_owned(),
                    method: write.map(|w| method_word(w).to_owned()),
                    sent: write.and_then(sent_of),
                    result: WriteResult::Skipped,
                    skip: None,
                    retryable: None,
                    unknown_cause: None,
                    fields: Vec::new(),
                    differs: Vec::new(),
                    error: None,
                };
                match (table.outcome(&entry.account.id), &entry.step) {
                    (None, AccountStep::Skip(skip)) => {
                        result.sent = None;
                        result.skip = Some(skip_of(skip));
                    }
                    (None, AccountStep::Send { .. }) => {
                        result.sent = None;
                        result.skip = Some(AccountSkipReason {
                            reason: "not_sent".to_owned(),
                            permission: None,
                            error: None,
                        });
                    }
                    (Some(outcome), _) => fill(&mut result, outcome),
                }
                result
            })
            .collect(),
    }
}

fn fill(result: &mut AccountRunResult, outcome: &AccountOutcome) {
    match outcome {
        AccountOutcome::Done { fields } => {
            result.result = WriteResult::Done;
            result.fields = fields_of(fields);
        }
        AccountOutcome::Adjusted { fields, differs } => {
            result.result = WriteResult::Adjusted;
            result.fields = fields_of(fields);
            result.differs = differs.iter().map(field_path).collect();
        }
        AccountOutcome::Skipped(skip) => {
            result.sent = None;
            result.skip = Some(skip_of(skip));
        }
        AccountOutcome::Failed { error, retryable } => {
            result.result = WriteResult::Failed;
            result.retryable = Some(*retryable);
            result.error = Some(read_error(error));
        }
        AccountOutcome::Unknown(cause) => {
            result.result = WriteResult::Unknown;
            let (word, error) = match cause {
                UnknownCause::ReplyLost { error } => ("reply_lost", Some(error)),
                UnknownCause::Interrupted { reread } => ("interrupted", reread.as_ref()),
            };
            result.unknown_cause = Some(word.to_owned());
            result.error = error.map(read_error);
        }
    }
}
