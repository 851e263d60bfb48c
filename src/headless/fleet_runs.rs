//! `trustdeck fleet resume [RUN] [--resend-unknown] [--yes] [--json]` and `trustdeck fleet
//! runs [--json | --csv]`: continue a run that a crash, a kill or a lost connection
//! left unfinished (nothing done is sent again; zones in flight are
//! settled first, see `fleet::apply_run`), send its unknown zones again on
//! purpose, and list the runs of the journal folder.

use time::OffsetDateTime;
use time::macros::format_description;

use crate::cli::{FleetResumeArgs, FleetRunsArgs};
use crate::fleet::{
    AnyRunInfo, ApplyTable, JournalError, Plan, RetryOptions, RunId, RunInfo, RunRecord, RunStatus,
    RunsDir, TargetKind, api_of, check_sound, resume_apply, retry_apply,
};

use super::fleet_apply::{drive, journal_failure, options, report};
use super::fleet_confirm::{Answer, confirm};
use super::fleet_run_doc::{change_of, counts_of};
use super::fleet_runs_accounts::{self, status_word};
use super::fleet_scan_doc::unix;
use super::output::{Csv, Table, clean, note, print, print_doc, warn};
use super::{Context, Exit, Failure, fleet_cache};
use crate::doc::{FleetRunsBody, Kind, RunListing, Timestamp};

/// `fleet resume`.
pub async fn resume(ctx: &Context, args: &FleetResumeArgs) -> Result<Exit, Failure> {
    let runs = RunsDir::default_location();
    let api = api_of(ctx.client.base_url());
    let id = match &args.run {
        Some(text) => RunId::parse(text).map_err(|e| Failure::Usage(e.to_string()))?,
        None => match runs.unfinished(&api).first() {
            Some(run) => run.id.clone(),
            None => {
                return Err(Failure::NotFound(format!(
                    "no unfinished run against {api} in {}; `trustdeck fleet runs` lists them",
                    runs.dir().display()
                )));
            }
        },
    };
    if let Ok(TargetKind::Accounts) = runs.target_of(&id) {
        return fleet_runs_accounts::resume(ctx, args, &runs, &id).await;
    }
    let record = runs.load(&id).map_err(journal_failure)?;
    for warning in &record.warnings {
        warn(&warning.to_string());
    }
    check_sound(&record).map_err(journal_failure)?;
    if args.resend_unknown {
        return resend_unknown(ctx, args, &record).await;
    }
    let info = record.info();
    let left = info.summary.left;
    let what = format!(
        "resume run {id} ({}: {left} of {} zones left, {} in flight to read again first)",
        clean(&info.change.words()),
        info.to_send,
        info.in_flight
    );
    ctx.refuse_if_read_only(|| format!("it would {what}"))?;
    match info.status {
        RunStatus::Running => return Err(journal_failure(JournalError::Running(id.to_string()))),
        RunStatus::Complete | RunStatus::Cancelled => {
            let state = if info.status == RunStatus::Complete {
                "complete"
            } else {
                "cancelled"
            };
            return Err(journal_failure(JournalError::Finished {
                id: id.to_string(),
                state: state.to_owned(),
            }));
        }
        RunStatus::NoPlan => return Err(journal_failure(JournalError::NoPlan(id.to_string()))),
        RunStatus::Unfinished => {}
    }
    if !args.json {
        let text = format!("Run {id}: {}", clean(&record.plan.summary().to_string()));
        // Shown before a question that may refuse (exit 2): then on stderr.
        if args.yes {
            print(&format!("{text}\n"));
        } else {
            note(&text);
        }
    }
    if !args.yes {
        let question = format!("Resume: {what}?");
        confirm(ctx, &question, Answer::Yes, None, "resume the run").await?;
    }
    let run = resume_apply(&ctx.client, &id, options(ctx))
        .await
        .map_err(journal_failure)?;
    // A scan cached before the run would no longer be true of its zones.
    let mut cached = fleet_cache::load(ctx, None);
    let (table, result) = drive(ctx, run, record.table(), cached.as_mut()).await;
    if let Some(mut scan) = cached.filter(|_| !result.interrupted) {
        scan.finished_at = Some(crate::fleet::unix_now());
        fleet_cache::store(ctx, None, &scan).await?;
    }
    Ok(report(&table, &result, None, args.json))
}

/// `fleet resume RUN --resend-unknown`: a new run of the zones whose
/// outcome is unknown, sent on purpose (once: the run is then retried).
async fn resend_unknown(
    ctx: &Context,
    args: &FleetResumeArgs,
    record: &RunRecord,
) -> Result<Exit, Failure> {
    let id = &record.header.id;
    let info = record.info();
    match info.status {
        RunStatus::Complete | RunStatus::Cancelled => {}
        RunStatus::Running => return Err(journal_failure(JournalError::Running(id.to_string()))),
        _ => {
            return Err(Failure::Usage(format!(
                "run {id} has not finished: resume it first (`trustdeck fleet resume {id}`); \
                 nothing was sent"
            )));
        }
    }
    let unknown = info.summary.unknown;
    if unknown == 0 {
        return Err(journal_failure(JournalError::NothingToRetry(
            id.to_string(),
        )));
    }
    let what = format!(
        "send \"{}\" again to the {unknown} zone{} of run {id} whose outcome is unknown",
        clean(&info.change.words()),
        if unknown == 1 { "" } else { "s" }
    );
    ctx.refuse_if_read_only(|| format!("it would {what}"))?;
    if !args.yes {
        let question = format!("{}?", capitalized(&what));
        confirm(ctx, &question, Answer::Yes, None, &what).await?;
    }
    let retry = RetryOptions {
        unknown_on_purpose: true,
        ..RetryOptions::default()
    };
    let run = retry_apply(&ctx.client, id, retry, options(ctx))
        .await
        .map_err(journal_failure)?;
    let table = ApplyTable::new(Plan {
        change: record.plan.change.clone(),
        entries: record.table().unknown().into_iter().cloned().collect(),
    });
    let (table, result) = drive(ctx, run, table, None).await;
    Ok(report(&table, &result, None, args.json))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `fleet runs`.
pub fn list(args: &FleetRunsArgs) -> Result<Exit, Failure> {
    let runs = RunsDir::default_location();
    let (all, errors) = runs.list_all();
    for error in &errors {
        warn(&error.to_string());
    }
    let listings: Vec<RunListing> = all
        .iter()
        .map(|run| match run {
            AnyRunInfo::Zones(info) => listing(info),
            AnyRunInfo::Accounts(info) => fleet_runs_accounts::listing(info),
        })
        .collect();
    if args.json {
        print_doc(
            Kind::FleetRuns,
            FleetRunsBody {
                dir: runs.dir().display().to_string(),
                runs: listings,
                errors: errors.iter().map(ToString::to_string).collect(),
            },
        );
        return Ok(Exit::Done);
    }
    if args.csv {
        print(&csv(listings));
        return Ok(Exit::Done);
    }
    if all.is_empty() {
        print(&format!("No bulk runs in {}.\n", runs.dir().display()));
        return Ok(Exit::Done);
    }
    let infos: Vec<&RunInfo> = all
        .iter()
        .filter_map(|run| match run {
            AnyRunInfo::Zones(info) => Some(info),
            AnyRunInfo::Accounts(_) => None,
        })
        .collect();
    let mut table = Table::new(&[
        "RUN", "STARTED", "CHANGE", "ZONES", "DONE", "FAILED", "UNKNOWN", "LEFT", "STATE", "API",
    ]);
    for run in &all {
        let info = match run {
            AnyRunInfo::Zones(info) => info,
            AnyRunInfo::Accounts(info) => {
                let s = &info.summary;
                let done = info.to_send.saturating_sub(s.failed + s.unknown + s.left);
                table.row(vec![
                    info.id.to_string(),
                    started(info.created_at),
                    change_cell(
                        &format!("accounts: {}", clean(&info.change.words())),
                        info.revert_of.as_ref(),
                    ),
                    info.to_send.to_string(),
                    done.to_string(),
                    s.failed.to_string(),
                    s.unknown.to_string(),
                    s.left.to_string(),
                    status_word(&info.status).to_owned(),
                    info.api.clone(),
                ]);
                continue;
            }
        };
        let s = &info.summary;
        let done = info.to_send.saturating_sub(s.failed + s.unknown + s.left);
        table.row(vec![
            info.id.to_string(),
            started(info.created_at),
            change_cell(&info.change.words(), info.revert_of.as_ref()),
            info.to_send.to_string(),
            done.to_string(),
            s.failed.to_string(),
            s.unknown.to_string(),
            s.left.to_string(),
            status_word(&info.status).to_owned(),
            info.api.clone(),
        ]);
    }
    print(&table.render());
    if let Some(info) = infos
        .iter()
        .find(|i| i.summary.unknown > 0 && i.retried_by.is_none())
    {
        note(&format!(
            "Run {} has {} zones whose outcome is unknown: check them, or send them again on \
             purpose: trustdeck fleet resume {} --resend-unknown",
            info.id, info.summary.unknown, info.id
        ));
    }
    Ok(Exit::Done)
}

/// A run's change in the list; a revert names the run it reverts first
/// (so a cut cell still shows it).
fn change_cell(words: &str, revert_of: Option<&RunId>) -> String {
    match revert_of {
        Some(of) => format!("revert {of}: {words}"),
        None => words.to_owned(),
    }
}

fn listing(info: &RunInfo) -> RunListing {
    RunListing {
        run_id: info.id.to_string(),
        target: "zones".to_owned(),
        started_at: unix(info.created_at),
        api: info.api.clone(),
        change: change_of(&info.change),
        to_send: info.to_send,
        counts: counts_of(&info.summary),
        in_flight: info.in_flight,
        state: status_word(&info.status).replace(' ', "_"),
        retry_of: info.retry_of.as_ref().map(ToString::to_string),
        retried_by: info.retried_by.as_ref().map(ToString::to_string),
        damaged_lines: info.warnings,
    }
}

/// The CSV columns: the JSON's words, flattened (`change_kind` is
/// `change.kind`, the counts are `counts.*`).
const CSV_HEADER: &[&str] = &[
    "run_id",
    "started_at",
    "api",
    "change_kind",
    "change_email",
    "change_source",
    "change_on",
    "to_send",
    "zones",
    "done",
    "adjusted",
    "failed",
    "retryable",
    "unknown",
    "skipped",
    "left",
    "in_flight",
    "state",
    "retry_of",
    "retried_by",
    "damaged_lines",
];

fn csv(listings: Vec<RunListing>) -> String {
    let mut out = Csv::new(CSV_HEADER);
    for run in listings {
        let c = &run.counts;
        let on = run.change.on.map(|on| on.to_string());
        out.row([
            run.run_id,
            run.started_at.map(Timestamp::text).unwrap_or_default(),
            run.api,
            run.change.kind,
            run.change.email.unwrap_or_default(),
            run.change.source.unwrap_or_default(),
            on.unwrap_or_default(),
            run.to_send.to_string(),
            c.zones.to_string(),
            c.done.to_string(),
            c.adjusted.to_string(),
            c.failed.to_string(),
            c.retryable.to_string(),
            c.unknown.to_string(),
            c.skipped.to_string(),
            c.left.to_string(),
            run.in_flight.to_string(),
            run.state,
            run.retry_of.unwrap_or_default(),
            run.retried_by.unwrap_or_default(),
            run.damaged_lines.to_string(),
        ]);
    }
    out.render().to_owned()
}

fn started(at: u64) -> String {
    OffsetDateTime::from_unix_timestamp(at as i64)
        .ok()
        .and_then(|at| {
            at.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
