//! A deterministic simulation of [`PacerCore`] against a Cloudflare-like
//! fixed-window server that sends `Ratelimit` and `Ratelimit-Policy`, with
//! per-request latency (some answers very late, so they arrive out of order),
//! interactive requests now and then, and a dashboard spending the same
//! budget. The client keeps its default configuration (1,200 per 300 s) and
//! has to learn the server's limit from the headers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use super::core::{PacerCore, Ticket};
use super::{Observed, PacerConfig, Priority, parse_policy, parse_ratelimit};

/// Where a server window begins.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Windows {
    /// Every `window` from a start before the client's (Cloudflare-like).
    Periodic,
    /// At the first request after the last window ended (like the mock).
    OnDemand,
}

/// A fixed-window limit per credential, as Cloudflare's API has.
struct Server {
    /// Requests per window.
    quota: u32,
    /// The window's length.
    window: Duration,
    /// Where windows begin.
    windows: Windows,
    /// Whether answers carry `Ratelimit` and `Ratelimit-Policy` (a 429
    /// always carries `Retry-After`).
    speaks: bool,
    /// The current window's start.
    start: Instant,
    /// Requests counted in it, the dashboard's included.
    count: u32,
    /// Our requests served per server window.
    ours: Vec<u32>,
    /// Our requests answered 429.
    refused: u32,
}

impl Server {
    fn handle(&mut self, at: Instant, ours: bool) -> Observed {
        while at >= self.start + self.window {
            self.start = match self.windows {
                Windows::Periodic => self.start + self.window,
                Windows::OnDemand => at,
            };
            self.count = 0;
            self.ours.push(0);
        }
        let left = self.start + self.window - at;
        let policy = format!("\"default\";q={};w={}", self.quota, self.window.as_secs());
        let mut observed = Observed {
            status: 200,
            policy: parse_policy(&policy, None),
            ..Observed::default()
        };
        if self.count >= self.quota {
            self.refused += u32::from(ours);
            observed.status = 429;
            observed.retry_after = Some(Duration::from_secs(left.as_secs_f64().ceil() as u64));
        } else {
            self.count += 1;
            *self.ours.last_mut().unwrap() += u32::from(ours);
        }
        // `t` rounded down: the harder case for the client.
        let header = format!(
            "\"default\";r={};t={}",
            self.quota - self.count,
            left.as_secs()
        );
        if self.speaks {
            observed.ratelimit = parse_ratelimit(&header);
        } else {
            observed.policy = None;
        }
        observed
    }
}

/// xorshift64*: the same numbers on every run and platform.
/// (The field is the generator's state.)
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn millis(&mut self, low: u64, high: u64) -> Duration {
        Duration::from_millis(low + self.next() % (high - low + 1))
    }
}

enum Event {
    /// A request reaches the server.
    Arrive(Ticket),
    /// Its answer reaches the client.
    Answer(Ticket, Observed),
    /// The person at the keyboard asks for something.
    Click,
    /// The admin's web dashboard spends one request of the same budget.
    Dashboard,
}

/// Events by time; ties in the order they were scheduled.
#[derive(Default)]
struct Agenda {
    /// (when, id), earliest first.
    order: BinaryHeap<Reverse<(Instant, u64)>>,
    /// What happens, by id.
    events: HashMap<u64, Event>,
    /// The last id given.
    scheduled: u64,
}

impl Agenda {
    fn push(&mut self, at: Instant, event: Event) {
        self.scheduled += 1;
        self.events.insert(self.scheduled, event);
        self.order.push(Reverse((at, self.scheduled)));
    }

    fn next_at(&self) -> Option<Instant> {
        self.order.peek().map(|Reverse((at, _))| *at)
    }

    fn pop(&mut self) -> Option<Event> {
        let Reverse((_, id)) = self.order.pop()?;
        self.events.remove(&id)
    }
}

/// One run: the server, the client's configuration and the work.
struct Scenario {
    /// The server's quota.
    quota: u32,
    /// The server's window, in seconds.
    window: u64,
    /// Where the server's windows begin.
    windows: Windows,
    /// Whether the server sends rate-limit headers.
    speaks: bool,
    /// The client's configured limit; `None` = the 1,200 / 300 s default.
    told: Option<(u32, u64)>,
    /// Bulk requests queued at the start.
    bulk: usize,
    /// Interactive requests, one per `click_every`.
    clicks: usize,
    /// Time between two clicks (the first comes at 0.7 s).
    click_every: Duration,
    /// Requests the web dashboard spends per window, at random times.
    dashboard_per_window: u32,
}

/// What a run achieved.
#[derive(Debug)]
struct Outcome {
    /// Our requests answered 429.
    refused: u32,
    /// Our requests answered 200.
    served: usize,
    /// Until the last answer.
    elapsed: Duration,
    /// Achieved rate over the quota's rate.
    share_of_limit: f64,
    /// Our requests per full server window, over the quota.
    per_full_window: f64,
    /// The longest an interactive request waited to start.
    longest_click_wait: Duration,
    /// The most requests started within any one second.
    most_starts_in_a_second: usize,
    /// The quota and window the pacer ended with.
    learned: (u32, Duration),
}

fn run(s: &Scenario) -> Outcome {
    let t0 = Instant::now();
    let window = Duration::from_secs(s.window);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(s.quota));
    let mut server = Server {
        quota: s.quota,
        window,
        windows: s.windows,
        speaks: s.speaks,
        // The server's window began before the client started.
        start: t0 - window / 4,
        count: s.quota / 20,
        ours: vec![0],
        refused: 0,
    };
    let config = match s.told {
        Some((quota, window)) => {
            PacerConfig::default().with_rate_limit((quota, Duration::from_secs(window)))
        }
        None => PacerConfig::default(),
    };
    let mut core = PacerCore::new(config, t0);
    let mut agenda = Agenda::default();
    let mut kinds: HashMap<Ticket, Priority> = HashMap::new();
    for _ in 0..s.bulk {
        kinds.insert(core.enqueue(Priority::Bulk), Priority::Bulk);
    }
    for i in 0..s.clicks {
        let when = t0 + Duration::from_millis(700) + s.click_every * i as u32;
        agenda.push(when, Event::Click);
    }
    let horizon = t0 + window * 40;
    let mut at = t0;
    while at < horizon {
        for _ in 0..s.dashboard_per_window {
            let when = at + rng.millis(0, s.window * 1000);
            agenda.push(when, Event::Dashboard);
        }
        at += window;
    }

    let mut now = t0;
    let (mut served, mut last_answer) = (0, t0);
    let mut clicked: HashMap<Ticket, Instant> = HashMap::new();
    let mut longest_click_wait = Duration::ZERO;
    let mut starts: Vec<Instant> = Vec::new();
    while served < s.bulk + s.clicks {
        for ticket in core.grant(now) {
            starts.push(now);
            if let Some(asked) = clicked.remove(&ticket) {
                longest_click_wait = longest_click_wait.max(now - asked);
            }
            agenda.push(now + rng.millis(10, 40), Event::Arrive(ticket));
        }
        let wake = core.next_change(now);
        let next = match (agenda.next_at(), wake) {
            (Some(event), Some(wake)) if wake < event => {
                now = wake;
                continue;
            }
            (Some(event), _) => event,
            (None, wake) => {
                now = wake.expect("someone is waiting");
                continue;
            }
        };
        assert!(next < horizon, "the simulation ran past its horizon");
        now = next;
        match agenda.pop().unwrap() {
            Event::Arrive(ticket) => {
                let observed = server.handle(now, true);
                // One answer in 50 is very late, overtaking nothing but
                // overtaken by many.
                let slow = rng.next().is_multiple_of(50);
                let back = rng.millis(10, 40) + Duration::from_millis(if slow { 1500 } else { 0 });
                agenda.push(now + back, Event::Answer(ticket, observed));
            }
            Event::Answer(ticket, observed) => {
                core.finish(ticket, Some(&observed), now);
                if observed.status == 429 {
                    let priority = kinds[&ticket];
                    kinds.insert(core.enqueue(priority), priority);
                } else {
                    served += 1;
                    last_answer = now;
                }
            }
            Event::Click => {
                let ticket = core.enqueue(Priority::Interactive);
                kinds.insert(ticket, Priority::Interactive);
                clicked.insert(ticket, now);
            }
            Event::Dashboard => {
                server.handle(now, false);
            }
        }
    }

    let elapsed = last_answer - t0;
    let limit = f64::from(s.quota) / s.window as f64;
    // The first and the last server windows are partial.
    let full = server
        .ours
        .get(1..server.ours.len().saturating_sub(1))
        .unwrap_or(&[]);
    let per_full_window = if full.is_empty() {
        f64::NAN
    } else {
        full.iter().sum::<u32>() as f64 / full.len() as f64 / f64::from(s.quota)
    };
    let most_starts_in_a_second = (0..starts.len())
        .map(|i| starts[i..].partition_point(|t| *t < starts[i] + Duration::from_secs(1)))
        .max()
        .unwrap_or(0);
    let budget = core.budget(now);
    Outcome {
        refused: server.refused,
        served,
        elapsed,
        share_of_limit: served as f64 / elapsed.as_secs_f64() / limit,
        per_full_window,
        longest_click_wait,
        most_starts_in_a_second,
        learned: (budget.quota, budget.window),
    }
}

fn check(scenario: &Scenario) -> Outcome {
    let outcome = run(scenario);
    println!(
        "{}/{}s {:?} speaks {} told {:?} bulk {} clicks {} dashboard {}/window: {outcome:?}",
        scenario.quota,
        scenario.window,
        scenario.windows,
        scenario.speaks,
        scenario.told,
        scenario.bulk,
        scenario.clicks,
        scenario.dashboard_per_window
    );
    assert_eq!(outcome.refused, 0, "no 429 caused by the pacer");
    assert_eq!(outcome.served, scenario.bulk + scenario.clicks);
    assert!(outcome.share_of_limit >= 0.80, "{outcome:?}");
    assert!(
        outcome.longest_click_wait <= Duration::from_millis(100),
        "{outcome:?}"
    );
    assert!(outcome.most_starts_in_a_second <= 150, "{outcome:?}");
    assert_eq!(
        outcome.learned,
        (scenario.quota, Duration::from_secs(scenario.window))
    );
    outcome
}

#[test]
fn learns_120_per_30s_from_the_headers_and_keeps_under_it() {
    for windows in [Windows::Periodic, Windows::OnDemand] {
        let outcome = check(&Scenario {
            quota: 120,
            window: 30,
            windows,
            speaks: true,
            told: None,
            bulk: 1000,
            clicks: 30,
            click_every: Duration::from_secs(7),
            dashboard_per_window: 2,
        });
        assert!(outcome.per_full_window >= 0.85, "{outcome:?}");
    }
}

#[test]
fn keeps_under_1200_per_300s() {
    // 1,000 fit in the first window: done at the per-second ceiling.
    let quick = check(&Scenario {
        quota: 1200,
        window: 300,
        windows: Windows::Periodic,
        speaks: true,
        told: None,
        bulk: 1000,
        clicks: 5,
        click_every: Duration::from_secs(1),
        dashboard_per_window: 10,
    });
    assert!(quick.elapsed < Duration::from_secs(10), "{quick:?}");
    let sustained = check(&Scenario {
        quota: 1200,
        window: 300,
        windows: Windows::Periodic,
        speaks: true,
        told: None,
        bulk: 5000,
        clicks: 30,
        click_every: Duration::from_secs(9),
        dashboard_per_window: 10,
    });
    assert!(sustained.per_full_window >= 0.85, "{sustained:?}");
}

#[test]
fn keeps_under_a_silent_server_it_was_told_the_limit_of() {
    // Like the mock today: no rate-limit headers, windows that start with
    // the first request, `--rate-limit 120/30s` on the client.
    let outcome = check(&Scenario {
        quota: 120,
        window: 30,
        windows: Windows::OnDemand,
        speaks: false,
        told: Some((120, 30)),
        bulk: 1000,
        clicks: 30,
        click_every: Duration::from_secs(7),
        dashboard_per_window: 0,
    });
    assert!(outcome.per_full_window >= 0.85, "{outcome:?}");
}

#[test]
fn a_long_scan_spends_the_limit_up_to_the_window_edges() {
    // Like `trustdeck mock --rate-limit 50/5s`: windows that start with the
    // first request, `t` in whole seconds; the client told the limit.
    let short = check(&Scenario {
        quota: 50,
        window: 5,
        windows: Windows::OnDemand,
        speaks: true,
        told: Some((50, 5)),
        bulk: 1000,
        clicks: 0,
        click_every: Duration::from_secs(1),
        dashboard_per_window: 0,
    });
    assert!(short.share_of_limit >= 0.85, "{short:?}");
    // Cloudflare's: 1,200 per 5 minutes, 10 % of it kept for the keyboard.
    let long = check(&Scenario {
        quota: 1200,
        window: 300,
        windows: Windows::Periodic,
        speaks: true,
        told: None,
        bulk: 5000,
        clicks: 0,
        click_every: Duration::from_secs(1),
        dashboard_per_window: 0,
    });
    assert!(long.per_full_window >= 0.89, "{long:?}");
}
