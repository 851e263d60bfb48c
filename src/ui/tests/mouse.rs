//! Mouse hit-testing: a click selects what the screen shows under it. Each
//! screen is drawn, the panels and their rows are found in the drawn buffer
//! by their text (not by asking the layout code), and every cell of the
//! screen is clicked.

use crate::state::{Csam, Dlp, Notice};
use crate::ui::setting::SettingView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::fixtures::{
    account_focused, dirty, editing, help, locked, missing_permission, normal, pending,
    quit_dialog, reset_dialog, save_failed,
};
use super::overlays::{
    account_picker, command_line, confirm_switch, gate_checking, gate_refused_expired,
    gate_refused_network, picker_no_match, zone_picker,
};
use super::terminal;
use crate::state::{
    AccountRow, AppState, Panel, Status, StatusKind, Target, ZoneRow, masking_meaning,
};
use crate::ui::hit_test;
use crate::ui::text::width;

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 40)];

// ---------------------------------------------------------------- reading the buffer

/// The symbols of line `y` from column `x` on, each with its column; the
/// blank cell a wide symbol covers is left out.
fn cells(buffer: &Buffer, y: u16, x: u16, columns: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut skip = 0;
    for column in x..x + columns {
        let symbol = buffer[(column, y)].symbol();
        if skip == 0 {
            out.push((column, symbol.to_owned()));
        }
        skip = skip.max(width(symbol)).saturating_sub(1);
    }
    out
}

/// The text of line `y` between columns `x` and `x + columns`.
fn line_text(buffer: &Buffer, y: u16, x: u16, columns: u16) -> String {
    cells(buffer, y, x, columns)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// The column where `needle` starts on line `y`, if it is there.
fn column_of(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let cells = cells(buffer, y, 0, buffer.area.width);
    let line: String = cells.iter().map(|(_, s)| s.as_str()).collect();
    let byte = line.find(needle)?;
    let mut at = 0;
    cells
        .into_iter()
        .find(|(_, s)| {
            let here = at;
            at += s.len();
            here == byte
        })
        .map(|(column, _)| column)
}

const TOP_LEFT: [&str; 4] = ["┌", "┏", "╭", "╔"];
const TOP_RIGHT: [&str; 4] = ["┐", "┓", "╮", "╗"];
const BOTTOM_LEFT: [&str; 4] = ["└", "┗", "╰", "╚"];

/// A panel's frame as drawn: its title on the top border, out to the corners.
fn panel_rect(buffer: &Buffer, title: &str) -> Rect {
    let area = buffer.area;
    let (x, y) = (0..area.height)
        .find_map(|y| column_of(buffer, y, &format!(" {title} ")).map(|x| (x, y)))
        .unwrap_or_else(|| panic!("the {title:?} panel is not drawn"));
    let left = x - 1;
    assert!(
        TOP_LEFT.contains(&buffer[(left, y)].symbol()),
        "no corner before {title:?}"
    );
    let right = (left + 1..area.width)
        .find(|&x| TOP_RIGHT.contains(&buffer[(x, y)].symbol()))
        .expect("a top-right corner");
    let bottom = (y + 1..area.height)
        .find(|&y| BOTTOM_LEFT.contains(&buffer[(left, y)].symbol()))
        .expect("a bottom-left corner");
    Rect::new(left, y, right - left + 1, bottom - y + 1)
}

/// Inside the border.
fn inner(rect: Rect) -> Rect {
    Rect::new(rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2)
}

// ---------------------------------------------------------------- what each row looks like

/// A selectable row as the eye finds it: the text on its first line and the
/// text on its last (the same for a one-line row).
struct Looks {
    target: Target,
    first: String,
    last: String,
}

fn zone_rows(state: &AppState) -> Vec<Looks> {
    let zone = &state.settings.zone;
    zone.rows()
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let first = match row {
                ZoneRow::Enabled => "Scanning".to_owned(),
                ZoneRow::Email => "Email".to_owned(),
                ZoneRow::Resend => "↻ resend".to_owned(),
                ZoneRow::Source(name) => format!("] {name}"),
            };
            // While editing, the email's problem stands beside or under the field.
            let problem = zone
                .editor
                .as_ref()
                .and_then(|e| e.problem.as_deref())
                .filter(|_| first == "Email")
                .and_then(|p| p.split_whitespace().last());
            Looks {
                target: Target::Row(Panel::Zone, i),
                last: problem.map_or_else(|| first.clone(), str::to_owned),
                first,
            }
        })
        .collect()
}

fn account_rows(state: &AppState) -> Vec<Looks> {
    AccountRow::ALL
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let (first, last) = match row {
                AccountRow::AiContextAnalysis => ("AI context analysis".to_owned(), None),
                AccountRow::Ocr => ("OCR".to_owned(), None),
                // The key's fingerprint ends the row, on a line of its own
                // when the panel is narrow.
                AccountRow::PayloadLogging => {
                    let account = &state.settings.account;
                    let key = account
                        .server_key()
                        .filter(|_| account.form.public_key.is_none() && account.editor.is_none())
                        .map(crate::state::key_fingerprint);
                    ("Payload logging".to_owned(), key)
                }
                AccountRow::MaskingLevel => {
                    let level = state
                        .settings
                        .account
                        .masking_level()
                        .expect("a masking level");
                    let meaning = masking_meaning(&level).split_whitespace().last();
                    ("masking".to_owned(), meaning.map(|w| format!("{w})")))
                }
                AccountRow::Reset => ("reset to defaults".to_owned(), None),
            };
            Looks {
                target: Target::Row(Panel::Account, i),
                last: last.unwrap_or_else(|| first.clone()),
                first,
            }
        })
        .collect()
}

/// The screen lines each row takes inside `inner`, found by its text;
/// `None` for a row scrolled out of sight.
fn lines_of(buffer: &Buffer, inner: Rect, looks: &Looks) -> Option<(u16, u16)> {
    let text = |y| line_text(buffer, y, inner.x, inner.width);
    let lines = inner.y..inner.bottom();
    let firsts: Vec<u16> = lines
        .clone()
        .filter(|&y| text(y).contains(&looks.first))
        .collect();
    assert!(firsts.len() <= 1, "{:?} drawn twice", looks.first);
    let first = *firsts.first()?;
    let last = lines
        .filter(|&y| y >= first)
        .find(|&y| text(y).contains(&looks.last))
        .unwrap_or_else(|| panic!("{:?} not drawn after {:?}", looks.last, looks.first));
    Some((first, last))
}

// ---------------------------------------------------------------- the checks

/// Draws `state` at `width`x`height` and clicks every cell: on a line of a
/// selectable row inside a panel's border that row, elsewhere in a panel
/// the panel, off the panels nothing. Rows in `hidden` must be scrolled out
/// of sight; every other row must be found on screen.
fn clicks_match_the_screen(
    name: &str,
    state: &AppState,
    width: u16,
    height: u16,
    hidden: &[Target],
) {
    let terminal = terminal(width, height, state);
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let zone = panel_rect(buffer, <Csam as SettingView>::TITLE);
    let account = panel_rect(buffer, <Dlp as SettingView>::TITLE);
    assert!(!zone.intersects(account), "{name}: the panels overlap");

    // (panel frame, screen line, row) for every line a row is drawn on.
    let mut claimed: Vec<(Rect, u16, Target)> = Vec::new();
    let panels = [(zone, zone_rows(state)), (account, account_rows(state))];
    for (rect, rows) in &panels {
        for looks in rows {
            match lines_of(buffer, inner(*rect), looks) {
                Some((first, last)) => {
                    assert!(
                        !hidden.contains(&looks.target),
                        "{name} at {width}x{height}: {:?} should be scrolled away",
                        looks.first
                    );
                    claimed.extend((first..=last).map(|y| (*rect, y, looks.target)));
                }
                None => assert!(
                    hidden.contains(&looks.target),
                    "{name} at {width}x{height}: {:?} not drawn",
                    looks.first
                ),
            }
        }
    }

    let expected = |x: u16, y: u16| -> Option<Target> {
        let position = (x, y).into();
        let (rect, panel) = [(zone, Panel::Zone), (account, Panel::Account)]
            .into_iter()
            .find(|(rect, _)| rect.contains(position))?;
        let row = claimed
            .iter()
            .find(|(frame, line, _)| *frame == rect && *line == y)
            .map(|(_, _, target)| *target)
            .filter(|_| inner(rect).contains(position));
        Some(row.unwrap_or(Target::Panel(panel)))
    };
    for y in 0..area.height {
        for x in 0..area.width {
            assert_eq!(
                hit_test(area, state, x, y),
                expected(x, y),
                "{name} at {width}x{height}, click at ({x}, {y}) on {:?}",
                line_text(buffer, y, 0, area.width)
            );
        }
    }
    for hidden in hidden {
        let found = (0..area.height)
            .flat_map(|y| (0..area.width).map(move |x| (x, y)))
            .any(|(x, y)| hit_test(area, state, x, y) == Some(*hidden));
        assert!(
            !found,
            "{name}: a click reaches {hidden:?}, which is not shown"
        );
    }

    // The promises by name, although the sweep above holds them too.
    let last = area.height - 1;
    for (x, y) in [
        (0, 0),
        (area.width / 2, 0),
        (0, last),
        (area.width - 1, last),
    ] {
        assert_eq!(
            hit_test(area, state, x, y),
            None,
            "{name}: header or footer"
        );
    }
    for (rect, panel) in [(zone, Panel::Zone), (account, Panel::Account)] {
        for (x, y) in [
            (rect.x, rect.y),
            (rect.right() - 1, rect.y),
            (rect.x, rect.bottom() - 1),
            (rect.right() - 1, rect.bottom() - 1),
            (rect.x, rect.y + 1),
            (rect.right() - 1, rect.y + 1),
        ] {
            assert_eq!(
                hit_test(area, state, x, y),
                Some(Target::Panel(panel)),
                "{name} at {width}x{height}: the border at ({x}, {y})"
            );
        }
    }
    // The row drawn selected is the row a click there selects.
    for (rect, _) in &panels {
        let inner = inner(*rect);
        for y in inner.y..inner.bottom() {
            if buffer[(inner.x, y)].symbol() == "›" {
                let selected = match state.settings.focus {
                    Panel::Zone => Target::Row(Panel::Zone, state.settings.zone.selected),
                    Panel::Account => Target::Row(Panel::Account, state.settings.account.selected),
                };
                assert_eq!(hit_test(area, state, inner.x, y), Some(selected), "{name}");
            }
        }
    }
}

/// Every cell of every size is off the panels.
fn nothing_is_clickable(name: &str, state: &AppState, sizes: &[(u16, u16)]) {
    for &(width, height) in sizes {
        let area = Rect::new(0, 0, width, height);
        for y in 0..height {
            for x in 0..width {
                assert_eq!(
                    hit_test(area, state, x, y),
                    None,
                    "{name} at {width}x{height}, click at ({x}, {y})"
                );
            }
        }
    }
}

/// The tallest zone stacked over the account at 80x24 with a three-line
/// status and a two-line field error, the last source selected: the zone
/// panel scrolls its first rows away.
fn scrolled() -> AppState {
    let mut state = dirty();
    state.settings.zone.selected = state.settings.zone.rows().len() - 1;
    state.settings.zone.field_error = Some((
        ZoneRow::Enabled,
        "scanning cannot be switched while the verification email is pending; verify the \
         address first, then try again"
            .into(),
    ));
    state.status = Some(Status {
        notice: Notice::Text(
            "Could not save the zone setting: the server took too long to answer and the \
               connection was closed before the reply arrived. Your edits are kept; press s to \
               try again or u to discard them."
                .into(),
        ),
        kind: StatusKind::Error,
        at: state.now,
        about: None,
    });
    state
}

// ---------------------------------------------------------------- tests

#[test]
fn a_click_lands_on_the_row_drawn_under_it() {
    let states = [
        ("zone_normal", normal()),
        ("zone_pending", pending()),
        ("zone_dirty", dirty()),
        ("zone_editing_email", editing()),
        ("zone_save_failed", save_failed()),
        ("zone_locked", locked()),
        ("zone_missing_permission", missing_permission()),
        ("account_focused", account_focused()),
        ("command_line", command_line()),
    ];
    for (name, state) in &states {
        for (width, height) in SIZES {
            clicks_match_the_screen(name, state, width, height, &[]);
        }
    }
}

#[test]
fn rows_that_wrap_take_every_line_they_are_drawn_on() {
    // The masking meaning wraps under its level side by side at 100 columns,
    // and the email's problem under the field at every size.
    let state = account_focused();
    let row = AccountRow::ALL
        .iter()
        .position(|r| *r == AccountRow::MaskingLevel)
        .unwrap();
    let masking = account_rows(&state).remove(row);
    let drawn = terminal(100, 30, &state);
    let buffer = drawn.backend().buffer();
    let account = inner(panel_rect(buffer, <Dlp as SettingView>::TITLE));
    let (first, last) = lines_of(buffer, account, &masking).expect("the masking row");
    assert!(last > first, "the masking meaning wraps at 100x30");
    for y in first..=last {
        for x in account.x..account.right() {
            assert_eq!(
                hit_test(buffer.area, &state, x, y),
                Some(Target::Row(Panel::Account, row))
            );
        }
    }

    let state = editing();
    let email = zone_rows(&state).remove(1);
    for (width, height) in SIZES {
        let drawn = terminal(width, height, &state);
        let buffer = drawn.backend().buffer();
        let zone = inner(panel_rect(buffer, <Csam as SettingView>::TITLE));
        let (first, last) = lines_of(buffer, zone, &email).expect("the email row");
        assert!(
            last > first,
            "the problem goes under the field at {width}x{height}"
        );
        for y in first..=last {
            assert_eq!(
                hit_test(buffer.area, &state, zone.right() - 1, y),
                Some(Target::Row(Panel::Zone, 1))
            );
        }
    }
}

#[test]
fn a_click_follows_the_scrolled_panel() {
    let state = scrolled();
    let shown = super::screen(80, 24, &state);
    assert!(!shown.contains("Scanning"), "scrolled away:\n{shown}");
    assert!(
        shown.contains("tech_coalition"),
        "the selection shows:\n{shown}"
    );
    clicks_match_the_screen("scrolled", &state, 80, 24, &[Target::Row(Panel::Zone, 0)]);
    // Side by side there is room for all of it.
    for (width, height) in [(100, 30), (120, 40)] {
        clicks_match_the_screen("scrolled", &state, width, height, &[]);
    }
}

#[test]
fn nothing_is_clicked_through_an_overlay_or_the_gate() {
    let covered = [
        ("reset_dialog", reset_dialog()),
        ("quit_dialog", quit_dialog()),
        ("confirm_switch", confirm_switch()),
        ("help", help()),
        ("zone_picker", zone_picker()),
        ("account_picker", account_picker()),
        ("picker_no_match", picker_no_match()),
        ("gate_checking", gate_checking()),
        ("gate_refused_expired", gate_refused_expired()),
        ("gate_refused_network", gate_refused_network()),
    ];
    for (name, state) in &covered {
        nothing_is_clickable(name, state, &SIZES);
    }
}

#[test]
fn nothing_is_clicked_below_the_minimum_size() {
    let sizes = [(79, 24), (80, 23), (60, 20), (200, 3), (1, 1), (0, 0)];
    nothing_is_clickable("too small", &normal(), &sizes);
    nothing_is_clickable("too small", &account_focused(), &sizes);
}
