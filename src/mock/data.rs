//! The demo data file (`assets/demo-data.json` or `--data FILE`): accounts,
//! accounts generated from a seed (`generate_accounts.rs`), hand-written
//! zones, zones generated from a seed (`generate.rs`), tokens and global
//! keys, checked once at start-up (`check.rs`) and then held compactly: tens of thousands of zones stay a few hundred bytes each.
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Deserialize;
use time::OffsetDateTime;

use super::check;
use super::generate::{self, GeneratedZones};
use super::generate_accounts::{self, GeneratedAccounts, MAX_ACCOUNTS};
use super::ids::Id;
use super::state::{CsamSetting, DlpSettings, EmailState, format_time};
use super::zones::Zones;

/// The data shipped in the binary, used when no `--data FILE` is given.
pub(crate) const SHIPPED: &str = include_str!("../../assets/demo-data.json");

/// The whole data file as written. Unknown fields are ignored so the file
/// can grow.
#[derive(Deserialize)]
struct DataFile {
    /// Accounts, with their initial DLP settings.
    accounts: Vec<AccountData>,
    /// Accounts to generate from a seed, after the hand-written ones.
    #[serde(default)]
    generated_accounts: Option<GeneratedAccounts>,
    /// The hand-written zones, in file order.
    zones: Vec<ZoneFile>,
    /// Zones to generate from a seed, after the hand-written ones.
    #[serde(default)]
    generated_zones: Option<GeneratedZones>,
    /// API tokens and what they may do.
    tokens: Vec<TokenData>,
    /// Legacy email + global API key pairs (full access).
    global_keys: Vec<GlobalKeyData>,
}

/// One hand-written zone as the file spells it (checked, then made a
/// [`ZoneData`] and its initial setting).
#[derive(Deserialize)]
pub(crate) struct ZoneFile {
    /// 1..=32 alphanumeric identifier.
    pub id: String,
    /// The domain name.
    pub name: String,
    /// The owning account's id.
    pub account_id: String,
    /// Plan level: free, pro, business or ent.
    pub plan: String,
    /// initializing, pending, active or moved.
    pub status: String,
    /// RFC 3339 creation time.
    pub created_on: String,
    /// The initial CSAM Scanner setting.
    pub csam: CsamSetting,
}

/// The loaded data (read-only once loaded).
#[derive(Debug)]
pub(crate) struct DemoData {
    /// Accounts, with their initial DLP settings.
    pub accounts: Vec<AccountData>,
    /// Zones: the hand-written ones in file order, then the generated ones.
    pub zones: Vec<ZoneData>,
    /// Every zone's initial CSAM Scanner setting, shared with each state
    /// made from the data; a zone pending in the data without a
    /// `pending_since` went pending at `loaded_at`.
    pub settings: Zones,
    /// When the data was loaded.
    pub loaded_at: OffsetDateTime,
    /// API tokens and what they may do.
    pub tokens: Vec<TokenData>,
    /// Legacy email + global API key pairs (full access).
    pub global_keys: Vec<GlobalKeyData>,
    /// Positions in `zones`, in id order (for finding a zone by id).
    by_id: Vec<u32>,
}

/// One account.
#[derive(Debug, Deserialize)]
pub(crate) struct AccountData {
    /// 32-character identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `standard` or `enterprise`.
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339 creation time.
    pub created_on: String,
    /// The DLP settings at start-up (what `/__mock/reset` goes back to;
    /// DELETE goes to a new account's defaults instead); None (`null` or
    /// absent in the file) = DLP is not available on the account.
    #[serde(default)]
    pub dlp: Option<DlpSettings>,
}

/// One zone, in the compact form the full zone object is made from (its
/// setting is in [`DemoData::settings`]).
#[derive(Debug)]
pub(crate) struct ZoneData {
    /// 1..=32 alphanumeric identifier.
    pub id: Id,
    /// The domain name.
    pub name: Box<str>,
    /// The owning account: its position in [`DemoData::accounts`].
    pub account: u32,
    /// Plan level: free, pro, business or ent.
    pub plan: &'static str,
    /// initializing, pending, active or moved.
    pub status: &'static str,
    /// RFC 3339 creation time.
    pub created_on: Box<str>,
}

/// The plan levels a zone may have.
pub(crate) const PLANS: [&str; 4] = ["free", "pro", "business", "ent"];

/// The statuses a zone may have.
pub(crate) const STATUSES: [&str; 4] = ["initializing", "pending", "active", "moved"];

/// One API token.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenData {
    /// The token's identifier (shown by verify).
    pub id: String,
    /// The secret sent as `Authorization: Bearer <value>`.
    pub value: String,
    /// What the token is for, for the banner.
    pub description: String,
    /// active, disabled or expired.
    pub status: String,
    /// Shown by verify when present.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// Permission group names, e.g. "Zone Settings Read".
    pub permissions: Vec<String>,
    /// Permission name -> the only accounts whose resources it covers; a
    /// permission not listed here covers every account.
    #[serde(default)]
    pub scopes: BTreeMap<String, Vec<String>>,
    /// Permission name -> accounts whose resources it does not cover, even
    /// when `scopes` would.
    #[serde(default)]
    pub except: BTreeMap<String, Vec<String>>,
}

/// One legacy email + global key pair.
#[derive(Debug, Deserialize)]
pub(crate) struct GlobalKeyData {
    /// Sent as `X-Auth-Email`.
    pub email: String,
    /// Sent as `X-Auth-Key`.
    pub key: String,
}

/// The credentials of the loaded data, for banners, demos and tests.
#[derive(Clone)]
pub struct DemoCredentials {
    /// An active token that can read and write everything.
    pub full_access_token: String,
    /// The legacy `X-Auth-Email`.
    pub email: String,
    /// The legacy `X-Auth-Key` (global API key).
    pub global_key: String,
    /// Every token of the data, the full-access one included.
    pub tokens: Vec<DemoToken>,
}

/// One demo token and what it is for.
#[derive(Clone)]
pub struct DemoToken {
    /// The secret bearer value.
    pub value: String,
    /// What it demonstrates.
    pub description: String,
    /// active, disabled or expired.
    pub status: String,
}

impl fmt::Debug for DemoCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCredentials")
            .field("full_access_token", &"[redacted]")
            .field("email", &self.email)
            .field("global_key", &"[redacted]")
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl fmt::Debug for DemoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoToken")
            .field("value", &"[redacted]")
            .field("description", &self.description)
            .field("status", &self.status)
            .finish()
    }
}

/// The permissions a token needs to count as full access.
const FULL_ACCESS: [&str; 2] = ["Zone Settings Write", "Zero Trust Write"];

impl DemoData {
    /// Parses and checks a data file as of now; the error is one sentence.
    #[cfg(test)]
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_with(text, Counts::default(), super::state::now())
    }

    /// [`DemoData::parse`] as loaded at `loaded_at`, with `counts.zones`
    /// zones in all instead of the file's count (`--zones N`): the
    /// hand-written ones first (never fewer than those), then generated ones
    /// up to that many (the file's seed, or 42 without one); the same for
    /// accounts with `counts.accounts` (`--accounts N`; the seed of
    /// `generated_accounts`, else of `generated_zones`, else 42).
    pub fn parse_with(
        text: &str,
        counts: Counts,
        loaded_at: OffsetDateTime,
    ) -> Result<Self, String> {
        let mut file: DataFile =
            serde_json::from_str(text).map_err(|e| format!("not valid demo data: {e}"))?;
        if let Some(count) = counts.accounts {
            if count > MAX_ACCOUNTS {
                return Err(format!(
                    "accounts must be at most {MAX_ACCOUNTS} in all, got {count}"
                ));
            }
            let seed = file.generated_zones.as_ref().map_or(42, |spec| spec.seed);
            let spec = file
                .generated_accounts
                .get_or_insert_with(|| GeneratedAccounts {
                    seed,
                    count: 0,
                    out_of_scope_for: Vec::new(),
                });
            spec.count = count.saturating_sub(file.accounts.len());
        }
        if let Some(spec) = &file.generated_accounts {
            let zone_ids: HashSet<String> = file.zones.iter().map(|z| z.id.clone()).collect();
            let special = generate_accounts::accounts(spec, &mut file.accounts, &zone_ids)?;
            except(
                &mut file.tokens,
                &spec.out_of_scope_for,
                special.out_of_scope.as_deref(),
            )?;
        }
        if let Some(count) = counts.zones {
            if count > generate::MAX_COUNT {
                return Err(format!(
                    "zones must be at most {} in all, got {count}",
                    generate::MAX_COUNT
                ));
            }
            let spec = file.generated_zones.get_or_insert_with(|| GeneratedZones {
                seed: 42,
                count: 0,
                accounts: Vec::new(),
            });
            spec.count = count.saturating_sub(file.zones.len());
        }
        // A bad `generated_zones` is reported first, then the checks'.
        let owners = match &file.generated_zones {
            Some(spec) => generate::owners(spec, &file.accounts)?,
            None => Vec::new(),
        };
        check::accounts(&file.accounts)?;
        let (mut zones, mut settings) = check::zones(file.zones, &file.accounts)?;
        check::tokens(&file.tokens, &file.accounts)?;
        if let Some(spec) = &file.generated_zones {
            generate::zones(spec, &file.accounts, &owners, &mut zones, &mut settings)?;
        }
        let since = format_time(loaded_at);
        for (_, csam) in &mut settings {
            if csam.email_state == EmailState::Pending && csam.pending_since.is_none() {
                csam.pending_since = Some(since.clone());
            }
        }
        let mut by_id: Vec<u32> = (0..zones.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| zones[a as usize].id.cmp(&zones[b as usize].id));
        let data = Self {
            accounts: file.accounts,
            zones,
            settings: Zones::new(settings),
            loaded_at,
            tokens: file.tokens,
            global_keys: file.global_keys,
            by_id,
        };
        if data.credentials().full_access_token.is_empty() {
            return Err(
                "no active token has both Zone Settings Write and Zero Trust Write".to_owned(),
            );
        }
        if data.global_keys.is_empty() {
            return Err("global_keys is empty: the legacy email + key demo needs one".to_owned());
        }
        Ok(data)
    }

    /// The zone with this id.
    pub fn zone(&self, id: &str) -> Option<&ZoneData> {
        let zones = &self.zones;
        self.by_id
            .binary_search_by(|&i| zones[i as usize].id.as_str().cmp(id))
            .ok()
            .map(|k| &zones[self.by_id[k] as usize])
    }

    /// The account that owns `zone`.
    pub fn owner(&self, zone: &ZoneData) -> Option<&AccountData> {
        self.accounts.get(zone.account as usize)
    }

    /// The id of the account that owns `zone`.
    pub fn owner_id(&self, zone: &ZoneData) -> &str {
        self.owner(zone).map_or("", |account| &account.id)
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&AccountData> {
        self.accounts.iter().find(|account| account.id == id)
    }

    /// The credentials to show to people.
    pub fn credentials(&self) -> DemoCredentials {
        let full = self.tokens.iter().find(|t| {
            t.status == "active"
                && FULL_ACCESS
                    .iter()
                    .all(|p| t.permissions.iter().any(|q| q == p))
        });
        let key = self.global_keys.first();
        DemoCredentials {
            full_access_token: full.map(|t| t.value.clone()).unwrap_or_default(),
            email: key.map(|k| k.email.clone()).unwrap_or_default(),
            global_key: key.map(|k| k.key.clone()).unwrap_or_default(),
            tokens: self
                .tokens
                .iter()
                .map(|t| DemoToken {
                    value: t.value.clone(),
                    description: t.description.clone(),
                    status: t.status.clone(),
                })
                .collect(),
        }
    }
}

/// How many zones and accounts to serve in all, instead of the data
/// file's counts (None = the file's).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    /// `--zones N`.
    pub zones: Option<usize>,
    /// `--accounts N`.
    pub accounts: Option<usize>,
}

/// Adds `account` (when there is one) to every permission of the `except`
/// of each token in `token_ids` (`generated_accounts.out_of_scope_for`),
/// which must name tokens with an `except`.
fn except(
    tokens: &mut [TokenData],
    token_ids: &[String],
    account: Option<&str>,
) -> Result<(), String> {
    for id in token_ids {
        let token = tokens
            .iter_mut()
            .find(|t| t.id == *id)
            .ok_or_else(|| format!("generated_accounts: token {id} is not in the data"))?;
        if token.except.is_empty() {
            return Err(format!(
                "generated_accounts: token {id} has no except to add an account to"
            ));
        }
        if let Some(account) = account {
            for accounts in token.except.values_mut() {
                accounts.push(account.to_owned());
            }
        }
    }
    Ok(())
}

/// The API's plan name for a plan level; None for an unknown level.
pub(crate) fn plan_name(level: &str) -> Option<&'static str> {
    match level {
        "free" => Some("Free Website"),
        "pro" => Some("Pro Website"),
        "business" => Some("Business Website"),
        "ent" => Some("Enterprise Website"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::state::State;

    #[test]
    fn shipped_data_loads_and_names_the_full_access_token() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let creds = data.credentials();
        assert_eq!(
            creds.full_access_token,
            "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w"
        );
        assert_eq!(creds.email, "admin@acme-corp.com");
        assert_eq!(creds.tokens.len(), 7);
        assert_eq!(data.accounts.len(), 5);
    }

    #[test]
    fn shipped_data_has_the_hand_written_zones_first_then_generated_ones() {
        let data = DemoData::parse(SHIPPED).unwrap();
        assert_eq!(data.zones.len(), 8 + 492);
        assert_eq!(&*data.zones[0].name, "shop.acme-corp.com");
        assert_eq!(&*data.zones[7].name, "status.globex-media.tv");
        for (i, zone) in data.zones.iter().enumerate() {
            assert_eq!(
                data.zone(&zone.id).map(|z| &z.name),
                Some(&zone.name),
                "{i}"
            );
        }
        let again = DemoData::parse(SHIPPED).unwrap();
        let ids = |d: &DemoData| d.zones.iter().map(|z| z.id).collect::<Vec<_>>();
        assert_eq!(ids(&data), ids(&again));
    }

    /// How fast this is, is measured by `cargo bench --bench mock_start`
    /// (a timed test fails on a busy machine and proves nothing on an idle one).
    #[test]
    fn the_shipped_data_makes_every_zone() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let state = State::from_data(&data);
        assert!(state.zones.len() >= 500);
        assert_eq!(state.zones.len(), data.zones.len());
        assert!(
            state.zones.same_base(&data.settings) && state.clone().zones.same_base(&data.settings),
            "a state and its copies share the data's settings instead of copying every zone"
        );
    }

    #[test]
    fn duplicate_names_and_unknown_generator_accounts_are_refused() {
        let mut value: serde_json::Value = serde_json::from_str(SHIPPED).unwrap();
        value["generated_zones"]["accounts"] = serde_json::json!(["0".repeat(32)]);
        let err = DemoData::parse(&value.to_string()).unwrap_err();
        assert!(err.contains("not in the data"), "{err}");
        let mut value: serde_json::Value = serde_json::from_str(SHIPPED).unwrap();
        value["zones"][1]["name"] = serde_json::json!("SHOP.acme-corp.com");
        let err = DemoData::parse(&value.to_string()).unwrap_err();
        assert!(err.contains("appears twice"), "{err}");
        value["generated_zones"]["accounts"] = serde_json::json!(["0".repeat(32)]);
        let err = DemoData::parse(&value.to_string()).unwrap_err();
        assert!(
            err.contains("generated_zones"),
            "reported before the zones': {err}"
        );
    }

    #[test]
    fn accounts_flag_adds_generated_accounts_that_own_zones_and_one_is_out_of_scope() {
        let counts = Counts {
            zones: Some(2000),
            accounts: Some(200),
        };
        let data = DemoData::parse_with(SHIPPED, counts, super::super::state::now()).unwrap();
        assert_eq!(data.accounts.len(), 200);
        assert_eq!(data.accounts[4].name, "Hooli Labs");
        let generated_owners: HashSet<u32> = data.zones[8..]
            .iter()
            .map(|z| z.account)
            .filter(|&a| a >= 5)
            .collect();
        assert!(generated_owners.len() > 150, "{}", generated_owners.len());
        let scoped = data.tokens.iter().find(|t| t.value.contains("dlp-scoped"));
        let except = &scoped.unwrap().except["Zero Trust Read"];
        assert_eq!(except.len(), 2);
        assert_eq!(except[0], data.accounts[4].id);
        let out = data.account(&except[1]).unwrap();
        assert!(out.dlp.is_some() && data.accounts[5..].iter().any(|a| a.id == out.id));
        assert_eq!(data.accounts.iter().filter(|a| a.dlp.is_none()).count(), 1);
        let fewer = Counts {
            zones: None,
            accounts: Some(2),
        };
        let data = DemoData::parse_with(SHIPPED, fewer, super::super::state::now()).unwrap();
        assert_eq!(
            data.accounts.len(),
            5,
            "never fewer than the named accounts"
        );
        let too_many = Counts {
            zones: None,
            accounts: Some(MAX_ACCOUNTS + 1),
        };
        let err = DemoData::parse_with(SHIPPED, too_many, super::super::state::now());
        assert!(err.unwrap_err().contains("at most 1000"));
        let mut value: serde_json::Value = serde_json::from_str(SHIPPED).unwrap();
        value["generated_accounts"]["out_of_scope_for"] = serde_json::json!(["nope"]);
        let err = DemoData::parse(&value.to_string()).unwrap_err();
        assert!(err.contains("token nope is not in the data"), "{err}");
    }

    #[test]
    fn debug_never_prints_secrets() {
        let creds = DemoData::parse(SHIPPED).unwrap().credentials();
        let shown = format!("{creds:?}");
        assert!(!shown.contains("tdemo-"), "{shown}");
        assert!(!shown.contains(&creds.global_key), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn broken_data_is_one_clear_sentence() {
        let err = DemoData::parse("{}").unwrap_err();
        assert!(err.starts_with("not valid demo data"), "{err}");
    }
}
