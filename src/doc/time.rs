//! One timestamp format: RFC 3339 in UTC, to the second
//! (`2026-12-07T22:59:02Z`).

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A moment, printed as RFC 3339 in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// `at`, in UTC, to the second.
    pub fn of(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(time::UtcOffset::UTC);
        Self(utc.replace_nanosecond(0).unwrap_or(utc))
    }

    /// Seconds since the Unix epoch; `None` when out of range.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(Self::of)
    }

    /// A system time; `None` before the epoch or out of range.
    pub fn from_system(at: SystemTime) -> Option<Self> {
        let seconds = at.duration_since(UNIX_EPOCH).ok()?.as_secs();
        Self::from_unix(i64::try_from(seconds).ok()?)
    }

    /// Now.
    pub fn now() -> Self {
        Self::of(OffsetDateTime::now_utc())
    }

    /// A server's RFC 3339 text, normalised to UTC; `None` when it is not
    /// RFC 3339 (the caller keeps the server's text elsewhere if it matters).
    pub fn parse(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &Rfc3339).ok().map(Self::of)
    }

    /// The text, e.g. `2026-12-07T22:59:02Z`.
    pub fn text(self) -> String {
        self.0
            .format(&Rfc3339)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            "description": "RFC 3339, UTC, to the second"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_to_the_second_whatever_the_offset() {
        let at = Timestamp::parse("2026-12-07T23:59:02.75+01:00").unwrap();
        assert_eq!(at.text(), "2026-12-07T22:59:02Z");
        assert_eq!(
            Timestamp::from_unix(0).unwrap().text(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(Timestamp::parse("7 Dec 2026"), None);
    }
}
