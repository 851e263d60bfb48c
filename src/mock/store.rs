//! The state behind one lock, and its optional file, written atomically
//! before a write is acknowledged (the format is in `state_file.rs`).
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use tokio::sync::Mutex;

use super::draft::{Draft, Undo};
use super::envelope::ApiError;
use super::state::{State, now};
use super::state_file::{self, Loaded, differing_zones, encode};
use crate::files::{remove_orphaned_temps, write_atomic_private};

/// The shared, lockable state of a running mock.
pub(crate) struct Store {
    /// One lock for everything: readers never see half a write.
    live: Mutex<Live>,
    /// Where to save, when `--state FILE` was given.
    file: Option<Arc<StateFile>>,
    /// `--verify-after`, applied lazily whenever the state is touched.
    verify_after: Option<Duration>,
    /// The data's state: what `/__mock/reset` goes back to and what the
    /// state file's zones are differences from.
    base: Arc<State>,
}

/// What the lock guards.
struct Live {
    /// The state served.
    state: State,
    /// The zones whose setting differs from the data's: what the state
    /// file lists, kept up to date by every write so a save never compares
    /// every zone.
    differs: BTreeSet<String>,
}

/// The state file and the order of its writes.
struct StateFile {
    /// The file itself.
    path: PathBuf,
    /// When the file was first created (saved in it).
    started_at: String,
    /// Hands out a number to every save, in lock order.
    next: AtomicU64,
    /// The number of the last save on disk; an older save never overwrites a newer one.
    written: std::sync::Mutex<u64>,
}

impl Store {
    /// A store starting from `file` if it exists, else from `initial` (the
    /// data's state as of `initial_at`). Temporary files that a killed mock
    /// left next to `file` are removed first.
    pub fn open(
        initial: State,
        initial_at: &str,
        file: Option<PathBuf>,
        verify_after: Option<Duration>,
    ) -> Result<Self, String> {
        let Some(path) = file else {
            return Ok(Self {
                base: Arc::new(initial.clone()),
                live: Mutex::new(Live {
                    state: initial,
                    differs: BTreeSet::new(),
                }),
                file: None,
                verify_after,
            });
        };
        remove_orphaned_temps(&path);
        let loaded = if path.exists() {
            state_file::load(&path, initial, initial_at)?
        } else {
            // Writing the file now turns a bad path into a start-up error
            // instead of a 500 on the first write.
            let bytes = encode(&initial, &BTreeSet::new(), initial_at)?;
            write_atomic_private(&path, &bytes)
                .map_err(|e| format!("cannot create state file {}: {e}", path.display()))?;
            Loaded {
                base: initial.clone(),
                state: initial,
                started_at: initial_at.to_owned(),
            }
        };
        Ok(Self {
            live: Mutex::new(Live {
                differs: differing_zones(&loaded.state, &loaded.base),
                state: loaded.state,
            }),
            base: Arc::new(loaded.base),
            file: Some(Arc::new(StateFile {
                path,
                started_at: loaded.started_at,
                next: AtomicU64::new(1),
                written: std::sync::Mutex::new(0),
            })),
            verify_after,
        })
    }

    /// Runs `f` on the current state.
    pub async fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        let mut live = self.live.lock().await;
        self.settle(&mut live);
        f(&live.state)
    }

    /// Runs `f` on the state through a [`Draft`]; a rejected request
    /// changes nothing.
    ///
    /// `f` changes the state in place; the draft keeps the old value of
    /// whatever it touches. An error from `f` is undone at once; with a
    /// state file the change is saved before the answer, and a failed save
    /// is undone too. No copy of the whole state is made per write.
    pub async fn write<T>(
        &self,
        f: impl FnOnce(&mut Draft<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut live = self.live.lock().await;
        self.settle(&mut live);
        let mut draft = Draft::new(&mut live.state);
        let result = f(&mut draft);
        let undo = draft.finish();
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                undo.revert(&mut live.state);
                return Err(e);
            }
        };
        if self.file.is_none() || !undo.changed(&live.state) {
            return Ok(out);
        }
        self.mark(&mut live, &undo);
        // The new state is in memory before the save is awaited: if the
        // client goes away mid-save, memory and file still agree.
        if let Err(e) = self.save(&live).await {
            tracing::error!(error = %e, "the mock could not save its state; the write is refused");
            let touched = undo
                .touched_zones()
                .map(|ids| ids.map(str::to_owned).collect::<Vec<_>>());
            undo.revert(&mut live.state);
            match touched {
                Some(ids) => ids.iter().for_each(|id| self.mark_zone(&mut live, id)),
                None => live.differs = differing_zones(&live.state, &self.base),
            }
            return Err(ApiError::internal(e));
        }
        Ok(out)
    }

    /// Back to the data's state (for `/__mock/reset`); returns it.
    pub async fn reset(&self) -> Result<State, ApiError> {
        self.write(|draft| {
            draft.replace(State::clone(&self.base));
            Ok(draft.state().clone())
        })
        .await
    }

    /// `--verify-after`: validates the emails that are due.
    fn settle(&self, live: &mut Live) {
        for id in live.state.settle(now(), self.verify_after) {
            self.mark_zone(live, &id);
        }
    }

    /// Brings `differs` up to date with what `undo`'s write touched.
    fn mark(&self, live: &mut Live, undo: &Undo) {
        match undo.touched_zones() {
            Some(ids) => ids.for_each(|id| self.mark_zone(live, id)),
            None => live.differs = differing_zones(&live.state, &self.base),
        }
    }

    fn mark_zone(&self, live: &mut Live, id: &str) {
        if live.state.zones.get(id) == self.base.zones.get(id) {
            live.differs.remove(id);
        } else {
            live.differs.insert(id.to_owned());
        }
    }

    async fn save(&self, live: &Live) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let bytes = encode(&live.state, &live.differs, &file.started_at)?;
        let number = file.next.fetch_add(1, Ordering::SeqCst);
        let file = Arc::clone(file);
        tokio::task::spawn_blocking(move || {
            let mut written = file.written.lock().unwrap_or_else(PoisonError::into_inner);
            if *written > number {
                return Ok(());
            }
            write_atomic_private(&file.path, &bytes)
                .map_err(|e| format!("cannot save {}: {e}", file.path.display()))?;
            *written = number;
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::mock::data::{DemoData, SHIPPED};
    use crate::mock::state::format_time;

    /// A folder for a state file, the file's path in it and the shipped data.
    fn fixture() -> (tempfile::TempDir, PathBuf, DemoData) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        (dir, path, DemoData::parse(SHIPPED).unwrap())
    }

    fn open(data: &DemoData, path: Option<PathBuf>) -> Result<Store, String> {
        let at = format_time(data.loaded_at);
        Store::open(State::from_data(data), &at, path, None)
    }

    #[tokio::test]
    async fn a_failed_write_changes_nothing_and_a_good_one_is_saved() {
        let (_dir, path, data) = fixture();
        let store = open(&data, Some(path.clone())).unwrap();
        let before = store.read(Clone::clone).await;
        let created = fs::read(&path).unwrap();
        let zone = data.zones[0].id.to_string();
        let account = data.accounts[0].id.clone();
        let rejected = store
            .write(|draft| {
                draft.zone_mut(&zone).unwrap().enabled = false;
                draft.dlp_mut(&account).unwrap().ocr = false;
                draft.send(crate::mock::state::OutboxEntry {
                    zone_id: zone.clone(),
                    zone_name: "x".to_owned(),
                    to: "a@b.co".to_owned(),
                    kind: crate::mock::state::OutboxKind::Resend,
                    at: "2026-01-01T00:00:00Z".to_owned(),
                });
                Err::<(), _>(ApiError::internal("no"))
            })
            .await;
        assert!(rejected.is_err());
        assert_eq!(store.read(Clone::clone).await, before);
        assert_eq!(fs::read(&path).unwrap(), created, "unchanged since start");
        store
            .write(|draft| {
                let dlp = draft.dlp_mut(&account).unwrap();
                dlp.ocr = !dlp.ocr;
                Ok(())
            })
            .await
            .unwrap();
        assert_ne!(fs::read(&path).unwrap(), created, "saved");
        // Reopened later, the zone pending in the data is still pending
        // since the first start.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let later = DemoData::parse(SHIPPED).unwrap();
        assert_ne!(later.loaded_at, data.loaded_at);
        let reopened = open(&later, Some(path)).unwrap();
        assert_eq!(
            reopened.read(Clone::clone).await,
            store.read(Clone::clone).await
        );
    }

    #[tokio::test]
    async fn a_failed_save_is_undone_and_answers_500() {
        let (dir, path, data) = fixture();
        let store = open(&data, Some(path)).unwrap();
        let before = store.read(Clone::clone).await;
        fs::remove_dir_all(dir.path()).unwrap();
        let zone = data.zones[0].id.to_string();
        let failed = store
            .write(|draft| {
                draft.zone_mut(&zone).unwrap().enabled = false;
                Ok(())
            })
            .await;
        assert_eq!(failed.unwrap_err().status, 500);
        assert_eq!(store.read(Clone::clone).await, before);
        let reset = store.reset().await;
        assert!(reset.is_ok(), "a reset that changes nothing saves nothing");
    }

    #[tokio::test]
    async fn the_file_holds_only_what_differs_from_the_data() {
        let (_dir, path, data) = fixture();
        let store = open(&data, Some(path.clone())).unwrap();
        let zone = data.zones[9].id.to_string();
        store
            .write(|draft| {
                let setting = draft.zone_mut(&zone).unwrap();
                setting.email = "changed@example.org".to_owned();
                Ok(())
            })
            .await
            .unwrap();
        let saved: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        let zones: Vec<&String> = saved["zones"].as_object().unwrap().keys().collect();
        assert_eq!(zones, [&zone]);
        assert_eq!(saved["dlp"].as_object().unwrap().len(), data.accounts.len());
        let reopened = open(&data, Some(path)).unwrap();
        assert_eq!(
            reopened
                .read(|s| s.zones.get(&zone).unwrap().email.clone())
                .await,
            "changed@example.org"
        );
    }

    #[tokio::test]
    async fn a_file_with_every_zone_and_a_long_outbox_still_loads() {
        let (_dir, path, data) = fixture();
        let mut old = State::from_data(&data);
        let zone = data.zones[0].id.to_string();
        assert!(old.zones.get(&zone).unwrap().enabled);
        old.zones.get_mut(&zone).unwrap().enabled = false;
        let mail = |n: usize| crate::mock::state::OutboxEntry {
            zone_id: zone.clone(),
            zone_name: format!("mail {n}"),
            to: "a@b.co".to_owned(),
            kind: crate::mock::state::OutboxKind::Resend,
            at: "2026-01-01T00:00:00Z".to_owned(),
        };
        old.outbox = (0..1500).map(mail).collect();
        fs::write(&path, serde_json::to_vec(&old).unwrap()).unwrap();
        let store = open(&data, Some(path)).unwrap();
        let (enabled, outbox) = store
            .read(|s| (s.zones.get(&zone).unwrap().enabled, s.outbox.clone()))
            .await;
        assert!(!enabled);
        assert_eq!(outbox.len(), crate::mock::state::OUTBOX_CAPACITY);
        assert_eq!(outbox[0].zone_name, "mail 500", "the newest are kept");
    }

    #[test]
    fn a_state_file_in_a_missing_folder_fails_at_start() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let path = PathBuf::from("/nonexistent-trustdeck-dir/state.json");
        let err = open(&data, Some(path)).err().unwrap();
        assert!(err.contains("cannot create state file"), "{err}");
    }

    #[test]
    fn a_corrupt_file_is_a_clear_error() {
        let (_dir, path, data) = fixture();
        fs::write(&path, "{ not json").unwrap();
        let err = open(&data, Some(path)).err().unwrap();
        assert!(err.contains("corrupt"), "{err}");
    }
}
