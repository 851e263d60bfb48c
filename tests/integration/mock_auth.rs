//! Authentication and permissions of the mock: tokens, legacy global key,
//! malformed headers, expired and disabled tokens, and token verify.

use crate::mock_common::{ACME, ACME_SETTINGS, DISABLED, EXPIRED, Harness, READ_ONLY, SHOP, reply};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_read_only_token_reads_but_every_write_is_403_naming_the_permission() {
    let h = Harness::start().await;
    let before = h.state().await;
    let get = h
        .call_as(READ_ONLY, Method::GET, &Harness::csam(SHOP), None)
        .await;
    get.result();
    let patch = h
        .call_as(
            READ_ONLY,
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"enabled": false}})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::FORBIDDEN);
    assert_eq!(patch.error_codes(), [9109]);
    assert_eq!(
        patch.first_message(),
        "Unauthorized to access requested resource: this API token lacks the 'Zone Settings Write' permission"
    );
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let reply = h
            .call_as(READ_ONLY, method, &Harness::dlp(ACME), Some(json!({})))
            .await;
        assert_eq!(reply.error_codes(), [9109]);
        assert!(reply.first_message().contains("'Zero Trust Write'"));
    }
    assert_eq!(h.state().await, before);
}

#[tokio::test]
async fn permissions_are_checked_before_the_body() {
    let h = Harness::start().await;
    let reply = h
        .call_as(
            READ_ONLY,
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"email": 1}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let anonymous = codes_of(h.http.patch(h.api(&Harness::csam(SHOP))).body("{")).await;
    assert_eq!(anonymous, (StatusCode::UNAUTHORIZED, vec![10000]));
}

#[tokio::test]
async fn expired_and_disabled_tokens_are_401_except_on_verify() {
    let h = Harness::start().await;
    for (token, status, word) in [
        (EXPIRED, "expired", "expired"),
        (DISABLED, "disabled", "disabled"),
    ] {
        let reply = h
            .call_as(token, Method::GET, &Harness::csam(SHOP), None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.error_codes(), [1000]);
        assert!(reply.first_message().contains(word), "{}", reply.text);

        let verify = h
            .call_as(token, Method::GET, "/user/tokens/verify", None)
            .await;
        assert_eq!(verify.result()["status"], status);
        let account = h
            .call_as(
                token,
                Method::GET,
                &format!("/accounts/{ACME}/tokens/verify"),
                None,
            )
            .await;
        assert_eq!(account.result()["status"], status);
    }
    let expired = h
        .call_as(EXPIRED, Method::GET, "/user/tokens/verify", None)
        .await;
    assert_eq!(expired.result()["expires_on"], "2025-01-01T00:00:00Z");
}

#[tokio::test]
async fn verify_knows_active_tokens_and_refuses_unknown_ones() {
    let h = Harness::start().await;
    let ok = h.call(Method::GET, "/user/tokens/verify", None).await;
    assert_eq!(ok.result()["status"], "active");
    assert_eq!(ok.result()["id"], "58decad69d40e17d815e3728053e9dd5");
    assert_eq!(
        ok.body["messages"][0]["message"],
        "This API Token is valid and active"
    );
    let unknown = h
        .call_as("tdemo-nope", Method::GET, "/user/tokens/verify", None)
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.error_codes(), [1000]);
    assert_eq!(unknown.first_message(), "Invalid API Token");
    let missing = h
        .call(
            Method::GET,
            "/accounts/00000000000000000000000000000000/tokens/verify",
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_codes(), [7003, 7000]);
}

#[tokio::test]
async fn the_legacy_global_key_can_do_everything() {
    let h = Harness::start().await;
    let creds = h.mock.credentials().clone();
    let legacy = |method: Method, path: &str| {
        h.http
            .request(method, h.api(path))
            .header("X-Auth-Email", &creds.email)
            .header("X-Auth-Key", &creds.global_key)
    };
    let get = reply(legacy(Method::GET, &Harness::csam(SHOP))).await;
    get.result();
    let patch =
        reply(legacy(Method::PATCH, &Harness::dlp(ACME)).json(&json!({"ocr": false}))).await;
    assert_eq!(patch.result()["ocr"], false);
    reply(legacy(Method::GET, "/zones")).await.result();
    reply(legacy(Method::GET, "/accounts")).await.result();

    let wrong = h
        .http
        .get(h.api("/zones"))
        .header("X-Auth-Email", &creds.email)
        .header("X-Auth-Key", "0000");
    assert_eq!(
        codes_of(wrong).await,
        (StatusCode::UNAUTHORIZED, vec![9103])
    );
    let verify = reply(legacy(Method::GET, "/user/tokens/verify")).await;
    assert_eq!(
        verify.status,
        StatusCode::UNAUTHORIZED,
        "only tokens can be verified"
    );
}

#[tokio::test]
async fn header_problems_have_cloudflare_codes() {
    let h = Harness::start().await;
    let url = h.api(&Harness::csam(SHOP));
    let cases = [
        (h.http.get(&url), StatusCode::UNAUTHORIZED, vec![10000]),
        (
            h.http.get(&url).header("Authorization", "Basic abc"),
            StatusCode::BAD_REQUEST,
            vec![6003, 6111],
        ),
        (
            h.http.get(&url).header("Authorization", "Bearer "),
            StatusCode::BAD_REQUEST,
            vec![6003, 6111],
        ),
        (
            h.http.get(&url).header("Authorization", "Bearer a b"),
            StatusCode::BAD_REQUEST,
            vec![6003, 6111],
        ),
        (
            h.http.get(&url).bearer_auth("unknown-token"),
            StatusCode::UNAUTHORIZED,
            vec![1000],
        ),
        (
            h.http.get(&url).header("X-Auth-Email", "a@b.co"),
            StatusCode::BAD_REQUEST,
            vec![6003, 6103],
        ),
        (
            h.http.get(&url).header("X-Auth-Key", "k"),
            StatusCode::BAD_REQUEST,
            vec![6003, 6103],
        ),
    ];
    for (request, status, codes) in cases {
        assert_eq!(codes_of(request).await, (status, codes));
    }
    let lower_case_scheme = h
        .http
        .get(&url)
        .header("Authorization", format!("bearer {}", h.token));
    reply(lower_case_scheme).await.result();
}

async fn codes_of(request: reqwest::RequestBuilder) -> (StatusCode, Vec<u64>) {
    let reply = reply(request).await;
    (reply.status, reply.error_codes())
}

#[tokio::test]
async fn a_token_scoped_to_one_account_lists_every_zone_but_reads_only_that_accounts_settings() {
    let h = Harness::start().await;
    let (all, _) = h.all_zones("").await;
    let listed = h
        .call_as(ACME_SETTINGS, Method::GET, "/zones?per_page=5", None)
        .await;
    assert_eq!(
        listed.body["result_info"]["total_count"],
        all.len(),
        "it lists every zone"
    );
    let before = h.state().await;
    let (acme, others): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) =
        all.iter().partition(|z| z["account"]["id"] == ACME);
    assert!(!acme.is_empty() && !others.is_empty());
    for zone in acme.iter().take(5) {
        let id = zone["id"].as_str().unwrap();
        h.call_as(ACME_SETTINGS, Method::GET, &Harness::csam(id), None)
            .await
            .result();
    }
    for zone in others.iter().take(20) {
        let id = zone["id"].as_str().unwrap();
        let read = h
            .call_as(ACME_SETTINGS, Method::GET, &Harness::csam(id), None)
            .await;
        assert_eq!(read.status, StatusCode::FORBIDDEN, "{id}");
        assert_eq!(read.error_codes(), [9109]);
        assert!(
            read.first_message().contains("'Zone Settings Read'"),
            "{}",
            read.text
        );
        let write = h
            .call_as(
                ACME_SETTINGS,
                Method::PATCH,
                &Harness::csam(id),
                Some(json!({"value": {"enabled": false}})),
            )
            .await;
        assert_eq!(write.status, StatusCode::FORBIDDEN);
        assert!(write.first_message().contains("'Zone Settings Write'"));
        h.call_as(ACME_SETTINGS, Method::GET, &format!("/zones/{id}"), None)
            .await
            .result();
    }
    assert_eq!(h.state().await, before, "nothing changed");
    let saved = h
        .call_as(
            ACME_SETTINGS,
            Method::PATCH,
            &Harness::csam(SHOP),
            Some(json!({"value": {"sources": {"ncmec_industry": true}}})),
        )
        .await;
    assert_eq!(saved.result()["value"]["sources"]["ncmec_industry"], true);
    let dlp = h
        .call_as(ACME_SETTINGS, Method::GET, &Harness::dlp(ACME), None)
        .await;
    assert_eq!(dlp.status, StatusCode::FORBIDDEN);
    assert!(dlp.first_message().contains("'Zero Trust Read'"));
    let accounts = h
        .call_as(ACME_SETTINGS, Method::GET, "/accounts", None)
        .await;
    assert_eq!(accounts.body["result_info"]["total_count"], 5);
}
