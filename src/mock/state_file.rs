//! The `--state FILE` format: what is saved (only what differs from the
//! data, so a rewrite costs what was changed, not what was loaded) and how
//! it is loaded. The disk work (atomic writes, removing the temporary files
//! that a killed mock left behind) is `crate::files`'.
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::state::{CsamSetting, DlpSettings, EmailState, OutboxEntry, State};

/// What the file holds. A file written before `started_at` existed (every
/// zone, no start time) still loads.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    /// When this file was first created: the moment a zone that is pending
    /// in the data went pending, so `--verify-after` keeps counting from it
    /// across restarts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<String>,
    /// The zones whose CSAM setting differs from the data's.
    #[serde(default)]
    zones: BTreeMap<String, CsamSetting>,
    /// Every account's DLP settings (there are few accounts).
    #[serde(default)]
    dlp: BTreeMap<String, DlpSettings>,
    /// The outbox, oldest first.
    #[serde(default)]
    outbox: VecDeque<OutboxEntry>,
}

/// [`Saved`] by reference, for writing without copying the state.
#[derive(Serialize)]
struct SavedRef<'a> {
    /// See [`Saved::started_at`].
    started_at: &'a str,
    /// See [`Saved::zones`].
    zones: BTreeMap<&'a str, &'a CsamSetting>,
    /// See [`Saved::dlp`].
    dlp: &'a BTreeMap<String, DlpSettings>,
    /// See [`Saved::outbox`].
    outbox: &'a VecDeque<OutboxEntry>,
}

/// The bytes to save for `state` (compact JSON): the zones named in
/// `differs` (those that differ from the data), the DLP settings and the
/// outbox.
pub(crate) fn encode(
    state: &State,
    differs: &BTreeSet<String>,
    started_at: &str,
) -> Result<Vec<u8>, String> {
    let zones = differs
        .iter()
        .filter_map(|id| Some((id.as_str(), state.zones.get(id)?)))
        .collect();
    let saved = SavedRef {
        started_at,
        zones,
        dlp: &state.dlp,
        outbox: &state.outbox,
    };
    serde_json::to_vec(&saved).map_err(|e| e.to_string())
}

/// The zones of `state` whose setting differs from `base`'s; both have the
/// same zones (the data's), so one walk in step compares them.
pub(crate) fn differing_zones(state: &State, base: &State) -> BTreeSet<String> {
    state
        .zones
        .iter()
        .zip(base.zones.iter())
        .filter(|((id, setting), (base_id, base_setting))| id != base_id || setting != base_setting)
        .map(|((id, _), _)| id.to_owned())
        .collect()
}

/// A state file read back.
pub(crate) struct Loaded {
    /// The state to serve.
    pub state: State,
    /// What the file's zones are differences from: the data's state, with
    /// the zones pending in the data pending since `started_at`.
    pub base: State,
    /// When the file was first created.
    pub started_at: String,
}

/// The state in `path` over `initial` (the data's state as of
/// `initial_at`). Zones that are pending in the data and absent from the
/// file went pending at the file's start time. Ids the data does not know
/// are dropped and ids the file lacks come from the data, so a file from
/// older data still loads; an outbox too long is cut to the newest mails.
pub(crate) fn load(path: &Path, mut initial: State, initial_at: &str) -> Result<Loaded, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
    let saved: Saved = serde_json::from_str(&text).map_err(|e| {
        format!(
            "state file {} is corrupt ({e}); delete it to start from the data",
            path.display()
        )
    })?;
    let started_at = saved.started_at.unwrap_or_else(|| initial_at.to_owned());
    // Copies the data's settings, so only when something changes.
    if started_at != initial_at {
        initial.zones.update_all(|csam| {
            if csam.email_state == EmailState::Pending
                && csam.pending_since.as_deref() == Some(initial_at)
            {
                csam.pending_since = Some(started_at.clone());
            }
        });
    }
    let base = initial.clone();
    let mut state = initial;
    for (id, csam) in saved.zones {
        if let Some(slot) = state.zones.get_mut(&id) {
            *slot = csam;
        }
    }
    for (id, dlp) in saved.dlp {
        if let Some(slot) = state.dlp.get_mut(&id) {
            *slot = dlp;
        }
    }
    state.outbox = saved.outbox;
    state.trim_outbox();
    Ok(Loaded {
        state,
        base,
        started_at,
    })
}
