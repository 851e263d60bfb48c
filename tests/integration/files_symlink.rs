//! A symbolic link planted where trustdeck writes is refused, as the real
//! binary with its folders in a temporary home: `man --out-dir` does not
//! write through one, a linked `trustdeck.log` is said on stderr instead of
//! turning logging off in silence, and a linked `trustdeck/` or `runs/`
//! folder is not followed (the folder it points to is not made 0700).
#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use crate::common::ACME;
use crate::headless_common::Headless;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A folder of someone else's, open to all, that a link points to.
fn victim_folder(root: &Path) -> std::path::PathBuf {
    let victim = root.join("shared");
    std::fs::create_dir(&victim).unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o755)).unwrap();
    victim
}

#[tokio::test]
async fn man_out_dir_refuses_a_planted_link_and_writes_nothing() {
    let cli = Headless::start().await;
    let out = cli.home.path().join("man");
    std::fs::create_dir(&out).unwrap();
    let victim = cli.home.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    symlink(&victim, out.join("trustdeck-zones.1")).unwrap();
    let run = cli.run(&["man", "--out-dir", out.to_str().unwrap()]).await;
    run.expect(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("trustdeck-zones.1") && run.stderr.contains("symbolic link"),
        "which file and why: {}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!out.join("trustdeck.1").exists(), "nothing is written");

    std::fs::remove_file(out.join("trustdeck-zones.1")).unwrap();
    cli.run(&["man", "--out-dir", out.to_str().unwrap()])
        .await
        .expect(0);
    let page = std::fs::read_to_string(out.join("trustdeck-zones.1")).unwrap();
    assert!(page.contains(".TH"), "{page}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[tokio::test]
async fn a_linked_log_file_is_said_at_start() {
    let cli = Headless::start().await;
    let folder = cli.home.path().join("state/trustdeck");
    std::fs::create_dir_all(&folder).unwrap();
    let victim = cli.home.path().join("victim.log");
    std::fs::write(&victim, "").unwrap();
    symlink(&victim, folder.join("trustdeck.log")).unwrap();
    let run = cli.run(&["zones"]).await;
    run.expect(0);
    assert!(
        run.stderr.contains("cannot write the log")
            && run.stderr.contains("trustdeck.log")
            && run.stderr.contains("symbolic link"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "");
}

#[tokio::test]
async fn a_linked_trustdeck_folder_is_not_followed_or_chmoded() {
    let cli = Headless::start().await;
    let victim = victim_folder(cli.home.path());
    std::fs::create_dir_all(cli.home.path().join("state")).unwrap();
    symlink(&victim, cli.home.path().join("state/trustdeck")).unwrap();
    let run = cli
        .run(&["fleet", "apply", "--disable", "--yes", "--account", ACME])
        .await;
    assert!(run.code >= 2, "a run cannot keep its journal: {run:#?}");
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(
        cli.writes().await.is_empty(),
        "nothing is sent without a journal"
    );
    assert_eq!(mode(&victim), 0o755, "the linked folder is left as it was");
    assert!(
        std::fs::read_dir(&victim).unwrap().next().is_none(),
        "nothing is written into it"
    );
}

#[tokio::test]
async fn a_linked_runs_folder_is_not_followed_or_chmoded() {
    let cli = Headless::start().await;
    let victim = victim_folder(cli.home.path());
    let own = cli.home.path().join("state/trustdeck");
    std::fs::create_dir_all(&own).unwrap();
    symlink(&victim, own.join("runs")).unwrap();
    let run = cli
        .run(&["fleet", "apply", "--disable", "--yes", "--account", ACME])
        .await;
    assert!(run.code >= 2, "a run cannot keep its journal: {run:#?}");
    assert!(run.stderr.contains("runs"), "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(
        cli.writes().await.is_empty(),
        "nothing is sent without a journal"
    );
    assert_eq!(mode(&victim), 0o755);
    assert!(std::fs::read_dir(&victim).unwrap().next().is_none());
}
