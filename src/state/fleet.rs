//! The fleet page: every zone's CSAM Scanner status in one table, the scan
//! that fills it (paced, cancellable, resumable from the cache), its
//! filters and sort, and the zones marked for a bulk change.

use std::collections::HashSet;
use std::time::Instant;

use tui_input::Input;

use super::bulk::{BulkRun, RowMark};
use super::fleet_order::ShownOrder;
use crate::api::Budget;
use crate::fleet::{
    Coverage, Filter, FleetRow, FleetScan, Quick, ScanProgress, SortKey, ZoneResult, compare,
    unix_now,
};

/// A scan the page waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct Scanning {
    /// When it was asked for.
    pub since: Instant,
    /// Zones to read, once the listing is done.
    pub total: Option<usize>,
    /// The latest progress report.
    pub progress: Option<ScanProgress>,
    /// The budget while the zones are listed, before any progress.
    pub listing_budget: Option<Budget>,
}

/// Where the rows on screen came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// No scan yet.
    Nothing,
    /// The last scan of an earlier session, from the cache.
    Cache,
    /// A scan of this session.
    Scan,
}

/// Everything the fleet page shows.
#[derive(Debug, Clone)]
pub struct FleetPage {
    /// The rows of the last scan (cached or fresh); `None` before any.
    pub scan: Option<FleetScan>,
    /// Where the rows came from.
    pub source: Source,
    /// The rows shown: indices into the scan's rows, filtered and sorted.
    pub order: ShownOrder,
    /// Which rows are shown.
    pub filter: Filter,
    /// How they are sorted.
    pub sort: SortKey,
    /// The cursor: an index into [`FleetPage::order`].
    pub selected: usize,
    /// The scan in progress, if any.
    pub scanning: Option<Scanning>,
    /// The name filter while it is typed (`/`).
    pub typing: Option<Input>,
    /// Zones marked for a bulk change, by id.
    pub marked: HashSet<String>,
    /// The page has asked for its rows (the cache, then maybe a scan).
    pub opened: bool,
    /// The cursor was moved by hand: it follows its zone when the rows are
    /// sorted again (else it stays on the first row, what needs attention).
    pub moved: bool,
    /// The bulk run going, or the last one (its outcomes stay on the rows).
    pub run: Option<BulkRun>,
    /// Only the zones the last run failed on or could not confirm are shown.
    pub needs_a_look: bool,
}

impl Default for FleetPage {
    fn default() -> Self {
        Self {
            scan: None,
            source: Source::Nothing,
            order: ShownOrder::default(),
            filter: Filter::default(),
            sort: SortKey::Attention,
            selected: 0,
            scanning: None,
            typing: None,
            marked: HashSet::new(),
            opened: false,
            moved: false,
            run: None,
            needs_a_look: false,
        }
    }
}

impl FleetPage {
    /// Every row of the scan, in the order they came.
    pub fn rows(&self) -> &[FleetRow] {
        self.scan.as_ref().map_or(&[], |scan| scan.rows())
    }

    /// The row at `position` of the shown order.
    pub fn shown(&self, position: usize) -> Option<&FleetRow> {
        self.rows().get(self.order.get(position)?)
    }

    /// The rows shown from `position` on, in order: what a frame draws.
    pub fn shown_from(&self, position: usize) -> impl Iterator<Item = &FleetRow> {
        let rows = self.rows();
        self.order.iter_from(position).filter_map(|i| rows.get(i))
    }

    /// Whether a bulk run goes (asked for and not ended).
    pub fn run_going(&self) -> bool {
        self.run.as_ref().is_some_and(BulkRun::is_going)
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<&FleetRow> {
        self.shown(self.selected)
    }

    /// The coverage summary of every row (the filter does not change it).
    pub fn coverage(&self) -> Coverage {
        self.scan
            .as_ref()
            .map(FleetScan::coverage)
            .unwrap_or_default()
    }

    /// True when the quick filter `quick` is on.
    pub fn has(&self, quick: Quick) -> bool {
        self.filter.quick.contains(&quick)
    }

    /// The work the shown order has done since it was last made whole
    /// (comparisons and blocks stepped over): what a test counts to show
    /// that rows arriving cost the same however many are held.
    pub fn work(&self) -> u64 {
        self.order.work()
    }

    /// Filters and sorts every row again (a filter or the sort changed, or
    /// the rows were replaced), keeping the cursor on its zone once it was
    /// moved by hand (else on the first row).
    pub fn reorder(&mut self) {
        let keep = self.selected_row().map(|row| row.zone_id.clone());
        let mut order = crate::fleet::visible(self.rows(), &self.filter, self.sort);
        if let Some(run) = self.run.as_ref().filter(|_| self.needs_a_look) {
            let rows = self.rows();
            order.retain(|&i| {
                run.mark(&rows[i].zone_id)
                    .is_some_and(RowMark::needs_a_look)
            });
        }
        self.order = ShownOrder::from_sorted(&order);
        let keep = keep.and_then(|id| self.scan.as_ref()?.index_of(&id));
        self.place_cursor(keep);
    }

    /// Takes in rows that came (new or refreshed): each is put in its
    /// place in the shown order, or out of it, at the cost of a binary
    /// search, so a stream of rows costs no sort and no pass over every
    /// row; the cursor is placed once for the batch.
    pub fn take_rows(&mut self, rows: impl IntoIterator<Item = FleetRow>) {
        let keep = self.order.get(self.selected);
        let scan = self
            .scan
            .get_or_insert_with(|| FleetScan::new(None, unix_now()));
        let (sort, filter, order) = (self.sort, &self.filter, &mut self.order);
        let marks = self.run.as_ref().filter(|_| self.needs_a_look);
        let passes = |row: &FleetRow| {
            filter.matches(row)
                && marks.is_none_or(|run| run.mark(&row.zone_id).is_some_and(RowMark::needs_a_look))
        };
        for row in rows {
            let at = match scan.index_of(&row.zone_id) {
                Some(at) => {
                    let rows = scan.rows();
                    let old = &rows[at];
                    order.remove(at, |i| compare(&rows[i], old, sort).is_lt());
                    at
                }
                None => scan.rows().len(),
            };
            scan.upsert(row);
            let rows = scan.rows();
            let new = &rows[at];
            if passes(new) {
                order.insert(at, |i| compare(&rows[i], new, sort).is_lt());
            }
        }
        self.place_cursor(keep);
    }

    /// Folds a bulk run's outcomes into their zones' rows (see
    /// [`FleetScan::record`]), each moved to its place in the shown order.
    pub fn take_outcomes(&mut self, results: &[ZoneResult]) {
        let Some(scan) = self.scan.as_ref() else {
            return;
        };
        let rows: Vec<FleetRow> = results.iter().filter_map(|r| scan.recorded(r)).collect();
        self.take_rows(rows);
    }

    /// The cursor on row `keep` when it is shown and the cursor was moved
    /// by hand, else on the first row (what needs attention), or as near
    /// its place as the rows allow.
    fn place_cursor(&mut self, keep: Option<usize>) {
        if !self.moved {
            self.selected = 0;
            return;
        }
        let rows = self.scan.as_ref().map_or(&[][..], FleetScan::rows);
        let sort = self.sort;
        let found = keep
            .and_then(|k| Some((k, rows.get(k)?)))
            .and_then(|(k, row)| {
                self.order
                    .position(k, |i| compare(&rows[i], row, sort).is_lt())
            });
        self.selected = match found {
            Some(position) => position,
            None => self.selected.min(self.order.len().saturating_sub(1)),
        };
    }
}
