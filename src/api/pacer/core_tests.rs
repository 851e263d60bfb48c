use super::*;
use crate::api::pacer::headers::{PolicyHeader, RateLimitHeader};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn config(quota: u32, window: u64) -> PacerConfig {
    PacerConfig {
        quota,
        window: Duration::from_secs(window),
        max_in_flight: 1000,
        interactive_slots: 1000,
        max_per_second: None,
        ..PacerConfig::default()
    }
}

/// A 200 with `Ratelimit: "default";r=R;t=T`.
fn said(r: u32, t: u64) -> Observed {
    Observed {
        status: 200,
        ratelimit: Some(RateLimitHeader {
            name: "default".into(),
            remaining: r,
            resets_in: Some(Duration::from_secs(t)),
        }),
        ..Observed::default()
    }
}

fn with_policy(mut observed: Observed, quota: u32, window: u64) -> Observed {
    observed.policy = Some(PolicyHeader {
        name: "default".into(),
        quota,
        window: Duration::from_secs(window),
    });
    observed
}

fn silent() -> Observed {
    Observed {
        status: 200,
        ..Observed::default()
    }
}

fn refused(retry_after: Option<u64>, ratelimit: Option<(u32, u64)>) -> Observed {
    Observed {
        status: 429,
        retry_after: retry_after.map(Duration::from_secs),
        ratelimit: ratelimit.and_then(|(r, t)| said(r, t).ratelimit),
        ..Observed::default()
    }
}

/// Queues `n` tickets and returns how many of them start now.
fn try_start(core: &mut PacerCore, priority: Priority, n: usize, now: Instant) -> Vec<Ticket> {
    for _ in 0..n {
        core.enqueue(priority);
    }
    core.grant(now)
}

/// Starts one interactive request and answers it, so the pacer has heard
/// the server once (bulk then runs at full concurrency).
fn answer_once(core: &mut PacerCore, observed: &Observed, now: Instant) {
    let started = try_start(core, Priority::Interactive, 1, now);
    assert_eq!(started.len(), 1);
    core.finish(started[0], Some(observed), now);
}

#[test]
fn bulk_leaves_the_reserve_to_interactive() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    answer_once(&mut core, &silent(), t0);
    let bulk = try_start(&mut core, Priority::Bulk, 200, t0);
    assert_eq!(bulk.len(), 89, "1 + 89 = 90 of 100: the last 10 % is kept");
    assert_eq!(core.budget(t0).remaining, 10);
    assert_eq!(core.budget(t0).waiting_bulk, 111);
    let interactive = try_start(&mut core, Priority::Interactive, 11, t0);
    assert_eq!(
        interactive.len(),
        10,
        "interactive may spend the reserve, not more"
    );
    assert_eq!(core.budget(t0).remaining, 0);
}

#[test]
fn interactive_jumps_the_queue_and_each_queue_is_fifo() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    answer_once(&mut core, &silent(), t0);
    let b: Vec<Ticket> = (0..3).map(|_| core.enqueue(Priority::Bulk)).collect();
    let i: Vec<Ticket> = (0..2)
        .map(|_| core.enqueue(Priority::Interactive))
        .collect();
    assert_eq!(core.grant(t0), vec![i[0], i[1], b[0], b[1], b[2]]);
}

#[test]
fn until_the_first_answer_bulk_runs_one_at_a_time() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(1200, 300), t0);
    let bulk = try_start(&mut core, Priority::Bulk, 10, t0);
    assert_eq!(bulk.len(), 1);
    assert_eq!(try_start(&mut core, Priority::Interactive, 2, t0).len(), 2);
    core.finish(bulk[0], None, t0);
    assert_eq!(core.grant(t0).len(), 1, "no answer is not an answer");
    let interactive = try_start(&mut core, Priority::Interactive, 1, t0);
    core.finish(interactive[0], Some(&silent()), t0);
    assert_eq!(core.grant(t0).len(), 8);
}

#[test]
fn a_new_window_restores_the_budget() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(10, 60), t0);
    answer_once(&mut core, &silent(), t0);
    let bulk = try_start(&mut core, Priority::Bulk, 20, t0);
    assert_eq!(bulk.len(), 8, "1 + 8 leaves a reserve of 1");
    for ticket in bulk {
        core.finish(ticket, Some(&silent()), t0);
    }
    // 60 s from the first request, plus a second for it to reach the server.
    assert!(core.grant(t0 + secs(60.9)).is_empty());
    assert_eq!(core.next_change(t0 + secs(60.9)), Some(t0 + secs(61.0)));
    assert_eq!(core.grant(t0 + secs(61.0)).len(), 9);
    assert_eq!(core.budget(t0 + secs(61.0)).resets_in, secs(61.0));
}

#[test]
fn a_guessed_window_starts_with_its_first_request() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(10, 60), t0);
    assert_eq!(core.budget(t0 + secs(50.0)).resets_in, secs(10.0));
    let later = t0 + secs(100.0);
    try_start(&mut core, Priority::Interactive, 1, later);
    assert_eq!(core.budget(later).resets_in, secs(61.0));
    assert_eq!(core.budget(later).remaining, 9);
}

#[test]
fn the_server_lowers_the_budget_and_shortens_the_window() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(1200, 300), t0);
    assert!(!core.budget(t0).learned_from_server);
    answer_once(&mut core, &with_policy(said(100, 30), 120, 30), t0);
    let budget = core.budget(t0);
    assert!(budget.learned_from_server);
    assert_eq!((budget.remaining, budget.quota), (100, 120));
    assert_eq!(budget.window, secs(30.0));
    assert_eq!(
        budget.resets_in,
        secs(30.02),
        "a window's length from an answer counted in it (t plus a second for rounding is later)"
    );
    assert_eq!(
        try_start(&mut core, Priority::Bulk, 200, t0).len(),
        100 - 12
    );
}

#[test]
fn the_server_raises_the_budget() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(10, 60), t0);
    answer_once(&mut core, &with_policy(said(500, 20), 1000, 60), t0);
    let budget = core.budget(t0);
    assert_eq!((budget.remaining, budget.quota), (500, 1000));
    assert_eq!(try_start(&mut core, Priority::Bulk, 1000, t0).len(), 400);
    // The next window is predicted from the learned policy.
    let next = t0 + secs(21.0);
    let budget = core.budget(next);
    assert_eq!(
        budget.remaining,
        1000 - 400,
        "the 400 in flight count here too"
    );
    assert_eq!(budget.resets_in, secs(60.0));
}

#[test]
fn requests_in_flight_count_against_what_the_server_said() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(1200, 300), t0);
    let flights = try_start(&mut core, Priority::Interactive, 6, t0);
    core.finish(flights[0], Some(&said(50, 30)), t0);
    assert_eq!(core.budget(t0).remaining, 50 - 5);
    // Answered later, counted earlier: the lower `r` stands.
    core.finish(flights[1], Some(&said(52, 30)), t0);
    assert_eq!(core.budget(t0).remaining, 50 - 4);
    // No header, no answer: may have been counted after `r`, so spent.
    core.finish(flights[2], Some(&silent()), t0);
    core.finish(flights[3], None, t0);
    assert_eq!(core.budget(t0).remaining, 50 - 2 - 2);
    core.finish(flights[4], Some(&said(44, 30)), t0);
    assert_eq!(core.budget(t0).remaining, 44 - 1 - 2);
    assert_eq!(core.budget(t0).in_flight, 1);
}

#[test]
fn answers_from_the_previous_window_are_not_believed() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(10, 10), t0);
    let late = try_start(&mut core, Priority::Interactive, 1, t0)[0];
    let now = t0 + secs(11.5);
    assert_eq!(core.budget(now).remaining, 9, "carried over in flight");
    core.finish(late, Some(&said(0, 0)), now);
    assert_eq!(core.budget(now).remaining, 9);
    assert!(!core.window.confirmed);
}

#[test]
fn a_later_server_window_replaces_ours() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    answer_once(&mut core, &said(5, 30), t0);
    assert_eq!(core.budget(t0).remaining, 5);
    // Same window (reset at about t0 + 30): the lower figure stays.
    let at = t0 + secs(10.0);
    let same = try_start(&mut core, Priority::Interactive, 1, at)[0];
    core.finish(same, Some(&said(9, 20)), at);
    assert_eq!(core.budget(at).remaining, 5);
    // Sent at t0 + 10, resetting no earlier than t0 + 39: a later window.
    let later = try_start(&mut core, Priority::Interactive, 1, at)[0];
    core.finish(later, Some(&said(99, 30)), at);
    let budget = core.budget(at);
    assert_eq!(budget.remaining, 99);
    assert_eq!(budget.resets_in, secs(31.0));
}

#[test]
fn the_window_never_turns_before_the_server_says() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    answer_once(&mut core, &said(0, 0), t0);
    assert!(try_start(&mut core, Priority::Interactive, 1, t0 + secs(0.99)).is_empty());
    assert_eq!(core.next_change(t0 + secs(0.99)), Some(t0 + secs(1.0)));
    assert_eq!(core.grant(t0 + secs(1.0)).len(), 1);
}

#[test]
fn a_429_blocks_everyone_until_retry_after_then_resumes() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    answer_once(&mut core, &silent(), t0);
    let first = try_start(&mut core, Priority::Bulk, 1, t0)[0];
    core.finish(first, Some(&refused(Some(5), None)), t0);
    let budget = core.budget(t0);
    assert_eq!(budget.blocked_for, Some(secs(5.0)));
    assert_eq!(budget.remaining, 0);
    assert!(try_start(&mut core, Priority::Bulk, 3, t0 + secs(4.9)).is_empty());
    assert!(try_start(&mut core, Priority::Interactive, 1, t0 + secs(4.9)).is_empty());
    assert_eq!(core.next_change(t0 + secs(4.9)), Some(t0 + secs(5.0)));
    let resumed = core.grant(t0 + secs(5.0));
    assert_eq!(resumed.len(), 4, "interactive first, then bulk");
    assert_eq!(core.budget(t0 + secs(5.0)).blocked_for, None);
}

#[test]
fn a_429_without_retry_after_uses_t_or_a_fallback() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    let flights = try_start(&mut core, Priority::Interactive, 1, t0);
    core.finish(flights[0], Some(&refused(None, Some((0, 7)))), t0);
    assert_eq!(core.budget(t0).blocked_for, Some(secs(7.0)));

    let mut core = PacerCore::new(config(100, 60), t0);
    let flights = try_start(&mut core, Priority::Interactive, 1, t0);
    core.finish(flights[0], Some(&refused(None, None)), t0);
    assert_eq!(core.budget(t0).blocked_for, Some(FALLBACK_BLOCK));

    let mut core = PacerCore::new(config(100, 60), t0);
    let flights = try_start(&mut core, Priority::Interactive, 1, t0);
    core.finish(flights[0], Some(&refused(Some(999_999_999), None)), t0);
    assert_eq!(
        core.budget(t0).blocked_for,
        Some(MAX_BLOCK),
        "a garbled wait is capped"
    );
}

#[test]
fn a_429_with_budget_left_only_pauses() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(100, 60), t0);
    let flights = try_start(&mut core, Priority::Interactive, 1, t0);
    core.finish(flights[0], Some(&refused(Some(1), Some((40, 30)))), t0);
    let budget = core.budget(t0);
    assert_eq!(
        (budget.blocked_for, budget.remaining),
        (Some(secs(1.0)), 40)
    );
    assert_eq!(core.grant(t0 + secs(1.0)).len(), 0);
    assert_eq!(
        try_start(&mut core, Priority::Interactive, 1, t0 + secs(1.0)).len(),
        1
    );
}

#[test]
fn the_per_second_ceiling_spaces_starts() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(
        PacerConfig {
            max_per_second: Some(10.0),
            ..config(1000, 60)
        },
        t0,
    );
    assert_eq!(
        try_start(&mut core, Priority::Interactive, 25, t0).len(),
        10
    );
    assert!(core.grant(t0 + secs(0.5)).is_empty());
    assert_eq!(core.next_change(t0 + secs(0.5)), Some(t0 + secs(1.0)));
    assert_eq!(core.grant(t0 + secs(1.0)).len(), 10);
    assert_eq!(core.grant(t0 + secs(2.0)).len(), 5);

    let mut slow = PacerCore::new(
        PacerConfig {
            max_per_second: Some(0.5),
            ..config(1000, 60)
        },
        t0,
    );
    assert_eq!(try_start(&mut slow, Priority::Interactive, 3, t0).len(), 1);
    assert!(slow.grant(t0 + secs(1.9)).is_empty());
    assert_eq!(slow.grant(t0 + secs(2.0)).len(), 1);
}

#[test]
fn bulk_leaves_part_of_the_per_second_ceiling_to_interactive() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(
        PacerConfig {
            max_per_second: Some(10.0),
            ..config(1000, 60)
        },
        t0,
    );
    answer_once(&mut core, &silent(), t0);
    assert_eq!(
        try_start(&mut core, Priority::Bulk, 20, t0).len(),
        8,
        "9 of 10 for bulk"
    );
    assert_eq!(try_start(&mut core, Priority::Interactive, 2, t0).len(), 1);
    assert_eq!(core.next_change(t0), Some(t0 + secs(1.0)));
}

#[test]
fn concurrency_is_bounded_and_interactive_always_has_a_slot() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(
        PacerConfig {
            max_in_flight: 3,
            interactive_slots: 2,
            ..config(1000, 60)
        },
        t0,
    );
    answer_once(&mut core, &silent(), t0);
    let bulk = try_start(&mut core, Priority::Bulk, 10, t0);
    assert_eq!(bulk.len(), 3);
    let interactive = try_start(&mut core, Priority::Interactive, 3, t0);
    assert_eq!(interactive.len(), 2);
    core.finish(bulk[0], Some(&silent()), t0);
    let next = core.grant(t0);
    assert_eq!(next.len(), 1);
    assert!(!core.bulk.contains(&next[0]) && core.interactive.is_empty());
    assert_eq!(core.budget(t0).in_flight, 5);
    core.finish(interactive[0], Some(&silent()), t0);
    assert_eq!(core.grant(t0).len(), 1, "2 of 3 bulk slots were in use");
    core.finish(interactive[1], Some(&silent()), t0);
    assert!(core.grant(t0).is_empty(), "bulk has its 3 in flight");
}

#[test]
fn an_abandoned_ticket_holds_nothing() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(10, 60), t0);
    // Before the first answer a second bulk request waits.
    assert_eq!(try_start(&mut core, Priority::Bulk, 2, t0).len(), 1);
    let queued = core.bulk[0];
    let granted = try_start(&mut core, Priority::Interactive, 1, t0)[0];
    assert_eq!(core.budget(t0).remaining, 8);
    core.abandon(granted);
    core.abandon(queued);
    let budget = core.budget(t0);
    assert_eq!(
        (budget.remaining, budget.in_flight, budget.waiting_bulk),
        (9, 1, 0)
    );
    assert!(!core.is_started(granted));
    core.finish(granted, Some(&said(0, 0)), t0);
    assert_eq!(
        core.budget(t0).remaining,
        9,
        "a stale finish changes nothing"
    );
}

#[test]
fn each_answer_bounds_the_reset_and_the_lowest_bound_is_kept() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(50, 5), t0);
    answer_once(&mut core, &said(40, 5), t0);
    assert_eq!(core.budget(t0).resets_in, secs(6.0), "t plus a second");
    let later = t0 + secs(0.5);
    answer_once(&mut core, &said(39, 4), later);
    assert_eq!(core.budget(later).resets_in, secs(5.0), "4 + 1 from 0.5 s");
    let then = t0 + secs(0.7);
    answer_once(&mut core, &said(38, 5), then);
    assert_eq!(
        core.budget(then).resets_in,
        secs(4.8),
        "a later bound is not taken"
    );
    assert_eq!(core.budget(then).remaining, 38);
}

#[test]
fn the_first_answer_of_a_window_bounds_its_end_by_the_window_length() {
    let t0 = Instant::now();
    let mut core = PacerCore::new(config(50, 5), t0);
    answer_once(&mut core, &with_policy(said(49, 5), 50, 5), t0);
    assert_eq!(core.budget(t0).resets_in, secs(5.02));
    // A 429 was not counted: it bounds nothing (a lock-out outlasts a window).
    let later = t0 + secs(0.1);
    let mut refused = with_policy(said(0, 60), 50, 5);
    refused.status = 429;
    refused.retry_after = Some(secs(60.0));
    answer_once(&mut core, &refused, later);
    assert_eq!(core.budget(later).resets_in, secs(60.0));
}
