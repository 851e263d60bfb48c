//! What the pacer is told before the server says anything, and what it shows.

use std::time::{Duration, Instant};

use thiserror::Error;

/// Cloudflare's documented budget: 1,200 requests per user.
pub const DEFAULT_QUOTA: u32 = 1200;
/// ... per 5 minutes.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);
/// Cloudflare allows 200 requests per second per IP; stay well under it.
pub const DEFAULT_MAX_PER_SECOND: f64 = 150.0;
/// The longest window the pacer accepts (from a flag or a header): a day.
pub const MAX_WINDOW: Duration = Duration::from_secs(86_400);

/// Who is waiting for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// What the person at the keyboard just asked for: goes first and may
    /// spend the reserve.
    Interactive,
    /// Fleet scans and bulk applies: never spend the reserve.
    Bulk,
}

/// How one pacer (one credential) spends its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacerConfig {
    /// Requests per window until the server says otherwise.
    pub quota: u32,
    /// The window's length until the server says otherwise.
    pub window: Duration,
    /// The share of the quota that bulk work leaves for interactive requests
    /// (0.0..=1.0).
    pub bulk_reserve: f64,
    /// Bulk requests in flight at once.
    pub max_in_flight: usize,
    /// Extra slots only interactive requests may use, so a click is never
    /// stuck behind a full scan.
    pub interactive_slots: usize,
    /// Requests started per second at most, or `None` for no ceiling; bulk
    /// work uses at most `1 - bulk_reserve` of it.
    pub max_per_second: Option<f64>,
}

impl Default for PacerConfig {
    fn default() -> Self {
        Self::for_host(false)
    }
}

impl PacerConfig {
    /// The defaults for an API host: 1,200 per 5 minutes, a 10 % reserve,
    /// 32 bulk requests in flight plus 4 slots for interactive ones, and at
    /// most 150 starts a second. On a loopback host (the mock) there is no
    /// per-second ceiling: Cloudflare's 200 req/s per IP is a limit of its
    /// edge, which a local mock does not have, and pacing a scan of the
    /// mock to 150/s would only make tests and demos slow.
    pub fn for_host(is_loopback: bool) -> Self {
        Self {
            quota: DEFAULT_QUOTA,
            window: DEFAULT_WINDOW,
            bulk_reserve: 0.10,
            max_in_flight: 32,
            interactive_slots: 4,
            max_per_second: (!is_loopback).then_some(DEFAULT_MAX_PER_SECOND),
        }
    }

    /// The same with another starting budget, e.g. from [`parse_rate_limit`].
    pub fn with_rate_limit(mut self, (quota, window): (u32, Duration)) -> Self {
        self.quota = quota;
        self.window = window;
        self
    }

    /// Values the pacer can work with: nothing zero, NaN or absurd.
    pub(crate) fn sanitized(self) -> Self {
        let reserve = if self.bulk_reserve.is_finite() {
            self.bulk_reserve.clamp(0.0, 1.0)
        } else {
            0.10
        };
        Self {
            quota: self.quota.max(1),
            window: self.window.clamp(Duration::from_millis(1), MAX_WINDOW),
            bulk_reserve: reserve,
            max_in_flight: self.max_in_flight.max(1),
            interactive_slots: self.interactive_slots.max(1),
            max_per_second: self
                .max_per_second
                .filter(|rate| rate.is_finite() && *rate > 0.0)
                .map(|rate| rate.max(0.01)),
        }
    }
}

/// Why a `--rate-limit` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RateLimitError {
    /// Not `N/DURATION`.
    #[error("{0:?} is not N/DURATION, e.g. 1200/5m")]
    Syntax(String),
    /// A zero count or a zero duration.
    #[error("{0:?}: both the count and the duration must be above zero")]
    Zero(String),
    /// A window longer than a day.
    #[error("{0:?}: the window must be at most a day")]
    TooLong(String),
}

/// Parses `N/DURATION` (`1200/5m`, `100/10s`, `200/s`) into a quota and a
/// window, for a `--rate-limit` flag or a profile key.
pub fn parse_rate_limit(text: &str) -> Result<(u32, Duration), RateLimitError> {
    let syntax = || RateLimitError::Syntax(text.to_owned());
    let (count, window) = text.split_once('/').ok_or_else(syntax)?;
    let quota: u32 = count.trim().parse().map_err(|_| syntax())?;
    let window = window.trim();
    // "200/s" reads as "200 per 1s".
    let window = if window.starts_with(|c: char| c.is_ascii_digit()) {
        humantime::parse_duration(window)
    } else {
        humantime::parse_duration(&format!("1{window}"))
    }
    .map_err(|_| syntax())?;
    if quota == 0 || window.is_zero() {
        return Err(RateLimitError::Zero(text.to_owned()));
    }
    if window > MAX_WINDOW {
        return Err(RateLimitError::TooLong(text.to_owned()));
    }
    Ok((quota, window))
}

/// What the pacer knows, for the UI and the logs. Durations are as of `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Requests that may still start this window (in-flight ones already
    /// subtracted), interactive reserve included.
    pub remaining: u32,
    /// Requests per window (from `Ratelimit-Policy` once the server said so).
    pub quota: u32,
    /// The window's length.
    pub window: Duration,
    /// Until the window resets and the budget is full again.
    pub resets_in: Duration,
    /// Set while the server refused us (429): how long until it takes
    /// requests again. Bulk and interactive requests both wait for it.
    pub blocked_for: Option<Duration>,
    /// Requests sent and not yet answered.
    pub in_flight: usize,
    /// Bulk requests waiting for budget, a slot or the end of a block.
    pub waiting_bulk: usize,
    /// Interactive requests waiting (only during a block or an empty budget).
    pub waiting_interactive: usize,
    /// True once the server sent `Ratelimit` or `Ratelimit-Policy`: the
    /// figures are the server's, not the configured guess.
    pub learned_from_server: bool,
    /// When this snapshot was taken.
    pub at: Instant,
}

impl Budget {
    /// The same snapshot with its countdowns advanced to `now`, for a UI
    /// that redraws between changes. Does not predict the window's reset.
    pub fn as_of(&self, now: Instant) -> Self {
        let elapsed = now.saturating_duration_since(self.at);
        Self {
            resets_in: self.resets_in.saturating_sub(elapsed),
            blocked_for: self
                .blocked_for
                .map(|d| d.saturating_sub(elapsed))
                .filter(|d| !d.is_zero()),
            at: now.max(self.at),
            ..*self
        }
    }

    /// True when `other` says the same thing: equal figures and the same
    /// instants of reset and unblocking (the countdowns themselves differ).
    pub(crate) fn same_as(&self, other: &Self) -> bool {
        let ends = |b: &Self| (b.at + b.resets_in, b.blocked_for.map(|d| b.at + d));
        Self {
            at: other.at,
            resets_in: other.resets_in,
            blocked_for: other.blocked_for,
            ..*self
        } == *other
            && ends(self) == ends(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_forms() {
        assert_eq!(parse_rate_limit("1200/5m"), Ok((1200, DEFAULT_WINDOW)));
        assert_eq!(
            parse_rate_limit(" 100 / 10s "),
            Ok((100, Duration::from_secs(10)))
        );
        assert_eq!(parse_rate_limit("200/s"), Ok((200, Duration::from_secs(1))));
        assert_eq!(
            parse_rate_limit("5/1m 30s"),
            Ok((5, Duration::from_secs(90)))
        );
        for bad in [
            "",
            "1200",
            "/5m",
            "x/5m",
            "-1/5m",
            "1200/",
            "1200/five",
            "1.5/5m",
        ] {
            assert!(
                matches!(parse_rate_limit(bad), Err(RateLimitError::Syntax(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse_rate_limit("0/5m"),
            Err(RateLimitError::Zero(_))
        ));
        assert!(matches!(
            parse_rate_limit("5/0s"),
            Err(RateLimitError::Zero(_))
        ));
        assert!(matches!(
            parse_rate_limit("5/2days"),
            Err(RateLimitError::TooLong(_))
        ));
    }

    #[test]
    fn loopback_has_no_per_second_ceiling() {
        assert_eq!(PacerConfig::for_host(true).max_per_second, None);
        assert_eq!(
            PacerConfig::for_host(false).max_per_second,
            Some(DEFAULT_MAX_PER_SECOND)
        );
        assert_eq!(PacerConfig::default(), PacerConfig::for_host(false));
    }

    #[test]
    fn nonsense_config_is_made_workable() {
        let config = PacerConfig {
            quota: 0,
            window: Duration::ZERO,
            bulk_reserve: f64::NAN,
            max_in_flight: 0,
            interactive_slots: 0,
            max_per_second: Some(-3.0),
        }
        .sanitized();
        assert_eq!(config.quota, 1);
        assert!(!config.window.is_zero());
        assert_eq!(config.bulk_reserve, 0.10);
        assert_eq!((config.max_in_flight, config.interactive_slots), (1, 1));
        assert_eq!(config.max_per_second, None);
    }

    #[test]
    fn a_budget_ages_and_compares_by_its_instants() {
        let at = Instant::now();
        let budget = Budget {
            remaining: 5,
            quota: 10,
            window: Duration::from_secs(60),
            resets_in: Duration::from_secs(30),
            blocked_for: Some(Duration::from_secs(2)),
            in_flight: 0,
            waiting_bulk: 0,
            waiting_interactive: 0,
            learned_from_server: true,
            at,
        };
        let later = budget.as_of(at + Duration::from_secs(3));
        assert_eq!(later.resets_in, Duration::from_secs(27));
        assert_eq!(later.blocked_for, None);
        let aged = budget.as_of(at + Duration::from_secs(1));
        assert!(budget.same_as(&aged));
        assert!(!budget.same_as(&Budget {
            remaining: 4,
            ..aged
        }));
        assert!(!budget.same_as(&Budget {
            resets_in: Duration::from_secs(30),
            ..aged
        }));
    }
}
