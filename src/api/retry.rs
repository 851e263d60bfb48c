//! When to try a request again, like Cloudflare's official SDKs: up to two
//! retries, exponential backoff from 0.5 s doubling to 8 s with up to 25 %
//! jitter, and the server's `Retry-After` when it sends one.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::HeaderMap;

use super::error::ApiError;

/// A retry about to happen: told to the client's observer right before it
/// waits, so a person can learn why nothing seems to happen.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// The attempt that follows the wait: 2 for the first retry.
    pub attempt: u32,
    /// How long the client waits before it.
    pub wait: Duration,
    /// Why the previous attempt failed (e.g. rate limited).
    pub error: ApiError,
}

/// The retry schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited out: the error is returned.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How long to wait before retry number `retries + 1`, or `None` to give up.
    pub fn wait(&self, retries: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => {
                let doubled = self.initial_backoff.saturating_mul(1u32 << retries.min(16));
                let backoff = doubled.min(self.max_backoff);
                let jitter = 1.0 - rand::rng().random_range(0.0..0.25);
                Some(backoff.mul_f64(jitter))
            }
        }
    }
}

/// `retry-after-ms`, else `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|t| t.parse::<f64>().ok()) {
        return finite(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return finite(seconds);
    }
    let at =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let at = SystemTime::from(at);
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn finite(seconds: f64) -> Option<Duration> {
    (0.0..1e9)
        .contains(&seconds)
        .then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_after_two() {
        let policy = RetryPolicy::default();
        let first = policy.wait(0, None).unwrap();
        assert!(
            first <= Duration::from_millis(500) && first >= Duration::from_millis(375),
            "{first:?}"
        );
        let second = policy.wait(1, None).unwrap();
        assert!(
            second <= Duration::from_secs(1) && second >= Duration::from_millis(750),
            "{second:?}"
        );
        assert_eq!(policy.wait(2, None), None);
        let long = RetryPolicy {
            max_retries: 10,
            ..policy
        };
        assert!(long.wait(9, None).unwrap() <= Duration::from_secs(8));
    }

    #[test]
    fn retry_after_is_honoured_within_a_minute() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.wait(0, Some(Duration::from_secs(300))), None);
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h), None);
    }
}
