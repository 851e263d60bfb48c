//! The plan dialog of a revert: the run it reverts named, the inverse
//! change on the zones it changed with the typed count, Cancel first; on
//! the accounts page what cannot be put back listed with why.

use super::accounts::accounts_scanned;
use super::fleet::fleet_cached;
use super::screen;
use crate::fleet::{AccountPlan, Change, DlpChange, Plan, RunId};
use crate::state::{
    AccountPlanDialog, AppState, BulkDialog, Dialog, PlanDialog, Reverting, Selection, Typed,
};

fn reverting_zones(of: &RunId) -> AppState {
    let mut state = fleet_cached();
    let plan = Plan::new(Change::DisableScanning, state.fleet.rows());
    let dialog = PlanDialog {
        selection: Selection {
            ids: plan.entries.iter().map(|e| e.zone.id.clone()).collect(),
            label: format!("revert of run {of}"),
        },
        typed: (plan.to_send() > 1).then(Typed::default),
        plan,
        scroll: 0,
        confirm_selected: false,
        problem: None,
        read_only: false,
        cost: None,
        revert: Some(Reverting {
            of: of.clone(),
            not_revertible: Vec::new(),
        }),
    };
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::Plan(dialog))));
    state
}

fn reverting_accounts(of: &RunId) -> AppState {
    let mut state = accounts_scanned();
    let change = DlpChange::builder().ocr(false).build().unwrap();
    let plan = AccountPlan::new(change, state.accounts.rows());
    let dialog = AccountPlanDialog {
        selection: Selection {
            ids: plan.entries.iter().map(|e| e.account.id.clone()).collect(),
            label: format!("revert of run {of}"),
        },
        plan,
        scroll: 0,
        confirm_selected: false,
        typed: None,
        problem: None,
        read_only: false,
        cost: None,
        revert: Some(Reverting {
            of: of.clone(),
            not_revertible: vec![(
                "Globex Payments".to_owned(),
                "it had a payload-logging key before the run, known only by its fingerprint"
                    .to_owned(),
            )],
        }),
    };
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountPlan(dialog))));
    state
}

#[test]
fn a_zones_revert_names_its_run_and_asks_for_the_count_cancel_first() {
    let of = RunId::new();
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &reverting_zones(&of));
        assert!(shown.contains(&format!("revert of run {of}")), "{shown}");
        assert!(shown.contains(&format!("Reverts run {of}")), "{shown}");
        assert!(shown.contains("to confirm:"), "{shown}");
        let cancel = shown.find("[ Cancel ]").expect("Cancel");
        let run = shown.find("[ Stop scanning on ").expect("the Run button");
        assert!(cancel < run, "Cancel comes first: {shown}");
    }
}

#[test]
fn an_accounts_revert_lists_what_cannot_be_put_back_and_why() {
    let of = RunId::new();
    let shown = screen(120, 40, &reverting_accounts(&of));
    assert!(shown.contains(&format!("Reverts run {of}")), "{shown}");
    assert!(shown.contains("Cannot be reverted (1):"), "{shown}");
    assert!(
        shown.contains("Globex Payments: it had a payload-logging key"),
        "{shown}"
    );
    assert!(shown.contains("[ Run on "), "{shown}");
}
