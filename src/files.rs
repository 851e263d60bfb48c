//! The files trustdeck keeps and reads, done carefully in one place.
//!
//! What it writes (the log, recent zones, later caches) is its user's alone:
//! files 0600 in a 0700 directory. What it reads at start (the config file,
//! a secret file, recent zones) must be a regular file of a bounded size,
//! checked before it is opened, so a FIFO or a device there is refused
//! instead of hanging the start.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Creates `path` (and missing parents) with mode 0700. An existing `path`
/// must be a directory of the current user; when group or others may enter
/// it, it is made 0700. Existing parents (e.g. `~/.local/state`) are left as
/// they are: call this only for trustdeck's own folder.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    refuse_linked_folders(path)?;
    builder.create(path)?;
    refuse_linked_folders(path)?;
    let metadata = fs::metadata(path)?;
    if !metadata.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if metadata.uid() != current_uid() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} belongs to another user (uid {}); trustdeck keeps its files only in a \
                     directory of yours",
                    path.display(),
                    metadata.uid()
                ),
            ));
        }
        if metadata.mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// A symbolic link at `path`, or at one of its folders up to trustdeck's
/// own (`…/trustdeck/runs`: `runs` and `trustdeck`), is an error: following
/// it would make another folder 0700 and put our files there.
fn refuse_linked_folders(path: &Path) -> io::Result<()> {
    let own = path
        .ancestors()
        .position(|dir| dir.file_name().is_some_and(|n| n == "trustdeck"))
        .unwrap_or(0);
    for dir in path.ancestors().take(own + 1) {
        if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::other(format!(
                "{} is a symbolic link; trustdeck keeps its files only in a real folder of its \
                 own, never through a link",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Opens `path` for appending, creating it 0600. A symbolic link or a
/// non-regular file there is refused; an existing file that group or others
/// may read is made 0600.
pub fn open_append_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other(
            "it is a symbolic link, and trustdeck never writes through one",
        ));
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file but {}",
            path.display(),
            kind(&metadata)
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

/// Numbers this process's temporary files, so two writes at once never
/// share one.
static TEMP_NUMBER: AtomicU64 = AtomicU64::new(0);

/// How many taken temporary names a write steps over before it gives up.
const TEMP_TRIES: usize = 64;

/// Replaces `path` with `bytes` so that a crash leaves the old content or the
/// new, never a mix: a temporary file (0600) in the same directory is
/// written, flushed to disk, renamed over `path`, and the directory is
/// flushed so the rename survives a power cut. The directory must exist.
///
/// The temporary file is `.NAME.PID.NUMBER.tmp`; a failed write removes it,
/// and one that a killed process left is what [`remove_orphaned_temps`]
/// removes.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_checked(path, bytes, |_| {})
}

/// [`write_atomic_private`], calling `before_rename` with the temporary
/// file once it is complete (tests look at it there).
fn write_atomic_checked(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path),
) -> io::Result<()> {
    let dir = folder(path);
    let (temp, mut file) = create_temp(dir, &file_name(path))?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            before_rename(&temp);
            fs::rename(&temp, path)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// [`write_atomic_private`] for content written piece by piece: the pieces
/// go to the temporary file as they come, and [`AtomicPrivateFile::commit`]
/// puts it in place. Dropped without a commit, the temporary file is
/// removed and `path` is as it was.
#[derive(Debug)]
pub struct AtomicPrivateFile {
    /// Where the file goes.
    path: PathBuf,
    /// The temporary file, until committed.
    temp: Option<(PathBuf, File)>,
}

impl AtomicPrivateFile {
    /// A new temporary file (0600) beside `path`, whose directory must exist.
    pub fn create(path: &Path) -> io::Result<Self> {
        let temp = create_temp(folder(path), &file_name(path))?;
        Ok(Self {
            path: path.to_owned(),
            temp: Some(temp),
        })
    }

    /// Flushes the file to disk, renames it over `path` and flushes the
    /// directory.
    pub fn commit(mut self) -> io::Result<()> {
        let Some((temp, file)) = self.temp.take() else {
            return Err(io::Error::other("already committed"));
        };
        let done = file.sync_all().and_then(|()| {
            drop(file);
            fs::rename(&temp, &self.path)
        });
        if let Err(e) = done {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        #[cfg(unix)]
        File::open(folder(&self.path))?.sync_all()?;
        Ok(())
    }
}

impl Write for AtomicPrivateFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.temp {
            Some((_, file)) => file.write(bytes),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.temp {
            Some((_, file)) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicPrivateFile {
    fn drop(&mut self) {
        if let Some((temp, file)) = self.temp.take() {
            drop(file);
            let _ = fs::remove_file(temp);
        }
    }
}

/// A new temporary file for `name` in `dir`, created 0600 with `O_EXCL`; a
/// name already taken (a file left by an earlier process with our PID) is
/// stepped over.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut taken = None;
    for _ in 0..TEMP_TRIES {
        let number = TEMP_NUMBER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}.{number}.tmp", std::process::id()));
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => taken = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(taken.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// Removes the temporary files of `path` that a process killed in the
/// middle of [`write_atomic_private`] left behind: exactly
/// `.NAME.PID.NUMBER.tmp` (PID and NUMBER digits) next to it, and only when
/// process PID is no longer running. Our own PID counts as gone: call this
/// before this process first writes `path`, so such a file is from an
/// earlier process that had our PID. Where running processes cannot be
/// seen (no `/proc`), nothing is removed. Returns the files removed.
pub fn remove_orphaned_temps(path: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.", file_name(path));
    let Ok(entries) = fs::read_dir(folder(path)) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
            .filter(|(pid, number)| all_digits(pid) && all_digits(number))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if process_may_run(pid) {
            continue;
        }
        let orphan = entry.path();
        match fs::remove_file(&orphan) {
            Ok(()) => {
                tracing::info!(file = %orphan.display(), "removed a temporary file left by a killed process");
                removed.push(orphan);
            }
            Err(e) => {
                tracing::warn!(file = %orphan.display(), error = %e, "cannot remove a stale temporary file");
            }
        }
    }
    removed
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether process `pid` may still be running (and writing its file).
fn process_may_run(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// The directory `path` is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file read by [`read_regular_file`], with what `fstat` said of it.
#[derive(Debug)]
pub struct RegularFile {
    /// Its content.
    pub bytes: Vec<u8>,
    /// Its metadata, from the opened file (mode, owner), for permission checks.
    pub metadata: Metadata,
}

/// Why [`read_regular_file`] read nothing. The messages name no path: the
/// caller says which file it was and what it holds.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS refused (missing, no permission, …).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A FIFO, a device, a directory…: never opened for reading.
    #[error("it is not a regular file but {kind}")]
    NotRegular {
        /// What it is, e.g. "a FIFO (named pipe)".
        kind: &'static str,
    },
    /// Bigger than the caller allows.
    #[error("it is larger than {max} bytes")]
    TooLarge {
        /// The limit.
        max: u64,
    },
}

impl ReadError {
    /// There is no file at all.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// Reads a whole regular file of at most `max_len` bytes. Symbolic links are
/// followed (a config file kept in a dotfiles repository is common), but what
/// they lead to is checked with `stat` before opening, and the opened file is
/// checked again with `fstat`, so a FIFO or device is never opened or waited on.
pub fn read_regular_file(path: &Path, max_len: u64) -> Result<RegularFile, ReadError> {
    let (file, metadata) = open_regular_file(path, max_len)?;
    let mut bytes = Vec::new();
    file.take(max_len + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_len {
        return Err(ReadError::TooLarge { max: max_len });
    }
    Ok(RegularFile { bytes, metadata })
}

/// Opens a regular file of at most `max_len` bytes, checked as
/// [`read_regular_file`] checks it, to be read as a stream (the caller
/// reads no more than `max_len` bytes of it).
pub fn open_regular_file(path: &Path, max_len: u64) -> Result<(File, Metadata), ReadError> {
    let before = fs::metadata(path)?;
    check_regular(&before, max_len)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Should the path be swapped for a FIFO after the stat, the open
        // still returns at once, and the fstat below refuses it.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    check_regular(&metadata, max_len)?;
    Ok((file, metadata))
}

fn check_regular(metadata: &Metadata, max_len: u64) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind(metadata),
        });
    }
    if metadata.len() > max_len {
        return Err(ReadError::TooLarge { max: max_len });
    }
    Ok(())
}

/// What a file is, in words.
fn kind(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

#[cfg(unix)]
fn current_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, cannot fail and touches no memory.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn what_a_killed_write_leaves_is_what_the_cleanup_removes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut seen = None;
        write_atomic_checked(&path, b"new", |temp| {
            seen = Some((temp.to_path_buf(), names(dir.path())));
        })
        .unwrap();
        let (temp, before_rename) = seen.unwrap();
        let temp_name = temp.file_name().unwrap().to_str().unwrap();
        assert_eq!(before_rename, [temp_name], "one temporary file, next to it");
        assert_eq!(fs::read(&path).unwrap(), b"new");
        // A process killed before the rename leaves exactly that file.
        fs::write(&temp, "half").unwrap();
        fs::write(dir.path().join(".other.json.1.1.tmp"), "").unwrap();
        assert_eq!(remove_orphaned_temps(&path), [temp]);
        assert_eq!(names(dir.path()), [".other.json.1.1.tmp", "state.json"]);
    }

    #[test]
    fn a_failed_write_removes_its_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), "x").unwrap();
        assert!(write_atomic_private(&path, b"new").is_err());
        assert_eq!(names(dir.path()), ["taken"]);
    }

    #[test]
    fn temporary_names_left_by_an_earlier_process_with_our_pid_are_stepped_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("recent.json");
        let next = TEMP_NUMBER.load(Ordering::Relaxed);
        let pid = std::process::id();
        for number in next..next + 8 {
            fs::write(
                dir.path().join(format!(".recent.json.{pid}.{number}.tmp")),
                "",
            )
            .unwrap();
        }
        write_atomic_private(&path, b"saved").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"saved");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
