//! The last changes (`L`) and one change in full (`enter`): every field of
//! the record, the error message whole and wrapped, at 80x24 and 120x40.

use time::macros::datetime;

use super::fixtures::normal;
use super::screen;
use crate::audit::{
    Action, Command, Entry, FieldValue, Fields, Origin, Outcome, Recorded, Target, Verdict,
};
use crate::state::{AppState, AuditLine, AuditOverlay};

/// A bulk write the server refused, with a long message.
fn refused() -> Entry {
    let text = |t: &str| FieldValue::Text(t.to_owned());
    Entry {
        id: "01JAUDIT7Q5V3M2K9X4R8T6W1Z".into(),
        time: datetime!(2025-06-01 10:00:00 UTC),
        origin: Origin::bulk("r20250601-a1b2", Some(Command::FleetApply)),
        profile: Some("work".into()),
        host: "api.cloudflare.com".into(),
        target: Target::zone(
            "023e105f4ecef8ad9ca31a8372d0c353",
            Some("shop.acme-corp.com"),
        )
        .in_account("a1b2c3d4e5f60718293a4b5c6d7e8f90", Some("Acme Corp")),
        action: Action::CsamPatch,
        sent: Some(Fields::from_pairs(vec![
            ("enabled".into(), FieldValue::Bool(true)),
            ("email".into(), text("…@acme-corp.com")),
        ])),
        before: Some(Fields::from_pairs(vec![(
            "enabled".into(),
            FieldValue::Bool(false),
        )])),
        state: Verdict::Refused,
        outcome: Some(Recorded {
            time: datetime!(2025-06-01 10:00:02 UTC),
            outcome: Outcome {
                result: Verdict::Refused,
                status: Some(403),
                after: None,
                errors: vec![crate::audit::Note {
                    code: 10000,
                    message: "Authentication error: the token may not edit zone settings \
                              of this zone; ask an administrator of the account to add \
                              Zone Settings Edit"
                        .into(),
                }],
                messages: Vec::new(),
                error: None,
            },
        }),
    }
}

/// An older write that was applied.
fn applied() -> Entry {
    Entry {
        id: "01JAUDIT6A".into(),
        time: datetime!(2025-05-31 09:00:00 UTC),
        origin: Origin::dashboard(),
        profile: None,
        target: Target::zone(
            "9a7806061c88ada191ed06f989cc3dac",
            Some("blog.acme-corp.com"),
        ),
        state: Verdict::Applied,
        outcome: Some(Recorded {
            time: datetime!(2025-05-31 09:00:01 UTC),
            outcome: Outcome {
                result: Verdict::Applied,
                status: Some(200),
                after: None,
                errors: Vec::new(),
                messages: Vec::new(),
                error: None,
            },
        }),
        ..refused()
    }
}

fn line(entry: Entry) -> AuditLine {
    AuditLine {
        time: crate::audit::time_text(&entry),
        target: entry.target.label(),
        change: crate::audit::change_text(&entry),
        outcome: crate::audit::outcome_text(&entry),
        verdict: entry.state.clone(),
        entry: Box::new(entry),
    }
}

/// `L`: two changes, the first selected.
pub fn audit_list() -> AppState {
    let mut state = normal();
    state.audit = Some(AuditOverlay {
        lines: Some(Ok(vec![line(refused()), line(applied())])),
        scroll: 0,
        detail: None,
    });
    state
}

/// `enter` on the refused change.
pub fn audit_detail() -> AppState {
    let mut state = audit_list();
    if let Some(overlay) = state.audit.as_mut() {
        overlay.detail = Some(0);
    }
    state
}

pub fn scenarios() -> Vec<(&'static str, AppState)> {
    vec![
        ("audit_list", audit_list()),
        ("audit_detail", audit_detail()),
    ]
}

#[test]
fn the_detail_shows_every_field_and_the_whole_error() {
    for (width, height) in [(80, 24), (120, 40)] {
        let shown = screen(width, height, &audit_detail());
        for field in [
            "2025-06-01 10:00:00Z",
            "bulk · fleet apply · run r20250601-a1b2",
            "shop.acme-corp.com",
            "023e105f4ecef8ad9ca31a8372d0c353",
            "Acme Corp (a1b2c3d4e5f60718293a4b5c6d7e8f90)",
            "csam.patch",
            "enabled off → on",
            "refused (HTTP 403)",
            "01JAUDIT7Q5V3M2K9X4R8T6W1Z",
            "api.cloudflare.com",
        ] {
            assert!(
                shown.contains(field),
                "{field} at {width}x{height}:\n{shown}"
            );
        }
        let words: String = shown
            .lines()
            .map(|l| l.trim_matches(|c| c == '┃' || c == ' '))
            .collect::<Vec<_>>()
            .join(" ");
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("ask an administrator of the account to add Zone Settings Edit"),
            "the message whole at {width}x{height}:\n{shown}"
        );
        assert!(!shown.contains('…') || !shown.contains("Edit…"), "{shown}");
    }
}

#[test]
fn the_list_marks_the_selected_change() {
    let shown = screen(80, 24, &audit_list());
    let selected = shown
        .lines()
        .find(|l| l.contains('›'))
        .unwrap_or_else(|| panic!("a selected change:\n{shown}"));
    assert!(selected.contains("shop.acme-corp.com"), "{shown}");
}

#[test]
fn the_footer_offers_the_keys_of_the_list_or_of_the_details() {
    let footer = |state: &AppState| {
        let shown = screen(80, 24, state);
        shown.lines().last().unwrap_or_default().to_owned()
    };
    let list = footer(&audit_list());
    assert!(
        list.contains("enter details") && list.contains("esc close"),
        "{list}"
    );
    let detail = footer(&audit_detail());
    assert!(detail.contains("esc back"), "{detail}");
    assert!(
        !detail.contains("j/k") && !detail.contains("enter"),
        "{detail}"
    );
}
