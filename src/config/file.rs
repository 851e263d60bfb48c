//! The config file: where it is, what it may hold (named profiles, never a
//! secret), and the errors that point at the line to fix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ConfigError;
use super::secret::expand_tilde;
use crate::files::{ReadError, read_regular_file};

/// The largest config file read.
const MAX_CONFIG_FILE: u64 = 1024 * 1024;

/// The variable that overrides where the config file is.
pub const CONFIG_ENV: &str = "TRUSTDECK_CONFIG";
/// The variable that picks a profile when `--profile` is not given.
pub const PROFILE_ENV: &str = "TRUSTDECK_PROFILE";

/// Where the config file is: `$TRUSTDECK_CONFIG` (a leading `~` is the home
/// directory) when set, else `config.toml` under the user's config directory,
/// e.g. `~/.config/trustdeck/config.toml` on Linux.
pub fn config_path(lookup: impl Fn(&str) -> Option<String>) -> PathBuf {
    match lookup(CONFIG_ENV).filter(|v| !v.trim().is_empty()) {
        Some(path) => expand_tilde(path.trim(), &lookup),
        None => default_config_path(),
    }
}

/// `config.toml` under the platform's config directory.
pub fn default_config_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("trustdeck")
        .join("config.toml")
}

/// The config file as found: its path, and its text (`None`: there is none,
/// which is fine: there are no profiles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// Where it was looked for, for messages.
    pub path: PathBuf,
    /// What it holds, if it exists.
    pub text: Option<String>,
}

impl ConfigSource {
    /// No config file at `path`.
    pub fn missing(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            text: None,
        }
    }

    /// A config file's text, as if read from `path` (for tests).
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: Some(text.into()),
        }
    }

    /// Reads the file at `path`; a missing file is not an error. One that
    /// other users can change is refused (they could point a profile's token
    /// at their own host), and so is anything but a regular file.
    pub fn read(path: impl Into<PathBuf>) -> Result<Self, ConfigError> {
        let path = path.into();
        let what = || "trustdeck's configuration".to_owned();
        let file = match read_regular_file(&path, MAX_CONFIG_FILE) {
            Ok(file) => file,
            Err(e) if e.is_not_found() => return Ok(Self::missing(path)),
            Err(e) => return Err(read_error(path, what(), e)),
        };
        check_not_writable_by_others(&path, &file.metadata)?;
        match String::from_utf8(file.bytes) {
            Ok(text) => Ok(Self {
                path,
                text: Some(text),
            }),
            Err(_) => Err(ConfigError::InvalidConfigFile {
                path,
                position: None,
                message: "it is not UTF-8 text".to_owned(),
            }),
        }
    }

    /// The parsed, checked file (empty when there is none).
    pub fn parse(&self) -> Result<ConfigFile, ConfigError> {
        let file = self.parse_shape()?;
        for (name, profile) in &file.profiles {
            profile.auth().map_err(|problem| ConfigError::BadProfile {
                path: self.path.clone(),
                name: name.clone(),
                problem,
            })?;
        }
        Ok(file)
    }
}

impl ConfigSource {
    /// The file as TOML of the expected shape, its profiles not yet checked.
    pub(super) fn parse_shape(&self) -> Result<ConfigFile, ConfigError> {
        let Some(text) = &self.text else {
            return Ok(ConfigFile::default());
        };
        toml::from_str(text).map_err(|e| parse_error(&self.path, text, &e))
    }
}

/// A [`ReadError`] of the file at `path`, which holds `what`.
pub(crate) fn read_error(path: PathBuf, what: String, error: ReadError) -> ConfigError {
    match error {
        ReadError::Io(source) => ConfigError::UnreadableFile { path, what, source },
        ReadError::NotRegular { kind } => ConfigError::NotRegularFile { path, what, kind },
        ReadError::TooLarge { max } => ConfigError::FileTooLarge { path, what, max },
    }
}

#[cfg(unix)]
fn check_not_writable_by_others(
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(ConfigError::InsecureConfigFile {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_not_writable_by_others(
    _path: &Path,
    _metadata: &std::fs::Metadata,
) -> Result<(), ConfigError> {
    Ok(())
}

/// The whole config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when neither `--profile` nor `TRUSTDECK_PROFILE` names one.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// The dashboard's key rebindings, checked by
    /// [`ConfigSource::appearance`]; the headless commands ignore them.
    #[serde(default)]
    pub keys: Option<toml::Table>,
    /// The dashboard's theme: a name, or a table of colours per role.
    #[serde(default)]
    pub theme: Option<toml::Value>,
}

/// How a profile's requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// An API token (`token_env` or `token_file`).
    Token,
    /// The legacy email + global API key (`email`, and `key_env` or `key_file`).
    GlobalKey,
}

/// One named profile. Every field is optional; flags and the environment win
/// over each. A secret is never written here, only where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The API root.
    pub base_url: Option<String>,
    /// `"token"` or `"global_key"`; inferred from the fields below when absent.
    pub auth: Option<AuthMethod>,
    /// The environment variable that holds the API token.
    pub token_env: Option<String>,
    /// A file, readable only by its owner, that holds the API token.
    pub token_file: Option<String>,
    /// The account email of a global key (not secret).
    pub email: Option<String>,
    /// The environment variable that holds the global API key.
    pub key_env: Option<String>,
    /// A file, readable only by its owner, that holds the global API key.
    pub key_file: Option<String>,
    /// The zone to open.
    pub zone: Option<String>,
    /// The account to open.
    pub account: Option<String>,
    /// Hide every write (the `--read-only` flag turns it on too).
    #[serde(default)]
    pub read_only: bool,
    /// The rate limit of this profile's credentials, `N/DURATION` (e.g.
    /// `4000/5m` on a plan that raised it); `--rate-limit` wins over it.
    pub rate_limit: Option<String>,
}

/// Where a profile's secret comes from, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable's name.
    Env(String),
    /// A file's path, as written (`~` not yet expanded).
    File(String),
}

/// A profile's credentials, once checked, without the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileAuth {
    /// An API token from here.
    Token(SecretSource),
    /// A global key of this email, from here.
    GlobalKey {
        /// The account email.
        email: String,
        /// Where the key is.
        key: SecretSource,
    },
}

/// What is wrong with a profile's credential fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileProblem {
    /// Token fields and global-key fields together, without `auth`.
    #[error(
        "it mixes an API token (token_env/token_file) with a global key (email, \
         key_env/key_file): keep one, or say which with auth = \"token\" or auth = \"global_key\""
    )]
    MixedAuth,
    /// `auth = "token"` with global-key fields.
    #[error("auth = \"token\" takes no email, key_env or key_file; remove them")]
    TokenWithKeyFields,
    /// `auth = "token"` without a source.
    #[error("auth = \"token\" needs token_env = \"VARIABLE\" or token_file = \"PATH\"")]
    TokenWithoutSource,
    /// `auth = "global_key"` with token fields.
    #[error("auth = \"global_key\" takes no token_env or token_file; remove them")]
    KeyWithTokenFields,
    /// `auth = "global_key"` without an email.
    #[error("auth = \"global_key\" needs email = \"you@example.com\"")]
    KeyWithoutEmail,
    /// `auth = "global_key"` without a source.
    #[error("auth = \"global_key\" needs key_env = \"VARIABLE\" or key_file = \"PATH\"")]
    KeyWithoutSource,
    /// `token_env = ""` and the like.
    #[error("{what}_env and {what}_file may not be empty")]
    EmptySource {
        /// "token" or "key".
        what: &'static str,
    },
    /// A field that should name where the secret is seems to be the secret.
    #[error("{what}_{field} seems to hold the secret itself (not shown); it should {should}")]
    SecretInsteadOfSource {
        /// "token" or "key".
        what: &'static str,
        /// "env" or "file".
        field: &'static str,
        /// What it should be.
        should: &'static str,
    },
    /// `token_env` that is no variable name.
    #[error("{what}_env should name an environment variable (letters, digits and _)")]
    NotAVariableName {
        /// "token" or "key".
        what: &'static str,
    },
    /// Both `token_env` and `token_file` (or both key fields).
    #[error("it names both {what}_env and {what}_file: keep one")]
    BothSources {
        /// "token" or "key".
        what: &'static str,
    },
}

impl ConfigFile {
    /// The names of the profiles, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }
}

impl Profile {
    /// Where this profile's credentials come from, or `None` when it names
    /// none (they must then come from the environment).
    pub fn auth(&self) -> Result<Option<ProfileAuth>, ProfileProblem> {
        let token = one_source(&self.token_env, &self.token_file, "token")?;
        let key = one_source(&self.key_env, &self.key_file, "key")?;
        let method = match self.auth {
            Some(method) => method,
            None => match (&token, &key, &self.email) {
                (None, None, None) => return Ok(None),
                (Some(_), None, None) => AuthMethod::Token,
                (None, _, _) => AuthMethod::GlobalKey,
                (Some(_), _, _) => return Err(ProfileProblem::MixedAuth),
            },
        };
        match method {
            AuthMethod::Token => {
                if key.is_some() || self.email.is_some() {
                    return Err(ProfileProblem::TokenWithKeyFields);
                }
                let source = token.ok_or(ProfileProblem::TokenWithoutSource)?;
                Ok(Some(ProfileAuth::Token(source)))
            }
            AuthMethod::GlobalKey => {
                if token.is_some() {
                    return Err(ProfileProblem::KeyWithTokenFields);
                }
                let email = self
                    .email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .ok_or(ProfileProblem::KeyWithoutEmail)?;
                let key = key.ok_or(ProfileProblem::KeyWithoutSource)?;
                Ok(Some(ProfileAuth::GlobalKey {
                    email: email.to_owned(),
                    key,
                }))
            }
        }
    }
}

fn one_source(
    env: &Option<String>,
    file: &Option<String>,
    what: &'static str,
) -> Result<Option<SecretSource>, ProfileProblem> {
    let blank = |v: &Option<String>| v.as_deref().is_some_and(|v| v.trim().is_empty());
    if blank(env) || blank(file) {
        return Err(ProfileProblem::EmptySource { what });
    }
    for (value, field, should) in [
        (
            env,
            "env",
            "name an environment variable, e.g. CF_PROD_TOKEN",
        ),
        (file, "file", "be the path of a file that holds it"),
    ] {
        if value
            .as_deref()
            .is_some_and(|v| looks_like_secret(v.trim()))
        {
            return Err(ProfileProblem::SecretInsteadOfSource {
                what,
                field,
                should,
            });
        }
    }
    if let Some(var) = env
        && !is_variable_name(var.trim())
    {
        return Err(ProfileProblem::NotAVariableName { what });
    }
    match (env, file) {
        (Some(_), Some(_)) => Err(ProfileProblem::BothSources { what }),
        (Some(var), None) => Ok(Some(SecretSource::Env(var.trim().to_owned()))),
        (None, Some(path)) => Ok(Some(SecretSource::File(path.trim().to_owned()))),
        (None, None) => Ok(None),
    }
}

/// Whether a value that should be a name (a variable, a path, a variant)
/// looks like a pasted token or key instead: long, one word, letters and
/// digits, no path separator or dot. Such a value is never echoed.
pub(crate) fn looks_like_secret(value: &str) -> bool {
    value.len() >= 20
        && !value.contains(['/', '\\', '.', '~'])
        && !value.chars().any(char::is_whitespace)
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_lowercase())
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A TOML error as `PATH:LINE:COLUMN: message`. The offending line is not
/// quoted: it might be a secret someone pasted in.
fn parse_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    ConfigError::InvalidConfigFile {
        path: path.to_owned(),
        position: error.span().map(|span| line_column(text, span.start)),
        message: explain(error.message()),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Says what to do instead of a secret written inline, and keeps a value
/// that may be a secret in the wrong place out of the other messages.
fn explain(message: &str) -> String {
    let message = message.trim_end();
    for kind in ["invalid type: string \"", "invalid value: string \""] {
        if let Some(rest) = message.strip_prefix(kind)
            && let Some(at) = rest.rfind("\", expected")
        {
            let what = kind.trim_end_matches(" string \"");
            return format!("{what} a string (not shown){}", &rest[at + 1..]);
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((variant, tail)) = rest.split_once('`')
        && looks_like_secret(variant)
    {
        return format!("unknown variant (not shown: it looks like a secret){tail}");
    }
    let field = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    let Some(field) = field else {
        return message.to_owned();
    };
    let lower = field.to_ascii_lowercase();
    let secretish = ["token", "key", "secret", "password"]
        .iter()
        .any(|word| lower.contains(word));
    if !secretish {
        return message.to_owned();
    }
    let (env, file) = if lower.contains("token") {
        ("token_env", "token_file")
    } else {
        ("key_env", "key_file")
    };
    format!(
        "`{field}` would put a secret in the config file, which is never allowed. \
         Say where it comes from instead: {env} = \"VARIABLE\" (an environment variable) \
         or {file} = \"PATH\" (a file only you can read: chmod 600 PATH)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
        assert_eq!(line_column("abc", 0), (1, 1));
    }

    #[test]
    fn an_inline_secret_is_refused_at_its_line_without_its_value() {
        let text = "[profiles.p]\nzone = \"z\"\napi_token = \"hunter2-secret\"\n";
        let error = ConfigSource::from_text("/c.toml", text)
            .parse()
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(
            error.contains("token_env") && error.contains("token_file"),
            "{error}"
        );
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn a_secret_in_the_wrong_field_is_not_echoed() {
        let token = "Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789abcd";
        for text in [
            format!("[profiles.p]\nauth = \"{token}\"\n"),
            format!("[profiles.p]\nread_only = \"{token}\"\n"),
            format!("[profiles.p]\ntoken_env = \"{token}\"\n"),
            format!("[profiles.p]\nkey_file = \"{token}\"\nemail = \"a@b.c\"\n"),
            format!("[profiles.p]\ntoken_env = \"{token}-x\"\n"),
        ] {
            let error = ConfigSource::from_text("/c.toml", text.clone())
                .parse()
                .unwrap_err()
                .to_string();
            assert!(!error.contains(token), "{text}: {error}");
        }
        assert!(!looks_like_secret("CF_PROD_TOKEN"));
        assert!(!looks_like_secret("~/.config/trustdeck/prod.token"));
        assert!(looks_like_secret(token));
    }

    #[test]
    fn auth_is_inferred_and_checked() {
        let token = Profile {
            token_env: Some("T".into()),
            ..Profile::default()
        };
        assert_eq!(
            token.auth().unwrap(),
            Some(ProfileAuth::Token(SecretSource::Env("T".into())))
        );
        let mixed = Profile {
            token_env: Some("T".into()),
            key_env: Some("K".into()),
            ..Profile::default()
        };
        assert_eq!(mixed.auth().unwrap_err(), ProfileProblem::MixedAuth);
        let no_email = Profile {
            key_file: Some("/k".into()),
            ..Profile::default()
        };
        assert!(no_email.auth().unwrap_err().to_string().contains("email"));
        let both = Profile {
            token_env: Some("T".into()),
            token_file: Some("/t".into()),
            ..Profile::default()
        };
        assert!(both.auth().unwrap_err().to_string().contains("both"));
        assert_eq!(Profile::default().auth().unwrap(), None);
    }
}
