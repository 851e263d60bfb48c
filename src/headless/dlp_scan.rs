//! `trustdeck dlp scan [--account A]… [--json | --csv] [--fail-on …]
//! [--cached]`: the accounts scan, run to its end, stored in the scan cache
//! (a scan of every account; one of `--account` only is not cached) and
//! printed what needs attention first (`dlp_scan_output.rs`). Accounts are
//! few, so the rows are held and sorted before anything is printed.
//! Progress goes to stderr, and only when stderr is a terminal.

use std::time::SystemTime;

use crate::cli::DlpScanArgs;
use crate::fleet::{AccountScan, AccountScanOptions, start_account_scan, unix_now};

use super::dlp_scan_output::{self, Scope};
use super::fleet::{Words, run_scan};
use super::fleet_cache;
use super::fleet_output::Format;
use super::output::clean;
use super::resolve;
use super::{Context, Exit, Failure};

/// The accounts scan's words.
const ACCOUNTS: Words = Words {
    one: "account",
    many: "accounts",
};

/// `dlp scan`.
pub async fn scan(ctx: &Context, args: &DlpScanArgs) -> Result<Exit, Failure> {
    let format = Format::of(args.json, args.csv);
    if args.cached {
        let Some(scan) = fleet_cache::load_accounts(ctx) else {
            return Err(Failure::NothingCached(format!(
                "no cached accounts scan of {} for these credentials: run `trustdeck dlp scan` \
                 first; nothing was sent",
                ctx.client.base_url()
            )));
        };
        let scope = cached_scope(&scan, &args.account)?;
        let age = scan.age(SystemTime::now());
        return Ok(dlp_scan_output::print(
            &scan,
            &scope,
            format,
            &args.fail_on,
            Some(age),
        ));
    }
    let mut only = Vec::new();
    for text in &args.account {
        let account = resolve::account(ctx, text).await?;
        if !only.contains(&account.id) {
            only.push(account.id);
        }
    }
    let scope = if only.is_empty() {
        Scope::All
    } else {
        Scope::Only(only.clone())
    };
    let options = AccountScanOptions {
        only: (!only.is_empty()).then_some(only),
        read_partial_listing: false,
        ..AccountScanOptions::default()
    };
    let mut scan = AccountScan::new(unix_now());
    let run = start_account_scan(&ctx.client, options);
    run_scan(ctx, run, ACCOUNTS, |event| scan.apply(event)).await?;
    if scope == Scope::All {
        fleet_cache::store_accounts(ctx, &scan).await?;
    }
    Ok(dlp_scan_output::print(
        &scan,
        &scope,
        format,
        &args.fail_on,
        None,
    ))
}

/// The accounts of `--account` in a cached scan (by id, or by name without
/// regard to case), read from the scan alone: no request is sent.
fn cached_scope(scan: &AccountScan, wanted: &[String]) -> Result<Scope, Failure> {
    if wanted.is_empty() {
        return Ok(Scope::All);
    }
    let mut ids = Vec::new();
    for text in wanted {
        let text = text.trim();
        let by_id = scan.rows().iter().find(|row| row.account_id == text);
        let found: Vec<&str> = match by_id {
            Some(row) => vec![row.account_id.as_str()],
            None => scan
                .rows()
                .iter()
                .filter(|row| row.account_name.eq_ignore_ascii_case(text))
                .map(|row| row.account_id.as_str())
                .collect(),
        };
        match found.as_slice() {
            [] => {
                return Err(Failure::NotFound(format!(
                    "no account {} in the cached accounts scan; nothing was sent",
                    clean(text)
                )));
            }
            [id] => {
                if !ids.iter().any(|known| known == id) {
                    ids.push((*id).to_owned());
                }
            }
            several => {
                return Err(Failure::Ambiguous(format!(
                    "{} accounts of the cached scan are named {}: give the id ({})",
                    several.len(),
                    clean(text),
                    several.join(", ")
                )));
            }
        }
    }
    Ok(Scope::Only(ids))
}
