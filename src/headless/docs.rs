//! `trustdeck completions SHELL` and `trustdeck man`, generated from the
//! same clap definitions as `--help`, so they cannot drift from the flags.
//! The scripts also complete names and run ids from the local caches
//! (`complete_scripts`); the main page also has the sections clap does not
//! make (`man_sections`). And `trustdeck schema`, the JSON Schemas of the
//! documents.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::doc::{Kind, stored_schema};
use crate::files::write_atomic_private;

use super::complete_scripts::with_cached_names;
use super::output::print;
use super::{Exit, Failure};

/// Prints the completion script for `shell` on stdout: clap's, with zone
/// and account names and run ids from the local caches where they are taken
/// (bash, zsh, fish; see `complete_scripts`).
pub fn completions(shell: Shell) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "trustdeck", &mut script);
    let script = with_cached_names(shell, &String::from_utf8_lossy(&script));
    super::output::print(&script);
    Exit::Done
}

/// Prints the main man page (roff) on stdout, or writes every command's
/// page into `out_dir`.
pub fn man(out_dir: Option<&Path>) -> Result<Exit, Failure> {
    if let Some(dir) = out_dir {
        write_pages(dir)?;
        return Ok(Exit::Done);
    }
    let mut page = Vec::new();
    render_top(&clap_mangen::Man::new(Cli::command()), &mut page)
        .map_err(|error| Failure::Usage(format!("cannot render the man page: {error}")))?;
    super::output::print(&String::from_utf8_lossy(&page));
    Ok(Exit::Done)
}

/// The main page: clap's sections, then KEYS, EXIT STATUS, ENVIRONMENT and
/// FILES (`man_sections`), then the version.
fn render_top(man: &clap_mangen::Man, page: &mut Vec<u8>) -> std::io::Result<()> {
    man.render_title(page)?;
    man.render_name_section(page)?;
    man.render_synopsis_section(page)?;
    man.render_description_section(page)?;
    man.render_options_section(page)?;
    man.render_subcommands_section(page)?;
    man.render_extra_section(page)?;
    super::man_sections::render(page)?;
    man.render_version_section(page)
}

/// Every page (`trustdeck.1`, `trustdeck-zones.1`, …) written into `dir`,
/// each replaced whole (a temporary file renamed over it). A symbolic link
/// where a page goes is refused before anything is written: in a shared
/// folder it is the classic way to make a program overwrite another file.
fn write_pages(dir: &Path) -> Result<(), Failure> {
    let shown = |path: &Path| super::output::clean(&path.display().to_string());
    let failed = |path: &Path, why: String| {
        Failure::Usage(format!("cannot write the man page {}: {why}", shown(path)))
    };
    let mut pages = Vec::new();
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    collect(command, true, &mut pages).map_err(|e| failed(dir, e.to_string()))?;
    let pages: Vec<(PathBuf, Vec<u8>)> = pages
        .into_iter()
        .map(|(name, page)| (dir.join(name), page))
        .collect();
    for (path, _) in &pages {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(failed(
                path,
                "it is a symbolic link, and trustdeck never writes through one; remove it or \
                 choose another folder"
                    .to_owned(),
            ));
        }
    }
    for (path, page) in &pages {
        write_atomic_private(path, page)
            .and_then(|()| fs::set_permissions(path, fs::Permissions::from_mode(0o644)))
            .map_err(|e| failed(path, e.to_string()))?;
    }
    Ok(())
}

/// The pages of `command` (the main page when `top`) and its visible
/// subcommands, as clap_mangen names them.
fn collect(
    command: clap::Command,
    top: bool,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub.clone(), false, pages)?;
    }
    let man = clap_mangen::Man::new(command);
    let mut page = Vec::new();
    if top {
        render_top(&man, &mut page)?;
    } else {
        man.render(&mut page)?;
    }
    pages.push((man.get_filename(), page));
    Ok(())
}

/// `schema [KIND]`: the JSON Schema of a kind of document, or the kinds.
pub fn schema(kind: Option<&str>) -> Result<Exit, Failure> {
    let Some(name) = kind else {
        let names: Vec<&str> = Kind::ALL.iter().map(|kind| kind.name()).collect();
        print(&format!("{}\n", names.join("\n")));
        return Ok(Exit::Done);
    };
    match Kind::from_name(name) {
        Some(kind) => {
            print(stored_schema(kind));
            Ok(Exit::Done)
        }
        None => Err(Failure::Usage(format!(
            "no document kind {:?}; `trustdeck schema` lists them",
            super::output::clean(name)
        ))),
    }
}
