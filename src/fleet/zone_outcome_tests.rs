use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::api::model::{CsamValue, EmailState, ResponseInfo};
use crate::fleet::plan::Expect;
use crate::fleet::row::{CsamState, Failure, Lock, Scanning};

fn entry(id: &str, step: Step) -> PlanEntry {
    PlanEntry {
        zone: PlanZone {
            id: id.into(),
            name: format!("{id}.example"),
            account: None,
        },
        step,
        state: Some(CsamState {
            scanning: Scanning::Off,
            email_state: Some(EmailState::Unverified),
            sources_on: 0,
            sources_total: 0,
            lock: Lock::Editable,
            sources: BTreeMap::new().into(),
            has_email: Some(true),
            email: None,
        }),
        read_at: 1,
    }
}

fn send() -> Step {
    Step::Send {
        expect: Expect::AsAsked,
    }
}

fn answer(enabled: bool, code: Option<i64>) -> Result<Reply<CsamSetting>, ApiError> {
    Ok(Reply {
        result: CsamSetting {
            value: CsamValue {
                enabled: Some(enabled),
                ..CsamValue::default()
            },
            ..CsamSetting::default()
        },
        messages: code
            .map(|code| ResponseInfo {
                code,
                message: "kept off".into(),
                documentation_url: None,
                source: None,
            })
            .into_iter()
            .collect(),
        result_info: None,
    })
}

#[test]
fn an_answer_is_done_or_adjusted() {
    let change = Change::EnableScanning;
    let zone = entry("z", send());
    assert_eq!(
        classify(&change, &zone, &answer(true, None)).kind(),
        OutcomeKind::Done
    );
    let kept = classify(&change, &zone, &answer(false, Some(1101)));
    assert_eq!(kept.kind(), OutcomeKind::Adjusted);
    let text = serde_json::to_string(&kept).unwrap();
    assert!(text.contains(r#""result":"adjusted""#), "{text}");
    assert!(text.contains(r#""field":"scanning""#), "{text}");
    assert_eq!(serde_json::from_str::<ZoneOutcome>(&text).unwrap(), kept);
}

#[test]
fn only_a_lost_reply_is_unknown() {
    let change = Change::ResendVerification;
    let zone = entry("z", send());
    let of = |error: ApiError| classify(&change, &zone, &Err(error));
    let lost = of(ApiError::Timeout {
        after: Duration::from_secs(30),
    });
    assert!(matches!(
        lost,
        ZoneOutcome::Unknown(UnknownCause::ReplyLost { .. })
    ));
    let broken = of(ApiError::Connection {
        host: "h".into(),
        detail: "reset".into(),
    });
    assert_eq!(broken.kind(), OutcomeKind::Unknown);
    let edge_timeout = of(ApiError::NonJson {
        status: 524,
        snippet: "<html>".into(),
    });
    assert_eq!(edge_timeout.kind(), OutcomeKind::Unknown);
    let edge_error = of(ApiError::NonJson {
        status: 520,
        snippet: "<html>".into(),
    });
    assert!(edge_error.is_retryable(), "answered: not applied");
    assert!(
        of(ApiError::RateLimited { retry_after: None }).is_retryable(),
        "a 429 is never applied"
    );
    let locked = of(ApiError::Locked {
        message: "no".into(),
    });
    assert!(matches!(
        &locked,
        ZoneOutcome::Failed { error, retryable: false } if error.failure == Failure::Locked
    ));
    let text = serde_json::to_string(&lost).unwrap();
    assert!(
        text.contains(r#""result":"unknown","cause":"reply_lost""#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<ZoneOutcome>(&text).unwrap(), lost);
}

#[test]
fn the_table_counts_planned_skips_outcomes_and_what_is_left() {
    let plan = Plan {
        change: Change::EnableScanning,
        entries: vec![
            entry("a", send()),
            entry("b", send()),
            entry("c", send()),
            entry("d", send()),
            entry("e", Step::Skip(Skip::Locked)),
        ],
    };
    let mut table = ApplyTable::new(plan);
    let result = |id: &str, outcome| ZoneResult {
        zone: entry(id, send()).zone,
        outcome,
        at: 2,
        state: None,
    };
    table.record(&result(
        "a",
        ZoneOutcome::Done {
            outcome: SaveOutcome::default(),
        },
    ));
    table.record(&result(
        "b",
        ZoneOutcome::Failed {
            error: RowError {
                failure: Failure::Server { status: 502 },
                message: "x".into(),
            },
            retryable: true,
        },
    ));
    table.record(&result(
        "c",
        ZoneOutcome::Unknown(UnknownCause::Interrupted { reread: None }),
    ));
    let summary = table.summary();
    assert_eq!(
        (
            summary.done,
            summary.failed,
            summary.retryable,
            summary.unknown,
            summary.left
        ),
        (1, 1, 1, 1, 1)
    );
    assert_eq!(summary.skipped.get(&SkipKind::Locked), Some(&1));
    assert_eq!(summary.skipped_short(), 1);
    assert_eq!(table.retryable()[0].zone.id, "b");
    assert_eq!(table.unknown()[0].zone.id, "c");
    table.replan(entry("d", Step::Skip(Skip::AlreadySo)));
    table.record(&result("d", ZoneOutcome::Skipped(Skip::AlreadySo)));
    let summary = table.summary();
    assert_eq!((summary.left, summary.skipped_short()), (0, 1));
    assert_eq!(summary.skipped_total(), 2);
}
