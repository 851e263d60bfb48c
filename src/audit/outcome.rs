//! What became of a write: Cloudflare's answer or the error, turned into
//! the outcome the log records.

use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::api::client::Reply;
use crate::api::model::{CsamSetting, DlpSettings, ResponseInfo};

use super::record::Fields;
use super::redact::{self, TEXT_MAX, redact_text};
use super::words::Verdict;

/// The most errors or messages of one answer the log keeps.
const NOTES_MAX: usize = 10;

/// One error or message of Cloudflare's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Note {
    /// Cloudflare's code (0 when it gave none).
    pub code: i64,
    /// Its text, redacted.
    pub message: String,
}

impl Note {
    fn of(info: &ResponseInfo) -> Self {
        Self {
            code: info.code,
            message: redact_text(&info.message, TEXT_MAX),
        }
    }
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Applied, refused, failed, unknown, not sent.
    pub result: Verdict,
    /// The HTTP status, when known. A success is recorded as 200, the only
    /// success these endpoints document; an error records the status it
    /// implies or carries, and none where it leaves it open (an
    /// authentication or validation refusal, a timeout).
    #[serde(default)]
    pub status: Option<u16>,
    /// The setting as the server returned it, redacted.
    #[serde(default)]
    pub after: Option<Fields>,
    /// Cloudflare's error codes and messages, where the error keeps them.
    #[serde(default)]
    pub errors: Vec<Note>,
    /// Cloudflare's messages on success (e.g. that it kept scanning off).
    #[serde(default)]
    pub messages: Vec<Note>,
    /// trustdeck's line for a failure, redacted.
    #[serde(default)]
    pub error: Option<String>,
}

impl Outcome {
    /// The outcome of a CSAM patch.
    pub fn csam(result: &Result<Reply<CsamSetting>, ApiError>) -> Self {
        match result {
            Ok(reply) => Self::applied(redact::csam_shown(&reply.result), &reply.messages),
            Err(error) => Self::from_error(error),
        }
    }

    /// The outcome of a DLP patch, put or reset.
    pub fn dlp(result: &Result<Reply<DlpSettings>, ApiError>) -> Self {
        match result {
            Ok(reply) => Self::applied(redact::dlp_shown(&reply.result), &reply.messages),
            Err(error) => Self::from_error(error),
        }
    }

    fn applied(after: Fields, messages: &[ResponseInfo]) -> Self {
        Self {
            result: Verdict::Applied,
            status: Some(200),
            after: Some(after),
            errors: Vec::new(),
            messages: messages.iter().take(NOTES_MAX).map(Note::of).collect(),
            error: None,
        }
    }

    /// The outcome of a write that failed with `error`.
    pub fn from_error(error: &ApiError) -> Self {
        use ApiError as E;
        let (result, status) = match error {
            E::InvalidInput { .. } | E::Certificate { .. } => (Verdict::NotSent, None),
            E::Auth { .. } | E::Validation { .. } => (Verdict::Refused, None),
            E::Permission { .. } | E::Locked { .. } => (Verdict::Refused, Some(403)),
            E::NotFound { .. } => (Verdict::Refused, Some(404)),
            E::RateLimited { .. } => (Verdict::Refused, Some(429)),
            E::Server { status, .. } | E::Redirected { status, .. } => {
                (Verdict::Failed, Some(*status))
            }
            E::NonJson { status, .. } | E::Decode { status, .. } => {
                (Verdict::Unknown, Some(*status))
            }
            E::TooLarge { .. } | E::Timeout { .. } | E::Connection { .. } => {
                (Verdict::Unknown, None)
            }
        };
        let errors = match error {
            E::Validation { code, message, .. } => vec![Note {
                code: *code,
                message: redact_text(message, TEXT_MAX),
            }],
            _ => Vec::new(),
        };
        Self {
            result,
            status,
            after: None,
            errors,
            messages: Vec::new(),
            error: Some(redact_text(&error.to_string(), TEXT_MAX)),
        }
    }

    pub(crate) fn sanitized(&self) -> Self {
        let notes = |notes: &[Note]| {
            notes
                .iter()
                .take(NOTES_MAX)
                .map(|n| Note {
                    code: n.code,
                    message: redact_text(&n.message, TEXT_MAX),
                })
                .collect()
        };
        Self {
            result: self.result.clone(),
            status: self.status,
            after: self.after.as_ref().map(Fields::sanitized),
            errors: notes(&self.errors),
            messages: notes(&self.messages),
            error: self.error.as_deref().map(|e| redact_text(e, TEXT_MAX)),
        }
    }
}
