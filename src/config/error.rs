//! Why a configuration could not be made, as data: each face turns it into
//! its own output (the dashboard prints it, a headless command also maps it
//! to an exit status). No variant carries a secret; a message names files,
//! variables and profiles, never a value that may be one.

use std::path::PathBuf;

use thiserror::Error;

use crate::api::credentials::CREDENTIAL_VARIABLES;
use crate::api::pacer::RateLimitError;

use super::choice::ProfileChoice;
use super::file::{CONFIG_ENV, ProfileProblem};

/// A configuration that cannot be used, and what to do about it.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// No credentials in the environment nor in the profile.
    #[error("no Cloudflare credentials found.{}", hints.text())]
    MissingCredentials {
        /// Where else they could come from, and names that look like them.
        hints: CredentialHints,
    },
    /// One half of `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY` without the other.
    #[error("{set} is set but {missing} is not: {why}.{}", hints.text())]
    HalfSetCredentials {
        /// The variable that is set.
        set: &'static str,
        /// The one that is missing.
        missing: &'static str,
        /// Why both are needed, and the alternative.
        why: &'static str,
        /// Where else credentials could come from.
        hints: CredentialHints,
    },
    /// A profile's secret comes from a variable that is not set.
    #[error("{what} comes from the environment variable {var}, which is not set")]
    SecretVariableUnset {
        /// The variable's name.
        var: String,
        /// Which secret, e.g. "the API token of profile `production`".
        what: String,
    },
    /// A secret file that group or others may read.
    #[error(
        "{}, which holds {what}, can be read by other users (mode {mode:03o}); make it yours \
         alone with `chmod 600 {}` and try again",
        path.display(),
        path.display()
    )]
    InsecureSecretFile {
        /// The file.
        path: PathBuf,
        /// Which secret it holds.
        what: String,
        /// Its permission bits.
        mode: u32,
    },
    /// A config file that group or others may change (and so point a
    /// profile's token at a host of theirs).
    #[error(
        "the config file {} can be changed by other users (mode {mode:03o}), who could send \
         your token to a host of theirs; make it writable by you alone with `chmod go-w {}` \
         and try again",
        path.display(),
        path.display()
    )]
    InsecureConfigFile {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A FIFO, device or directory where a file to read should be.
    #[error("{}, which should hold {what}, is not a regular file (it is {kind})", path.display())]
    NotRegularFile {
        /// The path.
        path: PathBuf,
        /// What it should hold, e.g. "trustdeck's configuration".
        what: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// A file larger than anything it should hold.
    #[error(
        "{}, which should hold {what}, is larger than {max} bytes: is it the right file?",
        path.display()
    )]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// What it should hold.
        what: String,
        /// The limit.
        max: u64,
    },
    /// The OS would not let a file be read.
    #[error("could not read {}, which holds {what}: {source}", path.display())]
    UnreadableFile {
        /// The file.
        path: PathBuf,
        /// What it holds.
        what: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A secret file whose content is not one secret.
    #[error("{}, which holds {what}, {problem}", path.display())]
    BadSecretFile {
        /// The file.
        path: PathBuf,
        /// Which secret it holds.
        what: String,
        /// What is wrong with it.
        problem: SecretFileProblem,
    },
    /// The config file is not valid TOML or not the expected shape.
    #[error("the config file {} is not valid:{}: {message}", path.display(), position_text(*position))]
    InvalidConfigFile {
        /// The file.
        path: PathBuf,
        /// 1-based line and column, when known.
        position: Option<(usize, usize)>,
        /// What is wrong; never quotes a value that may be a secret.
        message: String,
    },
    /// A profile that contradicts itself or names its secret wrongly.
    #[error("in the config file {}: profile `{name}`: {problem}", path.display())]
    BadProfile {
        /// The config file.
        path: PathBuf,
        /// The profile.
        name: String,
        /// What is wrong.
        problem: ProfileProblem,
    },
    /// The profile asked for is not in the file.
    #[error("{}", unknown_profile(name, from.words(), path, known, *file_exists))]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// Who asked for it.
        from: ProfileChoice,
        /// The config file.
        path: PathBuf,
        /// The profiles it has, sorted.
        known: Vec<String>,
        /// Whether the file exists at all.
        file_exists: bool,
    },
    /// A base URL given by flag or variable would send a profile's secret
    /// to another host than the profile's.
    #[error(
        "{from} is {url}, but profile `{profile}` (chosen by {chosen}) sends its {auth} only \
         to {own}: a profile's secret never goes to another host. Unset {from} (or drop the \
         flag) to use the profile, set base_url = \"{url}\" in the profile if that host is \
         meant to get its secret, or choose another profile."
    )]
    BaseUrlConflict {
        /// "--base-url" or "CLOUDFLARE_BASE_URL".
        from: &'static str,
        /// The URL given there.
        url: String,
        /// The profile whose credentials are used.
        profile: String,
        /// How the profile was chosen.
        chosen: ProfileChoice,
        /// Where its secret is, e.g. "token_env CF_PROD_TOKEN".
        auth: String,
        /// The profile's base URL (or Cloudflare's).
        own: String,
    },
    /// A rate limit that is not `N/DURATION` with both above zero.
    #[error(
        "{from}: {problem}; it is the requests your Cloudflare plan allows per window \
         (Cloudflare's default is 1200/5m)"
    )]
    BadRateLimit {
        /// The flag or the profile it came from.
        from: RateLimitOrigin,
        /// What is wrong with it.
        problem: RateLimitError,
    },
    /// A profile with a base URL but no credentials, while the environment's
    /// credentials may not go to a profile's base URL.
    #[error(
        "profile `{profile}` sets base_url {url} but names no credentials of its own, and the \
         environment's {env} {verb} only sent to --base-url, CLOUDFLARE_BASE_URL or \
         Cloudflare's API, never to a profile's base_url. Give profile `{profile}` token_env = \
         \"VARIABLE\" or token_file = \"PATH\" for that host, or pass --base-url {url} to send \
         the environment's credentials there on purpose."
    )]
    ProfileBaseUrlWithoutCredentials {
        /// The profile.
        profile: String,
        /// Its base URL.
        url: String,
        /// The environment's credential variables.
        env: &'static str,
        /// "is" or "are", after them.
        verb: &'static str,
    },
}

/// Where a refused rate limit was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateLimitOrigin {
    /// The `--rate-limit` flag.
    Flag,
    /// A profile's `rate_limit` key.
    Profile {
        /// The config file.
        path: PathBuf,
        /// The profile.
        name: String,
    },
}

impl std::fmt::Display for RateLimitOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Flag => f.write_str("--rate-limit"),
            Self::Profile { path, name } => write!(
                f,
                "rate_limit of profile `{name}` in the config file {}",
                path.display()
            ),
        }
    }
}

/// What else could supply credentials, for the messages when there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialHints {
    /// The profile in use, which could name its own secret.
    pub profile: Option<String>,
    /// Set variables of other tools (flarectl's), each with what to use instead.
    pub foreign: Vec<&'static str>,
}

impl CredentialHints {
    fn text(&self) -> String {
        let profile = match &self.profile {
            None => ", or use a profile of the config file (--profile) that names token_env or \
                     token_file"
                .to_owned(),
            Some(name) => format!(
                ", or give profile `{name}` token_env = \"VARIABLE\" or token_file = \"PATH\""
            ),
        };
        let mut text = format!(
            " Set {CREDENTIAL_VARIABLES} in the environment (never on the command \
             line){profile}, or try `trustdeck --demo`, which needs none."
        );
        for foreign in &self.foreign {
            text.push_str(&format!(" Note: {foreign}."));
        }
        text
    }
}

/// What is wrong with a secret file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SecretFileProblem {
    /// Nothing but blanks.
    #[error("is empty")]
    Empty,
    /// More than the secret.
    #[error("has more than one line: keep only the secret in it")]
    MoreThanOneLine,
    /// Not text.
    #[error("is not UTF-8 text")]
    NotText,
}

fn position_text(position: Option<(usize, usize)>) -> String {
    position
        .map(|(line, column)| format!(" line {line}, column {column}"))
        .unwrap_or_default()
}

fn unknown_profile(
    name: &str,
    from: &str,
    path: &std::path::Path,
    known: &[String],
    file_exists: bool,
) -> String {
    let path = path.display();
    if !file_exists {
        format!(
            "there is no profile `{name}` (from {from}): the config file {path} does not exist. \
             Create it with a [profiles.{name}] table, or set {CONFIG_ENV} to another file."
        )
    } else if known.is_empty() {
        format!("there is no profile `{name}` (from {from}): {path} defines no profiles.")
    } else {
        format!(
            "there is no profile `{name}` (from {from}) in {path}. Known profiles: {}.",
            known.join(", ")
        )
    }
}
