//! `GET /zones` and `GET /accounts` on the mock: zone objects, filters,
//! ordering, paging and parameter validation.
mod mock_common;

use mock_common::{ACME, GLOBEX, Harness, READ_ONLY, SHOP};
use reqwest::{Method, StatusCode};
use serde_json::Value;

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
    let zones = reply.result().as_array().unwrap();
    assert_eq!(zones.len(), 8);
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
    for zone in zones {
        for field in required {
            assert!(zone.get(field).is_some(), "{field} missing in {zone}");
        }
        assert_eq!(zone["original_registrar"], Value::Null);
        assert!(
            zone["plan"]["legacy_id"].is_string()
                && zone["plan"]["id"].as_str().unwrap().len() == 32
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
    assert_eq!(
        reply.body["result_info"],
        serde_json::json!({"page": 1, "per_page": 20, "count": 8, "total_count": 8, "total_pages": 1})
    );
}

#[tokio::test]
async fn zone_filters_follow_cloudflare_operators() {
    let h = Harness::start().await;
    let (names, _) = zone_names(&h, &format!("account.id={GLOBEX}")).await;
    assert_eq!(
        names,
        [
            "globex-media.tv",
            "status.globex-media.tv",
            "uploads.globex-media.tv"
        ]
    );
    let (names, _) = zone_names(&h, "name=shop.acme-corp.com").await;
    assert_eq!(names, ["shop.acme-corp.com"]);
    let (names, _) = zone_names(&h, "name=contains:ACME&status=active").await;
    assert_eq!(names.len(), 5);
    let (names, _) = zone_names(&h, "name=contains_case_sensitive:ACME").await;
    assert!(names.is_empty());
    let (names, _) = zone_names(&h, "name=starts_with:uploads").await;
    assert_eq!(names, ["uploads.globex-media.tv"]);
    let (names, _) = zone_names(&h, "name=ends_with:.tv&status=pending").await;
    assert_eq!(names, ["status.globex-media.tv"]);
    let (names, _) = zone_names(
        &h,
        "account.name=contains:globex&name=not_equal:globex-media.tv",
    )
    .await;
    assert_eq!(names, ["status.globex-media.tv", "uploads.globex-media.tv"]);
    let (names, _) = zone_names(&h, "name=blog.acme-corp.com&status=pending&match=any").await;
    assert_eq!(names, ["blog.acme-corp.com", "status.globex-media.tv"]);
    let (names, _) = zone_names(&h, "type=partial").await;
    assert!(names.is_empty());
    let (names, _) = zone_names(&h, "order=status&direction=desc&per_page=5").await;
    assert_eq!(
        names[0], "status.globex-media.tv",
        "pending sorts after active"
    );
}

#[tokio::test]
async fn zone_paging_reports_totals() {
    let h = Harness::start().await;
    let (first, info) = zone_names(&h, "per_page=5&page=1").await;
    assert_eq!(first.len(), 5);
    assert_eq!(
        info,
        serde_json::json!({"page": 1, "per_page": 5, "count": 5, "total_count": 8, "total_pages": 2})
    );
    let (second, info) = zone_names(&h, "per_page=5&page=2").await;
    assert_eq!(second.len(), 3);
    assert_eq!(info["count"], 3);
    assert!(first.iter().all(|n| !second.contains(n)));
    let (beyond, info) = zone_names(&h, "per_page=5&page=9").await;
    assert!(beyond.is_empty());
    assert_eq!(info["total_count"], 8);
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
    assert_eq!(names, ["Globex Media", "Acme Corp"]);
    assert_eq!(
        reply.body["result_info"],
        serde_json::json!({"page": 1, "per_page": 5, "count": 2, "total_count": 2})
    );
    let acme = &reply.result()[1];
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
