//! Measuring and cutting styled text to a width, with `…` where it is cut.

use ratatui::text::{Line, Span};
use tui_input::Input;

/// The display width of `text` in terminal columns.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// The display width of `spans`.
pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(Span::width).sum()
}

/// `text` padded with spaces to `columns` (never cut).
pub fn pad(text: &str, columns: usize) -> String {
    let missing = columns.saturating_sub(width(text));
    format!("{text}{}", " ".repeat(missing))
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
        if !line.is_empty() && width(&line) + 1 + width(word) > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if width(&line) > columns {
            let cut: String = fit(vec![Span::raw(line.clone())], columns)
                .iter()
                .map(|s| s.content.as_ref())
                .collect();
            line = cut;
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

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(width("🔒 x"), 4);
        assert_eq!(plain(&fit(vec![Span::raw("🔒🔒🔒")], 4)), "🔒…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
