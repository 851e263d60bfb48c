//! Configuration problems are data: each is its own `ConfigError` variant, so
//! a headless command can map it to an exit status, and the connection flags
//! are one `ConnectionArgs` that any face can flatten.

use clap::{CommandFactory, Parser};
use trustdeck::cli::{Cli, ConnectionArgs};
use trustdeck::config::{Config, ConfigError, ConfigSource, ProfileChoice, ProfileProblem};

fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

fn error(args: &ConnectionArgs, vars: &[(&str, &str)], file: &str) -> ConfigError {
    Config::resolve(
        args,
        lookup(vars),
        &ConfigSource::from_text("/test/config.toml", file),
    )
    .unwrap_err()
}

fn profile(name: &str) -> ConnectionArgs {
    ConnectionArgs {
        profile: Some(name.into()),
        ..ConnectionArgs::default()
    }
}

#[test]
fn each_problem_is_its_own_variant() {
    let none = ConnectionArgs::default();
    assert!(matches!(
        error(&none, &[], ""),
        ConfigError::MissingCredentials { .. }
    ));
    assert!(matches!(
        error(&none, &[("CLOUDFLARE_API_KEY", "k")], ""),
        ConfigError::HalfSetCredentials {
            missing: "CLOUDFLARE_EMAIL",
            ..
        }
    ));
    assert!(matches!(
        error(&profile("p"), &[], "[profiles.p]\ntoken_env = \"UNSET\"\n"),
        ConfigError::SecretVariableUnset { var, .. } if var == "UNSET"
    ));
    assert!(matches!(
        error(&profile("nope"), &[], "[profiles.p]\n"),
        ConfigError::UnknownProfile {
            from: ProfileChoice::Flag,
            ..
        }
    ));
    assert!(matches!(
        error(
            &none,
            &[],
            "[profiles.p]\ntoken_env = \"A\"\ntoken_file = \"/b\"\n"
        ),
        ConfigError::BadProfile {
            problem: ProfileProblem::BothSources { what: "token" },
            ..
        }
    ));
    assert!(matches!(
        error(&none, &[], "[profiles.p]\nzone = \n"),
        ConfigError::InvalidConfigFile {
            position: Some((2, _)),
            ..
        }
    ));
    let conflict = ConnectionArgs {
        base_url: Some("https://elsewhere.example/client/v4".into()),
        ..profile("p")
    };
    assert!(matches!(
        error(
            &conflict,
            &[("P", "t")],
            "[profiles.p]\ntoken_env = \"P\"\n"
        ),
        ConfigError::BaseUrlConflict {
            from: "--base-url",
            ..
        }
    ));
    assert!(matches!(
        error(
            &profile("p"),
            &[("CLOUDFLARE_API_TOKEN", "t")],
            "[profiles.p]\nbase_url = \"https://p.example/client/v4\"\n"
        ),
        ConfigError::ProfileBaseUrlWithoutCredentials { .. }
    ));
}

#[cfg(unix)]
#[test]
fn file_problems_are_their_own_variants() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("t.token");
    std::fs::write(&token, "secret\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let body = format!("[profiles.p]\ntoken_file = '{}'\n", token.display());
    assert!(matches!(
        error(&profile("p"), &[], &body),
        ConfigError::InsecureSecretFile { mode: 0o644, .. }
    ));
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&token, "").unwrap();
    assert!(matches!(
        error(&profile("p"), &[], &body),
        ConfigError::BadSecretFile { .. }
    ));
    let body = format!("[profiles.p]\ntoken_file = '{}'\n", dir.path().display());
    assert!(matches!(
        error(&profile("p"), &[], &body),
        ConfigError::NotRegularFile { .. }
    ));
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert!(matches!(
        ConfigSource::read(&config),
        Err(ConfigError::InsecureConfigFile { mode: 0o666, .. })
    ));
}

#[test]
fn the_connection_flags_keep_their_spelling() {
    let cli = Cli::try_parse_from([
        "trustdeck",
        "--base-url",
        "http://127.0.0.1:8787/client/v4",
        "--profile",
        "mock",
        "--read-only",
        "--zone",
        "z",
        "--account",
        "a",
    ])
    .unwrap();
    let args = cli.dashboard;
    assert_eq!(
        args.connection.base_url.as_deref(),
        Some("http://127.0.0.1:8787/client/v4")
    );
    assert_eq!(args.connection.profile.as_deref(), Some("mock"));
    assert!(args.connection.read_only);
    assert_eq!(
        (args.zone.as_deref(), args.account.as_deref()),
        (Some("z"), Some("a"))
    );
    let refused = Cli::try_parse_from(["trustdeck", "--demo", "--profile", "p"]).unwrap_err();
    assert_eq!(refused.kind(), clap::error::ErrorKind::ArgumentConflict);
    Cli::command().debug_assert();
}

/// A headless face of the future, with nothing but the connection flags.
#[derive(Parser)]
struct Headless {
    #[command(flatten)]
    connection: ConnectionArgs,
}

#[test]
fn the_connection_flags_fit_a_face_without_the_dashboards_flags() {
    Headless::command().debug_assert();
    let parsed = Headless::try_parse_from(["headless", "--profile", "p", "--read-only"]).unwrap();
    assert_eq!(parsed.connection.profile.as_deref(), Some("p"));
    assert!(parsed.connection.read_only);
}
