//! The state behind one lock, and its optional file, written atomically
//! before a write is acknowledged.
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use tokio::sync::Mutex;

use super::envelope::ApiError;
use super::state::{State, now};

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
    /// Hands out a number to every save, in lock order.
    next: AtomicU64,
    /// The number of the last save on disk; an older save never overwrites a newer one.
    written: std::sync::Mutex<u64>,
}

impl Store {
    /// A store starting from `file` if it exists, else from `initial`.
    pub fn open(
        initial: State,
        file: Option<PathBuf>,
        verify_after: Option<Duration>,
    ) -> Result<Self, String> {
        let state = match &file {
            Some(path) if path.exists() => load(path, initial)?,
            // Writing the file now turns a bad path into a start-up error
            // instead of a 500 on the first write.
            Some(path) => {
                let bytes = serde_json::to_vec_pretty(&initial).map_err(|e| e.to_string())?;
                write_atomically(path, &bytes, 0)
                    .map_err(|e| format!("cannot create state file {}: {e}", path.display()))?;
                initial
            }
            None => initial,
        };
        let file = file.map(|path| {
            Arc::new(StateFile {
                path,
                next: AtomicU64::new(1),
                written: std::sync::Mutex::new(0),
            })
        });
        Ok(Self {
            state: Mutex::new(state),
            file,
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
        let bytes = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
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

/// Reads a state file; ids the data does not know are dropped and ids the
/// file lacks come from `initial`, so a file from older data still loads.
fn load(path: &Path, initial: State) -> Result<State, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
    let saved: State = serde_json::from_str(&text).map_err(|e| {
        format!(
            "state file {} is corrupt ({e}); delete it to start from the data",
            path.display()
        )
    })?;
    let mut state = initial;
    for (id, csam) in saved.zones {
        if let Some(slot) = state.zones.get_mut(&id) {
            *slot = csam;
        }
    }
    for (id, dlp) in saved.dlp {
        if let Some(slot) = state.dlp.get_mut(&id) {
            *slot = dlp;
        }
    }
    state.outbox = saved.outbox;
    Ok(state)
}

/// Write to a temporary file in the same folder, flush it to disk, rename it
/// over the target, then flush the folder: a crash leaves old or new, whole.
fn write_atomically(path: &Path, bytes: &[u8], number: u64) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.{number}.tmp", std::process::id()));
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    File::open(&dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::data::{DemoData, SHIPPED};

    #[tokio::test]
    async fn a_failed_write_changes_nothing_and_a_good_one_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let data = DemoData::parse(SHIPPED).unwrap();
        let store = Store::open(State::from_data(&data, now()), Some(path.clone()), None).unwrap();
        let before = store.read(Clone::clone).await;
        let rejected = store
            .write(|s| {
                s.outbox.clear();
                s.dlp.clear();
                Err::<(), _>(ApiError::internal("no"))
            })
            .await;
        assert!(rejected.is_err());
        assert_eq!(store.read(Clone::clone).await, before);
        let saved: State = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(saved, before, "created at start, unchanged since");
        store
            .write(|s| {
                s.dlp.values_mut().for_each(|d| d.ocr = !d.ocr);
                Ok(())
            })
            .await
            .unwrap();
        let reopened = Store::open(State::from_data(&data, now()), Some(path), None).unwrap();
        assert_eq!(
            reopened.read(Clone::clone).await,
            store.read(Clone::clone).await
        );
    }

    #[test]
    fn a_state_file_in_a_missing_folder_fails_at_start() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let path = PathBuf::from("/nonexistent-trustdeck-dir/state.json");
        let err = Store::open(State::from_data(&data, now()), Some(path), None)
            .err()
            .unwrap();
        assert!(err.contains("cannot create state file"), "{err}");
    }

    #[test]
    fn a_corrupt_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{ not json").unwrap();
        let data = DemoData::parse(SHIPPED).unwrap();
        let err = Store::open(State::from_data(&data, now()), Some(path), None)
            .err()
            .unwrap();
        assert!(err.contains("corrupt"), "{err}");
    }
}
