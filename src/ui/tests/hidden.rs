//! A name full of hidden characters (a bidi override, tag characters, an
//! ESC, a C1 control, zero-width ones) is drawn with each one as a visible
//! escape, and the columns and the border stay where they belong.

use ratatui::buffer::Buffer;

use super::fleet::{on_fleet, rows, scan_of};
use super::terminal;
use crate::api::text::is_hidden;
use crate::state::{AppState, Source};

/// Looks like `moc.evil` reversed, with tags, controls and zero-width ones.
const SPOOF: &str = "evil\u{202E}moc.\u{E0061}\u{E0062}\u{1b}[2J\u{9b}\u{200B}\u{FEFF}\u{2066}x";

fn hostile_fleet() -> AppState {
    let mut rows = rows();
    rows[0].zone_name = SPOOF.to_owned();
    if let Some(account) = rows[0].account.as_mut() {
        std::sync::Arc::make_mut(account).name = "Acme\u{2028}\u{200F}\u{E007F}".to_owned();
    }
    on_fleet(Some(scan_of(rows)), Source::Scan)
}

/// Row `y` as drawn, cell by cell (a wide symbol's covered cell left out).
fn row(buffer: &Buffer, y: u16) -> Vec<String> {
    let mut cells = Vec::new();
    let mut skip = 0;
    for x in 0..buffer.area.width {
        let symbol = buffer[(x, y)].symbol();
        if skip == 0 {
            cells.push(symbol.to_owned());
        } else {
            cells.push(String::new());
        }
        skip = skip.max(crate::ui::text::width(symbol)).saturating_sub(1);
    }
    cells
}

/// The first cell of row `y` where `needle` starts.
fn column_of(cells: &[String], needle: &str) -> Option<usize> {
    (0..cells.len()).find(|&x| cells[x..].concat().starts_with(needle))
}

#[test]
fn a_hostile_zone_name_is_drawn_as_escapes_and_keeps_the_columns() {
    let state = hostile_fleet();
    for (width, height) in [(80u16, 24u16), (120, 40)] {
        let terminal = terminal(width, height, &state);
        let buffer = terminal.backend().buffer();
        let mut name_row = None;
        let mut head_row = None;
        for y in 0..height {
            let cells = row(buffer, y);
            for (x, cell) in cells.iter().enumerate() {
                assert!(
                    !cell.chars().any(is_hidden),
                    "{width}x{height}: cell ({x}, {y}) holds a hidden character: {cell:?}"
                );
            }
            let line = cells.concat();
            if ["│", "┃"].contains(&cells[0].as_str()) {
                assert_eq!(
                    cells[usize::from(width) - 1],
                    cells[0],
                    "{width}x{height}: the right border of row {y} moved: {line}"
                );
            }
            if line.contains("SCANNING") {
                head_row = Some(cells.clone());
            }
            if line.contains("evil\\u{202e}moc.") {
                name_row = Some(cells);
            }
        }
        let name_row = name_row.unwrap_or_else(|| {
            panic!("{width}x{height}: the escaped name is on screen");
        });
        let head_row = head_row.expect("the column heads");
        let head = column_of(&head_row, "SCANNING").expect("SCANNING");
        let state = column_of(&name_row, "✓ on").expect("the zone's state");
        assert_eq!(
            head,
            state,
            "{width}x{height}: the state sits under its head:\n{}\n{}",
            head_row.concat(),
            name_row.concat()
        );
    }
}

#[test]
fn the_escaped_name_reads_in_order_on_a_wide_screen() {
    let terminal = terminal(120, 40, &hostile_fleet());
    let buffer = terminal.backend().buffer();
    let shown: String = (0..40).map(|y| row(buffer, y).concat() + "\n").collect();
    assert!(
        shown.contains("evil\\u{202e}moc.\\u{e0061}\\u{e0062"),
        "{shown}"
    );
    assert!(shown.contains("Acme\\u{2028}\\u{200f}"), "{shown}");
}
