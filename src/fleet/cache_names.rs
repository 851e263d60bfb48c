//! The zones and accounts every cached scan names, by id and name, for shell
//! completion: read without a key (which a token only gets from a request),
//! so every scan in the folder counts, whatever API or credentials made it.
//! Nothing here warns or fails: a file that cannot be read names nothing.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::cache::{CACHE_FORMAT, MAX_CACHE_FILE, ScanCache};
use super::row::AccountRef;
use crate::files::read_regular_file;

/// The most cache files read: one per API, identity and scope.
const MAX_FILES: usize = 256;

/// Ids and names, each once, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CachedNames {
    /// Every zone's id and name.
    pub zones: BTreeSet<(String, String)>,
    /// Every owning account's id and name (empty when the listing gave none).
    pub accounts: BTreeSet<(String, String)>,
}

/// Only what completion needs of a cache file.
#[derive(Deserialize)]
struct NamesFile {
    format: u32,
    scan: NamesScan,
}

#[derive(Deserialize)]
struct NamesScan {
    rows: Vec<NamesRow>,
}

#[derive(Deserialize)]
struct NamesRow {
    zone_id: String,
    zone_name: String,
    account: Option<AccountRef>,
}

impl ScanCache {
    /// The zones and accounts of every cached scan in the folder.
    pub fn names(&self) -> CachedNames {
        let mut names = CachedNames::default();
        let Ok(entries) = std::fs::read_dir(self.dir()) else {
            return names;
        };
        let files = entries
            .filter_map(Result::ok)
            .filter(|entry| {
                entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with("fleet-") && name.ends_with(".json"))
            })
            .take(MAX_FILES);
        for entry in files {
            read_into(&entry.path(), &mut names);
        }
        names
    }
}

fn read_into(path: &Path, names: &mut CachedNames) {
    let Ok(file) = read_regular_file(path, MAX_CACHE_FILE) else {
        return;
    };
    let Ok(file) = serde_json::from_slice::<NamesFile>(&file.bytes) else {
        return;
    };
    if file.format != CACHE_FORMAT {
        return;
    }
    for row in file.scan.rows {
        if let Some(account) = row.account {
            names.accounts.insert((account.id, account.name));
        }
        names.zones.insert((row.zone_id, row.zone_name));
    }
}
