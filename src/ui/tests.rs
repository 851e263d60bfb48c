//! Render tests: whole screens on a `TestBackend`, as insta snapshots at
//! 80x24 and 120x40, plus the promises a snapshot cannot state on its own.

mod account_bulk;
mod accounts;
mod audit;
mod bulk;
mod fixtures;
mod fleet;
mod hidden;
mod mouse;
mod overlays;
mod themes;

use crate::state::ReadOnly;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::draw;
use crate::state::AppState;
use fixtures::*;

// ---------------------------------------------------------------- helpers

fn terminal(width: u16, height: u16, state: &AppState) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, state))
        .expect("drawing never fails");
    terminal
}

/// The buffer as text, one line per row, trailing blanks trimmed.
fn text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width).max(1);
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            // A wide symbol covers the next cell, which still holds a blank.
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            skip = skip
                .max(super::text::width(cell.symbol()))
                .saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn screen(width: u16, height: u16, state: &AppState) -> String {
    text(terminal(width, height, state).backend().buffer())
}

fn footer(state: &AppState) -> String {
    let shown = screen(120, 40, state);
    shown.lines().last().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------- snapshots

#[test]
fn screens_at_80x24_and_120x40() {
    for (name, state) in scenarios() {
        for (width, height) in [(80, 24), (120, 40)] {
            let snapshot = format!("{name}_{width}x{height}");
            insta::assert_snapshot!(snapshot, screen(width, height, &state));
        }
    }
}

#[test]
fn too_small_says_how_big_it_needs_to_be() {
    let shown = screen(60, 20, &normal());
    insta::assert_snapshot!("too_small_60x20", shown);
    assert!(shown.contains("Terminal too small: 60x20 — trustdeck needs at least 80x24"));
    assert!(screen(79, 24, &normal()).contains("Terminal too small: 79x24"));
    assert!(screen(80, 23, &normal()).contains("Terminal too small: 80x23"));
}

#[test]
fn no_color_keeps_focus_selection_staging_and_states_visible() {
    let state = no_color(dirty());
    let terminal = terminal(80, 24, &state);
    insta::assert_snapshot!(
        "no_color_dirty_form_80x24",
        text(terminal.backend().buffer())
    );
    let buffer = terminal.backend().buffer();
    let selected = buffer
        .content
        .iter()
        .any(|c| c.modifier.contains(Modifier::REVERSED));
    assert!(selected, "the selected row is reversed");
    let shown = text(buffer);
    assert!(shown.contains("› "), "the selection marker shows");
    assert!(shown.contains("◐ pending"), "the state has its symbol");
    assert!(shown.contains("* 2 unsaved changes"));
}

#[test]
fn no_color_draws_no_colour_anywhere() {
    let mut all = scenarios();
    all.push(("no_room", normal()));
    for (name, state) in all {
        let state = no_color(state);
        for (width, height) in [(80, 24), (120, 40), (60, 20)] {
            let terminal = terminal(width, height, &state);
            for (i, cell) in terminal.backend().buffer().content.iter().enumerate() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "{name} at {width}x{height}: cell {i} ({:?}) has colour {:?} on {:?}",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                );
            }
        }
    }
}

// ---------------------------------------------------------------- promises

#[test]
fn the_public_key_is_never_drawn_whole() {
    for (name, state) in scenarios() {
        for (width, height) in [(80, 24), (100, 30), (120, 40), (200, 60)] {
            let shown = screen(width, height, &state);
            assert!(
                !shown.contains(PUBLIC_KEY),
                "{name} at {width}x{height} shows the key"
            );
            assert!(
                !shown.contains(&PUBLIC_KEY[..12]),
                "{name} at {width}x{height} shows most of the key"
            );
        }
    }
    assert!(screen(120, 40, &normal()).contains("key SHA256:1109027e4a751e7e"));
}

#[test]
fn a_locked_zone_offers_no_edit_keys() {
    let footer = footer(&locked());
    for key in ["edit email", "save", "toggle", "discard"] {
        assert!(
            !footer.contains(key),
            "locked footer offers {key:?}: {footer}"
        );
    }
    assert!(footer.contains("help") && footer.contains("quit"));
    assert!(screen(80, 24, &locked()).contains("🔒 Locked by Trust & Safety: read-only"));
    let read_only = {
        let mut state = normal();
        state.settings.zone.read_only = Some(ReadOnly::MissingPermission {
            name: Some("Zone Settings Write".into()),
        });
        state
    };
    assert!(
        screen(120, 40, &read_only).contains("🔒 Read-only: the token lacks 'Zone Settings Write'")
    );
}

#[test]
fn the_footer_lists_the_keys_that_work_now() {
    let footer = footer(&normal());
    assert_eq!(
        footer,
        " tab panel  f fleet  j/k move  space toggle  e edit email  z zones  a accounts  : command  r refresh  ? help  q quit"
    );
    let narrow = screen(80, 24, &dirty());
    let last = narrow.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("? help  q quit"),
        "help and quit stay at 80 columns: {last}"
    );
}

#[test]
fn the_cursor_sits_inside_the_email_field_while_editing() {
    for (width, height) in [(80, 24), (120, 40)] {
        let state = editing();
        let mut terminal = terminal(width, height, &state);
        let cursor = terminal.get_cursor_position().expect("a cursor position");
        let shown = text(terminal.backend().buffer());
        let row = shown.lines().nth(usize::from(cursor.y)).unwrap_or_default();
        assert!(
            row.contains("Email") && row.contains("abuse@acme-corp"),
            "cursor row: {row}"
        );
        let field_start = row
            .find("abuse@")
            .map(|b| row[..b].chars().count())
            .unwrap_or_default();
        let typed = "abuse@acme-corp".chars().count();
        assert_eq!(
            usize::from(cursor.x),
            field_start + typed,
            "cursor after the typed text"
        );
        assert!(shown.contains("✗ has no valid domain"), "the problem shows");
    }
}

#[test]
fn the_spinner_and_elapsed_time_follow_the_clock() {
    let shown = screen(80, 24, &saving());
    let status = shown.lines().nth(22).unwrap_or_default();
    assert_eq!(status, " ⠸ Saving zone… 1.3s");
    let loading = screen(80, 24, &loading());
    assert!(
        loading
            .lines()
            .nth(22)
            .unwrap_or_default()
            .ends_with("esc cancels")
    );
}

#[test]
fn the_80x24_screen_shows_every_field_of_the_tallest_zone() {
    let shown = screen(80, 24, &dirty());
    for field in [
        "Zone",
        "Editable",
        "Scanning",
        "Email",
        "State",
        "↻ resend",
        "ncmec_ngo",
        "ncmec_industry",
        "iwf",
        "tech_coalition",
        "AI context analysis",
        "OCR",
        "masking",
        "key",
        "updated",
        "reset to defaults",
    ] {
        assert!(shown.contains(field), "{field} missing at 80x24:\n{shown}");
    }
    // The API never fills modified_on: no "Modified" row rather than a guess.
    assert!(!shown.contains("never recorded"), "{shown}");
}

#[test]
fn any_size_draws_without_panicking() {
    for (_, state) in scenarios() {
        for (width, height) in [
            (0, 0),
            (1, 1),
            (0, 24),
            (80, 0),
            (3, 2),
            (200, 3),
            (80, 24),
            (99, 24),
            (100, 24),
            (400, 120),
        ] {
            let _ = screen(width, height, &state);
        }
    }
}

#[test]
fn the_help_lists_every_binding_and_the_log_file() {
    use crate::input::KeyContext;
    use crate::state::Page;
    // The help is about the page shown: every binding but the other pages'
    // (the bulk run's keys are the fleet page's).
    let own = |page: Page| match page {
        Page::Settings => vec![KeyContext::Settings],
        Page::Fleet => vec![KeyContext::Fleet, KeyContext::Run],
        Page::Accounts => vec![KeyContext::Accounts],
    };
    let on_a_page = [
        KeyContext::Settings,
        KeyContext::Fleet,
        KeyContext::Run,
        KeyContext::Accounts,
    ];
    for (width, height) in [(80, 24), (120, 40)] {
        for page in [Page::Settings, Page::Fleet, Page::Accounts] {
            let mut state = help();
            state.page = page;
            let shown = screen(width, height, &state);
            for binding in crate::input::BINDINGS
                .iter()
                .filter(|b| !on_a_page.contains(&b.context) || own(page).contains(&b.context))
            {
                assert!(
                    shown.contains(&binding.key_names()),
                    "{} missing at {width}x{height} on {page:?}",
                    binding.key_names()
                );
                assert!(
                    shown.contains(binding.context.title()),
                    "{} missing",
                    binding.context.title()
                );
            }
            assert!(shown.contains("/home/ops/.local/state/trustdeck/trustdeck.log"));
        }
    }
    let wide = screen(120, 40, &help());
    assert!(
        wide.contains("focus the next panel"),
        "sentences when there is room:\n{wide}"
    );
}

#[test]
fn a_panel_that_is_saving_is_dimmed() {
    let terminal = terminal(80, 24, &saving());
    let buffer = terminal.backend().buffer();
    let row = text(buffer)
        .lines()
        .position(|l| l.contains("Scanning"))
        .expect("the scanning row");
    let y = u16::try_from(row).expect("a screen row");
    let cell = &buffer[(4, y)];
    assert!(cell.modifier.contains(Modifier::DIM), "{cell:?}");
    let account = text(buffer)
        .lines()
        .position(|l| l.contains("OCR"))
        .expect("the OCR row");
    let cell = &buffer[(4, u16::try_from(account).expect("a screen row"))];
    assert!(
        !cell.modifier.contains(Modifier::DIM),
        "the other panel stays bright"
    );
}

#[test]
fn a_long_message_wraps_instead_of_losing_its_end() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &save_failed());
        let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Your edits are kept."), "{shown}");
        assert!(shown.contains("* 2 unsaved changes"), "{shown}");
    }
}

#[test]
fn a_field_the_server_did_not_send_is_not_reported_never_a_default() {
    let mut state = normal();
    if let Some(loaded) = state.settings.zone.remote.loaded.as_mut() {
        loaded.value.value.enabled = None;
        loaded.value.value.email_state = None;
    }
    let shown = screen(120, 40, &state);
    let scanning = shown
        .lines()
        .find(|l| l.contains("Scanning"))
        .unwrap_or_default();
    assert!(scanning.contains("not reported"), "{scanning}");
    assert!(!scanning.contains("off"), "{scanning}");
    let email_state = shown
        .lines()
        .find(|l| l.contains("State"))
        .unwrap_or_default();
    assert!(email_state.contains("not reported"), "{email_state}");
}

#[test]
fn the_account_panel_waits_for_the_zone_instead_of_asking_for_a_flag() {
    use crate::state::{Lookup, Route};
    let zone_id = "117bf1e17392293e996d8990458815ea".to_owned();
    let now = std::time::Instant::now();
    let mut state = AppState::new(context(), Some(zone_id.clone()), None, now);
    state.gate = crate::state::Gate::Open;
    state
        .requests
        .start(Route::Lookup(Lookup::ZoneDetails { zone_id }), state.now);
    let shown = screen(120, 40, &state);
    assert!(!shown.contains("--account"), "{shown}");
    assert!(shown.contains("Waiting for the zone"), "{shown}");
}
