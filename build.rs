//! Two things, and neither may fail the build:
//!
//! - `TRUSTDECK_VERSION` for `trustdeck --version`: the package version and,
//!   when this is a git checkout and git is installed, the commit it was
//!   built from (`0.1.0 (abc1234)`).
//! - On a native Linux/glibc build, the linker keeps the compiler's
//!   `.text.unlikely` code (cold paths: panics, errors) apart from the
//!   rest, so the pages a session runs hold less of it. The option is
//!   generic (GNU ld, lld, mold): no symbol list to go stale.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    version();
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    if !native || var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-Wl,-z,keep-text-section-prefix");
}

/// Sets TRUSTDECK_VERSION, with the commit when git can name it.
fn version() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).output().ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let commit = if Path::new(&manifest).join(".git").exists() {
        git(&["-C", &manifest, "rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    match commit {
        Some(commit) => {
            for path in ["HEAD", "packed-refs"] {
                if let Some(file) = git(&["-C", &manifest, "rev-parse", "--git-path", path]) {
                    println!(
                        "cargo:rerun-if-changed={}",
                        Path::new(&manifest).join(file).display()
                    );
                }
            }
            if let Some(branch) = git(&["-C", &manifest, "symbolic-ref", "-q", "HEAD"])
                && let Some(file) = git(&["-C", &manifest, "rev-parse", "--git-path", &branch])
            {
                println!(
                    "cargo:rerun-if-changed={}",
                    Path::new(&manifest).join(file).display()
                );
            }
            println!("cargo:rustc-env=TRUSTDECK_VERSION={version} ({commit})");
        }
        None => println!("cargo:rustc-env=TRUSTDECK_VERSION={version}"),
    }
}
