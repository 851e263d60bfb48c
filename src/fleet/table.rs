//! The rows of the last scan, and how a running scan updates them in place:
//! what the dashboard's page shows, the headless command prints and the
//! cache keeps.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::event::{ScanEnd, ScanEvent, ScanOutcome};
use super::row::FleetRow;
use super::table_index::{RowIndex, Shared};
use super::view::Coverage;

/// Every zone of a scan, one row each, in the order they first came. A
/// clone shares the rows until either is changed: the cache is written
/// from a clone while the page goes on, without a copy of 100,000 rows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "Stored")]
pub struct FleetScan {
    /// The account the scan was limited to, or `None` for every zone.
    pub account_id: Option<String>,
    /// The rows; a refresh replaces a zone's row where it stands.
    rows: Arc<Vec<FleetRow>>,
    /// When the latest scan began (seconds since the Unix epoch).
    pub started_at: u64,
    /// When it ended, if it has.
    pub finished_at: Option<u64>,
    /// How it ended, if it has.
    pub outcome: Option<ScanOutcome>,
    /// Zone id -> index in `rows`.
    index: RowIndex,
    /// The accounts and sources the rows share.
    shared: Shared,
    /// The coverage of `rows`, kept as rows come and go.
    coverage: Coverage,
    /// Changes with every change of the rows, unique across scans: a view
    /// kept beside the rows knows whether it is still theirs.
    stamp: Stamp,
}

/// A number no other change of any scan has had; never part of equality.
#[derive(Debug, Clone, Copy)]
struct Stamp(u64);

impl Stamp {
    fn next() -> Self {
        static LAST: AtomicU64 = AtomicU64::new(0);
        Self(LAST.fetch_add(1, AtomicOrdering::Relaxed) + 1)
    }
}

impl PartialEq for Stamp {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// [`FleetScan`] as written to the cache: without its index.
#[derive(Deserialize)]
struct Stored {
    account_id: Option<String>,
    rows: Vec<FleetRow>,
    started_at: u64,
    finished_at: Option<u64>,
    outcome: Option<ScanOutcome>,
}

/// [`Stored`] borrowed from a scan, to write it without a copy.
#[derive(Serialize)]
struct StoredRef<'a> {
    account_id: &'a Option<String>,
    rows: &'a [FleetRow],
    started_at: u64,
    finished_at: Option<u64>,
    outcome: &'a Option<ScanOutcome>,
}

impl Serialize for FleetScan {
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        StoredRef {
            account_id: &self.account_id,
            rows: &self.rows,
            started_at: self.started_at,
            finished_at: self.finished_at,
            outcome: &self.outcome,
        }
        .serialize(to)
    }
}

impl From<Stored> for FleetScan {
    fn from(stored: Stored) -> Self {
        let mut scan = Self::new(stored.account_id, stored.started_at);
        scan.finished_at = stored.finished_at;
        scan.outcome = stored.outcome;
        for row in stored.rows {
            scan.upsert(row);
        }
        scan
    }
}

impl FleetScan {
    /// No rows yet, of a scan of `account_id` (or of every zone) begun at
    /// `started_at`.
    pub fn new(account_id: Option<String>, started_at: u64) -> Self {
        Self {
            account_id,
            rows: Arc::default(),
            started_at,
            finished_at: None,
            outcome: None,
            index: RowIndex::default(),
            shared: Shared::default(),
            coverage: Coverage::default(),
            stamp: Stamp::next(),
        }
    }

    /// Which change of the rows this is: a different number after every
    /// change, and never the same in two scans.
    pub fn stamp(&self) -> u64 {
        self.stamp.0
    }

    /// The rows, in the order the zones first came.
    pub fn rows(&self) -> &[FleetRow] {
        &self.rows
    }

    /// The row of a zone.
    pub fn row(&self, zone_id: &str) -> Option<&FleetRow> {
        self.index.get(zone_id).map(|i| &self.rows[i])
    }

    /// Where a zone's row stands in [`FleetScan::rows`].
    pub fn index_of(&self, zone_id: &str) -> Option<usize> {
        self.index.get(zone_id)
    }

    /// Puts a zone's row in place of its old one, or at the end if it is new.
    pub fn upsert(&mut self, mut row: FleetRow) {
        self.stamp = Stamp::next();
        self.shared.intern(&mut row);
        self.coverage.add(&row);
        match self.index.get(&row.zone_id) {
            Some(i) => {
                self.coverage.remove(&self.rows[i]);
                Arc::make_mut(&mut self.rows)[i] = row;
            }
            None => {
                self.index.insert(&row.zone_id, self.rows.len());
                Arc::make_mut(&mut self.rows).push(row);
            }
        }
    }

    /// Folds one event of a scan (a refresh of these rows, or the first scan).
    pub fn apply(&mut self, event: &ScanEvent) {
        match event {
            ScanEvent::Started { at } => {
                self.started_at = *at;
                self.finished_at = None;
                self.outcome = None;
            }
            ScanEvent::Listing { .. } | ScanEvent::Listed { .. } | ScanEvent::Progress(_) => {}
            ScanEvent::Row(row) => self.upsert(row.clone()),
            ScanEvent::Finished(end) => self.finish(end),
        }
    }

    /// Records the end of a scan; after a whole listing, drops the rows of
    /// zones that are gone.
    fn finish(&mut self, end: &ScanEnd) {
        if end.reread {
            return;
        }
        self.finished_at = Some(end.finished_at);
        self.outcome = Some(end.outcome.clone());
        // No more rows come: the room kept for them is given back.
        if let Some(rows) = Arc::get_mut(&mut self.rows) {
            rows.shrink_to_fit();
        }
        if let Some(listed) = &end.listed {
            let listed: HashSet<&str> = listed.iter().map(String::as_str).collect();
            let before = self.rows.len();
            Arc::make_mut(&mut self.rows).retain(|row| listed.contains(row.zone_id.as_str()));
            if self.rows.len() == before {
                return;
            }
            self.stamp = Stamp::next();
            self.index = RowIndex::default();
            for (i, row) in self.rows.iter().enumerate() {
                self.index.insert(&row.zone_id, i);
            }
            self.coverage = Coverage::of(self.rows.iter());
        }
    }

    /// The rows whose setting could not be read.
    pub fn failed(&self) -> impl Iterator<Item = &FleetRow> {
        self.rows.iter().filter(|row| row.error().is_some())
    }

    /// The coverage summary of every row, kept as they come.
    pub fn coverage(&self) -> Coverage {
        self.coverage
    }

    /// How old the scan is at `now`: since it ended, or since it began while
    /// it runs (or if it never ended).
    pub fn age(&self, now: SystemTime) -> Duration {
        let at = self.finished_at.unwrap_or(self.started_at);
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Duration::from_secs(now.saturating_sub(at))
    }
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::super::row::{CsamState, Lock, Scanning, ZoneCsam};
    use super::*;

    fn row(id: &str, scanning: Scanning, read_at: u64) -> FleetRow {
        FleetRow {
            zone_id: id.into(),
            zone_name: format!("{id}.example"),
            account: None,
            plan: None,
            status: None,
            csam: ZoneCsam::Read(CsamState {
                scanning,
                email_state: None,
                sources_on: 1,
                sources_total: 1,
                lock: Lock::Editable,
                sources: Default::default(),
                has_email: None,
                email: None,
            }),
            read_at,
        }
    }

    fn end(outcome: ScanOutcome, listed: Option<&[&str]>) -> ScanEvent {
        ScanEvent::Finished(ScanEnd {
            outcome,
            total: 0,
            read: 0,
            failed: 0,
            calls: 0,
            elapsed: Duration::ZERO,
            finished_at: 200,
            listed: listed.map(|ids| ids.iter().map(|id| id.to_string()).collect()),
            reread: false,
        })
    }

    #[test]
    fn a_refresh_updates_rows_in_place_and_drops_vanished_zones() {
        let mut scan = FleetScan::new(None, 10);
        for id in ["a", "b", "c"] {
            scan.apply(&ScanEvent::Row(row(id, Scanning::Off, 10)));
        }
        scan.apply(&end(ScanOutcome::Complete, Some(&["a", "b", "c"])));
        assert_eq!(
            scan.age(UNIX_EPOCH + Duration::from_secs(260)).as_secs(),
            60
        );

        scan.apply(&ScanEvent::Started { at: 100 });
        assert_eq!(scan.finished_at, None);
        scan.apply(&ScanEvent::Row(row("b", Scanning::On, 101)));
        scan.apply(&ScanEvent::Row(row("d", Scanning::On, 101)));
        let ids: Vec<&str> = scan.rows().iter().map(|r| r.zone_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"], "b replaced where it stood");
        assert_eq!(scan.row("b").unwrap().read_at, 101);
        assert_eq!(scan.coverage().scanning, 2);

        scan.apply(&end(ScanOutcome::Complete, Some(&["b", "d", "a"])));
        let ids: Vec<&str> = scan.rows().iter().map(|r| r.zone_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "d"]);
        assert!(scan.row("c").is_none());
        assert_eq!(scan.row("d").unwrap().zone_name, "d.example");
        assert_eq!(scan.outcome, Some(ScanOutcome::Complete));
    }

    #[test]
    fn a_cancelled_refresh_keeps_every_row() {
        let mut scan = FleetScan::new(Some("acct".into()), 10);
        scan.upsert(row("a", Scanning::Off, 10));
        scan.upsert(row("b", Scanning::Off, 10));
        scan.apply(&ScanEvent::Started { at: 50 });
        scan.apply(&ScanEvent::Row(row("a", Scanning::On, 51)));
        scan.apply(&end(ScanOutcome::Cancelled, None));
        assert_eq!(scan.rows().len(), 2);
        assert_eq!(scan.row("b").unwrap().read_at, 10, "kept as it was");
        assert_eq!(scan.outcome, Some(ScanOutcome::Cancelled));
    }

    #[test]
    fn the_index_is_rebuilt_when_read_back() {
        let mut scan = FleetScan::new(None, 10);
        scan.upsert(row("a", Scanning::Off, 10));
        scan.upsert(row("b", Scanning::On, 10));
        let text = serde_json::to_string(&scan).unwrap();
        assert!(!text.contains("index"), "{text}");
        let mut back: FleetScan = serde_json::from_str(&text).unwrap();
        assert_eq!(back, scan);
        back.upsert(row("b", Scanning::Off, 11));
        assert_eq!(back.rows().len(), 2);
        assert_eq!(back.coverage().scanning, 0);
    }
}
