//! JSON text that cannot drive a terminal or reorder what a person reads:
//! serde_json escapes only controls below U+0020; here DEL, the C1 controls,
//! bidirectional and invisible format characters become `\u` escapes too.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::api::text::is_hidden;

/// `value` as indented JSON (a `--json` document).
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    render(value, PrettyFormatter::new())
}

/// `value` as one line of JSON (a `.jsonl` record), without the newline.
pub fn to_line<T: Serialize + ?Sized>(value: &T) -> String {
    render(value, CompactFormatter)
}

fn render<T: Serialize + ?Sized, F: Formatter>(value: &T, inner: F) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Escaping(inner));
    if value.serialize(&mut serializer).is_err() {
        return "null".to_owned();
    }
    // Only valid UTF-8 is written: serde_json's own output and `\u` escapes.
    String::from_utf8(out).unwrap_or_else(|_| "null".to_owned())
}

/// A formatter that escapes hidden characters in strings and leaves the
/// layout to `F`.
struct Escaping<F>(F);

/// Whether serde_json would pass `c` through unescaped although it hides.
fn needs_escape(c: char) -> bool {
    c >= ' ' && is_hidden(c)
}

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain = 0;
        for (at, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[plain..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                plain = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escapes_and_the_text_round_trips() {
        let text = "a\u{7f}b\u{85}c\u{202e}d\u{2066}e\u{200b}f\u{e0041}g\u{1b}h é 名";
        let line = to_line(&text);
        for raw in [
            '\u{7f}',
            '\u{85}',
            '\u{202e}',
            '\u{2066}',
            '\u{200b}',
            '\u{e0041}',
            '\u{1b}',
        ] {
            assert!(!line.contains(raw), "{raw:?} left raw in {line}");
        }
        assert!(
            line.contains("\\u007f") && line.contains("\\u202e"),
            "{line}"
        );
        assert!(
            line.contains("é 名"),
            "printable text stays as it is: {line}"
        );
        let back: String = serde_json::from_str(&line).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn pretty_keeps_the_layout() {
        let value = serde_json::json!({"a": ["x\u{9b}"]});
        assert_eq!(to_pretty(&value), "{\n  \"a\": [\n    \"x\\u009b\"\n  ]\n}");
    }
}
