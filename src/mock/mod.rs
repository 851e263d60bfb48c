//! Placeholder: the mock server is being written.
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct MockArgs {}

pub async fn run_cli(_args: MockArgs) -> ExitCode {
    ExitCode::FAILURE
}
