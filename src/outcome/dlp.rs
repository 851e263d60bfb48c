//! What a DLP settings PATCH or reset did, and what a reset will do.

use super::{Adjustment, Field, FieldChange, SaveOutcome, Value};
use crate::api::model::{DlpSettings, DlpUpdate, MaskingLevel, ResponseInfo};

/// Payload logging as a value: on while a public key is set.
fn logging(settings: &DlpSettings) -> Value {
    let key = settings.payload_logging.public_key.as_deref();
    Value::Bool(key.is_some_and(|k| !k.is_empty()))
}

fn masking(settings: &DlpSettings) -> Value {
    settings
        .payload_logging
        .masking_level
        .as_ref()
        .map_or(Value::NotReported, |l| Value::Text(l.to_string()))
}

/// The outcome of PATCHing `sent`, when the server answered `after`.
pub fn dlp_outcome(
    sent: &DlpUpdate,
    after: &DlpSettings,
    messages: &[ResponseInfo],
) -> SaveOutcome {
    let mut adjusted = Vec::new();
    let mut check = |field: Field, asked: Option<Value>, now: Value| {
        if let Some(asked) = asked.filter(|asked| *asked != now) {
            adjusted.push(Adjustment {
                field,
                asked: Some(asked),
                now,
            });
        }
    };
    check(
        Field::AiContextAnalysis,
        sent.ai_context_analysis.map(Value::Bool),
        Value::Bool(after.ai_context_analysis),
    );
    check(
        Field::Ocr,
        sent.ocr.map(Value::Bool),
        Value::Bool(after.ocr),
    );
    let logging_sent = sent.payload_logging.as_ref();
    check(
        Field::MaskingLevel,
        logging_sent
            .and_then(|l| l.masking_level.as_ref())
            .map(|l| Value::Text(l.to_string())),
        masking(after),
    );
    let key_sent = logging_sent.and_then(|l| l.public_key.as_deref());
    let key_now = after.payload_logging.public_key.as_deref().unwrap_or("");
    if let Some(key) = key_sent
        && key != key_now
    {
        adjusted.push(Adjustment {
            field: Field::PayloadLogging,
            asked: Some(Value::Bool(!key.is_empty())),
            now: logging(after),
        });
    }
    SaveOutcome {
        adjusted,
        notes: Vec::new(),
        messages: messages.to_vec(),
    }
}

/// The values a reset promises (`DELETE` restores an account's initial
/// values: see the mock's module doc).
fn defaults() -> [(Field, Value); 4] {
    [
        (Field::AiContextAnalysis, Value::Bool(false)),
        (Field::Ocr, Value::Bool(false)),
        (
            Field::MaskingLevel,
            Value::Text(MaskingLevel::Default.to_string()),
        ),
        (Field::PayloadLogging, Value::Bool(false)),
    ]
}

fn current(settings: &DlpSettings, field: &Field) -> Value {
    match field {
        Field::AiContextAnalysis => Value::Bool(settings.ai_context_analysis),
        Field::Ocr => Value::Bool(settings.ocr),
        Field::MaskingLevel => masking(settings),
        Field::PayloadLogging => logging(settings),
        Field::Scanning | Field::Source(_) | Field::Email => Value::NotReported,
    }
}

/// What a reset will change, field by field: the dialog's lines and the
/// headless `dlp reset` preview.
pub fn dlp_reset_preview(now: &DlpSettings) -> Vec<FieldChange> {
    defaults()
        .into_iter()
        .map(|(field, after)| FieldChange {
            now: current(now, &field),
            field,
            after,
        })
        .collect()
}

/// Whether a reset would change nothing, every field being at its default
/// already: the one answer of the dashboard's Reset and of `dlp reset`.
pub fn dlp_at_defaults(now: &DlpSettings) -> bool {
    dlp_reset_preview(now)
        .iter()
        .all(|change| change.now == change.after)
}

/// The outcome of a reset: every field the server left off the default
/// the preview promised.
pub fn dlp_reset_outcome(after: &DlpSettings, messages: &[ResponseInfo]) -> SaveOutcome {
    let adjusted = defaults()
        .into_iter()
        .filter_map(|(field, promised)| {
            let now = current(after, &field);
            (now != promised).then_some(Adjustment {
                field,
                asked: Some(promised),
                now,
            })
        })
        .collect();
    SaveOutcome {
        adjusted,
        notes: Vec::new(),
        messages: messages.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{PayloadLogging, PayloadLoggingUpdate};

    fn settings(ocr: bool, level: MaskingLevel, key: Option<&str>) -> DlpSettings {
        DlpSettings {
            ai_context_analysis: true,
            ocr,
            payload_logging: PayloadLogging {
                updated_at: None,
                masking_level: Some(level),
                public_key: key.map(Into::into),
            },
        }
    }

    #[test]
    fn the_preview_lists_every_field_now_and_after() {
        let preview = dlp_reset_preview(&settings(true, MaskingLevel::Partial, Some("k")));
        assert_eq!(preview.len(), 4);
        assert_eq!(
            preview[2],
            FieldChange {
                field: Field::MaskingLevel,
                now: Value::Text("partial".into()),
                after: Value::Text("default".into()),
            }
        );
        assert_eq!(preview[3].now, Value::Bool(true));
        assert_eq!(preview[3].after, Value::Bool(false));
    }

    #[test]
    fn a_reset_left_off_its_defaults_names_each_field() {
        let after = settings(true, MaskingLevel::Default, None);
        let outcome = dlp_reset_outcome(&after, &[]);
        let fields: Vec<&Field> = outcome.adjusted.iter().map(|a| &a.field).collect();
        assert_eq!(fields, [&Field::AiContextAnalysis, &Field::Ocr]);
        let clean = DlpSettings {
            ai_context_analysis: false,
            ..settings(false, MaskingLevel::Default, None)
        };
        assert!(dlp_reset_outcome(&clean, &[]).as_asked());
    }

    #[test]
    fn a_patch_kept_otherwise_is_adjusted_and_logging_off_is_compared_by_key() {
        let sent = DlpUpdate {
            ocr: Some(false),
            payload_logging: Some(PayloadLoggingUpdate {
                masking_level: None,
                public_key: Some(String::new()),
            }),
            ..DlpUpdate::default()
        };
        let after = settings(true, MaskingLevel::Full, Some("still-here"));
        let outcome = dlp_outcome(&sent, &after, &[]);
        let fields: Vec<&Field> = outcome.adjusted.iter().map(|a| &a.field).collect();
        assert_eq!(fields, [&Field::Ocr, &Field::PayloadLogging]);
        let done = dlp_outcome(&sent, &settings(false, MaskingLevel::Full, None), &[]);
        assert!(done.as_asked());
    }
}
