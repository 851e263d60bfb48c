//! Reducer tests of reverting a run from the dashboard: the summary's
//! "Revert this run" on both pages, the revert's plan dialog (the inverse,
//! the typed count, what cannot be put back), its run naming the run it
//! reverts, and `:revert RUN` refused in words with nothing sent.

use super::tests::{press, text_of};
use super::tests_accounts::{five, scanned};
use super::tests_bulk::{apply, bulk, finish, fleet, result, row, running};
use super::*;
use crate::api::model::EmailState;
use crate::fleet::{
    AccountOutcome, AccountPlan, AccountRunSummary, ApplyEnd, Change, DlpChange, FieldStep, Plan,
    PlanAccount, RevertReady, RunId, RunState, ZoneOutcome,
};
use crate::outcome::SaveOutcome;
use crate::state::{AccountRun, BulkDialog, Page, StatusKind, SummaryChoice};

fn revert_news(state: &mut AppState, news: Result<RevertReady, String>) -> Vec<Command> {
    update(
        state,
        Msg::Fleet(Box::new(FleetNews::Revert(news.map(Box::new)))),
    )
}

fn typed_line(state: &mut AppState, line: &str) -> Vec<Command> {
    let mut commands = press(state, ":");
    for c in line.chars() {
        commands.extend(press(state, &c.to_string()));
    }
    commands
}

/// Backspace over the wrong count, then the right one and Enter.
fn typed_line_in_plan(state: &mut AppState) -> Vec<Command> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let backspace = KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE);
    let mut commands = update(state, Msg::EditKey(backspace));
    commands.extend(press(state, "2\n"));
    commands
}

fn status(state: &AppState) -> (StatusKind, String) {
    let status = state.status.as_ref().expect("a status line");
    (status.kind, text_of(status))
}

#[test]
fn the_summary_reverts_the_run_through_the_plan_dialog_and_its_typed_count() {
    let mut state = fleet();
    let id = running(&mut state);
    let done = || ZoneOutcome::Done {
        outcome: SaveOutcome::default(),
    };
    apply(
        &mut state,
        crate::fleet::ApplyEvent::Zone(result(1, done())),
    );
    apply(
        &mut state,
        crate::fleet::ApplyEvent::Zone(result(2, done())),
    );
    finish(&mut state, &id);
    let run = state.fleet.run.as_ref().expect("the run");
    assert_eq!(
        run.summary_choices(false),
        [SummaryChoice::Close, SummaryChoice::Revert]
    );
    assert_eq!(run.summary_choices(true), [SummaryChoice::Close]);
    assert!(matches!(
        bulk(&state),
        Some(BulkDialog::Summary {
            choice: SummaryChoice::Close
        })
    ));
    assert_eq!(press(&mut state, "j\n"), [Command::LoadRevert(id.clone())]);

    // The engine read the two zones again: both show scanning on.
    let rows = [
        row(1, true, EmailState::Valid, true),
        row(2, true, EmailState::Valid, true),
    ];
    let plan = Plan::new(Change::DisableScanning, rows.iter());
    let commands = revert_news(
        &mut state,
        Ok(RevertReady::Zones {
            of: id.clone(),
            plan: plan.clone(),
        }),
    );
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(state.page, Page::Fleet);
    let Some(BulkDialog::Plan(dialog)) = bulk(&state) else {
        panic!("the plan, not {:?}", state.dialog);
    };
    assert_eq!(dialog.plan.change, Change::DisableScanning);
    assert_eq!(dialog.plan.to_send(), 2);
    assert_eq!(dialog.revert.as_ref().map(|r| &r.of), Some(&id));
    assert!(!dialog.confirm_selected, "Cancel is the default");
    assert!(dialog.typed.is_some(), "scanning off on two zones: typed");
    assert!(press(&mut state, "1\n").is_empty(), "not the count");
    let commands = typed_line_in_plan(&mut state);
    assert_eq!(commands, [Command::StartRevert(Box::new(plan), id.clone())]);
    let (_, words) = status(&state);
    assert!(words.contains(&format!("Reverting run {id}")), "{words}");
}

#[test]
fn a_run_that_changed_nothing_or_cannot_be_reverted_offers_no_revert() {
    let mut state = fleet();
    let id = running(&mut state);
    finish(&mut state, &id);
    let run = state.fleet.run.as_ref().expect("the run");
    assert!(
        !run.summary_choices(false).contains(&SummaryChoice::Revert),
        "nothing was changed"
    );
    let mut run = run.clone();
    let email = Change::set_email("trust@acme.example").unwrap();
    let plan = Plan::new(email, [row(1, true, EmailState::Valid, true)].iter());
    run.table = crate::fleet::ApplyTable::new(plan);
    run.table.record(&result(
        1,
        ZoneOutcome::Done {
            outcome: SaveOutcome::default(),
        },
    ));
    assert!(
        !run.summary_choices(false).contains(&SummaryChoice::Revert),
        "an email cannot be put back"
    );
}

#[test]
fn revert_command_refuses_a_bad_or_unknown_run_in_words_and_sends_nothing() {
    let mut state = fleet();
    let commands = typed_line(&mut state, "revert nope!\n");
    assert!(commands.is_empty(), "{commands:?}");
    let (kind, words) = status(&state);
    assert_eq!(kind, StatusKind::Error);
    assert!(words.contains("Cannot revert"), "{words}");
    assert!(words.contains("Nothing was sent"), "{words}");

    let commands = typed_line(&mut state, "revert\n");
    assert!(commands.is_empty(), "{commands:?}");
    assert!(status(&state).1.contains(":revert RUN"));

    let id = RunId::new();
    let commands = typed_line(&mut state, &format!("revert {id}\n"));
    assert_eq!(commands, [Command::LoadRevert(id.clone())]);
    // The journal folder has no such run: said, nothing opened or sent.
    let commands = revert_news(
        &mut state,
        Err(format!("no run {id} in the journal folder")),
    );
    assert!(commands.is_empty(), "{commands:?}");
    assert!(state.dialog.is_none());
    let (kind, words) = status(&state);
    assert_eq!(kind, StatusKind::Error);
    assert!(words.contains(&format!("no run {id}")), "{words}");
    // The headless refusal's own "nothing was sent" is said once.
    revert_news(
        &mut state,
        Err(format!(
            "run {id} cannot be reverted: a verification email that was sent cannot be \
             unsent; nothing was sent"
        )),
    );
    let (_, words) = status(&state);
    assert_eq!(words.matches("othing was sent").count(), 1, "{words}");
}

#[test]
fn the_accounts_summary_reverts_its_run_and_lists_what_cannot_be_put_back() {
    let mut state = scanned(five());
    let change = DlpChange::builder().ocr(true).build().unwrap();
    let plan = AccountPlan::new(change, state.accounts.rows());
    let first = plan.entries[0].account.clone();
    let id = RunId::new();
    let mut run = AccountRun::new(plan);
    run.id = Some(id.clone());
    run.outcomes.insert(
        first.id.clone(),
        AccountOutcome::Done {
            fields: Vec::<FieldStep>::new(),
        },
    );
    run.end = Some(ApplyEnd {
        run: id.clone(),
        state: RunState::Complete,
        summary: AccountRunSummary {
            accounts: 5,
            done: 1,
            ..AccountRunSummary::default()
        },
        calls: 1,
        elapsed: std::time::Duration::from_secs(1),
    });
    state.accounts.run = Some(run);
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountSummary {
        choice: SummaryChoice::Close,
    })));
    assert_eq!(press(&mut state, "\t\n"), [Command::LoadRevert(id.clone())]);

    let edit = DlpChange::builder().ocr(false).build().unwrap();
    let mut revert = AccountPlan::new(edit, state.accounts.rows().iter().take(1));
    revert.change = DlpChange::Restore;
    let named = PlanAccount {
        name: "Globex Media".to_owned(),
        ..first.clone()
    };
    revert_news(
        &mut state,
        Ok(RevertReady::Accounts {
            of: id.clone(),
            plan: revert.clone(),
            not_revertible: vec![(named, "its key is known only by its fingerprint".into())],
        }),
    );
    assert_eq!(state.page, Page::Accounts);
    let Some(BulkDialog::AccountPlan(dialog)) = bulk(&state) else {
        panic!("the plan, not {:?}", state.dialog);
    };
    let reverting = dialog.revert.as_ref().expect("a revert");
    assert_eq!(reverting.of, id);
    assert_eq!(
        reverting.not_revertible,
        [(
            "Globex Media".to_owned(),
            "its key is known only by its fingerprint".to_owned()
        )]
    );
    assert!(!dialog.confirm_selected, "Cancel is the default");
    assert!(dialog.typed.is_none(), "OCR back off asks for no count");
    assert!(revert.to_send() > 0);
    let commands = press(&mut state, "\t\n");
    assert_eq!(
        commands,
        [Command::StartAccountRevert(Box::new(revert), id)]
    );
    assert!(state.accounts.run.as_ref().is_some_and(|r| r.is_going()));
}
