//! What 10,000 zones on the fleet page cost in memory (target: at most
//! 10 MB): the bytes allocated and still held once a whole scan has been fed
//! through the reducer and a 120x40 frame drawn, counted by a global
//! allocator, and the process's VmRSS before and after (Linux).
//!
//!     cargo run --release --example fleet_memory [-- ZONES]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use trustdeck::state::{AppState, Context};

#[path = "../benches/support/fleet.rs"]
mod fleet;

/// The system allocator, counting the bytes it holds and their peak.
struct Counting;

static HELD: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn add(bytes: isize) {
    let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(held.max(0) as usize, Ordering::Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only counters move.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn mb(bytes: isize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn main() {
    let zones: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |n| n.parse().expect("ZONES is a number"));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let empty = AppState::new(Context::default(), None, None, Instant::now());
    let state = fleet::fleet_state(empty, 0);
    terminal.draw(|f| trustdeck::ui::draw(f, &state)).unwrap();
    drop(state);
    let (held_before, rss_before) = (HELD.load(Ordering::Relaxed), rss_kib());
    PEAK.store(held_before.max(0) as usize, Ordering::Relaxed);

    let empty = AppState::new(Context::default(), None, None, Instant::now());
    let state = fleet::fleet_state(empty, zones);
    terminal.clear().unwrap();
    terminal.draw(|f| trustdeck::ui::draw(f, &state)).unwrap();
    let held = HELD.load(Ordering::Relaxed) - held_before;
    let peak = PEAK.load(Ordering::Relaxed) as isize - held_before;
    let rss = rss_kib().saturating_sub(rss_before);
    println!(
        "{zones} zones on the fleet page: {:.2} MB held ({:.0} bytes a zone), peak {:.2} MB while fed; VmRSS +{:.2} MB",
        mb(held),
        held as f64 / zones.max(1) as f64,
        mb(peak),
        rss as f64 * 1024.0 / 1_000_000.0,
    );
    assert_eq!(state.fleet.rows().len(), zones);
}
