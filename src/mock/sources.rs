//! A zone's CSAM Scanner sources (hash list name -> on/off) in two bytes:
//! every zone holds a copy, and with tens of thousands of zones a map of
//! strings per zone was most of the mock's memory.
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// The source names the data uses, in name order (bit i = `KNOWN[i]`).
const KNOWN: [&str; 6] = [
    "c3p_arachnid",
    "inhope",
    "iwf",
    "ncmec_industry",
    "ncmec_ngo",
    "tech_coalition",
];

/// Hash list name -> on/off, iterated and serialized in name order like a
/// `BTreeMap<String, bool>`. Always in its most compact form, so that the
/// derived equality is equality of the maps.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Sources {
    /// Only names of [`KNOWN`] (every source of the shipped and generated
    /// data).
    Known {
        /// Bit i set: `KNOWN[i]` is one of the zone's sources.
        listed: u8,
        /// Bit i set: `KNOWN[i]` is on (always within `listed`).
        on: u8,
    },
    /// At least one name outside [`KNOWN`] (a hand-written data file may
    /// name any source).
    Other(BTreeMap<String, bool>),
}

impl Default for Sources {
    fn default() -> Self {
        Self::Known { listed: 0, on: 0 }
    }
}

fn bit(name: &str) -> Option<u8> {
    KNOWN.iter().position(|k| *k == name).map(|i| 1 << i)
}

impl Sources {
    /// Sets `name` on or off, adding it when it is not a source yet.
    pub fn insert(&mut self, name: &str, value: bool) {
        match (&mut *self, bit(name)) {
            (Self::Known { listed, on }, Some(bit)) => {
                *listed |= bit;
                if value {
                    *on |= bit;
                } else {
                    *on &= !bit;
                }
            }
            (Self::Known { .. }, None) => {
                let mut map: BTreeMap<String, bool> = self
                    .iter()
                    .map(|(name, on)| (name.to_owned(), on))
                    .collect();
                map.insert(name.to_owned(), value);
                *self = Self::Other(map);
            }
            (Self::Other(map), _) => {
                map.insert(name.to_owned(), value);
            }
        }
    }

    /// Whether `name` is one of the sources.
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Self::Known { listed, .. } => bit(name).is_some_and(|bit| listed & bit != 0),
            Self::Other(map) => map.contains_key(name),
        }
    }

    /// (name, on) in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        let known = match self {
            Self::Known { listed, on } => Some((*listed, *on)),
            Self::Other(_) => None,
        };
        let other = match self {
            Self::Other(map) => Some(map.iter().map(|(name, on)| (name.as_str(), *on))),
            Self::Known { .. } => None,
        };
        let known = known.into_iter().flat_map(|(listed, on)| {
            KNOWN
                .iter()
                .enumerate()
                .filter(move |(i, _)| listed & (1 << i) != 0)
                .map(move |(i, name)| (*name, on & (1 << i) != 0))
        });
        known.chain(other.into_iter().flatten())
    }

    /// How many sources there are.
    pub fn len(&self) -> usize {
        match self {
            Self::Known { listed, .. } => listed.count_ones() as usize,
            Self::Other(map) => map.len(),
        }
    }
}

impl<'a> FromIterator<(&'a str, bool)> for Sources {
    fn from_iter<I: IntoIterator<Item = (&'a str, bool)>>(pairs: I) -> Self {
        let mut sources = Self::default();
        for (name, on) in pairs {
            sources.insert(name, on);
        }
        sources
    }
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Sources {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, on) in self.iter() {
            map.serialize_entry(name, &on)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, bool>::deserialize(deserializer)?;
        Ok(map.iter().map(|(name, on)| (name.as_str(), *on)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_map(sources: &Sources) -> BTreeMap<String, bool> {
        sources.iter().map(|(n, on)| (n.to_owned(), on)).collect()
    }

    #[test]
    fn known_names_are_sorted_so_bits_iterate_in_name_order() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn it_behaves_like_a_map_of_strings_whatever_the_names() {
        let mut sources = Sources::default();
        let mut map = BTreeMap::new();
        let steps = [
            ("iwf", true),
            ("ncmec_ngo", false),
            ("iwf", false),
            ("c3p_arachnid", true),
            ("zz_custom", true),
            ("iwf", true),
            ("aa_custom", false),
        ];
        for (i, (name, on)) in steps.into_iter().enumerate() {
            sources.insert(name, on);
            map.insert(name.to_owned(), on);
            assert_eq!(as_map(&sources), map, "after step {i}");
            assert_eq!(sources.len(), map.len());
            assert_eq!(
                serde_json::to_string(&sources).unwrap(),
                serde_json::to_string(&map).unwrap()
            );
            assert!(sources.contains(name) && !sources.contains("inhope"));
            let back: Sources =
                serde_json::from_str(&serde_json::to_string(&map).unwrap()).unwrap();
            assert_eq!(back, sources, "after step {i}");
        }
        assert!(matches!(sources, Sources::Other(_)));
    }

    #[test]
    fn only_known_names_stay_two_bytes_and_compare_as_maps() {
        let a: Sources = [("ncmec_ngo", true), ("iwf", false)].into_iter().collect();
        let b: Sources = [("iwf", false), ("ncmec_ngo", true)].into_iter().collect();
        assert_eq!(a, b);
        assert!(matches!(a, Sources::Known { .. }));
        assert_ne!(a, [("iwf", false)].into_iter().collect::<Sources>());
        assert_eq!(format!("{a:?}"), r#"{"iwf": false, "ncmec_ngo": true}"#);
        assert_eq!(Sources::default().len(), 0);
        let parsed: Sources = serde_json::from_str(r#"{"inhope": true}"#).unwrap();
        assert_eq!(parsed.iter().collect::<Vec<_>>(), [("inhope", true)]);
        assert!(serde_json::from_str::<Sources>(r#"{"inhope": 1}"#).is_err());
    }
}
