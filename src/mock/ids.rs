//! Zone and account identifiers in paths: checked like Cloudflare checks
//! them, and never echoed back longer than [`ECHO_LIMIT`] characters; and
//! [`Id`], the form the data holds them in.
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

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

/// A zone or account id of the data (1 to 32 ASCII letters and digits),
/// held inline: no allocation for each of tens of thousands of zones.
/// Compares, hashes, prints and serializes as the text it holds.
#[derive(Clone, Copy)]
pub(crate) struct Id {
    /// How many bytes of `bytes` are the id.
    len: u8,
    /// The id's ASCII bytes, then zeros.
    bytes: [u8; ZONE_ID_MAX],
}

impl Id {
    /// `text` as an id; None unless it is 1 to 32 ASCII letters and digits.
    pub fn new(text: &str) -> Option<Self> {
        if text.is_empty()
            || text.len() > ZONE_ID_MAX
            || !text.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        let mut bytes = [0; ZONE_ID_MAX];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Some(Self {
            len: text.len() as u8,
            bytes,
        })
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Id {}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

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
    fn an_id_holds_1_to_32_letters_and_digits_and_compares_as_its_text() {
        let long = "a".repeat(32);
        assert_eq!(Id::new(&long).unwrap().as_str(), long);
        for bad in ["", "a-b", "é", &"a".repeat(33)] {
            assert!(Id::new(bad).is_none(), "{bad:?}");
        }
        let [a, ab, b] = ["a", "ab", "B"].map(|t| Id::new(t).unwrap());
        assert!(b < a && a < ab, "as str orders them");
        assert_eq!(format!("{ab} {ab:?}"), "ab \"ab\"");
        assert_eq!(serde_json::to_string(&ab).unwrap(), "\"ab\"");
    }

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_character() {
        assert_eq!(clip("abc"), "abc");
        let long = "é".repeat(100);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), ECHO_LIMIT + 1);
        assert!(clipped.ends_with('…'));
    }
}
