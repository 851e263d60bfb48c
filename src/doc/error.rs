//! A failure as a document: with `--json`, what a command prints on stderr
//! when it ends with a non-zero status, so a script parses one thing
//! whatever happens.

use schemars::JsonSchema;
use serde::Serialize;

use super::{AccountRef, Zone};

/// `{"kind": "error", "version": 2, "exit_code": …, "error": …, "message": …,
/// "zone": …, "account": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// The process's exit status (see the README's exit codes).
    pub exit_code: u8,
    /// A stable word for what failed, e.g. `usage`, `not_found`, `rate_limited`.
    pub error: String,
    /// The message a person reads (never a secret).
    pub message: String,
    /// The zone the command worked on, when it got that far.
    pub zone: Option<Zone>,
    /// The account the command worked on, when it got that far.
    pub account: Option<AccountRef>,
}
