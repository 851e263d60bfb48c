//! The colours of each role on screen: a named theme (`theme = "light"` in
//! the config file), with colours per role on top (`[theme]`,
//! `accent = "cyan"`). `NO_COLOR` wins over all of them (see `theme.rs`).

use ratatui::style::Color;

/// The themes by name.
pub const THEME_NAMES: &[&str] = &["default", "light", "high-contrast"];

/// The roles `[theme]` may colour, each with what it paints.
pub const ROLES: &[(&str, &str)] = &[
    ("accent", "focused borders and titles, keys, headings"),
    ("border", "the borders of panels without focus"),
    ("label", "a field's name"),
    ("muted", "text that matters less"),
    ("staged", "a staged change and the unsaved count"),
    ("ok", "something on or fine"),
    ("warn", "something waiting or worth a look"),
    ("error", "something wrong"),
    ("info", "plain information on the status line"),
    ("input", "the text of a field being edited"),
    ("input_bg", "the background of a field being edited"),
];

/// One colour per role, and how loud the theme is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Focused borders and titles, key names, headings, the brand.
    pub accent: Color,
    /// Borders of panels without focus.
    pub border: Color,
    /// A field's name.
    pub label: Color,
    /// Text that matters less.
    pub muted: Color,
    /// Muted text is also dim.
    pub dim_muted: bool,
    /// A staged change.
    pub staged: Color,
    /// Something on or fine.
    pub ok: Color,
    /// Something waiting or worth a look.
    pub warn: Color,
    /// Something wrong.
    pub error: Color,
    /// Plain information.
    pub info: Color,
    /// The text of a field being edited.
    pub input: Color,
    /// Its background.
    pub input_bg: Color,
    /// Labels and states are bold too.
    pub bold: bool,
}

impl Default for Palette {
    /// For a dark background, in colours every common scheme draws
    /// legibly: never palette 8 (DarkGray), which vanishes on Solarized Dark.
    fn default() -> Self {
        Self {
            accent: Color::Cyan,
            border: Color::Gray,
            label: Color::Gray,
            muted: Color::Gray,
            dim_muted: true,
            staged: Color::Yellow,
            ok: Color::Green,
            warn: Color::Yellow,
            error: Color::Red,
            info: Color::Blue,
            input: Color::Black,
            input_bg: Color::Gray,
            bold: false,
        }
    }
}

impl Palette {
    /// The theme called `name` (one of [`THEME_NAMES`]).
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::default()),
            "light" => Some(Self::light()),
            "high-contrast" => Some(Self::high_contrast()),
            _ => None,
        }
    }

    /// For a light background: no white, yellow or cyan text.
    fn light() -> Self {
        Self {
            accent: Color::Blue,
            border: Color::Black,
            label: Color::Black,
            muted: Color::DarkGray,
            dim_muted: false,
            staged: Color::Magenta,
            ok: Color::Green,
            warn: Color::Magenta,
            error: Color::Red,
            info: Color::Blue,
            input: Color::Black,
            input_bg: Color::Gray,
            bold: false,
        }
    }

    /// Bright colours and bold, for a dark background.
    fn high_contrast() -> Self {
        Self {
            accent: Color::LightCyan,
            border: Color::White,
            label: Color::White,
            muted: Color::Gray,
            dim_muted: false,
            staged: Color::LightYellow,
            ok: Color::LightGreen,
            warn: Color::LightYellow,
            error: Color::LightRed,
            info: Color::LightBlue,
            input: Color::Black,
            input_bg: Color::White,
            bold: true,
        }
    }

    /// `self` with `role` (one of [`ROLES`]) painted `color`; false for a
    /// role there is not.
    pub fn set(&mut self, role: &str, color: Color) -> bool {
        let slot = match role {
            "accent" => &mut self.accent,
            "border" => &mut self.border,
            "label" => &mut self.label,
            "muted" => {
                self.dim_muted = false;
                &mut self.muted
            }
            "staged" => &mut self.staged,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "error" => &mut self.error,
            "info" => &mut self.info,
            "input" => &mut self.input,
            "input_bg" => &mut self.input_bg,
            _ => return false,
        };
        *slot = color;
        true
    }

    /// Every foreground colour it draws text in.
    pub fn foregrounds(&self) -> [Color; 10] {
        [
            self.accent,
            self.border,
            self.label,
            self.muted,
            self.staged,
            self.ok,
            self.warn,
            self.error,
            self.info,
            self.input,
        ]
    }
}

/// The colour `text` names: one of the 16 ANSI names (`cyan`,
/// `light-blue`, `dark-gray`, case and `-`/`_` ignored), `default`, or
/// `#rrggbb`.
pub fn parse_color(text: &str) -> Result<Color, String> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix('#') {
        return match (hex.len(), u32::from_str_radix(hex, 16)) {
            (6, Ok(rgb)) => Ok(Color::Rgb(
                ((rgb >> 16) & 0xff) as u8,
                ((rgb >> 8) & 0xff) as u8,
                (rgb & 0xff) as u8,
            )),
            _ => Err(format!(
                "`{text}` is not a colour: write #rrggbb, e.g. #8a8a8a"
            )),
        };
    }
    let squashed: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace("grey", "gray");
    let color = match squashed.as_str() {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" | "brightblack" => Color::DarkGray,
        "lightred" | "brightred" => Color::LightRed,
        "lightgreen" | "brightgreen" => Color::LightGreen,
        "lightyellow" | "brightyellow" => Color::LightYellow,
        "lightblue" | "brightblue" => Color::LightBlue,
        "lightmagenta" | "brightmagenta" => Color::LightMagenta,
        "lightcyan" | "brightcyan" => Color::LightCyan,
        "white" | "brightwhite" => Color::White,
        _ => {
            return Err(format!(
                "`{text}` is not a colour: write one of black, red, green, yellow, blue, \
                 magenta, cyan, gray, dark-gray, light-red, light-green, light-yellow, \
                 light-blue, light-magenta, light-cyan, white, default, or #rrggbb"
            ));
        }
    };
    Ok(color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_never_draws_in_palette_8() {
        let default = Palette::default();
        for color in default.foregrounds().into_iter().chain([default.input_bg]) {
            assert!(
                !matches!(color, Color::DarkGray | Color::Indexed(8)),
                "{default:?}"
            );
        }
    }

    #[test]
    fn the_light_theme_draws_no_pale_text() {
        let light = Palette::named("light").unwrap();
        for color in light.foregrounds() {
            assert!(
                !matches!(
                    color,
                    Color::White | Color::Yellow | Color::LightYellow | Color::Cyan | Color::Gray
                ),
                "{color:?}"
            );
        }
    }

    #[test]
    fn colours_parse_by_name_and_hex() {
        assert_eq!(parse_color("cyan"), Ok(Color::Cyan));
        assert_eq!(parse_color("Light-Blue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("dark_grey"), Ok(Color::DarkGray));
        assert_eq!(parse_color("#8a8a8a"), Ok(Color::Rgb(0x8a, 0x8a, 0x8a)));
        for bad in ["#8a8a8", "#ggg000", "purple", "", "#"] {
            assert!(parse_color(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_role_can_be_set() {
        for (role, _) in ROLES {
            let mut palette = Palette::default();
            assert!(palette.set(role, Color::Rgb(1, 2, 3)), "{role}");
            assert_ne!(palette, Palette::default(), "{role}");
        }
        assert!(!Palette::default().set("accent_color", Color::Red));
    }
}
