//! Query strings of the list endpoints: decoding, Cloudflare's filter
//! operators (`name=contains:acme`) and paging parameters.
use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::envelope::ApiError;

/// The decoded query parameters; a repeated name keeps its last value.
pub(crate) struct Query(HashMap<String, String>);

impl Query {
    /// Decodes `a=1&b=x+y`; invalid UTF-8 after decoding is a 400.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let mut map = HashMap::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            map.insert(decode(name)?, decode(value)?);
        }
        Ok(Self(map))
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A string parameter of at most `max` characters.
    pub fn text(&self, name: &str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.get(name) {
            Some(value) if value.chars().count() > max => Err(bad_param(
                name,
                &format!("must be at most {max} characters"),
            )),
            other => Ok(other),
        }
    }

    /// A parameter that must be one of `allowed`.
    pub fn one_of(
        &self,
        name: &str,
        allowed: &[&'static str],
    ) -> Result<Option<&'static str>, ApiError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        allowed
            .iter()
            .find(|a| **a == value)
            .map(|a| Some(*a))
            .ok_or_else(|| bad_param(name, &format!("must be one of {}", allowed.join(", "))))
    }

    /// A number parameter in `min..=max` (fractions are cut off), or `default`.
    pub fn number(
        &self,
        name: &str,
        min: f64,
        max: f64,
        default: usize,
    ) -> Result<usize, ApiError> {
        let Some(value) = self.get(name) else {
            return Ok(default);
        };
        match value.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(n as usize),
            _ => Err(bad_param(
                name,
                &format!("must be a number from {min} to {max}"),
            )),
        }
    }
}

/// `page` and `per_page` of a list request.
#[derive(Clone, Copy)]
pub(crate) struct Paging {
    /// The page asked for, from 1.
    pub page: usize,
    /// How many items a page holds.
    pub per_page: usize,
}

impl Query {
    /// `page` (1 to 2^32 - 1, default 1) and `per_page` (5 to 50, default
    /// 20), as both list endpoints take them.
    pub fn paging(&self) -> Result<Paging, ApiError> {
        Ok(Paging {
            page: self.number("page", 1.0, f64::from(u32::MAX), 1)?,
            per_page: self.number("per_page", 5.0, 50.0, 20)?,
        })
    }

    /// `direction=desc` (else ascending).
    pub fn descending(&self) -> Result<bool, ApiError> {
        Ok(self.one_of("direction", &["asc", "desc"])? == Some("desc"))
    }
}

impl Paging {
    /// This page of `items`, each made an object by `object`, and its
    /// `result_info` (`page`, `per_page`, `count`, `total_count`).
    pub fn page<T, R>(self, items: Vec<T>, object: impl FnMut(T) -> R) -> (Vec<R>, Value) {
        let total = items.len();
        let start = self.page.saturating_sub(1).saturating_mul(self.per_page);
        let result: Vec<R> = items
            .into_iter()
            .skip(start)
            .take(self.per_page)
            .map(object)
            .collect();
        let info = json!({
            "page": self.page,
            "per_page": self.per_page,
            "count": result.len(),
            "total_count": total,
        });
        (result, info)
    }
}

/// A 400 about one query parameter.
pub(crate) fn bad_param(name: &str, problem: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        1004,
        format!("Invalid query parameter {name}: it {problem}"),
    )
}

/// A string filter with Cloudflare's optional `operator:` prefix.
pub(crate) struct Filter {
    /// How to compare.
    op: Op,
    /// The value to compare with (lower-cased when the operator ignores case).
    value: String,
    /// Whether case matters.
    case_sensitive: bool,
}

#[derive(Clone, Copy)]
enum Op {
    Equal,
    NotEqual,
    StartsWith,
    EndsWith,
    Contains,
}

impl Filter {
    /// Parses `contains:acme`; text without a known operator is `equal`.
    pub fn parse(text: &str) -> Self {
        const OPS: [(&str, Op, bool); 8] = [
            ("equal", Op::Equal, false),
            ("not_equal", Op::NotEqual, false),
            ("starts_with", Op::StartsWith, false),
            ("ends_with", Op::EndsWith, false),
            ("contains", Op::Contains, false),
            ("starts_with_case_sensitive", Op::StartsWith, true),
            ("ends_with_case_sensitive", Op::EndsWith, true),
            ("contains_case_sensitive", Op::Contains, true),
        ];
        let known = text.split_once(':').and_then(|(prefix, rest)| {
            OPS.iter()
                .find(|(name, ..)| *name == prefix)
                .map(|&(_, op, case_sensitive)| (op, case_sensitive, rest))
        });
        let (op, case_sensitive, value) = known.unwrap_or((Op::Equal, false, text));
        let value = if case_sensitive {
            value.to_owned()
        } else {
            value.to_lowercase()
        };
        Self {
            op,
            value,
            case_sensitive,
        }
    }

    /// Whether `candidate` passes the filter.
    pub fn matches(&self, candidate: &str) -> bool {
        if !self.case_sensitive && candidate.is_ascii() && self.value.is_ascii() {
            // Zone names are ASCII (IDNs travel as punycode): compare
            // without allocating a lower-cased copy of every candidate.
            return self.matches_ascii(candidate.as_bytes());
        }
        let lowered;
        let candidate = if self.case_sensitive {
            candidate
        } else {
            lowered = candidate.to_lowercase();
            &lowered
        };
        match self.op {
            Op::Equal => candidate == self.value,
            Op::NotEqual => candidate != self.value,
            Op::StartsWith => candidate.starts_with(&self.value),
            Op::EndsWith => candidate.ends_with(&self.value),
            Op::Contains => candidate.contains(&self.value),
        }
    }

    /// `matches` for an ASCII candidate and value, ignoring ASCII case.
    fn matches_ascii(&self, candidate: &[u8]) -> bool {
        let value = self.value.as_bytes();
        let at = |start: usize| {
            candidate
                .get(start..start + value.len())
                .is_some_and(|part| part.eq_ignore_ascii_case(value))
        };
        match self.op {
            Op::Equal => candidate.eq_ignore_ascii_case(value),
            Op::NotEqual => !candidate.eq_ignore_ascii_case(value),
            Op::StartsWith => at(0),
            Op::EndsWith => candidate.len().checked_sub(value.len()).is_some_and(at),
            Op::Contains => {
                value.is_empty() || (0..=candidate.len().saturating_sub(value.len())).any(at)
            }
        }
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a
/// byte, and a `%` without two hex digits stays as it is.
fn decode(text: &str) -> Result<String, ApiError> {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                1004,
                "Invalid query string: not UTF-8 after percent-decoding",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_follow_cloudflare() {
        assert!(Filter::parse("contains:ACME").matches("shop.acme-corp.com"));
        assert!(!Filter::parse("contains_case_sensitive:ACME").matches("shop.acme-corp.com"));
        assert!(Filter::parse("starts_with:shop").matches("shop.acme-corp.com"));
        assert!(Filter::parse("ends_with:.tv").matches("globex-media.tv"));
        assert!(Filter::parse("not_equal:globex-media.tv").matches("shop.acme-corp.com"));
        assert!(Filter::parse("Shop.Acme-Corp.com").matches("shop.acme-corp.com"));
        assert!(!Filter::parse("bogus:x").matches("x"));
        assert!(Filter::parse("contains:").matches("a.com"));
        assert!(!Filter::parse("contains:a.com.").matches("a.com"));
        assert!(Filter::parse("ends_with:A.COM").matches("a.com"));
        assert!(!Filter::parse("ends_with:xa.com").matches("a.com"));
        assert!(Filter::parse("equal:\u{212A}.com").matches("k.com"));
        assert!(Filter::parse("contains:\u{130}").matches("x\u{130}y"));
    }

    #[test]
    fn decoding_handles_plus_percent_and_bad_escapes() {
        let query = Query::parse(Some("name=a+b%2Ec&x=%zz&page=2&page=3")).unwrap();
        assert_eq!(query.get("name"), Some("a b.c"));
        assert_eq!(query.get("x"), Some("%zz"));
        assert_eq!(query.get("page"), Some("3"));
        assert!(Query::parse(Some("name=%FF")).is_err());
        let odd = Query::parse(Some(
            "a=%2B%2b+&b=%+1&c=%4&d=100%&e=%%41&f=%C3%A9%e2%80%8B&g=%00",
        ))
        .unwrap();
        assert_eq!(odd.get("a"), Some("++ "), "an escaped + is a plus");
        assert_eq!(odd.get("b"), Some("% 1"), "a sign is not a hex digit");
        assert_eq!(odd.get("c"), Some("%4"));
        assert_eq!(odd.get("d"), Some("100%"));
        assert_eq!(odd.get("e"), Some("%A"));
        assert_eq!(odd.get("f"), Some("\u{e9}\u{200B}"));
        assert_eq!(odd.get("g"), Some("\0"));
        let named = Query::parse(Some("na%6De=x&%FF=1"));
        assert!(named.is_err(), "names are decoded too");
    }
}
