//! A listed zone as a scan keeps it until its setting is read: only what its
//! row needs (the plan as one word, the owning account shared by its
//! zones), about 250 bytes a zone instead of the listing's 600, so a fleet
//! of 100,000 zones waits to be read in 25 MB.

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::model::{Zone, ZoneAccount, ZonePlan};

/// One listed zone, compact.
#[derive(Debug)]
pub(super) struct Listed {
    /// The zone id.
    id: Box<str>,
    /// The domain name.
    name: Box<str>,
    /// The zone's status, as listed.
    status: Option<Box<str>>,
    /// The owning account, shared.
    account: Option<Arc<ZoneAccount>>,
    /// The plan word a row keeps (`legacy_id`, else the name), if any.
    plan: Option<Box<str>>,
}

/// The accounts of the zones listed so far, each held once.
#[derive(Debug, Default)]
pub(super) struct Accounts(HashMap<(Option<String>, Option<String>), Arc<ZoneAccount>>);

impl Accounts {
    fn shared(&mut self, account: ZoneAccount) -> Arc<ZoneAccount> {
        self.0
            .entry((account.id.clone(), account.name.clone()))
            .or_insert_with(|| Arc::new(account))
            .clone()
    }
}

impl Listed {
    /// `zone` as the scan keeps it.
    pub(super) fn of(zone: Zone, accounts: &mut Accounts) -> Self {
        // The same choice as `FleetRow::new`: an empty word is no plan.
        let plan = zone.plan.and_then(|plan| {
            plan.legacy_id
                .or(plan.name)
                .filter(|p| !p.is_empty())
                .map(String::into_boxed_str)
        });
        Self {
            id: zone.id.into_boxed_str(),
            name: zone.name.into_boxed_str(),
            status: zone.status.map(String::into_boxed_str),
            account: zone.account.map(|account| accounts.shared(account)),
            plan,
        }
    }

    /// The zone again, with what its row reads from it.
    pub(super) fn zone(&self) -> Zone {
        Zone {
            id: self.id.to_string(),
            name: self.name.to_string(),
            status: self.status.as_deref().map(str::to_owned),
            paused: None,
            account: self.account.as_deref().cloned(),
            plan: self.plan.as_deref().map(|word| ZonePlan {
                legacy_id: Some(word.to_owned()),
                ..ZonePlan::default()
            }),
        }
    }
}
