//! The zone panel's setting: a zone's CSAM Scanner setting, its rows and
//! the edits staged on it.

use std::collections::BTreeMap;

use super::Panel;
use super::setting::{ReadOnly, Setting, SettingPanel};
use super::settings::SettingsPage;
use crate::api::client::Reply;
use crate::api::model::{CsamPatch, CsamPatchValue, CsamSetting, EmailState, ResponseInfo};
use crate::api::validate::{self, EMAIL_MAX};
use crate::api::worker::{ApiOp, ApiOutput};
use crate::audit::{Intent, Origin, Target};
use crate::outcome::{SaveOutcome, csam_outcome};

/// The CSAM Scanner setting of a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Csam;

/// The zone panel.
pub type ZonePanel = SettingPanel<Csam>;

/// A selectable row of the zone panel, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneRow {
    /// Scanning on/off.
    Enabled,
    /// The notification email.
    Email,
    /// Re-send the verification email (only while pending or unverified).
    Resend,
    /// One scanning source.
    Source(String),
}

/// Edits staged on the zone's setting, not yet saved. `None` = unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsamForm {
    /// A new notification email.
    pub email: Option<String>,
    /// Scanning on or off.
    pub enabled: Option<bool>,
    /// Sources switched from their server value.
    pub sources: BTreeMap<String, bool>,
    /// Ask the server to re-send the verification email.
    pub resend: bool,
}

impl CsamForm {
    /// How many fields are staged.
    pub fn count(&self) -> usize {
        usize::from(self.email.is_some())
            + usize::from(self.enabled.is_some())
            + self.sources.len()
            + usize::from(self.resend)
    }

    /// The PATCH value with only the staged fields.
    pub fn to_patch(&self) -> CsamPatchValue {
        CsamPatchValue {
            email: self.email.clone(),
            enabled: self.enabled,
            resend_email: self.resend,
            sources: (!self.sources.is_empty()).then(|| self.sources.clone()),
        }
    }
}

impl Setting for Csam {
    type Value = CsamSetting;
    type Form = CsamForm;
    type Row = ZoneRow;

    const PANEL: Panel = Panel::Zone;
    const WHAT: &'static str = "CSAM setting";
    const PASTE_MAX: usize = 4 * EMAIL_MAX;

    fn of(page: &SettingsPage) -> &SettingPanel<Self> {
        &page.zone
    }

    fn of_mut(page: &mut SettingsPage) -> &mut SettingPanel<Self> {
        &mut page.zone
    }

    fn load(zone_id: String) -> ApiOp {
        ApiOp::GetCsam { zone_id }
    }

    fn save(zone_id: String, form: &CsamForm) -> ApiOp {
        ApiOp::PatchCsam {
            zone_id,
            patch: CsamPatch::of(form.to_patch()),
        }
    }

    fn intent(panel: &ZonePanel, form: &CsamForm) -> Intent {
        let zone = Target::zone(
            panel.id.as_deref().unwrap_or_default(),
            panel.name.as_deref(),
        );
        Intent::csam_patch(
            Origin::dashboard(),
            zone,
            &CsamPatch::of(form.to_patch()),
            panel.value(),
        )
    }

    fn reply(output: ApiOutput) -> Option<Reply<CsamSetting>> {
        match output {
            ApiOutput::Csam(reply) => Some(reply),
            _ => None,
        }
    }

    fn rows(setting: &CsamSetting) -> Vec<ZoneRow> {
        let mut rows = vec![ZoneRow::Enabled, ZoneRow::Email];
        if matches!(
            setting.value.email_state,
            Some(EmailState::Pending | EmailState::Unverified)
        ) {
            rows.push(ZoneRow::Resend);
        }
        rows.extend(setting.value.sources.keys().cloned().map(ZoneRow::Source));
        rows
    }

    fn staged(form: &CsamForm) -> usize {
        form.count()
    }

    fn prune(form: &mut CsamForm, setting: &CsamSetting) {
        let value = &setting.value;
        if form.enabled.is_some() && form.enabled == value.enabled {
            form.enabled = None;
        }
        form.sources
            .retain(|name, on| value.sources.get(name) != Some(on));
    }

    fn settle(form: &mut CsamForm, sent: &CsamForm) {
        if sent.email.is_some() && form.email == sent.email {
            form.email = None;
        }
        if sent.enabled.is_some() && form.enabled == sent.enabled {
            form.enabled = None;
        }
        form.sources
            .retain(|name, on| sent.sources.get(name) != Some(on));
        if sent.resend {
            form.resend = false;
        }
    }

    fn lock(setting: &CsamSetting) -> Option<ReadOnly> {
        (setting.editable == Some(false)).then_some(ReadOnly::LockedByTrustAndSafety)
    }

    fn outcome(
        sent: &CsamForm,
        before: Option<&CsamSetting>,
        after: &CsamSetting,
        messages: &[ResponseInfo],
    ) -> SaveOutcome {
        csam_outcome(&sent.to_patch(), before.map(|b| &b.value), after, messages)
    }

    fn row_of_pointer(pointer: &str) -> Option<ZoneRow> {
        let rest = pointer.strip_prefix("/value/")?;
        match rest {
            "email" => Some(ZoneRow::Email),
            "enabled" => Some(ZoneRow::Enabled),
            "resend_email" => Some(ZoneRow::Resend),
            _ => rest
                .strip_prefix("sources/")
                .map(|name| ZoneRow::Source(name.to_owned())),
        }
    }

    fn field_start(form: &CsamForm) -> String {
        form.email.clone().unwrap_or_default()
    }

    fn field_problem(text: &str) -> Option<String> {
        (!text.is_empty())
            .then(|| validate::email(text).err())
            .flatten()
    }

    fn stage_field(panel: &mut ZonePanel, text: String) {
        panel.form.email = Some(text);
        if matches!(panel.field_error, Some((ZoneRow::Email, _))) {
            panel.field_error = None;
        }
    }
}

impl ZonePanel {
    /// The email state the server reported.
    pub fn email_state(&self) -> Option<&EmailState> {
        self.value()?.value.email_state.as_ref()
    }

    /// Scanning as it will be after a save (staged, else the server's
    /// value); `None` when nothing is staged and the server did not say.
    pub fn scanning(&self) -> Option<bool> {
        self.form.enabled.or_else(|| self.value()?.value.enabled)
    }

    /// Scanning as it will be after a save, off when not reported: what a
    /// toggle starts from.
    pub fn enabled(&self) -> bool {
        self.scanning().unwrap_or(false)
    }

    /// A source as it will be after a save.
    pub fn source(&self, name: &str) -> bool {
        self.form
            .sources
            .get(name)
            .copied()
            .or_else(|| self.value()?.value.sources.get(name).copied())
            .unwrap_or(false)
    }
}
