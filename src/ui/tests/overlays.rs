//! The screens around the dashboard: the credential gate, the zone and
//! account pickers, the command line, the switch confirmation, and the
//! header with a configuration profile. States first, then the promises.

use std::time::{Duration, Instant};

use tui_input::Input;

use super::fixtures::{context, dirty, normal, read_only_mode};
use super::{footer, screen, terminal, text};
use crate::api::ApiError;
use crate::state::{
    AppState, CommandLine, Context, Dialog, Gate, PageRequest, Picker, PickerItem, PickerKind,
    ReadOnly,
};

const ZONE_ID: &str = "117bf1e17392293e996d8990458815ea";
const ACCOUNT_ID: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";

// ---------------------------------------------------------------- states

/// The real API, signed in with a token from the `production` profile.
fn production() -> Context {
    Context {
        base_url: "https://api.cloudflare.com/client/v4".into(),
        demo: None,
        auth: "API token from profile `production` (token_env CF_API_TOKEN_PROD)".into(),
        profile: Some("production".into()),
        ..context()
    }
}

/// Start-up against the real API: nothing loaded, the token being checked.
pub fn gate_checking() -> AppState {
    AppState::new(
        production(),
        Some(ZONE_ID.into()),
        Some(ACCOUNT_ID.into()),
        Instant::now(),
    )
}

/// An expired token: nothing to retry, only to fix.
pub fn gate_refused_expired() -> AppState {
    let mut state = gate_checking();
    state.gate = Gate::Refused {
        title: "This API token has expired".into(),
        detail: "It stopped working on 2026-09-30T23:59:59Z. Create a new token (or extend \
                 this one) in the Cloudflare dashboard under My Profile › API Tokens, then set \
                 CLOUDFLARE_API_TOKEN."
            .into(),
        retry: false,
    };
    state
}

/// The network is down: trying again may help.
pub fn gate_refused_network() -> AppState {
    let mut state = gate_checking();
    let error = ApiError::Connection {
        host: "api.cloudflare.com".into(),
        detail: "dns error: failed to lookup address information".into(),
    };
    state.gate = Gate::Refused {
        title: "Could not check the credentials".into(),
        detail: format!("{error}."),
        retry: true,
    };
    state
}

fn zone(name: &str, plan: &str, status: &str, account: &str, recent: bool) -> PickerItem {
    PickerItem {
        id: format!("{:x>32}", name.len()),
        name: name.into(),
        detail: format!("{plan} · {status} · {account}"),
        account_id: Some(ACCOUNT_ID.into()),
        account_name: Some(account.into()),
        recent,
    }
}

/// `count` zones as the API lists them, alphabetical.
fn zones(count: usize) -> Vec<PickerItem> {
    let plans = ["ent", "pro", "biz", "free"];
    (0..count)
        .map(|i| {
            let mut item = zone(
                &format!("site-{i:02}.acme-corp.com"),
                plans[i % plans.len()],
                if i % 7 == 3 { "pending" } else { "active" },
                if i % 5 == 4 { "Acme Labs" } else { "Acme Corp" },
                false,
            );
            item.id = format!("{i:0>32}");
            item
        })
        .collect()
}

/// The zone picker: two recent zones, the first page of 60 in, the second
/// on its way, the cursor on a loaded zone.
pub fn zone_picker() -> AppState {
    let mut state = normal();
    let recent = vec![
        zone("shop.acme-corp.com", "ent", "active", "Acme Corp", true),
        zone("images.acme-corp.com", "ent", "active", "Acme Corp", true),
    ];
    let mut picker = Picker::new(PickerKind::Zone, "", recent);
    picker.items = zones(25);
    picker.total = Some(60);
    picker.next_page = Some(2);
    picker.loading = Some(PageRequest {
        id: 31,
        page: 2,
        filter: None,
    });
    picker.selected = 3;
    state.picker = Some(picker);
    state
}

/// A filter the server found nothing for.
pub fn picker_no_match() -> AppState {
    let mut state = normal();
    let mut picker = Picker::new(PickerKind::Zone, "staging", Vec::new());
    picker.server_filter = Some("contains:staging".into());
    picker.total = Some(0);
    picker.next_page = None;
    state.picker = Some(picker);
    state
}

/// The zone picker after a page failed to load.
pub fn picker_failed() -> AppState {
    let mut state = zone_picker();
    if let Some(picker) = state.picker.as_mut() {
        picker.loading = None;
        picker.error = Some(ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(30)),
        });
    }
    state
}

/// The account picker: every account in, no total sent.
pub fn account_picker() -> AppState {
    let mut state = normal();
    let account = |id: &str, name: &str, kind: &str| PickerItem {
        id: id.into(),
        name: name.into(),
        detail: kind.into(),
        account_id: Some(id.into()),
        account_name: Some(name.into()),
        recent: false,
    };
    let mut picker = Picker::new(PickerKind::Account, "", Vec::new());
    picker.items = vec![
        account(ACCOUNT_ID, "Acme Corp", "enterprise"),
        account("9a7806061c88ada191ed06f989cc3dac", "Acme Labs", "standard"),
        account(
            "5c2b1b3e0f6f4c1e8e4b2a7d9c0e1f23",
            "Trust & Safety sandbox",
            "standard",
        ),
    ];
    picker.next_page = None;
    picker.selected = 1;
    state.picker = Some(picker);
    state
}

/// `:zone shop` typed on the command line.
pub fn command_line() -> AppState {
    let mut state = normal();
    state.command_line = Some(CommandLine {
        input: Input::new("zone shop".into()),
    });
    state
}

/// Choosing another zone while the zone panel has two staged changes.
pub fn confirm_switch() -> AppState {
    let mut state = dirty();
    state.dialog = Some(Dialog::ConfirmSwitch {
        target: zone("blog.acme-corp.com", "pro", "active", "Acme Corp", false),
        kind: PickerKind::Zone,
        staged: 2,
        confirm_selected: false,
    });
    state
}

/// `--read-only` against the real API with the `production` profile.
pub fn profile_read_only() -> AppState {
    let mut state = read_only_mode();
    state.context = Context {
        read_only: true,
        ..production()
    };
    state
}

/// The screens of this file, for the snapshots and the whole-screen promises.
pub fn scenarios() -> Vec<(&'static str, AppState)> {
    vec![
        ("gate_checking", gate_checking()),
        ("gate_refused_expired", gate_refused_expired()),
        ("gate_refused_network", gate_refused_network()),
        ("zone_picker", zone_picker()),
        ("picker_no_match", picker_no_match()),
        ("picker_failed", picker_failed()),
        ("account_picker", account_picker()),
        ("command_line", command_line()),
        ("confirm_switch", confirm_switch()),
        ("header_profile_read_only", profile_read_only()),
    ]
}

// ---------------------------------------------------------------- promises

#[test]
fn the_gate_hides_the_dashboard_until_the_credentials_work() {
    for state in [
        gate_checking(),
        gate_refused_expired(),
        gate_refused_network(),
    ] {
        for (width, height) in [(80, 24), (120, 40)] {
            let shown = screen(width, height, &state);
            for panel in ["CSAM Scanner", "DLP settings", "Scanning", "OCR"] {
                assert!(!shown.contains(panel), "{panel} behind the gate:\n{shown}");
            }
        }
    }
    assert!(screen(80, 24, &gate_checking()).contains("⠋ Checking the credentials…"));
    let header = screen(120, 40, &gate_checking());
    let header = header.lines().next().unwrap_or_default();
    assert!(
        !header.contains("? help"),
        "`?` does nothing behind the gate: {header}"
    );
    let expired = screen(80, 24, &gate_refused_expired());
    assert!(
        expired.contains("✗ This API token has expired"),
        "{expired}"
    );
    assert!(
        expired.contains("CLOUDFLARE_API_TOKEN."),
        "the detail ends whole"
    );
}

#[test]
fn the_gate_offers_retry_only_when_it_may_help() {
    assert_eq!(footer(&gate_refused_expired()), " q quit");
    assert_eq!(footer(&gate_refused_network()), " r retry  q quit");
    assert_eq!(footer(&gate_checking()), " q quit");
    let shown = screen(80, 24, &gate_refused_network());
    let in_box = shown
        .lines()
        .filter(|l| l.contains("r retry  q quit"))
        .count();
    assert_eq!(in_box, 2, "the box and the footer name the keys:\n{shown}");
}

/// The cursor's row and column on a screen.
fn cursor_at(width: u16, height: u16, state: &AppState) -> (String, usize) {
    let mut terminal = terminal(width, height, state);
    let cursor = terminal.get_cursor_position().expect("a cursor position");
    let shown = text(terminal.backend().buffer());
    let row = shown
        .lines()
        .nth(usize::from(cursor.y))
        .unwrap_or_default()
        .to_owned();
    (row, usize::from(cursor.x))
}

/// The column (in characters) where `needle` starts in `row`.
fn column_of(row: &str, needle: &str) -> usize {
    let byte = row
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in {row:?}"));
    row[..byte].chars().count()
}

#[test]
fn the_cursor_sits_after_the_typed_filter() {
    let mut state = zone_picker();
    if let Some(picker) = state.picker.as_mut() {
        picker.query = Input::new("site-1".into());
    }
    for (width, height) in [(80, 24), (120, 40)] {
        let (row, x) = cursor_at(width, height, &state);
        assert!(row.contains("› site-1"), "cursor row: {row}");
        assert_eq!(x, column_of(&row, "site-1") + "site-1".len(), "{row}");
    }
    // With nothing typed the cursor waits at the start of the filter.
    let (row, x) = cursor_at(80, 24, &zone_picker());
    assert_eq!(x, column_of(&row, "type to filter"), "{row}");
}

#[test]
fn the_cursor_sits_on_the_command_line() {
    for (width, height) in [(80, 24), (120, 40)] {
        let (row, x) = cursor_at(width, height, &command_line());
        assert_eq!(row, " :zone shop");
        assert_eq!(x, " :zone shop".len());
        let shown = screen(width, height, &command_line());
        let status = shown.lines().nth(usize::from(height) - 2);
        assert_eq!(status, Some(" :zone shop"), "the status line gives way");
    }
}

#[test]
fn the_selected_entry_stays_in_view_deep_in_the_list() {
    let mut state = normal();
    let mut picker = Picker::new(PickerKind::Zone, "", Vec::new());
    picker.items = zones(60);
    picker.total = Some(60);
    picker.next_page = None;
    for selected in [0, 40, 59] {
        picker.selected = selected;
        state.picker = Some(picker.clone());
        for (width, height) in [(80, 24), (120, 40)] {
            let shown = screen(width, height, &state);
            let name = format!("site-{selected:02}.acme-corp.com");
            let row = shown
                .lines()
                .find(|l| l.contains(&name))
                .unwrap_or_else(|| panic!("{name} not shown at {width}x{height}:\n{shown}"));
            assert!(row.contains(&format!("› {name}")), "{row}");
            let entries = shown
                .lines()
                .filter(|l| l.contains(".acme-corp.com"))
                .count();
            assert!(
                entries >= 10,
                "{entries} entries at {width}x{height}:\n{shown}"
            );
        }
    }
}

#[test]
fn the_picker_says_what_it_is_doing() {
    let shown = screen(80, 24, &zone_picker());
    assert!(shown.contains("Zones · 25 of 60 loaded"), "{shown}");
    assert!(shown.contains("↺ shop.acme-corp.com"), "{shown}");
    assert!(shown.contains("── all zones"), "{shown}");
    assert!(
        shown.contains("ent · active · Acme Corp"),
        "plan · status · account"
    );
    let mut loading = zone_picker();
    if let Some(picker) = loading.picker.as_mut() {
        picker.selected = 26;
    }
    let bottom = screen(80, 24, &loading);
    let last = bottom
        .lines()
        .filter(|l| l.contains('┃'))
        .nth_back(0)
        .unwrap_or_default();
    assert!(last.contains("… loading more"), "{bottom}");
    assert!(screen(80, 24, &picker_no_match()).contains("no match for \"staging\""));
    let failed = screen(120, 40, &picker_failed());
    assert!(
        failed.contains("✗ Could not load the zones: rate limited"),
        "{failed}"
    );
}

#[test]
fn read_only_mode_offers_no_edit_keys_and_says_so_with_the_profile() {
    let state = profile_read_only();
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &state);
        let header = shown.lines().next().unwrap_or_default();
        assert!(header.contains("READ-ONLY"), "{header}");
        assert!(header.contains("profile production"), "{header}");
        let footer = shown.lines().last().unwrap_or_default();
        for key in ["save", "toggle", "edit email", "reset…", "discard"] {
            assert!(
                !footer.contains(key),
                "read-only footer offers {key:?}: {footer}"
            );
        }
    }
    let mut zone_focused = state;
    zone_focused.settings.focus = crate::state::Panel::Zone;
    let footer = footer(&zone_focused);
    for key in ["save", "toggle", "edit email", "reset…"] {
        assert!(
            !footer.contains(key),
            "read-only footer offers {key:?}: {footer}"
        );
    }
}

#[test]
fn read_only_mode_draws_the_write_rows_as_unavailable_with_the_reason() {
    let mut state = super::fixtures::pending();
    state.context.read_only = true;
    state.settings.zone.read_only = Some(ReadOnly::ReadOnlyMode);
    state.settings.account.read_only = Some(ReadOnly::ReadOnlyMode);
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &state);
        assert!(
            shown.contains("D reset to defaults · Read-only mode"),
            "{shown}"
        );
        assert!(!shown.contains("D reset to defaults…"), "{shown}");
    }
    let shown = screen(120, 40, &state);
    assert!(shown.contains("↻ resend email · Read-only mode"), "{shown}");
}

#[test]
fn the_account_footer_offers_e_for_the_public_key() {
    let mut state = normal();
    state.settings.focus = crate::state::Panel::Account;
    let narrow = screen(80, 24, &state);
    let lines = [narrow.lines().last().unwrap_or_default(), &footer(&state)];
    for line in lines {
        assert!(line.contains(" e key "), "{line}");
    }
}
