//! The state behind one lock, and its optional file, written atomically
//! before a write is acknowledged (the format is in `state_file.rs`).
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use tokio::sync::Mutex;

use super::envelope::ApiError;
use super::state::{State, now};
use super::state_file::{self, Loaded, encode, write_atomically};

/// The shared, lockable state of a running mock.
pub(crate) struct Store {
    /// One lock for everything: readers never see half a write.
    state: Mutex<State>,
    /// Where to save, when `--state FILE` was given.
    file: Option<Arc<StateFile>>,
    /// `--verify-after`, applied lazily whenever the state is touched.
    verify_after: Option<Duration>,
}

/// The state file and the order of its writes.
struct StateFile {
    /// The file itself.
    path: PathBuf,
    /// What the saved zones are differences from.
    base: State,
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
                state: Mutex::new(initial),
                file: None,
                verify_after,
            });
        };
        state_file::remove_orphans(&path);
        let loaded = if path.exists() {
            state_file::load(&path, initial, initial_at)?
        } else {
            // Writing the file now turns a bad path into a start-up error
            // instead of a 500 on the first write.
            let bytes = encode(&initial, &initial, initial_at)?;
            write_atomically(&path, &bytes, 0)
                .map_err(|e| format!("cannot create state file {}: {e}", path.display()))?;
            Loaded {
                base: initial.clone(),
                state: initial,
                started_at: initial_at.to_owned(),
            }
        };
        Ok(Self {
            state: Mutex::new(loaded.state),
            file: Some(Arc::new(StateFile {
                path,
                base: loaded.base,
                started_at: loaded.started_at,
                next: AtomicU64::new(1),
                written: std::sync::Mutex::new(0),
            })),
            verify_after,
        })
    }

    /// Runs `f` on the current state.
    pub async fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        let mut state = self.state.lock().await;
        state.settle(now(), self.verify_after);
        f(&state)
    }

    /// Runs `f` on the state; a rejected request changes nothing.
    ///
    /// Every writer checks its request before it changes anything, so an
    /// error from `f` leaves the state as it was. With a state file, `f`
    /// runs on a copy that is kept only once it is saved, so a failed save
    /// is undone too; without one there is nothing to undo and no copy of
    /// the whole state (hundreds of zones) is made per write.
    pub async fn write<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut state = self.state.lock().await;
        state.settle(now(), self.verify_after);
        if self.file.is_none() {
            return f(&mut state);
        }
        let mut draft = state.clone();
        let out = f(&mut draft)?;
        if draft != *state {
            let old = std::mem::replace(&mut *state, draft);
            // The new state is in memory before the save is awaited: if the
            // client goes away mid-save, memory and file still agree.
            if let Err(e) = self.save(&state).await {
                tracing::error!(error = %e, "the mock could not save its state; the write is refused");
                *state = old;
                return Err(ApiError::internal(e));
            }
        }
        Ok(out)
    }

    /// Replaces the whole state (for `/__mock/reset`).
    pub async fn replace(&self, new: State) -> Result<(), ApiError> {
        self.write(|state| {
            *state = new;
            Ok(())
        })
        .await
    }

    async fn save(&self, state: &State) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let bytes = encode(state, &file.base, &file.started_at)?;
        let number = file.next.fetch_add(1, Ordering::SeqCst);
        let file = Arc::clone(file);
        tokio::task::spawn_blocking(move || {
            let mut written = file.written.lock().unwrap_or_else(PoisonError::into_inner);
            if *written > number {
                return Ok(());
            }
            write_atomically(&file.path, &bytes, number)
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

    fn open(data: &DemoData, path: Option<PathBuf>) -> Result<Store, String> {
        let at = now();
        Store::open(State::from_data(data, at), &format_time(at), path, None)
    }

    #[tokio::test]
    async fn a_failed_write_changes_nothing_and_a_good_one_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let data = DemoData::parse(SHIPPED).unwrap();
        let store = open(&data, Some(path.clone())).unwrap();
        let before = store.read(Clone::clone).await;
        let created = fs::read(&path).unwrap();
        let rejected = store
            .write(|s| {
                s.outbox.clear();
                s.dlp.clear();
                Err::<(), _>(ApiError::internal("no"))
            })
            .await;
        assert!(rejected.is_err());
        assert_eq!(store.read(Clone::clone).await, before);
        assert_eq!(fs::read(&path).unwrap(), created, "unchanged since start");
        store
            .write(|s| {
                s.dlp.values_mut().for_each(|d| d.ocr = !d.ocr);
                Ok(())
            })
            .await
            .unwrap();
        // Reopened later, the zone pending in the data is still pending
        // since the first start.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let reopened = open(&data, Some(path)).unwrap();
        assert_eq!(
            reopened.read(Clone::clone).await,
            store.read(Clone::clone).await
        );
    }

    #[tokio::test]
    async fn the_file_holds_only_what_differs_from_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let data = DemoData::parse(SHIPPED).unwrap();
        let store = open(&data, Some(path.clone())).unwrap();
        let zone = data.zones[9].id.clone();
        store
            .write(|s| {
                let setting = s.zones.get_mut(&zone).unwrap();
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
            reopened.read(|s| s.zones[&zone].email.clone()).await,
            "changed@example.org"
        );
    }

    #[tokio::test]
    async fn a_file_with_every_zone_and_a_long_outbox_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let data = DemoData::parse(SHIPPED).unwrap();
        let mut old = State::from_data(&data, now());
        let zone = data.zones[0].id.clone();
        assert!(old.zones[&zone].enabled);
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
            .read(|s| (s.zones[&zone].enabled, s.outbox.clone()))
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{ not json").unwrap();
        let data = DemoData::parse(SHIPPED).unwrap();
        let err = open(&data, Some(path)).err().unwrap();
        assert!(err.contains("corrupt"), "{err}");
    }
}
