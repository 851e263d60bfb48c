//! Accounts made from a seed, so that an accounts scan has hundreds of
//! accounts in every DLP state to work on while the data file keeps its
//! few named ones.
//!
//! The data file's `generated_accounts` section,
//! `{"seed": 42, "count": 0, "out_of_scope_for": ["<token id>", ...]}`
//! (`out_of_scope_for` optional), adds `count` accounts (`--accounts N`
//! replaces it: N accounts in all) after the hand-written ones. The rule,
//! fixed here so that the same seed always gives the same accounts:
//! - one SplitMix64 stream seeded with (seed, accounts) draws every
//!   account's name, type and `created_on`, account after account;
//! - name: `<Word> <Word> <Suffix>` (e.g. "Northwind Logistics GmbH") from
//!   the word lists below; a name already taken (hand-written or generated,
//!   compared without case) is drawn again, and after 20 draws the account
//!   is `<Word> <Word> <index> <Suffix>`;
//! - id: 32 hex digits hashed from (seed, index, salt), salt 0 unless that
//!   id is already an account's or a hand-written zone's, then 1, 2, ...;
//! - type: standard 70 %, enterprise 30 %; `created_on` in 2018 to 2024
//!   (second precision);
//! - DLP settings, from a stream of their own seeded by (seed, index), so
//!   an account's settings depend on nothing else: AI context analysis on
//!   55 %, OCR on 65 %; a payload-logging key (standard base64 of 32 random
//!   bytes) 60 %; masking full 22 %, partial 33 %, clear 12 %, default 33 %;
//!   `updated_at` 0 to 599 days after `created_on`;
//! - with at least one generated account, one of them (drawn from a third
//!   stream seeded by the seed alone, among `count`) has **DLP not
//!   available**: no settings, every DLP request answers 403 10403; and one
//!   other (the same one when only one is generated) is outside the scope
//!   of every token in `out_of_scope_for`: it is added to each permission
//!   of that token's `except`.
use std::collections::HashSet;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use time::OffsetDateTime;

use super::data::AccountData;
use super::generate::{SplitMix64, mix};
use super::state::{DlpSettings, MaskingLevel, PayloadLogging, format_time};

/// The most accounts in all that a data file (or `--accounts`) may ask for.
pub(crate) const MAX_ACCOUNTS: usize = 1000;

/// The `generated_accounts` section of the data file.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct GeneratedAccounts {
    /// Same seed, same accounts.
    pub seed: u64,
    /// How many accounts to add.
    pub count: usize,
    /// The ids of the tokens that one generated account is out of scope for.
    #[serde(default)]
    pub out_of_scope_for: Vec<String>,
}

/// What [`accounts`] made besides the accounts: the two accounts with a role.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Special {
    /// The id of the account whose DLP is not available.
    pub not_available: Option<String>,
    /// The id of the account outside the scope of `out_of_scope_for`.
    pub out_of_scope: Option<String>,
}

const FIRST: [&str; 30] = [
    "Northwind",
    "Blue",
    "Silver",
    "Granite",
    "Harbor",
    "Summit",
    "Cedar",
    "Aurora",
    "Pioneer",
    "Crescent",
    "Evergreen",
    "Iron",
    "Lakeside",
    "Maple",
    "Orion",
    "Pacific",
    "Redwood",
    "Sterling",
    "Tidal",
    "Vertex",
    "Willow",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Delta",
    "Falcon",
    "Golden",
    "Horizon",
    "Juniper",
    "Keystone",
];

const SECOND: [&str; 30] = [
    "Logistics",
    "Media",
    "Health",
    "Labs",
    "Systems",
    "Foods",
    "Energy",
    "Capital",
    "Retail",
    "Analytics",
    "Robotics",
    "Travel",
    "Textiles",
    "Pharma",
    "Networks",
    "Studios",
    "Freight",
    "Insurance",
    "Software",
    "Dynamics",
    "Ventures",
    "Motors",
    "Publishing",
    "Security",
    "Biotech",
    "Gaming",
    "Telecom",
    "Apparel",
    "Consulting",
    "Holdings",
];

const SUFFIXES: [&str; 12] = [
    "GmbH", "Ltd", "Inc.", "LLC", "AG", "S.A.", "B.V.", "Corp", "Pty Ltd", "SAS", "AB", "Oy",
];

const KINDS: [(&str, u64); 2] = [("standard", 70), ("enterprise", 30)];
const MASKING: [(MaskingLevel, u64); 4] = [
    (MaskingLevel::Full, 22),
    (MaskingLevel::Partial, 33),
    (MaskingLevel::Clear, 12),
    (MaskingLevel::Default, 33),
];
const AI_PERCENT: u64 = 55;
const OCR_PERCENT: u64 = 65;
const KEY_PERCENT: u64 = 60;
/// Draws before a taken name gives way to a numbered one.
const NAME_DRAWS: usize = 20;
/// 2018-01-01T00:00:00Z.
const EARLIEST: i64 = 1_514_764_800;
/// Days from [`EARLIEST`] within which an account is created (2018–2024).
const CREATED_DAYS: u64 = 2557;
/// Days after its creation within which an account's DLP settings changed.
const UPDATED_DAYS: u64 = 600;

/// Salts that keep the streams of accounts apart from the zones'.
const NAMES_SALT: u64 = 0xACC0_0000_0000_0001;
const DLP_SALT: u64 = 0xACC0_0000_0000_D1F0;
const SPECIAL_SALT: u64 = 0xACC0_0000_0000_5EC1;
const ID_SALT: u64 = 0xACC0_0000_0000_1D00;

/// Appends `spec.count` generated accounts to `accounts` (the hand-written
/// ones); `zone_ids` are the hand-written zones' ids, which no account id
/// may equal.
pub(crate) fn accounts(
    spec: &GeneratedAccounts,
    accounts: &mut Vec<AccountData>,
    zone_ids: &HashSet<String>,
) -> Result<Special, String> {
    if accounts.len() + spec.count > MAX_ACCOUNTS {
        return Err(format!(
            "accounts must be at most {MAX_ACCOUNTS} in all, got {}",
            accounts.len() + spec.count
        ));
    }
    let mut names: HashSet<String> = accounts.iter().map(|a| a.name.to_lowercase()).collect();
    let mut ids: HashSet<String> = accounts.iter().map(|a| a.id.to_lowercase()).collect();
    ids.extend(zone_ids.iter().map(|id| id.to_lowercase()));
    let mut rng = SplitMix64(mix(spec.seed ^ NAMES_SALT));
    let first = accounts.len();
    accounts.reserve_exact(spec.count);
    for index in 0..spec.count as u64 {
        let name = unique_name(&mut rng, &mut names, index);
        let id = (0..)
            .map(|salt| account_id(spec.seed, index, salt))
            .find(|id| !ids.contains(id))
            .unwrap_or_default();
        ids.insert(id.clone());
        let kind = rng.weighted(&KINDS);
        let created = at(EARLIEST) + days(rng.below(CREATED_DAYS)) + seconds(rng.below(86_400));
        let dlp = dlp(
            &mut SplitMix64(mix(spec.seed ^ DLP_SALT) ^ mix(index)),
            created,
        );
        accounts.push(AccountData {
            id,
            name,
            kind: kind.to_owned(),
            created_on: format_time(created),
            dlp: Some(dlp),
        });
    }
    let generated = &mut accounts[first..];
    if generated.is_empty() {
        return Ok(Special::default());
    }
    let count = generated.len() as u64;
    let mut rng = SplitMix64(mix(spec.seed ^ SPECIAL_SALT));
    let not_available = rng.below(count);
    let out_of_scope = match count {
        1 => not_available,
        _ => (not_available + 1 + rng.below(count - 1)) % count,
    };
    generated[not_available as usize].dlp = None;
    Ok(Special {
        not_available: Some(generated[not_available as usize].id.clone()),
        out_of_scope: (!spec.out_of_scope_for.is_empty())
            .then(|| generated[out_of_scope as usize].id.clone()),
    })
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn days(n: u64) -> Duration {
    Duration::from_secs(86_400 * n)
}

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// 32 lowercase hex digits from (seed, index, salt), apart from zone ids'.
fn account_id(seed: u64, index: u64, salt: u64) -> String {
    let base = mix(seed ^ ID_SALT ^ mix(index.wrapping_add(1)) ^ mix(salt.wrapping_add(0xACC)));
    format!(
        "{:016x}{:016x}",
        mix(base),
        mix(base ^ 0x5A5A_5A5A_5A5A_5A5A)
    )
}

fn name(rng: &mut SplitMix64) -> String {
    let first = rng.pick(&FIRST);
    let second = rng.pick(&SECOND);
    let suffix = rng.pick(&SUFFIXES);
    format!("{first} {second} {suffix}")
}

/// A name no account has yet (compared without case), recorded in `names`.
fn unique_name(rng: &mut SplitMix64, names: &mut HashSet<String>, index: u64) -> String {
    for _ in 0..NAME_DRAWS {
        let drawn = name(rng);
        if names.insert(drawn.to_lowercase()) {
            return drawn;
        }
    }
    let (first, second) = (rng.pick(&FIRST), rng.pick(&SECOND));
    let suffix = rng.pick(&SUFFIXES);
    (0..)
        .map(|n| match n {
            0 => format!("{first} {second} {index} {suffix}"),
            n => format!("{first} {second} {index}-{n} {suffix}"),
        })
        .find(|candidate| names.insert(candidate.to_lowercase()))
        .unwrap_or_default()
}

fn dlp(rng: &mut SplitMix64, created: OffsetDateTime) -> DlpSettings {
    let ai_context_analysis = rng.chance(AI_PERCENT);
    let ocr = rng.chance(OCR_PERCENT);
    let public_key = rng.chance(KEY_PERCENT).then(|| {
        let mut key = [0u8; 32];
        for chunk in key.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes());
        }
        STANDARD.encode(key)
    });
    let masking_level = rng.weighted(&MASKING);
    let updated = created + days(rng.below(UPDATED_DAYS)) + seconds(rng.below(86_400));
    DlpSettings {
        ai_context_analysis,
        ocr,
        payload_logging: PayloadLogging {
            updated_at: format_time(updated),
            masking_level,
            public_key,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::dlp::is_public_key;

    fn spec(seed: u64, count: usize) -> GeneratedAccounts {
        GeneratedAccounts {
            seed,
            count,
            out_of_scope_for: vec!["t".to_owned()],
        }
    }

    fn generated(spec: &GeneratedAccounts) -> (Vec<AccountData>, Special) {
        let mut accounts = Vec::new();
        let special = super::accounts(spec, &mut accounts, &HashSet::new()).unwrap();
        (accounts, special)
    }

    #[test]
    fn same_seed_same_accounts_unique_names_and_ids() {
        let (one, special) = generated(&spec(7, MAX_ACCOUNTS));
        let (two, again) = generated(&spec(7, MAX_ACCOUNTS));
        let (other, _) = generated(&spec(8, MAX_ACCOUNTS));
        let key = |a: &AccountData| (a.id.clone(), a.name.clone(), a.dlp.clone());
        assert_eq!(
            one.iter().map(key).collect::<Vec<_>>(),
            two.iter().map(key).collect::<Vec<_>>()
        );
        assert_eq!(special, again);
        assert_ne!(one[0].id, other[0].id);
        let names: HashSet<String> = one.iter().map(|a| a.name.to_lowercase()).collect();
        let ids: HashSet<&str> = one.iter().map(|a| a.id.as_str()).collect();
        assert_eq!((names.len(), ids.len()), (MAX_ACCOUNTS, MAX_ACCOUNTS));
        assert!(one.iter().all(|a| a.id.len() == 32
            && a.id.bytes().all(|b| b.is_ascii_hexdigit())
            && crate::mock::state::parse_time(&a.created_on).is_some()));
        assert_eq!(one.iter().filter(|a| a.dlp.is_none()).count(), 1);
        let not_available = special.not_available.unwrap();
        let out_of_scope = special.out_of_scope.unwrap();
        assert_ne!(not_available, out_of_scope);
        assert!(one.iter().any(|a| a.id == out_of_scope && a.dlp.is_some()));
    }

    #[test]
    fn settings_come_in_the_documented_proportions_with_real_keys() {
        let (many, _) = generated(&spec(42, MAX_ACCOUNTS));
        let settings: Vec<&DlpSettings> = many.iter().filter_map(|a| a.dlp.as_ref()).collect();
        let share = |test: &dyn Fn(&DlpSettings) -> bool| {
            (settings.iter().filter(|s| test(s)).count() * 100 / settings.len()) as i64
        };
        let near = |got: i64, percent: i64| (got - percent).abs() <= 5;
        assert!(near(share(&|s| s.ai_context_analysis), 55));
        assert!(near(share(&|s| s.ocr), 65));
        assert!(near(share(&|s| s.payload_logging.public_key.is_some()), 60));
        let masking = |level| move |s: &DlpSettings| s.payload_logging.masking_level == level;
        assert!(near(share(&masking(MaskingLevel::Clear)), 12));
        assert!(near(share(&masking(MaskingLevel::Partial)), 33));
        assert!(
            settings
                .iter()
                .filter_map(|s| s.payload_logging.public_key.as_deref())
                .all(is_public_key)
        );
        let enterprise = many.iter().filter(|a| a.kind == "enterprise").count();
        assert!(near((enterprise * 100 / many.len()) as i64, 30));
    }

    #[test]
    fn an_account_depends_only_on_the_seed_and_its_index() {
        let (short, _) = generated(&spec(9, 50));
        let (long, _) = generated(&spec(9, 500));
        for (a, b) in short.iter().zip(&long) {
            assert_eq!((&a.id, &a.name, &a.kind), (&b.id, &b.name, &b.kind));
            if a.dlp.is_some() && b.dlp.is_some() {
                assert_eq!(a.dlp, b.dlp);
            }
        }
    }

    #[test]
    fn taken_names_and_ids_are_avoided_and_the_total_is_capped() {
        let (first, _) = generated(&spec(3, 1));
        let taken: HashSet<String> = [first[0].id.clone()].into();
        let mut accounts = Vec::new();
        super::accounts(&spec(3, 1), &mut accounts, &taken).unwrap();
        assert_ne!(accounts[0].id, first[0].id);
        assert_eq!(accounts[0].id, account_id(3, 0, 1));
        let (one, special) = generated(&spec(3, 1));
        assert_eq!(special.not_available, special.out_of_scope);
        assert!(one[0].dlp.is_none());
        let mut full = Vec::new();
        let err = super::accounts(&spec(1, MAX_ACCOUNTS + 1), &mut full, &HashSet::new());
        assert!(err.unwrap_err().contains("at most 1000"));
    }
}
