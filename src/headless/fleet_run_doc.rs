//! A bulk plan and a bulk run in the documents' words: what `fleet apply
//! --json` (`fleet_plan` for a plan that is not run, `fleet_run` for a run)
//! and `fleet resume --json` print.

use crate::api::model::CsamPatchValue;
use crate::audit::typed_email;
use crate::doc::{
    self, BulkChange, CsamPatch, FleetPlanBody, FleetRunBody, PlanBudget, PlanCounts, PlanStep,
    RateLimit, RunCounts, SkipReason, WriteResult, ZoneRunResult,
};
use crate::fleet::{
    ApplySummary, ApplyTable, Change, Expect, PlanZone, RunCost, RunState, Skip, SkipKind, Step,
    StopReason, UnknownCause, ZoneOutcome, ZoneOutcomeRef,
};
use crate::outcome::SaveOutcome;

use super::fleet_apply_output::{RunResult, ScanSource, state_word};
use super::fleet_scan_doc::{read_error, setting_of, unix};

/// A run's cost in the documents' words.
fn budget_of(cost: &RunCost) -> PlanBudget {
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

/// The plan document: what would be sent, and to which zones.
pub fn plan_document(
    table: &ApplyTable,
    source: ScanSource,
    cost: &RunCost,
    blocked: Option<&'static str>,
) -> FleetPlanBody {
    let plan = table.plan();
    let summary = plan.summary();
    FleetPlanBody {
        change: change_of(&plan.change),
        sent: patch_of(&plan.change.patch()),
        blocked: blocked.map(str::to_owned),
        scan: scan_of(source),
        counts: PlanCounts {
            zones: summary.zones,
            as_asked: summary.as_asked,
            stays_off: summary.stays_off,
            turns_off: summary.turns_off,
            to_send: summary.to_send(),
            skipped: summary
                .skipped
                .iter()
                .map(|(kind, n)| (skip_kind_word(*kind).to_owned(), *n))
                .collect(),
        },
        budget: budget_of(cost),
        zones: plan
            .entries
            .iter()
            .map(|entry| {
                let (expect, skip) = match &entry.step {
                    Step::Send { expect } => (Some(expect_word(*expect)), None),
                    Step::Skip(skip) => (None, Some(skip_of(skip))),
                };
                PlanStep {
                    zone: zone_of(&entry.zone),
                    step: step_word(&entry.step).to_owned(),
                    expect: expect.map(str::to_owned),
                    skip,
                }
            })
            .collect(),
    }
}

/// The run document: its counts and every zone's result.
pub fn run_document(
    table: &ApplyTable,
    source: Option<ScanSource>,
    run: &RunResult,
) -> FleetRunBody {
    let change = &table.plan().change;
    let sent = patch_of(&change.patch());
    let summary = table.summary();
    let end = run.end.as_ref();
    FleetRunBody {
        run_id: run.id.to_string(),
        journal: run.journal.as_ref().map(|p| p.display().to_string()),
        state: state_word(run).to_owned(),
        stop_reason: end.and_then(|e| match &e.state {
            RunState::Stopped(reason) => Some(stop_word(reason).to_owned()),
            _ => None,
        }),
        started_at: run.started_at.and_then(unix),
        finished_at: run.finished_at.and_then(unix),
        change: change_of(change),
        scan: source.map(scan_of),
        calls: end.map(|e| e.calls),
        elapsed_ms: end.map(|e| u64::try_from(e.elapsed.as_millis()).unwrap_or(u64::MAX)),
        counts: counts_of(&summary),
        results: table
            .zones()
            .map(|(entry, outcome)| {
                let mut result = ZoneRunResult {
                    zone: zone_of(&entry.zone),
                    step: step_word(&entry.step).to_owned(),
                    sent: Some(sent.clone()),
                    result: WriteResult::Skipped,
                    skip: None,
                    retryable: None,
                    unknown_cause: None,
                    adjusted: Vec::new(),
                    notes: Vec::new(),
                    messages: Vec::new(),
                    after: table.after(&entry.zone.id).map(setting_of),
                    error: None,
                };
                match outcome {
                    None => {
                        result.sent = None;
                        result.skip = Some(reason("not_sent"));
                    }
                    Some(ZoneOutcomeRef::Planned(skip)) => {
                        result.sent = None;
                        result.skip = Some(skip_of(skip));
                    }
                    Some(ZoneOutcomeRef::Recorded(outcome)) => fill(&mut result, outcome),
                }
                result
            })
            .collect(),
    }
}

/// A run's counts.
pub fn counts_of(summary: &ApplySummary) -> RunCounts {
    RunCounts {
        zones: summary.zones,
        done: summary.done,
        adjusted: summary.adjusted,
        failed: summary.failed,
        retryable: summary.retryable,
        unknown: summary.unknown,
        skipped: summary.skipped_total(),
        left: summary.left,
    }
}

fn fill(result: &mut ZoneRunResult, outcome: &ZoneOutcome) {
    match outcome {
        ZoneOutcome::Done { outcome } => {
            result.result = WriteResult::Done;
            answer(result, outcome);
        }
        ZoneOutcome::Adjusted { outcome } => {
            result.result = WriteResult::Adjusted;
            answer(result, outcome);
        }
        ZoneOutcome::Skipped(skip) => {
            result.sent = None;
            result.skip = Some(skip_of(skip));
        }
        ZoneOutcome::Failed { error, retryable } => {
            result.result = WriteResult::Failed;
            result.retryable = Some(*retryable);
            result.error = Some(read_error(error));
        }
        ZoneOutcome::Unknown(cause) => {
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

fn answer(result: &mut ZoneRunResult, outcome: &SaveOutcome) {
    result.adjusted = outcome.adjusted.iter().map(doc::Adjusted::of).collect();
    result.notes = outcome.notes.clone();
    result.messages = outcome.messages.iter().map(doc::Message::of).collect();
}

pub fn stop_word(reason: &StopReason) -> &'static str {
    match reason {
        StopReason::Journal { .. } => "journal",
        StopReason::Audit { .. } => "audit",
        StopReason::Interrupted => "interrupted",
    }
}

/// A zone a plan names, as `{id, name, account}`.
pub fn zone_of(zone: &PlanZone) -> doc::Zone {
    doc::Zone {
        id: zone.id.clone(),
        name: Some(zone.name.clone()).filter(|n| !n.is_empty()),
        account: zone.account.as_ref().map(|a| doc::AccountRef {
            id: a.id.clone(),
            name: Some(a.name.clone()).filter(|n| !n.is_empty()),
        }),
    }
}

/// The change in words; a typed address only by its domain.
pub fn change_of(change: &Change) -> BulkChange {
    let mut out = BulkChange {
        kind: String::new(),
        email: None,
        source: None,
        on: None,
    };
    out.kind = match change {
        Change::EnableScanning => "enable_scanning",
        Change::DisableScanning => "disable_scanning",
        Change::SetEmail { email } => {
            out.email = Some(typed_email(email));
            "set_email"
        }
        Change::ResendVerification => "resend_verification",
        Change::Source { name, on } => {
            out.source = Some(name.clone());
            out.on = Some(*on);
            "source"
        }
    }
    .to_owned();
    out
}

fn patch_of(patch: &CsamPatchValue) -> CsamPatch {
    CsamPatch {
        enabled: patch.enabled,
        email: patch.email.as_deref().map(typed_email),
        resend_email: patch.resend_email,
        sources: patch.sources.clone(),
    }
}

fn scan_of(source: ScanSource) -> doc::ScanSource {
    doc::ScanSource {
        cached: source.cached,
        age_seconds: source.age_seconds,
    }
}

fn step_word(step: &Step) -> &'static str {
    match step {
        Step::Send { .. } => "send",
        Step::Skip(_) => "skip",
    }
}

fn expect_word(expect: Expect) -> &'static str {
    match expect {
        Expect::AsAsked => "as_asked",
        Expect::StaysOff => "stays_off",
        Expect::TurnsOff => "turns_off",
    }
}

/// A skip reason's word, as counts and results name it.
pub fn skip_kind_word(kind: SkipKind) -> &'static str {
    match kind {
        SkipKind::Locked => "locked",
        SkipKind::NoPermission => "no_permission",
        SkipKind::Unreadable => "unreadable",
        SkipKind::NoEmail => "no_email",
        SkipKind::UnknownSource => "unknown_source",
        SkipKind::Verified => "verified",
        SkipKind::AlreadySo => "already_so",
        SkipKind::Settled => "settled",
    }
}

fn reason(word: &str) -> SkipReason {
    SkipReason {
        reason: word.to_owned(),
        permission: None,
        known: None,
        error: None,
    }
}

fn skip_of(skip: &Skip) -> SkipReason {
    let mut out = reason(skip_kind_word(skip.kind()));
    match skip {
        Skip::NoPermission { permission } => out.permission = permission.clone(),
        Skip::UnknownSource { known } => out.known = Some(known.clone()),
        Skip::Unreadable { error } => out.error = Some(read_error(error)),
        Skip::Locked | Skip::AlreadySo | Skip::Verified | Skip::NoEmail | Skip::Settled => {}
    }
    out
}
