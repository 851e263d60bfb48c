//! Request bodies: read with a size limit and a time limit, parsed as a
//! JSON object, and the small field checks that CSAM and DLP validation
//! share.
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use super::envelope::{ApiError, Info};

/// The largest body accepted.
const LIMIT: usize = 1 << 20;

/// Error code (status 408): the body did not arrive in time.
pub(crate) const BODY_TIMEOUT: u32 = 1408;
/// Error code (status 415): a body without `Content-Type: application/json`.
pub(crate) const NOT_JSON_TYPE: u32 = 1415;

/// Reads the body, at most `timeout` long, and parses it as a JSON object;
/// anything else is 6007, a body still arriving after `timeout` is 408
/// (and the connection is closed), and a body that is not declared
/// `Content-Type: application/json` is 415, whatever it holds.
pub(crate) async fn json_object(
    headers: &HeaderMap,
    body: Body,
    timeout: Duration,
) -> Result<Map<String, Value>, ApiError> {
    let read = axum::body::to_bytes(body, LIMIT);
    let bytes = tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                BODY_TIMEOUT,
                format!(
                    "Request timeout: the body did not arrive within {}",
                    humantime::format_duration(timeout)
                ),
            )
            .header(header::CONNECTION, "close")
        })?
        .map_err(|_| {
            ApiError::malformed_json("the body could not be read or is larger than 1 MiB")
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed_json(
            "the body is empty; send a JSON object",
        ));
    }
    if !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            NOT_JSON_TYPE,
            "Unsupported media type: send the JSON body with Content-Type: application/json",
        ));
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::malformed_json("the body must be a JSON object")),
        Err(e) => Err(ApiError::malformed_json(e)),
    }
}

/// Whether the request says its body is `application/json` (any case,
/// parameters such as `charset` allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A boolean field: Ok(None) when absent (or null, if `nullable`).
pub(crate) fn optional_bool(
    object: &Map<String, Value>,
    key: &str,
    pointer: &str,
    nullable: bool,
    errors: &mut Vec<Info>,
) -> Option<bool> {
    match object.get(key) {
        None => None,
        Some(Value::Null) if nullable => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            let or_null = if nullable { " (or null)" } else { "" };
            errors.push(Info::invalid(
                pointer,
                format!("{key} must be true or false{or_null}"),
            ));
            None
        }
    }
}
