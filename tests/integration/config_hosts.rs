//! A secret only goes to the host it was configured with: the environment's
//! token to `CLOUDFLARE_BASE_URL` (or `--base-url`, or Cloudflare), a
//! profile's token to the profile's `base_url`. Two loopback listeners answer
//! `GET /user/tokens/verify` and record the bearer token each one saw; the
//! Config is resolved as the binary does and a real request is made with it.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use trustdeck::api::Client;
use trustdeck::cli::{ConnectionArgs, DashboardArgs};
use trustdeck::config::{Config, ConfigSource};

/// As the dashboard resolves it: the connection flags, then its own zone and
/// account flags on top.
fn resolve(
    args: &DashboardArgs,
    lookup: impl Fn(&str) -> Option<String>,
    source: &ConfigSource,
) -> Result<Config, String> {
    Config::resolve(&args.connection, lookup, source)
        .map(|config| config.with_targets(args.zone.clone(), args.account.clone()))
        .map_err(|e| e.to_string())
}

const ENV_TOKEN: &str = "env-token-aaaa";
const PROD_TOKEN: &str = "prod-token-bbbb";

/// A loopback HTTP server that records the `Authorization` header of every
/// request and answers each with an active token verification.
struct Listener {
    base_url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Listener {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let auth = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("authorization")
                                .then(|| value.trim().to_owned())
                        })
                        .unwrap_or_default();
                    let path_ok = head.starts_with("GET /client/v4/user/tokens/verify ");
                    record.lock().unwrap().push(auth);
                    let body = if path_ok {
                        r#"{"success":true,"errors":[],"messages":[],"result":{"id":"tid","status":"active"}}"#
                    } else {
                        r#"{"success":false,"errors":[{"code":7003,"message":"no route"}],"messages":[],"result":null}"#
                    };
                    let status = if path_ok { "200 OK" } else { "404 Not Found" };
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                });
            }
        });
        Self { base_url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn lookup(pairs: Vec<(&str, String)>) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Two listeners: `env` is where the environment's token is meant to go,
/// `prod` is profile `prod`'s base_url.
struct Hosts {
    env: Listener,
    prod: Listener,
}

impl Hosts {
    async fn start() -> Self {
        Self {
            env: Listener::start().await,
            prod: Listener::start().await,
        }
    }

    /// A config file with profile `prod` (its own token variable and host),
    /// and `default_profile = "prod"` when `by_default`.
    fn file(&self, by_default: bool) -> ConfigSource {
        let default = if by_default {
            "default_profile = \"prod\"\n"
        } else {
            ""
        };
        ConfigSource::from_text(
            "/test/config.toml",
            format!(
                "{default}[profiles.prod]\nbase_url = \"{}\"\ntoken_env = \"CF_PROD_TOKEN\"\n",
                self.prod.base_url
            ),
        )
    }

    /// The shell: the environment's token and the profile's, and the
    /// environment's host when `with_env_host`.
    fn shell(&self, with_env_host: bool, extra: &[(&'static str, &str)]) -> Vec<(&str, String)> {
        let mut vars = vec![
            ("CLOUDFLARE_API_TOKEN", ENV_TOKEN.to_owned()),
            ("CF_PROD_TOKEN", PROD_TOKEN.to_owned()),
        ];
        if with_env_host {
            vars.push(("CLOUDFLARE_BASE_URL", self.env.base_url.clone()));
        }
        vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        vars
    }
}

async fn verify(config: &Config) {
    let client = Client::new(config.client.clone()).unwrap();
    client.verify_token().await.expect("the listener answers");
}

fn bearer(token: &str) -> Vec<String> {
    vec![format!("Bearer {token}")]
}

fn with_profile(name: &str) -> DashboardArgs {
    with_profile_and_url(name, None)
}

/// `--profile NAME`, and `--base-url URL` when given.
fn with_profile_and_url(name: &str, base_url: Option<String>) -> DashboardArgs {
    DashboardArgs {
        connection: ConnectionArgs {
            profile: Some(name.into()),
            base_url,
            ..ConnectionArgs::default()
        },
        ..DashboardArgs::default()
    }
}

#[tokio::test]
async fn an_explicit_profile_sends_its_own_token_to_its_own_host() {
    let hosts = Hosts::start().await;
    let config = resolve(
        &with_profile("prod"),
        lookup(hosts.shell(false, &[])),
        &hosts.file(false),
    )
    .unwrap();
    verify(&config).await;
    assert_eq!(hosts.prod.seen(), bearer(PROD_TOKEN));
    assert_eq!(hosts.env.seen(), Vec::<String>::new());
    assert_eq!(config.profile.as_deref(), Some("prod"));
    let note = config
        .credentials_note
        .expect("a note: two tokens were there");
    assert_eq!(
        note,
        "CLOUDFLARE_API_TOKEN is set but not used: profile `prod`, chosen by --profile, \
         uses its token_env CF_PROD_TOKEN"
    );
    assert!(!note.contains(ENV_TOKEN) && !note.contains(PROD_TOKEN));

    // TRUSTDECK_PROFILE is as explicit as the flag.
    let config = resolve(
        &DashboardArgs::default(),
        lookup(hosts.shell(false, &[("TRUSTDECK_PROFILE", "prod")])),
        &hosts.file(false),
    )
    .unwrap();
    verify(&config).await;
    assert_eq!(
        hosts.prod.seen(),
        [bearer(PROD_TOKEN), bearer(PROD_TOKEN)].concat()
    );
    assert!(
        config
            .credentials_note
            .unwrap()
            .contains("chosen by TRUSTDECK_PROFILE")
    );
}

#[tokio::test]
async fn a_base_url_that_would_send_a_profiles_token_elsewhere_is_refused() {
    let hosts = Hosts::start().await;
    // CLOUDFLARE_BASE_URL points at the environment's host.
    let error = resolve(
        &with_profile("prod"),
        lookup(hosts.shell(true, &[])),
        &hosts.file(false),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("CLOUDFLARE_BASE_URL") && error.contains("profile `prod`"),
        "{error}"
    );
    assert!(error.contains("never goes to another host"), "{error}");
    assert!(!error.contains(PROD_TOKEN) && !error.contains(ENV_TOKEN));
    // So does --base-url.
    let args = with_profile_and_url("prod", Some(hosts.env.base_url.clone()));
    let error = resolve(&args, lookup(hosts.shell(false, &[])), &hosts.file(false))
        .unwrap_err()
        .to_string();
    assert!(error.contains("--base-url"), "{error}");
    // The profile's own URL given again is no conflict.
    let args = with_profile_and_url("prod", Some(format!("{}/", hosts.prod.base_url)));
    let config = resolve(&args, lookup(hosts.shell(false, &[])), &hosts.file(false)).unwrap();
    verify(&config).await;
    assert_eq!(hosts.prod.seen(), bearer(PROD_TOKEN));
    assert_eq!(hosts.env.seen(), Vec::<String>::new());
}

#[tokio::test]
async fn the_environment_wins_over_a_default_profile_and_keeps_its_own_host() {
    let hosts = Hosts::start().await;
    let config = resolve(
        &DashboardArgs::default(),
        lookup(hosts.shell(true, &[])),
        &hosts.file(true),
    )
    .unwrap();
    verify(&config).await;
    assert_eq!(hosts.env.seen(), bearer(ENV_TOKEN));
    assert_eq!(hosts.prod.seen(), Vec::<String>::new());
    assert_eq!(config.profile, None, "the default profile is set aside");
    let note = config.credentials_note.unwrap();
    assert!(
        note.contains("default_profile `prod`") && note.contains("--profile prod"),
        "{note}"
    );
    // Without a base URL of its own, the environment's token goes to
    // Cloudflare's API: never to the default profile's host.
    let config = resolve(
        &DashboardArgs::default(),
        lookup(hosts.shell(false, &[])),
        &hosts.file(true),
    )
    .unwrap();
    assert_eq!(config.client.base_url, trustdeck::api::DEFAULT_BASE_URL);
}

#[tokio::test]
async fn a_profile_without_credentials_never_gets_the_environments_token() {
    let hosts = Hosts::start().await;
    let file = ConfigSource::from_text(
        "/test/config.toml",
        format!("[profiles.bare]\nbase_url = \"{}\"\n", hosts.prod.base_url),
    );
    let error = resolve(
        &with_profile("bare"),
        lookup(hosts.shell(false, &[])),
        &file,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("profile `bare`") && error.contains("token_env"),
        "{error}"
    );
    // Given on purpose with --base-url, the environment's token may go there.
    let args = with_profile_and_url("bare", Some(hosts.env.base_url.clone()));
    let config = resolve(&args, lookup(hosts.shell(false, &[])), &file).unwrap();
    verify(&config).await;
    assert_eq!(hosts.env.seen(), bearer(ENV_TOKEN));
    assert_eq!(hosts.prod.seen(), Vec::<String>::new());
}
