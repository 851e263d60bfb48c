//! Credentials, kept in types that never print their secret.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// How requests authenticate. Debug shows which method, never the secret.
#[derive(Clone)]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer`.
    Token(SecretString),
    /// The legacy email + global API key pair.
    GlobalKey {
        /// The account email (not secret).
        email: String,
        /// The global API key.
        key: SecretString,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Token([redacted])"),
            Self::GlobalKey { email, .. } => f
                .debug_struct("GlobalKey")
                .field("email", email)
                .field("key", &format_args!("[redacted]"))
                .finish(),
        }
    }
}

/// Where credentials were looked for, for the message when none are found.
pub const CREDENTIAL_VARIABLES: &str =
    "CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY";

impl Credentials {
    /// An API token.
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token(SecretString::from(token.into()))
    }

    /// An email and global API key.
    pub fn global_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Self::GlobalKey {
            email: email.into(),
            key: SecretString::from(key.into()),
        }
    }

    /// Credentials from variables the way Cloudflare's own tools read them:
    /// `CLOUDFLARE_API_TOKEN` first, else `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`.
    /// Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(token) = get("CLOUDFLARE_API_TOKEN") {
            return Some(Self::token(token.trim()));
        }
        match (get("CLOUDFLARE_EMAIL"), get("CLOUDFLARE_API_KEY")) {
            (Some(email), Some(key)) => Some(Self::global_key(email.trim(), key.trim())),
            _ => None,
        }
    }

    /// Credentials from the process environment.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// A short, secret-free description, e.g. for a header line.
    pub fn describe(&self) -> String {
        match self {
            Self::Token(_) => "API token".to_owned(),
            Self::GlobalKey { email, .. } => format!("global key of {email}"),
        }
    }

    /// The secret part (token or global key), to scrub from what servers send.
    pub(crate) fn secret(&self) -> &str {
        match self {
            Self::Token(token) => token.expose_secret(),
            Self::GlobalKey { key, .. } => key.expose_secret(),
        }
    }

    /// Whether these are demo credentials of `trustdeck mock`: a token of
    /// the mock's demo tokens' form (`tdemo-…`), or any token or key of the
    /// demo data shipped in the binary (`assets/demo-data.json`).
    pub(crate) fn is_demo(&self) -> bool {
        let secret = self.secret();
        matches!(self, Self::Token(_)) && secret.starts_with("tdemo-")
            || (secret.len() >= 16 && crate::mock::shipped_contains(&format!("\"{secret}\"")))
    }

    pub(crate) fn headers(
        &self,
    ) -> Result<Vec<(&'static str, reqwest::header::HeaderValue)>, &'static str> {
        let sensitive = |text: &str, what: &'static str| {
            let mut value = reqwest::header::HeaderValue::from_str(text).map_err(|_| what)?;
            value.set_sensitive(true);
            Ok::<_, &'static str>(value)
        };
        Ok(match self {
            Self::Token(token) => vec![(
                "authorization",
                sensitive(&format!("Bearer {}", token.expose_secret()), "API token")?,
            )],
            Self::GlobalKey { email, key } => vec![
                ("x-auth-email", sensitive(email, "email")?),
                ("x-auth-key", sensitive(key.expose_secret(), "API key")?),
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Credentials::token("s3cr3t-token-value");
        let key = Credentials::global_key("a@example.com", "s3cr3t-key-value");
        assert_eq!(format!("{token:?}"), "Token([redacted])");
        let shown = format!("{key:?} {key:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("a@example.com"));
    }

    #[test]
    fn token_wins_over_key_and_blank_counts_as_unset() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let both = env(&[
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_EMAIL", "e@x.io"),
            ("CLOUDFLARE_API_KEY", "k"),
        ]);
        assert!(matches!(
            Credentials::from_lookup(both),
            Some(Credentials::Token(_))
        ));
        let blank = env(&[
            ("CLOUDFLARE_API_TOKEN", " "),
            ("CLOUDFLARE_EMAIL", "e@x.io"),
            ("CLOUDFLARE_API_KEY", "k"),
        ]);
        assert!(matches!(
            Credentials::from_lookup(blank),
            Some(Credentials::GlobalKey { .. })
        ));
        assert!(Credentials::from_lookup(env(&[("CLOUDFLARE_EMAIL", "e@x.io")])).is_none());
    }

    #[test]
    fn a_token_with_a_newline_is_refused_without_echoing_it() {
        let err = Credentials::token("abc\ndef").headers().unwrap_err();
        assert_eq!(err, "API token");
    }
}
