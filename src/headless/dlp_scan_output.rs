//! An accounts scan as a table (every account, what needs attention first,
//! then the summary line), one `dlp_scan` JSON document or CSV; and
//! `--fail-on`, which turns the conditions a cron job cares about into
//! exit 1. The payload-logging key shows only as its fingerprint.

use std::time::Duration;

use crate::api::model::MaskingLevel;
use crate::doc::{
    self, DlpFailOnCount, DlpScanAccount, DlpScanBody, Kind, PayloadLogging, Timestamp,
};
use crate::fleet::{
    AccountAttention, AccountQuick, AccountRow, AccountScan, AccountSummary, Masking,
};

use super::Exit;
use super::fleet_output::{Format, cached_line_at, conditions};
use super::fleet_scan_doc::{read_error, unix};
use super::output::{self, Csv, Table, note, print_doc};

/// Which accounts of a scan are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every one.
    All,
    /// Only these ids (`--account`).
    Only(Vec<String>),
}

/// Prints the accounts of `scope` in `scan` (cached `age` ago, if it is
/// from the cache) and returns the exit status `--fail-on` asks for; each
/// condition that holds is also said on stderr.
pub fn print(
    scan: &AccountScan,
    scope: &Scope,
    format: Format,
    fail_on: &[AccountQuick],
    age: Option<Duration>,
) -> Exit {
    if let Some(age) = age {
        note(&cached_line_at(scan.finished_at, age));
    }
    let rows = ordered(scan, scope);
    let counts: Vec<(AccountQuick, usize)> = conditions(fail_on)
        .into_iter()
        .map(|c| (c, rows.iter().filter(|row| row.is(c)).count()))
        .collect();
    let summary = AccountSummary::of(rows.iter().copied());
    match format {
        Format::Table => output::print(&format!("{}{summary}\n", table(&rows))),
        Format::Csv => {
            let mut csv = Csv::new(CSV_HEADER);
            for row in &rows {
                csv.row(csv_cells(row));
            }
            output::print(csv.render());
        }
        Format::Json => print_doc(
            Kind::DlpScan,
            DlpScanBody {
                started_at: unix(scan.started_at),
                finished_at: scan.finished_at.and_then(unix),
                cached: age.is_some(),
                age_seconds: age.map(|a| a.as_secs()),
                accounts: rows.iter().map(|row| account_row(row)).collect(),
                summary,
                fail_on: counts
                    .iter()
                    .map(|(c, n)| DlpFailOnCount {
                        condition: c.word().to_owned(),
                        accounts: *n,
                    })
                    .collect(),
                failing: counts.iter().any(|(_, n)| *n > 0),
            },
        ),
    }
    verdict(&counts)
}

/// The rows of `scope`, what needs attention first, then by name and id.
fn ordered<'a>(scan: &'a AccountScan, scope: &Scope) -> Vec<&'a AccountRow> {
    let mut rows: Vec<&AccountRow> = scan
        .rows()
        .iter()
        .filter(|row| match scope {
            Scope::All => true,
            Scope::Only(ids) => ids.contains(&row.account_id),
        })
        .collect();
    rows.sort_by_cached_key(|row| {
        (
            row.attention(),
            row.account_name.to_lowercase(),
            row.account_id.clone(),
        )
    });
    rows
}

/// The exit status `--fail-on` asks for; each condition that holds is said
/// on stderr.
fn verdict(counts: &[(AccountQuick, usize)]) -> Exit {
    let mut exit = Exit::Done;
    for (condition, accounts) in counts.iter().filter(|(_, n)| *n > 0) {
        note(&format!(
            "trustdeck: --fail-on {}: {accounts} account{} {}",
            condition.word(),
            if *accounts == 1 { "" } else { "s" },
            condition_words(*condition)
        ));
        exit = Exit::Unmet;
    }
    exit
}

fn condition_words(condition: AccountQuick) -> &'static str {
    match condition {
        AccountQuick::NoKey => "without a payload-logging key",
        AccountQuick::Clear => "logging matched payloads in clear",
        AccountQuick::OcrOff => "with OCR off",
        AccountQuick::AiOff => "with AI context analysis off",
        AccountQuick::Unreadable => "whose DLP settings could not be read",
    }
}

fn attention_words(attention: AccountAttention) -> &'static str {
    match attention {
        AccountAttention::Clear => "logs payloads in clear",
        AccountAttention::NoKey => "no payload-logging key",
        AccountAttention::Unreadable => "could not be read",
        AccountAttention::OcrOff => "OCR off",
        AccountAttention::AiOff => "AI context off",
        AccountAttention::Fine => "ok",
    }
}

/// The error column is the last: room for a whole server message, bounded.
const ERROR_MAX: usize = 100;

fn table(rows: &[&AccountRow]) -> String {
    let mut table = Table::new(&[
        "ACCOUNT",
        "TYPE",
        "AI CONTEXT",
        "OCR",
        "PAYLOAD LOGGING",
        "MASKING",
        "UPDATED",
        "ATTENTION",
        "ERROR",
    ])
    .cap(8, ERROR_MAX);
    for row in rows {
        table.row(cells(row).to_vec());
    }
    table.render()
}

/// The table cells of one row.
fn cells(row: &AccountRow) -> [String; 9] {
    let name = if row.account_name.is_empty() {
        row.account_id.clone()
    } else {
        row.account_name.clone()
    };
    let kind = row.account_type.clone().unwrap_or_default();
    let attention = attention_words(row.attention()).to_owned();
    let Some(state) = row.state() else {
        let unknown = || "?".to_owned();
        let error = row.error().map(|e| e.message.clone()).unwrap_or_default();
        return [
            name,
            kind,
            unknown(),
            unknown(),
            unknown(),
            unknown(),
            unknown(),
            attention,
            error,
        ];
    };
    let on_off = |on: bool| output::on_off(Some(on)).to_owned();
    [
        name,
        kind,
        on_off(state.ai_context_analysis),
        on_off(state.ocr),
        state
            .key_fingerprint
            .clone()
            .unwrap_or_else(|| "off".to_owned()),
        state
            .masking
            .map(Masking::word)
            .unwrap_or_default()
            .to_owned(),
        state.updated_at.clone().unwrap_or_default(),
        attention,
        String::new(),
    ]
}

/// The payload logging of a read row in the documents' words.
fn logging_of(row: &AccountRow) -> Option<PayloadLogging> {
    let state = row.state()?;
    Some(PayloadLogging {
        masking_level: state.masking.map(|m| match m {
            Masking::Full => MaskingLevel::Full,
            Masking::Partial => MaskingLevel::Partial,
            Masking::Clear => MaskingLevel::Clear,
            Masking::Default => MaskingLevel::Default,
            Masking::Other => MaskingLevel::Unknown(m.word().to_owned()),
        }),
        public_key_set: state.has_key(),
        public_key_fingerprint: state.key_fingerprint.clone(),
        updated_at: state.updated_at.as_deref().and_then(Timestamp::parse),
    })
}

/// One row as a document row.
fn account_row(row: &AccountRow) -> DlpScanAccount {
    let state = row.state();
    DlpScanAccount {
        account: doc::Account {
            id: row.account_id.clone(),
            name: Some(row.account_name.clone()).filter(|n| !n.is_empty()),
            kind: row.account_type.clone(),
        },
        ai_context_analysis: state.map(|s| s.ai_context_analysis),
        ocr: state.map(|s| s.ocr),
        payload_logging: logging_of(row),
        attention: row.attention(),
        read_at: unix(row.read_at),
        error: row.error().map(read_error),
    }
}

/// The CSV columns: the JSON's words, flattened.
pub const CSV_HEADER: &[&str] = &[
    "account_id",
    "account_name",
    "account_type",
    "ai_context_analysis",
    "ocr",
    "public_key_set",
    "public_key_fingerprint",
    "masking_level",
    "updated_at",
    "attention",
    "read_at",
    "error_kind",
    "error",
];

/// The CSV cells of one row, under [`CSV_HEADER`].
fn csv_cells(row: &AccountRow) -> [String; 13] {
    let doc = account_row(row);
    let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    let logging = doc.payload_logging.as_ref();
    let time = |t: Option<&Timestamp>| t.map(|t| doc::to_line(t).trim_matches('"').to_owned());
    [
        doc.account.id.clone(),
        doc.account.name.clone().unwrap_or_default(),
        doc.account.kind.clone().unwrap_or_default(),
        flag(doc.ai_context_analysis),
        flag(doc.ocr),
        flag(logging.map(|l| l.public_key_set)),
        logging
            .and_then(|l| l.public_key_fingerprint.clone())
            .unwrap_or_default(),
        logging
            .and_then(|l| l.masking_level.as_ref())
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        time(logging.and_then(|l| l.updated_at.as_ref())).unwrap_or_default(),
        doc::to_line(&doc.attention).trim_matches('"').to_owned(),
        time(doc.read_at.as_ref()).unwrap_or_default(),
        doc.error
            .as_ref()
            .map(|e| e.kind.clone())
            .unwrap_or_default(),
        doc.error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
    ]
}
