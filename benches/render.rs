//! Render and reducer costs: a full frame on a TestBackend at 80x24 and
//! 120x40 (the settings page, and the fleet page holding 10,000 zones), one
//! key through the reducer, and a fleet filter key over 10,000 zones.
//!
//!     cargo bench --bench render

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use trustdeck::api::model::{
    CsamSetting, CsamValue, DlpSettings, EmailState, MaskingLevel, PayloadLogging,
};
use trustdeck::fleet::Quick;
use trustdeck::message::Msg;
use trustdeck::state::{AppState, Context, Gate};

#[path = "support/fleet.rs"]
mod fleet;
use fleet::fleet_state;

/// Zones on the fleet page in the fleet benches.
const FLEET_ZONES: usize = 10_000;

fn loaded_state() -> AppState {
    let now = Instant::now();
    let context = Context {
        base_url: "http://127.0.0.1:8787/client/v4".into(),
        demo: Some("127.0.0.1:8787".into()),
        auth: "API token".into(),
        ..Context::default()
    };
    let mut state = AppState::new(context, Some("zone".into()), Some("account".into()), now);
    state.gate = Gate::Open;
    state.settings.zone.name = Some("images.acme-corp.com".into());
    state.settings.account.name = Some("Acme Corp".into());
    let sources = ["ncmec_ngo", "ncmec_industry", "iwf", "tech_coalition"];
    state.settings.zone.remote.succeed(
        CsamSetting {
            id: Some("csam_scanner".into()),
            editable: Some(true),
            modified_on: None,
            value: CsamValue {
                email: Some("**********".into()),
                email_state: Some(EmailState::Pending),
                enabled: Some(true),
                sources: sources
                    .iter()
                    .map(|s| (s.to_string(), true))
                    .collect::<BTreeMap<_, _>>(),
                zone_plan: Some("ent".into()),
            },
        },
        now,
    );
    state.settings.account.remote.succeed(
        DlpSettings {
            ai_context_analysis: true,
            ocr: true,
            payload_logging: PayloadLogging {
                updated_at: Some("2026-10-02T14:05:11Z".into()),
                masking_level: Some(MaskingLevel::Partial),
                public_key: Some("GIHtZvRL4/paRQ7j/Z6MOygSVnV/KeTxfqoHHzSqvRs=".into()),
            },
        },
        now,
    );
    state
}

fn render(c: &mut Criterion) {
    let state = loaded_state();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        c.bench_function(&format!("full frame {w}x{h}"), |b| {
            b.iter(|| {
                // A cleared buffer forces every cell to be drawn and diffed.
                terminal.clear().unwrap();
                terminal
                    .draw(|f| trustdeck::ui::draw(f, black_box(&state)))
                    .unwrap();
            })
        });
    }
    let fleet = fleet_state(loaded_state(), FLEET_ZONES);
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        c.bench_function(&format!("fleet frame {FLEET_ZONES} zones {w}x{h}"), |b| {
            b.iter(|| {
                terminal.clear().unwrap();
                terminal
                    .draw(|f| trustdeck::ui::draw(f, black_box(&fleet)))
                    .unwrap();
            })
        });
    }
    c.bench_function(
        &format!("fleet filter key over {FLEET_ZONES} zones (o, o)"),
        |b| {
            let mut state = fleet_state(loaded_state(), FLEET_ZONES);
            b.iter(|| {
                let not_scanning = Msg::ToggleQuick(Quick::NotScanning);
                black_box(trustdeck::update::update(&mut state, not_scanning.clone()));
                black_box(trustdeck::update::update(&mut state, not_scanning));
            })
        },
    );
    c.bench_function("reducer: toggle + untoggle", |b| {
        let mut state = loaded_state();
        trustdeck::update::update(&mut state, Msg::Activate);
        assert!(state.is_dirty(), "the bench must exercise a real toggle");
        trustdeck::update::update(&mut state, Msg::Activate);
        b.iter(|| {
            black_box(trustdeck::update::update(&mut state, Msg::Activate));
            black_box(trustdeck::update::update(&mut state, Msg::Activate));
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
