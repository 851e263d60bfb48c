//! Finding zones and accounts, the credential check and read-only mode:
//! the real dashboard loop on a TestBackend against the embedded mock.

use crate::common;

use crate::common::tui::Dashboard;
use crate::common::*;
use crossterm::event::KeyCode;
use trustdeck::api::Credentials;

/// The `page` of every `GET /zones` the mock served.
async fn zone_pages(mock: &trustdeck::mock::RunningMock) -> Vec<(u32, Option<String>)> {
    let log = mock_get(mock, "/__mock/requests").await;
    log.as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.ends_with("/zones"))
        })
        .map(|r| {
            let query = r["query"].as_str().unwrap_or_default().to_owned();
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(str::to_owned)
            };
            (
                param("page").and_then(|p| p.parse().ok()).unwrap_or(1),
                param("name"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_zone_picker_loads_only_the_pages_shown() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_ngo").await;
    ui.type_keys("z");
    ui.wait_for("the picker's first page", |s| s.contains(" loaded "))
        .await;
    assert_eq!(
        zone_pages(&mock).await,
        vec![(1, None)],
        "only the first page up front"
    );
    for _ in 0..30 {
        ui.key(KeyCode::Down);
    }
    let deadline = std::time::Instant::now() + common::tui::WAIT;
    while zone_pages(&mock).await.len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no second page after scrolling"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Every key read (Esc closes the picker, q quits) before counting.
    ui.key(KeyCode::Esc);
    ui.type_keys("q");
    ui.finished().await;
    let pages = zone_pages(&mock).await;
    assert!(
        pages.iter().all(|(page, _)| *page <= 2),
        "only the pages reached: {pages:?}"
    );
}

#[tokio::test]
async fn typing_filters_and_enter_opens_the_zone() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_ngo").await;
    ui.type_keys("zuploads.glob");
    ui.wait_for("the filtered list", |s| {
        s.contains("uploads.globex-media.tv") && !s.contains("cdn.acme-corp.com")
    })
    .await;
    assert!(
        zone_pages(&mock)
            .await
            .iter()
            .any(|(_, name)| name.as_deref().is_some_and(|n| n.contains("contains"))),
        "a long list is filtered on the server"
    );
    ui.type_keys("\n");
    ui.wait_for("the chosen zone and its account", |s| {
        s.contains("uploads.globex-media.tv") && s.contains("Globex Media") && s.contains("iwf")
    })
    .await;
}

#[tokio::test]
async fn switching_zone_with_unsaved_edits_asks_first() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("ncmec_ngo").await;
    ui.type_keys(" ");
    ui.wait_for_text("1 unsaved change").await;
    ui.type_keys("z");
    ui.wait_for_text("images.acme-corp.com").await;
    ui.key(KeyCode::Down);
    ui.type_keys("\n");
    ui.wait_for_text("[ Switch ]").await;
    ui.type_keys("n");
    ui.wait_for("the dialog closed", |s| !s.contains("[ Switch ]"))
        .await;
    assert!(
        ui.screen().contains("1 unsaved change"),
        "the edit survives:\n{}",
        ui.screen()
    );
}

#[tokio::test]
async fn the_account_picker_and_command_line_switch_accounts() {
    let mock = start_mock().await;
    let ui = Dashboard::start(&mock, Some(SHOP), Some(ACME), 120, 40);
    ui.wait_for_text("partial").await;
    ui.type_keys(":account Globex\n");
    ui.wait_for_text("Globex Media").await;
    ui.type_keys("\n");
    ui.wait_for("Globex's DLP settings", |s| {
        s.contains("DLP settings · Globex Media") && !s.contains("partial")
    })
    .await;
}

#[tokio::test]
async fn expired_disabled_and_invalid_tokens_get_their_screens() {
    let mock = start_mock().await;
    for (token, words) in [
        (EXPIRED_TOKEN, "expired"),
        (DISABLED_TOKEN, "disabled"),
        ("tdemo-no-such-token", "does not accept"),
    ] {
        let mut ui = Dashboard::start_with(
            &mock,
            Credentials::token(token),
            Some(SHOP),
            Some(ACME),
            100,
            30,
            false,
        );
        let screen = ui.wait_for_text(words).await;
        assert!(
            !screen.contains("CSAM Scanner"),
            "no dashboard behind it:\n{screen}"
        );
        ui.type_keys("q");
        ui.finished().await;
    }
    let csam_reads = requests(&mock)
        .await
        .iter()
        .filter(|(_, p)| p.contains("csam"))
        .count();
    assert_eq!(csam_reads, 0, "nothing is loaded with bad credentials");
}

#[tokio::test]
async fn read_only_mode_hides_writes_and_sends_none() {
    let mock = start_mock().await;
    let mut ui = Dashboard::start_with(
        &mock,
        Credentials::token(FULL_TOKEN),
        Some(SHOP),
        Some(ACME),
        120,
        40,
        true,
    );
    let screen = ui.wait_for_text("READ-ONLY").await;
    let screen = if screen.contains("ncmec_ngo") {
        screen
    } else {
        ui.wait_for_text("ncmec_ngo").await
    };
    let footer = screen.lines().last().unwrap_or_default().to_owned();
    for write in ["save", "toggle", "edit email", "reset"] {
        assert!(
            !footer.contains(write),
            "{write} offered in read-only mode: {footer}"
        );
    }
    ui.type_keys(" e s 2 D y s");
    ui.wait_for("the account panel focused", |s| {
        s.lines().any(|l| l.contains("┏ 2 Account"))
    })
    .await;
    ui.type_keys("1");
    ui.wait_for("the zone panel focused again", |s| {
        s.lines().any(|l| l.contains("┏ 1 Zone"))
    })
    .await;
    // Every key read before the mock is asked what it saw.
    ui.type_keys("q");
    assert!(ui.finished().await.quit);
    let writes = requests(&mock)
        .await
        .into_iter()
        .filter(|(m, _)| m != "GET")
        .count();
    assert_eq!(writes, 0);
}
