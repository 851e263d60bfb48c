//! The zone panel: a zone's CSAM Scanner setting and the edits staged on it.

use std::collections::BTreeMap;

use tui_input::Input;

use super::remote::Remote;
use crate::api::model::{CsamPatchValue, CsamSetting, EmailState};

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

/// The email being typed, before it is staged.
#[derive(Debug, Clone, Default)]
pub struct EmailEditor {
    /// The text field (cursor, insert, delete, home/end, paste).
    pub input: Input,
    /// Why the typed text is not a valid address, shown under the field.
    pub problem: Option<String>,
}

/// Everything the zone panel shows and edits.
#[derive(Debug, Clone, Default)]
pub struct ZonePanel {
    /// The zone being shown.
    pub zone_id: Option<String>,
    /// Its name, when known from the zone list.
    pub zone_name: Option<String>,
    /// The server's setting and its load state.
    pub remote: Remote<CsamSetting>,
    /// Staged edits.
    pub form: CsamForm,
    /// The selected row, an index into [`ZonePanel::rows`].
    pub selected: usize,
    /// The email field while it is being edited.
    pub editor: Option<EmailEditor>,
    /// Why the panel is read-only (Trust & Safety lock, missing permission,
    /// read-only mode), if it is.
    pub read_only: Option<String>,
    /// A server validation error to show at the field it names.
    pub field_error: Option<(ZoneRow, String)>,
    /// The edits in the save now in flight, to compare with what comes back.
    pub sent: Option<CsamForm>,
}

impl ZonePanel {
    /// The server's setting, if loaded.
    pub fn setting(&self) -> Option<&CsamSetting> {
        self.remote.value()
    }

    /// The email state the server reported.
    pub fn email_state(&self) -> Option<&EmailState> {
        self.setting()?.value.email_state.as_ref()
    }

    /// The selectable rows, in screen order.
    pub fn rows(&self) -> Vec<ZoneRow> {
        let Some(setting) = self.setting() else {
            return Vec::new();
        };
        let mut rows = vec![ZoneRow::Enabled, ZoneRow::Email];
        if matches!(
            self.email_state(),
            Some(EmailState::Pending | EmailState::Unverified)
        ) {
            rows.push(ZoneRow::Resend);
        }
        rows.extend(setting.value.sources.keys().cloned().map(ZoneRow::Source));
        rows
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<ZoneRow> {
        self.rows().get(self.selected).cloned()
    }

    /// Scanning as it will be after a save (staged, else the server's
    /// value); `None` when nothing is staged and the server did not say.
    pub fn scanning(&self) -> Option<bool> {
        self.form.enabled.or_else(|| self.setting()?.value.enabled)
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
            .or_else(|| self.setting()?.value.sources.get(name).copied())
            .unwrap_or(false)
    }

    /// True when edits are staged.
    pub fn is_dirty(&self) -> bool {
        self.form.count() > 0
    }

    /// True when the panel accepts edits now.
    pub fn is_editable(&self) -> bool {
        self.read_only.is_none() && self.setting().is_some() && !self.remote.is_locked_by_write()
    }
}
