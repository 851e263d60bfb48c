//! `trustdeck fleet revert RUN` of an accounts run (DLP settings): each
//! account the run changed, read again now, is sent the PATCH that puts
//! back the fields the run changed; what cannot be put back (a key that
//! was there before, known only by its fingerprint) is listed with why.
//! `--json` prints the `dlp_plan` (with `--dry-run`) or the `dlp_run`
//! document; what cannot be reverted is then said on stderr.

use crate::cli::FleetRevertArgs;
use crate::fleet::{
    AccountPlan, AccountStep, Accounts, DlpChange, MAX_ROW_AGE, PlanAccount, RunId, RunsDir,
    account_revert_plan, check_sound, read_revert_accounts, unix_now,
};

use super::dlp_apply_doc::plan_document;
use super::dlp_apply_run::run_with;
use super::fleet_apply::journal_failure;
use super::fleet_confirm::{Answer, confirm};
use super::fleet_revert::{revert_failure, revert_options};
use super::output::{Table, clean, note, print, warn};
use super::{Context, Exit, Failure};
use crate::doc::{Doc, Kind, to_pretty};

/// `fleet revert` of an accounts run.
pub async fn revert(
    ctx: &Context,
    args: &FleetRevertArgs,
    runs: &RunsDir,
    id: &RunId,
) -> Result<Exit, Failure> {
    let record = runs.load_as::<Accounts>(id).map_err(journal_failure)?;
    for warning in &record.warnings {
        warn(&warning.to_string());
    }
    check_sound(&record).map_err(journal_failure)?;
    let revert = account_revert_plan(&record).map_err(revert_failure)?;
    let plan = AccountPlan {
        change: DlpChange::Restore,
        entries: read_revert_accounts(&ctx.client.bulk(), &revert.accounts).await,
    };
    let text = plan_text(id, &plan, &revert.not_revertible);
    let cost = plan.cost(
        unix_now(),
        MAX_ROW_AGE,
        &ctx.client.budget(),
        &ctx.client.pacer_config(),
    );
    let show = |refusable: bool, blocked: Option<&'static str>| {
        if !args.json {
            if refusable {
                note(text.trim_end());
            } else {
                print(&text);
            }
            return;
        }
        let document = to_pretty(&Doc::new(
            Kind::DlpPlan,
            plan_document(&plan, &cost, blocked),
        ));
        if refusable {
            note(&document);
        } else {
            print(&format!("{document}\n"));
        }
        for (account, why) in &revert.not_revertible {
            note(&format!(
                "trustdeck: account {} cannot be reverted: {}",
                clean(&name(account)),
                clean(why)
            ));
        }
    };
    let shortfall = !revert.not_revertible.is_empty()
        || plan
            .entries
            .iter()
            .any(|e| matches!(&e.step, AccountStep::Skip(s) if !s.kind().is_goal_met()));
    let to_send = plan.to_send();
    let what = format!("revert run {id}: restore the values of {to_send} accounts");
    if args.dry_run {
        show(false, None);
        if !args.json {
            note("Dry run: nothing was sent.");
        }
        return Ok(Exit::Done);
    }
    if let Err(refused) = ctx.refuse_if_read_only(|| format!("it would {what}")) {
        show(true, Some("read_only"));
        return Err(refused);
    }
    if to_send == 0 {
        show(false, None);
        if !args.json {
            note("Nothing to send.");
        }
        return Ok(if shortfall { Exit::Unmet } else { Exit::Done });
    }
    // Shown before a question that may refuse (exit 2), and with --json
    // (stdout then holds the run's document only): on stderr.
    show(args.json || !args.yes, None);
    if !args.yes {
        let (question, answer) = if plan.needs_typed_count() {
            (
                format!(
                    "This clears the payload-logging key, or sets masking to clear, on some \
                     of {to_send} accounts."
                ),
                Answer::Count(to_send),
            )
        } else {
            (
                format!("Restore the values of {to_send} accounts?"),
                Answer::Yes,
            )
        };
        confirm(ctx, &question, answer, None, &what).await?;
    }
    let exit = run_with(ctx, plan, args.json, revert_options(ctx, id)).await?;
    Ok(match exit {
        Exit::Done if shortfall => Exit::Unmet,
        other => other,
    })
}

/// "Revert of run …", the plan's counts, each account's step, then what
/// cannot be reverted and why.
fn plan_text(id: &RunId, plan: &AccountPlan, not_revertible: &[(PlanAccount, String)]) -> String {
    let mut text = format!(
        "Revert of run {id}: the accounts it changed, read again now.\nPlan: {}\n",
        clean(&plan.summary().to_string())
    );
    let mut table = Table::new(&["ACCOUNT", "PLAN"]).cap(1, usize::MAX);
    for entry in &plan.entries {
        let step = match &entry.step {
            AccountStep::Send { fields, .. } => fields
                .iter()
                .map(|f| f.words())
                .collect::<Vec<_>>()
                .join(", "),
            AccountStep::Skip(skip) => skip.words(&plan.change),
        };
        table.row(vec![name(&entry.account), step]);
    }
    text.push_str(&table.render());
    if !not_revertible.is_empty() {
        text.push_str(&format!("Cannot be reverted ({}):\n", not_revertible.len()));
        for (account, why) in not_revertible {
            text.push_str(&format!("  {}: {}\n", clean(&name(account)), clean(why)));
        }
    }
    text
}

fn name(account: &PlanAccount) -> String {
    if account.name.is_empty() {
        account.id.clone()
    } else {
        account.name.clone()
    }
}
