//! `trustdeck csam get ZONE` and `trustdeck csam set ZONE …`.
//!
//! `set` checks every flag before any request, reads the setting, and sends
//! one PATCH of only what differs from it (the email and a re-send are
//! always sent: the server shows the address masked, and a re-send is an
//! action). Nothing differs: it says so and sends nothing. What the server
//! will make of it that an admin may not expect (scanning kept off, a zone
//! left scanning nothing, a new email stopping scanning) is said on stderr
//! before the PATCH; a new email on a scanning zone is asked first, or
//! needs `--yes` without a terminal, as `fleet apply` does.

use std::collections::BTreeMap;

use crate::api::model::{CsamPatch, CsamPatchValue, CsamSetting, EmailState};
use crate::api::validate;
use crate::audit::{Command, Intent, Origin, Outcome};
use crate::cli::{CsamGetArgs, CsamSetArgs};
use crate::doc::{self, Blocked, CsamSent, CsamWriteBody, Kind};
use crate::outcome::{
    Adjustment, Field, SaveWarning, Value as FieldValue, csam_outcome, csam_warnings,
};

use super::fleet_confirm::{Answer, confirm};
use super::output::{clean, fields, on_off, print, print_doc, warn};
use super::resolve::{self, ZoneRef};
use super::write::{self, Report};
use super::{Context, Exit, Failure};

/// `csam get`: the setting as a few lines, or as one `csam_setting` document.
pub async fn get(ctx: &Context, args: &CsamGetArgs) -> Result<Exit, Failure> {
    let zone = resolve::zone(ctx, &args.zone).await?;
    let setting = read(ctx, &zone).await?;
    if args.json {
        let body = doc::CsamSettingBody::new(zone.doc(), doc::CsamSetting::from_api(&setting));
        print_doc(Kind::CsamSetting, body);
    } else {
        let log = ctx.audit();
        let zone_id = zone.id.clone();
        let changed =
            tokio::task::spawn_blocking(move || crate::audit::last_change(log.path(), &zone_id))
                .await
                .ok()
                .flatten();
        print(&setting_text(&zone, &setting, changed));
    }
    Ok(Exit::Done)
}

async fn read(ctx: &Context, zone: &ZoneRef) -> Result<CsamSetting, Failure> {
    let reply = ctx
        .call(
            || format!("reading the CSAM Scanner setting of {}", zone.label()),
            ctx.client.get_csam(&zone.id),
        )
        .await?;
    Ok(reply.result)
}

/// What `csam set` reports.
type CsamReport = Report<doc::CsamSetting, CsamSent>;

/// The `csam_write` document of `report`.
fn document(zone: &ZoneRef, report: &CsamReport) -> CsamWriteBody {
    CsamWriteBody {
        zone: zone.doc(),
        dry_run: report.dry_run,
        result: report.result(),
        before: report.before.clone(),
        sent: report.sent.clone(),
        after: report.after.clone(),
        adjusted: report.adjusted(),
        notes: report.outcome.notes.clone(),
        messages: report.messages(),
        warnings: report.warnings.clone(),
        blocked: report.blocked,
    }
}

fn setting_text(zone: &ZoneRef, setting: &CsamSetting, changed: Option<String>) -> String {
    let value = &setting.value;
    let editable = match setting.editable {
        Some(true) => "yes".to_owned(),
        Some(false) => "no: locked by Trust & Safety".to_owned(),
        None => "not reported".to_owned(),
    };
    let email = match (&value.email, &value.email_state) {
        (Some(email), Some(state)) if !email.is_empty() => format!("{email} ({state})"),
        (Some(email), None) if !email.is_empty() => email.clone(),
        (_, Some(state)) => format!("none ({state})"),
        (_, None) => "none".to_owned(),
    };
    let sources = if value.sources.is_empty() {
        "none".to_owned()
    } else {
        value
            .sources
            .iter()
            .map(|(name, on)| format!("{name} {}", on_off(Some(*on))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let account = zone
        .account
        .as_ref()
        .map(|(id, name)| name.clone().unwrap_or_else(|| id.clone()))
        .unwrap_or_else(|| "not reported".to_owned());
    let mut rows = vec![
        ("Zone", zone.name.clone().unwrap_or_else(|| "-".to_owned())),
        ("Id", zone.id.clone()),
        ("Account", account),
        (
            "Plan",
            value.zone_plan.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("Editable", editable),
        ("Scanning", on_off(value.enabled).to_owned()),
        ("Email", email),
        ("Sources", sources),
    ];
    // The API leaves modified_on empty; trustdeck's own last write stands in.
    if let Some(modified) = setting.modified_on.clone().or(changed) {
        rows.push(("Modified", modified));
    }
    fields(&rows)
}

/// What `csam set` was asked, checked before anything is sent.
#[derive(Debug)]
struct Wanted {
    /// `--enable` or `--disable`.
    enabled: Option<bool>,
    /// `--email`, checked like the dashboard checks it.
    email: Option<String>,
    /// Every `--source NAME=on|off`, once each.
    sources: BTreeMap<String, bool>,
    /// `--resend`.
    resend: bool,
}

fn wanted(args: &CsamSetArgs) -> Result<Wanted, Failure> {
    let enabled = match (args.enable, args.disable) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    if let Some(email) = &args.email {
        validate::email(email)
            .map_err(|reason| Failure::Usage(format!("--email: the address {reason}")))?;
    }
    let mut sources = BTreeMap::new();
    for switch in &args.sources {
        if sources.insert(switch.name.clone(), switch.on) == Some(!switch.on) {
            return Err(Failure::Usage(format!(
                "--source {} is given both on and off",
                clean(&switch.name)
            )));
        }
    }
    if enabled.is_none() && args.email.is_none() && sources.is_empty() && !args.resend {
        return Err(Failure::Usage(
            "nothing to set: give --enable, --disable, --email, --source NAME=on|off or --resend"
                .to_owned(),
        ));
    }
    Ok(Wanted {
        enabled,
        email: args.email.clone(),
        sources,
        resend: args.resend,
    })
}

/// The PATCH value of what differs from `now`; an unknown source is an
/// error that lists the zone's sources.
fn plan(wanted: &Wanted, now: &CsamSetting, zone: &ZoneRef) -> Result<CsamPatchValue, Failure> {
    let known = &now.value.sources;
    let unknown: Vec<&str> = wanted
        .sources
        .keys()
        .filter(|name| !known.contains_key(*name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = known.keys().map(String::as_str).collect();
        return Err(Failure::Usage(format!(
            "{} has no source {}; its sources are: {}",
            zone.label(),
            unknown
                .iter()
                .map(|n| clean(n))
                .collect::<Vec<_>>()
                .join(", "),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    }
    let sources: BTreeMap<String, bool> = wanted
        .sources
        .iter()
        .filter(|(name, on)| known.get(*name) != Some(on))
        .map(|(name, on)| (name.clone(), *on))
        .collect();
    Ok(CsamPatchValue {
        email: wanted.email.clone(),
        enabled: wanted.enabled.filter(|on| now.value.enabled != Some(*on)),
        resend_email: wanted.resend,
        sources: (!sources.is_empty()).then_some(sources),
    })
}

/// `csam set`: one PATCH of what differs, audited.
pub async fn set(ctx: &Context, args: &CsamSetArgs) -> Result<Exit, Failure> {
    let wanted = wanted(args)?;
    let zone = resolve::zone(ctx, &args.zone).await?;
    let before = read(ctx, &zone).await?;
    let value = plan(&wanted, &before, &zone)?;
    let mut report: CsamReport = Report::new(doc::CsamSetting::from_api(&before));
    let locked = before.editable == Some(false);
    if value.is_empty() {
        write::finish(
            args.json,
            Kind::CsamWrite,
            || document(&zone, &report),
            || {
                format!(
                    "Nothing to change on {}: {}.\n",
                    zone.label(),
                    already(&wanted)
                )
            },
        );
        return Ok(Exit::Done);
    }
    let patch = CsamPatch::of(value.clone());
    report.sent = Some(CsamSent::of(&patch));
    report.warnings = csam_warnings(&before.value, &value);
    if args.dry_run {
        report.dry_run = true;
        report.blocked = if ctx.refuse_if_read_only(String::new).is_err() {
            Some(Blocked::ReadOnly)
        } else if locked {
            Some(Blocked::Locked)
        } else {
            None
        };
        write::finish(
            args.json,
            Kind::CsamWrite,
            || document(&zone, &report),
            || dry_run_text(&zone, &before, &patch, &report),
        );
        return Ok(Exit::Done);
    }
    ctx.refuse_if_read_only(|| {
        format!("it would PATCH {} ({})", zone.label(), sent_words(&value))
    })?;
    if locked {
        return Err(Failure::Locked(format!(
            "{} is locked by Trust & Safety (editable: false): its CSAM Scanner setting cannot \
             be changed here; nothing was sent",
            zone.label()
        )));
    }
    for warning in &report.warnings {
        warn(&warning_words(*warning, &zone));
    }
    if !args.yes && report.warnings.iter().any(|w| w.needs_consent()) {
        let question = format!(
            "Send {} to {}? Scanning stops until it is verified.",
            clean(value.email.as_deref().unwrap_or_default()),
            zone.label()
        );
        let what = format!("send a new notification email to {}", zone.label());
        confirm(ctx, &question, Answer::Yes, None, &what).await?;
    }
    let intent = Intent::csam_patch(
        Origin::headless(Command::CsamSet),
        zone.target(),
        &patch,
        Some(&before),
    );
    let what = format!("the PATCH of {}", zone.label());
    let (zone_id, body) = (zone.id.clone(), patch.clone());
    let reply = write::audited(
        ctx,
        intent,
        &what,
        |client| async move { client.patch_csam(&zone_id, &body).await },
        Outcome::csam,
    )
    .await?;
    let after = reply.result;
    report.outcome = csam_outcome(&value, Some(&before.value), &after, &reply.messages);
    report.after = Some(doc::CsamSetting::from_api(&after));
    let exit = write::exit_of(&report.outcome);
    write::finish(
        args.json,
        Kind::CsamWrite,
        || document(&zone, &report),
        || {
            let mut text = format!("Saved {}:\n", zone.label());
            text.push_str(&change_lines(&before, &after, &value));
            text.push_str(&write::outcome_lines(&report.outcome, |a| {
                adjustment(a, &after)
            }));
            text
        },
    );
    Ok(exit)
}

/// A warning as `csam set` says it on stderr, before anything is sent.
fn warning_words(warning: SaveWarning, zone: &ZoneRef) -> String {
    match warning {
        SaveWarning::EmailStopsScanning => format!(
            "a new notification email turns scanning off on {} until the address is verified \
             (a verification email is sent to it)",
            zone.label()
        ),
        SaveWarning::StaysOff => format!(
            "the notification email of {} is not verified: the server will keep scanning off \
             until it is",
            zone.label()
        ),
        SaveWarning::NoSource => format!(
            "every source of {} will be off while scanning is on: it will scan nothing",
            zone.label()
        ),
    }
}

fn already(wanted: &Wanted) -> String {
    let mut parts = Vec::new();
    if let Some(on) = wanted.enabled {
        parts.push(format!("scanning is already {}", on_off(Some(on))));
    }
    for (name, on) in &wanted.sources {
        parts.push(format!("source {name} is already {}", on_off(Some(*on))));
    }
    parts.join(", ")
}

fn sent_words(value: &CsamPatchValue) -> String {
    let mut parts = Vec::new();
    if let Some(on) = value.enabled {
        parts.push(format!("scanning {}", on_off(Some(on))));
    }
    if value.email.is_some() {
        parts.push("a new notification email".to_owned());
    }
    for (name, on) in value.sources.iter().flatten() {
        parts.push(format!("source {name} {}", on_off(Some(*on))));
    }
    if value.resend_email {
        parts.push("re-send the verification email".to_owned());
    }
    parts.join(", ")
}

fn dry_run_text(
    zone: &ZoneRef,
    before: &CsamSetting,
    patch: &CsamPatch,
    report: &CsamReport,
) -> String {
    let body = serde_json::to_string_pretty(patch).unwrap_or_default();
    let value = &patch.value.clone().unwrap_or_default();
    let mut text = format!(
        "Dry run: would send PATCH /zones/{}/settings/csam_scanner_third_party ({}):\n{body}\n",
        zone.id,
        zone.label()
    );
    for line in planned_lines(before, value) {
        text.push_str(&format!("  {line}\n"));
    }
    for warning in &report.warnings {
        text.push_str(&format!("Warning: {}\n", warning_words(*warning, zone)));
    }
    match report.blocked {
        Some(Blocked::ReadOnly) => {
            text.push_str("A real run would be refused: read-only mode.\n");
        }
        Some(Blocked::Locked) => {
            text.push_str("A real run would be refused: locked by Trust & Safety.\n");
        }
        None => {}
    }
    text.push_str("Nothing was sent.\n");
    text
}

fn planned_lines(before: &CsamSetting, value: &CsamPatchValue) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(on) = value.enabled {
        lines.push(format!(
            "scanning: {} → {}",
            on_off(before.value.enabled),
            on_off(Some(on))
        ));
    }
    if let Some(email) = &value.email {
        lines.push(format!("email: → {} (to be verified)", clean(email)));
    }
    for (name, on) in value.sources.iter().flatten() {
        let was = before.value.sources.get(name).copied();
        lines.push(format!(
            "source {name}: {} → {}",
            on_off(was),
            on_off(Some(*on))
        ));
    }
    if value.resend_email {
        lines.push("verification email: send again".to_owned());
    }
    lines
}

fn change_lines(before: &CsamSetting, after: &CsamSetting, value: &CsamPatchValue) -> String {
    let mut text = String::new();
    // What was asked, when the server left it otherwise: "off → off (asked on)".
    let asked = |wanted: Option<bool>, now: Option<bool>| match wanted {
        Some(wanted) if Some(wanted) != now => format!(" (asked {})", on_off(Some(wanted))),
        _ => String::new(),
    };
    if value.enabled.is_some() || before.value.enabled != after.value.enabled {
        text.push_str(&format!(
            "  scanning: {} → {}{}\n",
            on_off(before.value.enabled),
            on_off(after.value.enabled),
            asked(value.enabled, after.value.enabled)
        ));
    }
    if let Some(email) = &value.email {
        let state = after
            .value
            .email_state
            .as_ref()
            .map_or("not reported", EmailState::as_str);
        text.push_str(&format!("  email: → {} ({state})\n", clean(email)));
    }
    for (name, wanted) in value.sources.iter().flatten() {
        let now = after.value.sources.get(name).copied();
        text.push_str(&format!(
            "  source {name}: {} → {}{}\n",
            on_off(before.value.sources.get(name).copied()),
            on_off(now),
            asked(Some(*wanted), now)
        ));
    }
    if value.resend_email {
        text.push_str("  verification email: asked to send again\n");
    }
    text
}

/// "scanning kept off: email not verified", and the like.
fn adjustment(adjusted: &Adjustment, after: &CsamSetting) -> String {
    let why = match &after.value.email_state {
        Some(EmailState::Valid) => String::new(),
        Some(EmailState::Pending) => ": email not verified yet (pending)".to_owned(),
        _ => ": email not verified".to_owned(),
    };
    match (&adjusted.field, &adjusted.asked, &adjusted.now) {
        (Field::Scanning, Some(_), FieldValue::Bool(false)) => format!("scanning kept off{why}"),
        (Field::Scanning, None, FieldValue::Bool(false)) => format!("scanning turned off{why}"),
        _ => write::adjustment_words(adjusted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::CsamValue;
    use crate::cli::SourceSwitch;

    fn args(enable: bool, sources: &[(&str, bool)]) -> CsamSetArgs {
        CsamSetArgs {
            zone: "z".into(),
            enable,
            disable: false,
            email: None,
            sources: sources
                .iter()
                .map(|(name, on)| SourceSwitch {
                    name: (*name).into(),
                    on: *on,
                })
                .collect(),
            resend: false,
            dry_run: false,
            yes: false,
            json: false,
            connection: Default::default(),
        }
    }

    fn now(enabled: bool) -> CsamSetting {
        CsamSetting {
            editable: Some(true),
            value: CsamValue {
                enabled: Some(enabled),
                sources: BTreeMap::from([("a".into(), true), ("b".into(), false)]),
                ..CsamValue::default()
            },
            ..CsamSetting::default()
        }
    }

    fn zone() -> ZoneRef {
        ZoneRef {
            id: "z".into(),
            name: Some("shop.example.com".into()),
            account: None,
        }
    }

    #[test]
    fn the_plan_holds_only_what_differs() {
        let asked = wanted(&args(true, &[("a", true), ("b", true)])).unwrap();
        let value = plan(&asked, &now(true), &zone()).unwrap();
        assert_eq!(value.enabled, None);
        assert_eq!(value.sources, Some(BTreeMap::from([("b".into(), true)])));
        let same = wanted(&args(true, &[("a", true)])).unwrap();
        assert!(plan(&same, &now(true), &zone()).unwrap().is_empty());
    }

    #[test]
    fn an_unknown_source_lists_the_zones_sources() {
        let asked = wanted(&args(false, &[("nope", true)])).unwrap();
        let error = plan(&asked, &now(true), &zone()).unwrap_err().to_string();
        assert!(
            error.contains("no source nope") && error.contains("a, b"),
            "{error}"
        );
    }

    #[test]
    fn flags_are_checked_before_anything_is_sent() {
        assert!(matches!(wanted(&args(false, &[])), Err(Failure::Usage(_))));
        assert!(wanted(&args(false, &[("a", true), ("a", false)])).is_err());
        let mut bad = args(false, &[]);
        bad.email = Some("not an address".into());
        assert!(wanted(&bad).unwrap_err().to_string().contains("--email"));
    }
}
