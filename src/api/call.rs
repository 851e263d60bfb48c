//! One API request before it is sent, and what a failed attempt leaves behind.

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;

use super::error::ApiError;

/// Whether a request may be sent again after a failure that might have
/// reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// GET, PUT, DELETE: sending twice has the effect of sending once.
    Safe,
    /// PATCH: only retried when the server certainly did not process it.
    Unsafe,
}

/// One API request before it is sent.
pub(crate) struct Call<'a> {
    /// The HTTP method.
    pub method: Method,
    /// Path segments below the API root.
    pub path: Vec<&'a str>,
    /// Query parameters.
    pub query: Vec<(&'static str, String)>,
    /// The JSON body, for writes.
    pub body: Option<serde_json::Value>,
    /// Whether a failure after sending may be retried.
    pub replay: Replay,
    /// Set on the CSAM write, where a bare 403 means "locked by Trust & Safety".
    pub locked_on_403: bool,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: &[&'a str]) -> Self {
        let replay = if method == Method::PATCH || method == Method::POST {
            Replay::Unsafe
        } else {
            Replay::Safe
        };
        Self {
            method,
            path: path.to_vec(),
            query: Vec::new(),
            body: None,
            replay,
            locked_on_403: false,
        }
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
}

impl Attempt {
    /// A failure that no retry would fix.
    pub fn fatal(error: ApiError) -> Self {
        Self {
            error,
            retry: false,
            retry_after: None,
        }
    }
}
