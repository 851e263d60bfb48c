//! Reducer tests of the accounts page: the cache first, a scan only
//! without one, the
//! scan's reports into rows and the summary, attention first, the name and
//! quick filters, the sort, stopping a scan, and Enter opening the account
//! in the account panel. No terminal, no network.

use super::tests::{loaded, press, setting};
use super::tests_fleet::{end, news, progress};
use super::*;
use crate::api::model::EmailState;
use crate::api::worker::ApiOp;
use crate::fleet::{
    AccountDlp, AccountRow, AccountScan, CredentialIdentity, DlpState, Failure, Masking, RowError,
    ScanEvent, ScanOutcome, unix_now,
};
use crate::message::FleetNews;
use crate::state::{Page, Source};

/// An account read with these settings; `n` makes its id.
fn account(n: u32, name: &str, key: bool, masking: Masking, ocr: bool) -> AccountRow {
    AccountRow {
        account_id: format!("{n:032x}"),
        account_name: name.to_owned(),
        account_type: Some("enterprise".to_owned()),
        dlp: AccountDlp::Read(DlpState {
            ai_context_analysis: true,
            ocr,
            key_fingerprint: key.then(|| "SHA256:1109027e4a751e7e".to_owned()),
            masking: Some(masking),
            updated_at: Some("2026-10-02T14:05:11Z".to_owned()),
        }),
        read_at: unix_now(),
    }
}

/// The five accounts of the demo's kinds: fine, in clear, no key, OCR off,
/// and one whose DLP is not available.
pub(super) fn five() -> Vec<AccountRow> {
    vec![
        account(1, "Acme Corp", true, Masking::Full, true),
        account(2, "Globex Media", true, Masking::Clear, true),
        account(3, "Hooli Labs", false, Masking::Default, true),
        account(4, "Initech", true, Masking::Partial, false),
        AccountRow {
            dlp: AccountDlp::Failed(RowError {
                failure: Failure::NotAvailable,
                message: "DLP is not available on this account".to_owned(),
            }),
            ..account(5, "Umbrella Health", false, Masking::Full, true)
        },
    ]
}

pub(super) fn scan(state: &mut AppState, events: Vec<ScanEvent<AccountRow>>) -> Vec<Command> {
    news(state, FleetNews::AccountScans(events))
}

/// The accounts page opened on a loaded dashboard, a scan of `rows` come
/// in (in one batch) and finished.
pub(super) fn scanned(rows: Vec<AccountRow>) -> AppState {
    let mut state = opened();
    let total = rows.len();
    let mut events = vec![
        ScanEvent::Started { at: unix_now() },
        ScanEvent::Listed { total },
    ];
    events.extend(rows.into_iter().map(ScanEvent::Row));
    events.push(ScanEvent::Progress(progress(total, total)));
    events.push(ScanEvent::Finished(end(ScanOutcome::Complete, total)));
    scan(&mut state, events);
    state
}

/// The accounts page opened on a loaded dashboard, its cache empty: a
/// scan asked for.
fn opened() -> AppState {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    press(&mut state, "4");
    assert_eq!(
        news(&mut state, FleetNews::AccountsCached(Ok(None))),
        [Command::StartAccountScan]
    );
    state
}

fn shown(state: &AppState) -> Vec<String> {
    state
        .accounts
        .shown_from(0)
        .map(|r| r.account_name.clone())
        .collect()
}

#[test]
fn the_page_reads_the_cache_first_and_scans_only_without_one() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let identity = CredentialIdentity::Token { id: "t".into() };
    assert_eq!(
        press(&mut state, "4"),
        [Command::LoadAccountCache(identity.clone())]
    );
    let mut cached = AccountScan::new(unix_now() - 3600);
    for row in five() {
        cached.upsert(row);
    }
    cached.finished_at = Some(unix_now() - 3500);
    cached.outcome = Some(ScanOutcome::Complete);
    assert!(news(&mut state, FleetNews::AccountsCached(Ok(Some(cached)))).is_empty());
    assert_eq!(state.accounts.source, Source::Cache);
    assert_eq!(state.accounts.shown_len(), 5);
    assert!(
        state.accounts.scanning.is_none(),
        "no scan behind the admin's back"
    );

    assert_eq!(press(&mut state, "r"), [Command::StartAccountScan]);
    let mut finished = end(ScanOutcome::Complete, 5);
    finished.listed = Some(five().into_iter().map(|r| r.account_id).collect());
    let mut events = vec![ScanEvent::Started { at: unix_now() }];
    events.extend(five().into_iter().map(ScanEvent::Row));
    events.push(ScanEvent::Finished(finished));
    let commands = scan(&mut state, events);
    assert_eq!(state.accounts.source, Source::Scan);
    assert!(
        matches!(commands.as_slice(), [Command::StoreAccountCache(i, kept)]
            if *i == identity && kept.rows().len() == 5
                && kept.outcome == Some(ScanOutcome::Complete)),
        "{commands:?}"
    );
    press(&mut state, "r");
    let stopped = scan(
        &mut state,
        vec![ScanEvent::Finished(end(ScanOutcome::Cancelled, 5))],
    );
    assert!(stopped.is_empty(), "a partial scan is not kept");

    let mut broken = loaded(setting(EmailState::Valid, true, true));
    press(&mut broken, "4");
    let commands = news(
        &mut broken,
        FleetNews::AccountsCached(Err("the cache file is damaged".into())),
    );
    assert_eq!(commands, [Command::StartAccountScan]);
    assert_eq!(
        broken.status.as_ref().map(|s| s.kind),
        Some(crate::state::StatusKind::Warning)
    );
}

#[test]
fn the_page_scans_the_first_time_only_and_r_scans_again() {
    let mut state = opened();
    assert_eq!(state.page, Page::Accounts);
    assert!(state.accounts.scanning.is_some());
    assert!(
        press(&mut state, "r").is_empty(),
        "no second scan while one goes"
    );
    scan(
        &mut state,
        vec![ScanEvent::Finished(end(ScanOutcome::Complete, 0))],
    );
    assert!(state.accounts.scanning.is_none());
    press(&mut state, "1");
    assert_eq!(state.page, Page::Settings);
    assert!(press(&mut state, "4").is_empty(), "opened before: no scan");
    assert_eq!(press(&mut state, "r"), [Command::StartAccountScan]);
}

#[test]
fn the_command_line_opens_the_page() {
    let mut state = loaded(setting(EmailState::Valid, true, true));
    let mut commands = press(&mut state, ":");
    for c in "accounts\n".chars() {
        commands.extend(press(&mut state, &c.to_string()));
    }
    assert_eq!(state.page, Page::Accounts);
    assert!(
        matches!(commands.as_slice(), [Command::LoadAccountCache(_)]),
        "{commands:?}"
    );
}

#[test]
fn rows_come_in_with_their_summary_and_attention_first() {
    let state = scanned(five());
    assert_eq!(
        state.accounts.summary().to_string(),
        "5 accounts · 1 logs payloads in clear · 1 without a payload-logging key \
         · 1 with OCR off · 1 could not be read"
    );
    assert_eq!(
        shown(&state),
        [
            "Globex Media",
            "Hooli Labs",
            "Umbrella Health",
            "Initech",
            "Acme Corp"
        ]
    );
    assert_eq!(state.accounts.selected, 0);
    assert!(state.accounts.finished_at.is_some());
}

#[test]
fn rows_in_several_batches_keep_the_cursor_on_its_account_once_moved() {
    let mut state = opened();
    let mut rows = five().into_iter();
    scan(
        &mut state,
        rows.by_ref().take(2).map(ScanEvent::Row).collect(),
    );
    assert_eq!(shown(&state), ["Globex Media", "Acme Corp"]);
    press(&mut state, "j");
    assert_eq!(
        state
            .accounts
            .selected_row()
            .map(|r| r.account_name.as_str()),
        Some("Acme Corp")
    );
    scan(&mut state, rows.map(ScanEvent::Row).collect());
    assert_eq!(state.accounts.shown_len(), 5);
    assert_eq!(
        state
            .accounts
            .selected_row()
            .map(|r| r.account_name.as_str()),
        Some("Acme Corp"),
        "the cursor follows its account"
    );
    press(&mut state, "g");
    assert_eq!(state.accounts.selected, 0);
    press(&mut state, "G");
    assert_eq!(state.accounts.selected, 4);
}

#[test]
fn quick_filters_combine_and_toggle_off_again() {
    let mut state = scanned(five());
    press(&mut state, "N");
    assert_eq!(shown(&state), ["Hooli Labs"]);
    press(&mut state, "N");
    assert_eq!(state.accounts.shown_len(), 5);
    press(&mut state, "C");
    assert_eq!(shown(&state), ["Globex Media"]);
    press(&mut state, "o");
    assert!(shown(&state).is_empty(), "in clear and OCR off: none");
    press(&mut state, "Co");
    press(&mut state, "x");
    assert_eq!(shown(&state), ["Umbrella Health"]);
    press(&mut state, "xi");
    assert!(shown(&state).is_empty(), "every AI context is on");
}

#[test]
fn the_name_filter_matches_as_it_is_typed_and_esc_drops_it() {
    let mut state = scanned(five());
    press(&mut state, "/");
    assert!(state.is_editing());
    press(&mut state, "LAB");
    assert_eq!(shown(&state), ["Hooli Labs"]);
    press(&mut state, "\n");
    assert!(!state.is_editing());
    assert_eq!(state.accounts.name_contains.as_deref(), Some("LAB"));
    press(&mut state, "/");
    press(&mut state, "\x1b");
    assert_eq!(state.accounts.name_contains, None);
    assert_eq!(state.accounts.shown_len(), 5);
    press(&mut state, &format!("/{:x}\n", 4));
    assert_eq!(shown(&state), ["Initech"], "an id matches too");
}

#[test]
fn s_cycles_the_sort_through_name_and_type() {
    let mut rows = five();
    rows[0].account_type = Some("standard".to_owned());
    let mut state = scanned(rows);
    press(&mut state, "S");
    assert_eq!(
        shown(&state),
        [
            "Acme Corp",
            "Globex Media",
            "Hooli Labs",
            "Initech",
            "Umbrella Health"
        ]
    );
    press(&mut state, "S");
    assert_eq!(shown(&state).last().map(String::as_str), Some("Acme Corp"));
    press(&mut state, "S");
    assert_eq!(shown(&state)[0], "Globex Media", "attention again");
}

#[test]
fn esc_stops_a_scan_then_leaves_the_page() {
    let mut state = opened();
    scan(&mut state, vec![ScanEvent::Row(five().remove(0))]);
    assert_eq!(press(&mut state, "\x1b"), [Command::CancelAccountScan]);
    scan(
        &mut state,
        vec![ScanEvent::Finished(end(ScanOutcome::Cancelled, 5))],
    );
    assert_eq!(state.accounts.shown_len(), 1, "what was read stays");
    assert_eq!(state.page, Page::Accounts);
    press(&mut state, "\x1b");
    assert_eq!(state.page, Page::Settings);
}

#[test]
fn a_whole_listing_drops_the_accounts_that_are_gone() {
    let mut state = scanned(five());
    press(&mut state, "r");
    let mut finished = end(ScanOutcome::Complete, 2);
    finished.listed = Some(vec![format!("{:032x}", 1), format!("{:032x}", 4)]);
    scan(&mut state, vec![ScanEvent::Finished(finished)]);
    assert_eq!(shown(&state), ["Initech", "Acme Corp"]);
    assert_eq!(state.accounts.summary().accounts, 2);
}

#[test]
fn enter_opens_the_account_in_the_account_panel() {
    let mut state = scanned(five());
    press(&mut state, "j");
    let commands = press(&mut state, "\n");
    assert_eq!(state.page, Page::Settings);
    assert_eq!(state.settings.focus, Panel::Account);
    let hooli = format!("{:032x}", 3);
    assert_eq!(state.settings.account.id.as_deref(), Some(hooli.as_str()));
    assert_eq!(state.settings.account.name.as_deref(), Some("Hooli Labs"));
    let loads: Vec<&ApiOp> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Api(request) => Some(&request.op),
            _ => None,
        })
        .collect();
    assert!(
        matches!(loads.as_slice(), [ApiOp::GetDlp { account_id }] if *account_id == hooli),
        "{commands:?}"
    );
}

#[test]
fn keys_of_the_accounts_page_say_why_when_there_is_nothing_to_act_on() {
    let mut state = opened();
    press(&mut state, "\n");
    assert_eq!(state.page, Page::Accounts);
    let said = state.status.as_ref().map(|s| format!("{:?}", s.notice));
    assert!(
        said.as_deref()
            .is_some_and(|s| s.contains("No accounts yet")),
        "{said:?}"
    );
    press(&mut state, "4");
    let said = state.status.as_ref().map(|s| format!("{:?}", s.notice));
    assert!(
        said.as_deref()
            .is_some_and(|s| s.contains("This is the accounts page")),
        "{said:?}"
    );
    press(&mut state, "3");
    assert_eq!(state.page, Page::Fleet, "3 goes to the fleet from here");
}

#[test]
fn a_key_of_another_page_says_where_it_works() {
    let said = |state: &AppState| {
        state
            .status
            .as_ref()
            .map(|s| format!("{:?}", s.notice))
            .unwrap_or_default()
    };
    let mut state = scanned(five());
    press(&mut state, "w");
    assert!(said(&state).contains("the fleet page"), "{}", said(&state));
    assert!(
        said(&state).contains("f shows the fleet"),
        "{}",
        said(&state)
    );
    press(&mut state, "s");
    assert!(
        said(&state).contains("esc goes back to the panels"),
        "{}",
        said(&state)
    );
    press(&mut state, "1");
    press(&mut state, "i");
    assert!(
        said(&state).contains("the accounts page"),
        "{}",
        said(&state)
    );
    assert!(
        said(&state).contains("4 shows every account"),
        "{}",
        said(&state)
    );
}
