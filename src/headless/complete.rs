//! `trustdeck __complete KIND [PREFIX]`: the names and ids the shell
//! scripts of `completions` offer, one a line, from the local files only (the
//! cached scans, the recent zones, the journal folder), never a request.
//! Nothing to offer prints nothing; nothing here fails or warns, since a
//! shell shows whatever a completion prints.

use std::collections::BTreeSet;

use crate::cli::{CompleteArgs, CompleteKind};
use crate::fleet::{RunsDir, ScanCache};
use crate::recent::RecentZones;

use super::Exit;
use super::complete_position::{Target, target_at};
use super::output::{clean, print};

/// Prints the candidates that start with the prefix.
pub fn run(args: &CompleteArgs) -> Exit {
    let target = match args.kind {
        CompleteKind::Zones => Target::Zones,
        CompleteKind::Accounts => Target::Accounts,
        CompleteKind::Runs => Target::Runs,
        CompleteKind::At => match target_at(&args.rest) {
            Some((target, typed)) => return print_candidates(target, &typed),
            None => return Exit::Done,
        },
    };
    print_candidates(target, args.rest.first().map_or("", String::as_str))
}

fn print_candidates(target: Target, prefix: &str) -> Exit {
    let text: String = candidates(target)
        .into_iter()
        .filter(|word| word.starts_with(prefix) && usable(word))
        .map(|word| word + "\n")
        .collect();
    print(&text);
    Exit::Done
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
