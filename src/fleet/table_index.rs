//! What a [`super::FleetScan`] keeps beside its rows so that 100,000 of
//! them stay small: the zone id → row index map, with Cloudflare's
//! 32-hex-digit ids held as 16 bytes, and one shared copy of each account
//! and of each set of sources.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::row::{AccountRef, FleetRow, Sources, ZoneCsam};

/// Zone id → index in the rows (derived from them: equal for equal rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RowIndex {
    /// Ids of 32 lowercase hex digits (every id Cloudflare gives), as bytes.
    hex: HashMap<[u8; 16], u32>,
    /// Any other id.
    other: HashMap<String, u32>,
}

impl RowIndex {
    /// Where `zone_id`'s row is.
    pub(super) fn get(&self, zone_id: &str) -> Option<usize> {
        let at = match hex_id(zone_id) {
            Some(bytes) => self.hex.get(&bytes),
            None => self.other.get(zone_id),
        };
        at.map(|&i| i as usize)
    }

    /// `zone_id`'s row is at `at`.
    pub(super) fn insert(&mut self, zone_id: &str, at: usize) {
        let at = u32::try_from(at).expect("fewer than 4 billion rows");
        match hex_id(zone_id) {
            Some(bytes) => self.hex.insert(bytes, at),
            None => self.other.insert(zone_id.to_owned(), at),
        };
    }
}

/// The 16 bytes of an id of exactly 32 lowercase hex digits.
fn hex_id(id: &str) -> Option<[u8; 16]> {
    let digits = id.as_bytes();
    if digits.len() != 32 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0; 16];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(bytes)
}

/// One copy of each account and each set of sources the rows hold.
#[derive(Debug, Clone, Default)]
pub(super) struct Shared {
    accounts: HashSet<Arc<AccountRef>>,
    sources: HashSet<Sources>,
}

/// Never part of a scan's equality: only its rows are.
impl PartialEq for Shared {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Shared {
    /// Points `row`'s account and sources at the shared copies.
    pub(super) fn intern(&mut self, row: &mut FleetRow) {
        if let Some(account) = row.account.as_mut() {
            *account = one_of(&mut self.accounts, account);
        }
        if let ZoneCsam::Read(state) = &mut row.csam {
            state.sources = one_of(&mut self.sources, &state.sources);
        }
    }
}

fn one_of<T: Eq + std::hash::Hash>(pool: &mut HashSet<Arc<T>>, value: &Arc<T>) -> Arc<T> {
    if let Some(shared) = pool.get(&**value) {
        return shared.clone();
    }
    pool.insert(value.clone());
    value.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_are_bytes_and_any_other_id_is_kept_as_it_is() {
        let mut index = RowIndex::default();
        let hex = "0123456789abcdef0123456789abcdef";
        index.insert(hex, 0);
        index.insert(&hex.to_uppercase(), 1);
        index.insert("z1", 2);
        assert_eq!(index.get(hex), Some(0));
        assert_eq!(index.get(&hex.to_uppercase()), Some(1), "not the same id");
        assert_eq!(index.get("z1"), Some(2));
        assert_eq!(index.get("0123456789abcdef0123456789abcdeg"), None);
        assert_eq!((index.hex.len(), index.other.len()), (1, 2));
    }
}
