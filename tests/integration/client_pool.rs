//! Kept-alive connections the server closes: a GET goes again on a new
//! connection, a PATCH is never sent twice, and the client drops an idle
//! connection before a server would.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use trustdeck::api::model::{CsamPatch, CsamPatchValue};
use trustdeck::api::{Client, ClientConfig, Credentials, RetryPolicy};

use crate::common::{CSAM_OK, fast_retries};

const ZONE: &str = "117bf1e17392293e996d8990458815ea";

/// What the server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    gets: AtomicUsize,
    /// PATCH requests whose body arrived in full.
    patch_bodies: AtomicUsize,
}

/// A keep-alive HTTP/1.1 server on loopback. With `close_second`, it reads
/// the second request on a connection in full and closes the connection
/// without an answer: the server gave up on the connection just as the
/// request came.
async fn server(close_second: bool) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/client/v4", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counts.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(connection(socket, counts.clone(), close_second));
        }
    });
    (base, seen)
}

async fn connection(mut socket: TcpStream, seen: Arc<Seen>, close_second: bool) {
    let mut buffer = Vec::new();
    let mut served = 0;
    loop {
        let Some((head, body_len)) = read_head(&mut socket, &mut buffer).await else {
            return;
        };
        while buffer.len() < body_len {
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..body_len);
        if head.starts_with("PATCH ") {
            seen.patch_bodies.fetch_add(1, Ordering::SeqCst);
        } else {
            seen.gets.fetch_add(1, Ordering::SeqCst);
        }
        served += 1;
        if close_second && served == 2 {
            return;
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{CSAM_OK}",
            CSAM_OK.len()
        );
        if socket.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The next request head (and its Content-Length), leaving what follows it
/// in `buffer`; `None` when the client closed.
async fn read_head(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(String, usize)> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            buffer.drain(..end + 4);
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .unwrap_or(0);
            return Some((head, length));
        }
        let mut chunk = [0u8; 4096];
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn client(base: &str, retry: RetryPolicy, idle: Option<Duration>) -> Client {
    let mut config = ClientConfig::new(Credentials::token("pool-test-token")).with_base_url(base);
    config.retry = retry;
    config.timeout = Duration::from_secs(10);
    if let Some(idle) = idle {
        config.pool_idle_timeout = idle;
    }
    Client::new(config).expect("client")
}

#[tokio::test]
async fn a_get_on_a_connection_the_server_closed_is_sent_again_on_a_new_one() {
    let (base, seen) = server(true).await;
    // No retries of the policy: the one on a new connection is not one of them.
    let client = client(&base, RetryPolicy::none(), None);
    client.get_csam(ZONE).await.expect("the first GET");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    let again = client.get_csam(ZONE).await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        2,
        "exactly one extra connection"
    );
    assert_eq!(
        seen.gets.load(Ordering::SeqCst),
        3,
        "the closed one, then once more"
    );
}

#[tokio::test]
async fn a_patch_on_a_connection_the_server_closed_is_never_sent_twice() {
    let (base, seen) = server(true).await;
    let client = client(&base, fast_retries(), None);
    client.get_csam(ZONE).await.expect("the GET");
    let patch = CsamPatch {
        id: None,
        value: Some(CsamPatchValue {
            enabled: Some(true),
            ..CsamPatchValue::default()
        }),
    };
    let sent = client.patch_csam(ZONE, &patch).await;
    assert!(sent.is_err(), "the server never answered it: {sent:?}");
    assert_eq!(
        seen.patch_bodies.load(Ordering::SeqCst),
        1,
        "the PATCH reached the server once and was not sent again"
    );
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_idle_connection_is_dropped_before_the_server_would() {
    let default = ClientConfig::new(Credentials::token("t")).pool_idle_timeout;
    assert!(
        default < trustdeck::mock::DEFAULT_READ_TIMEOUT,
        "{default:?} is not below the mock's idle close"
    );
    let (base, seen) = server(false).await;
    let client = client(&base, RetryPolicy::none(), Some(Duration::from_millis(200)));
    client.get_csam(ZONE).await.expect("the first GET");
    client.get_csam(ZONE).await.expect("a GET at once");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "kept alive");
    // The idleness under test: longer than the client keeps a connection.
    tokio::time::sleep(Duration::from_millis(700)).await;
    client
        .get_csam(ZONE)
        .await
        .expect("a GET after the idle time");
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        2,
        "the idle connection was dropped, a new one made"
    );
}
