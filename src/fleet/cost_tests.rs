use std::time::{Duration, Instant};

use super::*;
use crate::fleet::change::Change;
use crate::fleet::plan::{Expect, PlanEntry, PlanZone, Step};

const NOW: u64 = 1_800_000_000;

fn plan(change: Change, sends: usize, read_at: u64) -> Plan {
    let entries = (0..sends)
        .map(|i| PlanEntry {
            zone: PlanZone {
                id: format!("{i:032x}"),
                name: format!("zone{i}.example"),
                account: None,
            },
            step: Step::Send {
                expect: Expect::AsAsked,
            },
            state: None,
            read_at,
        })
        .collect();
    Plan { change, entries }
}

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
        learned_from_server: true,
        at: Instant::now(),
    }
}

fn cloudflare() -> PacerConfig {
    PacerConfig::for_host(false)
}

#[test]
fn a_cold_apply_past_the_scans_window_takes_two() {
    // 1,029 requests of the scan spent: 171 left, 120 of them the reserve.
    let cost = RunCost::of(
        &plan(Change::EnableScanning, 954, NOW),
        NOW,
        Duration::from_secs(300),
        &budget(171, 1200, 300, 295),
        &cloudflare(),
    );
    assert_eq!((cost.patches, cost.rereads, cost.windows), (954, 0, 2));
    assert_eq!(
        cost.to_string(),
        "954 requests · 2 windows of Cloudflare's limit · about 5m"
    );
}

#[test]
fn rows_old_by_the_next_window_are_read_again_only_where_the_change_wants_it() {
    let budget = budget(170, 1200, 300, 250);
    let age = Duration::from_secs(300);
    // Read 100 s ago: young now, 350 s old once the window resets.
    let read_at = NOW - 100;
    let enable = RunCost::of(
        &plan(Change::EnableScanning, 500, read_at),
        NOW,
        age,
        &budget,
        &cloudflare(),
    );
    assert_eq!(enable.rereads, 0);
    let disable = RunCost::of(
        &plan(Change::DisableScanning, 500, read_at),
        NOW,
        age,
        &budget,
        &cloudflare(),
    );
    // 50 go out in this window as planned; the 450 after the reset are read first.
    assert_eq!((disable.patches, disable.rereads), (500, 450));
    assert_eq!(disable.windows, 2);
    assert!(
        disable
            .to_string()
            .starts_with("950 requests (500 PATCHes, 450 re-reads) · 2 windows"),
        "{disable}"
    );
}

#[test]
fn a_row_never_read_is_read_again_whatever_the_change() {
    let cost = RunCost::of(
        &plan(Change::EnableScanning, 3, 0),
        NOW,
        Duration::from_secs(300),
        &budget(1200, 1200, 300, 300),
        &cloudflare(),
    );
    assert_eq!((cost.patches, cost.rereads, cost.windows), (3, 3, 1));
}

#[test]
fn a_run_that_fits_takes_this_window_and_says_the_limit_it_was_told() {
    let mut told = cloudflare();
    told.max_per_second = None;
    let cost = RunCost::of(
        &plan(Change::EnableScanning, 40, NOW),
        NOW,
        Duration::from_secs(300),
        &budget(50, 50, 5, 5),
        &told,
    );
    assert_eq!(cost.windows, 1);
    assert_eq!(cost.eta, None);
    assert_eq!(
        cost.to_string(),
        "40 requests · 1 window of the limit (50 per 5s) · a few seconds"
    );
    let spilling = RunCost::of(
        &plan(Change::EnableScanning, 200, NOW),
        NOW,
        Duration::from_secs(300),
        &budget(50, 50, 5, 3),
        &told,
    );
    // 45 now, then 45 a window: 155 more take 4 windows.
    assert_eq!(spilling.windows, 5);
    assert_eq!(spilling.eta, Some(Duration::from_secs(18)));
    let nothing = RunCost::of(
        &plan(Change::EnableScanning, 0, NOW),
        NOW,
        Duration::from_secs(300),
        &budget(50, 50, 5, 3),
        &told,
    );
    assert_eq!(
        (nothing.windows, nothing.to_string().as_str()),
        (0, "0 requests")
    );
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1983), "1,983");
    assert_eq!(thousands(1_000_000), "1,000,000");
}
