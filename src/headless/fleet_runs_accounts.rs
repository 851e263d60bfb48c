//! The accounts runs of `fleet resume` and `fleet runs`: a bulk DLP run
//! resumed on the same engine as a zones run (accounts in flight read again
//! first), and its line in the list of runs.

use std::io::{self, IsTerminal};

use crate::cli::FleetResumeArgs;
use crate::doc::{BulkChange, RunCounts, RunListing};
use crate::fleet::{
    AccountRunInfo, AccountRunSummary, Accounts, ApplyEvent, ApplyRun, DlpChange, JournalError,
    RunId, RunState, RunStatus, RunsDir, check_sound, resume_account_apply,
};

use super::dlp_apply_output::progress_line;
use super::fleet_apply::{journal_failure, options};
use super::fleet_confirm::{Answer, confirm};
use super::fleet_scan_doc::unix;
use super::output::{ProgressLine, clean, note, print, warn};
use super::{Context, Exit, Failure};

/// `fleet resume RUN` of an accounts run. `--json` and `--resend-unknown`
/// are not taken yet for one (refused before anything is sent).
pub async fn resume(
    ctx: &Context,
    args: &FleetResumeArgs,
    runs: &RunsDir,
    id: &RunId,
) -> Result<Exit, Failure> {
    let record = runs.load_as::<Accounts>(id).map_err(journal_failure)?;
    for warning in &record.warnings {
        warn(&warning.to_string());
    }
    check_sound(&record).map_err(journal_failure)?;
    if args.json || args.resend_unknown {
        return Err(Failure::Usage(format!(
            "run {id} is a run of accounts: resume it without --json or --resend-unknown; \
             nothing was sent"
        )));
    }
    let info = record.info();
    match info.status {
        RunStatus::Running => return Err(journal_failure(JournalError::Running(id.to_string()))),
        RunStatus::Complete | RunStatus::Cancelled => {
            return Err(journal_failure(JournalError::Finished {
                id: id.to_string(),
                state: status_word(&info.status).to_owned(),
            }));
        }
        RunStatus::NoPlan => return Err(journal_failure(JournalError::NoPlan(id.to_string()))),
        RunStatus::Unfinished => {}
    }
    let what = format!(
        "resume run {id} ({}: {} of {} accounts left, {} in flight to read again first)",
        clean(&info.change.words()),
        info.summary.left,
        info.to_send,
        info.in_flight
    );
    ctx.refuse_if_read_only(|| format!("it would {what}"))?;
    if !args.yes {
        confirm(
            ctx,
            &format!("Resume: {what}?"),
            Answer::Yes,
            None,
            "resume the run",
        )
        .await?;
    }
    let run = resume_account_apply(&ctx.client, id, options(ctx))
        .await
        .map_err(journal_failure)?;
    Ok(drive(ctx, run, id, &info.change).await)
}

/// Runs an accounts run to its end (Ctrl-C stops it resumable), prints
/// its counts and returns the exit status by `fleet apply`'s rules.
pub(super) async fn drive(
    ctx: &Context,
    mut run: ApplyRun<Accounts>,
    id: &RunId,
    change: &DlpChange,
) -> Exit {
    let mut progress = ProgressLine::new(io::stderr().is_terminal());
    let mut interrupted = false;
    let mut end = None;
    loop {
        let event = tokio::select! {
            biased;
            () = ctx.interrupt.wait(), if !interrupted => {
                run.control().interrupt();
                interrupted = true;
                progress.clear();
                note("trustdeck: interrupted: no new request is sent; waiting for those in flight");
                continue;
            }
            event = run.next() => event,
        };
        match event {
            Some(ApplyEvent::Progress(report)) => progress.show(&progress_line(&report)),
            Some(ApplyEvent::Finished(finished)) => {
                end = Some(finished);
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    progress.clear();
    let Some(end) = end else {
        warn("the run stopped before its end; `trustdeck fleet resume` continues it");
        return Exit::Refused;
    };
    print(&format!(
        "Run {id} ({}): {}, {}\n",
        clean(&change.words()),
        end.state.word(),
        counts_words(&end.summary)
    ));
    if interrupted {
        note(&format!(
            "trustdeck: run {id} stopped; `trustdeck fleet resume {id}` continues it"
        ));
        return Exit::Interrupted;
    }
    let s = &end.summary;
    match end.state {
        RunState::Stopped(_) => Exit::Refused,
        _ if s.failed + s.unknown > 0 => Exit::Unavailable,
        _ if s.adjusted > 0 || s.left > 0 => Exit::Unmet,
        _ => Exit::Done,
    }
}

fn counts_words(s: &AccountRunSummary) -> String {
    let skipped: usize = s.skipped.values().sum();
    format!(
        "{} done, {} adjusted, {} skipped, {} failed, {} unknown, {} left",
        s.done, s.adjusted, skipped, s.failed, s.unknown, s.left
    )
}

/// An accounts run in the words of `fleet runs --json`.
pub fn listing(info: &AccountRunInfo) -> RunListing {
    let s = &info.summary;
    RunListing {
        run_id: info.id.to_string(),
        target: "accounts".to_owned(),
        started_at: unix(info.created_at),
        api: info.api.clone(),
        change: BulkChange {
            kind: match info.change {
                DlpChange::Edit(_) => "dlp_edit",
                DlpChange::Reset => "dlp_reset",
                DlpChange::Restore => "dlp_restore",
            }
            .to_owned(),
            email: None,
            source: None,
            on: None,
        },
        to_send: info.to_send,
        counts: RunCounts {
            zones: s.accounts,
            done: s.done,
            adjusted: s.adjusted,
            failed: s.failed,
            retryable: s.retryable,
            unknown: s.unknown,
            skipped: s.skipped.values().sum(),
            left: s.left,
        },
        in_flight: info.in_flight,
        state: status_word(&info.status).replace(' ', "_"),
        retry_of: info.retry_of.as_ref().map(ToString::to_string),
        retried_by: info.retried_by.as_ref().map(ToString::to_string),
        damaged_lines: info.warnings,
    }
}

/// `running`, `unfinished`, … as `fleet runs` says it.
pub fn status_word(status: &RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "running",
        RunStatus::Unfinished => "unfinished",
        RunStatus::Complete => "complete",
        RunStatus::Cancelled => "cancelled",
        RunStatus::NoPlan => "never started",
    }
}
