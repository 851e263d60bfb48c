//! Bulk changes on the fleet page, up to the moment a run starts: marking
//! zones, the change menu, the typed email, and the plan with its Run
//! button (Cancel the default; scanning off on more than one zone asks for
//! the number of zones typed out). The run itself is `bulk_run`.
//!
//! A change goes to the marked zones, else to the zone under the cursor
//! (the dialogs' title says which): acting on every zone the filter shows
//! takes `*` first, so a stray `b` never plans for the whole fleet.

use std::collections::BTreeSet;

use crossterm::event::{Event, KeyCode};
use tui_input::InputRequest;
use tui_input::backend::crossterm::EventHandler;

use super::{account_bulk, account_run, bulk_run, say};
use crate::fleet::{Change, Filter, FleetRow, Plan, ZoneCsam, thousands, visible};
use crate::input::KeyContext;
use crate::message::{Command, Msg};
use crate::state::{
    AppState, BulkDialog, Dialog, MenuChoice, PlanDialog, Selection, StatusKind, Typed,
};

/// Zones a page key scrolls the plan's list by.
const PAGE_ROWS: usize = 10;

/// `space`: marks or unmarks the zone under the cursor and moves down.
pub(super) fn toggle_mark(state: &mut AppState) {
    let fleet = &mut state.fleet;
    let Some(id) = fleet.selected_row().map(|row| row.zone_id.clone()) else {
        return;
    };
    if !fleet.marked.remove(&id) {
        fleet.marked.insert(id);
    }
    fleet.moved = true;
    fleet.selected = (fleet.selected + 1).min(fleet.order.len().saturating_sub(1));
}

/// `*`: marks every zone the filters show.
pub(super) fn mark_shown(state: &mut AppState) {
    let fleet = &mut state.fleet;
    let ids: Vec<String> = fleet.shown_from(0).map(|row| row.zone_id.clone()).collect();
    let shown = ids.len();
    fleet.marked.extend(ids);
    let marked = fleet.marked.len();
    say(
        state,
        StatusKind::Info,
        format!(
            "Marked the {} zones shown ({} marked in all; u unmarks).",
            thousands(shown as u64),
            thousands(marked as u64)
        ),
    );
}

/// `u`: unmarks every zone.
pub(super) fn clear_marks(state: &mut AppState) {
    state.fleet.marked.clear();
}

/// `b`: the change menu for the marked zones, else the zone under the cursor.
pub(super) fn open(state: &mut AppState) -> Vec<Command> {
    let Some(selection) = selection(state) else {
        return Vec::new();
    };
    let choices = choices(state, &selection);
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::Menu {
        selection,
        choices,
        selected: 0,
    })));
    Vec::new()
}

fn selection(state: &AppState) -> Option<Selection> {
    let fleet = &state.fleet;
    if fleet.marked.is_empty() {
        let row = fleet.selected_row()?;
        return Some(Selection {
            ids: vec![row.zone_id.clone()],
            label: row.zone_name.clone(),
        });
    }
    // The table's order, whether or not the filters show the zone now.
    let rows = fleet.rows();
    let zones: Vec<String> = visible(rows, &Filter::default(), fleet.sort)
        .into_iter()
        .map(|i| &rows[i].zone_id)
        .filter(|id| fleet.marked.contains(*id))
        .cloned()
        .collect();
    let count = zones.len();
    Some(Selection {
        ids: zones,
        label: format!(
            "{} marked zone{}",
            thousands(count as u64),
            if count == 1 { "" } else { "s" }
        ),
    })
}

/// The changes offered: the four of every zone, then each source the
/// zones have, on and off.
fn choices(state: &AppState, selection: &Selection) -> Vec<MenuChoice> {
    let mut choices = vec![
        MenuChoice::Change(Change::EnableScanning),
        MenuChoice::Change(Change::DisableScanning),
        MenuChoice::Email,
        MenuChoice::Change(Change::ResendVerification),
    ];
    let sources: BTreeSet<&String> = rows_of(state, selection)
        .filter_map(|row| match &row.csam {
            ZoneCsam::Read(csam) => Some(csam.sources.keys()),
            ZoneCsam::Failed(_) => None,
        })
        .flatten()
        .collect();
    for name in sources {
        for on in [true, false] {
            choices.push(MenuChoice::Change(Change::Source {
                name: name.clone(),
                on,
            }));
        }
    }
    choices
}

fn rows_of<'a>(
    state: &'a AppState,
    selection: &'a Selection,
) -> impl Iterator<Item = &'a FleetRow> {
    let scan = state.fleet.scan.as_ref();
    selection
        .ids
        .iter()
        .filter_map(move |id| scan.and_then(|scan| scan.row(id)))
}

/// Whether `msg` is one a bulk dialog takes.
pub(super) fn takes(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Confirm
            | Msg::Deny
            | Msg::ToggleChoice
            | Msg::Choose
            | Msg::Up
            | Msg::Down
            | Msg::PageUp
            | Msg::PageDown
            | Msg::EditKey(_)
            | Msg::Paste(_)
            | Msg::CommitEdit
            | Msg::CancelEdit
    )
}

/// A key in a bulk dialog.
pub(super) fn on_dialog(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(Dialog::Bulk(dialog)) = state.dialog.take() else {
        return Vec::new();
    };
    match *dialog {
        BulkDialog::Menu {
            selection,
            choices,
            selected,
        } => menu(state, selection, choices, selected, msg),
        BulkDialog::Email {
            selection,
            input,
            problem,
        } => email(state, selection, input, problem, msg),
        BulkDialog::Plan(plan) => plan_key(state, plan, msg),
        BulkDialog::AccountMenu {
            selection,
            choices,
            selected,
        } => account_bulk::menu(state, selection, choices, selected, msg),
        BulkDialog::PublicKey {
            selection,
            input,
            problem,
        } => account_bulk::public_key(state, selection, input, problem, msg),
        BulkDialog::AccountPlan(plan) => account_bulk::plan_key(state, plan, msg),
        BulkDialog::AccountSummary { choice } => account_run::on_summary(state, choice, msg),
        other => bulk_run::on_dialog(state, other, msg),
    }
}

fn keep(state: &mut AppState, dialog: BulkDialog) -> Vec<Command> {
    state.dialog = Some(Dialog::Bulk(Box::new(dialog)));
    Vec::new()
}

fn menu(
    state: &mut AppState,
    selection: Selection,
    choices: Vec<MenuChoice>,
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
                Some(MenuChoice::Change(change)) => plan(state, selection, change),
                Some(MenuChoice::Email) => keep(
                    state,
                    BulkDialog::Email {
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
        BulkDialog::Menu {
            selection,
            choices,
            selected,
        },
    )
}

fn email(
    state: &mut AppState,
    selection: Selection,
    mut input: Typed,
    mut problem: Option<String>,
    msg: Msg,
) -> Vec<Command> {
    match msg {
        Msg::EditKey(key) => {
            input.0.handle_event(&Event::Key(key));
            problem = None;
        }
        Msg::Paste(text) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.0.handle(InputRequest::InsertChar(c));
            }
            problem = None;
        }
        Msg::CommitEdit => match Change::set_email(input.0.value().trim()) {
            Ok(change) => return plan(state, selection, change),
            Err(error) => problem = Some(format!("Not sent: {error}.")),
        },
        Msg::CancelEdit => {
            let choices = choices(state, &selection);
            let selected = choices
                .iter()
                .position(|c| *c == MenuChoice::Email)
                .unwrap_or(0);
            return keep(
                state,
                BulkDialog::Menu {
                    selection,
                    choices,
                    selected,
                },
            );
        }
        _ => {}
    }
    keep(
        state,
        BulkDialog::Email {
            selection,
            input,
            problem,
        },
    )
}

/// The plan of `change` for the selected zones, from their last-read rows.
fn plan(state: &mut AppState, selection: Selection, change: Change) -> Vec<Command> {
    let rows: Vec<&FleetRow> = rows_of(state, &selection).collect();
    let plan = Plan::new(change, rows);
    let read_only = state.context.read_only;
    let typed = (plan.change == Change::DisableScanning && plan.to_send() > 1 && !read_only)
        .then(Typed::default);
    keep(
        state,
        BulkDialog::Plan(PlanDialog {
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

fn plan_key(state: &mut AppState, mut dialog: PlanDialog, msg: Msg) -> Vec<Command> {
    match plan_ask(&mut dialog, msg) {
        PlanAsk::Run if dialog.runnable() => bulk_run::start(state, dialog.plan),
        PlanAsk::Cancel => cancelled(state),
        _ => keep(state, BulkDialog::Plan(dialog)),
    }
}

/// What a key in a plan dialog asks for.
pub(super) enum PlanAsk {
    /// The dialog stays (scrolled, typed in, highlight moved).
    Keep,
    /// Run the plan (the caller checks it can be run).
    Run,
    /// Close it; nothing is sent.
    Cancel,
}

/// A plan dialog as its keys see it, of zones or of accounts.
pub(super) trait PlanKeys {
    /// What the plan sends to, in the typed count's words: `zones`.
    const NOUN: &'static str;
    /// The entries the list scrolls through.
    fn entries(&self) -> usize;
    /// The first entry shown, the count typed, the highlight, the problem.
    fn parts(
        &mut self,
    ) -> (
        &mut usize,
        Option<&mut Typed>,
        &mut bool,
        &mut Option<String>,
    );
    /// Whether Run can be chosen at all.
    fn runnable(&self) -> bool;
    /// Whether the typed count is the right one.
    fn count_typed(&self) -> bool;
    /// How many the plan sends to.
    fn to_send(&self) -> usize;
    /// What a wrong count is told: `type 3 to stop scanning on every one`.
    fn retype_words(&self, count: usize) -> String;
}

/// `PlanKeys` for a plan dialog with the plan dialog's fields (`plan`,
/// `scroll`, `typed`, `confirm_selected`, `problem`) and its `runnable` and
/// `count_typed`.
macro_rules! plan_keys {
    ($dialog:ty, $noun:literal, $retype:literal) => {
        impl $crate::update::bulk::PlanKeys for $dialog {
            const NOUN: &'static str = $noun;
            fn entries(&self) -> usize {
                self.plan.entries.len()
            }
            fn parts(
                &mut self,
            ) -> (
                &mut usize,
                Option<&mut $crate::state::Typed>,
                &mut bool,
                &mut Option<String>,
            ) {
                let Self {
                    scroll,
                    typed,
                    confirm_selected,
                    problem,
                    ..
                } = self;
                (scroll, typed.as_mut(), confirm_selected, problem)
            }
            fn runnable(&self) -> bool {
                <$dialog>::runnable(self)
            }
            fn count_typed(&self) -> bool {
                <$dialog>::count_typed(self)
            }
            fn to_send(&self) -> usize {
                self.plan.to_send()
            }
            fn retype_words(&self, count: usize) -> String {
                format!($retype, count = count)
            }
        }
    };
}
pub(super) use plan_keys;

plan_keys!(
    PlanDialog,
    "zones",
    "type {count} to stop scanning on every one of them"
);

/// A key in a plan dialog: scroll, type the count, move the highlight;
/// Cancel unless Run is asked for (the typed count first when one is).
pub(super) fn plan_ask<D: PlanKeys>(dialog: &mut D, msg: Msg) -> PlanAsk {
    let last = dialog.entries().saturating_sub(1);
    let typing = dialog.parts().1.is_some();
    let scroll = |dialog: &mut D, by: isize| {
        let (scroll, ..) = dialog.parts();
        *scroll = scroll.saturating_add_signed(by).min(last);
    };
    let page = PAGE_ROWS as isize;
    match msg {
        Msg::Down => scroll(dialog, 1),
        Msg::Up => scroll(dialog, -1),
        Msg::PageDown => scroll(dialog, page),
        Msg::PageUp => scroll(dialog, -page),
        Msg::EditKey(key) => match key.code {
            KeyCode::Down => scroll(dialog, 1),
            KeyCode::Up => scroll(dialog, -1),
            KeyCode::PageDown => scroll(dialog, page),
            KeyCode::PageUp => scroll(dialog, -page),
            _ => {
                if let (_, Some(typed), ..) = dialog.parts() {
                    typed.0.handle_event(&Event::Key(key));
                }
                retype(dialog);
            }
        },
        Msg::Paste(text) => {
            if let (_, Some(typed), ..) = dialog.parts() {
                for c in text.chars().filter(|c| !c.is_control()) {
                    typed.0.handle(InputRequest::InsertChar(c));
                }
            }
            retype(dialog);
        }
        Msg::ToggleChoice if dialog.runnable() && !typing => {
            let (_, _, highlight, _) = dialog.parts();
            *highlight = !*highlight;
        }
        Msg::Confirm if !typing => return PlanAsk::Run,
        Msg::Choose if !typing => {
            let (_, _, highlight, _) = dialog.parts();
            return if *highlight {
                PlanAsk::Run
            } else {
                PlanAsk::Cancel
            };
        }
        Msg::CommitEdit => {
            let typed = typed_text(dialog);
            if !typed.trim().is_empty() && dialog.count_typed() {
                return PlanAsk::Run;
            }
            let count = dialog.to_send();
            let words = if typed.trim().is_empty() {
                format!(
                    "Type {count}, the number of {}, to confirm; esc cancels.",
                    D::NOUN
                )
            } else {
                format!("That is not {count}: {}.", dialog.retype_words(count))
            };
            *dialog.parts().3 = Some(words);
        }
        Msg::Deny | Msg::CancelEdit => return PlanAsk::Cancel,
        _ => {}
    }
    PlanAsk::Keep
}

fn typed_text<D: PlanKeys>(dialog: &mut D) -> String {
    dialog
        .parts()
        .1
        .map(|t| t.0.value().to_owned())
        .unwrap_or_default()
}

/// The typed count moves the highlight to Run once it is right, back to
/// Cancel when it is not.
fn retype<D: PlanKeys>(dialog: &mut D) {
    let typed = typed_text(dialog);
    let right = !typed.trim().is_empty() && dialog.count_typed();
    let (_, _, highlight, problem) = dialog.parts();
    *highlight = right;
    *problem = None;
}

pub(super) fn cancelled(state: &mut AppState) -> Vec<Command> {
    say(
        state,
        StatusKind::Info,
        "Bulk change cancelled; nothing was sent.",
    );
    Vec::new()
}

/// Why a bulk key does nothing now, in words.
pub(super) fn why_not(state: &AppState, msg: &Msg) -> Option<String> {
    let fleet = &state.fleet;
    let key = |context, name| state.context.keys.first_key(context, name);
    let refresh = key(KeyContext::Global, "refresh");
    match msg {
        Msg::OpenBulk | Msg::RetryFailed if fleet.run_going() => Some(format!(
            "A bulk run is going: one at a time ({} pauses it, {} stops it).",
            key(KeyContext::Run, "pause"),
            key(KeyContext::Global, "escape")
        )),
        Msg::OpenBulk => Some(format!(
            "No zone to change: {refresh} scans the fleet first."
        )),
        Msg::RetryFailed if state.context.read_only => {
            Some("Read-only mode: nothing can be sent.".to_owned())
        }
        Msg::RetryFailed => Some("The last run has no failure a retry may fix.".to_owned()),
        Msg::Refresh if fleet.run_going() => Some(format!(
            "A bulk run is going: {refresh} scans again once it has ended."
        )),
        Msg::ToggleNeedsALook => Some("No bulk run yet in this session.".to_owned()),
        _ => None,
    }
}
