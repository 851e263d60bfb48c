//! Link options for the binary on Linux, both for a smaller resident set
//! (most of `--demo`'s memory is the executable's own pages):
//!
//! - DT_RELR: ~15,000 relative relocations shrink from 370 KB, which the
//!   loader reads at every start, to a few KB. glibc reads them from 2.36
//!   on and a binary linked with them needs that glibc, so the flag is only
//!   passed when the libc.so.6 the linker will use says it can (its
//!   GLIBC_ABI_DT_RELR version).
//! - `link/hot-text.ld` (x86_64, release): the functions a dashboard
//!   session runs are placed together ahead of the rest. The kernel maps
//!   64 KiB of code around every page that is touched, so scattered hot
//!   functions kept ~90 % of the code resident; together, under half. The
//!   list is made by `examples/hot_text.rs`; a name it lacks only costs
//!   memory. rust-lld and GNU ld both read the script.
//!   `TRUSTDECK_NO_HOT_TEXT=1` leaves it out (e.g. for a linker that reads
//!   no linker scripts, such as mold).
//!
//! `TRUSTDECK_LINK_MAP=<file>` also writes the linker's map there, which
//! `examples/hot_text.rs` reads. Cross-builds get none of this.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    println!("cargo:rerun-if-env-changed=TRUSTDECK_NO_HOT_TEXT");
    println!("cargo:rerun-if-env-changed=TRUSTDECK_LINK_MAP");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    if !native || var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    if libc_reads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let hot_text = Path::new(&var("CARGO_MANIFEST_DIR")).join("link/hot-text.ld");
    if var("PROFILE") == "release"
        && var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("TRUSTDECK_NO_HOT_TEXT").is_empty()
        && hot_text.exists()
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", hot_text.display());
    }
    let map = var("TRUSTDECK_LINK_MAP");
    if !map.is_empty() {
        println!("cargo:rustc-link-arg-bins=-Wl,-Map={map}");
    }
}

/// Whether the libc.so.6 that `cc` links against defines GLIBC_ABI_DT_RELR.
fn libc_reads_relr() -> bool {
    let Ok(out) = Command::new("cc")
        .arg("-print-file-name=libc.so.6")
        .output()
    else {
        return false;
    };
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    // An unknown name is printed back bare: no path, nothing to read.
    if !out.status.success() || !path.starts_with('/') {
        return false;
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return false;
    };
    let needle = b"GLIBC_ABI_DT_RELR";
    bytes.windows(needle.len()).any(|w| w == needle)
}
