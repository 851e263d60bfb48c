//! What a response says about the budget: the IETF-draft `Ratelimit` and
//! `Ratelimit-Policy` headers and `Retry-After`. Both headers are lists of
//! items (`"default";r=50;t=30, "burst";r=3;t=1`); anything missing or
//! garbled is ignored, never an error.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::config::MAX_WINDOW;
use crate::api::retry::parse_retry_after;

/// Items looked at per header: a huge header costs no more than this.
const MAX_ITEMS: usize = 32;
/// Parameters looked at per item.
const MAX_PARAMS: usize = 16;
/// Larger counts are garbled, not generous.
const MAX_COUNT: f64 = 1e9;

/// One `Ratelimit` item: how much is left of a policy's window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitHeader {
    /// The policy's name, to find its `Ratelimit-Policy` item.
    pub name: String,
    /// `r`: requests left in the window.
    pub remaining: u32,
    /// `t`: until the window resets, if said.
    pub resets_in: Option<Duration>,
}

/// One `Ratelimit-Policy` item: the quota and its window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyHeader {
    /// The policy's name.
    pub name: String,
    /// `q`: requests per window.
    pub quota: u32,
    /// `w`: the window's length.
    pub window: Duration,
}

/// What the pacer learns from one response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observed {
    /// The HTTP status (429 blocks the pacer).
    pub status: u16,
    /// The most restrictive `Ratelimit` item.
    pub ratelimit: Option<RateLimitHeader>,
    /// The `Ratelimit-Policy` item of the same name, else the strictest one.
    pub policy: Option<PolicyHeader>,
    /// `Retry-After` (or `retry-after-ms`), as the client's retry logic reads it.
    pub retry_after: Option<Duration>,
}

impl Observed {
    /// Reads a response's status and headers.
    pub fn from_headers(status: u16, headers: &HeaderMap) -> Self {
        let ratelimit = parse_ratelimit(&joined(headers, "ratelimit"));
        let policy = parse_policy(
            &joined(headers, "ratelimit-policy"),
            ratelimit.as_ref().map(|r| r.name.as_str()),
        );
        Self {
            status,
            ratelimit,
            policy,
            retry_after: parse_retry_after(headers),
        }
    }
}

/// All values of a header as one list; values that are not ASCII are skipped.
fn joined(headers: &HeaderMap, name: &str) -> String {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    values.join(",")
}

/// The `Ratelimit` item with the fewest requests left: the one that binds.
pub fn parse_ratelimit(value: &str) -> Option<RateLimitHeader> {
    items(value)
        .filter_map(|item| {
            Some(RateLimitHeader {
                remaining: count(item.param("r")?)?,
                resets_in: item.param("t").and_then(seconds),
                name: item.name,
            })
        })
        .min_by_key(|item| item.remaining)
}

/// The `Ratelimit-Policy` item called `name`, else the one with the lowest
/// rate (quota per second).
pub fn parse_policy(value: &str, name: Option<&str>) -> Option<PolicyHeader> {
    let policies: Vec<PolicyHeader> = items(value)
        .filter_map(|item| {
            Some(PolicyHeader {
                quota: count(item.param("q")?).filter(|q| *q > 0)?,
                window: item.param("w").and_then(seconds).filter(|w| !w.is_zero())?,
                name: item.name,
            })
        })
        .collect();
    let rate = |p: &PolicyHeader| f64::from(p.quota) / p.window.as_secs_f64();
    match policies.iter().position(|p| Some(p.name.as_str()) == name) {
        Some(i) => policies.into_iter().nth(i),
        None => policies
            .into_iter()
            .min_by(|a, b| rate(a).total_cmp(&rate(b))),
    }
}

/// One list item: its name and its parameters, unquoted.
struct Item<'a> {
    name: String,
    params: Vec<(&'a str, &'a str)>,
}

impl<'a> Item<'a> {
    /// A parameter's value; a repeated key's last value wins, as in RFC 8941.
    fn param(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }
}

fn items(value: &str) -> impl Iterator<Item = Item<'_>> {
    split_unquoted(value, ',')
        .take(MAX_ITEMS)
        .filter_map(|member| {
            let mut parts = split_unquoted(member, ';');
            let name = unquote(parts.next()?.trim()).to_owned();
            let params = parts
                .take(MAX_PARAMS)
                .filter_map(|param| {
                    let (key, value) = param.split_once('=')?;
                    Some((key.trim(), unquote(value.trim())))
                })
                .collect();
            Some(Item { name, params })
        })
}

/// Splits on `separator` outside double quotes (a backslash escapes a quote).
fn split_unquoted(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (mut quoted, mut escaped) = (false, false);
        for (i, c) in current.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                c if c == separator && !quoted => {
                    rest = Some(&current[i + c.len_utf8()..]);
                    return Some(&current[..i]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(current)
    })
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && (0.0..=MAX_COUNT).contains(n))
}

/// A count, rounded down: a fraction of a request left is none.
fn count(text: &str) -> Option<u32> {
    number(text).map(|n| n.floor() as u32)
}

/// Seconds, rounded up: the later reset is the safe one.
fn seconds(text: &str) -> Option<Duration> {
    number(text)
        .map(|n| Duration::from_secs(n.ceil() as u64))
        .filter(|d| *d <= MAX_WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn limit(remaining: u32, resets_in: Option<u64>) -> Option<(u32, Option<Duration>)> {
        Some((remaining, resets_in.map(Duration::from_secs)))
    }

    fn rl(value: &str) -> Option<(u32, Option<Duration>)> {
        parse_ratelimit(value).map(|h| (h.remaining, h.resets_in))
    }

    fn policy(value: &str) -> Option<(u32, u64)> {
        parse_policy(value, None).map(|p| (p.quota, p.window.as_secs()))
    }

    #[test]
    fn cloudflare_forms() {
        assert_eq!(rl("\"default\";r=50;t=30"), limit(50, Some(30)));
        assert_eq!(policy("\"burst\";q=100;w=60"), Some((100, 60)));
        assert_eq!(rl("\"default\";r=0;t=0"), limit(0, Some(0)));
        assert_eq!(rl("default;r=7;t=1"), limit(7, Some(1)));
    }

    #[test]
    fn several_items_pick_the_binding_one() {
        let value = "\"day\";r=900;t=40000, \"burst\";r=3;t=20";
        let header = parse_ratelimit(value).unwrap();
        assert_eq!((header.name.as_str(), header.remaining), ("burst", 3));
        let policies = "\"day\";q=1000;w=86400, \"burst\";q=100;w=60";
        let named = parse_policy(policies, Some("burst")).unwrap();
        assert_eq!((named.quota, named.window.as_secs()), (100, 60));
        let day = parse_policy(policies, Some("day")).unwrap();
        assert_eq!(day.quota, 1000);
        // Unknown name: the lowest rate (1000/86400 s is below 100/60 s).
        assert_eq!(parse_policy(policies, Some("other")).unwrap().quota, 1000);
    }

    #[test]
    fn parameters_in_any_order_with_spaces_and_unknowns() {
        assert_eq!(
            rl("  \"default\" ; t = 30 ; x=\"a;b,c\" ; r = 12 "),
            limit(12, Some(30))
        );
        assert_eq!(policy("\"p\";w=60;pk=:abc=:;q=10"), Some((10, 60)));
        assert_eq!(rl("\"a,b\";r=5"), limit(5, None));
        assert_eq!(rl("\"a\\\"b\";r=5;t=1"), limit(5, Some(1)));
        assert_eq!(rl("d;R=4;T=2"), limit(4, Some(2)));
        assert_eq!(rl("d;r=4;r=2"), limit(2, None));
    }

    #[test]
    fn missing_or_garbled_is_ignored() {
        for value in [
            "",
            " ",
            ",,,",
            "\"default\"",
            "\"default\";t=30",
            "\"default\";r",
            "\"default\";r=",
            "\"default\";r=-1;t=3",
            "\"default\";r=abc",
            "\"default\";r=NaN",
            "\"default\";r=inf",
            "\"default\";r=99999999999999999999999",
            "\"unterminated;r=5",
            "r=5",
        ] {
            assert_eq!(rl(value), None, "{value:?}");
        }
        assert_eq!(rl("d;r=5;t=-3"), limit(5, None));
        assert_eq!(rl("d;r=5;t=1e12"), limit(5, None));
        assert_eq!(rl("x;r=-1, d;r=8"), limit(8, None));
        for value in [
            "",
            "p;q=10",
            "p;w=60",
            "p;q=0;w=60",
            "p;q=10;w=0",
            "p;q=1;w=-5",
        ] {
            assert_eq!(policy(value), None, "{value:?}");
        }
    }

    #[test]
    fn fractions_round_the_safe_way() {
        assert_eq!(rl("d;r=4.9;t=1.2"), limit(4, Some(2)));
        assert_eq!(rl("d;r=1e3;t=0.001"), limit(1000, Some(1)));
        assert_eq!(policy("p;q=10.7;w=59.5"), Some((10, 60)));
    }

    #[test]
    fn odd_text_never_panics() {
        let huge = format!("\"default\";r=5;t=1,{}", "x;y=z,".repeat(2000));
        assert!(huge.len() > 10_000);
        assert_eq!(rl(&huge), limit(5, Some(1)));
        let long_item = format!("\"{}\";r=3", "é".repeat(5000));
        assert_eq!(rl(&long_item), limit(3, None));
        for value in [
            "\"ü\";r=3;t=ü",
            "ü;r=٣",
            "\u{0};r=\u{0}",
            "\"",
            "\\",
            ";;;===",
            "\"\\",
        ] {
            let _ = parse_ratelimit(value);
            let _ = parse_policy(value, Some("ü"));
        }
        assert_eq!(rl("\"ü\";r=3;t=ü"), limit(3, None));
    }

    #[test]
    fn from_headers_pairs_the_policy_and_reads_retry_after() {
        let mut headers = HeaderMap::new();
        headers.append("ratelimit", HeaderValue::from_static("\"day\";r=900;t=4"));
        headers.append("ratelimit", HeaderValue::from_static("\"burst\";r=0;t=20"));
        headers.insert(
            "ratelimit-policy",
            HeaderValue::from_static("\"day\";q=1000;w=86400, \"burst\";q=100;w=60"),
        );
        headers.insert("retry-after", HeaderValue::from_static("20"));
        let seen = Observed::from_headers(429, &headers);
        assert_eq!(seen.status, 429);
        assert_eq!(seen.ratelimit.unwrap().remaining, 0);
        assert_eq!(seen.policy.unwrap().quota, 100);
        assert_eq!(seen.retry_after, Some(Duration::from_secs(20)));

        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit",
            HeaderValue::from_bytes(b"\"d\xc3\xbc\";r=1").unwrap(),
        );
        assert_eq!(
            Observed::from_headers(200, &headers),
            Observed {
                status: 200,
                ..Observed::default()
            }
        );
    }
}
