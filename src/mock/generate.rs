//! Zones made from a seed, so that the data file stays small while the
//! pickers, filters, paging and fleet views have hundreds (or, with
//! `--zones N`, tens of thousands) of zones to work on.
//!
//! The data file's `generated_zones` section,
//! `{"seed": 42, "count": 492, "accounts": ["<account id>", ...]}`
//! (`accounts` optional: every account), adds `count` zones (`--zones N`
//! replaces it) after the hand-written ones. The rule, fixed here so that
//! the same seed always gives the same zones:
//! - one SplitMix64 stream seeded with `seed` draws every zone attribute
//!   but the CSAM setting, zone after zone, in the order of the code below;
//! - name: `<word>-<word>.<tld>` (55 %) or `<service>.<word><word>.<tld>`,
//!   from the small word lists below; a name already taken (hand-written or
//!   generated, compared without case) is drawn again, and after 20 draws
//!   the zone is `<word>-<word>-<index>.<tld>`;
//! - id: 32 hex digits hashed from (seed, index, salt), salt 0 unless that
//!   id is already taken, then 1, 2, ...;
//! - account: uniformly from `accounts`; plan free 35 %, pro 30 %,
//!   business 20 %, ent 15 %; status active 88 %, pending 12 %;
//!   `created_on` 1 to 1401 days after the account's creation (second
//!   precision);
//! - CSAM setting, from a stream of its own seeded by (seed, index), so a
//!   zone's setting depends on nothing else:
//!   - scanning on with a verified email 55 %; verified email, scanning off
//!     14 %; email pending verification 11 %; email unverified 12 %; never
//!     set up (no email, unverified, off) 8 %;
//!   - locked by Trust & Safety (`editable: false`, PATCH answers 403 1403)
//!     5 %, whatever the above;
//!   - sources: none 3 %, 1: 20 %, 2: 42 %, 3: 17 %, 4: 13 %, 5: 3 %,
//!     6: 2 %, distinct, from `ncmec_ngo`, `ncmec_industry`, `iwf`,
//!     `tech_coalition`, `c3p_arachnid`, `inhope`, each on 70 %;
//!   - email `<role>@<registrable domain>`.
use std::collections::HashSet;
use std::time::Duration;

use serde::Deserialize;

use super::data::{AccountData, ZoneData};
use super::ids::Id;
use super::sources::Sources;
use super::state::{CsamSetting, EmailState, format_time, parse_time};
use super::zones::Loaded;
use time::OffsetDateTime;

/// The most zones a data file (or `--zones`) may ask for: start-up stays
/// around a second in a release build (50,000 zones: about 0.6 s).
pub(crate) const MAX_COUNT: usize = 100_000;

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
/// Where a generated zone stands with CSAM scanning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    /// Verified email, scanning on.
    On,
    /// Verified email, scanning off.
    Off,
    /// A verification email is out.
    Pending,
    /// An email that was never verified.
    Unverified,
    /// No email at all.
    NotSetUp,
}

const SETUPS: [(Setup, u64); 5] = [
    (Setup::On, 55),
    (Setup::Off, 14),
    (Setup::Pending, 11),
    (Setup::Unverified, 12),
    (Setup::NotSetUp, 8),
];
/// Percent of generated zones locked by Trust & Safety.
const LOCKED_PERCENT: u64 = 5;
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
const SOURCES: [&str; 6] = [
    "ncmec_ngo",
    "ncmec_industry",
    "iwf",
    "tech_coalition",
    "c3p_arachnid",
    "inhope",
];
const SOURCE_COUNTS: [(usize, u64); 7] =
    [(0, 3), (1, 20), (2, 42), (3, 17), (4, 13), (5, 3), (6, 2)];
/// Draws before a taken name gives way to a numbered one.
const NAME_DRAWS: usize = 20;

/// SplitMix64: tiny, fast, and fixed forever (unlike `rand`'s `StdRng`,
/// whose algorithm may change between versions).
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (n > 0); the tiny modulo bias does not matter here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with `percent` % probability.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty), uniformly.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One of `items` (not empty), by weight.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
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
pub(crate) fn mix(mut z: u64) -> u64 {
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

/// The positions in `accounts` of the accounts that own the generated
/// zones, or why the section cannot be generated.
pub(crate) fn owners(spec: &GeneratedZones, accounts: &[AccountData]) -> Result<Vec<u32>, String> {
    if spec.count > MAX_COUNT {
        return Err(format!(
            "generated_zones.count must be at most {MAX_COUNT}, got {}",
            spec.count
        ));
    }
    let owners: Vec<u32> = if spec.accounts.is_empty() {
        (0..accounts.len() as u32).collect()
    } else {
        spec.accounts
            .iter()
            .map(|id| {
                accounts
                    .iter()
                    .position(|a| a.id == *id)
                    .map(|i| i as u32)
                    .ok_or_else(|| format!("generated_zones: account {id} is not in the data"))
            })
            .collect::<Result<_, _>>()?
    };
    if owners.is_empty() && spec.count > 0 {
        return Err("generated_zones: there is no account to own the zones".to_owned());
    }
    Ok(owners)
}

/// Appends the generated zones to `zones` (the hand-written ones) and
/// their settings to `settings`, in order; `owners` is what [`owners`]
/// gave. Written straight into the data's vectors: no short-lived copy of
/// every zone is left behind in the heap.
pub(crate) fn zones(
    spec: &GeneratedZones,
    accounts: &[AccountData],
    owners: &[u32],
    zones: &mut Vec<ZoneData>,
    settings: &mut Loaded,
) -> Result<(), String> {
    // Parsed once per account rather than once per zone.
    let owners: Vec<(u32, &AccountData, Option<OffsetDateTime>)> = owners
        .iter()
        .filter_map(|&i| accounts.get(i as usize).map(|account| (i, account)))
        .map(|(i, account)| (i, account, parse_time(&account.created_on)))
        .collect();
    if owners.is_empty() && spec.count > 0 {
        return Err("generated_zones: there is no account to own the zones".to_owned());
    }
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    for zone in zones.iter() {
        names.insert(zone.name.to_lowercase());
        ids.insert(zone.id.to_lowercase());
    }
    ids.extend(accounts.iter().map(|a| a.id.to_lowercase()));
    let mut rng = SplitMix64(spec.seed);
    zones.reserve_exact(spec.count);
    settings.reserve_exact(spec.count);
    for index in 0..spec.count as u64 {
        let zone_name = unique_name(&mut rng, &mut names, index);
        let id = (0..)
            .map(|salt| zone_id(spec.seed, index, salt))
            .find(|id| !ids.contains(id))
            .unwrap_or_default();
        let compact_id =
            Id::new(&id).ok_or_else(|| "a generated zone id is 32 hex digits".to_owned())?;
        ids.insert(id);
        let (owner_index, owner, owner_created) = *rng.pick(&owners);
        let created = owner_created
            .map(|at| {
                let days = 1 + rng.below(1400);
                at + Duration::from_secs(86_400 * days + rng.below(86_400))
            })
            .map_or_else(|| owner.created_on.clone(), format_time);
        let plan = rng.weighted(&PLANS);
        let status = rng.weighted(&STATUSES);
        let csam = csam(
            &mut SplitMix64(mix(spec.seed ^ 0xC5A4_0000_0000_0000) ^ mix(index)),
            &zone_name,
        );
        zones.push(ZoneData {
            id: compact_id,
            name: zone_name.into(),
            account: owner_index,
            plan,
            status,
            created_on: created.into(),
        });
        settings.push((compact_id, csam));
    }
    Ok(())
}

/// A name no zone has yet (compared without case), recorded in `names`.
fn unique_name(rng: &mut SplitMix64, names: &mut HashSet<String>, index: u64) -> String {
    for _ in 0..NAME_DRAWS {
        let drawn = name(rng);
        if names.insert(drawn.clone()) {
            return drawn;
        }
    }
    let tld = rng.weighted(&TLDS);
    let stem = format!("{}-{}-{index}", rng.pick(&FIRST), rng.pick(&SECOND));
    (0..)
        .map(|n| match n {
            0 => format!("{stem}.{tld}"),
            n => format!("{stem}-{n}.{tld}"),
        })
        .find(|candidate| names.insert(candidate.clone()))
        .unwrap_or_default()
}

fn csam(rng: &mut SplitMix64, zone_name: &str) -> CsamSetting {
    let labels: Vec<&str> = zone_name.rsplitn(3, '.').collect();
    let domain = format!("{}.{}", labels[1], labels[0]);
    let role = rng.pick(&ROLES);
    let setup = rng.weighted(&SETUPS);
    let editable = !rng.chance(LOCKED_PERCENT);
    let (email, email_state) = match setup {
        Setup::On | Setup::Off => (format!("{role}@{domain}"), EmailState::Valid),
        Setup::Pending => (format!("{role}@{domain}"), EmailState::Pending),
        Setup::Unverified => (format!("{role}@{domain}"), EmailState::Unverified),
        Setup::NotSetUp => (String::new(), EmailState::Unverified),
    };
    let mut pool = SOURCES;
    let count = rng.weighted(&SOURCE_COUNTS);
    let mut sources = Sources::default();
    for i in 0..count {
        // A partial Fisher-Yates shuffle: `count` distinct sources.
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
        sources.insert(pool[i], rng.chance(70));
    }
    CsamSetting {
        editable,
        email,
        email_state,
        enabled: setup == Setup::On,
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

    /// The zones `spec` adds after `existing`, with their settings.
    fn zones_after(
        spec: &GeneratedZones,
        accounts: &[AccountData],
        mut existing: Vec<ZoneData>,
    ) -> Result<Vec<(ZoneData, CsamSetting)>, String> {
        let before = existing.len();
        let owners = owners(spec, accounts)?;
        let mut settings = Vec::new();
        zones(spec, accounts, &owners, &mut existing, &mut settings)?;
        Ok(existing
            .drain(before..)
            .zip(settings)
            .map(|(z, (_, s))| (z, s))
            .collect())
    }

    /// `spec`'s zones with no hand-written zone before them.
    fn generated(
        spec: &GeneratedZones,
        accounts: &[AccountData],
    ) -> Result<Vec<(ZoneData, CsamSetting)>, String> {
        zones_after(spec, accounts, Vec::new())
    }

    #[test]
    fn same_seed_same_zones_other_seed_other_zones() {
        let accounts = [account(&"a".repeat(32)), account(&"b".repeat(32))];
        let one = generated(&spec(7, 400), &accounts).unwrap();
        let two = generated(&spec(7, 400), &accounts).unwrap();
        let other = generated(&spec(8, 400), &accounts).unwrap();
        let key = |(z, _): &(ZoneData, CsamSetting)| (z.id, z.name.clone(), z.account);
        assert_eq!(
            one.iter().map(key).collect::<Vec<_>>(),
            two.iter().map(key).collect::<Vec<_>>()
        );
        assert_ne!(one[0].0.id, other[0].0.id);
        let names: HashSet<_> = one.iter().map(|(z, _)| &*z.name).collect();
        assert_eq!(names.len(), 400);
        assert!(one.iter().all(|(z, csam)| z.id.len() == 32
            && z.id.bytes().all(|b| b.is_ascii_hexdigit())
            && csam.sources.len() <= SOURCES.len()
            && (!csam.enabled || csam.email_state == EmailState::Valid)));
        for index in 0..accounts.len() as u32 {
            assert!(one.iter().filter(|(z, _)| z.account == index).count() > 100);
        }
    }

    #[test]
    fn the_largest_count_gets_unique_names_and_ids() {
        let accounts = [account(&"a".repeat(32))];
        let many = generated(&spec(1, MAX_COUNT), &accounts).unwrap();
        assert_eq!(many.len(), MAX_COUNT);
        let names: HashSet<String> = many.iter().map(|(z, _)| z.name.to_lowercase()).collect();
        let ids: HashSet<&str> = many.iter().map(|(z, _)| z.id.as_str()).collect();
        assert_eq!((names.len(), ids.len()), (MAX_COUNT, MAX_COUNT));
        assert!(generated(&spec(1, MAX_COUNT + 1), &accounts).is_err());
    }

    #[test]
    fn csam_states_come_in_the_documented_proportions() {
        let accounts = [account(&"a".repeat(32))];
        let many = generated(&spec(42, 20_000), &accounts).unwrap();
        let share = |test: &dyn Fn(&CsamSetting) -> bool| {
            let n = many.iter().filter(|(_, csam)| test(csam)).count();
            (n * 1000 / many.len()) as i64
        };
        let near = |permille: i64, percent: i64| (permille - percent * 10).abs() <= 12;
        let valid = |c: &CsamSetting| c.email_state == EmailState::Valid;
        assert!(near(share(&|c| c.enabled), 55));
        assert!(near(share(&|c| valid(c) && !c.enabled), 14));
        assert!(near(share(&|c| c.email_state == EmailState::Pending), 11));
        assert!(near(
            share(&|c| c.email_state == EmailState::Unverified && !c.email.is_empty()),
            12
        ));
        assert!(near(share(&|c| c.email.is_empty()), 8));
        assert!(near(share(&|c| !c.editable), 5));
        assert!(near(share(&|c| c.sources.len() == 0), 3));
        assert!(near(share(&|c| c.sources.len() >= 5), 5));
        let registrable = |name: &str| {
            let labels: Vec<&str> = name.rsplitn(3, '.').collect();
            format!("@{}.{}", labels[1], labels[0])
        };
        assert!(
            many.iter()
                .all(|(z, csam)| csam.email.is_empty()
                    || csam.email.ends_with(&registrable(&z.name)))
        );
    }

    #[test]
    fn a_zone_setting_depends_only_on_the_seed_and_its_index() {
        let accounts = [account(&"a".repeat(32)), account(&"b".repeat(32))];
        let short = generated(&spec(9, 50), &accounts).unwrap();
        let long = generated(&spec(9, 500), &accounts).unwrap();
        for ((a, a_csam), (b, b_csam)) in short.iter().zip(&long) {
            assert_eq!((&a.id, &a.name, a_csam), (&b.id, &b.name, b_csam));
        }
    }

    #[test]
    fn an_id_already_taken_is_salted_away() {
        let accounts = [account(&"a".repeat(32))];
        let (first, _) = generated(&spec(3, 1), &accounts).unwrap().remove(0);
        let (first_id, first_name) = (first.id, first.name.clone());
        let (again, _) = zones_after(&spec(3, 1), &accounts, vec![first])
            .unwrap()
            .remove(0);
        assert_ne!(again.id, first_id);
        assert_eq!(again.id.as_str(), zone_id(3, 0, 1));
        assert_ne!(again.name, first_name);
    }
}
