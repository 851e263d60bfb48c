//! `dlp apply`'s run: the confirmed plan sent through the apply engine.

use crate::fleet::AccountPlan;

use super::{Context, Exit, Failure};

/// Runs `plan` (not yet wired to the engine: refused, nothing sent).
pub async fn run(_ctx: &Context, _plan: AccountPlan, _json: bool) -> Result<Exit, Failure> {
    Err(Failure::Usage(
        "the accounts run engine is not in this build yet; nothing was sent".to_owned(),
    ))
}
