//! A bulk run as the fleet page drives it: started from a plan, paused and
//! resumed, stopped (asks), quit during (asks; the run stays resumable),
//! its events folded into the table, the summary at its end with "retry
//! the failed" and "show the failed and unknown", and the offer to resume
//! an unfinished run found at start.

use super::{fleet, forget, say, say_about};
use crate::fleet::{ApplyEvent, ApplyTable, Plan, RunInfo, RunState, StopReason};
use crate::message::{Command, FleetNews, Msg};
use crate::state::About;
use crate::state::{AppState, BulkDialog, BulkRun, Dialog, StatusKind, SummaryChoice};

/// Starts a run of `plan` (its journal is written before any request).
pub(super) fn start(state: &mut AppState, plan: Plan) -> Vec<Command> {
    state.dialog = None;
    let zones = plan.to_send();
    let words = plan.change.words();
    state.fleet.run = Some(BulkRun::new(
        ApplyTable::new(plan.clone()),
        state.now,
        false,
    ));
    // The run's column now says which zones it takes; marks are for the next.
    state.fleet.marked.clear();
    state.fleet.needs_a_look = false;
    state.fleet.reorder();
    say_about(
        state,
        StatusKind::Info,
        About::Run,
        format!("Applying \"{words}\" to {zones} zones: p pauses, esc stops."),
    );
    vec![Command::StartApply(Box::new(plan))]
}

/// `p`: pauses the run, or lets it go on.
pub(super) fn pause(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state.fleet.run.as_mut().filter(|r| r.has_started()) else {
        return Vec::new();
    };
    run.paused = !run.paused;
    let paused = run.paused;
    let text = if paused {
        "Pausing: no new request is sent; those in flight finish. p goes on."
    } else {
        "Going on."
    };
    say_about(state, StatusKind::Info, About::Run, text);
    vec![Command::PauseApply(paused)]
}

/// Esc during a run: pauses it and asks before stopping it, so nothing
/// more is sent while the question is read.
pub(super) fn ask_stop(state: &mut AppState) -> Vec<Command> {
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::StopRun {
        confirm_selected: false,
    })));
    match state.fleet.run.as_mut() {
        Some(run) if run.has_started() && !run.paused => {
            run.paused = true;
            run.held_to_ask = true;
            vec![Command::PauseApply(true)]
        }
        _ => Vec::new(),
    }
}

/// "Keep going": lets a run the question paused go on (one `p` paused
/// stays paused).
fn keep_going(state: &mut AppState) -> Vec<Command> {
    match state.fleet.run.as_mut() {
        Some(run) if run.held_to_ask => {
            run.held_to_ask = false;
            run.paused = false;
            vec![Command::PauseApply(false)]
        }
        _ => Vec::new(),
    }
}

/// q during a run: asks; a second q while it winds down quits at once.
pub(super) fn ask_quit(state: &mut AppState) {
    if state.fleet.run.as_ref().is_some_and(|r| r.quitting) {
        state.quit = true;
        return;
    }
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::QuitRun {
        confirm_selected: false,
    })));
}

/// `R` (or the summary's choice): a new run of the last run's retryable
/// failures. The engine refuses a second retry of the same run.
pub(super) fn retry(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state.fleet.run.as_ref().filter(|r| !r.is_going()) else {
        return Vec::new();
    };
    let Some(id) = run.id.clone() else {
        return Vec::new();
    };
    let plan = Plan {
        change: run.table.plan().change.clone(),
        entries: run.table.retryable().into_iter().cloned().collect(),
    };
    if plan.entries.is_empty() {
        return Vec::new();
    }
    let zones = plan.entries.len();
    state.fleet.run = Some(BulkRun::new(ApplyTable::new(plan), state.now, false));
    state.fleet.needs_a_look = false;
    state.fleet.reorder();
    say_about(
        state,
        StatusKind::Info,
        About::Run,
        format!("Retrying the {zones} zones that failed: p pauses, esc stops."),
    );
    vec![Command::RetryApply(id)]
}

/// `F`: only the zones the last run failed on or could not confirm.
pub(super) fn toggle_needs_a_look(state: &mut AppState) {
    let fleet = &mut state.fleet;
    fleet.needs_a_look = !fleet.needs_a_look && fleet.run.is_some();
    fleet.selected = 0;
    fleet.reorder();
}

/// The run's dialogs (stop, quit, summary, resume offer).
pub(super) fn on_dialog(state: &mut AppState, dialog: BulkDialog, msg: Msg) -> Vec<Command> {
    let keep = |state: &mut AppState, dialog| {
        state.dialog = Some(Dialog::Bulk(Box::new(dialog)));
        Vec::new()
    };
    match dialog {
        BulkDialog::Summary { choice } => {
            let choice = match msg {
                Msg::ToggleChoice | Msg::Down => next_choice(state, choice),
                Msg::Up => previous_choice(state, choice),
                Msg::Choose => return take(state, choice),
                Msg::Deny | Msg::Confirm => return Vec::new(),
                _ => choice,
            };
            keep(state, BulkDialog::Summary { choice })
        }
        BulkDialog::StopRun { confirm_selected }
        | BulkDialog::QuitRun { confirm_selected }
        | BulkDialog::Resume {
            confirm_selected, ..
        } if matches!(msg, Msg::ToggleChoice) => {
            let flipped = !confirm_selected;
            keep(
                state,
                match dialog {
                    BulkDialog::StopRun { .. } => BulkDialog::StopRun {
                        confirm_selected: flipped,
                    },
                    BulkDialog::QuitRun { .. } => BulkDialog::QuitRun {
                        confirm_selected: flipped,
                    },
                    BulkDialog::Resume { run, more, .. } => BulkDialog::Resume {
                        run,
                        more,
                        confirm_selected: flipped,
                    },
                    other => other,
                },
            )
        }
        BulkDialog::StopRun { confirm_selected }
        | BulkDialog::QuitRun { confirm_selected }
        | BulkDialog::Resume {
            confirm_selected, ..
        } => {
            let yes = match msg {
                Msg::Confirm => true,
                Msg::Choose => confirm_selected,
                Msg::Deny => false,
                _ => return keep(state, dialog),
            };
            match (dialog, yes) {
                (BulkDialog::StopRun { .. }, true) => stop(state),
                (BulkDialog::StopRun { .. }, false) => keep_going(state),
                (BulkDialog::QuitRun { .. }, true) => quit(state),
                (BulkDialog::Resume { run, .. }, true) => resume(state, &run),
                (BulkDialog::Resume { run, .. }, false) => {
                    say(
                        state,
                        StatusKind::Info,
                        format!(
                            "Run {} left unfinished: the next start offers it again \
                             (or `trustdeck fleet resume {}`).",
                            run.id, run.id
                        ),
                    );
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        other => keep(state, other),
    }
}

fn choices(state: &AppState) -> Vec<SummaryChoice> {
    state
        .fleet
        .run
        .as_ref()
        .map_or(vec![SummaryChoice::Close], |run| {
            run.summary_choices(state.context.read_only)
        })
}

fn next_choice(state: &AppState, now: SummaryChoice) -> SummaryChoice {
    let all = choices(state);
    let at = all.iter().position(|c| *c == now).unwrap_or(0);
    all[(at + 1) % all.len()]
}

fn previous_choice(state: &AppState, now: SummaryChoice) -> SummaryChoice {
    let all = choices(state);
    let at = all.iter().position(|c| *c == now).unwrap_or(0);
    all[(at + all.len() - 1) % all.len()]
}

fn take(state: &mut AppState, choice: SummaryChoice) -> Vec<Command> {
    match choice {
        SummaryChoice::Close => Vec::new(),
        SummaryChoice::Retry => retry(state),
        SummaryChoice::Show => {
            if !state.fleet.needs_a_look {
                toggle_needs_a_look(state);
            }
            Vec::new()
        }
    }
}

fn stop(state: &mut AppState) -> Vec<Command> {
    let Some(run) = state.fleet.run.as_mut().filter(|r| r.has_started()) else {
        return Vec::new();
    };
    run.stopping = true;
    run.held_to_ask = false;
    say_about(
        state,
        StatusKind::Info,
        About::Run,
        "Stopping: no new request is sent; those in flight finish.",
    );
    vec![Command::StopApply]
}

fn quit(state: &mut AppState) -> Vec<Command> {
    match state.fleet.run.as_mut() {
        Some(run) if run.has_started() => {
            run.quitting = true;
            say_about(
                state,
                StatusKind::Info,
                About::Run,
                "Quitting once the requests in flight are answered; the run stays \
                 unfinished and the next start offers to resume it. q quits at once.",
            );
            vec![Command::InterruptApply]
        }
        _ => {
            state.quit = true;
            Vec::new()
        }
    }
}

fn resume(state: &mut AppState, run: &RunInfo) -> Vec<Command> {
    let mut commands = fleet::show(state);
    commands.push(Command::ResumeApply(run.id.clone()));
    say_about(
        state,
        StatusKind::Info,
        About::Run,
        format!("Resuming run {}: p pauses, esc stops.", run.id),
    );
    commands
}

/// What the engine reports about bulk runs.
pub(super) fn on_news(state: &mut AppState, news: FleetNews) -> Vec<Command> {
    match news {
        FleetNews::Apply(event) => on_event(state, event),
        FleetNews::AccountApply(_) | FleetNews::AccountApplyRefused(_) => Vec::new(),
        FleetNews::ApplyRefused(why) => {
            let quitting = state.fleet.run.as_ref().is_some_and(|r| r.quitting);
            state.fleet.run = None;
            state.fleet.reorder();
            say(
                state,
                StatusKind::Error,
                format!("The bulk run did not start: {why}."),
            );
            state.quit |= quitting;
            Vec::new()
        }
        FleetNews::Resuming(table) => {
            state.fleet.run = Some(BulkRun::new(*table, state.now, true));
            Vec::new()
        }
        FleetNews::Unfinished(runs) => {
            offer(state, runs);
            Vec::new()
        }
        FleetNews::Scan(_)
        | FleetNews::Scans(_)
        | FleetNews::Cached(_)
        | FleetNews::AccountScans(_)
        | FleetNews::AccountsCached(_) => Vec::new(),
    }
}

/// The newest unfinished run is offered for resuming (in `--read-only`
/// only named: resuming sends).
fn offer(state: &mut AppState, runs: Vec<RunInfo>) {
    let Some(run) = runs.first().cloned() else {
        return;
    };
    if state.fleet.run.is_some() {
        return;
    }
    let more = runs.len() - 1;
    if state.context.read_only || state.dialog.is_some() {
        say(
            state,
            StatusKind::Warning,
            format!(
                "An unfinished bulk run ({}, {} of {} zones left) can be resumed{}.",
                run.change.words(),
                run.summary.left,
                run.to_send,
                if state.context.read_only {
                    " in a session without --read-only"
                } else {
                    ": `trustdeck fleet resume`"
                }
            ),
        );
        return;
    }
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::Resume {
        run,
        more,
        confirm_selected: false,
    })));
}

fn on_event(state: &mut AppState, event: ApplyEvent) -> Vec<Command> {
    let fleet = &mut state.fleet;
    let Some(run) = fleet.run.as_mut() else {
        return Vec::new();
    };
    match event {
        ApplyEvent::Started(start) => {
            run.id = Some(start.run);
            for result in &start.earlier {
                run.table.record(result);
            }
            fleet.take_outcomes(&start.earlier);
        }
        ApplyEvent::Replanned(entry) => run.table.replan(entry),
        ApplyEvent::Zone(result) => {
            run.table.record(&result);
            fleet.take_outcomes(std::slice::from_ref(&result));
        }
        ApplyEvent::Progress(progress) => run.progress = Some(progress),
        ApplyEvent::Paused => run.paused = true,
        ApplyEvent::Resumed => run.paused = false,
        ApplyEvent::Finished(end) => return finished(state, end),
    }
    Vec::new()
}

fn finished(state: &mut AppState, end: crate::fleet::ApplyEnd) -> Vec<Command> {
    let Some(run) = state.fleet.run.as_mut() else {
        return Vec::new();
    };
    let quitting = run.quitting;
    let state_now = end.state.clone();
    run.end = Some(end);
    run.paused = false;
    forget(state, &About::Run);
    if quitting {
        state.quit = true;
        return Vec::new();
    }
    if let RunState::Stopped(reason) = &state_now
        && *reason != StopReason::Interrupted
    {
        say(
            state,
            StatusKind::Error,
            format!(
                "The bulk run stopped: {}. Nothing more was sent; the next start offers to resume it.",
                reason.detail()
            ),
        );
    }
    // The summary replaces a question the end made moot (stop the run?).
    let moot = matches!(
        &state.dialog,
        Some(Dialog::Bulk(b)) if matches!(b.as_ref(), BulkDialog::StopRun { .. } | BulkDialog::QuitRun { .. })
    );
    if state.dialog.is_none() || moot {
        state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::Summary {
            choice: SummaryChoice::Close,
        })));
    }
    kept_scan(state).into_iter().collect()
}

/// A whole scan with the run's outcomes folded in is kept, so the next
/// start shows what the run left, not what was there before it.
fn kept_scan(state: &AppState) -> Option<Command> {
    let identity = state.identity.clone()?;
    let scan = state.fleet.scan.as_ref()?;
    (scan.outcome == Some(crate::fleet::ScanOutcome::Complete))
        .then(|| Command::StoreFleetCache(identity, Box::new(scan.clone())))
}
