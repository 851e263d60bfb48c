//! The zone scan: every zone the credentials see, each one's CSAM Scanner
//! setting read as bulk work through the client's pacer (the engine is
//! [`super::scanner`]; this is what is particular to zones).

use super::event::{ScanEnd, ScanEvent};
use super::listed::{Accounts, Listed};
use super::row::FleetRow;
use super::scanner::{self, Common, PER_PAGE, Target};
pub use super::scanner::{ScanCancel, ScanRun};
use super::table::FleetScan;
use crate::api::model::{CsamSetting, Zone};
use crate::api::{ApiError, Client, Reply, ZoneQuery};

/// The most zones a scan reads unless told otherwise: ten times the largest
/// fleet the mock serves, and about 300 MB of rows on the fleet page.
pub const MAX_ZONES: usize = 1_000_000;

/// What to scan, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Only this account's zones; `None`: every zone the credentials see.
    pub account_id: Option<String>,
    /// How many more times a call still rate limited after the client's own
    /// retries is queued again (the pacer holds it until the server takes
    /// requests again), before its zone becomes an error row.
    pub rate_limited_retries: u32,
    /// Reads queued at once; the pacer bounds how many are in flight.
    pub queued: usize,
    /// The most zones a scan reads ([`MAX_ZONES`] by default). A listing
    /// whose first page says it holds more (`total_count`, or
    /// `total_pages` of 50) ends the scan there, before any other page or
    /// setting is read; a listing that says no count is read up to the
    /// bound and ends the scan, again before any setting is read. Either
    /// way nothing is read to be thrown away.
    pub max_zones: usize,
    /// Whether the settings of the zones listed are read when a listing
    /// page failed: the page shows those rows (the scan still ends
    /// [`ScanOutcome::ListingFailed`]); a headless scan, which keeps
    /// nothing of an incomplete scan, sets `false` and ends at once.
    pub read_partial_listing: bool,
    /// Only these zones, without a listing: the failed rows of a scan read
    /// again ([`ScanOptions::failed_of`]). No `Started` is sent and the end is
    /// a [`ScanEnd::reread`], so the scan they fold into keeps its dates.
    pub zones: Option<Vec<Zone>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            account_id: None,
            rate_limited_retries: 3,
            queued: 64,
            max_zones: MAX_ZONES,
            read_partial_listing: true,
            zones: None,
        }
    }
}

impl ScanOptions {
    /// Reads again only the zones of `scan` whose setting could not be read.
    pub fn failed_of(scan: &FleetScan) -> Self {
        Self {
            account_id: scan.account_id.clone(),
            zones: Some(scan.failed().map(FleetRow::zone).collect()),
            ..Self::default()
        }
    }
}

/// Starts a scan on the current tokio runtime with a bulk clone of `client`
/// (sharing its pacer, so the person at the keyboard keeps the reserve).
pub fn start_scan(client: &Client, options: ScanOptions) -> ScanRun {
    let zones = Zones {
        account_id: options.account_id,
        accounts: Accounts::default(),
    };
    let common = Common {
        rate_limited_retries: options.rate_limited_retries,
        queued: options.queued,
        max_targets: options.max_zones,
        read_partial_listing: options.read_partial_listing,
        only: options.zones,
    };
    scanner::start(client, zones, common)
}

impl ScanRun {
    /// Folds every event into `table` (a cached scan is refreshed in place)
    /// and returns how the scan ended.
    pub async fn run_into(mut self, table: &mut FleetScan) -> Option<ScanEnd> {
        let mut end = None;
        while let Some(event) = self.next().await {
            table.apply(&event);
            if let ScanEvent::Finished(finished) = event {
                end = Some(finished);
            }
        }
        end
    }
}

/// Zones as scan targets.
struct Zones {
    /// Only this account's zones.
    account_id: Option<String>,
    /// The owning accounts of the zones listed, each held once.
    accounts: Accounts,
}

impl Target for Zones {
    type Entry = Zone;
    type Kept = Listed;
    type Setting = CsamSetting;
    type Row = FleetRow;
    type Query = Option<String>;

    const PLURAL: &'static str = "zones";
    const SETTING: &'static str = "zone's setting";
    const FURTHER: &'static str = "check the base URL, scan one account with --account, or \
                                   raise the bound with `trustdeck fleet scan --max-zones N`";

    fn query(&self) -> Option<String> {
        self.account_id.clone()
    }

    fn list_page(
        client: &Client,
        account_id: &Option<String>,
        page: u32,
    ) -> impl Future<Output = Result<Reply<Vec<Zone>>, ApiError>> + Send {
        let query = ZoneQuery {
            account_id: account_id.clone(),
            name: None,
            page,
            per_page: PER_PAGE,
        };
        async move { client.list_zones(&query).await }
    }

    fn id(zone: &Zone) -> &str {
        // A zone added or removed while the listing runs shifts the pages: a
        // zone may come twice, and is kept once.
        &zone.id
    }

    fn keep(&mut self, zone: Zone) -> Option<Listed> {
        Some(Listed::of(zone, &mut self.accounts))
    }

    fn entry(listed: Listed) -> Zone {
        listed.zone()
    }

    fn read(
        client: &Client,
        zone: &Zone,
    ) -> impl Future<Output = Result<Reply<CsamSetting>, ApiError>> + Send {
        client.get_csam(&zone.id)
    }

    fn row(zone: &Zone, outcome: &Result<Reply<CsamSetting>, ApiError>, read_at: u64) -> FleetRow {
        FleetRow::new(zone, outcome, read_at)
    }

    fn failed(row: &FleetRow) -> bool {
        row.error().is_some()
    }
}
