//! Every theme on every screen: the default never draws in palette 8,
//! `NO_COLOR` wins over each theme, and a rebound key shows in the footer
//! and the help.

use ratatui::style::Color;

use super::fixtures::{help, normal, scenarios};
use super::{terminal, text};
use crate::input::{Keymap, Rebind};
use crate::state::AppState;
use crate::ui::palette::{Palette, THEME_NAMES};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (60, 20)];

fn every_screen() -> Vec<(&'static str, AppState)> {
    let mut all = scenarios();
    all.push(("help", help()));
    all
}

#[test]
fn the_default_theme_draws_nothing_in_palette_8() {
    for (name, state) in every_screen() {
        assert_eq!(state.context.palette, Palette::default());
        for (width, height) in SIZES {
            let terminal = terminal(width, height, &state);
            for (i, cell) in terminal.backend().buffer().content.iter().enumerate() {
                for (what, color) in [("text", cell.fg), ("background", cell.bg)] {
                    assert!(
                        !matches!(color, Color::DarkGray | Color::Indexed(8)),
                        "{name} at {width}x{height}: cell {i} ({:?}) has {what} in palette 8",
                        cell.symbol()
                    );
                }
            }
        }
    }
}

#[test]
fn no_color_wins_over_every_theme() {
    let mut custom = Palette::default();
    custom.set("accent", Color::Rgb(1, 2, 3));
    custom.set("input_bg", Color::Magenta);
    let palettes = THEME_NAMES
        .iter()
        .map(|name| Palette::named(name).unwrap())
        .chain([custom]);
    for palette in palettes {
        for (name, mut state) in every_screen() {
            state.context.no_color = true;
            state.context.palette = palette;
            for (width, height) in SIZES {
                let terminal = terminal(width, height, &state);
                for cell in &terminal.backend().buffer().content {
                    assert!(
                        cell.fg == Color::Reset && cell.bg == Color::Reset,
                        "{palette:?}: {name} at {width}x{height}: {:?} has {:?} on {:?}",
                        cell.symbol(),
                        cell.fg,
                        cell.bg
                    );
                }
            }
        }
    }
}

#[test]
fn a_theme_paints_with_its_own_colours() {
    let mut state = normal();
    state.context.palette = Palette::named("high-contrast").unwrap();
    let terminal = terminal(120, 40, &state);
    let colours: Vec<Color> = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.fg)
        .collect();
    assert!(colours.contains(&Color::LightCyan), "the accent");
    assert!(!colours.contains(&Color::Cyan), "not the default's accent");
}

#[test]
fn the_footer_and_the_help_show_the_keys_in_force() {
    let keys = Keymap::build(&[
        Rebind {
            scope: None,
            action: "help".into(),
            keys: vec!["H".into()],
        },
        Rebind {
            scope: Some("settings".into()),
            action: "save".into(),
            keys: vec!["ctrl-s".into()],
        },
    ])
    .unwrap();
    let mut state = normal();
    state.context.keys = keys.clone();
    let screen = text(terminal(120, 40, &state).backend().buffer());
    let header = screen.lines().next().unwrap();
    assert!(header.ends_with("H help"), "{header}");
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains(" H help"), "{footer}");
    assert!(!footer.contains("? help"), "{footer}");
    let mut shown = help();
    shown.context.keys = keys;
    let overlay = text(terminal(120, 40, &shown).backend().buffer());
    let row = |about: &str| {
        overlay
            .lines()
            .find(|l| l.contains(about))
            .unwrap_or_else(|| panic!("no {about:?} in\n{overlay}"))
            .to_owned()
    };
    assert!(row("show or hide this help").contains("H  "), "{overlay}");
    assert!(
        row("save the staged changes").contains("ctrl-s"),
        "{overlay}"
    );
}
