//! What the headless commands print: plain tables and JSON documents on
//! stdout, messages on stderr. Whatever came from a server is cleaned of
//! control and bidirectional-text characters before it reaches a table, so a
//! hostile answer cannot drive the terminal; JSON escapes by itself.

use std::io::{self, Write};

use crate::api::text::is_hidden;
use crate::ui::text::{fit_text, width as text_width};

/// Writes `text` to stdout. A closed pipe (`trustdeck zones | head`) is
/// not an error: the reader has what it wanted.
pub fn print(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes one document of `kind`, pretty-printed with every hidden
/// character escaped, and a newline to stdout.
pub fn print_doc<T: serde::Serialize>(kind: crate::doc::Kind, body: T) {
    let text = crate::doc::to_pretty(&crate::doc::Doc::new(kind, body));
    print(&format!("{text}\n"));
}

/// A line for the person on stderr (never mixed into a document on stdout).
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// A warning on stderr.
pub fn warn(text: &str) {
    eprintln!("trustdeck: warning: {text}");
}

/// `text` with every control, bidirectional-text and invisible format
/// character replaced by `?`.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if is_hidden(c) { '?' } else { c })
        .collect()
}

/// `on`, `off`, or `not reported`.
pub fn on_off(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "on",
        Some(false) => "off",
        None => "not reported",
    }
}

/// The most cells a column takes unless a table says otherwise: one long
/// name must not set the width of the whole table. JSON and CSV keep the
/// full value.
pub const COLUMN_MAX: usize = 40;

/// A plain table: a header line, then one line per row, columns padded
/// with two spaces, no colour, no trailing blanks; a cell wider than its
/// column's cap is cut with `…` (by display width: CJK and emoji count two).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The column titles.
    header: Vec<String>,
    /// The cells, already cleaned.
    rows: Vec<Vec<String>>,
    /// The most cells of each column.
    caps: Vec<usize>,
}

impl Table {
    /// A table with these column titles, each column capped at [`COLUMN_MAX`].
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            caps: vec![COLUMN_MAX; header.len()],
        }
    }

    /// The same table with column `column` capped at `cells` instead.
    pub fn cap(mut self, column: usize, cells: usize) -> Self {
        if let Some(cap) = self.caps.get_mut(column) {
            *cap = cells;
        }
        self
    }

    /// Adds a row; each cell is cleaned and cut to its column's cap.
    pub fn row(&mut self, cells: Vec<String>) {
        let row = cells
            .iter()
            .zip(self.caps.iter().chain(std::iter::repeat(&COLUMN_MAX)))
            .map(|(c, &cap)| fit_text(&clean(c), cap))
            .collect();
        self.rows.push(row);
    }

    /// The table as text, each line ending in a newline.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths = vec![0usize; columns];
        for line in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(text_width(cell));
            }
        }
        let mut out = String::new();
        for line in std::iter::once(&self.header).chain(&self.rows) {
            let mut text = String::new();
            for (i, (cell, width)) in line.iter().zip(&widths).enumerate() {
                text.push_str(cell);
                if i + 1 < columns {
                    let pad = width - text_width(cell) + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Label-value lines (`Zone      shop.example.com`), labels padded to one width.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(label, value)| {
            let line = format!("{label:<width$}  {}", clean(value));
            format!("{}\n", line.trim_end())
        })
        .collect()
}

/// A progress line on stderr, redrawn in place; nothing when stderr is not
/// a terminal.
pub struct ProgressLine {
    /// Whether to draw at all.
    on: bool,
    /// Whether a line is on screen.
    drawn: bool,
}

impl ProgressLine {
    pub fn new(on: bool) -> Self {
        Self { on, drawn: false }
    }

    /// Replaces the line on screen with `line`.
    pub fn show(&mut self, line: &str) {
        if !self.on {
            return;
        }
        let mut stderr = io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
        self.drawn = true;
    }

    /// Takes the line off the screen, before other output.
    pub fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_pads_columns_and_cleans_cells() {
        let mut table = Table::new(&["ID", "NAME"]);
        table.row(vec!["1".into(), "shop.example.com".into()]);
        table.row(vec!["22".into(), "evil\u{1b}[2J\u{202e}moc.x".into()]);
        assert_eq!(
            table.render(),
            "ID  NAME\n1   shop.example.com\n22  evil?[2J?moc.x\n"
        );
    }

    #[test]
    fn a_long_cell_is_cut_to_its_column_by_display_width() {
        let mut table = Table::new(&["ID", "NAME", "NOTE"]).cap(2, 6);
        table.row(vec!["1".into(), "x".repeat(5000), "abcdefgh".into()]);
        table.row(vec!["2".into(), "店".repeat(30), "🔒🔒🔒🔒".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], format!("1   {}…  abcde…", "x".repeat(39)));
        assert_eq!(lines[2], format!("2   {}…   🔒🔒…", "店".repeat(19)));
        for line in lines {
            assert!(text_width(line) <= 4 + 40 + 2 + 6, "{line}");
        }
    }

    #[test]
    fn field_lines_share_one_label_width() {
        assert_eq!(
            fields(&[("Zone", "a".into()), ("Scanning", "on".into())]),
            "Zone      a\nScanning  on\n"
        );
    }
}

/// One CSV cell: quoted when it holds a comma, a quote or a line break
/// (RFC 4180), and prefixed with `'` when a spreadsheet would take it for a
/// formula.
pub fn csv_field(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|&c| c.is_control() || !crate::api::text::is_hidden(c))
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    // Spreadsheets skip leading blanks before reading a formula, and read
    // the fullwidth signs as ASCII ones.
    let lead = text.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    let text = if lead.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠']) {
        format!("'{text}")
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// CSV rows under a header line (RFC 4180), every cell through [`csv_field`].
#[derive(Debug, Clone, Default)]
pub struct Csv {
    /// The text so far.
    text: String,
}

impl Csv {
    /// A CSV with these column names.
    pub fn new(header: &[&str]) -> Self {
        let mut csv = Self::default();
        csv.push(header.iter().copied());
        csv
    }

    /// One row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.push(cells);
    }

    fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<String> = cells.into_iter().map(|c| csv_field(c.as_ref())).collect();
        self.text.push_str(&cells.join(","));
        self.text.push('\n');
    }

    /// The whole text.
    pub fn render(&self) -> &str {
        &self.text
    }
}
