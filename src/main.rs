use std::process::ExitCode;

use clap::Parser;
use tokio::runtime::{Builder, Runtime};
use trustdeck::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Mock(args)) => {
            trustdeck::logging::to_stderr();
            // A server on its own answers many clients at once: a worker per core.
            let runtime = runtime(Builder::new_multi_thread().enable_all().build());
            runtime.block_on(trustdeck::mock::run_cli(args))
        }
        None => {
            // The dashboard waits on one person, a few requests and (with
            // --demo) its own mock: one thread does it all, without a
            // worker per core and their stacks and allocator arenas.
            let runtime = runtime(Builder::new_current_thread().enable_all().build());
            runtime.block_on(trustdeck::dashboard::run(cli.dashboard))
        }
        Some(Command::Headless(command)) => {
            let runtime = runtime(Builder::new_current_thread().enable_all().build());
            runtime.block_on(trustdeck::headless::run(command, cli.dashboard))
        }
    }
}

fn runtime(built: std::io::Result<Runtime>) -> Runtime {
    built.unwrap_or_else(|error| {
        eprintln!("trustdeck: could not start the async runtime: {error}");
        std::process::exit(1)
    })
}
