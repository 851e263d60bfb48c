//! Looking up one zone or account by id, and zones by exact name: the
//! requests sent and the answers parsed, through the client and the worker.

use std::time::Duration;

use crate::common::*;
use trustdeck::api::worker::{ApiEvent, ApiOp, ApiOutput, ApiRequest, Worker};
use trustdeck::api::{ApiError, Credentials};

const ZONE: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"117bf1e17392293e996d8990458815ea","name":"shop.acme-corp.com","status":"active","account":{"id":"22d8a840ba3ae743d9774caa9ab3fdc4","name":"Acme Corp"},"plan":{"name":"Enterprise Website"}}}"#;
const ACCOUNT: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"22d8a840ba3ae743d9774caa9ab3fdc4","name":"Acme Corp","type":"enterprise"}}"#;
const ZONES: &str = r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"117bf1e17392293e996d8990458815ea","name":"shop.acme-corp.com"}],"result_info":{"page":1,"per_page":50,"count":1,"total_count":1,"total_pages":1}}"#;

/// Answers by path: one zone, one account, or a list of zones.
async fn lookup_server() -> RawServer {
    raw_server(|socket, head, _| async move {
        let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
        let body = if path.starts_with("/client/v4/zones?") {
            ZONES
        } else if path.starts_with("/client/v4/zones/") {
            ZONE
        } else {
            ACCOUNT
        };
        reply_raw(socket, http_answer("200 OK", &[], body).as_bytes()).await;
    })
    .await
}

fn request_lines(server: &RawServer) -> Vec<String> {
    server
        .heads()
        .iter()
        .map(|h| h.lines().next().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn one_zone_one_account_and_zones_by_exact_name() {
    let server = lookup_server().await;
    let client = client_for(&server.base_url(), Credentials::token("t"));
    let zone = client.get_zone(SHOP).await.unwrap().result;
    assert_eq!(zone.name, "shop.acme-corp.com");
    assert_eq!(
        zone.account.and_then(|a| a.name).as_deref(),
        Some("Acme Corp")
    );
    let account = client.get_account(ACME).await.unwrap().result;
    assert_eq!(
        (account.id.as_str(), account.name.as_str()),
        (ACME, "Acme Corp")
    );
    let found = client
        .find_zones_by_name("shop.acme-corp.com")
        .await
        .unwrap();
    assert_eq!(found.result[0].id, SHOP);
    assert_eq!(
        request_lines(&server),
        [
            format!("GET /client/v4/zones/{SHOP} HTTP/1.1"),
            format!("GET /client/v4/accounts/{ACME} HTTP/1.1"),
            "GET /client/v4/zones?name=shop.acme-corp.com&page=1&per_page=50 HTTP/1.1".to_owned(),
        ]
    );
}

#[tokio::test]
async fn lookups_refuse_bad_input_before_sending() {
    let server = lookup_server().await;
    let client = client_for(&server.base_url(), Credentials::token("t"));
    let refused = [
        client.get_zone("../accounts").await.map(|_| ()),
        client.get_account(FULL_TOKEN).await.map(|_| ()),
        client.find_zones_by_name("contains:acme").await.map(|_| ()),
        client.find_zones_by_name("").await.map(|_| ()),
    ];
    for result in refused {
        assert!(
            matches!(result, Err(ApiError::InvalidInput { .. })),
            "{result:?}"
        );
    }
    assert!(server.heads().is_empty(), "{:?}", server.heads());
}

#[tokio::test]
async fn the_worker_looks_up_zones_and_accounts() {
    let server = lookup_server().await;
    let mut worker = Worker::spawn(client_for(&server.base_url(), Credentials::token("t")));
    worker.send(ApiRequest {
        id: 1,
        op: ApiOp::GetZone {
            zone_id: SHOP.into(),
        },
    });
    worker.send(ApiRequest {
        id: 2,
        op: ApiOp::GetAccount {
            account_id: ACME.into(),
        },
    });
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(5), worker.responses.recv())
            .await
            .expect("a reply within 5 s")
            .expect("the worker is running");
        let ApiEvent::Reply(response) = event else {
            panic!("no retry expected: {event:?}");
        };
        match response.result {
            Ok(ApiOutput::Zone(reply)) => {
                assert_eq!(response.id, 1);
                assert_eq!(reply.result.id, SHOP);
            }
            Ok(ApiOutput::Account(reply)) => {
                assert_eq!(response.id, 2);
                assert_eq!(reply.result.id, ACME);
            }
            other => panic!("unexpected {other:?}"),
        }
        seen.push(response.id);
    }
}
