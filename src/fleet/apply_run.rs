//! The task of a bulk run: zones taken `concurrency` at a time, each read
//! again when its row must be (never read, or old for a change that
//! re-reads old rows: see [`Change::rereads_old_rows`]), then — unless paused or cancelled — audited,
//! journaled and sent, its outcome journaled and audited.
//!
//! Per zone, in this order: (1) a re-read if needed, cancellable; (2) the
//! wait while paused and for rate-limit budget, cancellable; (3) the
//! journal's `sending` line, on disk; (4) the audit intent, right before
//! (5) the PATCH; (6) the audit outcome and the journal's `outcome` line.
//! From (3) on nothing cancels the zone: a write once begun runs to its
//! outcome. A kill between (3) and (4) leaves a `sending` line without an
//! intent: the resume settles it like any write in flight (never by sending
//! a non-idempotent change again), so no audit intent ever lacks its send.
//!
//! A zone in flight at an interruption is settled from a re-read: an
//! idempotent change seen applied is done (recorded as applied, never as
//! skipped); one not seen applied is sent again. A change that mails (a new
//! email, a re-send) is never sent again: its `email_state` gone `pending`
//! since the `sending` line's is evidence that it landed (done); anything
//! else leaves it unknown, for the admin (`fleet resume RUN
//! --resend-unknown` sends those on purpose). Either way the interrupted
//! write's audit intent gets its outcome.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tracing::{info, warn};

use super::apply_audit::{record_intent, record_outcome};
use super::apply_event::{ApplyEnd, ApplyEvent, ApplyProgress, ApplyStart, RunState, StopReason};
use super::event::{PROGRESS_EVERY, estimate_eta};
use super::journal::{JournalWriter, Line, RunId};
use super::journal_read::SentLine;
use super::run_target::RunTarget;
use super::table::unix_now;
use super::zone_outcome::OutcomeKind;
use crate::api::model::EmailState;
use crate::api::{ApiError, Client, Reply};
use crate::audit::{AuditLog, Intent, Origin, Outcome, Verdict};

/// Pause and cancel, as the handle sets them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Control {
    /// No new zone is started.
    pub paused: bool,
    /// No new zone is started, ever; the run ends once those begun end.
    pub cancelled: bool,
    /// Like `cancelled`, but the run ends unfinished (resumable): the
    /// process is going away (a quit, a signal).
    pub interrupted: bool,
}

impl Control {
    /// No new request may be sent.
    fn stops(self) -> bool {
        self.cancelled || self.interrupted
    }
}

/// What the run loop asks of a kind of target: the points where zones and
/// accounts differ. Everything else — the order of a write's records, the
/// pause and budget gate, requeues after a 429, the journal — is the loop's.
pub(crate) trait Engine: RunTarget {
    /// What a read and a write answer.
    type Setting: Send + Sync;

    /// (1) Reads the target again when it must be (never read, too old, its
    /// write interrupted) and replans it from the read; `Err` when it is
    /// settled without sending. `bool`: the entry changed.
    fn prepare(
        shared: &Shared<Self>,
        job: Job<Self>,
    ) -> impl Future<Output = Result<(Self::Entry, bool), TaskEnd<Self>>> + Send;

    /// The audit intent of the entry's write.
    fn intent(shared: &Shared<Self>, entry: &Self::Entry) -> Intent;

    /// What the `sending` line records of the target before the write.
    fn before(entry: &Self::Entry) -> Option<EmailState>;

    /// (5) The write.
    fn write(
        shared: &Shared<Self>,
        entry: &Self::Entry,
    ) -> impl Future<Output = Result<Reply<Self::Setting>, ApiError>> + Send;

    /// The audit outcome of a write's answer.
    fn audit_outcome(result: &Result<Reply<Self::Setting>, ApiError>) -> Outcome;

    /// The outcome of a write's answer and the settings it showed.
    fn classify(
        shared: &Shared<Self>,
        entry: &Self::Entry,
        result: &Result<Reply<Self::Setting>, ApiError>,
    ) -> (Self::Outcome, Option<Self::State>);
}

/// One target to work on.
#[derive(Debug, Clone)]
pub(crate) enum Job<T: RunTarget> {
    /// Not sent yet.
    Fresh(T::Entry),
    /// Its request was in flight when a process stopped: read it again, and
    /// send it again only if the change is idempotent and the re-read shows
    /// it unsettled.
    Interrupted(T::Entry, SentLine),
}

/// What every target's task shares.
pub(crate) struct Shared<T: RunTarget> {
    /// Bulk priority.
    pub client: Client,
    /// The change.
    pub change: T::Change,
    /// The run.
    pub run: RunId,
    /// The journal, unless the run keeps none.
    pub journal: Option<JournalWriter<T>>,
    /// The audit log, unless the run keeps none.
    pub audit: Option<AuditLog>,
    /// Who sends (bulk, with the run id).
    pub origin: Origin,
    /// Rows older than this are read again.
    pub max_row_age: Duration,
    /// Requeues of a call still rate limited after the client's retries.
    pub rate_limited_retries: u32,
    /// Pause and cancel.
    pub control: watch::Receiver<Control>,
    /// API calls finished.
    pub calls: AtomicU64,
    /// Zones past the budget gate whose PATCH has not been handed to the
    /// pacer yet: the gate counts them as spent.
    pub gated: AtomicUsize,
    /// Zones whose write has begun and has no outcome yet.
    pub writing: AtomicUsize,
}

/// How one target's task ended.
pub(crate) enum TaskEnd<T: RunTarget> {
    /// An outcome, and the entry as it stands (replanned when `replanned`).
    Outcome {
        entry: T::Entry,
        replanned: bool,
        outcome: T::Outcome,
        state: Option<T::State>,
    },
    /// Stopped before anything was sent: the zone is left.
    Left,
    /// The run's records failed; nothing more may be sent (this zone was not).
    Stop { reason: StopReason },
}

/// The run's state, owned by its task.
pub(crate) struct Runner<T: Engine> {
    /// What the targets' tasks share.
    pub shared: Arc<Shared<T>>,
    /// Where events go.
    pub events: mpsc::UnboundedSender<ApplyEvent<T>>,
    /// The plan and every outcome.
    pub table: T::Table,
    /// Targets at once.
    pub concurrency: usize,
    /// Outcomes recorded before this process began (a resumed run).
    pub earlier: Vec<T::Result>,
}

/// Counters of this process's work.
struct Tally {
    started: Instant,
    last_progress: Option<Instant>,
    total: usize,
    done: usize,
    failed: usize,
    unknown: usize,
    paused: bool,
}

impl<T: Engine> Runner<T> {
    pub(crate) async fn run(mut self, mut jobs: VecDeque<Job<T>>) {
        let mut tally = Tally {
            started: Instant::now(),
            last_progress: None,
            total: jobs.len(),
            done: 0,
            failed: 0,
            unknown: 0,
            paused: false,
        };
        let earlier = std::mem::take(&mut self.earlier);
        self.send(ApplyEvent::Started(ApplyStart {
            run: self.shared.run.clone(),
            at: unix_now(),
            zones: T::entries(T::table_plan(&self.table)).len(),
            to_do: jobs.len(),
            earlier,
        }));
        let mut control = self.shared.control.clone();
        let mut control_gone = false;
        let events = self.events.clone();
        let mut end: Option<RunState> = None;
        let mut pending = FuturesUnordered::new();
        loop {
            let now = *control.borrow_and_update();
            if now.paused != tally.paused && end.is_none() {
                tally.paused = now.paused;
                self.send(if now.paused {
                    ApplyEvent::Paused
                } else {
                    ApplyEvent::Resumed
                });
                self.progress(&mut tally, true);
            }
            // Checked before the closed channel: a process that quits says so
            // first, and its run stays resumable.
            if now.interrupted && end.is_none() {
                end = Some(RunState::Stopped(StopReason::Interrupted));
            }
            if (now.cancelled || self.events.is_closed()) && end.is_none() {
                end = Some(RunState::Cancelled);
            }
            while end.is_none() && !now.paused && pending.len() < self.concurrency {
                let Some(job) = jobs.pop_front() else { break };
                pending.push(zone_task(self.shared.clone(), job));
            }
            if pending.is_empty() && (jobs.is_empty() || end.is_some()) {
                break;
            }
            let due = tally
                .last_progress
                .map_or(Instant::now(), |at| at + PROGRESS_EVERY);
            tokio::select! {
                biased;
                Some(task) = pending.next() => self.finish_task(task, &mut tally, &mut end),
                changed = control.changed(), if !control_gone => control_gone = changed.is_err(),
                () = events.closed(), if end.is_none() => {}
                () = tokio::time::sleep_until(due), if !pending.is_empty() && !tally.paused => {
                    self.progress(&mut tally, false);
                }
            }
        }
        self.progress(&mut tally, true);
        let state = end.unwrap_or(RunState::Complete);
        if let Some(journal) = &self.shared.journal {
            if !matches!(state, RunState::Stopped(_)) {
                journal.queue(&Line::Finished {
                    at: unix_now(),
                    state: state.clone(),
                });
            }
            if let Err(error) = journal.close().await {
                warn!("{error}");
            }
        }
        let summary = T::summary(&self.table);
        let calls = self.shared.calls.load(Ordering::Relaxed);
        info!(
            run = %self.shared.run,
            target = T::KIND.word(),
            state = state.word(),
            ?summary,
            calls,
            "bulk run ended"
        );
        self.send(ApplyEvent::Finished(ApplyEnd {
            run: self.shared.run.clone(),
            state,
            summary,
            calls,
            elapsed: tally.started.elapsed(),
        }));
    }

    fn finish_task(&mut self, task: TaskEnd<T>, tally: &mut Tally, end: &mut Option<RunState>) {
        let (entry, replanned, outcome, state) = match task {
            TaskEnd::Left => return,
            TaskEnd::Stop { reason } => {
                if end.is_none() || *end == Some(RunState::Cancelled) {
                    *end = Some(RunState::Stopped(reason));
                }
                return;
            }
            TaskEnd::Outcome {
                entry,
                replanned,
                outcome,
                state,
            } => (entry, replanned, outcome, state),
        };
        if replanned {
            T::replan(&mut self.table, entry.clone());
            self.send(ApplyEvent::Replanned(entry.clone()));
        }
        tally.done += 1;
        match T::kind(&outcome) {
            OutcomeKind::Failed => tally.failed += 1,
            OutcomeKind::Unknown => tally.unknown += 1,
            _ => {}
        }
        let result = T::result(&entry, outcome, unix_now(), state);
        T::record(&mut self.table, &result);
        self.send(ApplyEvent::Zone(result));
        // While paused, say at once when the last write in flight is done.
        self.progress(tally, tally.paused);
    }

    fn progress(&self, tally: &mut Tally, now: bool) {
        let due = tally
            .last_progress
            .is_none_or(|last| last.elapsed() >= PROGRESS_EVERY);
        if !(now || due) {
            return;
        }
        tally.last_progress = Some(Instant::now());
        let elapsed = tally.started.elapsed();
        let calls = self.shared.calls.load(Ordering::Relaxed);
        let per_second = if elapsed.is_zero() {
            0.0
        } else {
            calls as f64 / elapsed.as_secs_f64()
        };
        let budget = self.shared.client.budget();
        let reserve = self.shared.client.pacer_config().bulk_reserve;
        let left = tally.total.saturating_sub(tally.done);
        self.send(ApplyEvent::Progress(ApplyProgress {
            done: tally.done,
            total: tally.total,
            failed: tally.failed,
            unknown: tally.unknown,
            in_flight: self.shared.writing.load(Ordering::Relaxed),
            calls,
            per_second,
            eta: estimate_eta(left, per_second, &budget, reserve),
            budget,
            elapsed,
            paused: tally.paused,
        }));
    }

    fn send(&self, event: ApplyEvent<T>) {
        // A closed channel cancels the run (see the loop).
        let _ = self.events.send(event);
    }
}

async fn zone_task<T: Engine>(shared: Arc<Shared<T>>, job: Job<T>) -> TaskEnd<T> {
    let mut control = shared.control.clone();
    let cancelled = async {
        if control.wait_for(|c| c.stops()).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    // Dropping `prepare` on a cancel drops its re-read and its waits: only
    // reads were sent.
    let prepared = tokio::select! {
        biased;
        () = cancelled => return TaskEnd::Left,
        prepared = T::prepare(&shared, job) => prepared,
    };
    match prepared {
        Err(end) => {
            if let TaskEnd::Outcome {
                entry,
                outcome,
                state,
                ..
            } = &end
            {
                journal_outcome(&shared, entry, outcome, state.as_ref());
            }
            end
        }
        Ok((entry, replanned)) => send(&shared, entry, replanned).await,
    }
}

/// Queues a target's outcome line: on disk before any later `sending` line.
fn journal_outcome<T: RunTarget>(
    shared: &Shared<T>,
    entry: &T::Entry,
    outcome: &T::Outcome,
    state: Option<&T::State>,
) {
    if let Some(journal) = &shared.journal {
        journal.queue(&Line::Outcome {
            zone: T::entry_id(entry).to_owned(),
            at: unix_now(),
            outcome: outcome.clone(),
            state: state.cloned(),
        });
    }
}

/// The audit outcome of a write in flight at an interruption that a re-read
/// could not settle.
pub(crate) fn unknown_after_interruption() -> Outcome {
    Outcome {
        result: Verdict::Unknown,
        status: None,
        after: None,
        errors: Vec::new(),
        messages: Vec::new(),
        error: Some(
            "the run was interrupted with this write in flight, and a re-read could not tell whether it landed"
                .to_owned(),
        ),
    }
}

/// A read, queued again while it is rate limited.
pub(crate) async fn reread<T: RunTarget, R, F, Fut>(
    shared: &Shared<T>,
    read: F,
) -> Result<Reply<R>, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Reply<R>, ApiError>>,
{
    let mut left = shared.rate_limited_retries;
    loop {
        let result = read().await;
        shared.calls.fetch_add(1, Ordering::Relaxed);
        match result {
            Err(ApiError::RateLimited { .. }) if left > 0 => left -= 1,
            result => return result,
        }
    }
}

/// Waits while paused, then for the bulk budget to have room (so that a
/// zone marked `sending` in the journal is sent at once, not after minutes
/// in the pacer's queue); returns the gate's hold, released when the PATCH
/// is handed to the pacer. `None`: cancelled meanwhile.
async fn wait_to_send<T: RunTarget>(shared: &Shared<T>) -> Option<GateHold<'_>> {
    let mut control = shared.control.clone();
    let mut budget = shared.client.budget_watch();
    let reserve_share = shared.client.pacer_config().bulk_reserve;
    // Once the handle is dropped nothing can resume the run: a pause then no
    // longer holds it, and its channel is not waited on (it would not wait).
    let mut handle_gone = false;
    loop {
        let now = *control.borrow_and_update();
        if now.stops() {
            return None;
        }
        if now.paused && !handle_gone {
            handle_gone = control.wait_for(|c| !c.paused || c.stops()).await.is_err();
            continue;
        }
        let now = shared.client.budget();
        let reserve = (f64::from(now.quota) * reserve_share - 1e-6).ceil() as u64;
        let queued = now.waiting_bulk as u64 + shared.gated.load(Ordering::Relaxed) as u64;
        if now.blocked_for.is_none() && u64::from(now.remaining) > reserve + queued {
            shared.gated.fetch_add(1, Ordering::Relaxed);
            return Some(GateHold(&shared.gated));
        }
        let wait = now
            .blocked_for
            .unwrap_or(now.resets_in)
            .clamp(Duration::from_millis(10), Duration::from_secs(1));
        tokio::select! {
            _ = budget.changed() => {}
            changed = control.changed(), if !handle_gone => handle_gone = changed.is_err(),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// A zone counted as in flight from its audit intent to its outcome.
struct Writing<'a>(&'a AtomicUsize);

impl<'a> Writing<'a> {
    fn begin(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count)
    }
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A zone counted as spending budget until its PATCH reaches the pacer.
struct GateHold<'a>(&'a AtomicUsize);

impl Drop for GateHold<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Journals, audits and sends the write (again after a 429, which the
/// server did not apply), then records its outcome.
async fn send<T: Engine>(shared: &Shared<T>, entry: T::Entry, replanned: bool) -> TaskEnd<T> {
    let mut requeues = shared.rate_limited_retries;
    loop {
        let Some(hold) = wait_to_send(shared).await else {
            return TaskEnd::Left;
        };
        let _writing = Writing::begin(&shared.writing);
        let intent = shared.audit.as_ref().map(|audit| {
            let intent = T::intent(shared, &entry);
            (audit, audit.pending(&intent), intent)
        });
        if let Some(journal) = &shared.journal {
            let line = Line::Sending {
                zone: T::entry_id(&entry).to_owned(),
                at: unix_now(),
                before: T::before(&entry),
                audit: intent.as_ref().map(|(_, pending, _)| pending.id.clone()),
            };
            if let Err(error) = journal.write(&line).await {
                return TaskEnd::Stop {
                    reason: StopReason::Journal {
                        detail: error.to_string(),
                    },
                };
            }
        }
        let pending = match intent {
            Some((audit, pending, intent)) => match record_intent(audit, pending, intent).await {
                Ok(pending) => Some((audit, pending)),
                Err(detail) => {
                    // Journaled as sending, but never sent: said so, so that
                    // a resume sends it instead of taking it for a write in
                    // flight.
                    if let Some(journal) = &shared.journal {
                        journal.queue(&Line::Unsent {
                            zone: T::entry_id(&entry).to_owned(),
                            at: unix_now(),
                        });
                    }
                    return TaskEnd::Stop {
                        reason: StopReason::Audit { detail },
                    };
                }
            },
            None => None,
        };
        // From here the request may reach the server: it runs to its reply.
        let call = T::write(shared, &entry);
        drop(hold);
        let result = call.await;
        shared.calls.fetch_add(1, Ordering::Relaxed);
        if let Some((audit, pending)) = pending {
            record_outcome(audit, pending, T::audit_outcome(&result)).await;
        }
        if matches!(result, Err(ApiError::RateLimited { .. })) && requeues > 0 {
            requeues -= 1;
            continue;
        }
        let (outcome, state) = T::classify(shared, &entry, &result);
        journal_outcome(shared, &entry, &outcome, state.as_ref());
        return TaskEnd::Outcome {
            entry,
            replanned,
            outcome,
            state,
        };
    }
}
