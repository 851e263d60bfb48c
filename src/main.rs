use std::process::ExitCode;

use clap::Parser;
use tokio::runtime::{Builder, Runtime};
use trustdeck::cli::{Cli, Command};
use trustdeck::headless::complete;

fn main() -> ExitCode {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|arg| arg == complete::COMMAND)
    {
        let args: Vec<String> = std::env::args_os()
            .skip(2)
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        return complete::run(&args);
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Mock(args)) => {
            trustdeck::logging::to_stderr();
            runtime().block_on(trustdeck::mock::run_cli(args))
        }
        None => runtime().block_on(trustdeck::dashboard::run(cli.dashboard)),
        Some(Command::Headless(command)) => {
            runtime().block_on(trustdeck::headless::run(command, cli.dashboard))
        }
    }
}

/// Every face runs on one thread. The dashboard waits on one person, a few
/// requests and (with --demo) its own mock; a headless command on its
/// requests; `trustdeck mock` on demo and test clients, thousands of
/// requests a second from one core. Tokio's multi-thread scheduler would
/// add a worker per core with its stacks and allocator arenas, its own code
/// and, through its `f64::powf`, libm to every start.
fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| {
            eprintln!("trustdeck: could not start the async runtime: {error}");
            std::process::exit(1)
        })
}
