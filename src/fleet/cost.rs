//! What a bulk run will spend of the rate limit, said before it is asked
//! for: its requests (a PATCH per zone sent, a GET per zone read again
//! first), how many windows of the limit they reach into from the budget
//! as it stands now, and about how long that takes.

use std::fmt;
use std::time::Duration;

use super::event::estimate_eta;
use super::plan::Plan;
use crate::api::pacer::{Budget, PacerConfig};

/// Cloudflare's API limit per credential: 1,200 requests per 5 minutes.
const CLOUDFLARE: (u32, Duration) = (1200, Duration::from_secs(300));

/// A run's requests and what they take of the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCost {
    /// Writes: one per target sent the change (a PATCH, or a DLP reset).
    pub patches: usize,
    /// GETs: zones read again right before their PATCH (never read, or old
    /// rows of a change that re-reads them).
    pub rereads: usize,
    /// Windows of the limit the run reaches into, this one included (at
    /// least 1 when anything is sent).
    pub windows: u64,
    /// About how long the run takes; `None` when it is a few seconds.
    pub eta: Option<Duration>,
    /// The limit: requests per window.
    pub quota: u32,
    /// The limit's window.
    pub window: Duration,
}

impl RunCost {
    /// The cost of `plan` at `now` (seconds since the Unix epoch) against
    /// `budget`, for a run that reads again rows older than `max_row_age`
    /// when its change wants it. A row young now but old by the time a later
    /// window lets it be sent counts as read again.
    pub fn of(
        plan: &Plan,
        now: u64,
        max_row_age: Duration,
        budget: &Budget,
        pacer: &PacerConfig,
    ) -> Self {
        let sent = plan.entries.iter().filter(|e| e.sends()).map(|e| e.read_at);
        let rereads_old = plan.change.rereads_old_rows();
        Self::of_sends(sent, rereads_old, now, max_row_age, budget, pacer)
    }

    /// The cost of writes to targets whose rows were read at `read_ats`
    /// (seconds since the Unix epoch; 0: never read), in the order sent, as
    /// [`RunCost::of`] counts it: any kind of target's plan.
    pub fn of_sends(
        read_ats: impl IntoIterator<Item = u64>,
        rereads_old: bool,
        now: u64,
        max_row_age: Duration,
        budget: &Budget,
        pacer: &PacerConfig,
    ) -> Self {
        let age_limit = max_row_age.as_secs();
        let bulk_now = bulk_left(budget, pacer.bulk_reserve);
        let (mut patches, mut rereads) = (0, 0);
        for read_at in read_ats {
            // Requests spent before this zone's: when it is past what this
            // window has left, it is sent once the window resets.
            let spent = (patches + rereads) as u64;
            let wait = if spent >= bulk_now {
                budget.resets_in.as_secs()
            } else {
                0
            };
            let old = now.saturating_add(wait).saturating_sub(read_at) > age_limit;
            patches += 1;
            if read_at == 0 || (rereads_old && old) {
                rereads += 1;
            }
        }
        let requests = (patches + rereads) as u64;
        let per_window = bulk_per_window(budget, pacer.bulk_reserve);
        let windows = match requests {
            0 => 0,
            n if n <= bulk_now => 1,
            n => (n - bulk_now).div_ceil(per_window) + u64::from(bulk_now > 0),
        };
        let pace = pacer
            .max_per_second
            .map_or(0.0, |rate| rate * (1.0 - pacer.bulk_reserve));
        let eta = estimate_eta(requests as usize, pace, budget, pacer.bulk_reserve)
            .filter(|eta| *eta >= Duration::from_secs(1));
        Self {
            patches,
            rereads,
            windows,
            eta,
            quota: budget.quota,
            window: budget.window,
        }
    }

    /// Every request the run sends (a 429's retry aside).
    pub fn requests(&self) -> usize {
        self.patches + self.rereads
    }
}

/// The bulk share of a budget: what is left now, and a window's worth.
fn bulk_left(budget: &Budget, reserve: f64) -> u64 {
    u64::from(budget.remaining).saturating_sub(reserved(budget.quota, reserve))
}

fn bulk_per_window(budget: &Budget, reserve: f64) -> u64 {
    u64::from(budget.quota)
        .saturating_sub(reserved(budget.quota, reserve))
        .max(1)
}

/// As the pacer rounds it.
fn reserved(quota: u32, reserve: f64) -> u64 {
    (f64::from(quota) * reserve.clamp(0.0, 1.0) - 1e-6).ceil() as u64
}

/// "1,983 requests (954 PATCHes, 1,029 re-reads) · 2 windows of
/// Cloudflare's limit · about 5m".
impl fmt::Display for RunCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        let requests = self.requests() as u64;
        write!(f, "{} request{}", thousands(requests), plural(requests))?;
        if self.rereads > 0 {
            write!(
                f,
                " ({} PATCH{}, {} re-read{})",
                thousands(self.patches as u64),
                if self.patches == 1 { "" } else { "es" },
                thousands(self.rereads as u64),
                plural(self.rereads as u64)
            )?;
        }
        if requests == 0 {
            return Ok(());
        }
        let limit = if (self.quota, self.window) == CLOUDFLARE {
            "Cloudflare's limit".to_owned()
        } else {
            format!(
                "the limit ({} per {})",
                thousands(u64::from(self.quota)),
                humantime::format_duration(self.window)
            )
        };
        write!(
            f,
            " · {} window{} of {limit}",
            self.windows,
            plural(self.windows)
        )?;
        match self.eta {
            Some(eta) if eta >= Duration::from_secs(60) => {
                let minutes = eta.as_secs().div_ceil(60);
                let shown = humantime::format_duration(Duration::from_secs(minutes * 60));
                write!(f, " · about {shown}")
            }
            Some(eta) => write!(f, " · about {}s", eta.as_secs()),
            None => f.write_str(" · a few seconds"),
        }
    }
}

/// `1983` as `1,983`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;
