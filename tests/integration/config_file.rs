//! The config file: secret files and their permissions, inline secrets,
//! malformed TOML, unknown profiles, `~`, and `--print-config-path` through
//! the real binary.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use trustdeck::api::Credentials;
use trustdeck::cli::{ConnectionArgs, DashboardArgs};
use trustdeck::config::{Config, ConfigSource, config_path};

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

const SECRET: &str = "cf-secret-0123456789abcdef-do-not-show";

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

fn source(text: &str) -> ConfigSource {
    ConfigSource::from_text("/test/trustdeck/config.toml", text)
}

fn resolve_profile(body: &str, env: &[(&str, &str)]) -> Result<Config, String> {
    let text = format!("default_profile = \"prod\"\n[profiles.prod]\n{body}\n");
    resolve(&DashboardArgs::default(), lookup(env), &source(&text))
}

/// A secret file holding [`SECRET`] with the given mode.
#[cfg(unix)]
fn secret_file(dir: &Path, name: &str, mode: u32) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "{SECRET}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn toml_string(path: &Path) -> String {
    // A TOML literal string: no escapes, so any temp path fits.
    format!("'{}'", path.display())
}

#[cfg(unix)]
#[test]
fn a_secret_file_others_can_read_is_refused_without_showing_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (name, mode) in [
        ("world.token", 0o644),
        ("group.token", 0o640),
        ("gw", 0o620),
    ] {
        let path = secret_file(dir.path(), name, mode);
        let body = format!("token_file = {}", toml_string(&path));
        let error = resolve_profile(&body, &[]).unwrap_err();
        let shown = path.display().to_string();
        assert!(error.contains(&shown), "{mode:o}: {error}");
        assert!(
            error.contains(&format!("chmod 600 {shown}")),
            "{mode:o}: {error}"
        );
        assert!(
            !error.contains(SECRET),
            "{mode:o}: the secret leaked: {error}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_secret_file_only_its_owner_can_read_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = secret_file(dir.path(), "prod.token", 0o600);
    let config = resolve_profile(&format!("token_file = {}", toml_string(&path)), &[]).unwrap();
    let Credentials::Token(token) = &config.client.credentials else {
        panic!("expected a token: {:?}", config.client.credentials);
    };
    use secrecy::ExposeSecret;
    assert_eq!(token.expose_secret(), SECRET, "trimmed of its newline");
    assert!(!format!("{config:?}").contains(SECRET));
    assert!(config.credentials_from.contains("token_file"));

    let key = secret_file(dir.path(), "prod.key", 0o400);
    let body = format!(
        "auth = \"global_key\"\nemail = \"admin@example.com\"\nkey_file = {}",
        toml_string(&key)
    );
    let config = resolve_profile(&body, &[]).unwrap();
    assert!(matches!(
        &config.client.credentials,
        Credentials::GlobalKey { email, .. } if email == "admin@example.com"
    ));
}

#[cfg(unix)]
#[test]
fn a_tilde_in_a_secret_path_is_the_home_directory() {
    let home = tempfile::tempdir().unwrap();
    secret_file(home.path(), "t.token", 0o600);
    let home_str = home.path().display().to_string();
    let config = resolve_profile("token_file = \"~/t.token\"", &[("HOME", &home_str)]).unwrap();
    assert!(matches!(config.client.credentials, Credentials::Token(_)));
    // A missing file is named with its expanded path.
    let error =
        resolve_profile("token_file = \"~/missing.token\"", &[("HOME", &home_str)]).unwrap_err();
    assert!(
        error.contains(&format!("{home_str}/missing.token")),
        "{error}"
    );
}

#[test]
fn an_inline_secret_is_refused_and_says_what_to_use() {
    for key in ["token", "api_token", "key", "api_key"] {
        let error = resolve_profile(&format!("{key} = \"{SECRET}\""), &[]).unwrap_err();
        assert!(error.contains(&format!("`{key}`")), "{key}: {error}");
        let (env, file) = if key.contains("token") {
            ("token_env", "token_file")
        } else {
            ("key_env", "key_file")
        };
        assert!(
            error.contains(env) && error.contains(file),
            "{key}: {error}"
        );
        assert!(error.contains("line 3"), "{key}: {error}");
        assert!(!error.contains(SECRET), "{key}: the secret leaked: {error}");
    }
}

#[test]
fn malformed_toml_is_reported_with_the_file_and_line() {
    let text = "default_profile = \"prod\"\n\n[profiles.prod]\nzone = \"abc\nread_only = true\n";
    let error = resolve(&DashboardArgs::default(), lookup(&[]), &source(text)).unwrap_err();
    assert!(error.contains("/test/trustdeck/config.toml"), "{error}");
    assert!(error.contains("line 4"), "{error}");
    assert!(error.contains("column"), "{error}");

    let wrong_type = "[profiles.prod]\nread_only = \"yes\"\n";
    let error = resolve(&DashboardArgs::default(), lookup(&[]), &source(wrong_type)).unwrap_err();
    assert!(error.contains("line 2"), "{error}");

    let unknown = "[profiles.prod]\nzone_id = \"z\"\n";
    let error = resolve(&DashboardArgs::default(), lookup(&[]), &source(unknown)).unwrap_err();
    assert!(
        error.contains("zone_id") && error.contains("line 2"),
        "{error}"
    );
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let text = "[profiles.production]\n[profiles.staging]\n[profiles.mock]\n";
    let args = DashboardArgs {
        connection: ConnectionArgs {
            profile: Some("prod".into()),
            ..ConnectionArgs::default()
        },
        ..DashboardArgs::default()
    };
    let error = resolve(
        &args,
        lookup(&[("CLOUDFLARE_API_TOKEN", "t")]),
        &source(text),
    )
    .unwrap_err();
    assert!(error.contains("`prod`"), "{error}");
    assert!(
        error.contains("mock, production, staging"),
        "sorted list of known profiles: {error}"
    );

    let bad_default = "default_profile = \"gone\"\n[profiles.here]\n";
    let error = resolve(
        &DashboardArgs::default(),
        lookup(&[("CLOUDFLARE_API_TOKEN", "t")]),
        &source(bad_default),
    )
    .unwrap_err();
    assert!(
        error.contains("`gone`") && error.contains("default_profile") && error.contains("here"),
        "{error}"
    );
}

#[test]
fn a_profile_that_contradicts_itself_is_named() {
    let text = "[profiles.odd]\ntoken_env = \"A\"\ntoken_file = \"/b\"\n";
    let error = resolve(
        &DashboardArgs::default(),
        lookup(&[("CLOUDFLARE_API_TOKEN", "t")]),
        &source(text),
    )
    .unwrap_err();
    assert!(error.contains("`odd`") && error.contains("both"), "{error}");
}

#[test]
fn a_missing_config_file_is_no_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let read = ConfigSource::read(dir.path().join("config.toml")).unwrap();
    assert_eq!(read.text, None);
    let config = resolve(
        &DashboardArgs::default(),
        lookup(&[("CLOUDFLARE_API_TOKEN", "t")]),
        &read,
    )
    .unwrap();
    assert_eq!(config.profile, None);
}

#[test]
fn the_example_config_parses_and_its_profiles_resolve() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/config.example.toml"),
    )
    .unwrap();
    let example = ConfigSource::from_text("config.example.toml", text);
    let file = example.parse().unwrap();
    assert!(
        file.profile_names().len() >= 3,
        "{:?}",
        file.profile_names()
    );
    let config = resolve(
        &DashboardArgs::default(),
        lookup(&[("CF_PROD_TOKEN", "t")]),
        &example,
    )
    .unwrap();
    assert_eq!(config.profile.as_deref(), Some("production"));
    assert!(config.read_only);
    let mock = resolve(
        &DashboardArgs {
            connection: ConnectionArgs {
                profile: Some("mock".into()),
                ..ConnectionArgs::default()
            },
            ..DashboardArgs::default()
        },
        lookup(&[("TRUSTDECK_MOCK_TOKEN", "t")]),
        &example,
    )
    .unwrap();
    assert_eq!(mock.client.base_url, "http://127.0.0.1:8787/client/v4");
}

#[test]
fn the_example_keys_and_themes_work_once_uncommented() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/config.example.toml"),
    )
    .unwrap();
    let (_, block) = text.split_once("# Keys and colours of your own").unwrap();
    let uncommented: Vec<&str> = block
        .lines()
        .filter_map(|line| line.strip_prefix("# "))
        .filter(|line| !line.starts_with(' '))
        .collect();
    let (theme, rest): (Vec<&str>, Vec<&str>) = uncommented
        .iter()
        .partition(|line| line.starts_with("theme ="));
    let tables = rest.join("\n");
    let named = ConfigSource::from_text("example", theme.join("\n"))
        .appearance()
        .unwrap();
    assert_ne!(named, trustdeck::config::Appearance::default());
    let (_, keys) = tables.split_once("[keys]").unwrap();
    let (colours, _) = tables.split_once("[keys]").unwrap();
    for part in [colours.to_owned(), format!("[keys]{keys}")] {
        let read = ConfigSource::from_text("example", part.clone()).appearance();
        assert!(read.is_ok(), "{part}\n{read:?}");
        assert_ne!(
            read.unwrap(),
            trustdeck::config::Appearance::default(),
            "{part}"
        );
    }
}

#[test]
fn the_config_path_honours_trustdeck_config() {
    assert_eq!(
        config_path(lookup(&[("TRUSTDECK_CONFIG", "/etc/td.toml")])),
        Path::new("/etc/td.toml")
    );
    assert_eq!(
        config_path(lookup(&[
            ("TRUSTDECK_CONFIG", "~/td.toml"),
            ("HOME", "/home/ada")
        ])),
        Path::new("/home/ada/td.toml")
    );
    assert!(config_path(lookup(&[])).ends_with("trustdeck/config.toml"));
}

#[test]
fn print_config_path_prints_it_and_exits_without_credentials() {
    let output = Command::new(env!("CARGO_BIN_EXE_trustdeck"))
        .arg("--print-config-path")
        .env("TRUSTDECK_CONFIG", "/tmp/trustdeck-test/elsewhere.toml")
        .env_remove("CLOUDFLARE_API_TOKEN")
        .env_remove("CLOUDFLARE_API_KEY")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "/tmp/trustdeck-test/elsewhere.toml\n"
    );
}
