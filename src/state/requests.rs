//! Every request in flight, in one map: what it is for (its route), since
//! when, and the client's retry it waits for. A reply is routed by taking
//! its id out; a reply whose id is gone (cancelled, superseded) is stale.
//! "Busy" and the status line's spinner are read from here.

use std::collections::HashMap;
use std::time::Instant;

use super::Panel;
use super::remote::{InflightKind, Retry};
use crate::api::worker::RequestId;

/// What a start-up discovery list is looking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discover {
    /// A zone to show when none was given.
    Zone,
    /// An account to show when the zone's own could not be learned.
    Account,
}

/// What a lookup request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// `GET /zones/{id}`: the shown zone's name, and its account when none
    /// was given.
    ZoneDetails {
        /// The zone looked up.
        zone_id: String,
    },
    /// `GET /accounts/{id}`: the shown account's name.
    AccountDetails {
        /// The account looked up.
        account_id: String,
    },
    /// `GET /zones?name=`: a zone given by its name (`--zone NAME` at
    /// start, or `:zone NAME`); shown as soon as exactly one matches.
    ZoneByName {
        /// The name asked for.
        name: String,
    },
    /// `GET /zones/{id}`: a zone typed on the command line by id, shown
    /// (with its account) once it is known to exist.
    ZoneById {
        /// The id asked for.
        zone_id: String,
    },
    /// `GET /accounts/{id}`: an account typed on the command line by id.
    AccountById {
        /// The id asked for.
        account_id: String,
    },
    /// `GET /accounts`: an account typed on the command line by name,
    /// switched to when exactly one of the first page has that name.
    AccountByName {
        /// The name asked for.
        name: String,
    },
}

/// Where a reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The credential check at start-up.
    Gate,
    /// A page of the open picker.
    Picker,
    /// A panel's load, save or reset.
    Panel {
        /// Which panel.
        panel: Panel,
        /// What the request does to it.
        kind: InflightKind,
    },
    /// A start-up list that finds a zone or an account.
    Discover(Discover),
    /// A name for an id, or an id for a name.
    Lookup(Lookup),
}

/// One request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Where its reply goes.
    pub route: Route,
    /// When it was sent, for the elapsed time on screen.
    pub since: Instant,
    /// The client's retry it waits for, after a failed attempt.
    pub retry: Option<Retry>,
}

/// The requests in flight, by id; ids are never reused within a run.
#[derive(Debug, Clone)]
pub struct Requests {
    map: HashMap<RequestId, Pending>,
    next: RequestId,
}

impl Default for Requests {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            next: 1,
        }
    }
}

impl Requests {
    /// Files a new request for `route`; returns its id.
    pub fn start(&mut self, route: Route, now: Instant) -> RequestId {
        let id = self.next;
        self.next += 1;
        self.map.insert(
            id,
            Pending {
                route,
                since: now,
                retry: None,
            },
        );
        id
    }

    /// Takes the request a reply answers; `None` when it is stale.
    pub fn take(&mut self, id: RequestId) -> Option<Pending> {
        self.map.remove(&id)
    }

    /// Forgets a request (cancelled or superseded): its reply will be stale.
    pub fn forget(&mut self, id: RequestId) {
        self.map.remove(&id);
    }

    /// Notes that the client will try request `id` again.
    pub fn retrying(&mut self, id: RequestId, retry: Retry) {
        if let Some(pending) = self.map.get_mut(&id) {
            pending.retry = Some(retry);
        }
    }

    /// True while anything is in flight (the spinner ticks only then).
    pub fn is_busy(&self) -> bool {
        !self.map.is_empty()
    }

    /// The requests in flight, oldest first.
    pub fn in_flight(&self) -> Vec<(RequestId, &Pending)> {
        let mut all: Vec<(RequestId, &Pending)> = self.map.iter().map(|(id, p)| (*id, p)).collect();
        all.sort_by_key(|(id, _)| *id);
        all
    }

    /// The ids whose route matches, oldest first.
    pub fn ids(&self, wanted: impl Fn(&Route) -> bool) -> Vec<RequestId> {
        self.in_flight()
            .into_iter()
            .filter(|(_, p)| wanted(&p.route))
            .map(|(id, _)| id)
            .collect()
    }

    /// True when a request with a matching route is in flight.
    pub fn any(&self, wanted: impl Fn(&Route) -> bool) -> bool {
        self.map.values().any(|p| wanted(&p.route))
    }

    /// The request in flight for `id`, if any.
    pub fn get(&self, id: RequestId) -> Option<&Pending> {
        self.map.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_routed_once_and_a_forgotten_one_is_stale() {
        let now = Instant::now();
        let mut requests = Requests::default();
        let gate = requests.start(Route::Gate, now);
        let picker = requests.start(Route::Picker, now);
        assert!(requests.is_busy());
        assert_eq!(requests.ids(|r| *r == Route::Picker), [picker]);
        requests.forget(picker);
        assert_eq!(requests.take(picker), None, "stale");
        assert_eq!(requests.take(gate).map(|p| p.route), Some(Route::Gate));
        assert_eq!(requests.take(gate), None, "routed once");
        assert!(!requests.is_busy());
        assert!(
            requests.start(Route::Gate, now) > picker,
            "ids are not reused"
        );
    }
}
