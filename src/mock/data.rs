//! The demo data file (`assets/demo-data.json` or `--data FILE`): accounts,
//! hand-written zones, zones generated from a seed (`generate.rs`), tokens
//! and global keys, checked once at start-up.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Deserialize;

use super::auth::ALL;
use super::dlp::is_base64;
use super::generate::{self, GeneratedZones};
use super::state::{CsamSetting, DlpSettings, EmailState, parse_time};

/// The data shipped in the binary, used when no `--data FILE` is given.
pub(crate) const SHIPPED: &str = include_str!("../../assets/demo-data.json");

/// The whole data file. Unknown fields are ignored so the file can grow.
#[derive(Debug, Deserialize)]
pub(crate) struct DemoData {
    /// Accounts, with their initial DLP settings.
    pub accounts: Vec<AccountData>,
    /// Zones, with their initial CSAM Scanner settings: the hand-written
    /// ones in file order, then the generated ones.
    pub zones: Vec<ZoneData>,
    /// Zones to generate from a seed, appended to `zones` by `parse`.
    #[serde(default)]
    pub generated_zones: Option<GeneratedZones>,
    /// API tokens and what they may do.
    pub tokens: Vec<TokenData>,
    /// Legacy email + global API key pairs (full access).
    pub global_keys: Vec<GlobalKeyData>,
    /// Zone id -> position in `zones`, built by `parse`.
    #[serde(skip)]
    zone_index: HashMap<String, usize>,
    /// How many of `zones` the file lists (the rest are generated).
    #[serde(skip)]
    pub hand_written: usize,
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
    /// DELETE goes to a new account's defaults instead).
    pub dlp: DlpSettings,
}

/// One zone, in the compact form the full zone object is generated from.
#[derive(Debug, Deserialize)]
pub(crate) struct ZoneData {
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
    /// Parses and checks a data file; the error is one sentence.
    #[cfg(test)]
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_with(text, None)
    }

    /// [`DemoData::parse`], with `zones` generated zones instead of the
    /// file's count (`--zones N`; the file's seed, or 42 without one).
    pub fn parse_with(text: &str, zones: Option<usize>) -> Result<Self, String> {
        let mut data: Self =
            serde_json::from_str(text).map_err(|e| format!("not valid demo data: {e}"))?;
        if let Some(count) = zones {
            let spec = data.generated_zones.get_or_insert_with(|| GeneratedZones {
                seed: 42,
                count: 0,
                accounts: Vec::new(),
            });
            spec.count = count;
        }
        data.hand_written = data.zones.len();
        if let Some(spec) = &data.generated_zones {
            let generated = generate::zones(spec, &data.accounts, &data.zones)?;
            data.zones.extend(generated);
        }
        data.check()?;
        data.zone_index = data
            .zones
            .iter()
            .enumerate()
            .map(|(i, zone)| (zone.id.clone(), i))
            .collect();
        Ok(data)
    }

    /// The zone with this id.
    pub fn zone(&self, id: &str) -> Option<&ZoneData> {
        self.zone_index.get(id).map(|&i| &self.zones[i])
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

    fn check(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for account in &self.accounts {
            if account.id.len() != 32 || !account.id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!(
                    "account id {:?} is not 32 alphanumeric characters",
                    account.id
                ));
            }
            if !seen.insert(account.id.as_str()) {
                return Err(format!("account id {} appears twice", account.id));
            }
            if !["standard", "enterprise"].contains(&account.kind.as_str()) {
                return Err(format!(
                    "account {}: type must be standard or enterprise",
                    account.id
                ));
            }
            check_time(&account.created_on, &account.id)?;
            check_time(&account.dlp.payload_logging.updated_at, &account.id)?;
            if let Some(key) = &account.dlp.payload_logging.public_key
                && !is_base64(key)
            {
                return Err(format!("account {}: public_key is not base64", account.id));
            }
        }
        let mut names = HashSet::new();
        for (index, zone) in self.zones.iter().enumerate() {
            let id = &zone.id;
            if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!(
                    "zone id {id:?} is not 1 to 32 alphanumeric characters"
                ));
            }
            if !seen.insert(id.as_str()) {
                return Err(format!("id {id} appears twice"));
            }
            if !names.insert(zone.name.to_lowercase()) {
                return Err(format!("zone name {} appears twice", zone.name));
            }
            if self.account(&zone.account_id).is_none() {
                return Err(format!(
                    "zone {id}: account {} is not in the data",
                    zone.account_id
                ));
            }
            if plan_name(&zone.plan).is_none() {
                return Err(format!(
                    "zone {id}: plan must be free, pro, business or ent"
                ));
            }
            if !["initializing", "pending", "active", "moved"].contains(&zone.status.as_str()) {
                return Err(format!(
                    "zone {id}: status must be initializing, pending, active or moved"
                ));
            }
            // Generated zones' times come from `format_time`.
            if index < self.hand_written {
                check_time(&zone.created_on, id)?;
            }
            if zone.csam.enabled && zone.csam.email_state != EmailState::Valid {
                return Err(format!(
                    "zone {id}: scanning is enabled but the email is not valid"
                ));
            }
        }
        for token in &self.tokens {
            if !["active", "disabled", "expired"].contains(&token.status.as_str()) {
                return Err(format!(
                    "token {}: status must be active, disabled or expired",
                    token.id
                ));
            }
            if token.value.is_empty() || token.value.chars().any(char::is_whitespace) {
                return Err(format!(
                    "token {}: value must be non-empty without spaces",
                    token.id
                ));
            }
            if let Some(at) = &token.expires_on {
                check_time(at, &token.id)?;
            }
            for (permission, accounts) in &token.scopes {
                if !token.permissions.contains(permission) {
                    return Err(format!(
                        "token {}: scopes names {permission:?}, which is not among its permissions",
                        token.id
                    ));
                }
                if let Some(unknown) = accounts.iter().find(|a| self.account(a).is_none()) {
                    return Err(format!(
                        "token {}: scope account {unknown} is not in the data",
                        token.id
                    ));
                }
            }
            if let Some(unknown) = token
                .permissions
                .iter()
                .find(|name| !ALL.iter().any(|p| p.name() == name.as_str()))
            {
                return Err(format!(
                    "token {}: unknown permission {unknown:?}",
                    token.id
                ));
            }
        }
        if self.credentials().full_access_token.is_empty() {
            return Err(
                "no active token has both Zone Settings Write and Zero Trust Write".to_owned(),
            );
        }
        if self.global_keys.is_empty() {
            return Err("global_keys is empty: the legacy email + key demo needs one".to_owned());
        }
        Ok(())
    }
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

fn check_time(text: &str, owner: &str) -> Result<(), String> {
    match parse_time(text) {
        Some(_) => Ok(()),
        None => Err(format!("{owner}: {text:?} is not an RFC 3339 date-time")),
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
        assert_eq!(creds.tokens.len(), 6);
        assert_eq!(data.accounts.len(), 5);
    }

    #[test]
    fn shipped_data_has_the_hand_written_zones_first_then_generated_ones() {
        let data = DemoData::parse(SHIPPED).unwrap();
        assert_eq!(data.zones.len(), 8 + 492);
        assert_eq!(data.zones[0].name, "shop.acme-corp.com");
        assert_eq!(data.zones[7].name, "status.globex-media.tv");
        for (i, zone) in data.zones.iter().enumerate() {
            assert_eq!(
                data.zone(&zone.id).map(|z| &z.name),
                Some(&zone.name),
                "{i}"
            );
        }
        let again = DemoData::parse(SHIPPED).unwrap();
        let ids = |d: &DemoData| d.zones.iter().map(|z| z.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&data), ids(&again));
    }

    /// How fast this is, is measured by `cargo bench --bench mock_start`
    /// (a timed test fails on a busy machine and proves nothing on an idle one).
    #[test]
    fn the_shipped_data_makes_every_zone() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let state = State::from_data(&data, crate::mock::state::now());
        assert!(state.zones.len() >= 500);
        assert_eq!(state.zones.len(), data.zones.len());
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
