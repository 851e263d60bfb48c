use super::*;

pub(crate) const KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";
pub(crate) const OTHER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub(crate) fn state(ai: bool, ocr: bool, key: Option<&str>, masking: Masking) -> DlpState {
    DlpState {
        ai_context_analysis: ai,
        ocr,
        key_fingerprint: key.map(key_fingerprint),
        masking: Some(masking),
        updated_at: None,
    }
}

fn key_error(key: &str) -> String {
    match DlpChange::builder().public_key(key).build() {
        Err(error) => error.to_string(),
        Ok(change) => panic!("{key:?} was taken as {change}"),
    }
}

#[test]
fn each_bad_key_is_refused_saying_what_is_wrong() {
    assert_eq!(
        key_error(&KEY[1..]),
        "the public key is 43 characters, an X25519 public key in base64 is 44"
    );
    let url_safe = format!("{}-{}", &KEY[..11], &KEY[12..]);
    assert_eq!(
        key_error(&url_safe),
        "the public key is not base64: the character '-' at position 12"
    );
    assert_eq!(
        key_error("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
        "the public key decodes to 31 bytes, not 32"
    );
    assert_eq!(
        key_error("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        "the public key decodes to 33 bytes, not 32"
    );
    assert_eq!(
        key_error(""),
        "the public key is empty: use --clear-public-key to turn payload logging off"
    );
    assert_eq!(
        key_error(&format!("{KEY}\n")),
        "the public key is not base64: the character '\\n' at position 45"
    );
    let padded_inside = format!("{}={}", &KEY[..9], &KEY[10..]);
    assert_eq!(
        key_error(&padded_inside),
        "the public key is not base64: the character '=' at position 10"
    );
    let stray_bits = format!("{}9=", &OTHER_KEY[..42]);
    assert_eq!(
        key_error(&stray_bits),
        "the public key is not canonical base64: the character '9' at position 43 leaves bits over"
    );
    for message in [key_error(&KEY[1..]), key_error(&url_safe)] {
        assert!(!message.contains(&KEY[12..]), "{message}");
    }
}

#[test]
fn contradictions_and_nothing_are_refused() {
    assert_eq!(DlpChange::builder().build(), Err(DlpChangeError::Nothing));
    assert_eq!(
        DlpChange::builder().reset().ocr(true).build(),
        Err(DlpChangeError::ResetWithOthers)
    );
    assert_eq!(
        DlpChange::builder().reset().clear_public_key().build(),
        Err(DlpChangeError::ResetWithOthers)
    );
    assert_eq!(
        DlpChange::builder()
            .public_key(KEY)
            .clear_public_key()
            .build(),
        Err(DlpChangeError::KeyAndClear)
    );
    assert_eq!(
        DlpChange::builder().masking(Masking::Other).build(),
        Err(DlpChangeError::Masking)
    );
    assert_eq!(DlpChange::builder().reset().build(), Ok(DlpChange::Reset));
    assert!(check_public_key(KEY).is_ok());
    assert!(check_public_key(OTHER_KEY).is_ok());
}

#[test]
fn the_patch_holds_only_what_differs() {
    let change = DlpChange::builder()
        .ocr(true)
        .ai_context_analysis(true)
        .masking(Masking::Full)
        .public_key(KEY)
        .build()
        .unwrap();
    let DlpChange::Edit(edit) = &change else {
        panic!("an edit")
    };
    let now = state(true, false, Some(KEY), Masking::Partial);
    let patch = edit.patch_for(&now).unwrap();
    assert_eq!(patch.ocr, Some(true));
    assert_eq!(patch.ai_context_analysis, None, "already on");
    let logging = patch.payload_logging.unwrap();
    assert_eq!(logging.masking_level, Some(MaskingLevel::Full));
    assert_eq!(logging.public_key, None, "the same key is set");

    let other_key = state(true, true, Some(OTHER_KEY), Masking::Full);
    let patch = edit.patch_for(&other_key).unwrap();
    assert_eq!(
        patch,
        DlpUpdate {
            payload_logging: Some(PayloadLoggingUpdate {
                masking_level: None,
                public_key: Some(KEY.to_owned()),
            }),
            ..DlpUpdate::default()
        }
    );
    assert_eq!(
        edit.patch_for(&state(true, true, Some(KEY), Masking::Full)),
        None
    );
    assert_eq!(
        change.write_for(&state(true, true, Some(KEY), Masking::Full)),
        None
    );

    let unreported = DlpState {
        masking: None,
        ..state(true, true, Some(KEY), Masking::Full)
    };
    let masking = edit
        .patch_for(&unreported)
        .unwrap()
        .payload_logging
        .unwrap();
    assert_eq!(masking.masking_level, Some(MaskingLevel::Full));
}

#[test]
fn clearing_the_key_is_the_empty_key_and_only_where_one_is_set() {
    let clear = DlpChange::builder().clear_public_key().build().unwrap();
    let with_key = state(false, false, Some(KEY), Masking::Default);
    assert_eq!(
        clear.write_for(&with_key),
        Some(DlpWrite::Patch {
            update: DlpUpdate {
                payload_logging: Some(PayloadLoggingUpdate {
                    masking_level: None,
                    public_key: Some(String::new()),
                }),
                ..DlpUpdate::default()
            }
        })
    );
    let json = serde_json::to_value(clear.write_for(&with_key).unwrap()).unwrap();
    assert_eq!(json["update"]["payload_logging"]["public_key"], "");
    assert_eq!(
        clear.write_for(&state(false, false, None, Masking::Default)),
        None
    );
}

#[test]
fn a_reset_is_sent_unless_at_the_defaults() {
    let defaults = state(false, false, None, Masking::Default);
    assert!(at_defaults(&defaults));
    assert_eq!(DlpChange::Reset.write_for(&defaults), None);
    for off_default in [
        state(true, false, None, Masking::Default),
        state(false, true, None, Masking::Default),
        state(false, false, Some(KEY), Masking::Default),
        state(false, false, None, Masking::Partial),
        DlpState {
            masking: None,
            ..defaults.clone()
        },
    ] {
        assert_eq!(
            DlpChange::Reset.write_for(&off_default),
            Some(DlpWrite::Reset),
            "{off_default:?}"
        );
    }
}

#[test]
fn typed_count_for_a_cleared_key_clear_masking_or_resetting_many() {
    let clear_key = DlpChange::builder().clear_public_key().build().unwrap();
    let clear_masking = DlpChange::builder()
        .masking(Masking::Clear)
        .build()
        .unwrap();
    let full = DlpChange::builder().masking(Masking::Full).build().unwrap();
    let ocr = DlpChange::builder()
        .ocr(false)
        .public_key(KEY)
        .build()
        .unwrap();
    assert!(clear_key.needs_typed_count(1));
    assert!(clear_masking.needs_typed_count(1));
    assert!(!full.needs_typed_count(500));
    assert!(!ocr.needs_typed_count(500));
    assert!(!DlpChange::Reset.needs_typed_count(1));
    assert!(DlpChange::Reset.needs_typed_count(2));
    assert!(!clear_key.needs_typed_count(0), "nothing is sent");
}

#[test]
fn words_show_the_key_only_by_fingerprint() {
    let change = DlpChange::builder()
        .masking(Masking::Full)
        .ocr(true)
        .build()
        .unwrap();
    assert_eq!(change.words(), "OCR on, masking full");
    let key = DlpChange::builder().public_key(KEY).build().unwrap();
    assert_eq!(
        key.words(),
        format!("payload-logging key {} (set)", key_fingerprint(KEY))
    );
    assert!(!key.to_string().contains(KEY));
    assert_eq!(DlpChange::Reset.to_string(), "reset to defaults");
    assert_eq!(
        DlpChange::builder()
            .ai_context_analysis(false)
            .clear_public_key()
            .build()
            .unwrap()
            .words(),
        "AI context off, payload-logging key cleared"
    );
}

#[test]
fn the_change_round_trips_through_a_journal_checked_again() {
    let change = DlpChange::builder()
        .ocr(false)
        .public_key(KEY)
        .build()
        .unwrap();
    let json = serde_json::to_string(&change).unwrap();
    assert_eq!(
        json,
        format!(r#"{{"kind":"edit","ocr":false,"key":{{"action":"set","public_key":"{KEY}"}}}}"#)
    );
    assert_eq!(serde_json::from_str::<DlpChange>(&json).unwrap(), change);
    let reset = serde_json::to_string(&DlpChange::Reset).unwrap();
    assert_eq!(reset, r#"{"kind":"reset"}"#);
    assert_eq!(
        serde_json::from_str::<DlpChange>(&reset).unwrap(),
        DlpChange::Reset
    );
    let tampered = json.replace(&KEY[..4], "-");
    let error = serde_json::from_str::<DlpChange>(&tampered).unwrap_err();
    assert!(error.to_string().contains("the public key"), "{error}");
    assert!(serde_json::from_str::<DlpChange>(r#"{"kind":"edit"}"#).is_err());
}
