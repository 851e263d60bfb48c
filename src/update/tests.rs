//! Reducer tests: key sequences in, state and commands out. No terminal, no network.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::client::Reply;
use crate::api::model::{
    CsamPatchValue, CsamSetting, CsamValue, DlpSettings, EmailState, MaskingLevel, PayloadLogging,
    ResponseInfo,
};
use crate::api::worker::ApiOutput;
use crate::input::map_key;
use crate::outcome::{Field, FieldChange, Value};
use crate::state::{Context, InflightKind, ZoneRow};

/// The status line's sentence, as the UI words it.
pub(super) fn text_of(status: &Status) -> String {
    crate::ui::words::notice(&status.notice, &crate::input::Keymap::default())
}

pub(super) fn setting(state: EmailState, enabled: bool, editable: bool) -> CsamSetting {
    CsamSetting {
        id: Some("csam_scanner".into()),
        editable: Some(editable),
        modified_on: None,
        value: CsamValue {
            email: Some("**********".into()),
            email_state: Some(state),
            enabled: Some(enabled),
            sources: BTreeMap::from([("ncmec_industry".into(), false), ("ncmec_ngo".into(), true)]),
            zone_plan: Some("ent".into()),
        },
    }
}

pub(super) fn dlp() -> DlpSettings {
    DlpSettings {
        ai_context_analysis: true,
        ocr: false,
        payload_logging: PayloadLogging {
            updated_at: Some("2026-10-02T14:05:11Z".into()),
            masking_level: Some(MaskingLevel::Partial),
            public_key: Some("GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=".into()),
        },
    }
}

pub(super) fn reply<T>(result: T) -> Reply<T> {
    Reply {
        result,
        messages: Vec::new(),
        result_info: None,
    }
}

/// Answers the credential check with an active token; returns the loads it opens.
fn pass_gate(state: &mut AppState, commands: &[Command]) -> Vec<Command> {
    assert_eq!(only_op(commands), &ApiOp::VerifyToken);
    let token = crate::api::model::TokenVerification {
        id: "t".into(),
        status: crate::api::model::TokenStatus::Active,
        expires_on: None,
        not_before: None,
    };
    update(
        state,
        Msg::api(ApiResponse {
            id: request_ids(commands)[0],
            result: Ok(ApiOutput::Token(reply(token))),
        }),
    )
}

/// A state with both panels loaded.
pub(super) fn loaded(zone: CsamSetting) -> AppState {
    loaded_with(zone, Context::default())
}

pub(super) fn loaded_with(zone: CsamSetting, context: Context) -> AppState {
    let mut state = AppState::new(
        context,
        Some("zone1".into()),
        Some("acct1".into()),
        Instant::now(),
    );
    // Names known already: no lookups, only the two loads.
    state.settings.zone.name = Some("zone1.example.com".into());
    state.settings.account.name = Some("Account One".into());
    let check = init(&mut state);
    let commands = pass_gate(&mut state, &check);
    let ids = request_ids(&commands);
    assert_eq!(ids.len(), 2);
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: ids[0],
            result: Ok(ApiOutput::Csam(reply(zone))),
        }),
    );
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: ids[1],
            result: Ok(ApiOutput::Dlp(reply(dlp()))),
        }),
    );
    assert!(!state.is_busy());
    state
}

pub(super) fn request_ids(commands: &[Command]) -> Vec<RequestId> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Api(r) | Command::Write { request: r, .. } => Some(r.id),
            _ => None,
        })
        .collect()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Types `keys` (one char = one key; `\n` Enter, `\t` Tab, `\x1b` Esc) and
/// returns every command the reducer asked for.
pub(super) fn press(state: &mut AppState, keys: &str) -> Vec<Command> {
    let mut commands = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        // Control characters are ctrl and their letter: "\x12" is ctrl-r.
        let event = match c {
            '\x01'..='\x1a' if !matches!(c, '\n' | '\t') => KeyEvent::new(
                KeyCode::Char(char::from(b'a' + (c as u8 - 1))),
                KeyModifiers::CONTROL,
            ),
            _ => key(code),
        };
        if let Some(msg) = map_key(state, event) {
            commands.extend(update(state, msg));
        }
    }
    commands
}

pub(super) fn only_op(commands: &[Command]) -> &ApiOp {
    let ops: Vec<&ApiOp> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Api(r) | Command::Write { request: r, .. } => Some(&r.op),
            _ => None,
        })
        .collect();
    assert_eq!(
        ops.len(),
        1,
        "expected exactly one request, got {commands:?}"
    );
    ops[0]
}

#[test]
fn toggling_and_saving_sends_one_patch_of_the_changed_fields() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    // Rows: scanning, email, ncmec_industry, ncmec_ngo.
    assert!(press(&mut state, " jj ").is_empty());
    assert_eq!(state.settings.zone.form.enabled, Some(false));
    assert_eq!(
        state.settings.zone.form.sources,
        BTreeMap::from([("ncmec_industry".into(), true)])
    );
    assert_eq!(state.settings.zone.form.count(), 2);
    let commands = press(&mut state, "s");
    let ApiOp::PatchCsam { zone_id, patch } = only_op(&commands) else {
        panic!("{commands:?}")
    };
    assert_eq!(zone_id, "zone1");
    assert_eq!(
        patch.value,
        Some(CsamPatchValue {
            enabled: Some(false),
            sources: Some(BTreeMap::from([("ncmec_industry".into(), true)])),
            ..CsamPatchValue::default()
        })
    );
}

#[test]
fn toggling_back_unstages() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "  ");
    assert!(!state.settings.zone.is_dirty());
    assert!(press(&mut state, "s").is_empty(), "nothing to save");
}

#[test]
fn a_save_locks_the_panel_until_its_reply() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let commands = press(&mut state, " s");
    let id = request_ids(&commands)[0];
    assert!(state.settings.zone.remote.is_locked_by_write());
    assert!(
        press(&mut state, "sr").is_empty(),
        "no saves or reloads while saving"
    );
    assert_eq!(state.settings.zone.form.enabled, Some(false));
    let mut saved = setting(EmailState::Valid, false, true);
    saved.value.enabled = Some(false);
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Ok(ApiOutput::Csam(reply(saved))),
        }),
    );
    assert!(!state.settings.zone.remote.is_locked_by_write());
    assert!(!state.settings.zone.is_dirty());
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Success);
}

#[test]
fn edits_made_while_saving_stay_staged_and_the_outcome_stays_until_a_key() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let save = request_ids(&press(&mut state, " s"))[0];
    // Rows: scanning, email, ncmec_industry, ncmec_ngo.
    assert!(press(&mut state, "jj ").is_empty());
    assert!(press(&mut state, "s").is_empty(), "one save at a time");
    let said = text_of(state.status.as_ref().unwrap());
    assert!(said.contains("is on its way"), "{said}");
    let load = request_ids(&press(&mut state, "\tr"))[0];
    let mut saved = setting(EmailState::Valid, false, true);
    saved.value.enabled = Some(false);
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: save,
            result: Ok(ApiOutput::Csam(reply(saved))),
        }),
    );
    let zone = &state.settings.zone;
    assert_eq!(zone.form.enabled, None, "sent and answered");
    assert_eq!(
        zone.form.sources,
        BTreeMap::from([("ncmec_industry".into(), true)]),
        "the toggle made during the save is staged for the next"
    );
    let outcome = state.status.clone().unwrap();
    assert!(
        matches!(outcome.notice, Notice::Saved { .. }),
        "{outcome:?}"
    );
    update(&mut state, Msg::Tick(outcome.at + SUCCESS_FADE * 10));
    let error = ApiError::Timeout {
        after: Duration::from_secs(30),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: load,
            result: Err(error),
        }),
    );
    assert_eq!(
        state.status.as_ref().map(|s| &s.notice),
        Some(&outcome.notice),
        "no timer or reply takes the outcome away before a key"
    );
    press(&mut state, "k");
    let later = state.now + SUCCESS_FADE;
    update(&mut state, Msg::Tick(later));
    assert!(state.status.is_none(), "read, it fades");
}

#[test]
fn stale_replies_are_ignored() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = request_ids(&press(&mut state, "r"))[0];
    let commands = press(&mut state, "r");
    assert!(
        commands.contains(&Command::Cancel(first)),
        "a newer load supersedes the old one"
    );
    let second = request_ids(&commands)[0];
    let old = setting(EmailState::Unverified, false, true);
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: first,
            result: Ok(ApiOutput::Csam(reply(old))),
        }),
    );
    assert_eq!(
        state.settings.zone.email_state(),
        Some(&EmailState::Valid),
        "the stale reply changed nothing"
    );
    assert!(state.settings.zone.remote.inflight.is_some());
    let new = setting(EmailState::Pending, true, true);
    update(
        &mut state,
        Msg::api(ApiResponse {
            id: second,
            result: Ok(ApiOutput::Csam(reply(new))),
        }),
    );
    assert_eq!(
        state.settings.zone.email_state(),
        Some(&EmailState::Pending)
    );
}

#[test]
fn a_locked_zone_refuses_edits() {
    let mut state = loaded(setting(EmailState::Valid, true, false));
    assert_eq!(
        state.settings.zone.read_only,
        Some(ReadOnly::LockedByTrustAndSafety)
    );
    assert!(press(&mut state, " e jj s").is_empty());
    assert!(!state.settings.zone.is_dirty());
    assert!(state.settings.zone.editor.is_none());
    let footer: Vec<&str> = crate::input::footer_bindings(&state)
        .iter()
        .filter_map(|b| b.label_in(&state))
        .collect();
    assert!(
        !footer.contains(&"toggle") && !footer.contains(&"edit email") && !footer.contains(&"save"),
        "{footer:?}"
    );
}

#[test]
fn email_is_typed_checked_and_staged() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "e");
    assert!(state.is_editing());
    press(&mut state, "not-an-email");
    assert!(
        state
            .settings
            .zone
            .editor
            .as_ref()
            .unwrap()
            .problem
            .is_some()
    );
    press(&mut state, "\n");
    assert!(
        state.is_editing(),
        "an invalid address is flagged, not staged"
    );
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Error);
    // Clear the field and type a valid one; 'q', 's' and 'j' are text here.
    for _ in 0.."not-an-email".len() {
        update(&mut state, Msg::EditKey(key(KeyCode::Backspace)));
    }
    press(&mut state, "sq@jobs.example.com\n");
    assert!(!state.is_editing());
    assert_eq!(
        state.settings.zone.form.email.as_deref(),
        Some("sq@jobs.example.com")
    );
    assert!(!state.quit);
    press(&mut state, "e");
    // Too long is flagged and refused, never cut to fit (issue 7, item 10).
    update(&mut state, Msg::Paste("x".repeat(300)));
    let editor = state.settings.zone.editor.as_ref().unwrap();
    assert_eq!(
        editor.input.value(),
        format!("sq@jobs.example.com{}", "x".repeat(300)),
        "what was pasted is kept"
    );
    assert!(editor.problem.as_deref().unwrap().contains("at most 254"));
    press(&mut state, "\n");
    assert!(
        state.is_editing(),
        "Enter refuses an address that does not fit"
    );
    press(&mut state, "\x1b");
    assert_eq!(
        state.settings.zone.form.email.as_deref(),
        Some("sq@jobs.example.com"),
        "Esc abandons only the new typing"
    );
}

#[test]
fn a_failed_save_keeps_the_edits_and_says_how_to_retry() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "e");
    press(&mut state, "ops@example.com\n");
    // A new email on a scanning zone asks first (it stops scanning until verified).
    assert!(request_ids(&press(&mut state, "s")).is_empty());
    let id = request_ids(&press(&mut state, "y"))[0];
    let error = ApiError::Server {
        status: 503,
        message: "Service unavailable".into(),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Err(error),
        }),
    );
    assert_eq!(
        state.settings.zone.form.email.as_deref(),
        Some("ops@example.com")
    );
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        text_of(&status).contains("press s to retry"),
        "{}",
        text_of(&status)
    );
    // The retry asks again: the email would still stop scanning.
    assert!(request_ids(&press(&mut state, "s")).is_empty());
    assert_eq!(request_ids(&press(&mut state, "y")).len(), 1, "s retries");
}

#[test]
fn a_403_on_save_makes_the_panel_read_only_with_the_reason() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let id = request_ids(&press(&mut state, " s"))[0];
    let error = ApiError::Locked {
        message: "locked".into(),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Err(error),
        }),
    );
    assert_eq!(
        state.settings.zone.read_only,
        Some(ReadOnly::LockedByTrustAndSafety)
    );
    assert!(state.settings.zone.is_dirty(), "the edit stays visible");
    assert!(press(&mut state, "s").is_empty());

    let mut state = loaded(setting(EmailState::Valid, true, true));
    let id = request_ids(&press(&mut state, " s"))[0];
    let error = ApiError::Permission {
        permission: Some("Zone Settings Write".into()),
        message: String::new(),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Err(error),
        }),
    );
    assert_eq!(
        state.settings.zone.read_only,
        Some(ReadOnly::MissingPermission {
            name: Some("Zone Settings Write".into())
        })
    );
}

#[test]
fn a_validation_error_lands_at_its_field() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let id = request_ids(&press(&mut state, "jj s"))[0];
    let error = ApiError::Validation {
        code: 1007,
        message: "unknown source".into(),
        pointer: Some("/value/sources/ncmec_industry".into()),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Err(error),
        }),
    );
    assert!(
        matches!(&state.settings.zone.field_error, Some((ZoneRow::Source(name), _)) if name == "ncmec_industry")
    );
}

#[test]
fn the_server_keeping_scanning_off_is_reported() {
    let mut state = loaded(setting(EmailState::Unverified, false, true));
    assert!(
        request_ids(&press(&mut state, " s")).is_empty(),
        "asks first"
    );
    let id = request_ids(&press(&mut state, "y"))[0];
    let mut answer = reply(setting(EmailState::Unverified, false, true));
    answer.messages = vec![ResponseInfo {
        code: 1101,
        message: "Scanning stays off until the notification email is verified".into(),
        documentation_url: None,
        source: None,
    }];
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Ok(ApiOutput::Csam(answer)),
        }),
    );
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Warning);
    assert!(
        text_of(&status).contains("kept scanning off"),
        "{}",
        text_of(&status)
    );
    assert!(
        text_of(&status).contains("until the notification email is verified"),
        "{}",
        text_of(&status)
    );
}

#[test]
fn resend_is_offered_only_while_unverified_or_pending() {
    let mut valid = loaded(setting(EmailState::Valid, true, true));
    assert!(!valid.settings.zone.rows().contains(&ZoneRow::Resend));
    press(&mut valid, "R");
    assert!(!valid.settings.zone.form.resend);
    let mut pending = loaded(setting(EmailState::Pending, false, true));
    press(&mut pending, "R");
    let commands = press(&mut pending, "s");
    let ApiOp::PatchCsam { patch, .. } = only_op(&commands) else {
        panic!()
    };
    assert!(patch.value.as_ref().unwrap().resend_email);
}

#[test]
fn reset_requires_confirmation() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    assert!(press(&mut state, "2D").is_empty());
    let Some(Dialog::ConfirmReset {
        changes,
        confirm_selected,
        ..
    }) = &state.dialog
    else {
        panic!("no dialog")
    };
    assert!(!confirm_selected, "Cancel is the default");
    assert_eq!(
        changes[0],
        FieldChange {
            field: Field::AiContextAnalysis,
            now: Value::Bool(true),
            after: Value::Bool(false),
        }
    );
    assert!(
        press(&mut state, "\n").is_empty(),
        "Enter takes the default: Cancel"
    );
    assert!(state.dialog.is_none());
    assert!(press(&mut state, "D\x1b").is_empty());
    assert!(press(&mut state, "Dn").is_empty());
    let commands = press(&mut state, "Dy");
    assert_eq!(
        only_op(&commands),
        &ApiOp::ResetDlp {
            account_id: "acct1".into()
        }
    );
    assert_eq!(
        state.settings.account.remote.inflight.unwrap().kind,
        InflightKind::Reset
    );
}

#[test]
fn dlp_edits_are_staged_and_saved_together() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    // Rows: AI, OCR, payload logging, masking, reset.
    press(&mut state, "2 j jjj");
    assert_eq!(state.settings.account.form.ai_context_analysis, Some(false));
    assert_eq!(state.settings.account.form.ocr, Some(true));
    press(&mut state, "k ");
    assert_eq!(
        state.settings.account.form.masking_level,
        Some(MaskingLevel::Full)
    );
    let commands = press(&mut state, "s");
    let ApiOp::PatchDlp { update: body, .. } = only_op(&commands) else {
        panic!()
    };
    assert_eq!(
        serde_json::to_value(body).unwrap(),
        serde_json::json!({"ai_context_analysis": false, "ocr": true, "payload_logging": {"masking_level": "full"}})
    );
}

#[test]
fn quitting_with_unsaved_edits_asks_first() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "q");
    assert!(state.quit, "nothing staged: quit at once");
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, " q");
    assert!(!state.quit);
    assert!(matches!(state.dialog, Some(Dialog::ConfirmQuit { .. })));
    press(&mut state, "n");
    assert!(!state.quit && state.dialog.is_none());
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let msg = map_key(&state, ctrl_c).unwrap();
    update(&mut state, msg);
    assert!(matches!(state.dialog, Some(Dialog::ConfirmQuit { .. })));
    press(&mut state, "y");
    assert!(state.quit);
}

#[test]
fn escape_cancels_a_load_and_successes_fade() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let id = request_ids(&press(&mut state, "r"))[0];
    assert_eq!(press(&mut state, "\x1b"), vec![Command::Cancel(id)]);
    assert!(!state.is_busy());
    let said = state.status.clone().unwrap();
    update(&mut state, Msg::Tick(said.at + Duration::from_secs(1)));
    assert!(state.status.is_some());
    update(&mut state, Msg::Tick(said.at + SUCCESS_FADE));
    assert!(state.status.is_none());
}

#[test]
fn errors_stay_until_dismissed() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let id = request_ids(&press(&mut state, "r"))[0];
    let error = ApiError::Timeout {
        after: Duration::from_secs(30),
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Err(error),
        }),
    );
    let at = state.status.as_ref().unwrap().at;
    update(&mut state, Msg::Tick(at + Duration::from_secs(60)));
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Error);
    assert_eq!(
        state.settings.zone.email_state(),
        Some(&EmailState::Valid),
        "the old data stays on screen"
    );
    press(&mut state, "\x1b");
    assert!(state.status.is_none());
}

#[test]
fn with_no_ids_the_first_visible_zone_and_its_account_open() {
    let mut state = AppState::new(Context::default(), None, None, Instant::now());
    let check = init(&mut state);
    let commands = pass_gate(&mut state, &check);
    let ApiOp::ListZones(_) = only_op(&commands) else {
        panic!("{commands:?}")
    };
    let zone = crate::api::model::Zone {
        id: "z9".into(),
        name: "shop.example.com".into(),
        account: Some(crate::api::model::ZoneAccount {
            id: Some("a9".into()),
            name: Some("Acme".into()),
        }),
        ..Default::default()
    };
    let commands = update(
        &mut state,
        Msg::api(ApiResponse {
            id: request_ids(&commands)[0],
            result: Ok(ApiOutput::Zones(reply(vec![zone]))),
        }),
    );
    assert_eq!(
        state.settings.zone.name.as_deref(),
        Some("shop.example.com")
    );
    assert_eq!(state.settings.account.name.as_deref(), Some("Acme"));
    assert_eq!(request_ids(&commands).len(), 2);
}

#[test]
fn a_reset_that_does_not_reach_the_defaults_says_which_fields_stayed() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let commands = press(&mut state, "2Dy");
    let id = request_ids(&commands)[0];
    let mut kept = dlp();
    kept.ocr = true;
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Ok(ApiOutput::Dlp(reply(kept))),
        }),
    );
    let status = state.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Warning);
    for said in [
        "did not return the defaults",
        "AI context analysis is on",
        "OCR is on",
        "masking level is partial",
        "payload logging is on",
    ] {
        assert!(
            text_of(status).contains(said),
            "{said}: {}",
            text_of(status)
        );
    }
    let commands = press(&mut state, "Dy");
    let id = request_ids(&commands)[0];
    let defaults = DlpSettings {
        ai_context_analysis: false,
        ocr: false,
        payload_logging: PayloadLogging {
            updated_at: None,
            masking_level: Some(MaskingLevel::Default),
            public_key: None,
        },
    };
    update(
        &mut state,
        Msg::api(ApiResponse {
            id,
            result: Ok(ApiOutput::Dlp(reply(defaults))),
        }),
    );
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Success);
}
