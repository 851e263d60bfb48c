//! The accounts page: every account's DLP settings in one table, the scan
//! that fills it, its summary, its filters and sort. At most a thousand
//! accounts or so: a batch of rows is taken in, then the shown order is
//! made again with one sort (never one per row).

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use tui_input::Input;

use super::fleet::{Scanning, Source};
use crate::fleet::{AccountQuick, AccountRow, AccountScan, AccountSummary, ScanOutcome};

/// The orders the accounts table can be sorted in; ties go by name, then id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AccountSort {
    /// What needs attention first ([`crate::fleet::AccountAttention`]'s order).
    #[default]
    Attention,
    /// By account name.
    Name,
    /// By account type (`enterprise`, `standard`, …), accounts of no
    /// known type last.
    Type,
}

impl AccountSort {
    /// The order after this one, as the sort key cycles.
    pub fn next(self) -> Self {
        match self {
            Self::Attention => Self::Name,
            Self::Name => Self::Type,
            Self::Type => Self::Attention,
        }
    }

    /// The word the filter line names the sort by.
    pub fn word(self) -> &'static str {
        match self {
            Self::Attention => "attention",
            Self::Name => "name",
            Self::Type => "type",
        }
    }

    /// Compares two rows in this order.
    pub fn compare(self, a: &AccountRow, b: &AccountRow) -> Ordering {
        let first = match self {
            Self::Attention => a.attention().cmp(&b.attention()),
            Self::Name => Ordering::Equal,
            Self::Type => match (&a.account_type, &b.account_type) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        first
            .then_with(|| {
                a.account_name
                    .to_lowercase()
                    .cmp(&b.account_name.to_lowercase())
            })
            .then_with(|| a.account_id.cmp(&b.account_id))
    }
}

/// Everything the accounts page shows.
#[derive(Debug, Clone)]
pub struct AccountsPage {
    /// Every row of the last scan, in the order they came.
    rows: Vec<AccountRow>,
    /// Where each account's row is in `rows`, by id.
    index: HashMap<String, usize>,
    /// The counts of every row (the filters do not change them).
    summary: AccountSummary,
    /// The rows shown: indices into `rows`, filtered and sorted.
    order: Vec<usize>,
    /// Quick filters in force, all of which must match.
    pub quick: Vec<AccountQuick>,
    /// Part of the name or id typed with `/`, or `None` for any.
    pub name_contains: Option<String>,
    /// How the rows are sorted.
    pub sort: AccountSort,
    /// The cursor: an index into the shown order.
    pub selected: usize,
    /// The scan in progress, if any.
    pub scanning: Option<Scanning>,
    /// The name filter while it is typed (`/`).
    pub typing: Option<Input>,
    /// The page has asked for its rows (the cache, then maybe a scan).
    pub opened: bool,
    /// Where the rows on screen came from.
    pub source: Source,
    /// When the last scan began, in seconds since the Unix epoch.
    pub started_at: u64,
    /// The cursor was moved by hand: it follows its account when the rows
    /// are sorted again (else it stays on the first row).
    pub moved: bool,
    /// When the last scan ended, in seconds since the Unix epoch.
    pub finished_at: Option<u64>,
    /// How the last scan ended.
    pub outcome: Option<ScanOutcome>,
    /// The accounts marked for a bulk change, by id.
    pub marked: BTreeSet<String>,
    /// The last bulk DLP run of this session.
    pub run: Option<super::AccountRun>,
}

impl Default for AccountsPage {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            index: HashMap::new(),
            summary: AccountSummary::default(),
            order: Vec::new(),
            quick: Vec::new(),
            name_contains: None,
            sort: AccountSort::default(),
            selected: 0,
            scanning: None,
            typing: None,
            opened: false,
            source: Source::Nothing,
            started_at: 0,
            moved: false,
            finished_at: None,
            outcome: None,
            marked: BTreeSet::new(),
            run: None,
        }
    }
}

impl AccountsPage {
    /// Shows the last scan of an earlier session, from the cache, unless a
    /// scan of this session came first.
    pub fn take_cached(&mut self, scan: &AccountScan) {
        if self.source != Source::Nothing {
            return;
        }
        self.source = Source::Cache;
        self.started_at = scan.started_at;
        self.finished_at = scan.finished_at;
        self.outcome = scan.outcome.clone();
        self.take_rows(scan.rows().iter().cloned());
    }

    /// The rows and dates as the cache keeps them.
    pub fn to_scan(&self) -> AccountScan {
        let mut scan = AccountScan::new(self.started_at);
        for row in &self.rows {
            scan.upsert(row.clone());
        }
        scan.finished_at = self.finished_at;
        scan.outcome = self.outcome.clone();
        scan
    }

    /// The row of the account `id`.
    pub fn row(&self, id: &str) -> Option<&AccountRow> {
        self.rows.get(*self.index.get(id)?)
    }

    /// Every row, in the order they came.
    pub fn rows(&self) -> &[AccountRow] {
        &self.rows
    }

    /// The counts of every row.
    pub fn summary(&self) -> AccountSummary {
        self.summary
    }

    /// How many rows are shown.
    pub fn shown_len(&self) -> usize {
        self.order.len()
    }

    /// The row at `position` of the shown order.
    pub fn shown(&self, position: usize) -> Option<&AccountRow> {
        self.rows.get(*self.order.get(position)?)
    }

    /// The rows shown from `position` on, in order: what a frame draws.
    pub fn shown_from(&self, position: usize) -> impl Iterator<Item = &AccountRow> {
        self.order
            .get(position..)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| self.rows.get(i))
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<&AccountRow> {
        self.shown(self.selected)
    }

    /// True when the quick filter `quick` is on.
    pub fn has(&self, quick: AccountQuick) -> bool {
        self.quick.contains(&quick)
    }

    /// True when some filter is in force.
    pub fn is_filtered(&self) -> bool {
        !self.quick.is_empty() || self.name_contains.is_some()
    }

    /// Whether `row` passes the filters: every quick filter, and the typed
    /// part in its name or id (ignoring case).
    fn passes(&self, row: &AccountRow, part: Option<&str>) -> bool {
        self.quick.iter().all(|quick| row.is(*quick))
            && part.is_none_or(|part| {
                row.account_name.to_lowercase().contains(part)
                    || row.account_id.to_lowercase().contains(part)
            })
    }

    /// Takes in a batch of rows (new or read again), then counts and
    /// orders the rows once for the batch.
    pub fn take_rows(&mut self, rows: impl IntoIterator<Item = AccountRow>) {
        for row in rows {
            match self.index.get(&row.account_id) {
                Some(&at) => self.rows[at] = row,
                None => {
                    self.index.insert(row.account_id.clone(), self.rows.len());
                    self.rows.push(row);
                }
            }
        }
        self.recount();
    }

    /// Drops the rows of accounts not in `listed` (gone since they were
    /// read), after a scan that listed every account.
    pub fn keep_only(&mut self, listed: &[String]) {
        let listed: std::collections::HashSet<&str> = listed.iter().map(String::as_str).collect();
        self.rows
            .retain(|row| listed.contains(row.account_id.as_str()));
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| (row.account_id.clone(), i))
            .collect();
        self.recount();
    }

    /// Counts every row again and orders the shown ones.
    fn recount(&mut self) {
        self.summary = AccountSummary::of(&self.rows);
        self.reorder();
    }

    /// Filters and sorts the rows again (a filter, the sort or the rows
    /// changed); keeps the cursor on its account once it was moved by hand
    /// (else on the first row, what needs attention most).
    pub fn reorder(&mut self) {
        let keep = self
            .selected_row()
            .map(|row| row.account_id.clone())
            .filter(|_| self.moved);
        let part = self
            .name_contains
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase);
        let mut order: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.passes(&self.rows[i], part.as_deref()))
            .collect();
        let (rows, sort) = (&self.rows, self.sort);
        order.sort_unstable_by(|&a, &b| sort.compare(&rows[a], &rows[b]));
        self.order = order;
        self.selected = match keep {
            None if !self.moved => 0,
            None => self.selected.min(self.order.len().saturating_sub(1)),
            Some(id) => self
                .order
                .iter()
                .position(|&i| self.rows[i].account_id == id)
                .unwrap_or_else(|| self.selected.min(self.order.len().saturating_sub(1))),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{AccountDlp, DlpState, Failure, Masking, RowError};

    fn row(n: u32, name: &str, key: bool, ocr: bool) -> AccountRow {
        AccountRow {
            account_id: format!("{n:032x}"),
            account_name: name.to_owned(),
            account_type: Some(
                if n.is_multiple_of(2) {
                    "enterprise"
                } else {
                    "standard"
                }
                .to_owned(),
            ),
            dlp: AccountDlp::Read(DlpState {
                ai_context_analysis: true,
                ocr,
                key_fingerprint: key.then(|| "SHA256:1109027e4a751e7e".to_owned()),
                masking: Some(Masking::Full),
                updated_at: None,
            }),
            read_at: 1,
        }
    }

    fn names(page: &AccountsPage) -> Vec<&str> {
        page.shown_from(0)
            .map(|r| r.account_name.as_str())
            .collect()
    }

    #[test]
    fn rows_read_again_replace_theirs_and_the_order_follows() {
        let mut page = AccountsPage::default();
        page.take_rows([
            row(1, "Beta", true, true),
            row(2, "alpha", true, false),
            row(3, "Gamma", false, true),
        ]);
        assert_eq!(names(&page), ["Gamma", "alpha", "Beta"]);
        page.take_rows([AccountRow {
            dlp: AccountDlp::Failed(RowError {
                failure: Failure::NotAvailable,
                message: "no DLP".into(),
            }),
            ..row(1, "Beta", true, true)
        }]);
        assert_eq!(page.rows().len(), 3);
        assert_eq!(names(&page), ["Gamma", "Beta", "alpha"]);
        assert_eq!(page.summary().not_available, 1);
        page.sort = AccountSort::Name;
        page.reorder();
        assert_eq!(names(&page), ["alpha", "Beta", "Gamma"]);
        page.keep_only(&[format!("{:032x}", 3)]);
        assert_eq!(names(&page), ["Gamma"]);
        assert_eq!(page.summary().accounts, 1);
    }

    #[test]
    fn the_typed_part_matches_a_name_or_an_id_and_the_cursor_follows_its_row() {
        let mut page = AccountsPage::default();
        page.take_rows((1..=5).map(|n| row(n, &format!("Acct {n}"), true, n != 4)));
        page.selected = 2;
        page.moved = true;
        let kept = page.selected_row().map(|r| r.account_id.clone());
        page.sort = AccountSort::Type;
        page.reorder();
        assert_eq!(page.selected_row().map(|r| r.account_id.clone()), kept);
        page.name_contains = Some(format!("{:x}", 5));
        page.reorder();
        assert_eq!(names(&page), ["Acct 5"]);
        page.name_contains = Some(" ACCT 2 ".into());
        page.reorder();
        assert_eq!(names(&page), ["Acct 2"]);
    }
}
