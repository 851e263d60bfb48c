//! The `/__mock/*` endpoints (no auth) that let tests and demos look behind
//! the API: the outbox, the raw state, the request log, email verification,
//! reset and the fault settings.
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::body::json_object;
use super::envelope::ApiError;
use super::ids::{IdPath, clip};
use super::routes::Shared;
use super::state::{EmailState, State as MockState};

/// How many requests the log keeps; older ones are dropped first.
const LOG_CAPACITY: usize = 10_000;

/// One `/client/v4` request the mock answered.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path, `/client/v4` included.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The status answered (injected faults included).
    pub status: u16,
}

/// The most recent `/client/v4` requests, oldest first.
#[derive(Default)]
pub(crate) struct RequestLog(Mutex<VecDeque<LoggedRequest>>);

impl RequestLog {
    /// Appends a request, dropping the oldest past the capacity.
    pub fn push(&self, entry: LoggedRequest) {
        let mut log = self.lock();
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }

    fn snapshot(&self) -> Vec<LoggedRequest> {
        self.lock().iter().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn clear(&self) {
        self.lock().clear();
    }
}

/// `GET /__mock/outbox`: every email "sent", oldest first.
pub(crate) async fn outbox(State(mock): State<Shared>) -> Response {
    Json(mock.store.read(|state| state.outbox.clone()).await).into_response()
}

/// `GET /__mock/state`: the raw state, real emails included.
pub(crate) async fn state(State(mock): State<Shared>) -> Response {
    Json(mock.store.read(MockState::clone).await).into_response()
}

/// `GET /__mock/requests`: the request log.
pub(crate) async fn requests(State(mock): State<Shared>) -> Response {
    Json(mock.requests.snapshot()).into_response()
}

/// `POST /__mock/reset`: back to the loaded data; clears outbox and log.
pub(crate) async fn reset(State(mock): State<Shared>) -> Result<Response, ApiError> {
    let fresh = mock.store.reset().await?;
    mock.requests.clear();
    Ok(Json(fresh).into_response())
}

/// `GET /__mock/faults`: the fault settings now in force.
pub(crate) async fn faults(State(mock): State<Shared>) -> Response {
    Json(mock.faults.settings().to_json()).into_response()
}

/// `POST /__mock/faults`: changes the given fault settings (missing fields
/// are kept) for every request from now on; answers the settings now in
/// force. A bad body is a 400 envelope and changes nothing.
pub(crate) async fn set_faults(
    State(mock): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = json_object(&headers, body, mock.body_timeout).await?;
    let next = mock.faults.update(&body)?;
    tracing::info!(faults = %next.to_json(), "mock faults changed");
    Ok(Json(next.to_json()).into_response())
}

/// `POST /__mock/zones/{zone_id}/verify-email`: the recipient "clicks the link".
pub(crate) async fn verify_email(
    State(mock): State<Shared>,
    zone_id: IdPath,
) -> Result<Response, ApiError> {
    let id = zone_id.map(|Path(id)| id).unwrap_or_default();
    let setting = mock
        .store
        .write(|draft| {
            let setting = draft.zone_mut(&id).ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    1001,
                    format!("Zone not found: {:?}", clip(&id)),
                )
            })?;
            setting.email_state = EmailState::Valid;
            setting.pending_since = None;
            Ok(setting.clone())
        })
        .await?;
    Ok(
        Json(json!({ "zone_id": id, "email": setting.email, "email_state": setting.email_state }))
            .into_response(),
    )
}
