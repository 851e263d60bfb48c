//! What `fleet apply` and `fleet resume` print: the plan (its summary line
//! and every zone), then the run's outcome (a summary line and every zone
//! that did not simply go as asked).
//!
//! With `--json`, a plan that is not run is a `fleet_plan` document and a
//! run a `fleet_run` document (module `fleet_run_doc`).

use std::path::PathBuf;

use crate::fleet::{
    ApplyEnd, ApplyProgress, ApplyTable, Change, Expect, Plan, PlanEntry, RunCost, RunId, RunState,
    Step, UnknownCause, ZoneOutcome, ZoneOutcomeRef, skip_words,
};
use crate::outcome::{Note, codes};

use super::fleet::seconds;
use super::output::{Table, clean};
use super::write::adjustment_words;

/// How a run ended, for printing.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The run.
    pub id: RunId,
    /// Its journal.
    pub journal: Option<PathBuf>,
    /// Its end, when it reported one.
    pub end: Option<ApplyEnd>,
    /// Whether Ctrl-C (or SIGTERM, SIGHUP) stopped it, resumable.
    pub interrupted: bool,
    /// When this process began sending (seconds since the Unix epoch).
    pub started_at: Option<u64>,
    /// When this process saw its end.
    pub finished_at: Option<u64>,
}

/// Where the rows came from.
#[derive(Debug, Clone, Copy)]
pub struct ScanSource {
    /// From the cache, not a new scan.
    pub cached: bool,
    /// How old the scan is.
    pub age_seconds: u64,
}

/// What the plan does with a zone, in words.
pub fn step_words(step: &Step, change: &Change) -> String {
    match step {
        Step::Send {
            expect: Expect::AsAsked,
        } => "will change".to_owned(),
        Step::Send {
            expect: Expect::StaysOff,
        } => "will stay off until the email is verified".to_owned(),
        Step::Send {
            expect: Expect::TurnsOff,
        } => "will stop scanning until the new address is verified".to_owned(),
        Step::Skip(skip) => skip_words(skip.kind(), change),
    }
}

fn account_name(entry: &PlanEntry) -> String {
    entry
        .zone
        .account
        .as_ref()
        .map(|a| {
            if a.name.is_empty() {
                a.id.clone()
            } else {
                a.name.clone()
            }
        })
        .unwrap_or_default()
}

/// "Plan: enable scanning: 61 will change · …", then every zone.
pub fn plan_text(plan: &Plan, source: Option<ScanSource>, cost: &RunCost) -> String {
    let mut text = String::new();
    if let Some(source) = source {
        let age = humantime::format_duration(std::time::Duration::from_secs(source.age_seconds));
        let from = if source.cached {
            format!("the cached scan from {age} ago")
        } else {
            "a new scan".to_owned()
        };
        text.push_str(&format!("Rows from {from}.\n"));
    }
    text.push_str(&format!("Plan: {}\n", clean(&plan.summary().to_string())));
    if cost.requests() > 0 {
        text.push_str(&format!("Budget: {cost}\n"));
    }
    // The step holds the whole address typed: never cut (it is the last column).
    let mut table = Table::new(&["ZONE", "ACCOUNT", "PLAN"]).cap(2, usize::MAX);
    for entry in &plan.entries {
        table.row(vec![
            entry.zone.name.clone(),
            account_name(entry),
            step_words(&entry.step, &plan.change),
        ]);
    }
    text.push_str(&table.render());
    text
}

/// What became of a zone, in words.
pub fn outcome_words(outcome: &ZoneOutcome, change: &Change) -> String {
    match outcome {
        ZoneOutcome::Done { outcome } => {
            let notes: Vec<&str> = outcome.notes.iter().map(|n| note_words(*n)).collect();
            if notes.is_empty() {
                "done".to_owned()
            } else {
                format!("done: {}", notes.join(", "))
            }
        }
        ZoneOutcome::Adjusted { outcome } => {
            let adjusted: Vec<String> = outcome.adjusted.iter().map(adjustment_words).collect();
            let kept_off = outcome
                .messages
                .iter()
                .any(|m| m.code == codes::SCANNING_KEPT_OFF);
            let why = if kept_off {
                ": the email is not verified"
            } else {
                ""
            };
            format!("adjusted by the server: {}{why}", adjusted.join(", "))
        }
        ZoneOutcome::Skipped(skip) => format!("skipped: {}", skip_words(skip.kind(), change)),
        ZoneOutcome::Failed { error, retryable } => {
            let retry = if *retryable {
                " (a retry may work)"
            } else {
                ""
            };
            format!("failed{retry}: {}", error.message)
        }
        ZoneOutcome::Unknown(UnknownCause::ReplyLost { error }) => format!(
            "unknown: the reply was lost ({}); it may have been applied: check the zone",
            error.message
        ),
        ZoneOutcome::Unknown(UnknownCause::Interrupted { reread }) => {
            let why = match reread {
                Some(error) => format!(", and reading it again failed ({})", error.message),
                None => String::new(),
            };
            format!(
                "unknown: it was in flight when the run was interrupted{why}; it may have been \
                 applied: check the zone"
            )
        }
    }
}

fn note_words(note: Note) -> &'static str {
    match note {
        Note::VerificationSent => "verification email sent to the new address",
        Note::VerificationResent => "verification email sent again",
        Note::AlreadyVerified => "already verified, no email sent",
    }
}

/// `complete`, `cancelled`, `stopped` or `interrupted`.
pub fn state_word(run: &RunResult) -> &'static str {
    if run.interrupted {
        return "interrupted";
    }
    run.end.as_ref().map_or("stopped", |end| end.state.word())
}

/// The run's summary line, then every zone that did not go as asked.
pub fn run_text(table: &ApplyTable, run: &RunResult) -> String {
    let change = &table.plan().change;
    let summary = table.summary();
    let mut text = format!("Run {}: {}", run.id, state_word(run));
    if let Some(end) = &run.end {
        text.push_str(&format!(" in {}", seconds(end.elapsed)));
    }
    let mut parts = vec![format!("{} done", summary.done)];
    for (count, words) in [
        (summary.adjusted, "adjusted by the server"),
        (summary.skipped_total(), "skipped"),
        (summary.failed, "failed"),
        (summary.unknown, "unknown (check them)"),
        (summary.left, "not sent"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {words}"));
        }
    }
    text.push_str(&format!(" · {}\n", parts.join(" · ")));
    if let Some(RunState::Stopped(reason)) = run.end.as_ref().map(|e| &e.state) {
        text.push_str(&format!("Stopped: {}\n", clean(reason.detail())));
    }
    let mut zones = Table::new(&["ZONE", "ACCOUNT", "OUTCOME"]).cap(2, usize::MAX);
    let mut listed = 0;
    for (entry, outcome) in table.zones() {
        let words = match outcome {
            Some(ZoneOutcomeRef::Recorded(ZoneOutcome::Done { outcome }))
                if outcome.notes.is_empty() =>
            {
                continue;
            }
            Some(ZoneOutcomeRef::Recorded(outcome)) => outcome_words(outcome, change),
            Some(ZoneOutcomeRef::Planned(_)) => continue,
            None => "not sent".to_owned(),
        };
        listed += 1;
        zones.row(vec![entry.zone.name.clone(), account_name(entry), words]);
    }
    if listed > 0 {
        text.push_str(&zones.render());
    }
    if let Some(journal) = &run.journal {
        text.push_str(&format!("Journal: {}\n", journal.display()));
    }
    text
}

/// "applying 120 of 500 zones (2 failed) · 38 req/s · ETA 12s · budget
/// 1080 of 1200 left, resets in 2m10s".
pub fn progress_line(report: &ApplyProgress) -> String {
    progress_line_of(report, "zones")
}

/// The progress line of a run over `many` (`zones`, `accounts`).
pub fn progress_line_of(report: &ApplyProgress, many: &str) -> String {
    let eta = report
        .eta
        .filter(|_| !report.paused)
        .map(|eta| format!(" · ETA {}", seconds(eta)))
        .unwrap_or_default();
    let budget = &report.budget;
    let blocked = budget
        .blocked_for
        .map(|wait| format!(" · rate limited, waiting {}", seconds(wait)))
        .unwrap_or_default();
    let mut trouble = Vec::new();
    if report.failed > 0 {
        trouble.push(format!("{} failed", report.failed));
    }
    if report.unknown > 0 {
        trouble.push(format!("{} unknown", report.unknown));
    }
    let trouble = if trouble.is_empty() {
        String::new()
    } else {
        format!(" ({})", trouble.join(", "))
    };
    let paused = if report.paused { " · paused" } else { "" };
    format!(
        "applying {} of {} {many}{trouble} · {:.0} req/s{eta} · budget {} of {} left, resets \
         in {}{blocked}{paused}",
        report.done,
        report.total,
        report.per_second,
        budget.remaining,
        budget.quota,
        seconds(budget.resets_in)
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::api::Budget;
    use crate::api::model::ResponseInfo;
    use crate::fleet::{Failure, RowError};
    use crate::outcome::{Adjustment, Field, SaveOutcome, Value};

    #[test]
    fn outcomes_say_what_happened_and_what_to_check() {
        let change = Change::EnableScanning;
        let kept = ZoneOutcome::Adjusted {
            outcome: SaveOutcome {
                adjusted: vec![Adjustment {
                    field: Field::Scanning,
                    asked: Some(Value::Bool(true)),
                    now: Value::Bool(false),
                }],
                notes: Vec::new(),
                messages: vec![ResponseInfo {
                    code: codes::SCANNING_KEPT_OFF,
                    message: "kept off".into(),
                    documentation_url: None,
                    source: None,
                }],
            },
        };
        assert_eq!(
            outcome_words(&kept, &change),
            "adjusted by the server: scanning kept off (asked on): the email is not verified"
        );
        let lost = ZoneOutcome::Unknown(UnknownCause::ReplyLost {
            error: RowError {
                failure: Failure::Timeout,
                message: "no answer within 30s".into(),
            },
        });
        let words = outcome_words(&lost, &change);
        assert!(words.starts_with("unknown: the reply was lost"), "{words}");
        assert!(words.ends_with("check the zone"), "{words}");
        assert_eq!(
            step_words(&Step::Skip(crate::fleet::Skip::AlreadySo), &change),
            "already on"
        );
    }

    #[test]
    fn the_progress_line_shows_trouble_and_a_pause() {
        let report = ApplyProgress {
            done: 120,
            total: 500,
            failed: 2,
            unknown: 1,
            in_flight: 3,
            calls: 130,
            per_second: 38.2,
            eta: Some(Duration::from_secs(12)),
            budget: Budget {
                remaining: 1080,
                quota: 1200,
                window: Duration::from_secs(300),
                resets_in: Duration::from_secs(130),
                blocked_for: None,
                in_flight: 3,
                waiting_bulk: 0,
                waiting_interactive: 0,
                learned_from_server: true,
                at: Instant::now(),
            },
            elapsed: Duration::from_secs(3),
            paused: false,
        };
        assert_eq!(
            progress_line(&report),
            "applying 120 of 500 zones (2 failed, 1 unknown) · 38 req/s · ETA 12s · budget \
             1080 of 1200 left, resets in 2m 10s"
        );
        let paused = ApplyProgress {
            paused: true,
            ..report
        };
        let line = progress_line(&paused);
        assert!(
            line.ends_with(" · paused") && !line.contains("ETA"),
            "{line}"
        );
    }
}
