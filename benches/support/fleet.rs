//! A fleet page holding a whole scan, for the render bench and the memory
//! example.

use serde_json::json;
use trustdeck::api::Reply;
use trustdeck::api::model::{CsamSetting, Zone};
use trustdeck::fleet::{FleetRow, ScanEvent, unix_now};
use trustdeck::message::{FleetNews, Msg};
use trustdeck::state::{AppState, Page};

/// `state`, then the fleet page showing a whole scan of
/// `zones` zones, fed through the reducer as the engine reports them.
pub fn fleet_state(mut state: AppState, zones: usize) -> AppState {
    trustdeck::update::update(&mut state, Msg::ShowPage(Page::Fleet));
    let news = |event| Msg::Fleet(Box::new(FleetNews::Scan(event)));
    trustdeck::update::update(&mut state, news(ScanEvent::Started { at: unix_now() }));
    trustdeck::update::update(&mut state, news(ScanEvent::Listed { total: zones }));
    for n in 0..zones {
        let plan = ["free", "pro", "business", "enterprise"][n % 4];
        let email_state = ["valid", "valid", "pending", "unverified"][n % 4];
        let zone: Zone = serde_json::from_value(json!({
            "id": format!("{n:032x}"),
            "name": format!("zone-{n:05}.example-{}.com", n % 97),
            "account": {"id": format!("{:032x}", n % 5 + 0xa000), "name": format!("Account {}", n % 5)},
            "plan": {"legacy_id": plan},
        }))
        .unwrap();
        let setting: CsamSetting = serde_json::from_value(json!({
            "id": "csam_scanner",
            "editable": n % 53 != 0,
            "value": {
                "enabled": n % 7 != 0,
                "email": "**********",
                "email_state": email_state,
                "sources": {"ncmec_industry": true, "ncmec_ngo": n % 3 == 0},
            },
        }))
        .unwrap();
        let reply = Reply {
            result: setting,
            messages: Vec::new(),
            result_info: None,
        };
        let row = FleetRow::new(&zone, &Ok(reply), unix_now());
        trustdeck::update::update(&mut state, news(ScanEvent::Row(row)));
    }
    assert_eq!(state.fleet.rows().len(), zones, "every row is in the table");
    state
}
