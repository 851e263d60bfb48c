//! The one change a bulk run makes on every zone it sends to, as data: its
//! PATCH body (the same for every zone), whether sending it twice is
//! harmless, and its words.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::api::model::CsamPatchValue;
use crate::api::validate;
use crate::audit::typed_email;

/// What a bulk run changes on each zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// `enabled: true` (the server keeps it off until the email is verified).
    EnableScanning,
    /// `enabled: false`.
    DisableScanning,
    /// A new notification email (each zone then verifies it).
    SetEmail {
        /// The address, checked like the panel checks it. Kept in full in the
        /// run's journal (0600), so a resumed run can send it.
        email: String,
    },
    /// `resend_email: true`: not idempotent, every zone gets it at most once.
    ResendVerification,
    /// One source switched on or off.
    Source {
        /// The source's name, as the zones' settings list it.
        name: String,
        /// On or off.
        on: bool,
    },
}

/// Why a change was refused before anything was planned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChangeError {
    /// The notification email is not one the API would take.
    #[error("the notification email {0}")]
    Email(String),
    /// A source name that cannot be one.
    #[error("the source name {0}")]
    SourceName(String),
}

/// The longest source name taken (the API documents none; a name is a
/// short key such as `ncmec_ngo`).
const SOURCE_NAME_MAX: usize = 100;

impl Change {
    /// Sets the notification email to `address`, checked as the panel does.
    pub fn set_email(address: &str) -> Result<Self, ChangeError> {
        validate::email(address).map_err(ChangeError::Email)?;
        Ok(Self::SetEmail {
            email: address.to_owned(),
        })
    }

    /// Switches source `name` on or off.
    pub fn source(name: &str, on: bool) -> Result<Self, ChangeError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ChangeError::SourceName("is empty".to_owned()));
        }
        if name.chars().count() > SOURCE_NAME_MAX {
            return Err(ChangeError::SourceName(format!(
                "is longer than {SOURCE_NAME_MAX} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(ChangeError::SourceName(
                "contains control characters".to_owned(),
            ));
        }
        Ok(Self::Source {
            name: name.to_owned(),
            on,
        })
    }

    /// The PATCH value sent to every zone the run changes.
    pub fn patch(&self) -> CsamPatchValue {
        match self {
            Self::EnableScanning => CsamPatchValue {
                enabled: Some(true),
                ..CsamPatchValue::default()
            },
            Self::DisableScanning => CsamPatchValue {
                enabled: Some(false),
                ..CsamPatchValue::default()
            },
            Self::SetEmail { email } => CsamPatchValue {
                email: Some(email.clone()),
                ..CsamPatchValue::default()
            },
            Self::ResendVerification => CsamPatchValue {
                resend_email: true,
                ..CsamPatchValue::default()
            },
            Self::Source { name, on } => CsamPatchValue {
                sources: Some(BTreeMap::from([(name.clone(), *on)])),
                ..CsamPatchValue::default()
            },
        }
    }

    /// True when sending it twice has the effect of sending it once (a
    /// value is set). A new email and a re-send are not: every PATCH with an
    /// email starts a verification and mails the address, each time.
    pub fn is_idempotent(&self) -> bool {
        !matches!(self, Self::ResendVerification | Self::SetEmail { .. })
    }

    /// True when a row older than the age limit is read again before its
    /// PATCH. Where the change is idempotent and the answer is the setting
    /// after it, a stale row costs nothing (sent to a zone that already has
    /// it, the PATCH changes nothing, and its answer tells the truth), so it
    /// is not read again. Two are: a re-send, to a zone whose email may have
    /// been verified since (a needless email), and a disable, whose count
    /// the admin typed from the plan, kept to zones still scanning.
    pub fn rereads_old_rows(&self) -> bool {
        matches!(self, Self::ResendVerification | Self::DisableScanning)
    }

    /// The change as a person reads it, without a typed address in full
    /// (`set the notification email to …@acme-corp.com`), for lists and logs.
    pub fn words(&self) -> String {
        match self {
            Self::SetEmail { email } => {
                format!("set the notification email to {}", typed_email(email))
            }
            other => other.to_string(),
        }
    }
}

/// `enable scanning`, `set the notification email to a@b.com`, `source
/// ncmec_ngo on`: the full words, for the person who typed the change.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EnableScanning => f.write_str("enable scanning"),
            Self::DisableScanning => f.write_str("disable scanning"),
            Self::SetEmail { email } => write!(f, "set the notification email to {email}"),
            Self::ResendVerification => f.write_str("re-send the verification email"),
            Self::Source { name, on } => {
                write!(f, "source {name} {}", if *on { "on" } else { "off" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_one_field_of_the_patch() {
        assert_eq!(Change::EnableScanning.patch().enabled, Some(true));
        assert_eq!(Change::DisableScanning.patch().enabled, Some(false));
        let resend = Change::ResendVerification.patch();
        assert!(resend.resend_email && resend.enabled.is_none());
        let source = Change::source(" iwf ", false).unwrap();
        assert_eq!(
            source.patch().sources,
            Some(BTreeMap::from([("iwf".to_owned(), false)]))
        );
        let email = Change::set_email("ts@acme-corp.com").unwrap();
        assert_eq!(email.patch().email.as_deref(), Some("ts@acme-corp.com"));
        assert!(!Change::ResendVerification.is_idempotent());
        assert!(
            !email.is_idempotent(),
            "every email PATCH mails the address"
        );
        assert!(source.is_idempotent());
        assert!(Change::ResendVerification.rereads_old_rows());
        assert!(Change::DisableScanning.rereads_old_rows());
        assert!(!Change::EnableScanning.rereads_old_rows());
        assert!(!email.rereads_old_rows(), "the answer shows the new state");
        assert!(!source.rereads_old_rows());
    }

    #[test]
    fn bad_input_is_refused_before_planning() {
        assert!(matches!(
            Change::set_email("not an address"),
            Err(ChangeError::Email(_))
        ));
        assert!(Change::set_email(&format!("{}@x.co", "a".repeat(260))).is_err());
        assert!(Change::source("  ", true).is_err());
        assert!(Change::source("a\u{7}b", true).is_err());
    }

    #[test]
    fn words_keep_a_typed_address_to_its_domain() {
        let email = Change::set_email("ts@acme-corp.com").unwrap();
        assert_eq!(
            email.words(),
            "set the notification email to …@acme-corp.com"
        );
        assert_eq!(
            email.to_string(),
            "set the notification email to ts@acme-corp.com"
        );
        let json = serde_json::to_string(&Change::source("iwf", true).unwrap()).unwrap();
        assert_eq!(json, r#"{"kind":"source","name":"iwf","on":true}"#);
        assert_eq!(
            serde_json::from_str::<Change>(&json).unwrap().words(),
            "source iwf on"
        );
    }
}
