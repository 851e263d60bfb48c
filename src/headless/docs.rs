//! `trustdeck completions SHELL` and `trustdeck man`, generated from the
//! same clap definitions as `--help`, so they cannot drift from the flags.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

use super::{Exit, Failure};

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "trustdeck", &mut script);
    super::output::print(&String::from_utf8_lossy(&script));
    Exit::Done
}

/// Prints the main man page (roff) on stdout, or writes every command's
/// page into `out_dir`.
pub fn man(out_dir: Option<&Path>) -> Result<Exit, Failure> {
    if let Some(dir) = out_dir {
        clap_mangen::generate_to(Cli::command(), dir).map_err(|error| {
            Failure::Usage(format!(
                "cannot write the man pages into {}: {error}",
                super::output::clean(&dir.display().to_string())
            ))
        })?;
        return Ok(Exit::Done);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|error| Failure::Usage(format!("cannot render the man page: {error}")))?;
    super::output::print(&String::from_utf8_lossy(&page));
    Ok(Exit::Done)
}
