//! Recently opened zones, most recent first, kept in a small JSON file in the
//! user's state directory beside the log. A damaged file costs the list,
//! never the start-up.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files::{create_private_dir, read_regular_file, write_atomic_private};

/// How many zones the list keeps.
pub const MAX_RECENT: usize = 20;

/// The largest file read: 20 zones take a few kilobytes.
const MAX_FILE: u64 = 1024 * 1024;

/// One zone that was opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentZone {
    /// The zone's identifier (the list holds each once).
    pub id: String,
    /// The zone's name, e.g. `shop.example.com`.
    pub name: String,
    /// The zone's account, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The account's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// Plan, status and account as the picker showed them when the zone
    /// was opened, so recent rows read like the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The list of recent zones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecentZones {
    zones: Vec<RecentZone>,
}

/// The file's shape: an object, so that fields can be added later.
#[derive(Serialize, Deserialize)]
struct RecentFile {
    zones: Vec<RecentZone>,
}

/// `recent-zones.json` in the directory of the log file
/// ([`crate::logging::log_path`]), e.g. `~/.local/state/trustdeck/`.
pub fn default_path() -> PathBuf {
    crate::logging::log_path().with_file_name("recent-zones.json")
}

impl RecentZones {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The list at [`default_path`].
    pub fn default_path() -> PathBuf {
        default_path()
    }

    /// Reads the list. A missing file is an empty list; an unreadable or
    /// corrupt one is an empty list and a sentence saying so.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        let bytes = match read_regular_file(path, MAX_FILE) {
            Ok(file) => file.bytes,
            Err(e) if e.is_not_found() => return (Self::new(), None),
            Err(e) => {
                return (
                    Self::new(),
                    Some(format!(
                        "Could not read the recent zones in {}: {e}. Starting with none.",
                        path.display()
                    )),
                );
            }
        };
        match serde_json::from_slice::<RecentFile>(&bytes) {
            Ok(file) => {
                let mut list = Self::new();
                // Oldest first, so the file's first entry ends up first.
                for zone in file.zones.into_iter().rev() {
                    if !zone.id.trim().is_empty() {
                        list.push(zone);
                    }
                }
                (list, None)
            }
            Err(e) => (
                Self::new(),
                Some(format!(
                    "The recent zones file {} is damaged ({e}); starting with none. \
                     It is rewritten when a zone is next opened.",
                    path.display()
                )),
            ),
        }
    }

    /// The zones, most recent first.
    pub fn zones(&self) -> &[RecentZone] {
        &self.zones
    }

    /// Puts `zone` first, dropping an older entry with the same id and the
    /// oldest beyond [`MAX_RECENT`].
    pub fn push(&mut self, zone: RecentZone) {
        self.zones.retain(|z| z.id != zone.id);
        self.zones.insert(0, zone);
        self.zones.truncate(MAX_RECENT);
    }

    /// Writes the list atomically (a crash leaves the old list or the new),
    /// readable by its owner alone, in a directory made 0700 if missing.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let mut json = serde_json::to_vec_pretty(&RecentFile {
            zones: self.zones.clone(),
        })
        .map_err(io::Error::other)?;
        json.push(b'\n');
        write_atomic_private(path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(id: &str) -> RecentZone {
        RecentZone {
            id: id.to_owned(),
            name: format!("{id}.example.com"),
            account_id: None,
            account_name: None,
            detail: None,
        }
    }

    #[test]
    fn recent_push_puts_first_dedupes_and_caps() {
        let mut list = RecentZones::new();
        for i in 0..25 {
            list.push(zone(&format!("z{i}")));
        }
        assert_eq!(list.zones().len(), MAX_RECENT);
        assert_eq!(list.zones()[0].id, "z24");
        assert_eq!(list.zones()[MAX_RECENT - 1].id, "z5");
        list.push(zone("z10"));
        assert_eq!(list.zones().len(), MAX_RECENT);
        assert_eq!(list.zones()[0].id, "z10");
        assert_eq!(list.zones().iter().filter(|z| z.id == "z10").count(), 1);
    }

    #[test]
    fn recent_default_path_is_beside_the_log() {
        let path = default_path();
        assert_eq!(path.parent(), crate::logging::log_path().parent());
        assert!(path.ends_with("recent-zones.json"));
    }
}
