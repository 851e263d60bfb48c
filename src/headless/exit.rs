//! The exit codes of every headless command, in one place, and why a
//! command failed as data ([`Failure`]), each failure with its code.
//!
//! | code | when |
//! |---|---|
//! | 0 | done (also: nothing to change, a dry run, a list, a scan) |
//! | 1 | done, but the server left something other than asked (scanning kept off), or a `fleet scan --fail-on` condition holds |
//! | 2 | refused before sending: usage, a bad value, the configuration, an ambiguous name, a reset not confirmed, an audit log that cannot be written; or Cloudflare rejected the request's content |
//! | 3 | authentication, permission, or read-only mode |
//! | 4 | the zone or account (or a cached scan) is not there |
//! | 5 | locked by Trust & Safety |
//! | 6 | network, timeout, rate limit or server error after the retries; an answer that cannot be used |
//! | 130 | interrupted (SIGINT) |

use std::process::ExitCode;

use thiserror::Error;

use crate::api::ApiError;
use crate::audit::AuditError;
use crate::config::ConfigError;
use crate::fleet::Failure as RowFailure;

/// A headless command's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Done as asked.
    Done,
    /// Done, but what was asked for does not hold: the server adjusted a
    /// write, or a `--fail-on` condition holds.
    Unmet,
    /// Refused before sending anything (or Cloudflare refused the content).
    Refused,
    /// Authentication, permission or read-only mode.
    Denied,
    /// The zone, account or cached scan is not there.
    NotFound,
    /// Locked by Trust & Safety.
    Locked,
    /// The network, a timeout or the server failed, after the retries.
    Unavailable,
    /// SIGINT.
    Interrupted,
}

impl Exit {
    /// Every status, in the order of their codes.
    pub const ALL: [Self; 8] = [
        Self::Done,
        Self::Unmet,
        Self::Refused,
        Self::Denied,
        Self::NotFound,
        Self::Locked,
        Self::Unavailable,
        Self::Interrupted,
    ];

    /// When a command exits with it, in a sentence (the module's table).
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Done => "Done (also: nothing to change, a dry run, a list, a scan).",
            Self::Unmet => {
                "Done, but the server left something other than asked (scanning kept off \
                 until the email is verified), or a fleet scan --fail-on condition holds."
            }
            Self::Refused => {
                "Refused before sending: usage, a bad value, the configuration, an ambiguous \
                 name, a change not confirmed, an audit log or journal that cannot be \
                 written; or Cloudflare rejected the request's content."
            }
            Self::Denied => "Authentication, permission, or read-only mode.",
            Self::NotFound => "The zone, account, run or cached scan is not there.",
            Self::Locked => "Locked by Trust & Safety.",
            Self::Unavailable => {
                "Network, timeout, rate limit or server error after the retries; an answer \
                 that cannot be used."
            }
            Self::Interrupted => "Interrupted by Ctrl-C (SIGINT), SIGTERM or SIGHUP.",
        }
    }

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Self::Done => 0,
            Self::Unmet => 1,
            Self::Refused => 2,
            Self::Denied => 3,
            Self::NotFound => 4,
            Self::Locked => 5,
            Self::Unavailable => 6,
            Self::Interrupted => 130,
        }
    }

    /// The status of a failed API call.
    pub fn of_api(error: &ApiError) -> Self {
        use ApiError as E;
        match error {
            E::InvalidInput { .. } | E::Validation { .. } => Self::Refused,
            E::Auth { .. } | E::Permission { .. } => Self::Denied,
            E::NotFound { .. } => Self::NotFound,
            E::Locked { .. } => Self::Locked,
            E::RateLimited { .. }
            | E::Server { .. }
            | E::Redirected { .. }
            | E::TooLarge { .. }
            | E::NonJson { .. }
            | E::Decode { .. }
            | E::Timeout { .. }
            | E::Connection { .. }
            | E::Certificate { .. } => Self::Unavailable,
        }
    }

    /// The status of a configuration that cannot be used: every one is a
    /// problem to fix before anything is sent.
    pub fn of_config(_: &ConfigError) -> Self {
        Self::Refused
    }

    /// The status of a fleet row's (or listing's) failure.
    pub fn of_row(failure: &RowFailure) -> Self {
        match failure {
            RowFailure::NoPermission { .. } | RowFailure::Auth => Self::Denied,
            RowFailure::NotFound => Self::NotFound,
            RowFailure::Locked => Self::Locked,
            RowFailure::Invalid => Self::Refused,
            RowFailure::NotAvailable => Self::NotFound,
            RowFailure::RateLimited
            | RowFailure::Server { .. }
            | RowFailure::Timeout
            | RowFailure::Network
            | RowFailure::BadAnswer { .. } => Self::Unavailable,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// Why a headless command stopped. The messages name zones, accounts, files
/// and flags, never a secret.
#[derive(Debug, Error)]
pub enum Failure {
    /// A flag or value that cannot work; nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The configuration (flags, environment, profile) cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An API call failed.
    #[error("{doing}: {error}")]
    Api {
        /// What was being done, e.g. "reading the CSAM Scanner setting of zone x".
        doing: String,
        /// How it failed.
        error: ApiError,
    },
    /// No zone or account of that name or id.
    #[error("{0}")]
    NotFound(String),
    /// A name that several zones or accounts have.
    #[error("{0}")]
    Ambiguous(String),
    /// Read-only mode refuses every write.
    #[error("read-only mode ({why}): {what}; nothing was sent")]
    ReadOnly {
        /// Which flag or profile turned it on.
        why: String,
        /// What would have been written.
        what: String,
    },
    /// The setting says it is locked; nothing was sent.
    #[error("{0}")]
    Locked(String),
    /// The audit log could not take the intent, so the write was not sent.
    #[error("{0}; the write was not sent (every write is recorded first)")]
    Audit(AuditError),
    /// A reset that was not confirmed.
    #[error("{0}")]
    NotConfirmed(String),
    /// A fleet scan whose listing failed, so not every zone was read.
    #[error("{message}")]
    Scan {
        /// The kind of failure, for the exit status.
        failure: RowFailure,
        /// What happened, in words.
        message: String,
    },
    /// Nothing is cached for `fleet scan --cached`.
    #[error("{0}")]
    NothingCached(String),
    /// SIGINT.
    #[error("{}", interrupted_line(.in_flight.as_deref()))]
    Interrupted {
        /// The write that was sent and whose reply was not awaited, if one was.
        in_flight: Option<String>,
    },
}

fn interrupted_line(in_flight: Option<&str>) -> String {
    match in_flight {
        Some(write) => format!(
            "interrupted while {write} was in flight: it was sent and may have been applied \
             (its outcome is recorded as unknown in the audit log); read the setting to see"
        ),
        None => "interrupted; no write was in flight".to_owned(),
    }
}

impl Failure {
    /// The exit status this failure ends the command with.
    pub fn exit(&self) -> Exit {
        match self {
            Self::Usage(_) | Self::Ambiguous(_) | Self::Audit(_) | Self::NotConfirmed(_) => {
                Exit::Refused
            }
            Self::Config(error) => Exit::of_config(error),
            Self::Api { error, .. } => Exit::of_api(error),
            Self::NotFound(_) | Self::NothingCached(_) => Exit::NotFound,
            Self::ReadOnly { .. } => Exit::Denied,
            Self::Locked(_) => Exit::Locked,
            Self::Scan { failure, .. } => Exit::of_row(failure),
            Self::Interrupted { .. } => Exit::Interrupted,
        }
    }

    /// An API failure while `doing` something.
    pub fn api(doing: impl Into<String>, error: ApiError) -> Self {
        Self::Api {
            doing: doing.into(),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_api_error_has_its_documented_status() {
        let cases = [
            (ApiError::invalid("zone id", "is empty"), 2),
            (
                ApiError::Validation {
                    code: 1007,
                    message: "bad".into(),
                    pointer: None,
                },
                2,
            ),
            (
                ApiError::Auth {
                    request: "GET /zones".into(),
                    message: "no".into(),
                },
                3,
            ),
            (
                ApiError::Permission {
                    permission: None,
                    message: "no".into(),
                },
                3,
            ),
            (
                ApiError::NotFound {
                    message: "x".into(),
                },
                4,
            ),
            (
                ApiError::Locked {
                    message: "x".into(),
                },
                5,
            ),
            (ApiError::RateLimited { retry_after: None }, 6),
            (
                ApiError::Server {
                    status: 502,
                    message: "x".into(),
                },
                6,
            ),
            (
                ApiError::Timeout {
                    after: Duration::from_secs(1),
                },
                6,
            ),
            (
                ApiError::Connection {
                    host: "h".into(),
                    detail: "refused".into(),
                },
                6,
            ),
            (
                ApiError::Decode {
                    status: 200,
                    detail: "x".into(),
                },
                6,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(Exit::of_api(&error).code(), code, "{error:?}");
            assert_eq!(Failure::api("doing", error).exit().code(), code);
        }
    }

    #[test]
    fn local_refusals_have_their_statuses() {
        assert_eq!(Failure::Usage("x".into()).exit().code(), 2);
        assert_eq!(Failure::Ambiguous("x".into()).exit().code(), 2);
        assert_eq!(Failure::NotConfirmed("x".into()).exit().code(), 2);
        let read_only = Failure::ReadOnly {
            why: "--read-only".into(),
            what: "a PATCH".into(),
        };
        assert_eq!(read_only.exit().code(), 3);
        assert_eq!(Failure::NotFound("x".into()).exit().code(), 4);
        assert_eq!(Failure::NothingCached("x".into()).exit().code(), 4);
        assert_eq!(Failure::Locked("x".into()).exit().code(), 5);
        let interrupted = Failure::Interrupted {
            in_flight: Some("the PATCH".into()),
        };
        assert_eq!(interrupted.exit().code(), 130);
        assert!(interrupted.to_string().contains("may have been applied"));
        let listing = Failure::Scan {
            failure: RowFailure::Server { status: 502 },
            message: "x".into(),
        };
        assert_eq!(listing.exit().code(), 6);
        assert_eq!(Exit::of_row(&RowFailure::Auth).code(), 3);
    }
}
