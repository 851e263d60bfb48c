//! The mock Cloudflare API server: a real HTTP server (axum, on the caller's
//! tokio runtime) that answers like `https://api.cloudflare.com/client/v4`
//! for the endpoints trustdeck uses, from demo data, with state.
//!
//! # API endpoints (under `/client/v4`, Cloudflare envelopes, auth required)
//! - `GET|PATCH /zones/{zone_id}/settings/csam_scanner_third_party`
//! - `GET|PUT|PATCH|DELETE /accounts/{account_id}/dlp/settings`; DELETE
//!   ("reset to initial values") gives the values a new account starts with:
//!   `ai_context_analysis` false, `ocr` false, `masking_level` "default",
//!   `public_key` null, `updated_at` now (not the data file's values).
//!   PUT replaces (a missing field gets that default), PATCH merges (a
//!   missing field is kept); a `public_key` must be standard padded base64
//!   of exactly 32 bytes (or `""`: logging off), else 400 1007 pointing at
//!   it. On an account without DLP every method answers 403 **10403**
//!   `DLP is not available on this account: Zero Trust is not enabled`
//!   (after the token's permission and scope are checked) and changes
//!   nothing.
//! - `GET /zones` (filters `name`, `account.id`, `account.name` with
//!   `equal`/`not_equal`/`starts_with`/`ends_with`/`contains` and the
//!   `_case_sensitive` variants, `status`, `type`, `match`, `order`,
//!   `direction`, `page`, `per_page` 5..=50). Without `order` the zones
//!   come in data order (hand-written first, then generated; `direction=desc`
//!   reverses it); with `order` they are sorted by it, then by name.
//! - `GET /zones/{zone_id}`: the zone object `GET /zones` lists (the
//!   schema's `zones_zone`); a malformed id is 400 1001, an unknown one 404
//!   7003 + 1001.
//! - `GET /accounts` (`name`, `direction`, `page`, `per_page` 5..=50),
//!   sorted by name; pages through every account (up to 1,000)
//! - `GET /accounts/{account_id}`: the account object `GET /accounts` lists
//!   (`iam_account`); an id that is not 32 letters and digits is 400 7003 +
//!   7000, an unknown one 404 7003 + 7000.
//! - `GET /user/tokens/verify`, `GET /accounts/{account_id}/tokens/verify`
//!
//! # Auth
//! Auth is a bearer token or `X-Auth-Email` + `X-Auth-Key` (the global key
//! can do everything). A token without the needed permission gets 403 code
//! 9109 naming it: `... lacks the 'Zone Settings Write' permission`. Reading
//! one zone or account needs what listing them needs (`Zone Read`,
//! `Account Settings Read`).
//!
//! A token's permission can be limited to some accounts (`scopes` in the
//! data file). The lists then show only the zones and accounts covered, and
//! a zone or account outside the scope answers 403 9109 naming the
//! permission (`the 'Zone Settings Read' permission of this API token does
//! not cover the account that owns it`): a token only ever sees what it
//! could list. `except` (`{"Zero Trust Read": ["<account id>", ...]}`) is
//! the other way round: the permission covers every account but those.
//!
//! # Input checks (every refusal is a 4xx envelope and changes nothing)
//! - Zone ids: 1 to 32 ASCII letters and digits, else 400 1001. Account ids
//!   (every `{account_id}` route): exactly 32 ASCII letters and digits (the
//!   schema's `iam_account_identifier`), else 400 7003 + 7000. An unknown
//!   well-formed id is 404. Error messages quote at most 40 characters of
//!   an id and 120 of a path (clipped with `…`), never the whole thing.
//! - A non-empty body (PATCH, PUT, `POST /__mock/faults`) must be declared
//!   `Content-Type: application/json` (parameters such as `charset` are
//!   fine), else 415 **1415**; an empty body is 400 6007; more than 1 MiB,
//!   or not a JSON object, is 400 6007.
//! - A notification email: the mock's own check (`email::check`, written
//!   from the API's rules, not the client's code): at most 254 octets
//!   (UTF-8 bytes), at most 64 before the `@`, `local@domain.tld` without
//!   a leading, trailing or doubled `.` before the `@`, no spaces, no
//!   control characters (C0, DEL, C1) and no bidirectional-text, invisible
//!   or separator characters (U+00AD, U+061C, U+180E, U+200B–U+200F,
//!   U+2028–U+202E, U+2060–U+2064, U+2066–U+206F, U+FEFF, U+FFF9–U+FFFB,
//!   U+E0000–U+E007F), else 400 1007 with pointer `/value/email` and a
//!   reason that names a refused character's code point.
//!
//! # Codes this mock chose where Cloudflare documents none
//! - 403 **10403**: DLP settings of an account without DLP (Zero Trust not
//!   enabled); the client tells "not available" by this code.
//! - 403 **1403**: PATCH on a zone locked by Trust & Safety (`editable: false`).
//! - 408 **1408**: the request body did not arrive within `read_timeout`.
//! - 415 **1415**: a body without `Content-Type: application/json`.
//! - message **1101**: `enabled: true` was kept false because the
//!   notification email is not verified (the response still is 200).
//! - message **1102**: `resend_email` on an already verified email; nothing sent.
//! - message **1103**: a verification email went to the address: on every
//!   PATCH with an email, the same address too (as Cloudflare does).
//! - message **1104**: the verification email was sent again.
//! - message **1100**: the verify endpoints' status sentence.
//! - 400 **1004**: a bad query parameter (e.g. `per_page=3`).
//! - 400 **1007** with `source.pointer`: a body field of the wrong type or value.
//!
//! # Mock-only endpoints (no auth, not under `/client/v4`)
//! - `GET /__mock/outbox`: the last 1,000 emails the mock "sent" (JSON list of
//!   `{zone_id, zone_name, to, kind: verification|resend, at}`).
//! - `POST /__mock/zones/{zone_id}/verify-email`: the recipient clicks the
//!   link; the zone's email becomes `valid` (404 for an unknown zone).
//! - `GET /__mock/state`: the whole raw state, real emails included:
//!   `zones` (id -> CSAM setting), `dlp` (account id -> DLP settings, every
//!   account that has DLP), `outbox`, and `dlp_not_available` (the ids of
//!   the accounts without DLP; only when there are some).
//! - `GET /__mock/requests`: the last 10,000 `/client/v4` requests served,
//!   oldest first, as `{method, path, query, status}`.
//! - `POST /__mock/reset`: back to the loaded data; clears the outbox and the
//!   request log. The fault settings stay as they are.
//! - `GET /__mock/faults`: the fault settings in force, as
//!   `{"fail_rate": 0.0, "latency_ms": 0, "rate_limit": "N/DURATION" | null,
//!   "lock_out": {"until": "<RFC 3339>", "seconds_left": 30} | null}`.
//! - `POST /__mock/faults`: changes them at run time, for the requests that
//!   arrive from then on. JSON body `{"fail_rate"?: 0..=1, "latency_ms"?:
//!   0..=600000 (0 or null = none), "rate_limit"?: "N/DURATION" |
//!   "cloudflare" | null, "lock_out"?: "DURATION" up to 1h ("0s" or null =
//!   none)}`; a missing field is kept; answers the settings now in force. A
//!   bad body (or an unknown field) is a 400 envelope (6007 or 1007 with a
//!   pointer) and changes nothing. E.g. `{"fail_rate": 1}` right before a
//!   save and `{"fail_rate": 0}` after it makes only that save fail. A
//!   changed `rate_limit` restarts every window. `{"lock_out": "30s"}`
//!   refuses every API request, whatever its credential, with 429 1015 and
//!   `Retry-After` (the seconds left, rounded up) for 30 s, as when the
//!   admin's web dashboard has spent the shared budget; with a rate limit
//!   set, those answers also say `r=0` and `t` = `Retry-After`. Requests
//!   refused by a lock-out are not counted in any window.
//!
//! # Data
//! `assets/demo-data.json` (or `--data FILE`, see `data.rs`): accounts
//! (`"dlp": null` = DLP not available), `generated_accounts` (`{"seed",
//! "count", "out_of_scope_for"?}`: `count` more accounts made from the seed
//! by the rule in `generate_accounts.rs`; `accounts` (`--accounts N`,
//! 0..=1,000) means N accounts in all, the hand-written ones first),
//! hand-written zones, tokens (`permissions`, and optional `scopes`:
//! `{"Zone Settings Read": ["<account id>", ...]}` and `except`), global keys, and
//! `generated_zones` (`{"seed", "count", "accounts"?}`): `count` more zones
//! made from the seed after the hand-written ones, by the fixed rule in
//! `generate.rs` (same seed, same zones and ids). `zones` (`--zones N`,
//! 0..=100,000) means N zones in all: the hand-written ones, then
//! generated ones up to N instead of `count`. Generated zones are
//! ordinary zones everywhere (CSAM, filters, paging, state, state file),
//! and `GET /__mock/state` shows each one's setting.
//!
//! The shipped tokens (fake; `trustdeck mock` prints them): full access;
//! read-only (writes 403 9109); zone settings only (DLP 403); expired and
//! disabled (401, verify tells which); `tdemo-acme-settings-…`, which
//! lists every zone and account but whose `Zone Settings Read`/`Write` cover
//! only Acme Corp, so a fleet scan gets 403 9109 naming `'Zone Settings
//! Read'` for every other account's zones; and `tdemo-dlp-scoped-…` (Zone
//! Read, Account Settings Read, Zero Trust Read and Write), which lists
//! every account and reads/writes DLP on all but Hooli Labs and, with
//! `--accounts`, one generated account (403 9109 naming `'Zero Trust
//! Read'`/`'Write'`). The legacy email + global key can do everything.
//!
//! The shipped data: 5 accounts (Acme Corp, Globex Media, Initech,
//! Umbrella Health, Hooli Labs; `--accounts 200` adds 195 generated ones,
//! by name `<Word> <Word> <Suffix>`: AI context analysis on 55 %, OCR on
//! 65 %, a payload-logging key 60 %, masking full 22 %, partial 33 %, clear
//! 12 %, default 33 %; exactly one of them without DLP), the 8 hand-written
//! zones first (unchanged since they were written: tests name them), then
//! 492 generated ones over every account, generated ones included
//! (`--zones 50000` serves 50,000 spread the same way). A
//! generated zone's plan is free 35 %, pro 30 %, business 20 %, ent 15 %;
//! its status active 88 %, pending 12 %; its CSAM setting (drawn from the
//! seed and the zone's index alone):
//!
//! | share | setting |
//! |---|---|
//! | 55 % | scanning on, email verified |
//! | 14 % | email verified, scanning off |
//! | 11 % | email pending verification (scanning off) |
//! | 12 % | email unverified (scanning off) |
//! | 8 % | never set up: no email (`""`), unverified, off; `resend_email` is 400 1007 until an email is set |
//! | 5 % of all | locked by Trust & Safety (`editable: false`, PATCH 403 1403), on top of one of the above |
//!
//! Sources: none 3 %, 1: 20 %, 2: 42 %, 3: 17 %, 4: 13 %, 5: 3 %, 6: 2 %
//! (from `ncmec_ngo`, `ncmec_industry`, `iwf`, `tech_coalition`,
//! `c3p_arachnid`, `inhope`; each on 70 %). `GET /zones` scans the zones
//! once per request and builds JSON for one page only: a name-filtered page
//! over 10,000 zones takes about 1 ms (release build).
//!
//! # State
//! Everything lives in memory behind one lock. With a state file the mock
//! starts from it (or creates it from the data) and saves every change
//! atomically before answering, with the helper the client's own files use
//! (`crate::files`: temporary file `.FILE.PID.N.tmp`, fsync, rename, fsync
//! of the folder; the file is 0600). The file holds only what differs from the
//! data: the changed zones, every account's DLP settings, the outbox and
//! when the file was created (compact JSON; a file with every zone, as
//! older versions wrote, loads too). At start the mock removes the
//! `.FILE.PID.N.tmp` files of FILE whose PID is no longer running (a mock
//! killed mid-save) and nothing else. The outbox keeps the last 1,000
//! emails, so neither it nor the file grows without bound.
//!
//! With `verify_after`, a pending email becomes `valid` that long after it
//! went pending (a zone pending in the data went pending when the state
//! file was created, or at start without one). A new email and
//! `resend_email` in the same PATCH send two emails.
//!
//! # Connections
//! HTTP/1.1 with keep-alive. A request's headers must arrive within
//! `read_timeout` (10 s by default, `--read-timeout`) of the connection
//! opening or of the previous answer, else the connection is closed without
//! an answer; so an idle keep-alive connection is closed after that long
//! too (clients open a new one). A body must then arrive within
//! `read_timeout` of the handler starting to read it, else 408 **1408**
//! with `Connection: close` (state unchanged). Half-sent requests therefore
//! hold a connection for at most `read_timeout`.
//!
//! # Faults (only on `/client/v4`, decided before the handler runs)
//! Set by the flags at start-up and by `POST /__mock/faults` at run time.
//! `latency` delays each answer ±25%, after the handler has run and the
//! request is logged (a write whose client goes away meanwhile is kept, as
//! on a real server); `fail_rate` answers a 5xx instead
//! (half JSON 500 code 10002, half Cloudflare edge HTML pages 502/520);
//! `rate_limit` is Cloudflare's rate limit (below). An injected failure
//! never reaches the handler, so it never changes state.
//!
//! # The rate limit (`--rate-limit N/DURATION`, `cloudflare` = 1200/5m)
//! Counted per credential: each `Authorization` value, each
//! `X-Auth-Email` + `X-Auth-Key` pair (requests without credentials share
//! one budget). Fixed windows: a credential's window opens at its first
//! request (or its first after the previous window ended) and lasts
//! DURATION. The n-th request of a window is served when n <= N, else
//! refused with 429 code 1015 and `Retry-After`: for the rest of the
//! window, Cloudflare's lock-out. While a limit is set, every `/client/v4`
//! answer (success, error, 429, injected 5xx) carries
//! `Ratelimit: "default";r=R;t=T` with R = max(N - n, 0) and T = the
//! seconds until the window ends, rounded up (at least 1; `Retry-After`
//! is the same T), and `Ratelimit-Policy: "default";q=N;w=W` with W =
//! DURATION in seconds, rounded up. Mock-only endpoints are never limited.

mod args;
mod auth;
mod body;
mod check;
mod csam;
mod data;
mod discovery;
mod dlp;
mod draft;
mod email;
mod envelope;
mod faults;
mod generate;
mod generate_accounts;
mod ids;
mod lookup;
mod mock_only;
mod objects;
mod query;
mod rate_limit;
mod routes;
mod serve;
mod setting;
mod sources;
mod state;
mod state_file;
mod store;
mod zones;

use std::borrow::Cow;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use args::{MockArgs, run_cli};
pub use data::{DemoCredentials, DemoToken};

/// Whether the demo data shipped in the binary holds `text` (the client
/// asks so to tell a demo token the real API refused).
pub(crate) fn shipped_contains(text: &str) -> bool {
    data::SHIPPED.contains(text)
}
pub use rate_limit::RateLimit;

/// How to run a mock: where, with which data, and which faults.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Demo data file; None = the data shipped in the binary.
    pub data: Option<PathBuf>,
    /// State file: loaded if present, saved atomically on every change.
    pub state: Option<PathBuf>,
    /// Delay added to every API request (±25% jitter).
    pub latency: Option<Duration>,
    /// Fraction (0..=1) of API requests answered with an injected 5xx.
    pub fail_rate: f64,
    /// Per-credential request limit, then 429.
    pub rate_limit: Option<RateLimit>,
    /// A pending email verifies by itself this long after it was sent.
    pub verify_after: Option<Duration>,
    /// How long a request's headers, and then its body, may take to arrive;
    /// a connection idle for this long is closed too.
    pub read_timeout: Duration,
    /// This many zones in all (the hand-written ones first, never fewer
    /// than those), instead of the data file's generated count.
    pub zones: Option<usize>,
    /// This many accounts in all (the hand-written ones first, never fewer
    /// than those), instead of the data file's generated count.
    pub accounts: Option<usize>,
}

/// The most zones [`MockConfig::zones`] may ask for.
pub const MAX_ZONES: usize = generate::MAX_COUNT;

/// The most accounts [`MockConfig::accounts`] may ask for.
pub const MAX_ACCOUNTS: usize = generate_accounts::MAX_ACCOUNTS;

/// The default [`MockConfig::read_timeout`].
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl MockConfig {
    /// A free loopback port, the shipped data, no faults: for demos and tests.
    pub fn demo() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: None,
            state: None,
            latency: None,
            fail_rate: 0.0,
            rate_limit: None,
            verify_after: None,
            read_timeout: DEFAULT_READ_TIMEOUT,
            zones: None,
            accounts: None,
        }
    }
}

/// Why a mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// The data file could not be read.
    #[error("cannot read demo data {}: {source}", path.display())]
    ReadData {
        /// The file named by `data`.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The data file is not valid demo data.
    #[error("demo data {origin}: {detail}")]
    BadData {
        /// The file, or "shipped" for the embedded data.
        origin: String,
        /// What is wrong, in one sentence.
        detail: String,
    },
    /// The state file is unreadable or corrupt.
    #[error("{0}")]
    State(String),
    /// `fail_rate` outside 0..=1.
    #[error("fail rate must be from 0 to 1, got {0}")]
    FailRate(f64),
    /// A zero `read_timeout`.
    #[error("the read timeout must be above zero")]
    ReadTimeout,
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A mock serving in the background; dropping it stops it without waiting.
pub struct RunningMock {
    /// The bound address (the real port when 0 was asked for).
    addr: SocketAddr,
    /// How many zones and accounts the data has.
    counts: (usize, usize),
    /// The credentials of the loaded data.
    credentials: DemoCredentials,
    /// Tells the server to stop accepting and finish in-flight requests.
    stop: oneshot::Sender<()>,
    /// The server task.
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningMock {
    /// The API base URL, e.g. `http://127.0.0.1:41733/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, routes::API_PREFIX)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials of the loaded data.
    pub fn credentials(&self) -> &DemoCredentials {
        &self.credentials
    }

    /// How many zones the data has (hand-written and generated).
    pub fn zone_count(&self) -> usize {
        self.counts.0
    }

    /// How many accounts the data has.
    pub fn account_count(&self) -> usize {
        self.counts.1
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), returns.
    pub async fn shutdown(self) {
        let Self { stop, mut task, .. } = self;
        let _ = stop.send(());
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Loads the data (and state), binds, and starts serving on the current
/// tokio runtime; returns once the socket is listening.
pub async fn start(config: MockConfig) -> Result<RunningMock, MockError> {
    if !(0.0..=1.0).contains(&config.fail_rate) {
        return Err(MockError::FailRate(config.fail_rate));
    }
    if config.read_timeout.is_zero() {
        return Err(MockError::ReadTimeout);
    }
    let (text, origin) = match &config.data {
        Some(path) => {
            let text =
                tokio::fs::read_to_string(path)
                    .await
                    .map_err(|source| MockError::ReadData {
                        path: path.clone(),
                        source,
                    })?;
            (Cow::Owned(text), path.display().to_string())
        }
        None => (Cow::Borrowed(data::SHIPPED), "shipped".to_owned()),
    };
    let counts = data::Counts {
        zones: config.zones,
        accounts: config.accounts,
    };
    let data = data::DemoData::parse_with(&text, counts, state::now())
        .map_err(|detail| MockError::BadData { origin, detail })?;
    drop(text);
    let initial = state::State::from_data(&data);
    let store = store::Store::open(
        initial,
        &state::format_time(data.loaded_at),
        config.state.clone(),
        config.verify_after,
    )
    .map_err(MockError::State)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| MockError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| MockError::Bind {
        addr: config.listen,
        source,
    })?;
    let credentials = data.credentials();
    let counts = (data.zones.len(), data.accounts.len());
    let mock = Arc::new(routes::Mock {
        data,
        store,
        faults: faults::Faults::new(config.latency, config.fail_rate, config.rate_limit),
        requests: mock_only::RequestLog::default(),
        body_timeout: config.read_timeout,
    });
    let app = routes::router(mock);
    let (stop, stopped) = oneshot::channel::<()>();
    // A dropped sender counts as a stop too.
    let task = tokio::spawn(serve::serve(listener, app, config.read_timeout, stopped));
    tracing::info!(%addr, "mock Cloudflare API listening");
    Ok(RunningMock {
        addr,
        counts,
        credentials,
        stop,
        task,
    })
}
