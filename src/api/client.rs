//! The HTTP client: base URL, auth, timeouts, retries, one method per endpoint.
//!
//! Every attempt waits for a [`Permit`](super::pacer::Permit) of the client's
//! pacer right before it is sent and reports its response's headers to it, so
//! every request of the process is paced against Cloudflare's rate limit.
//! Clones share the pacer: make one `Client` per credential and clone it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tracing::debug;

use super::base_url::{is_loopback, parse_base_url};
use super::body::{BODY_LIMIT, BodyError, read_limited};
use super::call::{self, Attempt, Call, Replay};
use super::credentials::Credentials;
use super::error::ApiError;
use super::model::{
    Account, CsamPatch, CsamSetting, DlpSettings, DlpUpdate, ResponseInfo, ResultInfo,
    TokenVerification, Zone,
};
use super::pacer::{
    Budget, DEFAULT_QUOTA, DEFAULT_WINDOW, Observed, Pacer, PacerConfig, Permit, Priority,
};
use super::response::{decode, innermost_cause, redirect_target};
use super::retry::{RetryNotice, RetryPolicy};
use super::text::Secrets;
use super::tls;
use super::validate;

/// Cloudflare's API root.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// How long an unused connection is kept by default: well below the 10 s
/// after which servers commonly close an idle one.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// How the client is set up.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// API root, e.g. [`DEFAULT_BASE_URL`] or a mock's `http://127.0.0.1:PORT/client/v4`.
    pub base_url: String,
    /// How requests authenticate.
    pub credentials: Credentials,
    /// Limit on establishing a connection.
    pub connect_timeout: Duration,
    /// Limit on a whole request, answer included.
    pub timeout: Duration,
    /// When and how long to wait before trying again.
    pub retry: RetryPolicy,
    /// The rate limit the pacer starts from (`--rate-limit`, a profile's
    /// `rate_limit`), as requests per window; `None`: Cloudflare's 1,200 per
    /// 5 minutes. The server's `Ratelimit` headers correct it either way.
    pub rate_limit: Option<(u32, Duration)>,
    /// How long a kept-alive connection may sit unused before the client
    /// drops it: below the idle limit of servers (Cloudflare's, the mock's
    /// 10 s), so a request after a wait for the budget never goes out on a
    /// connection the server is closing.
    pub pool_idle_timeout: Duration,
}

impl ClientConfig {
    /// Defaults: Cloudflare's API, 5 s to connect, 30 s a request, SDK-style retries.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            rate_limit: None,
            pool_idle_timeout: POOL_IDLE_TIMEOUT,
        }
    }

    /// The same, against another API root.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The same, with another starting rate limit (`None`: the default).
    pub fn with_rate_limit(mut self, rate_limit: Option<(u32, Duration)>) -> Self {
        self.rate_limit = rate_limit;
        self
    }
}

/// A successful answer: the result and what the server said alongside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The payload.
    pub result: T,
    /// Server notes, e.g. that it kept scanning off.
    pub messages: Vec<ResponseInfo>,
    /// Paging, on list endpoints.
    pub result_info: Option<ResultInfo>,
}

/// Filters and paging for `GET /zones`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneQuery {
    /// Only zones of this account.
    pub account_id: Option<String>,
    /// A name filter, with Cloudflare's operators (`contains:acme`).
    pub name: Option<String>,
    /// 1-based page.
    pub page: u32,
    /// 5..=50.
    pub per_page: u32,
}

impl Default for ZoneQuery {
    fn default() -> Self {
        Self {
            account_id: None,
            name: None,
            page: 1,
            per_page: 20,
        }
    }
}

/// Told about each retry before the client waits for it.
pub type RetryObserver = Arc<dyn Fn(RetryNotice) + Send + Sync>;

/// The Cloudflare API client. Cheap to clone; clones share connections and
/// the pacer.
#[derive(Clone)]
pub struct Client {
    /// Keep-alive connections.
    http: reqwest::Client,
    /// No kept connections: each request on a connection of its own, for
    /// the one retry of a request whose pooled connection the server closed.
    fresh: reqwest::Client,
    /// The API root.
    base: Url,
    /// Sent with every request, only to `base`.
    credentials: Credentials,
    /// Limit on one attempt, answer included (the wait for a permit is not).
    timeout: Duration,
    /// When to try again.
    retry: RetryPolicy,
    /// Told of each retry.
    observer: Option<RetryObserver>,
    /// The rate-limit budget of these credentials, shared by every clone.
    pacer: Pacer,
    /// How the pacer was set up, for estimates (e.g. a scan's ETA).
    pacer_config: PacerConfig,
    /// The queue this client's requests wait in.
    priority: Priority,
    /// Answers that were 429, by every clone.
    refused: Arc<AtomicU32>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `config`; refuses a base URL that would send credentials
    /// in the clear, and credentials that cannot go into a header.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base = parse_base_url(&config.base_url)?;
        config.credentials.headers().map_err(|what| {
            ApiError::invalid(
                what,
                "contains characters that cannot be sent in an HTTP header",
            )
        })?;
        let builder = |pooled: bool| {
            let builder = reqwest::Client::builder()
                .user_agent(concat!("trustdeck/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(config.connect_timeout)
                .timeout(config.timeout)
                .redirect(reqwest::redirect::Policy::none());
            let builder = if pooled {
                builder.pool_idle_timeout(config.pool_idle_timeout)
            } else {
                builder.pool_max_idle_per_host(0)
            };
            if is_loopback(&base) {
                // A proxy would see a plain-http request, credentials and all;
                // https requests keep the proxies of the environment.
                builder.no_proxy()
            } else {
                builder
            }
        };
        let setup = |e: reqwest::Error| ApiError::invalid("HTTP client setup", e.to_string());
        let http = tls::build(|| builder(true), &base).map_err(setup)?;
        let fresh = tls::build(|| builder(false), &base).map_err(setup)?;
        let pacer_config = PacerConfig::for_host(is_loopback(&base))
            .with_rate_limit(config.rate_limit.unwrap_or((DEFAULT_QUOTA, DEFAULT_WINDOW)));
        Ok(Self {
            http,
            fresh,
            base,
            credentials: config.credentials,
            timeout: config.timeout,
            retry: config.retry,
            observer: None,
            pacer: Pacer::new(pacer_config),
            pacer_config,
            priority: Priority::Interactive,
            refused: Arc::default(),
        })
    }

    /// A clone (sharing connections and the pacer) whose requests are bulk
    /// work: they wait behind every interactive request and never spend the
    /// reserve the pacer keeps for the person at the keyboard.
    pub fn bulk(&self) -> Client {
        Client {
            priority: Priority::Bulk,
            ..self.clone()
        }
    }

    /// The queue this client's requests wait in.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// How many answers were 429 (rate limited), of this client and every
    /// clone, since it was made.
    pub fn rate_limited(&self) -> u32 {
        self.refused.load(Ordering::Relaxed)
    }

    /// The rate-limit budget of these credentials now.
    pub fn budget(&self) -> Budget {
        self.pacer.budget()
    }

    /// Told of every change of the budget (for a status line or a progress bar).
    pub fn budget_watch(&self) -> watch::Receiver<Budget> {
        self.pacer.watch()
    }

    /// How the pacer was set up (quota and window as configured, reserve,
    /// concurrency).
    pub fn pacer_config(&self) -> PacerConfig {
        self.pacer_config
    }

    /// The email of legacy global-key credentials (not secret); `None` for a token.
    pub fn key_email(&self) -> Option<&str> {
        match &self.credentials {
            Credentials::GlobalKey { email, .. } => Some(email),
            Credentials::Token(_) => None,
        }
    }

    /// A clone (sharing connections) that calls `observer` right before each
    /// retry's wait; the worker makes one per request to tag notices with
    /// the request's id. Replaces any observer this client had.
    pub fn observed(&self, observer: impl Fn(RetryNotice) + Send + Sync + 'static) -> Client {
        Client {
            observer: Some(Arc::new(observer)),
            ..self.clone()
        }
    }

    /// The API root in use.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// `GET /user/tokens/verify`: is this user token usable?
    pub async fn verify_token(&self) -> Result<Reply<TokenVerification>, ApiError> {
        self.call(Call::new(Method::GET, call::USER_TOKEN_VERIFY, &[]))
            .await
    }

    /// `GET /accounts/{account_id}/tokens/verify`: the same for an account-owned token.
    pub async fn verify_account_token(
        &self,
        account_id: &str,
    ) -> Result<Reply<TokenVerification>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(
            Method::GET,
            call::ACCOUNT_TOKEN_VERIFY,
            &[account_id],
        ))
        .await
    }

    /// `GET /accounts`: one page of the accounts the credentials can see.
    pub async fn list_accounts(
        &self,
        page: u32,
        per_page: u32,
    ) -> Result<Reply<Vec<Account>>, ApiError> {
        check_paging(page, per_page)?;
        let mut call = Call::new(Method::GET, call::ACCOUNTS, &[]);
        call.query = vec![
            ("page", page.to_string()),
            ("per_page", per_page.to_string()),
        ];
        self.call(call).await
    }

    /// `GET /accounts/{account_id}`: one account, e.g. to name an account given by id.
    pub async fn get_account(&self, account_id: &str) -> Result<Reply<Account>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(Method::GET, call::ACCOUNT, &[account_id]))
            .await
    }

    /// `GET /zones/{zone_id}`: one zone, e.g. to name a zone given by id.
    pub async fn get_zone(&self, zone_id: &str) -> Result<Reply<Zone>, ApiError> {
        check_zone(zone_id)?;
        self.call(Call::new(Method::GET, call::ZONE, &[zone_id]))
            .await
    }

    /// `GET /zones?name=NAME`: the zones whose name is exactly `name` (one
    /// page of 50; a name is unique per account).
    pub async fn find_zones_by_name(&self, name: &str) -> Result<Reply<Vec<Zone>>, ApiError> {
        validate::zone_name(name).map_err(|reason| ApiError::invalid("zone name", reason))?;
        self.list_zones(&ZoneQuery {
            name: Some(name.to_owned()),
            per_page: 50,
            ..ZoneQuery::default()
        })
        .await
    }

    /// `GET /zones`: one page of zones, filtered.
    pub async fn list_zones(&self, query: &ZoneQuery) -> Result<Reply<Vec<Zone>>, ApiError> {
        check_paging(query.page, query.per_page)?;
        let mut call = Call::new(Method::GET, call::ZONES, &[]);
        if let Some(account) = &query.account_id {
            check_account(account)?;
            call.query.push(("account.id", account.clone()));
        }
        if let Some(name) = query.name.as_deref().filter(|n| !n.is_empty()) {
            if name.chars().count() > 253 {
                return Err(ApiError::invalid(
                    "zone name filter",
                    "is longer than 253 characters",
                ));
            }
            call.query.push(("name", name.to_owned()));
        }
        call.query.push(("page", query.page.to_string()));
        call.query.push(("per_page", query.per_page.to_string()));
        self.call(call).await
    }

    /// `GET /zones/{zone_id}/settings/csam_scanner_third_party`.
    pub async fn get_csam(&self, zone_id: &str) -> Result<Reply<CsamSetting>, ApiError> {
        check_zone(zone_id)?;
        self.call(Call::new(Method::GET, call::CSAM, &[zone_id]))
            .await
    }

    /// `PATCH /zones/{zone_id}/settings/csam_scanner_third_party`.
    ///
    /// Never retried into a second application: a resent verification email
    /// is sent at most once.
    pub async fn patch_csam(
        &self,
        zone_id: &str,
        patch: &CsamPatch,
    ) -> Result<Reply<CsamSetting>, ApiError> {
        check_zone(zone_id)?;
        if let Some(email) = patch.value.as_ref().and_then(|v| v.email.as_deref()) {
            validate::email(email)
                .map_err(|reason| ApiError::invalid("notification email", reason))?;
        }
        let mut call = Call::new(Method::PATCH, call::CSAM, &[zone_id]).body(patch)?;
        call.locked_on_403 = true;
        self.call(call).await
    }

    /// `GET /accounts/{account_id}/dlp/settings`.
    pub async fn get_dlp(&self, account_id: &str) -> Result<Reply<DlpSettings>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(Method::GET, call::DLP, &[account_id]))
            .await
    }

    /// `PUT /accounts/{account_id}/dlp/settings`: absent fields go to their defaults.
    pub async fn put_dlp(
        &self,
        account_id: &str,
        update: &DlpUpdate,
    ) -> Result<Reply<DlpSettings>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(Method::PUT, call::DLP, &[account_id]).body(update)?)
            .await
    }

    /// `PATCH /accounts/{account_id}/dlp/settings`: absent fields keep their values.
    pub async fn patch_dlp(
        &self,
        account_id: &str,
        update: &DlpUpdate,
    ) -> Result<Reply<DlpSettings>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(Method::PATCH, call::DLP, &[account_id]).body(update)?)
            .await
    }

    /// `DELETE /accounts/{account_id}/dlp/settings`: back to initial values, returned.
    pub async fn reset_dlp(&self, account_id: &str) -> Result<Reply<DlpSettings>, ApiError> {
        check_account(account_id)?;
        self.call(Call::new(Method::DELETE, call::DLP, &[account_id]))
            .await
    }

    fn url(&self, call: &Call<'_>) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(&call.path);
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        url
    }

    async fn call<T: DeserializeOwned>(&self, mut call: Call<'_>) -> Result<Reply<T>, ApiError> {
        call.priority = self.priority;
        let url = self.url(&call);
        let mut retries = 0;
        let mut fresh = false;
        loop {
            let started = Instant::now();
            let outcome = self.attempt::<T>(&call, &url, fresh).await;
            debug!(
                method = %call.method,
                route = call.route,
                retries,
                fresh,
                elapsed_ms = started.elapsed().as_millis() as u64,
                ok = outcome.is_ok(),
                "api call"
            );
            let failed = match outcome {
                Ok(reply) => return Ok(reply),
                Err(failed) => failed,
            };
            if failed.closed_by_server && !fresh {
                // Once, at once, on a new connection (still through the
                // pacer), and not counted as one of the policy's retries: the
                // server closed a kept connection, it did not fail.
                debug!(error = %failed.error, "the server closed a kept connection; again on a new one");
                fresh = true;
                continue;
            }
            let wait = match self.retry.wait(retries, failed.retry_after) {
                Some(wait) if failed.retry => wait,
                _ => return Err(self.explain_demo(failed.error)),
            };
            debug!(wait_ms = wait.as_millis() as u64, error = %failed.error, "retrying");
            if let Some(observer) = &self.observer {
                observer(RetryNotice {
                    attempt: retries + 2,
                    wait,
                    error: failed.error,
                });
            }
            // After a 429 the pacer holds every request until the server
            // takes them again; the next attempt waits for that in `acquire`.
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        url: &Url,
        fresh: bool,
    ) -> Result<Reply<T>, Attempt> {
        // Each attempt has its own permit; the wait for it is not part of the
        // request's time limit.
        let permit = self.pacer.acquire(call.priority).await;
        // One deadline for the whole exchange, body included: a server that
        // drips bytes forever cannot hold the request open. A timed-out
        // attempt drops its permit: sent, and maybe counted by the server.
        let http = if fresh { &self.fresh } else { &self.http };
        match tokio::time::timeout(self.timeout, self.exchange(http, call, url, permit)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Attempt {
                error: ApiError::Timeout {
                    after: self.timeout,
                },
                retry: call.replay == Replay::Safe,
                retry_after: None,
                closed_by_server: false,
            }),
        }
    }

    async fn exchange<T: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        call: &Call<'_>,
        url: &Url,
        permit: Permit,
    ) -> Result<Reply<T>, Attempt> {
        let mut request = http.request(call.method.clone(), url.clone());
        if let Ok(headers) = self.credentials.headers() {
            for (name, value) in headers {
                request = request.header(name, value);
            }
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            // The permit is dropped with the error: counted as sent, unanswered.
            Err(error) => return Err(self.transport_failure(call, url, &error)),
        };
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        let observed = Observed::from_headers(status.as_u16(), response.headers());
        permit.finish(&observed);
        let retry_after = observed.retry_after;
        if status.is_redirection() {
            return Err(Attempt::fatal(ApiError::Redirected {
                status: status.as_u16(),
                location: redirect_target(url, response.headers(), &self.secrets()),
            }));
        }
        let body = match read_limited(&mut response, BODY_LIMIT).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => {
                return Err(Attempt::fatal(ApiError::TooLarge {
                    limit: BODY_LIMIT as u64,
                }));
            }
            Err(BodyError::Transport(error)) => {
                return Err(self.transport_failure(call, url, &error));
            }
        };
        let retryable_status = status == StatusCode::TOO_MANY_REQUESTS
            || (call.replay == Replay::Safe
                && (status == StatusCode::REQUEST_TIMEOUT
                    || status == StatusCode::CONFLICT
                    || status.is_server_error()));
        let fail = |error| Attempt {
            error,
            retry: retryable_status,
            retry_after,
            closed_by_server: false,
        };
        decode(status, &body, call, retry_after, &self.secrets()).map_err(fail)
    }

    /// A refusal of `trustdeck mock`'s demo credentials by a real API says
    /// that they are the mock's, and where the mock is meant to be named.
    fn explain_demo(&self, error: ApiError) -> ApiError {
        match error {
            ApiError::Auth { request, message }
                if !is_loopback(&self.base) && self.credentials.is_demo() =>
            {
                ApiError::Auth {
                    request,
                    message: format!(
                        "{message} (these are the demo credentials of `trustdeck mock`, which \
                         only the mock accepts: set CLOUDFLARE_BASE_URL to the mock's URL, as its \
                         export lines do, or use a real API token)"
                    ),
                }
            }
            other => other,
        }
    }

    fn secrets(&self) -> Secrets<'_> {
        Secrets::new([self.credentials.secret()])
    }

    fn transport_failure(&self, call: &Call<'_>, url: &Url, error: &reqwest::Error) -> Attempt {
        let host = url.host_str().unwrap_or("the server").to_owned();
        if let Some(reason) = tls::untrusted_certificate(error) {
            // No handshake, nothing sent; no retry changes the certificate.
            return Attempt::fatal(ApiError::Certificate {
                host,
                reason: self.secrets().replace(reason),
            });
        }
        // A failed connect means nothing was sent, so even a PATCH may be retried.
        let retry = error.is_connect() || call.replay == Replay::Safe;
        // hyper already sends a request again by itself when a kept
        // connection turned out closed before any of it was written; after
        // that, its error cannot tell whether the server read the request. So
        // only a GET, PUT or DELETE is sent again on a new connection; a
        // PATCH never is (an email PATCH mails the address each time).
        let closed_by_server = call.replay == Replay::Safe && closed_connection(error);
        let error = if error.is_timeout() {
            ApiError::Timeout {
                after: self.timeout,
            }
        } else {
            ApiError::Connection {
                host,
                detail: self.secrets().replace(innermost_cause(error)),
            }
        };
        Attempt {
            error,
            retry,
            retry_after: None,
            closed_by_server,
        }
    }
}

/// The server closed the connection under the request (a kept connection it
/// had given up on): no answer, not a refused connect, not a timeout.
fn closed_connection(error: &reqwest::Error) -> bool {
    if error.is_connect() || error.is_timeout() {
        return false;
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_canceled())
        {
            return true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        source = cause.source();
    }
    false
}

fn check_zone(zone_id: &str) -> Result<(), ApiError> {
    validate::zone_id(zone_id).map_err(|reason| ApiError::invalid("zone id", reason))
}

fn check_account(account_id: &str) -> Result<(), ApiError> {
    validate::account_id(account_id).map_err(|reason| ApiError::invalid("account id", reason))
}

fn check_paging(page: u32, per_page: u32) -> Result<(), ApiError> {
    if page == 0 {
        return Err(ApiError::invalid("page", "pages start at 1"));
    }
    if !(5..=50).contains(&per_page) {
        return Err(ApiError::invalid(
            "page size",
            format!("{per_page} is outside 5..=50"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Result<Client, ApiError> {
        Client::new(ClientConfig::new(Credentials::token("t")).with_base_url(base))
    }

    #[test]
    fn joining_keeps_the_api_root_path() {
        for base in [
            "https://api.cloudflare.com/client/v4",
            "https://api.cloudflare.com/client/v4/",
        ] {
            let c = client(base).unwrap();
            let url = c.url(&Call::new(Method::GET, call::CSAM, &["abc"]));
            assert_eq!(
                url.as_str(),
                "https://api.cloudflare.com/client/v4/zones/abc/settings/csam_scanner_third_party"
            );
        }
        let c = client("http://127.0.0.1:8787/client/v4").unwrap();
        let mut call = Call::new(Method::GET, call::ZONES, &[]);
        call.query = vec![
            ("account.id", "a b".into()),
            ("name", "contains:acme".into()),
        ];
        assert_eq!(
            c.url(&call).as_str(),
            "http://127.0.0.1:8787/client/v4/zones?account.id=a+b&name=contains%3Aacme"
        );
    }

    #[test]
    fn the_real_api_refusing_a_demo_token_says_it_is_the_mocks() {
        let refused = || ApiError::Auth {
            request: "GET /user/tokens/verify".into(),
            message: "Invalid API Token".into(),
        };
        let demo = Credentials::token("tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w");
        let real = Client::new(ClientConfig::new(demo.clone())).unwrap();
        let line = real.explain_demo(refused()).to_string();
        assert!(
            line.contains("demo credentials of `trustdeck mock`"),
            "{line}"
        );
        assert!(line.contains("CLOUDFLARE_BASE_URL"), "{line}");
        assert!(!line.contains("tdemo-"), "{line}");
        let key = Credentials::global_key(
            "admin@acme-corp.com",
            "c2547eb745079dac9320b638f5e225cf483cc",
        );
        let line = Client::new(ClientConfig::new(key))
            .unwrap()
            .explain_demo(refused());
        assert!(line.to_string().contains("demo credentials"), "{line}");
        let mock = client("http://127.0.0.1:8787/client/v4").unwrap();
        let mock = Client {
            credentials: demo,
            ..mock
        };
        assert_eq!(
            mock.explain_demo(refused()),
            refused(),
            "the mock itself refused it"
        );
        let other = Client::new(ClientConfig::new(Credentials::token(
            "a-real-looking-token-0123456789",
        )))
        .unwrap();
        assert_eq!(other.explain_demo(refused()), refused());
    }

    #[test]
    fn debug_shows_no_secret() {
        let c = Client::new(ClientConfig::new(Credentials::token("very-secret"))).unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
