//! `[keys]` of the config file on the real dashboard loop (TestBackend,
//! embedded mock): a rebound key does the action, the footer and the help
//! show it, and the old key no longer does it.

use std::time::{Duration, Instant};

use crate::common::tui::{Dashboard, WAIT};
use crate::common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use trustdeck::config::{Appearance, ConfigSource};

const CONFIG: &str = "\
[keys]
help = \"H\"
quit = \"Q\"
[keys.settings]
save = \"ctrl-s\"
";

fn appearance() -> Appearance {
    ConfigSource::from_text("/home/ops/.config/trustdeck/config.toml", CONFIG)
        .appearance()
        .expect("a valid [keys]")
}

fn footer(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

const HELP: &str = "Help · every key";

/// Opens the help with its new key, then closes it: proof that every key
/// sent before was read and did not leave a dialog or the help open.
async fn help_opens_and_closes(ui: &Dashboard) -> String {
    ui.type_keys("H");
    let help = ui.wait_for_text(HELP).await;
    ui.key(KeyCode::Esc);
    ui.wait_for("the help to close", |s| !s.contains(HELP))
        .await;
    help
}

#[tokio::test]
async fn rebound_keys_act_show_and_replace_the_old_ones() {
    let mock = start_mock().await;
    let mut ui =
        Dashboard::start_appearing(&mock, (Some(SHOP), Some(ACME)), (120, 40), appearance());
    let screen = ui.wait_for_text("valid").await;
    let shown = footer(&screen);
    assert!(
        shown.contains("H help") && shown.contains("Q quit"),
        "{shown}"
    );
    assert!(
        !shown.contains("? help") && !shown.contains("q quit"),
        "{shown}"
    );

    // `?` no longer opens the help: the `e` after it starts editing.
    ui.type_keys("?e");
    let editing = ui
        .wait_for("the email field", |s| footer(s).contains("abandon"))
        .await;
    assert!(!editing.contains(HELP), "{editing}");
    ui.type_keys("new-desk@acme-corp.com\n");
    let staged = ui.wait_for_text("1 unsaved change").await;
    assert!(
        footer(&staged).contains("ctrl-s save"),
        "{}",
        footer(&staged)
    );

    // `s` no longer saves: no dialog opened before the help did.
    ui.type_keys("s");
    let help = help_opens_and_closes(&ui).await;
    assert!(!help.contains("Save anyway?"), "{help}");
    let row = |about: &str| {
        help.lines()
            .find(|l| l.contains(about))
            .unwrap_or_else(|| panic!("no {about:?} in\n{help}"))
            .to_owned()
    };
    assert!(row("show or hide this help").contains("H "), "{help}");
    assert!(row("save the staged changes").contains("ctrl-s"), "{help}");
    assert!(row("quit (asks first").contains("Q "), "{help}");
    assert_eq!(
        requests(&mock)
            .await
            .iter()
            .filter(|(m, _)| m == "PATCH")
            .count(),
        0,
        "nothing was sent"
    );

    ui.key_with(KeyCode::Char('s'), KeyModifiers::CONTROL);
    ui.wait_for_text("Save anyway?").await;
    ui.type_keys("y");
    let deadline = Instant::now() + WAIT;
    while mock_get(&mock, "/__mock/state").await["zones"][SHOP]["email"] != "new-desk@acme-corp.com"
    {
        assert!(Instant::now() < deadline, "timed out waiting for the save");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ui.wait_for("the save to land", |s| !s.contains("unsaved change"))
        .await;

    // `q` no longer quits: the loop still reads the keys after it.
    ui.type_keys("q");
    help_opens_and_closes(&ui).await;
    assert!(ui.is_running());
    ui.type_keys("Q");
    ui.finished().await;
}
