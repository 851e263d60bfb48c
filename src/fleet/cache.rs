//! The last scan, kept so that the next start shows it at once (with its age)
//! while a refresh runs: one file per kind of scan (zones, accounts), API and
//! credential identity (and account, when a zone scan was limited to one) in
//! `dirs::cache_dir()/trustdeck/`.
//!
//! The identity is never the secret nor anything made from it: a token is
//! named by its id (from `tokens/verify`), a global key by its account
//! email. The file is the user's alone (0600, written atomically) and is
//! read back with a size limit; one that is damaged, of another format or of
//! other credentials is ignored with a warning.

use std::io::{self, BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tracing::warn;

use super::account_row::AccountRow;
use super::account_table::AccountScan;
use super::event::ScanOutcome;
use super::row::FleetRow;
use super::table::{FleetScan, unix_now};
use crate::api::{ApiError, Client};
use crate::files::{AtomicPrivateFile, ReadError, create_private_dir, read_regular_file};

/// The format written; a file of another one is ignored.
pub const CACHE_FORMAT: u32 = 1;
/// The largest cache file read: a row takes about 420 bytes, so a million
/// zones (the scan's bound) fit.
pub(super) const MAX_CACHE_FILE: u64 = 1024 * 1024 * 1024;
/// How far ahead of this machine's clock a cached scan may be dated and
/// still be used: clocks of two machines sharing a home folder drift by
/// seconds, not minutes. A scan dated later than this (a wrong clock when it
/// was written, or an edited file) would look fresh for as long as the
/// future lasts, so it is not used at all: the next plan reads again.
pub const CLOCK_SKEW: u64 = 60;

/// Who the credentials are, without their secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialIdentity {
    /// An API token, by its id.
    Token {
        /// The id `tokens/verify` reports (not the secret).
        id: String,
    },
    /// A global API key, by its account's email.
    GlobalKey {
        /// The `X-Auth-Email`.
        email: String,
    },
}

/// Finds out who `client`'s credentials are: a global key by its email (no
/// request), a token by its id from `GET /user/tokens/verify`, or, for a
/// token owned by `account_id`, from that account's `tokens/verify`.
pub async fn identify(
    client: &Client,
    account_id: Option<&str>,
) -> Result<CredentialIdentity, ApiError> {
    if let Some(email) = client.key_email() {
        return Ok(CredentialIdentity::GlobalKey {
            email: email.to_owned(),
        });
    }
    let verified = match (client.verify_token().await, account_id) {
        (Err(ApiError::Auth { .. }), Some(account)) => client.verify_account_token(account).await,
        (result, _) => result,
    }?;
    let id = verified.result.id.trim().to_owned();
    if id.is_empty() {
        return Err(ApiError::Decode {
            status: 200,
            detail: "the token verification named no token id".to_owned(),
        });
    }
    Ok(CredentialIdentity::Token { id })
}

/// Which cached scan: the API, the credentials and the scan's scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CacheKey {
    /// The API root without its scheme, e.g. `api.cloudflare.com/client/v4`.
    pub api: String,
    /// Whose view of the zones it is.
    pub identity: CredentialIdentity,
    /// The account the scan was limited to, if it was.
    pub account_id: Option<String>,
}

impl CacheKey {
    /// The key of a scan through `base_url` (an API root).
    pub fn new(base_url: &str, identity: CredentialIdentity, account_id: Option<String>) -> Self {
        let api = match url::Url::parse(base_url) {
            Ok(url) => {
                let host = url.host_str().unwrap_or_default();
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                format!("{host}{port}{}", url.path().trim_end_matches('/'))
            }
            Err(_) => base_url.to_owned(),
        };
        Self {
            api,
            identity,
            account_id,
        }
    }

    /// The zone scan's file name: every part spelt out with only
    /// `[A-Za-z0-9.-]` and `_XX` escapes, so different keys never share a
    /// file.
    pub fn file_name(&self) -> String {
        self.file_name_of("fleet")
    }

    /// The accounts scan's file name, spelt as [`CacheKey::file_name`].
    pub fn accounts_file_name(&self) -> String {
        self.file_name_of("accounts")
    }

    fn file_name_of(&self, kind: &str) -> String {
        let who = match &self.identity {
            CredentialIdentity::Token { id } => format!("token-{}", escape(id)),
            CredentialIdentity::GlobalKey { email } => format!("key-{}", escape(email)),
        };
        let scope = match &self.account_id {
            Some(account) => format!("account-{}", escape(account)),
            None => "all".to_owned(),
        };
        format!("{kind}-{}-{who}-{scope}.json", escape(&self.api))
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'.' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("_{byte:02x}"));
        }
    }
    out
}

/// Why a cached scan was not used. The messages name the file, never a secret.
#[derive(Debug, Error)]
pub enum CacheWarning {
    /// The file could not be read.
    #[error("the cached scan {} could not be read ({detail}); scanning afresh", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// Not a cached scan of this format.
    #[error("the cached scan {} is damaged ({detail}); it is ignored", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What does not fit.
        detail: String,
    },
    /// Written by another version of trustdeck.
    #[error(
        "the cached scan {} has format {found}, not {CACHE_FORMAT}; it is ignored",
        path.display()
    )]
    OtherFormat {
        /// The file.
        path: PathBuf,
        /// The format it says it has.
        found: u64,
    },
    /// Dated later than now by more than [`CLOCK_SKEW`].
    #[error(
        "the cached scan {} is dated {ahead}s ahead of this machine's clock (a wrong clock or an edited file); it is ignored and the zones are read again",
        path.display()
    )]
    FromTheFuture {
        /// The file.
        path: PathBuf,
        /// How far ahead of the clock its latest date is, in seconds.
        ahead: u64,
    },
    /// Of other credentials, another API or another scope.
    #[error("the cached scan {} belongs to another API or credentials; it is ignored", path.display())]
    OtherKey {
        /// The file.
        path: PathBuf,
    },
}

/// The file, once its `format` is known to be [`CACHE_FORMAT`]: the key it
/// belongs to, and the scan (written by [`CacheWriter`] in this shape).
#[derive(Deserialize)]
#[serde(bound = "S: DeserializeOwned")]
struct CacheFile<S> {
    key: CacheKey,
    scan: S,
}

/// A kind of scan the cache keeps.
trait Cached: DeserializeOwned {
    /// The latest date it holds.
    fn latest(&self) -> u64;
}

impl Cached for FleetScan {
    fn latest(&self) -> u64 {
        let read = self.rows().iter().map(|row| row.read_at);
        latest_of(read, self.started_at, self.finished_at)
    }
}

impl Cached for AccountScan {
    fn latest(&self) -> u64 {
        let read = self.rows().iter().map(|row| row.read_at);
        latest_of(read, self.started_at, self.finished_at)
    }
}

/// The latest of a scan's dates: when its rows were read, began and ended.
fn latest_of(read_at: impl Iterator<Item = u64>, started_at: u64, finished_at: Option<u64>) -> u64 {
    read_at
        .chain([started_at])
        .chain(finished_at)
        .max()
        .unwrap_or_default()
}

/// Where cached scans live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCache {
    /// The folder of the files.
    dir: PathBuf,
}

impl ScanCache {
    /// `dirs::cache_dir()/trustdeck` (e.g. `~/.cache/trustdeck`), if the
    /// platform has a cache directory.
    pub fn default_location() -> Option<Self> {
        dirs::cache_dir().map(|dir| Self::in_dir(dir.join("trustdeck")))
    }

    /// Cached scans in `dir`, created (0700) when the first one is written.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder of the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`.
    pub fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The file of `key`'s accounts scan.
    pub fn accounts_path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(key.accounts_file_name())
    }

    /// The cached scan of `key`: `Ok(None)` when there is none, `Err` (also
    /// logged) when one is there but cannot be used.
    pub fn load(&self, key: &CacheKey) -> Result<Option<FleetScan>, CacheWarning> {
        load_from(&self.path(key), key)
    }

    /// The cached accounts scan of `key`, as [`ScanCache::load`].
    pub fn load_accounts(&self, key: &CacheKey) -> Result<Option<AccountScan>, CacheWarning> {
        load_from(&self.accounts_path(key), key)
    }

    /// Writes `scan` as the cached accounts scan of `key`, as
    /// [`ScanCache::store`].
    pub fn store_accounts(&self, key: &CacheKey, scan: &AccountScan) -> io::Result<()> {
        let mut writer = self.accounts_writer(key)?;
        for row in scan.rows() {
            writer.row(row)?;
        }
        writer.finish(scan.started_at, scan.finished_at, scan.outcome.as_ref())
    }

    /// The cached accounts scan of `key` written as its rows come, as
    /// [`ScanCache::writer`].
    pub fn accounts_writer(&self, key: &CacheKey) -> io::Result<CacheWriter<AccountRow>> {
        self.open(&self.accounts_path(key), key, None)
    }

    /// Writes `scan` as the cached scan of `key`, atomically, readable by the
    /// user alone, a row at a time (no copy of the file in memory).
    pub fn store(&self, key: &CacheKey, scan: &FleetScan) -> io::Result<()> {
        let mut writer = self.writer(key, scan.account_id.as_deref())?;
        for row in scan.rows() {
            writer.row(row)?;
        }
        writer.finish(scan.started_at, scan.finished_at, scan.outcome.as_ref())
    }

    /// The cached scan of `key` (of `account_id`) written as its rows come:
    /// the previous one stays in place until [`CacheWriter::finish`]; a
    /// writer dropped before leaves it so.
    pub fn writer(&self, key: &CacheKey, account_id: Option<&str>) -> io::Result<CacheWriter> {
        self.open(&self.path(key), key, Some(account_id))
    }

    /// A cache file at `path` to write rows to; `scope`: the zone scan's
    /// account (the accounts scan has none).
    fn open<R: Serialize>(
        &self,
        path: &Path,
        key: &CacheKey,
        scope: Option<Option<&str>>,
    ) -> io::Result<CacheWriter<R>> {
        create_private_dir(&self.dir)?;
        let mut out = BufWriter::new(AtomicPrivateFile::create(path)?);
        write!(out, "{{\"format\":{CACHE_FORMAT},\"key\":")?;
        serde_json::to_writer(&mut out, key)?;
        out.write_all(b",\"scan\":{")?;
        if let Some(account_id) = scope {
            out.write_all(b"\"account_id\":")?;
            serde_json::to_writer(&mut out, &account_id)?;
            out.write_all(b",")?;
        }
        out.write_all(b"\"rows\":[")?;
        Ok(CacheWriter {
            out,
            rows: 0,
            row: PhantomData,
        })
    }
}

fn load_from<S: Cached>(path: &Path, key: &CacheKey) -> Result<Option<S>, CacheWarning> {
    let loaded = read(path, key);
    if let Err(warning) = &loaded {
        warn!("{warning}");
    }
    loaded
}

/// A cached scan being written, row by row, to a temporary file (0600)
/// that [`CacheWriter::finish`] puts in place; memory does not grow with
/// the rows.
#[derive(Debug)]
pub struct CacheWriter<R = FleetRow> {
    /// The temporary file.
    out: BufWriter<AtomicPrivateFile>,
    /// Rows written.
    rows: usize,
    /// What a row is.
    row: PhantomData<fn(&R)>,
}

impl<R: Serialize> CacheWriter<R> {
    /// Appends one row.
    pub fn row(&mut self, row: &R) -> io::Result<()> {
        if self.rows > 0 {
            self.out.write_all(b",")?;
        }
        self.rows += 1;
        serde_json::to_writer(&mut self.out, row)?;
        Ok(())
    }

    /// Ends the file with when the scan began and when and how it ended, and
    /// puts it in place of the previous one.
    pub fn finish(
        mut self,
        started_at: u64,
        finished_at: Option<u64>,
        outcome: Option<&ScanOutcome>,
    ) -> io::Result<()> {
        write!(self.out, "],\"started_at\":{started_at},\"finished_at\":")?;
        serde_json::to_writer(&mut self.out, &finished_at)?;
        self.out.write_all(b",\"outcome\":")?;
        serde_json::to_writer(&mut self.out, &outcome)?;
        self.out.write_all(b"}}")?;
        self.out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .commit()
    }
}

/// A cache file's format number alone, the rest skipped.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<serde_json::Value>,
}

fn read<S: Cached>(path: &Path, key: &CacheKey) -> Result<Option<S>, CacheWarning> {
    let bytes = match read_regular_file(path, MAX_CACHE_FILE) {
        Ok(file) => file.bytes,
        Err(error) if error.is_not_found() => return Ok(None),
        Err(error) => {
            let detail = match error {
                ReadError::Io(e) => e.to_string(),
                other => other.to_string(),
            };
            return Err(CacheWarning::Unreadable {
                path: path.to_owned(),
                detail,
            });
        }
    };
    let damaged = |detail: String| CacheWarning::Damaged {
        path: path.to_owned(),
        detail,
    };
    // The format first, without a tree of the whole file in memory.
    let probe: FormatProbe = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    match probe.format.as_ref().and_then(serde_json::Value::as_u64) {
        Some(format) if format == u64::from(CACHE_FORMAT) => {}
        Some(found) => {
            return Err(CacheWarning::OtherFormat {
                path: path.to_owned(),
                found,
            });
        }
        None => return Err(damaged("it has no format number".to_owned())),
    }
    let file: CacheFile<S> = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    if file.key != *key {
        return Err(CacheWarning::OtherKey {
            path: path.to_owned(),
        });
    }
    let scan = file.scan;
    let latest = scan.latest();
    let now = unix_now();
    if latest > now.saturating_add(CLOCK_SKEW) {
        return Err(CacheWarning::FromTheFuture {
            path: path.to_owned(),
            ahead: latest - now,
        });
    }
    Ok(Some(scan))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str) -> CredentialIdentity {
        CredentialIdentity::Token { id: id.into() }
    }

    #[test]
    fn keys_name_the_api_and_the_identity_in_a_safe_file_name() {
        let key = CacheKey::new(
            "https://api.cloudflare.com/client/v4/",
            CredentialIdentity::GlobalKey {
                email: "a+b@example.com".into(),
            },
            None,
        );
        assert_eq!(key.api, "api.cloudflare.com/client/v4");
        assert_eq!(
            key.file_name(),
            "fleet-api.cloudflare.com_2fclient_2fv4-key-a_2bb_40example.com-all.json"
        );
        let mock = CacheKey::new(
            "http://127.0.0.1:8787/client/v4",
            token("../x"),
            Some("acc".into()),
        );
        assert_eq!(mock.api, "127.0.0.1:8787/client/v4");
        let name = mock.file_name();
        assert!(!name.contains('/'), "{name}");
        assert!(name.ends_with("-token-.._2fx-account-acc.json"), "{name}");
        assert_ne!(
            CacheKey::new("https://h/", token("a-b"), None).file_name(),
            CacheKey::new("https://h/", token("a_2db"), None).file_name(),
        );
    }

    #[test]
    fn an_accounts_scan_has_a_file_of_its_own_and_reads_back() {
        use crate::fleet::{AccountDlp, Failure, RowError};
        let dir = tempfile::tempdir().unwrap();
        let cache = ScanCache::in_dir(dir.path().join("trustdeck"));
        let key = CacheKey::new("http://127.0.0.1:1/client/v4", token("t1"), None);
        let mut scan = AccountScan::new(unix_now());
        scan.upsert(AccountRow {
            account_id: "a".repeat(32),
            account_name: "Acme".into(),
            account_type: Some("enterprise".into()),
            dlp: AccountDlp::Failed(RowError {
                failure: Failure::NotAvailable,
                message: "DLP is not available".into(),
            }),
            read_at: unix_now(),
        });
        scan.finished_at = Some(unix_now());
        scan.outcome = Some(ScanOutcome::Complete);
        assert_eq!(cache.load_accounts(&key).unwrap(), None);
        cache.store_accounts(&key, &scan).unwrap();
        assert_ne!(cache.accounts_path(&key), cache.path(&key));
        assert!(key.accounts_file_name().starts_with("accounts-"));
        assert_eq!(cache.load_accounts(&key).unwrap(), Some(scan));
        assert_eq!(cache.load(&key).unwrap(), None, "no zone scan written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.accounts_path(&key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = CacheKey::new("http://127.0.0.1:1/client/v4", token("t2"), None);
        std::fs::copy(cache.accounts_path(&key), cache.accounts_path(&other)).unwrap();
        assert!(matches!(
            cache.load_accounts(&other),
            Err(CacheWarning::OtherKey { .. })
        ));
    }
}
