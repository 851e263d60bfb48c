//! Every zone's CSAM Scanner setting in a [`State`](super::state::State):
//! the data's settings, loaded once and shared by every state made from
//! them (the live one, the base that reset and the state file compare
//! with, snapshots), and the settings changed since. Copying a state, or
//! starting one, costs what was changed, not what was loaded.
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::ids::Id;
use super::state::CsamSetting;

/// Zones' settings by id, as loaded: what [`Zones::new`] takes.
pub(crate) type Loaded = Vec<(Id, CsamSetting)>;

/// Zone id -> setting, looked up, iterated and serialized in id order like
/// a `BTreeMap<String, CsamSetting>` of the same zones.
#[derive(Clone, Default)]
pub(crate) struct Zones {
    /// The data's settings sorted by id, shared: never changed in place
    /// while another `Zones` holds it.
    base: Arc<Vec<(Id, CsamSetting)>>,
    /// Settings written since, by id; only ids of `base` (there is no way
    /// to add a zone).
    changed: BTreeMap<Id, CsamSetting>,
}

impl Zones {
    /// The zones of `settings`, whose ids are unique.
    pub fn new(mut settings: Loaded) -> Self {
        // Ids are unique (the data's checks): no order to keep among equals.
        settings.sort_unstable_by_key(|(id, _)| *id);
        settings.dedup_by(|(later, _), (first, _)| later == first);
        settings.shrink_to_fit();
        Self {
            base: Arc::new(settings),
            changed: BTreeMap::new(),
        }
    }

    fn base_index(&self, id: &str) -> Option<usize> {
        self.base
            .binary_search_by(|(key, _)| key.as_str().cmp(id))
            .ok()
    }

    /// The setting of zone `id`.
    pub fn get(&self, id: &str) -> Option<&CsamSetting> {
        match self.changed.get(id) {
            Some(setting) => Some(setting),
            None => self.base_index(id).map(|i| &self.base[i].1),
        }
    }

    /// The setting of zone `id`, to change (copied out of the shared
    /// settings the first time).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut CsamSetting> {
        if !self.changed.contains_key(id) {
            let i = self.base_index(id)?;
            let (key, setting) = &self.base[i];
            self.changed.insert(*key, setting.clone());
        }
        self.changed.get_mut(id)
    }

    /// (id, setting) in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CsamSetting)> {
        // `changed` holds only ids of `base`: one walk of both, in step.
        let mut changed = self.changed.iter().peekable();
        self.base.iter().map(move |(id, base)| {
            match changed.next_if(|(changed_id, _)| *changed_id == id) {
                Some((_, setting)) => (id.as_str(), setting),
                None => (id.as_str(), base),
            }
        })
    }

    /// How many zones there are.
    pub fn len(&self) -> usize {
        self.base.len()
    }

    /// Changes every setting in place through `f`, changed ones included;
    /// the shared settings are copied first if another `Zones` holds them.
    pub fn update_all(&mut self, mut f: impl FnMut(&mut CsamSetting)) {
        Arc::make_mut(&mut self.base)
            .iter_mut()
            .for_each(|(_, setting)| f(setting));
        self.changed.values_mut().for_each(f);
    }

    /// Whether both share the same loaded settings.
    pub fn same_base(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.base, &other.base)
    }
}

impl PartialEq for Zones {
    fn eq(&self, other: &Self) -> bool {
        if self.same_base(other) {
            // Only the zones changed in either can differ.
            self.changed
                .keys()
                .chain(other.changed.keys())
                .all(|id| self.get(id) == other.get(id))
        } else {
            self.iter().eq(other.iter())
        }
    }
}

impl fmt::Debug for Zones {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Zones {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (id, setting) in self.iter() {
            map.serialize_entry(id, setting)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::state::EmailState;

    fn id(text: &str) -> Id {
        Id::new(text).unwrap()
    }

    fn setting(email: &str) -> CsamSetting {
        CsamSetting {
            editable: true,
            email: email.to_owned(),
            email_state: EmailState::Unverified,
            enabled: false,
            sources: Default::default(),
            pending_since: None,
        }
    }

    fn as_map(zones: &Zones) -> BTreeMap<String, CsamSetting> {
        zones
            .iter()
            .map(|(id, s)| (id.to_owned(), s.clone()))
            .collect()
    }

    #[test]
    fn it_reads_and_writes_like_a_map_and_copies_share_the_loaded_settings() {
        let loaded = ["c", "a", "d", "b"].map(|t| (id(t), setting(&format!("{t}@x.co"))));
        let mut zones = Zones::new(loaded.to_vec());
        let mut map: BTreeMap<String, CsamSetting> = loaded
            .into_iter()
            .map(|(id, s)| (id.to_string(), s))
            .collect();
        let base = zones.clone();
        assert_eq!(as_map(&zones), map);
        assert_eq!(zones.get("b").unwrap().email, "b@x.co");
        assert!(zones.get("e").is_none() && zones.get_mut("e").is_none());
        for (id, email) in [("d", "new@x.co"), ("a", "other@x.co"), ("d", "again@x.co")] {
            zones.get_mut(id).unwrap().email = email.to_owned();
            map.get_mut(id).unwrap().email = email.to_owned();
            assert_eq!(as_map(&zones), map);
        }
        assert_eq!(zones.len(), 4);
        assert_eq!(as_map(&base)["d"].email, "d@x.co", "a copy is not changed");
        assert_ne!(zones, base);
        assert_eq!(
            serde_json::to_string(&zones).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        zones.get_mut("d").unwrap().email = "d@x.co".to_owned();
        zones.get_mut("a").unwrap().email = "a@x.co".to_owned();
        assert_eq!(zones, base, "changed back is equal again");
        let again = as_map(&base).into_iter().map(|(t, s)| (id(&t), s));
        assert_eq!(Zones::new(again.collect()), base, "equal by content too");
    }

    #[test]
    fn update_all_changes_every_setting_and_no_copy() {
        let mut zones = Zones::new(vec![
            (id("a"), setting("a@x.co")),
            (id("b"), setting("b@x.co")),
        ]);
        zones.get_mut("b").unwrap().enabled = true;
        let copy = zones.clone();
        zones.update_all(|s| s.email.push('m'));
        let emails: Vec<_> = zones.iter().map(|(_, s)| s.email.as_str()).collect();
        assert_eq!(emails, ["a@x.com", "b@x.com"]);
        assert!(zones.get("b").unwrap().enabled);
        let before: Vec<_> = copy.iter().map(|(_, s)| s.email.as_str()).collect();
        assert_eq!(before, ["a@x.co", "b@x.co"]);
    }
}
