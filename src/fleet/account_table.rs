//! The rows of the last accounts scan, and how a running scan updates them
//! in place: what the accounts page shows, `trustdeck dlp scan` prints and
//! the cache keeps. Accounts are few (hundreds, not 100,000 as zones can
//! be): the rows are a plain vector, found by a scan of it.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::account_row::{AccountRow, AccountSummary};
use super::event::{ScanEnd, ScanEvent, ScanOutcome};

/// Every account of a scan, one row each, in the order they first came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountScan {
    /// The rows; a refresh replaces an account's row where it stands.
    rows: Vec<AccountRow>,
    /// When the latest scan began (seconds since the Unix epoch).
    pub started_at: u64,
    /// When it ended, if it has.
    pub finished_at: Option<u64>,
    /// How it ended, if it has.
    pub outcome: Option<ScanOutcome>,
}

impl AccountScan {
    /// No rows yet, of a scan begun at `started_at`.
    pub fn new(started_at: u64) -> Self {
        Self {
            started_at,
            ..Self::default()
        }
    }

    /// The rows, in the order the accounts first came.
    pub fn rows(&self) -> &[AccountRow] {
        &self.rows
    }

    /// The row of an account.
    pub fn row(&self, account_id: &str) -> Option<&AccountRow> {
        self.rows.iter().find(|row| row.account_id == account_id)
    }

    /// Puts an account's row in place of its old one, or at the end if it
    /// is new.
    pub fn upsert(&mut self, row: AccountRow) {
        match self
            .rows
            .iter_mut()
            .find(|r| r.account_id == row.account_id)
        {
            Some(old) => *old = row,
            None => self.rows.push(row),
        }
    }

    /// Folds one event of a scan (a refresh of these rows, or the first one).
    pub fn apply(&mut self, event: &ScanEvent<AccountRow>) {
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
    /// accounts that are gone.
    fn finish(&mut self, end: &ScanEnd) {
        if end.reread {
            return;
        }
        self.finished_at = Some(end.finished_at);
        self.outcome = Some(end.outcome.clone());
        if let Some(listed) = &end.listed {
            let listed: HashSet<&str> = listed.iter().map(String::as_str).collect();
            self.rows
                .retain(|row| listed.contains(row.account_id.as_str()));
        }
    }

    /// The rows whose settings could not be read.
    pub fn failed(&self) -> impl Iterator<Item = &AccountRow> {
        self.rows.iter().filter(|row| row.error().is_some())
    }

    /// The counts of every row.
    pub fn summary(&self) -> AccountSummary {
        AccountSummary::of(&self.rows)
    }

    /// How old the scan is at `now`: since it ended, or since it began while
    /// it runs (or if it never ended).
    pub fn age(&self, now: SystemTime) -> Duration {
        let at = self.finished_at.unwrap_or(self.started_at);
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Duration::from_secs(now.saturating_sub(at))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::fleet::{AccountDlp, DlpState, Failure, RowError};

    fn row(id: &str, ocr: bool, read_at: u64) -> AccountRow {
        AccountRow {
            account_id: id.to_owned(),
            account_name: id.to_uppercase(),
            account_type: None,
            dlp: AccountDlp::Read(DlpState {
                ai_context_analysis: true,
                ocr,
                key_fingerprint: None,
                masking: None,
                updated_at: None,
            }),
            read_at,
        }
    }

    fn end(listed: Option<&[&str]>) -> ScanEvent<AccountRow> {
        ScanEvent::Finished(ScanEnd {
            outcome: ScanOutcome::Complete,
            total: 0,
            read: 0,
            failed: 0,
            calls: 0,
            elapsed: Duration::ZERO,
            finished_at: 9,
            listed: listed.map(|ids| ids.iter().map(|id| (*id).to_owned()).collect()),
            reread: false,
        })
    }

    #[test]
    fn a_refresh_updates_rows_in_place_and_drops_vanished_accounts() {
        let mut scan = AccountScan::new(1);
        for event in [
            ScanEvent::Row(row("a", true, 1)),
            ScanEvent::Row(row("b", true, 1)),
            ScanEvent::Row(row("c", true, 1)),
            end(None),
        ] {
            scan.apply(&event);
        }
        scan.apply(&ScanEvent::Started { at: 5 });
        scan.apply(&ScanEvent::Row(row("b", false, 6)));
        scan.apply(&ScanEvent::Row(AccountRow {
            dlp: AccountDlp::Failed(RowError {
                failure: Failure::NotAvailable,
                message: "not available".to_owned(),
            }),
            ..row("a", true, 6)
        }));
        scan.apply(&end(Some(&["a", "b"])));
        let ids: Vec<&str> = scan.rows().iter().map(|r| r.account_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "in place, c gone");
        assert!(!scan.row("b").unwrap().state().unwrap().ocr);
        assert_eq!(scan.failed().count(), 1);
        assert_eq!(scan.summary().not_available, 1);
        assert_eq!((scan.started_at, scan.finished_at), (5, Some(9)));
    }
}
