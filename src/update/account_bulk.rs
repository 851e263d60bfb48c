//! Bulk DLP changes on the accounts page, up to the moment a run starts:
//! marking accounts, the change menu, the typed public key (checked as it
//! is typed), and the plan with its Run button (Cancel the default; a
//! change that can lose data asks for the number of accounts typed out).
//! The same keys and dialogs as the fleet page's bulk change; one change
//! per run (the headless `dlp apply` combines several).

use crossterm::event::Event;
use tui_input::InputRequest;
use tui_input::backend::crossterm::EventHandler;

use super::bulk::{PlanAsk, cancelled, plan_ask};
use super::{account_run, say};
use crate::fleet::{AccountPlan, AccountRow, DlpChange, Masking, check_public_key, thousands};
use crate::message::{Command, Msg};
use crate::state::{
    AccountChoice, AccountPlanDialog, AppState, BulkDialog, Dialog, Selection, StatusKind, Typed,
};

/// `space`: marks or unmarks the account under the cursor and moves down.
pub(super) fn toggle_mark(state: &mut AppState) {
    let page = &mut state.accounts;
    let Some(id) = page.selected_row().map(|row| row.account_id.clone()) else {
        return;
    };
    if !page.marked.remove(&id) {
        page.marked.insert(id);
    }
    page.moved = true;
    page.selected = (page.selected + 1).min(page.shown_len().saturating_sub(1));
}

/// `*`: marks every account the filters show.
pub(super) fn mark_shown(state: &mut AppState) {
    let page = &mut state.accounts;
    let ids: Vec<String> = page.shown_from(0).map(|r| r.account_id.clone()).collect();
    let shown = ids.len();
    page.marked.extend(ids);
    let marked = page.marked.len();
    say(
        state,
        StatusKind::Info,
        format!(
            "Marked the {} accounts shown ({} marked in all; u unmarks).",
            thousands(shown as u64),
            thousands(marked as u64)
        ),
    );
}

/// `u`: unmarks every account.
pub(super) fn clear_marks(state: &mut AppState) {
    state.accounts.marked.clear();
}

/// `b`: the change menu for the marked accounts, else the one under the
/// cursor.
pub(super) fn open(state: &mut AppState) -> Vec<Command> {
    let Some(selection) = selection(state) else {
        return Vec::new();
    };
    menu_at(state, selection, 0)
}

fn menu_at(state: &mut AppState, selection: Selection, selected: usize) -> Vec<Command> {
    keep(
        state,
        BulkDialog::AccountMenu {
            selection,
            choices: choices(),
            selected,
        },
    )
}

/// The marked accounts in the table's order (shown or not), else the one
/// under the cursor.
fn selection(state: &AppState) -> Option<Selection> {
    let page = &state.accounts;
    if page.marked.is_empty() {
        let row = page.selected_row()?;
        return Some(Selection {
            ids: vec![row.account_id.clone()],
            label: row.account_name.clone(),
        });
    }
    let ids: Vec<String> = page
        .rows()
        .iter()
        .map(|row| &row.account_id)
        .filter(|id| page.marked.contains(*id))
        .cloned()
        .collect();
    let count = ids.len();
    Some(Selection {
        ids,
        label: format!(
            "{} marked account{}",
            thousands(count as u64),
            if count == 1 { "" } else { "s" }
        ),
    })
}

/// The changes the menu offers, in order.
pub(crate) fn choices() -> Vec<AccountChoice> {
    let edit = |build: fn(crate::fleet::DlpChangeBuilder) -> crate::fleet::DlpChangeBuilder| {
        build(DlpChange::builder())
            .build()
            .map(AccountChoice::Change)
            .ok()
    };
    [
        edit(|b| b.ocr(true)),
        edit(|b| b.ocr(false)),
        edit(|b| b.ai_context_analysis(true)),
        edit(|b| b.ai_context_analysis(false)),
        edit(|b| b.masking(Masking::Full)),
        edit(|b| b.masking(Masking::Partial)),
        edit(|b| b.masking(Masking::Clear)),
        edit(|b| b.masking(Masking::Default)),
        Some(AccountChoice::PublicKey),
        edit(|b| b.clear_public_key()),
        edit(|b| b.reset()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn keep(state: &mut AppState, dialog: BulkDialog) -> Vec<Command> {
    state.dialog = Some(Dialog::Bulk(Box::new(dialog)));
    Vec::new()
}

/// A key in the accounts page's change menu.
pub(super) fn menu(
    state: &mut AppState,
    selection: Selection,
    choices: Vec<AccountChoice>,
    selected: usize,
    msg: Msg,
) -> Vec<Command> {
    let last = choices.len().saturating_sub(1);
    let selected = match msg {
        Msg::Down => (selected + 1).min(last),
        Msg::Up => selected.saturating_sub(1),
        Msg::PageDown => last,
        Msg::PageUp => 0,
        Msg::Choose | Msg::Confirm => {
            return match choices.get(selected).cloned() {
                Some(AccountChoice::Change(change)) => plan(state, selection, change),
                Some(AccountChoice::PublicKey) => keep(
                    state,
                    BulkDialog::PublicKey {
                        selection,
                        input: Typed::default(),
                        problem: None,
                    },
                ),
                None => Vec::new(),
            };
        }
        Msg::Deny => return Vec::new(),
        _ => selected,
    };
    keep(
        state,
        BulkDialog::AccountMenu {
            selection,
            choices,
            selected,
        },
    )
}

/// A key while the public key is typed: checked as it is typed (the text
/// stays whatever the check says); Enter plans it once it is a key.
pub(super) fn public_key(
    state: &mut AppState,
    selection: Selection,
    mut input: Typed,
    problem: Option<String>,
    msg: Msg,
) -> Vec<Command> {
    match msg {
        Msg::EditKey(key) => {
            input.0.handle_event(&Event::Key(key));
        }
        Msg::Paste(text) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.0.handle(InputRequest::InsertChar(c));
            }
        }
        Msg::CommitEdit => {
            let key = input.0.value().trim().to_owned();
            match DlpChange::builder().public_key(&key).build() {
                Ok(change) => return plan(state, selection, change),
                Err(error) => {
                    let problem = Some(format!("Not planned: {error}."));
                    return keep(
                        state,
                        BulkDialog::PublicKey {
                            selection,
                            input,
                            problem,
                        },
                    );
                }
            }
        }
        Msg::CancelEdit => {
            let selected = choices()
                .iter()
                .position(|c| *c == AccountChoice::PublicKey)
                .unwrap_or(0);
            return menu_at(state, selection, selected);
        }
        _ => {
            return keep(
                state,
                BulkDialog::PublicKey {
                    selection,
                    input,
                    problem,
                },
            );
        }
    }
    let typed = input.0.value().trim();
    let problem = (!typed.is_empty())
        .then(|| check_public_key(typed).err())
        .flatten()
        .map(|why| format!("The key {why}."));
    keep(
        state,
        BulkDialog::PublicKey {
            selection,
            input,
            problem,
        },
    )
}

/// The plan of `change` for the selected accounts, from their last-read rows.
fn plan(state: &mut AppState, selection: Selection, change: DlpChange) -> Vec<Command> {
    let page = &state.accounts;
    let rows: Vec<&AccountRow> = selection.ids.iter().filter_map(|id| page.row(id)).collect();
    let plan = AccountPlan::new(change, rows);
    let read_only = state.context.read_only;
    let typed = (plan.needs_typed_count() && !read_only).then(Typed::default);
    keep(
        state,
        BulkDialog::AccountPlan(AccountPlanDialog {
            selection,
            plan,
            scroll: 0,
            confirm_selected: false,
            typed,
            problem: None,
            read_only,
            cost: None,
        }),
    )
}

/// A key in the plan dialog, as the fleet page's plan takes it.
pub(super) fn plan_key(
    state: &mut AppState,
    mut dialog: AccountPlanDialog,
    msg: Msg,
) -> Vec<Command> {
    match plan_ask(&mut dialog, msg) {
        PlanAsk::Run => run(state, dialog),
        PlanAsk::Cancel => cancelled(state),
        PlanAsk::Keep => keep(state, BulkDialog::AccountPlan(dialog)),
    }
}

super::bulk::plan_keys!(
    AccountPlanDialog,
    "accounts",
    "type {count} to change every one of them"
);

/// Run: refused in `--read-only` with the fleet page's words, else the
/// run starts.
fn run(state: &mut AppState, dialog: AccountPlanDialog) -> Vec<Command> {
    if dialog.read_only {
        say(
            state,
            StatusKind::Warning,
            "Read-only mode: nothing can be sent.",
        );
        return keep(state, BulkDialog::AccountPlan(dialog));
    }
    if !dialog.runnable() {
        return cancelled(state);
    }
    account_run::start(state, dialog.plan)
}
