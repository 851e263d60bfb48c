//! The plan of a bulk run: for each selected zone, from its last-read
//! setting, whether the PATCH is sent (and what the server is expected to
//! make of it) or why the zone is skipped, all as data; and the counts a
//! summary is made of. Pure: no clock, no request.
//!
//! A plan only ever shrinks once confirmed: a re-read before sending may turn
//! a zone's `Send` into a `Skip` (now already on, now locked) or change what
//! is expected, never a `Skip` into a `Send`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::change::Change;
use super::cost::thousands;
use super::row::{AccountRef, CsamState, Failure, FleetRow, Lock, RowError, Scanning, ZoneCsam};
use crate::api::model::{CsamSetting, CsamValue, EmailState};

/// A zone a plan names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanZone {
    /// The zone id: the key of the plan's entries.
    pub id: String,
    /// The zone's name, for people.
    pub name: String,
    /// The owning account, when the listing said: the audit log files the
    /// write under it too.
    #[serde(default)]
    pub account: Option<AccountRef>,
}

/// One zone of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// Which zone.
    pub zone: PlanZone,
    /// Send the PATCH, or skip the zone and why.
    #[serde(flatten)]
    pub step: Step,
    /// The setting the step was decided from, when it was read: the audit
    /// log's "before" and the base of the outcome's adjustments.
    #[serde(default)]
    pub state: Option<CsamState>,
    /// When that setting was read (seconds since the Unix epoch); 0 when it
    /// must be read before anything is sent.
    pub read_at: u64,
}

/// What the run does with a zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The PATCH is sent.
    Send {
        /// What the server is expected to leave.
        expect: Expect,
    },
    /// Nothing is sent to this zone.
    Skip(Skip),
}

/// What the server is expected to make of the PATCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Done as asked.
    AsAsked,
    /// Scanning asked on, kept off: the notification email is not verified.
    StaysOff,
    /// A new email switches scanning off until the address is verified.
    TurnsOff,
}

/// Why a zone is not sent the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Skip {
    /// Locked by Trust & Safety.
    Locked,
    /// The setting already is what the change would make it.
    AlreadySo,
    /// The credentials may not read (so not write) this zone's setting.
    NoPermission {
        /// The permission the server named, if it did.
        permission: Option<String>,
    },
    /// The setting could not be read, so nothing is known to plan from.
    Unreadable {
        /// Why.
        error: RowError,
    },
    /// A re-send asked on a verified email: there is nothing to verify.
    Verified,
    /// A re-send asked where no notification email is set.
    NoEmail,
    /// The zone has no source of that name.
    UnknownSource {
        /// The sources it has.
        known: Vec<String>,
    },
    /// After an interruption (the request may or may not have reached the
    /// server), a re-read shows nothing left that the PATCH would change.
    Settled,
}

/// [`Skip`] without its details, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// [`Skip::Locked`].
    Locked,
    /// [`Skip::NoPermission`].
    NoPermission,
    /// [`Skip::Unreadable`].
    Unreadable,
    /// [`Skip::NoEmail`].
    NoEmail,
    /// [`Skip::UnknownSource`].
    UnknownSource,
    /// [`Skip::Verified`].
    Verified,
    /// [`Skip::AlreadySo`].
    AlreadySo,
    /// [`Skip::Settled`].
    Settled,
}

impl Skip {
    /// Its kind.
    pub fn kind(&self) -> SkipKind {
        match self {
            Self::Locked => SkipKind::Locked,
            Self::AlreadySo => SkipKind::AlreadySo,
            Self::NoPermission { .. } => SkipKind::NoPermission,
            Self::Unreadable { .. } => SkipKind::Unreadable,
            Self::Verified => SkipKind::Verified,
            Self::NoEmail => SkipKind::NoEmail,
            Self::UnknownSource { .. } => SkipKind::UnknownSource,
            Self::Settled => SkipKind::Settled,
        }
    }
}

impl SkipKind {
    /// True when the zone already is where the change wanted it: a skip that
    /// is no shortfall (a headless run still exits 0 for it).
    pub fn is_goal_met(self) -> bool {
        matches!(self, Self::AlreadySo | Self::Settled | Self::Verified)
    }
}

/// Decides what `change` does to a zone whose setting is `state`.
pub fn step_for(change: &Change, state: &CsamState) -> Step {
    let send = |expect| Step::Send { expect };
    if state.lock == Lock::Locked {
        return Step::Skip(Skip::Locked);
    }
    let verified = state.email_state == Some(EmailState::Valid);
    match change {
        Change::EnableScanning if state.scanning == Scanning::On => Step::Skip(Skip::AlreadySo),
        Change::EnableScanning if !verified => send(Expect::StaysOff),
        Change::DisableScanning if state.scanning == Scanning::Off => Step::Skip(Skip::AlreadySo),
        Change::SetEmail { .. } if state.scanning == Scanning::On => send(Expect::TurnsOff),
        Change::ResendVerification if state.has_email == Some(false) => Step::Skip(Skip::NoEmail),
        Change::ResendVerification if verified => Step::Skip(Skip::Verified),
        Change::Source { name, on } if !state.sources.is_empty() => match state.sources.get(name) {
            None => Step::Skip(Skip::UnknownSource {
                known: state.sources.keys().cloned().collect(),
            }),
            Some(now) if now == on => Step::Skip(Skip::AlreadySo),
            Some(_) => send(Expect::AsAsked),
        },
        Change::Source { .. } if state.sources_total == 0 => {
            Step::Skip(Skip::UnknownSource { known: Vec::new() })
        }
        _ => send(Expect::AsAsked),
    }
}

/// Decides what `change` does to the zone of `row`.
pub fn entry_for(change: &Change, row: &FleetRow) -> PlanEntry {
    let zone = PlanZone {
        id: row.zone_id.clone(),
        name: row.zone_name.clone(),
        account: row.account.as_deref().cloned(),
    };
    let (step, state) = match &row.csam {
        ZoneCsam::Read(state) => (step_for(change, state), Some(state.clone())),
        ZoneCsam::Failed(error) => (Step::Skip(skip_of_failure(error)), None),
    };
    // A row cached before source names were kept counts its sources but
    // names none: it is read again before anything is sent.
    let unnamed = matches!(change, Change::Source { .. })
        && state
            .as_ref()
            .is_some_and(|s| s.sources.is_empty() && s.sources_total > 0);
    PlanEntry {
        zone,
        step,
        state,
        read_at: if unnamed { 0 } else { row.read_at },
    }
}

/// Why a zone whose read failed is skipped.
pub fn skip_of_failure(error: &RowError) -> Skip {
    match &error.failure {
        Failure::NoPermission { permission } => Skip::NoPermission {
            permission: permission.clone(),
        },
        Failure::Locked => Skip::Locked,
        _ => Skip::Unreadable {
            error: error.clone(),
        },
    }
}

/// Whether a zone whose request may or may not have reached the server is
/// already where sending it again would leave it: so it is not sent again.
/// `now` is the step a re-read gives; an email is shown masked, so a new
/// address never shows and is sent again (which mails nobody).
pub fn settled(change: &Change, now: &Step) -> bool {
    match now {
        Step::Skip(Skip::AlreadySo) => true,
        Step::Send {
            expect: Expect::StaysOff,
        } => matches!(change, Change::EnableScanning),
        _ => false,
    }
}

impl PlanEntry {
    /// True when the PATCH is to be sent.
    pub fn sends(&self) -> bool {
        matches!(self.step, Step::Send { .. })
    }

    /// The setting it was planned from as the API's shape, for the audit
    /// log's "before" and [`crate::outcome::csam_outcome`]; the email is not
    /// known (the server shows it masked).
    pub fn before(&self) -> Option<CsamSetting> {
        let state = self.state.as_ref()?;
        Some(CsamSetting {
            id: Some("csam_scanner".to_owned()),
            editable: match state.lock {
                Lock::Editable => Some(true),
                Lock::Locked => Some(false),
                Lock::NotReported => None,
            },
            modified_on: None,
            value: CsamValue {
                email: None,
                email_state: state.email_state.clone(),
                enabled: match state.scanning {
                    Scanning::On => Some(true),
                    Scanning::Off => Some(false),
                    Scanning::NotReported => None,
                },
                sources: (*state.sources).clone(),
                zone_plan: None,
            },
        })
    }
}

/// A bulk run's plan: the change and one entry per zone, each zone once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// What is changed.
    pub change: Change,
    /// The zones, in the order selected.
    pub entries: Vec<PlanEntry>,
}

impl Plan {
    /// The plan of `change` for `rows` (a zone listed twice counts once).
    pub fn new<'a>(change: Change, rows: impl IntoIterator<Item = &'a FleetRow>) -> Self {
        let mut seen = HashSet::new();
        let entries = rows
            .into_iter()
            .filter(|row| seen.insert(row.zone_id.clone()))
            .map(|row| entry_for(&change, row))
            .collect();
        Self { change, entries }
    }

    /// How many zones are sent the PATCH.
    pub fn to_send(&self) -> usize {
        self.entries.iter().filter(|e| e.sends()).count()
    }

    /// The entry of a zone.
    pub fn entry(&self, zone_id: &str) -> Option<&PlanEntry> {
        self.entries.iter().find(|e| e.zone.id == zone_id)
    }

    /// The counts of the plan.
    pub fn summary(&self) -> PlanSummary {
        PlanSummary::of(&self.change, &self.entries)
    }
}

/// The counts of a plan, per outcome class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    /// The change (for the summary's words).
    pub change: Change,
    /// Zones in the plan.
    pub zones: usize,
    /// Zones sent the PATCH and expected to take it as asked.
    pub as_asked: usize,
    /// Zones sent `enabled: true` where the server will keep scanning off.
    pub stays_off: usize,
    /// Zones sent a new email that stop scanning until it is verified.
    pub turns_off: usize,
    /// Zones skipped, per reason.
    pub skipped: BTreeMap<SkipKind, usize>,
}

impl PlanSummary {
    /// Counts `entries` of a plan of `change`.
    pub fn of(change: &Change, entries: &[PlanEntry]) -> Self {
        let mut summary = Self {
            change: change.clone(),
            zones: entries.len(),
            as_asked: 0,
            stays_off: 0,
            turns_off: 0,
            skipped: BTreeMap::new(),
        };
        for entry in entries {
            match &entry.step {
                Step::Send { expect } => match expect {
                    Expect::AsAsked => summary.as_asked += 1,
                    Expect::StaysOff => summary.stays_off += 1,
                    Expect::TurnsOff => summary.turns_off += 1,
                },
                Step::Skip(skip) => *summary.skipped.entry(skip.kind()).or_default() += 1,
            }
        }
        summary
    }

    /// Zones sent the PATCH.
    pub fn to_send(&self) -> usize {
        self.as_asked + self.stays_off + self.turns_off
    }
}

/// How a skip reads in a summary: `locked, skipped`, `already on`.
pub fn skip_words(kind: SkipKind, change: &Change) -> String {
    match kind {
        SkipKind::AlreadySo => match change {
            Change::EnableScanning | Change::Source { on: true, .. } => "already on".to_owned(),
            Change::DisableScanning | Change::Source { on: false, .. } => "already off".to_owned(),
            _ => "already so".to_owned(),
        },
        SkipKind::Settled => "settled after an interruption".to_owned(),
        SkipKind::Verified => "already verified, skipped".to_owned(),
        SkipKind::Locked => "locked, skipped".to_owned(),
        SkipKind::NoEmail => "no email, skipped".to_owned(),
        SkipKind::UnknownSource => match change {
            Change::Source { name, .. } => format!("without source {name}, skipped"),
            _ => "without that source, skipped".to_owned(),
        },
        SkipKind::NoPermission => "not permitted, skipped".to_owned(),
        SkipKind::Unreadable => "could not be read, skipped".to_owned(),
    }
}

/// "enable scanning: 61 will change · 22 will stay off until the email is
/// verified · 3 locked, skipped · 2 already on"; zero counts left out. A
/// typed address is shown whole, as `csam set` shows it: a typo is seen
/// before it reaches every zone.
impl fmt::Display for PlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.change)?;
        let mut parts = Vec::new();
        if self.as_asked > 0 {
            parts.push(format!("{} will change", thousands(self.as_asked as u64)));
        }
        if self.stays_off > 0 {
            parts.push(format!(
                "{} will stay off until the email is verified",
                thousands(self.stays_off as u64)
            ));
        }
        if self.turns_off > 0 {
            parts.push(format!(
                "{} will stop scanning until the new address is verified",
                thousands(self.turns_off as u64)
            ));
        }
        for (kind, count) in &self.skipped {
            let words = skip_words(*kind, &self.change);
            parts.push(format!("{} {words}", thousands(*count as u64)));
        }
        if parts.is_empty() {
            return f.write_str(" no zones");
        }
        write!(f, " {}", parts.join(" · "))
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
