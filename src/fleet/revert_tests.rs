use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::fleet::account_change::tests::{KEY, OTHER_KEY, state};
use crate::fleet::account_outcome::AccountResult;
use crate::fleet::account_plan::{AccountPlan, AccountPlanEntry, PlanAccount, account_step_for};
use crate::fleet::account_row::{DlpState, Masking};
use crate::fleet::apply_event::RunState;
use crate::fleet::journal::{JOURNAL_FORMAT, RunHeaderOf};
use crate::fleet::plan::{Plan, PlanEntry, Skip};
use crate::fleet::revert_accounts::account_revert_plan;
use crate::fleet::row::{CsamState, Lock, Scanning};
use crate::fleet::run_target::{Accounts, RunTarget};
use crate::fleet::zone_outcome::ZoneResult;
use crate::fleet::{AccountOutcome, DlpChange, Zones};
use crate::outcome::SaveOutcome;

fn record<T: RunTarget>(
    change: T::Change,
    plan: T::Plan,
    zones: usize,
    outcomes: HashMap<String, T::Result>,
    finished: Option<RunState>,
) -> RunRecord<T> {
    RunRecord {
        header: RunHeaderOf {
            format: JOURNAL_FORMAT,
            id: RunId::new(),
            created_at: 1,
            api: "127.0.0.1:1/client/v4".into(),
            change,
            zones,
            to_send: zones,
            retry_of: None,
            revert_of: None,
        },
        plan,
        plan_complete: true,
        outcomes,
        in_flight: Vec::new(),
        sent: HashMap::new(),
        last_sent: HashMap::new(),
        finished,
        retried_by: None,
        resumed: Vec::new(),
        warnings: Vec::new(),
        faults: Vec::new(),
        held: false,
    }
}

fn zone(id: &str, scanning: Scanning, change: &Change) -> PlanEntry {
    let state = CsamState {
        scanning,
        email_state: None,
        sources_on: 0,
        sources_total: 0,
        lock: Lock::Editable,
        sources: BTreeMap::new().into(),
        has_email: None,
        email: None,
    };
    PlanEntry {
        zone: PlanZone {
            id: id.into(),
            name: format!("{id}.example"),
            account: None,
        },
        step: step_for(change, &state),
        state: Some(state),
        read_at: 5,
    }
}

fn result(entry: &PlanEntry, outcome: ZoneOutcome) -> (String, ZoneResult) {
    (
        entry.zone.id.clone(),
        ZoneResult {
            zone: entry.zone.clone(),
            outcome,
            at: 6,
            state: None,
        },
    )
}

fn zones_run(change: Change, finished: Option<RunState>) -> RunRecord<Zones> {
    let done = zone("done", Scanning::Off, &change);
    let adjusted = zone("adjusted", Scanning::Off, &change);
    let already = zone("already", Scanning::On, &change);
    let failed = zone("failed", Scanning::Off, &change);
    let outcomes = HashMap::from([
        result(
            &done,
            ZoneOutcome::Done {
                outcome: SaveOutcome::default(),
            },
        ),
        result(
            &adjusted,
            ZoneOutcome::Adjusted {
                outcome: SaveOutcome::default(),
            },
        ),
        result(&already, ZoneOutcome::Skipped(Skip::AlreadySo)),
        result(
            &failed,
            ZoneOutcome::Failed {
                error: crate::fleet::row::RowError::from_api(&crate::api::ApiError::invalid(
                    "zone", "test",
                )),
                retryable: true,
            },
        ),
    ]);
    let plan = Plan {
        change: change.clone(),
        entries: vec![done, adjusted, already, failed],
    };
    record::<Zones>(change, plan, 4, outcomes, finished)
}

#[test]
fn an_enable_is_reverted_on_the_zones_it_changed_only() {
    let revert = revert_plan(&zones_run(Change::EnableScanning, Some(RunState::Complete))).unwrap();
    assert_eq!(revert.change, Change::DisableScanning);
    let ids: Vec<&str> = revert.zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["done", "adjusted"]);
}

#[test]
fn a_source_switch_is_reverted_to_the_other_position() {
    let change = Change::source("ncmec_ngo", true).unwrap();
    assert_eq!(
        inverse(&change),
        Some(Change::source("ncmec_ngo", false).unwrap())
    );
}

#[test]
fn an_email_or_a_resend_is_not_revertible_and_an_unfinished_run_waits() {
    let email = Change::set_email("soc@example.com").unwrap();
    let refused = revert_plan(&zones_run(email, Some(RunState::Complete))).unwrap_err();
    assert!(refused.to_string().contains("masked"), "{refused}");
    let refused = revert_plan(&zones_run(
        Change::ResendVerification,
        Some(RunState::Complete),
    ))
    .unwrap_err();
    assert!(refused.to_string().contains("unsent"), "{refused}");
    let refused = revert_plan(&zones_run(Change::EnableScanning, None)).unwrap_err();
    assert!(
        matches!(refused, RevertError::NotFinished { .. }),
        "{refused}"
    );
}

fn account(id: &str, before: DlpState, change: &DlpChange) -> AccountPlanEntry {
    AccountPlanEntry {
        account: PlanAccount {
            id: id.into(),
            name: id.into(),
            account_type: None,
        },
        step: account_step_for(change, &before),
        state: Some(before),
        read_at: 5,
        restore: None,
    }
}

fn accounts_run(change: DlpChange, befores: &[(&str, DlpState)]) -> RunRecord<Accounts> {
    let entries: Vec<AccountPlanEntry> = befores
        .iter()
        .map(|(id, before)| account(id, before.clone(), &change))
        .collect();
    let outcomes = entries
        .iter()
        .filter(|e| e.sends())
        .map(|e| {
            let before = e.state.clone().unwrap();
            let after = crate::fleet::after_change(&change, &before);
            (
                e.account.id.clone(),
                AccountResult {
                    account: e.account.clone(),
                    outcome: AccountOutcome::applied(&change, e, &after),
                    at: 6,
                    state: Some(after),
                },
            )
        })
        .collect();
    let plan = AccountPlan {
        change: change.clone(),
        entries,
    };
    record::<Accounts>(
        change,
        plan,
        befores.len(),
        outcomes,
        Some(RunState::Complete),
    )
}

#[test]
fn a_masking_run_restores_each_accounts_own_level() {
    let change = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let run = accounts_run(
        change,
        &[
            ("partial", state(false, false, None, Masking::Partial)),
            ("clear", state(false, true, None, Masking::Clear)),
            ("full", state(false, false, None, Masking::Full)),
        ],
    );
    let revert = account_revert_plan(&run).unwrap();
    assert!(revert.not_revertible.is_empty(), "{revert:?}");
    let restored: Vec<(&str, Option<Masking>, Option<bool>)> = revert
        .accounts
        .iter()
        .map(|(a, edit)| (a.id.as_str(), edit.masking(), edit.ocr()))
        .collect();
    assert_eq!(
        restored,
        [
            ("partial", Some(Masking::Partial), None),
            ("clear", Some(Masking::Clear), None)
        ]
    );
}

#[test]
fn a_field_the_run_did_not_write_is_not_put_back() {
    // Planned from a read with OCR off; by the write someone had turned OCR
    // on, and the answer shows it. The run only set masking: its revert
    // puts back the masking, never OCR.
    let change = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let mut run = accounts_run(
        change,
        &[("drift", state(false, false, None, Masking::Partial))],
    );
    let result = run.outcomes.get_mut("drift").unwrap();
    let answer = state(false, true, None, Masking::Full);
    result.state = Some(answer);
    let revert = account_revert_plan(&run).unwrap();
    let restored: Vec<(Option<Masking>, Option<bool>)> = revert
        .accounts
        .iter()
        .map(|(_, edit)| (edit.masking(), edit.ocr()))
        .collect();
    assert_eq!(restored, [(Some(Masking::Partial), None)]);
}

#[test]
fn a_set_key_run_clears_a_new_key_and_lists_an_old_one() {
    let change = DlpChange::builder().public_key(KEY).build().unwrap();
    let run = accounts_run(
        change,
        &[
            ("none", state(false, false, None, Masking::Full)),
            ("other", state(false, false, Some(OTHER_KEY), Masking::Full)),
        ],
    );
    let revert = account_revert_plan(&run).unwrap();
    let cleared: Vec<&str> = revert
        .accounts
        .iter()
        .filter(|(_, e)| e.key() == Some(&crate::fleet::KeyChange::Clear))
        .map(|(a, _)| a.id.as_str())
        .collect();
    assert_eq!(cleared, ["none"]);
    assert_eq!(revert.accounts.len(), 1);
    assert_eq!(revert.not_revertible.len(), 1);
    assert_eq!(revert.not_revertible[0].0.id, "other");
    assert!(
        revert.not_revertible[0].1.contains("fingerprint"),
        "{revert:?}"
    );
}

#[test]
fn a_restore_entry_is_replanned_from_its_own_values_and_restore_alone_sends_nothing() {
    let edit = match DlpChange::builder()
        .masking(Masking::Partial)
        .build()
        .unwrap()
    {
        DlpChange::Edit(edit) => edit,
        other => panic!("{other:?}"),
    };
    let mut entry = account(
        "a",
        state(false, false, None, Masking::Full),
        &DlpChange::Edit(edit.clone()),
    );
    entry.restore = Some(edit.clone());
    assert_eq!(entry.change_for(&DlpChange::Restore), DlpChange::Edit(edit));
    let alone = state(false, false, None, Masking::Full);
    assert!(DlpChange::Restore.write_for(&alone).is_none());
    assert!(!matches!(
        account_step_for(&DlpChange::Restore, &alone),
        crate::fleet::AccountStep::Send { .. }
    ));
}
