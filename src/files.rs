//! The files trustdeck keeps and reads, done carefully in one place.
//!
//! What it writes (the log, recent zones, later caches) is its user's alone:
//! files 0600 in a 0700 directory. What it reads at start (the config file,
//! a secret file, recent zones) must be a regular file of a bounded size,
//! checked before it is opened, so a FIFO or a device there is refused
//! instead of hanging the start.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Creates `path` (and missing parents) with mode 0700. An existing `path`
/// must be a directory of the current user; when group or others may enter
/// it, it is made 0700. Existing parents (e.g. `~/.local/state`) are left as
/// they are: call this only for trustdeck's own folder.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)?;
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

/// Replaces `path` with `bytes` so that a crash leaves the old content or the
/// new, never a mix: a temporary file (0600) in the same directory is
/// written, flushed to disk, renamed over `path`, and the directory is
/// flushed so the rename survives a power cut. The directory must exist.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // tempfile creates the file 0600 with O_EXCL, and deletes it on failure.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
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
    let mut bytes = Vec::new();
    file.take(max_len + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_len {
        return Err(ReadError::TooLarge { max: max_len });
    }
    Ok(RegularFile { bytes, metadata })
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
