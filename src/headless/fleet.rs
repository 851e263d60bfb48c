//! `trustdeck fleet scan [--account A] [--json | --csv] [--fail-on …]
//! [--cached | --failed] [--max-zones N]`: the fleet engine's scan, run to
//! its end, stored in the scan cache, and printed with every zone: a table
//! what needs attention first, or `--json`/`--csv` written (like the cache
//! file) row by row as the zones are read, so memory does not grow with the
//! fleet (`fleet_scan_stream.rs`). `--failed` reads again only the zones the
//! cached scan could not read. Progress (n of N, requests per second, ETA,
//! budget) goes to stderr, and only when stderr is a terminal.

use std::io::{self, IsTerminal};
use std::time::{Duration, SystemTime};

use crate::cli::FleetScanArgs;
use crate::fleet::{
    FleetScan, ScanEnd, ScanEvent, ScanOptions, ScanOutcome, ScanProgress, ScanRun, start_scan,
    unix_now,
};

use super::fleet_cache;
use super::fleet_output::{self, Format, account_of, verdict};
use super::fleet_scan_stream::{Head, ScanStream};
use super::output::ProgressLine;
use super::resolve;
use super::{Context, Exit, Failure};

/// `fleet scan`.
pub async fn scan(ctx: &Context, args: &FleetScanArgs) -> Result<Exit, Failure> {
    let format = Format::of(args.json, args.csv);
    if let (true, false, Some(streamed)) = (args.cached, args.failed, format.streamed()) {
        let Some(rows) = fleet_cache::open_rows(ctx, args.account.as_deref()) else {
            return Err(nothing_cached(ctx, args));
        };
        return fleet_output::print_cached_stream(rows, streamed, &args.fail_on);
    }
    if args.cached || args.failed {
        let Some(scan) = fleet_cache::load(ctx, args.account.as_deref()) else {
            return Err(nothing_cached(ctx, args));
        };
        if args.failed {
            return read_failed_again(ctx, args, scan).await;
        }
        let age = scan.age(SystemTime::now());
        let exit = fleet_output::print(&scan, format, &args.fail_on, Some(age));
        tell_failed(&scan);
        return Ok(exit);
    }
    let account = match &args.account {
        Some(text) => Some(resolve::account(ctx, text).await?),
        None => None,
    };
    let account_id = account.as_ref().map(|a| a.id.clone());
    let options = ScanOptions {
        account_id: account_id.clone(),
        max_zones: args.max_zones as usize,
        read_partial_listing: false,
        ..ScanOptions::default()
    };
    let Some(streamed) = format.streamed() else {
        let mut scan = FleetScan::new(account_id, unix_now());
        run_into(ctx, &mut scan, options).await?;
        fleet_cache::store(ctx, account.as_ref(), &scan).await?;
        let exit = fleet_output::print(&scan, format, &args.fail_on, None);
        tell_failed(&scan);
        return Ok(exit);
    };
    // Neither the output nor the cache holds the rows: each is written as
    // it comes and dropped.
    let mut cache = fleet_cache::begin(ctx, account.as_ref()).await?;
    let head = Head {
        account: account_of(account_id.as_deref()),
        ..Head::default()
    };
    let mut stream = ScanStream::stdout(streamed, &args.fail_on, head);
    let mut started_at = unix_now();
    let end = run_events(ctx, options, |event| match event {
        ScanEvent::Started { at } => started_at = *at,
        ScanEvent::Listed { .. } => stream.begin(started_at),
        ScanEvent::Progress(_) => stream.flush(),
        ScanEvent::Row(row) => {
            stream.row(row);
            if let Some(cache) = &mut cache {
                cache.row(row);
            }
        }
        _ => {}
    })
    .await?;
    if let Some(cache) = cache {
        cache.finish(ctx, started_at, end.finished_at);
    }
    let failed = stream.failed();
    let exit = verdict(&stream.finish(Some(end.finished_at)));
    tell_failed_count(failed, account_id.as_deref());
    Ok(exit)
}

fn nothing_cached(ctx: &Context, args: &FleetScanArgs) -> Failure {
    Failure::NothingCached(format!(
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
    ))
}

/// `fleet scan --failed`: only the failed rows of the cached scan are read
/// again and folded in where they stand; the scan keeps its dates, so the
/// rows not read again are as old as they were.
async fn read_failed_again(
    ctx: &Context,
    args: &FleetScanArgs,
    mut scan: FleetScan,
) -> Result<Exit, Failure> {
    let format = Format::of(args.json, args.csv);
    let failed = scan.failed().count();
    if failed == 0 {
        eprintln!("trustdeck: no zone failed in the cached scan; nothing was sent.");
        let age = scan.age(SystemTime::now());
        return Ok(fleet_output::print(&scan, format, &args.fail_on, Some(age)));
    }
    let account = match &args.account {
        Some(text) => Some(resolve::account(ctx, text).await?),
        None => None,
    };
    let options = ScanOptions::failed_of(&scan);
    run_into(ctx, &mut scan, options).await?;
    let left = scan.failed().count();
    eprintln!(
        "trustdeck: read the {failed} zone{} that could not be read again: {} read, {left} \
         still failed; the other rows are from the cached scan.",
        plural(failed),
        failed - left
    );
    fleet_cache::store(ctx, account.as_ref(), &scan).await?;
    let exit = fleet_output::print(&scan, format, &args.fail_on, None);
    tell_failed(&scan);
    Ok(exit)
}

/// On stderr, when rows failed: how many, and the command that reads only them.
fn tell_failed(scan: &FleetScan) {
    tell_failed_count(scan.failed().count(), scan.account_id.as_deref());
}

/// [`tell_failed`] of `failed` rows of a scan of `account_id`.
pub(super) fn tell_failed_count(failed: usize, account_id: Option<&str>) {
    if failed == 0 {
        return;
    }
    let account = account_id
        .map(|id| format!(" --account {}", super::output::clean(id)))
        .unwrap_or_default();
    eprintln!(
        "trustdeck: {failed} zone{} could not be read in this scan; `trustdeck fleet scan \
         --failed{account}` reads them again",
        plural(failed)
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Runs a scan to its end; a listing that failed is a failure (not every
/// zone was read), Ctrl-C cancels it.
pub(super) async fn run(ctx: &Context, account_id: Option<String>) -> Result<FleetScan, Failure> {
    let mut table = FleetScan::new(account_id.clone(), unix_now());
    let options = ScanOptions {
        account_id,
        ..ScanOptions::default()
    };
    run_into(ctx, &mut table, options).await?;
    Ok(table)
}

/// Runs the scan of `options` to its end, folding it into `table`.
async fn run_into(
    ctx: &Context,
    table: &mut FleetScan,
    options: ScanOptions,
) -> Result<(), Failure> {
    run_events(ctx, options, |event| table.apply(event))
        .await
        .map(|_| ())
}

/// Runs the scan of `options` to its end, giving `each` every event; a
/// listing that failed is a failure (not every zone was read), Ctrl-C
/// cancels it.
async fn run_events(
    ctx: &Context,
    options: ScanOptions,
    each: impl FnMut(&ScanEvent),
) -> Result<ScanEnd, Failure> {
    run_scan(ctx, start_scan(&ctx.client, options), ZONES, each).await
}

/// What a scan's targets are called in its messages.
#[derive(Debug, Clone, Copy)]
pub(super) struct Words {
    /// One (`zone`).
    pub one: &'static str,
    /// Several (`zones`).
    pub many: &'static str,
}

/// The zone scan's words.
const ZONES: Words = Words {
    one: "zone",
    many: "zones",
};

/// Runs `run` (a scan of `words`) to its end, giving `each` every event,
/// with its progress on stderr; a listing that failed is a failure (not
/// every target was read), Ctrl-C cancels it.
pub(super) async fn run_scan<R>(
    ctx: &Context,
    mut run: ScanRun<R>,
    words: Words,
    mut each: impl FnMut(&ScanEvent<R>),
) -> Result<ScanEnd, Failure> {
    let terminal = io::stderr().is_terminal();
    let mut progress = ProgressLine::new(terminal);
    let mut story = Story::new(!terminal, words);
    let mut heartbeat =
        tokio::time::interval_at(tokio::time::Instant::now() + STORY_FIRST, STORY_EVERY);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = loop {
        let event = tokio::select! {
            biased;
            () = ctx.interrupt.wait() => {
                run.cancel();
                progress.clear();
                return Err(Failure::Interrupted { in_flight: None });
            }
            event = run.next() => event,
            _ = heartbeat.tick() => {
                story.still(ctx);
                continue;
            }
        };
        let Some(event) = event else { break None };
        if let ScanEvent::Progress(report) = &event {
            progress.show(&progress_line(report, words.many));
        }
        story.event(&event);
        each(&event);
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
        ScanOutcome::Complete => Ok(end),
        ScanOutcome::Cancelled => Err(Failure::Interrupted { in_flight: None }),
        ScanOutcome::ListingFailed(error) => Err(Failure::Scan {
            failure: error.failure,
            message: format!(
                "the {} listing failed, so not every {} was read ({} were): {}; nothing was \
                 printed or cached",
                words.one,
                words.one,
                end.read + end.failed,
                error.message
            ),
        }),
    }
}

/// How long a scan whose stderr is not a terminal runs before it says
/// anything: a quick scan (a cron check) stays quiet.
const STORY_FIRST: Duration = Duration::from_secs(2);
/// How often it says how far it is after that.
const STORY_EVERY: Duration = Duration::from_secs(10);

/// The scan told as lines on a stderr that is not a terminal (a log, a CI
/// job): after [`STORY_FIRST`], what it is waiting for, at each new phase and
/// every [`STORY_EVERY`], so a long wait is never silent.
struct Story {
    on: bool,
    /// What the targets are called.
    words: Words,
    /// Zones to read, once listed.
    listed: Option<usize>,
    /// The latest progress.
    last: Option<ScanProgress>,
    /// When a line was last written.
    told: Option<tokio::time::Instant>,
    started: tokio::time::Instant,
}

impl Story {
    fn new(on: bool, words: Words) -> Self {
        Self {
            on,
            words,
            listed: None,
            last: None,
            told: None,
            started: tokio::time::Instant::now(),
        }
    }

    fn tell(&mut self, line: &str) {
        if self.on && self.started.elapsed() >= STORY_FIRST {
            eprintln!("trustdeck: {line}");
            self.told = Some(tokio::time::Instant::now());
        }
    }

    fn event<R>(&mut self, event: &ScanEvent<R>) {
        let many = self.words.many;
        match event {
            ScanEvent::Started { .. } => self.tell(&format!("listing the {many}…")),
            ScanEvent::Listed { total } => {
                self.listed = Some(*total);
                self.tell(&format!("listed {total} {many}; reading their settings…"));
            }
            ScanEvent::Progress(report) => {
                self.last = Some(report.clone());
                if self.told.is_none_or(|at| at.elapsed() >= STORY_EVERY) {
                    self.tell(&progress_line(report, many));
                }
            }
            _ => {}
        }
    }

    /// A line if none came for a while: what the scan is waiting for.
    fn still(&mut self, ctx: &Context) {
        if self.told.is_some_and(|at| at.elapsed() < STORY_EVERY) {
            return;
        }
        if self.listed.is_none() {
            let budget = ctx.client.budget();
            let why = match budget.blocked_for {
                Some(wait) => format!("; rate limited, waiting {}", seconds(wait)),
                None if budget.waiting_bulk > 0 => format!(
                    "; waiting for the rate-limit budget ({} of {} left, resets in {})",
                    budget.remaining,
                    budget.quota,
                    seconds(budget.resets_in)
                ),
                None => format!("; {} page requests in flight", budget.in_flight),
            };
            let line = format!(
                "still listing the {} after {}{why}",
                self.words.many,
                seconds(self.started.elapsed())
            );
            self.tell(&line);
        } else if let Some(report) = self.last.clone() {
            self.tell(&progress_line(&report, self.words.many));
        }
    }
}

/// "120 of 500 zones · 38 req/s · ETA 12s · budget 1080 of 1200 left", of
/// a scan of `many` (`zones`, `accounts`).
fn progress_line(report: &ScanProgress, many: &str) -> String {
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
        "scanning {} of {} {many}{failed} · {:.0} req/s{eta} · budget {} of {} left, resets in \
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
