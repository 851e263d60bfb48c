//! Reading a profile's secret: from a named environment variable, or from a
//! file only its owner can read. No error here ever carries the secret.

use std::path::{Path, PathBuf};

use crate::files::read_regular_file;

use super::error::{ConfigError, SecretFileProblem};
use super::file::{SecretSource, read_error};

/// `~` or `~/...` becomes the home directory (`HOME` from `lookup`, else the
/// platform's); other paths are kept as written.
pub fn expand_tilde(path: &str, lookup: impl Fn(&str) -> Option<String>) -> PathBuf {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') || rest.starts_with(std::path::MAIN_SEPARATOR) => {
            &rest[1..]
        }
        _ => return PathBuf::from(path),
    };
    let home = lookup("HOME")
        .filter(|h| !h.trim().is_empty())
        .map(PathBuf::from)
        .or_else(dirs::home_dir);
    match home {
        Some(home) if rest.is_empty() => home,
        Some(home) => home.join(rest),
        None => PathBuf::from(path),
    }
}

/// The secret `source` points at. `what` names it for messages, e.g.
/// "the API token of profile `production`".
pub fn read_secret(
    source: &SecretSource,
    what: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    match source {
        SecretSource::Env(var) => lookup(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConfigError::SecretVariableUnset {
                var: var.clone(),
                what: what.to_owned(),
            }),
        SecretSource::File(path) => read_secret_file(&expand_tilde(path, lookup), what),
    }
}

/// The largest secret file read: a token is 40 characters.
const MAX_SECRET_FILE: u64 = 16 * 1024;

/// Reads a secret file, refusing one that group or others may read, and
/// anything but a regular file (a FIFO there would hang the start).
pub fn read_secret_file(path: &Path, what: &str) -> Result<String, ConfigError> {
    let file = read_regular_file(path, MAX_SECRET_FILE)
        .map_err(|e| read_error(path.to_owned(), what.to_owned(), e))?;
    check_private(path, &file.metadata, what)?;
    let bad = |problem| ConfigError::BadSecretFile {
        path: path.to_owned(),
        what: what.to_owned(),
        problem,
    };
    let text = String::from_utf8(file.bytes).map_err(|_| bad(SecretFileProblem::NotText))?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(bad(SecretFileProblem::Empty));
    }
    if secret.contains(['\n', '\r']) {
        return Err(bad(SecretFileProblem::MoreThanOneLine));
    }
    Ok(secret.to_owned())
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata, what: &str) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ConfigError::InsecureSecretFile {
            path: path.to_owned(),
            what: what.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(
    _path: &Path,
    _metadata: &std::fs::Metadata,
    _what: &str,
) -> Result<(), ConfigError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(name: &str) -> Option<String> {
        (name == "HOME").then(|| "/home/ada".to_owned())
    }

    #[test]
    fn a_leading_tilde_is_the_home_directory() {
        assert_eq!(
            expand_tilde("~/.config/t.token", home),
            PathBuf::from("/home/ada/.config/t.token")
        );
        assert_eq!(expand_tilde("~", home), PathBuf::from("/home/ada"));
        assert_eq!(expand_tilde("/etc/~x", home), PathBuf::from("/etc/~x"));
        assert_eq!(expand_tilde("~bob/x", home), PathBuf::from("~bob/x"));
    }

    #[test]
    fn an_unset_variable_is_named_in_the_error() {
        let error = read_secret(&SecretSource::Env("CF_X".into()), "the token", |_| None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("CF_X"), "{error}");
    }
}
