//! The scan engine, written once for every kind of target: list every
//! target the credentials see (50 a page: page 1, then the other pages at
//! once), then GET each one's setting as bulk work through the client's
//! pacer, streaming a row per target as it comes. Cancellable: no new
//! request is sent after a cancel, and what was read stands. What differs
//! per kind (zones, accounts) is the [`Target`] trait.

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::event::{PROGRESS_EVERY, ScanEnd, ScanEvent, ScanOutcome, ScanProgress, estimate_eta};
use super::row::RowError;
use super::table::unix_now;
use crate::api::listing::SeenIds;
use crate::api::{ApiError, Budget, Client, Reply};

/// Targets a listing page holds (the API's most).
pub(super) const PER_PAGE: u32 = 50;

/// A listing page, or why not.
type Page<E> = Result<Reply<Vec<E>>, ApiError>;

/// One kind of scan target: how to list it, keep it, read it and make its
/// row.
pub(super) trait Target: Send + 'static {
    /// A target as the listing gives it, and as its read and row take it.
    type Entry: Send + 'static;
    /// A listed target as the scan keeps it until it is read.
    type Kept: Send + 'static;
    /// What a read brings.
    type Setting: Send + 'static;
    /// The row of one target.
    type Row: Send + 'static;

    /// The kind's plural in messages (`zones`).
    const PLURAL: &'static str;
    /// What is read of one, in messages (`zone's setting`).
    const SETTING: &'static str;
    /// How to scan more targets than the bound, in messages.
    const FURTHER: &'static str;

    /// What a listing page is asked with (e.g. only one account's zones).
    type Query: Clone + Send + Sync + 'static;

    /// What the listing pages are asked with.
    fn query(&self) -> Self::Query;
    /// One listing page of `PER_PAGE`.
    fn list_page(
        client: &Client,
        query: &Self::Query,
        page: u32,
    ) -> impl Future<Output = Result<Reply<Vec<Self::Entry>>, ApiError>> + Send;
    /// A listed target's id.
    fn id(entry: &Self::Entry) -> &str;
    /// `entry` as the scan keeps it; `None`: not to be read.
    fn keep(&mut self, entry: Self::Entry) -> Option<Self::Kept>;
    /// A kept target again, to read it.
    fn entry(kept: Self::Kept) -> Self::Entry;
    /// Reads one target's setting.
    fn read(
        client: &Client,
        entry: &Self::Entry,
    ) -> impl Future<Output = Result<Reply<Self::Setting>, ApiError>> + Send;
    /// The row of a read.
    fn row(
        entry: &Self::Entry,
        outcome: &Result<Reply<Self::Setting>, ApiError>,
        read_at: u64,
    ) -> Self::Row;
    /// The row is of a read that failed.
    fn failed(row: &Self::Row) -> bool;
}

/// How a scan reads, whatever it reads.
#[derive(Debug, Clone)]
pub(super) struct Common<E> {
    /// See [`super::ScanOptions::rate_limited_retries`].
    pub rate_limited_retries: u32,
    /// See [`super::ScanOptions::queued`].
    pub queued: usize,
    /// See [`super::ScanOptions::max_zones`].
    pub max_targets: usize,
    /// See [`super::ScanOptions::read_partial_listing`].
    pub read_partial_listing: bool,
    /// Only these targets, without a listing (see [`super::ScanOptions::zones`]).
    pub only: Option<Vec<E>>,
}

/// A running scan: its events, in order, and the means to stop it.
#[derive(Debug)]
pub struct ScanRun<R = super::FleetRow> {
    /// `Started`, `Listed`, `Row`s and `Progress`, then `Finished` last.
    pub events: mpsc::UnboundedReceiver<ScanEvent<R>>,
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

impl<R> ScanRun<R> {
    /// A handle that cancels this scan, e.g. for a key handler.
    pub fn canceller(&self) -> ScanCancel {
        self.cancel.clone()
    }

    /// Stops the scan (see [`ScanCancel::cancel`]).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The next event; `None` after `Finished`.
    pub async fn next(&mut self) -> Option<ScanEvent<R>> {
        self.events.recv().await
    }
}

/// Starts a scan of `target`'s kind on the current tokio runtime with a
/// bulk clone of `client` (sharing its pacer, so the person at the keyboard
/// keeps the reserve).
pub(super) fn start<T: Target>(
    client: &Client,
    target: T,
    options: Common<T::Entry>,
) -> ScanRun<T::Row> {
    let (events, receiver) = mpsc::unbounded_channel();
    let (cancel, cancelled) = watch::channel(false);
    let scanner = Scanner {
        client: client.bulk(),
        target,
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

/// The scan task's state.
struct Scanner<T: Target> {
    /// Bulk priority, sharing the caller's pacer.
    client: Client,
    /// What is scanned.
    target: T,
    /// How.
    options: Common<T::Entry>,
    /// Where events go; closed when the caller is gone.
    events: mpsc::UnboundedSender<ScanEvent<T::Row>>,
    /// When the scan began.
    started: Instant,
    /// When progress was last reported.
    last_progress: Option<Instant>,
    /// Targets to read.
    total: usize,
    /// Targets read.
    read: usize,
    /// Targets whose read failed.
    failed: usize,
    /// Calls finished.
    calls: u64,
}

/// What the listing found.
struct Listing<K> {
    /// The targets to read, each once, in the order listed.
    kept: Vec<K>,
    /// The ids of every target listed (those not kept too).
    ids: Vec<String>,
    /// Why part of it is missing, if it is.
    error: Option<ApiError>,
}

impl<T: Target> Scanner<T> {
    async fn run(mut self, mut cancelled: watch::Receiver<bool>) {
        let events = self.events.clone();
        let reread = self.options.only.is_some();
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
            kind = T::PLURAL,
            outcome = ?end.outcome,
            targets = end.total,
            read = end.read,
            failed = end.failed,
            calls = end.calls,
            elapsed_ms = end.elapsed.as_millis() as u64,
            "fleet scan ended"
        );
        self.send(ScanEvent::Finished(end));
    }

    async fn scan(&mut self) -> (ScanOutcome, Option<Vec<String>>) {
        if let Some(only) = self.options.only.take() {
            let kept: Vec<T::Kept> = only
                .into_iter()
                .filter_map(|entry| self.target.keep(entry))
                .collect();
            self.total = kept.len();
            self.send(ScanEvent::Listed { total: self.total });
            self.read_all(kept).await;
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
        self.total = listing.kept.len();
        self.send(ScanEvent::Listed { total: self.total });
        let ids = listing.error.is_none().then_some(listing.ids);
        self.read_all(listing.kept).await;
        match listing.error {
            Some(error) => (ScanOutcome::ListingFailed(RowError::from_api(&error)), None),
            None => (ScanOutcome::Complete, ids),
        }
    }

    /// [`Self::list`], with a `Listing` report of the budget at its start
    /// and at every change.
    async fn list_reporting_budget(&mut self) -> Result<Listing<T::Kept>, ApiError> {
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

    /// Keeps the fresh entries of a page.
    fn add(&mut self, listing: &mut Listing<T::Kept>, entries: Vec<T::Entry>) {
        listing
            .ids
            .extend(entries.iter().map(|e| T::id(e).to_owned()));
        listing
            .kept
            .extend(entries.into_iter().filter_map(|e| self.target.keep(e)));
    }

    /// Page 1, then every other page at once (or one after another while the
    /// server says no page count and the pages come full). A page that
    /// brings only targets listed before ends the listing: the server
    /// answers every page alike, and the pages after it would repeat too.
    async fn list(&mut self) -> Result<Listing<T::Kept>, ApiError> {
        let (plural, setting, further) = (T::PLURAL, T::SETTING, T::FURTHER);
        let first = self.list_page(1).await?;
        let info = first.result_info.as_ref();
        let pages = info.and_then(|info| {
            info.total_pages
                .or_else(|| info.total_count.map(|n| n.div_ceil(u64::from(PER_PAGE))))
        });
        let claimed = info.and_then(|info| info.total_count);
        let mut seen = SeenIds::default();
        let mut listing = Listing {
            kept: Vec::new(),
            ids: Vec::new(),
            error: None,
        };
        let full = first.result.len() as u32 >= PER_PAGE;
        let fresh = seen.fresh(first.result, T::id).unwrap_or_default();
        self.add(&mut listing, fresh);
        let max = self.options.max_targets;
        let max_pages = max.div_ceil(PER_PAGE as usize).max(1) as u64;
        if let Some(count) = claimed.filter(|&n| n > max as u64) {
            return Err(too_many::<T>(format!(
                "the listing holds {count} {plural}, more than the {max} a scan reads"
            )));
        }
        match pages {
            Some(pages) if pages > max_pages => {
                return Err(too_many::<T>(format!(
                    "the server claims {pages} pages of {plural}, more than the {max} \
                     {plural} a scan reads ({max_pages} pages)"
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
                        Ok(reply) => match seen.fresh(reply.result, T::id) {
                            Some(entries) => found.push((page, entries)),
                            None => {
                                warn!(
                                    page,
                                    "a listing page repeats listed targets; the listing ends"
                                );
                                break;
                            }
                        },
                        Err(error) => listing.error = listing.error.take().or(Some(error)),
                    }
                }
                found.sort_by_key(|(page, _)| *page);
                listing
                    .kept
                    .reserve_exact(found.iter().map(|(_, entries)| entries.len()).sum());
                for (_, entries) in found {
                    self.add(&mut listing, entries);
                }
            }
            None if full => {
                let mut page = 2;
                loop {
                    if u64::from(page) > max_pages {
                        return Err(ApiError::Decode {
                            status: 200,
                            detail: format!(
                                "the listing has more than {max} {plural} (the most a scan \
                                 reads): its first {max_pages} pages were read and no \
                                 {setting}; {further}"
                            ),
                        });
                    }
                    match self.list_page(page).await {
                        Ok(reply) => {
                            let last = (reply.result.len() as u32) < PER_PAGE;
                            let Some(entries) = seen.fresh(reply.result, T::id) else {
                                warn!(
                                    page,
                                    "a listing page repeats listed targets; the listing ends"
                                );
                                break;
                            };
                            self.add(&mut listing, entries);
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

    async fn list_page(&mut self, page: u32) -> Page<T::Entry> {
        let (_, result) = self.list_page_owned(page).await;
        self.calls += 1;
        result
    }

    /// One listing page, queued again while it is rate limited.
    fn list_page_owned(&self, page: u32) -> impl Future<Output = (u32, Page<T::Entry>)> + use<T> {
        let (client, retries) = (self.client.clone(), self.options.rate_limited_retries);
        let query = self.target.query();
        async move {
            let mut left = retries;
            loop {
                match T::list_page(&client, &query, page).await {
                    Err(ApiError::RateLimited { .. }) if left > 0 => left -= 1,
                    result => return (page, result),
                }
            }
        }
    }

    /// Reads every target's setting, `queued` at a time, sending a row
    /// each; a target is dropped once its row is sent.
    async fn read_all(&mut self, kept: Vec<T::Kept>) {
        let mut next = kept.into_iter();
        let mut pending = FuturesUnordered::new();
        let mut budget = self.client.budget_watch();
        let mut blocked = budget.borrow().blocked_for.is_some();
        loop {
            while pending.len() < self.options.queued.max(1) {
                let Some(kept) = next.next() else { break };
                pending.push(read_one::<T>(self.client.clone(), T::entry(kept), 0));
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
                debug!(target_id = %T::id(&read.entry), "still rate limited; queued again");
                let again = read_one::<T>(self.client.clone(), read.entry, read.requeued + 1);
                pending.push(again);
                continue;
            }
            let row = T::row(&read.entry, &read.result, unix_now());
            if T::failed(&row) {
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

    fn send(&self, event: ScanEvent<T::Row>) {
        // A closed channel ends the scan through `events.closed()`.
        let _ = self.events.send(event);
    }
}

/// One target's read.
struct Read<T: Target> {
    /// The target, as listed.
    entry: T::Entry,
    /// How often it was queued again after a 429.
    requeued: u32,
    /// The setting, or why not.
    result: Result<Reply<T::Setting>, ApiError>,
}

async fn read_one<T: Target>(client: Client, entry: T::Entry, requeued: u32) -> Read<T> {
    let result = T::read(&client, &entry).await;
    Read {
        entry,
        requeued,
        result,
    }
}

/// The listing's first page claims more targets than the bound: the scan
/// ends before any other page or any setting is read.
fn too_many<T: Target>(claim: String) -> ApiError {
    ApiError::Decode {
        status: 200,
        detail: format!(
            "{claim}; nothing beyond page 1 of the listing was read and no {}; {}",
            T::SETTING,
            T::FURTHER
        ),
    }
}
