use std::collections::BTreeMap;

use super::*;

fn row(name: &str, scanning: Scanning, email: Option<EmailState>, lock: Lock) -> FleetRow {
    FleetRow {
        zone_id: format!("id-{name}"),
        zone_name: name.into(),
        account: None,
        plan: None,
        status: None,
        csam: ZoneCsam::Read(CsamState {
            scanning,
            email_state: email,
            sources_on: 1,
            sources_total: 2,
            lock,
            sources: BTreeMap::from([("ngo".into(), true), ("industry".into(), false)]).into(),
            has_email: Some(true),
            email: None,
        }),
        read_at: 100,
    }
}

fn failed(name: &str, failure: Failure) -> FleetRow {
    FleetRow {
        csam: ZoneCsam::Failed(RowError {
            failure,
            message: "no".into(),
        }),
        ..row(name, Scanning::On, None, Lock::Editable)
    }
}

fn mix() -> Vec<FleetRow> {
    use EmailState::*;
    vec![
        row("off-valid", Scanning::Off, Some(Valid), Lock::Editable),
        row("off-valid-2", Scanning::Off, Some(Valid), Lock::Editable),
        row(
            "off-unverified",
            Scanning::Off,
            Some(Unverified),
            Lock::Editable,
        ),
        row("off-pending", Scanning::Off, Some(Pending), Lock::Editable),
        row("on", Scanning::On, Some(Valid), Lock::Editable),
        row("locked", Scanning::Off, Some(Valid), Lock::Locked),
        failed("denied", Failure::NoPermission { permission: None }),
        failed("broken", Failure::Server { status: 502 }),
    ]
}

fn step(plan: &Plan, name: &str) -> Step {
    plan.entry(&format!("id-{name}")).unwrap().step.clone()
}

#[test]
fn enabling_plans_each_kind_of_zone_and_counts_them() {
    let rows = mix();
    let plan = Plan::new(Change::EnableScanning, rows.iter().chain(&rows[..2]));
    assert_eq!(plan.entries.len(), 8, "a zone listed twice counts once");
    assert_eq!(
        step(&plan, "off-valid"),
        Step::Send {
            expect: Expect::AsAsked
        }
    );
    assert_eq!(
        step(&plan, "off-pending"),
        Step::Send {
            expect: Expect::StaysOff
        }
    );
    assert_eq!(step(&plan, "on"), Step::Skip(Skip::AlreadySo));
    assert_eq!(step(&plan, "locked"), Step::Skip(Skip::Locked));
    assert_eq!(
        step(&plan, "denied"),
        Step::Skip(Skip::NoPermission { permission: None })
    );
    assert!(matches!(
        step(&plan, "broken"),
        Step::Skip(Skip::Unreadable { .. })
    ));
    let summary = plan.summary();
    assert_eq!((summary.as_asked, summary.stays_off), (2, 2));
    assert_eq!(summary.to_send(), plan.to_send());
    assert_eq!(
        summary.to_string(),
        "enable scanning: 2 will change · 2 will stay off until the email is verified · \
         1 locked, skipped · 1 not permitted, skipped · 1 could not be read, skipped · \
         1 already on"
    );
}

#[test]
fn every_change_has_its_own_skips_and_expectations() {
    let rows = mix();
    let disable = Plan::new(Change::DisableScanning, &rows);
    assert_eq!(step(&disable, "off-valid"), Step::Skip(Skip::AlreadySo));
    assert_eq!(disable.to_send(), 1);
    assert!(disable.summary().to_string().contains("already off"));

    let email = Plan::new(Change::set_email("a@b.co").unwrap(), &rows);
    assert_eq!(
        step(&email, "on"),
        Step::Send {
            expect: Expect::TurnsOff
        }
    );
    assert_eq!(email.to_send(), 5);

    let resend = Plan::new(Change::ResendVerification, &rows);
    assert_eq!(step(&resend, "off-valid"), Step::Skip(Skip::Verified));
    assert!(resend.entry("id-off-pending").unwrap().sends());
    let mut no_email = row(
        "none",
        Scanning::Off,
        Some(EmailState::Unverified),
        Lock::Editable,
    );
    if let ZoneCsam::Read(state) = &mut no_email.csam {
        state.has_email = Some(false);
    }
    assert_eq!(
        entry_for(&Change::ResendVerification, &no_email).step,
        Step::Skip(Skip::NoEmail)
    );

    let source = Plan::new(Change::source("industry", true).unwrap(), &rows);
    assert!(source.entry("id-on").unwrap().sends());
    let ngo = Plan::new(Change::source("ngo", true).unwrap(), &rows);
    assert_eq!(step(&ngo, "on"), Step::Skip(Skip::AlreadySo));
    let other = Plan::new(Change::source("iwf", true).unwrap(), &rows);
    assert_eq!(
        step(&other, "on"),
        Step::Skip(Skip::UnknownSource {
            known: vec!["industry".into(), "ngo".into()]
        })
    );
    assert!(other.summary().to_string().contains("without source iwf"));
}

#[test]
fn a_row_without_source_names_is_read_again_before_sending() {
    let mut cached = row("old", Scanning::On, Some(EmailState::Valid), Lock::Editable);
    if let ZoneCsam::Read(state) = &mut cached.csam {
        state.sources = Default::default();
    }
    let entry = entry_for(&Change::source("ngo", false).unwrap(), &cached);
    assert!(entry.sends());
    assert_eq!(entry.read_at, 0, "stale on purpose");
    assert_eq!(
        entry_for(&Change::EnableScanning, &cached).read_at,
        100,
        "other changes need no names"
    );
}

#[test]
fn only_an_unchanged_result_settles_an_interrupted_zone() {
    assert!(settled(
        &Change::EnableScanning,
        &Step::Skip(Skip::AlreadySo)
    ));
    let stays_off = Step::Send {
        expect: Expect::StaysOff,
    };
    assert!(settled(&Change::EnableScanning, &stays_off));
    let as_asked = Step::Send {
        expect: Expect::AsAsked,
    };
    assert!(!settled(&Change::DisableScanning, &as_asked));
    let email = Change::set_email("a@b.co").unwrap();
    assert!(!settled(&email, &as_asked), "a masked email never shows");
}

#[test]
fn entries_round_trip_through_json_in_a_flat_shape() {
    let plan = Plan::new(Change::EnableScanning, &mix());
    let text = serde_json::to_string(&plan).unwrap();
    assert!(
        text.contains(r#""step":"skip","reason":"locked""#),
        "{text}"
    );
    assert!(
        text.contains(r#""step":"send","expect":"stays_off""#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), plan);
    let before = plan.entry("id-off-valid").unwrap().before().unwrap();
    assert_eq!(before.value.enabled, Some(false));
    assert_eq!(before.editable, Some(true));
}

#[test]
fn an_email_plan_shows_the_whole_typed_address() {
    let change = Change::set_email("trust-safety@acme-crop.com").unwrap();
    let plan = Plan::new(change, &mix());
    let text = plan.summary().to_string();
    assert!(
        text.starts_with("set the notification email to trust-safety@acme-crop.com:"),
        "{text}"
    );
}
