//! The accounts page: a finished scan, a scan under way, a quick filter
//! with a typed name, and an account that could not be read selected.
//! States first, then the promises a snapshot cannot state.

use std::time::Duration;

use tui_input::Input;

use super::fixtures::{no_color, normal};
use super::fleet::budget;
use super::{footer, screen};
use crate::fleet::{
    AccountDlp, AccountQuick, AccountRow, DlpState, Failure, Masking, RowError, ScanOutcome,
    ScanProgress, unix_now,
};
use crate::state::{AccountSort, AppState, Page, Scanning};

// ---------------------------------------------------------------- states

/// A fingerprint of its own for account `n`.
fn fingerprint(n: usize) -> String {
    let n = u32::try_from(n).unwrap_or(0);
    format!(
        "SHA256:{:08x}4a751e7e",
        0x1109_027e_u32.wrapping_add(n * 0x0101_0101)
    )
}

/// Twelve accounts with a bit of everything: most fine, some logging in
/// clear, without a key, with OCR or AI context off, one without DLP and
/// one the token may not read.
fn rows() -> Vec<AccountRow> {
    let names = [
        "Acme Corp",
        "Globex Media",
        "Hooli Labs",
        "Initech",
        "Umbrella Health",
        "Northwind Trust & Safety",
        "Stark Industries",
        "Wayne Enterprises",
        "Cyberdyne Systems",
        "Soylent",
        "Tyrell Corporation",
        "Massive Dynamic",
    ];
    names
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let mut state = DlpState {
                ai_context_analysis: true,
                ocr: true,
                key_fingerprint: Some(fingerprint(n)),
                masking: Some(Masking::Full),
                updated_at: Some(format!("2026-11-{:02}T09:30:00Z", n + 1)),
            };
            match n {
                1 | 6 => state.masking = Some(Masking::Clear),
                2 | 9 => {
                    state.key_fingerprint = None;
                    state.masking = Some(Masking::Default);
                    state.updated_at = None;
                }
                3 => state.ocr = false,
                7 => state.ai_context_analysis = false,
                _ => {}
            }
            let dlp = match n {
                4 => AccountDlp::Failed(RowError {
                    failure: Failure::NotAvailable,
                    message: "DLP is not available on this account (no Zero Trust plan)".into(),
                }),
                10 => AccountDlp::Failed(RowError {
                    failure: Failure::NoPermission {
                        permission: Some("Zero Trust Read".into()),
                    },
                    message: "Unauthorized to access requested resource".into(),
                }),
                _ => AccountDlp::Read(state),
            };
            AccountRow {
                account_id: format!("{:032x}", 0xacc0 + n),
                account_name: (*name).to_owned(),
                account_type: Some(
                    if n.is_multiple_of(3) {
                        "enterprise"
                    } else {
                        "standard"
                    }
                    .into(),
                ),
                dlp,
                read_at: unix_now(),
            }
        })
        .collect()
}

fn on_accounts(rows: Vec<AccountRow>) -> AppState {
    let mut state = normal();
    state.page = Page::Accounts;
    state.accounts.opened = true;
    state.accounts.take_rows(rows);
    state
}

/// A finished scan of twelve accounts.
pub(super) fn accounts_scanned() -> AppState {
    let mut state = on_accounts(rows());
    state.accounts.finished_at = Some(unix_now());
    state.accounts.outcome = Some(ScanOutcome::Complete);
    state
}

/// A scan under way: 5 of 12 read, the budget as the server tells it.
pub fn accounts_scanning() -> AppState {
    let mut rows = rows();
    rows.truncate(5);
    let mut state = on_accounts(rows);
    let now = state.now;
    state.accounts.scanning = Some(Scanning {
        since: now,
        total: Some(12),
        progress: Some(ScanProgress {
            done: 5,
            total: 12,
            failed: 1,
            calls: 6,
            per_second: 9.6,
            eta: Some(Duration::from_secs(2)),
            budget: budget(1090, None, now),
            elapsed: Duration::from_millis(520),
        }),
        listing_budget: None,
    });
    state
}

/// `N` (no key) with `/` typing `lab`: the filter line names both.
pub fn accounts_filtered() -> AppState {
    let mut state = accounts_scanned();
    state.accounts.quick = vec![AccountQuick::NoKey];
    state.accounts.typing = Some(Input::new("lab".into()));
    state.accounts.name_contains = Some("lab".into());
    state.accounts.reorder();
    state
}

/// Sorted by type, the cursor on the account the token may not read.
pub fn accounts_unreadable_selected() -> AppState {
    let mut state = accounts_scanned();
    state.accounts.sort = AccountSort::Type;
    state.accounts.reorder();
    let at = (0..state.accounts.shown_len())
        .find(|&i| {
            state
                .accounts
                .shown(i)
                .is_some_and(|r| r.account_name == "Tyrell Corporation")
        })
        .expect("the unreadable account");
    state.accounts.selected = at;
    state.accounts.moved = true;
    state
}

pub fn scenarios() -> Vec<(&'static str, AppState)> {
    vec![
        ("accounts_scanned", accounts_scanned()),
        ("accounts_scanning", accounts_scanning()),
        ("accounts_filtered", accounts_filtered()),
        (
            "accounts_unreadable_selected",
            accounts_unreadable_selected(),
        ),
    ]
}

// ---------------------------------------------------------------- promises

/// The line of `shown` that contains `needle`.
fn line_with<'a>(shown: &'a str, needle: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} on screen:\n{shown}"))
}

#[test]
fn the_summary_counts_every_account_and_is_never_cut() {
    let whole = "12 accounts · 2 log payloads in clear · 2 without a payload-logging key \
                 · 1 with OCR off · 1 with AI context off · 2 could not be read";
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &accounts_scanned());
        let head: String = shown
            .lines()
            .skip(2)
            .take(2)
            .map(|l| l.trim_matches(|c| c == '┃' || c == ' '))
            .collect::<Vec<_>>()
            .join(" · ");
        let head = head.trim_end_matches(" · Scanned just now · r scans again");
        assert!(head.starts_with(whole), "{width}x{height}:\n{shown}");
        assert!(!head.contains('…'), "{head}");
    }
}

#[test]
fn what_needs_attention_comes_first_and_each_column_says_its_state() {
    let shown = screen(120, 40, &accounts_scanned());
    let at = |needle: &str| {
        shown
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} on screen:\n{shown}"))
    };
    // In clear, then no key, then unreadable, then OCR off, AI off, fine.
    assert!(at("Globex Media") < at("Hooli Labs"), "{shown}");
    assert!(at("Hooli Labs") < at("Tyrell Corporation"), "{shown}");
    assert!(at("Tyrell Corporation") < at("Initech"), "{shown}");
    assert!(at("Initech") < at("Wayne Enterprises"), "{shown}");
    assert!(at("Wayne Enterprises") < at("Acme Corp"), "{shown}");
    for head in [
        "ACCOUNT",
        "TYPE",
        "AI CONTEXT",
        "OCR",
        "PAYLOAD LOGGING",
        "MASKING",
        "UPDATED",
    ] {
        assert!(
            line_with(&shown, "ACCOUNT").contains(head),
            "{head}:\n{shown}"
        );
    }
    let globex = line_with(&shown, "Globex Media");
    assert!(globex.contains("SHA256:120a037f"), "{globex}");
    assert!(globex.contains("⚠ clear"), "{globex}");
    assert!(globex.contains("2026-11-02"), "{globex}");
    assert!(
        !globex.contains("4a751e7e"),
        "only the short form: {globex}"
    );
    let hooli = line_with(&shown, "Hooli Labs");
    assert!(hooli.contains("✗ off"), "no key is off: {hooli}");
    let initech = line_with(&shown, "Initech");
    assert!(
        initech.contains("✓ on") && initech.contains("✗ off"),
        "{initech}"
    );
    assert!(line_with(&shown, "Umbrella Health").contains("? not available"));
    assert!(line_with(&shown, "Tyrell Corporation").contains("? 403 no permission"));
}

#[test]
fn at_80_columns_the_date_and_type_go_but_the_settings_stay() {
    let shown = screen(80, 24, &accounts_scanned());
    let heads = line_with(&shown, "ACCOUNT");
    for head in ["AI CONTEXT", "OCR", "PAYLOAD LOGGING", "MASKING"] {
        assert!(heads.contains(head), "{head}: {heads}");
    }
    assert!(
        !heads.contains("UPDATED") && !heads.contains("TYPE"),
        "{heads}"
    );
    let by_type = screen(80, 24, &accounts_unreadable_selected());
    assert!(
        line_with(&by_type, "ACCOUNT").contains("TYPE▾"),
        "{by_type}"
    );
}

#[test]
fn the_selected_unreadable_account_has_its_whole_message_below_the_table() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &accounts_unreadable_selected());
        let detail = line_with(&shown, "not read ·");
        assert!(detail.contains("Tyrell Corporation"), "{shown}");
        assert!(
            shown.contains("403 no permission (Zero Trust Read)"),
            "{shown}"
        );
    }
}

#[test]
fn a_scan_under_way_says_how_far_it_is_as_the_fleet_page_does() {
    let shown = screen(120, 40, &accounts_scanning());
    assert!(
        shown.contains("Scanning 5 of 12 · ETA 2 s · budget 1,090 of 1,200 · resets in 2m10s"),
        "{shown}"
    );
    assert!(footer(&accounts_scanning()).contains("esc stop scan"));
    assert!(footer(&accounts_scanned()).contains("r scan again"));
}

#[test]
fn the_filter_line_names_every_filter_and_the_count() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &accounts_filtered());
        let line = line_with(&shown, "shown");
        assert!(line.contains("name lab"), "{line}");
        assert!(line.contains("no key"), "{line}");
        assert!(line.contains("1 of 12 shown"), "{line}");
        assert!(shown.contains("Hooli Labs"), "{shown}");
        assert!(!shown.contains("Acme Corp"), "{shown}");
    }
}

#[test]
fn only_the_rows_that_fit_are_drawn_and_no_colour_under_no_color() {
    let many: Vec<AccountRow> = (0..1000)
        .map(|n| AccountRow {
            account_id: format!("{n:032x}"),
            account_name: format!("Account {n:04}"),
            ..rows()[0].clone()
        })
        .collect();
    let state = no_color(on_accounts(many));
    let shown = screen(80, 24, &state);
    assert!(shown.contains("Account 0000"), "{shown}");
    assert!(!shown.contains("Account 0100"), "{shown}");
    assert!(shown.contains("1000 of 1000 shown"), "{shown}");
    assert_eq!(shown.matches('›').count(), 1, "{shown}");
}
