//! The dashboard's own part of the config file: `[keys]` (see
//! [`crate::input::Keymap`] for its shape) and `theme`, checked before the
//! terminal is taken, each mistake reported at its line.
//!
//! ```toml
//! theme = "light"            # or "default", "high-contrast"
//!
//! [keys]
//! quit = "Q"                 # the actions that work everywhere
//! [keys.fleet]
//! reread_failed = ["ctrl-e", "E"]
//! ```
//!
//! or colours per role on top of a theme:
//!
//! ```toml
//! [theme]
//! base = "high-contrast"
//! accent = "cyan"
//! muted = "#8a8a8a"
//! ```
//!
//! The headless commands have no keys and no colours: they ignore both, but
//! a config file that is not valid TOML is still an error for them.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::ConfigError;
use super::file::{ConfigSource, line_column};
use crate::input::{Keymap, Rebind};
use crate::ui::palette::{Palette, ROLES, THEME_NAMES, parse_color};

/// How the dashboard looks and which keys it takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appearance {
    /// The keys in force.
    pub keys: Keymap,
    /// The colours.
    pub palette: Palette,
}

impl ConfigSource {
    /// The config file's `[keys]` and `theme`, checked: the defaults when
    /// there is no file or it sets neither. The profiles are not checked
    /// (the demo uses none).
    pub fn appearance(&self) -> Result<Appearance, ConfigError> {
        self.parse_shape()?;
        let Some(text) = &self.text else {
            return Ok(Appearance::default());
        };
        let at = |span: Range<usize>, message: String| ConfigError::InvalidConfigFile {
            path: self.path.clone(),
            position: Some(line_column(text, span.start)),
            message,
        };
        let document = DeTable::parse(text).map_err(|e| ConfigError::InvalidConfigFile {
            path: self.path.clone(),
            position: e.span().map(|span| line_column(text, span.start)),
            message: e.message().trim_end().to_owned(),
        })?;
        let mut appearance = Appearance::default();
        for (key, value) in document.get_ref() {
            match key.get_ref().as_ref() {
                "keys" => appearance.keys = keymap(value).map_err(|(s, m)| at(s, m))?,
                "theme" => appearance.palette = palette(value).map_err(|(s, m)| at(s, m))?,
                _ => {}
            }
        }
        Ok(appearance)
    }
}

/// A problem and where it is.
type Located = (Range<usize>, String);

fn keymap(keys: &Spanned<DeValue>) -> Result<Keymap, Located> {
    let DeValue::Table(table) = keys.get_ref() else {
        return Err((keys.span(), "keys should be a table: [keys]".to_owned()));
    };
    let mut rebinds = Vec::new();
    let mut spans = Vec::new();
    for (name, value) in table {
        if let DeValue::Table(scoped) = value.get_ref() {
            for (action, value) in scoped {
                let scope = name.get_ref().to_string();
                let place = format!("[keys.{scope}] {}", action.get_ref());
                rebinds.push(Rebind {
                    scope: Some(scope),
                    action: action.get_ref().to_string(),
                    keys: key_list(value, &place)?,
                });
                spans.push(action.span());
            }
        } else {
            let place = format!("[keys] {}", name.get_ref());
            rebinds.push(Rebind {
                scope: None,
                action: name.get_ref().to_string(),
                keys: key_list(value, &place)?,
            });
            spans.push(name.span());
        }
    }
    Keymap::build(&rebinds).map_err(|e| {
        let span = spans.get(e.entry).cloned().unwrap_or(keys.span());
        (span, e.message)
    })
}

/// `"Q"` or `["Q", "ctrl-c"]`.
fn key_list(value: &Spanned<DeValue>, place: &str) -> Result<Vec<String>, Located> {
    let wrong = || {
        (
            value.span(),
            format!("{place}: write a key (\"Q\") or a list of keys ([\"Q\", \"ctrl-c\"])"),
        )
    };
    match value.get_ref() {
        DeValue::String(key) => Ok(vec![key.to_string()]),
        DeValue::Array(keys) => keys
            .iter()
            .map(|key| match key.get_ref() {
                DeValue::String(key) => Ok(key.to_string()),
                _ => Err(wrong()),
            })
            .collect(),
        _ => Err(wrong()),
    }
}

fn palette(theme: &Spanned<DeValue>) -> Result<Palette, Located> {
    match theme.get_ref() {
        DeValue::String(name) => named(name, theme.span()),
        DeValue::Table(table) => {
            let base = table
                .iter()
                .find(|(role, _)| role.get_ref() == "base")
                .map(|(_, value)| match value.get_ref() {
                    DeValue::String(name) => named(name, value.span()),
                    _ => Err((value.span(), base_wanted())),
                })
                .transpose()?;
            let mut palette = base.unwrap_or_default();
            for (role, value) in table.iter().filter(|(role, _)| role.get_ref() != "base") {
                let DeValue::String(color) = value.get_ref() else {
                    return Err((
                        value.span(),
                        format!("[theme] {}: write a colour, e.g. \"cyan\"", role.get_ref()),
                    ));
                };
                let color = parse_color(color)
                    .map_err(|why| (value.span(), format!("[theme] {}: {why}", role.get_ref())))?;
                if !palette.set(role.get_ref(), color) {
                    let roles = ROLES
                        .iter()
                        .map(|(role, _)| *role)
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err((
                        role.span(),
                        format!(
                            "[theme] has no role `{}`; its roles are base (a theme), {roles}",
                            role.get_ref()
                        ),
                    ));
                }
            }
            Ok(palette)
        }
        _ => Err((theme.span(), base_wanted())),
    }
}

fn named(name: &str, span: Range<usize>) -> Result<Palette, Located> {
    Palette::named(name.trim()).ok_or_else(|| {
        (
            span,
            format!("there is no theme `{}`; {}", name.trim(), base_wanted()),
        )
    })
}

fn base_wanted() -> String {
    let names = THEME_NAMES
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("a theme is one of {names}, or a [theme] table of colours per role")
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;

    fn appearance(text: &str) -> Result<Appearance, String> {
        ConfigSource::from_text("/home/ops/.config/trustdeck/config.toml", text)
            .appearance()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn no_file_and_an_empty_one_keep_the_defaults() {
        let missing = ConfigSource::missing("/nonexistent.toml")
            .appearance()
            .unwrap();
        assert_eq!(missing, Appearance::default());
        assert_eq!(appearance("").unwrap(), Appearance::default());
    }

    #[test]
    fn keys_and_a_theme_are_read() {
        let read = appearance(
            "theme = \"light\"\n[keys]\nquit = \"Q\"\n[keys.fleet]\nreread_failed = [\"ctrl-e\", \"f5\"]\n",
        )
        .unwrap();
        assert_eq!(read.palette, Palette::named("light").unwrap());
        let reread = crate::input::BINDINGS
            .iter()
            .find(|b| b.name == "reread_failed")
            .unwrap();
        assert_eq!(read.keys.key_names(reread), "ctrl-e f5");
    }

    #[test]
    fn colours_per_role_go_on_top_of_the_base() {
        let read = appearance("[theme]\nbase = \"high-contrast\"\nmuted = \"#8a8a8a\"\n").unwrap();
        let mut expected = Palette::named("high-contrast").unwrap();
        expected.set("muted", Color::Rgb(0x8a, 0x8a, 0x8a));
        assert_eq!(read.palette, expected);
    }

    #[test]
    fn each_mistake_names_the_file_and_its_line() {
        let path = "/home/ops/.config/trustdeck/config.toml";
        for (text, line, says) in [
            (
                "[keys]\nquit = \"Q\"\nnope = \"x\"\n",
                3,
                "has no action `nope`",
            ),
            (
                "\n[keys.fleet]\nsort = \"ctrl-s\"\nreread_failed = \"hyper\"\n",
                4,
                "`hyper` is not a key",
            ),
            (
                "[keys.fleet]\n\nreread_failed = \"j\"\n",
                3,
                "would mean both",
            ),
            ("[keys]\nquit = \"S\"\n", 2, "[keys.fleet] sort"),
            ("[keys.picker]\ndown = \"n\"\n", 2, "not rebindable"),
            ("[keys]\nhelp = 5\n", 2, "write a key"),
            (
                "\n\ntheme = \"solarized\"\n",
                3,
                "there is no theme `solarized`",
            ),
            (
                "[theme]\naccent = \"cyan\"\nmuted = \"purple\"\n",
                3,
                "`purple` is not a colour",
            ),
            (
                "[theme]\naccent = \"cyan\"\nmutted = \"gray\"\n",
                3,
                "no role `mutted`",
            ),
        ] {
            let error = appearance(text).unwrap_err();
            assert!(
                error.contains(path) && error.contains(&format!("line {line},")),
                "{text:?}: {error}"
            );
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_file_that_is_not_toml_still_fails_without_keys() {
        let error = appearance("[keys\n").unwrap_err();
        assert!(error.contains("line 1"), "{error}");
    }
}
