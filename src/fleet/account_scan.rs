//! The accounts scan: every account the credentials see, each one's DLP
//! settings read as bulk work through the client's pacer, streaming an
//! [`AccountRow`] per account in the same [`super::ScanEvent`]s as the zone
//! scan (the engine is [`super::scanner`]; this is what is particular to
//! accounts).

use std::collections::HashSet;

use super::account_row::AccountRow;
use super::scanner::{self, Common, PER_PAGE, ScanRun, Target};
use crate::api::model::{Account, DlpSettings};
use crate::api::{ApiError, Client, Reply};

/// The most accounts a scan reads unless told otherwise.
pub const MAX_ACCOUNTS: usize = 100_000;

/// A running accounts scan: `next()` yields its events, `cancel()` stops it.
pub type AccountScanRun = ScanRun<AccountRow>;

/// What accounts to scan, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountScanOptions {
    /// Only the accounts of these ids (the rest of the listing is not
    /// read); `None`: every account the credentials see.
    pub only: Option<Vec<String>>,
    /// How many more times a read still rate limited after the client's own
    /// retries is queued again, before its account becomes an error row.
    pub rate_limited_retries: u32,
    /// Reads queued at once; the pacer bounds how many are in flight.
    pub queued: usize,
    /// The most accounts a scan reads ([`MAX_ACCOUNTS`] by default); a
    /// larger listing ends the scan before any settings are read.
    pub max_accounts: usize,
    /// Whether the settings of the accounts listed are read when a listing
    /// page failed (the scan still ends `ListingFailed`).
    pub read_partial_listing: bool,
}

impl Default for AccountScanOptions {
    fn default() -> Self {
        Self {
            only: None,
            rate_limited_retries: 3,
            queued: 64,
            max_accounts: MAX_ACCOUNTS,
            read_partial_listing: true,
        }
    }
}

/// Starts an accounts scan on the current tokio runtime with a bulk clone
/// of `client` (sharing its pacer, so the person at the keyboard keeps the
/// reserve). The accounts are always listed, `only` or not: the listing
/// names them, and its ids end the scan (`ScanEnd::listed`).
pub fn start_account_scan(client: &Client, options: AccountScanOptions) -> AccountScanRun {
    let accounts = Accounts {
        only: options.only.map(|ids| ids.into_iter().collect()),
    };
    let common = Common {
        rate_limited_retries: options.rate_limited_retries,
        queued: options.queued,
        max_targets: options.max_accounts,
        read_partial_listing: options.read_partial_listing,
        only: None,
    };
    scanner::start(client, accounts, common)
}

/// Accounts as scan targets.
struct Accounts {
    /// Only these ids are read.
    only: Option<HashSet<String>>,
}

impl Target for Accounts {
    type Entry = Account;
    type Kept = Account;
    type Setting = DlpSettings;
    type Row = AccountRow;
    type Query = ();

    const PLURAL: &'static str = "accounts";
    const SETTING: &'static str = "account's DLP settings";
    const FURTHER: &'static str = "check the base URL, or scan only some accounts with --account";

    fn query(&self) {}

    fn list_page(
        client: &Client,
        (): &(),
        page: u32,
    ) -> impl Future<Output = Result<Reply<Vec<Account>>, ApiError>> + Send {
        client.list_accounts(page, PER_PAGE)
    }

    fn id(account: &Account) -> &str {
        &account.id
    }

    fn keep(&mut self, account: Account) -> Option<Account> {
        self.only
            .as_ref()
            .is_none_or(|only| only.contains(&account.id))
            .then_some(account)
    }

    fn entry(account: Account) -> Account {
        account
    }

    fn read(
        client: &Client,
        account: &Account,
    ) -> impl Future<Output = Result<Reply<DlpSettings>, ApiError>> + Send {
        client.get_dlp(&account.id)
    }

    fn row(
        account: &Account,
        outcome: &Result<Reply<DlpSettings>, ApiError>,
        read_at: u64,
    ) -> AccountRow {
        AccountRow::new(account, outcome, read_at)
    }

    fn failed(row: &AccountRow) -> bool {
        row.error().is_some()
    }
}
