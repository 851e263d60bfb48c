//! Flags > environment > profile, field by field, as tables. No real
//! environment, home or config file is read: the environment is a lookup
//! function and the config file is text.

use trustdeck::api::{Credentials, DEFAULT_BASE_URL};
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

fn lookup<K: Into<String>>(pairs: Vec<(K, String)>) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.into(), v)).collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// A config file whose default profile `p` holds `body`.
fn profile(body: &str) -> ConfigSource {
    ConfigSource::from_text(
        "/test/trustdeck/config.toml",
        format!("default_profile = \"p\"\n[profiles.p]\n{body}\n"),
    )
}

/// One row: the flag, the environment variable and the profile field, each
/// set or not, and which of them must win.
struct Row {
    flag: Option<&'static str>,
    env: Option<&'static str>,
    profile: Option<&'static str>,
    expected: Option<&'static str>,
}

const ROWS: &[Row] = &[
    Row {
        flag: Some("flag"),
        env: Some("env"),
        profile: Some("profile"),
        expected: Some("flag"),
    },
    Row {
        flag: Some("flag"),
        env: None,
        profile: Some("profile"),
        expected: Some("flag"),
    },
    Row {
        flag: None,
        env: Some("env"),
        profile: Some("profile"),
        expected: Some("env"),
    },
    Row {
        flag: None,
        env: None,
        profile: Some("profile"),
        expected: Some("profile"),
    },
    Row {
        flag: Some("flag"),
        env: Some("env"),
        profile: None,
        expected: Some("flag"),
    },
    Row {
        flag: None,
        env: None,
        profile: None,
        expected: None,
    },
];

/// Runs the table for one string field.
fn check_field(
    env_name: &'static str,
    profile_key: &str,
    set_flag: fn(&mut DashboardArgs, String),
    read: fn(&Config) -> Option<String>,
) {
    for (i, row) in ROWS.iter().enumerate() {
        let mut args = DashboardArgs::default();
        if let Some(flag) = row.flag {
            set_flag(&mut args, flag.to_owned());
        }
        let mut env = vec![("CLOUDFLARE_API_TOKEN", "t".to_owned())];
        if let Some(value) = row.env {
            env.push((env_name, value.to_owned()));
        }
        let body = row
            .profile
            .map(|v| format!("{profile_key} = \"{v}\""))
            .unwrap_or_default();
        let config = resolve(&args, lookup(env), &profile(&body))
            .unwrap_or_else(|e| panic!("{env_name} row {i}: {e}"));
        assert_eq!(read(&config).as_deref(), row.expected, "{env_name} row {i}");
    }
}

#[test]
fn zone_flag_beats_env_beats_profile() {
    check_field(
        "CLOUDFLARE_ZONE_ID",
        "zone",
        |a, v| a.zone = Some(v),
        |c| c.zone_id.clone(),
    );
}

#[test]
fn account_flag_beats_env_beats_profile() {
    check_field(
        "CLOUDFLARE_ACCOUNT_ID",
        "account",
        |a, v| a.account = Some(v),
        |c| c.account_id.clone(),
    );
}

/// With the environment's credentials, the base URL is the flag's, else
/// `CLOUDFLARE_BASE_URL`, else Cloudflare's: a profile's `base_url` never
/// receives them (row 3 used to send them there; it is refused now).
#[test]
fn base_url_flag_beats_env_and_the_environments_token_never_goes_to_a_profiles_url() {
    for (i, row) in ROWS.iter().enumerate() {
        let args = DashboardArgs {
            connection: ConnectionArgs {
                base_url: row.flag.map(str::to_owned),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let mut env = vec![("CLOUDFLARE_API_TOKEN", "t".to_owned())];
        if let Some(value) = row.env {
            env.push(("CLOUDFLARE_BASE_URL", value.to_owned()));
        }
        let body = row
            .profile
            .map(|v| format!("base_url = \"{v}\""))
            .unwrap_or_default();
        let resolved = resolve(&args, lookup(env), &profile(&body));
        if row.flag.is_none() && row.env.is_none() && row.profile.is_some() {
            let error = resolved.unwrap_err().to_string();
            assert!(
                error.contains("never to a profile's base_url"),
                "row {i}: {error}"
            );
            continue;
        }
        let config = resolved.unwrap_or_else(|e| panic!("row {i}: {e}"));
        // The default is Cloudflare's API: show it as "none given".
        let url = Some(config.client.base_url.clone()).filter(|u| u != DEFAULT_BASE_URL);
        assert_eq!(url.as_deref(), row.expected, "row {i}");
    }
}

/// With a profile's own credentials, its `base_url` (or Cloudflare's) is
/// used; a flag or variable that names another host is refused.
#[test]
fn a_profiles_credentials_go_only_to_its_base_url() {
    let own = "https://own.example.com/client/v4";
    // (flag, CLOUDFLARE_BASE_URL, profile's base_url, expected; None = refused)
    type Opt = Option<&'static str>;
    let rows: &[(Opt, Opt, Opt, Opt)] = &[
        (None, None, Some(own), Some(own)),
        (None, None, None, Some(DEFAULT_BASE_URL)),
        (Some(own), None, Some(own), Some(own)),
        (None, Some(own), Some(own), Some(own)),
        (
            Some("https://other.example.com/client/v4"),
            None,
            Some(own),
            None,
        ),
        (
            None,
            Some("https://other.example.com/client/v4"),
            Some(own),
            None,
        ),
        (
            Some("https://other.example.com/client/v4"),
            None,
            None,
            None,
        ),
        (Some(DEFAULT_BASE_URL), None, None, Some(DEFAULT_BASE_URL)),
    ];
    for (i, (flag, env, in_profile, expected)) in rows.iter().enumerate() {
        let args = DashboardArgs {
            connection: ConnectionArgs {
                base_url: flag.map(str::to_owned),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let mut vars = vec![("PROFILE_TOKEN", "p".to_owned())];
        if let Some(env) = env {
            vars.push(("CLOUDFLARE_BASE_URL", env.to_string()));
        }
        let mut body = "token_env = \"PROFILE_TOKEN\"".to_owned();
        if let Some(url) = in_profile {
            body.push_str(&format!("\nbase_url = \"{url}\""));
        }
        let resolved = resolve(&args, lookup(vars), &profile(&body));
        match expected {
            Some(url) => assert_eq!(
                resolved
                    .unwrap_or_else(|e| panic!("row {i}: {e}"))
                    .client
                    .base_url,
                *url,
                "row {i}"
            ),
            None => {
                let error = resolved.unwrap_err().to_string();
                assert!(
                    error.contains("never goes to another host"),
                    "row {i}: {error}"
                );
            }
        }
    }
}

/// Environment variables as name/value pairs.
type Vars<'a> = &'a [(&'a str, &'a str)];

/// Which credentials won: `token:SECRET` or `key:EMAIL:SECRET`.
fn credentials(config: &Config) -> String {
    // The secret only leaves its box here, in a test, to check which one won.
    use secrecy::ExposeSecret;
    match &config.client.credentials {
        Credentials::Token(t) => format!("token:{}", t.expose_secret()),
        Credentials::GlobalKey { email, key } => {
            format!("key:{email}:{}", key.expose_secret())
        }
    }
}

#[test]
fn credentials_env_beats_profile_and_token_beats_global_key() {
    let token_profile = "token_env = \"PROFILE_TOKEN\"";
    let key_profile = "auth = \"global_key\"\nemail = \"p@example.com\"\nkey_env = \"PROFILE_KEY\"";
    let env_token = [("CLOUDFLARE_API_TOKEN", "env-token")];
    let env_key = [
        ("CLOUDFLARE_EMAIL", "e@example.com"),
        ("CLOUDFLARE_API_KEY", "env-key"),
    ];
    let profile_secrets = [("PROFILE_TOKEN", "p-token"), ("PROFILE_KEY", "p-key")];
    // (environment, profile body, expected)
    let rows: &[(Vars, &str, &str)] = &[
        (&env_token, token_profile, "token:env-token"),
        (&env_token, key_profile, "token:env-token"),
        (&env_key, token_profile, "key:e@example.com:env-key"),
        (&env_key, key_profile, "key:e@example.com:env-key"),
        (
            &[
                ("CLOUDFLARE_API_TOKEN", "env-token"),
                ("CLOUDFLARE_EMAIL", "e@example.com"),
                ("CLOUDFLARE_API_KEY", "env-key"),
            ],
            key_profile,
            "token:env-token",
        ),
        (&[], token_profile, "token:p-token"),
        (&[], key_profile, "key:p@example.com:p-key"),
        // Half a global key in the environment is no credential: the profile's wins.
        (
            &[("CLOUDFLARE_EMAIL", "e@example.com")],
            token_profile,
            "token:p-token",
        ),
        (&env_token, "", "token:env-token"),
    ];
    for (i, (env, body, expected)) in rows.iter().enumerate() {
        let pairs = env
            .iter()
            .chain(profile_secrets.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = resolve(&DashboardArgs::default(), lookup(pairs), &profile(body))
            .unwrap_or_else(|e| panic!("row {i}: {e}"));
        assert_eq!(credentials(&config), *expected, "row {i}");
    }
}

#[test]
fn credentials_where_they_came_from_is_said_without_the_secret() {
    let config = resolve(
        &DashboardArgs::default(),
        lookup(vec![("PROFILE_TOKEN", "p-token-secret".to_owned())]),
        &profile("token_env = \"PROFILE_TOKEN\""),
    )
    .unwrap();
    assert!(
        config.credentials_from.contains("PROFILE_TOKEN")
            && config.credentials_from.contains("profile `p`"),
        "{}",
        config.credentials_from
    );
    assert!(!config.credentials_from.contains("p-token-secret"));
    assert!(!format!("{config:?}").contains("p-token-secret"));
}

#[test]
fn a_profile_variable_that_is_not_set_is_named() {
    let error = resolve(
        &DashboardArgs::default(),
        lookup::<String>(vec![]),
        &profile("token_env = \"CF_PROD_TOKEN\""),
    )
    .unwrap_err();
    assert!(
        error.contains("CF_PROD_TOKEN") && error.contains("`p`"),
        "{error}"
    );
}

#[test]
fn read_only_is_on_when_the_flag_or_the_profile_says_so() {
    // (flag, profile's read_only, expected); the environment cannot turn it off.
    let rows = [
        (false, None, false),
        (false, Some(false), false),
        (false, Some(true), true),
        (true, None, true),
        (true, Some(false), true),
        (true, Some(true), true),
    ];
    for (i, (flag, in_profile, expected)) in rows.into_iter().enumerate() {
        let args = DashboardArgs {
            connection: ConnectionArgs {
                read_only: flag,
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        };
        let body = in_profile
            .map(|v| format!("read_only = {v}"))
            .unwrap_or_default();
        let env = vec![
            ("CLOUDFLARE_API_TOKEN", "t".to_owned()),
            ("TRUSTDECK_READ_ONLY", "false".to_owned()),
        ];
        let config = resolve(&args, lookup(env), &profile(&body)).unwrap();
        assert_eq!(config.read_only, expected, "row {i}");
    }
}

#[test]
fn without_a_profile_nothing_comes_from_the_file() {
    let source = ConfigSource::from_text(
        "/test/config.toml",
        "[profiles.prod]\nzone = \"z\"\nread_only = true\n",
    );
    let config = resolve(
        &DashboardArgs::default(),
        lookup(vec![("CLOUDFLARE_API_TOKEN", "t".to_owned())]),
        &source,
    )
    .unwrap();
    assert_eq!(config.profile, None);
    assert_eq!(config.zone_id, None);
    assert!(!config.read_only);
}

#[test]
fn the_profile_in_use_is_named() {
    let source = ConfigSource::from_text(
        "/test/config.toml",
        "default_profile = \"prod\"\n[profiles.prod]\n[profiles.staging]\nzone = \"s\"\n",
    );
    let env = || lookup(vec![("CLOUDFLARE_API_TOKEN", "t".to_owned())]);
    let by_default = resolve(&DashboardArgs::default(), env(), &source).unwrap();
    assert_eq!(by_default.profile.as_deref(), Some("prod"));
    let by_variable = resolve(
        &DashboardArgs::default(),
        lookup(vec![
            ("CLOUDFLARE_API_TOKEN", "t".to_owned()),
            ("TRUSTDECK_PROFILE", "staging".to_owned()),
        ]),
        &source,
    )
    .unwrap();
    assert_eq!(by_variable.profile.as_deref(), Some("staging"));
    assert_eq!(by_variable.zone_id.as_deref(), Some("s"));
    let by_flag = resolve(
        &DashboardArgs {
            connection: ConnectionArgs {
                profile: Some("staging".into()),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        },
        env(),
        &source,
    )
    .unwrap();
    assert_eq!(by_flag.profile.as_deref(), Some("staging"));
}
