//! A bulk run on the fleet page: its progress line (where the scan's goes)
//! with a bar, done of total, failures, the pace, the budget and the ETA;
//! after its end the counts and what can be done next; and each zone's
//! outcome in the table's RUN column.

use std::time::Instant;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::fleet::{budget_span, words_of};
use super::theme::Theme;
use crate::fleet::{ApplyProgress, ApplySummary, RunState, StopReason, thousands};
use crate::state::{BulkRun, RowMark};

/// The cells of the progress bar.
const BAR: usize = 12;

/// The RUN column's width.
pub const RUN_COLUMN: usize = 12;

/// The run's line: what matters most first, so a narrow screen cuts the
/// least of it.
pub fn run_line(run: &BulkRun, now: Instant, theme: Theme) -> Line<'static> {
    if let Some(end) = &run.end {
        return end_line(&end.state, &end.summary, theme);
    }
    let asked = Asked {
        started: run.id.is_some(),
        paused: run.paused,
        stopping: run.stopping,
        quitting: run.quitting,
    };
    progress_line(run.progress.as_ref(), asked, now, theme)
}

/// What was asked of a run going, as its line tells it.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// The engine has started it.
    pub started: bool,
    /// Pause asked.
    pub paused: bool,
    /// Stop asked.
    pub stopping: bool,
    /// Quit asked.
    pub quitting: bool,
}

/// The line of a run going (of zones or accounts): its state, the bar, the
/// failures, the pace and the budget.
pub fn progress_line(
    progress: Option<&ApplyProgress>,
    run: Asked,
    now: Instant,
    theme: Theme,
) -> Line<'static> {
    let sep = || Span::styled(" · ", theme.muted());
    let Some(progress) = progress else {
        let what = if run.started {
            "Starting the bulk run…"
        } else {
            "Writing the run's journal…"
        };
        return Line::styled(what, theme.warn());
    };
    let (what, style) = if run.quitting {
        ("Quitting after those in flight", theme.warn())
    } else if run.stopping {
        ("Stopping", theme.warn())
    } else if progress.paused || run.paused {
        ("Paused", theme.warn())
    } else {
        ("Applying", theme.info())
    };
    let mut spans = vec![
        Span::styled(what.to_owned(), style.bold()),
        Span::raw(" "),
        bar(progress.done, progress.total, theme),
        Span::raw(format!(
            " {} of {}",
            thousands(progress.done as u64),
            thousands(progress.total as u64)
        )),
    ];
    if progress.failed > 0 {
        spans.extend([
            sep(),
            Span::styled(format!("{} failed", progress.failed), theme.error()),
        ]);
    }
    if progress.unknown > 0 {
        spans.extend([
            sep(),
            Span::styled(format!("{} unknown", progress.unknown), theme.warn()),
        ]);
    }
    if (progress.paused || run.stopping || run.quitting) && progress.in_flight > 0 {
        spans.extend([
            sep(),
            Span::raw(format!("{} in flight finish", progress.in_flight)),
        ]);
    }
    let budget = progress.budget.as_of(now);
    let blocked = budget.blocked_for.is_some();
    if blocked {
        spans.extend([sep(), budget_span(&budget, theme)]);
    }
    if let Some(eta) = progress.eta.filter(|_| !progress.paused) {
        spans.extend([sep(), Span::raw(format!("ETA {}", words_of(eta)))]);
    }
    spans.extend([
        sep(),
        Span::raw(format!("{:.0} requests/s", progress.per_second)),
    ]);
    if !blocked {
        spans.extend([sep(), budget_span(&budget, theme)]);
    }
    Line::from(spans)
}

/// `[██████░░░░░░]`: shapes only, so it reads without colour.
fn bar(done: usize, total: usize, theme: Theme) -> Span<'static> {
    let filled = (done * BAR).checked_div(total).unwrap_or(BAR).min(BAR);
    Span::styled(
        format!("[{}{}]", "█".repeat(filled), "░".repeat(BAR - filled)),
        theme.ok(),
    )
}

fn end_line(state: &RunState, summary: &ApplySummary, theme: Theme) -> Line<'static> {
    let (what, style) = match state {
        RunState::Complete => ("Run complete", theme.ok()),
        RunState::Cancelled => ("Run stopped", theme.warn()),
        RunState::Stopped(StopReason::Interrupted) => ("Run interrupted", theme.warn()),
        RunState::Stopped(_) => ("Run stopped by an error", theme.error()),
    };
    let mut spans = vec![
        Span::styled(what.to_owned(), style.bold()),
        Span::raw(": "),
        Span::raw(counts(summary).join(" · ")),
    ];
    let mut next = Vec::new();
    if summary.retryable > 0 {
        next.push("R retries the failed");
    }
    if summary.failed + summary.unknown > 0 {
        next.push("F shows failed/unknown");
    }
    if !next.is_empty() {
        spans.push(Span::styled(
            format!(" · {}", next.join(" · ")),
            theme.muted(),
        ));
    }
    Line::from(spans)
}

/// The counts of a run that are not zero, in words.
pub fn counts(summary: &ApplySummary) -> Vec<String> {
    let mut parts = Vec::new();
    for (count, words) in [
        (summary.done, "done"),
        (summary.adjusted, "adjusted"),
        (summary.failed, "failed"),
        (summary.unknown, "unknown"),
        (summary.skipped_total(), "skipped"),
        (summary.left, "not sent"),
    ] {
        if count > 0 {
            parts.push(format!("{} {words}", thousands(count as u64)));
        }
    }
    if parts.is_empty() {
        parts.push("no zones".to_owned());
    }
    parts
}

/// A zone's cell in the RUN column.
pub fn mark_cell(mark: Option<RowMark>, theme: Theme) -> (&'static str, Style) {
    match mark {
        None => ("", Style::new()),
        Some(RowMark::Queued) => ("· to send", theme.muted()),
        Some(RowMark::Done) => ("✓ done", theme.ok()),
        Some(RowMark::Adjusted) => ("≈ adjusted", theme.warn()),
        Some(RowMark::Skipped) => ("– skipped", theme.muted()),
        Some(RowMark::Failed) => ("✗ failed", theme.error()),
        Some(RowMark::Unknown) => ("? unknown", theme.warn()),
        Some(RowMark::NotSent) => ("– not sent", theme.muted()),
    }
}
