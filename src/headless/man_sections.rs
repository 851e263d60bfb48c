//! The sections of the main man page that clap does not make: KEYS (the
//! dashboard's key table), EXIT STATUS, ENVIRONMENT and FILES. Each is made
//! from what decides it in the code (the key table, [`Exit`], the
//! functions that compute the default paths), so the page cannot drift
//! from the program.

use std::io;
use std::path::{Path, PathBuf};

use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use crate::audit::AuditLog;
use crate::config::{CONFIG_ENV, PROFILE_ENV, default_config_path};
use crate::fleet::{RunsDir, ScanCache};
use crate::input::key_rows;

use super::Exit;

/// Writes the four sections, in roff.
pub fn render(w: &mut dyn io::Write) -> io::Result<()> {
    let mut roff = Roff::new();
    keys(&mut roff);
    exit_status(&mut roff);
    environment(&mut roff);
    files(&mut roff);
    roff.to_writer(w)
}

/// A tagged paragraph: `tag` in bold, then `text`.
fn item(roff: &mut Roff, tag: impl Into<String>, text: Vec<Inline>) {
    roff.control("TP", []);
    roff.text([bold(tag)]);
    roff.text(text);
}

fn keys(roff: &mut Roff) {
    roff.control("SH", ["KEYS"]);
    roff.text([roman(
        "The dashboard's keys, as its help overlay (?) lists them; the footer shows the ones \
         that work at the moment.",
    )]);
    let mut heading = "";
    for row in key_rows() {
        if row.context != heading {
            roff.control("SS", [row.context]);
            heading = row.context;
        }
        item(roff, row.keys, vec![roman(row.help)]);
    }
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roman("Every headless command ends with one of these:")]);
    for exit in Exit::ALL {
        item(roff, exit.code().to_string(), vec![roman(exit.meaning())]);
    }
    roff.control("PP", []);
    roff.text([
        roman("For a bulk run each code has more to it: see "),
        bold("trustdeck-fleet-apply"),
        roman("(1) and "),
        bold("trustdeck-fleet-resume"),
        roman("(1)."),
    ]);
}

/// The variables read, with what they do.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CLOUDFLARE_API_TOKEN",
        "The API token (preferred). Credentials are never read from flags.",
    ),
    (
        "CLOUDFLARE_EMAIL, CLOUDFLARE_API_KEY",
        "The legacy account email and global API key, both or neither.",
    ),
    (
        "CLOUDFLARE_BASE_URL",
        "The API root (default https://api.cloudflare.com/client/v4); a token only goes to \
         the base URL it was configured with.",
    ),
    (
        "CLOUDFLARE_ZONE_ID, CLOUDFLARE_ACCOUNT_ID",
        "The dashboard's zone and account, over the profile's.",
    ),
    (
        PROFILE_ENV,
        "The profile of the config file to use, like --profile.",
    ),
    (
        CONFIG_ENV,
        "The config file, instead of the default (see FILES and --print-config-path).",
    ),
    (
        "TRUSTDECK_LOG",
        "The log's level (default info), or per-target levels.",
    ),
    (
        "NO_COLOR",
        "Set and not empty: the dashboard draws no colour.",
    ),
    (
        "XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME",
        "Where the config file, the state (log, audit log, journals, recent zones) and the \
         cached scans are kept (see FILES); their defaults are under HOME.",
    ),
];

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in ENVIRONMENT {
        item(roff, *name, vec![roman(*text)]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "Flags win over the environment, which wins over the profile. flarectl's CF_API_TOKEN, \
         CF_API_KEY and CF_API_EMAIL are not read (trustdeck says so when they are set).",
    )]);
}

/// `path` as under `$VAR`, when it is under `base` (the folder `$VAR`
/// names, as the code computes it); else as it is.
fn under(var: &str, base: Option<PathBuf>, path: &Path) -> String {
    match base
        .as_deref()
        .and_then(|base| path.strip_prefix(base).ok())
    {
        Some(rest) => format!("${var}/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// The files, each as the code computes its default path.
pub fn file_paths() -> Vec<(String, &'static str)> {
    let state = |path: &Path| under("XDG_STATE_HOME", dirs::state_dir(), path);
    let cache = ScanCache::default_location()
        .map(|cache| under("XDG_CACHE_HOME", dirs::cache_dir(), cache.dir()))
        .unwrap_or_else(|| "$XDG_CACHE_HOME/trustdeck".to_owned());
    vec![
        (
            under(
                "XDG_CONFIG_HOME",
                dirs::config_dir(),
                &default_config_path(),
            ),
            "The config file: profiles (base URL, zone, account, read-only, where the secret \
             comes from). XDG_CONFIG_HOME defaults to ~/.config; TRUSTDECK_CONFIG overrides \
             the path.",
        ),
        (
            state(&AuditLog::default_path()),
            "The audit log: every write from every face, before it is sent and after. At 10 MiB \
             it moves to audit.jsonl.1 (.2 and .3 kept), under the lock audit.jsonl.lock. \
             XDG_STATE_HOME defaults to ~/.local/state.",
        ),
        (
            state(RunsDir::default_location().dir()) + "/RUN.jsonl",
            "The journal of each bulk run (fleet apply, fleet resume), which fleet runs lists.",
        ),
        (
            state(&crate::recent::default_path()),
            "The zones opened last in the dashboard.",
        ),
        (
            state(&crate::logging::log_path()),
            "The log (level from TRUSTDECK_LOG).",
        ),
        (
            cache + "/fleet-*.json",
            "The last fleet scan per API, credential identity (a token's id, a key's email; \
             never the secret) and account, with fleet-headless.json, the index of fleet \
             scan --cached. XDG_CACHE_HOME defaults to ~/.cache.",
        ),
    ]
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    for (path, text) in file_paths() {
        item(roff, path, vec![roman(text)]);
    }
    roff.control("PP", []);
    roff.text([
        roman("Everything written is its user's alone (files 0600 in 0700 folders). "),
        italic("trustdeck --demo"),
        roman(" keeps its own audit.demo.jsonl and recent-zones.demo.json beside them."),
    ]);
}
