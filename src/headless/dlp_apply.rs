//! `trustdeck dlp apply CHANGE… [--account A]… [--accounts FILE] [--only …]
//! [--dry-run] [--yes] [--json]`: one DLP change across accounts, as `fleet
//! apply` makes one across zones: the change checked (a public key before
//! any request), the accounts selected, each one's settings read (the
//! accounts scan, paced as bulk work), the plan printed, a confirmation,
//! then the engine's paced run, journaled and audited.
//!
//! Selection: `--account` (repeatable) and `--accounts FILE` (ids or names,
//! one a line, `#` comments) together name the accounts, resolved against
//! one listing; one that names no account stops the command (exit 4) before
//! anything is sent. Neither: every account. `--only` keeps those meeting
//! any of its conditions. `--dry-run` prints the plan (exit 0);
//! `--read-only` prints it on stderr and exits 3.

use std::io::Read;
use std::path::Path;

use crate::api::model::Account;
use crate::cli::{DlpApplyArgs, DlpChangeArgs, Masking as MaskingArg};
use crate::doc::{Doc, Kind, to_pretty};
use crate::files::read_regular_file;
use crate::fleet::{
    AccountPlan, AccountQuick, AccountRow, AccountScan, AccountScanOptions, DlpChange, MAX_ROW_AGE,
    Masking, parse_only, select_only, start_account_scan, unix_now,
};

use super::dlp_apply_doc::plan_document;
use super::dlp_apply_output as out;
use super::fleet::{Words, run_scan};
use super::fleet_cache;
use super::fleet_confirm::{Answer, confirm};
use super::output::{clean, note, print};
use super::resolve;
use super::{Context, Exit, Failure};

/// The largest `--accounts FILE` read.
const ACCOUNT_LIST_MAX: u64 = 16 * 1024 * 1024;
/// The largest `--public-key-file` read.
const KEY_FILE_MAX: u64 = 16 * 1024;
/// The most unknown names an error lists.
const LISTED: usize = 10;

/// The accounts scan's words.
const ACCOUNTS: Words = Words {
    one: "account",
    many: "accounts",
};

/// `dlp apply`.
pub async fn apply(ctx: &Context, args: &DlpApplyArgs) -> Result<Exit, Failure> {
    let change = change_of(&args.change)?;
    let only: Vec<AccountQuick> = match &args.only {
        Some(text) => parse_only(text).map_err(Failure::Usage)?,
        None => Vec::new(),
    };
    let mut wanted = args.account.clone();
    if let Some(path) = &args.accounts {
        wanted.extend(read_account_list(path)?);
    }
    let ids = if wanted.is_empty() && args.accounts.is_none() {
        None
    } else {
        Some(resolve_all(ctx, &wanted).await?)
    };
    let scan = read_accounts(ctx, ids.clone()).await?;
    let rows: Vec<&AccountRow> = match &ids {
        Some(ids) => ids.iter().filter_map(|id| scan.row(id)).collect(),
        None => scan.rows().iter().collect(),
    };
    let plan = AccountPlan::new(change, select_only(rows, &only));
    let cost = plan.cost(
        unix_now(),
        MAX_ROW_AGE,
        &ctx.client.budget(),
        &ctx.client.pacer_config(),
    );
    let plan_text = out::plan_text(&plan, &cost);
    // Exit 2 and up prints nothing on stdout: a plan that may be refused
    // (read-only, not confirmed) goes to stderr.
    let show_plan = |refusable: bool| match (args.json, refusable) {
        (true, _) => {}
        (false, true) => note(plan_text.trim_end()),
        (false, false) => print(&plan_text),
    };
    let print_plan_only = |blocked: Option<&'static str>| {
        if args.json {
            let document = Doc::new(Kind::DlpPlan, plan_document(&plan, &cost, blocked));
            if blocked.is_some() {
                note(&to_pretty(&document));
            } else {
                print(&format!("{}\n", to_pretty(&document)));
            }
        }
    };
    let to_send = plan.to_send();
    let what = format!(
        "apply \"{}\" to {to_send} account{}",
        clean(&plan.change.words()),
        if to_send == 1 { "" } else { "s" }
    );
    if args.dry_run {
        show_plan(false);
        print_plan_only(None);
        if !args.json {
            note("Dry run: nothing was sent.");
        }
        return Ok(Exit::Done);
    }
    if let Err(refused) = ctx.refuse_if_read_only(|| format!("it would {what}")) {
        show_plan(true);
        print_plan_only(Some("read_only"));
        return Err(refused);
    }
    if to_send == 0 {
        show_plan(false);
        print_plan_only(None);
        if !args.json {
            note("Nothing to send.");
        }
        return Ok(exit_of_plan(&plan));
    }
    show_plan(!args.yes);
    if !args.yes {
        let (question, answer) = question(&plan);
        let preview = args.json.then(|| out::summary_only(&plan_text));
        if let Err(refused) = confirm(ctx, &question, answer, preview.as_deref(), &what).await {
            print_plan_only(Some("not_confirmed"));
            return Err(refused);
        }
    }
    super::dlp_apply_run::run(ctx, plan, args.json).await
}

/// The change the flags ask for; a public key is checked here, before any
/// request.
fn change_of(args: &DlpChangeArgs) -> Result<DlpChange, Failure> {
    let mut builder = DlpChange::builder();
    if let Some(on) = args.ocr {
        builder = builder.ocr(on.is_on());
    }
    if let Some(on) = args.ai_context {
        builder = builder.ai_context_analysis(on.is_on());
    }
    if let Some(level) = args.masking {
        builder = builder.masking(masking_of(level));
    }
    let key = match (&args.public_key, &args.public_key_file) {
        (Some(key), _) => Some(key.trim().to_owned()),
        (None, Some(path)) => Some(read_key(path)?),
        (None, None) => None,
    };
    if let Some(key) = &key {
        builder = builder.public_key(key);
    }
    if args.clear_public_key {
        builder = builder.clear_public_key();
    }
    if args.reset {
        builder = builder.reset();
    }
    builder
        .build()
        .map_err(|error| Failure::Usage(format!("{error}; nothing was sent")))
}

fn masking_of(level: MaskingArg) -> Masking {
    match level {
        MaskingArg::Full => Masking::Full,
        MaskingArg::Partial => Masking::Partial,
        MaskingArg::Clear => Masking::Clear,
        MaskingArg::Default => Masking::Default,
    }
}

/// The key of `--public-key-file FILE` (`-`: standard input), trimmed.
fn read_key(path: &Path) -> Result<String, Failure> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(KEY_FILE_MAX)
            .read_to_end(&mut bytes)
            .map_err(|error| {
                Failure::Usage(format!("--public-key-file -: cannot read stdin: {error}"))
            })?;
        bytes
    } else {
        read_regular_file(path, KEY_FILE_MAX)
            .map_err(|error| {
                Failure::Usage(format!(
                    "--public-key-file {}: cannot read it: {error}",
                    clean(&path.display().to_string())
                ))
            })?
            .bytes
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::Usage("--public-key-file: the file is not text".to_owned()))?;
    Ok(text.trim().to_owned())
}

fn read_account_list(path: &Path) -> Result<Vec<String>, Failure> {
    let shown = clean(&path.display().to_string());
    let file = read_regular_file(path, ACCOUNT_LIST_MAX)
        .map_err(|error| Failure::Usage(format!("--accounts {shown}: cannot read it: {error}")))?;
    let text = String::from_utf8(file.bytes)
        .map_err(|_| Failure::Usage(format!("--accounts {shown}: it is not UTF-8 text")))?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect())
}

/// The ids of the accounts `wanted` names (by id, or by name without regard
/// to case), each once, in order, from one listing.
async fn resolve_all(ctx: &Context, wanted: &[String]) -> Result<Vec<String>, Failure> {
    let accounts = resolve::all_accounts(ctx).await?;
    let mut ids: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for text in wanted {
        let text = text.trim();
        let by_id = accounts.iter().find(|a| a.id == text);
        let found: Vec<&Account> = match by_id {
            Some(account) => vec![account],
            None => accounts
                .iter()
                .filter(|a| a.name.trim().eq_ignore_ascii_case(text))
                .collect(),
        };
        match found.as_slice() {
            [] => unknown.push(clean(text)),
            [account] => {
                if !ids.contains(&account.id) {
                    ids.push(account.id.clone());
                }
            }
            several => {
                let named: Vec<&str> = several.iter().map(|a| a.id.as_str()).collect();
                return Err(Failure::Ambiguous(format!(
                    "{} accounts are named {}: give the id ({}). Nothing was sent",
                    several.len(),
                    clean(text),
                    named.join(", ")
                )));
            }
        }
    }
    if !unknown.is_empty() {
        let shown: Vec<&str> = unknown.iter().take(LISTED).map(String::as_str).collect();
        let more = unknown.len().saturating_sub(LISTED);
        return Err(Failure::NotFound(format!(
            "{} account{} named by --account or --accounts {} not visible to these \
             credentials: {}{}. Nothing was sent",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            if unknown.len() == 1 { "is" } else { "are" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )));
    }
    if ids.is_empty() {
        return Err(Failure::Usage(
            "--accounts names no account (every line is empty or a comment); nothing was sent"
                .to_owned(),
        ));
    }
    Ok(ids)
}

/// Every selected account's settings, read now (a scan of every account is
/// cached, as `dlp scan` caches it).
async fn read_accounts(ctx: &Context, ids: Option<Vec<String>>) -> Result<AccountScan, Failure> {
    let every = ids.is_none();
    let options = AccountScanOptions {
        only: ids,
        read_partial_listing: false,
        ..AccountScanOptions::default()
    };
    let mut scan = AccountScan::new(unix_now());
    let run = start_account_scan(&ctx.client, options);
    run_scan(ctx, run, ACCOUNTS, |event| scan.apply(event)).await?;
    if every {
        fleet_cache::store_accounts(ctx, &scan).await?;
    }
    Ok(scan)
}

/// The question, and the answer that confirms: the number of accounts when
/// the change asks for it (clearing the key, masking clear, a reset of more
/// than one).
fn question(plan: &AccountPlan) -> (String, Answer) {
    let accounts = plan.to_send();
    let plural = if accounts == 1 { "" } else { "s" };
    if plan.needs_typed_count() {
        let what = match &plan.change {
            DlpChange::Reset => "resets every DLP setting to its default".to_owned(),
            DlpChange::Edit(_) | DlpChange::Restore => {
                format!("applies \"{}\"", clean(&plan.change.words()))
            }
        };
        return (
            format!("This {what} on {accounts} account{plural}."),
            Answer::Count(accounts),
        );
    }
    (
        format!(
            "Apply \"{}\" to {accounts} account{plural}?",
            clean(&plan.change.words())
        ),
        Answer::Yes,
    )
}

/// The status of a plan with nothing to send: 1 when an account is skipped
/// for anything but being already so.
fn exit_of_plan(plan: &AccountPlan) -> Exit {
    let short = plan
        .summary()
        .skipped
        .iter()
        .any(|(kind, count)| !kind.is_goal_met() && *count > 0);
    if short { Exit::Unmet } else { Exit::Done }
}
