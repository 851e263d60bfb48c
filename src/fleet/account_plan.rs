//! The plan of a bulk DLP run: for each selected account, from its last-read
//! settings, the one write sent (a PATCH of what differs, or the reset) with
//! each field's before → after, or why the account is skipped; the counts
//! a summary is made of; and `--only`'s selection. Pure: no clock, no
//! request.
//!
//! A DLP PATCH's answer is the settings after it, so nothing is read again
//! after a write; rows older than the age limit are read again before it.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::account_change::{DlpChange, DlpEdit, DlpWrite, KeyChange, at_defaults};
use super::account_row::{AccountDlp, AccountQuick, AccountRow, DlpState, Masking};
use super::cost::RunCost;
use super::row::{Failure, RowError};
use crate::api::pacer::{Budget, PacerConfig};
use crate::outcome::{Field, Value};

/// An account a plan names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAccount {
    /// The account id: the key of the plan's entries.
    pub id: String,
    /// The account's name, for people (empty when the listing gave none).
    pub name: String,
    /// `standard`, `enterprise`, … as the listing said.
    #[serde(default)]
    pub account_type: Option<String>,
}

/// One account of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPlanEntry {
    /// Which account.
    pub account: PlanAccount,
    /// Send the write, or skip the account and why.
    #[serde(flatten)]
    pub step: AccountStep,
    /// The settings the step was decided from, when they were read: the
    /// audit log's "before".
    #[serde(default)]
    pub state: Option<DlpState>,
    /// When they were read (seconds since the Unix epoch); 0 when they must
    /// be read before anything is sent.
    pub read_at: u64,
    /// In a revert, the values this account is put back to (its own, from
    /// the run reverted); absent otherwise, so a journal of another run
    /// keeps its bytes and its digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<DlpEdit>,
}

/// What the run does with an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum AccountStep {
    /// The write is sent.
    Send {
        /// The PATCH of what differs, or the reset.
        write: DlpWrite,
        /// Each field the write changes, before → after (for a reset, every
        /// field, the defaults after).
        fields: Vec<FieldStep>,
    },
    /// Nothing is sent to this account.
    Skip(AccountSkip),
}

/// One field of a write: its value now and after. Payload logging is the
/// key's fingerprint while a key is set, `off` without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldStep {
    /// Which field.
    #[serde(flatten)]
    pub field: Field,
    /// Its value as last read.
    pub before: Value,
    /// Its value once the write is done.
    pub after: Value,
}

/// Why an account is not sent the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AccountSkip {
    /// The settings already are what the change would make them (for a
    /// reset: at their defaults).
    AlreadySo,
    /// The credentials may not read (so not write) the account's settings.
    NoPermission {
        /// The permission the server named, if it did.
        permission: Option<String>,
    },
    /// The account has no DLP (no Zero Trust).
    NotAvailable,
    /// The settings could not be read, so nothing is known to plan from.
    Unreadable {
        /// Why.
        error: RowError,
    },
    /// After an interruption, a re-read shows the change applied.
    Settled,
}

/// [`AccountSkip`] without its details, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountSkipKind {
    /// [`AccountSkip::AlreadySo`].
    AlreadySo,
    /// [`AccountSkip::NoPermission`].
    NoPermission,
    /// [`AccountSkip::NotAvailable`].
    NotAvailable,
    /// [`AccountSkip::Unreadable`].
    Unreadable,
    /// [`AccountSkip::Settled`].
    Settled,
}

impl AccountSkip {
    /// Its kind.
    pub fn kind(&self) -> AccountSkipKind {
        match self {
            Self::AlreadySo => AccountSkipKind::AlreadySo,
            Self::NoPermission { .. } => AccountSkipKind::NoPermission,
            Self::NotAvailable => AccountSkipKind::NotAvailable,
            Self::Unreadable { .. } => AccountSkipKind::Unreadable,
            Self::Settled => AccountSkipKind::Settled,
        }
    }

    /// Why an account whose read failed is skipped.
    pub fn of_failure(error: &RowError) -> Self {
        match &error.failure {
            Failure::NoPermission { permission } => Self::NoPermission {
                permission: permission.clone(),
            },
            Failure::NotAvailable => Self::NotAvailable,
            _ => Self::Unreadable {
                error: error.clone(),
            },
        }
    }
}

impl AccountSkip {
    /// The skip as an entry's line reads it: `no permission (Zero Trust
    /// Write)`, `could not be read: …` with the client's sentence.
    pub fn words(&self, change: &DlpChange) -> String {
        match self {
            Self::NoPermission {
                permission: Some(permission),
            } => format!("no permission ({permission})"),
            Self::Unreadable { error } => format!("could not be read: {}", error.message),
            other => other.kind().words(change).to_owned(),
        }
    }
}

impl FieldStep {
    /// `OCR off → on`, `payload logging SHA256:… → off`.
    pub fn words(&self) -> String {
        format!(
            "{} {} → {}",
            self.field.words(),
            self.before.words(),
            self.after.words()
        )
    }
}

impl AccountSkipKind {
    /// True when the account already is where the change wanted it.
    pub fn is_goal_met(self) -> bool {
        matches!(self, Self::AlreadySo | Self::Settled)
    }

    /// How the skip reads in a summary: `already so`, `no permission`.
    pub fn words(self, change: &DlpChange) -> &'static str {
        match (self, change) {
            (Self::AlreadySo, DlpChange::Reset) => "already at defaults",
            (Self::AlreadySo, DlpChange::Edit(_) | DlpChange::Restore) => "already so",
            (Self::NoPermission, _) => "no permission",
            (Self::NotAvailable, _) => "DLP not available",
            (Self::Unreadable, _) => "could not be read",
            (Self::Settled, _) => "settled after an interruption",
        }
    }
}

fn bool_value(on: bool) -> Value {
    Value::Bool(on)
}

fn masking_value(masking: Option<Masking>) -> Value {
    masking.map_or(Value::NotReported, |m| Value::Text(m.word().to_owned()))
}

fn key_value(fingerprint: Option<&str>) -> Value {
    fingerprint.map_or(Value::Bool(false), |f| Value::Text(f.to_owned()))
}

/// The settings `change` leaves on an account whose settings are `state`.
pub fn after_change(change: &DlpChange, state: &DlpState) -> DlpState {
    let edit = match change {
        DlpChange::Edit(edit) => edit,
        DlpChange::Restore => return state.clone(),
        DlpChange::Reset => {
            return DlpState {
                ai_context_analysis: false,
                ocr: false,
                key_fingerprint: None,
                masking: Some(Masking::Default),
                updated_at: state.updated_at.clone(),
            };
        }
    };
    let mut after = state.clone();
    after.ocr = edit.ocr().unwrap_or(state.ocr);
    after.ai_context_analysis = edit
        .ai_context_analysis()
        .unwrap_or(state.ai_context_analysis);
    if let Some(level) = edit.masking() {
        after.masking = Some(level);
    }
    match edit.key() {
        Some(KeyChange::Set { public_key }) => {
            after.key_fingerprint = Some(crate::api::text::key_fingerprint(public_key));
        }
        Some(KeyChange::Clear) => after.key_fingerprint = None,
        None => {}
    }
    after
}

/// Each field `before` → `after`; with `all`, unchanged fields too.
pub(crate) fn field_steps(before: &DlpState, after: &DlpState, all: bool) -> Vec<FieldStep> {
    [
        (
            Field::AiContextAnalysis,
            bool_value(before.ai_context_analysis),
            bool_value(after.ai_context_analysis),
        ),
        (Field::Ocr, bool_value(before.ocr), bool_value(after.ocr)),
        (
            Field::MaskingLevel,
            masking_value(before.masking),
            masking_value(after.masking),
        ),
        (
            Field::PayloadLogging,
            key_value(before.key_fingerprint.as_deref()),
            key_value(after.key_fingerprint.as_deref()),
        ),
    ]
    .into_iter()
    .filter(|(_, b, a)| all || b != a)
    .map(|(field, before, after)| FieldStep {
        field,
        before,
        after,
    })
    .collect()
}

/// Decides what `change` does to an account whose settings are `state`.
pub fn account_step_for(change: &DlpChange, state: &DlpState) -> AccountStep {
    match change.write_for(state) {
        None => AccountStep::Skip(AccountSkip::AlreadySo),
        Some(write) => AccountStep::Send {
            fields: field_steps(
                state,
                &after_change(change, state),
                matches!(write, DlpWrite::Reset),
            ),
            write,
        },
    }
}

/// Whether an account whose write may or may not have reached the server
/// already shows the change applied (read back as `now`): so it is not sent
/// again. A reset is settled by the defaults, an edit by nothing left that
/// its PATCH would change.
pub fn account_settled(change: &DlpChange, now: &DlpState) -> bool {
    match change {
        DlpChange::Reset => at_defaults(now),
        DlpChange::Edit(edit) => edit.patch_for(now).is_none(),
        DlpChange::Restore => true,
    }
}

/// Decides what `change` does to the account of `row`.
pub fn account_entry_for(change: &DlpChange, row: &AccountRow) -> AccountPlanEntry {
    let (step, state) = match &row.dlp {
        AccountDlp::Read(state) => (account_step_for(change, state), Some(state.clone())),
        AccountDlp::Failed(error) => (AccountStep::Skip(AccountSkip::of_failure(error)), None),
    };
    AccountPlanEntry {
        account: PlanAccount {
            id: row.account_id.clone(),
            name: row.account_name.clone(),
            account_type: row.account_type.clone(),
        },
        step,
        state,
        read_at: row.read_at,
        restore: None,
    }
}

impl AccountPlanEntry {
    /// The change this account is sent: its own `restore` in a revert (the
    /// run's change is then [`DlpChange::Restore`]), else the run's.
    pub fn change_for(&self, change: &DlpChange) -> DlpChange {
        match (change, &self.restore) {
            (DlpChange::Restore, Some(edit)) => DlpChange::Edit(edit.clone()),
            _ => change.clone(),
        }
    }

    /// True when the write is to be sent.
    pub fn sends(&self) -> bool {
        matches!(self.step, AccountStep::Send { .. })
    }
}

/// A bulk DLP run's plan: the change and one entry per account, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPlan {
    /// What is changed.
    pub change: DlpChange,
    /// The accounts, in the order selected.
    pub entries: Vec<AccountPlanEntry>,
}

impl AccountPlan {
    /// The plan of `change` for `rows` (an account listed twice counts once).
    pub fn new<'a>(change: DlpChange, rows: impl IntoIterator<Item = &'a AccountRow>) -> Self {
        let mut seen = HashSet::new();
        let entries = rows
            .into_iter()
            .filter(|row| seen.insert(row.account_id.clone()))
            .map(|row| account_entry_for(&change, row))
            .collect();
        Self { change, entries }
    }

    /// How many accounts are sent the write.
    pub fn to_send(&self) -> usize {
        self.entries.iter().filter(|e| e.sends()).count()
    }

    /// The entry of an account.
    pub fn entry(&self, account_id: &str) -> Option<&AccountPlanEntry> {
        self.entries.iter().find(|e| e.account.id == account_id)
    }

    /// True when the admin types the number of accounts to confirm.
    pub fn needs_typed_count(&self) -> bool {
        if self.change == DlpChange::Restore {
            return self
                .entries
                .iter()
                .filter(|e| e.sends())
                .any(|e| e.change_for(&self.change).needs_typed_count(1));
        }
        self.change.needs_typed_count(self.to_send())
    }

    /// The counts of the plan.
    pub fn summary(&self) -> AccountPlanSummary {
        AccountPlanSummary::of(&self.change, &self.entries)
    }

    /// What the run spends at `now` against `budget`: a write per account
    /// sent, and a GET first for each row older than `max_row_age` by the
    /// time it is sent (or never read). Every DLP change reads old rows
    /// again: a typed count or a key is decided from them.
    pub fn cost(
        &self,
        now: u64,
        max_row_age: Duration,
        budget: &Budget,
        pacer: &PacerConfig,
    ) -> RunCost {
        let sent = self.entries.iter().filter(|e| e.sends()).map(|e| e.read_at);
        RunCost::of_sends(sent, true, now, max_row_age, budget, pacer)
    }
}

/// The counts of an account plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountPlanSummary {
    /// The change (for the summary's words).
    pub change: DlpChange,
    /// Accounts in the plan.
    pub accounts: usize,
    /// Accounts sent the write.
    pub to_send: usize,
    /// Accounts skipped, per reason.
    pub skipped: BTreeMap<AccountSkipKind, usize>,
}

impl AccountPlanSummary {
    /// Counts `entries` of a plan of `change`.
    pub fn of(change: &DlpChange, entries: &[AccountPlanEntry]) -> Self {
        let mut summary = Self {
            change: change.clone(),
            accounts: entries.len(),
            to_send: 0,
            skipped: BTreeMap::new(),
        };
        for entry in entries {
            match &entry.step {
                AccountStep::Send { .. } => summary.to_send += 1,
                AccountStep::Skip(skip) => *summary.skipped.entry(skip.kind()).or_default() += 1,
            }
        }
        summary
    }
}

/// "3 to change · 1 already so · 1 no permission" (`to reset` for a reset);
/// zero counts left out.
impl fmt::Display for AccountPlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let thousands = |n: usize| super::thousands(n as u64);
        let mut parts = Vec::new();
        if self.to_send > 0 {
            let verb = match self.change {
                DlpChange::Reset => "to reset",
                DlpChange::Edit(_) => "to change",
                DlpChange::Restore => "to restore",
            };
            parts.push(format!("{} {verb}", thousands(self.to_send)));
        }
        for (kind, count) in &self.skipped {
            parts.push(format!(
                "{} {}",
                thousands(*count),
                kind.words(&self.change)
            ));
        }
        if parts.is_empty() {
            return f.write_str("no accounts");
        }
        f.write_str(&parts.join(" · "))
    }
}

/// The conditions `--only` takes (unreadable accounts cannot be changed,
/// so `error` is not one).
pub const ONLY_CHOICES: [AccountQuick; 4] = [
    AccountQuick::NoKey,
    AccountQuick::Clear,
    AccountQuick::OcrOff,
    AccountQuick::AiOff,
];

/// `--only no-key,clear,ocr-off,ai-off` as conditions; a word it does not
/// take is named in the error.
pub fn parse_only(text: &str) -> Result<Vec<AccountQuick>, String> {
    let mut only = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let quick = AccountQuick::parse(word)
            .filter(|q| ONLY_CHOICES.contains(q))
            .ok_or_else(|| {
                let choices: Vec<&str> = ONLY_CHOICES.iter().map(|q| q.word()).collect();
                format!("--only takes {}, not {word:?}", choices.join(", "))
            })?;
        if !only.contains(&quick) {
            only.push(quick);
        }
    }
    if only.is_empty() {
        return Err("--only needs at least one condition".to_owned());
    }
    Ok(only)
}

/// The rows `--only` selects: those matching any of `only`, in order; every
/// row when `only` is empty.
pub fn select_only<'a>(
    rows: impl IntoIterator<Item = &'a AccountRow>,
    only: &'a [AccountQuick],
) -> impl Iterator<Item = &'a AccountRow> {
    rows.into_iter()
        .filter(move |row| only.is_empty() || only.iter().any(|q| row.is(*q)))
}

#[cfg(test)]
#[path = "account_plan_tests.rs"]
mod tests;
