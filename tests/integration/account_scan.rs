//! The accounts scan engine against the embedded mock: every account listed
//! and its DLP settings read once, in the zone scan's events; `only` reads
//! just those; a token without Zero Trust gives rows saying so.

use std::time::Duration;

use crate::common::*;
use trustdeck::api::Credentials;
use trustdeck::fleet::{
    AccountDlp, AccountRow, AccountScanOptions, AccountScanRun, Failure, ScanEnd, ScanEvent,
    ScanOutcome, start_account_scan,
};

/// Every event of a scan, checked for their order, and its rows.
async fn run(mut run: AccountScanRun) -> (Vec<ScanEvent<AccountRow>>, Vec<AccountRow>, ScanEnd) {
    let mut events = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(30), run.next())
        .await
        .expect("the scan reports within 30 s")
    {
        events.push(event);
    }
    assert!(matches!(events.first(), Some(ScanEvent::Started { .. })));
    assert!(matches!(events.get(1), Some(ScanEvent::Listing { .. })));
    let listed = events
        .iter()
        .position(|e| matches!(e, ScanEvent::Listed { .. }))
        .expect("Listed");
    let rows: Vec<AccountRow> = events
        .iter()
        .enumerate()
        .filter_map(|(at, e)| match e {
            ScanEvent::Row(row) => {
                assert!(at > listed, "rows after Listed");
                Some(row.clone())
            }
            _ => None,
        })
        .collect();
    let Some(ScanEvent::Finished(end)) = events.last().cloned() else {
        panic!("Finished last: {:?}", events.last())
    };
    (events, rows, end)
}

#[tokio::test]
async fn every_account_is_listed_and_its_dlp_settings_read_once() {
    let mock = start_mock().await;
    let (events, rows, end) = run(start_account_scan(
        &full_client(&mock),
        AccountScanOptions::default(),
    ))
    .await;
    let state = mock_get(&mock, "/__mock/state").await;
    let dlp = state["dlp"].as_object().expect("dlp in the state");
    assert_eq!(end.outcome, ScanOutcome::Complete);
    assert!(events.contains(&ScanEvent::Listed { total: dlp.len() }));
    assert_eq!((end.total, end.read, end.failed), (dlp.len(), dlp.len(), 0));
    assert_eq!(end.listed.as_ref().map(Vec::len), Some(dlp.len()));
    assert_eq!(rows.len(), dlp.len());
    for row in &rows {
        let want = &dlp[&row.account_id];
        let state = row.state().expect("read");
        assert_eq!(state.ocr, want["ocr"] == true, "{}", row.account_id);
        assert_eq!(
            state.ai_context_analysis,
            want["ai_context_analysis"] == true
        );
        assert_eq!(
            state.has_key(),
            want["payload_logging"]["public_key"].is_string()
        );
        assert!(!row.account_name.is_empty());
    }
    let reads = requests(&mock)
        .await
        .into_iter()
        .filter(|(method, path)| method == "GET" && path.ends_with("/dlp/settings"))
        .count();
    assert_eq!(reads, dlp.len(), "each account read once");
    mock.shutdown().await;
}

#[tokio::test]
async fn only_the_accounts_asked_for_are_read() {
    let mock = start_mock().await;
    let options = AccountScanOptions {
        only: Some(vec![ACME.to_owned(), GLOBEX.to_owned()]),
        ..AccountScanOptions::default()
    };
    let (_, rows, end) = run(start_account_scan(&full_client(&mock), options)).await;
    let mut ids: Vec<&str> = rows.iter().map(|r| r.account_id.as_str()).collect();
    ids.sort_unstable();
    let mut want = vec![ACME, GLOBEX];
    want.sort_unstable();
    assert_eq!(ids, want);
    assert_eq!((end.total, end.read), (2, 2));
    let reads: Vec<String> = requests(&mock)
        .await
        .into_iter()
        .filter(|(_, path)| path.ends_with("/dlp/settings"))
        .map(|(_, path)| path)
        .collect();
    assert_eq!(reads.len(), 2, "{reads:?}");
    mock.shutdown().await;
}

#[tokio::test]
async fn a_token_without_zero_trust_gives_rows_without_permission() {
    let mock = start_mock().await;
    let client = client_for(&mock.base_url(), Credentials::token(ZONE_ONLY_TOKEN));
    let (_, rows, end) = run(start_account_scan(&client, AccountScanOptions::default())).await;
    assert_eq!(end.outcome, ScanOutcome::Complete);
    assert!(!rows.is_empty());
    assert_eq!(end.failed, rows.len());
    for row in &rows {
        let AccountDlp::Failed(error) = &row.dlp else {
            panic!("{row:?}")
        };
        assert!(
            matches!(error.failure, Failure::NoPermission { .. }),
            "{error:?}"
        );
    }
    mock.shutdown().await;
}
