//! The overlay of the last changes: every write trustdeck sent, newest
//! first, from the audit log (`L`): when, to what, what changed, and how it
//! ended (an intent without an outcome reads "outcome unknown"); `enter`
//! shows every field of the selected one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding};

use super::text::{fit, pad, width};
use super::theme::Theme;
use crate::audit::Verdict;
use crate::state::{AuditLine, AuditOverlay};

/// Draws the overlay over `area`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    overlay: &AuditOverlay,
    log: Option<&str>,
    theme: Theme,
) {
    if let Some(change) = overlay
        .detail
        .and_then(|i| overlay.lines.as_ref()?.as_ref().ok()?.get(i))
    {
        super::audit_detail::render(frame, area, change, theme);
        return;
    }
    let block = Block::bordered()
        .border_type(Theme::border_type(true))
        .border_style(theme.border(true))
        .title(Line::from(" Last changes · audit log ").style(theme.title(true)))
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let columns = usize::from(inner.width);
    let mut lines = match &overlay.lines {
        None => vec![Line::styled("Reading the audit log…", theme.muted())],
        Some(Err(why)) => vec![Line::styled(format!("✗ {why}"), theme.error())],
        Some(Ok(changes)) if changes.is_empty() => {
            vec![Line::styled(
                "No changes recorded yet: every save and reset is recorded here.",
                theme.muted(),
            )]
        }
        Some(Ok(changes)) => {
            let rows = usize::from(inner.height).saturating_sub(usize::from(log.is_some()));
            let offset = (overlay.scroll + 1).saturating_sub(rows.max(1));
            table(changes, overlay.scroll, columns, theme)
                .into_iter()
                .skip(offset)
                .collect()
        }
    };
    if let Some(log) = log {
        let rows = usize::from(inner.height).saturating_sub(1);
        lines.truncate(rows);
        lines.resize(rows, Line::default());
        lines.push(Line::from(fit(
            vec![Span::styled(format!("from {log}"), theme.muted())],
            columns,
        )));
    }
    for (i, line) in lines
        .into_iter()
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(line, Rect::new(inner.x, y, inner.width, 1));
    }
}

/// One line a change: time, target, change, outcome, in aligned columns;
/// the selected one marked `›`.
fn table(
    changes: &[AuditLine],
    selected: usize,
    columns: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let widest =
        |of: fn(&AuditLine) -> &str| changes.iter().map(|c| width(of(c))).max().unwrap_or(0);
    let time = widest(|c| &c.time);
    let target = widest(|c| &c.target).min(40);
    changes
        .iter()
        .enumerate()
        .map(|(i, change)| {
            let spans = vec![
                Span::raw(if i == selected { "› " } else { "  " }),
                Span::styled(pad(&change.time, time + 2), theme.muted()),
                Span::styled(pad(&change.target, target + 2), theme.strong()),
                Span::raw(format!("{}  ", change.change)),
                Span::styled(
                    change.outcome.clone(),
                    verdict_style(&change.verdict, theme),
                ),
            ];
            let line = Line::from(fit(spans, columns));
            if i == selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect()
}

pub(super) fn verdict_style(verdict: &Verdict, theme: Theme) -> ratatui::style::Style {
    match verdict {
        Verdict::Applied => theme.ok(),
        Verdict::Unknown | Verdict::Other(_) => theme.warn(),
        _ => theme.error(),
    }
}
