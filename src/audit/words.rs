//! The small vocabularies of an audit line (face, command, action, target
//! kind, verdict), each written as a fixed word and read back leniently: a
//! word a later trustdeck writes is kept as `Other(word)`, not refused.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a word enum that keeps words it does not know.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A word this version of trustdeck does not know (written by a later one).
            Other(String),
        }

        impl $name {
            /// The word as written in the file.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Other(super::redact::redact_text(other, 40)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }
    };
}

words! {
    /// Which face of trustdeck sent the write.
    Face {
        /// The interactive dashboard.
        Dashboard = "dashboard",
        /// A headless command (`trustdeck csam set`, …), e.g. from cron or CI.
        Headless = "headless",
        /// A bulk run over many zones (fleet apply).
        Bulk = "bulk",
    }
}

words! {
    /// The headless command (or bulk command) that sent the write.
    Command {
        /// `trustdeck csam set`.
        CsamSet = "csam set",
        /// `trustdeck dlp set`.
        DlpSet = "dlp set",
        /// `trustdeck dlp reset`.
        DlpReset = "dlp reset",
        /// `trustdeck fleet apply`.
        FleetApply = "fleet apply",
        /// `trustdeck dlp apply`.
        DlpApply = "dlp apply",
        /// `trustdeck fleet revert`.
        FleetRevert = "fleet revert",
    }
}

words! {
    /// Which write was sent.
    Action {
        /// `PATCH /zones/{zone_id}/settings/csam_scanner_third_party`.
        CsamPatch = "csam.patch",
        /// `PATCH /accounts/{account_id}/dlp/settings`.
        DlpPatch = "dlp.patch",
        /// `PUT /accounts/{account_id}/dlp/settings`.
        DlpPut = "dlp.put",
        /// `DELETE /accounts/{account_id}/dlp/settings` (back to defaults).
        DlpReset = "dlp.reset",
    }
}

words! {
    /// What a write's target is.
    TargetKind {
        /// A zone (CSAM Scanner).
        Zone = "zone",
        /// An account (DLP).
        Account = "account",
    }
}

words! {
    /// What became of a write, as far as trustdeck can know.
    Verdict {
        /// Cloudflare answered with success; `after` holds what it returned.
        Applied = "applied",
        /// Cloudflare answered with a refusal (4xx): nothing was changed.
        Refused = "refused",
        /// Cloudflare answered that it failed (5xx with an envelope, a redirect).
        Failed = "failed",
        /// No usable answer (timeout, broken connection, unreadable body):
        /// the write may or may not have been applied.
        Unknown = "unknown",
        /// trustdeck refused the request before sending it (invalid input).
        NotSent = "not_sent",
    }
}
