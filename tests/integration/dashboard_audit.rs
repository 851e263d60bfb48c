//! The dashboard's writes in the audit log: intent before, outcome after,
//! nothing secret; the `L` overlay reads the same file; a write whose
//! intent cannot be recorded is never sent.

use crate::common::tui::Dashboard;
use crate::common::*;
use trustdeck::audit::AuditLog;

fn audit_in(dir: &std::path::Path, mock: &trustdeck::mock::RunningMock) -> AuditLog {
    AuditLog::new(dir.join("audit.jsonl"), None, &mock.base_url())
}

/// Types a new email on the zone panel and saves it (the save asks first:
/// a new email turns scanning off until it is verified).
async fn save_a_new_email(ui: &Dashboard) {
    ui.wait_for_text("ncmec_ngo").await;
    ui.type_keys("e");
    ui.wait_for_text("enter keep").await;
    ui.type_keys("desk@acme-corp.com\n");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    ui.wait_for_text("Saved").await;
}

#[tokio::test]
async fn a_save_and_a_reset_are_recorded_before_and_after_and_shown_by_l() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = audit_in(dir.path(), &mock);
    let mut ui = Dashboard::start_audited(&mock, Some(SHOP), Some(ACME), log.clone());
    save_a_new_email(&ui).await;
    ui.type_keys("2D");
    ui.wait_for_text("[ Cancel ]").await;
    ui.type_keys("y");
    ui.wait_for_text("reset to defaults;").await;
    ui.type_keys("L");
    let screen = ui.wait_for_text("Last changes").await;
    let screen = if screen.contains("dlp.reset") || screen.contains("reset") {
        screen
    } else {
        ui.wait_for("the changes listed", |s| s.contains("applied"))
            .await
    };
    let newest = screen
        .lines()
        .position(|l| l.contains("Acme Corp"))
        .expect("the reset listed");
    let older = screen
        .lines()
        .position(|l| l.contains("shop.acme-corp.com") && l.contains("applied"))
        .expect("the save listed");
    assert!(newest < older, "newest first:\n{screen}");
    ui.type_keys("\x1b");
    ui.wait_for("the overlay closed", |s| !s.contains("Last changes"))
        .await;
    ui.type_keys("q");
    ui.finished().await;

    let text = std::fs::read_to_string(log.path()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "intent and outcome of each write:\n{text}");
    assert_eq!(lines[0]["id"], lines[1]["id"]);
    assert_eq!(lines[2]["id"], lines[3]["id"]);
    assert!(
        text.contains("…@acme-corp.com"),
        "the typed email as its domain"
    );
    for secret in ["desk@", "trust-safety@", FULL_TOKEN, "GIHtZvRL4/paRQ7j"] {
        assert!(!text.contains(secret), "{secret} in the audit log:\n{text}");
    }
    let report = log.read(&trustdeck::audit::Filter::default());
    assert_eq!(report.entries.len(), 2);
    assert!(report.entries.iter().all(|e| e.outcome.is_some()));
}

#[tokio::test]
async fn a_write_whose_intent_cannot_be_recorded_is_not_sent() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    // The log's folder is a file: nothing can be written there.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"").unwrap();
    let log = AuditLog::new(blocker.join("audit.jsonl"), None, &mock.base_url());
    let mut ui = Dashboard::start_audited(&mock, Some(SHOP), Some(ACME), log);
    ui.wait_for_text("ncmec_ngo").await;
    ui.type_keys(" ");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    let screen = ui.wait_for_text("the write was not recorded").await;
    assert!(
        screen.contains("1 unsaved change"),
        "the edit stays:\n{screen}"
    );
    ui.type_keys("uq");
    ui.finished().await;
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
}

#[tokio::test]
async fn enter_on_a_change_shows_every_field_and_esc_goes_back_one_level() {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = audit_in(dir.path(), &mock);
    let mut ui = Dashboard::start_audited(&mock, Some(SHOP), Some(ACME), log.clone());
    save_a_new_email(&ui).await;
    ui.type_keys("L");
    ui.wait_for("the save listed", |s| {
        s.contains("Last changes") && s.contains("› ") && s.contains("applied")
    })
    .await;
    ui.type_keys("\n");
    let screen = ui
        .wait_for("the change in full", |s| s.contains("Change · audit log"))
        .await;
    let id = log.read(&trustdeck::audit::Filter::default()).entries[0]
        .id
        .clone();
    for field in [
        "Time",
        "dashboard",
        "shop.acme-corp.com",
        "csam.patch",
        "…@acme-corp.com",
        "applied (HTTP 200)",
        id.as_str(),
    ] {
        assert!(screen.contains(field), "{field}:\n{screen}");
    }
    assert!(
        !screen.contains("desk@"),
        "the address stays redacted:\n{screen}"
    );
    ui.type_keys("\x1b");
    ui.wait_for("back on the list", |s| {
        s.contains("Last changes") && !s.contains("Change · audit log")
    })
    .await;
    ui.type_keys("\x1b");
    ui.wait_for("the overlay closed", |s| !s.contains("Last changes"))
        .await;
    ui.type_keys("q");
    ui.finished().await;
}
