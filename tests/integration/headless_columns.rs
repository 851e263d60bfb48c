//! One long name does not set the width of a headless table: `zones`,
//! `accounts`, `fleet scan`, `log` and `fleet runs` cut a long cell with
//! `…` by display width, as the real binary against a mock whose zone and
//! account have 5,000-character names; `--json` keeps them whole.

use crate::common;
use crate::mock_common;

use crate::common::start_mock_with;
use crate::headless_common::Headless;
use trustdeck::mock::MockConfig;

/// The widest line a table may have: its columns' caps and gaps.
const LINE_MAX: usize = 400;

fn long_zone() -> String {
    format!("{}example.com", "shop.".repeat(1000))
}

fn long_account() -> String {
    "店".repeat(2500)
}

/// Display width, counting East Asian wide characters as two columns.
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| {
            if ('\u{3000}'..='\u{9FFF}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

async fn long_named() -> (Headless, tempfile::TempDir, String) {
    let (dir, path) = mock_common::data_file(|data| {
        data["zones"][0]["name"] = long_zone().into();
        data["accounts"][0]["name"] = long_account().into();
    });
    let mock = start_mock_with(MockConfig {
        data: Some(path),
        ..MockConfig::demo()
    })
    .await;
    let data = mock_common::shipped_data();
    let zone_id = data["zones"][0]["id"].as_str().unwrap().to_owned();
    let cli = Headless {
        mock,
        home: tempfile::tempdir().expect("a temp dir"),
    };
    (cli, dir, zone_id)
}

fn assert_capped(what: &str, table: &str) {
    assert!(table.lines().count() > 1, "{what}: a table:\n{table}");
    for line in table.lines() {
        assert!(
            columns(line) <= LINE_MAX,
            "{what}: a line of {} columns: {}…",
            columns(line),
            line.chars().take(200).collect::<String>()
        );
    }
}

#[tokio::test]
async fn a_long_name_is_cut_in_every_table_and_kept_whole_in_json() {
    let (cli, _data, zone_id) = long_named().await;
    for args in [
        &["zones"][..],
        &["accounts"],
        &["fleet", "scan"],
        &["fleet", "scan", "--cached"],
    ] {
        let run = cli.run(args).await;
        assert!(run.code < 2, "{args:?}: {run:#?}");
        assert_capped(&format!("{args:?}"), &run.stdout);
    }
    let zones = cli.run(&["zones"]).await;
    assert!(
        zones
            .stdout
            .contains("shop.shop.shop.shop.shop.shop.shop.shop…"),
        "the name is cut with …"
    );
    let accounts = cli.run(&["accounts"]).await;
    assert!(
        accounts.stdout.contains(&format!("{}…", "店".repeat(19))),
        "cut by width"
    );
    let json = cli.run(&["zones", "--json"]).await;
    json.expect(0);
    assert!(
        json.stdout.contains(&long_zone()),
        "--json keeps the whole name"
    );

    cli.run(&["csam", "set", &zone_id, "--disable"])
        .await
        .expect(0);
    let log = cli.run(&["log"]).await;
    log.expect(0);
    assert_capped("log", &log.stdout);
    assert!(log.stdout.contains('…'), "{}", log.stdout);

    let apply = cli
        .run(&[
            "fleet",
            "apply",
            "--disable",
            "--yes",
            "--account",
            common::ACME,
        ])
        .await;
    assert!(apply.code < 2, "{apply:#?}");
    let runs = cli.run(&["fleet", "runs"]).await;
    runs.expect(0);
    assert_capped("fleet runs", &runs.stdout);
}
