//! One configuration built from flags > environment, before the terminal is
//! taken over, so every problem is a plain message on stderr.

use crate::api::credentials::CREDENTIAL_VARIABLES;
use crate::api::{ClientConfig, Credentials, DEFAULT_BASE_URL};
use crate::cli::DashboardArgs;

/// What the dashboard needs to start against a real (or separately run) API.
#[derive(Debug, Clone)]
pub struct Config {
    /// The client's set-up (base URL, credentials, timeouts).
    pub client: ClientConfig,
    /// The zone to open, if given.
    pub zone_id: Option<String>,
    /// The account to open, if given.
    pub account_id: Option<String>,
    /// Hide every write.
    pub read_only: bool,
}

impl Config {
    /// Flags first, then `CLOUDFLARE_*` variables from `lookup`.
    pub fn resolve(
        args: &DashboardArgs,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let credentials = Credentials::from_lookup(&lookup).ok_or_else(|| {
            format!(
                "no Cloudflare credentials found. Set {CREDENTIAL_VARIABLES} in the environment \
                 (never on the command line), or try `trustdeck --demo`, which needs none."
            )
        })?;
        let base_url = args
            .base_url
            .clone()
            .or_else(|| var("CLOUDFLARE_BASE_URL"))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        Ok(Self {
            client: ClientConfig::new(credentials).with_base_url(base_url),
            zone_id: args.zone.clone().or_else(|| var("CLOUDFLARE_ZONE_ID")),
            account_id: args
                .account
                .clone()
                .or_else(|| var("CLOUDFLARE_ACCOUNT_ID")),
            read_only: args.read_only,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn flags_win_over_the_environment() {
        let args = DashboardArgs {
            zone: Some("flagzone".into()),
            base_url: Some("http://127.0.0.1:9/client/v4".into()),
            ..DashboardArgs::default()
        };
        let config = Config::resolve(
            &args,
            env(&[
                ("CLOUDFLARE_API_TOKEN", "t"),
                ("CLOUDFLARE_ZONE_ID", "envzone"),
                ("CLOUDFLARE_ACCOUNT_ID", "envaccount"),
                ("CLOUDFLARE_BASE_URL", "https://example.com/client/v4"),
            ]),
        )
        .unwrap();
        assert_eq!(config.zone_id.as_deref(), Some("flagzone"));
        assert_eq!(config.account_id.as_deref(), Some("envaccount"));
        assert_eq!(config.client.base_url, "http://127.0.0.1:9/client/v4");
    }

    #[test]
    fn missing_credentials_say_what_to_set_and_mention_the_demo() {
        let error = Config::resolve(&DashboardArgs::default(), env(&[])).unwrap_err();
        assert!(
            error.contains("CLOUDFLARE_API_TOKEN") && error.contains("CLOUDFLARE_API_KEY"),
            "{error}"
        );
        assert!(error.contains("--demo"), "{error}");
        let config = Config::resolve(
            &DashboardArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t")]),
        )
        .unwrap();
        assert_eq!(config.client.base_url, DEFAULT_BASE_URL);
    }
}
