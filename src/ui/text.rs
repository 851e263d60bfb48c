//! Measuring and cutting styled text to a width, with `…` where it is cut.
//! Every function here measures and draws text as [`shown`]: a hidden
//! character (a control, a bidi override, a zero-width or tag character)
//! is drawn as its escape, `\u{202e}`, so a name cannot reorder or hide
//! what follows, and its width is the cells it takes.

use std::borrow::Cow;
use std::fmt::Write as _;

use ratatui::text::{Line, Span};
use tui_input::Input;

use crate::api::text::is_hidden;

/// `text` as the dashboard draws it: each hidden character as `\u{…}`
/// (lowercase hex, as Rust's `{:?}` writes it).
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The display width of `text` in terminal columns, as drawn.
pub fn width(text: &str) -> usize {
    Span::raw(shown(text)).width()
}

/// The display width of `spans`, as drawn.
pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| width(&s.content)).sum()
}

/// `text` as drawn, padded with spaces to `columns` (never cut).
pub fn pad(text: &str, columns: usize) -> String {
    let text = shown(text);
    let missing = columns.saturating_sub(width(&text));
    format!("{text}{}", " ".repeat(missing))
}

/// `text` as drawn in at most `columns`, cut with `…` when longer.
pub fn fit_text(text: &str, columns: usize) -> String {
    fit(vec![Span::raw(text.to_owned())], columns)
        .iter()
        .map(|s| s.content.as_ref())
        .collect()
}

/// The first characters of `text` that fit in `columns`.
fn cut(text: &str, columns: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > columns {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// `spans` cut to `columns`, ending in `…` when anything was cut.
pub fn fit(spans: Vec<Span<'static>>, columns: usize) -> Vec<Span<'static>> {
    let spans: Vec<Span<'static>> = spans
        .into_iter()
        .map(|span| match shown(&span.content) {
            Cow::Borrowed(_) => span,
            Cow::Owned(text) => Span::styled(text, span.style),
        })
        .collect();
    if spans_width(&spans) <= columns {
        return spans;
    }
    if columns == 0 {
        return Vec::new();
    }
    let budget = columns - 1;
    let mut used = 0;
    let mut out = Vec::new();
    let mut last_style = None;
    for span in spans {
        let w = span.width();
        last_style = Some(span.style);
        if used + w <= budget {
            used += w;
            out.push(span);
            continue;
        }
        let head = cut(&span.content, budget - used);
        if !head.is_empty() {
            out.push(Span::styled(head, span.style));
        }
        break;
    }
    out.push(Span::styled("…", last_style.unwrap_or_default()));
    out
}

/// `text` wrapped at spaces into lines of at most `columns` (a word longer
/// than a line is cut with `…`).
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = shown(word);
        let word = word.as_ref();
        if !line.is_empty() && width(&line) + 1 + width(word) > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if width(&line) > columns {
            line = fit_text(&line, columns);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// What of `input` shows in a field `field` columns wide, scrolled so the
/// cursor shows (one column stays free for the cursor after the text), and
/// the cursor's column in it.
pub fn input_view(input: &Input, field: usize) -> (String, usize) {
    if field == 0 {
        return (String::new(), 0);
    }
    let scroll = input.visual_scroll(field - 1);
    let mut skipped = 0;
    let mut shown = String::new();
    let mut used = 0;
    for c in input.value().chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if skipped < scroll {
            skipped += w;
            continue;
        }
        if used + w > field {
            break;
        }
        used += w;
        shown.push(c);
    }
    let cursor = input.visual_cursor().saturating_sub(scroll).min(field - 1);
    (shown, cursor)
}

/// A line cut to `columns`, keeping its line style.
pub fn fit_line(line: Line<'static>, columns: usize) -> Line<'static> {
    let style = line.style;
    Line::from(fit(line.spans, columns)).style(style)
}

/// Why a request waits, in words: `rate limited by Cloudflare, retrying in
/// 7 s`, or `failed, retrying in 1 s (attempt 2)`.
pub fn retry_words(retry: crate::state::Retry, now: std::time::Instant) -> String {
    let wait = retry.at.saturating_duration_since(now).as_secs_f64().ceil();
    if retry.rate_limited {
        format!("rate limited by Cloudflare, retrying in {wait:.0} s")
    } else {
        format!(
            "failed, retrying in {wait:.0} s (attempt {})",
            retry.attempt
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(spans: &[Span<'_>]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis_only_when_needed() {
        let spans = vec![Span::raw("abc"), Span::raw("def")];
        assert_eq!(plain(&fit(spans.clone(), 6)), "abcdef");
        assert_eq!(plain(&fit(spans.clone(), 5)), "abcd…");
        assert_eq!(plain(&fit(spans.clone(), 1)), "…");
        assert!(fit(spans, 0).is_empty());
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abc…"]);
        assert!(wrap("", 4).is_empty());
    }

    #[test]
    fn a_long_input_scrolls_to_keep_the_cursor_in_view() {
        let input = Input::new("zone shop.acme-corp.com".into());
        let (shown, cursor) = input_view(&input, 10);
        assert_eq!(cursor, 9, "the cursor sits after the text");
        assert!("zone shop.acme-corp.com".ends_with(&shown), "{shown}");
        let (shown, cursor) = input_view(&Input::new("ab".into()), 10);
        assert_eq!((shown.as_str(), cursor), ("ab", 2));
        assert_eq!(input_view(&input, 0), (String::new(), 0));
    }

    /// Every kind of hidden character the dashboard must not draw raw.
    const HIDDEN: &[char] = &[
        '\u{1b}',
        '\u{9b}',
        '\u{7f}',
        '\u{202A}',
        '\u{202E}',
        '\u{2066}',
        '\u{2069}',
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{2028}',
        '\u{2029}',
        '\u{E0000}',
        '\u{E0041}',
        '\u{E007F}',
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{FEFF}',
        '\u{2060}',
    ];

    #[test]
    fn hidden_characters_are_drawn_as_escapes() {
        for &c in HIDDEN {
            let name = format!("a{c}b");
            let drawn = shown(&name);
            assert_eq!(drawn, format!("a\\u{{{:x}}}b", u32::from(c)), "{c:?}");
            assert_eq!(shown(&drawn), drawn, "escaping twice changes nothing");
        }
        assert_eq!(shown("evil\u{202E}moc.x"), "evil\\u{202e}moc.x");
        assert!(matches!(shown("shop.example.com"), Cow::Borrowed(_)));
    }

    #[test]
    fn width_pad_and_fit_agree_on_a_hostile_name() {
        for &c in HIDDEN {
            let name = format!("zone{c}{c}.example.com");
            let drawn = shown(&name);
            let cells = drawn.chars().count();
            assert_eq!(width(&name), cells, "{c:?}: width is the cells drawn");
            assert_eq!(spans_width(&[Span::raw(name.clone())]), cells);
            assert_eq!(width(&pad(&name, 50)), 50, "{c:?}");
            assert!(!pad(&name, 50).chars().any(is_hidden));
            for columns in [0, 1, 5, 12, cells, cells + 3] {
                let fitted = fit(vec![Span::raw(name.clone())], columns);
                assert!(spans_width(&fitted) <= columns, "{c:?} in {columns}");
                assert!(!plain(&fitted).chars().any(is_hidden), "{c:?} in {columns}");
            }
            assert_eq!(plain(&fit(vec![Span::raw(name.clone())], cells)), drawn);
            for line in wrap(&format!("{name} {name}"), 20) {
                assert!(width(&line) <= 20 && !line.chars().any(is_hidden), "{line}");
            }
        }
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(width("🔒 x"), 4);
        assert_eq!(plain(&fit(vec![Span::raw("🔒🔒🔒")], 4)), "🔒…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
