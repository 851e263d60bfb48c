//! Reducer tests for the credential check, the pickers, the command line
//! and read-only mode.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{
    dlp, loaded, loaded_with, only_op, press, reply, request_ids, setting, text_of,
};
use super::*;
use crate::api::client::ZoneQuery;
use crate::api::model::{
    EmailState, ResultInfo, TokenStatus, TokenVerification, Zone, ZoneAccount,
};
use crate::api::worker::ApiOutput;
use crate::input::map_key;
use crate::state::{Context, Gate, PAGE_SIZE, PickerKind};

fn answer(
    state: &mut AppState,
    commands: &[Command],
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    let id = *request_ids(commands).last().expect("a request");
    update(state, Msg::api(ApiResponse { id, result }))
}

fn token(status: TokenStatus) -> Result<ApiOutput, ApiError> {
    Ok(ApiOutput::Token(reply(TokenVerification {
        id: "t".into(),
        status,
        expires_on: Some("2025-01-01T00:00:00Z".into()),
        not_before: None,
    })))
}

fn fresh(account: Option<&str>) -> (AppState, Vec<Command>) {
    let mut state = AppState::new(
        Context::default(),
        Some("zone1".into()),
        account.map(Into::into),
        Instant::now(),
    );
    // Names known already, so the gate opens only the loads.
    state.settings.zone.name = Some("zone1.example.com".into());
    state.settings.account.name = account.map(|_| "Account One".into());
    let commands = init(&mut state);
    (state, commands)
}

#[test]
fn ids_without_names_are_looked_up_and_the_zone_brings_its_account() {
    let mut state = AppState::new(
        Context::default(),
        Some("zone1".into()),
        None,
        Instant::now(),
    );
    let check = init(&mut state);
    let opened = answer(&mut state, &check, token(TokenStatus::Active));
    let ops: Vec<&ApiOp> = opened
        .iter()
        .filter_map(|c| match c {
            Command::Api(r) => Some(&r.op),
            _ => None,
        })
        .collect();
    assert_eq!(
        ops,
        [
            &ApiOp::GetCsam {
                zone_id: "zone1".into()
            },
            &ApiOp::GetZone {
                zone_id: "zone1".into()
            }
        ]
    );
    let zone = crate::api::model::Zone {
        id: "zone1".into(),
        name: "shop.example.com".into(),
        account: Some(crate::api::model::ZoneAccount {
            id: Some("acct9".into()),
            name: Some("Acme".into()),
        }),
        ..Default::default()
    };
    let lookup = request_ids(&opened)[1];
    let next = update(
        &mut state,
        Msg::api(ApiResponse {
            id: lookup,
            result: Ok(ApiOutput::Zone(reply(zone))),
        }),
    );
    assert_eq!(
        state.settings.zone.name.as_deref(),
        Some("shop.example.com")
    );
    assert_eq!(state.settings.account.id.as_deref(), Some("acct9"));
    assert_eq!(state.settings.account.name.as_deref(), Some("Acme"));
    assert_eq!(
        only_op(&next),
        &ApiOp::GetDlp {
            account_id: "acct9".into()
        },
        "the zone's own account opens, not the first one listed"
    );
}

#[test]
fn a_zone_given_by_name_is_looked_up_first() {
    let mut state = AppState::new(
        Context::default(),
        Some("shop.example.com".into()),
        None,
        Instant::now(),
    );
    let check = init(&mut state);
    let opened = answer(&mut state, &check, token(TokenStatus::Active));
    let ApiOp::ListZones(query) = only_op(&opened) else {
        panic!("{opened:?}")
    };
    assert_eq!(query.name.as_deref(), Some("shop.example.com"));
    assert_eq!(state.settings.zone.id, None, "a name is not sent as an id");
}

#[test]
fn nothing_loads_before_the_credentials_pass() {
    let (mut state, commands) = fresh(Some("acct1"));
    assert_eq!(only_op(&commands), &ApiOp::VerifyToken);
    assert_eq!(state.gate, Gate::Checking);
    assert!(
        press(&mut state, " s2Dz:").is_empty(),
        "no keys act behind the check"
    );
    let opened = answer(&mut state, &commands, token(TokenStatus::Active));
    assert_eq!(state.gate, Gate::Open);
    assert_eq!(request_ids(&opened).len(), 2);
}

#[test]
fn expired_disabled_and_invalid_tokens_each_get_their_screen() {
    for (status, words) in [
        (TokenStatus::Expired, "expired"),
        (TokenStatus::Disabled, "disabled"),
    ] {
        let (mut state, commands) = fresh(None);
        assert!(answer(&mut state, &commands, token(status)).is_empty());
        let Gate::Refused { title, retry, .. } = &state.gate else {
            panic!("{:?}", state.gate)
        };
        assert!(title.contains(words), "{title}");
        assert!(!retry);
    }
    let (mut state, commands) = fresh(None);
    let invalid = Err(ApiError::Auth {
        request: "GET /user/tokens/verify".into(),
        message: "Invalid API Token".into(),
    });
    assert!(answer(&mut state, &commands, invalid).is_empty());
    let Gate::Refused { title, detail, .. } = &state.gate else {
        panic!()
    };
    assert!(title.contains("does not accept"), "{title}");
    assert!(detail.contains("CLOUDFLARE_API_TOKEN"), "{detail}");
    assert!(
        press(&mut state, "r").is_empty(),
        "an invalid token is not retried"
    );
    press(&mut state, "q");
    assert!(state.quit);
}

#[test]
fn an_account_token_is_verified_at_its_account() {
    let (mut state, commands) = fresh(Some("acct1"));
    let next = answer(
        &mut state,
        &commands,
        Err(ApiError::Auth {
            request: "GET /user/tokens/verify".into(),
            message: "Invalid API Token".into(),
        }),
    );
    assert_eq!(
        only_op(&next),
        &ApiOp::VerifyAccountToken {
            account_id: "acct1".into()
        }
    );
    let opened = answer(&mut state, &next, token(TokenStatus::Active));
    assert_eq!(state.gate, Gate::Open);
    assert_eq!(request_ids(&opened).len(), 2);
}

#[test]
fn network_trouble_during_the_check_can_be_retried() {
    let (mut state, commands) = fresh(None);
    answer(
        &mut state,
        &commands,
        Err(ApiError::Timeout {
            after: Duration::from_secs(30),
        }),
    );
    assert!(matches!(state.gate, Gate::Refused { retry: true, .. }));
    assert_eq!(only_op(&press(&mut state, "r")), &ApiOp::VerifyToken);
}

#[test]
fn the_legacy_key_is_checked_with_a_cheap_call() {
    let context = Context {
        legacy_auth: true,
        ..Context::default()
    };
    let mut state = AppState::new(context, None, None, Instant::now());
    let commands = init(&mut state);
    assert_eq!(
        only_op(&commands),
        &ApiOp::ListAccounts {
            page: 1,
            per_page: 5
        }
    );
}

fn zones(from: usize, count: usize, total: u64) -> Result<ApiOutput, ApiError> {
    let result = (from..from + count)
        .map(|i| Zone {
            id: format!("z{i:03}"),
            name: format!("site{i:03}.example.com"),
            status: Some("active".into()),
            account: Some(ZoneAccount {
                id: Some(format!("acct{}", i % 2)),
                name: Some(format!("Account {}", i % 2)),
            }),
            ..Zone::default()
        })
        .collect();
    let mut reply = reply(result);
    reply.result_info = Some(ResultInfo {
        page: None,
        per_page: Some(u64::from(PAGE_SIZE)),
        count: Some(count as u64),
        total_count: Some(total),
        total_pages: Some(total.div_ceil(u64::from(PAGE_SIZE))),
    });
    Ok(ApiOutput::Zones(reply))
}

fn zone_query(commands: &[Command]) -> ZoneQuery {
    match only_op(commands) {
        ApiOp::ListZones(query) => query.clone(),
        other => panic!("expected a zone list, got {other:?}"),
    }
}

#[test]
fn the_zone_picker_pages_as_the_user_scrolls() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = press(&mut state, "z");
    assert_eq!(
        zone_query(&first),
        ZoneQuery {
            page: 1,
            per_page: PAGE_SIZE,
            ..ZoneQuery::default()
        }
    );
    assert!(
        answer(&mut state, &first, zones(0, 25, 500)).is_empty(),
        "one page, not all of them"
    );
    let down = |state: &mut AppState| {
        update(
            state,
            map_key(state, KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)).unwrap(),
        )
    };
    let mut asked = Vec::new();
    for _ in 0..30 {
        asked.extend(down(&mut state));
        if !asked.is_empty() {
            break;
        }
    }
    assert_eq!(
        zone_query(&asked).page,
        2,
        "the next page comes as the cursor nears the end"
    );
    let selected = state.picker.as_ref().unwrap().selected;
    assert!((25 - crate::state::PREFETCH - 1..25).contains(&selected));
    assert!(down(&mut state).is_empty(), "one page at a time");
    answer(&mut state, &asked, zones(25, 25, 500));
    assert_eq!(state.picker.as_ref().unwrap().items.len(), 50);
}

#[test]
fn typing_filters_on_the_server_and_choosing_opens_the_zone() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = press(&mut state, "z");
    answer(&mut state, &first, zones(0, 25, 500));
    let typed = press(&mut state, "site42");
    let last = typed.iter().rev().find_map(|c| match c {
        Command::Api(ApiRequest {
            op: ApiOp::ListZones(q),
            ..
        }) => Some(q.clone()),
        _ => None,
    });
    assert_eq!(last.unwrap().name.as_deref(), Some("contains:site42"));
    assert!(
        typed.iter().any(|c| matches!(c, Command::Cancel(_))),
        "each keystroke supersedes the last query"
    );
    let picker_request = vec![typed.last().unwrap().clone()];
    answer(&mut state, &picker_request, zones(420, 10, 10));
    let visible: Vec<String> = state
        .picker
        .as_ref()
        .unwrap()
        .visible()
        .iter()
        .map(|z| z.name.clone())
        .collect();
    assert_eq!(visible.len(), 10);
    assert!(
        visible.iter().all(|name| name.contains("site42")),
        "{visible:?}"
    );
    let chosen = press(&mut state, "\n");
    assert!(state.picker.is_none());
    assert_eq!(state.settings.zone.id.as_deref(), Some("z420"));
    assert_eq!(
        state.settings.account.id.as_deref(),
        Some("acct0"),
        "the account follows the zone"
    );
    assert!(
        chosen
            .iter()
            .any(|c| matches!(c, Command::RememberZone(z) if z.id == "z420"))
    );
    assert!(chosen.iter().any(|c| matches!(c, Command::Api(ApiRequest { op: ApiOp::GetCsam { zone_id }, .. }) if zone_id == "z420")));
    assert_eq!(state.recent_zones[0].id, "z420");
    let again = press(&mut state, "z");
    assert_eq!(
        state.picker.as_ref().unwrap().visible()[0].id,
        "z420",
        "recent zones come first"
    );
    assert_eq!(zone_query(&again).page, 1);
}

#[test]
fn switching_zones_with_unsaved_edits_asks_first() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, " ");
    let first = press(&mut state, "z");
    answer(&mut state, &first, zones(0, 25, 500));
    press(&mut state, "\n");
    assert!(matches!(
        state.dialog,
        Some(Dialog::ConfirmSwitch { staged: 1, .. })
    ));
    press(&mut state, "n");
    assert_eq!(state.settings.zone.id.as_deref(), Some("zone1"));
    assert!(state.settings.zone.is_dirty(), "the edits are still there");
    let first = press(&mut state, "z");
    answer(&mut state, &first, zones(0, 25, 500));
    press(&mut state, "\ny");
    assert_eq!(state.settings.zone.id.as_deref(), Some("z000"));
    assert!(!state.settings.zone.is_dirty());
}

#[test]
fn the_command_line_switches_completes_and_refuses_nonsense() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = press(&mut state, "z");
    answer(&mut state, &first, zones(0, 25, 500));
    press(&mut state, "\x1b");
    press(&mut state, ":zone site01");
    update(&mut state, Msg::Complete);
    assert_eq!(
        state.command_line.as_ref().unwrap().input.value(),
        "zone site01"
    );
    press(&mut state, "3");
    update(&mut state, Msg::Complete);
    assert_eq!(
        state.command_line.as_ref().unwrap().input.value(),
        "zone site013.example.com"
    );
    press(&mut state, "\n");
    assert_eq!(state.settings.zone.id.as_deref(), Some("z013"));
    // A name that is no account's opens the picker on it, saying why.
    let opened = press(&mut state, ":account Globex\n");
    assert!(matches!(only_op(&opened), ApiOp::ListAccounts { .. }));
    answer(&mut state, &opened, named_accounts());
    assert_eq!(state.picker.as_ref().unwrap().kind, PickerKind::Account);
    assert_eq!(state.picker.as_ref().unwrap().filter(), "Globex");
    assert!(text_of(state.status.as_ref().unwrap()).contains("No account named"));
    press(&mut state, "\x1b:frobnicate\n");
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Error);
    press(&mut state, ":quit\n");
    assert!(state.quit);
}

fn named_accounts() -> Result<ApiOutput, ApiError> {
    let account = |id: char, name: &str| crate::api::model::Account {
        id: id.to_string().repeat(32),
        name: name.into(),
        kind: None,
    };
    Ok(ApiOutput::Accounts(reply(vec![
        account('a', "Acme Corp"),
        account('b', "Initech"),
        account('c', "Globex Corporation"),
    ])))
}

#[test]
fn an_account_named_on_the_command_line_is_switched_to_as_a_zone_is() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let asked = press(&mut state, ":account initech\n");
    assert!(matches!(only_op(&asked), ApiOp::ListAccounts { .. }));
    assert!(state.picker.is_none(), "no picker while it is looked up");
    answer(&mut state, &asked, named_accounts());
    assert!(state.picker.is_none(), "an exact name switches");
    assert_eq!(
        state.settings.account.id.as_deref(),
        Some("b".repeat(32).as_str())
    );
    assert_eq!(state.settings.account.name.as_deref(), Some("Initech"));
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn read_only_mode_sends_no_write_whatever_is_pressed() {
    let keys: Vec<KeyEvent> = " \nejkhlsuDRyYnqr12\t?:za"
        .chars()
        .map(|c| match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        })
        .chain([KeyCode::Esc, KeyCode::Up, KeyCode::Down, KeyCode::BackTab])
        .map(|code| KeyEvent::new(code, KeyModifiers::NONE))
        .collect();
    for seed in 0..200u64 {
        let context = Context {
            read_only: true,
            ..Context::default()
        };
        let mut state = loaded_with(setting(EmailState::Pending, false, true), context);
        let mut rng = Lcg(seed);
        for step in 0..300 {
            let key = keys[(rng.next() % keys.len() as u64) as usize];
            let Some(msg) = map_key(&state, key) else {
                continue;
            };
            let commands = update(&mut state, msg);
            for command in &commands {
                if let Command::Api(request) = command {
                    assert!(
                        !request.op.is_write(),
                        "seed {seed} step {step}: {key:?} sent {:?}",
                        request.op
                    );
                }
            }
            // Let loads finish so the panels keep offering their (read-only) rows.
            for id in request_ids(&commands) {
                let result = match state.settings.zone.remote.inflight.map(|i| i.id) {
                    Some(zone_load) if zone_load == id => Ok(ApiOutput::Csam(reply(setting(
                        EmailState::Pending,
                        false,
                        true,
                    )))),
                    _ => Ok(ApiOutput::Dlp(reply(dlp()))),
                };
                update(&mut state, Msg::api(ApiResponse { id, result }));
            }
            state.quit = false;
            state.dialog = None;
        }
        let footer: Vec<&str> = crate::input::footer_bindings(&state)
            .iter()
            .map(|b| b.label)
            .collect();
        assert!(
            !footer
                .iter()
                .any(|l| ["save", "toggle", "edit email", "reset…", "resend"].contains(l)),
            "{footer:?}"
        );
    }
}

#[test]
fn filtering_accounts_loads_more_pages_until_something_matches() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = press(&mut state, "a");
    let accounts = |from: usize, count: usize| {
        let result = (from..from + count)
            .map(|i| crate::api::model::Account {
                id: format!("a{i:03}"),
                name: format!("Team {i:03}"),
                kind: None,
            })
            .collect();
        Ok(ApiOutput::Accounts(reply(result)))
    };
    assert!(
        answer(&mut state, &first, accounts(0, 25)).is_empty(),
        "one page up front"
    );
    let more = press(&mut state, "Team 04");
    assert_eq!(
        only_op(&more),
        &ApiOp::ListAccounts {
            page: 2,
            per_page: PAGE_SIZE
        }
    );
    let next = answer(&mut state, &more, accounts(25, 25));
    assert_eq!(state.picker.as_ref().unwrap().visible().len(), 10);
    assert!(next.is_empty(), "enough matches: no further page");
}

#[test]
fn a_click_focuses_selects_and_a_second_click_toggles() {
    use crate::state::Target;
    let mut state = loaded(setting(EmailState::Valid, true, true));
    assert!(update(&mut state, Msg::Click(Target::Row(Panel::Account, 1))).is_empty());
    assert_eq!(state.settings.focus, crate::state::Panel::Account);
    assert_eq!(state.settings.account.selected, 1);
    assert!(
        !state.settings.account.is_dirty(),
        "the first click only selects"
    );
    update(&mut state, Msg::Click(Target::Row(Panel::Account, 1)));
    assert_eq!(
        state.settings.account.form.ocr,
        Some(true),
        "clicking the selected row toggles it"
    );
    update(&mut state, Msg::Click(Target::Row(Panel::Zone, 2)));
    assert_eq!(
        (state.settings.focus, state.settings.zone.selected),
        (crate::state::Panel::Zone, 2)
    );
    assert!(
        !state.settings.zone.is_dirty(),
        "a click that moves focus does not toggle"
    );
    update(
        &mut state,
        Msg::Click(Target::Panel(crate::state::Panel::Account)),
    );
    assert_eq!(state.settings.focus, crate::state::Panel::Account);
    let locked = &mut loaded(setting(EmailState::Valid, true, false));
    update(locked, Msg::Click(Target::Row(Panel::Zone, 0)));
    update(locked, Msg::Click(Target::Row(Panel::Zone, 0)));
    assert!(
        !locked.settings.zone.is_dirty(),
        "a locked zone ignores clicks that would edit"
    );
}

#[test]
fn choosing_the_zone_already_shown_keeps_its_edits() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, " ");
    let first = press(&mut state, "z");
    let mut listed = zones(0, 1, 1);
    if let Ok(ApiOutput::Zones(reply)) = &mut listed {
        reply.result[0].id = "zone1".into();
    }
    answer(&mut state, &first, listed);
    assert!(press(&mut state, "\n").is_empty());
    assert!(state.picker.is_none() && state.dialog.is_none());
    assert!(state.settings.zone.is_dirty());
}

#[test]
fn a_save_that_changes_an_untouched_field_is_reported() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "je");
    press(&mut state, "new@example.com\n");
    assert!(
        request_ids(&press(&mut state, "s")).is_empty(),
        "asks first"
    );
    let commands = press(&mut state, "y");
    let mut answer_setting = setting(EmailState::Pending, false, true);
    answer_setting.value.enabled = Some(false);
    let mut answer_reply = reply(answer_setting);
    answer_reply.messages = vec![crate::api::model::ResponseInfo {
        code: 1101,
        message: "Scanning stays off until the notification email is verified".into(),
        documentation_url: None,
        source: None,
    }];
    answer(&mut state, &commands, Ok(ApiOutput::Csam(answer_reply)));
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Warning);
    assert!(
        text_of(&status).contains("turned scanning off"),
        "{}",
        text_of(&status)
    );
}

#[test]
fn a_zone_picker_whose_server_repeats_a_page_lists_each_zone_once_and_stops() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let first = press(&mut state, "z");
    answer(&mut state, &first, zones(0, 25, 2500));
    let down = |state: &mut AppState| {
        update(
            state,
            map_key(state, KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)).unwrap(),
        )
    };
    let mut asked = Vec::new();
    for _ in 0..30 {
        asked.extend(down(&mut state));
        if !asked.is_empty() {
            break;
        }
    }
    assert_eq!(zone_query(&asked).page, 2);
    answer(&mut state, &asked, zones(0, 25, 2500));
    let picker = state.picker.as_ref().unwrap();
    assert_eq!(picker.items.len(), 25, "each zone once");
    assert_eq!(picker.next_page, None, "a repeated page ends the listing");
    for _ in 0..30 {
        assert!(down(&mut state).is_empty(), "no page after a repeated one");
    }
}
