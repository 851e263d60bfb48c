//! The documents of `zones --json` and `accounts --json`.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Account, AccountRef};
use crate::api::model;

/// `zones --json`: `{zones: [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ZonesBody {
    /// Every zone listed, in the server's order.
    pub zones: Vec<ListedZone>,
}

/// A zone as the listing shows it: the zone object and the listing's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ListedZone {
    /// The zone id.
    pub id: String,
    /// The domain name.
    pub name: Option<String>,
    /// The account that owns it.
    pub account: Option<AccountRef>,
    /// `active`, `pending`, `initializing` or `moved`.
    pub status: Option<String>,
    /// Whether Cloudflare is paused for the zone.
    pub paused: Option<bool>,
    /// The zone's plan.
    pub plan: Option<Plan>,
}

/// A zone's plan: `{id, name, legacy_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Plan {
    /// The plan id.
    pub id: Option<String>,
    /// Its name, e.g. `Enterprise Website`.
    pub name: Option<String>,
    /// Its short name, e.g. `enterprise`.
    pub legacy_id: Option<String>,
}

impl ListedZone {
    /// A zone from the API's listing.
    pub fn from_api(zone: &model::Zone) -> Self {
        let base = super::Zone::from_api(zone);
        Self {
            id: base.id,
            name: base.name,
            account: base.account,
            status: zone.status.clone(),
            paused: zone.paused,
            plan: zone.plan.as_ref().map(|p| Plan {
                id: p.id.clone(),
                name: p.name.clone(),
                legacy_id: p.legacy_id.clone(),
            }),
        }
    }
}

/// `accounts --json`: `{accounts: [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AccountsBody {
    /// Every account listed.
    pub accounts: Vec<Account>,
}
