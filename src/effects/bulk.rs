//! Bulk runs for the dashboard: started, retried and resumed through the
//! worker's client (its pacer, as bulk work), journaled in the runs folder
//! and audited in the dashboard's audit log; their events come back as
//! messages. One run at a time; its controls stay here.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::api::Client;
use crate::audit::AuditLog;
use crate::fleet::{
    self, AccountPlan, ApplyControl, ApplyEvent, ApplyOptions, ApplyRun, JournalError, Plan,
    RetryOptions, RunId, RunTarget, RunsDir, api_of,
};
use crate::message::{FleetNews, Msg};

/// The controls of the run going, shared with the task that starts it.
#[derive(Debug, Clone, Default)]
pub struct RunSlot(Arc<Mutex<Option<ApplyControl>>>);

impl RunSlot {
    fn with(&self, f: impl FnOnce(&ApplyControl)) {
        if let Ok(slot) = self.0.lock()
            && let Some(control) = slot.as_ref()
        {
            f(control);
        }
    }

    /// See [`ApplyControl::pause`] and [`ApplyControl::resume`].
    pub fn pause(&self, paused: bool) {
        self.with(|c| if paused { c.pause() } else { c.resume() });
    }

    /// See [`ApplyControl::cancel`].
    pub fn stop(&self) {
        self.with(ApplyControl::cancel);
    }

    /// See [`ApplyControl::interrupt`].
    pub fn interrupt(&self) {
        self.with(ApplyControl::interrupt);
    }

    fn set(&self, control: ApplyControl) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(control);
        }
    }
}

/// How a run is begun.
pub enum Begin {
    /// A new plan.
    Start(Box<Plan>),
    /// The retryable failures of a finished run.
    Retry(RunId),
    /// An unfinished run, from its journal.
    Resume(RunId),
}

/// How an accounts run is begun.
pub enum AccountBegin {
    /// A new plan.
    Start(Box<AccountPlan>),
    /// The retryable failures of a finished run.
    Retry(RunId),
}

/// Where runs are kept and audited, and what to tell.
pub struct Runner {
    /// The bulk work's client.
    pub client: Client,
    /// The journal folder; `None`: no run can be made.
    pub runs: Option<RunsDir>,
    /// The audit log; `None` audits nothing (tests that do not look).
    pub audit: Option<AuditLog>,
    /// The controls of the run going.
    pub slot: RunSlot,
    /// Where the events go.
    pub sender: mpsc::UnboundedSender<Msg>,
}

fn news(sender: &mpsc::UnboundedSender<Msg>, news: FleetNews) -> bool {
    sender.send(Msg::Fleet(Box::new(news))).is_ok()
}

impl Runner {
    /// Begins a run off the loop; refused (nothing sent) when there is no
    /// journal folder or the journal cannot be written.
    pub fn begin(self, how: Begin) {
        let Some((runs, options)) = self.options(FleetNews::ApplyRefused) else {
            return;
        };
        tokio::spawn(async move {
            let started = match how {
                Begin::Start(plan) => fleet::start_apply(&self.client, *plan, options).await,
                Begin::Retry(id) => {
                    fleet::retry_apply(&self.client, &id, RetryOptions::default(), options).await
                }
                Begin::Resume(id) => {
                    let loaded = {
                        let (runs, id) = (runs.clone(), id.clone());
                        tokio::task::spawn_blocking(move || runs.load(&id)).await
                    };
                    match loaded {
                        Ok(Ok(record)) => {
                            news(&self.sender, FleetNews::Resuming(Box::new(record.table())));
                            fleet::resume_apply(&self.client, &id, options).await
                        }
                        Ok(Err(error)) => Err(error),
                        Err(error) => Err(JournalError::Read {
                            path: runs.path(&id),
                            detail: error.to_string(),
                        }),
                    }
                }
            };
            match started {
                Ok(run) => self.forward(run, FleetNews::Apply).await,
                Err(error) => {
                    news(
                        &self.sender,
                        FleetNews::ApplyRefused(format!("{error}; nothing was sent")),
                    );
                }
            }
        });
    }

    /// Begins an accounts run off the loop, refused as [`Runner::begin`]
    /// refuses one.
    pub fn begin_accounts(self, how: AccountBegin) {
        let Some((_, options)) = self.options(FleetNews::AccountApplyRefused) else {
            return;
        };
        tokio::spawn(async move {
            let started = match how {
                AccountBegin::Start(plan) => {
                    fleet::start_account_apply(&self.client, *plan, options).await
                }
                AccountBegin::Retry(id) => {
                    let retry = RetryOptions::default();
                    fleet::retry_account_apply(&self.client, &id, retry, options).await
                }
            };
            match started {
                Ok(run) => self.forward(run, FleetNews::AccountApply).await,
                Err(error) => {
                    news(
                        &self.sender,
                        FleetNews::AccountApplyRefused(format!("{error}; nothing was sent")),
                    );
                }
            }
        });
    }

    /// The options of a recorded run, or `None` (and `refused` told) when
    /// this session keeps no journal.
    fn options(&self, refused: fn(String) -> FleetNews) -> Option<(RunsDir, ApplyOptions)> {
        let Some(runs) = self.runs.clone() else {
            news(
                &self.sender,
                refused(
                    "this session keeps no journal of bulk runs, so none can be made; nothing was sent"
                        .to_owned(),
                ),
            );
            return None;
        };
        let options = ApplyOptions {
            journal: Some(runs.clone()),
            audit: self.audit.clone(),
            ..ApplyOptions::unrecorded()
        };
        Some((runs, options))
    }

    async fn forward<T: RunTarget>(
        self,
        mut run: ApplyRun<T>,
        wrap: fn(ApplyEvent<T>) -> FleetNews,
    ) {
        self.slot.set(run.control());
        while let Some(event) = run.next().await {
            if !news(&self.sender, wrap(event)) {
                // The dashboard is gone: the run stays resumable.
                run.control().interrupt();
                break;
            }
        }
    }
}

/// Reads the unfinished runs against `base_url` off the loop.
pub fn find_unfinished(runs: Option<RunsDir>, base_url: &str, sender: mpsc::UnboundedSender<Msg>) {
    let Some(runs) = runs else {
        return;
    };
    let api = api_of(base_url);
    tokio::task::spawn_blocking(move || {
        news(&sender, FleetNews::Unfinished(runs.unfinished(&api)));
    });
}
