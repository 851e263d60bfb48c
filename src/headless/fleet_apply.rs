//! `trustdeck fleet apply (--enable | --disable | --email ADDR | --resend |
//! --source NAME=on|off) [--account A] [--only …] [--zones FILE]
//! [--dry-run] [--yes] [--json]`: the rows of a fresh scan (the cached one
//! when it is at most 5 minutes old), the selection, the plan printed, a
//! confirmation, then the engine's paced run, journaled and audited.
//!
//! Selection: `--account`, `--only` (a zone meeting any of the conditions)
//! and `--zones FILE` (ids or names, one a line, `#` comments) all apply;
//! a line of FILE that names no zone of the scan stops the command (exit 4)
//! before anything is sent. `--dry-run` prints the plan (exit 0);
//! `--read-only` prints it on stderr and exits 3. Ctrl-C (or SIGTERM,
//! SIGHUP) stops the run resumable: no new request, those in flight finish
//! and are journaled, exit 130.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::SystemTime;

use crate::audit::Command;
use crate::cli::{BulkChangeArgs, FailOn, FleetApplyArgs};
use crate::files::read_regular_file;
use crate::fleet::{
    ApplyEvent, ApplyOptions, ApplyRun, ApplyTable, Change, FleetRow, FleetScan, JournalError,
    MAX_ROW_AGE, Plan, RunCost, RunState, RunsDir, api_of, start_apply, unix_now,
};

use super::fleet_apply_output::{self as out, RunResult, ScanSource};
use super::fleet_confirm::{Answer, confirm};
use super::fleet_output::holds;
use super::fleet_run_doc::{plan_document, run_document};
use super::output::{ProgressLine, clean, note, print, warn};
use super::resolve::{self, AccountRef};
use super::{Context, Exit, Failure, fleet, fleet_cache};
use crate::doc::{Doc, Kind, to_pretty};

/// The largest `--zones FILE` read.
const ZONE_LIST_MAX: u64 = 16 * 1024 * 1024;
/// The most unknown names an error lists.
const LISTED: usize = 10;

/// `fleet apply`.
pub async fn apply(ctx: &Context, args: &FleetApplyArgs) -> Result<Exit, Failure> {
    let change = change_of(&args.change)?;
    let listed = args.zones.as_deref().map(read_zone_list).transpose()?;
    notice_unfinished(ctx);
    let account = match &args.account {
        Some(text) => Some(resolve::account(ctx, text).await?),
        None => None,
    };
    let (scan, source) = rows(ctx, args.account.as_deref(), account.as_ref()).await?;
    let selected = select(&scan, account.as_ref(), &args.only, listed.as_deref())?;
    let plan = Plan::new(change, selected);
    let table = ApplyTable::new(plan);
    let plan = table.plan();
    let cost = RunCost::of(
        plan,
        unix_now(),
        MAX_ROW_AGE,
        &ctx.client.budget(),
        &ctx.client.pacer_config(),
    );
    let plan_text = out::plan_text(plan, Some(source), &cost);
    // Exit 2 and up prints nothing on stdout: a plan that may be refused
    // (read-only, not confirmed) goes to stderr.
    let show_plan = |refusable: bool| match (args.json, refusable) {
        (true, _) => {}
        (false, true) => note(plan_text.trim_end()),
        (false, false) => print(&plan_text),
    };
    let what = format!(
        "{} on {} zones",
        clean(&plan.change.to_string()),
        plan.to_send()
    );
    let print_plan_only = |blocked: Option<&'static str>| {
        if args.json {
            let document = Doc::new(
                Kind::FleetPlan,
                plan_document(&table, source, &cost, blocked),
            );
            if blocked.is_some() {
                note(&to_pretty(&document));
            } else {
                print(&format!("{}\n", to_pretty(&document)));
            }
        }
    };
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
    if plan.to_send() == 0 {
        show_plan(false);
        print_plan_only(None);
        if !args.json {
            note("Nothing to send.");
        }
        return Ok(exit_of_plan(&table));
    }
    show_plan(!args.yes);
    if !args.yes {
        let (question, answer) = question(plan);
        let preview = args.json.then(|| summary_only(&plan_text));
        confirm(ctx, &question, answer, preview.as_deref(), &what).await?;
    }
    let run = start_apply(&ctx.client, plan.clone(), options(ctx))
        .await
        .map_err(journal_failure)?;
    let mut scan = scan;
    let (table, result) = drive(ctx, run, table, Some(&mut scan)).await;
    // `fleet scan --cached` shows what this run changed; the next plan scans
    // again (a scan not newer than a journal's last write is never used).
    if !result.interrupted {
        scan.finished_at = Some(unix_now());
        fleet_cache::store(ctx, account.as_ref(), &scan).await?;
    }
    Ok(report(&table, &result, Some(source), args.json))
}

/// The journal folder and the audit log of a headless run.
pub fn options(ctx: &Context) -> ApplyOptions {
    ApplyOptions {
        command: Some(Command::FleetApply),
        ..ApplyOptions::recorded(RunsDir::default_location(), ctx.audit())
    }
}

/// A journal that cannot be used: refused before sending (exit 2), or a run
/// that is not there (exit 4).
pub fn journal_failure(error: JournalError) -> Failure {
    match error {
        JournalError::NoSuchRun(_) => Failure::NotFound(error.to_string()),
        other => Failure::Usage(format!("{other}; nothing was sent")),
    }
}

fn change_of(args: &BulkChangeArgs) -> Result<Change, Failure> {
    let change = if args.enable {
        Change::EnableScanning
    } else if args.disable {
        Change::DisableScanning
    } else if args.resend {
        Change::ResendVerification
    } else if let Some(email) = &args.email {
        Change::set_email(email).map_err(|e| Failure::Usage(format!("--email: {e}")))?
    } else if let Some(source) = &args.source {
        Change::source(&source.name, source.on)
            .map_err(|e| Failure::Usage(format!("--source: {e}")))?
    } else {
        return Err(Failure::Usage(
            "give one change: --enable, --disable, --email ADDR, --resend or --source NAME=on|off"
                .to_owned(),
        ));
    };
    Ok(change)
}

fn read_zone_list(path: &Path) -> Result<Vec<String>, Failure> {
    let file = read_regular_file(path, ZONE_LIST_MAX).map_err(|error| {
        Failure::Usage(format!(
            "--zones {}: cannot read it: {error}",
            path.display()
        ))
    })?;
    let text = String::from_utf8(file.bytes)
        .map_err(|_| Failure::Usage(format!("--zones {}: it is not UTF-8 text", path.display())))?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect())
}

/// Says on stderr when an unfinished run against this API can be resumed.
fn notice_unfinished(ctx: &Context) {
    let runs = RunsDir::default_location();
    for run in runs
        .unfinished(&api_of(ctx.client.base_url()))
        .iter()
        .take(3)
    {
        note(&format!(
            "trustdeck: an unfinished run {} ({}, {} of {} zones left) can be resumed: \
             trustdeck fleet resume {}",
            run.id,
            clean(&run.change.words()),
            run.summary.left,
            run.to_send,
            run.id
        ));
    }
}

/// The cached scan when it is fresh (at most 5 minutes old, and no bulk
/// run wrote its journal since), else a new one (cached in turn).
async fn rows(
    ctx: &Context,
    account_text: Option<&str>,
    account: Option<&AccountRef>,
) -> Result<(FleetScan, ScanSource), Failure> {
    let runs = RunsDir::default_location();
    let fresh = |scan: FleetScan| {
        let age = scan.age(SystemTime::now());
        let at = scan.finished_at.unwrap_or(scan.started_at);
        (age <= MAX_ROW_AGE && !written_since(&runs, at)).then_some((scan, age.as_secs()))
    };
    let cached = fleet_cache::load(ctx, account_text)
        .and_then(fresh)
        .or_else(|| account.and_then(|_| fleet_cache::load(ctx, None).and_then(fresh)));
    if let Some((scan, age)) = cached {
        return Ok((
            scan,
            ScanSource {
                cached: true,
                age_seconds: age,
            },
        ));
    }
    let scan = fleet::run(ctx, account.map(|a| a.id.clone())).await?;
    fleet_cache::store(ctx, account, &scan).await?;
    Ok((
        scan,
        ScanSource {
            cached: false,
            age_seconds: 0,
        },
    ))
}

/// Whether a run's journal was written at or after `at` (seconds since the
/// Unix epoch): its writes may have changed what a scan of then says.
fn written_since(runs: &RunsDir, at: u64) -> bool {
    let Ok(entries) = std::fs::read_dir(runs.dir()) else {
        return false;
    };
    let since = std::time::UNIX_EPOCH + std::time::Duration::from_secs(at);
    entries.filter_map(Result::ok).any(|entry| {
        entry.file_name().to_string_lossy().ends_with(".jsonl")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified >= since)
    })
}

/// The rows `--account`, `--only` and `--zones FILE` select.
fn select<'a>(
    scan: &'a FleetScan,
    account: Option<&AccountRef>,
    only: &[FailOn],
    listed: Option<&[String]>,
) -> Result<Vec<&'a FleetRow>, Failure> {
    let keep = |row: &FleetRow| {
        account.is_none_or(|a| row.account.as_ref().is_some_and(|r| r.id == a.id))
            && (only.is_empty() || only.iter().any(|&c| holds(c, row)))
    };
    let Some(listed) = listed else {
        return Ok(scan.rows().iter().filter(|r| keep(r)).collect());
    };
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    for text in listed {
        if let Some(row) = scan.row(text) {
            rows.push(row);
            continue;
        }
        let named: Vec<&FleetRow> = scan
            .rows()
            .iter()
            .filter(|r| r.zone_name.eq_ignore_ascii_case(text))
            .collect();
        match named.as_slice() {
            [row] => rows.push(*row),
            [] => unknown.push(clean(text)),
            several => {
                let ids: Vec<&str> = several.iter().map(|r| r.zone_id.as_str()).collect();
                return Err(Failure::Ambiguous(format!(
                    "--zones: {} names {} zones ({}); list it by id. Nothing was sent",
                    clean(text),
                    several.len(),
                    ids.join(", ")
                )));
            }
        }
    }
    if !unknown.is_empty() {
        let shown: Vec<&str> = unknown.iter().take(LISTED).map(String::as_str).collect();
        let more = unknown.len().saturating_sub(LISTED);
        return Err(Failure::NotFound(format!(
            "--zones: {} line{} name no zone these credentials see: {}{}. Nothing was sent",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )));
    }
    Ok(rows.into_iter().filter(|r| keep(r)).collect())
}

/// The question, and the answer that confirms: the number of zones for
/// scanning off on more than one.
pub(super) fn question(plan: &Plan) -> (String, Answer) {
    let zones = plan.to_send();
    match plan.change {
        Change::DisableScanning if zones > 1 => (
            format!("This stops CSAM scanning on {zones} zones."),
            Answer::Count(zones),
        ),
        _ => (
            format!(
                "Apply \"{}\" to {zones} zone{}?",
                clean(&plan.change.to_string()),
                if zones == 1 { "" } else { "s" }
            ),
            Answer::Yes,
        ),
    }
}

pub(super) fn summary_only(plan_text: &str) -> String {
    plan_text
        .lines()
        .take_while(|line| !line.starts_with("ZONE"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs to the end, folding every event into `table` (and every setting
/// the run learns into `scan`); progress on stderr when it is a terminal;
/// Ctrl-C stops it resumable (requests in flight finish).
pub async fn drive(
    ctx: &Context,
    mut run: ApplyRun,
    mut table: ApplyTable,
    mut scan: Option<&mut FleetScan>,
) -> (ApplyTable, RunResult) {
    let mut progress = ProgressLine::new(io::stderr().is_terminal());
    let mut result = RunResult {
        id: run.id().clone(),
        journal: run.journal_path().map(Path::to_path_buf),
        end: None,
        interrupted: false,
        started_at: None,
        finished_at: None,
    };
    loop {
        let event = tokio::select! {
            biased;
            () = ctx.interrupt.wait(), if !result.interrupted => {
                // Stopped, not cancelled: the run stays resumable.
                run.control().interrupt();
                result.interrupted = true;
                progress.clear();
                note("trustdeck: interrupted: no new request is sent; waiting for those in flight");
                continue;
            }
            event = run.next() => event,
        };
        match event {
            Some(ApplyEvent::Started(start)) => {
                result.started_at = Some(start.at);
                for earlier in &start.earlier {
                    table.record(earlier);
                }
            }
            Some(ApplyEvent::Replanned(entry)) => table.replan(entry),
            Some(ApplyEvent::Zone(zone)) => {
                table.record(&zone);
                if let Some(scan) = scan.as_deref_mut() {
                    scan.record(&zone);
                }
            }
            Some(ApplyEvent::Progress(report)) => progress.show(&out::progress_line(&report)),
            Some(ApplyEvent::Paused | ApplyEvent::Resumed) => {}
            Some(ApplyEvent::Finished(end)) => {
                result.end = Some(end);
                result.finished_at = Some(unix_now());
                break;
            }
            None => break,
        }
    }
    progress.clear();
    (table, result)
}

/// Prints the outcome and returns the exit status: on stdout for 0 and 1,
/// on stderr from 2 up (stdout is then empty, as for every command).
pub fn report(
    table: &ApplyTable,
    result: &RunResult,
    source: Option<ScanSource>,
    json: bool,
) -> Exit {
    let exit = exit_of_run(table, result);
    let text = if json {
        let document = Doc::new(Kind::FleetRun, run_document(table, source, result));
        format!("{}\n", to_pretty(&document))
    } else {
        out::run_text(table, result)
    };
    if exit.code() >= 2 {
        note(text.trim_end());
    } else {
        print(&text);
    }
    let summary = table.summary();
    if summary.unknown > 0 {
        note(&format!(
            "trustdeck: {} zone{} of run {} may or may not have the change (outcome unknown): \
             check them, or send them again on purpose: trustdeck fleet resume {} --resend-unknown",
            summary.unknown,
            if summary.unknown == 1 { "" } else { "s" },
            result.id,
            result.id
        ));
    }
    if result.interrupted {
        note(&format!(
            "trustdeck: run {} stopped; `trustdeck fleet resume {}` continues it",
            result.id, result.id
        ));
    } else if matches!(
        result.end.as_ref().map(|e| &e.state),
        Some(RunState::Stopped(_)) | None
    ) {
        warn("the run stopped before its end; `trustdeck fleet resume` continues it");
    }
    exit
}

fn exit_of_run(table: &ApplyTable, result: &RunResult) -> Exit {
    let summary = table.summary();
    if result.interrupted {
        return Exit::Interrupted;
    }
    if let Some(RunState::Stopped(_)) | None = result.end.as_ref().map(|e| &e.state) {
        return Exit::Refused;
    }
    if summary.failed + summary.unknown > 0 {
        Exit::Unavailable
    } else if summary.adjusted > 0 || summary.skipped_short() > 0 || summary.left > 0 {
        Exit::Unmet
    } else {
        Exit::Done
    }
}

/// The status of a plan with nothing to send: 1 when a zone is skipped for
/// anything but being already so.
pub(super) fn exit_of_plan(table: &ApplyTable) -> Exit {
    if table.summary().skipped_short() > 0 {
        Exit::Unmet
    } else {
        Exit::Done
    }
}
