//! The API root: https anywhere, plain http only to a loopback address.

use reqwest::Url;

use super::client::DEFAULT_BASE_URL;
use super::error::ApiError;

/// Parses and checks an API root: https anywhere, plain http only on loopback.
pub fn parse_base_url(text: &str) -> Result<Url, ApiError> {
    let bad = |reason: &str| ApiError::invalid("base URL", reason);
    let url = Url::parse(text.trim())
        .map_err(|e| bad(&format!("{e} (expected e.g. {DEFAULT_BASE_URL})")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not contain a query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(bad(
            "plain http would send credentials in the clear; use https, or http only to a loopback address (127.0.0.1, [::1], localhost)",
        )),
        other => Err(bad(&format!(
            "scheme {other:?} is not supported; use https"
        ))),
    }
}

/// True when the URL's host is this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Client, ClientConfig, Credentials};
    use super::*;

    fn client(base: &str) -> Result<Client, ApiError> {
        Client::new(ClientConfig::new(Credentials::token("t")).with_base_url(base))
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:1/client/v4",
            "http://localhost:8787/client/v4",
            "http://[::1]:9/x",
            "https://example.com/v4",
        ] {
            assert!(client(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/client/v4",
            "http://10.0.0.1/client/v4",
            "ftp://127.0.0.1/",
            "not a url",
            "https://u:p@example.com/",
            "https://example.com/?q=1",
        ] {
            let err = client(bad).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidInput { ref field, .. } if field == "base URL"),
                "{bad}: {err}"
            );
        }
    }
}
