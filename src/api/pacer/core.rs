//! The pacer's arithmetic, with no clock of its own: every method takes `now`.
//!
//! The budget is counted per window. Until the server speaks, a window holds
//! `quota` requests and lasts `window` from its first request. Once a
//! response of the window carries `Ratelimit`, the server is believed: the lowest `r` it reported for the
//! window, minus every request still in flight (the server may not have
//! counted them yet) and every request whose answer said nothing (it may have
//! been counted after that `r`). That is exact when nothing else spends the
//! budget, and never more than the truth however the answers are reordered.
//! The window ends at the latest instant the server's answers allow, so a
//! new window is never opened before the server's, and no later: each
//! answer's `t` (whole seconds, rounded either way) bounds the reset, and an
//! answer counted in the window, which was sent after the window began,
//! bounds it by the window's length from when it came back (tight for the
//! first answer of a window that began with it, as the mock's do). The
//! lowest bound is kept, so no budget is lost waiting at an edge.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use tracing::{debug, warn};

use super::config::{Budget, PacerConfig, Priority};
use super::headers::Observed;

/// `t` and `Retry-After` are whole seconds: a reset may come up to this late.
const RESET_MARGIN: Duration = Duration::from_secs(1);
/// Added to a window's length when an answer bounds its end: the server's
/// clock may run a little ahead of ours.
const EDGE_MARGIN: Duration = Duration::from_millis(20);
/// How long to stop after a 429 that says neither `Retry-After` nor `t`.
const FALLBACK_BLOCK: Duration = Duration::from_secs(10);
/// The longest stop a 429 can impose: three times Cloudflare's documented
/// lock-out, so a garbled `Retry-After` cannot freeze the app.
const MAX_BLOCK: Duration = Duration::from_secs(15 * 60);
/// Starts remembered for the per-second ceiling.
const MAX_RATE_LOG: usize = 1000;

/// A place in the queue, then a request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(u64);

/// A request that has started.
#[derive(Debug, Clone, Copy)]
struct Flight {
    /// Which in-flight count it holds a place in.
    priority: Priority,
    /// The window it started in; answers from an older window say nothing
    /// about this one.
    epoch: u64,
    /// When it was sent: the server counted it no earlier.
    started_at: Instant,
}

/// The current window as the pacer counts it.
#[derive(Debug, Clone, Copy)]
struct Window {
    /// Counts windows; bumped at every reset.
    epoch: u64,
    /// When the pacer starts the next window: never before the server does.
    end: Instant,
    /// True once `end` came from the server (`t` or `Retry-After`).
    confirmed: bool,
    /// True once `end` is fixed: from the server, or from this window's
    /// first request (a server may start its window only then).
    anchored: bool,
    /// The lowest `r` the server reported in this window.
    server_remaining: Option<u32>,
    /// Requests started in this window, those carried over in flight included.
    started: u32,
    /// Requests of this window that ended without a usable `Ratelimit`.
    unreported: u32,
}

/// The budget of one credential and the requests waiting for it.
#[derive(Debug)]
pub struct PacerCore {
    /// What the pacer was told, sanitized.
    config: PacerConfig,
    /// Requests per window: configured, then `Ratelimit-Policy`'s `q`.
    quota: u32,
    /// The window's length: configured, then `Ratelimit-Policy`'s `w`.
    window_length: Duration,
    /// Whether the server has sent any rate-limit header.
    learned: bool,
    /// Whether any answer has come back yet.
    answered: bool,
    /// The window being spent.
    window: Window,
    /// Set by a 429: nothing starts before this.
    blocked_until: Option<Instant>,
    /// Recent starts, for the per-second ceiling.
    starts: VecDeque<Instant>,
    /// Interactive tickets waiting, first come first.
    interactive: VecDeque<Ticket>,
    /// Bulk tickets waiting, first come first.
    bulk: VecDeque<Ticket>,
    /// Requests sent and not yet finished.
    flights: HashMap<Ticket, Flight>,
    /// How many of `flights` are bulk.
    bulk_in_flight: usize,
    /// The next ticket's number; tickets are never reused.
    next_ticket: u64,
}

impl PacerCore {
    /// A fresh budget at `now`.
    pub fn new(config: PacerConfig, now: Instant) -> Self {
        let config = config.sanitized();
        Self {
            config,
            quota: config.quota,
            window_length: config.window,
            learned: false,
            answered: false,
            window: Window {
                epoch: 0,
                end: now + config.window,
                confirmed: false,
                anchored: false,
                server_remaining: None,
                started: 0,
                unreported: 0,
            },
            blocked_until: None,
            starts: VecDeque::new(),
            interactive: VecDeque::new(),
            bulk: VecDeque::new(),
            flights: HashMap::new(),
            bulk_in_flight: 0,
            next_ticket: 0,
        }
    }

    /// Joins the queue of `priority`, behind those already waiting in it.
    pub fn enqueue(&mut self, priority: Priority) -> Ticket {
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        match priority {
            Priority::Interactive => self.interactive.push_back(ticket),
            Priority::Bulk => self.bulk.push_back(ticket),
        }
        ticket
    }

    /// True once `ticket` has been granted and not yet finished.
    pub fn is_started(&self, ticket: Ticket) -> bool {
        self.flights.contains_key(&ticket)
    }

    /// The tickets that may start now, in the order they start. Interactive
    /// tickets go first; while one must wait, no bulk ticket starts.
    pub fn grant(&mut self, now: Instant) -> Vec<Ticket> {
        self.roll(now);
        let mut granted = Vec::new();
        for priority in [Priority::Interactive, Priority::Bulk] {
            while let Some(&ticket) = self.queue(priority).front() {
                if !self.may_start(priority, now) {
                    return granted;
                }
                self.queue(priority).pop_front();
                self.start(ticket, priority, now);
                granted.push(ticket);
            }
        }
        granted
    }

    /// Gives up a ticket that has not been sent: out of the queue, or, if it
    /// was granted, its slot and its share of the budget back.
    pub fn abandon(&mut self, ticket: Ticket) {
        self.interactive.retain(|t| *t != ticket);
        self.bulk.retain(|t| *t != ticket);
        if let Some(flight) = self.end_flight(ticket)
            && flight.epoch == self.window.epoch
        {
            self.window.started = self.window.started.saturating_sub(1);
        }
    }

    /// A request has ended: with what its response said, or `None` when no
    /// response came (it may still have reached the server and been counted).
    pub fn finish(&mut self, ticket: Ticket, observed: Option<&Observed>, now: Instant) {
        let Some(flight) = self.end_flight(ticket) else {
            return;
        };
        self.roll(now);
        let Some(observed) = observed else {
            self.window.unreported += 1;
            return;
        };
        self.answered = true;
        if let Some(policy) = &observed.policy {
            self.learned = true;
            if (policy.quota, policy.window) != (self.quota, self.window_length) {
                debug!(
                    quota = policy.quota,
                    window_s = policy.window.as_secs(),
                    "rate-limit policy"
                );
            }
            self.quota = policy.quota;
            self.window_length = policy.window.max(Duration::from_millis(1));
        }
        let current = flight.epoch == self.window.epoch;
        if observed.status == 429 {
            self.refused(observed, current, now);
        }
        self.learned |= observed.ratelimit.is_some();
        // Counted in its window, so sent after that window began: the
        // window ends no later than a window's length from this answer.
        let counted = observed.status != 429 && observed.policy.is_some();
        let cap = counted.then(|| now + self.window_length + EDGE_MARGIN);
        match &observed.ratelimit {
            Some(limit) if current => {
                self.correct(limit.remaining, limit.resets_in, flight.started_at, now);
                if let Some(cap) = cap
                    && self.window.confirmed
                {
                    self.window.end = self.window.end.min(cap);
                }
            }
            _ => self.window.unreported += 1,
        }
    }

    /// When a waiting ticket may become grantable without any answer coming
    /// back: the end of a block, of the window, or of the per-second pause.
    pub fn next_change(&mut self, now: Instant) -> Option<Instant> {
        self.roll(now);
        if self.interactive.is_empty() && self.bulk.is_empty() {
            return None;
        }
        let mut at = self.window.end;
        if let Some(until) = self.blocked_until.filter(|until| *until > now) {
            at = at.min(until);
        }
        for priority in [Priority::Interactive, Priority::Bulk] {
            if self.queue_len(priority) > 0
                && let Some(slot) = self.rate_slot(priority).filter(|slot| *slot > now)
            {
                at = at.min(slot);
            }
        }
        Some(at)
    }

    /// The budget as of `now`.
    pub fn budget(&mut self, now: Instant) -> Budget {
        self.roll(now);
        Budget {
            remaining: self.remaining(),
            quota: self.quota,
            window: self.window_length,
            resets_in: self.window.end.saturating_duration_since(now),
            blocked_for: self
                .blocked_until
                .map(|until| until.saturating_duration_since(now))
                .filter(|d| !d.is_zero()),
            in_flight: self.flights.len(),
            waiting_bulk: self.bulk.len(),
            waiting_interactive: self.interactive.len(),
            learned_from_server: self.learned,
            at: now,
        }
    }

    fn queue_len(&self, priority: Priority) -> usize {
        match priority {
            Priority::Interactive => self.interactive.len(),
            Priority::Bulk => self.bulk.len(),
        }
    }

    fn queue(&mut self, priority: Priority) -> &mut VecDeque<Ticket> {
        match priority {
            Priority::Interactive => &mut self.interactive,
            Priority::Bulk => &mut self.bulk,
        }
    }

    /// Requests that may still start in this window.
    fn remaining(&self) -> u32 {
        match self.window.server_remaining {
            Some(r) => r
                .saturating_sub(self.flights.len() as u32)
                .saturating_sub(self.window.unreported),
            None => self.quota.saturating_sub(self.window.started),
        }
    }

    /// Requests bulk work leaves to interactive ones.
    fn reserve(&self) -> u32 {
        // The epsilon keeps 10 % of 120 at 12 whatever the float rounding.
        (f64::from(self.quota) * self.config.bulk_reserve - 1e-6).ceil() as u32
    }

    fn may_start(&self, priority: Priority, now: Instant) -> bool {
        if self.blocked_until.is_some_and(|until| until > now) {
            return false;
        }
        if self.rate_slot(priority).is_some_and(|slot| slot > now) {
            return false;
        }
        let slots = self.config.max_in_flight + self.config.interactive_slots;
        match priority {
            Priority::Interactive => self.remaining() > 0 && self.flights.len() < slots,
            Priority::Bulk => {
                // Until the first answer, one bulk request at a time: the
                // budget may already be spent (by the dashboard, say).
                let bulk_slots = if self.answered {
                    self.config.max_in_flight
                } else {
                    1
                };
                self.remaining() > self.reserve()
                    && self.bulk_in_flight < bulk_slots
                    && self.flights.len() < slots
            }
        }
    }

    /// When the per-second ceiling lets a request of `priority` start, if
    /// it is full for it. Bulk work leaves the reserve's share of it to
    /// interactive requests, so a click is not paced behind a scan.
    fn rate_slot(&self, priority: Priority) -> Option<Instant> {
        let rate = self.config.max_per_second?;
        let (n, span) = rate_log(rate);
        let allowed = match priority {
            Priority::Interactive => n,
            Priority::Bulk => ((n as f64 * (1.0 - self.config.bulk_reserve)) as usize).max(1),
        };
        let started = self.starts.len();
        (started >= allowed).then(|| self.starts[started - allowed] + span)
    }

    fn start(&mut self, ticket: Ticket, priority: Priority, now: Instant) {
        if !self.window.anchored {
            // The request reaches the server a little later: the margin.
            let from_here = now + self.window_length + RESET_MARGIN;
            self.window.end = self.window.end.max(from_here);
            self.window.anchored = true;
        }
        if let Some(rate) = self.config.max_per_second {
            self.starts.push_back(now);
            while self.starts.len() > rate_log(rate).0 {
                self.starts.pop_front();
            }
        }
        self.window.started += 1;
        if priority == Priority::Bulk {
            self.bulk_in_flight += 1;
        }
        self.flights.insert(
            ticket,
            Flight {
                priority,
                epoch: self.window.epoch,
                started_at: now,
            },
        );
    }

    fn end_flight(&mut self, ticket: Ticket) -> Option<Flight> {
        let flight = self.flights.remove(&ticket)?;
        if flight.priority == Priority::Bulk {
            self.bulk_in_flight -= 1;
        }
        Some(flight)
    }

    /// Opens a new window once the current one has certainly ended. Requests
    /// still in flight are counted in the new one too: the server may count
    /// them there.
    fn roll(&mut self, now: Instant) {
        if now < self.window.end {
            return;
        }
        let length = self.window_length.as_nanos().max(1);
        let behind = now.duration_since(self.window.end).as_nanos();
        let advance = u64::try_from((behind / length + 1) * length).unwrap_or(u64::MAX);
        let end = self
            .window
            .end
            .checked_add(Duration::from_nanos(advance))
            .unwrap_or(now + self.window_length);
        self.open_window(end, false);
    }

    fn open_window(&mut self, end: Instant, confirmed: bool) {
        self.window = Window {
            epoch: self.window.epoch + 1,
            end,
            confirmed,
            anchored: confirmed,
            server_remaining: None,
            started: self.flights.len() as u32,
            unreported: 0,
        };
    }

    /// A `Ratelimit` answer to a request started in this window.
    fn correct(
        &mut self,
        remaining: u32,
        resets_in: Option<Duration>,
        started_at: Instant,
        now: Instant,
    ) {
        let lowest = |known: Option<u32>| Some(known.map_or(remaining, |k| k.min(remaining)));
        let Some(t) = resets_in else {
            self.window.server_remaining = lowest(self.window.server_remaining);
            return;
        };
        // The reset the server means lies between these two instants.
        let latest = now + t + RESET_MARGIN;
        let earliest = (started_at + t)
            .checked_sub(RESET_MARGIN)
            .unwrap_or(started_at);
        if !self.window.confirmed {
            self.window.end = latest;
            self.window.confirmed = true;
            self.window.anchored = true;
            self.window.server_remaining = lowest(self.window.server_remaining);
        } else if earliest > self.window.end {
            // The server has already started a later window than ours.
            self.open_window(latest, true);
            self.window.server_remaining = Some(remaining);
        } else {
            // Each answer bounds the reset; the lowest bound is the nearest
            // to the truth.
            self.window.end = self.window.end.min(latest);
            self.window.server_remaining = lowest(self.window.server_remaining);
        }
    }

    /// A 429: nothing starts until the server takes requests again.
    fn refused(&mut self, observed: &Observed, current: bool, now: Instant) {
        let reset = observed.ratelimit.as_ref().and_then(|r| r.resets_in);
        let wait = observed
            .retry_after
            .or(reset)
            .unwrap_or(FALLBACK_BLOCK)
            .min(MAX_BLOCK);
        let until = now + wait;
        if self.blocked_until.is_none_or(|b| b <= now) {
            warn!(
                wait_s = wait.as_secs_f64(),
                "rate limited by the server; pausing requests"
            );
        }
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
        let budget_spent = observed.ratelimit.as_ref().is_none_or(|r| r.remaining == 0);
        if current && budget_spent {
            // The window is spent; the server takes requests again at `until`.
            self.window.end = until;
            self.window.confirmed = true;
            self.window.anchored = true;
            self.window.server_remaining = Some(0);
        }
    }
}

/// The per-second ceiling as "at most `n` starts in any `span`".
fn rate_log(rate: f64) -> (usize, Duration) {
    let n = (rate.floor() as usize).clamp(1, MAX_RATE_LOG);
    (n, Duration::from_secs_f64(n as f64 / rate))
}

#[cfg(test)]
#[path = "core_tests.rs"]
mod tests;
