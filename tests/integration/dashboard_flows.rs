//! End-to-end journeys: the real dashboard loop on a TestBackend, keys
//! injected, against the embedded mock over loopback. Every wait has a timeout.

use std::time::{Duration, Instant};

use crate::common::tui::{Dashboard, WAIT};
use crate::common::*;
use serde_json::{Value, json};

async fn mock_state(mock: &trustdeck::mock::RunningMock) -> Value {
    mock_get(mock, "/__mock/state").await
}

/// Polls the mock until `check` holds on its raw state.
async fn wait_for_state(
    mock: &trustdeck::mock::RunningMock,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let state = mock_state(mock).await;
        if check(&state) {
            return state;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; mock state: {state}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn count(mock: &trustdeck::mock::RunningMock, method: &str) -> usize {
    requests(mock)
        .await
        .iter()
        .filter(|(m, _)| m == method)
        .count()
}

#[tokio::test]
async fn edit_email_and_save_sends_a_verification_email() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("e");
    ui.type_keys("new-desk@acme-corp.com\n");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let state = wait_for_state(&mock, "the new email", |s| {
        s["zones"][SHOP]["email"] == "new-desk@acme-corp.com"
    })
    .await;
    assert_eq!(state["zones"][SHOP]["email_state"], "pending");
    assert!(
        outbox(&mock)
            .await
            .iter()
            .any(|m| m["to"] == "new-desk@acme-corp.com")
    );
    let screen = ui.wait_for_text("pending").await;
    assert!(screen.contains("verification email was sent"), "{screen}");
    assert_eq!(count(&mock, "PATCH").await, 1);
    ui.type_keys("q");
    assert!(ui.finished().await.quit);
}

#[tokio::test]
async fn toggle_a_source_and_save() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_industry").await;
    // Rows: scanning, email, ncmec_industry, ncmec_ngo.
    ui.type_keys("jj ");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    wait_for_state(&mock, "the source on", |s| {
        s["zones"][SHOP]["sources"]["ncmec_industry"] == true
    })
    .await;
    ui.wait_for_text("Saved").await;
}

#[tokio::test]
async fn enabling_with_an_unverified_email_reports_the_adjustment() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(FORUM_UNVERIFIED), Some(ACME), 120, 40);
    ui.wait_for_text("unverified").await;
    ui.type_keys(" s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let screen = ui.wait_for_text("kept scanning off").await;
    assert!(screen.contains("verified"), "{screen}");
    assert_eq!(
        mock_state(&mock).await["zones"][FORUM_UNVERIFIED]["enabled"],
        false
    );
}

#[tokio::test]
async fn a_locked_zone_cannot_be_edited() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(CDN_LOCKED), Some(ACME), 120, 40);
    let screen = ui.wait_for_text("Locked by Trust & Safety").await;
    assert!(
        !screen.contains("edit email"),
        "no edit keys offered:\n{screen}"
    );
    ui.type_keys(" e jj s");
    ui.type_keys("2");
    ui.wait_for("the account panel focused", |s| {
        s.lines().any(|l| l.contains("┏ 2 Account"))
    })
    .await;
    assert!(!ui.screen().contains("unsaved"));
    // Every key read before the mock is asked what it saw.
    ui.type_keys("q");
    assert!(ui.finished().await.quit, "nothing staged: quit at once");
    assert_eq!(count(&mock, "PATCH").await, 0);
}

#[tokio::test]
async fn dlp_toggle_and_save() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(GLOBEX), 120, 40);
    ui.wait_for_text("OCR").await;
    ui.type_keys("2j ");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    wait_for_state(&mock, "OCR on", |s| s["dlp"][GLOBEX]["ocr"] == true).await;
    ui.wait_for_text("Saved DLP settings").await;
}

#[tokio::test]
async fn reset_confirmed_puts_the_account_at_defaults() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    ui.type_keys("2D");
    ui.wait_for_text("Cancel").await;
    ui.type_keys("y");
    let state = wait_for_state(&mock, "defaults", |s| {
        s["dlp"][ACME]["ai_context_analysis"] == false
    })
    .await;
    assert_eq!(state["dlp"][ACME]["ocr"], false);
    assert_eq!(
        state["dlp"][ACME]["payload_logging"]["public_key"],
        Value::Null
    );
    // The status line, not the panel's own "reset to defaults…" row.
    ui.wait_for_text("reset to defaults; the panel shows what Cloudflare returned")
        .await;
}

#[tokio::test]
async fn reset_cancelled_changes_nothing() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    let before = mock_state(&mock).await["dlp"][ACME].clone();
    ui.type_keys("2D");
    ui.wait_for_text("Cancel").await;
    ui.type_keys("n");
    ui.wait_for_text("Reset cancelled").await;
    // Each key's own effect: the dialog opens again, then Enter (Cancel by
    // default) closes it.
    ui.type_keys("D");
    ui.wait_for_text("[ Cancel ]").await;
    ui.type_keys("\n");
    ui.wait_for("the dialog closed", |s| !s.contains("[ Cancel ]"))
        .await;
    // Every key read before the mock is asked what it saw.
    ui.type_keys("q");
    assert!(ui.finished().await.quit);
    assert_eq!(count(&mock, "DELETE").await, 0);
    assert_eq!(mock_state(&mock).await["dlp"][ACME], before);
}

#[tokio::test]
async fn quitting_with_unsaved_edits_asks_first() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 80, 24);
    ui.wait_for_text("valid").await;
    ui.type_keys(" q");
    ui.wait_for_text("Quit").await;
    ui.type_keys("n");
    ui.wait_for("the dialog closed", |s| !s.contains("[ Quit ]"))
        .await;
    assert!(ui.is_running());
    ui.type_keys("qy");
    let state = ui.finished().await;
    assert!(state.quit);
    assert_eq!(count(&mock, "PATCH").await, 0, "quitting saves nothing");
}

#[tokio::test]
async fn a_save_that_fails_with_a_5xx_keeps_the_edits() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("e");
    ui.type_keys("kept@acme-corp.com\n");
    ui.wait_for_text("1 unsaved change").await;
    set_fail_rate(&mock, 1.0).await;
    ui.type_keys("s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let screen = ui.wait_for_text("press s to retry").await;
    assert!(screen.contains("1 unsaved change"), "{screen}");
    assert_eq!(
        mock_state(&mock).await["zones"][SHOP]["email"],
        "trust-safety@acme-corp.com"
    );
    set_fail_rate(&mock, 0.0).await;
    ui.type_keys("s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    wait_for_state(&mock, "the retried save", |s| {
        s["zones"][SHOP]["email"] == "kept@acme-corp.com"
    })
    .await;
}

#[tokio::test]
async fn the_screen_follows_a_resize() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_ngo").await;
    ui.resize(60, 20);
    ui.wait_for_text("too small").await;
    ui.resize(80, 24);
    ui.wait_for_text("ncmec_ngo").await;
}

async fn set_fail_rate(mock: &trustdeck::mock::RunningMock, rate: f64) {
    trustdeck::api::install_crypto_provider();
    let response = reqwest::Client::new()
        .post(format!("{}/__mock/faults", root(mock)))
        .json(&serde_json::json!({ "fail_rate": rate }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn clicking_selects_and_clicking_again_toggles() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_industry").await;
    let (column, row) = ui.find("ncmec_industry").unwrap();
    ui.click(column, row);
    ui.wait_for("the source row selected", |s| {
        s.lines()
            .any(|l| l.contains("› ") && l.contains("ncmec_industry"))
    })
    .await;
    assert!(
        !ui.screen().contains("unsaved"),
        "the first click only selects"
    );
    ui.click(column, row);
    ui.wait_for_text("1 unsaved change").await;
    let (column, row) = ui.find("OCR").unwrap();
    ui.click(column, row);
    ui.wait_for("the OCR row selected", |s| {
        s.lines().any(|l| l.contains("› OCR"))
    })
    .await;
    ui.click(column, row);
    ui.type_keys("s");
    wait_for_state(&mock, "OCR switched off by clicks", |s| {
        s["dlp"][ACME]["ocr"] == false
    })
    .await;
    assert_eq!(
        mock_state(&mock).await["zones"][SHOP]["sources"]["ncmec_industry"],
        false,
        "the zone edit stays staged, unsaved"
    );
}

#[tokio::test]
async fn keys_typed_during_a_save_are_staged_and_its_outcome_stays() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_industry").await;
    // Rows: scanning, email, ncmec_industry, ncmec_ngo.
    ui.type_keys("jj ");
    ui.wait_for_text("1 unsaved change").await;
    set_faults(&mock, json!({"latency_ms": 1500})).await;
    ui.type_keys("s");
    ui.wait_for_text("Saving zone").await;
    // A second save says why it waits.
    ui.type_keys("s");
    ui.wait_for_text("A save of shop.acme-corp.com is on its way")
        .await;
    // A toggle, then the email field; the `a` of "acme" is typed into the
    // field, not taken for the account picker.
    ui.type_keys("j e");
    ui.wait_for_text("enter keep").await;
    ui.type_keys("acme-desk@acme-corp.com\n");
    let screen = ui.wait_for_text("Saved").await;
    assert!(!screen.contains("type to filter"), "{screen}");
    assert!(screen.contains("2 unsaved changes"), "{screen}");
    assert!(screen.contains("acme-desk@acme-corp.com"), "{screen}");
    assert_eq!(count(&mock, "PATCH").await, 1);
    set_faults(&mock, json!({"latency_ms": 0})).await;
    // The staged edits go with the next save, once.
    ui.type_keys("s");
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let state = wait_for_state(&mock, "the edits made during the save", |s| {
        s["zones"][SHOP]["email"] == "acme-desk@acme-corp.com"
    })
    .await;
    assert_eq!(state["zones"][SHOP]["sources"]["ncmec_industry"], true);
    assert_eq!(state["zones"][SHOP]["sources"]["ncmec_ngo"], false);
    assert_eq!(count(&mock, "PATCH").await, 2);
}

#[tokio::test]
async fn save_anyway_cancels_on_enter_and_sends_once_on_y() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(FORUM_UNVERIFIED), Some(ACME), 120, 40);
    ui.wait_for_text("unverified").await;
    ui.type_keys(" s");
    ui.wait_for_text("Save anyway?").await;
    // Cancel is the default: enter sends nothing and keeps the edit.
    ui.type_keys("\n");
    let screen = ui.wait_for_text("Not saved").await;
    assert!(screen.contains("1 unsaved change"), "{screen}");
    ui.type_keys("s");
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    ui.wait_for_text("kept scanning off").await;
    assert_eq!(count(&mock, "PATCH").await, 1, "enter sent none, y one");
}

#[tokio::test]
async fn reset_at_the_defaults_says_there_is_nothing_to_reset() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    ui.type_keys("2D");
    ui.wait_for_text("Cancel").await;
    ui.type_keys("y");
    ui.wait_for_text("already at defaults").await;
    ui.type_keys("D");
    let screen = ui
        .wait_for_text("already are at their defaults: nothing to reset")
        .await;
    assert!(!screen.contains("[ Cancel ]"), "no dialog: {screen}");
    // The one answer `dlp reset` gives too, from outcome::dlp_at_defaults.
    let home = tempfile::tempdir().expect("a temp dir");
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_trustdeck"))
        .args(["dlp", "reset", ACME, "--yes"])
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", FULL_TOKEN)
        .env("CLOUDFLARE_BASE_URL", mock.base_url())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("HOME", home.path())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let headless = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("dlp reset answers")
        .expect("trustdeck runs");
    let said = String::from_utf8_lossy(&headless.stdout);
    assert!(said.contains("already are at their defaults"), "{said}");
    assert_eq!(count(&mock, "DELETE").await, 1);
}
