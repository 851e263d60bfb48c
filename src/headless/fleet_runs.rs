//! `trustdeck fleet resume [RUN] [--resend-unknown] [--yes] [--json]` and `trustdeck fleet
//! runs [--json]`: continue a run that a crash, a kill or a lost connection
//! left unfinished (nothing done is sent again; zones in flight are
//! settled first, see `fleet::apply_run`), send its unknown zones again on
//! purpose, and list the runs of the journal folder.

use serde_json::json;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::cli::{FleetResumeArgs, FleetRunsArgs};
use crate::fleet::{
    ApplyTable, JournalError, Plan, RetryOptions, RunId, RunInfo, RunRecord, RunStatus, RunsDir,
    api_of, check_sound, resume_apply, retry_apply,
};

use super::fleet_apply::{drive, journal_failure, options, report};
use super::fleet_confirm::{Answer, confirm};
use super::output::{Table, clean, note, print, print_json, warn};
use super::{Context, Exit, Failure, fleet_cache};

/// The version of `fleet runs --json`.
pub const RUNS_JSON_VERSION: u32 = 1;

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
    let (infos, errors) = runs.list();
    for error in &errors {
        warn(&error.to_string());
    }
    if args.json {
        let items: Vec<_> = infos.iter().map(run_json).collect();
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        print_json(&json!({
            "version": RUNS_JSON_VERSION,
            "dir": runs.dir(),
            "runs": items,
            "errors": errors,
        }));
        return Ok(Exit::Done);
    }
    if infos.is_empty() {
        print(&format!("No bulk runs in {}.\n", runs.dir().display()));
        return Ok(Exit::Done);
    }
    let mut table = Table::new(&[
        "RUN", "STARTED", "CHANGE", "ZONES", "DONE", "FAILED", "UNKNOWN", "LEFT", "STATE", "API",
    ]);
    for info in &infos {
        let s = &info.summary;
        let done = info.to_send.saturating_sub(s.failed + s.unknown + s.left);
        table.row(vec![
            info.id.to_string(),
            started(info.created_at),
            info.change.words(),
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

fn run_json(info: &RunInfo) -> serde_json::Value {
    json!({
        "id": info.id,
        "created_at": started(info.created_at),
        "api": info.api,
        "change": info.change.words(),
        "change_kind": info.change,
        "to_send": info.to_send,
        "summary": info.summary,
        "in_flight": info.in_flight,
        "state": status_word(&info.status),
        "retry_of": info.retry_of,
        "retried_by": info.retried_by,
        "damaged_lines": info.warnings,
    })
    .as_object()
    .map(|map| {
        // The typed address stays in the journal; a listing shows its domain.
        let mut map = map.clone();
        if let Some(kind) = map.get_mut("change_kind")
            && kind.get("email").is_some()
        {
            kind["email"] = json!(crate::audit::typed_email(
                kind["email"].as_str().unwrap_or_default()
            ));
        }
        serde_json::Value::Object(map)
    })
    .unwrap_or_default()
}

fn status_word(status: &RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "running",
        RunStatus::Unfinished => "unfinished",
        RunStatus::Complete => "complete",
        RunStatus::Cancelled => "cancelled",
        RunStatus::NoPlan => "never started",
    }
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
