//! The fleet page: every zone's CSAM Scanner status in one table, the scan
//! that fills it (paced, cancellable, resumable from the cache), its
//! filters and sort, and the zones marked for a bulk change.

use std::collections::HashSet;
use std::time::Instant;

use tui_input::Input;

use super::bulk::BulkRun;
use crate::api::Budget;
use crate::fleet::{Coverage, Filter, FleetRow, FleetScan, Quick, ScanProgress, SortKey};

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
    pub order: Vec<usize>,
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
            order: Vec::new(),
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
        self.rows().get(*self.order.get(position)?)
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
        Coverage::of(self.rows())
    }

    /// True when the quick filter `quick` is on.
    pub fn has(&self, quick: Quick) -> bool {
        self.filter.quick.contains(&quick)
    }

    /// Filters and sorts the rows again, keeping the cursor on its zone
    /// once it was moved by hand (else on the first row).
    pub fn reorder(&mut self) {
        let keep = self.selected_row().map(|row| row.zone_id.clone());
        let mut order = crate::fleet::visible(self.rows(), &self.filter, self.sort);
        if let Some(run) = self.run.as_ref().filter(|_| self.needs_a_look) {
            let rows = self.rows();
            order.retain(|&i| {
                run.mark(&rows[i].zone_id)
                    .is_some_and(super::bulk::RowMark::needs_a_look)
            });
        }
        self.order = order;
        if self.moved {
            self.select_zone(keep.as_deref());
        } else {
            self.selected = 0;
        }
    }

    /// Takes in a row that came (new or refreshed) at `index` of the rows:
    /// shown in place, or at the end until the next [`FleetPage::reorder`],
    /// so a stream of rows costs no sort each.
    pub fn took(&mut self, index: usize) {
        let Some(row) = self.rows().get(index) else {
            return;
        };
        let passes = self.filter.matches(row)
            && (!self.needs_a_look
                || self
                    .run
                    .as_ref()
                    .and_then(|run| run.mark(&row.zone_id))
                    .is_some_and(super::bulk::RowMark::needs_a_look));
        let at = self.order.iter().position(|i| *i == index);
        match (passes, at) {
            (true, None) => self.order.push(index),
            (false, Some(at)) => {
                self.order.remove(at);
                self.selected = self.selected.min(self.order.len().saturating_sub(1));
            }
            _ => {}
        }
    }

    /// Puts the cursor on `zone_id`'s row when it is shown, else keeps its
    /// place within the list.
    fn select_zone(&mut self, zone_id: Option<&str>) {
        let rows = self.rows();
        let found = zone_id.and_then(|id| self.order.iter().position(|&i| rows[i].zone_id == id));
        self.selected = match found {
            Some(position) => position,
            None => self.selected.min(self.order.len().saturating_sub(1)),
        };
    }
}
