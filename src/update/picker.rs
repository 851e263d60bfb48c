//! The zone and account pickers: open, type to filter, scroll to load the
//! next page, choose. Switching away from staged edits asks first.

use crate::api::listing::SeenIds;
use crossterm::event::Event;
use tui_input::InputRequest;
use tui_input::backend::crossterm::EventHandler;

use super::{cancel, panel, say, send, settings};
use crate::api::ApiError;
use crate::api::client::ZoneQuery;
use crate::api::model::{Account, Zone};
use crate::api::worker::{ApiOp, ApiOutput, RequestId};
use crate::message::{Command, Msg};
use crate::state::{
    AccountPanel, AppState, Csam, Dialog, Dlp, PAGE_SIZE, PREFETCH, PageRequest, Panel, Picker,
    PickerItem, PickerKind, Route, StatusKind, ZonePanel,
};

/// Opens a picker with `query` typed in, and asks for its first page.
pub(super) fn open(state: &mut AppState, kind: PickerKind, query: &str) -> Vec<Command> {
    let recent = match kind {
        PickerKind::Zone => state.recent_zones.clone(),
        PickerKind::Account => Vec::new(),
    };
    let picker = Picker::new(kind, query, recent);
    let filter = picker.wanted_server_filter();
    state.picker = Some(picker);
    fetch(state, 1, filter)
}

pub(super) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let Some(picker) = state.picker.as_mut() else {
        return Vec::new();
    };
    match msg {
        Msg::Up => picker.selected = picker.selected.saturating_sub(1),
        Msg::Down => {
            picker.selected = (picker.selected + 1).min(picker.visible().len().saturating_sub(1))
        }
        Msg::PageUp => picker.selected = picker.selected.saturating_sub(PAGE_SIZE as usize / 2),
        Msg::PageDown => {
            picker.selected = (picker.selected + PAGE_SIZE as usize / 2)
                .min(picker.visible().len().saturating_sub(1));
        }
        Msg::EditKey(key) => {
            let before = picker.query.value().to_owned();
            picker.query.handle_event(&Event::Key(key));
            if picker.query.value() != before {
                return refilter(state);
            }
            return Vec::new();
        }
        Msg::Paste(text) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                picker.query.handle(InputRequest::InsertChar(c));
            }
            return refilter(state);
        }
        Msg::Activate => return choose(state),
        Msg::Refresh if picker.error.is_some() => {
            let page = if picker.items.is_empty() {
                1
            } else {
                picker.next_page.unwrap_or(1)
            };
            let filter = if page == 1 {
                picker.wanted_server_filter()
            } else {
                picker.server_filter.clone()
            };
            picker.error = None;
            return fetch(state, page, filter);
        }
        Msg::Escape => {
            let loading = picker.loading.take();
            state.picker = None;
            return loading.map(|l| cancel(state, l.id)).into_iter().collect();
        }
        _ => return Vec::new(),
    }
    more_if_near_the_end(state)
}

/// After the query changed: filter what is loaded, and ask the server when
/// what is loaded is not the whole list.
fn refilter(state: &mut AppState) -> Vec<Command> {
    let Some(picker) = state.picker.as_mut() else {
        return Vec::new();
    };
    picker.selected = 0;
    let wanted = picker.wanted_server_filter();
    let everything_loaded = picker.server_filter.is_none() && picker.is_complete();
    if everything_loaded || wanted == picker.server_filter {
        // Filtered on the loaded pages only (accounts, or a complete list):
        // a short result counts as reaching the end, so more pages come in.
        return more_if_near_the_end(state);
    }
    fetch(state, 1, wanted)
}

/// Asks for the next page once the cursor nears the end of what is loaded.
fn more_if_near_the_end(state: &mut AppState) -> Vec<Command> {
    let Some(picker) = state.picker.as_ref() else {
        return Vec::new();
    };
    let near_end = picker.selected + PREFETCH >= picker.visible().len();
    match picker.next_page {
        Some(page) if near_end && picker.loading.is_none() => {
            let filter = picker.server_filter.clone();
            fetch(state, page, filter)
        }
        _ => Vec::new(),
    }
}

/// Sends one page request, superseding the one in flight.
fn fetch(state: &mut AppState, page: u32, filter: Option<String>) -> Vec<Command> {
    let Some(kind) = state.picker.as_ref().map(|p| p.kind) else {
        return Vec::new();
    };
    let op = match kind {
        PickerKind::Zone => ApiOp::ListZones(ZoneQuery {
            account_id: None,
            name: filter.clone(),
            page,
            per_page: PAGE_SIZE,
        }),
        PickerKind::Account => ApiOp::ListAccounts {
            page,
            per_page: PAGE_SIZE,
        },
    };
    let (id, request) = send(state, Route::Picker, op);
    let superseded = state
        .picker
        .as_mut()
        .and_then(|picker| picker.loading.replace(PageRequest { id, page, filter }));
    let mut commands: Vec<Command> = superseded
        .map(|old| cancel(state, old.id))
        .into_iter()
        .collect();
    commands.push(request);
    commands
}

pub(super) fn on_reply(
    state: &mut AppState,
    id: RequestId,
    result: Result<ApiOutput, ApiError>,
) -> Vec<Command> {
    let Some(picker) = state.picker.as_mut() else {
        return Vec::new();
    };
    if picker.loading.as_ref().is_none_or(|l| l.id != id) {
        return Vec::new();
    }
    let Some(asked) = picker.loading.take() else {
        return Vec::new();
    };
    let (items, info) = match result {
        Ok(ApiOutput::Zones(reply)) => (
            reply.result.iter().map(zone_item).collect::<Vec<_>>(),
            reply.result_info,
        ),
        Ok(ApiOutput::Accounts(reply)) => (
            reply.result.iter().map(account_item).collect(),
            reply.result_info,
        ),
        Ok(_) => return Vec::new(),
        Err(error) => {
            picker.error = Some(error);
            return Vec::new();
        }
    };
    picker.error = None;
    let count = items.len() as u64;
    let mut repeats = false;
    if asked.page == 1 {
        picker.items = items;
        picker.server_filter = asked.filter;
    } else {
        let mut seen = SeenIds::of(picker.items.iter().map(|item| item.id.as_str()));
        // Each zone once; a page of zones listed before ends the listing.
        match seen.fresh(items, |item| item.id.as_str()) {
            Some(fresh) => picker.items.extend(fresh),
            None => repeats = true,
        }
    }
    let total_pages = info.and_then(|i| i.total_pages);
    picker.total = info.and_then(|i| i.total_count);
    // `GET /accounts` sends no total_pages: a short page is the last one.
    picker.next_page = match total_pages {
        _ if repeats => None,
        Some(pages) => (u64::from(asked.page) < pages).then_some(asked.page + 1),
        None => (count >= u64::from(PAGE_SIZE)).then_some(asked.page + 1),
    };
    let visible = picker.visible().len();
    picker.selected = picker.selected.min(visible.saturating_sub(1));
    if picker.kind == PickerKind::Zone {
        let seen: Vec<PickerItem> = picker.items.clone();
        remember_known(state, seen);
    }
    more_if_near_the_end(state)
}

fn remember_known(state: &mut AppState, seen: Vec<PickerItem>) {
    for item in seen {
        if !state.known_zones.iter().any(|k| k.id == item.id) {
            state.known_zones.push(item);
        }
    }
}

pub(super) fn zone_item(zone: &Zone) -> PickerItem {
    let plan = zone
        .plan
        .as_ref()
        .and_then(|p| p.legacy_id.clone().or_else(|| p.name.clone()))
        .unwrap_or_default();
    let account = zone.account.as_ref();
    let account_name = account.and_then(|a| a.name.clone());
    let detail = [
        plan,
        zone.status.clone().unwrap_or_default(),
        account_name.clone().unwrap_or_default(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    PickerItem {
        id: zone.id.clone(),
        name: zone.name.clone(),
        detail,
        account_id: account.and_then(|a| a.id.clone()),
        account_name,
        recent: false,
    }
}

fn account_item(account: &Account) -> PickerItem {
    PickerItem {
        id: account.id.clone(),
        name: account.name.clone(),
        detail: account.kind.clone().unwrap_or_default(),
        account_id: Some(account.id.clone()),
        account_name: Some(account.name.clone()),
        recent: false,
    }
}

fn choose(state: &mut AppState) -> Vec<Command> {
    let Some(picker) = state.picker.as_ref() else {
        return Vec::new();
    };
    let Some(target) = picker.selected_item().cloned() else {
        return Vec::new();
    };
    let kind = picker.kind;
    request_switch(state, kind, target)
}

/// Switches at once, or asks first when the panel has staged edits.
pub(super) fn request_switch(
    state: &mut AppState,
    kind: PickerKind,
    target: PickerItem,
) -> Vec<Command> {
    if let Some(loading) = state.picker.take().and_then(|p| p.loading) {
        let mut commands = vec![cancel(state, loading.id)];
        commands.extend(request_switch(state, kind, target));
        return commands;
    }
    let page = &state.settings;
    let (staged, current, saving) = match kind {
        PickerKind::Zone => (
            page.zone.staged(),
            page.zone.id.as_deref(),
            page.zone.remote.is_locked_by_write(),
        ),
        PickerKind::Account => (
            page.account.staged(),
            page.account.id.as_deref(),
            page.account.remote.is_locked_by_write(),
        ),
    };
    if current == Some(target.id.as_str()) {
        // Already shown: nothing to load, and staged edits stay.
        return Vec::new();
    }
    if saving {
        say(
            state,
            StatusKind::Info,
            "A save is on its way; switch once it has answered.",
        );
        return Vec::new();
    }
    if staged > 0 {
        state.dialog = Some(Dialog::ConfirmSwitch {
            target,
            kind,
            staged,
            confirm_selected: false,
        });
        return Vec::new();
    }
    switch(state, kind, target)
}

/// Shows `target` in its panel (staged edits there are dropped: the user
/// confirmed, or there were none). A zone brings its account along unless
/// the account panel has staged edits.
pub(super) fn switch(state: &mut AppState, kind: PickerKind, target: PickerItem) -> Vec<Command> {
    state.picker = None;
    state.page = crate::state::Page::Settings;
    let read_only = state.context.read_only;
    let mut commands = Vec::new();
    match kind {
        PickerKind::Zone => {
            if let Some(load) = state.settings.zone.remote.cancel_load() {
                commands.push(cancel(state, load));
            }
            settings::forget_shown(state, Panel::Zone);
            let name = (!target.name.is_empty()).then(|| target.name.clone());
            state.settings.zone = ZonePanel::new(Some(target.id.clone()), name, read_only);
            commands.extend(panel::load::<Csam>(state));
            let mut remembered = target.clone();
            remembered.recent = true;
            state.recent_zones.retain(|z| z.id != target.id);
            state.recent_zones.insert(0, remembered.clone());
            commands.push(Command::RememberZone(remembered));
            let other_account =
                target.account_id.is_some() && target.account_id != state.settings.account.id;
            if other_account {
                if state.settings.account.is_dirty() {
                    say(
                        state,
                        StatusKind::Info,
                        "The account panel stays on its account: it has unsaved edits.",
                    );
                } else {
                    let account = PickerItem {
                        id: target.account_id.clone().unwrap_or_default(),
                        name: target.account_name.clone().unwrap_or_default(),
                        ..target
                    };
                    commands.extend(show_account(state, account));
                }
            }
            state.settings.focus = Panel::Zone;
        }
        PickerKind::Account => {
            commands.extend(show_account(state, target));
            state.settings.focus = Panel::Account;
        }
    }
    commands
}

fn show_account(state: &mut AppState, target: PickerItem) -> Vec<Command> {
    let mut commands = Vec::new();
    if let Some(load) = state.settings.account.remote.cancel_load() {
        commands.push(cancel(state, load));
    }
    settings::forget_shown(state, Panel::Account);
    let name = (!target.name.is_empty()).then_some(target.name);
    state.settings.account = AccountPanel::new(Some(target.id), name, state.context.read_only);
    commands.extend(panel::load::<Dlp>(state));
    commands
}
