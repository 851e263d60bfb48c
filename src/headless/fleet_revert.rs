//! `trustdeck fleet revert RUN [--dry-run] [--yes] [--json]`: the inverse
//! of a finished run, on the targets it changed, as an ordinary run. The
//! targets are read again first (paced, as bulk work): what they show now
//! decides each step, so one already put back is skipped, already so.
//! What cannot be reverted (a notification email, a re-sent verification,
//! a payload-logging key known only by its fingerprint) is said, with why.

use crate::audit::Command;
use crate::cli::FleetRevertArgs;
use crate::doc::{Doc, Kind, to_pretty};
use crate::fleet::{
    ApplyOptions, ApplyTable, MAX_ROW_AGE, Plan, RevertError, RunCost, RunId, RunsDir, TargetKind,
    read_revert_zones, revert_plan, start_apply, unix_now,
};

use super::fleet_apply::{
    drive, exit_of_plan, journal_failure, options, question, report, summary_only,
};
use super::fleet_apply_output::{self as out, ScanSource};
use super::fleet_confirm::confirm;
use super::fleet_revert_accounts;
use super::fleet_run_doc::plan_document;
use super::output::{clean, note, print, warn};
use super::{Context, Exit, Failure};

/// `fleet revert`.
pub async fn revert(ctx: &Context, args: &FleetRevertArgs) -> Result<Exit, Failure> {
    let runs = RunsDir::default_location();
    let id = RunId::parse(&args.run).map_err(|e| Failure::Usage(e.to_string()))?;
    if let Ok(TargetKind::Accounts) = runs.target_of(&id) {
        return fleet_revert_accounts::revert(ctx, args, &runs, &id).await;
    }
    let record = runs.load(&id).map_err(journal_failure)?;
    for warning in &record.warnings {
        warn(&warning.to_string());
    }
    crate::fleet::check_sound(&record).map_err(journal_failure)?;
    let revert = revert_plan(&record).map_err(revert_failure)?;
    let entries = read_revert_zones(&ctx.client.bulk(), &revert.change, &revert.zones).await;
    let plan = Plan {
        change: revert.change,
        entries,
    };
    let table = ApplyTable::new(plan);
    let plan = table.plan();
    let cost = RunCost::of(
        plan,
        unix_now(),
        MAX_ROW_AGE,
        &ctx.client.budget(),
        &ctx.client.pacer_config(),
    );
    let source = ScanSource {
        cached: false,
        age_seconds: 0,
    };
    let plan_text = format!(
        "Revert of run {id}: the zones it changed, read again now.\n{}",
        out::plan_text(plan, None, &cost)
    );
    let show_plan = |refusable: bool| match (args.json, refusable) {
        (true, _) => {}
        (false, true) => note(plan_text.trim_end()),
        (false, false) => print(&plan_text),
    };
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
    let what = format!(
        "revert run {id}: {} on {} zones",
        clean(&plan.change.to_string()),
        plan.to_send()
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
    let run = start_apply(&ctx.client, plan.clone(), revert_options(ctx, &id))
        .await
        .map_err(journal_failure)?;
    let (table, result) = drive(ctx, run, table, None).await;
    Ok(report(&table, &result, Some(source), args.json))
}

/// The options of a revert run: journaled, audited as `fleet revert`, its
/// journal naming the run it reverts.
pub(super) fn revert_options(ctx: &Context, of: &RunId) -> ApplyOptions {
    ApplyOptions {
        command: Some(Command::FleetRevert),
        revert_of: Some(of.clone()),
        ..options(ctx)
    }
}

/// A run that cannot be reverted: refused before anything is read (exit 2).
pub(super) fn revert_failure(error: RevertError) -> Failure {
    Failure::Usage(format!("{error}; nothing was sent"))
}
