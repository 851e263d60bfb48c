//! A cached scan read a row at a time, for output that is written as it
//! goes (`fleet scan --cached --json`): memory does not grow with the rows.
//!
//! Two passes over one open file: the first checks the format, the key and
//! the dates (a row from the future refuses the whole file) and learns what
//! the output's head needs (the age); the second hands out the rows. Both
//! read the same file even if a new scan replaces it meanwhile: the cache is
//! replaced by a rename, and the open file stays the old one.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::cache::{CLOCK_SKEW, CacheKey, CacheWarning, MAX_CACHE_FILE, ScanCache};
use super::event::ScanOutcome;
use super::row::FleetRow;
use super::table::unix_now;
use crate::files::{ReadError, open_regular_file};

/// What a cached scan says beside its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedHead {
    /// The account the scan was limited to, or `None` for every zone.
    pub account_id: Option<String>,
    /// When it began (seconds since the Unix epoch).
    pub started_at: u64,
    /// When it ended, if it had.
    pub finished_at: Option<u64>,
    /// How it ended, if it had.
    pub outcome: Option<ScanOutcome>,
    /// Its rows.
    pub rows: usize,
    /// Of them, rows whose setting could not be read.
    pub failed: usize,
}

impl CachedHead {
    /// How old the scan is at `now`.
    pub fn age(&self, now: SystemTime) -> Duration {
        let at = self.finished_at.unwrap_or(self.started_at);
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        Duration::from_secs(now.saturating_sub(at))
    }
}

/// A cached scan checked and ready to be read row by row.
#[derive(Debug)]
pub struct CachedRows {
    file: File,
    path: PathBuf,
    key: CacheKey,
    head: CachedHead,
}

impl ScanCache {
    /// The cached scan of `key`, checked as [`ScanCache::load`] checks it,
    /// without holding its rows: `Ok(None)` when there is none.
    pub fn open_rows(&self, key: &CacheKey) -> Result<Option<CachedRows>, CacheWarning> {
        let path = self.path(key);
        let opened = open(&path, key);
        if let Err(warning) = &opened {
            tracing::warn!("{warning}");
        }
        opened
    }
}

impl CachedRows {
    /// What the scan says beside its rows.
    pub fn head(&self) -> &CachedHead {
        &self.head
    }

    /// Hands every row to `each`, in the order they were written.
    pub fn each(mut self, mut each: impl FnMut(FleetRow)) -> Result<(), CacheWarning> {
        let damaged = |detail: String| CacheWarning::Damaged {
            path: self.path.clone(),
            detail,
        };
        self.file
            .rewind()
            .map_err(|e| damaged(format!("it could not be read again: {e}")))?;
        let reader = BufReader::new((&self.file).take(MAX_CACHE_FILE));
        let mut problem = None;
        pass(reader, &self.key, &mut each, &mut problem).map_err(|e| {
            problem
                .map(|p| p.warning(&self.path))
                .unwrap_or_else(|| damaged(e.to_string()))
        })?;
        Ok(())
    }
}

fn open(path: &Path, key: &CacheKey) -> Result<Option<CachedRows>, CacheWarning> {
    let (file, _) = match open_regular_file(path, MAX_CACHE_FILE) {
        Ok(opened) => opened,
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
    let mut latest = 0;
    let mut problem = None;
    let reader = BufReader::new((&file).take(MAX_CACHE_FILE));
    let mut note = |row: FleetRow| latest = latest.max(row.read_at);
    let head = pass(reader, key, &mut note, &mut problem).map_err(|e| match problem {
        Some(p) => p.warning(path),
        None => CacheWarning::Damaged {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    })?;
    let latest = latest
        .max(head.started_at)
        .max(head.finished_at.unwrap_or(0));
    let now = unix_now();
    if latest > now.saturating_add(CLOCK_SKEW) {
        return Err(CacheWarning::FromTheFuture {
            path: path.to_owned(),
            ahead: latest - now,
        });
    }
    Ok(Some(CachedRows {
        file,
        path: path.to_owned(),
        key: key.clone(),
        head,
    }))
}

/// Why a pass stopped, where it is more than a damaged file.
#[derive(Debug, Clone, Copy)]
enum Problem {
    OtherFormat(u64),
    OtherKey,
}

impl Problem {
    fn warning(self, path: &Path) -> CacheWarning {
        match self {
            Self::OtherFormat(found) => CacheWarning::OtherFormat {
                path: path.to_owned(),
                found,
            },
            Self::OtherKey => CacheWarning::OtherKey {
                path: path.to_owned(),
            },
        }
    }
}

/// One pass over the file: `{"format", "key", "scan": {…, "rows": […]}}`,
/// in that order (as [`super::CacheWriter`] writes it), each row to `each`.
fn pass(
    reader: impl Read,
    key: &CacheKey,
    each: &mut dyn FnMut(FleetRow),
    problem: &mut Option<Problem>,
) -> Result<CachedHead, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_reader(reader);
    let head = FileSeed { key, each, problem }.deserialize(&mut json)?;
    json.end()?;
    Ok(head)
}

struct FileSeed<'a> {
    key: &'a CacheKey,
    each: &'a mut dyn FnMut(FleetRow),
    problem: &'a mut Option<Problem>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = CachedHead;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<CachedHead, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = CachedHead;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a cached scan")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CachedHead, A::Error> {
        let (mut format, mut keyed, mut head) = (false, false, None);
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "format" => {
                    let value: serde_json::Value = map.next_value()?;
                    match value.as_u64() {
                        Some(found) if found == u64::from(super::CACHE_FORMAT) => format = true,
                        Some(found) => {
                            *self.problem = Some(Problem::OtherFormat(found));
                            return Err(de::Error::custom("another format"));
                        }
                        None => return Err(de::Error::custom("it has no format number")),
                    }
                }
                "key" if format => {
                    let found: CacheKey = map.next_value()?;
                    if found != *self.key {
                        *self.problem = Some(Problem::OtherKey);
                        return Err(de::Error::custom("another key"));
                    }
                    keyed = true;
                }
                "scan" if format && keyed => {
                    head = Some(map.next_value_seed(ScanSeed {
                        each: &mut *self.each,
                    })?);
                }
                "key" | "scan" => {
                    return Err(de::Error::custom(
                        "it has no format number before its key and scan",
                    ));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        head.ok_or_else(|| de::Error::missing_field("scan"))
    }
}

struct ScanSeed<'a> {
    each: &'a mut dyn FnMut(FleetRow),
}

impl<'de> DeserializeSeed<'de> for ScanSeed<'_> {
    type Value = CachedHead;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<CachedHead, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ScanSeed<'_> {
    type Value = CachedHead;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scan")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CachedHead, A::Error> {
        let mut head = CachedHead {
            account_id: None,
            started_at: 0,
            finished_at: None,
            outcome: None,
            rows: 0,
            failed: 0,
        };
        let mut started = false;
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "account_id" => head.account_id = map.next_value()?,
                "started_at" => {
                    head.started_at = map.next_value()?;
                    started = true;
                }
                "finished_at" => head.finished_at = map.next_value()?,
                "outcome" => head.outcome = map.next_value()?,
                "rows" => {
                    let (rows, failed) = map.next_value_seed(RowsSeed {
                        each: &mut *self.each,
                    })?;
                    head.rows = rows;
                    head.failed = failed;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !started {
            return Err(de::Error::missing_field("started_at"));
        }
        Ok(head)
    }
}

struct RowsSeed<'a> {
    each: &'a mut dyn FnMut(FleetRow),
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = (usize, usize);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(usize, usize), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = (usize, usize);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the rows of a scan")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(usize, usize), A::Error> {
        let (mut rows, mut failed) = (0, 0);
        while let Some(row) = seq.next_element::<FleetRow>()? {
            rows += 1;
            failed += usize::from(row.error().is_some());
            (self.each)(row);
        }
        Ok((rows, failed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{CredentialIdentity, FleetScan, ZoneCsam};

    fn key(id: &str) -> CacheKey {
        CacheKey::new(
            "https://api.example.test/client/v4",
            CredentialIdentity::Token { id: id.to_owned() },
            None,
        )
    }

    fn row(n: usize, read_at: u64) -> FleetRow {
        FleetRow {
            zone_id: format!("{n:032x}"),
            zone_name: format!("z{n}.example.com"),
            account: None,
            plan: Some("pro".to_owned()),
            status: Some("active".to_owned()),
            csam: ZoneCsam::Failed(crate::fleet::RowError {
                failure: crate::fleet::Failure::Timeout,
                message: "no answer".to_owned(),
            }),
            read_at,
        }
    }

    fn stored(dir: &Path, key: &CacheKey, rows: &[FleetRow]) -> ScanCache {
        let cache = ScanCache::in_dir(dir);
        let mut scan = FleetScan::new(None, 100);
        for r in rows {
            scan.upsert(r.clone());
        }
        scan.finished_at = Some(200);
        cache.store(key, &scan).unwrap();
        cache
    }

    #[test]
    fn the_rows_come_one_by_one_as_load_would_give_them() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("t1");
        let rows: Vec<FleetRow> = (0..300).map(|n| row(n, 150)).collect();
        let cache = stored(dir.path(), &k, &rows);
        let opened = cache.open_rows(&k).unwrap().unwrap();
        assert_eq!(opened.head().rows, 300);
        assert_eq!(opened.head().failed, 300);
        assert_eq!(opened.head().finished_at, Some(200));
        let mut seen = Vec::new();
        opened.each(|r| seen.push(r)).unwrap();
        let loaded = cache.load(&k).unwrap().unwrap();
        assert_eq!(seen, loaded.rows());
    }

    #[test]
    fn another_key_a_future_row_and_no_file_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("t1");
        let cache = stored(dir.path(), &k, &[row(1, 150)]);
        assert!(cache.open_rows(&key("t2")).unwrap().is_none(), "no file");
        std::fs::rename(cache.path(&k), cache.path(&key("t2"))).unwrap();
        assert!(matches!(
            cache.open_rows(&key("t2")),
            Err(CacheWarning::OtherKey { .. })
        ));
        let ahead = unix_now() + 10 * CLOCK_SKEW;
        let cache = stored(dir.path(), &k, &[row(1, 150), row(2, ahead)]);
        assert!(matches!(
            cache.open_rows(&k),
            Err(CacheWarning::FromTheFuture { .. })
        ));
        std::fs::write(cache.path(&k), b"{\"format\":1,\"key\":").unwrap();
        assert!(cache.open_rows(&k).is_err());
    }
}
