//! "Exit 2 and up means nothing on stdout", as the README promises: every
//! headless command, as the real binary against a mock, in each situation
//! that ends it with 2 or more (no credentials, an id that is not there, an
//! API that cannot be reached, a plan refused without a terminal, a usage
//! error) leaves stdout empty and says why on stderr.

use crate::common::{ACME, CDN_LOCKED, EXPIRED_TOKEN, ZONE_ONLY_TOKEN};
use crate::headless_common::Headless;

const SHOP: &str = "shop.acme-corp.com";
const NO_ZONE: &str = "0123456789abcdef0123456789abcdef";
const NO_ACCOUNT: &str = "fedcba9876543210fedcba9876543210";

/// Every command that talks to the API, with arguments that would work.
fn api_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["csam", "get", SHOP],
        vec!["csam", "set", SHOP, "--disable"],
        vec!["dlp", "get", ACME],
        vec!["dlp", "set", ACME, "--ocr", "on"],
        vec!["dlp", "reset", ACME, "--yes"],
        vec!["zones"],
        vec!["accounts"],
        vec!["fleet", "scan"],
        vec!["fleet", "apply", "--disable", "--yes", "--account", ACME],
    ]
}

/// Commands whose target is not there, or that cannot run as asked.
fn refused_commands() -> Vec<Vec<&'static str>> {
    vec![
        // Ids and names that are not there.
        vec!["csam", "get", NO_ZONE],
        vec!["csam", "set", NO_ZONE, "--disable"],
        vec!["csam", "get", "no-such-zone.example"],
        vec!["dlp", "get", NO_ACCOUNT],
        vec!["dlp", "set", NO_ACCOUNT, "--ocr", "on"],
        vec!["dlp", "reset", NO_ACCOUNT, "--yes"],
        vec!["zones", "--account", NO_ACCOUNT],
        vec!["fleet", "scan", "--account", NO_ACCOUNT],
        vec![
            "fleet",
            "apply",
            "--disable",
            "--yes",
            "--account",
            NO_ACCOUNT,
        ],
        vec!["fleet", "resume", "20250101T000000Z-deadbeef"],
        vec!["fleet", "resume"],
        // Plans refused without a terminal (no --yes).
        vec!["fleet", "apply", "--disable", "--account", ACME],
        vec!["dlp", "reset", ACME],
        vec!["csam", "set", SHOP, "--email", "new-address@example.com"],
        // Usage errors.
        vec!["csam", "set", SHOP],
        vec!["csam", "get"],
        vec!["dlp", "set", ACME],
        vec!["zones", "--no-such-flag"],
        vec!["accounts", "--json", "--no-such-flag"],
        vec!["fleet", "apply"],
        vec!["fleet", "apply", "--email", "not an address", "--yes"],
        vec!["fleet", "scan", "--fail-on", "nonsense"],
        vec!["fleet", "runs", "--no-such-flag"],
        vec!["log", "--since", "yesterday-ish"],
        vec!["completions", "no-such-shell"],
        vec!["man", "--out-dir", "/nonexistent/trustdeck/man"],
        vec!["frobnicate"],
        // Read-only mode, a zone locked by Trust & Safety, a cache that is not there.
        vec!["csam", "set", SHOP, "--disable", "--read-only"],
        vec!["dlp", "set", ACME, "--ocr", "off", "--read-only"],
        vec!["dlp", "reset", ACME, "--yes", "--read-only"],
        vec![
            "fleet",
            "apply",
            "--disable",
            "--yes",
            "--read-only",
            "--account",
            ACME,
        ],
        vec!["csam", "set", CDN_LOCKED, "--disable"],
        vec!["fleet", "scan", "--cached"],
        // The same with --json: a document is for a status below 2.
        vec!["csam", "get", NO_ZONE, "--json"],
        vec!["csam", "set", CDN_LOCKED, "--disable", "--json"],
        vec!["dlp", "get", NO_ACCOUNT, "--json"],
        vec!["dlp", "reset", ACME, "--json"],
        vec!["zones", "--account", NO_ACCOUNT, "--json"],
        vec!["fleet", "scan", "--cached", "--json"],
        vec!["fleet", "apply", "--disable", "--account", ACME, "--json"],
        vec!["fleet", "resume", "20250101T000000Z-deadbeef", "--json"],
    ]
}

/// Commands whose credentials cannot do what they ask.
fn denied_commands() -> Vec<(Vec<&'static str>, &'static str)> {
    vec![
        (vec!["zones"], EXPIRED_TOKEN),
        (vec!["fleet", "scan"], EXPIRED_TOKEN),
        (vec!["csam", "get", SHOP, "--json"], EXPIRED_TOKEN),
        (vec!["dlp", "get", ACME], ZONE_ONLY_TOKEN),
        (
            vec!["dlp", "reset", ACME, "--yes", "--json"],
            ZONE_ONLY_TOKEN,
        ),
    ]
}

/// Why the command must fail, its arguments and the environment on top.
type Case = (String, Vec<&'static str>, Vec<(&'static str, &'static str)>);

#[tokio::test]
async fn every_command_that_exits_2_or_more_prints_nothing_on_stdout() {
    let cli = Headless::start().await;
    let unreachable = "http://127.0.0.1:1/client/v4";
    let mut cases: Vec<Case> = Vec::new();
    for args in api_commands() {
        cases.push((
            "no token".into(),
            args.clone(),
            vec![("CLOUDFLARE_API_TOKEN", "")],
        ));
        cases.push((
            "unreachable API".into(),
            args,
            vec![("CLOUDFLARE_BASE_URL", unreachable)],
        ));
    }
    for args in refused_commands() {
        cases.push(("refused".into(), args, Vec::new()));
    }
    for (args, token) in denied_commands() {
        cases.push(("denied".into(), args, vec![("CLOUDFLARE_API_TOKEN", token)]));
    }
    let runs =
        futures::future::join_all(cases.iter().map(|(_, args, env)| cli.run_with(args, env))).await;
    let mut wrong = Vec::new();
    for ((why, args, _), run) in cases.iter().zip(&runs) {
        if run.code < 2 || !run.stdout.is_empty() || run.stderr.trim().is_empty() {
            wrong.push(format!(
                "{why}: trustdeck {} exited {} with stdout {:?} and stderr {:?}",
                args.join(" "),
                run.code,
                run.stdout.chars().take(300).collect::<String>(),
                run.stderr.chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(cli.writes().await.is_empty(), "nothing refused was sent");
}
