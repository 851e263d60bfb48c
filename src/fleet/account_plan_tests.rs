use std::time::{Duration, Instant};

use super::*;
use crate::api::text::key_fingerprint;
use crate::fleet::account_change::tests::{KEY, OTHER_KEY, state};

const NOW: u64 = 1_800_000_000;

fn row(id: &str, state: DlpState) -> AccountRow {
    AccountRow {
        account_id: format!("id-{id}"),
        account_name: id.to_owned(),
        account_type: Some("enterprise".to_owned()),
        dlp: AccountDlp::Read(state),
        read_at: NOW - 10,
    }
}

fn failed(id: &str, failure: Failure) -> AccountRow {
    AccountRow {
        dlp: AccountDlp::Failed(RowError {
            failure,
            message: "no".to_owned(),
        }),
        ..row(id, state(false, false, None, Masking::Default))
    }
}

fn mix() -> Vec<AccountRow> {
    vec![
        row("ocr-off", state(true, false, Some(KEY), Masking::Full)),
        row("no-key", state(true, true, None, Masking::Default)),
        row(
            "other-key",
            state(false, true, Some(OTHER_KEY), Masking::Partial),
        ),
        row("done", state(true, true, Some(KEY), Masking::Clear)),
        failed(
            "denied",
            Failure::NoPermission {
                permission: Some("Zero Trust Write".to_owned()),
            },
        ),
        failed("no-dlp", Failure::NotAvailable),
        failed("broken", Failure::Server { status: 502 }),
    ]
}

fn step(plan: &AccountPlan, id: &str) -> AccountStep {
    plan.entry(&format!("id-{id}")).unwrap().step.clone()
}

fn fields(plan: &AccountPlan, id: &str) -> Vec<FieldStep> {
    match step(plan, id) {
        AccountStep::Send { fields, .. } => fields,
        AccountStep::Skip(skip) => panic!("{id} skipped: {skip:?}"),
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

#[test]
fn a_plan_on_a_mix_sends_what_differs_and_says_why_it_skips() {
    let change = DlpChange::builder()
        .ocr(true)
        .public_key(KEY)
        .masking(Masking::Clear)
        .build()
        .unwrap();
    let rows = mix();
    let plan = AccountPlan::new(change, rows.iter().chain(&rows[..2]));
    assert_eq!(plan.entries.len(), 7, "an account listed twice counts once");
    assert_eq!(
        fields(&plan, "ocr-off"),
        vec![
            FieldStep {
                field: Field::Ocr,
                before: Value::Bool(false),
                after: Value::Bool(true),
            },
            FieldStep {
                field: Field::MaskingLevel,
                before: text("full"),
                after: text("clear"),
            },
        ]
    );
    let AccountStep::Send { write, .. } = step(&plan, "ocr-off") else {
        panic!("sent")
    };
    let DlpWrite::Patch { update } = write else {
        panic!("a PATCH")
    };
    assert_eq!(update.ocr, Some(true));
    assert_eq!(update.ai_context_analysis, None);
    assert_eq!(update.payload_logging.unwrap().public_key, None);
    assert_eq!(
        fields(&plan, "no-key").last().unwrap(),
        &FieldStep {
            field: Field::PayloadLogging,
            before: Value::Bool(false),
            after: text(&key_fingerprint(KEY)),
        }
    );
    assert_eq!(
        fields(&plan, "other-key")
            .iter()
            .map(|f| f.field.clone())
            .collect::<Vec<_>>(),
        vec![Field::MaskingLevel, Field::PayloadLogging]
    );
    assert_eq!(
        step(&plan, "done"),
        AccountStep::Skip(AccountSkip::AlreadySo)
    );
    assert_eq!(
        step(&plan, "denied"),
        AccountStep::Skip(AccountSkip::NoPermission {
            permission: Some("Zero Trust Write".to_owned())
        })
    );
    assert_eq!(
        step(&plan, "no-dlp"),
        AccountStep::Skip(AccountSkip::NotAvailable)
    );
    assert!(matches!(
        step(&plan, "broken"),
        AccountStep::Skip(AccountSkip::Unreadable { error })
            if error.failure == Failure::Server { status: 502 }
    ));
    let entry = plan.entry("id-ocr-off").unwrap();
    assert_eq!(entry.state, rows[0].state().cloned());
    assert_eq!(entry.read_at, NOW - 10);
    assert_eq!(entry.account.account_type.as_deref(), Some("enterprise"));
    assert_eq!(plan.entry("id-denied").unwrap().state, None);

    assert_eq!(fields(&plan, "ocr-off")[0].words(), "OCR off → on");
    let skip_words = |id: &str| match step(&plan, id) {
        AccountStep::Skip(skip) => skip.words(&plan.change),
        AccountStep::Send { .. } => panic!("{id} sent"),
    };
    assert_eq!(skip_words("denied"), "no permission (Zero Trust Write)");
    assert_eq!(skip_words("broken"), "could not be read: no");
    assert_eq!(skip_words("no-dlp"), "DLP not available");

    assert_eq!(plan.to_send(), 3);
    assert!(plan.needs_typed_count(), "masking clear");
    assert_eq!(
        plan.summary().to_string(),
        "3 to change · 1 already so · 1 no permission · 1 DLP not available · 1 could not be read"
    );
}

#[test]
fn a_reset_shows_every_field_before_and_after_and_skips_accounts_at_defaults() {
    let rows = [
        row("custom", state(true, false, Some(KEY), Masking::Partial)),
        row("fresh", state(false, false, None, Masking::Default)),
        failed("denied", Failure::NoPermission { permission: None }),
    ];
    let plan = AccountPlan::new(DlpChange::Reset, &rows);
    let AccountStep::Send { write, fields } = step(&plan, "custom") else {
        panic!("sent")
    };
    assert_eq!(write, DlpWrite::Reset);
    assert_eq!(
        fields[3].words(),
        format!("payload logging {} → off", key_fingerprint(KEY))
    );
    assert_eq!(
        fields,
        vec![
            FieldStep {
                field: Field::AiContextAnalysis,
                before: Value::Bool(true),
                after: Value::Bool(false),
            },
            FieldStep {
                field: Field::Ocr,
                before: Value::Bool(false),
                after: Value::Bool(false),
            },
            FieldStep {
                field: Field::MaskingLevel,
                before: text("partial"),
                after: text("default"),
            },
            FieldStep {
                field: Field::PayloadLogging,
                before: text(&key_fingerprint(KEY)),
                after: Value::Bool(false),
            },
        ]
    );
    assert_eq!(
        step(&plan, "fresh"),
        AccountStep::Skip(AccountSkip::AlreadySo)
    );
    assert!(!plan.needs_typed_count(), "one account reset");
    assert_eq!(
        plan.summary().to_string(),
        "1 to reset · 1 already at defaults · 1 no permission"
    );
    let two = AccountPlan::new(
        DlpChange::Reset,
        [&rows[0], &row("b", state(true, true, None, Masking::Full))],
    );
    assert!(two.needs_typed_count());
    assert_eq!(
        AccountPlan::new(DlpChange::Reset, []).summary().to_string(),
        "no accounts"
    );
}

#[test]
fn settled_reads_back_the_change_applied() {
    let change = DlpChange::builder()
        .ai_context_analysis(true)
        .clear_public_key()
        .build()
        .unwrap();
    let before = state(false, true, Some(KEY), Masking::Full);
    assert!(!account_settled(&change, &before));
    let after = after_change(&change, &before);
    assert_eq!(after, state(true, true, None, Masking::Full));
    assert!(account_settled(&change, &after));
    assert!(!account_settled(
        &change,
        &state(true, true, Some(OTHER_KEY), Masking::Full)
    ));

    assert!(!account_settled(&DlpChange::Reset, &before));
    assert!(account_settled(
        &DlpChange::Reset,
        &after_change(&DlpChange::Reset, &before)
    ));
    assert!(AccountSkipKind::Settled.is_goal_met());
    assert!(!AccountSkipKind::NoPermission.is_goal_met());
}

#[test]
fn the_plan_round_trips_as_a_journal_holds_it() {
    let change = DlpChange::builder().public_key(KEY).build().unwrap();
    let plan = AccountPlan::new(change, &mix());
    let json = serde_json::to_string(&plan).unwrap();
    let back: AccountPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
    let entry = serde_json::to_value(&plan.entries[1]).unwrap();
    assert_eq!(entry["step"], "send");
    assert_eq!(entry["write"]["method"], "patch");
    assert_eq!(entry["fields"][0]["field"], "payload_logging");
    let denied = serde_json::to_value(plan.entry("id-denied").unwrap()).unwrap();
    assert_eq!(denied["step"], "skip");
    assert_eq!(denied["reason"], "no_permission");
}

fn budget(remaining: u32) -> Budget {
    Budget {
        remaining,
        quota: 1200,
        window: Duration::from_secs(300),
        resets_in: Duration::from_secs(300),
        blocked_for: None,
        in_flight: 0,
        waiting_bulk: 0,
        waiting_interactive: 0,
        learned_from_server: true,
        at: Instant::now(),
    }
}

#[test]
fn the_cost_counts_a_write_per_account_sent_and_rereads_old_rows() {
    let change = DlpChange::builder().ocr(false).build().unwrap();
    let mut rows = vec![
        row("young", state(true, true, None, Masking::Full)),
        row("old", state(true, true, None, Masking::Full)),
        row("off", state(true, false, None, Masking::Full)),
    ];
    rows[1].read_at = NOW - 3_600;
    let plan = AccountPlan::new(change, &rows);
    let pacer = PacerConfig::default();
    let cost = plan.cost(NOW, Duration::from_secs(600), &budget(1200), &pacer);
    assert_eq!((cost.patches, cost.rereads), (2, 1));
    assert_eq!(cost.windows, 1);
}

#[test]
fn only_selects_rows_matching_any_condition() {
    let rows = mix();
    let only = parse_only("ocr-off, no-key,ocr-off").unwrap();
    assert_eq!(only, vec![AccountQuick::OcrOff, AccountQuick::NoKey]);
    let picked: Vec<&str> = select_only(&rows, &only)
        .map(|r| r.account_name.as_str())
        .collect();
    assert_eq!(picked, vec!["ocr-off", "no-key"]);
    let clear = parse_only("clear").unwrap();
    assert_eq!(
        select_only(&rows, &clear)
            .map(|r| r.account_name.as_str())
            .collect::<Vec<_>>(),
        vec!["done"]
    );
    assert_eq!(select_only(&rows, &[]).count(), rows.len());
    assert_eq!(
        parse_only("ocr-off,error").unwrap_err(),
        "--only takes no-key, clear, ocr-off, ai-off, not \"error\""
    );
    assert!(parse_only(" , ").is_err());
}
