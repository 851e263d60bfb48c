//! A write in progress: every change goes through [`Draft`], which keeps
//! the old value of whatever it touches, so a refused write or a failed
//! save is undone without copying the whole state (50,000 zones) first.
use std::collections::VecDeque;

use super::state::{CsamSetting, DlpSettings, OutboxEntry, State};

/// The state being changed by one write, and how to undo it.
pub(crate) struct Draft<'a> {
    /// The live state, changed in place.
    state: &'a mut State,
    /// The old values of what was touched.
    undo: Undo,
}

/// What a write touched, as it was before.
#[derive(Default)]
pub(crate) struct Undo {
    /// Zones as they were when first touched (one entry per zone).
    zones: Vec<(String, CsamSetting)>,
    /// DLP settings as they were when first touched.
    dlp: Vec<(String, DlpSettings)>,
    /// The outbox before the first email of the write.
    outbox: Option<VecDeque<OutboxEntry>>,
    /// The whole state before a replace.
    whole: Option<State>,
}

impl<'a> Draft<'a> {
    /// A draft over `state`.
    pub fn new(state: &'a mut State) -> Self {
        Self {
            state,
            undo: Undo::default(),
        }
    }

    /// A zone's setting, to change.
    pub fn zone_mut(&mut self, id: &str) -> Option<&mut CsamSetting> {
        let setting = self.state.zones.get_mut(id)?;
        if self.undo.whole.is_none() && !self.undo.zones.iter().any(|(z, _)| z == id) {
            self.undo.zones.push((id.to_owned(), setting.clone()));
        }
        Some(setting)
    }

    /// An account's DLP settings, to change.
    pub fn dlp_mut(&mut self, id: &str) -> Option<&mut DlpSettings> {
        let settings = self.state.dlp.get_mut(id)?;
        if self.undo.whole.is_none() && !self.undo.dlp.iter().any(|(a, _)| a == id) {
            self.undo.dlp.push((id.to_owned(), settings.clone()));
        }
        Some(settings)
    }

    /// Puts an email in the outbox (see [`State::send`]).
    pub fn send(&mut self, mail: OutboxEntry) {
        if self.undo.whole.is_none() && self.undo.outbox.is_none() {
            self.undo.outbox = Some(self.state.outbox.clone());
        }
        self.state.send(mail);
    }

    /// Replaces everything (for `/__mock/reset`).
    pub fn replace(&mut self, new: State) {
        if self.undo.whole.is_none() {
            // What the whole state was before this write began.
            std::mem::take(&mut self.undo).revert(self.state);
            let old = std::mem::replace(self.state, new);
            self.undo = Undo {
                whole: Some(old),
                ..Undo::default()
            };
        } else {
            *self.state = new;
        }
    }

    /// The state as it is now.
    pub fn state(&self) -> &State {
        self.state
    }

    /// Ends the draft, keeping its changes; the undo can still revert them.
    pub fn finish(self) -> Undo {
        self.undo
    }
}

impl Undo {
    /// The zones the write touched; None when it replaced everything.
    pub fn touched_zones(&self) -> Option<impl Iterator<Item = &str>> {
        self.whole
            .is_none()
            .then(|| self.zones.iter().map(|(id, _)| id.as_str()))
    }

    /// Whether `state` differs from what it was before the write.
    pub fn changed(&self, state: &State) -> bool {
        if let Some(whole) = &self.whole {
            return whole != state;
        }
        self.zones
            .iter()
            .any(|(id, old)| state.zones.get(id) != Some(old))
            || self
                .dlp
                .iter()
                .any(|(id, old)| state.dlp.get(id) != Some(old))
            || self.outbox.as_ref().is_some_and(|old| *old != state.outbox)
    }

    /// Puts back what the write changed.
    pub fn revert(self, state: &mut State) {
        if let Some(whole) = self.whole {
            *state = whole;
            return;
        }
        for (id, old) in self.zones {
            if let Some(setting) = state.zones.get_mut(&id) {
                *setting = old;
            }
        }
        for (id, old) in self.dlp {
            state.dlp.insert(id, old);
        }
        if let Some(old) = self.outbox {
            state.outbox = old;
        }
    }
}
