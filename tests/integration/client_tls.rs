//! Which roots the client trusts: a plain-http loopback client needs no CA
//! bundle at all; https trusts the system's roots (here `SSL_CERT_FILE`) and,
//! on a host without any, the built-in Mozilla roots (never "anything").
//!
//! Each case runs again in a child process of this test binary with its own
//! `SSL_CERT_FILE`, so no test changes the environment of another.
//!
//! `fixtures/tls`: a test-only CA and a certificate for 127.0.0.1 it signed
//! (P-256, 100 years), made once with `openssl req -x509` and `openssl x509 -req`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::common::{CSAM_OK, SHOP, http_answer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trustdeck::api::{ApiError, Credentials};

/// Names the case a child process runs.
const CASE: &str = "TRUSTDECK_TLS_CASE";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// True in the child that runs `name`; in the parent, runs that child with
/// `SSL_CERT_FILE=cert_file` (no other CA location, no proxy), checks it
/// passed, and returns false.
fn in_child(name: &str, cert_file: &Path) -> bool {
    if std::env::var(CASE).as_deref() == Ok(name) {
        return true;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            &format!("client_tls::{name}"),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CASE, name)
        .env("SSL_CERT_FILE", cert_file)
        .env_remove("SSL_CERT_DIR")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} failed in its child process:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

fn empty_bundle() -> tempfile::NamedTempFile {
    tempfile::NamedTempFile::new().unwrap()
}

/// A loopback https server with the fixture certificate; answers every
/// request with a CSAM setting, and counts the requests it read.
async fn tls_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    tls_server_with("server", "127.0.0.1").await
}

/// The same with the fixture certificate `name` (`name.pem`, `name.key`),
/// listening on `ip`.
async fn tls_server_with(name: &str, ip: &str) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let certs = CertificateDer::pem_file_iter(fixture(&format!("{name}.pem")))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture(&format!("{name}.key"))).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let base = format!("https://{}/client/v4", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let Ok(mut tls) = acceptor.accept(socket).await else {
                continue;
            };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            seen.fetch_add(1, Ordering::SeqCst);
            let answer = http_answer("200 OK", &["Content-Type: application/json"], CSAM_OK);
            let _ = tls.write_all(answer.as_bytes()).await;
            let _ = tls.shutdown().await;
        }
    });
    (base, requests)
}

#[test]
fn loopback_http_needs_no_ca_bundle() {
    let bundle = empty_bundle();
    if !in_child("loopback_http_needs_no_ca_bundle", bundle.path()) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mock = common::start_mock().await;
        let client = common::full_client(&mock);
        assert!(client.verify_token().await.is_ok());
    });
}

#[test]
fn https_trusts_the_system_roots() {
    if !in_child("https_trusts_the_system_roots", &fixture("ca.pem")) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (base, requests) = tls_server().await;
        let client = common::client_for(&base, Credentials::token("t"));
        let reply = client.get_csam(SHOP).await.expect("a handshake with ring");
        assert_eq!(reply.result.value.enabled, Some(true));
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    });
}

#[test]
fn https_without_a_ca_bundle_uses_the_builtin_roots() {
    let bundle = empty_bundle();
    if !in_child(
        "https_without_a_ca_bundle_uses_the_builtin_roots",
        bundle.path(),
    ) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (base, requests) = tls_server().await;
        // The client is built (Mozilla's roots), and they do not vouch for
        // the test CA: the handshake fails before any request is sent, and
        // says so as a certificate problem, not a network one.
        let client = common::client_for(&base, Credentials::token("t"));
        let err = client.get_csam(SHOP).await.unwrap_err();
        assert!(
            matches!(&err, ApiError::Certificate { reason, .. } if reason.contains("UnknownIssuer")),
            "{err:?}"
        );
        assert_untrusted_in_words(&err.to_string(), "not signed by a certificate authority");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0);
    });
}

/// A certificate line says what is wrong in words, names `SSL_CERT_FILE`,
/// and suggests no retry.
fn assert_untrusted_in_words(line: &str, why: &str) {
    assert!(line.contains("certificate for 127.0.0."), "{line}");
    assert!(line.contains("is not trusted"), "{line}");
    assert!(line.contains(why), "{line}");
    assert!(line.contains("SSL_CERT_FILE"), "{line}");
    assert!(
        !line.contains("retry") && !line.contains("try again"),
        "{line}"
    );
    assert!(!line.contains("OtherError"), "{line}");
}

#[test]
fn a_self_signed_certificate_is_named_so() {
    if !in_child(
        "a_self_signed_certificate_is_named_so",
        &fixture("self-signed.pem"),
    ) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (base, requests) = tls_server_with("self-signed", "127.0.0.1").await;
        let client = common::client_for(&base, Credentials::token("t"));
        let err = client.get_csam(SHOP).await.unwrap_err();
        assert!(matches!(err, ApiError::Certificate { .. }), "{err:?}");
        assert_untrusted_in_words(&err.to_string(), "self-signed");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0);
    });
}

#[test]
fn a_certificate_for_another_name_is_named_so() {
    if !in_child(
        "a_certificate_for_another_name_is_named_so",
        &fixture("ca.pem"),
    ) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        // Issued for 127.0.0.1 and localhost; served on 127.0.0.2.
        let (base, requests) = tls_server_with("server", "127.0.0.2").await;
        let client = common::client_for(&base, Credentials::token("t"));
        let err = client.get_csam(SHOP).await.unwrap_err();
        assert_untrusted_in_words(&err.to_string(), "issued for another name");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0);
    });
}

#[test]
fn the_binary_says_the_certificate_is_not_trusted_and_prints_nothing_on_stdout() {
    let bundle = empty_bundle();
    if !in_child(
        "the_binary_says_the_certificate_is_not_trusted_and_prints_nothing_on_stdout",
        bundle.path(),
    ) {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (base, _) = tls_server().await;
        let home = tempfile::tempdir().unwrap();
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_trustdeck"))
            .args(["csam", "get", SHOP])
            .env_clear()
            .env("CLOUDFLARE_API_TOKEN", "t")
            .env("CLOUDFLARE_BASE_URL", &base)
            .env("SSL_CERT_FILE", bundle.path())
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .stdin(std::process::Stdio::null())
            .output();
        let output = tokio::time::timeout(std::time::Duration::from_secs(60), output)
            .await
            .expect("the binary ends within 60 s")
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.code().unwrap_or(0) >= 2, "{stderr}");
        assert!(output.stdout.is_empty(), "{stderr}");
        assert_untrusted_in_words(&stderr, "not signed by a certificate authority");
    });
}
