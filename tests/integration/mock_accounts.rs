//! Many accounts (`accounts`, `--accounts N`): generated from the data's
//! seed with varied DLP settings, one without DLP (403 10403 on every
//! method), the dlp-scoped token refused on exactly the accounts outside its
//! scope, and the mock's strictness on DLP writes.

use std::collections::HashSet;
use std::time::Duration;

use crate::mock_common::{ACME, GLOBEX, Harness, Reply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

const HOOLI: &str = "45c48cce2e2d7fbdea1afc51c7c6ad26";
const DLP_SCOPED: &str = "tdemo-dlp-scoped-2kW9pL5vN8xR3tB6mQ1zH4c";
const NOT_AVAILABLE: &str = "DLP is not available on this account: Zero Trust is not enabled";
const KEY: &str = "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0=";

async fn with_accounts(accounts: usize) -> Harness {
    Harness::with(MockConfig {
        accounts: Some(accounts),
        ..MockConfig::demo()
    })
    .await
}

/// Every account `token` lists, page after page of `per_page`.
async fn all_accounts(h: &Harness, token: &str, per_page: usize) -> Vec<Value> {
    let mut accounts = Vec::new();
    for page in 1.. {
        let path = format!("/accounts?per_page={per_page}&page={page}");
        let reply = h.call_as(token, Method::GET, &path, None).await;
        let batch = reply.result().as_array().unwrap().clone();
        let total = reply.body["result_info"]["total_count"].as_u64().unwrap();
        assert!(batch.len() <= per_page);
        accounts.extend(batch);
        if accounts.len() as u64 >= total {
            assert_eq!(accounts.len() as u64, total);
            break;
        }
        assert!(page < 1000, "the pages never end");
    }
    accounts
}

fn ids(accounts: &[Value]) -> Vec<String> {
    accounts
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The one account of `state` without DLP.
fn not_available(state: &Value) -> String {
    let list = state["dlp_not_available"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn two_hundred_accounts_page_through_uniquely_the_same_every_start_as_the_state_says() {
    let h = with_accounts(200).await;
    assert_eq!(h.mock.account_count(), 200);
    let accounts = all_accounts(&h, &h.token.clone(), 50).await;
    assert_eq!(accounts.len(), 200);
    let names: HashSet<&str> = accounts
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 200, "names are unique");
    assert_eq!(
        ids(&accounts).into_iter().collect::<HashSet<_>>().len(),
        200
    );
    for named in [
        "Acme Corp",
        "Globex Media",
        "Initech",
        "Umbrella Health",
        "Hooli Labs",
    ] {
        assert!(names.contains(named), "{named}");
    }
    let small_pages = all_accounts(&h, &h.token.clone(), 7).await;
    assert_eq!(ids(&small_pages), ids(&accounts));

    let again = with_accounts(200).await;
    assert_eq!(
        all_accounts(&again, &again.token.clone(), 50).await,
        accounts,
        "same seed, same accounts"
    );
    let state = h.state().await;
    assert_eq!(state["dlp"], again.state().await["dlp"]);
    let missing = not_available(&state);
    assert_eq!(state["dlp"].as_object().unwrap().len(), 199);
    for id in ids(&accounts) {
        if id == missing {
            assert!(state["dlp"].get(&id).is_none());
            continue;
        }
        let reply = h.call(Method::GET, &Harness::dlp(&id), None).await;
        assert_eq!(reply.result(), &state["dlp"][&id], "{id}");
    }
}

#[tokio::test]
async fn generated_zones_are_spread_over_the_generated_accounts_too() {
    let h = Harness::with(MockConfig {
        accounts: Some(100),
        zones: Some(3000),
        ..MockConfig::demo()
    })
    .await;
    let accounts = all_accounts(&h, &h.token.clone(), 50).await;
    let named: HashSet<&str> = [ACME, GLOBEX, HOOLI].into();
    let (zones, info) = h.all_zones("").await;
    assert_eq!(info["total_count"], 3000);
    let owners: HashSet<&str> = zones
        .iter()
        .map(|z| z["account"]["id"].as_str().unwrap())
        .collect();
    let generated = ids(&accounts[..])
        .into_iter()
        .filter(|id| owners.contains(id.as_str()) && !named.contains(id.as_str()))
        .count();
    assert!(generated > 80, "{generated} generated accounts own zones");
}

#[tokio::test]
async fn the_account_without_dlp_answers_10403_on_every_method_and_never_changes() {
    let h = with_accounts(200).await;
    let before = h.state().await;
    let id = not_available(&before);
    let listed = all_accounts(&h, &h.token.clone(), 50).await;
    assert!(ids(&listed).contains(&id), "it is listed like any account");
    let path = Harness::dlp(&id);
    let writes = [
        (Method::GET, None),
        (Method::PUT, Some(json!({"ocr": true}))),
        (Method::PATCH, Some(json!({"ocr": true}))),
        (
            Method::PATCH,
            Some(json!({"payload_logging": {"public_key": "not base64!"}})),
        ),
        (Method::DELETE, None),
    ];
    for (method, body) in writes {
        let reply = h.call(method.clone(), &path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{method} {}",
            reply.text
        );
        assert_eq!(reply.error_codes(), [10403], "{method}");
        assert_eq!(reply.first_message(), NOT_AVAILABLE);
        let scoped = h.call_as(DLP_SCOPED, method.clone(), &path, None).await;
        assert_eq!(scoped.status, StatusCode::FORBIDDEN, "{method}");
    }
    assert_eq!(h.state().await, before, "nothing changed");
    let account = h.call(Method::GET, &format!("/accounts/{id}"), None).await;
    assert_eq!(account.result()["id"], id.as_str());
}

#[tokio::test]
async fn the_dlp_scoped_token_reads_and_writes_every_account_but_those_outside_its_scope() {
    let h = with_accounts(200).await;
    let state = h.state().await;
    let missing = not_available(&state);
    let accounts = all_accounts(&h, DLP_SCOPED, 50).await;
    assert_eq!(accounts.len(), 200, "it lists every account");
    let mut refused = Vec::new();
    for id in ids(&accounts) {
        let reply = h
            .call_as(DLP_SCOPED, Method::GET, &Harness::dlp(&id), None)
            .await;
        if id == missing {
            assert_eq!(reply.error_codes(), [10403]);
        } else if reply.status == StatusCode::OK {
            assert_eq!(reply.result(), &state["dlp"][&id]);
        } else {
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
            assert_eq!(reply.error_codes(), [9109]);
            assert!(reply.first_message().contains("'Zero Trust Read'"));
            refused.push(id);
        }
    }
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.contains(&HOOLI.to_owned()));
    let generated = refused.iter().find(|id| *id != HOOLI).unwrap();
    assert!(state["dlp"].get(generated).is_some(), "it has DLP");

    let patch = Some(json!({"ocr": false}));
    let denied = h
        .call_as(
            DLP_SCOPED,
            Method::PATCH,
            &Harness::dlp(generated),
            patch.clone(),
        )
        .await;
    assert_eq!(denied.error_codes(), [9109]);
    assert!(denied.first_message().contains("'Zero Trust Write'"));
    assert_eq!(h.state().await, state, "a refused write changes nothing");
    let allowed = h
        .call_as(DLP_SCOPED, Method::PATCH, &Harness::dlp(ACME), patch)
        .await;
    assert_eq!(allowed.result()["ocr"], false);
    let csam = h
        .call_as(
            DLP_SCOPED,
            Method::GET,
            &Harness::csam(crate::mock_common::SHOP),
            None,
        )
        .await;
    assert_eq!(csam.error_codes(), [9109], "no CSAM");
}

#[tokio::test]
async fn without_more_accounts_the_dlp_scoped_token_is_refused_only_on_hooli_labs() {
    let h = Harness::start().await;
    let state = h.state().await;
    assert!(
        state.get("dlp_not_available").is_none(),
        "every named account has DLP"
    );
    let accounts = all_accounts(&h, DLP_SCOPED, 5).await;
    assert_eq!(accounts.len(), 5);
    for id in ids(&accounts) {
        let reply = h
            .call_as(DLP_SCOPED, Method::GET, &Harness::dlp(&id), None)
            .await;
        if id == HOOLI {
            assert_eq!(reply.error_codes(), [9109]);
        } else {
            assert_eq!(reply.result(), &state["dlp"][&id]);
        }
    }
}

#[tokio::test]
async fn two_hundred_accounts_have_every_kind_of_dlp_setting() {
    let h = with_accounts(200).await;
    let state = h.state().await;
    let settings: Vec<&Value> = state["dlp"].as_object().unwrap().values().collect();
    let count = |test: &dyn Fn(&Value) -> bool| settings.iter().filter(|s| test(s)).count();
    let key = |s: &Value| s["payload_logging"]["public_key"].clone();
    let masking = |s: &Value| s["payload_logging"]["masking_level"].clone();
    assert!(count(&|s| key(s).is_null()) >= 20, "no key");
    assert!(count(&|s| key(s).is_string()) >= 60, "a key");
    for level in ["clear", "full", "partial", "default"] {
        assert!(count(&|s| masking(s) == level) >= 5, "{level}");
    }
    assert!(count(&|s| s["ocr"] == false) >= 20, "OCR off");
    assert!(
        count(&|s| s["ai_context_analysis"] == false) >= 20,
        "AI off"
    );
    assert!(count(&|s| s["ocr"] == true && s["ai_context_analysis"] == true) >= 20);
    let accounts = all_accounts(&h, &h.token.clone(), 50).await;
    let enterprise = accounts
        .iter()
        .filter(|a| a["type"] == "enterprise")
        .count();
    assert!((20..180).contains(&enterprise), "{enterprise}");
}

/// Asserts a refused DLP write: 400 1007 pointing at the key.
fn refused_key(reply: &Reply, key: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{key:?} {}",
        reply.text
    );
    assert_eq!(reply.error_codes(), [1007], "{key:?}");
    assert_eq!(
        reply.body["errors"][0]["source"]["pointer"],
        "/payload_logging/public_key"
    );
}

#[tokio::test]
async fn a_key_that_is_not_base64_of_32_bytes_is_refused_and_changes_nothing() {
    let h = with_accounts(20).await;
    let before = h.state().await;
    let bad = [
        "YWJj",
        "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvQ==",
        "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRsA",
        "MCowBQYDK2VuAyEAmjs4ZG4gkcR2fcmZIbk9qPOpo4xqnnf0JgPs5vT7i1I=",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0=\n",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOgHn0=====",
        "ayu6OKeEEeKLpHN10gSiq1nsCLHgnXxdC8gHUFOg_n0=",
    ];
    for key in bad {
        for method in [Method::PATCH, Method::PUT] {
            let body = json!({"ocr": true, "payload_logging": {"public_key": key}});
            let reply = h.call(method, &Harness::dlp(ACME), Some(body)).await;
            refused_key(&reply, key);
        }
    }
    assert_eq!(h.state().await, before, "nothing changed");
}

#[tokio::test]
async fn patch_merges_put_replaces_and_delete_resets_on_a_generated_account() {
    let h = with_accounts(20).await;
    let state = h.state().await;
    let (id, initial) = state["dlp"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(id, s)| {
            ![ACME, GLOBEX, HOOLI].contains(&id.as_str())
                && s["ai_context_analysis"] == true
                && s["payload_logging"]["masking_level"] != "full"
        })
        .map(|(id, s)| (id.clone(), s.clone()))
        .expect("a generated account with AI context analysis on");
    let path = Harness::dlp(&id);
    let patched = h
        .call(
            Method::PATCH,
            &path,
            Some(json!({"payload_logging": {"public_key": KEY}})),
        )
        .await;
    let patched = patched.result().clone();
    assert_eq!(patched["payload_logging"]["public_key"], KEY);
    assert_eq!(patched["ai_context_analysis"], true, "PATCH keeps the rest");
    assert_eq!(patched["ocr"], initial["ocr"]);
    assert_eq!(
        patched["payload_logging"]["masking_level"],
        initial["payload_logging"]["masking_level"]
    );
    let put = h
        .call(
            Method::PUT,
            &path,
            Some(json!({"payload_logging": {"masking_level": "full"}})),
        )
        .await;
    let put = put.result().clone();
    assert_eq!(put["ai_context_analysis"], false, "PUT defaults the rest");
    assert_eq!(put["ocr"], false);
    assert_eq!(put["payload_logging"]["public_key"], Value::Null);
    assert_eq!(put["payload_logging"]["masking_level"], "full");
    let reset = h.call(Method::DELETE, &path, None).await;
    let reset = reset.result().clone();
    assert_eq!(
        (
            &reset["ai_context_analysis"],
            &reset["ocr"],
            &reset["payload_logging"]["masking_level"],
            &reset["payload_logging"]["public_key"]
        ),
        (
            &json!(false),
            &json!(false),
            &json!("default"),
            &Value::Null
        )
    );
    assert_eq!(h.state().await["dlp"][&id], reset);
}

#[tokio::test]
async fn more_accounts_than_allowed_is_refused_by_the_flag_and_at_start() {
    let started = trustdeck::mock::start(MockConfig {
        accounts: Some(trustdeck::mock::MAX_ACCOUNTS + 1),
        ..MockConfig::demo()
    })
    .await;
    let error = started.err().expect("refused").to_string();
    assert!(error.contains("at most 1000"), "{error}");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_trustdeck"))
        .args(["mock", "--listen", "127.0.0.1:0", "--accounts", "1001"])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .expect("exits in time")
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a number of accounts from 0 to 1000"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    let most = with_accounts(trustdeck::mock::MAX_ACCOUNTS).await;
    assert_eq!(most.mock.account_count(), 1000);
    let few = with_accounts(2).await;
    assert_eq!(
        few.mock.account_count(),
        5,
        "never fewer than the named ones"
    );
}
