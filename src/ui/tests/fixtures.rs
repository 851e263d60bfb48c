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
use crate::outcome::{Field, FieldChange, Value};
use crate::state::{
    AppState, Context, Dialog, Failure, FieldEditor, Gate, InflightKind, Notice, Panel, ReadOnly,
    Route, Status, StatusKind, ZoneRow,
};

/// Files a request in flight for `panel`, sent `ago` before now, as the
/// reducer would: in the request map and on the panel.
fn in_flight(state: &mut AppState, panel: Panel, kind: InflightKind, ago: Duration) {
    let since = state.now - ago;
    let id = state.requests.start(Route::Panel { panel, kind }, since);
    let remote_start = match panel {
        Panel::Zone => state.settings.zone.remote.start(id, kind, since),
        Panel::Account => state.settings.account.remote.start(id, kind, since),
    };
    assert_eq!(remote_start, None);
}

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
    state.settings.zone.name = Some("shop.acme-corp.com".into());
    state.settings.account.name = Some("Acme Corp".into());
    if zone.editable == Some(false) {
        state.settings.zone.read_only = Some(ReadOnly::LockedByTrustAndSafety);
    }
    state.settings.zone.remote.succeed(zone, now);
    state.settings.account.remote.succeed(dlp(), now);
    state
}

pub fn normal() -> AppState {
    with_zone(valid_zone())
}

pub fn locked() -> AppState {
    let mut state = with_zone(locked_zone());
    state.settings.zone.selected = 1;
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
    state.settings.zone.name = Some("shop.acme-corp.com".into());
    state.settings.account.name = Some("Acme Corp".into());
    state.settings.zone.remote.succeed(valid_zone(), now);
    state.settings.account.remote.succeed(dlp(), now);
    state.settings.focus = Panel::Account;
    state
}

/// A token without the write permission; the long reason must not be cut.
pub fn missing_permission() -> AppState {
    let mut state = normal();
    state.settings.zone.read_only = Some(ReadOnly::MissingPermission {
        name: Some("Zone Settings Write".into()),
    });
    state
}

pub fn pending() -> AppState {
    let mut state = with_zone(pending_zone());
    state.settings.zone.name = Some("images.acme-corp.com".into());
    state.settings.zone.selected = 2;
    state
}

/// A staged email and a toggled source on the tallest zone.
pub fn dirty() -> AppState {
    let mut state = pending();
    state.settings.zone.form.email = Some("abuse@acme-corp.com".into());
    state.settings.zone.form.sources.insert("iwf".into(), false);
    state.settings.zone.selected = 5;
    state
}

pub fn saving() -> AppState {
    let mut state = dirty();
    state.settings.zone.sent = Some(state.settings.zone.form.clone());
    in_flight(
        &mut state,
        Panel::Zone,
        InflightKind::Save,
        Duration::from_millis(1_300),
    );
    state
}

/// A save the server refused, naming the email; the edits stay on screen.
pub fn save_failed() -> AppState {
    let mut state = normal();
    state.settings.zone.form.email = Some("abuse@acme-corp.example".into());
    state
        .settings
        .zone
        .form
        .sources
        .insert("ncmec_industry".into(), true);
    state.settings.zone.selected = 1;
    let error = ApiError::Validation {
        code: 1007,
        message: "the notification email's domain does not accept mail".into(),
        pointer: Some("/value/email".into()),
    };
    state.settings.zone.field_error = Some((ZoneRow::Email, error.to_string()));
    state.status = Some(Status {
        notice: Notice::Text(format!(
            "Could not save the zone setting: {error}. Your edits are kept."
        )),
        kind: StatusKind::Error,
        at: state.now,
        about: None,
    });
    state.settings.zone.remote.failure = Some(Failure {
        error,
        kind: InflightKind::Save,
    });
    state
}

pub fn account_focused() -> AppState {
    let mut state = normal();
    state.settings.focus = Panel::Account;
    state.settings.account.selected = 2;
    state.settings.account.form.masking_level = Some(MaskingLevel::Full);
    state.status = Some(Status {
        notice: Notice::Text("Saved the DLP settings.".into()),
        kind: StatusKind::Success,
        at: state.now,
        about: None,
    });
    state
}

pub fn reset_dialog() -> AppState {
    let mut state = account_focused();
    state.settings.account.selected = 3;
    state.dialog = Some(Dialog::ConfirmReset {
        account_id: ACCOUNT_ID.into(),
        changes: vec![
            change(
                Field::AiContextAnalysis,
                Value::Bool(true),
                Value::Bool(false),
            ),
            change(Field::Ocr, Value::Bool(false), Value::Bool(false)),
            change(
                Field::MaskingLevel,
                Value::Text("partial".into()),
                Value::Text("default".into()),
            ),
            change(Field::PayloadLogging, Value::Bool(true), Value::Bool(false)),
        ],
        staged: 1,
        confirm_selected: false,
    });
    state
}

fn change(field: Field, now: Value, after: Value) -> FieldChange {
    FieldChange { field, now, after }
}

pub fn quit_dialog() -> AppState {
    let mut state = dirty();
    state.settings.account.form.ocr = Some(true);
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
    state.settings.zone.selected = 1;
    state.settings.zone.editor = Some(FieldEditor {
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
    in_flight(
        &mut state,
        Panel::Zone,
        InflightKind::Load,
        Duration::from_millis(420),
    );
    in_flight(
        &mut state,
        Panel::Account,
        InflightKind::Load,
        Duration::from_millis(380),
    );
    state
}

pub fn load_failed() -> AppState {
    let mut state = loading();
    let loading = state.settings.zone.remote.cancel_load();
    if let Some(id) = loading {
        state.requests.forget(id);
    }
    state.settings.zone.remote.failure = Some(Failure {
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
    all.extend(super::fleet::scenarios());
    all.extend(super::accounts::scenarios());
    all.extend(super::bulk::scenarios());
    all.extend(super::audit::scenarios());
    all
}
