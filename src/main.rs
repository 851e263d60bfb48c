use std::process::ExitCode;

use clap::Parser;
use trustdeck::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Mock(args)) => trustdeck::mock::run_cli(args).await,
        None => {
            eprintln!("trustdeck: the dashboard is coming; run `trustdeck mock` for the mock server");
            ExitCode::FAILURE
        }
    }
}
