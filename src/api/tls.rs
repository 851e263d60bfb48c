//! TLS for the client: rustls on *ring*, and which roots a server is checked
//! against.
//!
//! An https API root is checked against the system's roots (the platform
//! verifier; on Linux the CA bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`), so
//! a company CA that inspects TLS (Cloudflare Gateway, a corporate proxy) is
//! trusted as the rest of the machine trusts it. A host without any CA
//! bundle (a minimal jump host or container) gets the Mozilla roots built
//! into the binary instead of an error. A plain-http API root (loopback only,
//! see `base_url`) never does a handshake and loads no roots at all.

use reqwest::{Certificate, Client, ClientBuilder, Url};
use tracing::info;

/// Makes *ring* the process's rustls crypto provider, which every
/// `reqwest::Client` needs: reqwest is built without one, and building a
/// client before this panics. [`crate::api::Client::new`] calls it; code that
/// builds a `reqwest::Client` of its own (tests, benches) calls it first.
/// A second call, or a provider installed by an embedding program, leaves
/// the first one in place.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Builds the HTTP client for `base` from `builder` (called again when the
/// system has no roots, to try once more with the built-in ones).
pub(super) fn build(builder: impl Fn() -> ClientBuilder, base: &Url) -> reqwest::Result<Client> {
    install_crypto_provider();
    if base.scheme() == "http" {
        // Redirects are not followed and loopback goes through no proxy, so
        // this client never meets a certificate.
        return builder().tls_certs_only([]).build();
    }
    match builder().build() {
        Err(error) if no_system_roots(&error) => {
            info!("no CA certificates on this system; using the built-in Mozilla roots");
            builder().tls_certs_only(builtin_roots()).build()
        }
        built => built,
    }
}

/// The platform verifier found no root certificate to load: its one
/// `General` error (any other failure is reported as it is).
fn no_system_roots(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(rustls::Error::General(_)) = cause.downcast_ref::<rustls::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Mozilla's root certificates, as shipped in `webpki-root-certs`.
fn builtin_roots() -> Vec<Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok())
        .collect()
}

/// Why the server's certificate was not trusted, in words, when that is why
/// `error` happened (`None` for any other failure).
pub(super) fn untrusted_certificate(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(rustls::Error::InvalidCertificate(why)) = rustls_error(error) {
            return Some(certificate_words(why));
        }
        cause = error.source();
    }
    None
}

/// `error` as a rustls error, also when wrapped in I/O errors (whose
/// `source` skips what they wrap).
fn rustls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(found) = error.downcast_ref::<rustls::Error>() {
        return Some(found);
    }
    let inner = error.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_error(inner)
}

fn certificate_words(why: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match why {
        C::UnknownIssuer => {
            "it is not signed by a certificate authority this machine trusts (UnknownIssuer)".into()
        }
        C::Expired | C::ExpiredContext { .. } => "it has expired (Expired)".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "it is not valid yet; check this machine's clock (NotValidYet)".into()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "it was issued for another name than the one dialled (NotValidForName)".into()
        }
        C::Revoked => "it has been revoked (Revoked)".into(),
        C::BadSignature => "its signature does not verify (BadSignature)".into(),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "it is not issued for a TLS server (InvalidPurpose)".into()
        }
        C::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "it is self-signed: a certificate authority's own certificate, not one issued to \
             the server (CaUsedAsEndEntity)"
                .into()
        }
        other => format!("{other:?}"),
    }
}
