//! Turning an HTTP answer into a [`Reply`] or an [`ApiError`], whatever the
//! server sent: envelopes, bare JSON, HTML error pages, empty bodies.

use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::call::Call;
use super::client::Reply;
use super::error::{ApiError, Failure};
use super::model::{Envelope, ResponseInfo};
use super::text::{LOCATION_MAX, MESSAGE_MAX, Secrets, one_line_scrubbed, snippet};

/// Decodes one answer to `call`. Every text in it is scrubbed of `secrets`
/// before anything is kept: the result's strings, the envelope's messages,
/// an excerpt of a non-JSON body, and what a decode error quotes.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    call: &Call<'_>,
    retry_after: Option<Duration>,
    secrets: &Secrets<'_>,
) -> Result<Reply<T>, ApiError> {
    let code = status.as_u16();
    let request = call.request();
    let classify = |status: u16, errors: &[ResponseInfo]| {
        Failure {
            status,
            errors,
            retry_after,
            locked_on_403: call.locked_on_403,
            request: &request,
        }
        .classify()
    };
    let decode_error = |detail: String| ApiError::Decode {
        status: code,
        detail: one_line_scrubbed(&detail, MESSAGE_MAX, secrets),
    };
    // The JSON is read as a value first, so a secret hidden behind JSON
    // escapes is scrubbed as the string it decodes to.
    let mut value = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => value,
        Err(_) if !status.is_success() && body.iter().all(u8::is_ascii_whitespace) => {
            return Err(classify(code, &[]));
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = secrets.scrub(&text).map_or(text, Into::into);
            return Err(ApiError::NonJson {
                status: code,
                snippet: secrets.replace(snippet(&text)),
            });
        }
    };
    secrets.scrub_value(&mut value);
    let envelope: Envelope<serde_json::Value> = match serde_json::from_value(value) {
        Ok(envelope) => envelope,
        Err(_) if !status.is_success() => return Err(classify(code, &[])),
        Err(error) => return Err(decode_error(format!("not a Cloudflare envelope: {error}"))),
    };
    if !status.is_success() {
        return Err(classify(code, &envelope.errors));
    }
    if !envelope.success {
        return Err(classify(400, &envelope.errors));
    }
    let value = envelope.result.unwrap_or(serde_json::Value::Null);
    let result = serde_json::from_value(value)
        .map_err(|e| decode_error(format!("the result did not fit: {e}")))?;
    Ok(Reply {
        result,
        messages: envelope.messages,
        result_info: envelope.result_info,
    })
}

/// Where a redirect pointed, safe to show: resolved against the request,
/// without user info, query or fragment (they may hold secrets), clipped.
pub(crate) fn redirect_target(
    request: &Url,
    headers: &reqwest::header::HeaderMap,
    secrets: &Secrets<'_>,
) -> String {
    let Some(value) = headers.get(reqwest::header::LOCATION) else {
        return "nowhere (no Location header)".to_owned();
    };
    let Ok(text) = value.to_str() else {
        return "an unreadable Location".to_owned();
    };
    let shown = match request.join(text) {
        Ok(mut target) => {
            target.set_query(None);
            target.set_fragment(None);
            let _ = target.set_username("");
            let _ = target.set_password(None);
            target.to_string()
        }
        Err(_) => text.split(['?', '#']).next().unwrap_or_default().to_owned(),
    };
    one_line_scrubbed(&shown, LOCATION_MAX, secrets)
}

/// The root cause's text, e.g. "Connection refused (os error 111)".
pub(crate) fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::call::{self, Call};
    use crate::api::model::CsamSetting;

    fn get() -> Call<'static> {
        Call::new(reqwest::Method::GET, call::CSAM, &["z"])
    }

    #[test]
    fn a_redirect_target_is_shown_without_secrets() {
        let request = Url::parse("http://127.0.0.1:9/client/v4/zones").unwrap();
        let target = |location: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                reqwest::header::LOCATION,
                reqwest::header::HeaderValue::from_str(location).unwrap(),
            );
            redirect_target(&request, &headers, &Secrets::new([]))
        };
        assert_eq!(
            target("https://u:pw@evil.example/x?key=s3cret#f"),
            "https://evil.example/x"
        );
        assert_eq!(target("/login?next=1"), "http://127.0.0.1:9/login");
        assert!(target(&format!("https://e.example/{}", "a".repeat(500))).ends_with('…'));
        let none = redirect_target(
            &request,
            &reqwest::header::HeaderMap::new(),
            &Secrets::new([]),
        );
        assert!(none.contains("no Location"));
    }

    #[test]
    fn every_text_of_an_answer_is_scrubbed_of_the_secret() {
        let secrets = Secrets::new(["tok1", "t"]);
        let escaped =
            br#"{"success":false,"errors":[{"code":1,"message":"bad t\u006fk1; t\u200bok1 at"}]}"#;
        let err = decode::<CsamSetting>(StatusCode::BAD_REQUEST, escaped, &get(), None, &secrets)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "rejected by Cloudflare (1): bad [redacted]; [redacted] at"
        );
        let html = b"<title>echo tok1</title>";
        let err = decode::<CsamSetting>(StatusCode::BAD_GATEWAY, html, &get(), None, &secrets)
            .unwrap_err();
        assert!(!err.to_string().contains("tok1"), "{err}");
        let noted = br#"{"success":true,"messages":[{"code":1,"message":"tok1"}],"result":{"value":{"email":"tok1@x.example"}}}"#;
        let ok = decode::<CsamSetting>(StatusCode::OK, noted, &get(), None, &secrets).unwrap();
        assert!(!format!("{ok:?}").contains("tok1"), "{ok:?}");
        let bad = br#"{"success":true,"result":{"value":{"enabled":"tok1"}}}"#;
        let err = decode::<CsamSetting>(StatusCode::OK, bad, &get(), None, &secrets).unwrap_err();
        assert!(!err.to_string().contains("tok1"), "{err}");
    }

    #[test]
    fn decode_tells_non_json_from_envelopes() {
        let html = b"<html><head><title>502 Bad Gateway</title></head></html>";
        let err = decode::<CsamSetting>(
            StatusCode::BAD_GATEWAY,
            html,
            &get(),
            None,
            &Secrets::new([]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            ApiError::NonJson {
                status: 502,
                snippet: "502 Bad Gateway".into()
            }
        );
        let err = decode::<CsamSetting>(StatusCode::OK, b"[1,2]", &get(), None, &Secrets::new([]))
            .unwrap_err();
        assert!(matches!(err, ApiError::Decode { status: 200, .. }));
        let err = decode::<CsamSetting>(
            StatusCode::OK,
            b"{\"success\":true,\"result\":{\"value\":5}}",
            &get(),
            None,
            &Secrets::new([]),
        )
        .unwrap_err();
        assert!(matches!(err, ApiError::Decode { .. }));
        let ok = decode::<CsamSetting>(
            StatusCode::OK,
            b"{\"success\":true,\"errors\":null,\"result\":{\"value\":{}}}",
            &get(),
            None,
            &Secrets::new([]),
        )
        .unwrap();
        assert_eq!(ok.result, CsamSetting::default());
        let empty = decode::<CsamSetting>(
            StatusCode::OK,
            b"{\"success\":true,\"errors\":null,\"result\":{}}",
            &get(),
            None,
            &Secrets::new([]),
        )
        .unwrap_err();
        assert!(
            matches!(&empty, ApiError::Decode { status: 200, detail } if detail.contains("no value object")),
            "{empty:?}"
        );
        let empty = decode::<crate::api::model::DlpSettings>(
            StatusCode::OK,
            b"{\"success\":true,\"result\":{}}",
            &get(),
            None,
            &Secrets::new([]),
        )
        .unwrap_err();
        assert_eq!(
            empty.to_string(),
            "unexpected answer (HTTP 200): the result did not fit: the DLP settings lack required ai_context_analysis, ocr, payload_logging (missing or null)"
        );
    }
}
