//! What may go into the audit log, and how: the fields of a typed request
//! body or a server answer, with emails and keys cut down, and a filter for
//! any other text (names, messages) that strips what looks like an email
//! address or a credential.

use crate::api::model::{CsamPatch, CsamSetting, DlpSettings, DlpUpdate};

use super::record::{FieldValue, Fields};

/// The most characters of a message, profile or target name the log keeps.
pub const TEXT_MAX: usize = 300;
/// Runs of credential-like characters at least this long are taken for a
/// credential (a Cloudflare API token has 40, a global API key 37) and cut.
/// Zone and account ids have 32, so they survive.
const TOKEN_RUN: usize = 33;
/// What replaces a credential-like run.
const REDACTED: &str = "[redacted]";

/// A typed email address as the log keeps it: only its domain, `…@acme-corp.com`
/// (`…` alone when there is no domain). The local part never reaches the file.
pub fn typed_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((_, domain)) => {
            let domain: String = domain
                .chars()
                .filter(|&c| is_domain(c))
                .flat_map(char::to_lowercase)
                .collect();
            let domain = redact_text(&domain, 253);
            if domain.is_empty() {
                "…".to_owned()
            } else {
                format!("…@{domain}")
            }
        }
        None => "…".to_owned(),
    }
}

/// An email as the server showed it: kept when masked (`**********`, or a
/// masked local part with its domain); a server that showed it unmasked has it
/// cut like a typed one, so a stored address never reaches the file.
pub fn shown_email(email: &str) -> String {
    let email = email.trim();
    let masked = |text: &str| text.chars().all(|c| matches!(c, '*' | '•' | '·' | '…'));
    match email.rsplit_once('@') {
        Some((local, domain)) if masked(local) => {
            let kept = typed_email(&format!("x@{domain}"));
            format!("{local}{}", kept.trim_start_matches('…'))
        }
        Some(_) => typed_email(email),
        None if masked(email) => email.chars().take(64).collect(),
        None => "…".to_owned(),
    }
}

pub use crate::api::text::key_fingerprint;
use crate::api::text::one_line;

/// Any other text (a name, Cloudflare's message, an error line) made safe and
/// small: one line without control characters, email addresses cut to their
/// domain, runs that look like a credential replaced by `[redacted]`, at most
/// `max` characters (then `…`).
pub fn redact_text(text: &str, max: usize) -> String {
    // Whole, so that a credential is cut before the text is clipped.
    let line = one_line(text, usize::MAX);
    let without_emails = cut_email_locals(&line);
    let without_tokens = cut_token_runs(&without_emails);
    clip(&without_tokens, max)
}

/// The fields a CSAM patch sends, as the log keeps them. The feature `id` is
/// not a field; a typed email keeps only its domain.
pub fn csam_sent(patch: &CsamPatch) -> Fields {
    let mut pairs = Vec::new();
    if let Some(value) = &patch.value {
        if let Some(enabled) = value.enabled {
            pairs.push(("enabled".to_owned(), FieldValue::Bool(enabled)));
        }
        if let Some(email) = &value.email {
            pairs.push(("email".to_owned(), FieldValue::Text(typed_email(email))));
        }
        if value.resend_email {
            pairs.push(("resend_email".to_owned(), FieldValue::Bool(true)));
        }
        for (name, on) in value.sources.iter().flatten() {
            pairs.push((source_key(name), FieldValue::Bool(*on)));
        }
    }
    Fields::from_pairs(pairs)
}

/// A CSAM setting as the server returned it, as the log keeps it.
pub fn csam_shown(setting: &CsamSetting) -> Fields {
    let value = &setting.value;
    let mut pairs = Vec::new();
    if let Some(enabled) = value.enabled {
        pairs.push(("enabled".to_owned(), FieldValue::Bool(enabled)));
    }
    if let Some(email) = &value.email {
        pairs.push(("email".to_owned(), FieldValue::Text(shown_email(email))));
    }
    if let Some(state) = &value.email_state {
        let state = redact_text(state.as_str(), 40);
        pairs.push(("email_state".to_owned(), FieldValue::Text(state)));
    }
    for (name, on) in &value.sources {
        pairs.push((source_key(name), FieldValue::Bool(*on)));
    }
    Fields::from_pairs(pairs)
}

/// The fields a DLP update sends, as the log keeps them: a public key only
/// as its fingerprint.
pub fn dlp_sent(update: &DlpUpdate) -> Fields {
    let mut pairs = Vec::new();
    if let Some(on) = update.ai_context_analysis {
        pairs.push(("ai_context_analysis".to_owned(), FieldValue::Bool(on)));
    }
    if let Some(on) = update.ocr {
        pairs.push(("ocr".to_owned(), FieldValue::Bool(on)));
    }
    if let Some(logging) = &update.payload_logging {
        if let Some(level) = &logging.masking_level {
            let level = redact_text(level.as_str(), 40);
            pairs.push((MASKING_KEY.to_owned(), FieldValue::Text(level)));
        }
        if let Some(key) = &logging.public_key {
            pairs.push((KEY_KEY.to_owned(), FieldValue::Text(key_fingerprint(key))));
        }
    }
    Fields::from_pairs(pairs)
}

/// DLP settings as the server returned them, as the log keeps them; no
/// public key reads as `""` (payload logging off).
pub fn dlp_shown(settings: &DlpSettings) -> Fields {
    let logging = &settings.payload_logging;
    let mut pairs = vec![
        (
            "ai_context_analysis".to_owned(),
            FieldValue::Bool(settings.ai_context_analysis),
        ),
        ("ocr".to_owned(), FieldValue::Bool(settings.ocr)),
    ];
    if let Some(level) = &logging.masking_level {
        let level = redact_text(level.as_str(), 40);
        pairs.push((MASKING_KEY.to_owned(), FieldValue::Text(level)));
    }
    let key = key_fingerprint(logging.public_key.as_deref().unwrap_or_default());
    pairs.push((KEY_KEY.to_owned(), FieldValue::Text(key)));
    Fields::from_pairs(pairs)
}

const MASKING_KEY: &str = "payload_logging.masking_level";
const KEY_KEY: &str = "payload_logging.public_key";

fn source_key(name: &str) -> String {
    format!("sources.{}", redact_text(name, 64))
}

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || "._%+-!#$&'*=?^`{|}~/".contains(c)
}

fn is_domain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// Replaces the local part of every `local@domain` with `…`.
fn cut_email_locals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut emitted = 0;
    for at in 0..chars.len() {
        if chars[at] != '@' || at < emitted {
            continue;
        }
        let mut start = at;
        while start > emitted && is_local(chars[start - 1]) {
            start -= 1;
        }
        let has_domain = chars.get(at + 1).is_some_and(|c| c.is_alphanumeric());
        if start == at || !has_domain {
            continue;
        }
        out.extend(&chars[emitted..start]);
        out.push('…');
        emitted = at;
    }
    out.extend(&chars[emitted..]);
    out
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=')
}

/// Replaces every run of at least [`TOKEN_RUN`] credential-like characters.
fn cut_token_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= TOKEN_RUN {
            out.push_str(REDACTED);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_only_their_domain() {
        assert_eq!(typed_email("Alice.Smith@Acme-Corp.com"), "…@acme-corp.com");
        assert_eq!(typed_email("no-at-sign"), "…");
        assert_eq!(typed_email("a@"), "…");
        assert_eq!(shown_email("**********"), "**********");
        assert_eq!(shown_email("****@acme.com"), "****@acme.com");
        assert_eq!(shown_email("bob@acme.com"), "…@acme.com");
        assert_eq!(shown_email("bob"), "…");
    }

    #[test]
    fn text_loses_emails_and_credential_like_runs() {
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-Xy";
        let text = format!(
            "\"alice@acme.com\" is invalid;\n token {token} zone 023e105f4ecef8ad9ca31a8372d0c353"
        );
        let kept = redact_text(&text, TEXT_MAX);
        assert_eq!(
            kept,
            "\"…@acme.com\" is invalid; token [redacted] zone 023e105f4ecef8ad9ca31a8372d0c353"
        );
        assert_eq!(redact_text("a@b@c.com x@", 50), "…@…@c.com x@");
        assert_eq!(redact_text(&"é".repeat(10), 4), "ééé…");
    }

    #[test]
    fn typed_bodies_become_redacted_fields() {
        use crate::api::model::{CsamPatchValue, PayloadLoggingUpdate};
        let patch = CsamPatch::of(CsamPatchValue {
            email: Some("alice@acme-corp.com".into()),
            resend_email: true,
            ..CsamPatchValue::default()
        });
        let sent = csam_sent(&patch);
        let text = |t: &str| Some(FieldValue::Text(t.into()));
        assert_eq!(sent.get("email").cloned(), text("…@acme-corp.com"));
        assert_eq!(sent.get("resend_email"), Some(&FieldValue::Bool(true)));
        assert_eq!(sent.get("enabled"), None, "only what is sent");
        let update = DlpUpdate {
            payload_logging: Some(PayloadLoggingUpdate {
                masking_level: None,
                public_key: Some(String::new()),
            }),
            ..DlpUpdate::default()
        };
        let sent = dlp_sent(&update);
        assert_eq!(sent.get("payload_logging.public_key").cloned(), text(""));
        let mut setting = CsamSetting::default();
        setting.value.email = Some("bob@acme-corp.com".into());
        assert_eq!(
            csam_shown(&setting).get("email").cloned(),
            text("…@acme-corp.com")
        );
    }

    #[test]
    fn keys_keep_a_fingerprint() {
        assert_eq!(
            key_fingerprint("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA AQAB"),
            "SHA256:9a46a2a70aec47f1"
        );
        assert_eq!(key_fingerprint(""), "");
    }
}
