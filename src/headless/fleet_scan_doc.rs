//! A fleet scan's rows in the documents' words: what `fleet scan --json`
//! and `--csv` print of each zone.

use crate::doc::{self, Coverage, CsamSetting, CsamStatus, FleetZone, ReadError, Timestamp};
use crate::fleet::{self, CsamState, Failure, FleetRow, Lock, RowError, Scanning, ScanningState};

/// A time in seconds since the Unix epoch; `None` when out of range.
pub fn unix(seconds: u64) -> Option<Timestamp> {
    Timestamp::from_unix(i64::try_from(seconds).ok()?)
}

/// The zone of a row: `{id, name, account}`.
pub fn zone_of(row: &FleetRow) -> doc::Zone {
    doc::Zone {
        id: row.zone_id.clone(),
        name: Some(row.zone_name.clone()).filter(|n| !n.is_empty()),
        account: row.account.as_ref().map(|a| doc::AccountRef {
            id: a.id.clone(),
            name: Some(a.name.clone()).filter(|n| !n.is_empty()),
        }),
    }
}

/// The coverage summary's counts.
pub fn counts_of(coverage: &fleet::Coverage) -> doc::ScanCounts {
    doc::ScanCounts {
        zones: coverage.zones,
        scanning: coverage.scanning,
        no_source: coverage.no_source,
        not_scanning: coverage.not_scanning,
        email_unverified: coverage.email_unverified,
        no_email: coverage.no_email,
        pending: coverage.pending,
        locked: coverage.locked,
        unreadable: coverage.unreadable,
    }
}

/// One row as a document row.
pub fn zone_row(row: &FleetRow) -> FleetZone {
    let state = row.state();
    FleetZone {
        zone: zone_of(row),
        zone_status: row.status.clone(),
        plan: row.plan.clone(),
        read_at: unix(row.read_at),
        setting: state.map(setting_of),
        status: status_of(row),
        email: row.email_word().map(str::to_owned),
        sources_on: state.map(|s| s.sources_on),
        sources_total: state.map(|s| s.sources_total),
        attention: row.attention(),
        error: row.error().map(read_error),
    }
}

/// The CSAM setting as a fleet row keeps it: its plan level and when it
/// changed are not kept (`null`).
pub fn setting_of(state: &CsamState) -> CsamSetting {
    CsamSetting {
        enabled: match state.scanning {
            Scanning::On => Some(true),
            Scanning::Off => Some(false),
            Scanning::NotReported => None,
        },
        email: state.email.clone(),
        email_state: state.email_state.clone(),
        sources: state.sources.as_ref().clone(),
        editable: match state.lock {
            Lock::Editable => Some(true),
            Lock::Locked => Some(false),
            Lock::NotReported => None,
        },
        zone_plan: None,
        modified_on: None,
    }
}

/// Coverage and lock of a read row, from the counts it kept (a row cached
/// by an older version has no `sources` map, only the counts).
pub fn status_of(row: &FleetRow) -> Option<CsamStatus> {
    let state = row.state()?;
    let coverage = match row.scanning_state()? {
        ScanningState::On => Coverage::Scanning,
        ScanningState::OnNoSource => Coverage::NoSource,
        ScanningState::Off => Coverage::Off,
        ScanningState::NotReported => Coverage::NotReported,
    };
    let lock = match state.lock {
        Lock::Editable => doc::Lock::Editable,
        Lock::Locked => doc::Lock::Locked,
        Lock::NotReported => doc::Lock::NotReported,
    };
    Some(CsamStatus { coverage, lock })
}

/// Why a read failed: `{kind, status, permission, message}`.
pub fn read_error(error: &RowError) -> ReadError {
    let (kind, status, permission) = match &error.failure {
        Failure::NoPermission { permission } => ("no_permission", None, permission.clone()),
        Failure::Auth => ("auth", None, None),
        Failure::NotFound => ("not_found", None, None),
        Failure::Locked => ("locked", None, None),
        Failure::RateLimited => ("rate_limited", None, None),
        Failure::Server { status } => ("server", Some(*status), None),
        Failure::Timeout => ("timeout", None, None),
        Failure::Network => ("network", None, None),
        Failure::BadAnswer { status } => ("bad_answer", *status, None),
        Failure::Invalid => ("invalid", None, None),
        Failure::NotAvailable => ("not_available", None, None),
    };
    ReadError {
        kind: kind.to_owned(),
        status,
        permission,
        message: error.message.clone(),
    }
}
