use std::time::Duration;

use super::*;
use crate::fleet::account_change::tests::{KEY, state};
use crate::fleet::account_plan::account_step_for;
use crate::fleet::account_row::Masking;
use crate::fleet::journal::{AccountRunHeader, JOURNAL_FORMAT, Line, RunHeader, RunId};
use crate::fleet::run_target::Accounts;
use crate::fleet::{Change, Zones};

fn entry(before: DlpState, change: &DlpChange) -> AccountPlanEntry {
    AccountPlanEntry {
        account: PlanAccount {
            id: "a1".to_owned(),
            name: "Acme".to_owned(),
            account_type: None,
        },
        step: account_step_for(change, &before),
        state: Some(before),
        read_at: 5,
        restore: None,
    }
}

fn ocr_on() -> DlpChange {
    DlpChange::builder().ocr(true).build().unwrap()
}

#[test]
fn an_answer_as_asked_is_done_with_each_changed_field_before_and_after() {
    let change = ocr_on();
    let before = state(true, false, Some(KEY), Masking::Full);
    let after = state(true, true, Some(KEY), Masking::Full);
    let outcome = AccountOutcome::applied(&change, &entry(before, &change), &after);
    let AccountOutcome::Done { fields } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].field, Field::Ocr);
    assert_eq!(fields[0].words(), "OCR off → on");
}

#[test]
fn an_answer_other_than_asked_is_adjusted_and_names_the_field() {
    let change = DlpChange::builder()
        .ocr(true)
        .masking(Masking::Full)
        .build()
        .unwrap();
    let before = state(false, false, None, Masking::Default);
    let after = state(false, true, None, Masking::Partial);
    let outcome = AccountOutcome::applied(&change, &entry(before, &change), &after);
    let AccountOutcome::Adjusted { differs, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(differs, vec![Field::MaskingLevel]);
}

#[test]
fn a_field_the_change_does_not_name_that_moved_since_the_read_is_no_adjustment() {
    // Planned from a read where OCR was off and no key was set; by the
    // write, someone had switched OCR on and set a key. The masking asked
    // for is what the answer shows: done, not adjusted.
    let change = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let before = state(true, false, None, Masking::Partial);
    let after = state(true, true, Some(KEY), Masking::Full);
    let outcome = AccountOutcome::applied(&change, &entry(before, &change), &after);
    assert!(
        matches!(outcome, AccountOutcome::Done { .. }),
        "{outcome:?}"
    );
}

#[test]
fn a_reset_shows_every_field_and_an_error_is_failed_or_unknown() {
    let before = state(true, true, Some(KEY), Masking::Clear);
    let planned = entry(before, &DlpChange::Reset);
    let defaults = state(false, false, None, Masking::Default);
    let AccountOutcome::Done { fields } =
        AccountOutcome::applied(&DlpChange::Reset, &planned, &defaults)
    else {
        panic!("a reset that lands is done")
    };
    assert_eq!(fields.len(), 4);
    let refused = Err(ApiError::Server {
        status: 503,
        message: "busy".to_owned(),
    });
    let (outcome, state) = classify_account(&DlpChange::Reset, &planned, &refused);
    assert!(outcome.is_retryable(), "{outcome:?}");
    assert_eq!(state, None);
    let lost = Err(ApiError::Timeout {
        after: Duration::from_secs(1),
    });
    let (outcome, _) = classify_account(&DlpChange::Reset, &planned, &lost);
    assert_eq!(outcome.kind(), OutcomeKind::Unknown);
}

#[test]
fn a_zones_run_line_has_no_target_and_an_accounts_one_says_so() {
    let zones = RunHeader {
        format: JOURNAL_FORMAT,
        id: RunId::new(),
        created_at: 1,
        api: "127.0.0.1:1/client/v4".into(),
        change: Change::EnableScanning,
        zones: 1,
        to_send: 1,
        retry_of: None,
        revert_of: None,
    };
    let text = serde_json::to_string(&Line::<Zones>::Run(zones.clone())).unwrap();
    assert!(!text.contains("target"), "{text}");
    assert!(
        text.starts_with(r#"{"kind":"run","format":1,"id":"#),
        "{text}"
    );
    let accounts = AccountRunHeader {
        format: JOURNAL_FORMAT,
        id: zones.id.clone(),
        created_at: 1,
        api: zones.api.clone(),
        change: ocr_on(),
        zones: 1,
        to_send: 1,
        retry_of: None,
        revert_of: None,
    };
    let text = serde_json::to_string(&Line::<Accounts>::Run(accounts.clone())).unwrap();
    assert!(text.contains(r#""target":"accounts""#), "{text}");
    let back: Line<Accounts> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, Line::Run(accounts));
    assert!(serde_json::from_str::<Line<Zones>>(&text).is_err());
}
