//! `trustdeck man` as the real binary: the main page carries KEYS (the
//! dashboard's key table), EXIT STATUS (every code), ENVIRONMENT and FILES
//! (the default paths as the code computes them, under their XDG
//! variables), and `man` renders it when it is installed.

use std::path::Path;

use crate::headless_common::Headless;
use clap_mangen::roff::{Roff, bold, roman};
use trustdeck::input::key_rows;

/// The main page as `man --out-dir` writes it, and as `man` prints it.
async fn pages(cli: &Headless) -> (String, String) {
    let dir = cli.home.path().join("man");
    std::fs::create_dir(&dir).unwrap();
    cli.run(&["man", "--out-dir", dir.to_str().unwrap()])
        .await
        .expect(0);
    let written = std::fs::read_to_string(dir.join("trustdeck.1")).expect("trustdeck.1");
    let printed = cli.run(&["man"]).await;
    printed.expect(0);
    (written, printed.stdout)
}

/// `text` from `heading` on, up to the next `.SH`.
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page
        .find(&format!("{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading}:\n{page}"));
    let rest = &page[start + heading.len()..];
    &rest[..rest.find("\n.SH ").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_main_page_lists_keys_exit_codes_environment_and_files() {
    let cli = Headless::start().await;
    let (page, printed) = pages(&cli).await;
    for heading in [
        ".SH KEYS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
    ] {
        assert!(printed.contains(heading), "stdout has {heading}");
    }

    let keys = section(&page, ".SH KEYS");
    let fleet = section(keys, ".SS \"Fleet (every zone)\"");
    let rows: Vec<_> = key_rows()
        .into_iter()
        .filter(|row| row.context == "Fleet (every zone)" && !row.help.contains('\''))
        .collect();
    assert!(rows.len() > 5, "{rows:?}");
    for row in &rows {
        let line = Roff::new()
            .control("TP", [])
            .text([bold(row.keys.as_str())])
            .text([roman(row.help)])
            .to_roff();
        assert!(fleet.contains(&line), "no {line:?} in:\n{fleet}");
    }

    let exits = section(&page, ".SH \"EXIT STATUS\"");
    for code in [0, 1, 2, 3, 4, 5, 6, 130] {
        assert!(
            exits.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "{code}:\n{exits}"
        );
    }
    assert!(exits.contains("Locked by Trust & Safety."), "{exits}");

    let environment = section(&page, ".SH ENVIRONMENT");
    for name in [
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY",
        "CLOUDFLARE_BASE_URL",
        "TRUSTDECK_CONFIG",
        "TRUSTDECK_PROFILE",
        "NO_COLOR",
    ] {
        assert!(
            environment.contains(&format!("\\fB{name}\\fR")),
            "{name}:\n{environment}"
        );
    }

    let files = section(&page, ".SH FILES");
    for path in [
        "$XDG_CONFIG_HOME/trustdeck/config.toml",
        "$XDG_STATE_HOME/trustdeck/audit.jsonl",
        "$XDG_STATE_HOME/trustdeck/runs/RUN.jsonl",
        "$XDG_STATE_HOME/trustdeck/trustdeck.log",
        "$XDG_STATE_HOME/trustdeck/recent\\-zones.json",
        "$XDG_CACHE_HOME/trustdeck/fleet\\-*.json",
    ] {
        assert!(
            files.contains(&format!("\\fB{path}\\fR")),
            "{path}:\n{files}"
        );
    }
    let home = cli.home.path().display().to_string();
    assert!(
        !page.contains(&home),
        "the page names no folder of the machine that made it"
    );
}

#[test]
fn the_files_section_is_where_the_code_puts_them() {
    let relative = |path: &Path, base: Option<std::path::PathBuf>| {
        path.strip_prefix(base.expect("a base folder"))
            .expect("under it")
            .display()
            .to_string()
    };
    assert_eq!(
        relative(
            &trustdeck::audit::AuditLog::default_path(),
            dirs::state_dir()
        ),
        "trustdeck/audit.jsonl"
    );
    assert_eq!(
        relative(
            trustdeck::fleet::RunsDir::default_location().dir(),
            dirs::state_dir()
        ),
        "trustdeck/runs"
    );
    assert_eq!(
        relative(
            &trustdeck::config::default_config_path(),
            dirs::config_dir()
        ),
        "trustdeck/config.toml"
    );
    let cache = trustdeck::fleet::ScanCache::default_location().expect("a cache folder");
    assert_eq!(relative(cache.dir(), dirs::cache_dir()), "trustdeck");
}

#[tokio::test]
async fn man_renders_the_sections_when_it_is_installed() {
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no man here: skipped");
        return;
    }
    let cli = Headless::start().await;
    let (page, _) = pages(&cli).await;
    let file = cli.home.path().join("trustdeck.1");
    std::fs::write(&file, page).unwrap();
    let output = std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .output()
        .expect("man runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    for heading in [
        "\nKEYS\n",
        "\nEXIT STATUS\n",
        "\nENVIRONMENT\n",
        "\nFILES\n",
    ] {
        assert!(text.contains(heading), "{heading:?}:\n{text}");
    }
    assert!(
        text.contains("$XDG_STATE_HOME/trustdeck/audit.jsonl"),
        "{text}"
    );
    assert!(text.contains("CLOUDFLARE_API_TOKEN"), "{text}");
}
