//! Zones made from a seed, so that the data file stays small while the
//! pickers, filters and paging have hundreds of zones to work on.
//!
//! The data file's `generated_zones` section,
//! `{"seed": 42, "count": 492, "accounts": ["<account id>", ...]}`
//! (`accounts` optional: every account), adds `count` zones after the
//! hand-written ones. The rule, fixed here so that the same seed always
//! gives the same zones:
//! - one SplitMix64 stream seeded with `seed` draws every attribute, zone
//!   after zone, in the order of the code below;
//! - name: `<word>-<word>.<tld>` (55 %) or `<service>.<word><word>.<tld>`,
//!   from the small word lists below; a name already taken (hand-written or
//!   generated, compared without case) is drawn again;
//! - id: 32 hex digits hashed from (seed, index, salt), salt 0 unless that
//!   id is already taken, then 1, 2, ...;
//! - account: uniformly from `accounts`; plan free 35 %, pro 30 %,
//!   business 20 %, ent 15 %; status active 88 %, pending 12 %;
//!   `created_on` 1 to 1401 days after the account's creation (second
//!   precision);
//! - CSAM: email `<role>@<registrable domain>`, email_state valid 60 %,
//!   pending 15 %, unverified 25 %; enabled for 75 % of the valid ones;
//!   4 % locked by Trust & Safety; 1 to 4 distinct sources from
//!   `ncmec_ngo`, `ncmec_industry`, `iwf`, `tech_coalition`, each on 60 %.
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use serde::Deserialize;

use super::data::{AccountData, ZoneData};
use super::state::{CsamSetting, EmailState, format_time, parse_time};

/// The most zones a data file may ask for; keeps start-up fast and the
/// word lists able to give every zone its own name.
pub(crate) const MAX_COUNT: usize = 5000;

/// The `generated_zones` section of the data file.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct GeneratedZones {
    /// Same seed, same zones.
    pub seed: u64,
    /// How many zones to add, at most [`MAX_COUNT`].
    pub count: usize,
    /// The accounts that own them; empty or missing = every account.
    #[serde(default)]
    pub accounts: Vec<String>,
}

/// First halves of names: colours, nature, tone.
const FIRST: [&str; 30] = [
    "blue", "red", "silver", "north", "bright", "quiet", "rapid", "green", "urban", "lunar",
    "solar", "swift", "golden", "iron", "cedar", "maple", "polar", "coral", "amber", "crystal",
    "misty", "royal", "metro", "pixel", "nova", "echo", "summit", "harbor", "river", "stone",
];

/// Second halves of names: what the business does.
const SECOND: [&str; 30] = [
    "shop", "media", "news", "labs", "works", "studio", "cloud", "market", "press", "games",
    "health", "travel", "foods", "books", "sports", "music", "photo", "design", "energy",
    "finance", "craft", "garden", "motors", "homes", "pets", "tech", "data", "wave", "forge",
    "hub",
];

/// Subdomains of `<service>.<brand>.<tld>` names.
const SERVICES: [&str; 20] = [
    "shop",
    "media",
    "news",
    "cdn",
    "api",
    "status",
    "blog",
    "app",
    "docs",
    "mail",
    "store",
    "portal",
    "images",
    "video",
    "static",
    "auth",
    "help",
    "community",
    "events",
    "assets",
];

/// Top-level domains and their weights.
const TLDS: [(&str, u64); 7] = [
    ("com", 40),
    ("net", 10),
    ("io", 12),
    ("tv", 8),
    ("org", 10),
    ("dev", 10),
    ("app", 10),
];

const PLANS: [(&str, u64); 4] = [("free", 35), ("pro", 30), ("business", 20), ("ent", 15)];
const STATUSES: [(&str, u64); 2] = [("active", 88), ("pending", 12)];
const EMAIL_STATES: [(EmailState, u64); 3] = [
    (EmailState::Valid, 60),
    (EmailState::Pending, 15),
    (EmailState::Unverified, 25),
];
const ROLES: [&str; 8] = [
    "abuse",
    "trust-safety",
    "security",
    "ops",
    "admin",
    "legal",
    "moderation",
    "compliance",
];
const SOURCES: [&str; 4] = ["ncmec_ngo", "ncmec_industry", "iwf", "tech_coalition"];
const SOURCE_COUNTS: [(usize, u64); 4] = [(1, 30), (2, 40), (3, 15), (4, 15)];

/// SplitMix64: tiny, fast, and fixed forever (unlike `rand`'s `StdRng`,
/// whose algorithm may change between versions).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (n > 0); the tiny modulo bias does not matter here.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}

/// SplitMix64's finaliser: a good 64-bit mixing function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// 32 lowercase hex digits from (seed, index, salt).
fn zone_id(seed: u64, index: u64, salt: u64) -> String {
    let base = mix(seed ^ mix(index.wrapping_add(1)) ^ mix(salt.wrapping_add(0x5EED)));
    format!(
        "{:016x}{:016x}",
        mix(base),
        mix(base ^ 0xA5A5_A5A5_A5A5_A5A5)
    )
}

fn name(rng: &mut SplitMix64) -> String {
    let tld = rng.weighted(&TLDS);
    if rng.chance(55) {
        format!("{}-{}.{tld}", rng.pick(&FIRST), rng.pick(&SECOND))
    } else {
        let service = rng.pick(&SERVICES);
        format!("{service}.{}{}.{tld}", rng.pick(&FIRST), rng.pick(&SECOND))
    }
}

/// The generated zones, in order, after the hand-written `existing` ones.
pub(crate) fn zones(
    spec: &GeneratedZones,
    accounts: &[AccountData],
    existing: &[ZoneData],
) -> Result<Vec<ZoneData>, String> {
    if spec.count > MAX_COUNT {
        return Err(format!(
            "generated_zones.count must be at most {MAX_COUNT}, got {}",
            spec.count
        ));
    }
    let owners: Vec<&AccountData> = if spec.accounts.is_empty() {
        accounts.iter().collect()
    } else {
        spec.accounts
            .iter()
            .map(|id| {
                accounts
                    .iter()
                    .find(|a| a.id == *id)
                    .ok_or_else(|| format!("generated_zones: account {id} is not in the data"))
            })
            .collect::<Result<_, _>>()?
    };
    if owners.is_empty() && spec.count > 0 {
        return Err("generated_zones: there is no account to own the zones".to_owned());
    }
    let mut names: HashSet<String> = existing.iter().map(|z| z.name.to_lowercase()).collect();
    let mut ids: HashSet<String> = existing.iter().map(|z| z.id.to_lowercase()).collect();
    ids.extend(accounts.iter().map(|a| a.id.to_lowercase()));
    let mut rng = SplitMix64(spec.seed);
    let mut out = Vec::with_capacity(spec.count);
    for index in 0..spec.count as u64 {
        let mut zone_name = name(&mut rng);
        let mut attempts = 0;
        while !names.insert(zone_name.clone()) {
            attempts += 1;
            if attempts > 1000 {
                return Err(format!(
                    "generated_zones: cannot find {} unique names",
                    spec.count
                ));
            }
            zone_name = name(&mut rng);
        }
        let id = (0..)
            .map(|salt| zone_id(spec.seed, index, salt))
            .find(|id| !ids.contains(id))
            .unwrap_or_default();
        ids.insert(id.clone());
        let owner = *rng.pick(&owners);
        let created = parse_time(&owner.created_on)
            .map(|at| {
                let days = 1 + rng.below(1400);
                at + Duration::from_secs(86_400 * days + rng.below(86_400))
            })
            .map_or_else(|| owner.created_on.clone(), format_time);
        let plan = rng.weighted(&PLANS);
        let status = rng.weighted(&STATUSES);
        let csam = csam(&mut rng, &zone_name);
        out.push(ZoneData {
            id,
            name: zone_name,
            account_id: owner.id.clone(),
            plan: plan.to_owned(),
            status: status.to_owned(),
            created_on: created,
            csam,
        });
    }
    Ok(out)
}

fn csam(rng: &mut SplitMix64, zone_name: &str) -> CsamSetting {
    let labels: Vec<&str> = zone_name.rsplitn(3, '.').collect();
    let domain = format!("{}.{}", labels[1], labels[0]);
    let email = format!("{}@{domain}", rng.pick(&ROLES));
    let email_state = rng.weighted(&EMAIL_STATES);
    let enabled = email_state == EmailState::Valid && rng.chance(75);
    let editable = !rng.chance(4);
    let mut pool = SOURCES;
    let count = rng.weighted(&SOURCE_COUNTS);
    let mut sources = BTreeMap::new();
    for i in 0..count {
        // A partial Fisher-Yates shuffle: `count` distinct sources.
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
        sources.insert(pool[i].to_owned(), rng.chance(60));
    }
    CsamSetting {
        editable,
        email,
        email_state,
        enabled,
        sources,
        pending_since: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> AccountData {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": "A", "type": "standard", "created_on": "2022-01-01T00:00:00Z",
            "dlp": {"ai_context_analysis": false, "ocr": false, "payload_logging": {
                "masking_level": "default", "public_key": null, "updated_at": "2022-01-01T00:00:00Z"}}
        }))
        .unwrap()
    }

    fn spec(seed: u64, count: usize) -> GeneratedZones {
        GeneratedZones {
            seed,
            count,
            accounts: Vec::new(),
        }
    }

    #[test]
    fn same_seed_same_zones_other_seed_other_zones() {
        let accounts = [account(&"a".repeat(32)), account(&"b".repeat(32))];
        let one = zones(&spec(7, 400), &accounts, &[]).unwrap();
        let two = zones(&spec(7, 400), &accounts, &[]).unwrap();
        let other = zones(&spec(8, 400), &accounts, &[]).unwrap();
        let key = |z: &ZoneData| (z.id.clone(), z.name.clone(), z.account_id.clone());
        assert_eq!(
            one.iter().map(key).collect::<Vec<_>>(),
            two.iter().map(key).collect::<Vec<_>>()
        );
        assert_ne!(one[0].id, other[0].id);
        let names: HashSet<_> = one.iter().map(|z| z.name.as_str()).collect();
        assert_eq!(names.len(), 400);
        assert!(one.iter().all(|z| z.id.len() == 32
            && z.id.bytes().all(|b| b.is_ascii_hexdigit())
            && (1..=4).contains(&z.csam.sources.len())
            && (!z.csam.enabled || z.csam.email_state == EmailState::Valid)));
        for account in &accounts {
            assert!(one.iter().filter(|z| z.account_id == account.id).count() > 100);
        }
    }

    #[test]
    fn the_word_lists_fit_the_largest_count() {
        let accounts = [account(&"a".repeat(32))];
        let many = zones(&spec(1, MAX_COUNT), &accounts, &[]).unwrap();
        assert_eq!(many.len(), MAX_COUNT);
        assert!(zones(&spec(1, MAX_COUNT + 1), &accounts, &[]).is_err());
    }

    #[test]
    fn an_id_already_taken_is_salted_away() {
        let accounts = [account(&"a".repeat(32))];
        let first = zones(&spec(3, 1), &accounts, &[]).unwrap().remove(0);
        let again = zones(&spec(3, 1), &accounts, std::slice::from_ref(&first))
            .unwrap()
            .remove(0);
        assert_ne!(again.id, first.id);
        assert_eq!(again.id, zone_id(3, 0, 1));
        assert_ne!(again.name, first.name);
    }
}
