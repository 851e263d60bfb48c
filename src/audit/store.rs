//! The file itself: whole-line appends that several processes can make at
//! once, rotation by size under an advisory lock, and opening the current
//! and rotated files for reading.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::files::{create_private_dir, open_append_private};

/// When the log rotates and how long a writer waits for the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// A line that would take the file past this size first moves it to
    /// `audit.jsonl.1` (0 never rotates).
    pub max_bytes: u64,
    /// How many rotated files are kept (`.1` newest … `.keep` oldest); at
    /// most 9, the most the reader looks for.
    pub keep: u32,
    /// How long to wait for another process's lock before appending without
    /// rotating (the line is never dropped for want of the lock).
    pub lock_wait: Duration,
}

impl Default for Rotation {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            keep: 3,
            lock_wait: Duration::from_secs(1),
        }
    }
}

/// The `n`th rotated file next to `path` (`audit.jsonl.1`).
pub fn rotated_path(path: &Path, n: u32) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// The lock file next to `path`; it never moves, unlike the log it guards.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Appends `line` (one JSON record and its `\n`) to `path`.
///
/// Order matters here: the lock is taken before the size is looked at and
/// held until the line is written, so no other trustdeck process can rotate
/// the file between this process's check and its write (the line would land
/// in `.1`, or in a file about to be deleted). The file is opened anew for
/// every line, after any rotation, so each line goes to the current file.
pub(crate) fn append(path: &Path, rotation: &Rotation, line: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let lock = Lock::take(path, rotation.lock_wait);
    let mut file = open_append_private(path)?;
    if lock.is_some() && rotation.max_bytes > 0 {
        let size = file.metadata()?.len();
        if size > 0 && size + line.len() as u64 > rotation.max_bytes {
            drop(file);
            rotate(path, rotation.keep.min(MAX_ROTATED))?;
            file = open_append_private(path)?;
        }
    }
    // One write call on an O_APPEND file: the kernel puts the whole line at
    // the end in one go, so lines of concurrent writers never interleave.
    // write_all only loops on a short write (a full disk).
    file.write_all(line)?;
    file.sync_data()?;
    drop(lock);
    Ok(())
}

/// Shifts `.1 … .keep-1` up by one (the oldest is replaced) and moves the
/// current file to `.1`. Each step is a rename, so a crash in between loses
/// at most the oldest file, never a line of the newer ones.
fn rotate(path: &Path, keep: u32) -> io::Result<()> {
    if keep == 0 {
        return ignore_missing(fs::remove_file(path));
    }
    for n in (1..keep).rev() {
        ignore_missing(fs::rename(rotated_path(path, n), rotated_path(path, n + 1)))?;
    }
    ignore_missing(fs::rename(path, rotated_path(path, 1)))
}

fn ignore_missing(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The log's files that exist, oldest first (`.N … .1`, then the current
/// one), opened together under the lock so a rotation cannot make the reader
/// miss or repeat a file. A file that cannot be opened is reported with why.
pub(crate) fn open_all(path: &Path, lock_wait: Duration) -> Vec<(PathBuf, io::Result<File>)> {
    let lock = Lock::take(path, lock_wait);
    let mut rotated = Vec::new();
    for n in 1..=MAX_ROTATED {
        let candidate = rotated_path(path, n);
        if fs::symlink_metadata(&candidate).is_err() {
            break;
        }
        rotated.push(candidate);
    }
    let mut opened: Vec<(PathBuf, io::Result<File>)> = rotated
        .into_iter()
        .rev()
        .map(|p| {
            let file = open_regular(&p);
            (p, file)
        })
        .collect();
    match open_regular(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        file => opened.push((path.to_owned(), file)),
    }
    drop(lock);
    opened
}

/// Rotated files the reader looks for, whatever `keep` the writers used.
const MAX_ROTATED: u32 = 9;

/// Opens a regular file for reading without following a symbolic link and
/// without waiting on a FIFO; anything else is refused.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// An exclusive advisory lock (std's `File::try_lock`, as the journal's)
/// on the log's lock file, released when dropped (and by the kernel if the
/// process dies holding it).
struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock, waiting up to `wait`; `None` when it cannot be had
    /// (held elsewhere for too long, or the file system has no locks).
    fn take(path: &Path, wait: Duration) -> Option<Self> {
        let file = open_append_private(&lock_path(path)).ok()?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Some(Self { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                _ => return None,
            }
        }
    }
}
