//! The fleet scan against the embedded mock: what it counts is what the mock
//! holds, every zone is read once, a failed read is a row with its error, a
//! cancel keeps what was read.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::*;
use serde_json::{Value, json};
use trustdeck::api::{Client, ClientConfig, Credentials, RetryPolicy, ZoneQuery};
use trustdeck::fleet::{
    Coverage, Failure, FleetScan, ScanEnd, ScanEvent, ScanOptions, ScanOutcome, ScanRun, ZoneCsam,
    start_scan,
};
use trustdeck::mock::{MockConfig, RunningMock};

/// A token that may list zones but not read their settings.
const LIST_ONLY_TOKEN: &str = "tdemo-list-only-test-9kW2pQ7rT4";

/// The shipped demo data with `zones` zones in all and a list-only token.
fn data_with(zones: usize) -> tempfile::NamedTempFile {
    let mut data: Value =
        serde_json::from_str(include_str!("../../assets/demo-data.json")).expect("shipped data");
    let hand_written = data["zones"].as_array().map_or(0, Vec::len);
    data["generated_zones"]["count"] = (zones - hand_written).into();
    data["tokens"].as_array_mut().unwrap().push(json!({
        "id": "00112233445566778899aabbccddeeff",
        "value": LIST_ONLY_TOKEN,
        "description": "lists zones, reads no setting",
        "status": "active",
        "permissions": ["Zone Read"]
    }));
    let file = tempfile::NamedTempFile::new().expect("a temp file");
    serde_json::to_writer(&file, &data).expect("written");
    file
}

async fn mock_of(data: &tempfile::NamedTempFile, config: MockConfig) -> RunningMock {
    start_mock_with(MockConfig {
        data: Some(data.path().to_owned()),
        ..config
    })
    .await
}

/// The next event, or a failure after 30 s.
async fn next(run: &mut ScanRun) -> Option<ScanEvent> {
    tokio::time::timeout(Duration::from_secs(30), run.next())
        .await
        .expect("the scan reports within 30 s")
}

/// Every event of a scan, checked for their order.
async fn all_events(mut run: ScanRun) -> Vec<ScanEvent> {
    let mut events = Vec::new();
    while let Some(event) = next(&mut run).await {
        events.push(event);
    }
    assert!(matches!(events.first(), Some(ScanEvent::Started { .. })));
    assert!(matches!(events.last(), Some(ScanEvent::Finished(_))));
    let listed = events
        .iter()
        .position(|e| matches!(e, ScanEvent::Listed { .. }));
    let first_row = events.iter().position(|e| matches!(e, ScanEvent::Row(_)));
    if let Some(row) = first_row {
        assert!(
            listed.is_some_and(|listed| listed < row),
            "rows after Listed"
        );
    }
    assert!(
        matches!(events.get(1), Some(ScanEvent::Listing { .. })),
        "the budget as the listing starts: {:?}",
        events.get(1)
    );
    if let Some(listed) = listed {
        assert!(
            !events[listed..]
                .iter()
                .any(|e| matches!(e, ScanEvent::Listing { .. })),
            "Listing reports only before Listed"
        );
    }
    events
}

fn fold(events: &[ScanEvent]) -> (FleetScan, ScanEnd) {
    let mut table = FleetScan::new(None, 0);
    for event in events {
        table.apply(event);
    }
    let Some(ScanEvent::Finished(end)) = events.last() else {
        unreachable!("checked by all_events")
    };
    (table, end.clone())
}

/// The coverage the mock's raw state says a full scan must find.
async fn coverage_of_state(mock: &RunningMock) -> Coverage {
    let state = mock_get(mock, "/__mock/state").await;
    let zones = state["zones"].as_object().expect("zones in the state");
    let count = |test: &dyn Fn(&Value) -> bool| zones.values().filter(|z| test(z)).count();
    let any_source = |z: &Value| {
        z["sources"]
            .as_object()
            .unwrap()
            .values()
            .any(|on| on == true)
    };
    Coverage {
        zones: zones.len(),
        scanning: count(&|z| z["enabled"] == true && any_source(z)),
        no_source: count(&|z| z["enabled"] == true && !any_source(z)),
        not_scanning: count(&|z| z["enabled"] == false),
        email_unverified: count(&|z| z["email_state"] == "unverified" && z["email"] != ""),
        no_email: count(&|z| z["email"] == ""),
        pending: count(&|z| z["email_state"] == "pending"),
        locked: count(&|z| z["editable"] == false),
        unreadable: 0,
    }
}

/// The mock's request log as (method, path, query, status).
async fn log(mock: &RunningMock) -> Vec<(String, String, String, u64)> {
    let Value::Array(items) = mock_get(mock, "/__mock/requests").await else {
        panic!("a request log")
    };
    items
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
                r["query"].as_str().unwrap_or_default().to_owned(),
                r["status"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

async fn set_faults(mock: &RunningMock, faults: Value) {
    let answer = plain_http()
        .post(format!("{}/__mock/faults", root(mock)))
        .json(&faults)
        .send()
        .await
        .expect("the faults endpoint");
    assert!(answer.status().is_success());
}

#[tokio::test]
async fn a_scan_of_the_demo_counts_what_the_mock_holds() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let events = all_events(start_scan(&client, ScanOptions::default())).await;
    let (table, end) = fold(&events);
    assert_eq!(end.outcome, ScanOutcome::Complete);
    assert!(events.contains(&ScanEvent::Listed { total: 500 }));
    assert_eq!((end.total, end.read, end.failed), (500, 500, 0));
    assert_eq!(end.listed.as_ref().map(Vec::len), Some(500));
    assert_eq!(table.coverage(), coverage_of_state(&mock).await);
    assert!(table.coverage().locked > 0 && table.coverage().pending > 0);
    let progress = events
        .iter()
        .rev()
        .find_map(|e| match e {
            ScanEvent::Progress(p) => Some(p),
            _ => None,
        })
        .expect("progress is reported");
    assert_eq!((progress.done, progress.total), (500, 500));
    assert_eq!(progress.eta, Some(Duration::ZERO));
    mock.shutdown().await;
}

#[tokio::test]
async fn a_thousand_zones_are_listed_fifty_a_page_and_each_read_once() {
    let data = data_with(1000);
    let mock = mock_of(&data, MockConfig::demo()).await;
    let client = full_client(&mock);
    let events = all_events(start_scan(&client, ScanOptions::default())).await;
    let (table, end) = fold(&events);
    assert_eq!(
        (end.outcome, end.total, end.read),
        (ScanOutcome::Complete, 1000, 1000)
    );
    assert_eq!(table.rows().len(), 1000);
    assert_eq!(table.coverage(), coverage_of_state(&mock).await);

    let log = log(&mock).await;
    let pages: Vec<&str> = log
        .iter()
        .filter(|(_, path, _, _)| path.ends_with("/zones"))
        .map(|(_, _, query, _)| query.as_str())
        .collect();
    assert_eq!(pages.len(), 20, "{pages:?}");
    assert!(pages.iter().all(|q| q.contains("per_page=50")), "{pages:?}");
    assert!(pages[0].contains("page=1&"), "page 1 first: {pages:?}");
    let reads: Vec<&str> = log
        .iter()
        .filter(|(method, path, _, _)| {
            method == "GET" && path.ends_with("/csam_scanner_third_party")
        })
        .map(|(_, path, _, _)| path.as_str())
        .collect();
    assert_eq!(reads.len(), 1000);
    assert_eq!(
        reads.iter().collect::<HashSet<_>>().len(),
        1000,
        "each zone once"
    );
    assert_eq!(end.calls, 1020);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_scan_of_one_account_reads_only_its_zones() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let listed = client
        .list_zones(&ZoneQuery {
            account_id: Some(GLOBEX.into()),
            ..ZoneQuery::default()
        })
        .await
        .expect("Globex's zones");
    let expected = listed.result_info.and_then(|i| i.total_count).unwrap() as usize;
    let options = ScanOptions {
        account_id: Some(GLOBEX.into()),
        ..ScanOptions::default()
    };
    let (table, end) = fold(&all_events(start_scan(&client, options)).await);
    assert_eq!((end.total, table.rows().len()), (expected, expected));
    assert!(expected > 0 && expected < 500);
    assert!(
        table
            .rows()
            .iter()
            .all(|row| row.account.as_ref().is_some_and(|a| a.id == GLOBEX))
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_cancelled_scan_keeps_what_was_read_and_sends_no_more() {
    let mock = start_mock_with(MockConfig {
        latency: Some(Duration::from_millis(20)),
        ..MockConfig::demo()
    })
    .await;
    let client = full_client(&mock);
    let mut run = start_scan(&client, ScanOptions::default());
    let mut table = FleetScan::new(None, 0);
    let mut rows = 0;
    let end = loop {
        let event = next(&mut run).await.expect("a Finished event");
        table.apply(&event);
        match event {
            ScanEvent::Row(_) => {
                rows += 1;
                if rows == 40 {
                    run.canceller().cancel();
                }
            }
            ScanEvent::Finished(end) => break end,
            _ => {}
        }
    };
    assert_eq!(next(&mut run).await, None, "Finished is the last event");
    assert_eq!(end.outcome, ScanOutcome::Cancelled);
    assert!((40..500).contains(&rows), "{rows}");
    assert_eq!(table.rows().len(), rows);
    assert_eq!(end.read, rows);
    assert_eq!(end.listed, None, "a cancel drops no cached row");
    let reads = log(&mock)
        .await
        .iter()
        .filter(|(_, path, _, _)| path.ends_with("/csam_scanner_third_party"))
        .count();
    assert!(reads < 200, "{reads} reads were sent for {rows} rows");
    mock.shutdown().await;
}

#[tokio::test]
async fn zones_the_token_may_not_read_are_rows_saying_so() {
    let data = data_with(500);
    let mock = mock_of(&data, MockConfig::demo()).await;
    let client = client_for(&mock.base_url(), Credentials::token(LIST_ONLY_TOKEN));
    let (table, end) = fold(&all_events(start_scan(&client, ScanOptions::default())).await);
    assert_eq!(end.outcome, ScanOutcome::Complete);
    assert_eq!((end.total, end.failed, table.rows().len()), (500, 500, 500));
    for row in table.rows() {
        let error = row.error().expect("an error row");
        assert_eq!(
            error.failure,
            Failure::NoPermission {
                permission: Some("Zone Settings Read".into())
            }
        );
        assert!(
            error.message.contains("Zone Settings Read"),
            "{}",
            error.message
        );
    }
    assert_eq!(table.coverage().unreadable, 500);
    mock.shutdown().await;
}

#[tokio::test]
async fn failing_reads_become_error_rows_not_holes() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let mut run = start_scan(&client, ScanOptions::default());
    let mut events = Vec::new();
    let mut failing = false;
    while let Some(event) = next(&mut run).await {
        match &event {
            ScanEvent::Listed { .. } => {
                set_faults(&mock, json!({"fail_rate": 1})).await;
                failing = true;
            }
            ScanEvent::Row(row) if failing && row.error().is_some() => {
                set_faults(&mock, json!({"fail_rate": 0})).await;
                failing = false;
            }
            _ => {}
        }
        events.push(event);
    }
    let (table, end) = fold(&events);
    assert_eq!(end.outcome, ScanOutcome::Complete);
    assert_eq!(table.rows().len(), 500, "every zone has a row");
    assert!(end.failed >= 1 && end.read >= 1, "{end:?}");
    assert_eq!(end.read + end.failed, 500);
    for row in table.rows() {
        if let ZoneCsam::Failed(error) = &row.csam {
            assert!(matches!(error.failure, Failure::Server { .. }), "{error:?}");
        }
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn a_refused_listing_ends_the_scan_with_its_error() {
    let mock = start_mock().await;
    let client = client_for(&mock.base_url(), Credentials::token(EXPIRED_TOKEN));
    let events = all_events(start_scan(&client, ScanOptions::default())).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ScanEvent::Listed { .. } | ScanEvent::Row(_)))
    );
    let (_, end) = fold(&events);
    match end.outcome {
        ScanOutcome::ListingFailed(error) => assert_eq!(error.failure, Failure::Auth),
        other => panic!("{other:?}"),
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn reads_refused_with_429_are_queued_again_until_every_zone_is_read() {
    let data = data_with(100);
    let mock = mock_of(
        &data,
        MockConfig {
            latency: Some(Duration::from_millis(40)),
            ..MockConfig::demo()
        },
    )
    .await;
    // No retries of the client's own: the scan queues a refused read again,
    // and the pacer holds it until the mock takes requests again.
    let mut config =
        ClientConfig::new(Credentials::token(FULL_TOKEN)).with_base_url(mock.base_url());
    config.retry = RetryPolicy::none();
    let client = Client::new(config).expect("client");
    let mut run = start_scan(&client, ScanOptions::default());
    let mut events = Vec::new();
    // Once some rows are in, everybody is locked out for a second (as when
    // the web dashboard spent the shared budget): the reads left get 429.
    while events
        .iter()
        .filter(|e| matches!(e, ScanEvent::Row(_)))
        .count()
        < 5
    {
        events.push(next(&mut run).await.expect("the scan goes on"));
    }
    set_faults(&mock, json!({"lock_out": "1s"})).await;
    while let Some(event) = next(&mut run).await {
        events.push(event);
    }
    let (table, end) = fold(&events);
    assert_eq!(
        (end.outcome, end.read, end.failed),
        (ScanOutcome::Complete, 100, 0)
    );
    assert_eq!(table.rows().len(), 100);
    let refused = log(&mock).await.iter().filter(|r| r.3 == 429).count();
    assert!(refused > 0, "the lock-out was hit");
    mock.shutdown().await;
}

/// A server whose listing never ends: every page is full, and it claims a
/// million pages (or, with `count: false`, says no page count at all).
async fn endless_listing(count: bool) -> RawServer {
    raw_server(move |socket, head, _| async move {
        let line = head.lines().next().unwrap_or_default().to_owned();
        let answer = if line.contains("/settings/") {
            http_answer("200 OK", &[], CSAM_OK)
        } else {
            let page: u64 = line
                .split(['?', '&', ' '])
                .find_map(|part| part.strip_prefix("page="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let zones: Vec<Value> = (0..50)
                .map(|i| json!({"id": format!("{:032x}", page * 100 + i), "name": format!("z{page}-{i}.example")}))
                .collect();
            let mut info = json!({"page": page, "per_page": 50, "count": 50});
            if count {
                info["total_pages"] = json!(1_000_000);
            }
            let body = json!({"success": true, "errors": [], "messages": [], "result": zones, "result_info": info});
            http_answer("200 OK", &[], &body.to_string())
        };
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await
}

#[tokio::test]
async fn a_listing_that_never_ends_is_cut_at_max_zones_and_called_incomplete() {
    // Without a page count, pages are read up to the bound and the scan
    // ends there, before any setting is read; a page count beyond it is
    // refused after page 1. Nothing is read to be thrown away.
    for count in [true, false] {
        let server = endless_listing(count).await;
        let client = client_for(&server.base_url(), Credentials::token("t"));
        let options = ScanOptions {
            max_zones: 120,
            ..ScanOptions::default()
        };
        let (table, end) = fold(&all_events(start_scan(&client, options)).await);
        let lists = server
            .heads()
            .iter()
            .filter(|head| head.starts_with("GET /client/v4/zones?"))
            .count();
        let (pages, zones, words) = if count {
            (
                1,
                0,
                "claims 1000000 pages of zones, more than the 120 zones",
            )
        } else {
            (3, 0, "more than 120 zones (the most a scan reads)")
        };
        assert_eq!(lists, pages, "page count said: {count}");
        assert_eq!((end.total, table.rows().len()), (zones, zones));
        let settings = server
            .heads()
            .iter()
            .filter(|head| head.contains("/settings/"))
            .count();
        assert_eq!(settings, 0, "no setting is read for a scan that fails");
        assert!(
            end_message(&end).contains("--max-zones N"),
            "{:?}",
            end.outcome
        );
        match &end.outcome {
            ScanOutcome::ListingFailed(error) => {
                assert!(error.message.contains(words), "{error:?}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            end.listed, None,
            "an incomplete listing drops no cached row"
        );
    }
}

fn end_message(end: &ScanEnd) -> String {
    match &end.outcome {
        ScanOutcome::ListingFailed(error) => error.message.clone(),
        _ => String::new(),
    }
}

/// A server that answers every listing page with the same 50 zones (as an
/// OpenAPI mock does), claiming 40 pages (or no page count).
async fn same_page_listing(count: bool) -> RawServer {
    raw_server(move |socket, head, _| async move {
        let line = head.lines().next().unwrap_or_default().to_owned();
        let answer = if line.contains("/settings/") {
            http_answer("200 OK", &[], CSAM_OK)
        } else {
            let zones: Vec<Value> = (0..50)
                .map(|i| json!({"id": format!("{:032x}", i + 1), "name": format!("z{i}.example")}))
                .collect();
            let mut info = json!({"page": 1, "per_page": 50, "count": 50});
            if count {
                info["total_pages"] = json!(40);
            }
            let body = json!({"success": true, "errors": [], "messages": [], "result": zones, "result_info": info});
            http_answer("200 OK", &[], &body.to_string())
        };
        reply_raw(socket, answer.as_bytes()).await;
    })
    .await
}

#[tokio::test]
async fn a_server_answering_every_page_alike_lists_each_zone_once_and_stops() {
    for count in [true, false] {
        let server = same_page_listing(count).await;
        let client = client_for(&server.base_url(), Credentials::token("t"));
        let (table, end) = fold(&all_events(start_scan(&client, ScanOptions::default())).await);
        assert_eq!(
            end.outcome,
            ScanOutcome::Complete,
            "page count said: {count}"
        );
        assert_eq!((end.total, table.rows().len()), (50, 50));
        let reads = server
            .heads()
            .iter()
            .filter(|head| head.contains("/settings/"))
            .count();
        assert_eq!(reads, 50, "each zone read once");
        if !count {
            let lists = server
                .heads()
                .iter()
                .filter(|head| head.starts_with("GET /client/v4/zones?"))
                .count();
            assert_eq!(lists, 2, "the repeated page ends the listing");
        }
    }
}
