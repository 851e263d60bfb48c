//! Reverting a run from the dashboard: the summary's "Revert this run" (of
//! either page) and `:revert RUN`. The run's journal is read and its
//! targets read again off the loop; the revert then is an ordinary plan in
//! that page's plan dialog (Cancel the default, the typed count where the
//! plan's rules ask), run like any run, its journal naming the run it
//! reverts. Nothing is sent before Run is chosen.

use super::{accounts, fleet, say};
use crate::fleet::{Change, RevertReady, RunId};
use crate::message::Command;
use crate::state::{
    AccountPlanDialog, AppState, BulkDialog, Dialog, PlanDialog, Reverting, Selection, StatusKind,
    Typed,
};

/// `:revert RUN`: plans the revert of any finished run; a malformed id is
/// told at once.
pub(super) fn command(state: &mut AppState, argument: &str) -> Vec<Command> {
    if argument.is_empty() {
        say(
            state,
            StatusKind::Error,
            "Revert which run? `:revert RUN`, the id as `trustdeck fleet runs` shows it.",
        );
        return Vec::new();
    }
    match RunId::parse(argument) {
        Ok(id) => ask(state, id),
        Err(error) => {
            say(
                state,
                StatusKind::Error,
                format!("Cannot revert: {error}. Nothing was sent."),
            );
            Vec::new()
        }
    }
}

/// The fleet page's summary: the revert of the run it sums up.
pub(super) fn of_fleet_run(state: &mut AppState) -> Vec<Command> {
    let id = state.fleet.run.as_ref().and_then(|run| run.id.clone());
    id.map_or_else(Vec::new, |id| ask(state, id))
}

/// The accounts page's summary: the revert of the run it sums up.
pub(super) fn of_account_run(state: &mut AppState) -> Vec<Command> {
    let id = state.accounts.run.as_ref().and_then(|run| run.id.clone());
    id.map_or_else(Vec::new, |id| ask(state, id))
}

fn going(state: &AppState) -> bool {
    state.fleet.run_going() || state.accounts.run.as_ref().is_some_and(|r| r.is_going())
}

fn ask(state: &mut AppState, id: RunId) -> Vec<Command> {
    if going(state) {
        say(
            state,
            StatusKind::Error,
            "A bulk run is going: one at a time; revert once it has ended.",
        );
        return Vec::new();
    }
    if state.context.read_only {
        say(
            state,
            StatusKind::Warning,
            "Read-only mode: nothing can be sent, so no revert.",
        );
        return Vec::new();
    }
    say(
        state,
        StatusKind::Info,
        format!("Planning the revert of run {id}: reading its journal and what it changed…"),
    );
    vec![Command::LoadRevert(id)]
}

/// The revert planned (its plan dialog opens on its page), or why not.
pub(super) fn on_news(
    state: &mut AppState,
    revert: Result<Box<RevertReady>, String>,
) -> Vec<Command> {
    let ready = match revert {
        Ok(ready) => *ready,
        Err(why) => {
            say(
                state,
                StatusKind::Error,
                format!("Cannot revert: {}. Nothing was sent.", trimmed(&why)),
            );
            return Vec::new();
        }
    };
    if going(state) {
        say(
            state,
            StatusKind::Error,
            format!(
                "A bulk run is going: run {} was not reverted; nothing was sent.",
                ready.of()
            ),
        );
        return Vec::new();
    }
    let read_only = state.context.read_only;
    let label = format!("revert of run {}", ready.of());
    match ready {
        RevertReady::Zones { of, plan } => {
            let commands = fleet::show(state);
            let typed =
                (plan.change == Change::DisableScanning && plan.to_send() > 1 && !read_only)
                    .then(Typed::default);
            let selection = Selection {
                ids: plan.entries.iter().map(|e| e.zone.id.clone()).collect(),
                label,
            };
            state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::Plan(PlanDialog {
                selection,
                plan,
                scroll: 0,
                confirm_selected: false,
                typed,
                problem: None,
                read_only,
                cost: None,
                revert: Some(Reverting {
                    of,
                    not_revertible: Vec::new(),
                }),
            }))));
            commands
        }
        RevertReady::Accounts {
            of,
            plan,
            not_revertible,
        } => {
            let commands = accounts::show(state);
            let typed = (plan.needs_typed_count() && !read_only).then(Typed::default);
            let selection = Selection {
                ids: plan.entries.iter().map(|e| e.account.id.clone()).collect(),
                label,
            };
            let not_revertible = not_revertible
                .into_iter()
                .map(|(account, why)| {
                    let name = if account.name.is_empty() {
                        account.id
                    } else {
                        account.name
                    };
                    (name, why)
                })
                .collect();
            state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountPlan(
                AccountPlanDialog {
                    selection,
                    plan,
                    scroll: 0,
                    confirm_selected: false,
                    typed,
                    problem: None,
                    read_only,
                    cost: None,
                    revert: Some(Reverting { of, not_revertible }),
                },
            ))));
            commands
        }
    }
}

/// A refusal's own "nothing was sent" is said once, at the end.
fn trimmed(why: &str) -> &str {
    why.trim_end_matches('.')
        .trim_end_matches("; nothing was sent")
        .trim_end_matches('.')
}
