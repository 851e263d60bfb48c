//! `trustdeck dlp scan` as the real binary against the mock: a row per
//! account matching the mock's state, what needs attention first; JSON to
//! its schema, CSV, `--fail-on`, `--cached` without a request, `--account`;
//! the payload-logging key only ever as its fingerprint; a token without
//! Zero Trust gives rows without permission.

use serde_json::{Value, json};

use crate::common::*;
use crate::headless_common::{Headless, Run};
use trustdeck::mock::MockConfig;

/// The attention words of `dlp_scan`, most urgent first.
const ATTENTION: [&str; 6] = ["clear", "no_key", "unreadable", "ocr_off", "ai_off", "fine"];

fn rank(attention: &Value) -> usize {
    ATTENTION
        .iter()
        .position(|word| attention == word)
        .unwrap_or_else(|| panic!("an attention word: {attention}"))
}

/// What the row of an account's raw mock settings must say.
fn attention_of(dlp: &Value) -> &'static str {
    let logging = &dlp["payload_logging"];
    let key = logging["public_key"]
        .as_str()
        .is_some_and(|k| !k.is_empty());
    if key && logging["masking_level"] == "clear" {
        "clear"
    } else if !key {
        "no_key"
    } else if dlp["ocr"] != true {
        "ocr_off"
    } else if dlp["ai_context_analysis"] != true {
        "ai_off"
    } else {
        "fine"
    }
}

/// Every row matches the mock's state, each account once, in attention
/// order (then by name); an account without DLP is a row saying so.
fn assert_matches_state(document: &Value, state: &Value) {
    let rows = document["accounts"].as_array().expect("accounts");
    let dlp = state["dlp"].as_object().expect("dlp in the state");
    let without: Vec<&str> = state["dlp_not_available"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(rows.len(), dlp.len() + without.len(), "a row per account");
    for row in rows {
        let id = row["account"]["id"].as_str().unwrap();
        if without.contains(&id) {
            assert_eq!(row["error"]["kind"], "not_available", "{row}");
            assert_eq!(row["attention"], "unreadable", "{row}");
            continue;
        }
        let want = &dlp[id];
        assert_eq!(
            row["ai_context_analysis"], want["ai_context_analysis"],
            "{id}"
        );
        assert_eq!(row["ocr"], want["ocr"], "{id}");
        let logging = &row["payload_logging"];
        assert_eq!(
            logging["masking_level"], want["payload_logging"]["masking_level"],
            "{id}"
        );
        assert_eq!(
            logging["public_key_set"],
            want["payload_logging"]["public_key"].is_string(),
            "{id}"
        );
        assert_eq!(
            logging["public_key_fingerprint"].is_string(),
            want["payload_logging"]["public_key"].is_string(),
            "{id}"
        );
        assert_eq!(row["attention"], attention_of(want), "{id}");
        assert!(row["error"].is_null(), "{row}");
        assert!(row["read_at"].is_string(), "{row}");
    }
    let order: Vec<(usize, String)> = rows
        .iter()
        .map(|row| {
            (
                rank(&row["attention"]),
                row["account"]["name"].as_str().unwrap().to_lowercase(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "attention first, then by name");
}

/// The demo data with `extra` more accounts, to list them over pages.
fn data_with_accounts(extra: usize) -> tempfile::NamedTempFile {
    let mut data: Value =
        serde_json::from_str(include_str!("../../assets/demo-data.json")).expect("shipped data");
    let accounts = data["accounts"].as_array_mut().unwrap();
    for n in 0..extra {
        let key = (n % 3 == 0).then(|| format!("{n:0>43}="));
        let masking = ["full", "partial", "clear", "default"][n % 4];
        accounts.push(json!({
            "id": format!("{n:0>32x}"),
            "name": format!("Generated {n:03}"),
            "type": "standard",
            "created_on": "2025-01-01T00:00:00Z",
            "dlp": {
                "ai_context_analysis": n % 2 == 0,
                "ocr": n % 5 != 0,
                "payload_logging": {
                    "masking_level": masking,
                    "public_key": key,
                    "updated_at": "2026-01-02T03:04:05Z"
                }
            }
        }));
    }
    let file = tempfile::NamedTempFile::new().expect("a temp file");
    serde_json::to_writer(&file, &data).expect("written");
    file
}

#[tokio::test]
async fn every_account_is_a_row_matching_the_mock_in_attention_order() {
    let cli = Headless::start().await;
    let run = cli.run(&["dlp", "scan", "--json"]).await;
    run.expect(0);
    let document = run.document("dlp_scan");
    let state = cli.state().await;
    assert_matches_state(&document, &state);
    assert_eq!(document["cached"], false);
    let summary = &document["summary"];
    assert_eq!(summary["accounts"], 5);
    assert_eq!(summary["no_key"], 3);
    assert_eq!(summary["clear"], 1);
    assert_eq!(summary["unreadable"], 0);
    assert_eq!(document["failing"], false);

    let table = cli.run(&["dlp", "scan"]).await;
    table.expect(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("ACCOUNT"), "{}", table.stdout);
    assert!(
        lines[1].starts_with("Umbrella Health"),
        "clear first: {}",
        table.stdout
    );
    assert!(
        lines[5].starts_with("Acme Corp"),
        "fine last: {}",
        table.stdout
    );
    assert_eq!(
        lines.last().copied(),
        Some(
            "5 accounts · 1 logs payloads in clear · 3 without a payload-logging key · 3 with \
             OCR off · 3 with AI context off"
        ),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn two_hundred_accounts_are_listed_fifty_a_page_and_each_read_once() {
    let data = data_with_accounts(195);
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            data: Some(data.path().to_owned()),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    let run = cli.run(&["dlp", "scan", "--json"]).await;
    run.expect(0);
    let document = run.document("dlp_scan");
    assert_matches_state(&document, &cli.state().await);
    assert_eq!(document["summary"]["accounts"], 200);
    let log = requests(&cli.mock).await;
    let pages = log
        .iter()
        .filter(|(_, path)| path.ends_with("/accounts"))
        .count();
    assert_eq!(pages, 4, "200 accounts are 4 pages of 50");
    let mut reads: Vec<&str> = log
        .iter()
        .filter(|(_, path)| path.ends_with("/dlp/settings"))
        .map(|(_, path)| path.as_str())
        .collect();
    assert_eq!(reads.len(), 200);
    reads.sort_unstable();
    reads.dedup();
    assert_eq!(reads.len(), 200, "each account read once");
}

#[tokio::test]
async fn a_mock_of_200_accounts_is_scanned_whole_and_dlp_not_available_is_said() {
    let cli = Headless {
        mock: start_mock_with(MockConfig {
            accounts: Some(200),
            ..MockConfig::demo()
        })
        .await,
        home: tempfile::tempdir().unwrap(),
    };
    let run = cli.run(&["dlp", "scan", "--json"]).await;
    run.expect(0);
    let document = run.document("dlp_scan");
    let state = cli.state().await;
    assert_matches_state(&document, &state);
    let summary = &document["summary"];
    assert_eq!(summary["accounts"], 200);
    assert_eq!(summary["not_available"], 1, "{summary}");
    assert_eq!(summary["unreadable"], 1, "{summary}");
    for quick in ["no-key", "clear", "ocr-off", "ai-off"] {
        let word = quick.replace('-', "_");
        assert!(summary[&word].as_u64().unwrap() > 0, "varied: {summary}");
    }
    let table = cli.run(&["dlp", "scan", "--fail-on", "error"]).await;
    table.expect(1);
    assert!(table.stdout.contains("200 accounts"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("DLP is not available on this account"),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn fail_on_exits_1_only_when_a_condition_holds() {
    let cli = Headless::start().await;
    let run = cli.run(&["dlp", "scan", "--fail-on", "no-key"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("--fail-on no-key: 3 accounts"),
        "{}",
        run.stderr
    );
    let json = cli
        .run(&["dlp", "scan", "--json", "--fail-on", "clear,error"])
        .await;
    json.expect(1);
    let document = json.document("dlp_scan");
    assert_eq!(
        document["fail_on"],
        json!([{"condition": "clear", "accounts": 1}, {"condition": "error", "accounts": 0}])
    );
    assert_eq!(document["failing"], true);
    cli.run(&["dlp", "scan", "--fail-on", "error"])
        .await
        .expect(0);
    let bad = cli.run(&["dlp", "scan", "--fail-on", "off"]).await;
    bad.expect(2);
}

#[tokio::test]
async fn csv_has_the_header_and_a_line_per_account() {
    let cli = Headless::start().await;
    let run = cli.run(&["dlp", "scan", "--csv"]).await;
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "account_id,account_name,account_type,ai_context_analysis,ocr,public_key_set,\
         public_key_fingerprint,masking_level,updated_at,attention,read_at,error_kind,error"
    );
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert!(
        lines[1].starts_with(
            "c9f0f895fb98ab9159f51fd0297e236d,Umbrella Health,enterprise,true,false,true,"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn cached_prints_the_last_scan_and_sends_no_request() {
    let cli = Headless::start().await;
    let none = cli.run(&["dlp", "scan", "--cached"]).await;
    none.expect(4);
    assert_eq!(cli.request_count().await, 0);
    let fresh = cli.run(&["dlp", "scan", "--json"]).await;
    fresh.expect(0);
    let seen = cli.request_count().await;
    let cached = cli.run(&["dlp", "scan", "--cached", "--json"]).await;
    cached.expect(0);
    assert_eq!(cli.request_count().await, seen, "--cached sent a request");
    let (fresh, cached_doc) = (fresh.document("dlp_scan"), cached.document("dlp_scan"));
    assert_eq!(cached_doc["cached"], true);
    assert!(cached_doc["age_seconds"].as_u64().is_some());
    assert_eq!(cached_doc["accounts"], fresh["accounts"]);
    assert_eq!(cached_doc["summary"], fresh["summary"]);
    assert!(
        cached.stderr.contains("Cached scan from"),
        "{}",
        cached.stderr
    );

    let one = cli
        .run(&["dlp", "scan", "--cached", "--json", "--account", "initech"])
        .await;
    one.expect(0);
    let rows = one.document("dlp_scan")["accounts"].clone();
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert_eq!(rows[0]["account"]["name"], "Initech");
    cli.run(&["dlp", "scan", "--cached", "--account", "nobody"])
        .await
        .expect(4);
    cli.run(&["dlp", "scan", "--cached", "--fail-on", "no-key"])
        .await
        .expect(1);
    assert_eq!(cli.request_count().await, seen, "--cached sent a request");
    // A zone scan's cache is another file: it does not answer for accounts.
    cli.run(&["fleet", "scan", "--cached"]).await.expect(4);
}

#[tokio::test]
async fn account_takes_ids_and_names_and_reads_only_those() {
    let cli = Headless::start().await;
    let run = cli
        .run(&[
            "dlp",
            "scan",
            "--json",
            "--account",
            "Globex Media",
            "--account",
            ACME,
        ])
        .await;
    run.expect(0);
    let document = run.document("dlp_scan");
    let mut ids: Vec<&str> = document["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["account"]["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut want = vec![ACME, GLOBEX];
    want.sort_unstable();
    assert_eq!(ids, want);
    let reads = requests(&cli.mock)
        .await
        .into_iter()
        .filter(|(_, path)| path.ends_with("/dlp/settings"))
        .count();
    assert_eq!(reads, 2);
}

#[tokio::test]
async fn the_public_key_never_appears_only_its_fingerprint() {
    let cli = Headless::start().await;
    let state = cli.state().await;
    let keys: Vec<String> = state["dlp"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|dlp| {
            dlp["payload_logging"]["public_key"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(keys.len(), 2);
    let runs: Vec<Run> = vec![
        cli.run(&["dlp", "scan"]).await,
        cli.run(&["dlp", "scan", "--json"]).await,
        cli.run(&["dlp", "scan", "--csv"]).await,
        cli.run(&["dlp", "scan", "--cached", "--json"]).await,
    ];
    let cache = walk(&cli.home.path().join("cache"));
    for run in &runs {
        run.expect(0);
        for key in &keys {
            assert!(!run.stdout.contains(key.as_str()), "{}", run.stdout);
            assert!(!run.stderr.contains(key.as_str()), "{}", run.stderr);
        }
        assert!(
            run.stdout.contains("SHA256:"),
            "the fingerprint: {}",
            run.stdout
        );
    }
    assert!(!cache.is_empty(), "the scan was cached");
    for text in cache {
        for key in &keys {
            assert!(!text.contains(key.as_str()), "the cache holds a key");
        }
    }
}

/// Every file's text under `dir`.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    found
}

#[tokio::test]
async fn a_token_without_zero_trust_gives_rows_without_permission() {
    let cli = Headless::start().await;
    let env = [("CLOUDFLARE_API_TOKEN", ZONE_ONLY_TOKEN)];
    let run = cli.run_with(&["dlp", "scan", "--json"], &env).await;
    run.expect(0);
    let document = run.document("dlp_scan");
    let rows = document["accounts"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        assert_eq!(row["error"]["kind"], "no_permission", "{row}");
        assert_eq!(row["attention"], "unreadable");
        assert!(
            row["ocr"].is_null() && row["payload_logging"].is_null(),
            "{row}"
        );
    }
    assert_eq!(document["summary"]["unreadable"], 5);
    assert_eq!(document["summary"]["not_available"], 0);
    let table = cli
        .run_with(&["dlp", "scan", "--fail-on", "error"], &env)
        .await;
    table.expect(1);
    assert!(
        table.stdout.contains("permission denied"),
        "{}",
        table.stdout
    );
}
