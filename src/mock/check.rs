//! The checks of a data file at start-up, in the order they are reported:
//! accounts, then the hand-written zones (made compact on the way), then
//! tokens. Each error is one sentence naming what is wrong. Generated zones
//! need none: `generate.rs` makes them valid and unique.
use std::collections::HashSet;

use super::auth::ALL;
use super::data::{AccountData, PLANS, STATUSES, TokenData, ZoneData, ZoneFile};
use super::dlp::is_public_key;
use super::ids::Id;
use super::state::{EmailState, parse_time};
use super::zones::Loaded;

/// Ids, types, times and keys of the accounts.
pub(crate) fn accounts(accounts: &[AccountData]) -> Result<(), String> {
    let mut seen = HashSet::new();
    for account in accounts {
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
        time(&account.created_on, &account.id)?;
        let Some(dlp) = &account.dlp else {
            continue;
        };
        time(&dlp.payload_logging.updated_at, &account.id)?;
        if let Some(key) = &dlp.payload_logging.public_key
            && !is_public_key(key)
        {
            return Err(format!(
                "account {}: public_key is not base64 of 32 bytes",
                account.id
            ));
        }
    }
    Ok(())
}

/// The hand-written zones, checked (ids unique among zones and accounts,
/// names unique without case): the compact zones, and their settings by id.
pub(crate) fn zones(
    files: Vec<ZoneFile>,
    accounts: &[AccountData],
) -> Result<(Vec<ZoneData>, Loaded), String> {
    let mut seen: HashSet<String> = accounts.iter().map(|a| a.id.clone()).collect();
    let mut names = HashSet::new();
    let mut zones = Vec::with_capacity(files.len());
    let mut settings = Vec::with_capacity(files.len());
    for zone in files {
        let id = &zone.id;
        let Some(compact_id) = Id::new(id) else {
            return Err(format!(
                "zone id {id:?} is not 1 to 32 alphanumeric characters"
            ));
        };
        if !seen.insert(id.clone()) {
            return Err(format!("id {id} appears twice"));
        }
        if !names.insert(zone.name.to_lowercase()) {
            return Err(format!("zone name {} appears twice", zone.name));
        }
        let Some(account) = accounts.iter().position(|a| a.id == zone.account_id) else {
            return Err(format!(
                "zone {id}: account {} is not in the data",
                zone.account_id
            ));
        };
        let Some(plan) = PLANS.into_iter().find(|p| *p == zone.plan) else {
            return Err(format!(
                "zone {id}: plan must be free, pro, business or ent"
            ));
        };
        let Some(status) = STATUSES.into_iter().find(|s| *s == zone.status) else {
            return Err(format!(
                "zone {id}: status must be initializing, pending, active or moved"
            ));
        };
        time(&zone.created_on, id)?;
        if zone.csam.enabled && zone.csam.email_state != EmailState::Valid {
            return Err(format!(
                "zone {id}: scanning is enabled but the email is not valid"
            ));
        }
        zones.push(ZoneData {
            id: compact_id,
            name: zone.name.into(),
            account: account as u32,
            plan,
            status,
            created_on: zone.created_on.into(),
        });
        settings.push((compact_id, zone.csam));
    }
    Ok((zones, settings))
}

/// Statuses, values, expiry times, scopes, exceptions and permission
/// names of the tokens.
pub(crate) fn tokens(tokens: &[TokenData], accounts: &[AccountData]) -> Result<(), String> {
    let ids: HashSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let known_account = |id: &String| ids.contains(id.as_str());
    for token in tokens {
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
            time(at, &token.id)?;
        }
        for (permission, accounts) in &token.scopes {
            if !token.permissions.contains(permission) {
                return Err(format!(
                    "token {}: scopes names {permission:?}, which is not among its permissions",
                    token.id
                ));
            }
            if let Some(unknown) = accounts.iter().find(|a| !known_account(a)) {
                return Err(format!(
                    "token {}: scope account {unknown} is not in the data",
                    token.id
                ));
            }
        }
        for (permission, accounts) in &token.except {
            if !token.permissions.contains(permission) {
                return Err(format!(
                    "token {}: except names {permission:?}, which is not among its permissions",
                    token.id
                ));
            }
            if let Some(unknown) = accounts.iter().find(|a| !known_account(a)) {
                return Err(format!(
                    "token {}: except account {unknown} is not in the data",
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
    Ok(())
}

fn time(text: &str, owner: &str) -> Result<(), String> {
    match parse_time(text) {
        Some(_) => Ok(()),
        None => Err(format!("{owner}: {text:?} is not an RFC 3339 date-time")),
    }
}
