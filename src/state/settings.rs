//! The settings page: the zone panel (CSAM Scanner) and the account panel
//! (DLP settings), and which of the two has the keyboard.

use super::Panel;
use super::csam::{ZonePanel, ZoneRow};
use super::dlp::AccountPanel;

/// The two setting panels.
#[derive(Debug, Clone, Default)]
pub struct SettingsPage {
    /// The focused panel.
    pub focus: Panel,
    /// A zone's CSAM Scanner setting.
    pub zone: ZonePanel,
    /// An account's DLP settings.
    pub account: AccountPanel,
}

impl SettingsPage {
    /// The panels showing `zone_id` and `account_id` (not loaded yet).
    pub fn new(zone_id: Option<String>, account_id: Option<String>, read_only: bool) -> Self {
        Self {
            focus: Panel::Zone,
            zone: ZonePanel::new(zone_id, None, read_only),
            account: AccountPanel::new(account_id, None, read_only),
        }
    }

    /// True when either panel has staged edits.
    pub fn is_dirty(&self) -> bool {
        self.zone.is_dirty() || self.account.is_dirty()
    }

    /// True while a panel's text field takes the keyboard.
    pub fn is_editing(&self) -> bool {
        self.zone.editor.is_some() || self.account.editor.is_some()
    }

    /// The id the focused panel shows, if any.
    pub fn focused_id(&self) -> Option<&str> {
        match self.focus {
            Panel::Zone => self.zone.id.as_deref(),
            Panel::Account => self.account.id.as_deref(),
        }
    }
}

/// What the focused panel can do now: the key table's predicates, so each
/// binding is stated once for both panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Abilities {
    /// It takes edits (toggles, its text field).
    pub edit: bool,
    /// A save would send something.
    pub save: bool,
    /// Staged edits could be dropped.
    pub discard: bool,
    /// `r` may reload it.
    pub reload: bool,
    /// A verification email could be re-sent (zone, pending or unverified).
    pub resend: bool,
    /// Its setting can be reset (account).
    pub reset: bool,
}

impl SettingsPage {
    /// What the focused panel can do now.
    pub fn abilities(&self) -> Abilities {
        match self.focus {
            Panel::Zone => {
                let zone = &self.zone;
                Abilities {
                    edit: zone.is_editable(),
                    save: zone.can_save(),
                    discard: zone.can_discard(),
                    reload: zone.can_reload(),
                    resend: zone.is_editable() && zone.rows().contains(&ZoneRow::Resend),
                    reset: false,
                }
            }
            Panel::Account => {
                let account = &self.account;
                Abilities {
                    edit: account.is_editable(),
                    save: account.can_save(),
                    discard: account.can_discard(),
                    reload: account.can_reload(),
                    resend: false,
                    reset: account.is_editable() && !account.is_saving(),
                }
            }
        }
    }
}
