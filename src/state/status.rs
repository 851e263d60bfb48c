//! The status line's message: what it says (as data where a result stands
//! behind it), how it reads, and what it is about, so it goes when its
//! cause does.

use std::time::{Duration, Instant};

use super::Panel;
use crate::api::ApiError;
use crate::outcome::SaveOutcome;

/// How long a success message stays on the status line.
pub const SUCCESS_FADE: Duration = Duration::from_secs(4);

/// How a status message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Done as asked; fades.
    Success,
    /// Worth knowing; fades.
    Info,
    /// Done, but not quite as asked (the server adjusted something); stays.
    Warning,
    /// Failed; stays until dismissed.
    Error,
}

/// What a status message says. Results are data; the UI words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A sentence that stands for itself.
    Text(String),
    /// A save of `panel`'s staged edits was answered.
    Saved {
        /// Which panel.
        panel: Panel,
        /// The zone's or account's name (or id).
        name: String,
        /// What the server did with it.
        outcome: SaveOutcome,
    },
    /// The DLP reset of an account was answered.
    Reset {
        /// The account's name (or id).
        name: String,
        /// Where the server left the promised defaults.
        outcome: SaveOutcome,
    },
    /// A save or the reset failed.
    WriteFailed {
        /// Which panel.
        panel: Panel,
        /// The zone's or account's name (or id).
        name: String,
        /// The reset failed, not a save.
        reset: bool,
        /// Why.
        error: ApiError,
    },
    /// A panel's load failed.
    LoadFailed {
        /// Which panel.
        panel: Panel,
        /// The zone's or account's name (or id).
        name: String,
        /// Why.
        error: ApiError,
    },
}

/// What a status message is about. A message goes when its cause does: a
/// load error when that load succeeds, a save report when its zone or
/// account is no longer shown or its edits are discarded, an email problem
/// once a valid address is staged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// Loading the setting of the zone or account with this id.
    Load(Panel, String),
    /// Saving or resetting the setting of the zone or account with this id.
    Save(Panel, String),
    /// A panel's text field (email, public key).
    FieldInput(Panel),
    /// The lists that find a zone or an account at start-up.
    Discovery,
    /// The bulk run going now (its keys, pausing, stopping): gone at its end.
    Run,
}

/// The message on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What it says.
    pub notice: Notice,
    /// How it reads.
    pub kind: StatusKind,
    /// When it was said, for fading.
    pub at: Instant,
    /// What it is about, so it goes when its cause is gone.
    pub about: Option<About>,
}
