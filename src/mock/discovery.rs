//! Finding things: `GET /zones`, `GET /accounts` and the two token verify
//! endpoints. Zone objects are generated from the compact demo data.
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{Permission, authorize, token_to_verify};
use super::data::{AccountData, DemoData, ZoneData, plan_name};
use super::envelope::{ApiError, Info, success, success_list};
use super::query::{Filter, Query, page_of};
use super::routes::Shared;

/// Every demo zone is a full setup (DNS hosted by Cloudflare).
const ZONE_TYPE: &str = "full";

/// Message code of a successful verify.
pub(crate) const TOKEN_STATUS: u32 = 1100;

/// `GET /zones` with Cloudflare's filters, ordering and paging.
pub(crate) async fn list_zones(
    State(mock): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&mock.data, &headers, Permission::ZoneRead)?;
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
    let descending = query.one_of("direction", &["asc", "desc"])? == Some("desc");
    let page = query.number("page", 1.0, f64::from(u32::MAX), 1)?;
    let per_page = query.number("per_page", 5.0, 50.0, 20)?;

    let data = &mock.data;
    let wanted = |zone: &ZoneData| {
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
    let total = zones.len();
    let result: Vec<Value> = page_of(zones, page, per_page)
        .into_iter()
        .map(|z| zone_object(data, z))
        .collect();
    let info = json!({
        "page": page,
        "per_page": per_page,
        "count": result.len(),
        "total_count": total,
        "total_pages": total.div_ceil(per_page),
    });
    Ok(success_list(result, info))
}

/// `GET /accounts` with a name filter, direction and paging (no `total_pages`).
pub(crate) async fn list_accounts(
    State(mock): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&mock.data, &headers, Permission::AccountSettingsRead)?;
    let query = Query::parse(raw.as_deref())?;
    let name = query.text("name", 100)?.map(Filter::parse);
    let descending = query.one_of("direction", &["asc", "desc"])? == Some("desc");
    let page = query.number("page", 1.0, f64::from(u32::MAX), 1)?;
    let per_page = query.number("per_page", 5.0, 50.0, 20)?;
    let mut accounts: Vec<&AccountData> = mock
        .data
        .accounts
        .iter()
        .filter(|a| name.as_ref().is_none_or(|f| f.matches(&a.name)))
        .collect();
    accounts.sort_by(|a, b| {
        let ordering = a.name.cmp(&b.name);
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let total = accounts.len();
    let result: Vec<Value> = page_of(accounts, page, per_page)
        .into_iter()
        .map(account_object)
        .collect();
    let info =
        json!({ "page": page, "per_page": per_page, "count": result.len(), "total_count": total });
    Ok(success_list(result, info))
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
    account_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let response = verify(&mock.data, &headers)?;
    match account_id {
        Ok(Path(id)) if mock.data.account(&id).is_some() => Ok(response),
        Ok(Path(id)) => Err(ApiError::no_route(&format!("/accounts/{id}/tokens/verify"))),
        Err(_) => Err(ApiError::no_route("/accounts/(invalid)/tokens/verify")),
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
            Self::Status => &zone.status,
            Self::AccountId => &zone.account_id,
            Self::AccountName => data
                .account(&zone.account_id)
                .map_or("", |a| a.name.as_str()),
            Self::Plan => plan_id(&zone.plan),
        }
    }
}

/// A stable made-up 32-hex plan id per plan level.
fn plan_id(level: &str) -> &'static str {
    match level {
        "free" => "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        "pro" => "94f3b7b768b0458b56d2cac4fe5ec0f9",
        "business" => "6f2b0c4a8e1d4b3f9a7c5e2d1b0a9c8d",
        _ => "e9f1c4d2b7a8463e8f0d1c2b3a4e5f60",
    }
}

/// Name server hosts, two of which each account's zones get.
const SERVERS: [&str; 8] = ["ada", "bob", "cruz", "dana", "elle", "fred", "gina", "hank"];

/// The full `zones_zone` object for a demo zone.
fn zone_object(data: &DemoData, zone: &ZoneData) -> Value {
    let account_name = data
        .account(&zone.account_id)
        .map_or("", |a| a.name.as_str());
    let (price, rules, certs) = match zone.plan.as_str() {
        "free" => (0, 3, 0),
        "pro" => (20, 20, 0),
        "business" => (200, 50, 1),
        _ => (0, 125, 10),
    };
    let seed = zone.account_id.bytes().map(usize::from).sum::<usize>();
    let servers = [seed % 8, (seed + 3) % 8].map(|i| format!("{}.ns.cloudflare.com", SERVERS[i]));
    json!({
        "id": zone.id,
        "name": zone.name,
        "status": zone.status,
        "paused": false,
        "type": ZONE_TYPE,
        "development_mode": 0,
        "name_servers": servers,
        "original_name_servers": null,
        "original_registrar": null,
        "original_dnshost": null,
        "vanity_name_servers": [],
        "created_on": zone.created_on,
        "modified_on": zone.created_on,
        "activated_on": if zone.status == "active" { json!(zone.created_on) } else { Value::Null },
        "meta": {
            "step": 2,
            "custom_certificate_quota": certs,
            "page_rule_quota": rules,
            "phishing_detected": false,
        },
        "owner": { "id": zone.account_id, "type": "organization", "name": account_name },
        "account": { "id": zone.account_id, "name": account_name },
        "permissions": ["#zone:read", "#zone_settings:read", "#zone_settings:edit"],
        "plan": {
            "id": plan_id(&zone.plan),
            "name": plan_name(&zone.plan).unwrap_or("Free Website"),
            "price": price,
            "currency": "USD",
            "frequency": if zone.plan == "free" || zone.plan == "ent" { "" } else { "monthly" },
            "is_subscribed": zone.plan != "free",
            "can_subscribe": zone.plan != "ent",
            "legacy_id": zone.plan,
            "legacy_discount": false,
            "externally_managed": zone.plan == "ent",
        },
    })
}

/// The `iam_account` object for a demo account.
fn account_object(account: &AccountData) -> Value {
    json!({
        "id": account.id,
        "name": account.name,
        "type": account.kind,
        "created_on": account.created_on,
        "settings": { "enforce_twofactor": false },
    })
}
