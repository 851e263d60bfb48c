//! What a plan dialog says of a revert: the run it reverts, and what of
//! that run cannot be put back, with why.

use ratatui::style::Style;
use ratatui::text::Line;

use super::bulk_dialog::words;
use super::theme::Theme;
use crate::state::Reverting;

/// Targets named in the "cannot be reverted" list; the rest are counted.
const NAMED: usize = 5;

/// The lines, empty for a plan that is no revert.
pub(super) fn revert_lines(
    revert: Option<&Reverting>,
    noun: &str,
    columns: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let Some(revert) = revert else {
        return Vec::new();
    };
    let mut lines = words(
        &format!(
            "Reverts run {}: the {noun} it changed, read again now; one already put back is \
             skipped.",
            revert.of
        ),
        Style::new(),
        columns,
        theme,
    );
    let cannot = &revert.not_revertible;
    if cannot.is_empty() {
        return lines;
    }
    lines.extend(words(
        &format!("Cannot be reverted ({}):", cannot.len()),
        theme.warn(),
        columns,
        theme,
    ));
    for (name, why) in cannot.iter().take(NAMED) {
        lines.extend(words(
            &format!("  {name}: {why}"),
            theme.warn(),
            columns,
            theme,
        ));
    }
    if cannot.len() > NAMED {
        lines.extend(words(
            &format!("  … and {} more", cannot.len() - NAMED),
            theme.muted(),
            columns,
            theme,
        ));
    }
    lines
}
