//! Writes `link/hot-text.ld`: the functions a dashboard session runs, which
//! build.rs has the linker place together ahead of the rest of the code
//! (build.rs says why). Run it again when much of the code has changed:
//!
//!     TRUSTDECK_NO_HOT_TEXT=1 TRUSTDECK_LINK_MAP=$PWD/target/trustdeck.map \
//!         cargo build --release
//!     cargo run --release --example hot_text
//!     cargo build --release
//!
//! The binary it profiles is linked without the current list, all its code
//! in `.text`: valgrind names the object of no code outside that section.
//!
//! It runs target/release/trustdeck under valgrind's callgrind in a 120x40
//! pseudo-terminal through a session (the first frame, the zone picker
//! twice, moving and switching panels, help, the fleet page and its scan,
//! quit), once with `--demo` and once against a separate `trustdeck mock`
//! over loopback HTTP, takes the addresses of the instructions that ran,
//! and names the linker's input sections that hold them from the map
//! (rust-lld's format). The script lists those sections by their exact names, then the
//! same names without their hashes: a build whose hashes differ (another
//! compiler, a changed dependency) still finds most of its hot code, and
//! some cold instances of the same generic functions with it.
//!
//! Needs valgrind. Linux only. Talks only to loopback.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

#[path = "support/mock_process.rs"]
mod mock_process;

const ROWS: NonZeroU16 = NonZeroU16::new(40).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(120).unwrap();
/// Under callgrind the dashboard runs some 50 times slower.
const PATIENCE: Duration = Duration::from_secs(120);

fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn main() {
    let target = target_dir();
    let bin = target.join("release/trustdeck");
    let map = std::env::var_os("TRUSTDECK_LINK_MAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("trustdeck.map"));
    for (path, how) in [
        (&bin, "cargo build --release"),
        (
            &map,
            "TRUSTDECK_NO_HOT_TEXT=1 TRUSTDECK_LINK_MAP=$PWD/target/trustdeck.map cargo build --release",
        ),
    ] {
        assert!(path.exists(), "{} missing: run {how}", path.display());
    }
    let work = tempfile::tempdir().unwrap();
    let demo = work.path().join("demo.out");
    session(&bin, &demo, work.path(), None);
    // Not under valgrind: only the dashboard is profiled here.
    let mock = mock_process::start(&bin);
    let dashboard = work.path().join("dashboard.out");
    session(
        &bin,
        &dashboard,
        work.path(),
        Some((&mock.url, &mock.token)),
    );
    drop(mock);
    let mut ran = executed(&demo, &bin);
    ran.extend(executed(&dashboard, &bin));
    let sections = text_sections(&map);
    let hot = hot_sections(&sections, &ran);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("link/hot-text.ld");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, script(&hot)).unwrap();
    let bytes: u64 = hot.iter().map(|s| s.size).sum();
    let all: u64 = sections.iter().map(|s| s.size).sum();
    println!(
        "{} of {} text sections ran ({} of {} KiB); wrote {}",
        hot.len(),
        sections.len(),
        bytes / 1024,
        all / 1024,
        out.display()
    );
}

/// The dashboard under callgrind, driven through a session: `--demo`, or
/// against `external` (base URL, token). Returns when it has quit and
/// callgrind has written `profile`.
fn session(bin: &Path, profile: &Path, home: &Path, external: Option<(&str, &str)>) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS.get(),
            cols: COLS.get(),
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut command = CommandBuilder::new("valgrind");
    command.args(["--tool=callgrind", "--dump-instr=yes"]);
    command.arg(format!("--callgrind-out-file={}", profile.display()));
    command.arg(format!(
        "--log-file={}",
        home.join("valgrind.log").display()
    ));
    command.arg(bin);
    command.env_clear();
    command.env("TERM", "xterm-256color");
    command.env("PATH", std::env::var("PATH").unwrap_or_default());
    for name in [
        "HOME",
        "XDG_STATE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
    ] {
        command.env(name, home);
    }
    match external {
        Some((url, token)) => {
            command.args(["--base-url", url]);
            command.env("CLOUDFLARE_API_TOKEN", token);
        }
        None => command.arg("--demo"),
    }
    let mut child = pair
        .slave
        .spawn_command(command)
        .expect("valgrind (apt install valgrind)");
    drop(pair.slave);
    let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
    let mut reader = pair.master.try_clone_reader().unwrap();
    let feed = screen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().unwrap().process(&buf[..n]);
        }
    });
    let mut writer = pair.master.take_writer().unwrap();
    let text = || screen.lock().unwrap().screen().contents();
    let wait = |what: &str, check: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + PATIENCE;
        while !check(&text()) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{}",
                text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut press = |keys: &str| {
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    };
    wait("the first frame", &|t| {
        t.contains("ncmec_ngo") && t.contains("OCR")
    });
    for query in ["royal-m", "uploads"] {
        press("z");
        wait("the picker", &|t| t.contains("loaded"));
        press(query);
        let title = format!("match \"{query}\"");
        wait("the filtered picker", &|t| t.contains(&title));
        press("\x1b");
        wait("the picker closed", &|t| !t.contains("Zones · "));
    }
    // Keys whose effect is a change on screen, none undoing the one before.
    for keys in ["j", "j", "\t", "j"] {
        let before = text();
        press(keys);
        wait(&format!("the effect of {keys:?}"), &|t| t != before);
    }
    press("?");
    wait("the help", &|t| t.contains("Help · every key"));
    press("\x1b");
    wait("the help closed", &|t| !t.contains("Help · every key"));
    press("f");
    wait("the fleet scan", &|t| t.contains("Scanned just now"));
    press("q");
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the demo under valgrind ended with {status:?}"
    );
}

/// The addresses of the instructions of `bin` that ran, from callgrind's
/// output with `--dump-instr=yes` (addresses are absolute as 0x…, or
/// relative to the line before as +n / -n / *).
fn executed(profile: &Path, bin: &Path) -> BTreeSet<u64> {
    let text = std::fs::read_to_string(profile).unwrap();
    let bin = bin.canonicalize().unwrap();
    let mut objects = BTreeMap::new();
    let mut current = false;
    let mut addr: u64 = 0;
    let mut ran = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("ob=")
            .or_else(|| line.strip_prefix("cob="))
        {
            let (id, name) = rest.split_once(' ').unwrap_or((rest, ""));
            if !name.is_empty() {
                objects.insert(id.to_owned(), Path::new(name) == bin);
            }
            if line.starts_with("ob=") {
                current = objects.get(id).copied().unwrap_or(false);
            }
            continue;
        }
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        let number = |s: &str| match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
            None => s.parse().unwrap(),
        };
        if let Some(hex) = first.strip_prefix("0x") {
            addr = u64::from_str_radix(hex, 16).unwrap();
        } else if let Some(n) = first.strip_prefix('+') {
            addr += number(n);
        } else if let Some(n) = first.strip_prefix('-') {
            addr -= number(n);
        } else if first != "*" {
            continue;
        }
        if current {
            ran.insert(addr);
        }
    }
    assert!(
        !ran.is_empty(),
        "no instruction of {} in the profile",
        bin.display()
    );
    ran
}

struct Section {
    addr: u64,
    size: u64,
    name: String,
}

/// Every named `.text.*` input section in the link map, by address.
fn text_sections(map: &Path) -> Vec<Section> {
    let text = std::fs::read_to_string(map).unwrap();
    assert!(
        !text.contains(" .text.hot\n"),
        "{} is of a binary linked with link/hot-text.ld: build it with TRUSTDECK_NO_HOT_TEXT=1",
        map.display()
    );
    let mut sections: Vec<Section> = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let addr = u64::from_str_radix(fields.next()?, 16).ok()?;
            let size = u64::from_str_radix(fields.nth(1)?, 16).ok()?;
            let input = fields.nth(1)?;
            let name = input.rsplit_once(":(")?.1.strip_suffix(')')?;
            name.starts_with(".text.").then(|| Section {
                addr,
                size,
                name: name.to_owned(),
            })
        })
        .collect();
    sections.sort_by_key(|s| s.addr);
    sections
}

fn hot_sections<'a>(sections: &'a [Section], ran: &BTreeSet<u64>) -> Vec<&'a Section> {
    let mut seen = HashSet::new();
    sections
        .iter()
        .filter(|s| s.size > 0 && ran.range(s.addr..s.addr + s.size).next().is_some())
        .filter(|s| seen.insert(s.name.as_str()))
        .collect()
}

/// A section's name with the parts that change from build to build left
/// open: a legacy symbol's hash, a v0 symbol's crate disambiguators, the
/// `.llvm.N` suffix of a symbol that thin LTO promoted.
fn without_hashes(name: &str) -> String {
    let name = name.split(".llvm.").next().unwrap();
    let mut out = String::with_capacity(name.len() + 8);
    let mut rest = name;
    while let Some(at) = rest.find("Cs") {
        let after = &rest[at + 2..];
        let digits = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        out.push_str(&rest[..at]);
        if after[digits..].starts_with('_') && digits > 0 {
            out.push_str("Cs*");
            rest = &after[digits..];
        } else {
            out.push_str("Cs");
            rest = after;
        }
    }
    out.push_str(rest);
    // Legacy: …17h<16 hex digits>E
    if let Some(at) = out.rfind("17h")
        && out.len() == at + 3 + 16 + 1
        && out.ends_with('E')
    {
        out.truncate(at + 3);
    }
    out.push('*');
    out
}

fn script(hot: &[&Section]) -> String {
    let mut out = String::from(
        "/* Generated by examples/hot_text.rs from a --demo session; build.rs\n   \
         passes it to the linker. Exact names first, then the same without\n   \
         their hashes. */\nSECTIONS\n{\n  .text.hot : {\n",
    );
    for s in hot {
        out.push_str(&format!("    *({})\n", s.name));
    }
    out.push_str("  }\n  .text.warm : {\n");
    let mut seen = HashSet::new();
    for s in hot {
        let open = without_hashes(&s.name);
        if seen.insert(open.clone()) {
            out.push_str(&format!("    *({open})\n"));
        }
    }
    out.push_str("  }\n}\nINSERT BEFORE .text;\n");
    out
}
