//! The long-lived API worker: takes requests over a channel, runs each as its
//! own task, and answers with the request's id so the caller can drop stale
//! replies. Loads can be cancelled; writes always run to completion.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::client::{Client, Reply, ZoneQuery};
use super::error::ApiError;
use super::model::{
    Account, CsamPatch, CsamSetting, DlpSettings, DlpUpdate, TokenVerification, Zone,
};
use super::retry::RetryNotice;

/// Identifies one request; ids are never reused within a run.
pub type RequestId = u64;

/// A request for the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// Echoed in the response.
    pub id: RequestId,
    /// What to do.
    pub op: ApiOp,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiOp {
    /// `GET /user/tokens/verify`.
    VerifyToken,
    /// `GET /accounts/{account_id}/tokens/verify`, for an account-owned token.
    VerifyAccountToken {
        /// The account that owns the token.
        account_id: String,
    },
    /// `GET /accounts`.
    ListAccounts {
        /// 1-based page.
        page: u32,
        /// 5..=50.
        per_page: u32,
    },
    /// `GET /accounts/{account_id}`.
    GetAccount {
        /// The account.
        account_id: String,
    },
    /// `GET /zones`.
    ListZones(ZoneQuery),
    /// `GET /zones/{zone_id}`.
    GetZone {
        /// The zone.
        zone_id: String,
    },
    /// `GET` a zone's CSAM Scanner setting.
    GetCsam {
        /// The zone.
        zone_id: String,
    },
    /// `PATCH` a zone's CSAM Scanner setting.
    PatchCsam {
        /// The zone.
        zone_id: String,
        /// Only the changed fields.
        patch: CsamPatch,
    },
    /// `GET` an account's DLP settings.
    GetDlp {
        /// The account.
        account_id: String,
    },
    /// `PUT` an account's DLP settings.
    PutDlp {
        /// The account.
        account_id: String,
        /// The full new settings.
        update: DlpUpdate,
    },
    /// `PATCH` an account's DLP settings.
    PatchDlp {
        /// The account.
        account_id: String,
        /// Only the changed fields.
        update: DlpUpdate,
    },
    /// `DELETE` an account's DLP settings (reset to defaults).
    ResetDlp {
        /// The account.
        account_id: String,
    },
}

impl ApiOp {
    /// True for operations that change something on the server.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Self::PatchCsam { .. }
                | Self::PutDlp { .. }
                | Self::PatchDlp { .. }
                | Self::ResetDlp { .. }
        )
    }
}

/// What a successful operation returned.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiOutput {
    /// From `VerifyToken`.
    Token(Reply<TokenVerification>),
    /// From `ListAccounts`.
    Accounts(Reply<Vec<Account>>),
    /// From `GetAccount`.
    Account(Reply<Account>),
    /// From `ListZones`.
    Zones(Reply<Vec<Zone>>),
    /// From `GetZone`.
    Zone(Reply<Zone>),
    /// From `GetCsam` and `PatchCsam`.
    Csam(Reply<CsamSetting>),
    /// From the DLP operations.
    Dlp(Reply<DlpSettings>),
}

/// The worker's answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    /// The request's id.
    pub id: RequestId,
    /// The outcome.
    pub result: Result<ApiOutput, ApiError>,
}

/// What the worker reports on its response channel.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "each event moves once through a channel; the reducer's Msg boxes the reply"
)]
pub enum ApiEvent {
    /// A request finished: its one and only answer.
    Reply(ApiResponse),
    /// A request failed and will be tried again after `wait`; sent right
    /// before the client waits, always before the request's `Reply`.
    Retrying {
        /// The request's id.
        id: RequestId,
        /// The attempt that follows the wait: 2 for the first retry.
        attempt: u32,
        /// How long the client waits first.
        wait: Duration,
        /// Why the last attempt failed (a 429 says "rate limited").
        error: ApiError,
    },
}

/// Messages into the worker.
#[derive(Debug)]
enum Job {
    Run(ApiRequest),
    Refuse(RequestId, ApiError),
    Cancel(RequestId),
    Finished(RequestId),
}

/// The app's side of the worker.
#[derive(Debug)]
pub struct Worker {
    jobs: mpsc::UnboundedSender<Job>,
    /// The client the requests go through (its clones share the pacer):
    /// for engines that send their own requests (the fleet scan).
    client: Client,
    /// Replies in the order they complete, and retry notices as they happen.
    pub responses: mpsc::UnboundedReceiver<ApiEvent>,
}

impl Worker {
    /// Starts the worker task on the current tokio runtime.
    pub fn spawn(client: Client) -> Self {
        let (jobs, job_rx) = mpsc::unbounded_channel();
        let (event_tx, responses) = mpsc::unbounded_channel();
        tokio::spawn(run(client.clone(), jobs.clone(), job_rx, event_tx));
        Self {
            jobs,
            client,
            responses,
        }
    }

    /// The client its requests go through, with the same pacer.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Queues a request; its response arrives on `responses`.
    pub fn send(&self, request: ApiRequest) {
        let _ = self.jobs.send(Job::Run(request));
    }

    /// Stops a load that is no longer wanted. Writes are not cancelled: once
    /// sent, the server may apply them, so their reply is always delivered.
    pub fn cancel(&self, id: RequestId) {
        let _ = self.jobs.send(Job::Cancel(id));
    }

    /// A handle that can queue requests from another task.
    pub fn handle(&self) -> WorkerHandle {
        WorkerHandle {
            jobs: self.jobs.clone(),
        }
    }
}

/// Queues requests into the worker from another task (e.g. once a write's
/// audit intent is on disk).
#[derive(Debug, Clone)]
pub struct WorkerHandle {
    jobs: mpsc::UnboundedSender<Job>,
}

impl WorkerHandle {
    /// Queues a request; its response arrives on the worker's `responses`.
    pub fn send(&self, request: ApiRequest) {
        let _ = self.jobs.send(Job::Run(request));
    }

    /// Answers request `id` with `error` without sending it.
    pub fn refuse(&self, id: RequestId, error: ApiError) {
        let _ = self.jobs.send(Job::Refuse(id, error));
    }
}

async fn run(
    client: Client,
    jobs: mpsc::UnboundedSender<Job>,
    mut job_rx: mpsc::UnboundedReceiver<Job>,
    events: mpsc::UnboundedSender<ApiEvent>,
) {
    let mut loads: HashMap<RequestId, AbortHandle> = HashMap::new();
    while let Some(job) = job_rx.recv().await {
        match job {
            Job::Run(ApiRequest { id, op }) => {
                let is_write = op.is_write();
                let notices = events.clone();
                let client = client.observed(move |notice: RetryNotice| {
                    let _ = notices.send(ApiEvent::Retrying {
                        id,
                        attempt: notice.attempt,
                        wait: notice.wait,
                        error: notice.error,
                    });
                });
                let events = events.clone();
                let done = jobs.clone();
                // Notices and the reply go out from this one task on one
                // channel, so a request's notices always precede its reply.
                let task = tokio::spawn(async move {
                    let result = execute(&client, op).await;
                    let _ = events.send(ApiEvent::Reply(ApiResponse { id, result }));
                    let _ = done.send(Job::Finished(id));
                });
                if !is_write {
                    loads.insert(id, task.abort_handle());
                }
            }
            Job::Refuse(id, error) => {
                let result = Err(error);
                let _ = events.send(ApiEvent::Reply(ApiResponse { id, result }));
            }
            Job::Cancel(id) => {
                if let Some(handle) = loads.remove(&id) {
                    handle.abort();
                }
            }
            Job::Finished(id) => {
                loads.remove(&id);
            }
        }
    }
    for handle in loads.into_values() {
        handle.abort();
    }
}

async fn execute(client: &Client, op: ApiOp) -> Result<ApiOutput, ApiError> {
    Ok(match op {
        ApiOp::VerifyToken => ApiOutput::Token(client.verify_token().await?),
        ApiOp::VerifyAccountToken { account_id } => {
            ApiOutput::Token(client.verify_account_token(&account_id).await?)
        }
        ApiOp::ListAccounts { page, per_page } => {
            ApiOutput::Accounts(client.list_accounts(page, per_page).await?)
        }
        ApiOp::GetAccount { account_id } => {
            ApiOutput::Account(client.get_account(&account_id).await?)
        }
        ApiOp::ListZones(query) => ApiOutput::Zones(client.list_zones(&query).await?),
        ApiOp::GetZone { zone_id } => ApiOutput::Zone(client.get_zone(&zone_id).await?),
        ApiOp::GetCsam { zone_id } => ApiOutput::Csam(client.get_csam(&zone_id).await?),
        ApiOp::PatchCsam { zone_id, patch } => {
            ApiOutput::Csam(client.patch_csam(&zone_id, &patch).await?)
        }
        ApiOp::GetDlp { account_id } => ApiOutput::Dlp(client.get_dlp(&account_id).await?),
        ApiOp::PutDlp { account_id, update } => {
            ApiOutput::Dlp(client.put_dlp(&account_id, &update).await?)
        }
        ApiOp::PatchDlp { account_id, update } => {
            ApiOutput::Dlp(client.patch_dlp(&account_id, &update).await?)
        }
        ApiOp::ResetDlp { account_id } => ApiOutput::Dlp(client.reset_dlp(&account_id).await?),
    })
}
