//! Keys as the config file writes them: `a`, `A`, `ctrl-e`, `shift-tab`,
//! `enter`, `esc`, `space`, `pgup`, `f5`, mostly as the footer and the
//! help write them.

use crossterm::event::KeyCode;

use super::Key;

/// The named keys, each with the spellings accepted.
const NAMED: &[(&[&str], KeyCode)] = &[
    (&["space"], KeyCode::Char(' ')),
    (&["enter", "return"], KeyCode::Enter),
    (&["esc", "escape"], KeyCode::Esc),
    (&["tab"], KeyCode::Tab),
    (&["shift-tab", "backtab"], KeyCode::BackTab),
    (&["backspace"], KeyCode::Backspace),
    (&["delete", "del"], KeyCode::Delete),
    (&["insert", "ins"], KeyCode::Insert),
    (&["up", "↑"], KeyCode::Up),
    (&["down", "↓"], KeyCode::Down),
    (&["left", "←"], KeyCode::Left),
    (&["right", "→"], KeyCode::Right),
    (&["home"], KeyCode::Home),
    (&["end"], KeyCode::End),
    (&["pgup", "pageup"], KeyCode::PageUp),
    (&["pgdn", "pagedown"], KeyCode::PageDown),
];

impl Key {
    /// The key `text` names, or why it names none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(rest) = strip_prefix_ignore_case(text, "ctrl-")
            && !rest.is_empty()
        {
            let mut chars = rest.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_graphic() => Ok(Self {
                    code: KeyCode::Char(c.to_ascii_lowercase()),
                    ctrl: true,
                }),
                _ => Err(format!(
                    "`{text}` is not a key: ctrl- takes one letter, digit or sign (ctrl-e)"
                )),
            };
        }
        let lower = text.to_lowercase();
        if let Some((_, code)) = NAMED
            .iter()
            .find(|(names, _)| names.contains(&lower.as_str()))
        {
            return Ok(super::code(*code));
        }
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && !c.is_control()
            && c != ' '
        {
            return Ok(super::ch(c));
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&n)
        {
            return Ok(super::code(KeyCode::F(n)));
        }
        Err(format!(
            "`{text}` is not a key: write one character (a, A, ?), ctrl-LETTER, or one of \
             space, enter, esc, tab, shift-tab, backspace, delete, insert, up, down, left, \
             right, home, end, pgup, pgdn, f1 to f12"
        ))
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ch, code, ctrl};

    #[test]
    fn keys_parse_as_the_footer_writes_them() {
        assert_eq!(Key::parse("a"), Ok(ch('a')));
        assert_eq!(Key::parse("A"), Ok(ch('A')));
        assert_eq!(Key::parse("?"), Ok(ch('?')));
        assert_eq!(Key::parse("ctrl-e"), Ok(ctrl('e')));
        assert_eq!(Key::parse("Ctrl-E"), Ok(ctrl('e')));
        assert_eq!(Key::parse("shift-tab"), Ok(code(KeyCode::BackTab)));
        assert_eq!(Key::parse("space"), Ok(ch(' ')));
        assert_eq!(Key::parse("pgup"), Ok(code(KeyCode::PageUp)));
        assert_eq!(Key::parse("↓"), Ok(code(KeyCode::Down)));
        assert_eq!(Key::parse("f5"), Ok(code(KeyCode::F(5))));
        for bad in ["", "ctrl-", "ctrl-enter", "f13", "hyper-x", "ab", " "] {
            assert!(Key::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_parsed_key_is_written_back_the_same_way() {
        for text in [
            "a",
            "A",
            "ctrl-e",
            "shift-tab",
            "space",
            "enter",
            "esc",
            "f5",
            "tab",
        ] {
            assert_eq!(Key::parse(text).unwrap().name(), text);
        }
    }
}
