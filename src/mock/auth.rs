//! Who is calling and what they may do: bearer tokens and the legacy
//! `X-Auth-Email` + `X-Auth-Key` pair, checked like Cloudflare does.
use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode, header};

use super::data::{DemoData, TokenData};
use super::envelope::ApiError;

/// A permission group an operation needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Permission {
    /// List zones.
    ZoneRead,
    /// Read the CSAM Scanner setting.
    ZoneSettingsRead,
    /// Change the CSAM Scanner setting.
    ZoneSettingsWrite,
    /// Read DLP settings.
    ZeroTrustRead,
    /// Change or reset DLP settings.
    ZeroTrustWrite,
    /// List accounts.
    AccountSettingsRead,
}

/// Every permission, for checking the names in a data file.
pub(crate) const ALL: [Permission; 6] = [
    Permission::ZoneRead,
    Permission::ZoneSettingsRead,
    Permission::ZoneSettingsWrite,
    Permission::ZeroTrustRead,
    Permission::ZeroTrustWrite,
    Permission::AccountSettingsRead,
];

impl Permission {
    /// The name as Cloudflare's dashboard and the data file spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::ZoneRead => "Zone Read",
            Self::ZoneSettingsRead => "Zone Settings Read",
            Self::ZoneSettingsWrite => "Zone Settings Write",
            Self::ZeroTrustRead => "Zero Trust Read",
            Self::ZeroTrustWrite => "Zero Trust Write",
            Self::AccountSettingsRead => "Account Settings Read",
        }
    }

    /// The write permission that includes this read permission.
    pub fn implied_by(self) -> Option<Self> {
        match self {
            Self::ZoneSettingsRead => Some(Self::ZoneSettingsWrite),
            Self::ZeroTrustRead => Some(Self::ZeroTrustWrite),
            _ => None,
        }
    }
}

/// The authenticated caller.
enum Caller<'a> {
    /// An active API token.
    Token(&'a TokenData),
    /// A legacy email + global key: every permission.
    GlobalKey,
}

/// What an authorized request may reach: the permission it was checked
/// for, and the accounts whose resources that permission covers.
#[derive(Debug)]
pub(crate) struct Grant<'a> {
    /// The permission the request needs.
    needed: Permission,
    /// The token, or None for the global key (every account).
    token: Option<&'a TokenData>,
}

impl Grant<'_> {
    /// Whether the permission covers the resources of `account_id`: a
    /// permission (or the write permission that includes it) covers every
    /// account its scope in the token lists (every account without a
    /// scope) but those its `except` lists.
    pub fn allows(&self, account_id: &str) -> bool {
        let Some(token) = self.token else {
            return true;
        };
        [Some(self.needed), self.needed.implied_by()]
            .into_iter()
            .flatten()
            .filter(|p| token.permissions.iter().any(|name| name == p.name()))
            .any(|p| {
                let listed = |lists: &BTreeMap<String, Vec<String>>| {
                    lists
                        .get(p.name())
                        .map(|accounts| accounts.iter().any(|a| a == account_id))
                };
                listed(&token.scopes).unwrap_or(true) && !listed(&token.except).unwrap_or(false)
            })
    }

    /// Ok when [`Grant::allows`] the account, else 403 9109 naming the permission.
    pub fn check(&self, account_id: &str) -> Result<(), ApiError> {
        if self.allows(account_id) {
            Ok(())
        } else {
            Err(unauthorized(format!(
                "the '{}' permission of this API token does not cover the account that owns it",
                self.needed.name()
            )))
        }
    }
}

/// Authenticates the request and checks that it may do `needed` on some
/// account; the grant says on which.
pub(crate) fn authorize<'a>(
    data: &'a DemoData,
    headers: &HeaderMap,
    needed: Permission,
) -> Result<Grant<'a>, ApiError> {
    let token = match caller(data, headers)? {
        Caller::GlobalKey => {
            return Ok(Grant {
                needed,
                token: None,
            });
        }
        Caller::Token(token) => usable(token)?,
    };
    let has = |p: Permission| token.permissions.iter().any(|name| name == p.name());
    if has(needed) || needed.implied_by().is_some_and(has) {
        return Ok(Grant {
            needed,
            token: Some(token),
        });
    }
    Err(unauthorized(format!(
        "this API token lacks the '{}' permission",
        needed.name()
    )))
}

/// 403 9109, Cloudflare's refusal of a permission the caller lacks.
fn unauthorized(detail: String) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        9109,
        format!("Unauthorized to access requested resource: {detail}"),
    )
}

/// The token of a verify request, whatever its status (verify reports it);
/// legacy credentials cannot be verified.
pub(crate) fn token_to_verify<'a>(
    data: &'a DemoData,
    headers: &HeaderMap,
) -> Result<&'a TokenData, ApiError> {
    match caller(data, headers)? {
        Caller::Token(token) => Ok(token),
        Caller::GlobalKey => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            10000,
            "Authentication error: only API tokens (Authorization: Bearer) can be verified",
        )),
    }
}

/// The key that rate limiting counts requests under: the credential as
/// sent (the `Authorization` header, else the email + key pair), so that
/// every token and every email + key has its own budget.
pub(crate) fn rate_limit_key(headers: &HeaderMap) -> String {
    let raw = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if let Some(authorization) = raw(header::AUTHORIZATION.as_str()) {
        return format!("authorization {authorization}");
    }
    let email = raw("x-auth-email").unwrap_or_default();
    let key = raw("x-auth-key").unwrap_or_default();
    format!("key {email}\n{key}")
}

fn caller<'a>(data: &'a DemoData, headers: &HeaderMap) -> Result<Caller<'a>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        // The scheme is case-insensitive (RFC 9110), the token is not.
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty() && !t.contains(char::is_whitespace))
            .ok_or_else(|| {
                ApiError::new(StatusCode::BAD_REQUEST, 6003, "Invalid request headers")
                    .and(6111, "Invalid format for Authorization header")
            })?;
        return data
            .tokens
            .iter()
            .find(|t| t.value == token)
            .map(Caller::Token)
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, 1000, "Invalid API Token"));
    }
    let email = headers.get("x-auth-email");
    let key = headers.get("x-auth-key");
    match (email, key) {
        (None, None) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            10000,
            "Authentication error",
        )),
        (Some(email), Some(key)) => data
            .global_keys
            .iter()
            .find(|g| g.email.as_bytes() == email.as_bytes() && g.key.as_bytes() == key.as_bytes())
            .map(|_| Caller::GlobalKey)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    9103,
                    "Unknown X-Auth-Key or X-Auth-Email",
                )
            }),
        _ => Err(
            ApiError::new(StatusCode::BAD_REQUEST, 6003, "Invalid request headers")
                .and(6103, "Invalid format for X-Auth-Key header"),
        ),
    }
}

/// Refuses expired and disabled tokens outside the verify endpoints.
fn usable(token: &TokenData) -> Result<&TokenData, ApiError> {
    match token.status.as_str() {
        "active" => Ok(token),
        status => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            1000,
            format!("Invalid API Token: this token is {status}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::data::SHIPPED;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn code(result: Result<Grant<'_>, ApiError>) -> Vec<u32> {
        result.unwrap_err().errors.iter().map(|e| e.code).collect()
    }

    #[test]
    fn write_implies_read_but_not_the_other_way() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let zone_only = headers(&[(
            "authorization",
            "Bearer tdemo-zone-only-5tJ0rW2qE8uY4iO6pA3sD7f",
        )]);
        assert!(authorize(&data, &zone_only, Permission::ZoneSettingsRead).is_ok());
        assert_eq!(
            code(authorize(&data, &zone_only, Permission::ZeroTrustRead)),
            [9109]
        );
        let read_only = headers(&[(
            "authorization",
            "Bearer tdemo-read-only-8bV3nM6xQ1zK4pR7wT2yH9s",
        )]);
        assert_eq!(
            code(authorize(&data, &read_only, Permission::ZoneSettingsWrite)),
            [9109]
        );
    }

    #[test]
    fn header_problems_have_cloudflare_codes() {
        type Case<'a> = (&'a [(&'static str, &'a str)], &'a [u32]);
        let data = DemoData::parse(SHIPPED).unwrap();
        let cases: [Case; 5] = [
            (&[], &[10000]),
            (&[("authorization", "Token abc")], &[6003, 6111]),
            (&[("authorization", "Bearer nope")], &[1000]),
            (&[("x-auth-email", "a@b.c")], &[6003, 6103]),
            (&[("x-auth-email", "a@b.c"), ("x-auth-key", "k")], &[9103]),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                code(authorize(&data, &headers(pairs), Permission::ZoneRead)),
                expected,
                "{pairs:?}"
            );
        }
    }
}
