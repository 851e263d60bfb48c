//! Recent zones: most recent first, once each, at most 20; saved and loaded
//! again across a restart; a damaged file is a warning, not a crash.

use trustdeck::recent::{MAX_RECENT, RecentZone, RecentZones};

fn zone(id: &str) -> RecentZone {
    RecentZone {
        id: id.to_owned(),
        name: format!("{id}.example.com"),
        account_id: Some(format!("acct-{id}")),
        account_name: None,
        detail: None,
    }
}

fn ids(list: &RecentZones) -> Vec<&str> {
    list.zones().iter().map(|z| z.id.as_str()).collect()
}

#[test]
fn recent_push_puts_the_newest_first_once() {
    let mut list = RecentZones::new();
    list.push(zone("a"));
    list.push(zone("b"));
    list.push(zone("c"));
    assert_eq!(ids(&list), ["c", "b", "a"]);
    let mut renamed = zone("a");
    renamed.name = "renamed.example.com".into();
    list.push(renamed);
    assert_eq!(ids(&list), ["a", "c", "b"]);
    assert_eq!(list.zones()[0].name, "renamed.example.com");
}

#[test]
fn recent_keeps_at_most_twenty() {
    let mut list = RecentZones::new();
    for i in 0..(MAX_RECENT + 7) {
        list.push(zone(&format!("z{i:02}")));
    }
    assert_eq!(MAX_RECENT, 20);
    assert_eq!(list.zones().len(), 20);
    assert_eq!(list.zones()[0].id, "z26");
    assert_eq!(list.zones()[19].id, "z07");
}

#[test]
fn recent_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    // A directory that does not exist yet is made.
    let path = dir.path().join("state").join("recent-zones.json");
    let (empty, warning) = RecentZones::load(&path);
    assert!(empty.zones().is_empty());
    assert_eq!(warning, None, "a missing file is no warning");

    let mut list = RecentZones::new();
    list.push(zone("a"));
    list.push(RecentZone {
        id: "b".into(),
        name: "b.example.com".into(),
        account_id: Some("acct".into()),
        account_name: Some("Acme Corp".into()),
        detail: None,
    });
    list.save(&path).unwrap();
    let (loaded, warning) = RecentZones::load(&path);
    assert_eq!(warning, None);
    assert_eq!(loaded, list);
    assert_eq!(ids(&loaded), ["b", "a"]);

    // Saved again over the old file; no temporary file is left behind.
    list.push(zone("c"));
    list.save(&path).unwrap();
    assert_eq!(ids(&RecentZones::load(&path).0), ["c", "b", "a"]);
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["recent-zones.json"]);
}

#[test]
fn recent_a_damaged_file_is_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recent-zones.json");
    for damage in [
        "{\"zones\": [{\"id\": \"a\", \"na",
        "not json at all",
        "{\"zones\": 3}",
        "",
    ] {
        std::fs::write(&path, damage).unwrap();
        let (list, warning) = RecentZones::load(&path);
        assert!(list.zones().is_empty(), "{damage:?}");
        let warning = warning.unwrap_or_else(|| panic!("no warning for {damage:?}"));
        assert!(warning.contains(&path.display().to_string()), "{warning}");
    }
    // And it can be overwritten with a good list.
    let mut list = RecentZones::new();
    list.push(zone("a"));
    list.save(&path).unwrap();
    assert_eq!(RecentZones::load(&path), (list, None));
}

#[test]
fn recent_an_unreadable_path_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be cannot be read as one.
    let (list, warning) = RecentZones::load(dir.path());
    assert!(list.zones().is_empty());
    assert!(warning.is_some());
}

#[test]
fn recent_the_default_path_is_in_the_state_directory() {
    let path = RecentZones::default_path();
    assert!(path.ends_with("trustdeck/recent-zones.json"), "{path:?}");
    assert_eq!(path, trustdeck::recent::default_path());
}

#[test]
fn a_recent_zone_keeps_its_plan_and_status_for_the_picker() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recent-zones.json");
    let mut list = RecentZones::new();
    list.push(RecentZone {
        detail: Some("ent · active · Acme Corp".into()),
        ..zone("z1")
    });
    list.save(&path).unwrap();
    let (loaded, warning) = RecentZones::load(&path);
    assert_eq!(warning, None);
    assert_eq!(
        loaded.zones()[0].detail.as_deref(),
        Some("ent · active · Acme Corp")
    );
}
