//! A fleet scan as a table (the coverage line, then every zone, what needs
//! attention first), one JSON document, or CSV (both streamed, in the
//! order the rows were read: `fleet_scan_stream.rs`); and `--fail-on`,
//! which turns the conditions a cron job cares about into exit 1.

use std::time::{Duration, SystemTime};

use clap::ValueEnum;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::api::model::EmailState;
use crate::cli::FailOn;
use crate::fleet::{
    Attention, CachedRows, Filter, FleetRow, FleetScan, Lock, Quick, ScanningState, SortKey,
    ZoneCsam, visible,
};

use crate::doc::AccountRef;

use super::fleet_scan_doc::zone_row;
use super::fleet_scan_stream::{Head, ScanStream, StreamFormat};
use super::output::{self, Table, note};
use super::{Exit, Failure};

/// How a scan is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for a person.
    Table,
    /// One JSON document.
    Json,
    /// CSV with a header line.
    Csv,
}

impl Format {
    /// From `--json` and `--csv` (which clap keeps apart).
    pub fn of(json: bool, csv: bool) -> Self {
        match (json, csv) {
            (true, _) => Self::Json,
            (_, true) => Self::Csv,
            _ => Self::Table,
        }
    }

    /// The streamed form, if it is one.
    pub fn streamed(self) -> Option<StreamFormat> {
        match self {
            Self::Table => None,
            Self::Json => Some(StreamFormat::Json),
            Self::Csv => Some(StreamFormat::Csv),
        }
    }
}

/// Whether `row` meets `condition`.
pub fn holds(condition: FailOn, row: &FleetRow) -> bool {
    match condition {
        FailOn::Off => Quick::NotScanning.matches(row),
        FailOn::NoSource => Quick::NoSource.matches(row),
        FailOn::NoEmail => Quick::NoEmail.matches(row),
        FailOn::Unverified => row.state().is_some_and(|state| {
            !matches!(
                state.email_state,
                Some(EmailState::Valid | EmailState::Pending)
            )
        }),
        FailOn::Pending => Quick::Pending.matches(row),
        FailOn::Locked => Quick::Locked.matches(row),
        FailOn::Error => Quick::Error.matches(row),
    }
}

/// Each condition of `--fail-on`, once, in the order given.
pub fn conditions<C: Copy + PartialEq>(fail_on: &[C]) -> Vec<C> {
    let mut once: Vec<C> = Vec::new();
    for condition in fail_on {
        if !once.contains(condition) {
            once.push(*condition);
        }
    }
    once
}

/// The condition as `--fail-on` names it.
pub fn condition_name(condition: FailOn) -> String {
    condition
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// Prints `scan` (cached `age` ago, if it is from the cache) and returns the
/// exit status `--fail-on` asks for; each condition that holds is also said
/// on stderr.
pub fn print(scan: &FleetScan, format: Format, fail_on: &[FailOn], age: Option<Duration>) -> Exit {
    if let Some(age) = age {
        note(&cached_line(scan, age));
    }
    let head = Head {
        cached: age.is_some(),
        age_seconds: age.map(|a| a.as_secs()),
        account: account_of(scan.account_id.as_deref()),
    };
    let Some(streamed) = format.streamed() else {
        let rows = scan.rows();
        let order = visible(rows, &Filter::default(), SortKey::Attention);
        output::print(&table(scan, &order));
        let counts: Vec<(FailOn, usize)> = conditions(fail_on)
            .into_iter()
            .map(|c| (c, rows.iter().filter(|row| holds(c, row)).count()))
            .collect();
        return verdict(&counts);
    };
    let mut stream = ScanStream::stdout(streamed, fail_on, head);
    stream.begin(scan.started_at);
    for row in scan.rows() {
        stream.row(row);
    }
    verdict(&stream.finish(scan.finished_at))
}

/// `fleet scan --cached --json | --csv`: [`print`]'s streamed forms, the
/// rows read from the cache one at a time, never all held.
pub fn print_cached_stream(
    rows: CachedRows,
    streamed: StreamFormat,
    fail_on: &[FailOn],
) -> Result<Exit, Failure> {
    let head = rows.head().clone();
    let age = head.age(SystemTime::now());
    note(&cached_line_at(head.finished_at, age));
    let mut stream = ScanStream::stdout(
        streamed,
        fail_on,
        Head {
            cached: true,
            age_seconds: Some(age.as_secs()),
            account: account_of(head.account_id.as_deref()),
        },
    );
    stream.begin(head.started_at);
    if let Err(warning) = rows.each(|row| stream.row(&row)) {
        // The first pass read the whole file: only a disk that fails
        // between the passes gets here, and the document is left unclosed.
        return Err(Failure::Scan {
            failure: crate::fleet::Failure::BadAnswer { status: None },
            message: format!("the cached scan could not be read to its end: {warning}"),
        });
    }
    let exit = verdict(&stream.finish(head.finished_at));
    super::fleet::tell_failed_count(head.failed, head.account_id.as_deref());
    Ok(exit)
}

/// The account of a scan limited to one, as a document names it.
pub fn account_of(id: Option<&str>) -> Option<AccountRef> {
    id.map(|id| AccountRef {
        id: id.to_owned(),
        name: None,
    })
}

/// The exit status `--fail-on` asks for, from each condition and how many
/// zones meet it; each condition that holds is also said on stderr.
pub fn verdict(counts: &[(FailOn, usize)]) -> Exit {
    let mut exit = Exit::Done;
    for (condition, zones) in counts.iter().filter(|(_, n)| *n > 0) {
        note(&format!(
            "trustdeck: --fail-on {}: {zones} zone{} {}",
            condition_name(*condition),
            if *zones == 1 { "" } else { "s" },
            condition_words(*condition)
        ));
        exit = Exit::Unmet;
    }
    exit
}

fn condition_words(condition: FailOn) -> &'static str {
    match condition {
        FailOn::Off => "not scanning",
        FailOn::NoSource => "scanning with every source off (they scan nothing)",
        FailOn::NoEmail => "with no notification email",
        FailOn::Unverified => "with the notification email unverified",
        FailOn::Pending => "with a verification email pending",
        FailOn::Locked => "locked by Trust & Safety",
        FailOn::Error => "whose setting could not be read",
    }
}

fn cached_line(scan: &FleetScan, age: Duration) -> String {
    cached_line_at(scan.finished_at, age)
}

/// "Cached scan from 5m ago (…); no request was sent." of a scan that
/// ended at `finished_at`.
pub fn cached_line_at(finished_at: Option<u64>, age: Duration) -> String {
    let when = finished_at
        .and_then(|at| OffsetDateTime::from_unix_timestamp(at as i64).ok())
        .and_then(|at| {
            at.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| "an unknown time".to_owned());
    let age = humantime::format_duration(Duration::from_secs(age.as_secs()));
    format!("Cached scan from {age} ago ({when}); no request was sent.")
}

fn attention_words(attention: Attention) -> &'static str {
    match attention {
        Attention::Unreadable => "could not be read",
        Attention::Locked => "locked",
        Attention::NotScanning => "not scanning",
        Attention::NoSource => "scans nothing: no source on",
        Attention::NoEmail => "no email",
        Attention::EmailUnverified => "email unverified",
        Attention::Pending => "email pending",
        Attention::Fine => "ok",
    }
}

fn scanning_word(scanning: ScanningState) -> &'static str {
    match scanning {
        ScanningState::On => "on",
        ScanningState::OnNoSource => "on · no source",
        ScanningState::Off => "off",
        ScanningState::NotReported => "not reported",
    }
}

fn lock_word(lock: Lock) -> &'static str {
    match lock {
        Lock::Editable => "editable",
        Lock::Locked => "locked",
        Lock::NotReported => "not reported",
    }
}

/// The table cells of one row: zone, account, plan, scanning, email,
/// sources, lock, attention, and the error (empty when read).
fn cells(row: &FleetRow) -> [String; 9] {
    let account = row
        .account
        .as_ref()
        .map(|a| {
            if a.name.is_empty() {
                a.id.clone()
            } else {
                a.name.clone()
            }
        })
        .unwrap_or_default();
    let (scanning, email, sources, lock, error) = match &row.csam {
        ZoneCsam::Read(state) => (
            row.scanning_state()
                .map_or("not reported", scanning_word)
                .to_owned(),
            row.email_word().unwrap_or_default().replace('_', " "),
            format!("{}/{}", state.sources_on, state.sources_total),
            lock_word(state.lock).to_owned(),
            String::new(),
        ),
        ZoneCsam::Failed(error) => (
            "?".to_owned(),
            "?".to_owned(),
            "?".to_owned(),
            "?".to_owned(),
            error.message.clone(),
        ),
    };
    [
        row.zone_name.clone(),
        account,
        row.plan.clone().unwrap_or_default(),
        scanning,
        email,
        sources,
        lock,
        attention_words(row.attention()).to_owned(),
        error,
    ]
}

/// The error column is the last: room for a whole server message, bounded.
const ERROR_MAX: usize = 100;

fn table(scan: &FleetScan, order: &[usize]) -> String {
    let mut table = Table::new(&[
        "ZONE",
        "ACCOUNT",
        "PLAN",
        "SCANNING",
        "EMAIL",
        "SOURCES",
        "LOCK",
        "ATTENTION",
        "ERROR",
    ])
    .cap(8, ERROR_MAX);
    for &i in order {
        table.row(cells(&scan.rows()[i]).to_vec());
    }
    format!("{}\n{}", scan.coverage(), table.render())
}

/// The CSV columns: the JSON's words, flattened.
pub const CSV_HEADER: &[&str] = &[
    "zone_id",
    "zone_name",
    "account_id",
    "account_name",
    "plan",
    "zone_status",
    "coverage",
    "lock",
    "email_state",
    "email",
    "sources_on",
    "sources_total",
    "attention",
    "error_kind",
    "error",
];

/// The CSV cells of one row, under [`CSV_HEADER`].
pub fn csv_cells(row: &FleetRow) -> [String; 15] {
    {
        let row = zone_row(row);
        let account = row.zone.account.as_ref();
        let setting = row.setting.as_ref();
        let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        [
            row.zone.id.clone(),
            row.zone.name.clone().unwrap_or_default(),
            account.map(|a| a.id.clone()).unwrap_or_default(),
            account.and_then(|a| a.name.clone()).unwrap_or_default(),
            row.plan.clone().unwrap_or_default(),
            row.zone_status.clone().unwrap_or_default(),
            row.status
                .map(|s| json_word(&s.coverage))
                .unwrap_or_default(),
            row.status.map(|s| json_word(&s.lock)).unwrap_or_default(),
            setting
                .and_then(|s| s.email_state.as_ref())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            row.email.clone().unwrap_or_default(),
            count(row.sources_on),
            count(row.sources_total),
            json_word(&row.attention),
            row.error
                .as_ref()
                .map(|e| e.kind.clone())
                .unwrap_or_default(),
            row.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        ]
    }
}

/// A value's JSON word (`not_scanning`), for CSV cells.
fn json_word(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::output::csv_field;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("a\u{1b}b"), "a b");
        assert_eq!(csv_field("\t=1+1"), "' =1+1");
        assert_eq!(csv_field("\r\n =1"), "\"' \n =1\"");
        assert_eq!(csv_field("＝1+1"), "'＝1+1");
        assert_eq!(csv_field("＠SUM(1)"), "'＠SUM(1)");
        assert_eq!(csv_field("\u{202E}=1\u{2066}x"), "'=1x");
    }
}
