//! `GET /zones` and `GET /accounts` on the mock: zone objects, filters,
//! ordering, paging and parameter validation, over the hand-written and the
//! generated zones.

use std::collections::HashSet;

use crate::mock_common::{ACME, GLOBEX, HAND_WRITTEN, Harness, READ_ONLY, SHOP};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every zone of the shipped data: 8 hand-written + 492 generated.
const TOTAL: usize = 500;
/// Every account of the shipped data.
const ACCOUNTS: [&str; 5] = [
    ACME,
    GLOBEX,
    "8f14e45fceea167a5a36dedd4bea2543",
    "c9f0f895fb98ab9159f51fd0297e236d",
    "45c48cce2e2d7fbdea1afc51c7c6ad26",
];

async fn zone_names(h: &Harness, query: &str) -> (Vec<String>, Value) {
    let reply = h.call(Method::GET, &format!("/zones?{query}"), None).await;
    let names = reply
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["name"].as_str().unwrap().to_owned())
        .collect();
    (names, reply.body["result_info"].clone())
}

#[tokio::test]
async fn zone_objects_have_every_required_field() {
    let h = Harness::start().await;
    let reply = h.call(Method::GET, "/zones", None).await;
    assert_eq!(reply.result().as_array().unwrap().len(), 20);
    assert_eq!(
        reply.body["result_info"],
        json!({"page": 1, "per_page": 20, "count": 20, "total_count": TOTAL, "total_pages": TOTAL.div_ceil(20)})
    );
    let (zones, _) = h.all_zones("").await;
    let required = [
        "id",
        "name",
        "development_mode",
        "owner",
        "account",
        "meta",
        "name_servers",
        "original_name_servers",
        "original_registrar",
        "original_dnshost",
        "created_on",
        "modified_on",
        "activated_on",
        "plan",
        "status",
        "paused",
        "type",
    ];
    for zone in &zones {
        for field in required {
            assert!(zone.get(field).is_some(), "{field} missing in {zone}");
        }
        assert_eq!(zone["original_registrar"], Value::Null);
        assert!(
            zone["plan"]["legacy_id"].is_string()
                && zone["plan"]["id"].as_str().unwrap().len() == 32
        );
        assert_eq!(
            zone["activated_on"].is_null(),
            zone["status"] != "active",
            "{zone}"
        );
    }
    let shop = zones.iter().find(|z| z["id"] == SHOP).unwrap();
    assert_eq!(shop["plan"]["name"], "Enterprise Website");
    assert_eq!(shop["account"]["id"], ACME);
    assert_eq!(shop["account"]["name"], "Acme Corp");
    let status = zones
        .iter()
        .find(|z| z["name"] == "status.globex-media.tv")
        .unwrap();
    assert_eq!(status["plan"]["name"], "Free Website");
    assert_eq!(
        status["activated_on"],
        Value::Null,
        "a pending zone was never activated"
    );
}

#[tokio::test]
async fn zone_filters_follow_cloudflare_operators() {
    let h = Harness::start().await;
    let (names, _) = zone_names(&h, &format!("account.id={GLOBEX}&name=contains:globex")).await;
    assert_eq!(
        names,
        [
            "globex-media.tv",
            "uploads.globex-media.tv",
            "status.globex-media.tv"
        ],
        "data order without `order`"
    );
    let (names, _) = zone_names(
        &h,
        &format!("account.id={GLOBEX}&name=contains:globex&order=name"),
    )
    .await;
    assert_eq!(
        names,
        [
            "globex-media.tv",
            "status.globex-media.tv",
            "uploads.globex-media.tv"
        ]
    );
    let (globex, _) = h.all_zones(&format!("account.id={GLOBEX}")).await;
    assert!(globex.len() > 100, "{}", globex.len());
    assert!(globex.iter().all(|z| z["account"]["id"] == GLOBEX));
    let (names, _) = zone_names(&h, "name=shop.acme-corp.com").await;
    assert_eq!(names, ["shop.acme-corp.com"]);
    let (names, _) = zone_names(&h, "name=contains:ACME&status=active").await;
    assert_eq!(names.len(), 5);
    let (names, _) = zone_names(&h, "name=contains_case_sensitive:ACME").await;
    assert!(names.is_empty());
    let (names, _) = zone_names(&h, "name=starts_with:uploads").await;
    assert_eq!(names, ["uploads.globex-media.tv"]);
    let (names, _) = zone_names(&h, "name=ends_with:globex-media.tv&status=pending").await;
    assert_eq!(names, ["status.globex-media.tv"]);
    let (not_equal, _) = h
        .all_zones("account.name=contains:globex&name=not_equal:globex-media.tv")
        .await;
    assert_eq!(not_equal.len(), globex.len() - 1);
    assert!(not_equal.iter().all(|z| z["name"] != "globex-media.tv"));
    let (pending, _) = h.all_zones("status=pending").await;
    assert!(pending.iter().all(|z| z["status"] == "pending"));
    let (either, _) = h
        .all_zones("name=blog.acme-corp.com&status=pending&match=any")
        .await;
    assert_eq!(either.len(), pending.len() + 1);
    assert!(either.iter().any(|z| z["name"] == "blog.acme-corp.com"));
    let (names, _) = zone_names(&h, "type=partial").await;
    assert!(names.is_empty());
    let reply = h
        .call(
            Method::GET,
            "/zones?order=status&direction=desc&per_page=5",
            None,
        )
        .await;
    let first = reply.result().as_array().unwrap();
    assert!(
        first.iter().all(|z| z["status"] == "pending"),
        "pending sorts after active"
    );
}

#[tokio::test]
async fn zone_paging_reports_totals() {
    let h = Harness::start().await;
    let (first, info) = zone_names(&h, "per_page=5&page=1").await;
    assert_eq!(first.len(), 5);
    let pages = TOTAL.div_ceil(5);
    assert_eq!(
        info,
        json!({"page": 1, "per_page": 5, "count": 5, "total_count": TOTAL, "total_pages": pages})
    );
    let (second, info) = zone_names(&h, "per_page=5&page=2").await;
    assert_eq!(second.len(), 5);
    assert_eq!(info["count"], 5);
    assert!(first.iter().all(|n| !second.contains(n)));
    let (last, info) = zone_names(&h, &format!("per_page=5&page={pages}")).await;
    assert_eq!(last.len(), TOTAL - (pages - 1) * 5);
    assert_eq!(info["count"], last.len());
    let (beyond, info) = zone_names(&h, &format!("per_page=5&page={}", pages + 1)).await;
    assert!(beyond.is_empty());
    assert_eq!(info["total_count"], TOTAL);
}

#[tokio::test]
async fn hand_written_zones_come_first_in_default_order() {
    let h = Harness::start().await;
    let (zones, info) = h.all_zones("").await;
    assert_eq!(info["total_count"], TOTAL);
    let ids: Vec<&str> = zones.iter().map(|z| z["id"].as_str().unwrap()).collect();
    assert_eq!(ids[..8], HAND_WRITTEN);
    let (reversed, _) = h.all_zones("direction=desc").await;
    let mut back: Vec<&str> = reversed.iter().map(|z| z["id"].as_str().unwrap()).collect();
    back.reverse();
    assert_eq!(back, ids, "direction=desc alone reverses the data order");
    let (by_name, _) = h.all_zones("order=name").await;
    let names: Vec<&str> = by_name
        .iter()
        .map(|z| z["name"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted by name");
}

#[tokio::test]
async fn at_least_300_generated_zones_unique_varied_and_deterministic() {
    let h = Harness::start().await;
    let (zones, _) = h.all_zones("").await;
    assert_eq!(zones.len(), TOTAL);
    let generated = &zones[8..];
    assert!(generated.len() >= 300, "{}", generated.len());
    let ids: HashSet<&str> = zones.iter().map(|z| z["id"].as_str().unwrap()).collect();
    let names: HashSet<&str> = zones.iter().map(|z| z["name"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), TOTAL, "unique ids");
    assert_eq!(names.len(), TOTAL, "unique names");
    for zone in generated {
        let id = zone["id"].as_str().unwrap();
        assert!(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(!HAND_WRITTEN.contains(&id));
        let name = zone["name"].as_str().unwrap();
        assert!(
            name.split('.').count() >= 2 && name.split('.').all(|l| !l.is_empty()),
            "{name}"
        );
    }
    let spread = |field: &dyn Fn(&Value) -> String| -> HashSet<String> {
        generated.iter().map(field).collect()
    };
    assert_eq!(
        spread(&|z| z["account"]["id"].as_str().unwrap().to_owned()),
        HashSet::from(ACCOUNTS.map(str::to_owned)),
        "spread over every account"
    );
    assert_eq!(
        spread(&|z| z["plan"]["legacy_id"].as_str().unwrap().to_owned()),
        HashSet::from(["free", "pro", "business", "ent"].map(str::to_owned))
    );
    let pending = generated
        .iter()
        .filter(|z| z["status"] == "pending")
        .count();
    assert!(pending > 0 && pending < generated.len() / 3, "{pending}");

    let state = h.state().await;
    let settings: Vec<&Value> = generated
        .iter()
        .map(|z| &state["zones"][z["id"].as_str().unwrap()])
        .collect();
    assert!(settings.iter().all(|s| s.is_object()), "in /__mock/state");
    let states: HashSet<&str> = settings
        .iter()
        .map(|s| s["email_state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 3, "{states:?}");
    let on = settings.iter().filter(|s| s["enabled"] == true).count();
    assert!(on > 0 && on < settings.len());
    let source_counts: HashSet<usize> = settings
        .iter()
        .map(|s| s["sources"].as_object().unwrap().len())
        .collect();
    assert_eq!(source_counts, HashSet::from([0, 1, 2, 3, 4, 5, 6]));

    // A second load makes the very same zones.
    let other = Harness::start().await;
    let (again, _) = other.all_zones("").await;
    assert_eq!(again, zones);
    let strip = |mut state: Value| {
        for setting in state["zones"].as_object_mut().unwrap().values_mut() {
            setting.as_object_mut().unwrap().remove("pending_since");
        }
        state
    };
    assert_eq!(strip(other.state().await), strip(state));
}

#[tokio::test]
async fn paging_visits_every_zone_exactly_once() {
    let h = Harness::start().await;
    for query in [
        "",
        "order=name",
        "order=account.name&direction=desc",
        "order=plan.id",
    ] {
        for per_page in [5, 7, 20, 50] {
            let mut seen = Vec::new();
            let mut page = 1;
            loop {
                let reply = h
                    .call(
                        Method::GET,
                        &format!("/zones?{query}&per_page={per_page}&page={page}"),
                        None,
                    )
                    .await;
                let batch = reply.result().as_array().unwrap();
                if batch.is_empty() {
                    break;
                }
                assert_eq!(reply.body["result_info"]["total_count"], TOTAL);
                seen.extend(batch.iter().map(|z| z["id"].as_str().unwrap().to_owned()));
                page += 1;
            }
            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(seen.len(), TOTAL, "{query} per_page={per_page}");
            assert_eq!(unique.len(), TOTAL, "{query} per_page={per_page}");
            assert_eq!(page - 1, TOTAL.div_ceil(per_page), "{query}");
        }
    }
}

#[tokio::test]
async fn a_contains_filter_finds_a_generated_zone_at_once() {
    let h = Harness::start().await;
    let (zones, _) = h.all_zones("").await;
    let target = &zones[TOTAL - 17];
    let name = target["name"].as_str().unwrap();
    let account = target["account"]["id"].as_str().unwrap();
    // The middle of the name, upper-cased: `contains` ignores case.
    let part = name[1..name.len() - 1].to_uppercase();
    for _ in 0..20 {
        let reply = h
            .call(
                Method::GET,
                &format!("/zones?name=contains:{part}&page=1&per_page=5"),
                None,
            )
            .await;
        let found = reply.result().as_array().unwrap();
        assert!(found.iter().any(|z| z["id"] == target["id"]), "{part}");
    }
    let (exact, info) = zone_names(&h, &format!("name={name}")).await;
    assert_eq!(exact, [name]);
    assert_eq!(info["total_count"], 1);
    let (same_account, _) = h
        .all_zones(&format!("account.id={account}&name=ends_with:{name}"))
        .await;
    assert!(same_account.iter().any(|z| z["id"] == target["id"]));
}

#[tokio::test]
async fn generated_zones_are_real_zones() {
    let h = Harness::start().await;
    let state = h.state().await;
    let (zones, _) = h.all_zones("").await;
    let generated = &zones[8..];
    let setting = |z: &Value| state["zones"][z["id"].as_str().unwrap()].clone();
    let editable = generated
        .iter()
        .find(|z| setting(z)["editable"] == true && setting(z)["email_state"] == "valid")
        .unwrap();
    let id = editable["id"].as_str().unwrap();
    let get = h.call(Method::GET, &Harness::csam(id), None).await;
    let stored = setting(editable);
    assert_eq!(get.result()["value"]["enabled"], stored["enabled"]);
    assert_eq!(get.result()["value"]["sources"], stored["sources"]);
    assert_eq!(
        get.result()["value"]["zone_plan"],
        editable["plan"]["legacy_id"]
    );
    assert_eq!(get.result()["value"]["email"], "**********");
    let wanted = stored["enabled"] != true;
    let source = stored["sources"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap();
    let flipped = stored["sources"][source] != true;
    let patch = h
        .call(
            Method::PATCH,
            &Harness::csam(id),
            Some(json!({"value": {"enabled": wanted, "sources": {source: flipped}}})),
        )
        .await;
    assert_eq!(patch.result()["value"]["enabled"], wanted);
    assert_eq!(patch.result()["value"]["sources"][source], flipped);
    let after = h.state().await;
    assert_eq!(after["zones"][id]["enabled"], wanted);
    assert_eq!(after["zones"][id]["sources"][source], flipped);

    if let Some(locked) = generated.iter().find(|z| setting(z)["editable"] == false) {
        let reply = h
            .call(
                Method::PATCH,
                &Harness::csam(locked["id"].as_str().unwrap()),
                Some(json!({"value": {"enabled": false}})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.error_codes(), [1403]);
    }
    let pending = generated
        .iter()
        .find(|z| setting(z)["email_state"] == "pending")
        .unwrap();
    let pending_id = pending["id"].as_str().unwrap();
    assert_eq!(h.verify_email(pending_id).await, StatusCode::OK);
    let get = h.call(Method::GET, &Harness::csam(pending_id), None).await;
    assert_eq!(get.result()["value"]["email_state"], "valid");
}

#[tokio::test]
async fn bad_list_parameters_are_400_envelopes() {
    let h = Harness::start().await;
    let long = "a".repeat(254);
    for query in [
        "per_page=4".to_owned(),
        "per_page=51".to_owned(),
        "per_page=abc".to_owned(),
        "page=0".to_owned(),
        "page=".to_owned(),
        "status=gone".to_owned(),
        "match=some".to_owned(),
        "order=size".to_owned(),
        "direction=up".to_owned(),
        "type=full,weird".to_owned(),
        format!("name={long}"),
        "name=%FF".to_owned(),
    ] {
        let reply = h.call(Method::GET, &format!("/zones?{query}"), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        reply.error_codes();
    }
    for query in ["per_page=2", "page=-1", "direction=sideways"] {
        let reply = h
            .call(Method::GET, &format!("/accounts?{query}"), None)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        reply.error_codes();
    }
}

#[tokio::test]
async fn accounts_page_without_total_pages() {
    let h = Harness::start().await;
    let reply = h
        .call_as(
            READ_ONLY,
            Method::GET,
            "/accounts?per_page=5&direction=desc",
            None,
        )
        .await;
    let names: Vec<_> = reply
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            "Umbrella Health",
            "Initech",
            "Hooli Labs",
            "Globex Media",
            "Acme Corp"
        ]
    );
    assert_eq!(
        reply.body["result_info"],
        serde_json::json!({"page": 1, "per_page": 5, "count": 5, "total_count": 5})
    );
    let acme = &reply.result()[4];
    assert_eq!(acme["id"], ACME);
    assert_eq!(acme["type"], "enterprise");
    let page2 = h
        .call(Method::GET, "/accounts?per_page=5&page=2", None)
        .await;
    assert_eq!(page2.result(), &serde_json::json!([]));
    let named = h
        .call(Method::GET, "/accounts?name=acme%20corp", None)
        .await;
    assert_eq!(named.result().as_array().unwrap().len(), 1);
}
