//! Cloudflare's response envelope, and `ApiError`, the one failure type every
//! handler returns so that no error ever leaves without an envelope.
use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::ids::clip_to;

/// The most characters of a request path that an error message quotes.
const PATH_ECHO_LIMIT: usize = 120;

/// A `ResponseInfo`: one entry of `errors` or `messages`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Info {
    /// Always >= 1000.
    pub code: u32,
    /// A sentence a person can act on.
    pub message: String,
    /// The JSON pointer into the request body that the entry is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// `ResponseInfo.source`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Source {
    /// RFC 6901 pointer, e.g. `/value/email`.
    pub pointer: String,
}

impl Info {
    /// An entry without a pointer.
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            source: None,
        }
    }

    /// A validation error (code 1007) about the body field at `pointer`.
    pub fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: 1007,
            message: message.into(),
            source: Some(Source {
                pointer: pointer.into(),
            }),
        }
    }
}

/// A failed request: status, at least one error, extra headers.
#[derive(Debug)]
pub(crate) struct ApiError {
    /// The HTTP status (4xx or 5xx).
    pub status: StatusCode,
    /// The envelope's `errors`; never empty.
    pub errors: Vec<Info>,
    /// Headers such as `Allow` or `Retry-After`.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// A failure with one error.
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self::many(status, vec![Info::new(code, message)])
    }

    /// A failure with several errors.
    pub fn many(status: StatusCode, errors: Vec<Info>) -> Self {
        Self {
            status,
            errors,
            headers: Vec::new(),
        }
    }

    /// `value` when `errors` is empty, else 400 with every one of them: a
    /// body's checks report all their problems at once.
    pub fn unless_invalid<T>(value: T, errors: Vec<Info>) -> Result<T, Self> {
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(Self::many(StatusCode::BAD_REQUEST, errors))
        }
    }

    /// The JSON pointers of the errors, in order (for tests).
    #[cfg(test)]
    pub fn pointers(&self) -> Vec<&str> {
        self.errors
            .iter()
            .map(|e| e.source.as_ref().map_or("", |s| s.pointer.as_str()))
            .collect()
    }

    /// Adds another error after the first.
    pub fn and(mut self, code: u32, message: impl Into<String>) -> Self {
        self.errors.push(Info::new(code, message));
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    /// The same failure with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Cloudflare's answer for a path it cannot route, or an unknown object;
    /// a long path is quoted clipped.
    pub fn no_route(path: &str) -> Self {
        Self::unroutable(path).and(7000, "No route for that URI")
    }

    /// 404 7003 alone, the first error of every "not found" (the caller
    /// adds the second); a long path is quoted clipped.
    pub fn unroutable(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            7003,
            format!(
                "Could not route to {}, perhaps your object identifier is invalid?",
                clip_to(path, PATH_ECHO_LIMIT)
            ),
        )
    }

    /// A body that is not JSON (or not an object, or too large).
    pub fn malformed_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            6007,
            format!("Malformed JSON in request body: {detail}"),
        )
    }

    /// 405 for a method the path does not declare.
    pub fn method_not_allowed(allow: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            7001,
            "Method not allowed for this route",
        )
        .header(header::ALLOW, allow)
    }

    /// An unexpected server-side failure (e.g. the state file cannot be written).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            10002,
            format!("Internal server error: {detail}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "success": false,
            "errors": self.errors,
            "messages": [],
            "result": Value::Null,
        });
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().extend(self.headers);
        response
    }
}

/// A success envelope; fields in name order, as a JSON map writes them.
#[derive(Serialize)]
struct Success<R> {
    /// Always empty.
    errors: [(); 0],
    /// Notes about what was done.
    messages: Vec<Info>,
    /// The object or list.
    result: R,
    /// Paging of a list; absent for one object.
    #[serde(skip_serializing_if = "Option::is_none")]
    result_info: Option<Value>,
    /// Always true.
    success: bool,
}

/// A success envelope around `result`, with optional `messages`. `result`
/// goes through a JSON map, so its keys come out in name order whatever
/// order its type declares them in.
pub(crate) fn success(result: impl Serialize, messages: Vec<Info>) -> Response {
    Json(Success {
        errors: [],
        messages,
        result: serde_json::to_value(result).unwrap_or_default(),
        result_info: None,
        success: true,
    })
    .into_response()
}

/// A success envelope for a paginated list. The page is written straight
/// out, not made a JSON tree first (for 50 zones that was a few hundred
/// kilobytes of short-lived nodes): its items must write their keys in name
/// order themselves, as `Value`s and [`ZoneObject`]s do.
///
/// [`ZoneObject`]: super::objects::ZoneObject
pub(crate) fn success_list(result: impl Serialize, result_info: Value) -> Response {
    Json(Success {
        errors: [],
        messages: Vec::new(),
        result,
        result_info: Some(result_info),
        success: true,
    })
    .into_response()
}

/// RFC 6901 escaping of one pointer segment.
pub(crate) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
