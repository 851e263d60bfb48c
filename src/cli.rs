//! Command-line definitions.
use clap::{Parser, Subcommand};

use crate::mock::MockArgs;

/// A terminal dashboard for Cloudflare's CSAM Scanner and DLP settings.
#[derive(Parser, Debug)]
#[command(name = "trustdeck", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the mock Cloudflare API server (demo data, loopback by default).
    Mock(MockArgs),
}
