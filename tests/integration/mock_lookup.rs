//! `GET /zones/{zone_id}` and `GET /accounts/{account_id}`: the objects the
//! lists show, the same auth, Cloudflare's errors for bad and unknown ids,
//! and tokens that only see some accounts.

use crate::mock_common::{
    ACME, DISABLED, EXPIRED, GLOBEX, HAND_WRITTEN, Harness, READ_ONLY, SHOP, data_file, reply,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trustdeck::mock::MockConfig;

/// The fields the official schema requires of a `zones_zone`.
const ZONE_REQUIRED: [&str; 14] = [
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
];

#[tokio::test]
async fn a_zone_by_id_is_the_object_the_list_shows() {
    let h = Harness::start().await;
    let (zones, _) = h.all_zones("").await;
    for listed in zones.iter().take(8).chain(zones.iter().rev().take(3)) {
        let id = listed["id"].as_str().unwrap();
        let reply = h.call(Method::GET, &format!("/zones/{id}"), None).await;
        assert_eq!(reply.result(), listed, "{id}");
        assert_eq!(reply.body["messages"], json!([]));
        for field in ZONE_REQUIRED {
            assert!(reply.result().get(field).is_some(), "{field} of {id}");
        }
    }
    let shop = h.call(Method::GET, &format!("/zones/{SHOP}"), None).await;
    let shop = shop.result();
    assert_eq!(shop["name"], "shop.acme-corp.com");
    assert_eq!(shop["status"], "active");
    assert_eq!(shop["paused"], false);
    assert_eq!(shop["type"], "full");
    assert_eq!(shop["account"], json!({"id": ACME, "name": "Acme Corp"}));
    assert_eq!(shop["plan"]["legacy_id"], "ent");
    assert_eq!(HAND_WRITTEN[0], SHOP);
}

#[tokio::test]
async fn an_account_by_id_is_the_object_the_list_shows() {
    let h = Harness::start().await;
    let listed = h.call(Method::GET, "/accounts?per_page=50", None).await;
    for account in listed.result().as_array().unwrap() {
        let id = account["id"].as_str().unwrap();
        let reply = h.call(Method::GET, &format!("/accounts/{id}"), None).await;
        assert_eq!(reply.result(), account, "{id}");
    }
    let acme = h
        .call(Method::GET, &format!("/accounts/{ACME}"), None)
        .await;
    assert_eq!(acme.result()["name"], "Acme Corp");
    assert_eq!(acme.result()["type"], "enterprise");
    assert_eq!(acme.result()["settings"]["enforce_twofactor"], false);
}

#[tokio::test]
async fn lookups_need_the_same_credentials_as_the_lists() {
    let h = Harness::start().await;
    let paths = [format!("/zones/{SHOP}"), format!("/accounts/{GLOBEX}")];
    for path in &paths {
        h.call_as(READ_ONLY, Method::GET, path, None).await.result();
        for token in [EXPIRED, DISABLED] {
            let reply = h.call_as(token, Method::GET, path, None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(reply.error_codes(), [1000]);
        }
        let anonymous = reply(h.http.get(h.api(path))).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anonymous.error_codes(), [10000]);
        let creds = h.mock.credentials().clone();
        let legacy = h
            .http
            .get(h.api(path))
            .header("X-Auth-Email", &creds.email)
            .header("X-Auth-Key", &creds.global_key);
        reply(legacy).await.result();
        let put = h.call(Method::PUT, path, Some(json!({}))).await;
        assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(put.headers["allow"], "GET");
    }
}

#[tokio::test]
async fn bad_and_unknown_ids_are_4xx_envelopes() {
    let h = Harness::start().await;
    for zone in ["x".repeat(33), "abc-def".to_owned(), "%FF".to_owned()] {
        let reply = h.call(Method::GET, &format!("/zones/{zone}"), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{zone}");
        assert_eq!(reply.error_codes(), [1001], "{zone}");
    }
    let unknown = h
        .call(Method::GET, "/zones/0000000000000000000000000000dead", None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_codes(), [7003, 1001]);
    for account in ["nope", &"a".repeat(31), &"a".repeat(33), "%FF%FE", "a-b"] {
        let reply = h
            .call(Method::GET, &format!("/accounts/{account}"), None)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{account}");
        assert_eq!(reply.error_codes(), [7003, 7000], "{account}");
    }
    let unknown = h
        .call(
            Method::GET,
            "/accounts/00000000000000000000000000000000",
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_codes(), [7003, 7000]);
}

/// A token that lists and reads only Globex Media's zones and account.
const GLOBEX_VIEWER: &str = "tdemo-test-globex-viewer-1a2b3c4d5e6f";

async fn scoped_mock() -> (tempfile::TempDir, Harness) {
    let (dir, path) = data_file(|data| {
        data["tokens"].as_array_mut().unwrap().push(json!({
            "id": "9d8c7b6a5f4e3d2c1b0a9d8c7b6a5f4e",
            "value": GLOBEX_VIEWER,
            "description": "test: Globex only",
            "status": "active",
            "permissions": ["Zone Read", "Zone Settings Read", "Account Settings Read"],
            "scopes": {"Zone Read": [GLOBEX], "Account Settings Read": [GLOBEX]}
        }));
    });
    let h = Harness::with(MockConfig {
        data: Some(path),
        ..MockConfig::demo()
    })
    .await;
    (dir, h)
}

#[tokio::test]
async fn a_token_sees_only_the_zones_and_accounts_it_can_list() {
    let (_dir, h) = scoped_mock().await;
    let mut listed = Vec::new();
    for page in 1.. {
        let reply = h
            .call_as(
                GLOBEX_VIEWER,
                Method::GET,
                &format!("/zones?per_page=50&page={page}"),
                None,
            )
            .await;
        let batch = reply.result().as_array().unwrap().clone();
        if batch.is_empty() {
            break;
        }
        listed.extend(batch);
    }
    assert!(listed.len() > 100, "{}", listed.len());
    assert!(listed.iter().all(|z| z["account"]["id"] == GLOBEX));
    let (all, _) = h.all_zones("").await;
    let hidden: Vec<&Value> = all
        .iter()
        .filter(|z| z["account"]["id"] != GLOBEX)
        .collect();
    assert_eq!(listed.len() + hidden.len(), all.len());
    for zone in hidden.iter().take(3) {
        let id = zone["id"].as_str().unwrap();
        let reply = h
            .call_as(GLOBEX_VIEWER, Method::GET, &format!("/zones/{id}"), None)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{id}");
        assert_eq!(reply.error_codes(), [9109]);
        assert!(
            reply.first_message().contains("'Zone Read'"),
            "{}",
            reply.text
        );
    }
    let seen = listed[0]["id"].as_str().unwrap();
    h.call_as(GLOBEX_VIEWER, Method::GET, &format!("/zones/{seen}"), None)
        .await
        .result();

    let accounts = h
        .call_as(GLOBEX_VIEWER, Method::GET, "/accounts", None)
        .await;
    let ids: Vec<&Value> = accounts
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [GLOBEX]);
    assert_eq!(accounts.body["result_info"]["total_count"], 1);
    let acme = h
        .call_as(
            GLOBEX_VIEWER,
            Method::GET,
            &format!("/accounts/{ACME}"),
            None,
        )
        .await;
    assert_eq!(acme.status, StatusCode::FORBIDDEN);
    assert_eq!(acme.error_codes(), [9109]);
    h.call_as(
        GLOBEX_VIEWER,
        Method::GET,
        &format!("/accounts/{GLOBEX}"),
        None,
    )
    .await
    .result();
}

#[tokio::test]
async fn a_scope_naming_an_unknown_account_or_permission_is_refused_at_start() {
    for scopes in [
        json!({"Zone Read": ["0".repeat(32)]}),
        json!({"Zero Trust Write": [GLOBEX]}),
    ] {
        let (_dir, path) = data_file(|data| {
            assert_eq!(data["tokens"][1]["value"], READ_ONLY);
            data["tokens"][1]["scopes"] = scopes.clone();
        });
        let started = trustdeck::mock::start(MockConfig {
            data: Some(path),
            ..MockConfig::demo()
        })
        .await;
        let error = started.err().expect("refused").to_string();
        assert!(error.contains("scope"), "{error}");
    }
}
