//! `trustdeck fleet revert RUN` of an accounts run (DLP settings).

use crate::cli::FleetRevertArgs;
use crate::fleet::{RunId, RunsDir};

use super::{Context, Exit, Failure};

/// `fleet revert` of an accounts run.
pub async fn revert(
    _ctx: &Context,
    _args: &FleetRevertArgs,
    _runs: &RunsDir,
    id: &RunId,
) -> Result<Exit, Failure> {
    Err(Failure::Usage(format!(
        "run {id} is a run of accounts: this trustdeck cannot revert it yet; nothing was sent"
    )))
}
