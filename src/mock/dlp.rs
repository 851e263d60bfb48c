//! `GET|PUT|PATCH|DELETE /accounts/{account_id}/dlp/settings`: PUT replaces
//! (missing = default), PATCH merges (missing = kept), DELETE resets to the
//! values a new account starts with (not to the data file's values: that is
//! `/__mock/reset`). A `public_key` must be standard base64 of exactly 32
//! bytes (an X25519 key, what Cloudflare's key tool makes). On an account
//! without DLP (the data's `"dlp": null`) every method answers 403
//! [`NOT_AVAILABLE`] and changes nothing.
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;
use serde_json::{Map, Value};

use super::auth::Permission;
use super::body::{json_object, optional_bool};
use super::data::AccountData;
use super::draft::Draft;
use super::envelope::{ApiError, Info};
use super::ids::IdPath;
use super::routes::Shared;
use super::setting::{self, Setting};
use super::state::{DlpSettings, MaskingLevel, State as MockState, next_update_time, now};

/// PUT: full replacement (a missing or null field gets its default);
/// PATCH: partial update (a missing or null field keeps its value). (GET
/// is [`setting::get`].)
pub(crate) async fn put_or_patch_settings(
    State(mock): State<Shared>,
    account_id: IdPath,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let mode = if method == Method::PUT {
        Mode::Replace
    } else {
        Mode::Merge
    };
    write(mock, account_id, headers, Some(body), mode).await
}

/// DELETE: "reset to initial values", i.e. those of a new account
/// (`DlpSettings::defaults`, `updated_at` = now); returns them.
pub(crate) async fn delete_settings(
    State(mock): State<Shared>,
    account_id: IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    write(mock, account_id, headers, None, Mode::Reset).await
}

/// How a write treats the current settings.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// PUT.
    Replace,
    /// PATCH.
    Merge,
    /// DELETE.
    Reset,
}

async fn write(
    mock: Shared,
    account_id: IdPath,
    headers: HeaderMap,
    body: Option<Body>,
    mode: Mode,
) -> Result<Response, ApiError> {
    let account = setting::target_to_write::<DlpSettings>(&mock, &headers, account_id)?;
    let update = match body {
        Some(body) => parse_update(&json_object(&headers, body, mock.body_timeout).await?)?,
        None => Update::default(),
    };
    setting::write(&mock, account, |current: &mut DlpSettings, _mails| {
        let previous = current.payload_logging.updated_at.clone();
        *current = match mode {
            Mode::Reset => DlpSettings::defaults(),
            Mode::Replace => update.over(&DlpSettings::defaults()),
            Mode::Merge => update.over(current),
        };
        current.payload_logging.updated_at = next_update_time(&previous, now());
        Ok(Vec::new())
    })
    .await
}

impl Setting for DlpSettings {
    type Target = AccountData;
    const ROUTE: &'static str = "/accounts/{}/dlp/settings";
    const READ: Permission = Permission::ZeroTrustRead;
    const WRITE: Permission = Permission::ZeroTrustWrite;

    fn of<'s>(state: &'s MockState, id: &str) -> Option<&'s Self> {
        state.dlp.get(id)
    }

    fn of_mut<'d>(draft: &'d mut Draft<'_>, id: &str) -> Option<&'d mut Self> {
        draft.dlp_mut(id)
    }

    fn view(&self, _account: &AccountData) -> impl Serialize {
        self
    }

    fn available(account: &AccountData) -> Result<(), ApiError> {
        match account.dlp {
            Some(_) => Ok(()),
            None => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                NOT_AVAILABLE,
                "DLP is not available on this account: Zero Trust is not enabled",
            )),
        }
    }
}

/// The error code of a DLP request on an account without DLP (the client
/// tells "not available" by it).
pub(crate) const NOT_AVAILABLE: u32 = 10403;

impl DlpSettings {
    /// The values of a new account: what DELETE resets to and what a PUT
    /// falls back to for a missing field (`updated_at` is set by the write).
    fn defaults() -> Self {
        Self {
            ai_context_analysis: false,
            ocr: false,
            payload_logging: super::state::PayloadLogging {
                updated_at: String::new(),
                masking_level: MaskingLevel::Default,
                public_key: None,
            },
        }
    }
}

/// A validated PUT/PATCH body; None = missing or null.
#[derive(Debug, Default)]
struct Update {
    /// `ai_context_analysis`.
    ai_context_analysis: Option<bool>,
    /// `ocr`.
    ocr: Option<bool>,
    /// `payload_logging.masking_level`.
    masking_level: Option<MaskingLevel>,
    /// `payload_logging.public_key`: Some(None) = `""`, logging disabled.
    public_key: Option<Option<String>>,
}

impl Update {
    /// The settings that result from applying this update over `base`.
    fn over(&self, base: &DlpSettings) -> DlpSettings {
        let mut next = base.clone();
        next.ai_context_analysis = self.ai_context_analysis.unwrap_or(base.ai_context_analysis);
        next.ocr = self.ocr.unwrap_or(base.ocr);
        if let Some(level) = self.masking_level {
            next.payload_logging.masking_level = level;
        }
        if let Some(key) = &self.public_key {
            next.payload_logging.public_key.clone_from(key);
        }
        next
    }
}

/// Checks every field and reports every problem at once (1007 + pointer).
fn parse_update(body: &Map<String, Value>) -> Result<Update, ApiError> {
    let mut errors = Vec::new();
    let mut update = Update {
        ai_context_analysis: optional_bool(
            body,
            "ai_context_analysis",
            "/ai_context_analysis",
            true,
            &mut errors,
        ),
        ocr: optional_bool(body, "ocr", "/ocr", true, &mut errors),
        ..Update::default()
    };
    match body.get("payload_logging") {
        None => {}
        Some(Value::Object(logging)) => {
            // The official schema types masking_level as a non-nullable enum,
            // unlike the fields around it: null is refused, absence keeps it.
            update.masking_level = match logging.get("masking_level") {
                None => None,
                Some(Value::String(level)) if MaskingLevel::parse(level).is_some() => {
                    MaskingLevel::parse(level)
                }
                Some(_) => {
                    errors.push(Info::invalid(
                        "/payload_logging/masking_level",
                        "masking_level must be one of full, partial, clear, default",
                    ));
                    None
                }
            };
            update.public_key = match logging.get("public_key") {
                None | Some(Value::Null) => None,
                Some(Value::String(key)) if key.is_empty() => Some(None),
                Some(Value::String(key)) if is_public_key(key) => Some(Some(key.clone())),
                Some(_) => {
                    errors.push(Info::invalid(
                        "/payload_logging/public_key",
                        "public_key must be standard base64 of a 32-byte key, or \"\" to disable payload logging",
                    ));
                    None
                }
            };
        }
        Some(_) => errors.push(Info::invalid(
            "/payload_logging",
            "payload_logging must be an object",
        )),
    }
    ApiError::unless_invalid(update, errors)
}

/// Standard base64 as the mock takes it: padding required, and unused low
/// bits in the last character allowed (`YWJ=` passes, as it always has).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// Whether `text` is non-empty standard base64 with correct padding.
pub(crate) fn is_base64(text: &str) -> bool {
    !text.is_empty() && BASE64.decode(text).is_ok()
}

/// The bytes of a payload-logging public key.
const PUBLIC_KEY_BYTES: usize = 32;

/// Whether `text` is a payload-logging public key: [`is_base64`] of exactly
/// [`PUBLIC_KEY_BYTES`] bytes.
pub(crate) fn is_public_key(text: &str) -> bool {
    is_base64(text)
        && BASE64
            .decode(text)
            .is_ok_and(|key| key.len() == PUBLIC_KEY_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_is_standard_and_padded() {
        assert!(is_base64("GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs="));
        assert!(is_base64("YWJj"));
        for bad in ["", "YWJ", "YW=j", "YW-_", "Y===", "not base64!"] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    /// What the mock has always accepted: a multiple of four characters
    /// from the standard alphabet, at most two `=` and only at the end.
    fn plain_rule(text: &str) -> bool {
        let body = text.trim_end_matches('=');
        let padding = text.len() - body.len();
        let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        !text.is_empty()
            && text.len().is_multiple_of(4)
            && padding <= 2
            && body.bytes().all(alphabet)
    }

    #[test]
    fn base64_accepts_what_the_plain_rule_accepts_and_nothing_else() {
        // Every string of up to 8 characters (two quanta) over a letter
        // with and one without unused low bits, an extra symbol, padding
        // and an outsider.
        const SYMBOLS: &[u8] = b"AJ/=-";
        let mut text = Vec::new();
        let mut checked = 0;
        for len in 0..=8u32 {
            for mut n in 0..SYMBOLS.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(SYMBOLS[n % SYMBOLS.len()]);
                    n /= SYMBOLS.len();
                }
                let text = std::str::from_utf8(&text).unwrap();
                assert_eq!(is_base64(text), plain_rule(text), "{text:?}");
                checked += 1;
            }
        }
        assert!(checked > 450_000);
    }

    #[test]
    fn a_public_key_is_base64_of_exactly_32_bytes() {
        assert!(is_public_key(
            "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs="
        ));
        for bad in [
            "YWJj",
            "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvQ==",
            "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRsA",
            "MCowBQYDK2VuAyEAmjs4ZG4gkcR2fcmZIbk9qPOpo4xqnnf0JgPs5vT7i1I=",
            "GIHtZvRL4_paRQ7j_Z6MOygSVnV_KeTxfqoHHzSqvRs=",
        ] {
            assert!(!is_public_key(bad), "{bad}");
        }
    }

    #[test]
    fn put_defaults_and_patch_keeps() {
        let Value::Object(body) = json!({"ocr": true, "payload_logging": {"public_key": ""}})
        else {
            unreachable!()
        };
        let update = parse_update(&body).unwrap();
        let mut base = DlpSettings::defaults();
        base.ai_context_analysis = true;
        base.payload_logging.public_key = Some("YWJj".into());
        base.payload_logging.masking_level = MaskingLevel::Full;
        let merged = update.over(&base);
        assert!(merged.ai_context_analysis && merged.ocr);
        assert_eq!(merged.payload_logging.masking_level, MaskingLevel::Full);
        assert_eq!(merged.payload_logging.public_key, None);
        let replaced = update.over(&DlpSettings::defaults());
        assert!(!replaced.ai_context_analysis && replaced.ocr);
    }
}
