//! What a CSAM Scanner PATCH will do that the admin may not expect, known
//! before it is sent: the zone panel asks on them and `csam set` says them
//! (and wants `--yes` for a new email on a scanning zone).

use serde::Serialize;

use crate::api::model::{CsamPatchValue, CsamValue, EmailState};

/// One thing to say before a CSAM PATCH is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SaveWarning {
    /// A new address on a zone that scans: every email PATCH starts a
    /// verification, and the server turns scanning off until the new
    /// address is verified.
    EmailStopsScanning,
    /// Scanning asked on while the email is not verified (or is being
    /// replaced): the server keeps it off until the address is verified.
    StaysOff,
    /// Scanning on with every source off after the save: the zone scans
    /// nothing.
    NoSource,
}

impl SaveWarning {
    /// Whether the admin must say yes before it is sent: a new email
    /// cannot be taken back without a second verification mail.
    pub fn needs_consent(self) -> bool {
        self == Self::EmailStopsScanning
    }
}

/// The warnings for sending `patch` to a zone whose value is `before`.
pub fn csam_warnings(before: &CsamValue, patch: &CsamPatchValue) -> Vec<SaveWarning> {
    let mut warnings = Vec::new();
    let scanning_now = before.enabled == Some(true);
    let scanning_after = patch.enabled.or(before.enabled) == Some(true);
    if patch.email.is_some() && scanning_now && patch.enabled != Some(false) {
        warnings.push(SaveWarning::EmailStopsScanning);
    }
    let unverified = before.email_state != Some(EmailState::Valid) || patch.email.is_some();
    if patch.enabled == Some(true) && !scanning_now && unverified {
        warnings.push(SaveWarning::StaysOff);
    }
    let touches_scanning = patch.enabled == Some(true) || patch.sources.is_some();
    let any_source_on = before.sources.iter().any(|(name, on)| {
        patch
            .sources
            .as_ref()
            .and_then(|sources| sources.get(name))
            .copied()
            .unwrap_or(*on)
    });
    if scanning_after && touches_scanning && !any_source_on {
        warnings.push(SaveWarning::NoSource);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn value(enabled: bool, email: EmailState, sources: &[(&str, bool)]) -> CsamValue {
        CsamValue {
            enabled: Some(enabled),
            email_state: Some(email),
            sources: sources.iter().map(|(n, on)| ((*n).into(), *on)).collect(),
            ..CsamValue::default()
        }
    }

    fn sources(switches: &[(&str, bool)]) -> Option<BTreeMap<String, bool>> {
        Some(switches.iter().map(|(n, on)| ((*n).into(), *on)).collect())
    }

    #[test]
    fn switching_the_last_source_off_while_scanning_warns() {
        let before = value(true, EmailState::Valid, &[("a", true), ("b", false)]);
        let last_off = CsamPatchValue {
            sources: sources(&[("a", false)]),
            ..CsamPatchValue::default()
        };
        assert_eq!(csam_warnings(&before, &last_off), [SaveWarning::NoSource]);
        let one_of_two = CsamPatchValue {
            sources: sources(&[("b", true)]),
            ..CsamPatchValue::default()
        };
        assert!(csam_warnings(&before, &one_of_two).is_empty());
        let off = value(false, EmailState::Valid, &[("a", true)]);
        assert!(csam_warnings(&off, &last_off).is_empty(), "not scanning");
        let none_on = value(false, EmailState::Valid, &[("a", false)]);
        let enable = CsamPatchValue {
            enabled: Some(true),
            ..CsamPatchValue::default()
        };
        assert_eq!(csam_warnings(&none_on, &enable), [SaveWarning::NoSource]);
    }

    #[test]
    fn a_new_email_on_a_scanning_zone_needs_consent() {
        let email = CsamPatchValue {
            email: Some("new@example.com".into()),
            ..CsamPatchValue::default()
        };
        let scanning = value(true, EmailState::Valid, &[("a", true)]);
        let warnings = csam_warnings(&scanning, &email);
        assert_eq!(warnings, [SaveWarning::EmailStopsScanning]);
        assert!(warnings[0].needs_consent());
        let off = value(false, EmailState::Valid, &[("a", true)]);
        assert!(csam_warnings(&off, &email).is_empty());
        let and_off = CsamPatchValue {
            enabled: Some(false),
            ..email.clone()
        };
        assert!(csam_warnings(&scanning, &and_off).is_empty());
    }

    #[test]
    fn turning_scanning_on_without_a_verified_email_says_it_stays_off() {
        let enable = CsamPatchValue {
            enabled: Some(true),
            ..CsamPatchValue::default()
        };
        for state in [EmailState::Unverified, EmailState::Pending] {
            let before = value(false, state, &[("a", true)]);
            let warnings = csam_warnings(&before, &enable);
            assert_eq!(warnings, [SaveWarning::StaysOff]);
            assert!(!warnings[0].needs_consent());
        }
        let verified = value(false, EmailState::Valid, &[("a", true)]);
        assert!(csam_warnings(&verified, &enable).is_empty());
        let with_email = CsamPatchValue {
            email: Some("new@example.com".into()),
            ..enable
        };
        assert_eq!(
            csam_warnings(&verified, &with_email),
            [SaveWarning::StaysOff]
        );
    }
}
