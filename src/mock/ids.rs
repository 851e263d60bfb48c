//! Zone and account identifiers in paths: checked like Cloudflare checks
//! them, and never echoed back longer than [`ECHO_LIMIT`] characters.
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;

use super::envelope::ApiError;

/// The most characters of a client's id or path that an error message quotes.
pub(crate) const ECHO_LIMIT: usize = 40;

/// The longest zone id (the schema's `zones_identifier`, maxLength 32).
const ZONE_ID_MAX: usize = 32;
/// The length of every account id (`iam_account_identifier`: min and max 32).
const ACCOUNT_ID_LEN: usize = 32;

/// An id from a route's path, or why axum could not extract it.
pub(crate) type IdPath = Result<Path<String>, PathRejection>;

/// `text` cut to [`ECHO_LIMIT`] characters, with `…` when something was cut.
pub(crate) fn clip(text: &str) -> String {
    clip_to(text, ECHO_LIMIT)
}

/// `text` cut to `max` characters, with `…` when something was cut.
pub(crate) fn clip_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The zone id of a path: 1 to 32 ASCII letters and digits, else 400 1001.
pub(crate) fn zone_id(path: IdPath) -> Result<String, ApiError> {
    let invalid = || ApiError::new(StatusCode::BAD_REQUEST, 1001, "Invalid zone identifier");
    let Path(id) = path.map_err(|_| invalid())?;
    if id.is_empty() || id.len() > ZONE_ID_MAX || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    Ok(id)
}

/// The account id of a path: exactly 32 ASCII letters and digits, else a
/// 400 that names the route with the id clipped. `route` is the path with
/// `{}` where the id goes, e.g. `/accounts/{}/dlp/settings`.
pub(crate) fn account_id(path: IdPath, route: &str) -> Result<String, ApiError> {
    let Ok(Path(id)) = path else {
        return Err(ApiError::no_route(&route.replace("{}", "(invalid)"))
            .with_status(StatusCode::BAD_REQUEST));
    };
    if id.len() != ACCOUNT_ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::no_route(&route.replace("{}", &clip(&id)))
            .with_status(StatusCode::BAD_REQUEST));
    }
    Ok(id)
}

/// 404 for a well-formed zone id that no zone has.
pub(crate) fn zone_not_found(route: &str, id: &str) -> ApiError {
    ApiError::unroutable(&route.replace("{}", &clip(id))).and(1001, "Zone not found")
}

/// 404 for a well-formed account id that no account has.
pub(crate) fn account_not_found(route: &str, id: &str) -> ApiError {
    ApiError::no_route(&route.replace("{}", &clip(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_character() {
        assert_eq!(clip("abc"), "abc");
        let long = "é".repeat(100);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), ECHO_LIMIT + 1);
        assert!(clipped.ends_with('…'));
    }
}
