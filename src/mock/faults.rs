//! Misbehaviour on request: latency, injected 5xx (JSON or edge HTML), the
//! rate limit (`rate_limit.rs`) and a forced lock-out. Decided before any
//! handler runs, so an injected failure never changes state. Set at
//! start-up by the flags and changed at run time by `POST /__mock/faults`.
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::auth::rate_limit_key;
use super::envelope::{ApiError, Info, pointer_segment};
use super::rate_limit::{Budget, RateLimit, Windows, ceil_secs};
use super::state::format_time;

/// The largest `latency_ms` that `POST /__mock/faults` accepts (10 minutes).
const MAX_LATENCY_MS: u64 = 600_000;
/// The longest `lock_out` that `POST /__mock/faults` accepts.
const MAX_LOCK_OUT: Duration = Duration::from_secs(3600);

/// What faults are on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FaultSettings {
    /// Added to every request, ±25 %.
    pub latency: Option<Duration>,
    /// Probability of an injected 5xx, 0..=1.
    pub fail_rate: f64,
    /// The limit, when on.
    pub rate_limit: Option<RateLimit>,
    /// Every API request is refused with 429 until then, when set.
    pub lock_out: Option<LockOut>,
}

/// A forced lock-out, as when the web dashboard has spent the shared budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LockOut {
    /// When it ends.
    pub until: Instant,
    /// The same moment on the wall clock, for `GET /__mock/faults`.
    pub until_wall: OffsetDateTime,
}

impl LockOut {
    /// A lock-out of `length` from now.
    fn lasting(length: Duration) -> Self {
        Self {
            until: Instant::now() + length,
            until_wall: OffsetDateTime::now_utc() + length,
        }
    }

    /// How long it still lasts at `now`; None once it is over.
    fn left(&self, now: Instant) -> Option<Duration> {
        let left = self.until.saturating_duration_since(now);
        (!left.is_zero()).then_some(left)
    }
}

impl FaultSettings {
    /// The JSON of `GET|POST /__mock/faults`; a lock-out shows when it
    /// ends and the seconds left (rounded up), or null once over.
    pub fn to_json(self) -> Value {
        let lock_out = self.lock_out.and_then(|lock| {
            let left = lock.left(Instant::now())?;
            Some(json!({
                "until": format_time(lock.until_wall),
                "seconds_left": ceil_secs(left),
            }))
        });
        json!({
            "fail_rate": self.fail_rate,
            "latency_ms": self.latency.map_or(0, |l| u64::try_from(l.as_millis()).unwrap_or(u64::MAX)),
            "rate_limit": self.rate_limit.map(|limit| limit.to_string()),
            "lock_out": lock_out,
        })
    }

    /// These settings changed by a `POST /__mock/faults` body: a missing
    /// field is kept; every problem is reported at once (400, code 1007).
    pub fn updated(mut self, body: &Map<String, Value>) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        for (key, value) in body {
            let pointer = format!("/{}", pointer_segment(key));
            match (key.as_str(), value) {
                ("fail_rate", Value::Number(n))
                    if n.as_f64().is_some_and(|f| (0.0..=1.0).contains(&f)) =>
                {
                    self.fail_rate = n.as_f64().unwrap_or_default();
                }
                ("fail_rate", _) => errors.push(Info::invalid(
                    pointer,
                    "fail_rate must be a number from 0 to 1",
                )),
                ("latency_ms", Value::Null) => self.latency = None,
                ("latency_ms", Value::Number(n))
                    if n.as_u64().is_some_and(|ms| ms <= MAX_LATENCY_MS) =>
                {
                    let ms = n.as_u64().unwrap_or_default();
                    self.latency = (ms > 0).then(|| Duration::from_millis(ms));
                }
                ("latency_ms", _) => errors.push(Info::invalid(
                    pointer,
                    format!("latency_ms must be a whole number of milliseconds from 0 to {MAX_LATENCY_MS} (0 or null = none)"),
                )),
                ("rate_limit", Value::Null) => self.rate_limit = None,
                ("rate_limit", Value::String(text)) => match text.parse() {
                    Ok(limit) => self.rate_limit = Some(limit),
                    Err(problem) => errors.push(Info::invalid(
                        pointer,
                        format!("rate_limit: {problem} (or null = no limit)"),
                    )),
                },
                ("rate_limit", _) => errors.push(Info::invalid(
                    pointer,
                    "rate_limit must be \"N/DURATION\", e.g. \"100/10s\", \"cloudflare\", or null",
                )),
                ("lock_out", Value::Null) => self.lock_out = None,
                ("lock_out", Value::String(text)) => match humantime::parse_duration(text) {
                    Ok(length) if length.is_zero() => self.lock_out = None,
                    Ok(length) if length <= MAX_LOCK_OUT => {
                        self.lock_out = Some(LockOut::lasting(length));
                    }
                    _ => errors.push(Info::invalid(
                        pointer,
                        format!("lock_out must be a duration up to 1h, e.g. \"30s\" (\"0s\" or null = none), got {:?}", super::ids::clip(text)),
                    )),
                },
                ("lock_out", _) => errors.push(Info::invalid(
                    pointer,
                    "lock_out must be a duration string up to 1h, e.g. \"30s\", or null",
                )),
                _ => errors.push(Info::invalid(
                    pointer,
                    format!("unknown field {:?}: the fields are fail_rate, latency_ms, rate_limit and lock_out", super::ids::clip(key)),
                )),
            }
        }
        ApiError::unless_invalid(self, errors)
    }
}

/// The fault settings of a running mock and the rate-limit counters.
pub(crate) struct Faults {
    /// What is on now; copied by every request before it is decided.
    settings: Mutex<FaultSettings>,
    /// The open window of every credential.
    windows: Mutex<Windows>,
}

/// What the faults decided for one request.
pub(crate) struct Decision {
    /// The answer to send instead of running the handler, if any.
    pub refused: Option<Response>,
    /// Headers every answer to this request carries (the rate limit's).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Faults {
    /// Fault injection as configured.
    pub fn new(latency: Option<Duration>, fail_rate: f64, rate_limit: Option<RateLimit>) -> Self {
        Self {
            settings: Mutex::new(FaultSettings {
                latency,
                fail_rate: fail_rate.clamp(0.0, 1.0),
                rate_limit,
                lock_out: None,
            }),
            windows: Mutex::new(Windows::default()),
        }
    }

    /// The current settings.
    pub fn settings(&self) -> FaultSettings {
        *self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies a `POST /__mock/faults` body atomically, for the requests
    /// that arrive from now on; returns the new settings. A changed rate
    /// limit starts every credential's window afresh.
    pub fn update(&self, body: &Map<String, Value>) -> Result<FaultSettings, ApiError> {
        let mut settings = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        let new = settings.updated(body)?;
        if settings.rate_limit != new.rate_limit {
            self.windows
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
        *settings = new;
        Ok(new)
    }

    /// The configured latency, ±25%: waited after the handler has run (see
    /// [`super::routes`]), so a write whose client goes away meanwhile is
    /// kept, as a real server keeps it.
    pub fn latency(&self) -> Option<Duration> {
        let latency = self.settings().latency?;
        let factor = rand::rng().random_range(0.75..=1.25);
        Some(Duration::try_from_secs_f64(latency.as_secs_f64() * factor).unwrap_or(latency))
    }

    /// Decides: a lock-out refuses the request (uncounted); else it is
    /// counted against the rate limit and refused when over it; else it may
    /// get an injected 5xx.
    pub fn before(&self, headers: &HeaderMap) -> Decision {
        let settings = self.settings();
        let now = Instant::now();
        let budget = if let Some(left) = settings.lock_out.and_then(|lock| lock.left(now)) {
            Some(Budget::locked_out(
                settings.rate_limit.unwrap_or(RateLimit::CLOUDFLARE),
                left,
            ))
        } else {
            settings.rate_limit.map(|limit| {
                self.windows
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .count(limit, rate_limit_key(headers), now)
            })
        };
        // The headers describe a configured limit; a lock-out without one
        // only says when to come back.
        let limit_headers = match (settings.rate_limit, budget) {
            (Some(_), Some(budget)) => budget.headers().into_iter().collect(),
            _ => Vec::new(),
        };
        let refused = match budget {
            Some(budget) if budget.over => Some(
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    1015,
                    "You are being rate limited",
                )
                .header(header::RETRY_AFTER, &budget.reset_secs.to_string())
                .into_response(),
            ),
            _ if settings.fail_rate > 0.0 && rand::rng().random_bool(settings.fail_rate) => {
                Some(injected_failure())
            }
            _ => None,
        };
        Decision {
            refused,
            headers: limit_headers,
        }
    }
}

/// Half JSON 500 envelopes, half HTML pages as Cloudflare's edge sends them.
fn injected_failure() -> Response {
    match rand::rng().random_range(0..4) {
        0 | 1 => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            10002,
            "Internal server error",
        )
        .into_response(),
        2 => edge_page(
            StatusCode::BAD_GATEWAY,
            "502: Bad gateway",
            "The web server reported a bad gateway error.",
        ),
        _ => edge_page(
            StatusCode::from_u16(520).unwrap_or(StatusCode::BAD_GATEWAY),
            "520: Web server is returning an unknown error",
            "There is an unknown connection issue between Cloudflare and the origin web server.",
        ),
    }
}

fn edge_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>{title} | Cloudflare</title></head>\n\
         <body><h1>{title}</h1><p>{detail}</p><p>Cloudflare Ray ID: 8e1f0c2a9b3d4e5f</p></body></html>\n"
    );
    let mut response = (status, Html(page)).into_response();
    response.headers_mut().insert(
        header::SERVER,
        header::HeaderValue::from_static("cloudflare"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn an_update_keeps_missing_fields_and_rejects_bad_ones_whole() {
        let start = Faults::new(Some(Duration::from_millis(5)), 0.5, None).settings();
        let next = start
            .updated(&object(json!({"fail_rate": 1, "rate_limit": "3/250ms"})))
            .unwrap();
        assert_eq!(next.fail_rate, 1.0);
        assert_eq!(next.latency, Some(Duration::from_millis(5)));
        assert_eq!(
            next.to_json(),
            json!({"fail_rate": 1.0, "latency_ms": 5, "rate_limit": "3/250ms", "lock_out": null})
        );
        let off = next
            .updated(&object(json!({"latency_ms": 0, "rate_limit": null})))
            .unwrap();
        assert_eq!((off.latency, off.rate_limit), (None, None));
        let err = start
            .updated(&object(
                json!({"fail_rate": 2, "latency_ms": -1, "rate_limit": "x", "failrate": 1, "lock_out": "2h"}),
            ))
            .unwrap_err();
        let pointers = err.pointers();
        assert_eq!(pointers.len(), 5, "{pointers:?}");
    }
}
