//! Finding things: `GET /zones`, `GET /zones/{zone_id}`, `GET /accounts`,
//! `GET /accounts/{account_id}` and the two token verify endpoints. A token
//! sees only the zones and accounts its read permission covers.
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::auth::{Permission, authorize, token_to_verify};
use super::data::{AccountData, DemoData, ZoneData};
use super::envelope::{ApiError, Info, success, success_list};
use super::ids::{self, IdPath};
use super::lookup;
use super::objects::{ZONE_TYPE, account_object, plan_id, zone_object};
use super::query::{Filter, Query};
use super::routes::Shared;

/// Message code of a successful verify.
pub(crate) const TOKEN_STATUS: u32 = 1100;

/// `GET /zones` with Cloudflare's filters, ordering and paging.
pub(crate) async fn list_zones(
    State(mock): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let grant = authorize(&mock.data, &headers, Permission::ZoneRead)?;
    let query = Query::parse(raw.as_deref())?;
    let filters = [
        ("name", 253, Field::Name),
        ("account.name", 253, Field::AccountName),
        ("account.id", usize::MAX, Field::AccountId),
    ];
    let mut searches = Vec::new();
    for (param, max, field) in filters {
        if let Some(text) = query.text(param, max)? {
            searches.push((field, Filter::parse(text)));
        }
    }
    let status = query.one_of("status", &["initializing", "pending", "active", "moved"])?;
    let any = query.one_of("match", &["any", "all"])? == Some("any");
    let types = zone_types(&query)?;
    let order = query.one_of(
        "order",
        &["name", "status", "account.id", "account.name", "plan.id"],
    )?;
    let descending = query.descending()?;
    let paging = query.paging()?;

    let data = &mock.data;
    let wanted = |zone: &ZoneData| {
        if !grant.allows(data.owner_id(zone)) {
            return false;
        }
        let mut checks = searches
            .iter()
            .map(|(field, filter)| filter.matches(field.of(data, zone)))
            .chain(status.map(|s| zone.status == s));
        if searches.is_empty() && status.is_none() {
            true
        } else if any {
            checks.any(|ok| ok)
        } else {
            checks.all(|ok| ok)
        }
    };
    // One pass over the zones, no allocation per zone; only the requested
    // page is turned into JSON.
    let mut zones: Vec<&ZoneData> = if types.contains(&ZONE_TYPE) {
        data.zones.iter().filter(|zone| wanted(zone)).collect()
    } else {
        Vec::new()
    };
    // Without `order`, the data's order: hand-written zones, then generated.
    if let Some(order) = order {
        let key = Field::for_order(order);
        zones.sort_by(|a, b| {
            key.of(data, a)
                .cmp(key.of(data, b))
                .then_with(|| a.name.cmp(&b.name))
        });
    }
    if descending {
        zones.reverse();
    }
    let total_pages = zones.len().div_ceil(paging.per_page);
    let (result, mut info) = paging.page(zones, |z| zone_object(data, z));
    info["total_pages"] = json!(total_pages);
    Ok(success_list(result, info))
}

/// `GET /accounts` with a name filter, direction and paging (no `total_pages`).
pub(crate) async fn list_accounts(
    State(mock): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let grant = authorize(&mock.data, &headers, Permission::AccountSettingsRead)?;
    let query = Query::parse(raw.as_deref())?;
    let name = query.text("name", 100)?.map(Filter::parse);
    let descending = query.descending()?;
    let paging = query.paging()?;
    let mut accounts: Vec<&AccountData> = mock
        .data
        .accounts
        .iter()
        .filter(|a| grant.allows(&a.id) && name.as_ref().is_none_or(|f| f.matches(&a.name)))
        .collect();
    accounts.sort_by(|a, b| {
        let ordering = a.name.cmp(&b.name);
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let (result, info) = paging.page(accounts, account_object);
    Ok(success_list(result, info))
}

/// `GET /zones/{zone_id}`: one zone, as `GET /zones` lists it.
pub(crate) async fn get_zone(
    State(mock): State<Shared>,
    zone_id: IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let zone: &ZoneData =
        lookup::find(&mock, &headers, zone_id, Permission::ZoneRead, "/zones/{}")?;
    Ok(success(zone_object(&mock.data, zone), Vec::new()))
}

/// `GET /accounts/{account_id}`: one account, as `GET /accounts` lists it.
pub(crate) async fn get_account(
    State(mock): State<Shared>,
    account_id: IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let needed = Permission::AccountSettingsRead;
    let account: &AccountData = lookup::find(&mock, &headers, account_id, needed, "/accounts/{}")?;
    Ok(success(account_object(account), Vec::new()))
}

/// `GET /user/tokens/verify`: a known token's status, even if expired.
pub(crate) async fn verify_user_token(
    State(mock): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    verify(&mock.data, &headers)
}

/// `GET /accounts/{account_id}/tokens/verify`: the same, for an existing account.
pub(crate) async fn verify_account_token(
    State(mock): State<Shared>,
    account_id: IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "/accounts/{}/tokens/verify";
    let response = verify(&mock.data, &headers)?;
    let id = ids::account_id(account_id, ROUTE)?;
    match mock.data.account(&id) {
        Some(_) => Ok(response),
        None => Err(ids::account_not_found(ROUTE, &id)),
    }
}

fn verify(data: &DemoData, headers: &HeaderMap) -> Result<Response, ApiError> {
    let token = token_to_verify(data, headers)?;
    let message = match token.status.as_str() {
        "active" => "This API Token is valid and active",
        "expired" => "This API Token has expired",
        _ => "This API Token is disabled",
    };
    let mut result = json!({ "id": token.id, "status": token.status });
    if let Some(at) = &token.expires_on {
        result["expires_on"] = json!(at);
    }
    Ok(success(result, vec![Info::new(TOKEN_STATUS, message)]))
}

/// The `type` filter: a comma list; without it every type but `internal`.
fn zone_types(query: &Query) -> Result<Vec<&'static str>, ApiError> {
    const TYPES: [&str; 4] = ["full", "partial", "secondary", "internal"];
    let Some(list) = query.get("type") else {
        return Ok(TYPES[..3].to_vec());
    };
    list.split(',')
        .map(|t| {
            TYPES.into_iter().find(|known| *known == t).ok_or_else(|| {
                super::query::bad_param("type", "must list full, partial, secondary or internal")
            })
        })
        .collect()
}

/// A zone field that filters and ordering look at.
#[derive(Clone, Copy)]
enum Field {
    Name,
    Status,
    AccountId,
    AccountName,
    Plan,
}

impl Field {
    fn for_order(order: &str) -> Self {
        match order {
            "status" => Self::Status,
            "account.id" => Self::AccountId,
            "account.name" => Self::AccountName,
            "plan.id" => Self::Plan,
            _ => Self::Name,
        }
    }

    fn of<'a>(self, data: &'a DemoData, zone: &'a ZoneData) -> &'a str {
        match self {
            Self::Name => &zone.name,
            Self::Status => zone.status,
            Self::AccountId => data.owner_id(zone),
            Self::AccountName => data.owner(zone).map_or("", |a| a.name.as_str()),
            Self::Plan => plan_id(zone.plan),
        }
    }
}
