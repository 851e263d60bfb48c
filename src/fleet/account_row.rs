//! One account of an accounts scan, as data: what the listing said of it and
//! what its DLP settings said, or why they could not be read; and the pure
//! views (attention, quick filters, the summary's counts) the accounts page
//! and `trustdeck dlp scan` share. The key itself is never kept: a row holds
//! whether one is set and its fingerprint.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::row::{Failure, RowError};
use crate::api::model::{Account, DlpSettings, MaskingLevel};
use crate::api::text::key_fingerprint;
use crate::api::{ApiError, Reply};

/// One account of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// The account id: the row's key.
    pub account_id: String,
    /// The account's name (empty when the listing gave none).
    pub account_name: String,
    /// `standard`, `enterprise`, … as the listing said; `None`: not said.
    pub account_type: Option<String>,
    /// The settings, or why they could not be read.
    pub dlp: AccountDlp,
    /// When the settings were read (or failed), in seconds since the Unix
    /// epoch: how old a cached row is.
    pub read_at: u64,
}

/// An account's DLP settings, or why they are unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AccountDlp {
    /// The settings as the server reported them.
    Read(DlpState),
    /// The GET failed (after the client's retries). DLP not available on
    /// the account is [`Failure::NotAvailable`].
    Failed(RowError),
}

/// What an accounts table shows of one account's DLP settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DlpState {
    /// AI context analysis.
    pub ai_context_analysis: bool,
    /// OCR.
    pub ocr: bool,
    /// The payload-logging key's fingerprint ([`key_fingerprint`]); `None`:
    /// no key is set (payload logging off).
    pub key_fingerprint: Option<String>,
    /// The masking level; `None`: not reported.
    pub masking: Option<Masking>,
    /// When payload logging last changed, as the server wrote it.
    pub updated_at: Option<String>,
}

/// A masking level as a small value (the API's spelling in and out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Masking {
    /// The entire payload is masked.
    Full,
    /// Part of the payload is masked.
    Partial,
    /// Nothing is masked: payloads are logged in clear.
    Clear,
    /// DLP's default behaviour.
    Default,
    /// A level this version of trustdeck does not know.
    Other,
}

impl Masking {
    /// The small value of the API's level.
    pub fn of(level: &MaskingLevel) -> Self {
        match level {
            MaskingLevel::Full => Self::Full,
            MaskingLevel::Partial => Self::Partial,
            MaskingLevel::Clear => Self::Clear,
            MaskingLevel::Default => Self::Default,
            MaskingLevel::Unknown(_) => Self::Other,
        }
    }

    /// The API's spelling (`other` for an unknown level).
    pub fn word(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Partial => "partial",
            Self::Clear => "clear",
            Self::Default => "default",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Masking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl DlpState {
    /// The row's view of the settings.
    pub fn of(settings: &DlpSettings) -> Self {
        let logging = &settings.payload_logging;
        let key = logging
            .public_key
            .as_deref()
            .filter(|key| !key.trim().is_empty());
        Self {
            ai_context_analysis: settings.ai_context_analysis,
            ocr: settings.ocr,
            key_fingerprint: key.map(key_fingerprint),
            masking: logging.masking_level.as_ref().map(Masking::of),
            updated_at: logging.updated_at.clone(),
        }
    }

    /// A payload-logging key is set.
    pub fn has_key(&self) -> bool {
        self.key_fingerprint.is_some()
    }

    /// Matched payloads are logged with nothing masked: a key is set and the
    /// level is `clear`.
    pub fn logs_in_clear(&self) -> bool {
        self.has_key() && self.masking == Some(Masking::Clear)
    }
}

impl AccountRow {
    /// The row of `account` from its GET's outcome.
    pub fn new(
        account: &Account,
        outcome: &Result<Reply<DlpSettings>, ApiError>,
        read_at: u64,
    ) -> Self {
        Self {
            account_id: account.id.clone(),
            account_name: account.name.clone(),
            account_type: account.kind.clone(),
            dlp: match outcome {
                Ok(reply) => AccountDlp::Read(DlpState::of(&reply.result)),
                Err(error) => AccountDlp::Failed(failure_of(error)),
            },
            read_at,
        }
    }

    /// The settings, when they were read.
    pub fn state(&self) -> Option<&DlpState> {
        match &self.dlp {
            AccountDlp::Read(state) => Some(state),
            AccountDlp::Failed(_) => None,
        }
    }

    /// Why the settings could not be read, when they could not.
    pub fn error(&self) -> Option<&RowError> {
        match &self.dlp {
            AccountDlp::Read(_) => None,
            AccountDlp::Failed(error) => Some(error),
        }
    }

    /// What needs the admin's attention on this account, most urgent first.
    pub fn attention(&self) -> AccountAttention {
        let Some(state) = self.state() else {
            return AccountAttention::Unreadable;
        };
        if state.logs_in_clear() {
            AccountAttention::Clear
        } else if !state.has_key() {
            AccountAttention::NoKey
        } else if !state.ocr {
            AccountAttention::OcrOff
        } else if !state.ai_context_analysis {
            AccountAttention::AiOff
        } else {
            AccountAttention::Fine
        }
    }

    /// True when the row is what `quick` selects.
    pub fn is(&self, quick: AccountQuick) -> bool {
        match (quick, self.state()) {
            (AccountQuick::Unreadable, state) => state.is_none(),
            (_, None) => false,
            (AccountQuick::NoKey, Some(s)) => !s.has_key(),
            (AccountQuick::Clear, Some(s)) => s.logs_in_clear(),
            (AccountQuick::OcrOff, Some(s)) => !s.ocr,
            (AccountQuick::AiOff, Some(s)) => !s.ai_context_analysis,
        }
    }
}

/// The row's view of a failed DLP read. The server refuses DLP on an
/// account without Zero Trust with a 403 as it refuses a permission (code
/// 10403, "DLP is not available on this account: …"); it names no
/// permission and says "not available", which a missing permission never
/// does: that is [`Failure::NotAvailable`], not a token to fix.
fn failure_of(error: &ApiError) -> RowError {
    let mut row = RowError::from_api(error);
    if let ApiError::Permission {
        permission: None,
        message,
    } = error
        && message.to_lowercase().contains("not available")
    {
        row.failure = Failure::NotAvailable;
    }
    row
}

/// The most urgent thing about an account, in the order "attention first"
/// sorts by (the first variant first).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AccountAttention {
    /// Matched payloads are logged in clear.
    Clear,
    /// No payload-logging key: matched payloads are not logged.
    NoKey,
    /// The settings could not be read.
    Unreadable,
    /// OCR is off.
    OcrOff,
    /// AI context analysis is off.
    AiOff,
    /// Nothing to do.
    Fine,
}

/// The accounts page's quick filters and `--fail-on`/`--only`'s conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountQuick {
    /// No payload-logging key.
    NoKey,
    /// Payloads logged in clear.
    Clear,
    /// OCR off.
    OcrOff,
    /// AI context analysis off.
    AiOff,
    /// Could not be read.
    Unreadable,
}

impl AccountQuick {
    /// Every quick filter, in the order they are offered.
    pub const ALL: [Self; 5] = [
        Self::NoKey,
        Self::Clear,
        Self::OcrOff,
        Self::AiOff,
        Self::Unreadable,
    ];

    /// The command-line word (`no-key`, `clear`, `ocr-off`, `ai-off`, and
    /// `error` for unreadable, as `--fail-on` spells it).
    pub fn word(self) -> &'static str {
        match self {
            Self::NoKey => "no-key",
            Self::Clear => "clear",
            Self::OcrOff => "ocr-off",
            Self::AiOff => "ai-off",
            Self::Unreadable => "error",
        }
    }

    /// The filter of a command-line word.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.word() == word)
    }
}

/// The counts an accounts summary is made of; an account may count in
/// several.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct AccountSummary {
    /// Accounts in all.
    pub accounts: usize,
    /// Logging matched payloads in clear.
    pub clear: usize,
    /// Without a payload-logging key.
    pub no_key: usize,
    /// OCR off.
    pub ocr_off: usize,
    /// AI context analysis off.
    pub ai_off: usize,
    /// Could not be read.
    pub unreadable: usize,
    /// Of those, DLP not available on the account.
    pub not_available: usize,
}

impl AccountSummary {
    /// The counts of `rows`.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a AccountRow>) -> Self {
        let mut summary = Self::default();
        for row in rows {
            summary.add(row);
        }
        summary
    }

    /// Counts one more row.
    pub fn add(&mut self, row: &AccountRow) {
        self.accounts += 1;
        match row.state() {
            None => {
                self.unreadable += 1;
                if row
                    .error()
                    .is_some_and(|e| e.failure == Failure::NotAvailable)
                {
                    self.not_available += 1;
                }
            }
            Some(state) => {
                self.clear += usize::from(state.logs_in_clear());
                self.no_key += usize::from(!state.has_key());
                self.ocr_off += usize::from(!state.ocr);
                self.ai_off += usize::from(!state.ai_context_analysis);
            }
        }
    }
}

impl fmt::Display for AccountSummary {
    /// "12 accounts · 3 log payloads in clear · 5 without a payload-logging
    /// key · 1 could not be read" (parts that are 0 left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.accounts == 1 {
            "account"
        } else {
            "accounts"
        };
        write!(f, "{} {noun}", super::thousands(self.accounts as u64))?;
        let parts = [
            (
                self.clear,
                "logs payloads in clear",
                "log payloads in clear",
            ),
            (
                self.no_key,
                "without a payload-logging key",
                "without a payload-logging key",
            ),
            (self.ocr_off, "with OCR off", "with OCR off"),
            (self.ai_off, "with AI context off", "with AI context off"),
            (self.unreadable, "could not be read", "could not be read"),
        ];
        for (count, one, many) in parts {
            if count > 0 {
                let words = if count == 1 { one } else { many };
                write!(f, " · {} {words}", super::thousands(count as u64))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::PayloadLogging;

    fn row(ai: bool, ocr: bool, key: Option<&str>, masking: MaskingLevel) -> AccountRow {
        let settings = DlpSettings {
            ai_context_analysis: ai,
            ocr,
            payload_logging: PayloadLogging {
                updated_at: None,
                masking_level: Some(masking),
                public_key: key.map(str::to_owned),
            },
        };
        AccountRow {
            account_id: "a".repeat(32),
            account_name: "Acme".to_owned(),
            account_type: Some("enterprise".to_owned()),
            dlp: AccountDlp::Read(DlpState::of(&settings)),
            read_at: 1,
        }
    }

    const KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";

    #[test]
    fn the_key_is_kept_only_as_its_fingerprint() {
        let r = row(true, true, Some(KEY), MaskingLevel::Full);
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains(KEY));
        assert_eq!(
            r.state().unwrap().key_fingerprint.as_deref(),
            Some(key_fingerprint(KEY).as_str())
        );
        assert!(
            !row(true, true, Some(""), MaskingLevel::Full)
                .state()
                .unwrap()
                .has_key()
        );
    }

    #[test]
    fn attention_puts_clear_logging_first_and_fine_last() {
        let clear = row(true, true, Some(KEY), MaskingLevel::Clear);
        let no_key = row(true, true, None, MaskingLevel::Clear);
        let ocr_off = row(true, false, Some(KEY), MaskingLevel::Full);
        let fine = row(true, true, Some(KEY), MaskingLevel::Partial);
        assert_eq!(clear.attention(), AccountAttention::Clear);
        assert_eq!(no_key.attention(), AccountAttention::NoKey);
        assert_eq!(ocr_off.attention(), AccountAttention::OcrOff);
        assert_eq!(fine.attention(), AccountAttention::Fine);
        assert!(AccountAttention::Clear < AccountAttention::Fine);
        assert!(no_key.is(AccountQuick::NoKey) && !no_key.is(AccountQuick::Clear));
    }

    #[test]
    fn the_summary_names_what_needs_attention() {
        let rows = [
            row(true, true, Some(KEY), MaskingLevel::Clear),
            row(false, true, None, MaskingLevel::Default),
            row(true, true, None, MaskingLevel::Full),
            AccountRow {
                dlp: AccountDlp::Failed(RowError {
                    failure: Failure::NotAvailable,
                    message: "DLP is not available".to_owned(),
                }),
                ..row(true, true, None, MaskingLevel::Full)
            },
        ];
        let summary = AccountSummary::of(&rows);
        assert_eq!(summary.not_available, 1);
        assert_eq!(
            summary.to_string(),
            "4 accounts · 1 logs payloads in clear · 2 without a payload-logging key \
             · 1 with AI context off · 1 could not be read"
        );
    }

    fn failed(error: ApiError) -> Failure {
        let account = Account {
            id: "a".repeat(32),
            name: "Acme".to_owned(),
            kind: None,
        };
        let row = AccountRow::new(&account, &Err(error), 1);
        row.error().unwrap().failure.clone()
    }

    #[test]
    fn dlp_not_available_is_told_apart_from_a_missing_permission() {
        // What the client makes of the mock's (and Cloudflare's) 403 with
        // code 10403.
        let errors = [crate::api::model::ResponseInfo {
            code: 10403,
            message: "DLP is not available on this account: Zero Trust is not enabled".to_owned(),
            documentation_url: None,
            source: None,
        }];
        let not_available = crate::api::error::Failure {
            status: 403,
            errors: &errors,
            retry_after: None,
            locked_on_403: false,
            request: "GET /accounts/{account_id}/dlp/settings",
        }
        .classify();
        assert!(matches!(not_available, ApiError::Permission { .. }));
        assert_eq!(failed(not_available), Failure::NotAvailable);
        assert_eq!(
            failed(ApiError::Permission {
                permission: Some("Zero Trust Read".to_owned()),
                message: "this API token lacks the 'Zero Trust Read' permission".to_owned(),
            }),
            Failure::NoPermission {
                permission: Some("Zero Trust Read".to_owned())
            }
        );
        assert_eq!(
            failed(ApiError::Permission {
                permission: None,
                message: "Forbidden".to_owned(),
            }),
            Failure::NoPermission { permission: None }
        );
    }

    #[test]
    fn quick_words_round_trip() {
        for quick in AccountQuick::ALL {
            assert_eq!(AccountQuick::parse(quick.word()), Some(quick));
        }
        assert_eq!(AccountQuick::parse("nope"), None);
    }
}
