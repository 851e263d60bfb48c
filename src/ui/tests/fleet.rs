//! The fleet page: a cached scan, a scan under way, the rate limit biting,
//! the name filter being typed, a filter that matches nothing, and marked
//! zones. States first, then the promises a snapshot cannot state.

use std::time::{Duration, Instant};

use serde_json::json;
use tui_input::Input;

use super::fixtures::normal;
use super::{footer, screen};
use crate::api::model::{CsamSetting, Zone};
use crate::api::{ApiError, Budget, Reply};
use crate::fleet::{FleetRow, FleetScan, Quick, ScanOutcome, ScanProgress, unix_now};
use crate::state::{AppState, Page, Scanning, Source};

// ---------------------------------------------------------------- states

/// A zone of the listing, numbered.
fn zone(n: usize, account: &str) -> Zone {
    let plan = ["free", "pro", "business", "enterprise"][n % 4];
    serde_json::from_value(json!({
        "id": format!("{n:032x}"),
        "name": format!("zone-{n:03}.example.com"),
        "status": "active",
        "account": {"id": format!("{:032x}", n % 3 + 0xa000), "name": account},
        "plan": {"legacy_id": plan},
    }))
    .expect("a zone")
}

/// A setting answer with these values.
fn setting(enabled: bool, email_state: &str, editable: bool) -> Reply<CsamSetting> {
    let setting = serde_json::from_value(json!({
        "id": "csam_scanner",
        "editable": editable,
        "value": {
            "enabled": enabled,
            "email": "**********",
            "email_state": email_state,
            "sources": {"ncmec_industry": true, "ncmec_ngo": enabled},
        },
    }))
    .expect("a setting");
    Reply {
        result: setting,
        messages: Vec::new(),
        result_info: None,
    }
}

/// Twelve zones with a bit of everything: most fine, some off, unverified,
/// pending, locked, and one the token may not read.
pub(super) fn rows() -> Vec<FleetRow> {
    let now = unix_now();
    (0..12)
        .map(|n| {
            let account = ["Acme Retail", "Acme Media", "Northwind Trust & Safety"][n % 3];
            let outcome = match n {
                1 => Ok(setting(false, "valid", true)),
                4 => Ok(setting(true, "unverified", true)),
                6 => Ok(setting(true, "pending", true)),
                7 => Ok(setting(false, "valid", false)),
                9 => Err(ApiError::Permission {
                    permission: Some("Zone Settings Read".into()),
                    message: "Unauthorized to access requested resource".into(),
                }),
                _ => Ok(setting(true, "valid", true)),
            };
            FleetRow::new(&zone(n, account), &outcome, now)
        })
        .collect()
}

pub(super) fn scan_of(rows: Vec<FleetRow>) -> FleetScan {
    let mut scan = FleetScan::new(None, unix_now());
    for row in rows {
        scan.upsert(row);
    }
    scan.finished_at = Some(unix_now());
    scan.outcome = Some(ScanOutcome::Complete);
    scan
}

pub(super) fn on_fleet(scan: Option<FleetScan>, source: Source) -> AppState {
    let mut state = normal();
    state.page = Page::Fleet;
    state.fleet.opened = true;
    state.fleet.scan = scan;
    state.fleet.source = source;
    state.fleet.reorder();
    state
}

/// The last scan of an earlier session, read from the cache.
pub fn fleet_cached() -> AppState {
    on_fleet(Some(scan_of(rows())), Source::Cache)
}

pub fn budget(remaining: u32, blocked_for: Option<Duration>, at: Instant) -> Budget {
    Budget {
        remaining,
        quota: 1200,
        window: Duration::from_secs(300),
        resets_in: Duration::from_secs(130),
        blocked_for,
        in_flight: 4,
        waiting_bulk: 12,
        waiting_interactive: 0,
        learned_from_server: true,
        at,
    }
}

/// A scan under way: 7 of 500 read, the budget as the server tells it.
pub fn fleet_scanning() -> AppState {
    let mut rows = rows();
    rows.truncate(7);
    let mut state = on_fleet(Some(scan_of(rows)), Source::Scan);
    state.fleet.scan.as_mut().expect("a scan").finished_at = None;
    let now = state.now;
    state.fleet.scanning = Some(Scanning {
        since: now,
        total: Some(500),
        progress: Some(ScanProgress {
            done: 7,
            total: 500,
            failed: 0,
            calls: 9,
            per_second: 18.4,
            eta: Some(Duration::from_secs(27)),
            budget: budget(812, None, now),
            elapsed: Duration::from_millis(480),
        }),
        listing_budget: None,
    });
    state
}

/// Cloudflare answered 429: bulk work waits for the block to end.
pub fn fleet_rate_limited() -> AppState {
    let mut state = fleet_scanning();
    let now = state.now;
    let progress = state
        .fleet
        .scanning
        .as_mut()
        .and_then(|s| s.progress.as_mut())
        .expect("progress");
    progress.budget = budget(0, Some(Duration::from_secs(28)), now);
    state
}

/// `/` typed, then `zone-00`: the rows follow as it is typed.
pub fn fleet_typing() -> AppState {
    let mut state = fleet_cached();
    state.fleet.typing = Some(Input::new("zone-00".into()));
    state.fleet.filter.name_contains = Some("zone-00".into());
    state.fleet.reorder();
    state
}

/// A quick filter that shows nothing.
pub fn fleet_no_match() -> AppState {
    let mut state = fleet_cached();
    state.fleet.filter.quick = vec![Quick::Pending, Quick::Locked];
    state.fleet.reorder();
    state
}

/// Two zones marked, the cursor moved down by hand.
pub fn fleet_marked() -> AppState {
    let mut state = fleet_cached();
    let ids: Vec<String> = state.fleet.rows()[..2]
        .iter()
        .map(|r| r.zone_id.clone())
        .collect();
    state.fleet.marked.extend(ids);
    state.fleet.selected = 3;
    state.fleet.moved = true;
    state
}

/// The page before anything came: the listing is being read.
pub fn fleet_listing() -> AppState {
    let mut state = on_fleet(None, Source::Nothing);
    state.fleet.scanning = Some(Scanning {
        since: state.now,
        total: None,
        progress: None,
        listing_budget: None,
    });
    state
}

/// The listing held at the bulk reserve: the budget says why nothing comes.
pub fn fleet_listing_held() -> AppState {
    let mut state = fleet_listing();
    let now = state.now;
    if let Some(scanning) = state.fleet.scanning.as_mut() {
        scanning.listing_budget = Some(budget(118, None, now));
    }
    state
}

/// A setting whose email and sources are given: "" is no email.
fn setting_with(
    enabled: bool,
    email: &str,
    email_state: &str,
    sources: bool,
) -> Reply<CsamSetting> {
    let mut reply = setting(enabled, email_state, true);
    reply.result = serde_json::from_value(json!({
        "id": "csam_scanner",
        "editable": true,
        "value": {
            "enabled": enabled,
            "email": email,
            "email_state": email_state,
            "sources": {"ncmec_industry": sources, "ncmec_ngo": sources},
        },
    }))
    .expect("a setting");
    reply
}

/// 500 zones with every count of the summary above zero, some in three
/// digits, and rows that could not be read for several reasons.
pub fn fleet_every_count() -> AppState {
    use crate::fleet::{Failure, RowError, ZoneCsam};
    let now = unix_now();
    let rows = (0..500)
        .map(|n| {
            let account = ["Acme Retail", "Acme Media", "Northwind Trust & Safety"][n % 3];
            let outcome = match n {
                12..=23 => Ok(setting(false, "valid", true)),
                24..=32 => Ok(setting_with(true, "**********", "valid", false)),
                33..=69 => Ok(setting(true, "unverified", true)),
                70..=74 => Ok(setting_with(true, "", "unverified", true)),
                75..=86 => Ok(setting(true, "pending", true)),
                87..=89 => Ok(setting(true, "valid", false)),
                _ => Ok(setting(true, "valid", true)),
            };
            let mut row = FleetRow::new(&zone(n, account), &outcome, now);
            if n < 12 || (300..307).contains(&n) {
                let (failure, message) = match n % 3 {
                    0 => (
                        Failure::RateLimited,
                        "Cloudflare rate limited the token (HTTP 429) and every retry; \
                         try again once the window resets",
                    ),
                    1 => (
                        Failure::Timeout,
                        "no answer from api.cloudflare.com within 30 s",
                    ),
                    _ => (
                        Failure::NoPermission {
                            permission: Some("Zone Settings Read".into()),
                        },
                        "Unauthorized to access requested resource",
                    ),
                };
                row.csam = ZoneCsam::Failed(RowError {
                    failure,
                    message: message.into(),
                });
            }
            row
        })
        .collect();
    on_fleet(Some(scan_of(rows)), Source::Scan)
}

/// Sorted by plan (`S` three times): the plan column stays at 80 columns.
pub fn fleet_sorted_by_plan() -> AppState {
    let mut state = fleet_cached();
    state.fleet.sort = crate::fleet::SortKey::Plan;
    state.fleet.reorder();
    state
}

/// After a run, `F` (only its failures) with a name typed: nothing left,
/// and the filter line says why.
pub fn fleet_failed_filter() -> AppState {
    let mut state = super::bulk::bulk_running();
    state.fleet.needs_a_look = true;
    state.fleet.filter.name_contains = Some("acme".into());
    state.fleet.reorder();
    state
}

pub fn scenarios() -> Vec<(&'static str, AppState)> {
    vec![
        ("fleet_every_count", fleet_every_count()),
        ("fleet_sorted_by_plan", fleet_sorted_by_plan()),
        ("fleet_failed_filter", fleet_failed_filter()),
        ("fleet_cached", fleet_cached()),
        ("fleet_scanning", fleet_scanning()),
        ("fleet_rate_limited", fleet_rate_limited()),
        ("fleet_typing_filter", fleet_typing()),
        ("fleet_no_match", fleet_no_match()),
        ("fleet_marked", fleet_marked()),
        ("fleet_listing", fleet_listing()),
        ("fleet_listing_held", fleet_listing_held()),
    ]
}

// ---------------------------------------------------------------- promises

#[test]
fn what_needs_attention_comes_first() {
    let shown = screen(120, 40, &fleet_cached());
    let at = |needle: &str| {
        shown
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} on screen:\n{shown}"))
    };
    // Could not be read, then off, then unverified, then pending, then fine.
    assert!(at("zone-009") < at("zone-001"), "{shown}");
    assert!(at("zone-001") < at("zone-004"), "{shown}");
    assert!(at("zone-004") < at("zone-006"), "{shown}");
    assert!(at("zone-006") < at("zone-000"), "{shown}");
    assert!(shown.contains("no permission (Zone Settings Read)"));
    assert!(shown.contains("(from the cache)"));
}

#[test]
fn the_rate_limit_is_said_in_words_with_its_countdown() {
    let shown = screen(120, 40, &fleet_rate_limited());
    assert!(
        shown.contains("rate limited by Cloudflare · bulk work resumes in 28 s"),
        "{shown}"
    );
    let shown = screen(120, 40, &fleet_scanning());
    assert!(
        shown.contains("Scanning 7 of 500 · ETA 27 s · budget 812 of 1,200 · resets in 2m10s"),
        "{shown}"
    );
    assert!(shown.contains("18 requests/s · esc stops"), "{shown}");
    let narrow = screen(80, 24, &fleet_rate_limited());
    assert!(
        narrow
            .contains("Scanning 7 of 500 · rate limited by Cloudflare · bulk work resumes in 28 s"),
        "what matters fits 80 columns:\n{narrow}"
    );
}

#[test]
fn narrow_screens_drop_sources_plan_then_account_but_keep_the_state() {
    let wide = screen(120, 40, &fleet_cached());
    let narrow = screen(80, 24, &fleet_cached());
    for head in [
        "ZONE", "ACCOUNT", "PLAN", "SCANNING", "EMAIL", "SOURCES", "LOCK",
    ] {
        assert!(wide.contains(head), "{head} at 120 columns:\n{wide}");
    }
    for head in ["ZONE", "SCANNING", "EMAIL", "LOCK"] {
        assert!(narrow.contains(head), "{head} at 80 columns:\n{narrow}");
    }
    assert!(!narrow.contains("SOURCES"), "{narrow}");
    assert!(narrow.contains("🔒 T&S"), "the lock stays:\n{narrow}");
}

#[test]
fn the_footer_names_the_fleet_keys_first() {
    let line = footer(&fleet_cached());
    let at = |needle: &str| {
        line.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in the footer: {line}"))
    };
    assert!(at("open") < at("scan again"), "{line}");
    assert!(line.contains("filter"), "{line}");
    assert!(line.contains("r scan again"), "{line}");
    assert!(!line.contains("stop scan"), "{line}");
    let scanning = footer(&fleet_scanning());
    assert!(scanning.contains("esc stop scan"), "{scanning}");
    assert!(!scanning.contains("scan again"), "{scanning}");
}

#[test]
fn marked_zones_are_counted_and_shown_without_colour() {
    let shown = screen(80, 24, &super::fixtures::no_color(fleet_marked()));
    assert!(shown.contains("2 marked"), "{shown}");
    assert_eq!(shown.matches('●').count(), 2, "{shown}");
    assert_eq!(shown.matches('›').count(), 1, "{shown}");
}

/// The line of `shown` that contains `needle`.
fn line_with<'a>(shown: &'a str, needle: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} on screen:\n{shown}"))
}

#[test]
fn the_summary_keeps_every_count_at_80_columns() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &fleet_every_count());
        let head: String = shown.lines().skip(2).take(2).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("460 of 500 zones scanning (92 %)")
                || head.contains("460/500 scanning (92 %)"),
            "{head}"
        );
        for (count, words) in [
            ("12", ["off", "off"]),
            ("9", ["no source", "no src"]),
            ("37", ["email unverified", "unverified"]),
            ("5", ["no email", "no email"]),
            ("12", ["pending", "pending"]),
            ("3", ["locked", "locked"]),
            ("19", ["could not be read", "unread"]),
        ] {
            assert!(
                words.iter().any(|w| ["· ", "┃ "]
                    .iter()
                    .any(|before| head.contains(&format!("{before}{count} {w}")))),
                "{count} {words:?} at {width}x{height}:\n{shown}"
            );
        }
        assert!(!head.contains('…'), "no count is cut:\n{head}");
    }
}

#[test]
fn an_error_cell_says_a_short_reason_and_the_selected_row_its_whole_message() {
    let shown = screen(80, 24, &fleet_every_count());
    for reason in ["? 429 rate limited", "? timeout", "? 403 no permission"] {
        let line = line_with(&shown, reason);
        let cell = &line[line.find(reason).unwrap_or(0)..];
        assert!(!cell.contains('…'), "{line}");
    }
    let detail = shown
        .lines()
        .rev()
        .find(|l| l.contains("not read ·"))
        .unwrap_or_else(|| panic!("the detail line:\n{shown}"));
    assert!(detail.contains("zone-000.example.com"), "{shown}");
    let whole: String = shown
        .lines()
        .skip_while(|l| !l.contains("not read ·"))
        .map(|l| l.trim_matches(|c| c == '┃' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        whole.contains("every retry; try again once the window resets"),
        "the whole message, wrapped:\n{shown}"
    );
}

#[test]
fn a_progress_line_at_80_columns_drops_whole_parts_never_cuts_one() {
    let scanning = screen(80, 24, &fleet_scanning());
    let line = line_with(&scanning, "Scanning 7 of 500");
    assert!(
        line.contains("Scanning 7 of 500 · ETA 27 s · budget 812 of 1,200 · resets in 2m10s"),
        "{scanning}"
    );
    assert!(!line.contains('…'), "{line}");
    let running = screen(80, 24, &super::bulk::bulk_running());
    let line = line_with(&running, "Applying");
    assert!(line.contains("3 of 8 · 1 failed · ETA 12 s"), "{running}");
    assert!(!line.contains('…'), "{line}");
}

#[test]
fn sorting_by_plan_keeps_the_plan_column_at_80_columns_and_marks_its_head() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &fleet_sorted_by_plan());
        let heads = line_with(&shown, "ZONE");
        assert!(heads.contains("PLAN▾"), "{shown}");
        assert!(!heads.contains("ZONE▾"), "{heads}");
        let plans: Vec<&str> = shown
            .lines()
            .filter(|l| l.contains(".example.com"))
            .filter_map(|l| {
                ["enterprise", "business", "pro", "free"]
                    .into_iter()
                    .find(|p| l.contains(p))
            })
            .collect();
        assert_eq!(plans.len(), 12, "every row shows its plan:\n{shown}");
        let rank = |p: &str| {
            ["enterprise", "business", "pro", "free"]
                .iter()
                .position(|k| *k == p)
        };
        assert!(
            plans.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
            "the highest plan first: {plans:?}"
        );
        assert_eq!(plans[0], "enterprise", "{shown}");
    }
    let by_zone = {
        let mut state = fleet_cached();
        state.fleet.sort = crate::fleet::SortKey::Zone;
        state.fleet.reorder();
        screen(80, 24, &state)
    };
    assert!(line_with(&by_zone, "ZONE").contains("ZONE▾"), "{by_zone}");
}

#[test]
fn every_filter_in_force_is_named_beside_the_count() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &fleet_failed_filter());
        let line = line_with(&shown, "shown");
        assert!(line.contains("name \"acme\""), "{line}");
        assert!(
            line.contains("last run failed/unconfirmed") || line.contains("run failed/unsure"),
            "{line}"
        );
        assert!(line.contains("0 of 12 shown"), "{line}");
    }
    let mut state = fleet_cached();
    state.fleet.filter.quick = vec![
        Quick::NotScanning,
        Quick::NoSource,
        Quick::EmailNotVerified,
        Quick::NoEmail,
        Quick::Pending,
        Quick::Locked,
    ];
    state.fleet.needs_a_look = true;
    state.fleet.filter.name_contains = Some("acme-corp".into());
    state.fleet.reorder();
    let shown = screen(80, 24, &state);
    let start = shown.find("filter name").expect("the filter line");
    let line: String = shown[start..].lines().take(2).collect();
    for word in [
        "off",
        "no src",
        "unverified",
        "no email",
        "pending",
        "locked",
        "run failed/unsure",
        "0 of 12 shown",
    ] {
        assert!(line.contains(word), "{word}: {line}");
    }
}
