//! One configuration built from flags > environment > the config file's
//! profile, before the terminal is taken over, so every problem is a plain
//! message on stderr (or, for a headless command, an exit status).
//!
//! [`Config::resolve`] does no I/O of its own besides reading a profile's
//! secret file: the environment comes in as a lookup function and the config
//! file as a [`ConfigSource`], so tests need no real environment or home.
//!
//! Every face shares the connection flags ([`ConnectionArgs`]): they, the
//! environment and the profile make one [`Config`]. The zone and account are
//! resolved with it from the environment and the profile, because a profile
//! names them; a face's own `--zone`/`--account` then win through
//! [`Config::with_targets`].

mod appearance;
mod choice;
mod error;
mod file;
mod secret;

pub use appearance::Appearance;
pub use choice::ProfileChoice;
pub use error::{ConfigError, CredentialHints, RateLimitOrigin, SecretFileProblem};
pub use file::{
    AuthMethod, CONFIG_ENV, ConfigFile, ConfigSource, PROFILE_ENV, Profile, ProfileAuth,
    ProfileProblem, SecretSource, config_path, default_config_path,
};
pub use secret::{expand_tilde, read_secret_file};

use std::time::Duration;

use crate::api::pacer::{RateLimitError, parse_rate_limit};
use crate::api::{ClientConfig, Credentials};
use crate::cli::ConnectionArgs;
use choice::{ChosenProfile, Origin};

/// Where and as whom to connect, and what to open: what every face needs to
/// start against a real (or separately run) API.
#[derive(Debug, Clone)]
pub struct Config {
    /// The client's set-up (base URL, credentials, timeouts).
    pub client: ClientConfig,
    /// The zone to open, if given: the face's flag, else
    /// `CLOUDFLARE_ZONE_ID`, else the profile's.
    pub zone_id: Option<String>,
    /// The account to open, if given, in the same order.
    pub account_id: Option<String>,
    /// Hide (or refuse) every write.
    pub read_only: bool,
    /// The config file's profile in use, by name, for the header.
    pub profile: Option<String>,
    /// Where the credentials came from, in words (never the secret), e.g.
    /// "CLOUDFLARE_API_TOKEN" or "profile `production` (token_file ~/p.token)".
    pub credentials_from: String,
    /// When both the environment and a profile had credentials: which ones
    /// are used and why, in one secret-free sentence, for the log and the
    /// help overlay.
    pub credentials_note: Option<String>,
}

impl Config {
    /// The configuration from the process's environment and the config file
    /// at [`config_path`].
    pub fn from_environment(args: &ConnectionArgs) -> Result<Self, ConfigError> {
        let lookup = |name: &str| std::env::var(name).ok();
        let source = ConfigSource::read(config_path(lookup))?;
        Self::resolve(args, lookup, &source)
    }

    /// Flags first, then `CLOUDFLARE_*` variables from `lookup`, then the
    /// profile chosen by `--profile`, `TRUSTDECK_PROFILE` or the file's
    /// `default_profile`, except for the credentials and the base URL, which
    /// always come from one source (see `choice.rs`). Read-only is on when the
    /// flag or the profile says so.
    pub fn resolve(
        args: &ConnectionArgs,
        lookup: impl Fn(&str) -> Option<String>,
        source: &ConfigSource,
    ) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let file = source.parse()?;
        let chosen = choose_profile(args, var, &file, source)?;
        let with_auth = match chosen {
            Some(chosen) => Some((
                chosen,
                chosen
                    .profile
                    .auth()
                    .map_err(|problem| ConfigError::BadProfile {
                        path: source.path.clone(),
                        name: chosen.name.to_owned(),
                        problem,
                    })?,
            )),
            None => None,
        };
        let decision = choice::decide(with_auth, choice::env_credentials(&lookup))
            .ok_or_else(|| choice::missing(&lookup, chosen.map(|c| c.name)))?;
        let given = args
            .base_url
            .clone()
            .map(|url| choice::Override {
                url,
                from: "--base-url",
            })
            .or_else(|| {
                var("CLOUDFLARE_BASE_URL").map(|url| choice::Override {
                    url,
                    from: "CLOUDFLARE_BASE_URL",
                })
            });
        let base_url = choice::base_url(&decision.origin, given)?;
        let (credentials, credentials_from, in_use) = match decision.origin {
            Origin::Env { env, profile } => (env.credentials, env.names.to_owned(), profile),
            Origin::Profile { profile, auth } => {
                let (credentials, from) = profile_credentials(profile.name, &auth, &lookup)?;
                (credentials, from, Some(profile))
            }
        };
        let profile = in_use.map(|p| p.profile);
        let from_profile = |field: fn(&Profile) -> &Option<String>| {
            profile
                .and_then(|p| field(p).as_deref())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let rate_limit = match (&args.rate_limit, in_use) {
            (Some(_), _) => rate_limit_flag(args)?,
            (None, Some(chosen)) => chosen
                .profile
                .rate_limit
                .as_deref()
                .map(|text| {
                    checked_rate_limit(
                        text,
                        RateLimitOrigin::Profile {
                            path: source.path.clone(),
                            name: chosen.name.to_owned(),
                        },
                    )
                })
                .transpose()?,
            (None, None) => None,
        };
        Ok(Self {
            client: ClientConfig::new(credentials)
                .with_base_url(base_url)
                .with_rate_limit(rate_limit),
            zone_id: var("CLOUDFLARE_ZONE_ID").or_else(|| from_profile(|p| &p.zone)),
            account_id: var("CLOUDFLARE_ACCOUNT_ID").or_else(|| from_profile(|p| &p.account)),
            read_only: args.read_only
                || profile.is_some_and(|p| p.read_only)
                || decision.set_aside_read_only,
            profile: in_use.map(|p| p.name.to_owned()),
            credentials_from,
            credentials_note: decision.note,
        })
    }

    /// The face's own `--zone` and `--account`, which win over the
    /// environment's and the profile's.
    pub fn with_targets(mut self, zone: Option<String>, account: Option<String>) -> Self {
        if zone.is_some() {
            self.zone_id = zone;
        }
        if account.is_some() {
            self.account_id = account;
        }
        self
    }
}

/// The `--rate-limit` flag, parsed: what `--demo` (which reads no profile)
/// uses too.
pub fn rate_limit_flag(args: &ConnectionArgs) -> Result<Option<(u32, Duration)>, ConfigError> {
    args.rate_limit
        .as_deref()
        .map(|text| checked_rate_limit(text, RateLimitOrigin::Flag))
        .transpose()
}

/// `N/DURATION`, or the error naming where it was written. A value that looks
/// like a pasted secret is not echoed.
fn checked_rate_limit(text: &str, from: RateLimitOrigin) -> Result<(u32, Duration), ConfigError> {
    parse_rate_limit(text).map_err(|problem| {
        let problem = if file::looks_like_secret(text.trim()) {
            RateLimitError::Syntax("(not shown)".to_owned())
        } else {
            problem
        };
        ConfigError::BadRateLimit { from, problem }
    })
}

/// The profile named by `--profile`, `TRUSTDECK_PROFILE` or `default_profile`.
fn choose_profile<'f>(
    args: &ConnectionArgs,
    var: impl Fn(&str) -> Option<String>,
    file: &'f ConfigFile,
    source: &ConfigSource,
) -> Result<Option<ChosenProfile<'f>>, ConfigError> {
    let named = match (&args.profile, var(PROFILE_ENV), &file.default_profile) {
        (Some(name), _, _) => Some((name.trim().to_owned(), ProfileChoice::Flag)),
        (None, Some(name), _) => Some((name, ProfileChoice::Variable)),
        (None, None, Some(name)) => Some((name.trim().to_owned(), ProfileChoice::Default)),
        (None, None, None) => None,
    };
    let Some((name, how)) = named else {
        return Ok(None);
    };
    match file.profiles.get_key_value(&name) {
        Some((name, profile)) => Ok(Some(ChosenProfile { name, profile, how })),
        None => Err(ConfigError::UnknownProfile {
            name,
            from: how,
            path: source.path.clone(),
            known: file
                .profile_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            file_exists: source.text.is_some(),
        }),
    }
}

/// The credentials a profile names, read from where it says.
fn profile_credentials(
    name: &str,
    auth: &ProfileAuth,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(Credentials, String), ConfigError> {
    let from = format!("profile `{name}` ({})", choice::describe_auth(auth));
    Ok(match auth {
        ProfileAuth::Token(source) => {
            let what = format!("the API token of profile `{name}`");
            let token = secret::read_secret(source, &what, &lookup)?;
            (Credentials::token(token), from)
        }
        ProfileAuth::GlobalKey { email, key } => {
            let what = format!("the global API key of profile `{name}`");
            let secret = secret::read_secret(key, &what, &lookup)?;
            (Credentials::global_key(email.clone(), secret), from)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::DEFAULT_BASE_URL;
    use crate::cli::DashboardArgs;

    /// As the dashboard resolves it: the connection flags, then its own zone and
    /// account flags on top.
    fn resolve(
        args: &DashboardArgs,
        lookup: impl Fn(&str) -> Option<String>,
        source: &ConfigSource,
    ) -> Result<Config, String> {
        Config::resolve(&args.connection, lookup, source)
            .map(|config| config.with_targets(args.zone.clone(), args.account.clone()))
            .map_err(|e| e.to_string())
    }

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

    fn no_file() -> ConfigSource {
        ConfigSource::missing("/nonexistent/trustdeck/config.toml")
    }

    #[test]
    fn flags_win_over_the_environment() {
        let args = DashboardArgs {
            zone: Some("flagzone".into()),
            connection: ConnectionArgs {
                base_url: Some("http://127.0.0.1:9/client/v4".into()),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let config = resolve(
            &args,
            env(&[
                ("CLOUDFLARE_API_TOKEN", "t"),
                ("CLOUDFLARE_ZONE_ID", "envzone"),
                ("CLOUDFLARE_ACCOUNT_ID", "envaccount"),
                ("CLOUDFLARE_BASE_URL", "https://example.com/client/v4"),
            ]),
            &no_file(),
        )
        .unwrap();
        assert_eq!(config.zone_id.as_deref(), Some("flagzone"));
        assert_eq!(config.account_id.as_deref(), Some("envaccount"));
        assert_eq!(config.client.base_url, "http://127.0.0.1:9/client/v4");
        assert_eq!(config.profile, None);
    }

    #[test]
    fn missing_credentials_say_what_to_set_and_mention_the_demo() {
        let error = resolve(&DashboardArgs::default(), env(&[]), &no_file()).unwrap_err();
        assert!(
            error.contains("CLOUDFLARE_API_TOKEN") && error.contains("CLOUDFLARE_API_KEY"),
            "{error}"
        );
        assert!(error.contains("--demo"), "{error}");
        assert!(error.contains("--profile"), "{error}");
        let config = resolve(
            &DashboardArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t")]),
            &no_file(),
        )
        .unwrap();
        assert_eq!(config.client.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn the_profile_comes_from_the_flag_then_the_variable_then_the_default() {
        let source = ConfigSource::from_text(
            "/c.toml",
            "default_profile = \"a\"\n[profiles.a]\nzone = \"za\"\n[profiles.b]\nzone = \"zb\"\n\
             [profiles.c]\nzone = \"zc\"\n",
        );
        let token = ("CLOUDFLARE_API_TOKEN", "t");
        let with_flag = DashboardArgs {
            connection: ConnectionArgs {
                profile: Some("c".into()),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let zone = |args: &DashboardArgs, vars: &[(&str, &str)]| {
            resolve(args, env(vars), &source).unwrap().zone_id
        };
        let plain = DashboardArgs::default();
        assert_eq!(zone(&plain, &[token]).as_deref(), Some("za"));
        assert_eq!(
            zone(&plain, &[token, (PROFILE_ENV, "b")]).as_deref(),
            Some("zb")
        );
        assert_eq!(
            zone(&with_flag, &[token, (PROFILE_ENV, "b")]).as_deref(),
            Some("zc")
        );
        let config = resolve(&with_flag, env(&[token]), &source).unwrap();
        assert_eq!(config.profile.as_deref(), Some("c"));
    }

    #[test]
    fn a_profile_asked_for_without_a_config_file_says_where_it_looked() {
        let args = DashboardArgs {
            connection: ConnectionArgs {
                profile: Some("prod".into()),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let error = resolve(&args, env(&[("CLOUDFLARE_API_TOKEN", "t")]), &no_file()).unwrap_err();
        assert!(
            error.contains("prod") && error.contains("/nonexistent/trustdeck/config.toml"),
            "{error}"
        );
    }

    #[test]
    fn a_default_profile_set_aside_for_the_environment_keeps_read_only_on() {
        let source = ConfigSource::from_text(
            "/c.toml",
            "default_profile = \"prod\"\n[profiles.prod]\ntoken_env = \"P\"\nzone = \"pz\"\n\
             read_only = true\n",
        );
        let config = resolve(
            &DashboardArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t"), ("P", "p")]),
            &source,
        )
        .unwrap();
        assert!(config.read_only, "an ambient token never lifts read-only");
        assert_eq!(config.zone_id, None, "the profile's zone is set aside");
        assert_eq!(config.profile, None);
        assert_eq!(config.credentials_from, "CLOUDFLARE_API_TOKEN");
        let note = config.credentials_note.unwrap();
        assert!(note.contains("read_only = true still applies"), "{note}");
    }

    #[test]
    fn half_set_and_flarectl_credentials_each_get_a_hint_without_their_values() {
        let error = |vars: &[(&str, &str)]| {
            resolve(&DashboardArgs::default(), env(vars), &no_file()).unwrap_err()
        };
        let secret = "s3cr3t-value-never-shown";
        let only_email = error(&[("CLOUDFLARE_EMAIL", "a@example.com")]);
        assert!(
            only_email.starts_with("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"),
            "{only_email}"
        );
        assert!(!only_email.contains("a@example.com"), "{only_email}");
        let only_key = error(&[("CLOUDFLARE_API_KEY", secret)]);
        assert!(
            only_key.starts_with("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not"),
            "{only_key}"
        );
        for name in ["CF_API_TOKEN", "CF_API_KEY", "CF_API_EMAIL"] {
            let message = error(&[(name, secret)]);
            assert!(
                message.contains(&format!("{name} is set, but that is flarectl's name")),
                "{message}"
            );
            assert!(message.contains("--demo"), "{message}");
            assert!(!message.contains(secret), "{message}");
        }
        let all = error(&[
            ("CF_API_TOKEN", secret),
            ("CF_API_KEY", secret),
            ("CF_API_EMAIL", secret),
        ]);
        assert_eq!(all.matches("flarectl's name").count(), 3, "{all}");
        // A token in the right place makes the halves irrelevant.
        resolve(
            &DashboardArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t"), ("CLOUDFLARE_EMAIL", "a@b.c")]),
            &no_file(),
        )
        .unwrap();
    }

    #[test]
    fn the_rate_limit_comes_from_the_flag_then_the_profile_in_use() {
        let source = ConfigSource::from_text(
            "/c.toml",
            "[profiles.ent]\ntoken_env = \"P\"\nrate_limit = \"4000/5m\"\n\
             [profiles.other]\ntoken_env = \"P\"\n",
        );
        let args = |profile: Option<&str>, flag: Option<&str>| ConnectionArgs {
            profile: profile.map(str::to_owned),
            rate_limit: flag.map(str::to_owned),
            ..ConnectionArgs::default()
        };
        let limit = |args: ConnectionArgs| {
            Config::resolve(&args, env(&[("P", "p")]), &source)
                .unwrap()
                .client
                .rate_limit
        };
        let five_minutes = Duration::from_secs(300);
        assert_eq!(limit(args(Some("ent"), None)), Some((4000, five_minutes)));
        assert_eq!(
            limit(args(Some("ent"), Some("100/10s"))),
            Some((100, Duration::from_secs(10)))
        );
        assert_eq!(limit(args(Some("other"), None)), None);
        assert_eq!(
            limit(args(Some("other"), Some("2000/5m"))),
            Some((2000, five_minutes))
        );
    }

    #[test]
    fn a_set_aside_default_profile_lends_no_rate_limit() {
        let source = ConfigSource::from_text(
            "/c.toml",
            "default_profile = \"ent\"\n[profiles.ent]\ntoken_env = \"P\"\nrate_limit = \"4000/5m\"\n",
        );
        let config = Config::resolve(
            &ConnectionArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t"), ("P", "p")]),
            &source,
        )
        .unwrap();
        assert_eq!(
            config.client.rate_limit, None,
            "not these credentials' limit"
        );
    }

    #[test]
    fn a_bad_rate_limit_is_a_clear_error_naming_where_it_was_written() {
        let flag = ConnectionArgs {
            rate_limit: Some("1200 per 5m".into()),
            ..ConnectionArgs::default()
        };
        let error =
            Config::resolve(&flag, env(&[("CLOUDFLARE_API_TOKEN", "t")]), &no_file()).unwrap_err();
        assert!(
            matches!(
                &error,
                ConfigError::BadRateLimit {
                    from: RateLimitOrigin::Flag,
                    problem: RateLimitError::Syntax(_)
                }
            ),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.starts_with("--rate-limit: \"1200 per 5m\" is not N/DURATION"),
            "{text}"
        );
        let source = ConfigSource::from_text(
            "/c.toml",
            "[profiles.p]\ntoken_env = \"P\"\nrate_limit = \"0/5m\"\n",
        );
        let chosen = ConnectionArgs {
            profile: Some("p".into()),
            ..ConnectionArgs::default()
        };
        let text = Config::resolve(&chosen, env(&[("P", "p")]), &source)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("rate_limit of profile `p` in the config file /c.toml")
                && text.contains("above zero"),
            "{text}"
        );
        let secret = "Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789abcd";
        let pasted = ConnectionArgs {
            rate_limit: Some(secret.into()),
            ..ConnectionArgs::default()
        };
        let text = Config::resolve(&pasted, env(&[("CLOUDFLARE_API_TOKEN", "t")]), &no_file())
            .unwrap_err()
            .to_string();
        assert!(!text.contains(secret), "{text}");
    }
}
