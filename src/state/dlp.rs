//! The account panel's setting: an account's DLP settings, their rows and
//! the edits staged on them.

use super::Panel;
use super::setting::{ReadOnly, Setting, SettingPanel};
use super::settings::SettingsPage;
use crate::api::client::Reply;
use crate::api::model::{DlpSettings, DlpUpdate, MaskingLevel, PayloadLoggingUpdate, ResponseInfo};
use crate::api::validate;
use crate::api::worker::{ApiOp, ApiOutput};
use crate::audit::{Intent, Origin, Target};
use crate::outcome::{SaveOutcome, dlp_outcome, dlp_reset_outcome};

pub use crate::api::text::key_fingerprint;

/// The DLP settings of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dlp;

/// The account panel.
pub type AccountPanel = SettingPanel<Dlp>;

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

/// The public key the server reports, when payload logging is on.
fn key_of(settings: &DlpSettings) -> Option<&str> {
    settings
        .payload_logging
        .public_key
        .as_deref()
        .filter(|k| !k.trim().is_empty())
}

/// True when the server's payload logging is what `staged` asks for (`""`:
/// off, else on with that very key).
pub fn key_matches(staged: &str, settings: &DlpSettings) -> bool {
    match key_of(settings) {
        None => staged.is_empty(),
        Some(key) => key == staged,
    }
}

impl Setting for Dlp {
    type Value = DlpSettings;
    type Form = DlpForm;
    type Row = AccountRow;

    const PANEL: Panel = Panel::Account;
    const WHAT: &'static str = "DLP settings";
    const PASTE_MAX: usize = 8 * 1024;

    fn of(page: &SettingsPage) -> &SettingPanel<Self> {
        &page.account
    }

    fn of_mut(page: &mut SettingsPage) -> &mut SettingPanel<Self> {
        &mut page.account
    }

    fn load(account_id: String) -> ApiOp {
        ApiOp::GetDlp { account_id }
    }

    fn save(account_id: String, form: &DlpForm) -> ApiOp {
        ApiOp::PatchDlp {
            account_id,
            update: form.to_update(),
        }
    }

    fn intent(panel: &AccountPanel, form: &DlpForm) -> Intent {
        Intent::dlp_patch(
            Origin::dashboard(),
            panel.audit_target(),
            &form.to_update(),
            panel.value(),
        )
    }

    fn reply(output: ApiOutput) -> Option<Reply<DlpSettings>> {
        match output {
            ApiOutput::Dlp(reply) => Some(reply),
            _ => None,
        }
    }

    fn rows(_: &DlpSettings) -> Vec<AccountRow> {
        AccountRow::ALL.to_vec()
    }

    fn staged(form: &DlpForm) -> usize {
        form.count()
    }

    fn prune(form: &mut DlpForm, server: &DlpSettings) {
        if form.ai_context_analysis == Some(server.ai_context_analysis) {
            form.ai_context_analysis = None;
        }
        if form.ocr == Some(server.ocr) {
            form.ocr = None;
        }
        if form.masking_level.is_some()
            && form.masking_level == server.payload_logging.masking_level
        {
            form.masking_level = None;
        }
        if form
            .public_key
            .as_deref()
            .is_some_and(|staged| key_matches(staged, server))
        {
            form.public_key = None;
        }
    }

    fn settle(form: &mut DlpForm, sent: &DlpForm) {
        if sent.ai_context_analysis.is_some()
            && form.ai_context_analysis == sent.ai_context_analysis
        {
            form.ai_context_analysis = None;
        }
        if sent.ocr.is_some() && form.ocr == sent.ocr {
            form.ocr = None;
        }
        if sent.masking_level.is_some() && form.masking_level == sent.masking_level {
            form.masking_level = None;
        }
        if sent.public_key.is_some() && form.public_key == sent.public_key {
            form.public_key = None;
        }
    }

    fn lock(_: &DlpSettings) -> Option<ReadOnly> {
        None
    }

    fn outcome(
        sent: &DlpForm,
        _before: Option<&DlpSettings>,
        after: &DlpSettings,
        messages: &[ResponseInfo],
    ) -> SaveOutcome {
        dlp_outcome(&sent.to_update(), after, messages)
    }

    fn reset_outcome(after: &DlpSettings, messages: &[ResponseInfo]) -> SaveOutcome {
        dlp_reset_outcome(after, messages)
    }

    fn row_of_pointer(pointer: &str) -> Option<AccountRow> {
        match pointer.trim_start_matches('/') {
            "ai_context_analysis" => Some(AccountRow::AiContextAnalysis),
            "ocr" => Some(AccountRow::Ocr),
            "payload_logging/masking_level" => Some(AccountRow::MaskingLevel),
            "payload_logging/public_key" | "payload_logging" => Some(AccountRow::PayloadLogging),
            _ => None,
        }
    }

    fn field_start(form: &DlpForm) -> String {
        form.public_key
            .clone()
            .filter(|k| !k.is_empty())
            .unwrap_or_default()
    }

    fn field_problem(text: &str) -> Option<String> {
        (!text.is_empty())
            .then(|| validate::public_key(text).err())
            .flatten()
    }

    fn stage_field(panel: &mut AccountPanel, text: String) {
        let same = panel.server_key() == Some(text.as_str());
        panel.form.public_key = (!same).then_some(text);
    }
}

impl AccountPanel {
    /// The account as the audit log names it.
    pub fn audit_target(&self) -> Target {
        Target::account(self.id.as_deref().unwrap_or_default(), self.name.as_deref())
    }

    /// AI context analysis as it will be after a save.
    pub fn ai_context_analysis(&self) -> bool {
        self.form
            .ai_context_analysis
            .unwrap_or_else(|| self.value().is_some_and(|s| s.ai_context_analysis))
    }

    /// OCR as it will be after a save.
    pub fn ocr(&self) -> bool {
        self.form
            .ocr
            .unwrap_or_else(|| self.value().is_some_and(|s| s.ocr))
    }

    /// The masking level as it will be after a save.
    pub fn masking_level(&self) -> Option<MaskingLevel> {
        self.form
            .masking_level
            .clone()
            .or_else(|| self.value()?.payload_logging.masking_level.clone())
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
        key_of(self.value()?)
    }
}
