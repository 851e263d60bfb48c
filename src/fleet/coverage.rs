//! The coverage summary of a fleet: how many zones scan, scan nothing, are
//! off, and what else needs someone; kept as rows come and go.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::row::{FleetRow, Lock, Scanning};
use crate::api::model::EmailState;

/// The coverage summary of a set of rows. A zone may count in several
/// fields (locked and not scanning, say); `unreadable` ones in no other.
/// `scanning`, `no_source`, `not_scanning` and `unreadable` add up to
/// `zones`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Zones in the set.
    pub zones: usize,
    /// Zones covered: scanning on with at least one source on.
    pub scanning: usize,
    /// Zones with scanning on and every source off: they scan nothing, so
    /// they are not in `scanning`.
    #[serde(default)]
    pub no_source: usize,
    /// Zones read with scanning off or not reported.
    pub not_scanning: usize,
    /// Zones whose notification email is set and `unverified`.
    pub email_unverified: usize,
    /// Zones with no notification email.
    #[serde(default)]
    pub no_email: usize,
    /// Zones whose notification email is `pending`.
    pub pending: usize,
    /// Zones locked by Trust & Safety.
    pub locked: usize,
    /// Zones whose setting could not be read.
    pub unreadable: usize,
}

impl Coverage {
    /// Counts `rows`.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a FleetRow>) -> Self {
        let mut coverage = Self::default();
        for row in rows {
            coverage.add(row);
        }
        coverage
    }

    /// Counts one more row.
    pub fn add(&mut self, row: &FleetRow) {
        self.each_count(row, |count| *count += 1);
    }

    /// Counts a row no more (one that [`Coverage::add`] counted).
    pub fn remove(&mut self, row: &FleetRow) {
        self.each_count(row, |count| *count = count.saturating_sub(1));
    }

    /// Calls `change` on every count `row` is in.
    fn each_count(&mut self, row: &FleetRow, mut change: impl FnMut(&mut usize)) {
        change(&mut self.zones);
        let Some(state) = row.state() else {
            change(&mut self.unreadable);
            return;
        };
        match state.scanning {
            Scanning::On if state.scans_nothing() => change(&mut self.no_source),
            Scanning::On => change(&mut self.scanning),
            Scanning::Off | Scanning::NotReported => change(&mut self.not_scanning),
        }
        match state.email_state {
            _ if state.no_email() => change(&mut self.no_email),
            Some(EmailState::Unverified) => change(&mut self.email_unverified),
            Some(EmailState::Pending) => change(&mut self.pending),
            _ => {}
        }
        if state.lock == Lock::Locked {
            change(&mut self.locked);
        }
    }

    /// The share of zones covered, in whole percent rounded down (so 100 %
    /// means every zone), or `None` for no zones.
    pub fn scanning_percent(&self) -> Option<u32> {
        (self.zones > 0).then(|| (self.scanning * 100 / self.zones) as u32)
    }
}

/// "412 of 500 zones scanning (82 %) · 9 no source · 37 email unverified ·
/// 5 no email · 12 pending · 3 locked · 6 could not be read"; the counts
/// that are zero are left out.
impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(percent) = self.scanning_percent() else {
            return f.write_str("no zones");
        };
        let noun = if self.zones == 1 { "zone" } else { "zones" };
        write!(
            f,
            "{} of {} {noun} scanning ({percent} %)",
            self.scanning, self.zones
        )?;
        for (count, words) in [
            (self.no_source, "no source"),
            (self.email_unverified, "email unverified"),
            (self.no_email, "no email"),
            (self.pending, "pending"),
            (self.locked, "locked"),
            (self.unreadable, "could not be read"),
        ] {
            if count > 0 {
                write!(f, " · {count} {words}")?;
            }
        }
        Ok(())
    }
}
