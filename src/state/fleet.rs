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
    unix_now, visible,
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
    /// Every row in each sort order ([`SortKey::ALL`]'s), kept as rows
    /// come: a new sort or filter is one pass over one of them, not a sort.
    sorted: Vec<ShownOrder>,
    /// The scan's [`FleetScan::stamp`] that `sorted` (whose tags are each
    /// row's [`Quick::answers`]) was
    /// kept for.
    synced: Option<u64>,
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
            sorted: vec![ShownOrder::default(); SortKey::ALL.len()],
            synced: None,
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

    /// The work the shown orders have done since they were last made
    /// whole (comparisons and blocks stepped over): what a test counts to
    /// show that rows arriving cost the same however many are held.
    pub fn work(&self) -> u64 {
        self.order.work() + self.sorted.iter().map(ShownOrder::work).sum::<u64>()
    }

    /// Filters the rows again in the sort order (a filter, the sort or the
    /// run's marks changed): one pass over the rows kept in that order,
    /// after a sort only when the rows were changed by other hands than
    /// [`FleetPage::take_rows`] (a scan put in place, rows dropped). Keeps
    /// the cursor on its zone once it was moved by hand (else on the
    /// first row).
    pub fn reorder(&mut self) {
        let keep = self.order.get(self.selected);
        let stamp = self.scan.as_ref().map(FleetScan::stamp);
        let keep = if self.synced == stamp {
            keep
        } else {
            let id = keep.and_then(|i| Some(self.rows().get(i)?.zone_id.clone()));
            self.resort();
            id.and_then(|id| self.scan.as_ref()?.index_of(&id))
        };
        let sorted = &self.sorted[sort_index(self.sort)];
        let marks = self.run.as_ref().filter(|_| self.needs_a_look);
        self.order = match (self.filter.quick_only(), marks) {
            (Some(0), None) => sorted.clone(),
            (Some(quick), None) => sorted.with_tag(quick),
            _ => {
                let rows = self.rows();
                let matches = self.filter.matcher();
                sorted.filtered(|i, _| {
                    let row = &rows[i];
                    matches(row) && marks.is_none_or(|run| needs_a_look(run, row))
                })
            }
        };
        self.place_cursor(keep);
    }

    /// Sorts every row in every order, from scratch.
    fn resort(&mut self) {
        let rows = self.rows();
        let sorted = SortKey::ALL
            .iter()
            .map(|&key| {
                let sorted = visible(rows, &Filter::default(), key);
                ShownOrder::from_sorted_tagged(
                    sorted.into_iter().map(|i| (i, Quick::answers(&rows[i]))),
                )
            })
            .collect();
        self.sorted = sorted;
        self.synced = self.scan.as_ref().map(FleetScan::stamp);
    }

    /// Takes in rows that came (new or refreshed): each is put in its
    /// place in every order, or out of the shown one, at the cost of a
    /// binary search each, so a stream of rows costs no sort and no pass
    /// over every row; the cursor is placed once for the batch.
    pub fn take_rows(&mut self, rows: impl IntoIterator<Item = FleetRow>) {
        if self.scan.is_none() {
            self.scan = Some(FleetScan::new(None, unix_now()));
        }
        if self.synced != self.scan.as_ref().map(FleetScan::stamp) {
            self.reorder();
        }
        let keep = self.order.get(self.selected);
        let Some(scan) = self.scan.as_mut() else {
            return;
        };
        let (sort, order, sorted) = (self.sort, &mut self.order, &mut self.sorted);
        let matches = self.filter.matcher();
        let marks = self.run.as_ref().filter(|_| self.needs_a_look);
        let passes =
            |row: &FleetRow| matches(row) && marks.is_none_or(|run| needs_a_look(run, row));
        for row in rows {
            let at = match scan.index_of(&row.zone_id) {
                Some(at) => {
                    let rows = scan.rows();
                    let old = &rows[at];
                    order.remove(at, |i| compare(&rows[i], old, sort).is_lt());
                    for (kept, &key) in sorted.iter_mut().zip(&SortKey::ALL) {
                        kept.remove(at, |i| compare(&rows[i], old, key).is_lt());
                    }
                    at
                }
                None => scan.rows().len(),
            };
            scan.upsert(row);
            let rows = scan.rows();
            let new = &rows[at];
            let tag = Quick::answers(new);
            for (kept, &key) in sorted.iter_mut().zip(&SortKey::ALL) {
                kept.insert(at, tag, |i| compare(&rows[i], new, key).is_lt());
            }
            if passes(new) {
                order.insert(at, tag, |i| compare(&rows[i], new, sort).is_lt());
            }
        }
        self.synced = Some(scan.stamp());
        drop(matches);
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

/// Where `key`'s order is in [`FleetPage`]'s kept orders.
fn sort_index(key: SortKey) -> usize {
    SortKey::ALL.iter().position(|k| *k == key).unwrap_or(0)
}

/// Whether the last run failed on `row`'s zone or could not confirm it.
fn needs_a_look(run: &BulkRun, row: &FleetRow) -> bool {
    run.mark(&row.zone_id).is_some_and(RowMark::needs_a_look)
}
