//! What a fleet table shows: the coverage summary, what needs attention
//! first, filters and sort orders. Pure functions over rows, shared by the
//! dashboard's page, the headless table/JSON/CSV and a bulk-change planner.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::row::{FleetRow, Lock, Scanning, ZoneCsam};
use crate::api::model::EmailState;

pub use super::coverage::Coverage;
pub use crate::doc::Attention;

impl FleetRow {
    /// The most urgent thing about this zone.
    pub fn attention(&self) -> Attention {
        let state = match &self.csam {
            ZoneCsam::Failed(_) => return Attention::Unreadable,
            ZoneCsam::Read(state) => state,
        };
        if state.lock == Lock::Locked {
            Attention::Locked
        } else if state.scanning != Scanning::On {
            Attention::NotScanning
        } else if state.scans_nothing() {
            Attention::NoSource
        } else if state.no_email() {
            Attention::NoEmail
        } else {
            match state.email_state {
                Some(EmailState::Valid) => Attention::Fine,
                Some(EmailState::Pending) => Attention::Pending,
                _ => Attention::EmailUnverified,
            }
        }
    }

    /// Scanning as a fleet table words it, "on · no source" apart.
    pub fn scanning_state(&self) -> Option<ScanningState> {
        let state = self.state()?;
        Some(match state.scanning {
            Scanning::On if state.scans_nothing() => ScanningState::OnNoSource,
            Scanning::On => ScanningState::On,
            Scanning::Off => ScanningState::Off,
            Scanning::NotReported => ScanningState::NotReported,
        })
    }

    /// The notification email as a fleet table words it: the server's
    /// `email_state`, except "no email" when none is set (the API then says
    /// `unverified`, which would send an admin looking for a mail).
    pub fn email_word(&self) -> Option<&str> {
        let state = self.state()?;
        Some(if state.no_email() {
            "no_email"
        } else {
            state
                .email_state
                .as_ref()
                .map_or("not_reported", EmailState::as_str)
        })
    }
}

/// Whether a read zone scans, in the words of a fleet table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanningState {
    /// On, with at least one source on: the zone is covered.
    On,
    /// On, with every source off (or none at all): it scans nothing.
    OnNoSource,
    /// Off.
    Off,
    /// The answer had no `enabled`.
    NotReported,
}

/// A quick filter: one question about a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quick {
    /// Read, and scanning is not on.
    NotScanning,
    /// Read, scanning on and every source off: it scans nothing.
    NoSource,
    /// Read, and the email is anything but verified (pending and no email
    /// included).
    EmailNotVerified,
    /// Read, and no notification email is set.
    NoEmail,
    /// Read, and the email is pending.
    Pending,
    /// Read, and locked by Trust & Safety.
    Locked,
    /// The setting could not be read.
    Error,
}

impl Quick {
    /// Every quick filter.
    pub const ALL: [Self; 7] = [
        Self::NotScanning,
        Self::NoSource,
        Self::EmailNotVerified,
        Self::NoEmail,
        Self::Pending,
        Self::Locked,
        Self::Error,
    ];

    /// This filter's bit in [`Quick::answers`].
    fn bit(self) -> u8 {
        1 << Self::ALL.iter().position(|q| *q == self).unwrap_or(0)
    }

    /// Every quick filter's answer for `row`, one bit each: what a page
    /// keeps per row so that a filter's pass reads no row.
    pub fn answers(row: &FleetRow) -> u8 {
        Self::ALL
            .iter()
            .filter(|quick| quick.matches(row))
            .fold(0, |bits, quick| bits | quick.bit())
    }

    /// Whether `row` answers yes.
    pub fn matches(self, row: &FleetRow) -> bool {
        let Some(state) = row.state() else {
            return self == Self::Error;
        };
        match self {
            Self::NotScanning => state.scanning != Scanning::On,
            Self::NoSource => state.scans_nothing(),
            Self::NoEmail => state.no_email(),
            Self::EmailNotVerified => state.email_state != Some(EmailState::Valid),
            Self::Pending => state.email_state == Some(EmailState::Pending),
            Self::Locked => state.lock == Lock::Locked,
            Self::Error => false,
        }
    }
}

/// Which rows to show: all of `quick` must match, and the name must contain
/// `name_contains` (ignoring case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Quick filters, all of which must match.
    pub quick: Vec<Quick>,
    /// Part of the zone's name, or `None`/empty for any.
    pub name_contains: Option<String>,
}

impl Filter {
    /// Whether `row` passes.
    pub fn matches(&self, row: &FleetRow) -> bool {
        if !self.quick.iter().all(|quick| quick.matches(row)) {
            return false;
        }
        match self.name_contains.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(part) => lowercase(&row.zone_name).contains(&*lowercase(part)),
        }
    }
}

impl Filter {
    /// The quick filters' bits (as in [`Quick::answers`]) when no name is
    /// typed: a row passes when its answers hold all of them.
    pub fn quick_only(&self) -> Option<u8> {
        let named = self
            .name_contains
            .as_deref()
            .is_some_and(|name| !name.trim().is_empty());
        (!named).then(|| self.quick.iter().fold(0, |bits, quick| bits | quick.bit()))
    }

    /// [`Filter::matches`] with the name lowercased once, for a pass over
    /// many rows.
    pub fn matcher(&self) -> impl Fn(&FleetRow) -> bool + '_ {
        let part = match self.name_contains.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(part) => Some(lowercase(part).into_owned()),
        };
        move |row| {
            self.quick.iter().all(|quick| quick.matches(row))
                && part
                    .as_deref()
                    .is_none_or(|part| lowercase(&row.zone_name).contains(part))
        }
    }
}

/// The orders a fleet table can be sorted in; ties go by zone name, then id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// What needs attention first ([`Attention`]'s order).
    #[default]
    Attention,
    /// By zone name.
    Zone,
    /// By account name.
    Account,
    /// By plan, the highest first (ent, business, pro, free, others).
    Plan,
}

impl SortKey {
    /// Every sort order, in the order `S` cycles through them.
    pub const ALL: [Self; 4] = [Self::Attention, Self::Zone, Self::Account, Self::Plan];
}

/// Compares two rows in `key`'s order, as [`visible`] sorts them, without
/// allocating for ASCII names: a running page compares each arriving row
/// with a few others.
pub fn compare(a: &FleetRow, b: &FleetRow, key: SortKey) -> Ordering {
    let first = match key {
        SortKey::Attention => a.attention().cmp(&b.attention()),
        SortKey::Zone => Ordering::Equal,
        SortKey::Account => match (&a.account, &b.account) {
            (Some(a), Some(b)) => cmp_lowercase(&a.name, &b.name, |s| Cow::Owned(s.to_lowercase())),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        SortKey::Plan => plan_rank(a.plan.as_deref()).cmp(&plan_rank(b.plan.as_deref())),
    };
    first
        .then_with(|| cmp_lowercase(&a.zone_name, &b.zone_name, lowercase))
        .then_with(|| a.zone_id.cmp(&b.zone_id))
}

/// Two names in the order of their lowercase forms (`lower`, as
/// [`RowKey`] makes them), allocating only for names that are not ASCII.
fn cmp_lowercase(a: &str, b: &str, lower: fn(&str) -> Cow<'_, str>) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        lower(a).cmp(&lower(b))
    }
}

/// A row's place in a sort order, made once per row so that sorting
/// thousands of rows allocates at most a lowercase name for each.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct RowKey<'a> {
    first: First,
    name: Cow<'a, str>,
    id: &'a str,
}

/// The part of a [`RowKey`] the sort key decides.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum First {
    Attention(Attention),
    Nothing,
    /// Zones of no known account go last.
    Account {
        unknown: bool,
        name: Option<String>,
    },
    Plan(usize),
}

impl<'a> RowKey<'a> {
    fn of(row: &'a FleetRow, key: SortKey) -> Self {
        let first = match key {
            SortKey::Attention => First::Attention(row.attention()),
            SortKey::Zone => First::Nothing,
            SortKey::Account => {
                let name = row.account.as_ref().map(|a| a.name.to_lowercase());
                First::Account {
                    unknown: name.is_none(),
                    name,
                }
            }
            SortKey::Plan => First::Plan(plan_rank(row.plan.as_deref())),
        };
        Self {
            first,
            name: lowercase(&row.zone_name),
            id: &row.zone_id,
        }
    }
}

fn lowercase(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_uppercase) {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn plan_rank(plan: Option<&str>) -> usize {
    ["ent", "enterprise", "business", "pro", "free"]
        .iter()
        .position(|known| plan.is_some_and(|p| p.eq_ignore_ascii_case(known)))
        .map_or(5, |i| i.max(1) - 1)
}

/// The indices of the rows that pass `filter`, in `key`'s order: what a
/// table draws (only the visible slice of it), without copying a row.
pub fn visible(rows: &[FleetRow], filter: &Filter, key: SortKey) -> Vec<usize> {
    let mut shown: Vec<(RowKey<'_>, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| filter.matches(row))
        .map(|(i, row)| (RowKey::of(row, key), i))
        .collect();
    // The zone id ends every key, so no two keys are equal.
    shown.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    shown.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::super::row::{AccountRef, CsamState, Failure, RowError};
    use super::*;

    fn row(name: &str, scanning: Scanning, email: Option<EmailState>, lock: Lock) -> FleetRow {
        FleetRow {
            zone_id: format!("id-{name}"),
            zone_name: name.into(),
            account: Some(std::sync::Arc::new(AccountRef {
                id: "a".into(),
                name: "Acme".into(),
            })),
            plan: Some("pro".into()),
            status: Some("active".into()),
            csam: ZoneCsam::Read(CsamState {
                scanning,
                email_state: email,
                sources_on: 1,
                sources_total: 2,
                lock,
                sources: Default::default(),
                has_email: Some(true),
                email: None,
            }),
            read_at: 0,
        }
    }

    fn failed(name: &str) -> FleetRow {
        FleetRow {
            csam: ZoneCsam::Failed(RowError {
                failure: Failure::NoPermission { permission: None },
                message: "permission denied".into(),
            }),
            ..row(name, Scanning::On, None, Lock::Editable)
        }
    }

    /// One zone of each kind, in no particular order.
    fn fleet() -> Vec<FleetRow> {
        use EmailState::*;
        vec![
            row("fine.example", Scanning::On, Some(Valid), Lock::Editable),
            row(
                "pending.example",
                Scanning::On,
                Some(Pending),
                Lock::Editable,
            ),
            row("off.example", Scanning::Off, Some(Valid), Lock::Editable),
            failed("broken.example"),
            row(
                "locked.example",
                Scanning::Off,
                Some(Unverified),
                Lock::Locked,
            ),
            row(
                "unverified.example",
                Scanning::On,
                Some(Unverified),
                Lock::Editable,
            ),
            row(
                "silent.example",
                Scanning::NotReported,
                None,
                Lock::NotReported,
            ),
        ]
    }

    #[test]
    fn attention_puts_the_unknown_and_the_stuck_first() {
        let rows = fleet();
        let order: Vec<&str> = visible(&rows, &Filter::default(), SortKey::Attention)
            .into_iter()
            .map(|i| rows[i].zone_name.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "broken.example",
                "locked.example",
                "off.example",
                "silent.example",
                "unverified.example",
                "pending.example",
                "fine.example",
            ]
        );
    }

    #[test]
    fn coverage_counts_and_says_it_in_one_line() {
        let coverage = Coverage::of(&fleet());
        assert_eq!(
            coverage,
            Coverage {
                zones: 7,
                scanning: 3,
                not_scanning: 3,
                email_unverified: 2,
                pending: 1,
                locked: 1,
                unreadable: 1,
                ..Coverage::default()
            }
        );
        assert_eq!(
            coverage.to_string(),
            "3 of 7 zones scanning (42 %) · 2 email unverified · 1 pending · 1 locked · \
             1 could not be read"
        );
        let mut many = vec![row("a", Scanning::On, Some(EmailState::Valid), Lock::Editable); 999];
        many.push(row("b", Scanning::Off, None, Lock::Editable));
        let almost = Coverage::of(&many);
        assert_eq!(almost.scanning_percent(), Some(99), "100 % only when all");
        assert_eq!(almost.to_string(), "999 of 1000 zones scanning (99 %)");
        assert_eq!(Coverage::of(&[]).to_string(), "no zones");
        assert_eq!(
            Coverage::of(&many[..1]).to_string(),
            "1 of 1 zone scanning (100 %)"
        );
    }

    #[test]
    fn quick_filters_and_the_name_combine() {
        let rows = fleet();
        let names = |filter: Filter| -> Vec<String> {
            visible(&rows, &filter, SortKey::Zone)
                .into_iter()
                .map(|i| rows[i].zone_name.clone())
                .collect()
        };
        let quick = |quick: &[Quick]| Filter {
            quick: quick.to_vec(),
            name_contains: None,
        };
        assert_eq!(
            names(quick(&[Quick::NotScanning])),
            ["locked.example", "off.example", "silent.example"]
        );
        assert_eq!(
            names(quick(&[Quick::EmailNotVerified])),
            [
                "locked.example",
                "pending.example",
                "silent.example",
                "unverified.example"
            ]
        );
        assert_eq!(names(quick(&[Quick::Pending])), ["pending.example"]);
        assert_eq!(names(quick(&[Quick::Locked])), ["locked.example"]);
        assert_eq!(names(quick(&[Quick::Error])), ["broken.example"]);
        assert_eq!(
            names(quick(&[Quick::NotScanning, Quick::Locked])),
            ["locked.example"]
        );
        let by_name = Filter {
            quick: vec![Quick::NotScanning],
            name_contains: Some(" OFF".into()),
        };
        assert_eq!(names(by_name), ["off.example"]);
        assert_eq!(
            names(Filter {
                name_contains: Some("  ".into()),
                ..Filter::default()
            })
            .len(),
            7
        );
    }

    #[test]
    fn scanning_with_no_source_on_is_not_covered_and_no_email_is_its_own_state() {
        let mut nothing = row(
            "nothing.example",
            Scanning::On,
            Some(EmailState::Valid),
            Lock::Editable,
        );
        if let ZoneCsam::Read(state) = &mut nothing.csam {
            state.sources_on = 0;
        }
        let mut never = row(
            "never.example",
            Scanning::Off,
            Some(EmailState::Unverified),
            Lock::Editable,
        );
        if let ZoneCsam::Read(state) = &mut never.csam {
            state.has_email = Some(false);
        }
        let fine = row(
            "fine.example",
            Scanning::On,
            Some(EmailState::Valid),
            Lock::Editable,
        );
        assert_eq!(nothing.attention(), Attention::NoSource);
        assert_eq!(nothing.scanning_state(), Some(ScanningState::OnNoSource));
        assert_eq!(never.email_word(), Some("no_email"));
        assert_eq!(fine.email_word(), Some("valid"));
        let rows = [nothing.clone(), never.clone(), fine];
        let coverage = Coverage::of(&rows);
        assert_eq!(
            (coverage.scanning, coverage.no_source, coverage.not_scanning),
            (1, 1, 1)
        );
        assert_eq!((coverage.no_email, coverage.email_unverified), (1, 0));
        assert_eq!(
            coverage.to_string(),
            "1 of 3 zones scanning (33 %) · 1 no source · 1 no email"
        );
        assert!(Quick::NoSource.matches(&nothing) && !Quick::NoSource.matches(&rows[2]));
        assert!(Quick::NoEmail.matches(&never) && !Quick::NoEmail.matches(&nothing));
        assert!(
            Quick::EmailNotVerified.matches(&never),
            "no email is still not verified"
        );
        let mut scanning_no_email = never;
        if let ZoneCsam::Read(state) = &mut scanning_no_email.csam {
            state.scanning = Scanning::On;
        }
        assert_eq!(scanning_no_email.attention(), Attention::NoEmail);
    }

    #[test]
    fn sorting_by_plan_and_account_breaks_ties_by_name() {
        let mut rows = fleet();
        rows[0].plan = Some("ent".into());
        rows[1].plan = Some("free".into());
        rows[2].plan = None;
        rows[3].account = Some(std::sync::Arc::new(AccountRef {
            id: "b".into(),
            name: "Beta".into(),
        }));
        rows[4].account = None;
        let first_and_last = |key| {
            let order = visible(&rows, &Filter::default(), key);
            (
                rows[order[0]].zone_name.clone(),
                rows[*order.last().unwrap()].zone_name.clone(),
            )
        };
        assert_eq!(
            first_and_last(SortKey::Plan),
            ("fine.example".into(), "off.example".into())
        );
        assert_eq!(
            first_and_last(SortKey::Account),
            ("fine.example".into(), "locked.example".into())
        );
        let order = visible(&rows, &Filter::default(), SortKey::Account);
        assert_eq!(
            rows[order[5]].zone_name, "broken.example",
            "Beta after Acme"
        );
    }

    #[test]
    fn compare_sorts_as_visible_does_whatever_the_case_and_script() {
        let mut rows = fleet();
        rows[0].zone_name = "Fine.Example".into();
        rows[1].zone_name = "ÉCOLE.example".into();
        rows[2].account = Some(std::sync::Arc::new(AccountRef {
            id: "c".into(),
            name: "Ärger GmbH".into(),
        }));
        rows[3].account = Some(std::sync::Arc::new(AccountRef {
            id: "d".into(),
            name: "acme".into(),
        }));
        rows[5].account = None;
        rows[6].plan = Some("ENT".into());
        for key in [
            SortKey::Attention,
            SortKey::Zone,
            SortKey::Account,
            SortKey::Plan,
        ] {
            let mut by_compare: Vec<usize> = (0..rows.len()).collect();
            by_compare.sort_by(|&a, &b| compare(&rows[a], &rows[b], key));
            assert_eq!(
                by_compare,
                visible(&rows, &Filter::default(), key),
                "{key:?}"
            );
        }
        let mut counted = Coverage::default();
        for row in &rows {
            counted.add(row);
        }
        counted.add(&rows[0]);
        counted.remove(&rows[0]);
        assert_eq!(counted, Coverage::of(&rows));
    }
}
