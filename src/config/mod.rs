//! One configuration built from flags > environment > the config file's
//! profile, before the terminal is taken over, so every problem is a plain
//! message on stderr.
//!
//! [`Config::resolve`] does no I/O of its own besides reading a profile's
//! secret file: the environment comes in as a lookup function and the config
//! file as a [`ConfigSource`], so tests need no real environment or home.

mod choice;
mod file;
mod secret;

pub use file::{
    AuthMethod, CONFIG_ENV, ConfigFile, ConfigSource, PROFILE_ENV, Profile, ProfileAuth,
    SecretSource, config_path, default_config_path,
};
pub use secret::{expand_tilde, read_secret_file};

use crate::api::credentials::CREDENTIAL_VARIABLES;
use crate::api::{ClientConfig, Credentials};
use crate::cli::DashboardArgs;
use choice::{Chosen, ChosenProfile, Origin};

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
    pub fn from_environment(args: &DashboardArgs) -> Result<Self, String> {
        let lookup = |name: &str| std::env::var(name).ok();
        let source = ConfigSource::read(config_path(lookup))?;
        Self::resolve(args, lookup, &source)
    }

    /// Flags first, then `CLOUDFLARE_*` variables from `lookup`, then the
    /// profile chosen by `--profile`, `TRUSTDECK_PROFILE` or the file's
    /// `default_profile`, except for the credentials and the base URL, which
    /// always come from one source (see [`choice`]). Read-only is on when the
    /// flag or the profile says so.
    pub fn resolve(
        args: &DashboardArgs,
        lookup: impl Fn(&str) -> Option<String>,
        source: &ConfigSource,
    ) -> Result<Self, String> {
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
                    .map_err(|e| format!("profile `{}`: {e}", chosen.name))?,
            )),
            None => None,
        };
        let decision = choice::decide(with_auth, choice::env_credentials(&lookup))
            .ok_or_else(|| missing_credentials(chosen, choice::env_hints(&lookup)))?;
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
        Ok(Self {
            client: ClientConfig::new(credentials).with_base_url(base_url),
            zone_id: args
                .zone
                .clone()
                .or_else(|| var("CLOUDFLARE_ZONE_ID"))
                .or_else(|| from_profile(|p| &p.zone)),
            account_id: args
                .account
                .clone()
                .or_else(|| var("CLOUDFLARE_ACCOUNT_ID"))
                .or_else(|| from_profile(|p| &p.account)),
            read_only: args.read_only
                || profile.is_some_and(|p| p.read_only)
                || decision.set_aside_read_only,
            profile: in_use.map(|p| p.name.to_owned()),
            credentials_from,
            credentials_note: decision.note,
        })
    }
}

/// The profile named by `--profile`, `TRUSTDECK_PROFILE` or `default_profile`.
fn choose_profile<'f>(
    args: &DashboardArgs,
    var: impl Fn(&str) -> Option<String>,
    file: &'f ConfigFile,
    source: &ConfigSource,
) -> Result<Option<ChosenProfile<'f>>, String> {
    let named = match (&args.profile, var(PROFILE_ENV), &file.default_profile) {
        (Some(name), _, _) => Some((name.trim().to_owned(), Chosen::Flag)),
        (None, Some(name), _) => Some((name, Chosen::Variable)),
        (None, None, Some(name)) => Some((name.trim().to_owned(), Chosen::Default)),
        (None, None, None) => None,
    };
    let Some((name, how)) = named else {
        return Ok(None);
    };
    if let Some((name, profile)) = file.profiles.get_key_value(&name) {
        return Ok(Some(ChosenProfile { name, profile, how }));
    }
    let how = how.words();
    let path = source.path.display();
    let known = file.profile_names();
    Err(if source.text.is_none() {
        format!(
            "there is no profile `{name}` (from {how}): the config file {path} does not exist. \
             Create it with a [profiles.{name}] table, or set {CONFIG_ENV} to another file."
        )
    } else if known.is_empty() {
        format!("there is no profile `{name}` (from {how}): {path} defines no profiles.")
    } else {
        format!(
            "there is no profile `{name}` (from {how}) in {path}. Known profiles: {}.",
            known.join(", ")
        )
    })
}

/// Why there are no credentials at all: half of a pair, or none.
fn missing_credentials(chosen: Option<ChosenProfile<'_>>, hints: choice::EnvHints) -> String {
    let hint = match chosen {
        None => {
            ", or use a profile of the config file (--profile) that names token_env or token_file"
                .to_owned()
        }
        Some(chosen) => format!(
            ", or give profile `{}` token_env = \"VARIABLE\" or token_file = \"PATH\"",
            chosen.name
        ),
    };
    let first = match hints.half_set {
        Some(half) => format!("{half}."),
        None => "no Cloudflare credentials found.".to_owned(),
    };
    let mut message = format!(
        "{first} Set {CREDENTIAL_VARIABLES} in the environment \
         (never on the command line){hint}, or try `trustdeck --demo`, which needs none."
    );
    for foreign in hints.foreign {
        message.push_str(&format!(" Note: {foreign}."));
    }
    message
}

/// The credentials a profile names, read from where it says.
fn profile_credentials(
    name: &str,
    auth: &ProfileAuth,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(Credentials, String), String> {
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
        let error = Config::resolve(&DashboardArgs::default(), env(&[]), &no_file()).unwrap_err();
        assert!(
            error.contains("CLOUDFLARE_API_TOKEN") && error.contains("CLOUDFLARE_API_KEY"),
            "{error}"
        );
        assert!(error.contains("--demo"), "{error}");
        assert!(error.contains("--profile"), "{error}");
        let config = Config::resolve(
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
            profile: Some("c".into()),
            ..DashboardArgs::default()
        };
        let zone = |args: &DashboardArgs, vars: &[(&str, &str)]| {
            Config::resolve(args, env(vars), &source).unwrap().zone_id
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
        let config = Config::resolve(&with_flag, env(&[token]), &source).unwrap();
        assert_eq!(config.profile.as_deref(), Some("c"));
    }

    #[test]
    fn a_profile_asked_for_without_a_config_file_says_where_it_looked() {
        let args = DashboardArgs {
            profile: Some("prod".into()),
            ..DashboardArgs::default()
        };
        let error =
            Config::resolve(&args, env(&[("CLOUDFLARE_API_TOKEN", "t")]), &no_file()).unwrap_err();
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
        let config = Config::resolve(
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
            Config::resolve(&DashboardArgs::default(), env(vars), &no_file()).unwrap_err()
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
        Config::resolve(
            &DashboardArgs::default(),
            env(&[("CLOUDFLARE_API_TOKEN", "t"), ("CLOUDFLARE_EMAIL", "a@b.c")]),
            &no_file(),
        )
        .unwrap();
    }
}
