//! The router: every path and method, the `/client/v4` middleware (request
//! log, faults) and the guard that turns any non-envelope error into one.
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use super::data::DemoData;
use super::envelope::ApiError;
use super::faults::Faults;
use super::mock_only::{LoggedRequest, RequestLog};
use super::setting;
use super::state::{CsamSetting, DlpSettings};
use super::store::Store;
use super::{csam, discovery, dlp, mock_only};

/// Everything a request handler can reach.
pub(crate) struct Mock {
    /// The loaded demo data (read-only).
    pub data: DemoData,
    /// The mutable state.
    pub store: Store,
    /// Fault injection settings and counters.
    pub faults: Faults,
    /// The `/client/v4` requests served.
    pub requests: RequestLog,
    /// How long a request body may take to arrive once its headers have.
    pub body_timeout: Duration,
}

/// The handlers' shared state.
pub(crate) type Shared = Arc<Mock>;

/// The API prefix, as in `https://api.cloudflare.com/client/v4`.
pub(crate) const API_PREFIX: &str = "/client/v4";

/// The complete router of the mock.
pub(crate) fn router(mock: Shared) -> Router {
    let api = |path: &str| format!("{API_PREFIX}{path}");
    Router::new()
        .route(&api("/zones"), declared(get(discovery::list_zones), "GET"))
        .route(
            &api("/zones/{zone_id}"),
            declared(get(discovery::get_zone), "GET"),
        )
        .route(
            &api("/zones/{zone_id}/settings/csam_scanner_third_party"),
            declared(
                get(setting::get::<CsamSetting>).patch(csam::patch_setting),
                "GET, PATCH",
            ),
        )
        .route(
            &api("/accounts"),
            declared(get(discovery::list_accounts), "GET"),
        )
        .route(
            &api("/accounts/{account_id}"),
            declared(get(discovery::get_account), "GET"),
        )
        .route(
            &api("/accounts/{account_id}/dlp/settings"),
            declared(
                get(setting::get::<DlpSettings>)
                    .put(dlp::put_or_patch_settings)
                    .patch(dlp::put_or_patch_settings)
                    .delete(dlp::delete_settings),
                "GET, PUT, PATCH, DELETE",
            ),
        )
        .route(
            &api("/user/tokens/verify"),
            declared(get(discovery::verify_user_token), "GET"),
        )
        .route(
            &api("/accounts/{account_id}/tokens/verify"),
            declared(get(discovery::verify_account_token), "GET"),
        )
        .route("/__mock/outbox", declared(get(mock_only::outbox), "GET"))
        .route("/__mock/state", declared(get(mock_only::state), "GET"))
        .route(
            "/__mock/requests",
            declared(get(mock_only::requests), "GET"),
        )
        .route("/__mock/reset", declared(post(mock_only::reset), "POST"))
        .route(
            "/__mock/faults",
            declared(
                get(mock_only::faults).post(mock_only::set_faults),
                "GET, POST",
            ),
        )
        .route(
            "/__mock/zones/{zone_id}/verify-email",
            declared(post(mock_only::verify_email), "POST"),
        )
        .fallback(no_route)
        .layer(middleware::from_fn(envelope_guard))
        .layer(middleware::from_fn_with_state(Arc::clone(&mock), client_v4))
        .with_state(mock)
}

/// Answers 405 with `Allow` for every method a path does not declare,
/// HEAD included (axum would otherwise answer HEAD with the GET handler).
fn declared(methods: MethodRouter<Shared>, allow: &'static str) -> MethodRouter<Shared> {
    let refuse = move || async move { ApiError::method_not_allowed(allow) };
    methods.head(refuse).fallback(refuse)
}

async fn no_route(uri: Uri) -> ApiError {
    ApiError::no_route(api_relative(uri.path()))
}

/// The path as Cloudflare quotes it in errors: without `/client/v4`.
fn api_relative(path: &str) -> &str {
    path.strip_prefix(API_PREFIX)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(path)
}

/// Logs every `/client/v4` request and injects faults before the handler.
async fn client_v4(State(mock): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path != API_PREFIX && !path.starts_with(&format!("{API_PREFIX}/")) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().map(str::to_owned);
    let decision = mock.faults.before(request.headers());
    let latency = mock.faults.latency();
    // On a task of its own, applied and logged before the wait: a client
    // that goes away (killed during the latency, or even while its write is
    // being saved) cannot cancel a write the server has begun, as on a real
    // server.
    let served = tokio::spawn(async move {
        let mut response = match decision.refused {
            Some(refused) => refused,
            None => next.run(request).await,
        };
        response.headers_mut().extend(decision.headers);
        let status = response.status().as_u16();
        tracing::debug!(%method, %path, status, "mock request");
        mock.requests.push(LoggedRequest {
            method,
            path,
            query,
            status,
        });
        response
    });
    let response = match served.await {
        Ok(response) => response,
        Err(_) => ApiError::internal("the request's handler failed".to_owned()).into_response(),
    };
    if let Some(latency) = latency {
        tokio::time::sleep(latency).await;
    }
    response
}

/// Turns any error response that is not already a JSON envelope (axum's own
/// rejections, a 405 without body) into one, keeping its `Allow` header.
async fn envelope_guard(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::no_route(api_relative(&path)),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, 7001, "Method not allowed for this route")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::malformed_json("the body is larger than allowed")
        }
        s if s.is_server_error() => ApiError::internal(text),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            6007,
            format!("Bad request: {text}"),
        ),
    };
    let mut response = error.into_response();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}
