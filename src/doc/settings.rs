//! The documents of `csam get --json` and `dlp get --json`: the setting with
//! what it belongs to.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Account, CsamSetting, CsamStatus, DlpSetting, Zone};

/// `csam get --json`: `{zone, setting, status}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CsamSettingBody {
    /// The zone read.
    pub zone: Zone,
    /// Its CSAM Scanner setting, with the API's names.
    pub setting: CsamSetting,
    /// The setting in trustdeck's words.
    pub status: CsamStatus,
}

impl CsamSettingBody {
    /// The document of `setting`, read from `zone`.
    pub fn new(zone: Zone, setting: CsamSetting) -> Self {
        let status = setting.status();
        Self {
            zone,
            setting,
            status,
        }
    }
}

/// `dlp get --json`: `{account, setting}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DlpSettingBody {
    /// The account read.
    pub account: Account,
    /// Its DLP settings, the key only as a fingerprint.
    pub setting: DlpSetting,
}
