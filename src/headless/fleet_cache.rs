//! Where `fleet scan` keeps its result, and how `fleet scan --cached` finds
//! it again without a request.
//!
//! The engine's [`ScanCache`] keys a scan by API and credential identity; a
//! token's identity is its id, which only `tokens/verify` can tell. So after
//! each scan this module also writes a small index, `fleet-headless.json`
//! in the same folder: for each API, credential source (the variable or
//! profile the secret came from, never the secret) and account, the cache
//! key of the last scan (of zones, or of accounts for `dlp scan`).
//! `--cached` follows it; a global key is matched by its email as well. The index is the user's alone (0600, written
//! atomically) and bounded.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::files::{read_regular_file, write_atomic_private};
use crate::fleet::{
    AccountScan, CacheKey, CacheWriter, CachedRows, CredentialIdentity, FleetRow, FleetScan,
    ScanCache, ScanOutcome, identify, unix_now,
};

use super::output::warn;
use super::resolve::AccountRef;
use super::{Context, Failure};

/// The index's file name, beside the engine's cache files.
const INDEX_FILE: &str = "fleet-headless.json";
/// The index's format; an index of another is ignored (and rewritten).
const INDEX_FORMAT: u32 = 1;
/// The most entries the index keeps; the oldest go first.
const INDEX_MAX: usize = 32;
/// The largest index read.
const INDEX_FILE_MAX: u64 = 1024 * 1024;

/// The index file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    /// [`INDEX_FORMAT`].
    format: u32,
    /// The last scan per API, credential source and account, oldest first.
    entries: Vec<Entry>,
}

/// One scan the index points to.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Of zones or of accounts (an index written before accounts were
    /// scanned holds zones only).
    #[serde(default)]
    kind: ScanKind,
    /// The API root, as the cache key spells it.
    api: String,
    /// Where the credentials came from, in words (`CLOUDFLARE_API_TOKEN`).
    credentials_from: String,
    /// The account the scan was limited to, with its name (so `--cached
    /// --account NAME` needs no lookup).
    account: Option<Named>,
    /// The engine's key of the cached scan.
    key: CacheKey,
    /// When the scan was stored, in seconds since the Unix epoch.
    stored_at: u64,
}

/// What a cached scan is of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ScanKind {
    /// `fleet scan`.
    #[default]
    Zones,
    /// `dlp scan`.
    Accounts,
}

/// An account by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Named {
    /// The account id.
    id: String,
    /// Its name, when known.
    name: Option<String>,
}

fn cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|dir| dir.join("trustdeck"))
}

fn api_of(ctx: &Context) -> String {
    let probe = CredentialIdentity::Token { id: String::new() };
    CacheKey::new(ctx.client.base_url(), probe, None).api
}

fn read_index(dir: &std::path::Path) -> Index {
    let path = dir.join(INDEX_FILE);
    let Ok(file) = read_regular_file(&path, INDEX_FILE_MAX) else {
        return Index::default();
    };
    match serde_json::from_slice::<Index>(&file.bytes) {
        Ok(index) if index.format == INDEX_FORMAT => index,
        _ => Index::default(),
    }
}

/// Stores `scan` in the cache and points the index at it. Anything that goes
/// wrong is a warning (the scan was done and is printed); only Ctrl-C during
/// the identity lookup stops the command.
pub async fn store(
    ctx: &Context,
    account: Option<&AccountRef>,
    scan: &FleetScan,
) -> Result<(), Failure> {
    let Some((cache, dir, key)) = key_for(ctx, account).await? else {
        return Ok(());
    };
    if let Err(error) = cache.store(&key, scan) {
        warn(&format!("the scan is not cached: {error}"));
        return Ok(());
    }
    point_index(ctx, &dir, key, account, ScanKind::Zones);
    Ok(())
}

/// Stores an accounts scan (of every account) in the cache and points the
/// index at it, as [`store`].
pub async fn store_accounts(ctx: &Context, scan: &AccountScan) -> Result<(), Failure> {
    let Some((cache, dir, key)) = key_for(ctx, None).await? else {
        return Ok(());
    };
    if let Err(error) = cache.store_accounts(&key, scan) {
        warn(&format!("the scan is not cached: {error}"));
        return Ok(());
    }
    point_index(ctx, &dir, key, None, ScanKind::Accounts);
    Ok(())
}

/// A scan's cache file written as its rows come ([`begin`]): the cached
/// scan before stays in place until [`CacheSink::finish`].
pub struct CacheSink {
    /// The file, until a write fails (said once, then nothing is cached).
    writer: Option<CacheWriter>,
    /// The cache folder.
    dir: PathBuf,
    /// The scan's key.
    key: CacheKey,
    /// The account the scan is limited to.
    account: Option<AccountRef>,
}

/// Identifies the credentials and opens the cache file of a scan about to
/// run; `None` (with a warning) where it cannot be cached. Only Ctrl-C
/// during the identity lookup stops the command.
pub async fn begin(
    ctx: &Context,
    account: Option<&AccountRef>,
) -> Result<Option<CacheSink>, Failure> {
    let Some((cache, dir, key)) = key_for(ctx, account).await? else {
        return Ok(None);
    };
    match cache.writer(&key, account.map(|a| a.id.as_str())) {
        Ok(writer) => Ok(Some(CacheSink {
            writer: Some(writer),
            dir,
            key,
            account: account.cloned(),
        })),
        Err(error) => {
            warn(&format!("the scan is not cached: {error}"));
            Ok(None)
        }
    }
}

impl CacheSink {
    /// Appends one row.
    pub fn row(&mut self, row: &FleetRow) {
        if let Some(writer) = &mut self.writer
            && let Err(error) = writer.row(row)
        {
            warn(&format!("the scan is not cached: {error}"));
            self.writer = None;
        }
    }

    /// Puts the file in place (a scan begun at `started_at`, complete at
    /// `finished_at`) and points the index at it.
    pub fn finish(self, ctx: &Context, started_at: u64, finished_at: u64) {
        let Some(writer) = self.writer else {
            return;
        };
        let done = writer.finish(started_at, Some(finished_at), Some(&ScanOutcome::Complete));
        if let Err(error) = done {
            warn(&format!("the scan is not cached: {error}"));
            return;
        }
        point_index(
            ctx,
            &self.dir,
            self.key,
            self.account.as_ref(),
            ScanKind::Zones,
        );
    }
}

/// The cache, its folder and the key of a scan of `account` with these
/// credentials; `None` (with a warning) where there is none.
async fn key_for(
    ctx: &Context,
    account: Option<&AccountRef>,
) -> Result<Option<(ScanCache, PathBuf, CacheKey)>, Failure> {
    let (Some(cache), Some(dir)) = (ScanCache::default_location(), cache_dir()) else {
        warn("there is no cache directory: the scan is not cached");
        return Ok(None);
    };
    let account_id = account.map(|a| a.id.clone());
    let identity = match ctx
        .call(
            || "identifying the credentials for the scan cache".to_owned(),
            identify(&ctx.client, account_id.as_deref()),
        )
        .await
    {
        Ok(identity) => identity,
        Err(failure @ Failure::Interrupted { .. }) => return Err(failure),
        Err(failure) => {
            warn(&format!("the scan is not cached: {failure}"));
            return Ok(None);
        }
    };
    let key = CacheKey::new(ctx.client.base_url(), identity, account_id);
    Ok(Some((cache, dir, key)))
}

/// Points the index at the cached scan of `key`.
fn point_index(
    ctx: &Context,
    dir: &std::path::Path,
    key: CacheKey,
    account: Option<&AccountRef>,
    kind: ScanKind,
) {
    let entry = Entry {
        kind,
        api: key.api.clone(),
        credentials_from: ctx.config.credentials_from.clone(),
        account: account.map(|a| Named {
            id: a.id.clone(),
            name: a.name.clone(),
        }),
        key,
        stored_at: unix_now(),
    };
    let mut index = read_index(dir);
    index.format = INDEX_FORMAT;
    index.entries.retain(|old| {
        !(old.kind == entry.kind
            && old.api == entry.api
            && old.credentials_from == entry.credentials_from
            && old.account.as_ref().map(|a| &a.id) == entry.account.as_ref().map(|a| &a.id))
    });
    index.entries.push(entry);
    let extra = index.entries.len().saturating_sub(INDEX_MAX);
    index.entries.drain(..extra);
    let written = serde_json::to_vec(&index)
        .map_err(std::io::Error::other)
        .and_then(|bytes| write_atomic_private(&dir.join(INDEX_FILE), &bytes));
    if let Err(error) = written {
        warn(&format!(
            "the scan is cached, but `--cached` will not find it: {error}"
        ));
    }
}

/// The last scan of these credentials at this API (of `account`, an id or a
/// name, if given), without a request.
pub fn load(ctx: &Context, account: Option<&str>) -> Option<FleetScan> {
    let (cache, key) = find(ctx, ScanKind::Zones, account)?;
    match cache.load(&key) {
        Ok(scan) => scan,
        Err(warning) => {
            warn(&warning.to_string());
            None
        }
    }
}

/// [`load`], to be read a row at a time: the rows are not held.
pub fn open_rows(ctx: &Context, account: Option<&str>) -> Option<CachedRows> {
    let (cache, key) = find(ctx, ScanKind::Zones, account)?;
    match cache.open_rows(&key) {
        Ok(rows) => rows,
        Err(warning) => {
            warn(&warning.to_string());
            None
        }
    }
}

/// The last accounts scan of these credentials at this API, without a
/// request.
pub fn load_accounts(ctx: &Context) -> Option<AccountScan> {
    let (cache, key) = find(ctx, ScanKind::Accounts, None)?;
    match cache.load_accounts(&key) {
        Ok(scan) => scan,
        Err(warning) => {
            warn(&warning.to_string());
            None
        }
    }
}

/// The cache and the key of the last `kind` scan of these credentials at
/// this API (of `account`, an id or a name, if given), from the index.
fn find(ctx: &Context, kind: ScanKind, account: Option<&str>) -> Option<(ScanCache, CacheKey)> {
    let (cache, dir) = (ScanCache::default_location()?, cache_dir()?);
    let api = api_of(ctx);
    let email = ctx.client.key_email();
    let wanted = account.map(str::trim);
    let index = read_index(&dir);
    let entry = index.entries.iter().rev().find(|entry| {
        let who = match (&entry.key.identity, email) {
            (CredentialIdentity::GlobalKey { email: theirs }, Some(ours)) => theirs == ours,
            (CredentialIdentity::Token { .. }, None) => {
                entry.credentials_from == ctx.config.credentials_from
            }
            _ => false,
        };
        let scope = match (&entry.account, wanted) {
            (None, None) => true,
            (Some(named), Some(text)) => {
                named.id == text
                    || named
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(text))
            }
            _ => false,
        };
        entry.kind == kind && entry.api == api && who && scope
    })?;
    Some((cache, entry.key.clone()))
}
