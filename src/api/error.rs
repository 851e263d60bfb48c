//! What can go wrong talking to Cloudflare, each with a line a person can act on.
//!
//! Errors are plain data (Clone, no boxed sources) so the dashboard can keep
//! them in its state, and they never contain a credential.

use std::time::Duration;

use thiserror::Error;

use super::model::ResponseInfo;
use super::text::{MESSAGE_MAX, one_line};

/// A failed API call.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// Refused before sending: a value the API would reject or that could
    /// change the request path.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// Which input, in words ("zone id", "notification email").
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Cloudflare refused this call for these credentials (401, or an
    /// authentication code). It says which call: the same credentials may
    /// work elsewhere, so this is not proof that they are bad.
    #[error("Cloudflare refused {request} for these credentials: {message}")]
    Auth {
        /// The call, as method and route template (`GET /accounts`), never
        /// with its ids.
        request: String,
        /// Cloudflare's message.
        message: String,
    },
    /// The credentials work but may not do this.
    #[error("{}", permission_line(.permission.as_deref(), .message))]
    Permission {
        /// The permission the token lacks, when Cloudflare names it.
        permission: Option<String>,
        /// Cloudflare's message.
        message: String,
    },
    /// Trust & Safety has locked the zone or account.
    #[error("locked by Trust & Safety: this setting cannot be changed here ({message})")]
    Locked {
        /// Cloudflare's message.
        message: String,
    },
    /// The zone, account or route does not exist for these credentials.
    #[error("not found: {message}; check the zone or account id")]
    NotFound {
        /// Cloudflare's message.
        message: String,
    },
    /// Too many requests; the wait is Cloudflare's `Retry-After`, when sent.
    #[error("{}", rate_limited_line(*.retry_after))]
    RateLimited {
        /// How long Cloudflare asked us to wait.
        retry_after: Option<Duration>,
    },
    /// Cloudflare rejected the request's content.
    #[error("rejected by Cloudflare ({code}): {message}")]
    Validation {
        /// Cloudflare's error code.
        code: i64,
        /// Cloudflare's message.
        message: String,
        /// The JSON pointer of the offending field, when given.
        pointer: Option<String>,
    },
    /// Cloudflare failed (5xx with a JSON envelope).
    #[error("Cloudflare server error (HTTP {status}): {message}; try again")]
    Server {
        /// The HTTP status.
        status: u16,
        /// Cloudflare's message, or the status text.
        message: String,
    },
    /// The server answered with a redirect. The API never redirects, and
    /// following one could carry the credentials to another host, so it is
    /// not followed.
    #[error(
        "the server answered HTTP {status}, a redirect to {location}; it was not followed (the API does not redirect: check the base URL)"
    )]
    Redirected {
        /// The HTTP status (3xx).
        status: u16,
        /// Where it pointed: without query, fragment or user info, clipped.
        location: String,
    },
    /// The answer was larger than any real answer can be; reading stopped
    /// there, so a hostile or broken server cannot exhaust memory.
    #[error("the answer is larger than {}; reading stopped there (check the base URL)", size_text(*.limit))]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The answer was not JSON, e.g. an HTML error page from the edge.
    #[error("unexpected non-JSON answer (HTTP {status}): {snippet}; try again")]
    NonJson {
        /// The HTTP status.
        status: u16,
        /// A short, single-line excerpt of the body.
        snippet: String,
    },
    /// The answer was JSON but not the expected shape.
    #[error("unexpected answer (HTTP {status}): {detail}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not fit.
        detail: String,
    },
    /// No complete answer in time.
    #[error("no answer within {}s; check the network and retry", .after.as_secs_f32())]
    Timeout {
        /// The time limit that ran out.
        after: Duration,
    },
    /// The server's certificate is not trusted: no retry helps, and the
    /// network is fine. A company proxy that inspects TLS shows its own
    /// certificate; its CA goes into `SSL_CERT_FILE`.
    #[error(
        "the server's certificate for {host} is not trusted: {reason}; nothing was sent. If a company proxy inspects TLS, set SSL_CERT_FILE to its CA certificate (PEM); otherwise check the base URL"
    )]
    Certificate {
        /// The host that was dialled.
        host: String,
        /// Why, in words.
        reason: String,
    },
    /// The connection could not be made or broke off.
    #[error("could not reach {host}: {detail}; check the network and retry")]
    Connection {
        /// The host that was dialled.
        host: String,
        /// What failed.
        detail: String,
    },
}

fn permission_line(permission: Option<&str>, message: &str) -> String {
    match permission {
        Some(p) => format!(
            "permission denied: the token lacks '{p}'; add it to the token or use another one"
        ),
        None => format!("permission denied: {message}"),
    }
}

fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn rate_limited_line(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(
            "rate limited by Cloudflare; try again in {}s",
            wait.as_secs().max(1)
        ),
        None => "rate limited by Cloudflare; wait a minute and try again".to_owned(),
    }
}

impl ApiError {
    /// True for failures where trying the same call again may work.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Server { .. }
                | Self::NonJson { .. }
                | Self::Timeout { .. }
                | Self::Connection { .. }
        )
    }

    /// The JSON pointer of the field a validation error is about.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::Validation { pointer, .. } => pointer.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Codes Cloudflare uses for credentials it does not accept.
const AUTH_CODES: &[i64] = &[1000, 6003, 6103, 6111, 9103, 9106, 10000, 10001];
/// Codes Cloudflare uses for a token without the needed permission.
const PERMISSION_CODES: &[i64] = &[9109, 10403];
/// The code the mock uses for a Trust & Safety lock.
pub const LOCKED_CODE: i64 = 1403;

/// A failed answer, before it is turned into an [`ApiError`].
pub(crate) struct Failure<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The envelope's errors (empty when there was no envelope).
    pub errors: &'a [ResponseInfo],
    /// The server's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// Set for the CSAM write, where Cloudflare documents 403 as "locked by
    /// Trust & Safety" unless the error says it is a permission.
    pub locked_on_403: bool,
    /// The call, as method and route template.
    pub request: &'a str,
}

impl Failure<'_> {
    /// What the status and the envelope's errors mean.
    pub fn classify(&self) -> ApiError {
        let Self {
            status,
            errors,
            retry_after,
            locked_on_403,
            request,
        } = *self;
        let first = errors.first();
        let message = {
            let joined: Vec<&str> = errors
                .iter()
                .map(|e| e.message.trim())
                .filter(|m| !m.is_empty())
                .collect();
            if joined.is_empty() {
                status_text(status).to_owned()
            } else {
                one_line(&joined.join("; "), MESSAGE_MAX)
            }
        };
        let has_code = |codes: &[i64]| errors.iter().any(|e| codes.contains(&e.code));
        let mentions = |needle: &str| message.to_lowercase().contains(needle);
        let auth = |message| ApiError::Auth {
            request: request.to_owned(),
            message,
        };
        match status {
            429 => ApiError::RateLimited { retry_after },
            408 => ApiError::Timeout {
                after: Duration::ZERO,
            },
            401 => auth(message),
            403 if has_code(&[LOCKED_CODE]) || mentions("trust & safety") || mentions("locked") => {
                ApiError::Locked { message }
            }
            403 if has_code(AUTH_CODES) && !has_code(PERMISSION_CODES) => auth(message),
            403 if has_code(PERMISSION_CODES) || mentions("permission") || !locked_on_403 => {
                ApiError::Permission {
                    permission: quoted_permission(&message),
                    message,
                }
            }
            403 => ApiError::Locked { message },
            404 => ApiError::NotFound { message },
            400..=499 if has_code(AUTH_CODES) => auth(message),
            400..=499 => ApiError::Validation {
                code: first.map_or(0, |e| e.code),
                message,
                pointer: errors.iter().find_map(|e| e.pointer().map(str::to_owned)),
            },
            _ => ApiError::Server { status, message },
        }
    }
}

/// The permission name in a message like `lacks the 'Zone Settings Write' permission`.
fn quoted_permission(message: &str) -> Option<String> {
    let mut parts = message.split('\'');
    parts.next()?;
    let name = parts.next()?.trim();
    (!name.is_empty() && name.len() <= 64).then(|| name.to_owned())
}

fn status_text(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(code: i64, message: &str) -> ResponseInfo {
        ResponseInfo {
            code,
            message: message.to_owned(),
            documentation_url: None,
            source: None,
        }
    }

    fn classify(
        status: u16,
        errors: &[ResponseInfo],
        retry_after: Option<Duration>,
        locked_on_403: bool,
    ) -> ApiError {
        Failure {
            status,
            errors,
            retry_after,
            locked_on_403,
            request: "PATCH /zones/{zone_id}/settings/csam_scanner_third_party",
        }
        .classify()
    }

    #[test]
    fn a_403_is_told_apart_by_its_code() {
        let perm = classify(
            403,
            &[info(
                9109,
                "this API token lacks the 'Zone Settings Write' permission",
            )],
            None,
            true,
        );
        assert_eq!(
            perm,
            ApiError::Permission {
                permission: Some("Zone Settings Write".into()),
                message: "this API token lacks the 'Zone Settings Write' permission".into()
            }
        );
        assert!(matches!(
            classify(403, &[info(1403, "zone is locked")], None, true),
            ApiError::Locked { .. }
        ));
        assert!(matches!(
            classify(403, &[info(1234, "Forbidden")], None, true),
            ApiError::Locked { .. }
        ));
        assert!(matches!(
            classify(403, &[info(1234, "Forbidden")], None, false),
            ApiError::Permission { .. }
        ));
        assert!(matches!(
            classify(403, &[info(9103, "Unknown X-Auth-Key")], None, true),
            ApiError::Auth { .. }
        ));
    }

    #[test]
    fn validation_keeps_code_message_and_pointer() {
        let mut e = info(1007, "email is too long");
        e.source = Some(super::super::model::ResponseSource {
            pointer: Some("/value/email".into()),
        });
        let err = classify(400, &[e], None, false);
        assert_eq!(err.pointer(), Some("/value/email"));
        assert_eq!(
            err.to_string(),
            "rejected by Cloudflare (1007): email is too long"
        );
    }

    #[test]
    fn messages_are_one_line() {
        let all = [
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
            ApiError::Timeout {
                after: Duration::from_secs(30),
            },
            ApiError::Auth {
                request: "GET /accounts".into(),
                message: "Invalid API Token".into(),
            },
        ];
        for e in all {
            assert!(!e.to_string().contains('\n'));
        }
        assert_eq!(
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
            .to_string(),
            "rate limited by Cloudflare; try again in 7s"
        );
    }

    #[test]
    fn an_auth_error_names_the_refused_call_not_a_bad_token() {
        let err = Failure {
            status: 401,
            errors: &[info(10000, "Authentication error")],
            retry_after: None,
            locked_on_403: false,
            request: "GET /accounts",
        }
        .classify();
        assert_eq!(
            err.to_string(),
            "Cloudflare refused GET /accounts for these credentials: Authentication error"
        );
        assert!(!err.to_string().contains("CLOUDFLARE_API_TOKEN"));
    }
}
