//! Which credentials are used, and the base URL that goes with them.
//!
//! Credentials and base URL always come from the same source, so a secret is
//! only ever sent to the host it was configured with:
//! - the environment's credentials go to `--base-url`, `CLOUDFLARE_BASE_URL`
//!   or Cloudflare's API, never to a profile's `base_url`;
//! - a profile's credentials go to that profile's `base_url` (or Cloudflare's
//!   API), and a `--base-url`/`CLOUDFLARE_BASE_URL` pointing elsewhere is refused.
//!
//! A profile chosen explicitly (`--profile`, `TRUSTDECK_PROFILE`) uses its own
//! credentials even when the environment has some. The file's
//! `default_profile` was chosen by nobody in particular: when the environment
//! has credentials, they win, and the default profile is set aside whole (its
//! secret, base URL, zone and account), except `read_only = true`, which an
//! ambient variable never lifts.

use crate::api::{Credentials, DEFAULT_BASE_URL};

use super::error::{ConfigError, CredentialHints};
use super::file::{PROFILE_ENV, Profile, ProfileAuth, SecretSource};

/// How the profile in use was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileChoice {
    /// `--profile NAME`.
    Flag,
    /// `TRUSTDECK_PROFILE=NAME`.
    Variable,
    /// The file's `default_profile`.
    Default,
}

impl std::fmt::Display for ProfileChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.words())
    }
}

impl ProfileChoice {
    /// Somebody named the profile for this run.
    pub fn explicit(self) -> bool {
        !matches!(self, Self::Default)
    }

    /// Where the name came from, as the user wrote it.
    pub fn words(self) -> &'static str {
        match self {
            Self::Flag => "--profile",
            Self::Variable => PROFILE_ENV,
            Self::Default => "default_profile",
        }
    }
}

/// A profile of the file, with its name and how it was chosen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChosenProfile<'f> {
    /// Its name in the file.
    pub name: &'f str,
    /// What it holds.
    pub profile: &'f Profile,
    /// Who chose it.
    pub how: ProfileChoice,
}

/// Credentials found in the environment, with the variables they came from.
pub(crate) struct EnvCredentials {
    /// The credentials.
    pub credentials: Credentials,
    /// The variables, e.g. "CLOUDFLARE_API_TOKEN".
    pub names: &'static str,
}

impl EnvCredentials {
    /// "is" for one variable, "are" for the email and key pair: the verb
    /// after [`EnvCredentials::names`].
    pub fn verb(&self) -> &'static str {
        match self.credentials {
            Credentials::Token(_) => "is",
            Credentials::GlobalKey { .. } => "are",
        }
    }
}

/// `CLOUDFLARE_API_TOKEN`, else `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`.
pub(crate) fn env_credentials(lookup: impl Fn(&str) -> Option<String>) -> Option<EnvCredentials> {
    let credentials = Credentials::from_lookup(lookup)?;
    let names = match credentials {
        Credentials::Token(_) => "CLOUDFLARE_API_TOKEN",
        Credentials::GlobalKey { .. } => "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
    };
    Some(EnvCredentials { credentials, names })
}

/// Why there are no credentials: one half of the legacy email + key pair,
/// or none at all; with flarectl's names for them when those are set. Each
/// sentence names variables, never their values.
pub(crate) fn missing(
    lookup: impl Fn(&str) -> Option<String>,
    profile: Option<&str>,
) -> ConfigError {
    let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
    let foreign = [
        (
            "CF_API_TOKEN",
            "CF_API_TOKEN is set, but that is flarectl's name: trustdeck reads \
             CLOUDFLARE_API_TOKEN (export CLOUDFLARE_API_TOKEN=\"$CF_API_TOKEN\")",
        ),
        (
            "CF_API_KEY",
            "CF_API_KEY is set, but that is flarectl's name: trustdeck reads \
             CLOUDFLARE_API_KEY, with CLOUDFLARE_EMAIL (export CLOUDFLARE_API_KEY=\"$CF_API_KEY\")",
        ),
        (
            "CF_API_EMAIL",
            "CF_API_EMAIL is set, but that is flarectl's name: trustdeck reads \
             CLOUDFLARE_EMAIL, with CLOUDFLARE_API_KEY (export CLOUDFLARE_EMAIL=\"$CF_API_EMAIL\")",
        ),
    ]
    .into_iter()
    .filter(|(name, _)| set(name))
    .map(|(_, hint)| hint)
    .collect();
    let hints = CredentialHints {
        profile: profile.map(str::to_owned),
        foreign,
    };
    match (set("CLOUDFLARE_EMAIL"), set("CLOUDFLARE_API_KEY")) {
        (true, false) => ConfigError::HalfSetCredentials {
            set: "CLOUDFLARE_EMAIL",
            missing: "CLOUDFLARE_API_KEY",
            why: "the legacy global key needs both (or use an API token in \
                  CLOUDFLARE_API_TOKEN instead)",
            hints,
        },
        (false, true) => ConfigError::HalfSetCredentials {
            set: "CLOUDFLARE_API_KEY",
            missing: "CLOUDFLARE_EMAIL",
            why: "a global API key is sent with its account's email, so set CLOUDFLARE_EMAIL \
                  too (or use an API token in CLOUDFLARE_API_TOKEN instead)",
            hints,
        },
        _ => ConfigError::MissingCredentials { hints },
    }
}

/// Where the credentials in use come from.
pub(crate) enum Origin<'f> {
    /// The environment's, with the profile that still applies (one that
    /// names no credentials of its own), if any.
    Env {
        /// The credentials.
        env: EnvCredentials,
        /// The profile whose zone, account and read-only still apply.
        profile: Option<ChosenProfile<'f>>,
    },
    /// The profile's own.
    Profile {
        /// The profile.
        profile: ChosenProfile<'f>,
        /// Where its secret is.
        auth: ProfileAuth,
    },
}

/// The decision, and the secret-free sentence explaining it when the
/// environment's credentials and a profile's were both there.
pub(crate) struct Decision<'f> {
    /// Whose credentials are used.
    pub origin: Origin<'f>,
    /// Why the other ones are not, when there were two.
    pub note: Option<String>,
    /// A default profile set aside for the environment's credentials asked
    /// for read-only mode, which stays on.
    pub set_aside_read_only: bool,
}

/// Picks the credentials' origin; `None` when there are none at all.
pub(crate) fn decide<'f>(
    chosen: Option<(ChosenProfile<'f>, Option<ProfileAuth>)>,
    env: Option<EnvCredentials>,
) -> Option<Decision<'f>> {
    let decision = |origin, note, set_aside_read_only| Decision {
        origin,
        note,
        set_aside_read_only,
    };
    Some(match (chosen, env) {
        (Some((profile, Some(auth))), Some(env)) if profile.how.explicit() => {
            let note = format!(
                "{} {} set but not used: profile `{}`, chosen by {}, uses its {}",
                env.names,
                env.verb(),
                profile.name,
                profile.how.words(),
                describe_auth(&auth),
            );
            decision(Origin::Profile { profile, auth }, Some(note), false)
        }
        (Some((profile, Some(auth))), Some(env)) => {
            let read_only = profile.profile.read_only;
            let note = format!(
                "{names} {verb} used, not default_profile `{name}` (its {auth}{kept}): the \
                 environment wins over a default profile. To use the profile, choose it with \
                 --profile {name} or {PROFILE_ENV}={name}",
                names = env.names,
                verb = env.verb(),
                name = profile.name,
                auth = describe_auth(&auth),
                kept = if read_only {
                    ", base_url, zone and account are set aside; its read_only = true still applies"
                } else {
                    ", base_url, zone and account are set aside"
                },
            );
            decision(Origin::Env { env, profile: None }, Some(note), read_only)
        }
        (Some((profile, Some(auth))), None) => {
            decision(Origin::Profile { profile, auth }, None, false)
        }
        (Some((profile, None)), Some(env)) => decision(
            Origin::Env {
                env,
                profile: Some(profile),
            },
            None,
            false,
        ),
        (None, Some(env)) => decision(Origin::Env { env, profile: None }, None, false),
        (_, None) => return None,
    })
}

/// "token_env CF_PROD_TOKEN", "key_file ~/k" (where, never the secret).
pub(crate) fn describe_auth(auth: &ProfileAuth) -> String {
    let (kind, source) = match auth {
        ProfileAuth::Token(source) => ("token", source),
        ProfileAuth::GlobalKey { key, .. } => ("key", key),
    };
    match source {
        SecretSource::Env(var) => format!("{kind}_env {var}"),
        SecretSource::File(path) => format!("{kind}_file {path}"),
    }
}

/// A base URL given outside the config file, and where it was given.
pub(crate) struct Override {
    /// The URL.
    pub url: String,
    /// "--base-url" or "CLOUDFLARE_BASE_URL".
    pub from: &'static str,
}

/// The base URL that goes with `origin`'s credentials.
pub(crate) fn base_url(
    origin: &Origin<'_>,
    given: Option<Override>,
) -> Result<String, ConfigError> {
    match origin {
        Origin::Env { env, profile } => match (given, profile) {
            (Some(given), _) => Ok(given.url),
            (None, Some(profile)) => match profile_base_url(profile.profile) {
                Some(url) => Err(ConfigError::ProfileBaseUrlWithoutCredentials {
                    profile: profile.name.to_owned(),
                    url,
                    env: env.names,
                    verb: env.verb(),
                }),
                None => Ok(DEFAULT_BASE_URL.to_owned()),
            },
            (None, None) => Ok(DEFAULT_BASE_URL.to_owned()),
        },
        Origin::Profile { profile, auth } => {
            let own =
                profile_base_url(profile.profile).unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
            match given {
                Some(given) if !same_url(&given.url, &own) => Err(ConfigError::BaseUrlConflict {
                    from: given.from,
                    url: given.url,
                    profile: profile.name.to_owned(),
                    chosen: profile.how,
                    auth: describe_auth(auth),
                    own,
                }),
                _ => Ok(own),
            }
        }
    }
}

fn profile_base_url(profile: &Profile) -> Option<String> {
    profile
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether two API roots name the same place: scheme, host, port and path,
/// ignoring case of the host, a default port and a trailing slash.
pub(crate) fn same_url(a: &str, b: &str) -> bool {
    let parse = |text: &str| {
        url::Url::parse(text.trim()).ok().map(|url| {
            (
                url.scheme().to_owned(),
                url.host_str().map(str::to_ascii_lowercase),
                url.port_or_known_default(),
                url.path().trim_end_matches('/').to_owned(),
            )
        })
    };
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_url_ignores_a_trailing_slash_case_and_default_port() {
        assert!(same_url(
            "https://API.cloudflare.com:443/client/v4/",
            "https://api.cloudflare.com/client/v4"
        ));
        assert!(!same_url(
            "https://api.cloudflare.com/client/v4",
            "https://api.cloudflare.com.evil.example/client/v4"
        ));
        assert!(!same_url(
            "http://127.0.0.1:1/client/v4",
            "http://127.0.0.1:2/client/v4"
        ));
        assert!(!same_url(
            "https://example.com/client/v4",
            "http://example.com/client/v4"
        ));
    }
}
