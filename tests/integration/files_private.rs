//! What trustdeck writes is its user's alone (0600 files in a 0700 folder),
//! and what it reads at start is a regular file: a FIFO where the config, a
//! token file or the recent zones should be is refused at once, not waited on.
#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use trustdeck::cli::ConnectionArgs;
use trustdeck::config::{Config, ConfigSource};
use trustdeck::files::{
    ReadError, create_private_dir, open_append_private, read_regular_file, write_atomic_private,
};
use trustdeck::recent::{RecentZone, RecentZones};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo touches nothing else.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    path
}

/// Runs `work` on its own thread and fails the test if it takes longer than
/// a few seconds (a read of a FIFO with no writer would block forever).
fn within_seconds<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    receive
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what} hung"))
}

#[test]
fn our_folder_is_made_0700_and_a_users_folder_is_left_alone() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("state");
    std::fs::create_dir(&state).unwrap();
    set_mode(&state, 0o755);
    let ours = state.join("trustdeck");
    create_private_dir(&ours).unwrap();
    assert_eq!(mode(&ours), 0o700);
    assert_eq!(mode(&state), 0o755, "an existing parent is not changed");

    // Our own folder, left open by an older version, is closed.
    set_mode(&ours, 0o755);
    create_private_dir(&ours).unwrap();
    assert_eq!(mode(&ours), 0o700);

    // Missing parents are made 0700 too, as XDG asks.
    let deep = root.path().join("a/b/trustdeck");
    create_private_dir(&deep).unwrap();
    assert_eq!(mode(&deep), 0o700);
    assert_eq!(mode(&root.path().join("a/b")), 0o700);

    // A file where the folder should be is an error, not a crash.
    let file = root.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert!(create_private_dir(&file).is_err());
}

#[test]
fn the_appended_log_is_0600_even_when_it_was_open_before() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("trustdeck.log");
    drop(open_append_private(&log).unwrap());
    assert_eq!(mode(&log), 0o600);

    set_mode(&log, 0o644);
    use std::io::Write;
    writeln!(open_append_private(&log).unwrap(), "line").unwrap();
    assert_eq!(mode(&log), 0o600, "an older, readable log is closed");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "line\n");

    // A symbolic link planted where the log goes is not followed.
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, "").unwrap();
    let link = dir.path().join("link.log");
    symlink(&target, &link).unwrap();
    assert!(open_append_private(&link).is_err());

    let pipe = fifo(dir.path(), "pipe.log");
    assert!(within_seconds("appending to a FIFO", move || {
        open_append_private(&pipe).is_err()
    }));
}

#[test]
fn an_atomic_write_is_0600_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    write_atomic_private(&path, b"one").unwrap();
    assert_eq!(mode(&path), 0o600);
    set_mode(&path, 0o644);
    write_atomic_private(&path, b"two").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
    assert_eq!(
        mode(&path),
        0o600,
        "the new file replaces the old one whole"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["cache.json"]);
}

#[test]
fn only_a_regular_file_of_a_bounded_size_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "pipe");
    let result = within_seconds("reading a FIFO", move || read_regular_file(&pipe, 100));
    assert!(
        matches!(result, Err(ReadError::NotRegular { kind }) if kind.contains("FIFO")),
        "{result:?}"
    );
    let result = read_regular_file(dir.path(), 100);
    assert!(
        matches!(result, Err(ReadError::NotRegular { .. })),
        "{result:?}"
    );
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'x'; 101]).unwrap();
    let result = read_regular_file(&big, 100);
    assert!(
        matches!(result, Err(ReadError::TooLarge { max: 100 })),
        "{result:?}"
    );
    assert_eq!(read_regular_file(&big, 101).unwrap().bytes.len(), 101);
    assert!(
        read_regular_file(&dir.path().join("none"), 1)
            .unwrap_err()
            .is_not_found()
    );
    // A symbolic link to a regular file (a dotfiles repository) is fine.
    let link = dir.path().join("link");
    symlink(&big, &link).unwrap();
    assert_eq!(read_regular_file(&link, 101).unwrap().bytes.len(), 101);
}

#[test]
fn a_config_file_others_can_change_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[profiles.p]\n").unwrap();
    for bad in [0o664, 0o646, 0o666, 0o620] {
        set_mode(&path, bad);
        let error = ConfigSource::read(&path).unwrap_err().to_string();
        let shown = path.display().to_string();
        assert!(
            error.contains(&shown) && error.contains(&format!("chmod go-w {shown}")),
            "{bad:o}: {error}"
        );
    }
    for good in [0o644, 0o600, 0o640, 0o400] {
        set_mode(&path, good);
        assert!(ConfigSource::read(&path).is_ok(), "{good:o}");
    }
}

#[test]
fn a_fifo_for_a_config_a_token_or_recent_zones_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = fifo(dir.path(), "config.toml");
    let error = within_seconds("reading a FIFO config", move || {
        ConfigSource::read(&config).unwrap_err().to_string()
    });
    assert!(error.contains("not a regular file"), "{error}");

    let token = fifo(dir.path(), "prod.token");
    let text = format!(
        "default_profile = \"p\"\n[profiles.p]\ntoken_file = '{}'\n",
        token.display()
    );
    let error = within_seconds("reading a FIFO token file", move || {
        let source = ConfigSource::from_text("/c.toml", text);
        Config::resolve(&ConnectionArgs::default(), |_| None, &source)
            .unwrap_err()
            .to_string()
    });
    assert!(
        error.contains("prod.token") && error.contains("not a regular file"),
        "{error}"
    );

    let recent = fifo(dir.path(), "recent-zones.json");
    let (list, warning) = within_seconds("reading FIFO recent zones", move || {
        RecentZones::load(&recent)
    });
    assert!(list.zones().is_empty());
    assert!(warning.unwrap().contains("not a regular file"));
}

#[test]
fn recent_zones_are_saved_0600_in_a_0700_folder() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("trustdeck/recent-zones.json");
    let mut list = RecentZones::new();
    list.push(RecentZone {
        id: "z".into(),
        name: "z.example.com".into(),
        account_id: None,
        account_name: None,
        detail: None,
    });
    list.save(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(RecentZones::load(&path), (list, None));
}
