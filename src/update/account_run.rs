//! A bulk DLP run as the accounts page drives it: started from a plan,
//! paused and stopped with the fleet page's keys, its outcomes folded into
//! the table (each row takes the settings the PATCH answer showed), and
//! the summary at its end with "retry the failed".

use super::say;
use crate::fleet::{AccountDlp, AccountPlan, Accounts, ApplyEvent, RunState};
use crate::message::{Command, Msg};
use crate::state::{AccountRun, AppState, BulkDialog, Dialog, StatusKind, SummaryChoice};

/// Starts a run of `plan` (its journal is written before any request).
pub(super) fn start(state: &mut AppState, plan: AccountPlan) -> Vec<Command> {
    state.dialog = None;
    let accounts = plan.to_send();
    let words = plan.change.words();
    state.accounts.run = Some(AccountRun::new(plan.clone()));
    state.accounts.marked.clear();
    say(
        state,
        StatusKind::Info,
        format!("Applying \"{words}\" to {accounts} accounts: p pauses, esc stops."),
    );
    vec![Command::StartAccountApply(Box::new(plan))]
}

/// `p`: pauses the run, or lets it go on.
pub(super) fn pause(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state
        .accounts
        .run
        .as_mut()
        .filter(|r| r.id.is_some() && r.is_going())
    else {
        return Vec::new();
    };
    run.paused = !run.paused;
    let paused = run.paused;
    let text = if paused {
        "Pausing: no new request is sent; those in flight finish. p goes on."
    } else {
        "Going on."
    };
    say(state, StatusKind::Info, text);
    vec![Command::PauseApply(paused)]
}

/// Esc during the run: stops it (no new request; those in flight finish).
pub(super) fn stop(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state.accounts.run.as_mut().filter(|r| r.is_going()) else {
        return Vec::new();
    };
    run.stopping = true;
    say(
        state,
        StatusKind::Info,
        "Stopping: no new request is sent; those in flight finish.",
    );
    vec![Command::StopApply]
}

/// The summary's "retry the failed": a new run of the retryable failures.
pub(super) fn retry(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state.accounts.run.as_ref().filter(|r| !r.is_going()) else {
        return Vec::new();
    };
    let Some(id) = run.id.clone() else {
        return Vec::new();
    };
    let plan = run.retryable();
    if plan.entries.is_empty() {
        return Vec::new();
    }
    let count = plan.entries.len();
    state.accounts.run = Some(AccountRun::new(plan));
    say(
        state,
        StatusKind::Info,
        format!("Retrying the {count} accounts that failed: p pauses, esc stops."),
    );
    vec![Command::RetryAccountApply(id)]
}

/// One report of the run.
pub(super) fn on_event(state: &mut AppState, event: ApplyEvent<Accounts>) -> Vec<Command> {
    let page = &mut state.accounts;
    let Some(run) = page.run.as_mut() else {
        return Vec::new();
    };
    match event {
        ApplyEvent::Started(start) => {
            run.id = Some(start.run);
            for result in start.earlier {
                run.outcomes.insert(result.account.id, result.outcome);
            }
        }
        ApplyEvent::Replanned(entry) => {
            if let Some(at) = run
                .plan
                .entries
                .iter()
                .position(|e| e.account.id == entry.account.id)
            {
                run.plan.entries[at] = entry;
            }
        }
        ApplyEvent::Zone(result) => {
            let id = result.account.id.clone();
            run.outcomes.insert(id.clone(), result.outcome);
            if let (Some(settings), Some(row)) = (result.state, page.row(&id).cloned()) {
                let mut row = row;
                row.dlp = AccountDlp::Read(settings);
                row.read_at = result.at;
                page.take_rows([row]);
            }
        }
        ApplyEvent::Progress(progress) => run.progress = Some(progress),
        ApplyEvent::Paused => run.paused = true,
        ApplyEvent::Resumed => run.paused = false,
        ApplyEvent::Finished(end) => {
            let words = match &end.state {
                RunState::Complete => "Bulk DLP run complete.".to_owned(),
                other => format!("Bulk DLP run ended: {}.", other.word()),
            };
            run.end = Some(end);
            say(state, StatusKind::Info, words);
            state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountSummary {
                choice: SummaryChoice::Close,
            })));
        }
    }
    Vec::new()
}

/// The summary's choices after the run's end: retry only what a retry may
/// fix (never in `--read-only`).
pub(super) fn summary_choices(state: &AppState) -> Vec<SummaryChoice> {
    let mut choices = vec![SummaryChoice::Close];
    let retry = state.accounts.run.as_ref().is_some_and(|run| {
        run.id.is_some() && !run.is_going() && !run.retryable().entries.is_empty()
    });
    if retry && !state.context.read_only {
        choices.push(SummaryChoice::Retry);
    }
    choices
}

/// A key in the summary: move between its choices, take one.
pub(super) fn on_summary(state: &mut AppState, choice: SummaryChoice, msg: Msg) -> Vec<Command> {
    let choices = summary_choices(state);
    let at = choices.iter().position(|c| *c == choice).unwrap_or(0);
    let choice = match msg {
        Msg::ToggleChoice | Msg::Down => choices[(at + 1) % choices.len()],
        Msg::Up => choices[(at + choices.len() - 1) % choices.len()],
        Msg::Choose if choice == SummaryChoice::Retry => return retry(state),
        Msg::Choose | Msg::Deny | Msg::Confirm => return Vec::new(),
        _ => choice,
    };
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountSummary {
        choice,
    })));
    Vec::new()
}

/// The run could not start: nothing was sent.
pub(super) fn refused(state: &mut AppState, why: &str) -> Vec<Command> {
    state.accounts.run = None;
    say(
        state,
        StatusKind::Error,
        format!("The bulk DLP run did not start: {why}."),
    );
    Vec::new()
}
