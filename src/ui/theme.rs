//! Every style the screen uses, in one place, so `NO_COLOR` is honoured by
//! construction: with it set, only bold, reverse, underline and dim remain.

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use super::palette::Palette;
use crate::state::Context;

/// The styles of one frame.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// False when `NO_COLOR` is set.
    color: bool,
    /// The colour of each role.
    palette: Palette,
}

impl Theme {
    /// The theme for `context`.
    pub fn new(context: &Context) -> Self {
        Self {
            color: !context.no_color,
            palette: context.palette,
        }
    }

    /// `style`, bold too when the theme is loud (and colour is on).
    fn loud(self, style: Style) -> Style {
        if self.color && self.palette.bold {
            style.bold()
        } else {
            style
        }
    }

    /// `style` with the foreground `fg`, unless colour is off.
    fn fg(self, style: Style, fg: Color) -> Style {
        if self.color { style.fg(fg) } else { style }
    }

    /// `style` with the colours `fg` on `bg`, unless colour is off.
    fn fg_bg(self, style: Style, fg: Color, bg: Color) -> Style {
        if self.color {
            style.fg(fg).bg(bg)
        } else {
            style
        }
    }

    /// A panel border; the focused one is bold and thick, so focus shows without colour.
    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Style::new().bold(), self.palette.accent)
        } else {
            self.fg(Style::new(), self.palette.border)
        }
    }

    /// The line drawing of a panel border.
    pub fn border_type(focused: bool) -> BorderType {
        if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        }
    }

    /// A panel title.
    pub fn title(self, focused: bool) -> Style {
        if focused {
            self.fg(Style::new().bold(), self.palette.accent)
        } else {
            Style::new()
        }
    }

    /// A value that names where you are (the zone).
    pub fn strong(self) -> Style {
        Style::new().bold()
    }

    /// A field's name.
    pub fn label(self) -> Style {
        self.fg(self.loud(Style::new()), self.palette.label)
    }

    /// Text that matters less: "never recorded", "not set", meanings.
    pub fn muted(self) -> Style {
        let style = self.fg(Style::new(), self.palette.muted);
        if self.color && self.palette.dim_muted {
            style.add_modifier(Modifier::DIM)
        } else {
            style
        }
    }

    /// The `*` of a staged change, and the unsaved count.
    pub fn staged(self) -> Style {
        self.fg(Style::new().bold(), self.palette.staged)
    }

    /// The selected row of the focused panel.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Something on or fine: `[x] on`, `✓ valid`.
    pub fn ok(self) -> Style {
        self.fg(self.loud(Style::new()), self.palette.ok)
    }

    /// Something waiting or worth a look: `◐ pending`, warnings.
    pub fn warn(self) -> Style {
        self.fg(self.loud(Style::new()), self.palette.warn)
    }

    /// Something wrong: `✗ unverified`, errors.
    pub fn error(self) -> Style {
        self.fg(Style::new().bold(), self.palette.error)
    }

    /// Plain information on the status line.
    pub fn info(self) -> Style {
        self.fg(self.loud(Style::new()), self.palette.info)
    }

    /// A key name in the footer, dialogs and help.
    pub fn key(self) -> Style {
        self.fg(Style::new().bold(), self.palette.accent)
    }

    /// A group heading in the help overlay.
    pub fn heading(self) -> Style {
        self.fg(Style::new().bold().underlined(), self.palette.accent)
    }

    /// The email field while it is edited.
    pub fn input(self) -> Style {
        self.fg_bg(
            Style::new().underlined(),
            self.palette.input,
            self.palette.input_bg,
        )
    }

    /// The DEMO badge: impossible to miss.
    pub fn demo_badge(self) -> Style {
        let loud = Style::new().bold();
        if self.color {
            loud.fg(Color::Black).bg(Color::Yellow)
        } else {
            loud.reversed()
        }
    }

    /// The READ-ONLY badge.
    pub fn read_only_badge(self) -> Style {
        let loud = Style::new().bold();
        if self.color {
            loud.fg(Color::White).bg(Color::Red)
        } else {
            loud.reversed()
        }
    }

    /// The highlighted button of a dialog.
    pub fn button(self, highlighted: bool, destructive: bool) -> Style {
        match (highlighted, destructive) {
            (false, _) => Style::new(),
            (true, false) => Style::new().bold().reversed(),
            (true, true) if self.color => Style::new().bold().fg(Color::White).bg(Color::Red),
            (true, true) => Style::new().bold().reversed(),
        }
    }

    /// A panel that takes no input while a write is in flight.
    pub fn busy(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// The application's name in the header.
    pub fn brand(self) -> Style {
        self.fg(Style::new().bold(), self.palette.accent)
    }
}
