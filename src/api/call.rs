//! One API request before it is sent, and what a failed attempt leaves behind.

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;

use super::error::ApiError;
use super::pacer::Priority;

/// Whether a request may be sent again after a failure that might have
/// reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// GET, PUT, DELETE: sending twice has the effect of sending once.
    Safe,
    /// PATCH: only retried when the server certainly did not process it.
    Unsafe,
}

/// `GET /user/tokens/verify`.
pub(crate) const USER_TOKEN_VERIFY: &str = "/user/tokens/verify";
/// `GET /accounts/{account_id}/tokens/verify`.
pub(crate) const ACCOUNT_TOKEN_VERIFY: &str = "/accounts/{account_id}/tokens/verify";
/// `GET /accounts`.
pub(crate) const ACCOUNTS: &str = "/accounts";
/// `GET /accounts/{account_id}`.
pub(crate) const ACCOUNT: &str = "/accounts/{account_id}";
/// `GET /zones/{zone_id}`.
pub(crate) const ZONE: &str = "/zones/{zone_id}";
/// `GET /zones`.
pub(crate) const ZONES: &str = "/zones";
/// The CSAM Scanner setting of a zone.
pub(crate) const CSAM: &str = "/zones/{zone_id}/settings/csam_scanner_third_party";
/// The DLP settings of an account.
pub(crate) const DLP: &str = "/accounts/{account_id}/dlp/settings";

/// One API request before it is sent.
pub(crate) struct Call<'a> {
    /// The HTTP method.
    pub method: Method,
    /// The route as the API reference writes it (`/zones/{zone_id}`): named
    /// in errors and logs instead of the path, whose ids could be secrets
    /// typed in the wrong place.
    pub route: &'static str,
    /// Path segments below the API root: the route with its ids filled in.
    pub path: Vec<&'a str>,
    /// Query parameters.
    pub query: Vec<(&'static str, String)>,
    /// The JSON body, for writes.
    pub body: Option<serde_json::Value>,
    /// Whether a failure after sending may be retried.
    pub replay: Replay,
    /// Set on the CSAM write, where a bare 403 means "locked by Trust & Safety".
    pub locked_on_403: bool,
    /// Which of the pacer's queues each attempt waits in: the client's own
    /// priority (interactive unless it is a [`Client::bulk`] clone).
    ///
    /// [`Client::bulk`]: super::Client::bulk
    pub priority: Priority,
}

impl<'a> Call<'a> {
    /// A request to `route`, its `{placeholders}` filled with `ids` in order.
    pub fn new(method: Method, route: &'static str, ids: &[&'a str]) -> Self {
        let mut ids = ids.iter().copied();
        let path = route
            .trim_start_matches('/')
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    ids.next().unwrap_or_default()
                } else {
                    segment
                }
            })
            .collect();
        debug_assert!(ids.next().is_none(), "more ids than placeholders");
        let replay = if method == Method::PATCH || method == Method::POST {
            Replay::Unsafe
        } else {
            Replay::Safe
        };
        Self {
            method,
            route,
            path,
            query: Vec::new(),
            body: None,
            replay,
            locked_on_403: false,
            priority: Priority::Interactive,
        }
    }

    /// `GET /zones/{zone_id}`: what errors call this request.
    pub fn request(&self) -> String {
        format!("{} {}", self.method, self.route)
    }

    pub fn body(mut self, body: &impl Serialize) -> Result<Self, ApiError> {
        let value = serde_json::to_value(body)
            .map_err(|e| ApiError::invalid("request body", e.to_string()))?;
        self.body = Some(value);
        Ok(self)
    }
}

/// A failed attempt, and whether another may follow.
pub(crate) struct Attempt {
    /// What went wrong.
    pub error: ApiError,
    /// Whether trying again is allowed and may help.
    pub retry: bool,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// The server closed the connection under a request that may be sent
    /// again: worth one more try on a new connection.
    pub closed_by_server: bool,
}

impl Attempt {
    /// A failure that no retry would fix.
    pub fn fatal(error: ApiError) -> Self {
        Self {
            error,
            retry: false,
            retry_after: None,
            closed_by_server: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_filled_in_order_and_named_by_its_template() {
        let call = Call::new(Method::GET, CSAM, &["z1"]);
        assert_eq!(
            call.path,
            ["zones", "z1", "settings", "csam_scanner_third_party"]
        );
        assert_eq!(
            call.request(),
            "GET /zones/{zone_id}/settings/csam_scanner_third_party"
        );
        assert_eq!(Call::new(Method::GET, ACCOUNTS, &[]).path, ["accounts"]);
        assert_eq!(Call::new(Method::PATCH, DLP, &["a"]).replay, Replay::Unsafe);
        assert_eq!(call.priority, Priority::Interactive);
    }
}
