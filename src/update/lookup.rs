//! Names for ids and ids for names: the zone and account a start-up or a
//! `:zone`/`:account` line names, looked up on the server so the panels
//! show names (not bare ids) and an exact name switches at once.

use super::{panel, picker, say, send, settings};
use crate::api::ApiError;
use crate::api::client::ZoneQuery;
use crate::api::model::{Account, Zone};
use crate::api::validate;
use crate::api::worker::{ApiOp, ApiOutput};
use crate::message::Command;
use crate::state::{AppState, Dlp, Lookup, PickerItem, PickerKind, Route, StatusKind};

/// The accounts `:account NAME` looks through: one page, the most the API
/// gives at once. A name beyond it opens the picker on that name.
const ACCOUNTS_PAGE: u32 = 50;

/// Asks the server for `lookup`.
pub(super) fn start(state: &mut AppState, lookup: Lookup) -> Vec<Command> {
    let op = match &lookup {
        Lookup::ZoneDetails { zone_id } | Lookup::ZoneById { zone_id } => ApiOp::GetZone {
            zone_id: zone_id.clone(),
        },
        Lookup::AccountDetails { account_id } | Lookup::AccountById { account_id } => {
            ApiOp::GetAccount {
                account_id: account_id.clone(),
            }
        }
        Lookup::AccountByName { .. } => ApiOp::ListAccounts {
            page: 1,
            per_page: ACCOUNTS_PAGE,
        },
        Lookup::ZoneByName { name } => ApiOp::ListZones(ZoneQuery {
            name: Some(name.clone()),
            per_page: 50,
            ..ZoneQuery::default()
        }),
    };
    vec![send(state, Route::Lookup(lookup), op).1]
}

/// True when `text` can only be a zone's name (an id has no dot).
pub(super) fn is_zone_name(text: &str) -> bool {
    validate::zone_id(text).is_err() && validate::zone_name(text).is_ok()
}

/// True for what Cloudflare's ids look like: 32 hex digits. Anything else
/// typed after `:zone` is a name or part of one.
pub(super) fn looks_like_an_id(text: &str) -> bool {
    text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// Applies a lookup's answer.
pub(super) fn on_reply(
    state: &mut AppState,
    lookup: Lookup,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    match (lookup, result) {
        (Lookup::ZoneDetails { zone_id }, Ok(ApiOutput::Zone(reply))) => {
            zone_details(state, &zone_id, reply.result)
        }
        (Lookup::AccountDetails { account_id }, Ok(ApiOutput::Account(reply))) => {
            let account = &mut state.settings.account;
            if account.id.as_deref() == Some(account_id.as_str()) && !reply.result.name.is_empty() {
                account.name = Some(reply.result.name);
            }
            Vec::new()
        }
        (Lookup::ZoneByName { name }, Ok(ApiOutput::Zones(reply))) => {
            zone_by_name(state, &name, reply.result)
        }
        (Lookup::ZoneById { .. }, Ok(ApiOutput::Zone(reply))) => {
            let item = picker::zone_item(&reply.result);
            picker::request_switch(state, PickerKind::Zone, item)
        }
        (Lookup::AccountById { account_id }, Ok(ApiOutput::Account(reply))) => {
            let item = account_item(&account_id, reply.result);
            picker::request_switch(state, PickerKind::Account, item)
        }
        (Lookup::ZoneDetails { .. }, Err(error)) => {
            // The name is a nicety; the account is not: find one another way.
            tracing::info!(%error, "zone details unavailable");
            settings::discover_account(state)
        }
        (Lookup::AccountDetails { .. }, Err(error)) => {
            tracing::info!(%error, "account details unavailable");
            Vec::new()
        }
        (Lookup::AccountByName { name }, Ok(ApiOutput::Accounts(reply))) => {
            account_by_name(state, &name, reply.result)
        }
        (Lookup::AccountByName { name }, Err(error)) => {
            say(
                state,
                StatusKind::Error,
                format!("Could not look up the account {name:?}: {error}."),
            );
            Vec::new()
        }
        (Lookup::ZoneByName { name }, Err(error)) => {
            say(
                state,
                StatusKind::Error,
                format!("Could not look up the zone {name:?}: {error}."),
            );
            Vec::new()
        }
        (Lookup::ZoneById { zone_id }, Err(error)) => {
            say(
                state,
                StatusKind::Error,
                format!(
                    "Could not open the zone {}: {error}.",
                    validate::clip_id(&zone_id)
                ),
            );
            Vec::new()
        }
        (Lookup::AccountById { account_id }, Err(error)) => {
            say(
                state,
                StatusKind::Error,
                format!(
                    "Could not open the account {}: {error}.",
                    validate::clip_id(&account_id)
                ),
            );
            Vec::new()
        }
        (_, Ok(_)) => Vec::new(),
    }
}

/// The shown zone's name and plan from `GET /zones/{id}`; its account
/// opens in the account panel when none was given.
fn zone_details(state: &mut AppState, zone_id: &str, found: Zone) -> Vec<Command> {
    let page = &mut state.settings;
    if page.zone.id.as_deref() != Some(zone_id) {
        return Vec::new();
    }
    if !found.name.is_empty() {
        page.zone.name = Some(found.name.clone());
    }
    let owner = found.account.filter(|a| a.id.is_some());
    match owner {
        Some(owner) if page.account.id.is_none() => {
            page.account.id = owner.id;
            page.account.name = owner.name;
            panel::load::<Dlp>(state)
        }
        Some(owner) if page.account.id == owner.id => {
            if page.account.name.is_none() {
                page.account.name = owner.name;
            }
            Vec::new()
        }
        None if page.account.id.is_none() => settings::discover_account(state),
        _ => Vec::new(),
    }
}

/// A zone asked for by name: shown at once when exactly one matches;
/// otherwise the picker opens on the name, saying why.
fn zone_by_name(state: &mut AppState, name: &str, zones: Vec<Zone>) -> Vec<Command> {
    let mut exact: Vec<Zone> = zones
        .into_iter()
        .filter(|z| z.name.eq_ignore_ascii_case(name))
        .collect();
    if exact.len() == 1 {
        let item = picker::zone_item(&exact.remove(0));
        if state.settings.zone.id.is_none() {
            return picker::switch(state, PickerKind::Zone, item);
        }
        return picker::request_switch(state, PickerKind::Zone, item);
    }
    let why = if exact.is_empty() {
        format!("No zone named {name:?} is visible to these credentials; pick one.")
    } else {
        format!("{} zones are named {name:?}; pick one.", exact.len())
    };
    let commands = picker::open(state, PickerKind::Zone, name);
    say(state, StatusKind::Info, why);
    commands
}

/// An account asked for by name, as [`zone_by_name`]: switched to when
/// exactly one has that name, else the picker opens on it, saying why.
fn account_by_name(state: &mut AppState, name: &str, accounts: Vec<Account>) -> Vec<Command> {
    let mut exact: Vec<Account> = accounts
        .into_iter()
        .filter(|a| a.name.eq_ignore_ascii_case(name) && validate::account_id(&a.id).is_ok())
        .collect();
    if exact.len() == 1 {
        let found = exact.remove(0);
        let id = found.id.clone();
        return picker::request_switch(state, PickerKind::Account, account_item(&id, found));
    }
    let why = if exact.is_empty() {
        format!("No account named {name:?} is among the first {ACCOUNTS_PAGE}; pick one.")
    } else {
        format!("{} accounts are named {name:?}; pick one.", exact.len())
    };
    let commands = picker::open(state, PickerKind::Account, name);
    say(state, StatusKind::Info, why);
    commands
}

fn account_item(account_id: &str, found: Account) -> PickerItem {
    let name = if found.name.is_empty() {
        validate::clip_id(account_id)
    } else {
        found.name
    };
    PickerItem {
        id: account_id.to_owned(),
        name: name.clone(),
        detail: found.kind.unwrap_or_default(),
        account_id: Some(account_id.to_owned()),
        account_name: Some(name),
        recent: false,
    }
}
