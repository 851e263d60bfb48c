//! `GET|PATCH /zones/{zone_id}/settings/csam_scanner_third_party`: the
//! masked view, strict PATCH validation and the email verification flow.
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::auth::Permission;
use super::body::{json_object, optional_bool};
use super::data::ZoneData;
use super::draft::Draft;
use super::envelope::{ApiError, Info, pointer_segment};
use super::ids::IdPath;
use super::routes::Shared;
use super::setting::{self, Setting};
use super::sources::Sources;
use super::state::{
    CsamSetting, EmailState, OutboxEntry, OutboxKind, State as MockState, format_time, now,
};

/// Message code: `enabled` was kept false because the email is not verified.
pub(crate) const KEPT_OFF: u32 = 1101;
/// Message code: `resend_email` on an already verified email; nothing sent.
pub(crate) const ALREADY_VERIFIED: u32 = 1102;
/// Message code: a verification email went to the new address.
pub(crate) const VERIFICATION_SENT: u32 = 1103;
/// Message code: the verification email was sent again.
pub(crate) const RESENT: u32 = 1104;
/// Error code: the zone is locked by Trust & Safety (403).
pub(crate) const LOCKED: u32 = 1403;

/// What the masked email looks like in every response.
const MASK: &str = "**********";

/// PATCH: validates the whole body first, then applies it in one write.
/// (GET is [`setting::get`].)
pub(crate) async fn patch_setting(
    State(mock): State<Shared>,
    zone_id: IdPath,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let zone = setting::target_to_write::<CsamSetting>(&mock, &headers, zone_id)?;
    let editable = mock
        .store
        .read(|state| state.zones.get(&zone.id).map(|s| s.editable))
        .await;
    if !editable.ok_or_else(|| setting::not_found::<CsamSetting>(zone))? {
        return Err(locked());
    }
    let none = Sources::default();
    let known = mock
        .data
        .settings
        .get(&zone.id)
        .map_or(&none, |s| &s.sources);
    let patch = parse_patch(
        &json_object(&headers, body, mock.body_timeout).await?,
        known,
    )?;
    setting::write(&mock, zone, |setting: &mut CsamSetting, mails| {
        if !setting.editable {
            return Err(locked());
        }
        if patch.resend && patch.email.is_none() && setting.email.is_empty() {
            return Err(ApiError::many(
                StatusCode::BAD_REQUEST,
                vec![Info::invalid(
                    "/value/resend_email",
                    "there is no notification email to verify: set value.email first",
                )],
            ));
        }
        Ok(apply(setting, zone, patch, mails))
    })
    .await
}

impl Setting for CsamSetting {
    type Target = ZoneData;
    const ROUTE: &'static str = "/zones/{}/settings/csam_scanner_third_party";
    const READ: Permission = Permission::ZoneSettingsRead;
    const WRITE: Permission = Permission::ZoneSettingsWrite;

    fn of<'s>(state: &'s MockState, id: &str) -> Option<&'s Self> {
        state.zones.get(id)
    }

    fn of_mut<'d>(draft: &'d mut Draft<'_>, id: &str) -> Option<&'d mut Self> {
        draft.zone_mut(id)
    }

    fn view(&self, zone: &ZoneData) -> impl Serialize {
        view(self, zone)
    }
}

/// The API's view of a setting: `email` masked, `modified_on` null.
fn view(setting: &CsamSetting, zone: &ZoneData) -> Value {
    json!({
        "id": "csam_scanner",
        "editable": setting.editable,
        "modified_on": null,
        "value": {
            "email": if setting.email.is_empty() { "" } else { MASK },
            "email_state": setting.email_state,
            "enabled": setting.enabled,
            "sources": setting.sources,
            "zone_plan": zone.plan,
        }
    })
}

fn locked() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        LOCKED,
        "This zone is locked by Trust & Safety: the CSAM Scanner setting cannot be changed",
    )
}

/// A validated PATCH body.
#[derive(Debug, Default)]
struct Patch {
    /// A new notification address.
    email: Option<String>,
    /// The requested scanning state.
    enabled: Option<bool>,
    /// `resend_email: true`.
    resend: bool,
    /// Sources to switch, all known to the zone.
    sources: Vec<(String, bool)>,
}

/// Checks every field and reports every problem at once (code 1007 with a
/// pointer). Unknown fields are ignored, as the schema allows them.
fn parse_patch(body: &Map<String, Value>, known: &Sources) -> Result<Patch, ApiError> {
    let mut errors = Vec::new();
    let mut patch = Patch::default();
    if let Some(id) = body.get("id")
        && id.as_str() != Some("csam_scanner")
    {
        errors.push(Info::invalid("/id", "id must be \"csam_scanner\""));
    }
    match body.get("value") {
        None => {}
        Some(Value::Object(value)) => parse_value(value, known, &mut patch, &mut errors),
        Some(_) => errors.push(Info::invalid("/value", "value must be an object")),
    }
    ApiError::unless_invalid(patch, errors)
}

fn parse_value(
    value: &Map<String, Value>,
    known: &Sources,
    patch: &mut Patch,
    errors: &mut Vec<Info>,
) {
    match value.get("email") {
        None => {}
        Some(Value::String(email)) => match super::email::check(email) {
            Ok(()) => patch.email = Some(email.clone()),
            Err(reason) => errors.push(Info::invalid("/value/email", format!("email {reason}"))),
        },
        Some(_) => errors.push(Info::invalid("/value/email", "email must be a string")),
    }
    patch.enabled = optional_bool(value, "enabled", "/value/enabled", false, errors);
    patch.resend =
        optional_bool(value, "resend_email", "/value/resend_email", false, errors).unwrap_or(false);
    match value.get("sources") {
        None => {}
        Some(Value::Object(sources)) => {
            for (name, on) in sources {
                let pointer = format!("/value/sources/{}", pointer_segment(name));
                match (known.contains(name), on) {
                    (true, Value::Bool(on)) => patch.sources.push((name.clone(), *on)),
                    (true, _) => errors.push(Info::invalid(
                        pointer,
                        format!("sources.{name} must be true or false"),
                    )),
                    (false, _) => {
                        let names: Vec<&str> = known.iter().map(|(name, _)| name).collect();
                        let message = format!(
                            "unknown source {name:?}: this zone's sources are {}",
                            names.join(", ")
                        );
                        errors.push(Info::invalid(pointer, message));
                    }
                }
            }
        }
        Some(_) => errors.push(Info::invalid(
            "/value/sources",
            "sources must be an object mapping source names to true or false",
        )),
    }
}

/// Applies a validated patch; returns the response's messages and adds
/// the emails it sends to `outbox`.
fn apply(
    setting: &mut CsamSetting,
    zone: &ZoneData,
    patch: Patch,
    outbox: &mut Vec<OutboxEntry>,
) -> Vec<Info> {
    let at = format_time(now());
    let mut messages = Vec::new();
    let mut send = |kind, to: &str| {
        outbox.push(OutboxEntry {
            zone_id: zone.id.to_string(),
            zone_name: zone.name.to_string(),
            to: to.to_owned(),
            kind,
            at: at.clone(),
        });
    };
    // Every PATCH with an email starts a verification, the same address
    // too, as Cloudflare does: sending one twice mails twice.
    if let Some(email) = patch.email {
        setting.email = email;
        setting.email_state = EmailState::Pending;
        setting.pending_since = Some(at.clone());
        send(OutboxKind::Verification, &setting.email);
        messages.push(Info::new(
            VERIFICATION_SENT,
            "A verification email was sent to the new notification address",
        ));
    }
    if patch.resend {
        if setting.email_state == EmailState::Valid {
            messages.push(Info::new(
                ALREADY_VERIFIED,
                "The notification email is already verified; no email was sent",
            ));
        } else {
            if setting.email_state == EmailState::Unverified {
                setting.email_state = EmailState::Pending;
                setting.pending_since = Some(at.clone());
            }
            send(OutboxKind::Resend, &setting.email);
            messages.push(Info::new(RESENT, "The verification email was sent again"));
        }
    }
    for (name, on) in patch.sources {
        setting.sources.insert(&name, on);
    }
    let wanted = patch.enabled.unwrap_or(setting.enabled);
    setting.enabled = wanted && setting.email_state == EmailState::Valid;
    if wanted && !setting.enabled {
        messages.push(Info::new(
            KEPT_OFF,
            "Scanning stays off until the notification email is verified",
        ));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_refused_with_the_mocks_reason() {
        let known = Sources::default();
        for (bad, reason) in [
            ("a@b", "email has no valid domain after the '@' (\"b\")"),
            (
                "ab\u{202E}moc.evil@x.co",
                "email contains the control, invisible or bidirectional-text character U+202E",
            ),
            (
                "a\u{200B}@x.co",
                "email contains the control, invisible or bidirectional-text character U+200B",
            ),
            (
                ".a@x.co",
                "email has a '.' first, last or doubled before the '@'",
            ),
        ] {
            let Value::Object(body) = json!({"value": {"email": bad}}) else {
                unreachable!()
            };
            let err = parse_patch(&body, &known).unwrap_err();
            assert_eq!(err.errors[0].message, reason, "{bad:?}");
            assert_eq!(err.pointers(), ["/value/email"], "{bad:?}");
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let known: Sources = [("ncmec_ngo", true)].into_iter().collect();
        let body = json!({"id": "x", "value": {"email": 5, "enabled": "yes", "sources": {"iwf": true, "ncmec_ngo": 1}}});
        let Value::Object(body) = body else {
            unreachable!()
        };
        let err = parse_patch(&body, &known).unwrap_err();
        let pointers = err.pointers();
        assert_eq!(
            pointers,
            [
                "/id",
                "/value/email",
                "/value/enabled",
                "/value/sources/iwf",
                "/value/sources/ncmec_ngo"
            ]
        );
        assert!(err.errors.iter().all(|e| e.code == 1007));
        assert!(
            err.errors[3].message.contains("ncmec_ngo"),
            "{}",
            err.errors[3].message
        );
    }
}
