//! Which word of a command line takes a zone, an account or a run id, read
//! from the clap definitions themselves: an argument whose value is named
//! `ZONE` or `ID-OR-NAME` takes a zone, `ACCOUNT` or `ACCOUNT_ID` an
//! account, `RUN` a run. So a new `--zone` anywhere completes without a
//! change to the shell scripts.

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

/// What the names of a word come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Zone names and ids.
    Zones,
    /// Account names and ids.
    Accounts,
    /// Run ids.
    Runs,
}

impl Target {
    /// What `arg` takes, by its value's name.
    pub fn of(arg: &Arg) -> Option<Self> {
        match arg.get_value_names()?.first()?.as_str() {
            "ZONE" | "ID-OR-NAME" => Some(Self::Zones),
            "ACCOUNT" | "ACCOUNT_ID" => Some(Self::Accounts),
            "RUN" => Some(Self::Runs),
            _ => None,
        }
    }
}

/// `rest` is `N WORD…`: the command line as the shell split it (the
/// program first) and the index of the word being completed. Returns what
/// that word takes and the part of it already typed.
pub fn target_at(rest: &[String]) -> Option<(Target, String)> {
    let (index, words) = rest.split_first()?;
    let at: usize = index.parse().ok()?;
    let mut command = Cli::command();
    command.build();
    target_in(&command, words, at)
}

/// What word `at` of `words` takes under `root`.
pub fn target_in(root: &Command, words: &[String], at: usize) -> Option<(Target, String)> {
    let typed = words.get(at).cloned().unwrap_or_default();
    let mut command = root;
    let mut positionals = 0;
    let mut only_positionals = false;
    let mut i = 1;
    while i < at {
        let word = words.get(i)?.as_str();
        i += 1;
        if word == "--" && !only_positionals {
            only_positionals = true;
        } else if only_positionals || word == "-" || !word.starts_with('-') {
            match command.find_subcommand(word) {
                Some(sub) if positionals == 0 && !only_positionals => command = sub,
                _ => positionals += 1,
            }
        } else if let Some(arg) = option(command, word) {
            if !arg.get_action().takes_values() || word.contains('=') {
                continue;
            }
            // bash splits `--zone=NAME` into `--zone`, `=`, `NAME`.
            if words.get(i).is_some_and(|w| w == "=") {
                i += 1;
            }
            if i == at {
                return Some((Target::of(arg)?, typed));
            }
            i += 1;
        }
    }
    if only_positionals || typed.starts_with('-') || i > at {
        return None;
    }
    if positionals == 0 && command.has_subcommands() {
        return None;
    }
    let arg = command.get_positionals().nth(positionals)?;
    Some((Target::of(arg)?, typed))
}

/// The option `word` names in `command` (`--zone`, `--zone=x`, `-y`).
fn option<'a>(command: &'a Command, word: &str) -> Option<&'a Arg> {
    if let Some(long) = word.strip_prefix("--") {
        let name = long.split_once('=').map_or(long, |(name, _)| name);
        return command.get_arguments().find(|arg| {
            arg.get_long() == Some(name) || arg.get_all_aliases().is_some_and(|a| a.contains(&name))
        });
    }
    let mut shorts = word.strip_prefix('-')?.chars();
    let (Some(short), None) = (shorts.next(), shorts.next()) else {
        return None;
    };
    command
        .get_arguments()
        .find(|arg| arg.get_short() == Some(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: &str) -> Option<(Target, String)> {
        let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
        let index = words.len() - 1;
        words.insert(0, index.to_string());
        target_at(&words)
    }

    fn typed(target: Target, text: &str) -> Option<(Target, String)> {
        Some((target, text.to_owned()))
    }

    #[test]
    fn positionals_that_take_a_zone_an_account_or_a_run() {
        assert_eq!(at("trustdeck csam get ex"), typed(Target::Zones, "ex"));
        assert_eq!(at("trustdeck csam set "), typed(Target::Zones, ""));
        assert_eq!(
            at("trustdeck --read-only csam set --json --base-url http://h x"),
            typed(Target::Zones, "x")
        );
        for command in ["get", "set", "reset"] {
            let line = format!("trustdeck dlp {command} a");
            assert_eq!(at(&line), typed(Target::Accounts, "a"), "{line}");
        }
        assert_eq!(
            at("trustdeck fleet resume 2025"),
            typed(Target::Runs, "2025")
        );
    }

    #[test]
    fn options_that_take_a_zone_or_an_account() {
        assert_eq!(at("trustdeck --zone sh"), typed(Target::Zones, "sh"));
        assert_eq!(at("trustdeck --account "), typed(Target::Accounts, ""));
        assert_eq!(at("trustdeck log --zone s"), typed(Target::Zones, "s"));
        assert_eq!(
            at("trustdeck log --account = A"),
            typed(Target::Accounts, "A")
        );
        for line in [
            "trustdeck zones --account a",
            "trustdeck fleet scan --json --account a",
            "trustdeck fleet apply --enable --account a",
        ] {
            assert_eq!(at(line), typed(Target::Accounts, "a"), "{line}");
        }
    }

    /// Every `(command, argument)` under `command` that completes from a cache.
    fn targets(command: &Command, path: &str, found: &mut Vec<(String, String, Target)>) {
        for arg in command.get_arguments() {
            if let Some(target) = Target::of(arg) {
                let name = arg.get_long().map_or_else(
                    || arg.get_id().to_string().to_uppercase(),
                    |long| format!("--{long}"),
                );
                found.push((path.to_owned(), name, target));
            }
        }
        for sub in command.get_subcommands() {
            targets(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }

    #[test]
    fn every_argument_that_takes_a_zone_an_account_or_a_run_completes() {
        let mut found = Vec::new();
        targets(&Cli::command(), "trustdeck", &mut found);
        let found: Vec<(&str, &str, Target)> = found
            .iter()
            .map(|(path, arg, target)| (path.as_str(), arg.as_str(), *target))
            .collect();
        use Target::{Accounts, Runs, Zones};
        assert_eq!(
            found,
            [
                ("trustdeck", "--zone", Zones),
                ("trustdeck", "--account", Accounts),
                ("trustdeck csam get", "ZONE", Zones),
                ("trustdeck csam set", "ZONE", Zones),
                ("trustdeck dlp get", "ACCOUNT", Accounts),
                ("trustdeck dlp set", "ACCOUNT", Accounts),
                ("trustdeck dlp reset", "ACCOUNT", Accounts),
                ("trustdeck dlp scan", "--account", Accounts),
                ("trustdeck dlp apply", "--account", Accounts),
                ("trustdeck zones", "--account", Accounts),
                ("trustdeck log", "--zone", Zones),
                ("trustdeck log", "--account", Accounts),
                ("trustdeck fleet scan", "--account", Accounts),
                ("trustdeck fleet apply", "--account", Accounts),
                ("trustdeck fleet resume", "RUN", Runs),
                ("trustdeck fleet revert", "RUN", Runs),
            ]
        );
    }

    #[test]
    fn other_words_take_none() {
        for line in [
            "trustdeck cs",
            "trustdeck csam g",
            "trustdeck csam get --j",
            "trustdeck csam get example.com --email a",
            "trustdeck csam get --base-url h",
            "trustdeck csam get zone extra",
            "trustdeck fleet apply --email x",
            "trustdeck completions b",
            "trustdeck log --account",
        ] {
            assert_eq!(at(line), None, "{line}");
        }
    }
}
