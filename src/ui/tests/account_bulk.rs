//! The accounts page's bulk DLP plan: what happens to each account field
//! by field or why it is skipped, the summary and budget lines, Cancel
//! first, the typed count for masking clear, and `--read-only`.

use std::time::Duration;

use super::accounts::accounts_scanned;
use super::screen;
use crate::fleet::{AccountPlan, DlpChange, Masking, RunCost};
use crate::state::{AccountPlanDialog, AppState, BulkDialog, Dialog, Selection, Typed};

fn with_plan(masking: Masking, read_only: bool) -> AppState {
    let mut state = accounts_scanned();
    state.context.read_only = read_only;
    let ids: Vec<String> = state
        .accounts
        .rows()
        .iter()
        .map(|r| r.account_id.clone())
        .collect();
    let change = DlpChange::builder().masking(masking).build().unwrap();
    let plan = AccountPlan::new(change, state.accounts.rows());
    let typed = (plan.needs_typed_count() && !read_only).then(Typed::default);
    let cost = RunCost {
        patches: plan.to_send(),
        rereads: 0,
        windows: 1,
        eta: None,
        quota: 1200,
        window: Duration::from_secs(300),
    };
    let dialog = AccountPlanDialog {
        selection: Selection {
            label: format!("{} marked accounts", ids.len()),
            ids,
        },
        plan,
        scroll: 0,
        confirm_selected: false,
        typed,
        problem: None,
        read_only,
        cost: Some(cost),
    };
    state.dialog = Some(Dialog::Bulk(Box::new(BulkDialog::AccountPlan(dialog))));
    state
}

#[test]
fn the_plan_says_field_by_field_what_happens_and_cancel_comes_first() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &with_plan(Masking::Full, false));
        assert!(shown.contains("Plan · 12 marked accounts"), "{shown}");
        assert!(shown.contains("masking level clear → full"), "{shown}");
        assert!(shown.contains("Budget:"), "{shown}");
        assert!(shown.contains("already so"), "{shown}");
        assert!(shown.contains("[ Cancel ]"), "{shown}");
        let cancel = shown.find("[ Cancel ]").unwrap();
        let run = shown.find("[ Run on ").expect("the Run button");
        assert!(cancel < run, "Cancel comes first");
    }
    let clear = screen(120, 40, &with_plan(Masking::Clear, false));
    assert!(clear.contains("to confirm:"), "{clear}");
    let read_only = screen(80, 24, &with_plan(Masking::Full, true));
    assert!(
        read_only.contains("Read-only mode (--read-only)"),
        "{read_only}"
    );
    assert!(!read_only.contains("[ Run on "), "{read_only}");
}
