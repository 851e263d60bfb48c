//! The lines above the fleet table that must keep their numbers at 80
//! columns: the coverage counts (shorter words, then a second line) and the
//! filters in force with how many zones they show.

use ratatui::text::{Line, Span};

use super::text::{input_view, spans_width, width};
use super::theme::Theme;
use crate::fleet::{Coverage, Quick, SortKey};
use crate::state::FleetPage;

/// The coverage counts in one line when they fit, else in shorter words,
/// else over two lines; a count is never cut off.
pub(super) fn summary(fleet: &FleetPage, columns: usize, theme: Theme) -> Vec<Line<'static>> {
    if fleet.rows().is_empty() {
        return vec![Line::styled("No zones read yet.", theme.muted())];
    }
    let coverage = fleet.coverage();
    let long = parts(&coverage, false);
    let short = parts(&coverage, true);
    let lines = [(&long, 1), (&short, 1), (&long, 2), (&short, 2)]
        .into_iter()
        .find_map(|(parts, most)| Some(wrapped(parts, columns)).filter(|l| l.len() <= most))
        .unwrap_or_else(|| wrapped(&short, columns));
    lines
        .into_iter()
        .map(|text| Line::styled(text, theme.strong()))
        .collect()
}

/// The head ("412 of 500 zones scanning (82 %)") and each count not zero.
fn parts(coverage: &Coverage, short: bool) -> Vec<String> {
    let percent = coverage.scanning_percent().unwrap_or(0);
    let noun = if coverage.zones == 1 { "zone" } else { "zones" };
    let head = if short {
        format!(
            "{}/{} scanning ({percent} %)",
            n(coverage.scanning),
            n(coverage.zones)
        )
    } else {
        format!(
            "{} of {} {noun} scanning ({percent} %)",
            n(coverage.scanning),
            n(coverage.zones)
        )
    };
    let counts = [
        (coverage.not_scanning, "off", "off"),
        (coverage.no_source, "no source", "no src"),
        (coverage.email_unverified, "email unverified", "unverified"),
        (coverage.no_email, "no email", "no email"),
        (coverage.pending, "pending", "pending"),
        (coverage.locked, "locked", "locked"),
        (coverage.unreadable, "could not be read", "unread"),
    ];
    let mut parts = vec![head];
    for (count, long, brief) in counts {
        if count > 0 {
            let words = if short { brief } else { long };
            parts.push(format!("{} {words}", n(count)));
        }
    }
    parts
}

/// `parts` joined by " · ", a new line where the next would not fit.
pub(super) fn wrapped(parts: &[String], columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if width(line) + 3 + width(part) <= columns => {
                line.push_str(" · ");
                line.push_str(part);
            }
            _ => lines.push(part.clone()),
        }
    }
    lines
}

/// Each quick filter in the words of the filter line, long and short.
const QUICK_WORDS: [(Quick, &str, &str); 7] = [
    (Quick::NotScanning, "not scanning", "off"),
    (Quick::NoSource, "no source", "no src"),
    (Quick::EmailNotVerified, "email not verified", "unverified"),
    (Quick::NoEmail, "no email", "no email"),
    (Quick::Pending, "pending", "pending"),
    (Quick::Locked, "locked", "locked"),
    (Quick::Error, "could not be read", "unread"),
];

/// "filter name "acme" · not scanning · last run failed/unconfirmed — 0 of
/// 500 shown · 2 marked · sort plan": every filter in force is named, so a
/// short list always has its reason on screen. In shorter words, then over
/// two lines when room is short; the sort goes first. Returns where the
/// cursor goes while the name is typed (on the first line).
pub(super) fn filter_line(
    fleet: &FleetPage,
    columns: usize,
    theme: Theme,
) -> (Vec<Line<'static>>, Option<usize>) {
    let lead = width("filter name ");
    let mut cursor = None;
    let mut first = vec![Span::styled("filter ", theme.label())];
    if let Some(input) = &fleet.typing {
        let (shown, at) = input_view(input, columns.saturating_sub(lead + 30).max(8));
        first.push(Span::styled("name ", theme.label()));
        first.push(Span::styled(shown, theme.input()));
        cursor = Some(lead + at);
    } else if let Some(name) = fleet
        .filter
        .name_contains
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        first.push(Span::raw(format!("name {name:?}")));
    }
    let named = first.len() > 1;
    let sort = match fleet.sort {
        SortKey::Attention => "attention",
        SortKey::Zone => "zone",
        SortKey::Account => "account",
        SortKey::Plan => "plan",
    };
    let parts = |short: bool| {
        let mut words: Vec<&str> = QUICK_WORDS
            .iter()
            .filter(|(quick, _, _)| fleet.has(*quick))
            .map(|(_, long, brief)| if short { *brief } else { *long })
            .collect();
        if fleet.needs_a_look {
            words.push(if short {
                "run failed/unsure"
            } else {
                "last run failed/unconfirmed"
            });
        }
        let filtered = named || !words.is_empty();
        let mut parts: Vec<Vec<Span<'static>>> = Vec::new();
        let mut head = first.clone();
        let mut words = words.into_iter();
        match (named, words.next()) {
            (_, None) if !filtered => head.push(Span::styled("none", theme.muted())),
            (false, Some(word)) => head.push(Span::styled(word, theme.warn())),
            (true, Some(word)) => parts.push(vec![Span::styled(word, theme.warn())]),
            _ => {}
        }
        parts.insert(0, head);
        parts.extend(words.map(|w| vec![Span::styled(w, theme.warn())]));
        let style = if filtered && fleet.order.is_empty() {
            theme.warn()
        } else {
            theme.muted()
        };
        let count = format!(
            "{} of {} shown",
            n(fleet.order.len()),
            n(fleet.rows().len())
        );
        parts.push(vec![
            Span::styled("— ", theme.muted()),
            Span::styled(count, style),
        ]);
        if !fleet.marked.is_empty() {
            let marked = format!("{} marked", n(fleet.marked.len()));
            parts.push(vec![Span::styled(marked, theme.staged())]);
        }
        parts
    };
    let sort = vec![Span::styled(format!("sort {sort}"), theme.muted())];
    let lines = [(false, 1), (true, 1), (true, 2)]
        .into_iter()
        .find_map(|(short, most)| {
            Some(joined(parts(short), &sort, columns, theme)).filter(|l| l.len() <= most)
        })
        .unwrap_or_else(|| joined(parts(true), &sort, columns, theme));
    (lines, cursor)
}

/// `parts` joined by " · " (" " before the count), a new line where the
/// next would not fit; `last` is added only where it fits.
pub(super) fn joined(
    parts: Vec<Vec<Span<'static>>>,
    last: &[Span<'static>],
    columns: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let count = parts.len();
    for (i, part) in parts.into_iter().chain([last.to_vec()]).enumerate() {
        let sep = if part.first().is_some_and(|s| s.content == "— ") {
            " "
        } else {
            " · "
        };
        match lines.last_mut() {
            Some(line) if spans_width(line) + width(sep) + spans_width(&part) <= columns => {
                line.push(Span::styled(sep, theme.muted()));
                line.extend(part);
            }
            _ if i == count => {}
            _ => lines.push(part),
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// The spans of a progress line, whole " · " parts dropped from the end
/// (the least important) until it fits, so nothing is cut mid-word.
pub(super) fn fit_parts(line: Line<'static>, columns: usize) -> Line<'static> {
    let mut spans = line.spans;
    while spans_width(&spans) > columns {
        let Some(last_sep) = spans.iter().rposition(|s| s.content == " · ") else {
            break;
        };
        if last_sep == 0 {
            break;
        }
        spans.truncate(last_sep);
    }
    Line::from(spans)
}

/// A count as the page writes it: `45,197`.
fn n(count: usize) -> String {
    crate::fleet::thousands(count as u64)
}
