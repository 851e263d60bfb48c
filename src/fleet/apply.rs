//! Starting a bulk run, resuming one, retrying one's failures, and the
//! handle that pauses, resumes and cancels it.
//!
//! Every run goes through the client's pacer as bulk work (the person at
//! the keyboard keeps the reserve), at most `concurrency` zones at once.
//! Before its first request the plan is in the journal; after a crash
//! [`resume_apply`] continues it: zones with an outcome are never sent
//! again, zones that were in flight are read again first — sent again only
//! when the change is idempotent and the re-read does not show it done — and
//! an interrupted change that mails (a new email, a re-send) is never sent
//! again: done when the re-read shows a verification started since, else
//! unknown, for the admin (see [`super::apply_run`]). [`retry_apply`] makes
//! a new run of a finished run's retryable failures, once per run; asked
//! to, of its unknown zones too, whatever the change.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::account_plan::AccountPlan;
use super::apply_event::{ApplyEvent, RunState};
use super::apply_run::{Control, Engine, Job, Runner, Shared};
use super::journal::{
    JOURNAL_FORMAT, JournalError, JournalWriter, Line, RunHeaderOf, RunId, RunsDir,
};
use super::journal_read::{RunRecord, SentLine, api_of};
use super::plan::Plan;
use super::run_target::{Accounts, RunTarget, Zones};
use super::table::unix_now;
use super::zone_outcome::{OutcomeKind, ZoneResult};
use crate::api::Client;
use crate::audit::{AuditLog, Command, Filter, Origin, Problem, Verdict};

/// How a bulk run is made.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Zones worked on at once; `None`: as many as the pacer lets bulk work
    /// have in flight (28 of its 32 slots by default).
    pub concurrency: Option<usize>,
    /// A zone whose row is older than this is read again right before its
    /// PATCH (default 5 minutes) when the change re-reads old rows (a
    /// re-send, a disable: [`super::Change::rereads_old_rows`]), so those are never
    /// applied to stale data; the others are sent as planned.
    pub max_row_age: Duration,
    /// Where the journal goes; `None` keeps none (for measurements: such a
    /// run can be neither resumed nor retried).
    pub journal: Option<RunsDir>,
    /// Where every write is audited; `None` audits nothing (measurements).
    pub audit: Option<AuditLog>,
    /// The headless command that made the run, for the audit log.
    pub command: Option<Command>,
    /// How many more times a call still rate limited after the client's own
    /// retries is queued again (a 429 is never applied, so this is safe for
    /// every change).
    pub rate_limited_retries: u32,
    /// The run this one reverts, named in its journal's first line.
    pub revert_of: Option<RunId>,
}

/// The default of [`ApplyOptions::max_row_age`].
pub const MAX_ROW_AGE: Duration = Duration::from_secs(300);

impl ApplyOptions {
    /// A run journaled in `journal` and audited in `audit`: what every face uses.
    pub fn recorded(journal: RunsDir, audit: AuditLog) -> Self {
        Self {
            journal: Some(journal),
            audit: Some(audit),
            ..Self::unrecorded()
        }
    }

    /// A run that keeps no journal and no audit (measurements only).
    pub fn unrecorded() -> Self {
        Self {
            concurrency: None,
            max_row_age: MAX_ROW_AGE,
            journal: None,
            audit: None,
            command: None,
            rate_limited_retries: 3,
            revert_of: None,
        }
    }
}

/// What [`retry_apply`] takes again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryOptions {
    /// Also the zones whose outcome is unknown, read again before sending
    /// (for an idempotent change only: an unknown email or re-send is never
    /// retried this way).
    pub include_unknown: bool,
    /// Only the zones whose outcome is unknown, whatever the change: the
    /// admin sends them on purpose (`fleet resume RUN --resend-unknown`),
    /// knowing a change that mails may mail a second time.
    pub unknown_on_purpose: bool,
}

/// A running bulk run: its events, in order, and its controls. `T` is the
/// kind of target: [`Zones`] (the default) or [`Accounts`].
#[derive(Debug)]
pub struct ApplyRun<T: RunTarget = Zones> {
    /// `Started`, outcomes and progress, `Finished` last. Dropping it
    /// cancels the run (in-flight requests still finish and are journaled).
    pub events: mpsc::UnboundedReceiver<ApplyEvent<T>>,
    /// Pause, resume, cancel.
    control: ApplyControl,
    /// The run.
    run: RunId,
    /// Its journal, if it keeps one.
    journal: Option<PathBuf>,
}

/// Pauses, resumes or cancels a run; cheap to clone (e.g. for a key handler).
#[derive(Debug, Clone)]
pub struct ApplyControl(Arc<watch::Sender<Control>>);

impl ApplyControl {
    /// No new request is sent (re-reads included); those in flight finish.
    pub fn pause(&self) {
        self.0.send_modify(|c| c.paused = true);
    }

    /// Sending goes on.
    pub fn resume(&self) {
        self.0.send_modify(|c| c.paused = false);
    }

    /// No new request is sent, ever: those in flight finish and get their
    /// outcome, the zones not sent are left, and the run is finished as
    /// cancelled.
    pub fn cancel(&self) {
        self.0.send_modify(|c| c.cancelled = true);
    }

    /// No new request is sent, ever: those in flight finish and get their
    /// outcome, and the run ends unfinished, so a later start can resume it
    /// (what a process does before it goes away).
    pub fn interrupt(&self) {
        self.0.send_modify(|c| c.interrupted = true);
    }

    /// Whether it is paused.
    pub fn is_paused(&self) -> bool {
        self.0.borrow().paused
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.borrow().cancelled
    }
}

impl<T: RunTarget> ApplyRun<T> {
    /// The run's id.
    pub fn id(&self) -> &RunId {
        &self.run
    }

    /// The journal file, if the run keeps one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_deref()
    }

    /// A handle on the controls.
    pub fn control(&self) -> ApplyControl {
        self.control.clone()
    }

    /// See [`ApplyControl::pause`].
    pub fn pause(&self) {
        self.control.pause();
    }

    /// See [`ApplyControl::resume`].
    pub fn resume(&self) {
        self.control.resume();
    }

    /// See [`ApplyControl::cancel`].
    pub fn cancel(&self) {
        self.control.cancel();
    }

    /// The next event; `None` after `Finished`.
    pub async fn next(&mut self) -> Option<ApplyEvent<T>> {
        self.events.recv().await
    }
}

/// Starts applying `plan` on the current tokio runtime with a bulk clone of
/// `client`. Returns once the plan is in the journal (and before any
/// request): an `Err` means nothing was sent.
pub async fn start_apply(
    client: &Client,
    plan: Plan,
    options: ApplyOptions,
) -> Result<ApplyRun, JournalError> {
    start::<Zones>(client, plan, options).await
}

/// Starts applying an accounts `plan` (one DLP write per account sent):
/// the same engine, journal and controls as [`start_apply`]; its events'
/// `Zone` results are accounts'.
pub async fn start_account_apply(
    client: &Client,
    plan: AccountPlan,
    options: ApplyOptions,
) -> Result<ApplyRun<Accounts>, JournalError> {
    start::<Accounts>(client, plan, options).await
}

/// Resumes zones run `id` from its journal (which `options.journal` names):
/// the zones with an outcome are left alone, those in flight are read again
/// first (see the module docs), the others are sent as planned. An accounts
/// run is refused ([`RunsDir::target_of`] tells which to call).
pub async fn resume_apply(
    client: &Client,
    id: &RunId,
    options: ApplyOptions,
) -> Result<ApplyRun, JournalError> {
    resume::<Zones>(client, id, options).await
}

/// Resumes accounts run `id`, as [`resume_apply`] does a zones run: an
/// account in flight is read again, done when it shows the change
/// applied, else sent again (a DLP write sets values).
pub async fn resume_account_apply(
    client: &Client,
    id: &RunId,
    options: ApplyOptions,
) -> Result<ApplyRun<Accounts>, JournalError> {
    resume::<Accounts>(client, id, options).await
}

/// Starts a new run of the retryable failures of finished zones run `id`
/// (and, with `retry.include_unknown`, of its unknown zones of an
/// idempotent change, read again first). A run is retried once: a second
/// retry is refused (retry the retry instead), so no second press sends
/// twice.
pub async fn retry_apply(
    client: &Client,
    id: &RunId,
    retry: RetryOptions,
    options: ApplyOptions,
) -> Result<ApplyRun, JournalError> {
    retry_run::<Zones>(client, id, retry, options).await
}

/// [`retry_apply`] of an accounts run (every DLP change is idempotent, so
/// `include_unknown` takes its unknown accounts, read again first).
pub async fn retry_account_apply(
    client: &Client,
    id: &RunId,
    retry: RetryOptions,
    options: ApplyOptions,
) -> Result<ApplyRun<Accounts>, JournalError> {
    retry_run::<Accounts>(client, id, retry, options).await
}

async fn start<T: Engine>(
    client: &Client,
    plan: T::Plan,
    options: ApplyOptions,
) -> Result<ApplyRun<T>, JournalError> {
    let header = header::<T>(client, &plan, None, options.revert_of.clone());
    let journal = create::<T>(&options, &header, T::entries(&plan)).await?;
    let jobs = T::entries(&plan)
        .iter()
        .filter(|e| T::sends(e))
        .cloned()
        .map(Job::Fresh)
        .collect();
    Ok(launch(
        client,
        header.id,
        T::table(plan),
        jobs,
        Vec::new(),
        journal,
        options,
    ))
}

async fn resume<T: Engine>(
    client: &Client,
    id: &RunId,
    options: ApplyOptions,
) -> Result<ApplyRun<T>, JournalError> {
    let runs = options.journal.clone().ok_or(JournalError::NoJournal)?;
    let (writer, record) = take_over::<T>(&runs, id).await?;
    if let Err(error) = check_resumable(&record, client) {
        // Unlocked before the refusal is heard: a retry right after finds
        // the run free.
        let _ = writer.close().await;
        return Err(error);
    }
    writer
        .write(&Line::Resumed {
            at: unix_now(),
            pid: std::process::id(),
        })
        .await?;
    let mut earlier: Vec<T::Result> = Vec::new();
    let mut jobs = VecDeque::new();
    let table = record.table();
    let audited = audited_outcomes(&options, &record).await;
    for entry in T::entries(&record.plan) {
        let key = T::entry_id(entry);
        if let Some(result) = record.outcomes.get(key) {
            earlier.push(result.clone());
            continue;
        }
        if !T::sends(entry) {
            continue;
        }
        if record.in_flight.iter().any(|k| k == key) {
            let mut sent = record.last_sent.get(key).cloned().unwrap_or_default();
            audited.settle(&mut sent);
            if sent.never_left {
                jobs.push_back(Job::Fresh(entry.clone()));
            } else {
                jobs.push_back(Job::Interrupted(entry.clone(), sent));
            }
        } else {
            jobs.push_back(Job::Fresh(entry.clone()));
        }
    }
    Ok(launch(
        client,
        id.clone(),
        table,
        jobs,
        earlier,
        Some(writer),
        options,
    ))
}

async fn retry_run<T: Engine>(
    client: &Client,
    id: &RunId,
    retry: RetryOptions,
    options: ApplyOptions,
) -> Result<ApplyRun<T>, JournalError> {
    let runs = options.journal.clone().ok_or(JournalError::NoJournal)?;
    let (source, record) = take_over::<T>(&runs, id).await?;
    if let Err(error) = check_retryable(&runs, &record) {
        let _ = source.close().await;
        return Err(error);
    }
    let change = T::change(&record.plan).clone();
    let table = record.table();
    let mut entries: Vec<T::Entry> = if retry.unknown_on_purpose {
        Vec::new()
    } else {
        T::with_outcome(&table, true, OutcomeKind::Failed)
    };
    if retry.unknown_on_purpose || (retry.include_unknown && T::idempotent(&change)) {
        entries.extend(
            T::with_outcome(&table, false, OutcomeKind::Unknown)
                .into_iter()
                .map(T::unread),
        );
    }
    if entries.is_empty() {
        let _ = source.close().await;
        return Err(JournalError::NothingToRetry(id.to_string()));
    }
    let plan = T::plan(change, entries);
    let header = header::<T>(client, &plan, Some(id.clone()), None);
    // The source says it was retried before the retry exists: a crash in
    // between leaves a retry that never started, which a new retry replaces.
    source
        .write(&Line::Retried {
            by: header.id.clone(),
            at: unix_now(),
        })
        .await?;
    drop(source);
    let journal = create::<T>(&options, &header, T::entries(&plan)).await?;
    let jobs = T::entries(&plan).iter().cloned().map(Job::Fresh).collect();
    Ok(launch(
        client,
        header.id,
        T::table(plan),
        jobs,
        Vec::new(),
        journal,
        options,
    ))
}

/// What the audit log says of the intents of the zones in flight.
#[derive(Debug, Default)]
struct Audited {
    /// Intent id -> its outcome, for the intents the log has.
    found: HashMap<String, Option<Verdict>>,
    /// Whether the log is whole since the run began (read without error, its
    /// oldest record older than the run): only then does a missing intent
    /// prove that its PATCH never left.
    whole: bool,
}

impl Audited {
    /// Fills what the log says of `sent` in.
    fn settle(&self, sent: &mut SentLine) {
        let Some(id) = &sent.audit else { return };
        match self.found.get(id) {
            Some(outcome) => sent.audited = outcome.clone(),
            None => sent.never_left = self.whole,
        }
    }
}

/// Reads the audit log for the intents of the zones in flight: a process
/// killed after a reply and before its journal line left the outcome there;
/// one killed between a `sending` line and its intent never sent the PATCH.
async fn audited_outcomes<T: RunTarget>(options: &ApplyOptions, record: &RunRecord<T>) -> Audited {
    let Some(audit) = options.audit.clone() else {
        return Audited::default();
    };
    let wanted: HashSet<String> = record
        .in_flight
        .iter()
        .filter_map(|zone| record.last_sent.get(zone)?.audit.clone())
        .collect();
    if wanted.is_empty() {
        return Audited::default();
    }
    let since = record.header.created_at;
    tokio::task::spawn_blocking(move || {
        let report = audit.read(&Filter::default());
        let unreadable = report
            .warnings
            .iter()
            .any(|w| matches!(w.problem, Problem::Unreadable { .. }));
        let oldest = report.entries.last().map(|e| e.time.unix_timestamp());
        // An audit log deleted by hand is not foreseen: it is append-only.
        let kept_all = audit.path().exists() && !audit.may_have_dropped();
        let whole = !unreadable && (kept_all || oldest.is_some_and(|t| t <= since as i64));
        let found = report
            .entries
            .into_iter()
            .filter(|entry| wanted.contains(&entry.id))
            .map(|entry| (entry.id, entry.outcome.map(|r| r.outcome.result)))
            .collect();
        Audited { found, whole }
    })
    .await
    .unwrap_or_default()
}

fn header<T: RunTarget>(
    client: &Client,
    plan: &T::Plan,
    retry_of: Option<RunId>,
    revert_of: Option<RunId>,
) -> RunHeaderOf<T> {
    let entries = T::entries(plan);
    RunHeaderOf {
        format: JOURNAL_FORMAT,
        id: RunId::new(),
        created_at: unix_now(),
        api: api_of(client.base_url()),
        change: T::change(plan).clone(),
        zones: entries.len(),
        to_send: entries.iter().filter(|e| T::sends(e)).count(),
        retry_of,
        revert_of,
    }
}

async fn create<T: RunTarget>(
    options: &ApplyOptions,
    header: &RunHeaderOf<T>,
    entries: &[T::Entry],
) -> Result<Option<JournalWriter<T>>, JournalError> {
    let Some(runs) = options.journal.clone() else {
        return Ok(None);
    };
    let (header, entries) = (header.clone(), entries.to_vec());
    tokio::task::spawn_blocking(move || JournalWriter::create(&runs, &header, &entries))
        .await
        .map_err(|e| JournalError::Write {
            path: PathBuf::new(),
            detail: e.to_string(),
        })?
        .map(Some)
}

/// Locks run `id`'s journal for this process, then reads it.
async fn take_over<T: RunTarget>(
    runs: &RunsDir,
    id: &RunId,
) -> Result<(JournalWriter<T>, RunRecord<T>), JournalError> {
    let (runs, id) = (runs.clone(), id.clone());
    tokio::task::spawn_blocking(move || {
        let writer = JournalWriter::<T>::reopen_as(&runs, &id)?;
        match runs.load_as::<T>(&id) {
            Ok(record) => Ok((writer, record)),
            Err(error) => {
                // Unlocked before the refusal is heard.
                let _ = futures::executor::block_on(writer.close());
                Err(error)
            }
        }
    })
    .await
    .map_err(|e| JournalError::Write {
        path: PathBuf::new(),
        detail: e.to_string(),
    })?
}

/// A journal that does not add up is refused whole, naming its first
/// faulty line.
pub fn check_sound<T: RunTarget>(record: &RunRecord<T>) -> Result<(), JournalError> {
    match record.faults.first() {
        Some(fault) => Err(JournalError::Tampered {
            path: fault.file.clone(),
            line: fault.line,
            problem: fault.problem.clone(),
        }),
        None => Ok(()),
    }
}

fn check_retryable<T: RunTarget>(
    runs: &RunsDir,
    record: &RunRecord<T>,
) -> Result<(), JournalError> {
    check_sound(record)?;
    let id = &record.header.id;
    if record.finished.is_none() {
        return Err(JournalError::Unfinished(id.to_string()));
    }
    if let Some(by) = &record.retried_by
        && runs.path(by).exists()
    {
        return Err(JournalError::AlreadyRetried {
            id: id.to_string(),
            by: by.to_string(),
        });
    }
    Ok(())
}

fn check_resumable<T: RunTarget>(
    record: &RunRecord<T>,
    client: &Client,
) -> Result<(), JournalError> {
    check_sound(record)?;
    let id = record.header.id.to_string();
    if !record.plan_complete {
        return Err(JournalError::NoPlan(id));
    }
    if let Some(state @ (RunState::Complete | RunState::Cancelled)) = &record.finished {
        return Err(JournalError::Finished {
            id,
            state: state.word().to_owned(),
        });
    }
    let api = api_of(client.base_url());
    if record.header.api != api {
        return Err(JournalError::Incompatible {
            id,
            why: format!("it ran against {}, not {api}", record.header.api),
        });
    }
    Ok(())
}

fn launch<T: Engine>(
    client: &Client,
    run: RunId,
    table: T::Table,
    jobs: VecDeque<Job<T>>,
    earlier: Vec<T::Result>,
    journal: Option<JournalWriter<T>>,
    options: ApplyOptions,
) -> ApplyRun<T> {
    let client = client.bulk();
    let pacer = client.pacer_config();
    let bulk_slots = ((pacer.max_in_flight as f64 * (1.0 - pacer.bulk_reserve)) as usize).max(1);
    let concurrency = options.concurrency.unwrap_or(bulk_slots).max(1);
    let (control, watched) = watch::channel(Control::default());
    let (events, receiver) = mpsc::unbounded_channel();
    let journal_path = journal.as_ref().map(|j| j.path().to_owned());
    let change = T::change(T::table_plan(&table)).clone();
    let shared = Shared {
        change,
        origin: Origin::bulk(run.as_str(), options.command.clone()),
        run: run.clone(),
        client,
        journal,
        audit: options.audit,
        max_row_age: options.max_row_age,
        rate_limited_retries: options.rate_limited_retries,
        control: watched,
        calls: AtomicU64::new(0),
        gated: AtomicUsize::new(0),
        writing: AtomicUsize::new(0),
    };
    let runner = Runner {
        shared: Arc::new(shared),
        events,
        table,
        concurrency,
        earlier,
    };
    tokio::spawn(runner.run(jobs));
    ApplyRun {
        events: receiver,
        control: ApplyControl(Arc::new(control)),
        run,
        journal: journal_path,
    }
}

/// The outcomes of a run that are `kind`, from its journal (e.g. the
/// unknown zones, for the admin to check).
pub fn outcomes_of(record: &RunRecord, kind: OutcomeKind) -> Vec<ZoneResult> {
    record
        .plan
        .entries
        .iter()
        .filter_map(|e| record.outcomes.get(&e.zone.id))
        .filter(|r| r.outcome.kind() == kind)
        .cloned()
        .collect()
}
