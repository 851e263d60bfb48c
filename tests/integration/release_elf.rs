//! What a packager relies on in the built binary: `--version` names the
//! commit, and the binary asks no newer glibc than 2.34 (no packed
//! relocations, which need 2.36).
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trustdeck");

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR")])
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn version_names_the_package_version_and_the_commit() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.trim_end();
    let want = format!("trustdeck {}", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&want), "{line:?}");
    let Some(head) = git(&["rev-parse", "HEAD"]) else {
        eprintln!("not a git checkout (or no git): only the version is checked");
        return;
    };
    let commit = line
        .strip_prefix(&format!("{want} ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no commit in {line:?}"));
    assert!(
        commit.len() >= 7 && head.starts_with(commit),
        "{commit:?} is not HEAD {head}"
    );
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_needs_no_glibc_above_2_34() {
    let Ok(out) = Command::new("readelf").args(["-V", "-d", BIN]).output() else {
        eprintln!("readelf not found: skipped");
        return;
    };
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("GLIBC_ABI_DT_RELR"), "needs glibc 2.36");
    assert!(!text.contains("(RELR)"), "packed relocations");
    let newest = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter_map(|word| word.strip_prefix("GLIBC_2."))
        .filter_map(|minor| minor.split('.').next()?.parse::<u32>().ok())
        .max()
        .expect("glibc symbol versions");
    assert!(newest <= 34, "needs GLIBC_2.{newest}");
}
