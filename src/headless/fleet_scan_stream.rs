//! `fleet scan --json` and `--csv` written as the rows come, so the output
//! neither waits for nor holds the whole fleet: memory stays flat at
//! 100,000 zones.
//!
//! JSON is still one `fleet_scan` document, not NDJSON: every script that
//! reads `fleet_scan` reads it unchanged with one parser call, and it still
//! matches the schema (whose key order does not matter). Its keys come in
//! the order they are known: `kind`, `version`, `started_at`, `cached`,
//! `age_seconds`, `account`, then `zones` (a row written as each zone is
//! read), then what only the end knows: `finished_at`, `counts`, `fail_on`,
//! `failing`. A reader that wants rows one at a time streams the `zones`
//! array (`jq --stream`, ijson). The zones come in the order they were read:
//! sorting what needs attention first would hold every row until the last;
//! the table for a person keeps that order. A scan stopped midway (Ctrl-C,
//! exit 130) leaves the document unclosed, so no parser takes it for a whole
//! scan.
//!
//! CSV: the header, then one line per zone as it is read.

use std::io::{self, BufWriter, Write};

use crate::cli::FailOn;
use crate::doc::{self, AccountRef, FailOnCount, Kind, ScanCounts, Timestamp};
use crate::fleet::{Coverage, FleetRow};

use super::fleet_output::{CSV_HEADER, condition_name, conditions, csv_cells, holds};
use super::fleet_scan_doc::{counts_of, unix, zone_row};
use super::output::csv_field;

/// Which streamed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// One `fleet_scan` document.
    Json,
    /// CSV with a header line.
    Csv,
}

/// The keys of a `fleet_scan` document known before its first row.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// Whether the rows come from the scan cache.
    pub cached: bool,
    /// How old the cached scan is, in seconds.
    pub age_seconds: Option<u64>,
    /// The account the scan was limited to.
    pub account: Option<AccountRef>,
}

/// A scan's output being written, row by row; it counts the coverage and
/// the `--fail-on` conditions as the rows pass.
#[derive(Debug)]
pub struct ScanStream<W: Write> {
    /// Where it goes.
    out: BufWriter<W>,
    /// Which form.
    format: StreamFormat,
    /// The keys known up front.
    head: Head,
    /// Each `--fail-on` condition (once) and how many rows met it.
    met: Vec<(FailOn, usize)>,
    /// The coverage of the rows so far.
    coverage: Coverage,
    /// Rows written; `None` before [`ScanStream::begin`].
    rows: Option<usize>,
    /// A write failed (a closed pipe): nothing more is written.
    broken: bool,
}

impl ScanStream<io::Stdout> {
    /// A stream to stdout.
    pub fn stdout(format: StreamFormat, fail_on: &[FailOn], head: Head) -> Self {
        Self::new(io::stdout(), format, fail_on, head)
    }
}

impl<W: Write> ScanStream<W> {
    /// A stream to `out`; nothing is written before [`ScanStream::begin`].
    pub fn new(out: W, format: StreamFormat, fail_on: &[FailOn], head: Head) -> Self {
        let met = conditions(fail_on).into_iter().map(|c| (c, 0)).collect();
        Self {
            out: BufWriter::with_capacity(64 * 1024, out),
            format,
            head,
            met,
            coverage: Coverage::default(),
            rows: None,
            broken: false,
        }
    }

    /// Writes what comes before the rows, for a scan begun at `started_at`
    /// (seconds since the Unix epoch); once.
    pub fn begin(&mut self, started_at: u64) {
        if self.rows.is_some() {
            return;
        }
        self.rows = Some(0);
        let text = match self.format {
            StreamFormat::Csv => csv_line(CSV_HEADER.iter().copied()),
            StreamFormat::Json => {
                let mut text = String::from("{");
                key(&mut text, "kind", &Kind::FleetScan, true);
                key(&mut text, "version", &doc::VERSION, false);
                key(&mut text, "started_at", &unix(started_at), false);
                key(&mut text, "cached", &self.head.cached, false);
                key(&mut text, "age_seconds", &self.head.age_seconds, false);
                key(&mut text, "account", &self.head.account, false);
                text.push_str(",\n  \"zones\": [");
                text
            }
        };
        self.write(&text);
    }

    /// Writes one row and counts it.
    pub fn row(&mut self, row: &FleetRow) {
        let Some(written) = self.rows else {
            return;
        };
        self.rows = Some(written + 1);
        self.coverage.add(row);
        for (condition, n) in &mut self.met {
            if holds(*condition, row) {
                *n += 1;
            }
        }
        let text = match self.format {
            StreamFormat::Csv => csv_line(csv_cells(row).iter().map(String::as_str)),
            StreamFormat::Json => {
                let zone = indent(&doc::to_pretty(&zone_row(row)), "\n    ");
                let comma = if written == 0 { "" } else { "," };
                format!("{comma}\n    {zone}")
            }
        };
        self.write(&text);
    }

    /// Writes what comes after the rows (a JSON document's summary) and
    /// returns each `--fail-on` condition with how many rows met it.
    pub fn finish(mut self, finished_at: Option<u64>) -> Vec<(FailOn, usize)> {
        if self.format == StreamFormat::Json {
            let mut text = String::from(if self.rows.unwrap_or(0) == 0 {
                "]"
            } else {
                "\n  ]"
            });
            let fail_on: Vec<FailOnCount> = self
                .met
                .iter()
                .map(|(c, n)| FailOnCount {
                    condition: condition_name(*c),
                    zones: *n,
                })
                .collect();
            let finished: Option<Timestamp> = finished_at.and_then(unix);
            key(&mut text, "finished_at", &finished, false);
            let counts: ScanCounts = counts_of(&self.coverage);
            key(&mut text, "counts", &counts, false);
            key(&mut text, "fail_on", &fail_on, false);
            key(
                &mut text,
                "failing",
                &self.met.iter().any(|(_, n)| *n > 0),
                false,
            );
            text.push_str("\n}\n");
            self.write(&text);
        }
        self.flush();
        self.met
    }

    /// Hands what is written so far to the reader (at each progress report,
    /// so rows show up while the scan runs, without a write per row).
    pub fn flush(&mut self) {
        if !self.broken && self.out.flush().is_err() {
            self.broken = true;
        }
    }

    /// How many rows could not be read.
    pub fn failed(&self) -> usize {
        self.coverage.unreadable
    }

    fn write(&mut self, text: &str) {
        if !self.broken && self.out.write_all(text.as_bytes()).is_err() {
            self.broken = true;
        }
    }
}

/// Appends `"name": value` as a key of a pretty document's top level.
fn key<T: serde::Serialize>(text: &mut String, name: &str, value: &T, first: bool) {
    if !first {
        text.push(',');
    }
    text.push_str("\n  \"");
    text.push_str(name);
    text.push_str("\": ");
    text.push_str(&indent(&doc::to_pretty(value), "\n  "));
}

/// A pretty JSON value with every line after the first indented: a JSON
/// string never holds a raw line break, so each `\n` is between tokens.
fn indent(pretty: &str, newline: &str) -> String {
    pretty.replace('\n', newline)
}

fn csv_line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let mut line = cells.map(csv_field).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::api::model::Zone;

    fn written(rows: &[FleetRow], format: StreamFormat) -> String {
        let mut out = Vec::new();
        let mut stream = ScanStream::new(&mut out, format, &[FailOn::Error], Head::default());
        stream.begin(1_700_000_000);
        for row in rows {
            stream.row(row);
        }
        let met = stream.finish(Some(1_700_000_001));
        assert_eq!(met, vec![(FailOn::Error, rows.len())]);
        String::from_utf8(out).unwrap()
    }

    fn failed_row(name: &str, detail: &str) -> FleetRow {
        let zone = Zone {
            id: "0".repeat(32),
            name: name.to_owned(),
            ..Zone::default()
        };
        let error = ApiError::Decode {
            status: 200,
            detail: detail.to_owned(),
        };
        FleetRow::new(&zone, &Err(error), 1_700_000_000)
    }

    #[test]
    fn a_streamed_document_is_valid_json_with_no_row_one_or_several() {
        for n in [0, 1, 3] {
            let rows: Vec<FleetRow> = (0..n)
                .map(|_| failed_row("a\u{202E}b.example", "a \"quoted\"\nline"))
                .collect();
            let text = written(&rows, StreamFormat::Json);
            let value: serde_json::Value = serde_json::from_str(&text).expect(&text);
            assert_eq!(value["zones"].as_array().map(Vec::len), Some(n), "{text}");
            assert_eq!(value["counts"]["unreadable"], n);
            assert_eq!(value["failing"], n > 0);
            assert_eq!(value["kind"], "fleet_scan");
            assert!(!text.contains('\u{202E}'), "hidden characters are escaped");
        }
    }

    #[test]
    fn a_streamed_csv_has_the_header_and_a_line_per_row() {
        let text = written(
            &[failed_row("x.example", "no"), failed_row("y.example", "no")],
            StreamFormat::Csv,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(lines[1].contains("x.example"), "{text}");
    }
}
