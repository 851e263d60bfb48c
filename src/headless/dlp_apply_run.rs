//! `dlp apply`'s run: the confirmed plan sent through the one apply engine
//! (journaled, audited, paced as bulk work), folded into the run's table;
//! then the outcome per account and the summary, and the exit status by
//! `fleet apply`'s rules.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use crate::audit::Command;
use crate::fleet::{
    AccountOutcome, AccountPlan, AccountTable, Accounts, ApplyEnd, ApplyEvent, ApplyOptions,
    ApplyRun, RunId, RunState, RunsDir, UnknownCause, start_account_apply, unix_now,
};

use super::dlp_apply_doc::run_document;
use super::dlp_apply_output::{account_name, progress_line};
use super::fleet::seconds;
use super::fleet_apply::journal_failure;
use super::output::{ProgressLine, Table, clean, note, print, warn};
use super::{Context, Exit, Failure};
use crate::doc::{Doc, Kind, to_pretty};

/// How an accounts run ended, for printing.
#[derive(Debug, Clone)]
pub struct AccountRunEnd {
    /// The run.
    pub id: RunId,
    /// Its journal.
    pub journal: Option<PathBuf>,
    /// Its end, when it reported one.
    pub end: Option<ApplyEnd<Accounts>>,
    /// Whether Ctrl-C (or SIGTERM, SIGHUP) stopped it, resumable.
    pub interrupted: bool,
    /// When this process began sending (seconds since the Unix epoch).
    pub started_at: Option<u64>,
    /// When this process saw its end.
    pub finished_at: Option<u64>,
}

/// Runs `plan` to its end and reports it.
pub async fn run(ctx: &Context, plan: AccountPlan, json: bool) -> Result<Exit, Failure> {
    run_with(ctx, plan, json, options(ctx)).await
}

/// Runs `plan` with `options` (a revert's: `fleet revert`, its journal
/// naming the run reverted) to its end and reports it.
pub async fn run_with(
    ctx: &Context,
    plan: AccountPlan,
    json: bool,
    options: ApplyOptions,
) -> Result<Exit, Failure> {
    let table = AccountTable::new(plan.clone());
    let run = start_account_apply(&ctx.client, plan, options)
        .await
        .map_err(journal_failure)?;
    let (table, end) = drive(ctx, run, table).await;
    Ok(report(&table, &end, json))
}

/// The journal folder and the audit log of a headless run.
fn options(ctx: &Context) -> ApplyOptions {
    ApplyOptions {
        command: Some(Command::DlpApply),
        ..ApplyOptions::recorded(RunsDir::default_location(), ctx.audit())
    }
}

/// Runs to the end, folding every event into `table`; progress on stderr
/// when it is a terminal; Ctrl-C stops it resumable.
async fn drive(
    ctx: &Context,
    mut run: ApplyRun<Accounts>,
    mut table: AccountTable,
) -> (AccountTable, AccountRunEnd) {
    let mut progress = ProgressLine::new(io::stderr().is_terminal());
    let mut result = AccountRunEnd {
        id: run.id().clone(),
        journal: run.journal_path().map(Path::to_path_buf),
        end: None,
        interrupted: false,
        started_at: None,
        finished_at: None,
    };
    loop {
        let event = tokio::select! {
            biased;
            () = ctx.interrupt.wait(), if !result.interrupted => {
                run.control().interrupt();
                result.interrupted = true;
                progress.clear();
                note("trustdeck: interrupted: no new request is sent; waiting for those in flight");
                continue;
            }
            event = run.next() => event,
        };
        match event {
            Some(ApplyEvent::Started(start)) => {
                result.started_at = Some(start.at);
                for earlier in &start.earlier {
                    table.record(earlier);
                }
            }
            Some(ApplyEvent::Replanned(entry)) => table.replan(entry),
            Some(ApplyEvent::Zone(account)) => table.record(&account),
            Some(ApplyEvent::Progress(report)) => progress.show(&progress_line(&report)),
            Some(ApplyEvent::Paused | ApplyEvent::Resumed) => {}
            Some(ApplyEvent::Finished(end)) => {
                result.end = Some(end);
                result.finished_at = Some(unix_now());
                break;
            }
            None => break,
        }
    }
    progress.clear();
    (table, result)
}

/// `complete`, `cancelled`, `stopped` or `interrupted`.
pub fn state_word(run: &AccountRunEnd) -> &'static str {
    if run.interrupted {
        return "interrupted";
    }
    run.end.as_ref().map_or("stopped", |end| end.state.word())
}

/// What became of an account, in words.
pub fn outcome_words(outcome: &AccountOutcome, table: &AccountTable) -> String {
    let change = &table.plan().change;
    match outcome {
        AccountOutcome::Done { fields } => {
            let fields: Vec<String> = fields.iter().map(|f| f.words()).collect();
            format!("done: {}", fields.join(", "))
        }
        AccountOutcome::Adjusted { fields, differs } => {
            let fields: Vec<String> = fields.iter().map(|f| f.words()).collect();
            let differs: Vec<String> = differs.iter().map(|f| f.words()).collect();
            format!(
                "adjusted by the server ({} other than asked): {}",
                differs.join(", "),
                fields.join(", ")
            )
        }
        AccountOutcome::Skipped(skip) => format!("skipped: {}", skip.words(change)),
        AccountOutcome::Failed { error, retryable } => {
            let retry = if *retryable {
                " (a retry may work)"
            } else {
                ""
            };
            format!("failed{retry}: {}", error.message)
        }
        AccountOutcome::Unknown(UnknownCause::ReplyLost { error }) => format!(
            "unknown: the reply was lost ({}); it may have been applied: check the account",
            error.message
        ),
        AccountOutcome::Unknown(UnknownCause::Interrupted { reread }) => {
            let why = match reread {
                Some(error) => format!(", and reading it again failed ({})", error.message),
                None => String::new(),
            };
            format!(
                "unknown: it was in flight when the run was interrupted{why}; it may have been \
                 applied: check the account"
            )
        }
    }
}

/// The run's summary line, then every account it sent to or did not.
pub fn run_text(table: &AccountTable, run: &AccountRunEnd) -> String {
    let summary = table.summary();
    let mut text = format!("Run {}: {}", run.id, state_word(run));
    if let Some(end) = &run.end {
        text.push_str(&format!(" in {}", seconds(end.elapsed)));
    }
    let skipped: usize = summary.skipped.values().sum();
    let mut parts = vec![format!("{} done", summary.done)];
    for (count, words) in [
        (summary.adjusted, "adjusted by the server"),
        (skipped, "skipped"),
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
    let mut accounts = Table::new(&["ACCOUNT", "ID", "OUTCOME"]).cap(2, usize::MAX);
    for entry in &table.plan().entries {
        let words = match table.outcome(&entry.account.id) {
            Some(outcome) => outcome_words(outcome, table),
            None if entry.sends() => "not sent".to_owned(),
            None => match &entry.step {
                crate::fleet::AccountStep::Skip(skip) => {
                    format!("skipped: {}", skip.words(&table.plan().change))
                }
                crate::fleet::AccountStep::Send { .. } => "not sent".to_owned(),
            },
        };
        accounts.row(vec![
            account_name(&entry.account),
            entry.account.id.clone(),
            words,
        ]);
    }
    text.push_str(&accounts.render());
    if let Some(journal) = &run.journal {
        text.push_str(&format!("Journal: {}\n", journal.display()));
    }
    text
}

/// Prints the outcome and returns the exit status: on stdout for 0 and 1,
/// on stderr from 2 up.
pub fn report(table: &AccountTable, run: &AccountRunEnd, json: bool) -> Exit {
    let exit = exit_of_run(table, run);
    let text = if json {
        let document = Doc::new(Kind::DlpRun, run_document(table, run));
        format!("{}\n", to_pretty(&document))
    } else {
        run_text(table, run)
    };
    if exit.code() >= 2 {
        note(text.trim_end());
    } else {
        print(&text);
    }
    let summary = table.summary();
    if summary.unknown > 0 {
        note(&format!(
            "trustdeck: {} account{} of run {} may or may not have the change (outcome \
             unknown): check them, or send them again on purpose: trustdeck fleet resume {} \
             --resend-unknown",
            summary.unknown,
            if summary.unknown == 1 { "" } else { "s" },
            run.id,
            run.id
        ));
    }
    if run.interrupted {
        note(&format!(
            "trustdeck: run {} stopped; `trustdeck fleet resume {}` continues it",
            run.id, run.id
        ));
    } else if matches!(
        run.end.as_ref().map(|e| &e.state),
        Some(RunState::Stopped(_)) | None
    ) {
        warn("the run stopped before its end; `trustdeck fleet resume` continues it");
    }
    exit
}

/// `fleet apply`'s rules: 130 interrupted; 2 stopped by itself; 6 some
/// failed or unknown; 1 adjusted, skipped short of the goal or left; else 0.
fn exit_of_run(table: &AccountTable, run: &AccountRunEnd) -> Exit {
    let summary = table.summary();
    if run.interrupted {
        return Exit::Interrupted;
    }
    if let Some(RunState::Stopped(_)) | None = run.end.as_ref().map(|e| &e.state) {
        return Exit::Refused;
    }
    let short = summary
        .skipped
        .iter()
        .any(|(kind, count)| !kind.is_goal_met() && *count > 0);
    if summary.failed + summary.unknown > 0 {
        Exit::Unavailable
    } else if summary.adjusted > 0 || short || summary.left > 0 {
        Exit::Unmet
    } else {
        Exit::Done
    }
}
