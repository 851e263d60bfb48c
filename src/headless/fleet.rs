//! `trustdeck fleet scan [--account A] [--json | --csv] [--fail-on …]
//! [--cached]`: the fleet engine's scan, run to its end, stored in the scan
//! cache, and printed with every zone, what needs attention first. Progress
//! (n of N, requests per second, ETA, budget) goes to stderr, and only when
//! stderr is a terminal.

use std::io::{self, IsTerminal};
use std::time::{Duration, SystemTime};

use crate::cli::FleetScanArgs;
use crate::fleet::{
    FleetScan, ScanEvent, ScanOptions, ScanOutcome, ScanProgress, start_scan, unix_now,
};

use super::fleet_cache;
use super::fleet_output::{self, Format};
use super::output::ProgressLine;
use super::resolve;
use super::{Context, Exit, Failure};

/// `fleet scan`.
pub async fn scan(ctx: &Context, args: &FleetScanArgs) -> Result<Exit, Failure> {
    let format = Format::of(args.json, args.csv);
    if args.cached {
        let Some(scan) = fleet_cache::load(ctx, args.account.as_deref()) else {
            return Err(Failure::NothingCached(format!(
                "no cached scan of {}{} for these credentials: run `trustdeck fleet scan{}` \
                 first; nothing was sent",
                ctx.client.base_url(),
                args.account
                    .as_deref()
                    .map(|a| format!(" (account {})", super::output::clean(a)))
                    .unwrap_or_default(),
                if args.account.is_some() {
                    " --account …"
                } else {
                    ""
                },
            )));
        };
        let age = scan.age(SystemTime::now());
        return Ok(fleet_output::print(&scan, format, &args.fail_on, Some(age)));
    }
    let account = match &args.account {
        Some(text) => Some(resolve::account(ctx, text).await?),
        None => None,
    };
    let account_id = account.as_ref().map(|a| a.id.clone());
    let scan = run(ctx, account_id).await?;
    fleet_cache::store(ctx, account.as_ref(), &scan).await?;
    Ok(fleet_output::print(&scan, format, &args.fail_on, None))
}

/// Runs a scan to its end; a listing that failed is a failure (not every
/// zone was read), Ctrl-C cancels it.
pub(super) async fn run(ctx: &Context, account_id: Option<String>) -> Result<FleetScan, Failure> {
    let mut progress = ProgressLine::new(io::stderr().is_terminal());
    let mut table = FleetScan::new(account_id.clone(), unix_now());
    let mut run = start_scan(
        &ctx.client,
        ScanOptions {
            account_id,
            ..ScanOptions::default()
        },
    );
    let end = loop {
        let event = tokio::select! {
            biased;
            () = ctx.interrupt.wait() => {
                run.cancel();
                progress.clear();
                return Err(Failure::Interrupted { in_flight: None });
            }
            event = run.next() => event,
        };
        let Some(event) = event else { break None };
        if let ScanEvent::Progress(report) = &event {
            progress.show(&progress_line(report));
        }
        table.apply(&event);
        if let ScanEvent::Finished(end) = event {
            break Some(end);
        }
    };
    progress.clear();
    let Some(end) = end else {
        return Err(Failure::Scan {
            failure: crate::fleet::Failure::Network,
            message: "the scan stopped without a result".to_owned(),
        });
    };
    match end.outcome {
        ScanOutcome::Complete => Ok(table),
        ScanOutcome::Cancelled => Err(Failure::Interrupted { in_flight: None }),
        ScanOutcome::ListingFailed(error) => Err(Failure::Scan {
            failure: error.failure,
            message: format!(
                "the zone listing failed, so not every zone was read ({} were): {}; nothing was \
                 printed or cached",
                end.read + end.failed,
                error.message
            ),
        }),
    }
}

/// "120 of 500 zones · 38 req/s · ETA 12s · budget 1080 of 1200 left".
pub fn progress_line(report: &ScanProgress) -> String {
    let eta = report
        .eta
        .map(|eta| format!(" · ETA {}", seconds(eta)))
        .unwrap_or_default();
    let budget = &report.budget;
    let blocked = budget
        .blocked_for
        .map(|wait| format!(" · rate limited, waiting {}", seconds(wait)))
        .unwrap_or_default();
    let failed = if report.failed > 0 {
        format!(" ({} failed)", report.failed)
    } else {
        String::new()
    };
    format!(
        "scanning {} of {} zones{failed} · {:.0} req/s{eta} · budget {} of {} left, resets in \
         {}{blocked}",
        report.done,
        report.total,
        report.per_second,
        budget.remaining,
        budget.quota,
        seconds(budget.resets_in)
    )
}

pub(super) fn seconds(duration: Duration) -> String {
    humantime::format_duration(Duration::from_secs(duration.as_secs_f64().ceil() as u64))
        .to_string()
}
