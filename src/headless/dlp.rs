//! `trustdeck dlp get ACCOUNT` and `trustdeck dlp set ACCOUNT …`.
//!
//! A payload-logging public key is never printed: tables and JSON show its
//! fingerprint (`SHA256:1109027e4a751e7e`), as everywhere in trustdeck, so a private key
//! pasted by mistake never ends up on a screen or in a CI log.

use serde_json::Value;

use crate::api::model::{DlpSettings, DlpUpdate, MaskingLevel, PayloadLoggingUpdate};
use crate::api::validate;
use crate::audit::{Command, Intent, Origin, Outcome, key_fingerprint};
use crate::cli::{DlpGetArgs, DlpSetArgs, Masking};
use crate::doc::{self, Blocked, DlpSent, DlpWriteBody, Kind};
use crate::files::read_regular_file;
use crate::outcome::dlp_outcome;

use super::output::{fields, on_off, print, print_doc};
use super::resolve::{self, AccountRef};
use super::write::{self, Report};
use super::{Context, Exit, Failure};

/// The largest public-key file read: a base64 RSA-4096 key is under 2 KiB.
const KEY_FILE_MAX: u64 = 16 * 1024;

/// `dlp get`: the settings as a few lines, or as one JSON document.
pub async fn get(ctx: &Context, args: &DlpGetArgs) -> Result<Exit, Failure> {
    let account = resolve::account(ctx, &args.account).await?;
    let settings = read(ctx, &account).await?;
    if args.json {
        let body = doc::DlpSettingBody {
            account: account.doc(),
            setting: doc::DlpSetting::from_api(&settings),
        };
        print_doc(Kind::DlpSetting, body);
    } else {
        print(&settings_text(&account, &settings));
    }
    Ok(Exit::Done)
}

/// The account's settings, read.
pub async fn read(ctx: &Context, account: &AccountRef) -> Result<DlpSettings, Failure> {
    let reply = ctx
        .call(
            || format!("reading the DLP settings of {}", account.label()),
            ctx.client.get_dlp(&account.id),
        )
        .await?;
    Ok(reply.result)
}

/// What `dlp set` reports.
type DlpReport = Report<doc::DlpSetting, DlpSent>;

/// The `dlp_write` document of `report`.
fn document(account: &AccountRef, report: &DlpReport) -> DlpWriteBody {
    DlpWriteBody {
        account: account.doc(),
        dry_run: report.dry_run,
        result: report.result(),
        before: report.before.clone(),
        sent: report.sent.clone(),
        after: report.after.clone(),
        adjusted: report.adjusted(),
        notes: report.outcome.notes.clone(),
        messages: report.messages(),
        blocked: report.blocked,
    }
}

/// The four settings in words, for tables and change lines.
pub fn values(settings: &DlpSettings) -> [(&'static str, String); 4] {
    let logging = &settings.payload_logging;
    let key = logging.public_key.as_deref().filter(|k| !k.is_empty());
    [
        (
            "AI context analysis",
            on_off(Some(settings.ai_context_analysis)).to_owned(),
        ),
        ("OCR", on_off(Some(settings.ocr)).to_owned()),
        (
            "masking level",
            logging
                .masking_level
                .as_ref()
                .map_or_else(|| "not reported".to_owned(), ToString::to_string),
        ),
        (
            "payload logging",
            key.map_or_else(
                || "off".to_owned(),
                |k| format!("on (key {})", key_fingerprint(k)),
            ),
        ),
    ]
}

fn settings_text(account: &AccountRef, settings: &DlpSettings) -> String {
    let [ai, ocr, masking, logging] = values(settings);
    fields(&[
        (
            "Account",
            account.name.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("Id", account.id.clone()),
        ("AI context analysis", ai.1),
        ("OCR", ocr.1),
        ("Payload logging", logging.1),
        ("Masking level", masking.1),
        (
            "Updated",
            settings
                .payload_logging
                .updated_at
                .clone()
                .unwrap_or_else(|| "not reported".to_owned()),
        ),
    ])
}

/// `--public-key-file` or `--no-payload-logging`.
enum KeyWanted {
    /// Payload logging on with this key.
    Set(String),
    /// Payload logging off.
    Off,
}

/// What `dlp set` was asked, checked before anything is sent.
struct Wanted {
    /// `--ai-context`.
    ai_context: Option<bool>,
    /// `--ocr`.
    ocr: Option<bool>,
    /// `--masking`.
    masking: Option<MaskingLevel>,
    /// `--public-key-file` (read and checked) or `--no-payload-logging`.
    key: Option<KeyWanted>,
}

fn wanted(args: &DlpSetArgs) -> Result<Wanted, Failure> {
    let key = match (&args.public_key_file, args.no_payload_logging) {
        (Some(path), _) => {
            let file = read_regular_file(path, KEY_FILE_MAX).map_err(|error| {
                Failure::Usage(format!(
                    "--public-key-file {}: {error}",
                    super::output::clean(&path.display().to_string())
                ))
            })?;
            let text = String::from_utf8(file.bytes)
                .map_err(|_| Failure::Usage("--public-key-file: the file is not text".into()))?;
            let key = text.trim().to_owned();
            validate::public_key(&key)
                .map_err(|reason| Failure::Usage(format!("--public-key-file: the key {reason}")))?;
            Some(KeyWanted::Set(key))
        }
        (None, true) => Some(KeyWanted::Off),
        (None, false) => None,
    };
    let wanted = Wanted {
        ai_context: args.ai_context.map(|v| v.is_on()),
        ocr: args.ocr.map(|v| v.is_on()),
        masking: args.masking.map(level),
        key,
    };
    if wanted.ai_context.is_none()
        && wanted.ocr.is_none()
        && wanted.masking.is_none()
        && wanted.key.is_none()
    {
        return Err(Failure::Usage(
            "nothing to set: give --ai-context, --ocr, --masking, --public-key-file or \
             --no-payload-logging"
                .to_owned(),
        ));
    }
    Ok(wanted)
}

fn level(masking: Masking) -> MaskingLevel {
    match masking {
        Masking::Full => MaskingLevel::Full,
        Masking::Partial => MaskingLevel::Partial,
        Masking::Clear => MaskingLevel::Clear,
        Masking::Default => MaskingLevel::Default,
    }
}

/// The PATCH of what differs from `now`.
fn plan(wanted: &Wanted, now: &DlpSettings) -> DlpUpdate {
    let logging = &now.payload_logging;
    let key_now = logging.public_key.as_deref().unwrap_or("");
    let public_key = match &wanted.key {
        Some(KeyWanted::Set(key)) if key != key_now => Some(key.clone()),
        Some(KeyWanted::Off) if !key_now.is_empty() => Some(String::new()),
        _ => None,
    };
    let masking_level = wanted
        .masking
        .clone()
        .filter(|level| logging.masking_level.as_ref() != Some(level));
    DlpUpdate {
        ai_context_analysis: wanted
            .ai_context
            .filter(|on| *on != now.ai_context_analysis),
        ocr: wanted.ocr.filter(|on| *on != now.ocr),
        payload_logging: (masking_level.is_some() || public_key.is_some()).then_some(
            PayloadLoggingUpdate {
                masking_level,
                public_key,
            },
        ),
    }
}

/// The PATCH body as printed: the key as its fingerprint.
fn update_json(update: &DlpUpdate) -> Value {
    let mut body = serde_json::to_value(update).unwrap_or(Value::Null);
    if let Some(key) = body
        .pointer_mut("/payload_logging/public_key")
        .filter(|k| k.as_str().is_some_and(|k| !k.is_empty()))
    {
        *key = Value::String(key_fingerprint(key.as_str().unwrap_or_default()));
    }
    body
}

/// `dlp set`: one PATCH of what differs, audited.
pub async fn set(ctx: &Context, args: &DlpSetArgs) -> Result<Exit, Failure> {
    let wanted = wanted(args)?;
    let account = resolve::account(ctx, &args.account).await?;
    let before = read(ctx, &account).await?;
    let update = plan(&wanted, &before);
    let mut report: DlpReport = Report::new(doc::DlpSetting::from_api(&before));
    if update.is_empty() {
        write::finish(
            args.json,
            Kind::DlpWrite,
            || document(&account, &report),
            || {
                format!(
                    "Nothing to change on {}: the DLP settings already are as asked.\n",
                    account.label()
                )
            },
        );
        return Ok(Exit::Done);
    }
    report.sent = Some(DlpSent::of(&update));
    if args.dry_run {
        report.dry_run = true;
        report.blocked = ctx
            .refuse_if_read_only(String::new)
            .is_err()
            .then_some(Blocked::ReadOnly);
        write::finish(
            args.json,
            Kind::DlpWrite,
            || document(&account, &report),
            || {
                let body = serde_json::to_string_pretty(&update_json(&update)).unwrap_or_default();
                let mut text = format!(
                    "Dry run: would send PATCH /accounts/{}/dlp/settings ({}):\n{body}\n",
                    account.id,
                    account.label()
                );
                if report.blocked.is_some() {
                    text.push_str("A real run would be refused: read-only mode.\n");
                }
                text.push_str("Nothing was sent.\n");
                text
            },
        );
        return Ok(Exit::Done);
    }
    ctx.refuse_if_read_only(|| format!("it would PATCH the DLP settings of {}", account.label()))?;
    let intent = Intent::dlp_patch(
        Origin::headless(Command::DlpSet),
        account.target(),
        &update,
        Some(&before),
    );
    let what = format!("the PATCH of the DLP settings of {}", account.label());
    let (account_id, body) = (account.id.clone(), update.clone());
    let reply = write::audited(
        ctx,
        intent,
        &what,
        |client| async move { client.patch_dlp(&account_id, &body).await },
        Outcome::dlp,
    )
    .await?;
    let after = reply.result;
    report.outcome = dlp_outcome(&update, &after, &reply.messages);
    report.after = Some(doc::DlpSetting::from_api(&after));
    write::finish(
        args.json,
        Kind::DlpWrite,
        || document(&account, &report),
        || {
            let mut text = format!("Saved the DLP settings of {}:\n", account.label());
            text.push_str(&change_lines(&before, &after));
            text.push_str(&write::outcome_lines(
                &report.outcome,
                write::adjustment_words,
            ));
            text
        },
    );
    Ok(write::exit_of(&report.outcome))
}

/// `  OCR: on → off` for every setting that differs.
pub fn change_lines(before: &DlpSettings, after: &DlpSettings) -> String {
    values(before)
        .into_iter()
        .zip(values(after))
        .filter(|((_, was), (_, now))| was != now)
        .map(|((name, was), (_, now))| format!("  {name}: {was} → {now}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::PayloadLogging;

    fn now(key: Option<&str>) -> DlpSettings {
        DlpSettings {
            ai_context_analysis: true,
            ocr: false,
            payload_logging: PayloadLogging {
                updated_at: None,
                masking_level: Some(MaskingLevel::Partial),
                public_key: key.map(Into::into),
            },
        }
    }

    #[test]
    fn the_plan_holds_only_what_differs() {
        let wanted = Wanted {
            ai_context: Some(true),
            ocr: Some(true),
            masking: Some(MaskingLevel::Partial),
            key: Some(KeyWanted::Off),
        };
        let update = plan(&wanted, &now(None));
        assert_eq!(
            update,
            DlpUpdate {
                ocr: Some(true),
                ..DlpUpdate::default()
            }
        );
        let off = plan(
            &wanted,
            &now(Some("GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=")),
        );
        assert_eq!(
            off.payload_logging.and_then(|p| p.public_key).as_deref(),
            Some("")
        );
    }

    #[test]
    fn a_printed_body_shows_the_key_only_by_its_fingerprint() {
        let key = "GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=";
        let update = DlpUpdate {
            payload_logging: Some(PayloadLoggingUpdate {
                masking_level: None,
                public_key: Some(key.into()),
            }),
            ..DlpUpdate::default()
        };
        let body = update_json(&update).to_string();
        assert!(
            !body.contains(key) && body.contains("SHA256:1109027e4a751e7e"),
            "{body}"
        );
        let setting = doc::to_line(&doc::DlpSetting::from_api(&now(Some(key))));
        assert!(!setting.contains(key), "{setting}");
        let sent = doc::to_line(&DlpSent::of(&update));
        assert!(
            !sent.contains(key) && sent.contains("SHA256:1109027e4a751e7e"),
            "{sent}"
        );
    }
}
