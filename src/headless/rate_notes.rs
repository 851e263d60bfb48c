//! What the rate limit did to a headless command, on stderr, as the
//! dashboard shows it: when stderr is not a terminal (a terminal has the
//! progress line), a line each time the pacer starts holding requests (a
//! 429, or a spent budget); and at the end, whenever it happened at all, how
//! many answers were 429 and how long requests were held in all.

use std::io::{self, IsTerminal};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::fleet::seconds;
use super::output::note;
use crate::api::{Budget, Client};

/// Watches a client's budget while a command runs; reports when dropped.
pub struct RateNotes {
    client: Client,
    held: Arc<Mutex<Held>>,
    task: JoinHandle<()>,
}

/// Time the pacer held requests.
#[derive(Default)]
struct Held {
    /// Since when, while it does.
    since: Option<Instant>,
    /// Every hold that ended.
    total: Duration,
}

impl Held {
    fn so_far(&self) -> Duration {
        self.total + self.since.map_or(Duration::ZERO, |since| since.elapsed())
    }
}

impl RateNotes {
    /// Starts watching `client`'s budget (on the current runtime).
    pub fn watch(client: &Client) -> Self {
        let held = Arc::new(Mutex::new(Held::default()));
        let live = !io::stderr().is_terminal();
        let reserve = client.pacer_config().bulk_reserve;
        let mut budget = client.budget_watch();
        let shared = held.clone();
        let task = tokio::spawn(async move {
            while budget.changed().await.is_ok() {
                let now = *budget.borrow_and_update();
                let holding = holds(&now, reserve);
                let mut held = shared.lock().unwrap_or_else(PoisonError::into_inner);
                match (held.since, holding) {
                    (None, true) => {
                        held.since = Some(Instant::now());
                        if live {
                            note(&format!("trustdeck: {}", hold_words(&now)));
                        }
                    }
                    (Some(since), false) => {
                        held.total += since.elapsed();
                        held.since = None;
                    }
                    _ => {}
                }
            }
        });
        Self {
            client: client.clone(),
            held,
            task,
        }
    }
}

/// Whether requests wait for the rate limit (not for a free slot).
fn holds(budget: &Budget, reserve: f64) -> bool {
    let reserved = (f64::from(budget.quota) * reserve.clamp(0.0, 1.0)).ceil() as u32;
    budget.blocked_for.is_some()
        || (budget.waiting_bulk > 0 && budget.remaining <= reserved)
        || (budget.waiting_interactive > 0 && budget.remaining == 0)
}

fn hold_words(budget: &Budget) -> String {
    match budget.blocked_for {
        Some(wait) => format!(
            "rate limited by Cloudflare (429): waiting {} before sending more",
            seconds(wait)
        ),
        None => format!(
            "the rate-limit budget is spent ({} requests per {}): waiting {} for the next window",
            budget.quota,
            seconds(budget.window),
            seconds(budget.resets_in)
        ),
    }
}

impl Drop for RateNotes {
    fn drop(&mut self) {
        self.task.abort();
        let held = self
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .so_far();
        let refused = self.client.rate_limited();
        if refused == 0 && held < Duration::from_secs(1) {
            return;
        }
        let refusals = match refused {
            0 => "no request was refused".to_owned(),
            1 => "Cloudflare refused 1 request with 429".to_owned(),
            n => format!("Cloudflare refused {n} requests with 429"),
        };
        note(&format!(
            "trustdeck: met the rate limit: requests waited {} in all for it; {refusals}",
            seconds(held)
        ));
    }
}
