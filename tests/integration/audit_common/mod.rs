//! Shared set-up for the audit log tests: sample targets, bodies and replies,
//! and a log in a fresh temporary folder with a clock the test sets.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use trustdeck::api::Reply;
use trustdeck::api::model::{
    CsamPatch, CsamPatchValue, CsamSetting, CsamValue, DlpSettings, EmailState, MaskingLevel,
    PayloadLogging, ResponseInfo,
};
use trustdeck::audit::{AuditLog, Command, Intent, Origin, Outcome, Pending, Rotation, Target};

pub const ZONE_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ACCOUNT_ID: &str = "01a7362d577a6c3019a474fd6f485823";
pub const BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// A temporary folder and the audit log inside it (in a subfolder the log
/// creates), with a clock that stays where the test puts it.
pub struct Scratch {
    /// Kept so the folder lives as long as the test.
    pub dir: tempfile::TempDir,
    /// Unix seconds the log's clock reads.
    pub clock: Arc<AtomicI64>,
    /// The log under test.
    pub log: AuditLog,
}

/// 2025-06-01 10:00:00 UTC.
pub const T0: i64 = 1_748_772_000;

impl Scratch {
    pub fn new() -> Self {
        Self::with(Rotation::default())
    }

    pub fn with(rotation: Rotation) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(AtomicI64::new(T0));
        let seen = clock.clone();
        let log = AuditLog::new(
            dir.path().join("trustdeck/audit.jsonl"),
            Some("work"),
            BASE_URL,
        )
        .with_rotation(rotation)
        .with_clock(move || {
            OffsetDateTime::from_unix_timestamp(seen.load(Ordering::SeqCst)).unwrap()
        });
        Self { dir, clock, log }
    }

    pub fn set_time(&self, unix: i64) {
        self.clock.store(unix, Ordering::SeqCst);
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Every file of the log, current and rotated, concatenated.
    pub fn all_text(&self) -> String {
        let mut text = String::new();
        for path in files(self.path()) {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
        }
        text
    }
}

/// The log's files that exist: `.9 … .1`, then the current one.
pub fn files(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = (1..=9)
        .rev()
        .map(|n| trustdeck::audit::rotated_path(path, n))
        .filter(|p| p.exists())
        .collect();
    if path.exists() {
        out.push(path.to_owned());
    }
    out
}

pub fn zone() -> Target {
    Target::zone(ZONE_ID, Some("example.com")).in_account(ACCOUNT_ID, Some("Acme Corp"))
}

pub fn account() -> Target {
    Target::account(ACCOUNT_ID, Some("Acme Corp"))
}

pub fn csam_before() -> CsamSetting {
    CsamSetting {
        id: Some("csam_scanner".into()),
        editable: Some(true),
        modified_on: None,
        value: CsamValue {
            email: Some("**********".into()),
            email_state: Some(EmailState::Valid),
            enabled: Some(false),
            sources: BTreeMap::from([("ncmec".into(), true)]),
            zone_plan: Some("ent".into()),
        },
    }
}

/// Scanning on and a new notification email.
pub fn csam_patch(email: &str) -> CsamPatch {
    CsamPatch::of(CsamPatchValue {
        email: Some(email.into()),
        enabled: Some(true),
        ..CsamPatchValue::default()
    })
}

/// What the server answers to [`csam_patch`]: the email masked and pending,
/// scanning kept off until it is verified.
pub fn csam_reply() -> Reply<CsamSetting> {
    let mut result = csam_before();
    result.value.email_state = Some(EmailState::Pending);
    Reply {
        result,
        messages: vec![ResponseInfo {
            code: 1402,
            message: "Scanning stays off until the notification email is verified".into(),
            documentation_url: None,
            source: None,
        }],
        result_info: None,
    }
}

pub fn dlp(ocr: bool, key: Option<&str>) -> DlpSettings {
    DlpSettings {
        ai_context_analysis: false,
        ocr,
        payload_logging: PayloadLogging {
            updated_at: None,
            masking_level: Some(MaskingLevel::Full),
            public_key: key.map(str::to_owned),
        },
    }
}

/// Records a whole CSAM write (intent and applied outcome) for `zone`.
pub fn record_csam(log: &AuditLog, zone: Target) -> Pending {
    let intent = Intent::csam_patch(
        Origin::headless(Command::CsamSet),
        zone,
        &csam_patch("alice@acme-corp.com"),
        Some(&csam_before()),
    );
    let pending = log.record_intent(&intent).unwrap();
    log.record_outcome(&pending, &Outcome::csam(&Ok(csam_reply())))
        .unwrap();
    pending
}
