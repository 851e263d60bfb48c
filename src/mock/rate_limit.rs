//! Cloudflare's rate limit: a quota per credential in fixed windows, the
//! `Ratelimit` / `Ratelimit-Policy` headers every response carries, and the
//! lock-out (429 with `Retry-After`) for the rest of a window once the quota
//! is spent.
//!
//! The arithmetic, exactly: a credential's window opens at its first
//! request (or its first request after the previous window ended) and
//! covers `[start, start + per)`. The n-th request of a window (1-based) is
//! served when n <= N, refused otherwise. Its headers say
//! `r = max(N - n, 0)` (requests left) and `t = ceil((start + per - now) /
//! 1 s)` (whole seconds until the window ends, at least 1); a refusal's
//! `Retry-After` is that same t. The policy's `w` is `per` rounded up to
//! whole seconds.
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue};

/// `--rate-limit N/DURATION`: at most `requests` per credential per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window.
    pub requests: u32,
    /// The window length.
    pub per: Duration,
}

impl RateLimit {
    /// Cloudflare's global limit: 1,200 requests per 5 minutes.
    pub const CLOUDFLARE: Self = Self {
        requests: 1200,
        per: Duration::from_secs(300),
    };
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().eq_ignore_ascii_case("cloudflare") {
            return Ok(Self::CLOUDFLARE);
        }
        let usage = || format!("{text:?} is not N/DURATION (e.g. 100/10s) or \"cloudflare\"");
        let (count, window) = text.split_once('/').ok_or_else(usage)?;
        let requests: u32 = count.trim().parse().map_err(|_| usage())?;
        let window = window.trim();
        // "100/s" reads as "100 per 1s".
        let window = if window.starts_with(|c: char| c.is_ascii_digit()) {
            window.to_owned()
        } else {
            format!("1{window}")
        };
        let per = humantime::parse_duration(&window).map_err(|_| usage())?;
        if requests == 0 || per.is_zero() {
            return Err(format!(
                "{text:?}: both the count and the duration must be above zero"
            ));
        }
        Ok(Self { requests, per })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            self.requests,
            humantime::format_duration(self.per)
        )
    }
}

/// Where one request stands in its credential's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Budget {
    /// The limit it was counted against.
    pub limit: RateLimit,
    /// Requests left in the window after this one.
    pub remaining: u32,
    /// Whole seconds (rounded up, at least 1) until the window ends.
    pub reset_secs: u64,
    /// Whether this request is over the quota (refused).
    pub over: bool,
}

impl Budget {
    /// The budget of a request refused by a lock-out lasting `left`.
    pub fn locked_out(limit: RateLimit, left: Duration) -> Self {
        Self {
            limit,
            remaining: 0,
            reset_secs: ceil_secs(left),
            over: true,
        }
    }

    /// `Ratelimit` and `Ratelimit-Policy`, as Cloudflare sends them.
    pub fn headers(&self) -> [(HeaderName, HeaderValue); 2] {
        let value = |text: String| {
            HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("\"default\""))
        };
        [
            (
                HeaderName::from_static("ratelimit"),
                value(format!(
                    "\"default\";r={};t={}",
                    self.remaining, self.reset_secs
                )),
            ),
            (
                HeaderName::from_static("ratelimit-policy"),
                value(format!(
                    "\"default\";q={};w={}",
                    self.limit.requests,
                    ceil_secs(self.limit.per)
                )),
            ),
        ]
    }
}

/// Whole seconds in `d`, rounded up, at least 1.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    whole.max(1)
}

/// The open window of every credential: (start, requests counted).
#[derive(Default)]
pub(crate) struct Windows(HashMap<String, (Instant, u32)>);

/// Past this many credentials, windows that have ended are forgotten.
const MAX_TRACKED: usize = 10_000;

impl Windows {
    /// Counts a request of `key` at `now` against `limit`.
    pub fn count(&mut self, limit: RateLimit, key: String, now: Instant) -> Budget {
        if self.0.len() > MAX_TRACKED {
            self.0
                .retain(|_, (start, _)| now.duration_since(*start) < limit.per);
        }
        let (start, count) = self.0.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= limit.per {
            *start = now;
            *count = 0;
        }
        *count = count.saturating_add(1);
        let left = (*start + limit.per).saturating_duration_since(now);
        Budget {
            limit,
            remaining: limit.requests.saturating_sub(*count),
            reset_secs: ceil_secs(left),
            over: *count > limit.requests,
        }
    }

    /// Forgets every window (a changed limit starts them afresh).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_parses_counts_durations_and_cloudflare() {
        let limit: RateLimit = "100/10s".parse().unwrap();
        assert_eq!(
            limit,
            RateLimit {
                requests: 100,
                per: Duration::from_secs(10)
            }
        );
        assert_eq!(
            "5/s".parse::<RateLimit>().unwrap().per,
            Duration::from_secs(1)
        );
        assert_eq!(
            "3/250ms".parse::<RateLimit>().unwrap().per,
            Duration::from_millis(250)
        );
        let cloudflare: RateLimit = "Cloudflare".parse().unwrap();
        assert_eq!(cloudflare, RateLimit::CLOUDFLARE);
        assert_eq!(cloudflare.to_string(), "1200/5m");
        for bad in ["", "100", "x/10s", "0/1s", "5/0s", "5/banana", "cloud"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    fn per_seconds(requests: u32, seconds: u64) -> RateLimit {
        RateLimit {
            requests,
            per: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn the_window_arithmetic_is_exact() {
        let limit = per_seconds(3, 10);
        let mut windows = Windows::default();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut count = |ms: u64| {
            let b = windows.count(limit, "k".into(), at(ms));
            (b.remaining, b.reset_secs, b.over)
        };
        assert_eq!(count(0), (2, 10, false));
        assert_eq!(count(2_500), (1, 8, false), "7.5 s rounds up to 8");
        assert_eq!(count(9_000), (0, 1, false));
        assert_eq!(count(9_001), (0, 1, true), "the 4th is refused");
        assert_eq!(count(9_999), (0, 1, true));
        assert_eq!(count(10_000), (2, 10, false), "a new window at start + per");
        assert_eq!(count(19_999), (1, 1, false));
        assert_eq!(count(20_000), (2, 10, false));
    }

    #[test]
    fn credentials_have_their_own_windows() {
        let limit = per_seconds(1, 60);
        let mut windows = Windows::default();
        let now = Instant::now();
        assert!(!windows.count(limit, "a".into(), now).over);
        assert!(windows.count(limit, "a".into(), now).over);
        assert!(!windows.count(limit, "b".into(), now).over);
    }

    #[test]
    fn headers_follow_cloudflare() {
        let budget = Budget {
            limit: RateLimit::CLOUDFLARE,
            remaining: 1199,
            reset_secs: 300,
            over: false,
        };
        let [(name, value), (policy_name, policy)] = budget.headers();
        assert_eq!(name, "ratelimit");
        assert_eq!(value, "\"default\";r=1199;t=300");
        assert_eq!(policy_name, "ratelimit-policy");
        assert_eq!(policy, "\"default\";q=1200;w=300");
        let sub_second = RateLimit {
            requests: 3,
            per: Duration::from_millis(250),
        };
        let budget = Budget::locked_out(sub_second, Duration::from_millis(10));
        assert_eq!(budget.headers()[1].1, "\"default\";q=3;w=1");
        assert_eq!(budget.reset_secs, 1);
        assert_eq!(ceil_secs(Duration::from_secs(30)), 30);
        assert_eq!(ceil_secs(Duration::from_nanos(30_000_000_001)), 31);
    }
}
