//! What a CSAM Scanner PATCH did, compared with what was sent.

use super::{Adjustment, Field, Note, SaveOutcome, Value, codes, has_code};
use crate::api::model::{CsamPatchValue, CsamSetting, CsamValue, EmailState, ResponseInfo};

/// The outcome of sending `sent` to a zone whose value was `before`, when
/// the server answered `after` with `messages`.
///
/// Scanning is adjusted when it was sent and came back otherwise, or when
/// it was not sent and changed anyway (a new email switches it off until
/// the address is verified); a source when it came back otherwise.
pub fn csam_outcome(
    sent: &CsamPatchValue,
    before: Option<&CsamValue>,
    after: &CsamSetting,
    messages: &[ResponseInfo],
) -> SaveOutcome {
    let now = &after.value;
    let mut adjusted = Vec::new();
    match sent.enabled {
        Some(wanted) if now.enabled != Some(wanted) => adjusted.push(Adjustment {
            field: Field::Scanning,
            asked: Some(Value::Bool(wanted)),
            now: now.enabled.into(),
        }),
        None if before.is_some_and(|b| b.enabled != now.enabled) => adjusted.push(Adjustment {
            field: Field::Scanning,
            asked: None,
            now: now.enabled.into(),
        }),
        _ => {}
    }
    for (name, wanted) in sent.sources.iter().flatten() {
        let got = now.sources.get(name).copied();
        if got != Some(*wanted) {
            adjusted.push(Adjustment {
                field: Field::Source(name.clone()),
                asked: Some(Value::Bool(*wanted)),
                now: got.into(),
            });
        }
    }
    let mut notes = Vec::new();
    let pending = now.email_state == Some(EmailState::Pending);
    if sent.email.is_some() && (pending || has_code(messages, codes::VERIFICATION_SENT)) {
        notes.push(Note::VerificationSent);
    }
    // `resend_email` is write-only: only the server's word says an email left.
    if sent.resend_email && has_code(messages, codes::ALREADY_VERIFIED) {
        notes.push(Note::AlreadyVerified);
    } else if sent.resend_email && has_code(messages, codes::VERIFICATION_RESENT) {
        notes.push(Note::VerificationResent);
    }
    SaveOutcome {
        adjusted,
        notes,
        messages: messages.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn value(enabled: Option<bool>, state: EmailState) -> CsamValue {
        CsamValue {
            email: Some("**********".into()),
            email_state: Some(state),
            enabled,
            sources: BTreeMap::from([("ncmec_ngo".to_owned(), true)]),
            zone_plan: None,
        }
    }

    fn setting(value: CsamValue) -> CsamSetting {
        CsamSetting {
            value,
            ..CsamSetting::default()
        }
    }

    fn info(code: i64) -> ResponseInfo {
        ResponseInfo {
            code,
            message: "whatever the server says".into(),
            documentation_url: None,
            source: None,
        }
    }

    #[test]
    fn scanning_kept_off_is_an_adjustment_with_what_was_asked() {
        let sent = CsamPatchValue {
            enabled: Some(true),
            ..CsamPatchValue::default()
        };
        let before = value(Some(false), EmailState::Unverified);
        let after = setting(value(Some(false), EmailState::Unverified));
        let outcome = csam_outcome(&sent, Some(&before), &after, &[info(1101)]);
        assert_eq!(
            outcome.adjusted,
            [Adjustment {
                field: Field::Scanning,
                asked: Some(Value::Bool(true)),
                now: Value::Bool(false),
            }]
        );
        assert!(!outcome.as_asked());
        assert_eq!(outcome.messages.len(), 1);
    }

    #[test]
    fn a_new_email_that_turns_scanning_off_is_reported_as_unasked() {
        let sent = CsamPatchValue {
            email: Some("new@example.com".into()),
            ..CsamPatchValue::default()
        };
        let before = value(Some(true), EmailState::Valid);
        let after = setting(value(Some(false), EmailState::Pending));
        let outcome = csam_outcome(&sent, Some(&before), &after, &[]);
        assert_eq!(outcome.adjusted[0].asked, None);
        assert_eq!(outcome.adjusted[0].now, Value::Bool(false));
        assert_eq!(outcome.notes, [Note::VerificationSent]);
    }

    #[test]
    fn a_resend_is_told_apart_by_code_not_by_text() {
        let sent = CsamPatchValue {
            resend_email: true,
            ..CsamPatchValue::default()
        };
        let before = value(Some(true), EmailState::Valid);
        let after = setting(before.clone());
        let done = csam_outcome(&sent, Some(&before), &after, &[info(1104)]);
        assert_eq!(done.notes, [Note::VerificationResent]);
        assert!(done.as_asked());
        let refused = csam_outcome(&sent, Some(&before), &after, &[info(1102)]);
        assert_eq!(refused.notes, [Note::AlreadyVerified]);
    }

    #[test]
    fn a_source_left_otherwise_is_adjusted() {
        let sent = CsamPatchValue {
            sources: Some(BTreeMap::from([("ncmec_ngo".to_owned(), false)])),
            ..CsamPatchValue::default()
        };
        let before = value(Some(true), EmailState::Valid);
        let after = setting(before.clone());
        let outcome = csam_outcome(&sent, Some(&before), &after, &[]);
        assert_eq!(outcome.adjusted[0].field, Field::Source("ncmec_ngo".into()));
    }
}
