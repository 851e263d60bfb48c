//! The fleet table's columns: which fit (narrow screens drop sources, then
//! plan, then account, but never the column the rows are sorted by), the
//! sorted column's head marked, and each row's cells; a row that could not
//! be read says why in a few words.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::bulk::{RUN_COLUMN, mark_cell};
use super::text::{fit_text, pad};
use super::theme::Theme;
use crate::api::model::EmailState;
use crate::fleet::{Failure, FleetRow, Lock, RowError, Scanning as Scan, SortKey, ZoneCsam};

/// Which columns fit, and how wide each is.
pub(super) struct Layout {
    zone: usize,
    run: bool,
    account: Option<usize>,
    plan: bool,
    sources: bool,
    sort: SortKey,
}

const SCANNING: usize = 12;
const EMAIL: usize = 14;
const LOCK: usize = 8;
const PLAN: usize = 12;
const SOURCES: usize = 9;
const ACCOUNT: usize = 18;
/// The zone column grows to this; what is left widens the account column.
const ZONE_MAX: usize = 36;
/// The account column grows to this.
const ACCOUNT_MAX: usize = 30;
/// The mark and the selection marker before the zone.
const MARK: usize = 2;

impl Layout {
    /// The widest table that fits `columns`; columns go in the order
    /// sources, plan, account when room is short, the one sorted by last.
    pub(super) fn new(columns: usize, run: bool, sort: SortKey) -> Self {
        let fixed = MARK + SCANNING + EMAIL + LOCK + if run { RUN_COLUMN } else { 0 };
        let mut layout = Self {
            zone: 0,
            run,
            account: Some(ACCOUNT),
            plan: true,
            sources: true,
            sort,
        };
        let needed = |l: &Self| {
            fixed
                + l.account.unwrap_or(0)
                + if l.plan { PLAN } else { 0 }
                + if l.sources { SOURCES } else { 0 }
                + 22
        };
        if needed(&layout) > columns {
            layout.sources = false;
        }
        if needed(&layout) > columns && sort != SortKey::Plan {
            layout.plan = false;
        }
        if needed(&layout) > columns && sort != SortKey::Account {
            layout.account = None;
        }
        let room = columns.saturating_sub(needed(&layout) - 22);
        if let Some(account) = layout.account.as_mut() {
            *account = (*account + room.saturating_sub(ZONE_MAX)).min(ACCOUNT_MAX);
        }
        layout.zone = columns.saturating_sub(needed(&layout) - 22).max(10);
        layout
    }

    /// The column heads, the sorted one marked `▾`.
    pub(super) fn heads(&self, theme: Theme) -> Line<'static> {
        let head = |name: &str, key: SortKey| {
            if self.sort == key {
                format!("{name}▾")
            } else {
                name.to_owned()
            }
        };
        let mut text = format!(
            "{}{}",
            " ".repeat(MARK),
            pad(&head("ZONE", SortKey::Zone), self.zone)
        );
        if self.run {
            text.push_str(&pad("RUN", RUN_COLUMN));
        }
        if let Some(account) = self.account {
            text.push_str(&pad(&head("ACCOUNT", SortKey::Account), account));
        }
        if self.plan {
            text.push_str(&pad(&head("PLAN", SortKey::Plan), PLAN));
        }
        text.push_str(&pad("SCANNING", SCANNING));
        text.push_str(&pad("EMAIL", EMAIL));
        if self.sources {
            text.push_str(&pad("SOURCES", SOURCES));
        }
        text.push_str("LOCK");
        Line::styled(text, theme.label())
    }

    pub(super) fn row(
        &self,
        row: &FleetRow,
        selected: bool,
        marked: bool,
        outcome: Option<crate::state::RowMark>,
        theme: Theme,
    ) -> Vec<Span<'static>> {
        let cursor = if selected { "›" } else { " " };
        let mark = if marked { "●" } else { " " };
        let mut spans = vec![
            Span::raw(cursor),
            Span::styled(mark, theme.staged()),
            Span::styled(cut(&row.zone_name, self.zone), theme.strong()),
        ];
        if self.run {
            let (text, style) = mark_cell(outcome, theme);
            spans.push(Span::styled(pad(text, RUN_COLUMN), style));
        }
        if let Some(account) = self.account {
            let name = row.account.as_ref().map_or("—", |a| a.name.as_str());
            spans.push(Span::raw(cut(name, account)));
        }
        if self.plan {
            spans.push(Span::raw(cut(row.plan.as_deref().unwrap_or("—"), PLAN)));
        }
        match &row.csam {
            ZoneCsam::Read(state) => {
                let (scanning, style) = match state.scanning {
                    Scan::On if state.scans_nothing() => ("◌ no source", theme.warn()),
                    Scan::On => ("✓ on", theme.ok()),
                    Scan::Off => ("✗ off", theme.error()),
                    Scan::NotReported => ("? not said", theme.muted()),
                };
                spans.push(Span::styled(pad(scanning, SCANNING), style));
                let (email, style) = match &state.email_state {
                    _ if state.no_email() => ("✗ no email".to_owned(), theme.error()),
                    Some(EmailState::Valid) => ("✓ valid".to_owned(), theme.ok()),
                    Some(EmailState::Pending) => ("◐ pending".to_owned(), theme.warn()),
                    Some(EmailState::Unverified) => ("✗ unverified".to_owned(), theme.error()),
                    Some(EmailState::Unknown(other)) => (other.clone(), Style::new()),
                    None => ("—".to_owned(), theme.muted()),
                };
                spans.push(Span::styled(cut(&email, EMAIL), style));
                if self.sources {
                    let sources = format!("{}/{}", state.sources_on, state.sources_total);
                    spans.push(Span::raw(pad(&sources, SOURCES)));
                }
                let lock = match state.lock {
                    Lock::Locked => Span::styled("🔒 T&S", theme.warn()),
                    Lock::Editable => Span::raw(""),
                    Lock::NotReported => Span::styled("?", theme.muted()),
                };
                spans.push(lock);
            }
            ZoneCsam::Failed(error) => {
                spans.push(Span::styled(
                    format!("? {}", reason(&error.failure)),
                    theme.error(),
                ));
            }
        }
        spans
    }
}

/// Why a row could not be read, in the few words its cell has room for
/// ("429 rate limited", "timeout"); the whole message is in
/// [`failure_detail`].
pub(super) fn reason(failure: &Failure) -> String {
    match failure {
        Failure::NoPermission { .. } => "403 no permission".to_owned(),
        Failure::Auth => "401 credentials refused".to_owned(),
        Failure::NotFound => "404 zone gone".to_owned(),
        Failure::Locked => "403 locked".to_owned(),
        Failure::RateLimited => "429 rate limited".to_owned(),
        Failure::Server { status } => format!("{status} server error"),
        Failure::Timeout => "timeout".to_owned(),
        Failure::Network => "network error".to_owned(),
        Failure::BadAnswer { status: Some(s) } => format!("{s} unexpected answer"),
        Failure::BadAnswer { status: None } => "unexpected answer".to_owned(),
        Failure::Invalid => "not sent: invalid".to_owned(),
        Failure::NotAvailable => "not available".to_owned(),
    }
}

/// The whole story of a row that could not be read: the short reason, the
/// permission it lacks when known, and the message.
pub(super) fn failure_detail(error: &RowError) -> String {
    detail_with(error, reason(&error.failure))
}

/// [`failure_detail`] with the short reason `text` (a page's own words
/// for a kind of failure).
pub(super) fn detail_with(error: &RowError, mut text: String) -> String {
    if let Failure::NoPermission {
        permission: Some(permission),
    } = &error.failure
    {
        text = format!("403 no permission ({permission})");
    }
    if !error.message.is_empty() {
        text.push_str(": ");
        text.push_str(&error.message);
    }
    text
}

/// `text` in `columns` (with two spaces of gap), cut with `…`.
pub(super) fn cut(text: &str, columns: usize) -> String {
    pad(&fit_text(text, columns.saturating_sub(2)), columns)
}
