//! The cache of the last scan: keyed by API and credential identity (never
//! the secret), private, read back as it was written, refreshed in place,
//! and ignored with a warning when damaged or foreign.

use std::time::{Duration, SystemTime};

use crate::common::*;
use trustdeck::api::Credentials;
use trustdeck::api::model::{CsamPatch, CsamPatchValue};
use trustdeck::fleet::{
    CacheKey, CacheWarning, CredentialIdentity, FleetScan, ScanCache, ScanOptions, ScanOutcome,
    Scanning, identify, start_scan,
};

/// The full-access demo token's id (what `tokens/verify` reports).
const FULL_TOKEN_ID: &str = "58decad69d40e17d815e3728053e9dd5";

async fn scan_into(client: &trustdeck::api::Client, table: &mut FleetScan) {
    let run = start_scan(client, ScanOptions::default());
    let end = tokio::time::timeout(Duration::from_secs(30), run.run_into(table))
        .await
        .expect("the scan ends within 30 s")
        .expect("a Finished event");
    assert_eq!(end.outcome, ScanOutcome::Complete);
}

#[tokio::test]
async fn credentials_are_known_by_their_id_or_email_never_their_secret() {
    let mock = start_mock().await;
    let token = full_client(&mock);
    assert_eq!(
        identify(&token, None).await.unwrap(),
        CredentialIdentity::Token {
            id: FULL_TOKEN_ID.into()
        }
    );
    let key = client_for(
        &mock.base_url(),
        Credentials::global_key(LEGACY_EMAIL, LEGACY_KEY),
    );
    let before = requests(&mock).await.len();
    assert_eq!(
        identify(&key, None).await.unwrap(),
        CredentialIdentity::GlobalKey {
            email: LEGACY_EMAIL.into()
        }
    );
    assert_eq!(requests(&mock).await.len(), before, "no request for a key");
    let expired = client_for(&mock.base_url(), Credentials::token(EXPIRED_TOKEN));
    let identity = identify(&expired, None).await.unwrap();
    let name = CacheKey::new(&mock.base_url(), identity, None).file_name();
    assert!(!name.contains(EXPIRED_TOKEN), "{name}");
    mock.shutdown().await;
}

#[tokio::test]
async fn a_scan_round_trips_privately_and_a_refresh_updates_it_in_place() {
    let mock = start_mock().await;
    let client = full_client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let cache = ScanCache::in_dir(dir.path().join("trustdeck"));
    let key = CacheKey::new(
        &mock.base_url(),
        identify(&client, None).await.unwrap(),
        None,
    );
    assert!(cache.load(&key).unwrap().is_none(), "nothing cached yet");

    let mut scan = FleetScan::new(None, 0);
    scan_into(&client, &mut scan).await;
    cache.store(&key, &scan).unwrap();
    let path = cache.path(&key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("trustdeck")), 0o700);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(FULL_TOKEN), "the secret is never cached");

    let mut cached = cache.load(&key).unwrap().expect("the cached scan");
    assert_eq!(cached, scan);
    assert!(cached.age(SystemTime::now()) < Duration::from_secs(60));

    // A zone changes on the server; the refresh updates its row where it stands.
    let position = cached
        .rows()
        .iter()
        .position(|row| row.zone_id == GLOBEX_OFF)
        .expect("the zone was scanned");
    assert_eq!(
        cached.rows()[position].state().unwrap().scanning,
        Scanning::Off
    );
    // The zone has no source on: scanning on, it counts as "no source".
    let scanning_before = cached.coverage().scanning + cached.coverage().no_source;
    client
        .patch_csam(
            GLOBEX_OFF,
            &CsamPatch::of(CsamPatchValue {
                enabled: Some(true),
                ..CsamPatchValue::default()
            }),
        )
        .await
        .expect("enabled");
    scan_into(&client, &mut cached).await;
    let row = &cached.rows()[position];
    assert_eq!(row.zone_id, GLOBEX_OFF);
    assert_eq!(row.state().unwrap().scanning, Scanning::On);
    let scanning_after = cached.coverage().scanning + cached.coverage().no_source;
    assert_eq!(scanning_after, scanning_before + 1);
    assert_eq!(cached.rows().len(), scan.rows().len());
    mock.shutdown().await;
}

fn key(id: &str) -> CacheKey {
    CacheKey::new(
        "https://api.cloudflare.com/client/v4",
        CredentialIdentity::Token { id: id.into() },
        None,
    )
}

#[test]
fn a_damaged_foreign_or_strange_cache_is_ignored_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ScanCache::in_dir(dir.path());
    let mine = key("mine");
    let path = cache.path(&mine);

    std::fs::write(&path, b"{\"format\": 1, \"key\": ").unwrap();
    let warning = cache.load(&mine).unwrap_err();
    assert!(
        matches!(warning, CacheWarning::Damaged { .. }),
        "{warning:?}"
    );
    assert!(warning.to_string().contains("damaged"), "{warning}");

    std::fs::write(&path, b"{\"format\": 99, \"whatever\": true}").unwrap();
    let warning = cache.load(&mine).unwrap_err();
    assert!(
        matches!(warning, CacheWarning::OtherFormat { found: 99, .. }),
        "{warning:?}"
    );

    std::fs::write(&path, b"[1, 2, 3]").unwrap();
    assert!(matches!(
        cache.load(&mine).unwrap_err(),
        CacheWarning::Damaged { .. }
    ));

    // Another credential's scan under this name is not shown as ours.
    cache
        .store(&key("theirs"), &FleetScan::new(None, 5))
        .unwrap();
    std::fs::rename(cache.path(&key("theirs")), &path).unwrap();
    assert!(matches!(
        cache.load(&mine).unwrap_err(),
        CacheWarning::OtherKey { .. }
    ));

    // A good file written over the bad one is read again.
    cache.store(&mine, &FleetScan::new(None, 7)).unwrap();
    assert_eq!(cache.load(&mine).unwrap().unwrap().started_at, 7);

    #[cfg(unix)]
    {
        std::fs::remove_file(&path).unwrap();
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let warning = cache.load(&mine).unwrap_err();
        assert!(
            matches!(warning, CacheWarning::Unreadable { .. }),
            "{warning:?}"
        );
    }
}
