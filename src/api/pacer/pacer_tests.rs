use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;

fn silent() -> Observed {
    Observed {
        status: 200,
        ..Observed::default()
    }
}

fn said(r: u32, t: u64) -> Observed {
    Observed {
        status: 200,
        ratelimit: parse_ratelimit(&format!("\"default\";r={r};t={t}")),
        policy: parse_policy("\"default\";q=1200;w=300", None),
        ..Observed::default()
    }
}

/// Fails, rather than hangs, when something is never woken (the clock is
/// paused, so this costs no real time).
async fn soon<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(600), future)
        .await
        .expect("done within 10 minutes of paused time")
}

/// One answered request, after which bulk work runs at full concurrency.
async fn warm(pacer: &Pacer, observed: &Observed) {
    pacer.acquire(Priority::Interactive).await.finish(observed);
}

fn small(max_in_flight: usize) -> Pacer {
    Pacer::new(PacerConfig {
        max_in_flight,
        interactive_slots: 1,
        ..PacerConfig::for_host(true)
    })
}

#[tokio::test(start_paused = true)]
async fn a_thousand_bulk_requests_at_50ms_finish_within_two_seconds() {
    let pacer = Pacer::new(PacerConfig::for_host(true));
    let (in_flight, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let (pacer, in_flight, most) = (pacer.clone(), in_flight.clone(), most.clone());
        tasks.spawn(async move {
            let permit = pacer.acquire(Priority::Bulk).await;
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            permit.finish(&silent());
        });
    }
    while let Some(done) = soon(tasks.join_next()).await {
        done.unwrap();
    }
    let elapsed = started.elapsed();
    assert!(elapsed <= Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(most.load(Ordering::SeqCst), 32);
    let budget = pacer.budget();
    assert_eq!((budget.remaining, budget.in_flight), (200, 0));
}

#[tokio::test(start_paused = true)]
async fn interactive_gets_a_slot_while_bulk_fills_its_own() {
    let pacer = small(2);
    warm(&pacer, &silent()).await;
    let _held = [
        pacer.acquire(Priority::Bulk).await,
        pacer.acquire(Priority::Bulk).await,
    ];
    let waiting = tokio::spawn({
        let pacer = pacer.clone();
        async move { pacer.acquire(Priority::Bulk).await }
    });
    tokio::task::yield_now().await;
    assert_eq!(pacer.budget().waiting_bulk, 1);
    let started = tokio::time::Instant::now();
    let permit = pacer.acquire(Priority::Interactive).await;
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(permit.priority(), Priority::Interactive);
    waiting.abort();
}

#[tokio::test(start_paused = true)]
async fn acquire_is_fifo_within_a_priority() {
    let pacer = small(1);
    warm(&pacer, &silent()).await;
    let held = pacer.acquire(Priority::Bulk).await;
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..5 {
        let (pacer, order) = (pacer.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let permit = pacer.acquire(Priority::Bulk).await;
            order.lock().unwrap().push(i);
            tokio::time::sleep(Duration::from_millis(10)).await;
            permit.finish(&silent());
        }));
        tokio::task::yield_now().await;
    }
    held.finish(&silent());
    for task in tasks {
        soon(task).await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_acquire_holds_nothing() {
    let pacer = small(1);
    warm(&pacer, &silent()).await;
    let held = pacer.acquire(Priority::Bulk).await;

    // Dropped while queued.
    let mut queued = Box::pin(pacer.acquire(Priority::Bulk));
    assert!(futures::poll!(&mut queued).is_pending());
    assert_eq!(pacer.budget().waiting_bulk, 1);
    drop(queued);
    assert_eq!(pacer.budget().waiting_bulk, 0);

    // Granted, then dropped before it noticed.
    let mut granted = Box::pin(pacer.acquire(Priority::Bulk));
    assert!(futures::poll!(&mut granted).is_pending());
    let before = pacer.budget().remaining;
    held.finish(&silent());
    assert_eq!(pacer.budget().in_flight, 1, "granted to the waiting future");
    drop(granted);
    let budget = pacer.budget();
    assert_eq!((budget.in_flight, budget.waiting_bulk), (0, 0));
    assert_eq!(budget.remaining, before, "its share of the budget is back");

    let started = tokio::time::Instant::now();
    let _next = pacer.acquire(Priority::Bulk).await;
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn an_unfinished_permit_counts_as_spent() {
    let pacer = small(4);
    warm(&pacer, &said(100, 30)).await;
    assert_eq!(pacer.budget().remaining, 100);
    drop(pacer.acquire(Priority::Interactive).await);
    let budget = pacer.budget();
    assert_eq!((budget.remaining, budget.in_flight), (99, 0));
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_everyone_and_resumes_by_itself() {
    let pacer = small(4);
    warm(&pacer, &silent()).await;
    let mut watch = pacer.watch();
    let refused = Observed {
        status: 429,
        retry_after: Some(Duration::from_secs(5)),
        ..Observed::default()
    };
    pacer.acquire(Priority::Bulk).await.finish(&refused);
    assert!(watch.has_changed().unwrap());
    assert_eq!(
        watch.borrow_and_update().blocked_for,
        Some(Duration::from_secs(5))
    );
    let started = tokio::time::Instant::now();
    let bulk = tokio::spawn({
        let pacer = pacer.clone();
        async move { pacer.acquire(Priority::Bulk).await }
    });
    let interactive = soon(pacer.acquire(Priority::Interactive)).await;
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    drop(soon(bulk).await.unwrap());
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    drop(interactive);
    let latest = *watch.borrow_and_update();
    assert_eq!(latest.blocked_for, None);
    assert_eq!(latest.in_flight, 0);
}

#[tokio::test(start_paused = true)]
async fn an_earlier_reset_wakes_the_waiters_on_time() {
    let pacer = Pacer::new(PacerConfig {
        quota: 2,
        window: Duration::from_secs(60),
        ..PacerConfig::for_host(true)
    });
    let first = pacer.acquire(Priority::Interactive).await;
    let second = pacer.acquire(Priority::Interactive).await;
    let started = tokio::time::Instant::now();
    let waiter = tokio::spawn({
        let pacer = pacer.clone();
        async move { pacer.acquire(Priority::Interactive).await }
    });
    // Let the timer task go to sleep until the configured reset (60 s).
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    first.finish(&said(0, 0));
    second.finish(&silent());
    let _third = soon(waiter).await.unwrap();
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(1),
        "t=0 plus a second"
    );
}

#[tokio::test(start_paused = true)]
async fn the_watch_shows_what_the_server_said() {
    let pacer = Pacer::new(PacerConfig::default());
    let mut watch = pacer.watch();
    assert!(!watch.borrow().learned_from_server);
    warm(&pacer, &said(312, 130)).await;
    assert!(watch.has_changed().unwrap());
    let budget = *watch.borrow_and_update();
    assert!(budget.learned_from_server);
    assert_eq!((budget.remaining, budget.quota), (312, 1200));
    assert_eq!(budget.resets_in, Duration::from_secs(131));
    // Time alone does not make a change worth telling.
    tokio::time::advance(Duration::from_secs(1)).await;
    let _ = pacer.budget();
    assert!(!watch.has_changed().unwrap());
}

#[tokio::test(start_paused = true)]
async fn the_timer_task_ends_with_the_pacer() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let pacer = small(1);
    warm(&pacer, &silent()).await;
    assert_eq!(metrics.num_alive_tasks(), 1);
    drop(pacer);
    for _ in 0..100 {
        if metrics.num_alive_tasks() == 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(metrics.num_alive_tasks(), 0);
}
