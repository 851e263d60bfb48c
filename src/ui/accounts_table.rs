//! The accounts table's columns: which fit (narrow screens drop the date,
//! then the type, unless the rows are sorted by it), the sorted column's
//! head marked, and each row's cells; a row that could not be read says why
//! in the fleet table's words.

use ratatui::text::{Line, Span};

use super::bulk::{RUN_COLUMN, mark_cell};
use super::fleet_table::{cut, reason};
use super::text::pad;
use super::theme::Theme;
use crate::fleet::{AccountDlp, AccountRow, DlpState, Failure, Masking};
use crate::state::{AccountSort, RowMark};

/// Which columns fit, and how wide each is.
pub(super) struct Layout {
    name: usize,
    kind: bool,
    updated: bool,
    sort: AccountSort,
    /// A bulk run's column (its outcome per account).
    run: bool,
}

const KIND: usize = 12;
const AI: usize = 12;
const OCR: usize = 8;
const LOGGING: usize = 18;
const MASKING: usize = 10;
const UPDATED: usize = 11;
/// The selection marker and a space before the name.
const MARK: usize = 2;
/// The narrowest the name column gets before another column goes.
const NAME_LEAST: usize = 22;
/// The name column grows to this.
const NAME_MOST: usize = 40;

impl Layout {
    /// The widest table that fits `columns`.
    pub(super) fn new(columns: usize, sort: AccountSort) -> Self {
        let mut layout = Self {
            name: 0,
            kind: true,
            updated: true,
            sort,
            run: false,
        };
        let fixed = |l: &Self| {
            MARK + AI
                + OCR
                + LOGGING
                + MASKING
                + if l.kind { KIND } else { 0 }
                + if l.updated { UPDATED } else { 0 }
        };
        if fixed(&layout) + NAME_LEAST > columns {
            layout.updated = false;
        }
        if fixed(&layout) + NAME_LEAST > columns && sort != AccountSort::Type {
            layout.kind = false;
        }
        layout.name = columns.saturating_sub(fixed(&layout)).clamp(10, NAME_MOST);
        layout
    }

    /// With the bulk run's column after the name, which gives up its width.
    pub(super) fn with_run(mut self, run: bool) -> Self {
        if run {
            self.run = true;
            self.name = self.name.saturating_sub(RUN_COLUMN).max(10);
        }
        self
    }

    /// The column heads, the sorted one marked `▾`.
    pub(super) fn heads(&self, theme: Theme) -> Line<'static> {
        let head = |name: &str, key: AccountSort| {
            if self.sort == key {
                format!("{name}▾")
            } else {
                name.to_owned()
            }
        };
        let mut text = format!(
            "{}{}",
            " ".repeat(MARK),
            pad(&head("ACCOUNT", AccountSort::Name), self.name)
        );
        if self.run {
            text.push_str(&pad("RUN", RUN_COLUMN));
        }
        if self.kind {
            text.push_str(&pad(&head("TYPE", AccountSort::Type), KIND));
        }
        text.push_str(&pad("AI CONTEXT", AI));
        text.push_str(&pad("OCR", OCR));
        text.push_str(&pad("PAYLOAD LOGGING", LOGGING));
        text.push_str(&pad("MASKING", MASKING));
        if self.updated {
            text.push_str("UPDATED");
        }
        Line::styled(text, theme.label())
    }

    /// One row's cells: the cursor, the bulk mark, the run's outcome.
    pub(super) fn row(
        &self,
        row: &AccountRow,
        (selected, marked): (bool, bool),
        outcome: Option<RowMark>,
        theme: Theme,
    ) -> Vec<Span<'static>> {
        let cursor = if selected { "›" } else { " " };
        let mark = if marked { "●" } else { " " };
        let name = if row.account_name.trim().is_empty() {
            row.account_id.as_str()
        } else {
            row.account_name.as_str()
        };
        let mut spans = vec![
            Span::raw(cursor),
            Span::styled(mark, theme.staged()),
            Span::styled(cut(name, self.name), theme.strong()),
        ];
        if self.run {
            let (text, style) = mark_cell(outcome, theme);
            spans.push(Span::styled(pad(text, RUN_COLUMN), style));
        }
        if self.kind {
            let kind = row.account_type.as_deref().unwrap_or("—");
            spans.push(Span::raw(cut(kind, KIND)));
        }
        match &row.dlp {
            AccountDlp::Read(state) => self.settings(state, &mut spans, theme),
            AccountDlp::Failed(error) => spans.push(Span::styled(
                format!("? {}", account_reason(&error.failure)),
                theme.error(),
            )),
        }
        spans
    }

    /// The cells of settings that were read.
    fn settings(&self, state: &DlpState, spans: &mut Vec<Span<'static>>, theme: Theme) {
        let switch = |on: bool, columns: usize| {
            if on {
                Span::styled(pad("✓ on", columns), theme.ok())
            } else {
                Span::styled(pad("✗ off", columns), theme.warn())
            }
        };
        spans.push(switch(state.ai_context_analysis, AI));
        spans.push(switch(state.ocr, OCR));
        spans.push(match state.key_fingerprint.as_deref() {
            Some(fingerprint) => Span::raw(cut(&short_fingerprint(fingerprint), LOGGING)),
            None => Span::styled(pad("✗ off", LOGGING), theme.error()),
        });
        spans.push(match state.masking {
            Some(Masking::Clear) if state.has_key() => {
                Span::styled(pad("⚠ clear", MASKING), theme.error())
            }
            Some(masking) => Span::raw(pad(masking.word(), MASKING)),
            None => Span::styled(pad("—", MASKING), theme.muted()),
        });
        if self.updated {
            let updated = state.updated_at.as_deref().map_or("—", date_of);
            spans.push(Span::styled(updated.to_owned(), theme.muted()));
        }
    }
}

/// Why an account could not be read, in the fleet table's words (a 404 is
/// of the account, not of a zone).
pub(super) fn account_reason(failure: &Failure) -> String {
    match failure {
        Failure::NotFound => "404 account gone".to_owned(),
        other => reason(other),
    }
}

/// A key's fingerprint in short: `SHA256:` and its first eight hex digits
/// (what the account panel shows in full), `?` after it when the key was
/// not base64.
pub(super) fn short_fingerprint(fingerprint: &str) -> String {
    let Some(hex) = fingerprint.strip_prefix("SHA256:") else {
        return fingerprint.to_owned();
    };
    let digits: String = hex
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    let odd = if hex.contains("not base64") { "?" } else { "" };
    format!("SHA256:{digits}{odd}")
}

/// The date of an RFC 3339 time (`2026-12-08`), else the text as written.
fn date_of(time: &str) -> &str {
    let date = time.get(..10).filter(|d| {
        d.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    });
    date.unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_cut_to_its_first_eight_digits() {
        assert_eq!(
            short_fingerprint("SHA256:1109027e4a751e7e"),
            "SHA256:1109027e"
        );
        assert_eq!(
            short_fingerprint("SHA256:1109027e4a751e7e (not base64)"),
            "SHA256:1109027e?"
        );
        assert_eq!(date_of("2026-12-08T01:02:03Z"), "2026-12-08");
        assert_eq!(account_reason(&Failure::NotFound), "404 account gone");
        assert_eq!(account_reason(&Failure::NotAvailable), "not available");
        assert_eq!(account_reason(&Failure::Timeout), "timeout");
        assert_eq!(date_of("yesterday"), "yesterday");
    }

    #[test]
    fn narrow_screens_drop_the_date_then_the_type_unless_sorted_by_it() {
        let wide = Layout::new(116, AccountSort::Attention);
        assert!(wide.kind && wide.updated);
        let narrow = Layout::new(76, AccountSort::Attention);
        assert!(!narrow.kind && !narrow.updated);
        assert!(narrow.name >= NAME_LEAST);
        let by_type = Layout::new(76, AccountSort::Type);
        assert!(by_type.kind && !by_type.updated);
    }
}
