//! One zone of a fleet scan, as data: what the listing said of it and what
//! its CSAM Scanner setting said, or why the setting could not be read.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::api::model::{CsamSetting, EmailState, Zone, ZoneAccount, ZonePlan};
use crate::api::{ApiError, Reply};

/// One zone of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetRow {
    /// The zone's id: the row's key.
    pub zone_id: String,
    /// The zone's name, e.g. `shop.example.com`.
    pub zone_name: String,
    /// The account that owns it, when the listing said; shared by its
    /// zones' rows (see [`super::FleetScan`]).
    #[serde(with = "shared_opt")]
    pub account: Option<Arc<AccountRef>>,
    /// The plan level (`free`, `pro`, `business`, `ent`), when known.
    pub plan: Option<String>,
    /// The zone's status (`active`, `pending`, …), when the listing said.
    pub status: Option<String>,
    /// The setting, or why it could not be read.
    pub csam: ZoneCsam,
    /// When the setting was read (or failed), in seconds since the Unix epoch:
    /// how old a cached row is.
    pub read_at: u64,
}

/// The owning account of a zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountRef {
    /// The account id.
    pub id: String,
    /// The account's name (empty when the listing gave none).
    pub name: String,
}

/// A zone's CSAM Scanner setting, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ZoneCsam {
    /// The setting as the server reported it.
    Read(CsamState),
    /// The GET failed (after the client's retries).
    Failed(RowError),
}

/// What a fleet table shows of one setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsamState {
    /// Whether images are being scanned.
    pub scanning: Scanning,
    /// The notification email's verification state; `None`: not reported.
    pub email_state: Option<EmailState>,
    /// Sources switched on.
    pub sources_on: u32,
    /// Sources the zone has.
    pub sources_total: u32,
    /// Whether the setting may be changed.
    pub lock: Lock,
    /// Each source by name, on or off: what a bulk change of one source
    /// plans from (empty in a cache written before it was kept). Shared by
    /// the rows with the same sources: a fleet has few distinct ones.
    #[serde(default, skip_serializing_if = "no_sources", with = "shared")]
    pub sources: Sources,
    /// Whether a notification email is set (the server shows it masked, or
    /// empty when there is none); `None`: not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_email: Option<bool>,
    /// The notification email as the server shows it (masked; empty when
    /// none is set); `None`: not reported, or a cache written before it
    /// was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Each source of a zone by name, on or off, shared between rows.
pub type Sources = Arc<BTreeMap<String, bool>>;

fn no_sources(sources: &Sources) -> bool {
    sources.is_empty()
}

/// Serde for an `Arc<T>` as the `T` it holds.
mod shared {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Arc<T>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        T::serialize(value, to)
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        from: D,
    ) -> Result<Arc<T>, D::Error> {
        T::deserialize(from).map(Arc::new)
    }
}

/// Serde for an `Option<Arc<T>>` as the `Option<T>` it holds.
mod shared_opt {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Arc<T>>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_deref().serialize(to)
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        from: D,
    ) -> Result<Option<Arc<T>>, D::Error> {
        Option::<T>::deserialize(from).map(|value| value.map(Arc::new))
    }
}

/// Scanning on, off, or not said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scanning {
    /// `enabled: true`.
    On,
    /// `enabled: false`.
    Off,
    /// The answer had no `enabled`.
    NotReported,
}

/// Whether the setting can be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    /// `editable: true`.
    Editable,
    /// `editable: false`: locked by Trust & Safety.
    Locked,
    /// The answer had no `editable`.
    NotReported,
}

/// Why a zone's setting could not be read: the kind as data, and the
/// client's sentence for a person (it never holds a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// What kind of failure, for filters, counts and exit codes.
    pub failure: Failure,
    /// The error as the client words it.
    pub message: String,
}

/// The kinds of failure a fleet table tells apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// The credentials may not read this zone's settings (403).
    NoPermission {
        /// The permission the token lacks, when the server named it.
        permission: Option<String>,
    },
    /// The credentials were refused for this call (401).
    Auth,
    /// The zone is gone (404), e.g. deleted since the listing.
    NotFound,
    /// Locked by Trust & Safety (a 403 that says so).
    Locked,
    /// Still rate limited after every retry.
    RateLimited,
    /// Cloudflare failed (5xx, JSON or an edge page) after the retries.
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// No answer in time.
    Timeout,
    /// The connection could not be made or broke off.
    Network,
    /// An answer the client could not use (not the expected shape, too large,
    /// a redirect, a 4xx it does not know).
    BadAnswer {
        /// The HTTP status, when there was one.
        status: Option<u16>,
    },
    /// The client refused to send the request (e.g. an id that is not one).
    Invalid,
    /// The product is not available on the target (an account without
    /// Zero Trust has no DLP settings): nothing to read or change.
    NotAvailable,
}

impl RowError {
    /// The row's view of a failed call.
    pub fn from_api(error: &ApiError) -> Self {
        let failure = match error {
            ApiError::Permission { permission, .. } => Failure::NoPermission {
                permission: permission.clone(),
            },
            ApiError::Auth { .. } => Failure::Auth,
            ApiError::NotFound { .. } => Failure::NotFound,
            ApiError::Locked { .. } => Failure::Locked,
            ApiError::RateLimited { .. } => Failure::RateLimited,
            ApiError::Server { status, .. } => Failure::Server { status: *status },
            ApiError::NonJson { status, .. } if *status >= 500 => {
                Failure::Server { status: *status }
            }
            ApiError::NonJson { status, .. }
            | ApiError::Decode { status, .. }
            | ApiError::Redirected { status, .. } => Failure::BadAnswer {
                status: Some(*status),
            },
            ApiError::Validation { .. } | ApiError::TooLarge { .. } => {
                Failure::BadAnswer { status: None }
            }
            ApiError::Timeout { .. } => Failure::Timeout,
            ApiError::Connection { .. } | ApiError::Certificate { .. } => Failure::Network,
            ApiError::InvalidInput { .. } => Failure::Invalid,
        };
        Self {
            failure,
            message: error.to_string(),
        }
    }
}

impl CsamState {
    /// Scanning on with every source off (or no source at all): the zone
    /// scans nothing, so it is not covered.
    pub fn scans_nothing(&self) -> bool {
        self.scanning == Scanning::On && self.sources_on == 0
    }

    /// The server said no notification email is set.
    pub fn no_email(&self) -> bool {
        self.has_email == Some(false)
    }

    /// The table's view of a setting.
    pub fn of(setting: &CsamSetting) -> Self {
        let value = &setting.value;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            scanning: match value.enabled {
                Some(true) => Scanning::On,
                Some(false) => Scanning::Off,
                None => Scanning::NotReported,
            },
            email_state: value.email_state.clone(),
            sources_on: count(value.sources.values().filter(|on| **on).count()),
            sources_total: count(value.sources.len()),
            lock: match setting.editable {
                Some(true) => Lock::Editable,
                Some(false) => Lock::Locked,
                None => Lock::NotReported,
            },
            sources: Arc::new(value.sources.clone()),
            has_email: value.email.as_ref().map(|email| !email.is_empty()),
            email: value.email.clone(),
        }
    }
}

impl FleetRow {
    /// The row of a listed zone and the outcome of reading its setting, read
    /// at `read_at` (seconds since the Unix epoch).
    pub fn new(zone: &Zone, outcome: &Result<Reply<CsamSetting>, ApiError>, read_at: u64) -> Self {
        let plan = zone.plan.as_ref().and_then(|plan| {
            plan.legacy_id
                .clone()
                .or_else(|| plan.name.clone())
                .filter(|p| !p.is_empty())
        });
        let plan = plan.or_else(|| match outcome {
            Ok(reply) => reply.result.value.zone_plan.clone(),
            Err(_) => None,
        });
        Self {
            zone_id: zone.id.clone(),
            zone_name: zone.name.clone(),
            account: zone.account.as_ref().and_then(|account| {
                Some(Arc::new(AccountRef {
                    id: account.id.clone()?,
                    name: account.name.clone().unwrap_or_default(),
                }))
            }),
            plan,
            status: zone.status.clone(),
            csam: match outcome {
                Ok(reply) => ZoneCsam::Read(CsamState::of(&reply.result)),
                Err(error) => ZoneCsam::Failed(RowError::from_api(error)),
            },
            read_at,
        }
    }

    /// The zone as the listing gave it, from what the row kept: to read its
    /// setting again without listing every zone.
    pub fn zone(&self) -> Zone {
        Zone {
            id: self.zone_id.clone(),
            name: self.zone_name.clone(),
            status: self.status.clone(),
            paused: None,
            account: self.account.as_ref().map(|account| ZoneAccount {
                id: Some(account.id.clone()),
                name: Some(account.name.clone()).filter(|n| !n.is_empty()),
            }),
            plan: self.plan.as_ref().map(|plan| ZonePlan {
                legacy_id: Some(plan.clone()),
                ..ZonePlan::default()
            }),
        }
    }

    /// The setting, when it was read.
    pub fn state(&self) -> Option<&CsamState> {
        match &self.csam {
            ZoneCsam::Read(state) => Some(state),
            ZoneCsam::Failed(_) => None,
        }
    }

    /// Why the setting could not be read, if it could not.
    pub fn error(&self) -> Option<&RowError> {
        match &self.csam {
            ZoneCsam::Read(_) => None,
            ZoneCsam::Failed(error) => Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::api::model::{CsamValue, ZoneAccount, ZonePlan};

    fn zone() -> Zone {
        Zone {
            id: "z1".into(),
            name: "shop.example.com".into(),
            status: Some("active".into()),
            paused: None,
            account: Some(ZoneAccount {
                id: Some("a1".into()),
                name: Some("Acme".into()),
            }),
            plan: Some(ZonePlan {
                id: None,
                name: Some("Enterprise Website".into()),
                legacy_id: Some("ent".into()),
            }),
        }
    }

    fn reply(value: CsamValue, editable: Option<bool>) -> Result<Reply<CsamSetting>, ApiError> {
        Ok(Reply {
            result: CsamSetting {
                id: Some("csam_scanner".into()),
                editable,
                modified_on: None,
                value,
            },
            messages: Vec::new(),
            result_info: None,
        })
    }

    #[test]
    fn a_read_setting_is_counted_into_the_row() {
        let value = CsamValue {
            enabled: Some(true),
            email_state: Some(EmailState::Valid),
            sources: BTreeMap::from([("a".into(), true), ("b".into(), false), ("c".into(), true)]),
            ..CsamValue::default()
        };
        let row = FleetRow::new(&zone(), &reply(value, Some(false)), 7);
        assert_eq!(row.plan.as_deref(), Some("ent"));
        assert_eq!(row.account.as_ref().unwrap().name, "Acme");
        let state = row.state().unwrap();
        assert_eq!(state.scanning, Scanning::On);
        assert_eq!((state.sources_on, state.sources_total), (2, 3));
        assert_eq!(state.lock, Lock::Locked);
        assert_eq!(row.read_at, 7);

        let bare = FleetRow::new(
            &Zone {
                plan: None,
                account: None,
                ..zone()
            },
            &reply(
                CsamValue {
                    zone_plan: Some("pro".into()),
                    ..CsamValue::default()
                },
                None,
            ),
            0,
        );
        assert_eq!(bare.plan.as_deref(), Some("pro"));
        assert_eq!(bare.account, None);
        let state = bare.state().unwrap();
        assert_eq!(
            (state.scanning, state.lock, &state.email_state),
            (Scanning::NotReported, Lock::NotReported, &None)
        );
    }

    #[test]
    fn a_failed_read_is_a_row_with_its_kind_of_failure() {
        let failure = |error: ApiError| {
            let row = FleetRow::new(&zone(), &Err(error), 0);
            row.error().unwrap().failure.clone()
        };
        assert_eq!(
            failure(ApiError::Permission {
                permission: Some("Zone Settings Read".into()),
                message: "no".into()
            }),
            Failure::NoPermission {
                permission: Some("Zone Settings Read".into())
            }
        );
        assert_eq!(
            failure(ApiError::NonJson {
                status: 520,
                snippet: "<html>".into()
            }),
            Failure::Server { status: 520 }
        );
        assert_eq!(
            failure(ApiError::NonJson {
                status: 404,
                snippet: "<html>".into()
            }),
            Failure::BadAnswer { status: Some(404) }
        );
        assert_eq!(
            failure(ApiError::Timeout {
                after: Duration::from_secs(1)
            }),
            Failure::Timeout
        );
        let row = FleetRow::new(
            &zone(),
            &Err(ApiError::RateLimited { retry_after: None }),
            0,
        );
        assert!(row.state().is_none());
        assert!(row.error().unwrap().message.contains("rate limited"));
    }

    #[test]
    fn a_row_cached_before_the_email_was_kept_reads_as_not_known() {
        let text = r#"{"zone_id":"z1","zone_name":"shop.example.com","account":null,
            "plan":"ent","status":"active","read_at":3,"csam":{"outcome":"read",
            "scanning":"on","email_state":"valid","sources_on":1,"sources_total":1,
            "lock":"editable","has_email":true}}"#;
        let row: FleetRow = serde_json::from_str(text).unwrap();
        let state = row.state().unwrap();
        assert_eq!(state.email, None);
        assert_eq!(state.has_email, Some(true));
        let read = FleetRow::new(
            &zone(),
            &reply(
                CsamValue {
                    email: Some("a***@example.com".into()),
                    ..CsamValue::default()
                },
                Some(true),
            ),
            3,
        );
        assert_eq!(
            read.state().unwrap().email.as_deref(),
            Some("a***@example.com")
        );
    }

    #[test]
    fn rows_round_trip_through_json() {
        let row = FleetRow::new(
            &zone(),
            &Err(ApiError::Permission {
                permission: None,
                message: "no".into(),
            }),
            3,
        );
        let text = serde_json::to_string(&row).unwrap();
        assert!(text.contains("\"outcome\":\"failed\""), "{text}");
        assert!(text.contains("\"kind\":\"no_permission\""), "{text}");
        assert_eq!(serde_json::from_str::<FleetRow>(&text).unwrap(), row);
        let read = FleetRow::new(&zone(), &reply(CsamValue::default(), Some(true)), 3);
        let text = serde_json::to_string(&read).unwrap();
        assert!(text.contains("\"scanning\":\"not_reported\""), "{text}");
        assert_eq!(serde_json::from_str::<FleetRow>(&text).unwrap(), read);
    }
}
