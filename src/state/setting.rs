//! One panel for any setting: the zone's CSAM Scanner setting and the
//! account's DLP settings are each a `SettingPanel` with a small
//! [`Setting`] saying what differs (rows, requests, staging, lock,
//! outcome). Loading, saving, replies and discarding are written once.

use std::fmt::Debug;

use tui_input::Input;

use super::Panel;
use super::remote::Remote;
use super::settings::SettingsPage;
use crate::api::client::Reply;
use crate::api::model::ResponseInfo;
use crate::api::worker::{ApiOp, ApiOutput};
use crate::audit::Intent;
use crate::outcome::SaveOutcome;

/// Why a panel takes no edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOnly {
    /// `editable: false`, or a 403 on a save: locked by Trust & Safety.
    LockedByTrustAndSafety,
    /// `--read-only`, or a profile's `read_only = true`.
    ReadOnlyMode,
    /// The credentials lack a permission (Cloudflare names it, when it does).
    MissingPermission {
        /// The permission, e.g. "Zone Settings Write".
        name: Option<String>,
    },
}

/// A text field while it is typed in: the notification email, the
/// payload-logging public key.
#[derive(Debug, Clone, Default)]
pub struct FieldEditor {
    /// The text field (cursor, insert, delete, home/end, paste).
    pub input: Input,
    /// Why the typed text cannot be staged, shown under the field.
    pub problem: Option<String>,
}

/// What differs between the settings a panel can show.
pub trait Setting: Sized + 'static {
    /// The setting as the server returns it.
    type Value: Clone + Debug + PartialEq;
    /// Edits staged on it, not yet saved.
    type Form: Clone + Debug + Default + PartialEq;
    /// A selectable row.
    type Row: Clone + Debug + PartialEq;

    /// The panel it is shown in.
    const PANEL: Panel;
    /// The setting in words, for messages ("CSAM setting").
    const WHAT: &'static str;
    /// The longest paste its text field takes in one go (a longer one is
    /// refused whole, never cut).
    const PASTE_MAX: usize;

    /// Its panel in the settings page.
    fn of(page: &SettingsPage) -> &SettingPanel<Self>;
    /// Its panel in the settings page, to change.
    fn of_mut(page: &mut SettingsPage) -> &mut SettingPanel<Self>;

    /// The request that loads the setting of `id`.
    fn load(id: String) -> ApiOp;
    /// The request that saves `form` (only the staged fields).
    fn save(id: String, form: &Self::Form) -> ApiOp;
    /// What the audit log records before `form` is saved on `panel`.
    fn intent(panel: &SettingPanel<Self>, form: &Self::Form) -> Intent;
    /// The setting in a reply, if the reply is one.
    fn reply(output: ApiOutput) -> Option<Reply<Self::Value>>;

    /// The selectable rows for `value`, top to bottom.
    fn rows(value: &Self::Value) -> Vec<Self::Row>;
    /// How many fields `form` stages.
    fn staged(form: &Self::Form) -> usize;
    /// Drops staged values that `value` has anyway.
    fn prune(form: &mut Self::Form, value: &Self::Value);
    /// Drops from `form` the fields a save sent as they still are, keeping
    /// what was staged while the save was on its way.
    fn settle(form: &mut Self::Form, sent: &Self::Form);
    /// Why `value` itself makes the panel read-only, if it does.
    fn lock(value: &Self::Value) -> Option<ReadOnly>;
    /// What a save of `sent` did, when the server answered `after`.
    fn outcome(
        sent: &Self::Form,
        before: Option<&Self::Value>,
        after: &Self::Value,
        messages: &[ResponseInfo],
    ) -> SaveOutcome;
    /// What a reset did (only a setting that can be reset overrides this).
    fn reset_outcome(_after: &Self::Value, messages: &[ResponseInfo]) -> SaveOutcome {
        SaveOutcome {
            messages: messages.to_vec(),
            ..SaveOutcome::default()
        }
    }
    /// The row a server validation error points at (`/value/email`).
    fn row_of_pointer(pointer: &str) -> Option<Self::Row>;

    /// What the text field opens with (a staged value, never a secret).
    fn field_start(form: &Self::Form) -> String;
    /// Why `text` cannot be staged in the text field; the hint under the
    /// field and Enter both ask this one check, on exactly what was typed.
    fn field_problem(text: &str) -> Option<String>;
    /// Stages `text` (already checked) from the text field.
    fn stage_field(panel: &mut SettingPanel<Self>, text: String);
}

/// Everything a setting's panel shows and edits.
#[derive(Debug, Clone)]
pub struct SettingPanel<S: Setting> {
    /// The zone or account shown.
    pub id: Option<String>,
    /// Its name, when known.
    pub name: Option<String>,
    /// The server's setting and its load state.
    pub remote: Remote<S::Value>,
    /// Staged edits.
    pub form: S::Form,
    /// The edits in the save now in flight, to compare with what comes back.
    pub sent: Option<S::Form>,
    /// The selected row, an index into [`SettingPanel::rows`].
    pub selected: usize,
    /// Why the panel takes no edits, if it does not.
    pub read_only: Option<ReadOnly>,
    /// The text field while it is typed in.
    pub editor: Option<FieldEditor>,
    /// A server validation error to show at the row it names.
    pub field_error: Option<(S::Row, String)>,
}

impl<S: Setting> Default for SettingPanel<S> {
    fn default() -> Self {
        Self {
            id: None,
            name: None,
            remote: Remote::default(),
            form: S::Form::default(),
            sent: None,
            selected: 0,
            read_only: None,
            editor: None,
            field_error: None,
        }
    }
}

impl<S: Setting> SettingPanel<S> {
    /// A panel for `id` (not loaded yet); read-only from the start in
    /// read-only mode.
    pub fn new(id: Option<String>, name: Option<String>, read_only_mode: bool) -> Self {
        Self {
            id,
            name,
            read_only: read_only_mode.then_some(ReadOnly::ReadOnlyMode),
            ..Self::default()
        }
    }

    /// The server's setting, if loaded.
    pub fn value(&self) -> Option<&S::Value> {
        self.remote.value()
    }

    /// The selectable rows, in screen order.
    pub fn rows(&self) -> Vec<S::Row> {
        self.value().map(S::rows).unwrap_or_default()
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<S::Row> {
        self.rows().get(self.selected).cloned()
    }

    /// How many fields are staged.
    pub fn staged(&self) -> usize {
        S::staged(&self.form)
    }

    /// True when edits are staged.
    pub fn is_dirty(&self) -> bool {
        self.staged() > 0
    }

    /// True when the panel accepts edits now; edits made while a save is
    /// on its way are staged for the next save.
    pub fn is_editable(&self) -> bool {
        self.read_only.is_none() && self.value().is_some()
    }

    /// True while a save or reset is on its way.
    pub fn is_saving(&self) -> bool {
        self.remote.is_locked_by_write()
    }

    /// True when a save would send something now.
    pub fn can_save(&self) -> bool {
        self.is_editable() && !self.is_saving() && self.is_dirty() && self.editor.is_none()
    }

    /// True when staged edits could be discarded now.
    pub fn can_discard(&self) -> bool {
        self.is_dirty() && !self.remote.is_locked_by_write()
    }

    /// True when `r` may reload it now.
    pub fn can_reload(&self) -> bool {
        self.id.is_some() && !self.remote.is_locked_by_write()
    }
}
