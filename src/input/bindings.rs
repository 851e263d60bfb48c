//! The key table: every binding, where it applies, and when it works.
//! Input, the footer and the help overlay all read this one table.

use crossterm::event::KeyCode;

use super::{Binding, KeyContext, ch, code, ctrl};
use crate::fleet::Quick;
use crate::message::Msg;
use crate::state::{AppState, BulkDialog, Dialog, Gate, Page, Panel, PickerKind, StatusKind};

fn always(_: &AppState) -> bool {
    true
}

fn on_settings(state: &AppState) -> bool {
    state.page == Page::Settings
}

fn has_fleet_row(state: &AppState) -> bool {
    state.fleet.selected_row().is_some()
}

fn editable(state: &AppState) -> bool {
    state.settings.abilities().edit
}

fn can_resend(state: &AppState) -> bool {
    state.settings.abilities().resend
}

fn can_save(state: &AppState) -> bool {
    state.settings.abilities().save
}

fn can_discard(state: &AppState) -> bool {
    state.settings.abilities().discard
}

fn can_reset(state: &AppState) -> bool {
    state.settings.abilities().reset
}

fn can_refresh(state: &AppState) -> bool {
    match state.page {
        Page::Settings => state.settings.abilities().reload,
        Page::Fleet => state.fleet.scanning.is_none() && !state.fleet.run_going(),
    }
}

fn has_shown_rows(state: &AppState) -> bool {
    !state.fleet.order.is_empty()
}

fn has_marks(state: &AppState) -> bool {
    !state.fleet.marked.is_empty()
}

fn can_bulk(state: &AppState) -> bool {
    !state.fleet.run_going() && (has_marks(state) || has_fleet_row(state))
}

fn can_retry_run(state: &AppState) -> bool {
    !state.context.read_only
        && state.fleet.run.as_ref().is_some_and(|run| {
            run.id.is_some()
                && run
                    .end
                    .as_ref()
                    .is_some_and(|end| end.summary.retryable > 0)
        })
}

fn had_run(state: &AppState) -> bool {
    state.fleet.run.is_some()
}

/// While a run goes, until it is asked to stop or the dashboard to quit.
fn run_steerable(state: &AppState) -> bool {
    state
        .fleet
        .run
        .as_ref()
        .is_some_and(|run| run.has_started() && !run.stopping && !run.quitting)
}

/// The footer offers `b` once zones are marked (the help always lists it):
/// room for the marking key first.
fn bulk_label(state: &AppState) -> Option<&'static str> {
    has_marks(state).then_some("change…")
}

/// `p` says what it will do.
fn pause_label(state: &AppState) -> Option<&'static str> {
    Some(if state.fleet.run.as_ref().is_some_and(|r| r.paused) {
        "go on"
    } else {
        "pause"
    })
}

fn bulk_dialog(state: &AppState) -> Option<&BulkDialog> {
    match &state.dialog {
        Some(Dialog::Bulk(dialog)) => Some(dialog),
        _ => None,
    }
}

/// The bulk dialogs with a list to move in.
fn dialog_has_list(state: &AppState) -> bool {
    matches!(
        bulk_dialog(state),
        Some(BulkDialog::Menu { .. } | BulkDialog::Plan(_) | BulkDialog::Summary { .. })
    )
}

/// Enter in a bulk dialog's field: the email makes the plan, the typed
/// count runs it.
fn commit_label(state: &AppState) -> Option<&'static str> {
    Some(match bulk_dialog(state) {
        Some(BulkDialog::Email { .. }) => "plan",
        Some(BulkDialog::Plan(_)) => "run",
        _ => "keep",
    })
}

fn abandon_label(state: &AppState) -> Option<&'static str> {
    Some(match bulk_dialog(state) {
        Some(BulkDialog::Email { .. }) => "back",
        Some(BulkDialog::Plan(_)) => "cancel",
        _ => "abandon",
    })
}

/// The text field's name in the footer: the zone's email; the account's
/// key stays in the help (its row's toggle offers it too).
fn field_label(state: &AppState) -> Option<&'static str> {
    match state.settings.focus {
        Panel::Zone => Some("edit email"),
        Panel::Account => None,
    }
}

/// On the fleet page, `r` scans every zone again.
fn refresh_label(state: &AppState) -> Option<&'static str> {
    Some(match state.page {
        Page::Settings => "refresh",
        Page::Fleet => "scan again",
    })
}

/// While the fleet is scanned, esc stops the scan.
fn escape_label(state: &AppState) -> Option<&'static str> {
    Some(
        if state.page == Page::Fleet && state.fleet.scanning.is_some() {
            "stop scan"
        } else {
            "cancel/dismiss"
        },
    )
}

fn picker_failed(state: &AppState) -> bool {
    state.picker.as_ref().is_some_and(|p| p.error.is_some())
}

fn has_id(state: &AppState) -> bool {
    match state.page {
        Page::Settings => state.settings.focused_id().is_some(),
        Page::Fleet => state.fleet.selected_row().is_some(),
    }
}

fn can_retry_gate(state: &AppState) -> bool {
    matches!(state.gate, Gate::Refused { retry: true, .. })
}

fn can_escape(state: &AppState) -> bool {
    state.fleet.scanning.is_some() && state.page == Page::Fleet
        || state.settings.zone.remote.load_in_flight().is_some()
        || state.settings.account.remote.load_in_flight().is_some()
        || state
            .status
            .as_ref()
            .is_some_and(|s| matches!(s.kind, StatusKind::Error | StatusKind::Warning))
}

/// The key table.
pub static BINDINGS: &[Binding] = &[
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::Tab), ch('l'), code(KeyCode::Right)],
        label: "panel",
        help: "focus the next panel",
        when: on_settings,
        msg: Msg::FocusNext,
        footer: Some("tab"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::BackTab), ch('h'), code(KeyCode::Left)],
        label: "prev panel",
        help: "focus the previous panel",
        when: on_settings,
        msg: Msg::FocusPrev,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('1')],
        label: "zone",
        help: "show and focus the zone panel",
        when: always,
        msg: Msg::Focus(Panel::Zone),
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('2')],
        label: "account",
        help: "show and focus the account panel",
        when: always,
        msg: Msg::Focus(Panel::Account),
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('f'), ch('3')],
        label: "fleet",
        help: "show the fleet: the CSAM status of every zone",
        when: on_settings,
        msg: Msg::ShowPage(Page::Fleet),
        footer: Some("f"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "move",
        help: "move down",
        when: always,
        msg: Msg::Down,
        footer: Some("j/k"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[code(KeyCode::Char(' ')), code(KeyCode::Enter)],
        label: "toggle",
        help: "toggle, cycle or edit the selected row; on the reset row, open the reset",
        when: editable,
        msg: Msg::Activate,
        footer: Some("space"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('e')],
        label: "edit",
        help: "edit the email (zone) or paste a new payload-logging public key (account)",
        when: editable,
        msg: Msg::EditField,
        footer: Some("e"),
        label_now: Some(field_label),
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('R')],
        label: "resend",
        help: "stage a re-send of the verification email (zone, pending or unverified)",
        when: can_resend,
        msg: Msg::Resend,
        footer: Some("R"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('s')],
        label: "save",
        help: "save the staged changes (one PATCH)",
        when: can_save,
        msg: Msg::Save,
        footer: Some("s"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('u')],
        label: "discard",
        help: "discard the staged changes",
        when: can_discard,
        msg: Msg::Discard,
        footer: Some("u"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Settings,
        keys: &[ch('D')],
        label: "reset…",
        help: "reset DLP settings to defaults (account; asks first)",
        when: can_reset,
        msg: Msg::AskReset,
        footer: Some("D"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Run,
        keys: &[ch('p')],
        label: "pause",
        help: "pause the bulk run, or let it go on (requests in flight finish)",
        when: run_steerable,
        msg: Msg::PauseRun,
        footer: Some("p"),
        label_now: Some(pause_label),
    },
    Binding {
        context: KeyContext::Run,
        keys: &[code(KeyCode::Esc)],
        label: "stop run…",
        help: "stop the bulk run (asks; requests in flight finish, the rest are not sent)",
        when: run_steerable,
        msg: Msg::AskStopRun,
        footer: Some("esc"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "move",
        help: "move down",
        when: always,
        msg: Msg::Down,
        footer: Some("j/k"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('g'), code(KeyCode::Home)],
        label: "top",
        help: "to the first zone",
        when: always,
        msg: Msg::Top,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('G'), code(KeyCode::End)],
        label: "bottom",
        help: "to the last zone",
        when: always,
        msg: Msg::Bottom,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[code(KeyCode::PageDown), ctrl('d')],
        label: "page down",
        help: "move a page down",
        when: always,
        msg: Msg::PageDown,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[code(KeyCode::PageUp), ctrl('u')],
        label: "page up",
        help: "move a page up",
        when: always,
        msg: Msg::PageUp,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[code(KeyCode::Enter)],
        label: "open",
        help: "open the zone in the zone panel (its account follows)",
        when: has_fleet_row,
        msg: Msg::Activate,
        footer: Some("enter"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[code(KeyCode::Char(' '))],
        label: "mark",
        help: "mark or unmark the zone for a bulk change, and move down",
        when: has_fleet_row,
        msg: Msg::ToggleMark,
        footer: Some("space"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('b')],
        label: "change…",
        help: "bulk change of the marked zones (else the one under the cursor): pick it, read the plan, run it",
        when: can_bulk,
        msg: Msg::OpenBulk,
        footer: Some("b"),
        label_now: Some(bulk_label),
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('*')],
        label: "mark all",
        help: "mark every zone the filters show",
        when: has_shown_rows,
        msg: Msg::MarkShown,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('u')],
        label: "unmark",
        help: "unmark every zone",
        when: has_marks,
        msg: Msg::ClearMarks,
        footer: Some("u"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('/')],
        label: "filter",
        help: "filter the zones by name",
        when: always,
        msg: Msg::OpenFilter,
        footer: Some("/"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('o')],
        label: "not scanning",
        help: "only zones not scanning (again: all)",
        when: always,
        msg: Msg::ToggleQuick(Quick::NotScanning),
        footer: Some("o"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('v')],
        label: "unverified",
        help: "only zones whose email is not verified",
        when: always,
        msg: Msg::ToggleQuick(Quick::EmailNotVerified),
        footer: Some("v"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('p')],
        label: "pending",
        help: "only zones whose email is pending verification",
        when: always,
        msg: Msg::ToggleQuick(Quick::Pending),
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('l')],
        label: "locked",
        help: "only zones locked by Trust & Safety",
        when: always,
        msg: Msg::ToggleQuick(Quick::Locked),
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('x')],
        label: "unreadable",
        help: "only zones whose setting could not be read",
        when: always,
        msg: Msg::ToggleQuick(Quick::Error),
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('s')],
        label: "sort",
        help: "sort by what needs attention, zone, account or plan",
        when: always,
        msg: Msg::CycleSort,
        footer: Some("s"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('R')],
        label: "retry",
        help: "retry the last bulk run's failures that may work now (a new run, once)",
        when: can_retry_run,
        msg: Msg::RetryFailed,
        footer: Some("R"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Fleet,
        keys: &[ch('F')],
        label: "failed/unknown",
        help: "only the zones the last bulk run failed on or could not confirm (again: all)",
        when: had_run,
        msg: Msg::ToggleNeedsALook,
        footer: Some("F"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('z')],
        label: "zones",
        help: "pick a zone (recent ones first)",
        when: always,
        msg: Msg::OpenPicker(PickerKind::Zone),
        footer: Some("z"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('a')],
        label: "accounts",
        help: "pick an account",
        when: always,
        msg: Msg::OpenPicker(PickerKind::Account),
        footer: Some("a"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch(':')],
        label: "command",
        help: "open the command line",
        when: always,
        msg: Msg::OpenCommandLine,
        footer: Some(":"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('r')],
        label: "refresh",
        help: "reload the focused panel, or scan the fleet again",
        when: can_refresh,
        msg: Msg::Refresh,
        footer: Some("r"),
        label_now: Some(refresh_label),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('y')],
        label: "copy id",
        help: "copy the focused panel's id",
        when: has_id,
        msg: Msg::CopyId,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('L')],
        label: "changes",
        help: "show the last changes (the audit log)",
        when: always,
        msg: Msg::ToggleAudit,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[code(KeyCode::Esc)],
        label: "cancel/dismiss",
        help: "cancel a load; dismiss a message",
        when: can_escape,
        msg: Msg::Escape,
        footer: Some("esc"),
        label_now: Some(escape_label),
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('?')],
        label: "help",
        help: "show or hide this help",
        when: always,
        msg: Msg::ToggleHelp,
        footer: Some("?"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Global,
        keys: &[ch('q'), ctrl('c')],
        label: "quit",
        help: "quit (asks first if unsaved)",
        when: always,
        msg: Msg::Quit,
        footer: Some("q"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Enter)],
        label: "keep",
        help: "keep what was typed staged (in a bulk dialog: make the plan, run it)",
        when: always,
        msg: Msg::CommitEdit,
        footer: Some("enter"),
        label_now: Some(commit_label),
    },
    Binding {
        context: KeyContext::Editing,
        keys: &[code(KeyCode::Esc)],
        label: "abandon",
        help: "abandon what was typed",
        when: always,
        msg: Msg::CancelEdit,
        footer: Some("esc"),
        label_now: Some(abandon_label),
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('y')],
        label: "yes",
        help: "confirm",
        when: always,
        msg: Msg::Confirm,
        footer: Some("y"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('n'), code(KeyCode::Esc)],
        label: "no",
        help: "cancel (the default)",
        when: always,
        msg: Msg::Deny,
        footer: Some("n"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[
            code(KeyCode::Tab),
            code(KeyCode::Left),
            code(KeyCode::Right),
            ch('h'),
            ch('l'),
        ],
        label: "choose",
        help: "move between the choices",
        when: always,
        msg: Msg::ToggleChoice,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[code(KeyCode::Enter)],
        label: "select",
        help: "take the highlighted choice",
        when: always,
        msg: Msg::Choose,
        footer: Some("enter"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "move",
        help: "move down a list (the change menu, the plan's zones)",
        when: dialog_has_list,
        msg: Msg::Down,
        footer: Some("j/k"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "move up a list",
        when: dialog_has_list,
        msg: Msg::Up,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[code(KeyCode::PageDown)],
        label: "page down",
        help: "a page down a list",
        when: dialog_has_list,
        msg: Msg::PageDown,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Dialog,
        keys: &[code(KeyCode::PageUp)],
        label: "page up",
        help: "a page up a list",
        when: dialog_has_list,
        msg: Msg::PageUp,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Help,
        keys: &[ch('?'), code(KeyCode::Esc), ch('q')],
        label: "close",
        help: "close the help",
        when: always,
        msg: Msg::ToggleHelp,
        footer: Some("?"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Audit,
        keys: &[ch('j'), code(KeyCode::Down)],
        label: "scroll",
        help: "scroll down",
        when: always,
        msg: Msg::Down,
        footer: Some("j/k"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Audit,
        keys: &[ch('k'), code(KeyCode::Up)],
        label: "up",
        help: "scroll up",
        when: always,
        msg: Msg::Up,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Audit,
        keys: &[code(KeyCode::Esc), ch('L'), ch('q')],
        label: "close",
        help: "close the last changes",
        when: always,
        msg: Msg::ToggleAudit,
        footer: Some("esc"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Down), ctrl('n')],
        label: "move",
        help: "move down (more zones load as you scroll)",
        when: always,
        msg: Msg::Down,
        footer: Some("↓/↑"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Up), ctrl('p')],
        label: "up",
        help: "move up",
        when: always,
        msg: Msg::Up,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::PageDown)],
        label: "page down",
        help: "move a page down",
        when: always,
        msg: Msg::PageDown,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::PageUp)],
        label: "page up",
        help: "move a page up",
        when: always,
        msg: Msg::PageUp,
        footer: None,
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Enter)],
        label: "choose",
        help: "open the highlighted entry (asks first when edits are unsaved)",
        when: always,
        msg: Msg::Activate,
        footer: Some("enter"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[ctrl('r')],
        label: "retry",
        help: "load the page that failed again",
        when: picker_failed,
        msg: Msg::Refresh,
        footer: Some("ctrl-r"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Picker,
        keys: &[code(KeyCode::Esc)],
        label: "close",
        help: "close the picker",
        when: always,
        msg: Msg::Escape,
        footer: Some("esc"),
        label_now: None,
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Enter)],
        label: "run",
        help: "run the command",
        when: always,
        msg: Msg::Activate,
        footer: Some("enter"),
        label_now: None,
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Tab)],
        label: "complete",
        help: "complete a zone name from the zones seen so far",
        when: always,
        msg: Msg::Complete,
        footer: Some("tab"),
        label_now: None,
    },
    Binding {
        context: KeyContext::CommandLine,
        keys: &[code(KeyCode::Esc)],
        label: "cancel",
        help: "close the command line",
        when: always,
        msg: Msg::Escape,
        footer: Some("esc"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Gate,
        keys: &[ch('r')],
        label: "retry",
        help: "check the credentials again",
        when: can_retry_gate,
        msg: Msg::Refresh,
        footer: Some("r"),
        label_now: None,
    },
    Binding {
        context: KeyContext::Gate,
        keys: &[ch('q'), ctrl('c')],
        label: "quit",
        help: "quit",
        when: always,
        msg: Msg::Quit,
        footer: Some("q"),
        label_now: None,
    },
];
