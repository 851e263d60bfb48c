//! `trustdeck __complete KIND [PREFIX]` (KIND: `zones`, `accounts`, `runs`)
//! and `trustdeck __complete at N WORD…` (whatever word N of the command
//! line takes): the names and ids the shell scripts of `completions` offer,
//! one a line, from the local files only (the cached scans, the recent
//! zones, the journal folder), never a request. Nothing to offer prints
//! nothing and exits 0; nothing here warns, since a shell shows whatever a
//! completion prints.
//!
//! It is read before clap (see `main.rs`): no clap definition, so it is in
//! no help, man page or completion script, and it starts no runtime.

use std::collections::BTreeSet;

use std::process::ExitCode;

use crate::fleet::{RunsDir, ScanCache};
use crate::recent::RecentZones;

use super::Exit;
use super::complete_position::{Target, target_at};
use super::output::{clean, print};

/// The command's name, as `argv[1]`.
pub const COMMAND: &str = "__complete";

/// Runs `__complete` with the words after its name; prints the candidates
/// that start with the prefix.
pub fn run(args: &[String]) -> ExitCode {
    let Some((kind, rest)) = args.split_first() else {
        return usage();
    };
    let found = match kind.as_str() {
        "zones" => Some((Target::Zones, rest.first().cloned().unwrap_or_default())),
        "accounts" => Some((Target::Accounts, rest.first().cloned().unwrap_or_default())),
        "runs" => Some((Target::Runs, rest.first().cloned().unwrap_or_default())),
        "at" => target_at(rest),
        _ => return usage(),
    };
    if let Some((target, prefix)) = found {
        let text: String = candidates(target)
            .into_iter()
            .filter(|word| word.starts_with(&prefix) && usable(word))
            .map(|word| word + "\n")
            .collect();
        print(&text);
    }
    Exit::Done.into()
}

fn usage() -> ExitCode {
    eprintln!("usage: trustdeck {COMMAND} zones|accounts|runs [PREFIX] | at N WORD…");
    Exit::Refused.into()
}

/// A word a shell can offer: not empty, nothing hidden in it.
fn usable(word: &str) -> bool {
    !word.trim().is_empty() && clean(word) == word
}

/// Names first (sorted), then ids; runs newest first.
fn candidates(target: Target) -> Vec<String> {
    if target == Target::Runs {
        return RunsDir::default_location()
            .ids()
            .into_iter()
            .map(|id| id.to_string())
            .collect();
    }
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    if let Some(cache) = ScanCache::default_location() {
        let names = cache.names();
        pairs = if target == Target::Zones {
            names.zones
        } else {
            names.accounts
        };
    }
    let (recent, _) = RecentZones::load(&RecentZones::default_path());
    for zone in recent.zones() {
        if target == Target::Zones {
            pairs.insert((zone.id.clone(), zone.name.clone()));
        } else if let Some(id) = &zone.account_id {
            let name = zone.account_name.clone().unwrap_or_default();
            pairs.insert((id.clone(), name));
        }
    }
    let names: BTreeSet<String> = pairs.iter().map(|(_, name)| name.clone()).collect();
    let ids: BTreeSet<String> = pairs.into_iter().map(|(id, _)| id).collect();
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .chain(ids)
        .filter(|word| seen.insert(word.clone()))
        .collect()
}
