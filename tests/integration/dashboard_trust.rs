//! The trust fixes of issue 7, as a user meets them: the real loop on a
//! TestBackend against the embedded mock. Every key's own effect is waited
//! for; requests are counted only after the loop has finished.

use crate::common::tui::Dashboard;
use crate::common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use serde_json::json;

/// The line the selection marker is on.
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('›'))
        .unwrap_or_default()
        .to_owned()
}

async fn editing(ui: &Dashboard) {
    ui.wait_for("the field to take the keys", |s| s.contains("enter keep"))
        .await;
}

#[tokio::test]
async fn an_address_too_long_is_kept_flagged_and_never_staged() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("e");
    editing(&ui).await;
    let long = format!("{}@{}.com", "a".repeat(60), "d".repeat(191));
    assert_eq!(long.len(), 256);
    ui.type_keys(&long);
    ui.wait_for_text("at most 254").await;
    ui.type_keys("\n");
    let screen = ui.wait_for_text("Not staged").await;
    assert!(
        screen.contains("ddd.com"),
        "what was typed stays:\n{screen}"
    );
    assert!(!screen.contains("unsaved change"), "{screen}");
    ui.type_keys("\x1b");
    ui.wait_for("the field closed", |s| !s.contains("enter keep"))
        .await;
    ui.type_keys("s");
    ui.wait_for_text("Nothing to save").await;
    ui.type_keys("q");
    ui.finished().await;
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
    assert!(outbox(&mock).await.is_empty());
}

#[tokio::test]
async fn the_hint_and_enter_agree_on_a_pasted_address_with_spaces() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 80, 24);
    ui.wait_for_text("valid").await;
    ui.type_keys("e");
    editing(&ui).await;
    ui.paste(" desk@acme-corp.com ");
    ui.wait_for_text("contains spaces").await;
    ui.type_keys("\n");
    let screen = ui.wait_for_text("Not staged").await;
    assert!(
        !screen.contains("unsaved change"),
        "never trimmed silently:\n{screen}"
    );
    ui.type_keys("\x1bq");
    ui.finished().await;
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
}

#[tokio::test]
async fn a_save_that_adds_the_resend_row_keeps_the_cursor_on_its_row() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_ngo").await;
    // Rows: scanning, email, ncmec_industry, ncmec_ngo.
    ui.type_keys("jjj");
    ui.wait_for("the cursor on ncmec_ngo", |s| {
        selected_line(s).contains("ncmec_ngo")
    })
    .await;
    ui.type_keys("e");
    editing(&ui).await;
    ui.type_keys("moved@acme-corp.com\n");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let screen = ui.wait_for_text("resend verification email").await;
    assert!(
        selected_line(&screen).contains("ncmec_ngo"),
        "the cursor stays on its row:\n{screen}"
    );
}

#[tokio::test]
async fn a_failed_reset_offers_the_key_that_retries_it() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    ui.type_keys("2D");
    ui.wait_for_text("[ Cancel ]").await;
    set_faults(&mock, json!({"fail_rate": 1.0})).await;
    ui.type_keys("y");
    let screen = ui.wait_for_text("press D to retry").await;
    assert!(!screen.contains("press s"), "{screen}");
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    ui.type_keys("D");
    ui.wait_for_text("[ Cancel ]").await;
    ui.type_keys("y");
    ui.wait_for_text("reset to defaults;").await;
    assert_eq!(
        mock_get(&mock, "/__mock/state").await["dlp"][ACME]["ocr"],
        false
    );
}

#[tokio::test]
async fn a_failed_resend_stays_staged_and_s_sends_it() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(FORUM_UNVERIFIED), Some(ACME), 120, 40);
    ui.wait_for_text("unverified").await;
    ui.type_keys("R");
    ui.wait_for_text("1 unsaved change").await;
    set_faults(&mock, json!({"fail_rate": 1.0})).await;
    ui.type_keys("s");
    let screen = ui.wait_for_text("press s to retry").await;
    assert!(screen.contains("1 unsaved change"), "{screen}");
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    ui.type_keys("s");
    ui.wait_for_text("Saved").await;
    let resends = outbox(&mock)
        .await
        .into_iter()
        .filter(|m| m["kind"] == "resend")
        .count();
    assert_eq!(resends, 1);
}

#[tokio::test]
async fn a_load_error_goes_once_the_reload_works() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    set_faults(&mock, json!({"fail_rate": 1.0})).await;
    ui.type_keys("r");
    ui.wait_for_text("Could not load the CSAM setting").await;
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    ui.type_keys("r");
    ui.wait_for("the error gone with its cause", |s| {
        !s.contains("Could not load") && s.contains("valid")
    })
    .await;
}

#[tokio::test]
async fn a_save_report_names_its_zone_and_goes_when_the_zone_does() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(FORUM_UNVERIFIED), Some(ACME), 120, 40);
    ui.wait_for_text("unverified").await;
    ui.type_keys(" s");
    // The save warns first (new email or unverified): it asks, Cancel the default.
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    ui.wait_for_text("Saved forum.acme-corp.com, but the server kept scanning off")
        .await;
    ui.type_keys(":zone shop.acme-corp.com\n");
    let screen = ui
        .wait_for("shop opened", |s| {
            s.contains("CSAM Scanner · shop.acme-corp.com") && s.contains("ncmec_ngo")
        })
        .await;
    assert!(!screen.contains("kept scanning off"), "{screen}");
}

#[tokio::test]
async fn an_email_error_goes_once_a_valid_address_is_staged() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("e");
    editing(&ui).await;
    ui.type_keys("bad\n");
    ui.wait_for_text("Not staged").await;
    for _ in 0..3 {
        ui.key(KeyCode::Backspace);
    }
    ui.type_keys("ok@acme-corp.com\n");
    let screen = ui.wait_for_text("1 unsaved change").await;
    assert!(!screen.contains("Not staged"), "{screen}");
}

#[tokio::test]
async fn rate_limiting_is_explained_while_the_client_waits() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    set_faults(&mock, json!({"rate_limit": "1/30s"})).await;
    // The zone's reload spends the window; the account's is refused with 429.
    ui.type_keys("r2r");
    ui.wait_for_text("rate limited by Cloudflare, retrying in")
        .await;
}

#[tokio::test]
async fn esc_means_one_thing_while_the_email_is_edited_during_a_load() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    set_faults(&mock, json!({"latency_ms": 3000})).await;
    ui.type_keys("r");
    ui.wait_for_text("esc cancels").await;
    ui.type_keys("e");
    let screen = ui
        .wait_for("the field open", |s| s.contains("enter keep"))
        .await;
    assert!(
        !screen.contains("esc cancels"),
        "esc abandons the typing now:\n{screen}"
    );
    ui.type_keys("\x1b");
    let screen = ui
        .wait_for("the field closed", |s| !s.contains("enter keep"))
        .await;
    assert!(
        screen.contains("Loading zone"),
        "the load goes on:\n{screen}"
    );
    set_faults(&mock, json!({"latency_ms": 0})).await;
}

#[tokio::test]
async fn a_locked_zone_says_why_its_keys_do_nothing() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(CDN_LOCKED), Some(ACME), 120, 40);
    ui.wait_for_text("Locked by Trust & Safety").await;
    ui.type_keys(" ");
    ui.wait_for_text("locked by Trust & Safety: its CSAM setting cannot be changed here")
        .await;
    ui.type_keys("q");
    ui.finished().await;
    assert_eq!(count_requests(&mock, "PATCH").await, 0);
}

#[tokio::test]
async fn each_panel_names_its_own_zone_or_account() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    ui.type_keys(":account Globex\n");
    ui.wait_for_text("Globex Media").await;
    ui.type_keys("\n");
    let screen = ui
        .wait_for("Globex's DLP settings", |s| {
            s.contains("DLP settings · Globex Media")
        })
        .await;
    let header = screen.lines().next().unwrap_or_default();
    assert!(!header.contains("Globex"), "{header}");
    assert!(
        screen.contains("CSAM Scanner · shop.acme-corp.com"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_picker_retries_a_failed_page_with_ctrl_r() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    set_faults(&mock, json!({"fail_rate": 1.0})).await;
    ui.type_keys("z");
    ui.wait_for_text("ctrl-r retries").await;
    set_faults(&mock, json!({"fail_rate": 0.0})).await;
    ui.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    ui.wait_for("the zones listed", |s| {
        s.contains("images.acme-corp.com") && !s.contains("Could not load")
    })
    .await;
}

#[tokio::test]
async fn the_picker_title_counts_what_the_search_matches() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("z");
    ui.wait_for_text(" loaded ").await;
    ui.type_keys("acme-corp");
    let screen = ui.wait_for_text("match \"acme-corp\"").await;
    assert!(screen.contains("Zones · 5 match"), "{screen}");
}

#[tokio::test]
async fn an_exact_zone_name_opens_even_when_not_loaded() {
    let mock = start_mock().await;
    // A zone on the last page: no picker page has loaded it.
    let query = trustdeck::api::ZoneQuery {
        page: 10,
        per_page: 50,
        ..trustdeck::api::ZoneQuery::default()
    };
    let page = full_client(&mock).list_zones(&query).await.unwrap();
    let far = page.result.last().expect("a zone on page 10").name.clone();
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys(&format!(":zone {far}\n"));
    ui.wait_for_text(&format!("CSAM Scanner · {far}")).await;
}

#[tokio::test]
async fn y_copies_the_focused_id() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("valid").await;
    ui.type_keys("c");
    ui.wait_for_text(&format!("Copied the zone id {SHOP}"))
        .await;
    ui.type_keys("2c");
    ui.wait_for_text(&format!("Copied the account id {ACME}"))
        .await;
    assert_eq!(ui.copied(), [SHOP, ACME]);
}

#[tokio::test]
async fn payload_logging_turns_off_and_on_with_a_pasted_key() {
    let mock = start_mock().await;
    let key = "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0=";
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    // Rows: AI context analysis, OCR, payload logging, masking, reset.
    ui.type_keys("2jj ");
    ui.wait_for_text("key cleared").await;
    ui.type_keys("s");
    ui.wait_for_text("Saved DLP settings of").await;
    let state = mock_get(&mock, "/__mock/state").await;
    assert_eq!(
        state["dlp"][ACME]["payload_logging"]["public_key"],
        json!(null)
    );

    ui.type_keys("e");
    ui.wait_for_text("paste the base64 key").await;
    ui.paste("not-base64!");
    ui.wait_for_text("not standard base64").await;
    ui.type_keys("\n");
    ui.wait_for_text("Not staged").await;
    ui.type_keys("\x1be");
    ui.wait_for_text("paste the base64 key").await;
    ui.paste(key);
    ui.wait_for_text("· 44").await;
    ui.type_keys("\n");
    let screen = ui.wait_for_text("(new)").await;
    assert!(!screen.contains(key), "the key is never drawn whole");
    ui.type_keys("s");
    ui.wait_for("the save", |s| {
        s.contains("Saved DLP settings of") && !s.contains("(new)")
    })
    .await;
    let state = mock_get(&mock, "/__mock/state").await;
    assert_eq!(state["dlp"][ACME]["payload_logging"]["public_key"], key);
}

#[tokio::test]
async fn an_account_that_is_a_token_is_refused_and_never_drawn() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(FULL_TOKEN), 120, 40);
    let screen = ui.wait_for_text("invalid account id").await;
    assert!(!screen.contains("tdemo-"), "{screen}");
    ui.type_keys("q");
    ui.finished().await;
    let sent = requests(&mock).await;
    assert!(
        sent.iter().all(|(_, path)| !path.contains("tdemo-")),
        "{sent:?}"
    );
}
