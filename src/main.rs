use std::process::ExitCode;

use clap::Parser;
use trustdeck::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Mock(args)) => {
            trustdeck::logging::to_stderr();
            trustdeck::mock::run_cli(args).await
        }
        Some(Command::Headless(command)) => trustdeck::headless::run(command, cli.dashboard).await,
        None => trustdeck::dashboard::run(cli.dashboard).await,
    }
}
