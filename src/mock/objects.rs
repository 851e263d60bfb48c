//! The JSON objects of zones and accounts, as `GET /zones`, `GET
//! /zones/{zone_id}`, `GET /accounts` and `GET /accounts/{account_id}` show
//! them: the schema's full `zones_zone` and `iam_account`, made from the
//! compact demo data.
use serde_json::{Value, json};

use super::data::{AccountData, DemoData, ZoneData, plan_name};

/// Every demo zone is a full setup (DNS hosted by Cloudflare).
pub(crate) const ZONE_TYPE: &str = "full";

/// A stable made-up 32-hex plan id per plan level.
pub(crate) fn plan_id(level: &str) -> &'static str {
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
pub(crate) fn zone_object(data: &DemoData, zone: &ZoneData) -> Value {
    let account_name = data
        .account(&zone.account_id)
        .map_or("", |a| a.name.as_str());
    let (price, rules, certs) = match zone.plan {
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
            "id": plan_id(zone.plan),
            "name": plan_name(zone.plan).unwrap_or("Free Website"),
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
pub(crate) fn account_object(account: &AccountData) -> Value {
    json!({
        "id": account.id,
        "name": account.name,
        "type": account.kind,
        "created_on": account.created_on,
        "settings": { "enforce_twofactor": false },
    })
}
