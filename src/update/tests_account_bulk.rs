//! Reducer tests of the accounts page's bulk DLP change: marks, the menu,
//! the plan (Cancel the default, the typed count for a change that can
//! lose data), the typed public key, `--read-only`, and the run's events
//! folded into the rows. No terminal, no network.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{press, text_of};
use super::tests_accounts::{five, scanned};
use super::*;
use crate::fleet::{
    AccountDlp, AccountOutcome, AccountPlan, AccountResult, AccountRunSummary, Accounts, ApplyEnd,
    ApplyEvent, ApplyStart, DlpChange, FieldStep, Masking, RunId, RunState,
};
use crate::state::{AccountPlanDialog, BulkDialog, SummaryChoice};

const KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";

fn bulk(state: &AppState) -> Option<&BulkDialog> {
    match &state.dialog {
        Some(Dialog::Bulk(bulk)) => Some(bulk),
        _ => None,
    }
}

fn plan(state: &AppState) -> &AccountPlanDialog {
    match bulk(state) {
        Some(BulkDialog::AccountPlan(plan)) => plan,
        other => panic!("the plan, not {other:?}"),
    }
}

fn started(commands: &[Command]) -> Option<&AccountPlan> {
    commands.iter().find_map(|c| match c {
        Command::StartAccountApply(plan) => Some(plan.as_ref()),
        _ => None,
    })
}

fn masking(change: Masking) -> DlpChange {
    DlpChange::builder().masking(change).build().unwrap()
}

#[test]
fn space_marks_and_moves_down_star_marks_the_shown_and_u_clears() {
    let mut state = scanned(five());
    let first = state.accounts.selected_row().unwrap().account_id.clone();
    press(&mut state, " ");
    assert!(state.accounts.marked.contains(&first));
    assert_eq!(state.accounts.selected, 1);
    press(&mut state, "k ");
    assert!(state.accounts.marked.is_empty());
    press(&mut state, "N*");
    assert_eq!(state.accounts.marked.len(), state.accounts.shown_len());
    press(&mut state, "u");
    assert!(state.accounts.marked.is_empty());
}

#[test]
fn without_marks_b_plans_for_the_account_under_the_cursor_and_cancel_is_the_default() {
    let mut state = scanned(five());
    let name = state.accounts.selected_row().unwrap().account_name.clone();
    press(&mut state, "b");
    let Some(BulkDialog::AccountMenu { selection, .. }) = bulk(&state) else {
        panic!("the menu: {:?}", state.dialog);
    };
    assert_eq!(selection.label, name);
    assert_eq!(selection.ids.len(), 1);
    press(&mut state, "\x1b*bjjjj\n");
    let dialog = plan(&state);
    assert_eq!(dialog.plan.change, masking(Masking::Full));
    assert_eq!(dialog.selection.label, "5 marked accounts");
    assert_eq!(dialog.plan.to_send(), 3, "{:?}", dialog.plan);
    assert!(dialog.typed.is_none() && !dialog.confirm_selected);
    let commands = press(&mut state, "\n");
    assert!(started(&commands).is_none(), "{commands:?}");
    assert!(state.dialog.is_none() && state.accounts.run.is_none());
    assert_eq!(state.accounts.marked.len(), 5, "a cancel keeps the marks");
    press(&mut state, "bjjjj\n");
    let commands = press(&mut state, "\t\n");
    let sent = started(&commands).expect("Run starts it");
    assert_eq!(sent.to_send(), 3);
    assert!(state.accounts.marked.is_empty());
}

#[test]
fn masking_clear_and_a_reset_of_several_ask_for_the_count_typed() {
    for (down, count) in [("jjjjjj", 3), ("jjjjjjjjjj", 4)] {
        let mut state = scanned(five());
        press(&mut state, "*b");
        press(&mut state, down);
        press(&mut state, "\n");
        assert!(plan(&state).typed.is_some(), "{down}");
        let commands = press(&mut state, "\n");
        assert!(
            started(&commands).is_none(),
            "an empty Enter does not run it"
        );
        let commands = press(&mut state, "y\n");
        assert!(started(&commands).is_none(), "y is typed, not a yes");
        assert!(plan(&state).problem.is_some());
        press(&mut state, "9");
        assert!(!plan(&state).confirm_selected);
        let commands = press(&mut state, "\n");
        assert!(started(&commands).is_none());
        let backspace = KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE);
        for _ in 0..2 {
            update(&mut state, Msg::EditKey(backspace));
        }
        press(&mut state, &count.to_string());
        assert!(
            plan(&state).confirm_selected,
            "the right count highlights Run"
        );
        let commands = press(&mut state, "\n");
        assert_eq!(started(&commands).map(AccountPlan::to_send), Some(count));
    }
    let mut state = scanned(five());
    press(&mut state, "bjjjjjjjjjj\n");
    assert!(
        plan(&state).typed.is_none(),
        "a reset of one account asks nothing typed"
    );
}

#[test]
fn the_public_key_keeps_what_is_typed_when_it_is_refused() {
    let mut state = scanned(five());
    press(&mut state, "*bjjjjjjjj\n");
    assert!(matches!(bulk(&state), Some(BulkDialog::PublicKey { .. })));
    press(&mut state, "abc!");
    let Some(BulkDialog::PublicKey { input, problem, .. }) = bulk(&state) else {
        panic!("the key input");
    };
    assert_eq!(input.0.value(), "abc!");
    assert!(
        problem.as_deref().unwrap().contains("not base64"),
        "{problem:?}"
    );
    press(&mut state, "\n");
    let Some(BulkDialog::PublicKey { input, problem, .. }) = bulk(&state) else {
        panic!("still the key input");
    };
    assert_eq!(input.0.value(), "abc!", "Enter on a bad key loses nothing");
    assert!(problem.is_some());
    update(&mut state, Msg::CancelEdit);
    assert!(matches!(
        bulk(&state),
        Some(BulkDialog::AccountMenu { selected: 8, .. })
    ));
    press(&mut state, "\n");
    update(&mut state, Msg::Paste(KEY.to_owned()));
    let Some(BulkDialog::PublicKey { problem, .. }) = bulk(&state) else {
        panic!("the key input");
    };
    assert!(problem.is_none());
    press(&mut state, "\n");
    assert_eq!(
        plan(&state).plan.change,
        DlpChange::builder().public_key(KEY).build().unwrap()
    );
}

#[test]
fn read_only_shows_the_plan_and_never_runs_it() {
    let mut state = scanned(five());
    state.context.read_only = true;
    press(&mut state, "*bjjjjjj\n");
    let dialog = plan(&state);
    assert!(dialog.read_only && !dialog.runnable() && dialog.typed.is_none());
    let commands = press(&mut state, "y");
    assert!(started(&commands).is_none());
    assert!(text_of(state.status.as_ref().unwrap()).contains("Read-only mode"));
    let commands = press(&mut state, "\t\n");
    assert!(started(&commands).is_none(), "{commands:?}");
    assert!(state.accounts.run.is_none());
}

#[test]
fn outcomes_fold_into_the_rows_and_the_summary_offers_a_retry() {
    let mut state = scanned(five());
    press(&mut state, "*bjjjj\n\t\n");
    let run = state.accounts.run.as_ref().unwrap();
    let entries = run.plan.entries.clone();
    let sent: Vec<_> = entries.iter().filter(|e| e.sends()).collect();
    let id = RunId::new();
    let fold = |state: &mut AppState, e: ApplyEvent<Accounts>| {
        update(state, Msg::Fleet(Box::new(FleetNews::AccountApply(e))));
    };
    fold(
        &mut state,
        ApplyEvent::Started(ApplyStart {
            run: id.clone(),
            at: 1,
            zones: 5,
            to_do: 3,
            earlier: Vec::new(),
        }),
    );
    let done = sent[0];
    let mut settings = done.state.clone().unwrap();
    settings.masking = Some(Masking::Full);
    fold(
        &mut state,
        ApplyEvent::Zone(AccountResult {
            account: done.account.clone(),
            outcome: AccountOutcome::Done {
                fields: Vec::<FieldStep>::new(),
            },
            at: 2,
            state: Some(settings),
        }),
    );
    let failed = sent[1];
    fold(
        &mut state,
        ApplyEvent::Zone(AccountResult {
            account: failed.account.clone(),
            outcome: AccountOutcome::Failed {
                error: crate::fleet::RowError {
                    failure: crate::fleet::Failure::Server { status: 503 },
                    message: "503".into(),
                },
                retryable: true,
            },
            at: 2,
            state: None,
        }),
    );
    let row = state.accounts.row(&done.account.id).unwrap();
    let AccountDlp::Read(now) = &row.dlp else {
        panic!("read");
    };
    assert_eq!(now.masking, Some(Masking::Full), "the row shows the answer");
    let run = state.accounts.run.as_ref().unwrap();
    assert_eq!(
        run.mark(&done.account.id),
        Some(crate::state::RowMark::Done)
    );
    assert_eq!(
        run.mark(&failed.account.id),
        Some(crate::state::RowMark::Failed)
    );
    fold(
        &mut state,
        ApplyEvent::Finished(ApplyEnd {
            run: id.clone(),
            state: RunState::Complete,
            summary: AccountRunSummary {
                accounts: 5,
                done: 1,
                failed: 1,
                retryable: 1,
                left: 1,
                ..AccountRunSummary::default()
            },
            calls: 2,
            elapsed: std::time::Duration::from_secs(1),
        }),
    );
    assert!(matches!(
        bulk(&state),
        Some(BulkDialog::AccountSummary {
            choice: SummaryChoice::Close
        })
    ));
    let commands = press(&mut state, "\t\n");
    assert_eq!(commands, [Command::RetryAccountApply(id)]);
    assert_eq!(state.accounts.run.as_ref().unwrap().plan.entries.len(), 1);
}
