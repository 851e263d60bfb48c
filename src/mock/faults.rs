//! Misbehaviour on request: latency, injected 5xx (JSON or edge HTML) and a
//! fixed-window rate limit. Decided before any handler runs, so an injected
//! failure never changes state.
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;

use super::auth::rate_limit_key;
use super::envelope::ApiError;

/// `--rate-limit N/DURATION`: at most `requests` per credential per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window.
    pub requests: u32,
    /// The window length.
    pub per: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = || format!("{text:?} is not N/DURATION, e.g. 100/10s");
        let (count, window) = text.split_once('/').ok_or_else(usage)?;
        let requests: u32 = count.trim().parse().map_err(|_| usage())?;
        let window = window.trim();
        // "100/s" reads as "100 per 1s".
        let window = if window.starts_with(|c: char| c.is_ascii_digit()) {
            window.to_owned()
        } else {
            format!("1{window}")
        };
        let per = humantime::parse_duration(&window).map_err(|_| usage())?;
        if requests == 0 || per.is_zero() {
            return Err(format!(
                "{text:?}: both the count and the duration must be above zero"
            ));
        }
        Ok(Self { requests, per })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            self.requests,
            humantime::format_duration(self.per)
        )
    }
}

/// The fault settings of a running mock and the rate-limit counters.
pub(crate) struct Faults {
    /// Added to every request, ±25 %.
    latency: Option<Duration>,
    /// Probability of an injected 5xx.
    fail_rate: f64,
    /// The limit, when on.
    rate_limit: Option<RateLimit>,
    /// Credential -> (window start, requests in it).
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Faults {
    /// Fault injection as configured.
    pub fn new(latency: Option<Duration>, fail_rate: f64, rate_limit: Option<RateLimit>) -> Self {
        Self {
            latency,
            fail_rate: fail_rate.clamp(0.0, 1.0),
            rate_limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Waits the configured latency, then returns the failure to answer
    /// instead of running the handler, if any.
    pub async fn before(&self, headers: &HeaderMap) -> Option<Response> {
        if let Some(latency) = self.latency {
            let factor = rand::rng().random_range(0.75..=1.25);
            tokio::time::sleep(latency.mul_f64(factor)).await;
        }
        if let Some(retry_after) = self.over_limit(headers) {
            let response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                1015,
                "You are being rate limited",
            )
            .header(header::RETRY_AFTER, &retry_after.to_string());
            return Some(response.into_response());
        }
        if self.fail_rate > 0.0 && rand::rng().random_bool(self.fail_rate) {
            return Some(injected_failure());
        }
        None
    }

    /// Counts the request; Some(seconds to wait) when it is over the limit.
    fn over_limit(&self, headers: &HeaderMap) -> Option<u64> {
        let limit = self.rate_limit?;
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.per);
        }
        let (start, count) = windows.entry(rate_limit_key(headers)).or_insert((now, 0));
        if now.duration_since(*start) >= limit.per {
            *start = now;
            *count = 0;
        }
        *count += 1;
        if *count <= limit.requests {
            return None;
        }
        let left = limit.per.saturating_sub(now.duration_since(*start));
        Some(left.as_secs_f64().ceil().max(1.0) as u64)
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

    #[test]
    fn rate_limit_parses_counts_and_durations() {
        let limit: RateLimit = "100/10s".parse().unwrap();
        assert_eq!(
            limit,
            RateLimit {
                requests: 100,
                per: Duration::from_secs(10)
            }
        );
        assert_eq!(
            "5/s".parse::<RateLimit>().unwrap().per,
            Duration::from_secs(1)
        );
        assert_eq!(
            "3/250ms".parse::<RateLimit>().unwrap().per,
            Duration::from_millis(250)
        );
        for bad in ["", "100", "x/10s", "0/1s", "5/0s", "5/banana"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_window_refuses_the_request_after_the_limit() {
        let faults = Faults::new(
            None,
            0.0,
            Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(60),
            }),
        );
        let headers = HeaderMap::new();
        assert_eq!(faults.over_limit(&headers), None);
        assert_eq!(faults.over_limit(&headers), None);
        let wait = faults.over_limit(&headers).unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
    }
}
