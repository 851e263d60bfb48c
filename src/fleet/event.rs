//! What a running scan reports, in order: `Started`, `Listing` reports,
//! `Listed`, then `Row`s with a `Progress` now and then, and `Finished` last.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::row::{FleetRow, RowError};
use crate::api::Budget;

/// One report of a running scan: of zones (rows of [`FleetRow`]) or of
/// accounts (rows of [`super::AccountRow`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ScanEvent<R = FleetRow> {
    /// The scan began (the first event).
    Started {
        /// When, in seconds since the Unix epoch.
        at: u64,
    },
    /// The rate-limit budget while the zones are listed: once at the start
    /// and at every change. While the pacer holds the listing's pages (a
    /// spent budget, a 429) this is the only word of it.
    Listing {
        /// The credentials' rate-limit budget now.
        budget: Budget,
    },
    /// Every zone is listed: this many will be read (not sent when the first
    /// page of the listing fails).
    Listed {
        /// Zones to read.
        total: usize,
    },
    /// One zone (or account) read, or its error.
    Row(R),
    /// How far the scan is; at most every [`PROGRESS_EVERY`], and once
    /// before `Finished`.
    Progress(ScanProgress),
    /// The scan is over (the last event).
    Finished(ScanEnd),
}

/// How often a scan reports its progress at most.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How far a scan is.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanProgress {
    /// Zones read or failed so far.
    pub done: usize,
    /// Zones to read in all.
    pub total: usize,
    /// Of `done`, those that failed.
    pub failed: usize,
    /// API calls finished so far (listing included; a call's retries are
    /// one call).
    pub calls: u64,
    /// `calls` per second since the scan began.
    pub per_second: f64,
    /// Until the last zone is read, estimated from the pace so far and the
    /// rate-limit budget; `None` before there is anything to go on.
    pub eta: Option<Duration>,
    /// The credentials' rate-limit budget now.
    pub budget: Budget,
    /// Since the scan began.
    pub elapsed: Duration,
}

/// How a scan ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEnd {
    /// Complete, cancelled, or the listing failed.
    pub outcome: ScanOutcome,
    /// Zones listed.
    pub total: usize,
    /// Zones whose setting was read.
    pub read: usize,
    /// Zones whose read failed (rows with an error).
    pub failed: usize,
    /// API calls finished.
    pub calls: u64,
    /// How long the scan ran.
    pub elapsed: Duration,
    /// When it ended, in seconds since the Unix epoch.
    pub finished_at: u64,
    /// The ids of every zone the credentials see, when the whole listing was
    /// read: rows of other zones are of zones that are gone.
    pub listed: Option<Vec<String>>,
    /// Only the zones asked for were read again (a scan's failed rows): the
    /// scan they are folded into keeps its dates and how it ended.
    pub reread: bool,
}

/// How a scan ended, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ScanOutcome {
    /// Every listed zone has a row.
    Complete,
    /// Stopped on request; the rows read so far stand.
    Cancelled,
    /// Part of the listing could not be read: the zones of that part have
    /// no row (those listed were read).
    ListingFailed(RowError),
}

/// Estimates how long `left` more calls take at `per_second`, and no less
/// than the rate-limit budget allows: bulk work gets `quota` less the
/// `reserve` share (as the pacer rounds it) per window, and what is left of
/// this window now.
pub fn estimate_eta(
    left: usize,
    per_second: f64,
    budget: &Budget,
    reserve: f64,
) -> Option<Duration> {
    if left == 0 {
        return Some(Duration::ZERO);
    }
    let by_pace = (per_second.is_finite() && per_second > 0.0)
        .then(|| Duration::try_from_secs_f64(left as f64 / per_second).ok())
        .flatten();
    let reserved = (f64::from(budget.quota) * reserve.clamp(0.0, 1.0) - 1e-6).ceil() as u64;
    let per_window = (u64::from(budget.quota).saturating_sub(reserved)).max(1);
    let now = u64::from(budget.remaining).saturating_sub(reserved);
    let left = left as u64;
    let by_budget = if left <= now {
        Duration::ZERO
    } else {
        let windows = (left - now).div_ceil(per_window);
        let first = budget.resets_in.max(budget.blocked_for.unwrap_or_default());
        first
            + budget
                .window
                .saturating_mul(u32::try_from(windows - 1).unwrap_or(u32::MAX))
    };
    match by_pace {
        Some(pace) => Some(pace.max(by_budget)),
        None if !by_budget.is_zero() => Some(by_budget),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn budget(remaining: u32, quota: u32, window: u64, resets_in: u64) -> Budget {
        Budget {
            remaining,
            quota,
            window: Duration::from_secs(window),
            resets_in: Duration::from_secs(resets_in),
            blocked_for: None,
            in_flight: 0,
            waiting_bulk: 0,
            waiting_interactive: 0,
            learned_from_server: false,
            at: Instant::now(),
        }
    }

    #[test]
    fn within_the_budget_the_pace_decides() {
        let plenty = budget(1200, 1200, 300, 290);
        assert_eq!(
            estimate_eta(500, 100.0, &plenty, 0.1),
            Some(Duration::from_secs(5))
        );
        assert_eq!(estimate_eta(0, 0.0, &plenty, 0.1), Some(Duration::ZERO));
        assert_eq!(
            estimate_eta(500, 0.0, &plenty, 0.1),
            None,
            "nothing to go on"
        );
        assert_eq!(estimate_eta(500, f64::NAN, &plenty, 0.1), None);
    }

    #[test]
    fn beyond_the_budget_whole_windows_are_waited_for() {
        // 120 per 30 s with a reserve of 12: bulk gets 108 a window. 30 are
        // left now (18 for bulk), so 300 calls need this window's reset plus
        // two more windows: 282 = 108 + 108 + 66.
        let tight = budget(30, 120, 30, 10);
        assert_eq!(
            estimate_eta(300, 1000.0, &tight, 0.1),
            Some(Duration::from_secs(10 + 2 * 30))
        );
        // A block lasts longer than the window's reset: it counts instead.
        let blocked = Budget {
            blocked_for: Some(Duration::from_secs(25)),
            ..tight
        };
        assert_eq!(
            estimate_eta(100, 1000.0, &blocked, 0.1),
            Some(Duration::from_secs(25))
        );
        // A slow pace still wins when it is slower than the budget.
        assert_eq!(
            estimate_eta(100, 0.5, &tight, 0.1),
            Some(Duration::from_secs(200))
        );
        // No pace yet: the budget alone.
        assert_eq!(
            estimate_eta(100, 0.0, &tight, 0.1),
            Some(Duration::from_secs(10))
        );
    }
}
