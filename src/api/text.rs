//! Server text made fit for an error message: one printable line, bounded,
//! whatever bytes the server sent.

/// The most characters of server text an error keeps (Cloudflare's messages).
pub(crate) const MESSAGE_MAX: usize = 300;
/// The most characters of a redirect's target an error keeps.
pub(crate) const LOCATION_MAX: usize = 100;
/// The most characters of a non-JSON body an error keeps.
pub(crate) const SNIPPET_MAX: usize = 120;

/// `text` as one line: runs of whitespace become one space, control and
/// invisible formatting characters (bidi overrides, zero-width) are dropped,
/// and at most `max` characters are kept, then `…`.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    truncate(normalize(text), max)
}

/// [`one_line`] with every secret of `secrets` replaced by
/// [`REDACTED`], found in the line as it is kept: a secret the server split
/// with invisible characters is found too, and a cut never leaves a piece
/// of one.
pub(crate) fn one_line_scrubbed(text: &str, max: usize, secrets: &Secrets<'_>) -> String {
    truncate(secrets.replace(normalize(text)), max)
}

/// Whitespace runs as one space, hidden characters dropped, no edges.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if is_hidden(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// The first `max` characters of `line`, then `…` if it was longer.
fn truncate(line: String, max: usize) -> String {
    match line.char_indices().nth(max) {
        None => line,
        Some((cut, _)) => {
            let mut out = line[..cut].trim_end().to_owned();
            out.push('…');
            out
        }
    }
}

/// What stands in a text from the network where it held a secret.
pub const REDACTED: &str = "[redacted]";

/// The configured secrets (token, global key), to scrub from every text
/// that came from the network before it is kept: a server, a proxy or a
/// mirror that echoes the token must not get it printed, drawn or logged.
/// A secret of [`SECRET_MIN`] characters or more counts, however short the
/// real ones are (Cloudflare's are 37 to 40).
pub(crate) struct Secrets<'a>(Vec<&'a str>);

/// Shorter credentials are scrubbed from nothing: a one-letter "token" is
/// no secret, and replacing every `t` would leave no message readable.
pub(crate) const SECRET_MIN: usize = 4;

impl<'a> Secrets<'a> {
    pub fn new(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            secrets
                .into_iter()
                .filter(|s| s.chars().count() >= SECRET_MIN)
                .collect(),
        )
    }

    /// `text` with each secret replaced by [`REDACTED`].
    pub fn replace(&self, mut text: String) -> String {
        for secret in &self.0 {
            if text.contains(secret) {
                text = text.replace(secret, REDACTED);
            }
        }
        text
    }

    /// `text` without its secrets; when a secret shows only once hidden
    /// characters are dropped, they are dropped (as any line drawn of it
    /// would drop or escape them).
    pub fn scrub(&self, text: &str) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        let visible: String = text.chars().filter(|c| !is_hidden(*c)).collect();
        if self.0.iter().any(|s| visible.contains(s)) {
            Some(self.replace(visible))
        } else {
            self.0
                .iter()
                .any(|s| text.contains(s))
                .then(|| self.replace(text.to_owned()))
        }
    }

    /// Every string of `value`, object keys included, scrubbed in place.
    pub fn scrub_value(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if self.0.is_empty() {
            return;
        }
        match value {
            Value::String(text) => {
                if let Some(clean) = self.scrub(text) {
                    *text = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_value(v)),
            Value::Object(map) => {
                if map.keys().any(|k| self.scrub(k).is_some()) {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(k, v)| (self.scrub(&k).unwrap_or(k), v))
                        .collect();
                }
                map.values_mut().for_each(|v| self.scrub_value(v));
            }
            _ => {}
        }
    }
}

/// Characters that print nothing, break the line or reorder what follows:
/// controls (C0, DEL, C1), bidirectional marks, overrides and isolates,
/// zero-width characters, the line and paragraph separators and the tag
/// characters. The one set every text shown to a person is checked
/// against: the dashboard draws them as escapes, headless tables as `?`,
/// CSV strips them.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Where `needle` (ASCII) first occurs in `haystack`, ignoring ASCII case.
///
/// The offset is found in `haystack` itself and starts at an ASCII byte, so it
/// is a char boundary of `haystack`.
fn find_ascii(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The text of an HTML page's `<title>`, if it has one.
fn html_title(body: &str) -> Option<&str> {
    let open = find_ascii(body, "<title")?;
    let after_tag = body.get(open..)?;
    let content = after_tag.get(after_tag.find('>')? + 1..)?;
    content.get(..find_ascii(content, "</title")?)
}

/// A single-line excerpt of a non-JSON body: an HTML page's title, else its start.
pub(crate) fn snippet(body: &str) -> String {
    let text = html_title(body)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(body);
    let out = one_line(text, SNIPPET_MAX);
    if out.is_empty() {
        "(empty body)".to_owned()
    } else {
        out
    }
}

/// A public key shown without drawing it: `SHA256:` and the first 8 bytes
/// of the SHA-256 of the decoded key in hex (`SHA256:1a2b3c4d5e6f7081`), as
/// `ssh-keygen -l` users compare keys. Text that is not base64 is hashed as
/// typed, whitespace left out, and says so (`SHA256:… (not base64)`); `""`
/// stays `""` (it means "payload logging off"). The panel, the headless
/// commands and the audit log use this one rule.
pub fn key_fingerprint(key: &str) -> String {
    use base64::Engine as _;
    let compact: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return String::new();
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(&compact);
    let bytes = decoded.as_deref().unwrap_or(compact.as_bytes());
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match decoded {
        Ok(_) => format!("SHA256:{hex}"),
        Err(_) => format!("SHA256:{hex} (not base64)"),
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    #[test]
    fn a_key_fingerprint_is_the_sha256_of_the_decoded_key() {
        assert_eq!(key_fingerprint("AAAA"), "SHA256:709e80c88487a241");
        assert_eq!(key_fingerprint(" AA\nAA "), "SHA256:709e80c88487a241");
        assert_eq!(
            key_fingerprint("short"),
            "SHA256:f9b0078b5df596d2 (not base64)"
        );
        assert_eq!(key_fingerprint(""), "");
    }

    /// Characters that change length when case-folded (each UTF-8 width),
    /// combining marks, bidi controls, NUL and line breaks of every kind.
    const ODD: &[&str] = &[
        "İ",
        "ẞ",
        "ß",
        "Ⱥ",
        "ȿ",
        "K",
        "Å",
        "ΐ",
        "ﬀ",
        "ŉ",
        "ǰ",
        "ᾳ",
        "Ω",
        "I",
        "i",
        "\u{0301}",
        "\u{0345}",
        "\u{20DD}",
        "\u{202E}",
        "\u{2066}",
        "\u{200F}",
        "\u{FEFF}",
        "\u{200B}",
        "\0",
        "\r",
        "\n",
        "\t",
        "\u{0085}",
        "\u{2028}",
        "\u{2029}",
        "\u{001B}[2J",
        "😀",
        "\u{10FFFF}",
        "<title>",
        "</title>",
        "<TITLE>",
        "</TiTlE>",
        "<title lang=x>",
        "<",
        ">",
        "/",
        " ",
        "a",
        "\u{FFFD}",
    ];

    fn assert_fit(out: &str, input: &str) {
        assert!(
            !out.contains('\n') && !out.contains('\r'),
            "{input:?} -> {out:?}"
        );
        assert!(
            out.chars().count() <= SNIPPET_MAX + 1,
            "{input:?} -> {out:?}"
        );
        assert!(!out.chars().any(is_hidden), "{input:?} -> {out:?}");
        assert!(!out.is_empty());
    }

    #[test]
    fn html_pages_become_a_short_single_line() {
        let page =
            "<html>\n<head><title>502 Bad\n Gateway</title></head><body>cloudflare</body></html>";
        assert_eq!(snippet(page), "502 Bad Gateway");
        assert_eq!(snippet("<TITLE lang=\"en\">Oops</Title>"), "Oops");
        assert_eq!(snippet(""), "(empty body)");
        assert_eq!(snippet("\u{202E}\0\n"), "(empty body)");
        assert!(snippet(&"x".repeat(500)).chars().count() <= SNIPPET_MAX + 1);
    }

    #[test]
    fn a_title_after_case_changing_characters_is_found_without_panic() {
        let body = "İ".repeat(10) + "<title>ab</title>";
        assert_eq!(snippet(&body), "ab");
        let body = "K".repeat(7) + "<TITLE>Kelvin</TITLE>";
        assert_eq!(snippet(&body), "Kelvin");
    }

    #[test]
    fn one_line_keeps_at_most_max_characters() {
        assert_eq!(one_line("a  b\n\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("ab cd", 3), "ab…");
        assert_eq!(one_line("  x  ", 3), "x");
    }

    #[test]
    fn fuzzed_bodies_never_panic_and_stay_one_short_clean_line() {
        let mut rng = StdRng::seed_from_u64(0x7d5);
        for round in 0..4000 {
            let text: String = (0..rng.random_range(0..200))
                .map(|_| ODD[rng.random_range(0..ODD.len())])
                .collect();
            assert_fit(&snippet(&text), &text);
            let bytes: Vec<u8> = if round % 2 == 0 {
                (0..rng.random_range(0..300))
                    .map(|_| rng.random())
                    .collect()
            } else {
                let mut b = text.clone().into_bytes();
                for _ in 0..4 {
                    if !b.is_empty() {
                        let at = rng.random_range(0..b.len());
                        b[at] = rng.random_range(0x80..=0xFF);
                    }
                }
                b
            };
            let lossy = String::from_utf8_lossy(&bytes);
            assert_fit(&snippet(&lossy), &lossy);
            let line = one_line(&text, MESSAGE_MAX);
            assert!(line.chars().count() <= MESSAGE_MAX + 1 && !line.chars().any(is_hidden));
        }
    }
}
