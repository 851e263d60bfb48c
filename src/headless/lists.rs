//! `trustdeck zones [--account A] [--name FILTER]` and `trustdeck accounts`:
//! every page, as a table, one JSON document or CSV.

use crate::api::ZoneQuery;
use crate::api::listing::SeenIds;
use crate::api::model::Zone;
use crate::cli::{AccountsArgs, ZonesArgs};
use crate::doc::{self, AccountsBody, Kind, ListedZone, ZonesBody};

use super::output::{Csv, Table, print, print_doc};
use super::resolve;
use super::{Context, Exit, Failure};

/// Zones a page holds (the API's most).
const PER_PAGE: u32 = 50;
/// The most pages read: 100,000 zones (a server claiming more is not believed).
const MAX_PAGES: u32 = 2_000;

/// `zones`.
pub async fn zones(ctx: &Context, args: &ZonesArgs) -> Result<Exit, Failure> {
    let account_id = match &args.account {
        Some(text) => Some(resolve::account(ctx, text).await?.id),
        None => None,
    };
    let mut zones: Vec<Zone> = Vec::new();
    let mut seen = SeenIds::default();
    let mut page = 1;
    loop {
        let query = ZoneQuery {
            account_id: account_id.clone(),
            name: args.name.clone(),
            page,
            per_page: PER_PAGE,
        };
        let reply = ctx
            .call(
                || format!("listing zones (page {page})"),
                ctx.client.list_zones(&query),
            )
            .await?;
        let count = reply.result.len();
        let Some(fresh) = seen.fresh(reply.result, |zone| zone.id.as_str()) else {
            // A server that answers every page alike (an OpenAPI mock does).
            super::output::warn(&format!(
                "page {page} of the zone listing repeats zones already listed; the listing \
                 stops there"
            ));
            break;
        };
        zones.extend(fresh);
        let pages = reply.result_info.and_then(|info| info.total_pages);
        if pages.is_some_and(|pages| pages > u64::from(MAX_PAGES)) {
            return Err(Failure::Usage(format!(
                "the server claims {} pages of zones, more than the {} zones trustdeck lists; \
                 narrow it with --account or --name, or check the base URL",
                pages.unwrap_or_default(),
                MAX_PAGES * PER_PAGE
            )));
        }
        let last = match pages {
            Some(pages) => u64::from(page) >= pages,
            None => count < PER_PAGE as usize,
        };
        if last || count == 0 {
            break;
        }
        if page == MAX_PAGES {
            return Err(Failure::Usage(format!(
                "the listing has more than {} zones; narrow it with --account or --name",
                MAX_PAGES * PER_PAGE
            )));
        }
        page += 1;
    }
    if args.json {
        let zones = zones.iter().map(ListedZone::from_api).collect();
        print_doc(Kind::Zones, ZonesBody { zones });
    } else if args.csv {
        print(&zones_csv(&zones));
    } else {
        let mut table = Table::new(&["ID", "NAME", "STATUS", "PLAN", "ACCOUNT"]);
        for zone in &zones {
            table.row(vec![
                zone.id.clone(),
                zone.name.clone(),
                zone.status.clone().unwrap_or_default(),
                plan(zone),
                zone.account
                    .as_ref()
                    .and_then(|a| a.name.clone().or_else(|| a.id.clone()))
                    .unwrap_or_default(),
            ]);
        }
        print(&table.render());
    }
    Ok(Exit::Done)
}

/// The zones as CSV, the columns named by the paths of the JSON keys.
fn zones_csv(zones: &[Zone]) -> String {
    let mut csv = Csv::new(&[
        "id",
        "name",
        "account_id",
        "account_name",
        "status",
        "paused",
        "plan_id",
        "plan_name",
        "plan_legacy_id",
    ]);
    for zone in zones.iter().map(ListedZone::from_api) {
        let account = zone.account.as_ref();
        let plan = zone.plan.as_ref();
        csv.row([
            zone.id.clone(),
            zone.name.clone().unwrap_or_default(),
            account.map(|a| a.id.clone()).unwrap_or_default(),
            account.and_then(|a| a.name.clone()).unwrap_or_default(),
            zone.status.clone().unwrap_or_default(),
            zone.paused.map(|p| p.to_string()).unwrap_or_default(),
            plan.and_then(|p| p.id.clone()).unwrap_or_default(),
            plan.and_then(|p| p.name.clone()).unwrap_or_default(),
            plan.and_then(|p| p.legacy_id.clone()).unwrap_or_default(),
        ]);
    }
    csv.render().to_owned()
}

fn plan(zone: &Zone) -> String {
    zone.plan
        .as_ref()
        .and_then(|p| p.legacy_id.clone().or_else(|| p.name.clone()))
        .unwrap_or_default()
}

/// `accounts`.
pub async fn accounts(ctx: &Context, args: &AccountsArgs) -> Result<Exit, Failure> {
    let accounts = resolve::all_accounts(ctx).await?;
    if args.json {
        let accounts = accounts.iter().map(doc::Account::from_api).collect();
        print_doc(Kind::Accounts, AccountsBody { accounts });
    } else if args.csv {
        let mut csv = Csv::new(&["id", "name", "type"]);
        for account in accounts.iter().map(doc::Account::from_api) {
            csv.row([
                account.id,
                account.name.unwrap_or_default(),
                account.kind.unwrap_or_default(),
            ]);
        }
        print(csv.render());
    } else {
        let mut table = Table::new(&["ID", "NAME", "TYPE"]);
        for account in &accounts {
            table.row(vec![
                account.id.clone(),
                account.name.clone(),
                account.kind.clone().unwrap_or_default(),
            ]);
        }
        print(&table.render());
    }
    Ok(Exit::Done)
}
