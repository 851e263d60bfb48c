//! The JSON objects of zones and accounts, as `GET /zones`, `GET
//! /zones/{zone_id}`, `GET /accounts` and `GET /accounts/{account_id}` show
//! them: the schema's full `zones_zone` and `iam_account`, made from the
//! compact demo data.
use serde::Serialize;
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

/// Name servers, two of which each account's zones get.
const NAME_SERVERS: [&str; 8] = [
    "ada.ns.cloudflare.com",
    "bob.ns.cloudflare.com",
    "cruz.ns.cloudflare.com",
    "dana.ns.cloudflare.com",
    "elle.ns.cloudflare.com",
    "fred.ns.cloudflare.com",
    "gina.ns.cloudflare.com",
    "hank.ns.cloudflare.com",
];

/// The schema's `zones_zone`, written straight out with no JSON tree per
/// zone (a page of 50 was a few hundred kilobytes of short-lived nodes).
/// Fields are in name order at every level: the order the JSON maps this
/// replaced wrote them in.
#[derive(Serialize)]
pub(crate) struct ZoneObject<'a> {
    /// The owning account, short.
    account: AccountRef<'a>,
    /// When it became active; null while pending.
    activated_on: Option<&'a str>,
    /// When it was added.
    created_on: &'a str,
    /// Always 0 (off).
    development_mode: u8,
    /// The zone id.
    id: &'a str,
    /// Quotas of the plan.
    meta: Meta,
    /// Never modified since creation.
    modified_on: &'a str,
    /// The domain.
    name: &'a str,
    /// The two assigned name servers.
    name_servers: [&'static str; 2],
    /// Always null.
    original_dnshost: Option<()>,
    /// Always null.
    original_name_servers: Option<()>,
    /// Always null.
    original_registrar: Option<()>,
    /// The owning organization.
    owner: Owner<'a>,
    /// Always false.
    paused: bool,
    /// What the caller may do on the zone.
    permissions: [&'static str; 3],
    /// The plan and its billing.
    plan: Plan,
    /// initializing, pending, active or moved.
    status: &'a str,
    /// Always [`ZONE_TYPE`].
    #[serde(rename = "type")]
    kind: &'static str,
    /// Always empty.
    vanity_name_servers: [(); 0],
}

/// `account` of a zone object.
#[derive(Serialize)]
struct AccountRef<'a> {
    /// The account id.
    id: &'a str,
    /// The account's name.
    name: &'a str,
}

/// `meta` of a zone object.
#[derive(Serialize)]
struct Meta {
    /// Custom certificates the plan allows.
    custom_certificate_quota: u32,
    /// Page rules the plan allows.
    page_rule_quota: u32,
    /// Always false.
    phishing_detected: bool,
    /// Always 2.
    step: u8,
}

/// `owner` of a zone object.
#[derive(Serialize)]
struct Owner<'a> {
    /// The owning account's id.
    id: &'a str,
    /// Its name.
    name: &'a str,
    /// Always `organization`.
    #[serde(rename = "type")]
    kind: &'static str,
}

/// `plan` of a zone object.
#[derive(Serialize)]
struct Plan {
    /// Whether it can be subscribed to (not enterprise).
    can_subscribe: bool,
    /// Always USD.
    currency: &'static str,
    /// Enterprise plans are billed outside.
    externally_managed: bool,
    /// `monthly`, or empty for free and enterprise.
    frequency: &'static str,
    /// [`plan_id`].
    id: &'static str,
    /// Whether it is a paid plan.
    is_subscribed: bool,
    /// Always false.
    legacy_discount: bool,
    /// The plan level.
    legacy_id: &'static str,
    /// [`plan_name`].
    name: &'static str,
    /// Dollars a month.
    price: u32,
}

/// The full `zones_zone` object for a demo zone.
pub(crate) fn zone_object<'a>(data: &'a DemoData, zone: &'a ZoneData) -> ZoneObject<'a> {
    let owner = data.owner(zone);
    let account_id = owner.map_or("", |a| a.id.as_str());
    let account_name = owner.map_or("", |a| a.name.as_str());
    let (price, rules, certs) = match zone.plan {
        "free" => (0, 3, 0),
        "pro" => (20, 20, 0),
        "business" => (200, 50, 1),
        _ => (0, 125, 10),
    };
    let seed = account_id.bytes().map(usize::from).sum::<usize>();
    let plan = zone.plan;
    ZoneObject {
        account: AccountRef {
            id: account_id,
            name: account_name,
        },
        activated_on: (zone.status == "active").then_some(&*zone.created_on),
        created_on: &zone.created_on,
        development_mode: 0,
        id: &zone.id,
        meta: Meta {
            custom_certificate_quota: certs,
            page_rule_quota: rules,
            phishing_detected: false,
            step: 2,
        },
        modified_on: &zone.created_on,
        name: &zone.name,
        name_servers: [NAME_SERVERS[seed % 8], NAME_SERVERS[(seed + 3) % 8]],
        original_dnshost: None,
        original_name_servers: None,
        original_registrar: None,
        owner: Owner {
            id: account_id,
            name: account_name,
            kind: "organization",
        },
        paused: false,
        permissions: ["#zone:read", "#zone_settings:read", "#zone_settings:edit"],
        plan: Plan {
            can_subscribe: plan != "ent",
            currency: "USD",
            externally_managed: plan == "ent",
            frequency: if plan == "free" || plan == "ent" {
                ""
            } else {
                "monthly"
            },
            id: plan_id(plan),
            is_subscribed: plan != "free",
            legacy_discount: false,
            legacy_id: plan,
            name: plan_name(plan).unwrap_or("Free Website"),
            price,
        },
        status: zone.status,
        kind: ZONE_TYPE,
        vanity_name_servers: [],
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::data::SHIPPED;

    /// The zone object as the JSON map it replaced built it.
    fn as_before(data: &DemoData, zone: &ZoneData) -> Value {
        let account_id = &data.owner(zone).unwrap().id;
        let account_name = data.account(account_id).map_or("", |a| a.name.as_str());
        let (price, rules, certs) = match zone.plan {
            "free" => (0, 3, 0),
            "pro" => (20, 20, 0),
            "business" => (200, 50, 1),
            _ => (0, 125, 10),
        };
        let seed = account_id.bytes().map(usize::from).sum::<usize>();
        json!({
            "id": zone.id, "name": zone.name, "status": zone.status, "paused": false,
            "type": ZONE_TYPE, "development_mode": 0,
            "name_servers": [NAME_SERVERS[seed % 8], NAME_SERVERS[(seed + 3) % 8]],
            "original_name_servers": null, "original_registrar": null,
            "original_dnshost": null, "vanity_name_servers": [],
            "created_on": zone.created_on, "modified_on": zone.created_on,
            "activated_on": if zone.status == "active" { json!(zone.created_on) } else { Value::Null },
            "meta": { "step": 2, "custom_certificate_quota": certs, "page_rule_quota": rules,
                "phishing_detected": false },
            "owner": { "id": account_id, "type": "organization", "name": account_name },
            "account": { "id": account_id, "name": account_name },
            "permissions": ["#zone:read", "#zone_settings:read", "#zone_settings:edit"],
            "plan": { "id": plan_id(zone.plan), "name": plan_name(zone.plan).unwrap_or("Free Website"),
                "price": price, "currency": "USD",
                "frequency": if zone.plan == "free" || zone.plan == "ent" { "" } else { "monthly" },
                "is_subscribed": zone.plan != "free", "can_subscribe": zone.plan != "ent",
                "legacy_id": zone.plan, "legacy_discount": false,
                "externally_managed": zone.plan == "ent" },
        })
    }

    #[test]
    fn every_zone_object_is_written_byte_for_byte_as_the_json_map_wrote_it() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let mut plans = std::collections::HashSet::new();
        for zone in &data.zones {
            plans.insert((zone.plan, zone.status));
            let written = serde_json::to_string(&zone_object(&data, zone)).unwrap();
            // A `Value` writes its keys sorted: equal text means the same
            // keys, values and order.
            assert_eq!(written, as_before(&data, zone).to_string(), "{}", zone.name);
        }
        assert_eq!(plans.len(), 8, "every plan, active and pending");
    }
}
