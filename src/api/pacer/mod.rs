//! Paces every request of one credential against Cloudflare's rate limit
//! (1,200 requests per 5 minutes per user, shared with the dashboard; 429 and
//! a lock-out of up to 5 minutes beyond it).
//!
//! A request waits in [`Pacer::acquire`] until the budget, the concurrency
//! bound and the per-second ceiling allow it, and reports its response's
//! headers with [`Permit::finish`]; the pacer corrects itself from them.
//! Interactive requests go first and may spend the last 10 %; bulk work never
//! does. The arithmetic lives in [`PacerCore`], which has no clock.

mod config;
mod core;
mod headers;
#[cfg(test)]
mod sim;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use tokio::sync::{Notify, watch};

pub use self::config::{
    Budget, DEFAULT_MAX_PER_SECOND, DEFAULT_QUOTA, DEFAULT_WINDOW, PacerConfig, Priority,
    RateLimitError, parse_rate_limit,
};
pub use self::core::{PacerCore, Ticket};
pub use self::headers::{Observed, PolicyHeader, RateLimitHeader, parse_policy, parse_ratelimit};

/// The pacer of one credential. Cheap to clone; clones share the budget.
#[derive(Clone)]
pub struct Pacer {
    /// The state every clone and every permit shares.
    shared: Arc<Shared>,
}

/// A request's right to be sent. Report the response with [`Permit::finish`];
/// dropped unfinished, the request counts as sent and unanswered.
pub struct Permit {
    /// The pacer it reports to.
    shared: Arc<Shared>,
    /// Its request in the core.
    ticket: Ticket,
    /// Which queue it came from.
    priority: Priority,
    /// Set by `finish`, so that dropping does not report it twice.
    finished: bool,
}

/// What the clones of one pacer share.
struct Shared {
    /// The core and the waiters; never held across an await.
    state: Mutex<State>,
    /// The latest budget, for the UI.
    budget: watch::Sender<Budget>,
    /// Wakes the timer task when the next deadline moves earlier (or the
    /// pacer is gone).
    timer: Arc<Notify>,
}

/// Everything behind the lock.
struct State {
    /// The arithmetic.
    core: PacerCore,
    /// The waiting `acquire` calls, woken when their ticket is granted.
    waiters: HashMap<Ticket, Arc<Notify>>,
    /// `None` before the timer task is started; then the deadline it sleeps
    /// until (`Some(None)`: none, it waits to be told).
    timer_at: Option<Option<Instant>>,
}

impl Pacer {
    /// A pacer with a full budget. Needs no runtime until the first `acquire`.
    pub fn new(config: PacerConfig) -> Self {
        let now = now();
        let mut core = PacerCore::new(config, now);
        let (budget, _) = watch::channel(core.budget(now));
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    core,
                    waiters: HashMap::new(),
                    timer_at: None,
                }),
                budget,
                timer: Arc::new(Notify::new()),
            }),
        }
    }

    /// Waits for the right to send one request. Fair within a priority
    /// (first come, first served); interactive requests go before every
    /// bulk one. Cancellation-safe: a dropped `acquire` holds nothing.
    pub async fn acquire(&self, priority: Priority) -> Permit {
        let woken = Arc::new(Notify::new());
        let ticket = self.shared.update(|state, _| {
            if state.timer_at.is_none() {
                state.timer_at = Some(None);
                spawn_timer(Arc::downgrade(&self.shared), self.shared.timer.clone());
            }
            let ticket = state.core.enqueue(priority);
            state.waiters.insert(ticket, woken.clone());
            ticket
        });
        let mut queued = Queued {
            shared: &self.shared,
            ticket: Some(ticket),
        };
        loop {
            // A grant between this check and the await is not lost: Notify
            // keeps one wake-up for a waiter that is not waiting yet.
            if self.shared.take_if_started(ticket) {
                queued.ticket = None;
                return Permit {
                    shared: self.shared.clone(),
                    ticket,
                    priority,
                    finished: false,
                };
            }
            woken.notified().await;
        }
    }

    /// The budget now.
    pub fn budget(&self) -> Budget {
        self.shared.update(|state, now| state.core.budget(now))
    }

    /// Told of every change of the budget, for the UI and the logs. The
    /// countdowns in a snapshot run on: see [`Budget::as_of`].
    pub fn watch(&self) -> watch::Receiver<Budget> {
        self.shared.budget.subscribe()
    }
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("budget", &*self.shared.budget.borrow())
            .finish()
    }
}

impl Permit {
    /// Which queue the request came from.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// Reports the response (status and headers, as soon as they arrive).
    pub fn finish(mut self, observed: &Observed) {
        self.finished = true;
        let ticket = self.ticket;
        self.shared
            .update(|state, now| state.core.finish(ticket, Some(observed), now));
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.finished {
            let ticket = self.ticket;
            self.shared
                .update(|state, now| state.core.finish(ticket, None, now));
        }
    }
}

impl std::fmt::Debug for Permit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permit")
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

/// An `acquire` still waiting; dropped, it leaves the queue or gives back
/// the permit it was granted and never took.
struct Queued<'a> {
    /// The pacer it waits in.
    shared: &'a Shared,
    /// `None` once the permit was taken.
    ticket: Option<Ticket>,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            self.shared.update(|state, _| {
                state.waiters.remove(&ticket);
                state.core.abandon(ticket);
            });
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies a change, starts what may start, wakes whoever was granted,
    /// publishes the budget and tells the timer of an earlier deadline, all
    /// under one lock so that snapshots are published in order.
    fn update<T>(&self, change: impl FnOnce(&mut State, Instant) -> T) -> T {
        let now = now();
        let mut state = self.lock();
        let out = change(&mut state, now);
        let next = self.settle(&mut state, now);
        let earlier = match (state.timer_at, next) {
            (Some(Some(armed)), Some(next)) => next < armed,
            (Some(None), Some(_)) => true,
            _ => false,
        };
        if earlier {
            self.timer.notify_one();
        }
        out
    }

    /// Grants, wakes and publishes; returns the next deadline.
    fn settle(&self, state: &mut State, now: Instant) -> Option<Instant> {
        for ticket in state.core.grant(now) {
            if let Some(woken) = state.waiters.get(&ticket) {
                woken.notify_one();
            }
        }
        let budget = state.core.budget(now);
        self.budget.send_if_modified(|old| {
            let changed = !old.same_as(&budget);
            if changed {
                *old = budget;
            }
            changed
        });
        state.core.next_change(now)
    }

    fn take_if_started(&self, ticket: Ticket) -> bool {
        let mut state = self.lock();
        let started = state.core.is_started(ticket);
        if started {
            state.waiters.remove(&ticket);
        }
        started
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.timer.notify_one();
    }
}

/// The one task that acts on deadlines (a block's end, the window's reset,
/// the per-second pause); it ends once the pacer is dropped.
fn spawn_timer(shared: Weak<Shared>, timer: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            let next = {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let now = now();
                let mut state = shared.lock();
                let next = shared.settle(&mut state, now);
                state.timer_at = Some(next);
                next
            };
            match next {
                Some(at) => {
                    tokio::select! {
                        () = timer.notified() => {}
                        () = tokio::time::sleep_until(at.into()) => {}
                    }
                }
                None => timer.notified().await,
            }
        }
    });
}

/// Tokio's clock, so that tests can pause and advance it.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

#[cfg(test)]
#[path = "pacer_tests.rs"]
mod tests;
