//! The scan: list every zone the credentials see (50 a page: page 1, then
//! the other pages at once), then GET each zone's CSAM Scanner setting as
//! bulk work through the client's pacer, streaming a row per zone as it
//! comes. Cancellable: no new request is sent after a cancel, and what was
//! read stands.

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::event::{PROGRESS_EVERY, ScanEnd, ScanEvent, ScanOutcome, ScanProgress, estimate_eta};
use super::listed::{Accounts, Listed};
use super::row::{FleetRow, RowError};
use super::table::{FleetScan, unix_now};
use crate::api::listing::SeenIds;
use crate::api::model::{CsamSetting, Zone};
use crate::api::{ApiError, Budget, Client, Reply, ZoneQuery};

/// Zones a listing page holds (the API's most).
const PER_PAGE: u32 = 50;

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

/// A running scan: its events, in order, and the means to stop it.
#[derive(Debug)]
pub struct ScanRun {
    /// `Started`, `Listed`, `Row`s and `Progress`, then `Finished` last.
    pub events: mpsc::UnboundedReceiver<ScanEvent>,
    /// Stops the scan.
    cancel: ScanCancel,
}

/// Stops a scan; cheap to clone. Dropping the events stops it too.
#[derive(Debug, Clone)]
pub struct ScanCancel(Arc<watch::Sender<bool>>);

impl ScanCancel {
    /// No new request is sent; those in flight are dropped; `Finished`
    /// (cancelled) follows the rows read so far.
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }
}

/// Starts a scan on the current tokio runtime with a bulk clone of `client`
/// (sharing its pacer, so the person at the keyboard keeps the reserve).
pub fn start_scan(client: &Client, options: ScanOptions) -> ScanRun {
    let (events, receiver) = mpsc::unbounded_channel();
    let (cancel, cancelled) = watch::channel(false);
    let scanner = Scanner {
        client: client.bulk(),
        options,
        events,
        started: Instant::now(),
        last_progress: None,
        total: 0,
        read: 0,
        failed: 0,
        calls: 0,
    };
    tokio::spawn(scanner.run(cancelled));
    ScanRun {
        events: receiver,
        cancel: ScanCancel(Arc::new(cancel)),
    }
}

impl ScanRun {
    /// A handle that cancels this scan, e.g. for a key handler.
    pub fn canceller(&self) -> ScanCancel {
        self.cancel.clone()
    }

    /// Stops the scan (see [`ScanCancel::cancel`]).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The next event; `None` after `Finished`.
    pub async fn next(&mut self) -> Option<ScanEvent> {
        self.events.recv().await
    }

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

/// The scan task's state.
struct Scanner {
    /// Bulk priority, sharing the caller's pacer.
    client: Client,
    /// What to scan.
    options: ScanOptions,
    /// Where events go; closed when the caller is gone.
    events: mpsc::UnboundedSender<ScanEvent>,
    /// When the scan began.
    started: Instant,
    /// When progress was last reported.
    last_progress: Option<Instant>,
    /// Zones to read.
    total: usize,
    /// Zones read.
    read: usize,
    /// Zones whose read failed.
    failed: usize,
    /// Calls finished.
    calls: u64,
}

/// What the listing found.
struct Listing {
    /// The zones, each once, in the order listed.
    zones: Vec<Listed>,
    /// Why part of it is missing, if it is.
    error: Option<ApiError>,
}

impl Scanner {
    async fn run(mut self, mut cancelled: watch::Receiver<bool>) {
        let events = self.events.clone();
        let reread = self.options.zones.is_some();
        if !reread {
            self.send(ScanEvent::Started { at: unix_now() });
        }
        // Dropping the scan's future on a cancel drops every request it has
        // queued or in flight: nothing new is sent after it.
        let cancel = async {
            // A dropped `ScanCancel` is no cancel: the events may still be read.
            if cancelled.wait_for(|stop| *stop).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let (outcome, listed) = tokio::select! {
            biased;
            () = cancel => (ScanOutcome::Cancelled, None),
            () = events.closed() => return,
            result = self.scan() => result,
        };
        self.progress(true);
        let end = ScanEnd {
            outcome,
            total: self.total,
            read: self.read,
            failed: self.failed,
            calls: self.calls,
            elapsed: self.started.elapsed(),
            finished_at: unix_now(),
            listed,
            reread,
        };
        info!(
            outcome = ?end.outcome,
            zones = end.total,
            read = end.read,
            failed = end.failed,
            calls = end.calls,
            elapsed_ms = end.elapsed.as_millis() as u64,
            "fleet scan ended"
        );
        self.send(ScanEvent::Finished(end));
    }

    async fn scan(&mut self) -> (ScanOutcome, Option<Vec<String>>) {
        if let Some(zones) = self.options.zones.take() {
            let mut accounts = Accounts::default();
            let zones: Vec<Listed> = zones
                .into_iter()
                .map(|zone| Listed::of(zone, &mut accounts))
                .collect();
            self.total = zones.len();
            self.send(ScanEvent::Listed { total: self.total });
            self.read_all(zones).await;
            return (ScanOutcome::Complete, None);
        }
        let listing = match self.list_reporting_budget().await {
            Ok(listing) => listing,
            Err(error) => return (ScanOutcome::ListingFailed(RowError::from_api(&error)), None),
        };
        if let Some(error) = &listing.error
            && !self.options.read_partial_listing
        {
            return (ScanOutcome::ListingFailed(RowError::from_api(error)), None);
        }
        self.total = listing.zones.len();
        self.send(ScanEvent::Listed { total: self.total });
        let ids: Option<Vec<String>> = listing.error.is_none().then(|| {
            listing
                .zones
                .iter()
                .map(|zone| zone.id().to_owned())
                .collect()
        });
        self.read_all(listing.zones).await;
        match listing.error {
            Some(error) => (ScanOutcome::ListingFailed(RowError::from_api(&error)), None),
            None => (ScanOutcome::Complete, ids),
        }
    }

    /// [`Self::list`], with a `Listing` report of the budget at its start
    /// and at every change.
    async fn list_reporting_budget(&mut self) -> Result<Listing, ApiError> {
        let events = self.events.clone();
        let mut budget = self.client.budget_watch();
        let report = |budget: Budget| {
            // A closed channel ends the scan through `events.closed()`.
            let _ = events.send(ScanEvent::Listing { budget });
        };
        report(*budget.borrow_and_update());
        let mut list = std::pin::pin!(self.list());
        loop {
            tokio::select! {
                listing = &mut list => return listing,
                Ok(()) = budget.changed() => report(*budget.borrow_and_update()),
            }
        }
    }

    /// Page 1, then every other page at once (or one after another while the
    /// server says no page count and the pages come full). A page that
    /// brings only zones listed before ends the listing: the server answers
    /// every page alike, and the pages after it would repeat too.
    async fn list(&mut self) -> Result<Listing, ApiError> {
        let first = self.list_page(1).await?;
        let info = first.result_info.as_ref();
        let pages = info.and_then(|info| {
            info.total_pages
                .or_else(|| info.total_count.map(|n| n.div_ceil(u64::from(PER_PAGE))))
        });
        let claimed = info.and_then(|info| info.total_count);
        let mut seen = SeenIds::default();
        let mut accounts = Accounts::default();
        let mut compact = |zones: Vec<Zone>| -> Vec<Listed> {
            zones
                .into_iter()
                .map(|zone| Listed::of(zone, &mut accounts))
                .collect()
        };
        let mut listing = Listing {
            zones: Vec::new(),
            error: None,
        };
        let full = first.result.len() as u32 >= PER_PAGE;
        listing.zones.extend(compact(
            seen.fresh(first.result, zone_id).unwrap_or_default(),
        ));
        let max_zones = self.options.max_zones;
        let max_pages = max_zones.div_ceil(PER_PAGE as usize).max(1) as u64;
        if let Some(count) = claimed.filter(|&n| n > max_zones as u64) {
            return Err(too_many(format!(
                "the listing holds {count} zones, more than the {max_zones} a scan reads"
            )));
        }
        match pages {
            Some(pages) if pages > max_pages => {
                return Err(too_many(format!(
                    "the server claims {pages} pages of zones, more than the {max_zones} \
                     zones a scan reads ({max_pages} pages)"
                )));
            }
            Some(pages) => {
                let mut pending: FuturesUnordered<_> = (2..=pages as u32)
                    .map(|page| self.list_page_owned(page))
                    .collect();
                let mut found = Vec::new();
                while let Some((page, result)) = pending.next().await {
                    self.calls += 1;
                    match result {
                        Ok(reply) => match seen.fresh(reply.result, zone_id) {
                            Some(zones) => found.push((page, compact(zones))),
                            None => {
                                warn!(
                                    page,
                                    "a listing page repeats listed zones; the listing ends"
                                );
                                break;
                            }
                        },
                        Err(error) => listing.error = listing.error.take().or(Some(error)),
                    }
                }
                found.sort_by_key(|(page, _)| *page);
                listing
                    .zones
                    .reserve_exact(found.iter().map(|(_, zones)| zones.len()).sum());
                for (_, zones) in found {
                    listing.zones.extend(zones);
                }
            }
            None if full => {
                let mut page = 2;
                loop {
                    if u64::from(page) > max_pages {
                        return Err(ApiError::Decode {
                            status: 200,
                            detail: format!(
                                "the listing has more than {max_zones} zones (the most a scan \
                                 reads): its first {max_pages} pages were read and no zone's \
                                 setting; {FURTHER}"
                            ),
                        });
                    }
                    match self.list_page(page).await {
                        Ok(reply) => {
                            let last = (reply.result.len() as u32) < PER_PAGE;
                            let Some(zones) = seen.fresh(reply.result, zone_id) else {
                                warn!(
                                    page,
                                    "a listing page repeats listed zones; the listing ends"
                                );
                                break;
                            };
                            listing.zones.extend(compact(zones));
                            if last {
                                break;
                            }
                            page += 1;
                        }
                        Err(error) => {
                            listing.error = Some(error);
                            break;
                        }
                    }
                }
            }
            None => {}
        }
        Ok(listing)
    }

    async fn list_page(&mut self, page: u32) -> Result<Reply<Vec<Zone>>, ApiError> {
        let (_, result) = self.list_page_owned(page).await;
        self.calls += 1;
        result
    }

    /// One listing page, queued again while it is rate limited.
    fn list_page_owned(
        &self,
        page: u32,
    ) -> impl Future<Output = (u32, Result<Reply<Vec<Zone>>, ApiError>)> + use<> {
        let query = ZoneQuery {
            account_id: self.options.account_id.clone(),
            name: None,
            page,
            per_page: PER_PAGE,
        };
        let (client, retries) = (self.client.clone(), self.options.rate_limited_retries);
        async move {
            let mut left = retries;
            loop {
                match client.list_zones(&query).await {
                    Err(ApiError::RateLimited { .. }) if left > 0 => left -= 1,
                    result => return (page, result),
                }
            }
        }
    }

    /// Reads every zone's setting, `queued` at a time, sending a row each;
    /// a zone is dropped once its row is sent.
    async fn read_all(&mut self, zones: Vec<Listed>) {
        let mut next = zones.into_iter();
        let mut pending = FuturesUnordered::new();
        let mut budget = self.client.budget_watch();
        let mut blocked = budget.borrow().blocked_for.is_some();
        loop {
            while pending.len() < self.options.queued.max(1) {
                let Some(zone) = next.next() else { break };
                pending.push(read_zone(self.client.clone(), zone.zone(), 0));
            }
            if pending.is_empty() {
                break;
            }
            // While the pacer holds every read (a 429, a spent budget) no row
            // arrives: a change of the budget is reported on its own.
            let read = tokio::select! {
                read = pending.next() => read,
                Ok(()) = budget.changed() => {
                    let now_blocked = budget.borrow_and_update().blocked_for.is_some();
                    let flipped = now_blocked != blocked;
                    blocked = now_blocked;
                    self.progress(flipped);
                    continue;
                }
            };
            let Some(read) = read else {
                break;
            };
            self.calls += 1;
            if matches!(read.result, Err(ApiError::RateLimited { .. }))
                && read.requeued < self.options.rate_limited_retries
            {
                debug!(zone = %read.zone.id, "still rate limited; queued again");
                let again = read_zone(self.client.clone(), read.zone, read.requeued + 1);
                pending.push(again);
                continue;
            }
            let row = FleetRow::new(&read.zone, &read.result, unix_now());
            if row.error().is_some() {
                self.failed += 1;
            } else {
                self.read += 1;
            }
            self.send(ScanEvent::Row(row));
            self.progress(false);
        }
    }

    /// Reports progress if it has not been reported for a while (or `now`).
    fn progress(&mut self, now: bool) {
        let due = self
            .last_progress
            .is_none_or(|last| last.elapsed() >= PROGRESS_EVERY);
        if !(now || due) {
            return;
        }
        self.last_progress = Some(Instant::now());
        let elapsed = self.started.elapsed();
        let per_second = if elapsed.is_zero() {
            0.0
        } else {
            self.calls as f64 / elapsed.as_secs_f64()
        };
        let done = self.read + self.failed;
        let budget = self.client.budget();
        let reserve = self.client.pacer_config().bulk_reserve;
        self.send(ScanEvent::Progress(ScanProgress {
            done,
            total: self.total,
            failed: self.failed,
            calls: self.calls,
            per_second,
            eta: estimate_eta(
                self.total.saturating_sub(done),
                per_second,
                &budget,
                reserve,
            ),
            budget,
            elapsed,
        }));
    }

    fn send(&self, event: ScanEvent) {
        // A closed channel ends the scan through `events.closed()`.
        let _ = self.events.send(event);
    }
}

/// One zone's read.
struct Read {
    /// The zone, as listed.
    zone: Zone,
    /// How often it was queued again after a 429.
    requeued: u32,
    /// The setting, or why not.
    result: Result<Reply<CsamSetting>, ApiError>,
}

async fn read_zone(client: Client, zone: Zone, requeued: u32) -> Read {
    let result = client.get_csam(&zone.id).await;
    Read {
        zone,
        requeued,
        result,
    }
}

/// How to scan a fleet larger than the bound.
const FURTHER: &str = "check the base URL, scan one account with --account, or raise the \
                       bound with `trustdeck fleet scan --max-zones N`";

/// The listing's first page claims more zones than the bound: the scan ends
/// before any other page or any setting is read.
fn too_many(claim: String) -> ApiError {
    ApiError::Decode {
        status: 200,
        detail: format!(
            "{claim}; nothing beyond page 1 of the listing was read and no zone's setting; \
             {FURTHER}"
        ),
    }
}

fn zone_id(zone: &Zone) -> &str {
    // A zone added or removed while the listing runs shifts the pages: a
    // zone may come twice, and is kept once.
    &zone.id
}
