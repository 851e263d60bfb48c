//! The account panel: an account's DLP settings and the edits staged on them.

use super::remote::Remote;
use super::zone::EmailEditor;
use crate::api::model::{DlpSettings, DlpUpdate, MaskingLevel, PayloadLoggingUpdate};

/// A selectable row of the account panel, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRow {
    /// AI context analysis on/off.
    AiContextAnalysis,
    /// OCR on/off.
    Ocr,
    /// Payload logging on/off with its public key: off stages
    /// `public_key: ""`; on asks for a key (so does `e`, for a new key).
    PayloadLogging,
    /// The payload-log masking level (cycles).
    MaskingLevel,
    /// Reset everything to defaults (opens a confirmation).
    Reset,
}

impl AccountRow {
    /// Every row, in screen order.
    pub const ALL: [AccountRow; 5] = [
        Self::AiContextAnalysis,
        Self::Ocr,
        Self::PayloadLogging,
        Self::MaskingLevel,
        Self::Reset,
    ];
}

/// Edits staged on the DLP settings, not yet saved. `None` = unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DlpForm {
    /// AI context analysis.
    pub ai_context_analysis: Option<bool>,
    /// OCR.
    pub ocr: Option<bool>,
    /// Masking level.
    pub masking_level: Option<MaskingLevel>,
    /// A new public key (payload logging on with it), or `""`: logging off.
    pub public_key: Option<String>,
}

impl DlpForm {
    /// How many fields are staged.
    pub fn count(&self) -> usize {
        usize::from(self.ai_context_analysis.is_some())
            + usize::from(self.ocr.is_some())
            + usize::from(self.masking_level.is_some())
            + usize::from(self.public_key.is_some())
    }

    /// The PATCH body with only the staged fields.
    pub fn to_update(&self) -> DlpUpdate {
        let logging = (self.masking_level.is_some() || self.public_key.is_some()).then(|| {
            PayloadLoggingUpdate {
                masking_level: self.masking_level.clone(),
                public_key: self.public_key.clone(),
            }
        });
        DlpUpdate {
            ai_context_analysis: self.ai_context_analysis,
            ocr: self.ocr,
            payload_logging: logging,
        }
    }
}

/// The masking levels in the order the cycle key walks them.
pub const MASKING_CYCLE: [MaskingLevel; 4] = [
    MaskingLevel::Default,
    MaskingLevel::Partial,
    MaskingLevel::Full,
    MaskingLevel::Clear,
];

/// What a masking level means, in words.
pub fn masking_meaning(level: &MaskingLevel) -> &'static str {
    match level {
        MaskingLevel::Full => "whole payload masked",
        MaskingLevel::Partial => "part of the payload masked",
        MaskingLevel::Clear => "no masking",
        MaskingLevel::Default => "DLP's default behaviour",
        MaskingLevel::Unknown(_) => "a level this version does not know",
    }
}

/// Everything the account panel shows and edits.
#[derive(Debug, Clone, Default)]
pub struct AccountPanel {
    /// The account being shown.
    pub account_id: Option<String>,
    /// Its name, when known from the account list.
    pub account_name: Option<String>,
    /// The server's settings and their load state.
    pub remote: Remote<DlpSettings>,
    /// Staged edits.
    pub form: DlpForm,
    /// The selected row, an index into [`AccountRow::ALL`].
    pub selected: usize,
    /// Why the panel is read-only, if it is.
    pub read_only: Option<String>,
    /// The edits in the save now in flight, to compare with what comes back.
    pub sent: Option<DlpForm>,
    /// The public-key field while a key is pasted or typed (never drawn in full).
    pub key_editor: Option<EmailEditor>,
}

impl AccountPanel {
    /// The server's settings, if loaded.
    pub fn settings(&self) -> Option<&DlpSettings> {
        self.remote.value()
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> AccountRow {
        AccountRow::ALL[self.selected.min(AccountRow::ALL.len() - 1)]
    }

    /// AI context analysis as it will be after a save.
    pub fn ai_context_analysis(&self) -> bool {
        self.form
            .ai_context_analysis
            .unwrap_or_else(|| self.settings().is_some_and(|s| s.ai_context_analysis))
    }

    /// OCR as it will be after a save.
    pub fn ocr(&self) -> bool {
        self.form
            .ocr
            .unwrap_or_else(|| self.settings().is_some_and(|s| s.ocr))
    }

    /// The masking level as it will be after a save.
    pub fn masking_level(&self) -> Option<MaskingLevel> {
        self.form
            .masking_level
            .clone()
            .or_else(|| self.settings()?.payload_logging.masking_level.clone())
    }

    /// Payload logging as it will be after a save: on while a key is set.
    pub fn payload_logging(&self) -> bool {
        match &self.form.public_key {
            Some(key) => !key.is_empty(),
            None => self.server_key().is_some(),
        }
    }

    /// The public key the server reports, when payload logging is on.
    pub fn server_key(&self) -> Option<&str> {
        self.settings()?
            .payload_logging
            .public_key
            .as_deref()
            .filter(|k| !k.trim().is_empty())
    }

    /// True when edits are staged.
    pub fn is_dirty(&self) -> bool {
        self.form.count() > 0
    }

    /// True when the panel accepts edits now.
    pub fn is_editable(&self) -> bool {
        self.read_only.is_none() && self.settings().is_some() && !self.remote.is_locked_by_write()
    }
}

/// A short, non-secret fingerprint of a public key: its first and last characters.
pub fn key_fingerprint(key: &str) -> String {
    let chars: Vec<char> = key.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() <= 10 {
        return "set".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}
