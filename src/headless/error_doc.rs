//! With `--json`, a failure is an `error` document on stderr (one line)
//! instead of the `trustdeck: …` line: its exit code, a stable word for
//! what failed, the message, and the zone or account the command had found,
//! if it got that far.

use std::sync::{Arc, Mutex, PoisonError};

use crate::api::ApiError;
use crate::doc::{self, ErrorBody, Kind};
use crate::fleet::Failure as RowFailure;

use super::Failure;
use super::resolve::{AccountRef, ZoneRef};

/// The zone and account a command found, kept for its error document.
#[derive(Debug, Clone, Default)]
pub struct Seen(Arc<Mutex<Found>>);

/// What [`Seen`] holds.
#[derive(Debug, Clone, Default)]
struct Found {
    /// The zone, once resolved.
    zone: Option<doc::Zone>,
    /// The account, once resolved.
    account: Option<doc::AccountRef>,
}

impl Seen {
    /// Keeps `zone` (and its account).
    pub fn zone(&self, zone: &ZoneRef) {
        let mut found = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let zone = zone.doc();
        found.account = zone.account.clone().or(found.account.take());
        found.zone = Some(zone);
    }

    /// Keeps `account`.
    pub fn account(&self, account: &AccountRef) {
        let mut found = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        found.account = Some(doc::AccountRef {
            id: account.id.clone(),
            name: account.name.clone(),
        });
    }

    fn found(&self) -> Found {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Writes the error document of `failure` on stderr, one line.
pub fn print(failure: &Failure, seen: &Seen) {
    let found = seen.found();
    let body = ErrorBody {
        exit_code: failure.exit().code(),
        error: word(failure).to_owned(),
        message: failure.to_string(),
        zone: found.zone,
        account: found.account,
    };
    eprintln!("{}", doc::to_line(&doc::Doc::new(Kind::Error, body)));
}

/// The stable word for what failed.
pub fn word(failure: &Failure) -> &'static str {
    match failure {
        Failure::Usage(_) => "usage",
        Failure::Config(_) => "config",
        Failure::Api { error, .. } => api_word(error),
        Failure::NotFound(_) => "not_found",
        Failure::Ambiguous(_) => "ambiguous",
        Failure::ReadOnly { .. } => "read_only",
        Failure::Locked(_) => "locked",
        Failure::Audit(_) => "audit",
        Failure::NotConfirmed(_) => "not_confirmed",
        Failure::Scan { failure, .. } => row_word(failure),
        Failure::NothingCached(_) => "nothing_cached",
        Failure::Interrupted { .. } => "interrupted",
    }
}

/// The stable word for a failed API call.
pub fn api_word(error: &ApiError) -> &'static str {
    use ApiError as E;
    match error {
        E::InvalidInput { .. } => "invalid_input",
        E::Validation { .. } => "validation",
        E::Auth { .. } => "auth",
        E::Permission { .. } => "permission",
        E::NotFound { .. } => "not_found",
        E::Locked { .. } => "locked",
        E::RateLimited { .. } => "rate_limited",
        E::Server { .. } => "server",
        E::Redirected { .. } => "redirected",
        E::TooLarge { .. } => "too_large",
        E::NonJson { .. } => "non_json",
        E::Decode { .. } => "decode",
        E::Timeout { .. } => "timeout",
        E::Connection { .. } => "connection",
        E::Certificate { .. } => "certificate",
    }
}

fn row_word(failure: &RowFailure) -> &'static str {
    match failure {
        RowFailure::NoPermission { .. } => "permission",
        RowFailure::Auth => "auth",
        RowFailure::NotFound => "not_found",
        RowFailure::Locked => "locked",
        RowFailure::Invalid => "validation",
        RowFailure::RateLimited => "rate_limited",
        RowFailure::Server { .. } => "server",
        RowFailure::Timeout => "timeout",
        RowFailure::Network => "connection",
        RowFailure::BadAnswer { .. } => "decode",
        RowFailure::NotAvailable => "not_available",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_word() {
        assert_eq!(word(&Failure::Usage("x".into())), "usage");
        assert_eq!(
            word(&Failure::api(
                "reading",
                ApiError::RateLimited { retry_after: None }
            )),
            "rate_limited"
        );
        assert_eq!(
            word(&Failure::Interrupted { in_flight: None }),
            "interrupted"
        );
    }
}
