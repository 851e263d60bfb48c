//! A fleet to scan: the default demo's zones in every CSAM state, `zones`
//! (`--zones N`) for tens of thousands of zones over every account, and
//! `GET /zones` staying fast with 10,000 of them.

use std::collections::{HashMap, HashSet};

use crate::mock_common::{HAND_WRITTEN, Harness, shipped_data};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

async fn with_zones(zones: usize) -> Harness {
    Harness::with(MockConfig {
        zones: Some(zones),
        ..MockConfig::demo()
    })
    .await
}

/// What a fleet view would show for a zone's setting.
fn story(setting: &Value) -> &'static str {
    let email_state = setting["email_state"].as_str().unwrap();
    if setting["editable"] == false {
        "locked"
    } else if setting["email"] == "" {
        "not set up"
    } else if setting["enabled"] == true {
        "scanning"
    } else {
        match email_state {
            "valid" => "off",
            "pending" => "pending",
            _ => "unverified",
        }
    }
}

#[tokio::test]
async fn the_default_demo_tells_a_story() {
    let h = Harness::start().await;
    let (zones, _) = h.all_zones("").await;
    let ids: Vec<&str> = zones.iter().map(|z| z["id"].as_str().unwrap()).collect();
    assert_eq!(ids[..8], HAND_WRITTEN, "the hand-written zones come first");
    let state = h.state().await;
    let data = shipped_data();
    for written in data["zones"].as_array().unwrap() {
        let id = written["id"].as_str().unwrap();
        let mut saved = state["zones"][id].clone();
        saved.as_object_mut().unwrap().remove("pending_since");
        assert_eq!(saved, written["csam"], "{id} is as the data file says");
    }
    let mut stories: HashMap<&str, usize> = HashMap::new();
    let mut sources = HashSet::new();
    for zone in &zones[8..] {
        let setting = &state["zones"][zone["id"].as_str().unwrap()];
        *stories.entry(story(setting)).or_default() += 1;
        sources.insert(setting["sources"].as_object().unwrap().len());
    }
    let generated = zones.len() - 8;
    assert!(stories["scanning"] * 100 / generated >= 40, "{stories:?}");
    for kind in ["off", "pending", "unverified", "not set up", "locked"] {
        assert!(
            stories.get(kind).copied().unwrap_or(0) >= 5,
            "{kind}: {stories:?}"
        );
    }
    assert!(sources.contains(&0) && sources.contains(&5), "{sources:?}");
    let accounts: HashSet<&str> = zones[8..]
        .iter()
        .map(|z| z["account"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(accounts.len(), 5);
}

#[tokio::test]
async fn a_zone_without_an_email_cannot_resend_a_verification() {
    let h = Harness::start().await;
    let state = h.state().await;
    let (id, _) = state["zones"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, s)| s["email"] == "" && s["editable"] == true)
        .expect("a zone never set up");
    let before = h.state().await;
    let resend = h
        .call(
            Method::PATCH,
            &Harness::csam(id),
            Some(json!({"value": {"resend_email": true}})),
        )
        .await;
    assert_eq!(resend.status, StatusCode::BAD_REQUEST);
    assert_eq!(resend.error_codes(), [1007]);
    assert_eq!(
        resend.body["errors"][0]["source"]["pointer"],
        "/value/resend_email"
    );
    assert_eq!(h.state().await, before);
    assert!(h.outbox().await.is_empty());
    let get = h.call(Method::GET, &Harness::csam(id), None).await;
    assert_eq!(get.result()["value"]["email"], "", "nothing to mask");
    let set_up = h
        .call(
            Method::PATCH,
            &Harness::csam(id),
            Some(json!({"value": {"email": "abuse@example.org", "resend_email": true}})),
        )
        .await;
    assert_eq!(set_up.result()["value"]["email_state"], "pending");
}

#[tokio::test]
async fn fifty_thousand_zones_over_every_account() {
    let h = with_zones(50_000).await;
    let first = h.call(Method::GET, "/zones?per_page=50", None).await;
    assert_eq!(
        first.body["result_info"]["total_count"], 50_000,
        "N zones in all"
    );
    assert_eq!(first.body["result_info"]["total_pages"], 1000);
    let ids: Vec<&str> = first.result().as_array().unwrap()[..8]
        .iter()
        .map(|z| z["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, HAND_WRITTEN);
    let state = h.state().await;
    let settings = state["zones"].as_object().unwrap();
    assert_eq!(settings.len(), 50_000, "ids are unique");
    let last = h
        .call(Method::GET, "/zones?per_page=50&page=1000", None)
        .await;
    let last = last.result().as_array().unwrap();
    assert_eq!(last.len(), 50);
    let beyond = h
        .call(Method::GET, "/zones?per_page=50&page=1001", None)
        .await;
    assert_eq!(beyond.result().as_array().map(Vec::len), Some(0));
    let mut accounts = HashSet::new();
    let mut plans = HashSet::new();
    for zone in last.iter().chain(first.result().as_array().unwrap()) {
        accounts.insert(zone["account"]["id"].as_str().unwrap().to_owned());
        plans.insert(zone["plan"]["legacy_id"].as_str().unwrap().to_owned());
    }
    let listed = h.call(Method::GET, "/accounts?per_page=50", None).await;
    assert_eq!(listed.result().as_array().unwrap().len(), 5);
    for account in listed.result().as_array().unwrap() {
        let id = account["id"].as_str().unwrap();
        let owned = h
            .call(
                Method::GET,
                &format!("/zones?account.id={id}&per_page=5"),
                None,
            )
            .await;
        let count = owned.body["result_info"]["total_count"].as_u64().unwrap();
        assert!(count > 8_000, "{id}: {count}");
    }
    let locked = settings.values().filter(|s| s["editable"] == false).count();
    assert!((2_000..3_000).contains(&locked), "{locked}");

    let again = with_zones(50_000).await;
    let path = "/zones?per_page=50&page=700";
    assert_eq!(
        h.call(Method::GET, path, None).await.body["result"],
        again.call(Method::GET, path, None).await.body["result"],
        "same seed, same zones"
    );
}

#[tokio::test]
async fn more_zones_than_allowed_is_refused_at_start() {
    let started = trustdeck::mock::start(MockConfig {
        zones: Some(trustdeck::mock::MAX_ZONES + 1),
        ..MockConfig::demo()
    })
    .await;
    let error = started.err().expect("refused").to_string();
    assert!(error.contains("at most"), "{error}");
    let none = with_zones(0).await;
    let (zones, info) = none.all_zones("").await;
    assert_eq!(info["total_count"], 8);
    assert_eq!(zones.len(), 8);
    let few = with_zones(5).await;
    let (_, info) = few.all_zones("").await;
    assert_eq!(
        info["total_count"], 8,
        "never fewer than the hand-written zones"
    );
    let some = with_zones(9).await;
    let (zones, _) = some.all_zones("").await;
    assert_eq!(zones.len(), 9, "the hand-written zones and one generated");
}

#[tokio::test]
async fn a_name_filter_over_ten_thousand_zones_finds_each_zone() {
    let h = with_zones(10_000).await;
    let sample = h
        .call(Method::GET, "/zones?per_page=50&page=150", None)
        .await
        .body["result"]
        .clone();
    let names: Vec<String> = sample
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["name"].as_str().unwrap().to_owned())
        .collect();
    for name in names.iter().cycle().take(60) {
        let part = &name[1..name.len() - 2];
        let reply = h
            .call(
                Method::GET,
                &format!("/zones?name=contains:{part}&per_page=50"),
                None,
            )
            .await;
        assert!(
            reply
                .result()
                .as_array()
                .unwrap()
                .iter()
                .any(|z| z["name"] == *name),
            "{part}"
        );
    }
    // How fast: `cargo bench --bench mock_load -- mock_zones`.
}
