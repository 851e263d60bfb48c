//! Hand-built states for the render tests: the demo's zones and account,
//! in the situations the screen must get right. `now` is whatever the clock
//! says; everything timed is an offset from it, so renders are deterministic.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tui_input::Input;

use crate::api::ApiError;
use crate::api::model::{
    CsamSetting, CsamValue, DlpSettings, EmailState, MaskingLevel, PayloadLogging,
};
use crate::state::{
    AppState, Context, Dialog, EmailEditor, Failure, Gate, Inflight, InflightKind, Panel, Status,
    StatusKind, ZoneRow,
};

pub const PUBLIC_KEY: &str = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";
const ZONE_ID: &str = "117bf1e17392293e996d8990458815ea";
const ACCOUNT_ID: &str = "22d8a840ba3ae743d9774caa9ab3fdc4";

pub fn context() -> Context {
    Context {
        base_url: "http://127.0.0.1:41733/client/v4".into(),
        demo: Some("127.0.0.1:41733".into()),
        read_only: false,
        log_path: Some("/home/ops/.local/state/trustdeck/trustdeck.log".into()),
        auth: "API token from CLOUDFLARE_API_TOKEN".into(),
        no_color: false,
        ..Context::default()
    }
}

fn csam(editable: bool, email_state: EmailState, sources: &[(&str, bool)]) -> CsamSetting {
    CsamSetting {
        id: Some("csam_scanner".into()),
        editable: Some(editable),
        modified_on: None,
        value: CsamValue {
            email: Some("**********".into()),
            email_state: Some(email_state),
            enabled: Some(true),
            sources: sources
                .iter()
                .map(|(n, on)| ((*n).to_owned(), *on))
                .collect::<BTreeMap<_, _>>(),
            zone_plan: Some("ent".into()),
        },
    }
}

/// A valid, editable enterprise zone with two sources.
fn valid_zone() -> CsamSetting {
    csam(
        true,
        EmailState::Valid,
        &[("ncmec_ngo", true), ("ncmec_industry", false)],
    )
}

/// A zone Trust & Safety has locked.
fn locked_zone() -> CsamSetting {
    csam(
        false,
        EmailState::Valid,
        &[("ncmec_ngo", true), ("ncmec_industry", true)],
    )
}

/// The tallest zone: a pending email (so a resend row) and four sources.
fn pending_zone() -> CsamSetting {
    csam(
        true,
        EmailState::Pending,
        &[
            ("ncmec_ngo", true),
            ("ncmec_industry", true),
            ("iwf", true),
            ("tech_coalition", false),
        ],
    )
}

/// DLP settings with a payload-logging key.
fn dlp() -> DlpSettings {
    DlpSettings {
        ai_context_analysis: true,
        ocr: false,
        payload_logging: PayloadLogging {
            updated_at: Some("2026-10-02T14:05:11Z".into()),
            masking_level: Some(MaskingLevel::Partial),
            public_key: Some(PUBLIC_KEY.into()),
        },
    }
}

/// Both panels loaded with `zone` and [`dlp`], the zone panel focused.
fn with_zone(zone: CsamSetting) -> AppState {
    let now = Instant::now();
    let mut state = AppState::new(
        context(),
        Some(ZONE_ID.into()),
        Some(ACCOUNT_ID.into()),
        now,
    );
    state.gate = Gate::Open;
    state.zone.zone_name = Some("shop.acme-corp.com".into());
    state.account.account_name = Some("Acme Corp".into());
    if zone.editable == Some(false) {
        state.zone.read_only = Some("Locked by Trust & Safety".into());
    }
    state.zone.remote.succeed(zone, now);
    state.account.remote.succeed(dlp(), now);
    state
}

pub fn normal() -> AppState {
    with_zone(valid_zone())
}

pub fn locked() -> AppState {
    let mut state = with_zone(locked_zone());
    state.zone.selected = 1;
    state
}

/// Read-only mode (`--read-only`): both panels locked, the header says so.
pub fn read_only_mode() -> AppState {
    let now = Instant::now();
    let context = Context {
        read_only: true,
        ..context()
    };
    let mut state = AppState::new(context, Some(ZONE_ID.into()), Some(ACCOUNT_ID.into()), now);
    state.gate = Gate::Open;
    state.zone.zone_name = Some("shop.acme-corp.com".into());
    state.account.account_name = Some("Acme Corp".into());
    state.zone.remote.succeed(valid_zone(), now);
    state.account.remote.succeed(dlp(), now);
    state.focus = Panel::Account;
    state
}

/// A token without the write permission; the long reason must not be cut.
pub fn missing_permission() -> AppState {
    let mut state = normal();
    state.zone.read_only = Some("the token lacks 'Zone Settings Write'".into());
    state
}

pub fn pending() -> AppState {
    let mut state = with_zone(pending_zone());
    state.zone.zone_name = Some("images.acme-corp.com".into());
    state.zone.selected = 2;
    state
}

/// A staged email and a toggled source on the tallest zone.
pub fn dirty() -> AppState {
    let mut state = pending();
    state.zone.form.email = Some("abuse@acme-corp.com".into());
    state.zone.form.sources.insert("iwf".into(), false);
    state.zone.selected = 5;
    state
}

pub fn saving() -> AppState {
    let mut state = dirty();
    state.zone.sent = Some(state.zone.form.clone());
    state.zone.remote.inflight = Some(Inflight {
        id: 7,
        kind: InflightKind::Save,
        since: state.now - Duration::from_millis(1_300),
        retry: None,
    });
    state
}

/// A save the server refused, naming the email; the edits stay on screen.
pub fn save_failed() -> AppState {
    let mut state = normal();
    state.zone.form.email = Some("abuse@acme-corp.example".into());
    state
        .zone
        .form
        .sources
        .insert("ncmec_industry".into(), true);
    state.zone.selected = 1;
    let error = ApiError::Validation {
        code: 1007,
        message: "the notification email's domain does not accept mail".into(),
        pointer: Some("/value/email".into()),
    };
    state.zone.field_error = Some((ZoneRow::Email, error.to_string()));
    state.status = Some(Status {
        text: format!("Could not save the zone setting: {error}. Your edits are kept."),
        kind: StatusKind::Error,
        at: state.now,
        about: None,
    });
    state.zone.remote.failure = Some(Failure {
        error,
        kind: InflightKind::Save,
    });
    state
}

pub fn account_focused() -> AppState {
    let mut state = normal();
    state.focus = Panel::Account;
    state.account.selected = 2;
    state.account.form.masking_level = Some(MaskingLevel::Full);
    state.status = Some(Status {
        text: "Saved the DLP settings.".into(),
        kind: StatusKind::Success,
        at: state.now,
        about: None,
    });
    state
}

pub fn reset_dialog() -> AppState {
    let mut state = account_focused();
    state.account.selected = 3;
    state.dialog = Some(Dialog::ConfirmReset {
        account_id: ACCOUNT_ID.into(),
        changes: vec![
            ("AI context analysis".into(), "on".into(), "off".into()),
            ("OCR".into(), "off".into(), "off".into()),
            ("Masking level".into(), "partial".into(), "default".into()),
            (
                "Payload logging".into(),
                "on (key set)".into(),
                "off (no key)".into(),
            ),
            ("Unsaved edits".into(), "1".into(), "discarded".into()),
        ],
        confirm_selected: false,
    });
    state
}

pub fn quit_dialog() -> AppState {
    let mut state = dirty();
    state.account.form.ocr = Some(true);
    state.dialog = Some(Dialog::ConfirmQuit {
        confirm_selected: true,
    });
    state
}

pub fn help() -> AppState {
    let mut state = normal();
    state.help = true;
    state
}

pub fn editing() -> AppState {
    let mut state = normal();
    state.zone.selected = 1;
    state.zone.editor = Some(EmailEditor {
        input: Input::new("abuse@acme-corp".into()),
        problem: Some("has no valid domain after the '@' (\"acme-corp\")".into()),
    });
    state
}

pub fn loading() -> AppState {
    let now = Instant::now();
    let mut state = AppState::new(
        context(),
        Some(ZONE_ID.into()),
        Some(ACCOUNT_ID.into()),
        now,
    );
    state.gate = Gate::Open;
    state.zone.remote.inflight = Some(Inflight {
        id: 1,
        kind: InflightKind::Load,
        since: now - Duration::from_millis(420),
        retry: None,
    });
    state.account.remote.inflight = Some(Inflight {
        id: 2,
        kind: InflightKind::Load,
        since: now - Duration::from_millis(380),
        retry: None,
    });
    state
}

pub fn load_failed() -> AppState {
    let mut state = loading();
    state.zone.remote.inflight = None;
    state.zone.remote.failure = Some(Failure {
        error: ApiError::Connection {
            host: "127.0.0.1".into(),
            detail: "connection refused".into(),
        },
        kind: InflightKind::Load,
    });
    state
}

pub fn no_color(mut state: AppState) -> AppState {
    state.context.no_color = true;
    state
}

/// Every screen the snapshots cover, by name.
pub fn scenarios() -> Vec<(&'static str, AppState)> {
    let mut all = vec![
        ("zone_normal", normal()),
        ("zone_locked", locked()),
        ("zone_missing_permission", missing_permission()),
        ("read_only_mode", read_only_mode()),
        ("zone_pending_email", pending()),
        ("zone_dirty_form", dirty()),
        ("zone_saving", saving()),
        ("zone_save_failed", save_failed()),
        ("zone_editing_email", editing()),
        ("account_focused", account_focused()),
        ("reset_confirmation", reset_dialog()),
        ("quit_confirmation", quit_dialog()),
        ("help_overlay", help()),
        ("loading", loading()),
        ("load_failed", load_failed()),
    ];
    all.extend(super::overlays::scenarios());
    all
}
