//! Carrying out the reducer's commands: requests to the API worker, the
//! audit log around every write, reading the audit log for the overlay,
//! and the terminal-side hooks (recent zones, clipboard). Results that come
//! back later arrive as messages on [`Effects::messages`].

mod bulk;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tracing::warn;

use crate::api::ApiError;
use crate::api::worker::{ApiEvent, ApiOutput, ApiRequest, ApiResponse, RequestId, Worker};
use crate::audit::{self, AuditLog, Intent, Outcome};
use crate::fleet::{
    self, AccountScan, AccountScanOptions, CacheKey, CredentialIdentity, FleetScan, MAX_ROW_AGE,
    RunCost, RunsDir, ScanCache, ScanCancel, ScanEvent, ScanOptions, ScanRun, unix_now,
};
use crate::message::{Command, FleetNews, Msg};
use crate::state::{AppState, AuditLine, BulkDialog, Dialog, PickerItem};
use bulk::{AccountBegin, Begin, RunSlot};

/// How many changes the `L` overlay shows.
const AUDIT_LINES: usize = 200;

/// The most scan reports sent to the loop in one message.
const SCAN_BATCH: usize = 4096;

/// Side effects the loop carries out besides API calls.
pub struct Hooks {
    /// Called when a zone is chosen, to remember it as recently used.
    pub remember_zone: Box<dyn FnMut(&PickerItem) + Send>,
    /// Puts text on the clipboard (the real terminal writes OSC 52).
    pub copy: Box<dyn FnMut(&str) + Send>,
    /// Where every write is recorded before it is sent and after; `None`
    /// sends writes unrecorded (tests that do not look at the log).
    pub audit: Option<AuditLog>,
    /// Where finished fleet and accounts scans are kept for the next
    /// start; `None` keeps none (the demo, whose data is new each run, and
    /// tests).
    pub fleet_cache: Option<ScanCache>,
    /// Where bulk runs are journaled (and found again to resume); `None`
    /// makes none (tests that do not run one).
    pub runs: Option<RunsDir>,
}

impl Default for Hooks {
    fn default() -> Self {
        Self {
            remember_zone: Box::new(|_| {}),
            copy: Box::new(|_| {}),
            audit: None,
            fleet_cache: None,
            runs: None,
        }
    }
}

/// Where the reducer's commands go.
pub struct Effects {
    /// The API worker; its replies are read by the loop.
    pub worker: Worker,
    hooks: Hooks,
    /// Writes whose intent is on disk, waiting for their outcome.
    written: Arc<Mutex<HashMap<RequestId, audit::Pending>>>,
    /// Stops the running fleet scan.
    scan: Option<ScanCancel>,
    /// Stops the running accounts scan.
    account_scan: Option<ScanCancel>,
    /// Pauses, stops or interrupts the bulk run going.
    run: RunSlot,
    /// Results of work done off the loop (the audit overlay's lines).
    sender: mpsc::UnboundedSender<Msg>,
    /// What the loop reads those results from.
    pub messages: mpsc::UnboundedReceiver<Msg>,
}

impl Effects {
    /// Prices a plan dialog just opened from the client's budget as it
    /// stands: the reducer has no client to ask.
    pub fn price_plan(&self, state: &mut AppState) {
        let Some(Dialog::Bulk(bulk)) = &mut state.dialog else {
            return;
        };
        let client = self.worker.client();
        match bulk.as_mut() {
            BulkDialog::Plan(dialog) if dialog.cost.is_none() => {
                dialog.cost = Some(RunCost::of(
                    &dialog.plan,
                    unix_now(),
                    MAX_ROW_AGE,
                    &client.budget(),
                    &client.pacer_config(),
                ));
            }
            BulkDialog::AccountPlan(dialog) if dialog.cost.is_none() => {
                dialog.cost = Some(dialog.plan.cost(
                    unix_now(),
                    MAX_ROW_AGE,
                    &client.budget(),
                    &client.pacer_config(),
                ));
            }
            _ => {}
        }
    }

    /// Effects that go to `worker` and `hooks`.
    pub fn new(worker: Worker, hooks: Hooks) -> Self {
        let (sender, messages) = mpsc::unbounded_channel();
        Self {
            worker,
            hooks,
            written: Arc::default(),
            scan: None,
            account_scan: None,
            run: RunSlot::default(),
            sender,
            messages,
        }
    }

    /// Carries out `commands`, in order.
    pub fn execute(&mut self, commands: Vec<Command>) {
        for command in commands {
            match command {
                Command::Api(request) => self.worker.send(request),
                Command::Write { request, intent } => self.write(request, *intent),
                Command::Cancel(id) => self.worker.cancel(id),
                Command::RememberZone(zone) => (self.hooks.remember_zone)(&zone),
                Command::Copy(text) => (self.hooks.copy)(&text),
                Command::ReadAudit => self.read_audit(),
                Command::StartScan(options) => self.start_scan(options),
                Command::CancelScan => {
                    if let Some(scan) = self.scan.take() {
                        scan.cancel();
                    }
                }
                Command::StartAccountScan => self.start_account_scan(),
                Command::CancelAccountScan => {
                    if let Some(scan) = self.account_scan.take() {
                        scan.cancel();
                    }
                }
                Command::LoadAccountCache(identity) => self.load_account_cache(identity),
                Command::StoreAccountCache(identity, scan) => {
                    self.store_account_cache(identity, *scan);
                }
                Command::LoadFleetCache(identity) => self.load_cache(identity),
                Command::StoreFleetCache(identity, scan) => self.store_cache(identity, *scan),
                Command::StartApply(plan) => self.begin(Begin::Start(plan)),
                Command::RetryApply(id) => self.begin(Begin::Retry(id)),
                Command::StartAccountApply(plan) => {
                    self.begin_accounts(AccountBegin::Start(plan));
                }
                Command::RetryAccountApply(id) => self.begin_accounts(AccountBegin::Retry(id)),
                Command::ResumeApply(id) => self.begin(Begin::Resume(id)),
                Command::PauseApply(paused) => self.run.pause(paused),
                Command::StopApply => self.run.stop(),
                Command::InterruptApply => self.run.interrupt(),
                Command::FindUnfinished => bulk::find_unfinished(
                    self.hooks.runs.clone(),
                    self.worker.client().base_url(),
                    self.sender.clone(),
                ),
            }
        }
    }

    /// Begins a bulk run; the one before it has ended (the reducer starts
    /// one at a time).
    fn begin(&mut self, how: Begin) {
        self.run = RunSlot::default();
        self.runner().begin(how);
    }

    /// Begins a bulk DLP run of the accounts page, as [`Self::begin`] does.
    fn begin_accounts(&mut self, how: AccountBegin) {
        self.run = RunSlot::default();
        self.runner().begin_accounts(how);
    }

    fn runner(&self) -> bulk::Runner {
        bulk::Runner {
            client: self.worker.client().clone(),
            runs: self.hooks.runs.clone(),
            audit: self.hooks.audit.clone(),
            slot: self.run.clone(),
            sender: self.sender.clone(),
        }
    }

    /// Runs a fleet scan through the worker's client (its pacer, as bulk
    /// work); its reports come back as messages.
    fn start_scan(&mut self, options: ScanOptions) {
        if let Some(old) = self.scan.take() {
            old.cancel();
        }
        let run = fleet::start_scan(self.worker.client(), options);
        self.scan = Some(run.canceller());
        forward(run, FleetNews::Scans, self.sender.clone());
    }

    /// Runs an accounts scan through the worker's client, as the fleet
    /// scan runs; its reports come back as messages.
    fn start_account_scan(&mut self) {
        if let Some(old) = self.account_scan.take() {
            old.cancel();
        }
        let run = fleet::start_account_scan(self.worker.client(), AccountScanOptions::default());
        self.account_scan = Some(run.canceller());
        forward(run, FleetNews::AccountScans, self.sender.clone());
    }

    fn cache_key(&self, identity: CredentialIdentity) -> Option<(ScanCache, CacheKey)> {
        let cache = self.hooks.fleet_cache.clone()?;
        Some((
            cache,
            CacheKey::new(self.worker.client().base_url(), identity, None),
        ))
    }

    /// Reads the last scan of these credentials off the loop.
    fn load_cache(&self, identity: CredentialIdentity) {
        let sender = self.sender.clone();
        let Some((cache, key)) = self.cache_key(identity) else {
            let _ = sender.send(Msg::Fleet(Box::new(FleetNews::Cached(Ok(None)))));
            return;
        };
        tokio::task::spawn_blocking(move || {
            let cached = cache.load(&key).map_err(|warning| warning.to_string());
            let _ = sender.send(Msg::Fleet(Box::new(FleetNews::Cached(cached))));
        });
    }

    /// Keeps a finished scan for the next start, off the loop.
    fn store_cache(&self, identity: CredentialIdentity, scan: FleetScan) {
        let Some((cache, key)) = self.cache_key(identity) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(error) = cache.store(&key, &scan) {
                warn!(%error, "could not keep the fleet scan in the cache");
            }
            drop(scan);
            crate::memory::give_back();
        });
    }

    /// Reads the last accounts scan of these credentials off the loop.
    fn load_account_cache(&self, identity: CredentialIdentity) {
        let sender = self.sender.clone();
        let send = move |cached| {
            let _ = sender.send(Msg::Fleet(Box::new(FleetNews::AccountsCached(cached))));
        };
        let Some((cache, key)) = self.cache_key(identity) else {
            send(Ok(None));
            return;
        };
        tokio::task::spawn_blocking(move || {
            send(cache.load_accounts(&key).map_err(|w| w.to_string()));
        });
    }

    /// Keeps a finished accounts scan for the next start, off the loop.
    fn store_account_cache(&self, identity: CredentialIdentity, scan: AccountScan) {
        let Some((cache, key)) = self.cache_key(identity) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(error) = cache.store_accounts(&key, &scan) {
                warn!(%error, "could not keep the accounts scan in the cache");
            }
        });
    }

    /// Notes a worker event before the reducer sees it: a write's reply is
    /// its outcome in the audit log.
    pub fn observe(&self, event: &ApiEvent) {
        let (Some(log), ApiEvent::Reply(ApiResponse { id, result })) = (&self.hooks.audit, event)
        else {
            return;
        };
        let Some(pending) = self.written.lock().ok().and_then(|mut w| w.remove(id)) else {
            return;
        };
        let outcome = outcome_of(result);
        let log = log.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(error) = log.record_outcome(&pending, &outcome) {
                warn!(%error, "could not record a write's outcome in the audit log");
            }
        });
    }

    /// Sends a write once its intent is on disk; a write whose intent cannot
    /// be recorded is answered with the reason and never sent.
    fn write(&mut self, request: ApiRequest, intent: Intent) {
        let Some(log) = self.hooks.audit.clone() else {
            self.worker.send(request);
            return;
        };
        let worker = self.worker.handle();
        let written = self.written.clone();
        tokio::spawn(async move {
            let id = request.id;
            let recorded = tokio::task::spawn_blocking(move || log.record_intent(&intent)).await;
            match recorded {
                Ok(Ok(pending)) => {
                    if let Ok(mut written) = written.lock() {
                        written.insert(id, pending);
                    }
                    // The intent is on disk before the request leaves.
                    worker.send(request);
                }
                Ok(Err(error)) => worker.refuse(id, not_recorded(&error.to_string())),
                Err(error) => worker.refuse(id, not_recorded(&error.to_string())),
            }
        });
    }

    /// Reads the last changes off the loop; they come back as a message.
    fn read_audit(&self) {
        let sender = self.sender.clone();
        let Some(log) = self.hooks.audit.clone() else {
            let _ = sender.send(Msg::AuditRead(Err(
                "no audit log in this session".to_owned()
            )));
            return;
        };
        tokio::task::spawn_blocking(move || {
            let filter = audit::Filter {
                limit: Some(AUDIT_LINES),
                ..audit::Filter::default()
            };
            let report = log.read(&filter);
            let lines = report
                .entries
                .iter()
                .map(|entry| AuditLine {
                    time: audit::time_text(entry),
                    target: entry.target.label(),
                    change: audit::change_text(entry),
                    outcome: audit::outcome_text(entry),
                    verdict: entry.state.clone(),
                    entry: Box::new(entry.clone()),
                })
                .collect();
            let _ = sender.send(Msg::AuditRead(Ok(lines)));
        });
    }
}

/// The loop is gone (a quit, a signal, a crash unwinding): a bulk run
/// going stops sending and stays unfinished, so the next start offers it
/// for resuming.
impl Drop for Effects {
    fn drop(&mut self) {
        self.run.interrupt();
    }
}

/// Sends a scan's reports to the loop as they come: what else is waiting
/// goes in the same message, so a page takes a batch of rows at once
/// however fast they come. The loop gone, the scan stops.
fn forward<R: Send + 'static>(
    mut run: ScanRun<R>,
    news: fn(Vec<ScanEvent<R>>) -> FleetNews,
    sender: mpsc::UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        while let Some(event) = run.next().await {
            let mut events = vec![event];
            while events.len() < SCAN_BATCH {
                let Ok(event) = run.events.try_recv() else {
                    break;
                };
                events.push(event);
            }
            if sender.send(Msg::Fleet(Box::new(news(events)))).is_err() {
                run.cancel();
                break;
            }
        }
        drop(run);
        crate::memory::give_back();
    });
}

fn not_recorded(why: &str) -> ApiError {
    ApiError::InvalidInput {
        field: "audit log".to_owned(),
        reason: format!("the write was not recorded, so it was not sent ({why})"),
    }
}

/// A reply as the audit log records it.
fn outcome_of(result: &Result<ApiOutput, ApiError>) -> Outcome {
    match result {
        Ok(ApiOutput::Csam(reply)) => Outcome::csam(&Ok(reply.clone())),
        Ok(ApiOutput::Dlp(reply)) => Outcome::dlp(&Ok(reply.clone())),
        Ok(_) => Outcome::from_error(&ApiError::Decode {
            status: 200,
            detail: "not the setting that was written".to_owned(),
        }),
        Err(error) => Outcome::from_error(error),
    }
}
