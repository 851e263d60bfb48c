//! Slow and half-sent requests on a raw TCP connection: the header and body
//! read timeouts close them (a body gets a 408 envelope first), while a
//! normal client keeps its keep-alive connection.

use std::time::{Duration, Instant};

use crate::mock_common::{Harness, SHOP};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trustdeck::mock::MockConfig;

const LIMIT: Duration = Duration::from_millis(300);
/// Far more than LIMIT: what "it hangs" means here.
const PATIENCE: Duration = Duration::from_secs(5);

async fn mock() -> Harness {
    Harness::with(MockConfig {
        read_timeout: LIMIT,
        ..MockConfig::demo()
    })
    .await
}

/// One HTTP response read off `stream`: status, headers (lower-cased
/// names), body; None when the server closed the connection first.
async fn read_response(stream: &mut TcpStream) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((status, headers, body))
}

/// Whether the server closes `stream` (reads end) within PATIENCE.
async fn closed_in_time(stream: &mut TcpStream) -> bool {
    let mut sink = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut sink))
        .await
        .is_ok()
}

#[tokio::test]
async fn half_sent_headers_are_dropped_after_the_limit() {
    let h = mock().await;
    let mut stream = TcpStream::connect(h.mock.addr()).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /client/v4/zones HTTP/1.1\r\nHost: mock\r\nAuthorization: Bear")
        .await
        .unwrap();
    assert!(
        closed_in_time(&mut stream).await,
        "still open after {PATIENCE:?}"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= LIMIT - Duration::from_millis(50),
        "closed after {elapsed:?}"
    );
    h.call(reqwest::Method::GET, "/zones", None).await.result();
}

#[tokio::test]
async fn many_half_sent_requests_do_not_starve_new_ones() {
    let h = mock().await;
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(h.mock.addr()).await.unwrap();
        stream
            .write_all(b"GET /client/v4/zones HTTP/1.1\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    h.call(reqwest::Method::GET, "/zones", None).await.result();
    for stream in &mut slow {
        assert!(closed_in_time(stream).await);
    }
}

#[tokio::test]
async fn a_half_sent_body_gets_a_408_envelope_and_changes_nothing() {
    let h = mock().await;
    let before = h.state().await;
    let mut stream = TcpStream::connect(h.mock.addr()).await.unwrap();
    let head = format!(
        "PATCH /client/v4{} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"value\":",
        Harness::csam(SHOP),
        h.token
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = tokio::time::timeout(PATIENCE, read_response(&mut stream))
        .await
        .expect("an answer in time")
        .expect("an answer before the close");
    let elapsed = started.elapsed();
    assert!(elapsed >= LIMIT - Duration::from_millis(50), "{elapsed:?}");
    let (status, headers, body) = answer;
    assert_eq!(status, 408);
    assert!(
        headers.contains(&("connection".to_owned(), "close".to_owned())),
        "{headers:?}"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["errors"][0]["code"], 1408);
    assert!(closed_in_time(&mut stream).await);
    assert_eq!(h.state().await, before);
}

#[tokio::test]
async fn keep_alive_still_serves_request_after_request() {
    let h = mock().await;
    let mut stream = TcpStream::connect(h.mock.addr()).await.unwrap();
    let request = format!(
        "GET /client/v4{} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {}\r\n\r\n",
        Harness::csam(SHOP),
        h.token
    );
    for _ in 0..5 {
        stream.write_all(request.as_bytes()).await.unwrap();
        let (status, _, body) = read_response(&mut stream).await.expect("an answer");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        // Less than the limit between requests: the connection stays.
        tokio::time::sleep(LIMIT / 3).await;
    }
    let patch = format!(
        "PATCH /client/v4{} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}",
        Harness::csam(SHOP),
        h.token
    );
    stream.write_all(patch.as_bytes()).await.unwrap();
    let (status, _, _) = read_response(&mut stream).await.expect("an answer");
    assert_eq!(status, 200);
    // Idle for longer than the limit: the server closes it.
    assert!(closed_in_time(&mut stream).await);
}
