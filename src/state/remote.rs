//! Server data as a panel holds it: the last value, what is in flight, and
//! the last failure, side by side so a reload keeps the old data on screen.
//! `Remote` owns its transitions: start, succeed, fail, cancel.

use std::time::Instant;

use crate::api::ApiError;
use crate::api::worker::RequestId;

/// What a panel is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflightKind {
    /// A GET; cancellable, superseded by a newer load.
    Load,
    /// A write of staged edits; locks the panel until it answers.
    Save,
    /// The DLP reset; locks the panel until it answers.
    Reset,
}

/// The one request a panel is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inflight {
    /// Only a reply with this id is accepted.
    pub id: RequestId,
    /// What it is.
    pub kind: InflightKind,
    /// When it was sent.
    pub since: Instant,
}

/// A failed attempt the client will try again: what the status line says
/// instead of a silent spinner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// When the next attempt goes out.
    pub at: Instant,
    /// The attempt that follows (2 for the first retry).
    pub attempt: u32,
    /// Cloudflare answered 429: rate limited.
    pub rate_limited: bool,
}

/// A value loaded from the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    /// What the server last returned.
    pub value: T,
    /// When it arrived.
    pub at: Instant,
}

/// A failure, and which kind of request it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What went wrong.
    pub error: ApiError,
    /// Whether a load, save or reset failed.
    pub kind: InflightKind,
}

/// Server data with its load state.
#[derive(Debug, Clone, PartialEq)]
pub struct Remote<T> {
    /// The last value the server returned, if any.
    pub loaded: Option<Loaded<T>>,
    /// The request this data waits for, if any.
    pub inflight: Option<Inflight>,
    /// The last failure, cleared by the next success.
    pub failure: Option<Failure>,
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Self {
            loaded: None,
            inflight: None,
            failure: None,
        }
    }
}

impl<T> Remote<T> {
    /// The server's value, if loaded.
    pub fn value(&self) -> Option<&T> {
        self.loaded.as_ref().map(|l| &l.value)
    }

    /// The load in flight, if any (loads, unlike writes, may be cancelled).
    pub fn load_in_flight(&self) -> Option<RequestId> {
        self.inflight
            .filter(|i| i.kind == InflightKind::Load)
            .map(|i| i.id)
    }

    /// True while a save or reset is in flight: the panel takes no edits.
    pub fn is_locked_by_write(&self) -> bool {
        self.inflight.is_some_and(|i| i.kind != InflightKind::Load)
    }

    /// Starts waiting for `id`; returns the load it supersedes, if any.
    pub fn start(&mut self, id: RequestId, kind: InflightKind, now: Instant) -> Option<RequestId> {
        let superseded = self.load_in_flight();
        self.inflight = Some(Inflight {
            id,
            kind,
            since: now,
        });
        superseded
    }

    /// Stores a fresh value from the server; what was in flight is done.
    pub fn succeed(&mut self, value: T, now: Instant) {
        self.loaded = Some(Loaded { value, at: now });
        self.inflight = None;
        self.failure = None;
    }

    /// Records why the request in flight failed; the last value stays.
    pub fn fail(&mut self, error: ApiError, kind: InflightKind) {
        self.inflight = None;
        self.failure = Some(Failure { error, kind });
    }

    /// Stops waiting for a load; returns its id so it can be cancelled.
    pub fn cancel_load(&mut self) -> Option<RequestId> {
        let id = self.load_in_flight()?;
        self.inflight = None;
        Some(id)
    }
}
