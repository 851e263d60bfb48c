//! The fleet page's work per arriving batch of rows does not grow with the
//! rows it holds: counted in comparisons and steps of the shown order, not
//! timed.

use super::tests::{loaded, press, setting};
use super::tests_fleet::{news, row};
use super::*;
use crate::api::model::EmailState;
use crate::fleet::{FleetRow, ScanEvent, unix_now};
use crate::message::FleetNews;

/// Rows `from..to`; every third one not scanning, so the attention order
/// puts new rows among the old ones, not at one end.
fn rows(from: usize, to: usize) -> Vec<ScanEvent> {
    (from..to)
        .map(|n| ScanEvent::Row(row(n, n % 3 != 0)))
        .collect()
}

/// The work the page does to take in `batch`.
fn work_of(state: &mut AppState, batch: Vec<FleetRow>) -> u64 {
    let before = state.fleet.work();
    let events = batch.into_iter().map(ScanEvent::Row).collect();
    news(state, FleetNews::Scans(events));
    state.fleet.work() - before
}

/// A batch of 100: 50 new zones and 50 read again (now off), scattered
/// over the rows held.
fn batch(held: usize) -> Vec<FleetRow> {
    let new = (held..held + 50).map(|n| row(n, n % 3 != 0));
    let again = (0..50).map(|k| row(k * (held / 50) + 1, false));
    new.chain(again).collect()
}

#[test]
fn a_batch_of_rows_costs_the_same_at_1_000_and_at_50_000_rows_held() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "f");
    news(&mut state, FleetNews::Cached(Ok(None)));
    news(
        &mut state,
        FleetNews::Scan(ScanEvent::Started { at: unix_now() }),
    );
    news(&mut state, FleetNews::Scans(rows(0, 1_000)));
    // A cursor moved by hand follows its zone: placing it is work too.
    press(&mut state, "jjj");
    let chosen = state.fleet.selected_row().map(|r| r.zone_id.clone());
    let small = work_of(&mut state, batch(1_000));
    assert_eq!(state.fleet.rows().len(), 1_050);
    assert_eq!(
        state.fleet.selected_row().map(|r| r.zone_id.clone()),
        chosen
    );

    for from in (1_050..50_000).step_by(5_000) {
        news(
            &mut state,
            FleetNews::Scans(rows(from, (from + 5_000).min(50_000))),
        );
    }
    assert_eq!(state.fleet.rows().len(), 50_000);
    let large = work_of(&mut state, batch(50_000));
    assert_eq!(state.fleet.rows().len(), 50_050);

    assert!(large > 0 && small > 0);
    assert!(
        large < 2 * small,
        "a batch at 50,000 rows held cost {large}, at 1,000 {small}"
    );
    eprintln!("work of a batch of 100 rows: {small} at 1,000 held, {large} at 50,000");
    // Per row, an insert and a removal in the shown order and in each
    // sort order kept, each a binary search.
    let orders = 1 + crate::fleet::SortKey::ALL.len() as u64;
    let bound = orders * 2 * 100 * (u64::from(50_050u32.ilog2()) + 2);
    assert!(large <= bound, "{large} > {bound}");

    // The order taken in batch by batch is the order sorted from scratch.
    let streamed: Vec<String> = state
        .fleet
        .shown_from(0)
        .map(|r| r.zone_id.clone())
        .collect();
    state.fleet.reorder();
    let sorted: Vec<String> = state
        .fleet
        .shown_from(0)
        .map(|r| r.zone_id.clone())
        .collect();
    assert_eq!(streamed.len(), 50_050);
    assert!(
        streamed == sorted,
        "the streamed order differs from the sort"
    );
    let coverage = crate::fleet::Coverage::of(state.fleet.rows());
    assert_eq!(state.fleet.coverage(), coverage, "kept as rows came");

    // A quick filter reads the answers kept per row: the rows it shows are
    // those the filter matches, in the sort order.
    press(&mut state, "o");
    let fleet = &state.fleet;
    let expected = crate::fleet::visible(fleet.rows(), &fleet.filter, fleet.sort);
    assert!(!expected.is_empty() && expected.len() < 50_050);
    assert!(
        fleet.order.iter().eq(expected),
        "o shows what the filter matches"
    );
}
